"""A person's edits: validated, locked against syncs, kept in history with who and when, and releasable."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from catalog.models import LanguageModel
from providers import curation
from providers.models import ChangeEvent, Disagreement, Offering, Price
from providers.sync.run import run_sync


@pytest.fixture
def ana(db):
    return get_user_model().objects.create_user("ana", is_staff=True)


def mini() -> LanguageModel:
    return LanguageModel.objects.get(slug="openai/gpt-4o-mini")


def test_an_edited_fact_is_locked_and_survives_the_next_sync(synced_copy, ana):
    assert curation.edit_model(mini(), {"context_window": 120000}, user=ana) == ["context_window"]
    model = mini()
    assert model.locked_fields["context_window"]["by"] == "ana"
    event = ChangeEvent.objects.get(kind="model_changed", actor="ana")
    assert (event.field, event.old_value, event.new_value) == ("context_window", "128000", "120000")
    # The curated file still says 128000: the sync keeps the curator's value and shows the file's for review.
    run = run_sync("curated")
    assert mini().context_window == 120000
    assert run.updated == 0
    disagreement = Disagreement.objects.get(field="context_window")
    assert (disagreement.kept_value, disagreement.kept_source, disagreement.other_value) == (
        "120000",
        "curator lock",
        "128000",
    )


def test_unlocking_lets_the_sources_value_flow_again(synced_copy, ana):
    curation.edit_model(mini(), {"context_window": 131072}, user=ana)
    assert curation.unlock_fields(mini(), ["context_window"], user=ana) == ["context_window"]
    run_sync("curated")
    assert mini().context_window == 128000


def test_an_edit_is_kept_in_history_with_its_author(synced_copy, ana):
    curation.edit_model(mini(), {"name": "GPT-4o mini (2024)", "capabilities": ["vision"]}, user=ana)
    latest = mini().history.first()
    assert (latest.name, latest.history_user, latest.history_type) == ("GPT-4o mini (2024)", ana, "~")
    assert sorted(c.slug for c in mini().capabilities.all()) == ["vision"]
    # Sync writes make no history rows (they have change events instead).
    before = LanguageModel.history.count()
    run_sync("curated")
    assert LanguageModel.history.count() == before


def test_a_curators_price_closes_the_old_period_and_outranks_every_sync(synced_copy, ana):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    curation.set_price(
        route,
        component="input",
        unit="per_1m_tokens",
        usd=Decimal("0.16"),
        user=ana,
        source_url="https://azure.microsoft.com/pricing/",
    )
    rows = list(Price.objects.filter(offering=route, component="input").order_by("effective_from"))
    assert [(r.usd, r.source) for r in rows] == [(Decimal("0.165"), "curated"), (Decimal("0.16"), "curator")]
    assert rows[0].effective_to == rows[1].effective_from
    run_sync("curated")  # the file still says 0.165
    assert Price.objects.current().get(offering=route, component="input").usd == Decimal("0.16")
    assert ChangeEvent.objects.filter(kind="price_changed", actor="ana").count() == 1


def test_a_released_price_is_replaced_by_the_next_sync(synced_copy, ana):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    price = curation.set_price(route, component="input", unit="per_1m_tokens", usd=Decimal("0.16"), user=ana)
    curation.release_price(price, user=ana)
    run_sync("curated")
    assert Price.objects.current().get(offering=route, component="input").usd == Decimal("0.165")


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"usd": Decimal("-1")}, "usd"),
        ({"usd": Decimal("150000")}, "usd"),
        ({"unit": None}, "unit"),
        ({"unit": "per_image"}, "unit"),
        ({"component": "outptu"}, "component"),
        ({"tier_min_tokens": 128000}, "tier_min_tokens"),  # the context window, not a tier
    ],
)
def test_a_price_that_breaks_a_rule_is_refused_and_nothing_changes(synced_copy, ana, fields, problem):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    before = list(Price.objects.values_list("pk", "usd", "effective_to"))
    arguments = {"component": "input", "unit": "per_1m_tokens", "usd": Decimal("0.2"), **fields}
    with pytest.raises(ValidationError) as error:
        curation.set_price(route, user=ana, **arguments)
    assert problem in error.value.message_dict
    assert list(Price.objects.values_list("pk", "usd", "effective_to")) == before


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"knowledge_cutoff": "Oct 2023"}, "knowledge_cutoff"),
        ({"max_output_tokens": 200000}, "max_output_tokens"),
        ({"context_window": 0}, "context_window"),
    ],
)
def test_a_model_edit_that_breaks_a_rule_is_refused(synced_copy, ana, changes, problem):
    with pytest.raises(ValidationError) as error:
        curation.edit_model(mini(), changes, user=ana)
    assert problem in error.value.message_dict
    assert mini().locked_fields == {}


def test_a_model_cannot_succeed_itself(synced_copy, ana):
    with pytest.raises(ValidationError, match="own successor"):
        curation.edit_model(mini(), {"successor": mini()}, user=ana)


def test_a_curator_adds_a_model_and_a_route_by_hand(synced_copy, ana):
    from catalog.models import Lab
    from providers.models import Provider

    model = curation.create_model(
        lab=Lab.objects.get(slug="openai"),
        slug_part="gpt-x",
        name="GPT-X",
        user=ana,
        context_window=64000,
        capabilities=["tool_calling"],
    )
    assert set(model.locked_fields) == {"name", "context_window", "capabilities"}
    route = curation.create_offering(
        model=model, provider=Provider.objects.get(slug="openai"), provider_model_id="gpt-x", user=ana
    )
    assert route.source == "curator"
    with pytest.raises(ValidationError):
        curation.create_model(lab=model.lab, slug_part="gpt-x", name="again", user=ana)


def test_a_curators_new_figure_never_keeps_the_old_rows_source(synced_copy, ana):
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    old = Price.objects.current().get(offering=route, component="input")
    price = curation.set_price(
        route,
        component="input",
        unit="per_1m_tokens",
        usd=Decimal("0.16"),
        user=ana,
        source_url=old.source_url,
        source_name=old.source_name,
        published=old.published,
    )
    assert (price.source, price.source_name, price.source_url, price.published) == ("curator", "curated by ana", "", "")
    assert price.verified_on == price.effective_from.date()
