"""GET /api/v1/providers/ and /api/v1/providers/<slug>/, on catalogs written by the real sync."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from providers import curation
from providers.models import Offering
from tests.factories import build_catalog
from tests.problem import details

LIST = "/api/v1/providers/"


def route(provider: str) -> Offering:
    return Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug=provider)


def test_it_lists_every_provider_by_name_with_its_live_routes(api, catalog):
    response = api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (4, None, None)
    assert [
        (p["slug"], p["name"], p["kind"], p["lab"], p["live_route_count"], p["model_count"]) for p in body["results"]
    ] == [
        ("anthropic", "Anthropic API", "first_party", "anthropic", 1, 1),
        ("azure-openai", "Azure OpenAI", "cloud", None, 1, 1),
        ("openai", "OpenAI API", "first_party", "openai", 1, 1),
        ("openrouter", "OpenRouter", "gateway", None, 1, 1),
    ]
    assert body["results"][2] == {
        "slug": "openai",
        "name": "OpenAI API",
        "kind": "first_party",
        "lab": "openai",
        "website_url": None,
        "docs_url": None,
        "pricing_url": "https://openai.com/api/pricing/",
        "api_base_url": "https://api.openai.com/v1",
        "openai_compatible": True,
        "live_route_count": 1,
        "model_count": 1,
    }


def test_a_retired_route_is_not_a_live_one(api, catalog):
    Offering.objects.filter(pk=route("azure-openai").pk).update(status=Offering.Status.RETIRED)
    azure = next(p for p in api.get(LIST).json()["results"] if p["slug"] == "azure-openai")
    assert (azure["live_route_count"], azure["model_count"]) == (0, 0)


def test_reads_say_how_long_to_cache_them_and_answer_304_when_unchanged(api, catalog, settings):
    response = api.get(LIST)
    assert response["Cache-Control"] == f"public, max-age={settings.API_CACHE_SECONDS}"
    assert not response.has_header("Last-Modified")
    again = api.get(LIST, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_it_filters_providers_by_kind(api, catalog):
    response = api.get(LIST, {"kind": "first_party"})
    assert [p["slug"] for p in response.json()["results"]] == ["anthropic", "openai"]


def test_an_unknown_kind_is_a_400_naming_the_parameter(api, catalog):
    response = api.get(LIST, {"kind": "reseller"})
    assert response.status_code == 400
    assert details(response) == {
        "detail": "Invalid value for: kind.",
        "errors": {"kind": ["Select a valid choice. reseller is not one of the available choices."]},
    }


def test_the_detail_lists_the_routes_with_every_current_price(api, catalog):
    response = api.get("/api/v1/providers/openai/")
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["description"], body["live_route_count"]) == ("openai", "", 1)
    [only] = body["routes"]
    assert {key: value for key, value in only.items() if key not in ("id", "prices")} == {
        "model": "openai/gpt-4o-mini",
        "model_name": "GPT-4o mini",
        "provider_model_id": "gpt-4o-mini",
        "region": None,
        "quantization": None,
        "route_type": "serverless",
        "status": "active",
        "context_window": None,  # the route states none: the model's 128,000 applies
        "max_output_tokens": None,
        "throughput_tps": None,
        "latency_p50_ms": None,
        "uptime_pct": None,
        "is_cheapest_route": True,
    }
    assert only["id"] == route("openai").pk
    # By service tier, threshold, component; money as decimal strings per 1M tokens.
    assert [(p["service_tier"], p["component"], p["unit"], p["usd"], p["tier_min_tokens"]) for p in only["prices"]] == [
        ("batch", "input", "per_1m_tokens", "0.075", None),
        ("batch", "output", "per_1m_tokens", "0.3", None),
        ("standard", "cache_read", "per_1m_tokens", "0.075", None),
        ("standard", "input", "per_1m_tokens", "0.15", None),
        ("standard", "output", "per_1m_tokens", "0.6", None),
    ]
    standard_input = only["prices"][3]
    assert {
        key: standard_input[key] for key in ("source", "source_name", "source_url", "verified_at", "published")
    } == {
        "source": "curated",
        "source_name": "LiteLLM price map (snapshot 2026-08-01)",
        "source_url": "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
        "verified_at": "2026-08-01",
        "published": "1.5e-07 per token",
    }
    assert "effective_to" not in standard_input


def test_a_long_context_tier_has_its_threshold(api, catalog):
    [claude] = api.get("/api/v1/providers/anthropic/").json()["routes"]
    tiers = [(p["component"], p["usd"], p["tier_min_tokens"]) for p in claude["prices"] if p["tier_min_tokens"]]
    assert tiers == [("input", "6", 200000), ("output", "22.5", 200000)]


def test_only_the_model_s_cheapest_route_is_flagged(api, catalog):
    [azure] = api.get("/api/v1/providers/azure-openai/").json()["routes"]
    assert azure["is_cheapest_route"] is False


def test_a_closed_price_period_is_not_a_current_price(api, catalog):
    ana = get_user_model().objects.create_user("ana", is_staff=True)
    curation.set_price(route("azure-openai"), component="input", unit="per_1m_tokens", usd=Decimal("0.16"), user=ana)
    [azure] = api.get("/api/v1/providers/azure-openai/").json()["routes"]
    assert [(p["component"], p["usd"], p["source"]) for p in azure["prices"]] == [
        ("input", "0.16", "curator"),
        ("output", "0.66", "curated"),
    ]


def test_an_unknown_provider_is_a_json_404(api, catalog):
    for slug in ("nope", "not a slug"):
        response = api.get(f"/api/v1/providers/{slug}/")
        assert response.status_code == 404
        assert details(response) == {"detail": f"No provider {slug}."}
    # A NUL no slug holds (and PostgreSQL cannot compare) is refused before any query: a 400, not a 500.
    response = api.get("/api/v1/providers/open%00ai/")
    assert response.status_code == 400


@pytest.mark.parametrize("providers", [2, 20])
def test_the_list_takes_2_queries_whatever_its_length(api, db, providers):
    build_catalog(2, routes=providers)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(LIST)
    assert response.json()["count"] == providers
    # count, rows (with lab, live routes and models served)
    assert len(queries) == 2


@pytest.mark.parametrize("routes", [2, 20])
def test_the_detail_takes_3_queries_whatever_its_routes(api, db, routes):
    build_catalog(routes, routes=1)  # prov-0 serves every model
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/providers/prov-0/")
    assert len(response.json()["routes"]) == routes
    assert all(len(r["prices"]) == 5 for r in response.json()["routes"])
    # the provider (with its counts), its routes (model, cheapest flag), their current prices
    assert len(queries) == 3
