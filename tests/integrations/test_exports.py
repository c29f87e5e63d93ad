"""The drop-in cost maps: LiteLLM's model_prices_and_context_window.json and models.dev's api.json, in their real
shapes (checked against the real files in ../shared/data), cached, streamed, and priced by LiteLLM itself exactly as
our own workload engine prices them."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal

import pytest
from django.db.models import F

from providers.models import Offering, Price
from providers.pricing.costing import Workload, estimate, live_routes
from tests.conftest import ROOT

LITELLM_URL = "/api/v1/export/litellm.json"
MODELSDEV_URL = "/api/v1/export/modelsdev.json"


def body(response) -> dict:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def test_it_writes_one_litellm_entry_per_priced_route(client, catalog):
    response = client.get(LITELLM_URL)
    assert response.status_code == 200
    assert response.streaming
    document = body(response)
    assert set(document) == {"gpt-4o-mini", "azure/gpt-4o-mini", "openrouter/openai/gpt-4o-mini", "claude-sonnet-4-5"}
    entry = document["gpt-4o-mini"]
    assert entry["input_cost_per_token"] == 1.5e-07
    assert entry["output_cost_per_token"] == 6e-07
    assert entry["cache_read_input_token_cost"] == 7.5e-08
    assert entry["input_cost_per_token_batches"] == 7.5e-08
    assert entry["output_cost_per_token_batches"] == 3e-07
    assert entry["litellm_provider"] == "openai"
    assert entry["mode"] == "chat"
    assert (entry["max_input_tokens"], entry["max_output_tokens"]) == (128000, 16384)
    assert entry["supports_function_calling"] is entry["supports_vision"] is entry["supports_response_schema"] is True
    assert "supports_reasoning" not in entry  # unknown is left out, never false
    assert entry["source"] == "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
    assert entry["verified_on"] == "2026-08-01"
    assert document["openrouter/openai/gpt-4o-mini"]["litellm_provider"] == "openrouter"
    assert document["openrouter/openai/gpt-4o-mini"]["verified_on"] == "2026-05-15"
    claude = document["claude-sonnet-4-5"]
    assert claude["input_cost_per_token_above_200k_tokens"] == 6e-06
    assert claude["cache_creation_input_token_cost"] == 3.75e-06
    assert claude["cache_creation_input_token_cost_above_1hr"] == 6e-06


def test_its_keys_and_values_are_those_of_the_real_litellm_file(client, real_catalog, shared_data):
    """Every key we write is one the real file uses (ours: source, verified_on, catalog_model), with the same type;
    and where the real file has the same entry, the same price keys agree."""
    real = json.loads((shared_data / "litellm" / "prices-full-2026-07-05.json").read_text())
    real_types: dict[str, set[str]] = {}
    for key, entry in real.items():
        if key == "sample_spec":
            continue
        for name, value in entry.items():
            real_types.setdefault(name, set()).add(type(value).__name__)
    document = body(client.get(LITELLM_URL))
    assert len(document) > 100
    ours = {"catalog_model", "verified_on"}
    for key, entry in document.items():
        for name, value in entry.items():
            if name in ours:
                continue
            # A tier at a threshold the file does not use yet has the same form as one it does.
            name = re.sub(r"_above_\d+k_tokens", "_above_200k_tokens", name)
            assert name in real_types, f"{key}: {name} is not a key LiteLLM's file uses"
            kind = type(value).__name__
            assert kind in real_types[name] or (kind == "int" and "float" in real_types[name]), (key, name, value)
    providers = {entry["litellm_provider"] for entry in document.values()}
    assert {"openai", "anthropic", "azure", "gemini", "openrouter", "vertex_ai-language-models"} <= providers
    assert document["gpt-4o-mini"]["input_cost_per_token"] == real["gpt-4o-mini"]["input_cost_per_token"]


def test_litellm_keys_follow_component_and_unit():
    from decimal import Decimal

    from integrations.exports import _per_unit, litellm_price_key

    def price(component: str, unit: str, usd: str = "1", **fields) -> Price:
        return Price(
            component=component,
            unit=unit,
            usd=Decimal(usd),
            service_tier=fields.get("tier", "standard"),
            tier_min_tokens=fields.get("above", 0),
        )

    per_token_image = price("input_image", "per_1m_tokens", "2.5")
    assert litellm_price_key(per_token_image) == "input_cost_per_image_token"
    assert _per_unit(per_token_image) == 2.5e-06
    assert litellm_price_key(price("input_image", "per_image", "0.01")) == "input_cost_per_image"
    assert litellm_price_key(price("output_image", "per_1m_tokens")) == "output_cost_per_image_token"
    assert litellm_price_key(price("output_image", "per_image")) == "output_cost_per_image"
    assert litellm_price_key(price("cache_write_1h", "per_1m_tokens")) == "cache_creation_input_token_cost_above_1hr"
    assert litellm_price_key(price("input", "per_1m_tokens", tier="batch", above=200_000)) == (
        "input_cost_per_token_above_200k_tokens_batches"
    )
    assert litellm_price_key(price("input", "per_image")) is None  # no such LiteLLM key


def test_image_prices_per_token_and_per_image_keep_their_keys_and_mode_follows_the_output(catalog):
    """One route cannot hold two current prices of one component (the unique constraint), so the two units come on
    two components here; each lands under its own key, per token or per image."""
    from decimal import Decimal

    from catalog.models import Modality
    from integrations.exports import export_routes, litellm_entry

    offering = Offering.objects.get(provider__slug="openai", model__slug="openai/gpt-4o-mini")
    current = Price.objects.current().filter(offering=offering).first()
    for component, unit, usd in (("input_image", "per_1m_tokens", "5"), ("output_image", "per_image", "0.04")):
        Price.objects.create(
            offering=offering,
            component=component,
            unit=unit,
            usd=Decimal(usd),
            effective_from=current.effective_from,
            source=current.source,
            verified_on=current.verified_on,
        )
    entry = litellm_entry(export_routes().get(pk=offering.pk))
    assert entry["input_cost_per_image_token"] == 5e-06
    assert "input_cost_per_image" not in entry
    assert entry["output_cost_per_image"] == 0.04
    assert entry["mode"] == "chat"
    model = offering.model
    model.output_modalities.set([Modality.objects.get_or_create(slug="image", defaults={"name": "Image"})[0]])
    assert litellm_entry(export_routes().get(pk=offering.pk))["mode"] == "image_generation"


def test_it_writes_models_dev_api_json(client, catalog):
    response = client.get(MODELSDEV_URL)
    assert response.status_code == 200
    document = body(response)
    assert set(document) == {"openai", "azure", "anthropic", "openrouter"}
    openai = document["openai"]
    assert {"id", "env", "npm", "name", "doc", "models"} <= set(openai)
    model = openai["models"]["gpt-4o-mini"]
    assert model["cost"] == {"input": 0.15, "output": 0.6, "cache_read": 0.075}
    assert model["limit"] == {"context": 128000, "output": 16384}
    assert model["modalities"] == {"input": ["image", "text"], "output": ["text"]}
    assert model["tool_call"] is True
    assert model["verified_on"] == "2026-08-01"
    claude = document["anthropic"]["models"]["claude-sonnet-4-5"]["cost"]
    assert claude["tiers"] == [{"input": 6, "output": 22.5, "tier": {"type": "context", "size": 200000}}]
    assert claude["context_over_200k"] == {"input": 6, "output": 22.5}
    assert "openai/gpt-4o-mini" in document["openrouter"]["models"]


def test_its_shape_is_that_of_the_real_models_dev_file(client, real_catalog, shared_data):
    real = json.loads((shared_data / "modelsdev" / "api-derived-subset.json").read_text())
    real_model_keys = {key for provider in real.values() for model in provider["models"].values() for key in model}
    real_cost_keys = {
        key for provider in real.values() for model in provider["models"].values() for key in model.get("cost", {})
    }
    document = body(client.get(MODELSDEV_URL))
    for provider in document.values():
        assert set(provider) - {"api"} <= set(real["openai"]) | {"api"}
        for model in provider["models"].values():
            assert set(model) - {"source", "verified_on", "catalog_model"} <= real_model_keys
            assert set(model["cost"]) <= real_cost_keys
    assert (
        real["openai"]["models"]["gpt-4o-mini"]["cost"]["input"]
        == document["openai"]["models"]["gpt-4o-mini"]["cost"]["input"]
    )


def test_the_exports_are_kept_per_catalog_version(client, catalog, page_cache, django_assert_num_queries):
    first = client.get(LITELLM_URL)
    assert first["X-Page-Cache"] == "miss"
    document = body(first)
    with django_assert_num_queries(0):
        again = client.get(LITELLM_URL)
    assert again["X-Page-Cache"] == "hit"
    assert json.loads(again.content) == document
    Offering.objects.filter(provider__slug="azure-openai").update(status="retired")
    from lib.caching import bump_catalog_version

    bump_catalog_version()
    fresh = client.get(LITELLM_URL)
    assert fresh["X-Page-Cache"] == "miss"
    assert "azure/gpt-4o-mini" not in body(fresh)


def test_the_schema_documents_both_exports(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["paths"]["/api/v1/export/litellm.json"]["get"]["operationId"] == "export_litellm"
    assert schema["paths"]["/api/v1/export/modelsdev.json"]["get"]["operationId"] == "export_modelsdev"


# --- LiteLLM itself prices our export as we do ----------------------------------------------------------------

# (LiteLLM key, our provider, our provider model id, workload): tiers, cache reads and writes, batch.
ROUTES = [
    ("gpt-4o-mini", "openai", "gpt-4o-mini", Workload(1000, 2000, 500, Decimal("0.5"))),
    ("gpt-4o-mini", "openai", "gpt-4o-mini", Workload(1000, 2000, 500, batch=True)),
    ("claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5", Workload(1000, 8000, 700, Decimal("0.25"), 1000)),
    ("claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5", Workload(100, 250_000, 2000, Decimal("0.2"), 10_000)),
    ("gemini/gemini-2.5-pro", "google-ai-studio", "gemini-2.5-pro", Workload(100, 300_000, 4000, Decimal("0.1"))),
    ("vertex_ai/gemini-2.5-pro", "google-vertex", "gemini-2.5-pro", Workload(1000, 50_000, 1000)),
    (
        "gemini/gemini-3.1-pro-preview",
        "google-ai-studio",
        "gemini-3.1-pro-preview",
        Workload(1000, 3000, 800, batch=True),
    ),
    ("gpt-5.4", "openai", "gpt-5.4", Workload(100, 280_000, 3000, Decimal("0.5"))),
    ("openrouter/anthropic/claude-sonnet-4.5", "openrouter", "anthropic/claude-sonnet-4.5", Workload(1000, 6000, 600)),
    ("azure/gpt-5.4", "azure-openai", "gpt-5.4", Workload(10, 300_000, 1000, Decimal("0.5"))),
]


@pytest.fixture
def litellm(monkeypatch):
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # LiteLLM's own map from the package, no fetch
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    return pytest.importorskip("litellm")


def litellm_cost(litellm, key: str, workload: Workload) -> Decimal:
    """What LiteLLM charges for one request of the workload (its usage counts the whole prompt, cached included)."""
    cached = int(workload.cached_tokens)
    if workload.batch:
        usage = litellm.Usage(
            prompt_tokens=workload.input_tokens,
            completion_tokens=workload.output_tokens,
            total_tokens=workload.input_tokens + workload.output_tokens,
        )
        prompt, completion = litellm.cost_calculator.batch_cost_calculator(usage=usage, model=key)
    else:
        prompt, completion = litellm.cost_per_token(
            model=key,
            prompt_tokens=workload.input_tokens,
            completion_tokens=workload.output_tokens,
            cache_read_input_tokens=cached,
            cache_creation_input_tokens=workload.cache_write_tokens,
        )
    return Decimal(str(prompt)) + Decimal(str(completion))


def test_litellm_prices_our_export_as_we_do(client, real_catalog, litellm):
    # Every price 37% up first: LiteLLM's own map then disagrees with ours everywhere, so equal costs prove that
    # LiteLLM priced with the figures we exported (register_model merges into its entries), not with its own.
    Price.objects.update(usd=F("usd") * Decimal("1.37"))
    document = body(client.get(LITELLM_URL))
    litellm.register_model(document)
    routes = {(o.provider.slug, o.provider_model_id): o for o in live_routes() if not o.region and not o.quantization}
    compared = []
    for key, provider, model_id, workload in ROUTES:
        ours = estimate(routes[(provider, model_id)], workload)
        assert ours.usable, (key, ours.notes)
        theirs = litellm_cost(litellm, key, workload) * workload.requests_per_month
        compared.append((key, round(ours.monthly_usd, 2), round(theirs, 2)))
    assert [(key, a) for key, a, _ in compared] == [(key, b) for key, _, b in compared]


@pytest.mark.parametrize("url", [LITELLM_URL, MODELSDEV_URL])
def test_an_export_costs_the_same_queries_whatever_the_catalogs_size(
    client, load_fixture_catalog, url, django_assert_num_queries
):
    """Per chunk of 500 routes, the routes with their provider, model and lab (1), the models' capabilities and
    modalities and the current prices (4 prefetches): 5 for the 4-route fixture and for the ~350 curated routes."""
    load_fixture_catalog()
    with django_assert_num_queries(5):
        body(client.get(url))
    load_fixture_catalog(ROOT / "data" / "curated")
    with django_assert_num_queries(5):
        assert len(body(client.get(url))) > 4
