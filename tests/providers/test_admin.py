"""A curator's day, in the admin alone: fix a price, lock it, map an unmatched id, approve a held change, run a sync
and see what it did; with roles that keep editors away from users."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from catalog.models import LanguageModel, ModelAlias
from providers.models import ChangeEvent, Disagreement, HeldChange, Offering, Price, SyncRun, UnmatchedId
from providers.roles import EDITOR_GROUP
from providers.sync.run import run_sync

User = get_user_model()


@pytest.fixture
def editor(db):
    user = User.objects.create_user("ed", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return user


@pytest.fixture
def curator(client, editor, load_fixture_catalog):
    load_fixture_catalog()
    client.force_login(editor)
    return client


def form_data(response) -> dict:
    """What the browser would post back: the change form's current values, inline formsets included."""
    data: dict = {}
    adminform = response.context["adminform"]
    for name in adminform.form.fields:
        value = adminform.form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    try:
        inlines = response.context["inline_admin_formsets"]
    except KeyError:  # simple-history's revert page has no inlines
        inlines = []
    for inline in inlines:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.initial_forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None and not isinstance(value, bool):
                    data[form.add_prefix(name)] = str(value)
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
    return data


def mini() -> LanguageModel:
    return LanguageModel.objects.get(slug="openai/gpt-4o-mini")


def test_a_non_staff_user_cannot_reach_the_admin(client, db):
    client.force_login(User.objects.create_user("visitor"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_editor_curates_but_cannot_manage_users(curator):
    assert curator.get("/admin/catalog/languagemodel/").status_code == 200
    assert curator.get("/admin/auth/user/").status_code == 403
    assert curator.get("/admin/auth/group/").status_code == 403


def test_an_editor_can_edit_the_sync_schedule(curator):
    assert curator.get("/admin/django_celery_beat/periodictask/").status_code == 200
    assert curator.get("/admin/django_celery_beat/periodictask/add/").status_code == 403  # edit, not add


def test_the_index_counts_open_review_items(curator):
    UnmatchedId.objects.create(
        source="litellm", external_id="gpt-4o-mni", first_seen_at="2026-11-01T00:00Z", last_seen_at="2026-11-01T00:00Z"
    )
    response = curator.get("/admin/")
    counts = {label: count for label, count, _ in response.context["review_queues"]}
    assert counts["Unmatched ids to map"] == 1
    assert counts["Held price changes to review"] == 0
    assert "Review queues" in response.content.decode()


def test_a_curator_fixes_a_wrong_price_on_its_route_and_the_fix_survives_syncs(curator):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    url = f"/admin/providers/offering/{route.pk}/change/"
    data = form_data(curator.get(url))
    inputs = [key for key, value in data.items() if key.endswith("-component") and value == "input"]
    data[inputs[0].replace("-component", "-usd")] = "0.16"
    # The old figure's source, left in the form, did not state the new one: the curator must say where it comes from.
    refused = curator.post(url, data)
    assert refused.status_code == 200
    assert "A changed price needs its own source" in refused.content.decode()
    data[inputs[0].replace("-component", "-source_name")] = "Azure pricing page, read by Ed"
    data[inputs[0].replace("-component", "-source_url")] = "https://azure.microsoft.com/pricing/"
    response = curator.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    rows = list(Price.objects.filter(offering=route, component="input").order_by("effective_from"))
    assert [(r.usd, r.source, r.effective_to is None) for r in rows] == [
        (Decimal("0.165"), "curated", False),
        (Decimal("0.16"), "curator", True),
    ]
    assert rows[1].source_name == "Azure pricing page, read by Ed"
    assert ChangeEvent.objects.get(kind="price_changed").actor == "ed"
    run_sync("curated")  # the file still says 0.165: the curator's price is locked by its rank
    assert Price.objects.current().get(offering=route, component="input").usd == Decimal("0.16")


def test_a_negative_price_is_refused_in_the_form_and_nothing_changes(curator):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    url = f"/admin/providers/offering/{route.pk}/change/"
    data = form_data(curator.get(url))
    key = next(k for k, v in data.items() if k.endswith("-component") and v == "output")
    data[key.replace("-component", "-usd")] = "-0.6"
    before = list(Price.objects.values_list("pk", "usd", "effective_to"))
    response = curator.post(url, data)
    assert response.status_code == 200
    assert "A price cannot be negative." in response.content.decode()
    assert list(Price.objects.values_list("pk", "usd", "effective_to")) == before


def test_a_curator_edits_a_fact_which_is_then_locked_and_can_be_unlocked(curator):
    url = f"/admin/catalog/languagemodel/{mini().pk}/change/"
    data = form_data(curator.get(url))
    data["context_window"] = "120000"
    assert curator.post(url, data).status_code == 302
    assert mini().locked_fields["context_window"]["by"] == "ed"
    assert "context_window — locked by ed" in curator.get(url).content.decode()
    run_sync("curated")
    assert mini().context_window == 120000
    assert Disagreement.objects.get(field="context_window").other_value == "128000"
    data = form_data(curator.get(url))
    data["unlock"] = ["context_window"]
    assert curator.post(url, data).status_code == 302
    run_sync("curated")
    assert mini().context_window == 128000


def test_a_model_cannot_be_its_own_successor(curator):
    url = f"/admin/catalog/languagemodel/{mini().pk}/change/"
    data = form_data(curator.get(url))
    data["successor"] = str(mini().pk)
    response = curator.post(url, data)
    assert response.status_code == 200
    assert "A model cannot be its own successor." in response.content.decode()


def test_history_is_kept_per_object_and_revertible(curator):
    url = f"/admin/catalog/languagemodel/{mini().pk}/change/"
    data = form_data(curator.get(url))
    data["name"] = "GPT-4o mini (renamed)"
    curator.post(url, data)
    history = curator.get(f"/admin/catalog/languagemodel/{mini().pk}/history/")
    assert history.status_code == 200
    assert "ed" in history.content.decode()
    first = mini().history.order_by("history_date").first()
    revert_url = f"/admin/catalog/languagemodel/{mini().pk}/history/{first.history_id}/"
    revert_data = form_data(curator.get(revert_url))
    assert curator.post(revert_url, revert_data).status_code == 302
    assert mini().name == "GPT-4o mini"


def test_a_curator_maps_an_unmatched_id_in_one_step(curator):
    unmatched = UnmatchedId.objects.create(
        source="litellm",
        external_id="openai/gpt-4o-mini-custom",
        first_seen_at="2026-11-01T00:00Z",
        last_seen_at="2026-11-01T00:00Z",
    )
    url = f"/admin/providers/unmatchedid/{unmatched.pk}/change/"
    data = form_data(curator.get(url))
    data["map_to"] = str(mini().pk)
    assert curator.post(url, data).status_code == 302
    assert ModelAlias.objects.get(source="litellm", external_id="openai/gpt-4o-mini-custom").model == mini()
    unmatched.refresh_from_db()
    assert unmatched.status == "mapped"


def test_a_curator_creates_a_new_model_for_an_unmatched_id(curator):
    unmatched = UnmatchedId.objects.create(
        source="modelsdev", external_id="gpt-9", first_seen_at="2026-11-01T00:00Z", last_seen_at="2026-11-01T00:00Z"
    )
    url = f"/admin/providers/unmatchedid/{unmatched.pk}/change/"
    data = form_data(curator.get(url))
    data.update(new_model_slug="openai/gpt-9", new_model_name="GPT-9")
    assert curator.post(url, data).status_code == 302
    assert ModelAlias.objects.get(source="modelsdev", external_id="gpt-9").model.slug == "openai/gpt-9"


def test_a_curator_approves_a_held_change_and_rejects_another_with_a_reason(curator):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openrouter")
    old = Price.objects.current().get(offering=route, component="input")
    held = HeldChange.objects.create(
        offering=route,
        component="input",
        unit="per_1m_tokens",
        service_tier="standard",
        old_usd=old.usd,
        new_usd=Decimal("150"),
        reason="looks like a unit error: x1000",
        source="openrouter",
        verified_on="2026-11-01",
    )
    other = HeldChange.objects.create(
        offering=route,
        component="output",
        unit="per_1m_tokens",
        service_tier="standard",
        old_usd=Decimal("0.6"),
        new_usd=Decimal("6"),
        reason="changes by more than 5x (x10.0)",
        source="openrouter",
        verified_on="2026-11-01",
    )
    changelist = "/admin/providers/heldchange/"
    curator.post(changelist, {"action": "approve", "_selected_action": [held.pk]})
    assert Price.objects.current().get(offering=route, component="input").usd == Decimal("150")
    held.refresh_from_db()
    assert held.status == "approved"
    page = curator.post(changelist, {"action": "reject", "_selected_action": [other.pk]})
    assert "Why the change is wrong." in page.content.decode()  # asks for the reason first
    curator.post(
        changelist,
        {
            "action": "reject",
            "_selected_action": [other.pk],
            "apply": "1",
            "reason": "OpenRouter's promo, not a list price",
        },
    )
    other.refresh_from_db()
    assert (other.status, other.review_note) == ("rejected", "OpenRouter's promo, not a list price (ed)")
    assert Price.objects.current().get(offering=route, component="output").usd == Decimal("0.6")


def test_a_curator_settles_a_disagreement_by_taking_the_other_value(curator):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    Disagreement.objects.create(
        model=mini(),
        offering=route,
        kind="price",
        component="input",
        service_tier="standard",
        tier_min_tokens=0,
        field="Azure OpenAI: input",
        kept_value="0.165",
        kept_source="curated",
        other_value="0.15",
        other_source="openrouter",
        first_seen_at="2026-11-01T00:00Z",
        last_seen_at="2026-11-01T00:00Z",
    )
    curator.post(
        "/admin/providers/disagreement/",
        {"action": "use_other", "_selected_action": list(Disagreement.objects.values_list("pk", flat=True))},
    )
    price = Price.objects.current().get(offering=route, component="input")
    assert (price.usd, price.source) == (Decimal("0.15"), "curator")
    assert Disagreement.objects.get().status == "resolved"


def test_the_disagreement_queue_counts_open_rows_by_kind(curator):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    common = {"model": mini(), "first_seen_at": "2026-11-01T00:00Z", "last_seen_at": "2026-11-01T00:00Z"}
    for component in ("input", "output"):
        Disagreement.objects.create(
            **common,
            offering=route,
            kind="price",
            component=component,
            service_tier="standard",
            tier_min_tokens=0,
            field=f"Azure OpenAI: {component}",
            kept_value="1",
            kept_source="curated",
            other_value="2",
            other_source="litellm",
        )
    Disagreement.objects.create(
        **common,
        kind="model_fact",
        fact="knowledge_cutoff",
        field="knowledge_cutoff",
        kept_value="2023-10",
        kept_source="curated",
        other_value="2024-06",
        other_source="litellm",
    )
    page = curator.get("/admin/providers/disagreement/").content.decode()
    assert "Open disagreements: 2 prices (input 1, output 1); 1 model facts (knowledge_cutoff 1)" in page
    assert curator.get("/admin/providers/disagreement/?kind__exact=price&component__exact=input").status_code == 200


def test_a_curator_runs_a_sync_and_sees_what_it_did(curator, django_capture_on_commit_callbacks, monkeypatch):
    from config.celery import app

    # In-process here, whatever the broker: the real worker has its own tests (test_tasks.py).
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    page = curator.get("/admin/providers/syncrun/sync-now/")
    assert "Sync curated now" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post("/admin/providers/syncrun/sync-now/", {"source": "curated"})
    assert response.status_code == 302
    run = SyncRun.objects.get(triggered_by="admin:ed")
    assert (run.status, run.stage, run.created, run.updated) == ("succeeded", "finished", 0, 0)
    detail = curator.get(f"/admin/providers/syncrun/{run.pk}/change/").content.decode()
    assert "36 unchanged" not in detail  # the counts are shown as fields, not prose
    assert "0 change events" in detail
    listing = curator.get("/admin/providers/syncrun/").content.decode()
    assert "Sync a source now" in listing


def test_sync_now_refuses_an_unknown_source(curator):
    response = curator.post("/admin/providers/syncrun/sync-now/", {"source": "nope"}, follow=True)
    assert "Unknown source “nope”" in response.content.decode()
    assert not SyncRun.objects.filter(triggered_by="admin:ed").exists()


def test_a_curator_corrects_a_score_and_the_next_sync_keeps_it(curator):
    from benchmarks.models import Benchmark, BenchmarkScore

    mmlu = Benchmark.objects.get(slug="mmlu")
    response = curator.post(
        "/admin/benchmarks/benchmarkscore/add/",
        {
            "model": mini().pk,
            "benchmark": mmlu.pk,
            "value": "82.5",
            "version": "5-shot",
            "source_url": "https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/",
            "self_reported": "on",
        },
    )
    assert response.status_code == 302
    score = BenchmarkScore.objects.get(model=mini(), benchmark=mmlu, source="curator")
    assert (score.value, score.version, score.history.first().history_user.username) == (
        Decimal("82.5"),
        "5-shot",
        "ed",
    )
    run_sync("curated")
    assert BenchmarkScore.objects.get(pk=score.pk).value == Decimal("82.5")
    bad = curator.post(
        "/admin/benchmarks/benchmarkscore/add/",
        {"model": mini().pk, "benchmark": mmlu.pk, "value": "182", "self_reported": "on"},
    )
    assert bad.status_code == 200  # over 100 on a percent scale: refused in the form


def test_the_admin_shows_numbers_and_lists_as_people_read_them(curator):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    page = curator.get(f"/admin/providers/offering/{route.pk}/change/").content.decode()
    assert 'value="0.075"' in page
    assert "0.075000000" not in page
    assert "css/admin.css" in page
    listing = curator.get("/admin/catalog/languagemodel/").content.decode()
    assert '<span title="128,000 tokens">128K</span>' in listing
    LanguageModel.objects.filter(pk=mini().pk).update(supported_parameters=["temperature", "top_p", "tools"])
    url = f"/admin/catalog/languagemodel/{mini().pk}/change/"
    assert "temperature, top_p, tools</textarea>" in curator.get(url).content.decode()
    data = form_data(curator.get(url))
    data["supported_parameters"] = "temperature, top_p,\nseed"
    assert curator.post(url, data).status_code == 302
    assert mini().supported_parameters == ["temperature", "top_p", "seed"]
    run = run_sync("curated")
    detail = curator.get(f"/admin/providers/syncrun/{run.pk}/change/").content.decode()
    assert "<table><tr><th>Kind</th>" in detail
    assert '{"' not in detail.split("Counts by kind of row")[1][:400]
