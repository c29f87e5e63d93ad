"""The models.dev source: its adapter on a local server, its normalizer on hand-made and real payloads."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from providers.models import Disagreement, Offering, Price, Provider
from providers.sync.records import Batch, ModelRecord, OfferingRecord
from providers.sync.sources import REGISTRY
from providers.sync.sources.base import Known
from providers.sync.sources.http import SourceFetchError, SourceFormatError
from providers.sync.sources.modelsdev import ModelsDevSource, parse_catalog
from tests.conftest import FIXTURES as TEST_FIXTURES
from tests.payload_server import Reply

FIXTURES = TEST_FIXTURES / "modelsdev"
AS_OF = dt.date(2026, 8, 1)
OUR_PROVIDERS = frozenset({
    "openai", "anthropic", "google-ai-studio", "mistral", "deepseek", "xai", "dashscope", "cohere", "azure-openai",
    "google-vertex", "aws-bedrock", "groq", "together", "fireworks", "openrouter", "vercel-ai-gateway",
})  # fmt: skip
KNOWN = Known(providers=OUR_PROVIDERS, as_of=AS_OF)


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def parse(payload: dict[str, Any], known: Known = KNOWN) -> Batch:
    return parse_catalog(payload, known)


def record(batch: Batch, provider: str, external_id: str) -> ModelRecord:
    found = [m for m in batch.models if m.external_id == external_id and m.offerings[0].provider == provider]
    assert len(found) == 1, f"{provider} {external_id}: {len(found)} records"
    return found[0]


def prices(route: OfferingRecord) -> dict[tuple[str, str, int], Decimal]:
    return {price.key: price.usd for price in route.prices}


# ---- hand-made payloads in the real shape


def test_it_reads_a_labs_own_model_with_its_facts_and_prices():
    batch = parse(load("api.json"))
    model = record(batch, "openai", "gpt-4o-mini")
    assert (model.external_id, model.lab_hint, model.slug, model.lab) == ("gpt-4o-mini", "openai", "", "")
    assert (model.name, model.family, model.knowledge_cutoff) == ("GPT-4o mini", "gpt-mini", "2023-09")
    assert model.release_date == dt.date(2024, 7, 18)
    assert (model.context_window, model.max_output_tokens, model.open_weights) == (128000, 16384, False)
    assert (model.input_modalities, model.output_modalities) == (["text", "image", "file"], ["text"])
    [route] = model.offerings
    assert (route.provider, route.provider_model_id, route.status) == ("openai", "gpt-4o-mini", "active")
    assert (route.context_window, route.max_output_tokens) == (128000, 16384)
    assert prices(route) == {
        ("input", "standard", 0): Decimal("0.15"),
        ("output", "standard", 0): Decimal("0.6"),
        ("cache_read", "standard", 0): Decimal("0.075"),
    }
    first = route.prices[0]
    assert (first.unit, first.source_name, first.source_url) == ("per_1m_tokens", "models.dev", "https://models.dev/")
    assert (first.verified_on, first.published) == (AS_OF, "0.15 USD per 1M tokens")
    assert route.prices_complete


def test_it_takes_the_threshold_from_tiers_not_from_the_generated_200k_block():
    route = record(parse(load("api.json")), "openai", "gpt-5.4").offerings[0]
    above = {key: usd for key, usd in prices(route).items() if key[2]}
    assert above == {
        ("input", "standard", 272000): Decimal("5"),
        ("output", "standard", 272000): Decimal("22.5"),
        ("cache_read", "standard", 272000): Decimal("0.5"),
    }
    assert next(p for p in route.prices if p.key == ("input", "standard", 272000)).published == (
        "5.0 USD per 1M tokens above 272000 prompt tokens"
    )


def test_it_reads_context_over_200k_only_when_there_are_no_tiers():
    route = record(parse(load("api.json")), "google-ai-studio", "gemini-2.5-pro").offerings[0]
    assert prices(route) == {
        ("input", "standard", 0): Decimal("1.25"),
        ("output", "standard", 0): Decimal("10"),
        ("cache_read", "standard", 0): Decimal("0.125"),
        ("input", "standard", 200000): Decimal("2.5"),
        ("output", "standard", 200000): Decimal("15"),
        ("cache_read", "standard", 200000): Decimal("0.25"),
    }


def test_it_maps_cache_write_to_the_five_minute_write_and_audio_input_per_token():
    batch = parse(load("api.json"))
    claude = record(batch, "anthropic", "claude-sonnet-4-5").offerings[0]
    assert prices(claude)[("cache_write_5m", "standard", 0)] == Decimal("3.75")
    assert not any(p.component == "cache_write_1h" for p in claude.prices)
    flash = record(batch, "google-ai-studio", "gemini-2.5-flash").offerings[0]
    audio = next(p for p in flash.prices if p.component == "input_audio")
    assert (audio.usd, audio.unit) == (Decimal("1"), "per_1m_tokens")


def test_it_stores_openais_priority_mode_and_skips_anthropics_fast_mode():
    batch = parse(load("api.json"))
    gpt = record(batch, "openai", "gpt-5.4").offerings[0]
    assert {key: usd for key, usd in prices(gpt).items() if key[1] == "priority"} == {
        ("input", "priority", 0): Decimal("5"),
        ("output", "priority", 0): Decimal("30"),
        ("cache_read", "priority", 0): Decimal("0.5"),
    }
    opus = record(batch, "anthropic", "claude-opus-4-6").offerings[0]
    assert {key[1] for key in prices(opus)} == {"standard"}
    assert prices(opus)[("input", "standard", 0)] == Decimal("5")
    assert batch.skipped["experimental mode is not a service tier: fast"] == 1


def test_it_skips_non_chat_models_with_a_counted_reason():
    batch = parse(load("api.json"))
    ids = {m.external_id for m in batch.models}
    assert not ids & {"text-embedding-3-small", "gemini-2.5-flash-preview-tts", "gpt-image-1", "chatgpt-image-latest"}
    assert batch.skipped["non-chat model: embedding"] == 1
    assert batch.skipped["non-chat model: speech generation"] == 1
    # gpt-image-1 outputs images only; chatgpt-image-latest also lists text but is the same image API.
    assert batch.skipped["non-chat model: image generation"] == 2


def test_it_maps_providers_to_ours_and_hints_labs():
    batch = parse(load("api.json"))
    azure = record(batch, "azure-openai", "gpt-4o-mini")
    assert azure.lab_hint == ""  # Azure hosts several labs: the bare name decides
    gateway = record(batch, "openrouter", "openai/gpt-4o-mini")
    assert (gateway.lab_hint, gateway.offerings[0].provider_model_id) == ("openai", "openai/gpt-4o-mini")
    assert record(batch, "openrouter", "qwen/qwen3-32b").lab_hint == "qwen"
    assert record(batch, "openrouter", "~anthropic/claude-sonnet-latest").lab_hint == "anthropic"
    assert record(batch, "vercel-ai-gateway", "openai/gpt-4o-mini").lab_hint == "openai"
    assert record(batch, "anthropic", "claude-sonnet-4-5").lab_hint == "anthropic"


def test_it_emits_a_provider_it_does_not_track_yet_once():
    batch = parse(load("api.json"))
    [provider] = batch.providers
    assert (provider.slug, provider.name, provider.kind) == ("deepinfra", "Deep Infra", "inference_host")
    assert (provider.website_url, provider.docs_url) == ("https://deepinfra.com/models", "https://deepinfra.com/models")
    assert (provider.api_base_url, provider.openai_compatible) == ("https://api.deepinfra.com/v1/openai", True)
    route = record(batch, "deepinfra", "meta-llama/Llama-3.3-70B-Instruct-Turbo").offerings[0]
    assert prices(route)[("input", "standard", 0)] == Decimal("0.1")

    known = Known(providers=OUR_PROVIDERS | {"deepinfra"}, as_of=AS_OF)
    again = parse(load("api.json"), known)
    assert again.providers == []  # a curator may have edited it since
    assert record(again, "deepinfra", "meta-llama/Llama-3.3-70B-Instruct-Turbo").offerings


def test_it_skips_a_provider_that_states_only_zero_prices():
    batch = parse(load("api.json"))
    assert not any(m.offerings[0].provider == "github-copilot" for m in batch.models)
    assert "github-copilot" not in {p.slug for p in batch.providers}
    assert batch.skipped["provider states no non-zero price (subscription or local runtime): github-copilot"] == 1


def test_it_skips_the_rows_of_one_of_our_providers_missing_from_the_catalog():
    known = Known(providers=OUR_PROVIDERS - {"vercel-ai-gateway"}, as_of=AS_OF)
    batch = parse(load("api.json"), known)
    assert not any(m.offerings[0].provider == "vercel-ai-gateway" for m in batch.models)
    assert "vercel" not in {p.slug for p in batch.providers}
    assert batch.skipped["provider not in the catalog yet: vercel-ai-gateway (sync curated first)"] == 1


def test_it_reads_capabilities_and_lets_only_the_labs_own_api_deny_one():
    batch = parse(load("api.json"))
    gpt = record(batch, "openai", "gpt-4o-mini")
    assert gpt.capabilities_mode == "merge"
    assert gpt.capabilities == ["tool_calling", "structured_output", "vision", "pdf_input", "prompt_caching"]
    assert gpt.capabilities_denied == ["reasoning"]
    # Azure's deployment says no structured output: that is Azure's limit, not the model's.
    azure = record(batch, "azure-openai", "gpt-4o-mini")
    assert "structured_output" not in azure.capabilities
    assert azure.capabilities_denied == []
    flash = record(batch, "google-ai-studio", "gemini-2.5-flash")
    assert flash.input_modalities == ["text", "image", "audio", "video", "file"]
    assert {"vision", "audio_input", "pdf_input", "reasoning"} <= set(flash.capabilities)
    llama = record(batch, "deepinfra", "meta-llama/Llama-3.3-70B-Instruct-Turbo")
    assert "vision" not in llama.capabilities
    assert llama.capabilities_denied == []


def test_it_puts_the_labs_own_api_first_so_its_facts_win_the_merge():
    batch = ModelsDevSource(api_url="https://models.dev/api.json").normalize(
        load("api.json"),
        Known(labs=frozenset({"openai"}), providers=OUR_PROVIDERS, models=frozenset({"openai/gpt-4o-mini"})),
    )
    model = next(m for m in batch.models if m.slug == "openai/gpt-4o-mini")
    assert model.name == "GPT-4o mini"  # not Azure's "GPT-4o mini (Azure)", listed earlier in the payload
    assert [o.provider for o in model.offerings] == ["openai", "azure-openai", "openrouter", "vercel-ai-gateway"]
    assert "structured_output" in model.capabilities
    assert "structured_output" not in model.capabilities_denied
    assert ("modelsdev", "gpt-4o-mini") in model.aliases


def test_it_drops_the_latest_suffix_of_alias_names():
    assert record(parse(load("api.json")), "anthropic", "claude-sonnet-4-5").name == "Claude Sonnet 4.5"


def test_it_keeps_a_month_only_release_date_out_and_counts_it():
    batch = parse(load("api.json"))
    qwen = record(batch, "openrouter", "qwen/qwen3-32b")
    assert (qwen.release_date, qwen.knowledge_cutoff) == (None, "2025-04")
    assert batch.skipped["release_date is a month only: not stored"] == 1
    assert batch.rejections == []


def test_it_reads_a_zero_limit_as_unknown_and_keeps_a_route_without_a_cost():
    batch = parse(load("api.json"))
    gemma = record(batch, "google-ai-studio", "gemma-4-31b-it")
    assert (gemma.context_window, gemma.max_output_tokens) == (262144, None)
    [route] = gemma.offerings
    assert route.prices == []
    assert batch.skipped["no cost stated: route kept without prices"] == 1


def test_it_maps_route_status():
    batch = parse(load("api.json"))
    assert record(batch, "anthropic", "claude-3-haiku-20240307").offerings[0].status == "deprecated"
    assert record(batch, "azure-openai", "grok-4-20-reasoning").offerings[0].status == "preview"
    assert record(batch, "anthropic", "claude-sonnet-4-5").offerings[0].status == "active"


def test_it_names_the_configured_url_as_the_source_of_a_replayed_payload(settings):
    settings.MODELSDEV_API_URL = "http://127.0.0.1:9/api.json"
    batch = ModelsDevSource().parse(load("api.json"), KNOWN)
    assert record(batch, "openai", "gpt-4o-mini").offerings[0].prices[0].source_url == "http://127.0.0.1:9/api.json"
    settings.MODELSDEV_API_URL = "https://models.dev/api.json"
    batch = ModelsDevSource().parse(load("api.json"), KNOWN)
    assert record(batch, "openai", "gpt-4o-mini").offerings[0].prices[0].source_url == "https://models.dev/"


# ---- faults


def rejections(batch: Batch) -> set[tuple[str, str]]:
    return {(r.entry, r.field) for r in batch.rejections}


def test_it_rejects_a_row_missing_a_required_field_with_its_id_and_field():
    batch = parse(load("faults.json"))
    assert {
        ("openai/gpt-nameless", "name"),
        ("openai/gpt-shapeless", "modalities.output"),
        ("openai/gpt-not-an-object", "-"),
    } <= rejections(batch)
    ids = {m.external_id for m in batch.models}
    assert not ids & {"gpt-nameless", "gpt-shapeless", "gpt-not-an-object"}


def test_it_drops_a_malformed_fact_with_a_rejection_and_keeps_the_row():
    batch = parse(load("faults.json"))
    found = rejections(batch)
    for field in ("knowledge", "release_date", "reasoning", "limit.context", "limit.output"):
        assert ("openai/gpt-bad-facts", field) in found
    model = record(batch, "openai", "gpt-bad-facts")
    assert (model.knowledge_cutoff, model.release_date, model.context_window, model.max_output_tokens) == (
        None,
        None,
        None,
        None,
    )
    assert model.input_modalities == ["text"]
    assert batch.skipped["modality not in the vocabulary: hologram"] == 1
    assert prices(model.offerings[0]) == {
        ("input", "standard", 0): Decimal("1"),
        ("output", "standard", 0): Decimal("4"),
    }


def test_it_rejects_bad_prices_and_marks_the_route_incomplete():
    batch = parse(load("faults.json"))
    found = {(r.field, r.message) for r in batch.rejections if r.entry == "openai/gpt-bad-prices"}
    fields = {field for field, _ in found}
    assert fields == {
        "cost.input",
        "cost.output",
        "cost.cache_read",
        "cost.tiers[0].tier.type",
        "cost.tiers[1].tier.size",
    }
    assert ("cost.input", "negative price -0.5") in found
    route = record(batch, "openai", "gpt-bad-prices").offerings[0]
    assert not route.prices_complete
    assert prices(route) == {
        ("cache_write_5m", "standard", 0): Decimal("1.25"),
        ("input", "standard", 128000): Decimal("4"),
        ("output", "standard", 128000): Decimal("10"),
    }
    assert batch.skipped["unknown price key: input_image"] == 1


def test_it_requires_an_input_price_and_counts_unknown_fields():
    batch = parse(load("faults.json"))
    assert ("openai/gpt-no-input-price", "cost.input") in rejections(batch)
    route = record(batch, "openai", "gpt-no-input-price").offerings[0]
    assert not route.prices_complete
    assert prices(route) == {("output", "standard", 0): Decimal("4")}
    assert route.status is None
    assert batch.skipped["route status not understood: 'sunsetting'"] == 1
    assert batch.skipped["unknown model field ignored: speed_tier"] == 1


def test_it_rejects_a_provider_without_models_or_with_an_unusable_id():
    batch = parse(load("faults.json"))
    assert {("broken-host", "models"), ("Bad Slug!", "id")} <= rejections(batch)
    assert batch.providers == []


def test_it_refuses_a_body_that_is_not_an_object_of_providers():
    with pytest.raises(SourceFormatError, match="object keyed by provider"):
        parse_catalog([{"id": "openai"}], KNOWN)


def test_it_fails_on_a_malformed_json_body(payload_server, settings):
    payload_server.add("/api.json", Reply(body=b'{"openai": {"models": '))
    settings.MODELSDEV_API_URL = f"{payload_server.url}/api.json"
    with httpx.Client() as client, pytest.raises(SourceFormatError, match="not valid JSON"):
        ModelsDevSource().fetch(client)


def test_it_retries_a_transient_failure_and_gives_up_on_a_missing_file(payload_server, settings, no_retry_wait):
    payload_server.add("/api.json", Reply(status=503), load("api.json"))
    settings.MODELSDEV_API_URL = f"{payload_server.url}/api.json"
    with httpx.Client() as client:
        assert "openai" in ModelsDevSource().fetch(client)
        assert payload_server.hits("/api.json") == 2
        settings.MODELSDEV_API_URL = f"{payload_server.url}/gone.json"
        with pytest.raises(SourceFetchError, match="HTTP 404"):
            ModelsDevSource().fetch(client)


# ---- the real file (../shared/data), when present


@pytest.fixture
def real_batch(shared_data) -> Batch:
    path = shared_data / "modelsdev" / "api-derived-subset.json"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return parse(json.loads(path.read_text()))


def test_the_real_file_gives_gpt_4o_mini_on_openai(real_batch):
    model = record(real_batch, "openai", "gpt-4o-mini")
    assert (model.knowledge_cutoff, model.release_date) == ("2023-09", dt.date(2024, 7, 18))
    [route] = model.offerings
    assert (route.context_window, route.max_output_tokens) == (128000, 16384)
    assert prices(route) == {
        ("input", "standard", 0): Decimal("0.15"),
        ("output", "standard", 0): Decimal("0.6"),
        ("cache_read", "standard", 0): Decimal("0.075"),
    }


def test_the_real_file_prices_gpt_5_4_above_272k_and_gemini_2_5_pro_above_200k(real_batch):
    gpt = prices(record(real_batch, "openai", "gpt-5.4").offerings[0])
    assert gpt[("input", "standard", 272000)] == Decimal("5")
    assert gpt[("output", "standard", 272000)] == Decimal("22.5")
    assert not any(key[2] == 200000 for key in gpt)
    gemini = prices(record(real_batch, "google-ai-studio", "gemini-2.5-pro").offerings[0])
    assert gemini[("input", "standard", 200000)] == Decimal("2.5")
    assert gemini[("output", "standard", 200000)] == Decimal("15")


def test_the_real_file_skips_embeddings_and_maps_anthropics_cache_write(real_batch):
    ids = {(m.offerings[0].provider, m.external_id) for m in real_batch.models}
    assert ("openai", "text-embedding-3-small") not in ids
    assert ("azure-openai", "cohere-embed-v3-english") not in ids
    assert real_batch.skipped["non-chat model: embedding"] == 10
    claude = prices(record(real_batch, "anthropic", "claude-sonnet-4-5").offerings[0])
    assert claude[("cache_write_5m", "standard", 0)] == Decimal("3.75")


def test_the_real_file_reads_cleanly(real_batch):
    assert real_batch.rejections == []
    assert len(real_batch.models) == 525  # 547 models less 22 non-chat ones
    assert {m.offerings[0].provider for m in real_batch.models} == {
        "anthropic",
        "openai",
        "google-ai-studio",
        "azure-openai",
        "deepseek",
        "openrouter",
    }
    every = [p for m in real_batch.models for o in m.offerings for p in o.prices]
    assert len(every) == 1490  # one `cache_read: 0` (not offered) is not a price
    assert {p.unit for p in every} == {"per_1m_tokens"}
    assert max(p.usd for p in every) < 1000
    second_hand = record(real_batch, "openrouter", "openai/gpt-4o-mini").offerings[0]
    assert prices(second_hand)[("input", "standard", 0)] == Decimal("0.15")


# ---- end to end: a local server, the normalizer, the identity step and the upsert


def _tally(result: Any) -> Any:
    """The tally of apply_batch's result, whether it returns an Outcome or a (tally, rejections) pair."""
    return result[0] if isinstance(result, tuple) else result.tally


def test_it_syncs_end_to_end_and_a_rerun_writes_nothing(load_fixture_catalog, payload_server, settings, monkeypatch):
    from providers.sync.known import known_catalog
    from providers.sync.run import apply_batch

    load_fixture_catalog()
    # Registered here so the upsert ranks this source as the aggregator it is (an unknown name ranks as a curator).
    monkeypatch.setitem(REGISTRY, ModelsDevSource.name, ModelsDevSource)
    payload = load("api.json")
    payload_server.add("/api.json", payload)
    settings.MODELSDEV_API_URL = f"{payload_server.url}/api.json"

    def sync() -> Any:
        source = ModelsDevSource()
        with httpx.Client() as client:
            raw = source.fetch(client)
        return _tally(apply_batch(source.normalize(raw, known_catalog()), source=ModelsDevSource.name))

    first = sync()
    assert first.total("created") > 0
    assert Provider.objects.get(slug="deepinfra").kind == "inference_host"
    azure = Offering.objects.get(provider__slug="azure-openai", model__slug="openai/gpt-4o-mini")
    current = {p.component: p for p in Price.objects.current().filter(offering=azure, service_tier="standard")}
    # The curator's figure outranks models.dev's; a component the curated route (its first party) does not state is
    # not added but queued for a curator.
    assert (current["input"].usd, current["input"].source) == (Decimal("0.165"), "curated")
    assert "cache_read" not in current
    cache = Disagreement.objects.get(offering=azure, component="cache_read")
    assert (cache.kept_value, cache.kept_source, cache.other_value) == ("", "curated", "0.075")
    # A route only models.dev states: `anthropic/claude-sonnet-4.5` resolves to the curated Claude Sonnet 4.5.
    route = Offering.objects.get(provider__slug="openrouter", model__slug="anthropic/claude-sonnet-4-5")
    assert (route.provider_model_id, route.context_window, route.max_output_tokens) == (
        "anthropic/claude-sonnet-4.5",
        1000000,
        64000,
    )
    stated = {(p.component, p.tier_min_tokens): p.usd for p in Price.objects.current().filter(offering=route)}
    assert stated[("input", 0)] == Decimal("3")
    assert stated[("input", 200000)] == Decimal("6")
    assert stated[("cache_write_5m", 200000)] == Decimal("7.5")
    assert not Offering.objects.filter(provider__slug="github-copilot").exists()

    second = sync()
    assert (second.total("created"), second.total("updated")) == (0, 0)
    assert payload_server.hits("/api.json") == 2


def test_it_leaves_the_payload_as_the_source_said_it():
    payload = load("api.json")
    before = copy.deepcopy(payload)
    parse(payload)
    assert payload == before


def test_it_runs_through_run_sync_once_registered(load_fixture_catalog, payload_server, settings, monkeypatch):
    from providers.sync.run import run_sync

    load_fixture_catalog()
    monkeypatch.setitem(REGISTRY, ModelsDevSource.name, ModelsDevSource)
    payload_server.add("/api.json", load("api.json"))
    settings.MODELSDEV_API_URL = f"{payload_server.url}/api.json"

    run = run_sync(ModelsDevSource.name)
    assert run.status == "succeeded", run.error
    assert run.created > 0
    assert run.rejected == 0
    again = run_sync(ModelsDevSource.name)
    assert (again.status, again.created, again.updated) == ("succeeded", 0, 0)
