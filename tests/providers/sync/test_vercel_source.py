"""The Vercel AI Gateway source: per-token strings, inclusive tier starts, tags, and a fetch that needs no key."""

import copy
import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest
from django.db import transaction

from catalog.models import LanguageModel
from providers.models import Offering, Price, Provider
from providers.sync.known import known_catalog
from providers.sync.records import Batch, ModelRecord
from providers.sync.run import apply_batch
from providers.sync.sources import REGISTRY
from providers.sync.sources.base import Known
from providers.sync.sources.http import SourceFormatError
from providers.sync.sources.vercel import MODELS_PAGE_URL, PROVIDER, SOURCE_NAME, VercelSource
from providers.sync.units import per_token_to_per_mtok
from tests.conftest import FIXTURES
from tests.payload_server import Reply

AS_OF = dt.date(2026, 8, 1)
KNOWN = Known(providers=frozenset({PROVIDER}), as_of=AS_OF)
DEFAULT_URL = "https://ai-gateway.vercel.sh/v1"


def payload(name: str = "models.json") -> dict:
    return json.loads((FIXTURES / "vercel" / name).read_text())


def parse(raw: dict, known: Known = KNOWN):
    return VercelSource(api_url=DEFAULT_URL, api_key="").parse(raw, known)


def one_model(entry: dict, known: Known = KNOWN):
    """Parse a body holding only `entry` (a language model unless it says otherwise)."""
    return parse({"object": "list", "data": [{"type": "language", **entry}]}, known)


def by_id(batch) -> dict:
    return {record.external_id: record for record in batch.models}


def prices_of(record) -> dict[tuple[str, str, int], Decimal]:
    [route] = record.offerings
    return {(p.component, p.service_tier, p.tier_min_tokens): p.usd for p in route.prices}


# --- parse: the hand-made payload in the real shape -------------------------------------------------------------


def test_it_reads_gpt_4o_mini_from_per_token_strings():
    batch = parse(payload())
    model = by_id(batch)["openai/gpt-4o-mini"]
    assert (model.external_id, model.lab_hint, model.slug, model.lab) == ("openai/gpt-4o-mini", "openai", "", "")
    assert model.name == "GPT-4o mini"
    assert model.release_date == dt.date(2024, 7, 18)  # `released`, not `created` (when the gateway listed it)
    [route] = model.offerings
    assert (route.provider, route.provider_model_id) == ("vercel-ai-gateway", "openai/gpt-4o-mini")
    assert (route.context_window, route.max_output_tokens) == (128000, 16384)
    assert route.prices_complete
    assert prices_of(model) == {
        ("input", "standard", 0): Decimal("0.15"),
        ("output", "standard", 0): Decimal("0.6"),
        ("cache_read", "standard", 0): Decimal("0.075"),
    }
    input_price = route.prices[0]
    assert input_price.unit == "per_1m_tokens"
    assert input_price.published == "0.00000015 per token"
    assert (input_price.source_name, input_price.source_url) == (SOURCE_NAME, MODELS_PAGE_URL)
    assert input_price.verified_on == AS_OF


def test_it_stores_the_single_cache_write_price_as_the_five_minute_write():
    model = by_id(parse(payload()))["anthropic/claude-sonnet-4.5"]
    assert prices_of(model) == {
        ("input", "standard", 0): Decimal("3"),
        ("output", "standard", 0): Decimal("15"),
        ("cache_read", "standard", 0): Decimal("0.3"),
        ("cache_write_5m", "standard", 0): Decimal("3.75"),
    }


def test_it_turns_an_inclusive_tier_start_into_a_prompt_above_threshold():
    model = by_id(parse(payload()))["google/gemini-3.1-pro-preview"]
    # Vercel's upper tier starts at token 200,001 (min is inclusive): the price applies ABOVE 200,000 tokens.
    # The tier from 0 repeats the base price and adds nothing.
    assert prices_of(model) == {
        ("input", "standard", 0): Decimal("2"),
        ("input", "standard", 200000): Decimal("4"),
        ("output", "standard", 0): Decimal("12"),
        ("output", "standard", 200000): Decimal("18"),
        ("cache_read", "standard", 0): Decimal("0.2"),
        ("cache_read", "standard", 200000): Decimal("0.4"),
        ("cache_write_5m", "standard", 0): Decimal("2"),
        ("cache_write_5m", "standard", 200000): Decimal("4"),
    }
    [route] = model.offerings
    # The threshold is a price tier, never the context window; max_tokens is the maximum output.
    assert (route.context_window, route.max_output_tokens) == (1000000, 64000)
    tier = next(p for p in route.prices if p.component == "input" and p.tier_min_tokens)
    assert tier.published == "0.000004 per token from 200,001 prompt tokens"


def test_it_skips_non_language_models_with_a_counted_reason():
    batch = parse(payload())
    assert "openai/text-embedding-3-small" not in by_id(batch)
    assert "google/imagen-4.0-generate-001" not in by_id(batch)
    assert batch.skipped == {"not a language model: type embedding": 1, "not a language model: type image": 1}
    assert batch.rejections == []
    assert sorted(by_id(batch)) == [
        "alibaba/qwen-3-14b",
        "anthropic/claude-sonnet-4.5",
        "deepseek/deepseek-v3.2",
        "google/gemini-3.1-pro-preview",
        "openai/gpt-4o-mini",
    ]


def test_it_maps_tags_to_capabilities_and_modalities_without_denying_anything():
    models = by_id(parse(payload()))
    gemini = models["google/gemini-3.1-pro-preview"]
    assert gemini.capabilities == ["pdf_input", "prompt_caching", "reasoning", "tool_calling", "vision"]
    assert (gemini.input_modalities, gemini.output_modalities) == (["text", "file", "image"], ["text"])
    assert gemini.capabilities_mode == "merge"
    assert gemini.capabilities_denied == []
    deepseek = models["deepseek/deepseek-v3.2"]
    assert deepseek.capabilities == ["prompt_caching", "tool_calling"]  # `implicit-caching`
    assert deepseek.input_modalities == ["text"]
    qwen = models["alibaba/qwen-3-14b"]
    assert qwen.capabilities == ["reasoning", "tool_calling"]
    assert qwen.capabilities_denied == []  # no `vision` tag is "not said", not "cannot see"


def test_it_reads_image_output_and_web_search_tags():
    batch = one_model({"id": "google/gemini-2.5-flash-image", "tags": ["image-generation", "web-search", "odd-tag"]})
    [model] = batch.models
    assert model.output_modalities == ["text", "image"]
    assert model.capabilities == ["web_search"]


def test_it_says_nothing_about_capabilities_or_modalities_without_tags():
    [model] = one_model({"id": "meta/llama-4-scout", "pricing": {"input": "0.0000001"}}).models
    assert (model.capabilities, model.input_modalities, model.output_modalities) == (None, None, None)


def test_it_hints_the_lab_from_the_namespace():
    hints = {
        vercel_id: one_model({"id": vercel_id}).models[0].lab_hint
        for vercel_id in ("alibaba/qwen3-max", "moonshotai/kimi-k2", "xai/grok-4", "meta/llama-4-scout", "zai/glm-4.6")
    }
    assert hints == {
        "alibaba/qwen3-max": "qwen",
        "moonshotai/kimi-k2": "moonshot",
        "xai/grok-4": "xai",
        "meta/llama-4-scout": "meta",
        "zai/glm-4.6": "",
    }


# --- parse: faults --------------------------------------------------------------------------------------------------


def test_it_rejects_a_negative_and_a_non_numeric_price_naming_the_model_and_field():
    batch = parse(payload("models-with-faults.json"))
    rejected = {(r.entry, r.field): r.message for r in batch.rejections}
    assert rejected[("openai/gpt-4o-mini", "pricing.input")] == "negative price '-0.1'"
    assert rejected[("openai/gpt-4o-mini", "pricing.output")] == "not a number: 'abc'"
    model = by_id(batch)["openai/gpt-4o-mini"]
    # The readable price is kept; the route is marked incomplete so no stored price is closed as "gone".
    assert prices_of(model) == {("cache_read", "standard", 0): Decimal("0.075")}
    assert model.offerings[0].prices_complete is False


def test_it_rejects_rows_it_cannot_identify_or_classify_and_keeps_the_rest():
    batch = parse(payload("models-with-faults.json"))
    rejected = {(r.entry, r.field): r.message for r in batch.rejections}
    assert rejected[("data[1]", "id")] == "missing or not a string: None"
    assert rejected[("mistral/mistral-medium", "type")].startswith("missing or not a string (None)")
    assert rejected[("data[5]", "-")] == "not an object: 'not a model'"
    assert sorted(by_id(batch)) == [
        "google/gemini-2.5-pro",
        "meta/llama-4-scout",
        "mistral/mistral-medium",
        "openai/gpt-4o-mini",
        "xai/grok-4",
    ]
    # A row without a type says nothing but its id: no route, no facts, and its stored route is not retired.
    unclassified = by_id(batch)["mistral/mistral-medium"]
    assert (unclassified.offerings, unclassified.routes_complete, unclassified.name) == ([], False, None)
    assert batch.skipped == {
        "price key skipped: reasoning": 1,
        "duplicate id": 1,
        "language model without pricing": 1,
        "not a language model: type video": 1,
    }


def test_it_rejects_a_bad_fact_or_tier_and_keeps_the_model():
    batch = parse(payload("models-with-faults.json"))
    rejected = {(r.entry, r.field): r.message for r in batch.rejections}
    assert rejected[("google/gemini-2.5-pro", "context_window")] == "not a positive whole number of tokens: '1M'"
    assert rejected[("google/gemini-2.5-pro", "pricing.input_tiers[1].min")] == (
        "not a whole number of tokens >= 0: '200k'"
    )
    model = by_id(batch)["google/gemini-2.5-pro"]
    assert prices_of(model) == {("input", "standard", 0): Decimal("1.25"), ("output", "standard", 0): Decimal("10")}
    [route] = model.offerings
    assert (route.context_window, route.max_output_tokens, route.prices_complete) == (None, 65536, False)


def test_it_reads_web_search_per_search():
    model = by_id(parse(payload("models-with-faults.json")))["xai/grok-4"]
    [search] = [p for p in model.offerings[0].prices if p.component == "web_search"]
    assert (search.unit, search.usd, search.published) == ("per_search", Decimal("0.025"), "0.025 per search")


def test_it_keeps_a_route_without_pricing_but_closes_none_of_its_prices():
    model = by_id(parse(payload("models-with-faults.json")))["meta/llama-4-scout"]
    [route] = model.offerings
    assert (route.prices, route.prices_complete) == ([], False)


def test_it_uses_the_tier_from_zero_when_the_base_price_is_missing():
    batch = one_model(
        {
            "id": "vendor/model",
            "pricing": {
                "input_tiers": [{"cost": "0.000001", "min": 0, "max": 32001}, {"cost": "0.000002", "min": 32001}]
            },
        }
    )
    [model] = batch.models
    assert prices_of(model) == {("input", "standard", 0): Decimal("1"), ("input", "standard", 32000): Decimal("2")}
    assert model.offerings[0].prices[0].published == "0.000001 per token"


def test_it_reports_a_tier_from_zero_that_disagrees_with_the_base_price():
    batch = one_model(
        {
            "id": "vendor/model",
            "pricing": {
                "input": "0.000001",
                "input_tiers": [{"cost": "0.000003", "min": 0}, {"cost": "0.000002", "min": 5}],
            },
        }
    )
    [rejection] = batch.rejections
    assert (rejection.entry, rejection.field) == ("vendor/model", "pricing.input_tiers[0].cost")
    assert "disagrees with pricing.input" in rejection.message
    [model] = batch.models
    assert prices_of(model) == {("input", "standard", 0): Decimal("1"), ("input", "standard", 4): Decimal("2")}
    assert model.offerings[0].prices_complete is False


def test_it_refuses_two_tiers_starting_at_the_same_token():
    batch = one_model(
        {
            "id": "vendor/model",
            "pricing": {
                "output": "0.000001",
                "output_tiers": [{"cost": "0.000002", "min": 9}, {"cost": "0.000003", "min": 9}],
            },
        }
    )
    [rejection] = batch.rejections
    assert (rejection.field, rejection.message) == ("pricing.output_tiers[1].min", "a second tier starting at 9 tokens")
    assert prices_of(batch.models[0]) == {("output", "standard", 0): Decimal("1")}


def test_it_drops_a_max_output_larger_than_the_context_window():
    batch = one_model({"id": "vendor/model", "context_window": 8000, "max_tokens": 32000})
    [rejection] = batch.rejections
    assert (rejection.entry, rejection.field) == ("vendor/model", "max_tokens")
    [route] = batch.models[0].offerings
    assert (route.context_window, route.max_output_tokens) == (8000, None)


def test_it_refuses_a_body_without_a_data_list():
    with pytest.raises(SourceFormatError, match="expected an object with a `data` list"):
        parse({"object": "list", "models": []})
    with pytest.raises(SourceFormatError):
        parse([])  # type: ignore[arg-type]


def test_it_ignores_fields_it_does_not_know():
    raw = payload()
    entry = copy.deepcopy(raw["data"][0])
    entry.update({"pricing_v2": {"x": 1}, "modalities": "weird", "object": "something"})
    [model] = parse({"data": [entry]}).models
    assert prices_of(model)[("input", "standard", 0)] == Decimal("0.15")


def test_it_names_the_gateway_provider_only_when_the_catalog_lacks_it():
    assert parse(payload()).providers == []
    [provider] = parse(payload(), Known(as_of=AS_OF)).providers
    assert (provider.slug, provider.kind, provider.pricing_url) == (PROVIDER, "gateway", MODELS_PAGE_URL)


def test_it_resolves_vercel_ids_to_canonical_models_through_the_identity_step():
    known = Known(
        labs=frozenset({"openai", "anthropic"}),
        providers=frozenset({PROVIDER}),
        models=frozenset({"openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"}),
        as_of=AS_OF,
    )
    batch = VercelSource(api_url=DEFAULT_URL, api_key="").normalize(payload(), known)
    slugs = {record.slug: record for record in batch.models}
    assert sorted(slugs) == ["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"]
    assert slugs["anthropic/claude-sonnet-4-5"].aliases == [("vercel", "anthropic/claude-sonnet-4.5")]
    # Vercel does not create models: the rest wait for a curator, with their closest candidate.
    assert sorted(u.external_id for u in batch.unmatched) == [
        "alibaba/qwen-3-14b",
        "deepseek/deepseek-v3.2",
        "google/gemini-3.1-pro-preview",
    ]


# --- fetch ------------------------------------------------------------------------------------------------------


def _headers(server) -> dict[str, str]:
    [(_, headers)] = server.requests
    return {name.lower(): value for name, value in headers.items()}


def test_it_fetches_without_authorization_when_no_key_is_set(payload_server, settings):
    payload_server.add("/v1/models", payload())
    settings.VERCEL_GATEWAY_API_URL = f"{payload_server.url}/v1/"
    settings.VERCEL_API_KEY = ""
    with httpx.Client() as client:
        raw = VercelSource().fetch(client)
    assert raw == payload()
    assert payload_server.hits("/v1/models") == 1
    assert "authorization" not in _headers(payload_server)


def test_it_sends_the_key_as_a_bearer_token_when_set(payload_server, settings):
    payload_server.add("/v1/models", payload())
    settings.VERCEL_GATEWAY_API_URL = f"{payload_server.url}/v1"
    settings.VERCEL_API_KEY = "vck_test"
    with httpx.Client() as client:
        VercelSource().fetch(client)
    assert _headers(payload_server)["authorization"] == "Bearer vck_test"


def test_it_raises_a_format_error_for_a_body_that_is_not_json(payload_server, settings, no_retry_wait):
    payload_server.add("/v1/models", Reply(body="<html>maintenance</html>"))
    settings.VERCEL_GATEWAY_API_URL = f"{payload_server.url}/v1"
    with httpx.Client() as client, pytest.raises(SourceFormatError, match="not valid JSON"):
        VercelSource().fetch(client)


def test_it_names_the_url_it_read_as_the_price_source_when_not_the_public_gateway(settings):
    settings.VERCEL_GATEWAY_API_URL = "http://127.0.0.1:9/v1"
    source = VercelSource()
    [model] = source.parse({"data": [payload()["data"][0]]}, KNOWN).models
    assert {p.source_url for p in model.offerings[0].prices} == {"http://127.0.0.1:9/v1/models"}


# --- end to end -----------------------------------------------------------------------------------------------------


@pytest.fixture
def registered(monkeypatch):
    """Rank the source as it will rank once registered: an aggregator, first-party for the gateway's own route."""
    monkeypatch.setitem(REGISTRY, VercelSource.name, VercelSource)


def test_it_syncs_from_a_local_server_and_a_rerun_writes_nothing(
    load_fixture_catalog, payload_server, settings, registered
):
    load_fixture_catalog()  # GPT-4o mini and Claude Sonnet 4.5, but no vercel-ai-gateway provider yet
    payload_server.add("/v1/models", payload())
    settings.VERCEL_GATEWAY_API_URL = f"{payload_server.url}/v1"
    settings.VERCEL_API_KEY = ""

    source = VercelSource()
    with httpx.Client() as client:
        raw = source.fetch(client)
    batch = source.normalize(raw, known_catalog())
    with transaction.atomic():
        outcome = apply_batch(batch, source=VercelSource.name)
    assert outcome.rejections == []
    counts = outcome.tally.as_dict()
    assert counts["provider"] == {"created": 1}
    assert counts["offering"] == {"created": 2}
    assert counts["price"] == {"created": 7}
    assert counts["unmatched"] == {"created": 3}  # Gemini, DeepSeek and Qwen are not in the fixture catalog
    assert Provider.objects.get(slug=PROVIDER).kind == "gateway"

    offering = Offering.objects.get(provider__slug=PROVIDER, model__slug="openai/gpt-4o-mini")
    assert (offering.provider_model_id, offering.context_window, offering.max_output_tokens) == (
        "openai/gpt-4o-mini",
        128000,
        16384,
    )
    stored = {p.component: p for p in Price.objects.current().filter(offering=offering)}
    assert {c: p.usd for c, p in stored.items()} == {
        "input": Decimal("0.15"),
        "output": Decimal("0.6"),
        "cache_read": Decimal("0.075"),
    }
    assert stored["input"].source == "vercel"
    assert stored["input"].source_url == f"{payload_server.url}/v1/models"
    sonnet = Offering.objects.get(provider__slug=PROVIDER, model__slug="anthropic/claude-sonnet-4-5")
    assert sonnet.provider_model_id == "anthropic/claude-sonnet-4.5"
    # A gateway's tags add capabilities; they never take away what the curated file says.
    model = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    assert "structured_output" in {c.slug for c in model.capabilities.all()}

    with httpx.Client() as client:
        again = source.normalize(source.fetch(client), known_catalog())
    with transaction.atomic():
        outcome = apply_batch(again, source=VercelSource.name)
    assert outcome.tally.total("created") == outcome.tally.total("updated") == 0


def test_it_does_not_retire_a_route_whose_row_lost_its_type(load_fixture_catalog, payload_server, settings, registered):
    load_fixture_catalog()
    # Enough routes that one vanishing is an ordinary retirement, not the upsert's "feed looks broken" guard.
    extra = [f"openai/extra-{i}" for i in range(10)]
    with transaction.atomic():
        apply_batch(Batch(models=[ModelRecord(slug=slug, lab="openai", name=slug) for slug in extra]), source="curated")
    body = payload()
    gpt_4o_mini = body["data"][0]
    body["data"] += [{**copy.deepcopy(gpt_4o_mini), "id": slug, "name": slug} for slug in extra]
    settings.VERCEL_GATEWAY_API_URL = f"{payload_server.url}/v1"
    source = VercelSource()
    payload_server.add("/v1/models", body)
    with transaction.atomic(), httpx.Client() as client:
        outcome = apply_batch(source.normalize(source.fetch(client), known_catalog()), source=VercelSource.name)
    assert outcome.tally.as_dict()["offering"] == {"created": 12}

    broken = copy.deepcopy(body)
    del broken["data"][0]["type"]  # openai/gpt-4o-mini
    payload_server.add("/v1/models", broken)
    with httpx.Client() as client:
        batch = source.normalize(source.fetch(client), known_catalog())
    with transaction.atomic():
        outcome = apply_batch(batch, source=VercelSource.name)
    assert [(r.entry, r.field) for r in batch.rejections] == [("openai/gpt-4o-mini", "type")]
    assert outcome.tally.total("retired") == 0
    assert outcome.notes == []
    offering = Offering.objects.get(provider__slug=PROVIDER, model__slug="openai/gpt-4o-mini")
    assert offering.status == Offering.Status.ACTIVE
    assert Price.objects.current().filter(offering=offering).count() == 3


# --- the shared real data ---------------------------------------------------------------------------------------


def test_litellms_copy_of_the_gateways_gpt_4o_mini_agrees_with_the_fixture(shared_data):
    """No Vercel body is recorded in the shared data; LiteLLM's second-hand copy of the gateway's GPT-4o mini route
    is, and its figures are the ones this fixture was written with."""
    litellm = json.loads((shared_data / "litellm" / "prices-subset-2026-08-01.json").read_text())
    copied = litellm["vercel_ai_gateway/openai/gpt-4o-mini"]
    model = by_id(parse(payload()))["openai/gpt-4o-mini"]
    assert prices_of(model) == {
        ("input", "standard", 0): per_token_to_per_mtok(copied["input_cost_per_token"]),
        ("output", "standard", 0): per_token_to_per_mtok(copied["output_cost_per_token"]),
        ("cache_read", "standard", 0): per_token_to_per_mtok(copied["cache_read_input_token_cost"]),
    }
    [route] = model.offerings
    assert (route.context_window, route.max_output_tokens) == (copied["max_input_tokens"], copied["max_output_tokens"])
