"""The OpenRouter source on recorded payloads in its real shape: every quirk of ../shared/data/README.md."""

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest

from catalog.models import Lab, LanguageModel
from providers.models import Offering, Price, Provider, SyncPayload, SyncRun
from providers.sync.run import run_sync
from providers.sync.sources.base import Known
from providers.sync.sources.openrouter import OpenRouterSource
from tests.payload_server import Reply
from tests.providers.conftest import load_fixture

KNOWN = Known(
    labs=frozenset({"openai", "meta", "google"}),
    providers=frozenset({"openrouter", "openai"}),
    as_of=dt.date(2026, 11, 22),
)


def parse(models, endpoints=None, known=KNOWN):
    raw = {"models": models, "endpoints": endpoints or {}, "base_url": "https://openrouter.ai/api/v1"}
    return OpenRouterSource("https://openrouter.ai/api/v1").normalize(raw, known)


@pytest.fixture
def fixture_models():
    return (
        load_fixture("openrouter", "models-page1.json")["data"]
        + load_fixture("openrouter", "models-page2.json")["data"]
    )


def by_slug(batch):
    return {record.slug: record for record in batch.models}


def prices(record, provider="openrouter", tier="standard"):
    [route] = [o for o in record.offerings if o.provider == provider]
    return {(p.component, p.tier_min_tokens): p.usd for p in route.prices if p.service_tier == tier}


def test_it_converts_per_token_strings_to_per_million(fixture_models):
    mini = by_slug(parse(fixture_models))["openai/gpt-4o-mini"]
    assert prices(mini) == {
        ("input", 0): Decimal("0.15"),
        ("output", 0): Decimal("0.6"),
        ("cache_read", 0): Decimal("0.075"),
    }
    assert mini.name == "GPT-4o-mini"  # "OpenAI: " prefix dropped
    assert mini.knowledge_cutoff == "2023-10-31"


def test_it_rounds_away_float_artefacts(fixture_models):
    glm = by_slug(parse(fixture_models))["z-ai/glm-4.6"]
    assert prices(glm)[("input", 0)] == Decimal("0.9")


def test_a_router_is_not_a_model(fixture_models):
    batch = parse(fixture_models)
    assert "openrouter/auto" not in by_slug(batch)
    assert batch.skipped["router, not a model: openrouter/auto"] == 1


def test_the_router_ids_are_identitys_and_the_payloads_signals_the_adapters(monkeypatch):
    """One home for router ids (identity.ROUTER_IDS): an id listed there is skipped before identity even when its
    payload looks like a priced model; the adapter adds only what the payload says (`-1`, tokenizer Router)."""
    from providers.sync import identity

    monkeypatch.setattr(identity, "ROUTER_IDS", identity.ROUTER_IDS | {"openrouter/new-router"})

    def entry(model_id, pricing=None, tokenizer="GPT"):
        return {
            "id": model_id,
            "name": model_id,
            "pricing": pricing or {"prompt": "0.000001", "completion": "0.000002"},
            "architecture": {"tokenizer": tokenizer, "input_modalities": ["text"], "output_modalities": ["text"]},
        }

    batch = parse(
        [
            entry("openrouter/new-router"),  # priced like a model, but identity lists the id
            entry("openrouter/free"),
            entry("openrouter/pareto-code", {"prompt": "-1", "completion": "-1"}),  # the payload's `-1`
            entry("openai/gpt-router", tokenizer="Router"),  # the payload's tokenizer
        ]
    )
    assert batch.models == []
    assert batch.skipped["router, not a model: openrouter/new-router"] == 1
    assert batch.skipped["router, not a model: openrouter/free"] == 1
    assert batch.skipped["router, not a model: openrouter/pareto-code"] == 1
    assert batch.skipped["router or moving alias (tokenizer Router), not a model"] == 1


def test_a_zero_optional_price_is_not_a_price_but_an_omitted_completion_is_free(fixture_models):
    models = by_slug(parse(fixture_models))
    assert ("request", 0) not in prices(models["z-ai/glm-4.6"])
    assert prices(models["qwen/qwen3-8b"]) == {("input", 0): Decimal("0.035"), ("output", 0): Decimal(0)}


def test_created_is_never_a_release_date(fixture_models):
    assert all(record.release_date is None for record in parse(fixture_models).models)


def test_the_2098_sentinel_means_never_and_a_past_expiry_retires_the_route(fixture_models):
    models = by_slug(parse(fixture_models))
    assert models["z-ai/glm-4.6"].offerings[0].status == "active"
    assert models["mistral/mistral-large-2407"].offerings[0].status == "retired"


def test_overrides_become_strict_tiers_and_later_entries_win_key_by_key(fixture_models):
    batch = parse(fixture_models)
    gemini = prices(by_slug(batch)["google/gemini-2.5-pro"])
    assert gemini[("input", 200000)] == Decimal("2.5")
    assert gemini[("output", 200000)] == Decimal("16")  # the third entry overrides the first's completion
    assert gemini[("cache_read", 200000)] == Decimal("0.25")
    assert gemini[("input", 0)] == Decimal("1.25")
    assert batch.skipped["time-window price override (not modelled)"] == 1


def test_variants_are_the_same_model_and_not_its_price(fixture_models):
    batch = parse(fixture_models)
    llama = by_slug(batch)["meta/llama-3.3-70b-instruct"]
    assert ("openrouter", "meta-llama/llama-3.3-70b-instruct:free") in llama.aliases
    assert prices(llama)[("input", 0)] == Decimal("0.1")  # not the free variant's 0
    # ...which is the free, rate-limited tier of the same OpenRouter route.
    assert prices(llama, tier="free") == {("input", 0): Decimal(0), ("output", 0): Decimal(0)}
    assert [o.provider for o in llama.offerings].count("openrouter") == 1
    assert "(free)" not in (llama.name or "")
    assert llama.open_weights is True  # it has a Hugging Face id


def test_a_dated_snapshot_id_without_an_alias_is_a_linked_snapshot(fixture_models):
    known = Known(
        labs=KNOWN.labs, providers=KNOWN.providers, models=frozenset({"openai/gpt-4o-mini"}), as_of=KNOWN.as_of
    )
    models = by_slug(parse(fixture_models, known=known))
    snapshot = models["openai/gpt-4o-mini-2024-07-18"]
    assert snapshot.snapshot_of == "openai/gpt-4o-mini"


def test_non_chat_models_are_skipped_with_a_reason(fixture_models):
    batch = parse(fixture_models)
    assert "openai/text-embedding-3-small" not in by_slug(batch)
    assert batch.skipped["not a chat model: outputs embeddings"] == 1


def test_a_new_lab_namespace_creates_the_lab(fixture_models):
    batch = parse(fixture_models)
    assert {lab.slug: lab.name for lab in batch.labs}["z-ai"] == "Z.AI"


def test_rows_with_bad_prices_are_rejected_with_id_and_field(fixture_models):
    bad = json.loads(json.dumps(fixture_models[0]))
    bad["pricing"]["completion"] = "abc"
    negative = json.loads(json.dumps(fixture_models[2]))
    negative["pricing"]["prompt"] = "-0.0001"
    absurd = json.loads(json.dumps(fixture_models[5]))
    absurd["pricing"]["prompt"] = "0.15"  # per token: $150,000 per 1M, a unit error upstream
    batch = parse([bad, negative, absurd, {"name": "no id"}, {"id": "x/y"}])
    found = {(r.entry, r.field) for r in batch.rejections}
    assert found == {
        ("openai/gpt-4o-mini", "pricing.completion"),
        ("meta-llama/llama-3.3-70b-instruct", "pricing.prompt"),
        ("google/gemini-2.5-pro", "pricing.prompt"),
        ("models[3]", "id"),
        ("x/y", "pricing"),
    }
    mini = by_slug(batch)["openai/gpt-4o-mini"]
    assert prices(mini)[("input", 0)] == Decimal("0.15")  # the rest of the row still loads
    assert not mini.offerings[0].prices_complete


def test_endpoints_become_routes_with_speed_latency_and_uptime(fixture_models):
    endpoints = {"openai/gpt-4o-mini": load_fixture("openrouter", "endpoints-gpt-4o-mini.json")}
    batch = parse(fixture_models, endpoints)
    mini = by_slug(batch)["openai/gpt-4o-mini"]
    routes = {(o.provider, o.quantization): o for o in mini.offerings}
    assert set(routes) == {("openrouter", ""), ("openai", ""), ("azure-openai", ""), ("deepinfra", "fp8")}
    azure = routes[("azure-openai", "")]
    assert (azure.latency_p50_ms, azure.throughput_tps, azure.uptime_pct) == (550, Decimal("88.20"), Decimal("99.800"))
    assert routes[("deepinfra", "fp8")].context_window == 32768
    assert {p.slug for p in batch.providers} == {"openrouter", "azure-openai", "deepinfra"}  # unknown to KNOWN: created


def test_a_failed_endpoints_call_keeps_the_model_and_is_counted(fixture_models):
    batch = parse(fixture_models, {"openai/gpt-4o-mini": {"__error__": "GET ...: HTTP 500"}})
    mini = by_slug(batch)["openai/gpt-4o-mini"]
    assert [o.provider for o in mini.offerings] == ["openrouter"]
    assert not mini.routes_complete
    assert batch.partial_failures["endpoints call failed (model-level data kept)"] == 1


def test_the_real_file_parses_without_rejections(shared_data):
    body = json.loads((shared_data / "openrouter" / "models-2026-05-15.json").read_text())
    batch = parse(body["data"])
    assert batch.rejections == []
    assert len(batch.models) > 300
    mini = by_slug(batch)["openai/gpt-4o-mini"]
    assert prices(mini) == {
        ("input", 0): Decimal("0.15"),
        ("output", 0): Decimal("0.6"),
        ("cache_read", 0): Decimal("0.075"),
    }
    assert ("openrouter", "openai/gpt-4o-mini-2024-07-18") not in mini.aliases  # a snapshot of its own
    assert batch.skipped["router, not a model: openrouter/auto"] == 1
    assert batch.skipped["router or moving alias (tokenizer Router), not a model"] >= 8  # the `~…-latest` entries
    routers = {"openrouter/auto", "openrouter/free", "openrouter/pareto-code", "openrouter/bodybuilder"}
    assert not [m.slug for m in batch.models if m.slug in routers or m.lab.startswith("~")]
    assert not [m.name for m in batch.models if "(free)" in (m.name or "")]
    free_only = by_slug(batch)["poolside/laguna-m.1"]  # listed only as `:free`: it still has its route
    assert {p.service_tier for o in free_only.offerings for p in o.prices} == {"free"}


# --- end to end, through a real HTTP server on 127.0.0.1 ---------------------------------------------------


def test_a_sync_follows_pages_reads_endpoints_and_writes_the_catalog(db, openrouter_feed):
    run = run_sync("openrouter")
    assert run.status == "succeeded", run.error
    assert openrouter_feed.hits("/api/v1/models?offset=5") == 1
    assert LanguageModel.objects.filter(slug="z-ai/glm-4.6").exists()
    assert Lab.objects.get(slug="z-ai").name == "Z.AI"
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    routes = {o.provider.slug: o for o in Offering.objects.filter(model=mini).select_related("provider")}
    assert set(routes) == {"openrouter", "openai", "azure-openai", "deepinfra"}
    assert routes["openai"].latency_p50_ms == 420
    assert Provider.objects.get(slug="deepinfra").kind == "inference_host"
    # Every other model's endpoints answered 404: counted, not fatal.
    assert run.partial_failures == {"endpoints call failed (model-level data kept)": 6}  # not the router's
    payload = SyncPayload.objects.get(sync_run=run)
    assert payload.size_bytes > len(payload.compressed) > 0


def test_a_second_identical_sync_writes_nothing(db, openrouter_feed):
    run_sync("openrouter")
    prices_before = Price.objects.count()
    again = run_sync("openrouter")
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert Price.objects.count() == prices_before


def test_a_kept_payload_can_be_replayed(db, openrouter_feed):
    first = run_sync("openrouter")
    Price.objects.all().delete()
    Offering.objects.all().delete()
    replay = run_sync("openrouter", replay=first.pk)
    assert replay.status == "succeeded"
    assert Offering.objects.filter(model__slug="openai/gpt-4o-mini", provider__slug="openai").exists()


def test_the_api_key_is_sent_only_when_set(db, openrouter_feed, settings):
    OpenRouterSource().fetch(httpx.Client())
    assert "Authorization" not in openrouter_feed.requests[0][1]
    settings.OPENROUTER_API_KEY = "sk-test"
    OpenRouterSource().fetch(httpx.Client())
    assert openrouter_feed.requests[-1][1]["Authorization"] == "Bearer sk-test"


def test_the_run_records_what_it_skipped(db, openrouter_feed):
    run = run_sync("openrouter")
    assert run.skipped["not a chat model: outputs embeddings"] == 1
    assert SyncRun.objects.get(pk=run.pk).skipped == run.skipped


def test_the_command_replays_a_kept_payload_and_refuses_one_that_does_not_exist(db, openrouter_feed, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    first = run_sync("openrouter")
    openrouter_feed.add("/api/v1/models", Reply(status=500))  # the source is down; the payload is not needed
    call_command("sync", "openrouter", "--replay", str(first.pk))
    assert "0 created, 0 updated" in capsys.readouterr().out
    with pytest.raises(CommandError, match="kept no payload"):
        call_command("sync", "openrouter", "--replay", "999999")


# --- links under a base URL with a path prefix, and latency units -------------------------------------------------


@pytest.mark.parametrize(
    ("base", "link", "expected"),
    [
        (
            "http://mirror/prefix/api/v1",
            "/api/v1/models/openai/gpt-4o-mini/endpoints",
            "http://mirror/prefix/api/v1/models/openai/gpt-4o-mini/endpoints",
        ),
        ("http://mirror/prefix/api/v1", "/api/v1/models?offset=5", "http://mirror/prefix/api/v1/models?offset=5"),
        ("https://openrouter.ai/api/v1", "/api/v1/models?offset=5", "https://openrouter.ai/api/v1/models?offset=5"),
        ("http://mirror/prefix/api/v1", "/models/x/endpoints", "http://mirror/prefix/api/v1/models/x/endpoints"),
        ("http://mirror/prefix/api/v1", "models/x/endpoints", "http://mirror/prefix/api/v1/models/x/endpoints"),
    ],
)
def test_a_root_relative_link_keeps_the_base_urls_path_prefix(base, link, expected):
    source = OpenRouterSource(base)
    assert source._api_link(link, source.base_url + "/") == expected


def test_a_sync_through_a_prefixed_mirror_follows_pages_and_endpoints(db, payload_server, settings):
    page1 = load_fixture("openrouter", "models-page1.json")
    for model in page1["data"]:
        model.setdefault("links", {})["details"] = f"/api/v1/models/{model['id']}/endpoints"
    payload_server.add("/prefix/api/v1/models", page1)
    payload_server.add("/prefix/api/v1/models?offset=5", load_fixture("openrouter", "models-page2.json"))
    payload_server.add(
        "/prefix/api/v1/models/openai/gpt-4o-mini/endpoints", load_fixture("openrouter", "endpoints-gpt-4o-mini.json")
    )
    settings.OPENROUTER_API_URL = f"{payload_server.url}/prefix/api/v1"
    settings.OPENROUTER_API_KEY = ""
    run = run_sync("openrouter")
    assert run.status == "succeeded", run.error
    assert payload_server.hits("/prefix/api/v1/models?offset=5") == 1
    assert payload_server.hits("/prefix/api/v1/models/openai/gpt-4o-mini/endpoints") == 1
    assert Offering.objects.filter(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai").exists()


def _endpoints_with_latencies(*p50s):
    body = load_fixture("openrouter", "endpoints-gpt-4o-mini.json")
    for endpoint, p50 in zip(body["data"]["endpoints"], p50s, strict=False):
        endpoint["latency_last_30m"]["p50"] = p50
    return {"openai/gpt-4o-mini": body}


def _latencies(batch):
    [mini] = [m for m in batch.models if m.slug == "openai/gpt-4o-mini"]
    return {o.provider: o.latency_p50_ms for o in mini.offerings if o.provider != "openrouter"}


def test_latency_in_seconds_as_the_spec_shows_is_stored_in_milliseconds(fixture_models):
    batch = parse(fixture_models, _endpoints_with_latencies(0.42, 0.55, 0.25))
    assert _latencies(batch) == {"openai": 420, "azure-openai": 550, "deepinfra": 250}


def test_latency_in_milliseconds_as_live_answers_give_it_is_never_read_as_seconds(fixture_models):
    batch = parse(fixture_models, _endpoints_with_latencies(420, 1350, 880))
    assert _latencies(batch) == {"openai": 420, "azure-openai": 1350, "deepinfra": 880}


def test_a_latency_over_ten_minutes_is_refused_and_the_route_kept(fixture_models):
    batch = parse(fixture_models, _endpoints_with_latencies(420, 900_000, 880))
    assert _latencies(batch) == {"openai": 420, "azure-openai": None, "deepinfra": 880}
    assert [r.field for r in batch.rejections] == ["latency_last_30m.p50"]
