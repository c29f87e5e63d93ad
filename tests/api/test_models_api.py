"""GET /api/v1/models/ (list, count, detail, prices as of a date, price history): content, filters, ordering,
errors, query counts, and the HTTP behaviour every read shares (caching, conditional GET, CORS, throttling)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from catalog.models import LanguageModel
from providers import curation
from providers.models import Offering, Price
from tests.factories import build_catalog
from tests.problem import details

MINI = "/api/v1/models/openai/gpt-4o-mini/"
LITELLM = "LiteLLM price map (snapshot 2026-08-01)"
LITELLM_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def price(component: str, usd: str, **extra) -> dict:
    return {
        "component": component,
        "unit": "per_1m_tokens",
        "usd": usd,
        "service_tier": extra.pop("service_tier", "standard"),
        "tier_min_tokens": None,
        "effective_from": "2024-07-18T00:00:00Z",
        "source": "curated",
        "source_name": extra.pop("source_name", LITELLM),
        "source_url": extra.pop("source_url", LITELLM_URL),
        "verified_at": extra.pop("verified_at", "2026-08-01"),
        "published": extra.pop("published", None),
        **extra,
    }


# --- the list ------------------------------------------------------------------------------------------------------


def test_the_list_shows_each_models_facts_and_cheapest_route(client, catalog_since_launch):
    body = client.get("/api/v1/models/").json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    mini = next(item for item in body["results"] if item["slug"] == "openai/gpt-4o-mini")
    assert mini == {
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
        "status": "active",
        "cheapest": {
            "provider": "openai",
            "provider_name": "OpenAI API",
            "input": "0.15",
            "output": "0.6",
            "cache_read": "0.075",
            "blended": "0.2625",
            "unit": "per_1m_tokens",
            "priced_route_count": 3,
        },
        "url": "http://testserver/api/v1/models/openai/gpt-4o-mini/",
        "page": "http://testserver/models/openai/gpt-4o-mini/",
    }
    turbo = next(item for item in body["results"] if item["slug"] == "openai/gpt-3.5-turbo")
    assert (turbo["cheapest"], turbo["status"], turbo["input_modalities"]) == (None, "deprecated", [])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mini", ["openai/gpt-4o-mini"]),
        ("SONNET", ["anthropic/claude-sonnet-4-5"]),  # a name, any case
        ("gpt-3.5", ["openai/gpt-3.5-turbo"]),  # a slug
        ("2024-07-18", ["openai/gpt-4o-mini"]),  # only an alias says this
        ("zzz", []),
    ],
)
def test_q_searches_names_slugs_and_aliases(client, catalog_since_launch, query, expected):
    assert slugs(client.get("/api/v1/models/", {"q": query})) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lab": "anthropic"}, ["anthropic/claude-sonnet-4-5"]),
        ({"provider": "azure-openai"}, ["openai/gpt-4o-mini"]),
        ({"provider": "anthropic"}, ["anthropic/claude-sonnet-4-5"]),
        ({"input_modality": "image"}, ["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"]),
        ({"output_modality": "audio"}, []),
        ({"capability": "vision"}, ["openai/gpt-4o-mini"]),
        ({"capability": ["tool_calling", "reasoning"]}, ["anthropic/claude-sonnet-4-5"]),  # every one must hold
        ({"capability": ["vision", "reasoning"]}, []),
        ({"min_context": "150000"}, ["anthropic/claude-sonnet-4-5"]),
        ({"min_context": "128000"}, ["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"]),
        ({"max_input_price": "1"}, ["openai/gpt-4o-mini"]),
        ({"max_input_price": "3"}, ["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"]),
        ({"max_output_price": "0.6"}, ["openai/gpt-4o-mini"]),
        ({"max_output_price": "0.59"}, []),
        ({"open_weights": "true"}, []),
        # "not open" includes unknown, as on the page
        ({"open_weights": "false"}, ["anthropic/claude-sonnet-4-5", "openai/gpt-3.5-turbo", "openai/gpt-4o-mini"]),
        ({"status": "deprecated"}, ["openai/gpt-3.5-turbo"]),
        ({"released_after": "2024-07-18"}, ["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"]),
        ({"released_before": "2024-07-18"}, ["openai/gpt-3.5-turbo", "openai/gpt-4o-mini"]),
        ({"released_after": "2024-01-01", "released_before": "2024-12-31"}, ["openai/gpt-4o-mini"]),
        ({"input_modality": "image", "max_input_price": "1"}, ["openai/gpt-4o-mini"]),
    ],
)
def test_each_filter_keeps_exactly_the_matching_models(client, catalog_since_launch, params, expected):
    assert slugs(client.get("/api/v1/models/", params)) == expected
    assert client.get("/api/v1/models/count/", params).json() == {"count": len(expected)}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"lab": "nope"}, "lab"),
        ({"provider": "nope"}, "provider"),
        ({"input_modality": "smell"}, "input_modality"),
        ({"capability": ["vision", "telepathy"]}, "capability"),
        ({"min_context": "abc"}, "min_context"),
        ({"min_context": "0"}, "min_context"),
        ({"max_input_price": "-1"}, "max_input_price"),
        ({"max_output_price": "cheap"}, "max_output_price"),
        ({"open_weights": "maybe"}, "open_weights"),
        ({"status": "gone"}, "status"),
        ({"released_after": "2024-13-01"}, "released_after"),
        ({"released_before": "yesterday"}, "released_before"),
        ({"ordering": "price_desc"}, "ordering"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(client, catalog_since_launch, params, parameter):
    for url in ("/api/v1/models/", "/api/v1/models/count/"):
        response = client.get(url, params)
        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == f"Invalid value for: {parameter}."
        assert list(body["errors"]) == [parameter]
        assert body["errors"][parameter][0]


def test_a_bad_filter_message_says_what_is_accepted(client, catalog_since_launch):
    body = details(client.get("/api/v1/models/", {"min_context": "abc", "lab": "nope"}))
    assert body == {
        "detail": "Invalid value for: lab, min_context.",
        "errors": {
            "lab": ["Select a valid choice. nope is not one of the available choices."],
            "min_context": ["Enter a whole number."],
        },
    }


@pytest.fixture
def with_undated_models(catalog_since_launch):
    """Two more models with no release date, no lab facts... and routes priced 0.1/0.4 and 0.2/0.8 per 1M."""
    build_catalog(2, routes=1, with_scores=False)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["Claude Sonnet 4.5", "GPT-3.5 Turbo", "GPT-4o mini", "Model 0", "Model 1"]),
        ("name", ["Claude Sonnet 4.5", "GPT-3.5 Turbo", "GPT-4o mini", "Model 0", "Model 1"]),
        ("-name", ["Model 1", "Model 0", "GPT-4o mini", "GPT-3.5 Turbo", "Claude Sonnet 4.5"]),
        # input 0.1, 0.15, 0.2, 3; no price last, in either direction
        ("price", ["Model 0", "GPT-4o mini", "Model 1", "Claude Sonnet 4.5", "GPT-3.5 Turbo"]),
        ("-price", ["Claude Sonnet 4.5", "Model 1", "GPT-4o mini", "Model 0", "GPT-3.5 Turbo"]),
        # blended 0.175, 0.2625, 0.35, 6
        ("blended", ["Model 0", "GPT-4o mini", "Model 1", "Claude Sonnet 4.5", "GPT-3.5 Turbo"]),
        ("-blended", ["Claude Sonnet 4.5", "Model 1", "GPT-4o mini", "Model 0", "GPT-3.5 Turbo"]),
        # 16,385 < 128,000 (three of them: by name) < 200,000
        ("context", ["GPT-3.5 Turbo", "GPT-4o mini", "Model 0", "Model 1", "Claude Sonnet 4.5"]),
        ("-context", ["Claude Sonnet 4.5", "GPT-4o mini", "Model 0", "Model 1", "GPT-3.5 Turbo"]),
        # undated models last, in either direction
        ("release_date", ["GPT-3.5 Turbo", "GPT-4o mini", "Claude Sonnet 4.5", "Model 0", "Model 1"]),
        ("-release_date", ["Claude Sonnet 4.5", "GPT-4o mini", "GPT-3.5 Turbo", "Model 0", "Model 1"]),
    ],
)
def test_ordering_is_exact_with_unknown_values_last(client, with_undated_models, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    results = client.get("/api/v1/models/", params).json()["results"]
    assert [item["name"] for item in results] == expected


def test_ordering_applies_after_filters(client, with_undated_models):
    params = {"ordering": "-price", "lab": "lab"}
    assert slugs(client.get("/api/v1/models/", params)) == ["lab/model-1", "lab/model-0"]


def test_the_list_is_paginated_with_counts_and_links(client, catalog_since_launch):
    first = client.get("/api/v1/models/", {"page_size": 2, "status": "active", "ordering": "name"}).json()
    assert first["count"] == 2
    assert [item["slug"] for item in first["results"]] == ["anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"]
    assert first["next"] is None
    page = client.get("/api/v1/models/", {"page_size": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 2)
    assert page["next"] == "http://testserver/api/v1/models/?page=2&page_size=2"
    second = client.get(page["next"]).json()
    assert [item["slug"] for item in second["results"]] == ["openai/gpt-4o-mini"]
    assert second["previous"] == "http://testserver/api/v1/models/?page_size=2"
    missing = client.get("/api/v1/models/", {"page": 9})
    assert missing.status_code == 404
    assert details(missing) == {"detail": "Invalid page."}


def test_count_answers_with_just_the_number(client, catalog_since_launch):
    assert client.get("/api/v1/models/count/").json() == {"count": 3}
    assert client.get("/api/v1/models/count/", {"q": "gpt"}).json() == {"count": 2}


# --- one model -----------------------------------------------------------------------------------------------------


def test_the_detail_has_every_seed_fact_of_gpt_4o_mini_with_units(client, catalog_since_launch):
    body = client.get(MINI).json()
    facts = {name: body[name] for name in body if name not in ("offerings", "scores", "fact_sources")}
    assert facts == {
        "slug": "openai/gpt-4o-mini",
        "name": "GPT-4o mini",
        "lab": "openai",
        "family": "GPT-4o",
        "description": "A small, cheap multimodal model. See the [launch post]"
        "(https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/).",
        "release_date": "2024-07-18",
        "knowledge_cutoff": "2023-10",
        "context_window": 128000,
        "max_output_tokens": 16384,
        "input_modalities": ["image", "text"],
        "output_modalities": ["text"],
        "capabilities": ["prompt_caching", "structured_output", "tool_calling", "vision"],
        "supported_parameters": ["temperature", "top_p", "tools"],
        "open_weights": False,
        "license": "Proprietary",
        "commercial_use": "conditional",
        "parameters_b": None,
        "architecture": None,
        "status": "active",
        "deprecation_date": None,
        "retirement_date": None,
        "successor": None,
        "snapshot_of": None,
        "facts_source_url": None,
        "aliases": [
            {"source": "litellm", "id": "gpt-4o-mini"},
            {"source": "openrouter", "id": "openai/gpt-4o-mini"},
            {"source": "openrouter", "id": "openai/gpt-4o-mini-2024-07-18"},
        ],
        "cheapest": {
            "provider": "openai",
            "provider_name": "OpenAI API",
            "input": "0.15",
            "output": "0.6",
            "cache_read": "0.075",
            "blended": "0.2625",
            "unit": "per_1m_tokens",
            "priced_route_count": 3,
        },
        "url": "http://testserver/api/v1/models/openai/gpt-4o-mini/",
        "page": "http://testserver/models/openai/gpt-4o-mini/",
    }
    assert body["fact_sources"]["context_window"] == "curated"


def test_the_detail_lists_every_route_with_all_its_current_prices(client, catalog_since_launch):
    offerings = client.get(MINI).json()["offerings"]
    assert [o["provider"] for o in offerings] == ["azure-openai", "openai", "openrouter"]  # by provider name
    openai = offerings[1]
    assert {k: v for k, v in openai.items() if k != "prices"} == {
        "provider": "openai",
        "provider_name": "OpenAI API",
        "provider_model_id": "gpt-4o-mini",
        "region": None,
        "quantization": None,
        "route_type": "serverless",
        "status": "active",
        "context_window": None,
        "max_output_tokens": None,
    }
    # every component and service tier, ordered by tier then component
    assert openai["prices"] == [
        price("input", "0.075", service_tier="batch"),
        price("output", "0.3", service_tier="batch"),
        price("cache_read", "0.075"),
        price("input", "0.15", published="1.5e-07 per token"),
        price("output", "0.6", published="6e-07 per token"),
    ]
    openrouter = offerings[2]
    assert openrouter["provider_model_id"] == "openai/gpt-4o-mini"
    assert openrouter["prices"][0] == price(
        "input",
        "0.15",
        source_name="OpenRouter models API (2026-05-15)",
        source_url="https://openrouter.ai/api/v1/models",
        verified_at="2026-05-15",
    )


def test_a_price_above_a_tier_threshold_says_so(client, catalog_since_launch):
    routes = client.get("/api/v1/models/anthropic/claude-sonnet-4-5/").json()["offerings"]
    tiered = [(p["component"], p["usd"], p["tier_min_tokens"]) for p in routes[0]["prices"] if p["tier_min_tokens"]]
    assert tiered == [("input", "6", 200000), ("output", "22.5", 200000)]


def test_the_detail_shows_scores_with_their_provenance(client, catalog_since_launch):
    assert client.get(MINI).json()["scores"] == [
        {
            "benchmark": "lmarena-text",
            "benchmark_name": "LMArena text Elo",
            "scale": "elo",
            "higher_is_better": True,
            "value": "1235",
            "version": None,
            "date": None,
            "source": "curated",
            "source_url": "https://lmarena.ai",
            "self_reported": False,
        },
        {
            "benchmark": "mmlu",
            "benchmark_name": "MMLU",
            "scale": "percent",
            "higher_is_better": True,
            "value": "82",
            "version": None,
            "date": "2024-07-18",
            "source": "curated",
            "source_url": "https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/",
            "self_reported": True,
        },
    ]


def test_a_deprecated_model_names_its_successor(client, catalog_since_launch):
    body = client.get("/api/v1/models/openai/gpt-3.5-turbo/").json()
    assert (body["status"], body["deprecation_date"], body["successor"]) == (
        "deprecated",
        "2025-06-01",
        "openai/gpt-4o-mini",
    )
    assert (body["offerings"], body["scores"], body["cheapest"]) == ([], [], None)


def test_a_snapshot_names_the_model_it_is_a_snapshot_of(client, catalog_since_launch):
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    LanguageModel.objects.filter(slug="openai/gpt-3.5-turbo").update(snapshot_of=mini)
    assert client.get("/api/v1/models/openai/gpt-3.5-turbo/").json()["snapshot_of"] == "openai/gpt-4o-mini"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/api/v1/models/openai/gpt-4o-mini-2024-07-18/", MINI),  # OpenRouter's dated id
        ("/api/v1/models/litellm/gpt-4o-mini/", MINI),  # LiteLLM's bare id, under any first part
        ("/api/v1/models/openai/gpt-4o-mini-2024-07-18/prices/?as_of=2025-01-01", f"{MINI}prices/?as_of=2025-01-01"),
        ("/api/v1/models/openai/gpt-4o-mini-2024-07-18/price-history/", f"{MINI}price-history/"),
    ],
)
def test_an_alias_answers_301_to_the_canonical_path(client, catalog_since_launch, path, target):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == target  # a path on this site, never another host
    assert response.json()["detail"].endswith("is another name for openai/gpt-4o-mini.")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/models/openai/gpt-9/",
        "/api/v1/models/nobody/gpt-4o-mini-2099/prices/",
        "/api/v1/models/openai/gpt-9/price-history/",
    ],
)
def test_an_unknown_model_is_a_404_in_json(client, catalog_since_launch, path):
    response = client.get(path)
    assert response.status_code == 404
    assert details(response)["detail"].startswith("No model ")


def test_a_nul_character_in_the_path_is_a_json_400(client, catalog_since_launch):
    response = client.get("/api/v1/models/openai/gpt%00x/")
    assert (response.status_code, details(response)) == (
        400,
        {"detail": "The address may not contain NUL (%00) characters."},
    )


# --- prices as of a date, and their history ------------------------------------------------------------------------


@pytest.fixture
def repriced(catalog_since_launch):
    """OpenAI cut GPT-4o mini's input price to $0.10 at noon on 2025-01-01 (UTC)."""
    ana = get_user_model().objects.create_user("ana", is_staff=True)
    route = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    curation.set_price(
        route,
        component="input",
        unit="per_1m_tokens",
        usd=Decimal("0.10"),
        user=ana,
        source_url="https://openai.com/api/pricing/",
        verified_on=dt.date(2025, 1, 1),
        effective_from=dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC),
    )


def in_force(client, as_of: str | None) -> dict:
    response = client.get(f"{MINI}prices/", {"as_of": as_of} if as_of else {})
    assert response.status_code == 200, response.content
    return response.json()


def openai_input(body: dict) -> tuple[str, str | None]:
    route = next(r for r in body["routes"] if r["provider"] == "openai")
    (row,) = [p for p in route["prices"] if p["component"] == "input" and p["service_tier"] == "standard"]
    return row["usd"], row["effective_to"]


def test_prices_as_of_a_date_are_those_in_force_at_the_end_of_that_day_utc(client, repriced):
    before = in_force(client, "2024-12-31")
    assert (before["as_of"], before["in_force_at"]) == ("2024-12-31", "2024-12-31T23:59:59.999999Z")
    assert openai_input(before) == ("0.15", "2025-01-01T12:00:00Z")
    # the cut came at noon: at the end of that day the new price was in force
    assert openai_input(in_force(client, "2025-01-01")) == ("0.1", None)
    assert [r["provider"] for r in before["routes"]] == ["azure-openai", "openai", "openrouter"]


def test_prices_without_a_date_are_the_current_ones(client, repriced):
    body = in_force(client, None)
    assert body["as_of"] is None
    assert openai_input(body) == ("0.1", None)
    route = next(r for r in body["routes"] if r["provider"] == "openai")
    new = next(p for p in route["prices"] if p["usd"] == "0.1")
    # Each period names its row and route (what the price write endpoints take).
    price = Price.objects.get(pk=new.pop("id"))
    assert (new.pop("offering"), price.usd) == (price.offering_id, Decimal("0.1"))
    assert new == {
        "component": "input",
        "unit": "per_1m_tokens",
        "usd": "0.1",
        "service_tier": "standard",
        "tier_min_tokens": None,
        "effective_from": "2025-01-01T12:00:00Z",
        "effective_to": None,
        "source": "curator",
        "source_name": "curated by ana",
        "source_url": "https://openai.com/api/pricing/",
        "verified_at": "2025-01-01",
        "published": None,
    }


def test_a_date_before_any_price_gives_an_empty_list(client, repriced):
    assert in_force(client, "2024-07-17")["routes"] == []
    assert len(in_force(client, "2024-07-18")["routes"]) == 3  # the launch day itself


@pytest.mark.parametrize("bad", ["2024-02-30", "18/07/2024", "2024-07-18T00:00", "yesterday", "20240718"])
def test_a_bad_as_of_date_is_a_400_naming_as_of(client, catalog_since_launch, bad):
    response = client.get(f"{MINI}prices/", {"as_of": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid value for: as_of."
    assert body["errors"] == {"as_of": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}


def test_the_history_has_every_period_of_every_route(client, repriced):
    body = client.get(f"{MINI}price-history/").json()
    assert body["model"] == "openai/gpt-4o-mini"
    assert [(r["provider"], len(r["periods"])) for r in body["routes"]] == [
        ("azure-openai", 2),
        ("openai", 6),  # 5 prices, one of them changed once
        ("openrouter", 2),
    ]
    openai = body["routes"][1]
    inputs = [
        (p["usd"], p["effective_from"], p["effective_to"], p["source"])
        for p in openai["periods"]
        if p["component"] == "input" and p["service_tier"] == "standard"
    ]
    assert inputs == [
        ("0.15", "2024-07-18T00:00:00Z", "2025-01-01T12:00:00Z", "curated"),
        ("0.1", "2025-01-01T12:00:00Z", None, "curator"),
    ]


def test_the_history_keeps_retired_routes(client, catalog_since_launch):
    Offering.objects.filter(provider__slug="azure-openai").update(status="retired")
    Price.objects.filter(offering__provider__slug="azure-openai").update(
        effective_to=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    routes = client.get(f"{MINI}price-history/").json()["routes"]
    azure = routes[0]
    assert (azure["provider"], azure["status"], [p["effective_to"] for p in azure["periods"]]) == (
        "azure-openai",
        "retired",
        ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
    )
    assert "azure-openai" not in [r["provider"] for r in client.get(f"{MINI}prices/").json()["routes"]]


# --- query counts --------------------------------------------------------------------------------------------------

# Each endpoint's queries, named; none depends on how many models, routes or prices there are.
EXPECTED_QUERIES = {
    # count; rows with cheapest route; facets (no filter parameter: no FilterSet, no vocabularies)
    "/api/v1/models/": 3,
    # labs, providers, benchmarks (the filter's vocabularies); count; rows with cheapest route; facets
    "/api/v1/models/?lab=lab": 6,
    # the 3 vocabularies, for a filter; count
    "/api/v1/models/count/?lab=lab": 4,
    # no filter: count
    "/api/v1/models/count/": 1,
    # model with lab, successor, snapshot and cheapest route; facets; aliases; routes with their prices; scores
    "/api/v1/models/lab/model-0/": 5,
    # model; routes; their prices in force
    "/api/v1/models/lab/model-0/prices/": 3,
    "/api/v1/models/lab/model-0/prices/?as_of=2030-01-01": 3,
    # model; every price row; routes
    "/api/v1/models/lab/model-0/price-history/": 3,
}


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("url", list(EXPECTED_QUERIES))
def test_query_count_does_not_grow_with_the_catalog(client, db, size, url):
    build_catalog(size, routes=size)  # 2 models on 2 routes, or 20 models on 20 routes
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries.captured_queries) == EXPECTED_QUERIES[url]


def test_the_list_at_20_models_shows_them_all_with_their_cheapest_route(client, db):
    build_catalog(20, routes=2)
    results = client.get("/api/v1/models/", {"ordering": "price"}).json()["results"]
    assert len(results) == 20
    assert [(r["slug"], r["cheapest"]["provider"], r["cheapest"]["input"]) for r in results[:2]] == [
        ("lab/model-0", "prov-0", "0.1"),
        ("lab/model-1", "prov-0", "0.2"),
    ]


# --- HTTP: caching, conditional GET, CORS, throttling --------------------------------------------------------------


def test_reads_say_how_long_they_may_be_cached(client, catalog_since_launch, settings):
    for url in ("/api/v1/models/", MINI, f"{MINI}prices/", f"{MINI}price-history/", "/api/v1/models/count/"):
        response = client.get(url)
        assert response["Cache-Control"] == f"public, max-age={settings.API_CACHE_SECONDS}"
        assert response.has_header("ETag")
        # No date is exact for every row of a body: no Last-Modified, so If-Modified-Since never gives a stale 304.
        assert not response.has_header("Last-Modified")


def test_errors_are_not_marked_cacheable(client, catalog_since_launch):
    response = client.get("/api/v1/models/", {"lab": "nope"})
    assert not response.has_header("Cache-Control")


def test_a_conditional_get_with_the_etag_is_a_304(client, catalog_since_launch):
    first = client.get(MINI)
    etag = first["ETag"]
    assert etag
    again = client.get(MINI, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    head = client.head(MINI, headers={"If-None-Match": etag})
    assert (head.status_code, client.head(MINI)["ETag"]) == (304, etag)
    since = client.get(MINI, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert since.status_code == 200


def test_a_changed_model_gets_a_new_etag(client, catalog_since_launch):
    etag = client.get(MINI)["ETag"]
    LanguageModel.objects.filter(slug="openai/gpt-4o-mini").update(context_window=131072)
    response = client.get(MINI, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["context_window"] == 131072


def test_any_site_may_read_the_api_from_a_browser(client, catalog_since_launch):
    response = client.get("/api/v1/models/", headers={"Origin": "https://dashboard.example"})
    assert response["Access-Control-Allow-Origin"] == "*"


def test_anonymous_clients_are_throttled_and_told_when_to_retry(client, catalog_since_launch, settings):
    settings.API_ANON_RATE = "3/min"
    for _ in range(3):
        assert client.get("/api/v1/models/count/").status_code == 200
    response = client.get(MINI)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Request was throttled.")


def test_a_staff_token_has_a_limit_of_its_own(client, catalog_since_launch, settings):
    settings.API_ANON_RATE, settings.API_USER_RATE = "3/min", "10/min"
    token = Token.objects.create(user=get_user_model().objects.create_user("ana", is_staff=True))
    for _ in range(4):
        response = client.get("/api/v1/models/count/", headers={"Authorization": f"Token {token.key}"})
        assert response.status_code == 200
