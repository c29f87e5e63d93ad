"""The `litellm` source: LiteLLM's price map read into routes, tiers, service tiers and counted skips."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest

from providers.models import Disagreement, Offering, Price
from providers.sync.known import known_catalog
from providers.sync.records import Batch, ModelRecord, OfferingRecord
from providers.sync.run import apply_batch, run_sync
from providers.sync.sources import REGISTRY
from providers.sync.sources.base import Known
from providers.sync.sources.http import SourceFetchError, SourceFormatError
from providers.sync.sources.litellm import DEFAULT_PRICES_URL, PRICES_PAGE_URL, LiteLLMSource
from tests.conftest import FIXTURES as TEST_FIXTURES

FIXTURES = TEST_FIXTURES / "litellm"
REAL_FILE = "litellm/prices-subset-2026-08-01.json"
AS_OF = dt.date(2026, 8, 1)
OUR_PROVIDERS = frozenset(
    {
        "openai",
        "anthropic",
        "google-ai-studio",
        "mistral",
        "deepseek",
        "xai",
        "dashscope",
        "cohere",
        "azure-openai",
        "google-vertex",
        "aws-bedrock",
        "groq",
        "together",
        "fireworks",
        "openrouter",
        "vercel-ai-gateway",
    }
)
KNOWN = Known(providers=OUR_PROVIDERS, as_of=AS_OF)
D = Decimal


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def parse(raw: dict[str, Any], known: Known = KNOWN, url: str = DEFAULT_PRICES_URL) -> Batch:
    return LiteLLMSource(url=url).parse(raw, known)


def by_key(batch: Batch) -> dict[str, ModelRecord]:
    return {record.external_id: record for record in batch.models}


def route(batch: Batch, key: str) -> OfferingRecord:
    [offering] = by_key(batch)[key].offerings
    return offering


def prices(offering: OfferingRecord) -> set[tuple[str, str, int, Decimal]]:
    """(component, service tier, tier_min_tokens, usd) for every price of a route."""
    return {(p.component, p.service_tier, p.tier_min_tokens, p.usd) for p in offering.prices}


@pytest.fixture(scope="module")
def fixture_batch() -> Batch:
    return parse(load("prices.json"))


@pytest.fixture(scope="module")
def bad_batch() -> Batch:
    return parse(load("bad-rows.json"))


# Hand-made payloads in the real shape --------------------------------------------------------------------------


def test_it_reads_the_openai_route_with_batch_and_priority_tiers(fixture_batch):
    record = by_key(fixture_batch)["gpt-4o-mini"]
    assert record.lab_hint == "openai"
    [offering] = record.offerings
    assert (offering.provider, offering.provider_model_id, offering.region) == ("openai", "gpt-4o-mini", "")
    assert prices(offering) == {
        ("input", "standard", 0, D("0.15")),
        ("output", "standard", 0, D("0.6")),
        ("cache_read", "standard", 0, D("0.075")),
        ("input", "batch", 0, D("0.075")),
        ("output", "batch", 0, D("0.3")),
        ("input", "priority", 0, D("0.25")),
        ("output", "priority", 0, D("1")),
        ("cache_read", "priority", 0, D("0.125")),
    }
    first = next(p for p in offering.prices if (p.component, p.service_tier) == ("input", "standard"))
    assert first.unit == "per_1m_tokens"
    assert first.published == "1.5e-07 per token"
    assert (first.source_name, first.source_url, first.verified_on) == ("LiteLLM price map", PRICES_PAGE_URL, AS_OF)
    assert offering.prices_complete
    assert fixture_batch.rejections == []


def test_it_puts_limits_on_the_route_and_the_model(fixture_batch):
    record = by_key(fixture_batch)["gpt-4o-mini"]
    assert (record.context_window, record.max_output_tokens) == (128000, 16384)
    assert (record.offerings[0].context_window, record.offerings[0].max_output_tokens) == (128000, 16384)


def test_it_strips_azure_routing_prefixes_and_reads_the_deployment_region(fixture_batch):
    assert (
        route(fixture_batch, "azure/gpt-4o-mini").provider_model_id,
        route(fixture_batch, "azure/gpt-4o-mini").region,
    ) == (
        "gpt-4o-mini",
        "",
    )
    assert prices(route(fixture_batch, "azure/gpt-4o-mini")) == {
        ("input", "standard", 0, D("0.165")),
        ("output", "standard", 0, D("0.66")),
        ("cache_read", "standard", 0, D("0.075")),
    }
    eu = route(fixture_batch, "azure/eu/gpt-4o-mini-2024-07-18")
    assert (eu.provider, eu.provider_model_id, eu.region) == ("azure-openai", "gpt-4o-mini-2024-07-18", "eu")
    # LiteLLM spells Azure's global deployment two ways.
    assert route(fixture_batch, "azure/global-standard/gpt-4o-mini").region == "global"
    # A bare key can still belong to Azure: the provider comes from litellm_provider, not the key.
    bare = route(fixture_batch, "computer-use-preview")
    assert (bare.provider, bare.provider_model_id) == ("azure-openai", "computer-use-preview")
    # Azure is not a lab's own API: a bare id there names no lab.
    assert by_key(fixture_batch)["azure/gpt-4o-mini"].lab_hint == ""


def test_it_reads_anthropic_cache_writes_and_the_200k_tier(fixture_batch):
    offering = route(fixture_batch, "claude-sonnet-4-5")
    assert prices(offering) == {
        ("input", "standard", 0, D("3")),
        ("output", "standard", 0, D("15")),
        ("cache_read", "standard", 0, D("0.3")),
        ("cache_write_5m", "standard", 0, D("3.75")),
        # `_above_1hr` is the one-hour cache write, not a context tier...
        ("cache_write_1h", "standard", 0, D("6")),
        # ...and it combines with a real prompt-size tier.
        ("cache_write_1h", "standard", 200000, D("12")),
        ("input", "standard", 200000, D("6")),
        ("output", "standard", 200000, D("22.5")),
        ("cache_read", "standard", 200000, D("0.6")),
        ("cache_write_5m", "standard", 200000, D("7.5")),
        ("web_search", "standard", 0, D("0.01")),
    }
    search = next(p for p in offering.prices if p.component == "web_search")
    assert (search.unit, search.published) == ("per_search", "0.01 per search (search_context_size_medium)")
    assert by_key(fixture_batch)["claude-sonnet-4-5"].lab_hint == "anthropic"


def test_it_reads_gemini_prompt_tiers_and_priority_tiers(fixture_batch):
    record = by_key(fixture_batch)["gemini/gemini-2.5-pro"]
    assert record.lab_hint == "google"
    [offering] = record.offerings
    assert (offering.provider, offering.provider_model_id) == ("google-ai-studio", "gemini-2.5-pro")
    assert prices(offering) == {
        ("input", "standard", 0, D("1.25")),
        ("input", "standard", 200000, D("2.5")),
        ("output", "standard", 0, D("10")),
        ("output", "standard", 200000, D("15")),
        ("cache_read", "standard", 0, D("0.125")),
        ("cache_read", "standard", 200000, D("0.25")),
        ("input", "priority", 0, D("2.25")),
        ("input", "priority", 200000, D("4.5")),
        ("output", "priority", 0, D("18")),
        ("output", "priority", 200000, D("27")),
        ("web_search", "standard", 0, D("0.035")),
    }


def test_it_reads_any_size_threshold_with_flex_and_priority(fixture_batch):
    offering = route(fixture_batch, "gpt-5.6")  # mode "responses" is a language model too
    assert prices(offering) == {
        ("input", "standard", 0, D("5")),
        ("input", "standard", 272000, D("10")),
        ("input", "flex", 0, D("2.5")),
        ("input", "flex", 272000, D("5")),
        ("cache_write_5m", "flex", 272000, D("6.25")),
        ("cache_read", "priority", 272000, D("2")),
        ("output", "standard", 0, D("30")),
        ("reasoning", "standard", 0, D("30")),
    }


def test_it_reads_audio_token_prices(fixture_batch):
    assert prices(route(fixture_batch, "gpt-4o-audio-preview")) == {
        ("input", "standard", 0, D("2.5")),
        ("output", "standard", 0, D("10")),
        ("input_audio", "standard", 0, D("40")),
        ("output_audio", "standard", 0, D("80")),
    }


def test_it_keeps_the_namespaced_id_each_gateway_takes(fixture_batch):
    openrouter = by_key(fixture_batch)["openrouter/openai/gpt-4o-mini"]
    assert (openrouter.offerings[0].provider, openrouter.offerings[0].provider_model_id) == (
        "openrouter",
        "openai/gpt-4o-mini",
    )
    assert openrouter.lab_hint == "openai"
    vercel = by_key(fixture_batch)["vercel_ai_gateway/openai/gpt-4o-mini"]
    assert (vercel.offerings[0].provider, vercel.offerings[0].provider_model_id) == (
        "vercel-ai-gateway",
        "openai/gpt-4o-mini",
    )
    groq = by_key(fixture_batch)["groq/openai/gpt-oss-120b"]
    assert (groq.offerings[0].provider, groq.offerings[0].provider_model_id, groq.lab_hint) == (
        "groq",
        "openai/gpt-oss-120b",
        "openai",
    )
    together = by_key(fixture_batch)["together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free"]
    assert (together.offerings[0].provider, together.lab_hint) == ("together", "meta")


def test_it_stores_a_zero_input_or_output_as_free_and_drops_other_zeros(fixture_batch):
    # A 0 token price is a real free price...
    assert prices(route(fixture_batch, "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free")) == {
        ("input", "standard", 0, D("0")),
        ("output", "standard", 0, D("0")),
    }
    # ...a 0 cache write or image price means "not charged separately", so nothing is stored for it.
    assert prices(route(fixture_batch, "vercel_ai_gateway/openai/gpt-4o-mini")) == {
        ("input", "standard", 0, D("0.15")),
        ("output", "standard", 0, D("0.6")),
        ("cache_read", "standard", 0, D("0.075")),
    }
    assert {p.component for p in route(fixture_batch, "gemini-2.0-flash-exp").prices} == {"input", "output"}
    assert fixture_batch.skipped["zero price not stored (not separately charged): cache_write_5m"] == 2
    assert fixture_batch.skipped["zero price not stored (not separately charged): input_image"] == 1


def test_it_reads_deepseeks_cache_hit_key_as_the_cache_read_price(fixture_batch):
    assert prices(route(fixture_batch, "deepseek/deepseek-chat")) == {
        ("input", "standard", 0, D("0.28")),
        ("output", "standard", 0, D("0.42")),
        ("cache_read", "standard", 0, D("0.028")),
    }
    assert fixture_batch.skipped["same price stated twice: input_cost_per_token_cache_hit"] == 1
    assert ("cache_read", "standard", 0, D("0.14")) in prices(route(fixture_batch, "deepseek/deepseek-r1"))


def test_it_reads_alibaba_tiered_pricing_ranges_as_prompt_tiers(fixture_batch):
    record = by_key(fixture_batch)["dashscope/qwen-flash"]
    assert (record.lab_hint, record.offerings[0].provider_model_id) == ("qwen", "qwen-flash")
    assert prices(record.offerings[0]) == {
        ("input", "standard", 0, D("0.05")),
        ("output", "standard", 0, D("0.4")),
        ("input", "standard", 256000, D("0.25")),
        ("output", "standard", 256000, D("2")),
    }


def test_it_reads_a_price_per_image_but_not_a_token_price_filed_as_one(fixture_batch):
    image = next(
        p for p in route(fixture_batch, "openrouter/anthropic/claude-sonnet-4.5").prices if p.component == "input_image"
    )
    assert (image.unit, image.usd, image.published) == ("per_image", D("0.0048"), "0.0048 per image")
    # xAI's vision entries repeat the token price under input_cost_per_image.
    assert {p.component for p in route(fixture_batch, "xai/grok-2-vision").prices} == {"input", "output"}
    assert fixture_batch.skipped["input_cost_per_image equals the token price: not a price per image"] == 1


def test_it_treats_an_output_limit_equal_to_the_input_limit_as_unknown(fixture_batch):
    grok = by_key(fixture_batch)["xai/grok-2-vision"]
    assert (grok.context_window, grok.max_output_tokens) == (32768, None)
    assert (grok.offerings[0].context_window, grok.offerings[0].max_output_tokens) == (32768, None)
    assert fixture_batch.skipped["max_output_tokens equals max_input_tokens: output limit unknown"] == 2


def test_it_reads_whole_float_limits_and_ignores_max_tokens(fixture_batch):
    fast = by_key(fixture_batch)["xai/grok-4-1-fast"]
    # max_tokens (2000000.0) is ambiguous and never read; 30000.0 is the output limit.
    assert (fast.context_window, fast.max_output_tokens) == (2000000, 30000)
    together = by_key(fixture_batch)["together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free"]
    assert (together.context_window, together.max_output_tokens) == (None, None)


def test_it_turns_flags_into_capabilities_and_leaves_missing_ones_unknown(fixture_batch):
    mini = by_key(fixture_batch)["gpt-4o-mini"]
    assert mini.capabilities_mode == "merge"
    assert set(mini.capabilities) == {
        "tool_calling",
        "parallel_tool_calls",
        "structured_output",
        "vision",
        "prompt_caching",
        "pdf_input",
    }
    # supports_reasoning is absent: unknown, so neither granted nor denied.
    assert "reasoning" not in mini.capabilities
    assert mini.capabilities_denied == []
    gemini = by_key(fixture_batch)["gemini/gemini-2.5-pro"]
    assert set(gemini.capabilities) == {"tool_calling", "reasoning", "web_search"}
    assert gemini.capabilities_denied == ["audio_output"]  # explicitly false
    # No flag at all: the source said nothing about capabilities.
    assert by_key(fixture_batch)["deepseek/deepseek-r1"].capabilities is None


def test_it_reads_modalities_and_maps_pdf_to_file(fixture_batch):
    gemini = by_key(fixture_batch)["gemini/gemini-2.5-pro"]
    assert gemini.input_modalities == ["text", "image", "audio", "video", "file"]
    assert gemini.output_modalities == ["text"]
    assert by_key(fixture_batch)["gpt-4o-mini"].input_modalities is None


def test_it_marks_a_route_deprecated_or_retired_from_its_deprecation_date(fixture_batch):
    assert route(fixture_batch, "gemini-2.0-flash-exp").status == "retired"  # 2025-06-06, before the run
    assert route(fixture_batch, "gemini/gemini-3-pro-preview").status == "deprecated"  # 2026-09-28, ahead
    assert route(fixture_batch, "gpt-4o-mini").status is None  # not said


def test_it_skips_what_is_not_a_token_priced_model_and_counts_why(fixture_batch):
    assert set(by_key(fixture_batch)) == {
        "gpt-4o-mini",
        "azure/gpt-4o-mini",
        "azure/eu/gpt-4o-mini-2024-07-18",
        "azure/global-standard/gpt-4o-mini",
        "computer-use-preview",
        "claude-sonnet-4-5",
        "gemini/gemini-2.5-pro",
        "gemini-2.0-flash-exp",
        "gemini/gemini-3-pro-preview",
        "gpt-5.6",
        "gpt-4o-audio-preview",
        "openrouter/openai/gpt-4o-mini",
        "openrouter/anthropic/claude-sonnet-4.5",
        "vercel_ai_gateway/openai/gpt-4o-mini",
        "deepseek/deepseek-chat",
        "deepseek/deepseek-r1",
        "dashscope/qwen-flash",
        "groq/openai/gpt-oss-120b",
        "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free",
        "xai/grok-2-vision",
        "xai/grok-4-1-fast",
    }
    assert fixture_batch.skipped == Counter(
        {
            "not a model: sample_spec": 1,
            "mode embedding": 1,
            "mode image_generation": 2,
            "fine-tune price (ft:), not the base model's": 1,
            "code-interpreter container, not a model": 1,
            "Together size-band price, not a model": 1,
            "OpenRouter router, not a model": 1,
            "embedding model listed as chat": 1,
            "provider not tracked: perplexity": 1,
            "no price stated": 1,
            "price key skipped: file_search_cost_per_1k_calls": 1,
            "price key skipped: provider_specific_entry": 1,
            "price key skipped: regional_processing_uplift_multiplier_eu": 1,
            "zero price not stored (not separately charged): cache_write_5m": 2,
            "zero price not stored (not separately charged): input_image": 1,
            "same price stated twice: input_cost_per_token_cache_hit": 1,
            "input_cost_per_image equals the token price: not a price per image": 1,
            "max_output_tokens equals max_input_tokens: output limit unknown": 2,
        }
    )


def test_it_maps_cloud_routes_the_shared_subset_does_not_cover():
    # Key conventions of LiteLLM's Bedrock, Vertex and Fireworks entries (absent from the shared real subset).
    chat = {"mode": "chat", "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05}
    batch = parse(
        {
            "bedrock/us-east-1/anthropic.claude-sonnet-4-5": {**chat, "litellm_provider": "bedrock"},
            "us.anthropic.claude-sonnet-4-5": {**chat, "litellm_provider": "bedrock_converse"},
            "vertex_ai/claude-sonnet-4-5": {**chat, "litellm_provider": "vertex_ai-anthropic_models"},
            "fireworks_ai/accounts/fireworks/models/kimi-k2": {**chat, "litellm_provider": "fireworks_ai"},
            "text-completion-openai/gpt-3.5-turbo-instruct": {
                **chat,
                "mode": "completion",
                "litellm_provider": "text-completion-openai",
            },
        }
    )
    routes = {
        key: (r.offerings[0].provider, r.offerings[0].region, r.offerings[0].provider_model_id)
        for key, r in by_key(batch).items()
    }
    assert routes == {
        "bedrock/us-east-1/anthropic.claude-sonnet-4-5": ("aws-bedrock", "us-east-1", "anthropic.claude-sonnet-4-5"),
        "us.anthropic.claude-sonnet-4-5": ("aws-bedrock", "", "us.anthropic.claude-sonnet-4-5"),
        "vertex_ai/claude-sonnet-4-5": ("google-vertex", "", "claude-sonnet-4-5"),
        "fireworks_ai/accounts/fireworks/models/kimi-k2": ("fireworks", "", "accounts/fireworks/models/kimi-k2"),
        "text-completion-openai/gpt-3.5-turbo-instruct": ("openai", "", "gpt-3.5-turbo-instruct"),
    }
    # `accounts/` is Fireworks' path, not a lab.
    assert by_key(batch)["fireworks_ai/accounts/fireworks/models/kimi-k2"].lab_hint == ""


def test_it_skips_a_provider_the_catalog_does_not_hold(fixture_batch):
    batch = parse(load("prices.json"), Known(providers=OUR_PROVIDERS - {"groq"}, as_of=AS_OF))
    assert "groq/openai/gpt-oss-120b" not in by_key(batch)
    assert batch.skipped["provider not in the catalog yet: groq (sync curated first)"] == 1


def test_it_cites_a_configured_mirror_instead_of_the_github_page():
    mirror = "https://mirror.example.org/prices.json"
    batch = parse({"gpt-4o-mini": load("prices.json")["gpt-4o-mini"]}, url=mirror)
    assert {p.source_url for p in route(batch, "gpt-4o-mini").prices} == {mirror}


# Faults ---------------------------------------------------------------------------------------------------------


def rejections(batch: Batch) -> set[tuple[str, str]]:
    return {(r.entry, r.field) for r in batch.rejections}


def test_it_rejects_bad_figures_by_key_and_field_and_keeps_the_rest(bad_batch):
    assert rejections(bad_batch) == {
        ("gpt-4o-mini", "input_cost_per_token"),
        ("gpt-4o-mini", "cache_read_input_token_cost"),
        ("gpt-4o-mini", "max_output_tokens"),
        ("gpt-4o-mini", "deprecation_date"),
        ("gpt-4o-mini", "supports_vision"),
        ("claude-sonnet-4-5", "litellm_provider"),
        ("gpt-4.1", "mode"),
        ("gemini/gemini-2.5-pro", "max_input_tokens"),
        ("gemini/gemini-2.5-pro", "search_context_cost_per_query"),
        ("gemini/gemini-2.5-pro", "supported_modalities"),
        ("deepseek/deepseek-reasoner", "input_cost_per_token_cache_hit"),
        ("dashscope/qwen-plus", "tiered_pricing[1].range"),
        ("xai/grok-4", "input_cost_per_token"),
        ("mistral/mistral-large-latest", "-"),
    }
    messages = {(r.entry, r.field): r.message for r in bad_batch.rejections}
    assert "not a number" in messages[("gpt-4o-mini", "input_cost_per_token")]
    assert "negative" in messages[("gpt-4o-mini", "cache_read_input_token_cost")]
    assert "unit error" in messages[("xai/grok-4", "input_cost_per_token")]
    assert (
        "conflicts with cache_read_input_token_cost"
        in messages[("deepseek/deepseek-reasoner", "input_cost_per_token_cache_hit")]
    )


def test_a_rejected_price_keeps_the_route_but_marks_it_incomplete(bad_batch):
    mini = by_key(bad_batch)["gpt-4o-mini"]
    [offering] = mini.offerings
    assert prices(offering) == {("output", "standard", 0, D("0.6"))}
    assert not offering.prices_complete
    assert (offering.context_window, offering.max_output_tokens, offering.status) == (128000, None, None)
    assert (mini.capabilities, mini.capabilities_denied) == (["tool_calling"], [])
    assert prices(route(bad_batch, "deepseek/deepseek-reasoner")) == {
        ("input", "standard", 0, D("0.28")),
        ("output", "standard", 0, D("0.42")),
        ("cache_read", "standard", 0, D("0.028")),
    }
    assert not route(bad_batch, "deepseek/deepseek-reasoner").prices_complete
    assert prices(route(bad_batch, "dashscope/qwen-plus")) == {
        ("input", "standard", 0, D("0.4")),
        ("output", "standard", 0, D("1.2")),
    }
    gemini = by_key(bad_batch)["gemini/gemini-2.5-pro"]
    assert (gemini.context_window, gemini.input_modalities) == (None, None)
    assert {p.component for p in gemini.offerings[0].prices} == {"input", "output"}
    assert set(by_key(bad_batch)) == {
        "gpt-4o-mini",
        "gemini/gemini-2.5-pro",
        "deepseek/deepseek-reasoner",
        "dashscope/qwen-plus",
        "xai/grok-4",
    }


def test_it_refuses_a_body_that_is_not_an_object_of_entries():
    with pytest.raises(SourceFormatError):
        parse([{"gpt-4o-mini": {}}])  # type: ignore[arg-type]


def test_a_malformed_json_body_is_a_format_error(payload_server, settings):
    payload_server.add("/prices.json", '{"gpt-4o-mini": {"mode": "chat",')
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/prices.json"
    with httpx.Client() as client, pytest.raises(SourceFormatError, match="not valid JSON"):
        LiteLLMSource().fetch(client)


def test_a_json_list_body_is_a_format_error(payload_server, settings):
    payload_server.add("/prices.json", [{"gpt-4o-mini": {}}])
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/prices.json"
    with httpx.Client() as client, pytest.raises(SourceFormatError, match="expected a JSON object"):
        LiteLLMSource().fetch(client)


def test_a_missing_file_is_a_fetch_error(payload_server, settings):
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/gone.json"
    with httpx.Client() as client, pytest.raises(SourceFetchError, match="HTTP 404"):
        LiteLLMSource().fetch(client)


# The real file (../shared/data) -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_batch() -> Batch:
    from tests.conftest import SHARED_DATA

    path = SHARED_DATA / REAL_FILE
    if not path.exists():
        pytest.skip(f"the shared real-data file {path} is not present on this machine")
    return parse(json.loads(path.read_text()))


def test_the_real_file_prices_gpt_4o_mini_on_openai(shared_data, real_batch):
    assert (shared_data / REAL_FILE).exists()
    offering = route(real_batch, "gpt-4o-mini")
    assert (offering.provider, offering.provider_model_id) == ("openai", "gpt-4o-mini")
    assert {
        ("input", "standard", 0, D("0.15")),
        ("output", "standard", 0, D("0.6")),
        ("cache_read", "standard", 0, D("0.075")),
        ("input", "batch", 0, D("0.075")),
        ("output", "batch", 0, D("0.3")),
        ("input", "priority", 0, D("0.25")),
        ("output", "priority", 0, D("1")),
    } <= prices(offering)
    assert (offering.context_window, offering.max_output_tokens) == (128000, 16384)


def test_the_real_file_prices_gpt_4o_mini_on_azure(shared_data, real_batch):
    offering = route(real_batch, "azure/gpt-4o-mini")
    assert (offering.provider, offering.provider_model_id, offering.region) == ("azure-openai", "gpt-4o-mini", "")
    assert {("input", "standard", 0, D("0.165")), ("output", "standard", 0, D("0.66"))} <= prices(offering)


def test_the_real_file_prices_claude_sonnet_4_5_cache_writes_and_tier(shared_data, real_batch):
    assert {
        ("input", "standard", 0, D("3")),
        ("output", "standard", 0, D("15")),
        ("cache_write_5m", "standard", 0, D("3.75")),
        ("cache_write_1h", "standard", 0, D("6")),
        ("input", "standard", 200000, D("6")),
        ("output", "standard", 200000, D("22.5")),
        ("cache_write_1h", "standard", 200000, D("12")),
    } <= prices(route(real_batch, "claude-sonnet-4-5"))


def test_the_real_file_prices_gemini_2_5_pro_tiers_and_priority(shared_data, real_batch):
    assert {
        ("input", "standard", 0, D("1.25")),
        ("input", "standard", 200000, D("2.5")),
        ("output", "standard", 0, D("10")),
        ("output", "standard", 200000, D("15")),
        ("input", "priority", 0, D("1.25")),
        ("input", "priority", 200000, D("2.5")),
        ("output", "priority", 0, D("10")),
        ("output", "priority", 200000, D("15")),
    } <= prices(route(real_batch, "gemini/gemini-2.5-pro"))


def test_the_real_file_skips_sample_spec_and_counts_other_modes(shared_data, real_batch):
    assert "sample_spec" not in by_key(real_batch)
    assert real_batch.skipped["not a model: sample_spec"] == 1
    modes = {reason: n for reason, n in real_batch.skipped.items() if reason.startswith("mode ")}
    assert modes == {
        "mode image_generation": 108,
        "mode realtime": 27,
        "mode embedding": 25,
        "mode audio_transcription": 15,
        "mode audio_speech": 15,
        "mode video_generation": 15,
        "mode moderation": 5,
        "mode ocr": 4,
    }
    assert real_batch.rejections == []
    assert len(real_batch.models) == 676


def test_the_real_file_keeps_azure_regions_apart(shared_data, real_batch):
    assert route(real_batch, "azure/eu/gpt-5.6").region == "eu"
    assert route(real_batch, "azure/us/gpt-5.6").region == "us"
    assert ("input", "standard", 0, D("5.5")) in prices(route(real_batch, "azure/eu/gpt-5.6"))


# End to end: payload server -> fetch -> normalize -> apply ----------------------------------------------------


@pytest.fixture
def litellm_registered(monkeypatch):
    """Rank LiteLLM as the aggregator it is, as the registry will once the source is listed there."""
    monkeypatch.setitem(REGISTRY, LiteLLMSource.name, LiteLLMSource)


def test_it_syncs_recorded_prices_end_to_end_and_a_rerun_writes_nothing(
    load_fixture_catalog, payload_server, settings, litellm_registered
):
    load_fixture_catalog()
    payload_server.add("/litellm/prices.json", load("prices.json"))
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/litellm/prices.json"
    source = LiteLLMSource()

    with httpx.Client() as client:
        raw = source.fetch(client)
    batch = source.normalize(raw, known_catalog())
    outcome = apply_batch(batch, source=LiteLLMSource.name)
    assert outcome.rejections == []
    assert outcome.tally.total("created") > 0

    openai = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    current = {
        (p.component, p.service_tier, p.tier_min_tokens): p for p in Price.objects.current().filter(offering=openai)
    }
    # A figure the curator already states stays theirs; a component only LiteLLM states is not added to a route
    # whose first party (here the curated files) states its prices: it waits for a curator as a disagreement.
    assert current["input", "standard", 0].source == "curated"
    assert ("output", "priority", 0) not in current
    unstated = Disagreement.objects.get(offering=openai, component="output", service_tier="priority", tier_min_tokens=0)
    assert (unstated.kept_value, unstated.kept_source, unstated.other_value) == ("", "curated", "1")
    sonnet = Offering.objects.get(model__slug="anthropic/claude-sonnet-4-5", provider__slug="anthropic")
    assert not Price.objects.current().filter(offering=sonnet, component="cache_write_1h", tier_min_tokens=200000)
    assert Disagreement.objects.get(
        offering=sonnet, component="cache_write_1h", tier_min_tokens=200000
    ).other_value == ("12")
    # A route no first party prices (LiteLLM's own Azure EU deployment) takes LiteLLM's figures.
    assert Offering.objects.filter(
        model__slug="openai/gpt-4o-mini", provider__slug="azure-openai", region="eu"
    ).exists()
    # Providers the fixture catalog does not hold are skipped, not created.
    assert batch.skipped["provider not in the catalog yet: google-ai-studio (sync curated first)"] == 3

    again = source.normalize(source.fetch(httpx.Client()), known_catalog())
    second = apply_batch(again, source=LiteLLMSource.name).tally
    assert (second.total("created"), second.total("updated")) == (0, 0)
    assert second.total("unchanged") > 0


def test_run_sync_records_a_litellm_run(load_fixture_catalog, payload_server, settings, litellm_registered):
    load_fixture_catalog()
    payload_server.add("/prices.json", load("prices.json"))
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/prices.json"

    run = run_sync("litellm")
    assert run.status == "succeeded", run.error
    assert run.counts["price"]["created"] > 0
    rerun = run_sync("litellm")
    assert (rerun.status, rerun.created, rerun.updated, rerun.rejected) == ("succeeded", 0, 0, 0)
