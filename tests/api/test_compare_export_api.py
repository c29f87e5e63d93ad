"""GET /api/v1/compare/ (2 to 4 models side by side) and /api/v1/export/ (the whole catalog, JSON or CSV, streamed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import jsonschema
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from providers.models import Price
from tests.factories import build_catalog
from tests.problem import details

LITELLM_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"


def compare(client, models: str):
    return client.get("/api/v1/compare/", {"models": models})


# --- compare -------------------------------------------------------------------------------------------------------


def test_compare_shows_the_models_side_by_side_in_the_order_asked(client, catalog_since_launch):
    response = compare(client, "openai/gpt-4o-mini,anthropic/claude-sonnet-4-5")
    assert response.status_code == 200
    mini, sonnet = response.json()["models"]
    assert (mini["slug"], sonnet["slug"]) == ("openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5")
    assert {k: v for k, v in mini.items() if k not in ("cheapest_route", "scores")} == {
        "slug": "openai/gpt-4o-mini",
        "name": "GPT-4o mini",
        "lab": "openai",
        "family": "GPT-4o",
        "release_date": "2024-07-18",
        "knowledge_cutoff": "2023-10",
        "context_window": 128000,
        "max_output_tokens": 16384,
        "input_modalities": ["image", "text"],
        "output_modalities": ["text"],
        "capabilities": ["prompt_caching", "structured_output", "tool_calling", "vision"],
        "open_weights": False,
        "license": "Proprietary",
        "status": "active",
        "url": "http://testserver/api/v1/models/openai/gpt-4o-mini/",
        "page": "http://testserver/models/openai/gpt-4o-mini/",
    }
    assert sonnet["capabilities"] == ["prompt_caching", "reasoning", "tool_calling"]


def test_compare_gives_the_cheapest_route_with_every_price_component(client, catalog_since_launch):
    mini, sonnet = compare(client, "openai/gpt-4o-mini,anthropic/claude-sonnet-4-5").json()["models"]
    route = mini["cheapest_route"]
    assert (route["provider"], route["provider_name"], route["provider_model_id"]) == (
        "openai",
        "OpenAI API",
        "gpt-4o-mini",
    )
    assert [(p["service_tier"], p["component"], p["usd"], p["unit"]) for p in route["prices"]] == [
        ("batch", "input", "0.075", "per_1m_tokens"),
        ("batch", "output", "0.3", "per_1m_tokens"),
        ("standard", "cache_read", "0.075", "per_1m_tokens"),
        ("standard", "input", "0.15", "per_1m_tokens"),
        ("standard", "output", "0.6", "per_1m_tokens"),
    ]
    assert route["prices"][3] == {
        "component": "input",
        "unit": "per_1m_tokens",
        "usd": "0.15",
        "service_tier": "standard",
        "tier_min_tokens": None,
        "effective_from": "2024-07-18T00:00:00Z",
        "source": "curated",
        "source_name": "LiteLLM price map (snapshot 2026-08-01)",
        "source_url": LITELLM_URL,
        "verified_at": "2026-08-01",
        "published": "1.5e-07 per token",
    }
    sonnet_prices = [(p["component"], p["usd"], p["tier_min_tokens"]) for p in sonnet["cheapest_route"]["prices"]]
    assert sonnet_prices == [
        ("cache_read", "0.3", None),
        ("cache_write_1h", "6", None),
        ("cache_write_5m", "3.75", None),
        ("input", "3", None),
        ("output", "15", None),
        ("input", "6", 200000),
        ("output", "22.5", 200000),
    ]


def test_compare_shows_scores_with_provenance(client, catalog_since_launch):
    mini, sonnet = compare(client, "openai/gpt-4o-mini,anthropic/claude-sonnet-4-5").json()["models"]
    assert [(s["benchmark"], s["value"], s["self_reported"], s["date"]) for s in mini["scores"]] == [
        ("lmarena-text", "1235", False, None),
        ("mmlu", "82", True, "2024-07-18"),
    ]
    assert sonnet["scores"] == []


def test_a_model_without_a_priced_route_has_no_cheapest_route(client, catalog_since_launch):
    turbo = compare(client, "openai/gpt-3.5-turbo,openai/gpt-4o-mini").json()["models"][0]
    assert (turbo["slug"], turbo["cheapest_route"]) == ("openai/gpt-3.5-turbo", None)


def test_compare_accepts_aliases_names_and_bare_slugs(client, catalog_since_launch):
    # an OpenRouter id, a model's exact name, a slug without its lab
    response = compare(client, "openai/gpt-4o-mini-2024-07-18,GPT-3.5 Turbo,claude-sonnet-4-5")
    assert response.status_code == 200
    assert [m["slug"] for m in response.json()["models"]] == [
        "openai/gpt-4o-mini",
        "openai/gpt-3.5-turbo",
        "anthropic/claude-sonnet-4-5",
    ]


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ("openai/gpt-4o-mini", "Compare needs at least 2 different models; this list has 1. Add another below."),
        # an alias of the same model is the same model
        (
            "openai/gpt-4o-mini,openai/gpt-4o-mini-2024-07-18",
            "Compare needs at least 2 different models; this list has 1. Add another below.",
        ),
        ("", "Compare needs at least 2 different models; this list has 0. Add another below."),
        ("openai/gpt-4o-mini,openai/gpt-5", "No model is called 'openai/gpt-5'."),
        ("nope,openai/gpt-4o-mini,zilch", "No model is called 'nope', 'zilch'."),
        (
            "lab/model-0,lab/model-1,lab/model-2,openai/gpt-4o-mini,anthropic/claude-sonnet-4-5",
            "Compare shows at most 4 models side by side; this list has 5. Remove 1 below.",
        ),
        ("a,b,c,d,e,f,g,h,i", "Compare shows at most 4 models side by side; this list has 9."),
    ],
)
def test_compare_refuses_a_bad_list_naming_the_parameter(client, catalog_since_launch, models, message):
    build_catalog(3, routes=1, with_scores=False)
    response = compare(client, models)
    assert response.status_code == 400
    assert details(response) == {"detail": "Invalid value for: models.", "errors": {"models": [message]}}


def test_compare_without_the_parameter_is_a_400(client, catalog_since_launch):
    response = client.get("/api/v1/compare/")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["models"]


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("compared", [2, 4])
def test_compare_query_count_is_constant(client, db, size, compared):
    build_catalog(max(size, compared), routes=size)
    models = ",".join(f"lab/model-{i}" for i in range(compared))
    with CaptureQueriesContext(connection) as queries:
        response = compare(client, models)
    assert response.status_code == 200
    assert len(response.json()["models"]) == compared
    # every model's slug and name (to resolve the list); the compared models with cheapest route; 3 facets;
    # scores; live routes; their prices
    assert len(queries.captured_queries) == 8


# --- export --------------------------------------------------------------------------------------------------------


def streamed(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_the_json_export_is_the_export_format_streamed(client, catalog_since_launch):
    response = client.get("/api/v1/export/")
    assert response["Content-Type"] == "application/json"
    document = json.loads(streamed(response))
    schema = json.loads((django_settings.BASE_DIR / "docs" / "export-format.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert document["format_version"] == "1.0"
    assert [m["slug"] for m in document["models"]] == [
        "anthropic/claude-sonnet-4-5",
        "openai/gpt-3.5-turbo",
        "openai/gpt-4o-mini",
    ]
    mini = document["models"][2]
    assert [o["provider"] for o in mini["offerings"]] == ["azure-openai", "openai", "openrouter"]
    assert mini["offerings"][1]["prices"][3] == {
        "component": "input",
        "unit": "per_1m_tokens",
        "usd": "0.15",
        "tier_min_tokens": None,
        "service_tier": "standard",
        "effective_from": "2024-07-18T00:00:00Z",
        "source": "curated",
        "source_name": "LiteLLM price map (snapshot 2026-08-01)",
        "source_url": LITELLM_URL,
        "verified_at": "2026-08-01",
        "published": "1.5e-07 per token",
    }


def test_the_csv_export_has_one_row_per_current_price(client, catalog_since_launch):
    Price.objects.filter(offering__provider__slug="azure-openai", component="output").update(
        effective_to=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    response = client.get("/api/v1/export/", {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="llm-catalog-prices.csv"'
    rows = list(csv.reader(io.StringIO(streamed(response))))
    assert rows[0] == [
        "model",
        "provider",
        "provider_model_id",
        "region",
        "quantization",
        "component",
        "unit",
        "usd",
        "tier_min_tokens",
        "service_tier",
        "effective_from",
        "source",
        "source_url",
        "verified_at",
    ]
    assert len(rows) - 1 == Price.objects.current().count() == 15  # the closed azure price is left out
    provenance = ["2024-07-18T00:00:00Z", "curated", LITELLM_URL, "2026-08-01"]
    route = ["openai/gpt-4o-mini", "openai", "gpt-4o-mini", "", ""]  # model, provider, its id, region, quantization
    assert [row for row in rows if row[:2] == route[:2]] == [
        [*route, "input", "per_1m_tokens", "0.075", "", "batch", *provenance],
        [*route, "output", "per_1m_tokens", "0.3", "", "batch", *provenance],
        [*route, "cache_read", "per_1m_tokens", "0.075", "", "standard", *provenance],
        [*route, "input", "per_1m_tokens", "0.15", "", "standard", *provenance],
        [*route, "output", "per_1m_tokens", "0.6", "", "standard", *provenance],
    ]
    tiers = [(row[5], row[7], row[8]) for row in rows if row[0] == "anthropic/claude-sonnet-4-5" and row[8]]
    assert tiers == [("input", "6", "200000"), ("output", "22.5", "200000")]


def test_the_export_format_is_chosen_by_the_format_parameter_not_accept(client, catalog_since_launch):
    response = client.get("/api/v1/export/", {"format": "csv"}, headers={"Accept": "application/json"})
    assert streamed(response).startswith("model,provider,")
    response = client.get("/api/v1/export/", headers={"Accept": "text/csv"})
    assert streamed(response).startswith('{"format_version": "1.0"')


def test_an_unknown_export_format_is_a_400(client, catalog_since_launch):
    response = client.get("/api/v1/export/", {"format": "xml"})
    assert response.status_code == 400
    assert details(response) == {
        "detail": "Invalid value for: format.",
        "errors": {"format": ['"xml" is not a valid choice.']},
    }


def test_the_export_is_cacheable_and_never_wrongly_not_modified(client, catalog_since_launch, settings):
    response = client.get("/api/v1/export/")
    assert response["Cache-Control"] == f"public, max-age={settings.API_CACHE_SECONDS}"
    # Streamed: no ETag (the body is not known before it is sent) and no inexact Last-Modified.
    assert not response.has_header("Last-Modified")
    again = client.get("/api/v1/export/", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert again.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("chosen", ["json", "csv"])
def test_export_query_count_is_constant(client, db, size, chosen):
    build_catalog(size, routes=size)
    with CaptureQueriesContext(connection) as queries:
        body = streamed(client.get("/api/v1/export/", {"format": chosen}))
    assert body
    # models with lab and successor; 3 facets; aliases; routes; their prices; scores
    assert len(queries.captured_queries) == 8


def test_the_schema_documents_both_export_media_types(client, db):
    schema = client.get("/api/v1/schema/", headers={"Accept": "application/json"}).json()
    responses = schema["paths"]["/api/v1/export/"]["get"]["responses"]
    assert sorted(responses["200"]["content"]) == ["application/json", "text/csv"]
    assert responses["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ExportDocument"}
    assert responses["200"]["content"]["text/csv"]["schema"] == {"type": "string"}
