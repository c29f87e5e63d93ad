"""GET and POST /api/v1/estimate/: the calculator's cost engine and validation behind a JSON API."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import LanguageModel
from catalog.pages.forms import CalculatorForm, calculator_data
from providers import curation
from providers.models import Offering, Price
from tests.factories import build_catalog
from tests.problem import details

URL = "/api/v1/estimate/"


def ranking(response) -> list[tuple[str, str, Decimal]]:
    assert response.status_code == 200, response.json()
    return [(r["model"], r["provider"], Decimal(r["monthly_usd"])) for r in response.json()["results"]]


def page_ranking(client, params: dict) -> list[tuple[str, str, Decimal]]:
    response = client.get("/calculator/", params)
    assert response.status_code == 200
    return [(c.offering.model.slug, c.offering.provider.slug, c.monthly_usd) for c in response.context["results"]]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"cached_pct": "50", "cache_write_tokens": "100"},
        {"requests": "2500", "input_tokens": "12,000", "output_tokens": "800", "batch": "on"},
        {"requests": "1000", "input_tokens": "120000", "output_tokens": "1000"},
        {"provider": "openai", "min_context": "100000"},
        {"capability": "reasoning"},
        {"input_modality": "image", "lab": "openai"},
        {"benchmark": "mmlu", "min_score": "80"},
    ],
)
def test_it_costs_every_workload_exactly_as_the_calculator_page(api, client, catalog, params):
    expected = page_ranking(client, params)
    assert expected  # each workload ranks something
    assert ranking(api.get(URL, params)) == expected
    assert ranking(api.post(URL, params, format="json")) == expected


def test_the_default_workload_ranks_every_route_with_its_arithmetic(api, catalog):
    response = api.get(URL)
    body = response.json()
    assert body["workload"] == {
        "requests": 100000,
        "input_tokens": 1000,
        "output_tokens": 300,
        "cached_share": "0",
        "cache_write_tokens": 0,
        "batch": False,
    }
    assert (body["considered"], body["ranked_count"], body["unranked"]) == (4, 4, [])
    # OpenAI's own API wins the tie with OpenRouter.
    assert ranking(response) == [
        ("openai/gpt-4o-mini", "openai", Decimal("33")),
        ("openai/gpt-4o-mini", "openrouter", Decimal("33")),
        ("openai/gpt-4o-mini", "azure-openai", Decimal("36.3")),
        ("anthropic/claude-sonnet-4-5", "anthropic", Decimal("750")),
    ]
    first = body["results"][0]
    assert {key: first[key] for key in ("model_name", "lab", "provider_name", "route", "per_request_usd")} == {
        "model_name": "GPT-4o mini",
        "lab": "openai",
        "provider_name": "OpenAI API",
        "route": "OpenAI API",
        "per_request_usd": "0.00033",
    }
    assert first["offering_id"] == Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai").pk
    assert first["lines"] == [
        {
            "component": "input",
            "label": "Input, not cached",
            "priced_as": "input",
            "unit": "per_1m_tokens",
            "tokens_per_request": "1000",
            "monthly_tokens": "100000000",
            "rate_usd": "0.15",
            "service_tier": "standard",
            "tier_min_tokens": None,
            "per_request_usd": "0.00015",
            "monthly_usd": "15",
            "note": None,
        },
        {
            "component": "output",
            "label": "Output",
            "priced_as": "output",
            "unit": "per_1m_tokens",
            "tokens_per_request": "300",
            "monthly_tokens": "30000000",
            "rate_usd": "0.6",
            "service_tier": "standard",
            "tier_min_tokens": None,
            "per_request_usd": "0.00018",
            "monthly_usd": "18",
            "note": None,
        },
    ]


def test_a_cache_price_fallback_is_noted_on_its_line(api, catalog):
    response = api.get(URL, {"cached_share": "0.5", "cache_write_tokens": "100", "provider": "openai"})
    [route] = response.json()["results"]
    assert route["monthly_usd"] == "29.25"  # 400 x 0.15 + 500 x 0.075 + 100 x 0.15 + 300 x 0.60, x 100,000 / 1M
    assert route["caveats"] == ["no cache price"]
    assert [
        (line["component"], line["priced_as"], line["tokens_per_request"], line["note"]) for line in route["lines"]
    ] == [
        ("input", "input", "400", None),
        ("cache_read", "cache_read", "500", None),
        ("cache_write_5m", "input", "100", "No 5-minute cache-write price: the input rate used."),
        ("output", "output", "300", None),
    ]


def test_a_cached_share_is_the_same_as_its_percentage(api, catalog):
    share = api.get(URL, {"cached_share": "0.25"}).json()
    pct = api.get(URL, {"cached_pct": "25"}).json()
    assert share["results"] == pct["results"]
    assert share["workload"]["cached_share"] == "0.25"


def test_batch_uses_batch_rates_where_a_route_has_them(api, catalog):
    body = api.get(URL, {"batch": "true"}).json()
    openai, openrouter = body["results"][:2]
    assert (openai["provider"], openai["monthly_usd"], openai["batch_priced"]) == ("openai", "16.5", True)
    assert (openrouter["monthly_usd"], openrouter["batch_priced"], openrouter["caveats"]) == (
        "33",
        False,
        ["no batch price"],
    )
    assert openrouter["notes"] == ["No batch price: the standard rates used."]


def test_a_long_prompt_uses_the_long_context_tier(api, catalog):
    LanguageModel.objects.filter(slug="anthropic/claude-sonnet-4-5").update(context_window=1_000_000)
    body = api.get(URL, {"requests": "1000", "input_tokens": "200001", "output_tokens": "1000"}).json()
    [claude] = body["results"]
    # 1,000 x (200,001 x $6 + 1,000 x $22.50) / 1M
    assert (claude["monthly_usd"], claude["tier_min_tokens"]) == ("1222.506", 200000)
    assert [(line["rate_usd"], line["tier_min_tokens"]) for line in claude["lines"]] == [
        ("6", 200000),
        ("22.5", 200000),
    ]


def test_routes_that_cannot_be_ranked_are_listed_with_the_reason(api, catalog):
    ana = get_user_model().objects.create_user("ana", is_staff=True)
    azure = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    curation.end_price(Price.objects.current().get(offering=azure, component="output"), user=ana)
    body = api.get(URL, {"input_tokens": "150000", "output_tokens": "100", "lab": "openai"}).json()
    assert (body["considered"], body["ranked_count"], body["results"]) == (3, 0, [])
    assert sorted((r["provider"], r["reason"], r["message"], tuple(r["missing"])) for r in body["unranked"]) == [
        (
            "azure-openai",
            "missing_price",
            "No output price: this route cannot be priced for this workload.",
            ("output price",),
        ),
        (
            "openai",
            "too_large",
            "The requests do not fit: 150,000 input + 100 output tokens exceed its 128,000-token context window.",
            (),
        ),
        (
            "openrouter",
            "too_large",
            "The requests do not fit: 150,000 input + 100 output tokens exceed its 128,000-token context window.",
            (),
        ),
    ]


def test_models_limits_the_routes_to_those_models(api, catalog):
    response = api.get(URL, {"models": "anthropic/claude-sonnet-4-5, openai/gpt-3.5-turbo"})
    assert ranking(response) == [("anthropic/claude-sonnet-4-5", "anthropic", Decimal("750"))]
    body = api.post(URL, {"models": ["anthropic/claude-sonnet-4-5"]}, format="json").json()
    assert [r["model"] for r in body["results"]] == ["anthropic/claude-sonnet-4-5"]


def test_limit_caps_the_results_but_not_the_count(api, catalog):
    body = api.get(URL, {"limit": "2"}).json()
    assert (len(body["results"]), body["ranked_count"]) == (2, 4)


def page_errors(params: dict) -> dict[str, list[str]]:
    form = CalculatorForm(data=calculator_data(params))
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


@pytest.mark.parametrize(
    "params",
    [
        {"requests": "a lot"},
        {"requests": "0"},
        {"input_tokens": "-5"},
        {"input_tokens": "0", "output_tokens": "0"},
        {"cached_pct": "120"},
        {"cached_pct": "80", "cache_write_tokens": "500"},
        {"min_context": "big"},
        {"capability": "telepathy", "lab": "nobody", "provider": "acme", "input_modality": "smell"},
        {"min_score": "80"},
        {"benchmark": "mmlu", "min_score": "-1"},
    ],
)
def test_bad_values_get_the_calculator_pages_messages_naming_each_parameter(api, catalog, params):
    response = api.get(URL, params)
    assert response.status_code == 400
    expected = page_errors(params)
    assert details(response) == {"detail": f"Invalid value for: {', '.join(sorted(expected))}.", "errors": expected}


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"cached_share": "1.5"}, {"cached_share": ["Must be between 0 and 1."]}),
        ({"cached_share": "half"}, {"cached_share": ["Enter a share from 0 to 1, like 0.5."]}),
        ({"cached_share": "0.5", "cached_pct": "50"}, {"cached_share": ["Give cached_pct or cached_share, not both."]}),
        ({"batch": "maybe"}, {"batch": ["Enter true or false."]}),
        (
            {"models": "openai/gpt-5,openai/gpt-4o-mini"},
            {"models": ["No model openai/gpt-5: give canonical slugs (lab/model)."]},
        ),
        ({"limit": "0"}, {"limit": ["Must be 1 or more."]}),
    ],
)
def test_the_apis_own_parameters_are_validated_too(api, catalog, params, errors):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert response.json()["errors"] == errors


def test_a_nul_character_in_a_parameter_is_refused_before_anything_reads_it(api, catalog):
    response = api.get(URL, {"models": "openai/gpt-4o-mini\x00"})
    assert (response.status_code, details(response)) == (
        400,
        {"detail": "The address may not contain NUL (%00) characters."},
    )


def test_a_body_with_an_unknown_key_or_of_another_shape_is_refused(api, catalog):
    response = api.post(URL, {"requests": 1000, "input_token": 500}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"input_token": ["Not a parameter of estimate/."]}
    response = api.post(URL, [{"requests": 1000}], format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Send the workload as a JSON object."]}


def test_anyone_may_post_a_workload_and_the_answer_is_not_cached(api, catalog):
    response = api.post(URL, {"requests": 1000, "input_tokens": 500, "output_tokens": 50, "batch": True}, format="json")
    assert response.status_code == 200
    assert not response.has_header("Cache-Control")
    assert response.json()["workload"]["batch"] is True
    assert api.get(URL)["Cache-Control"].startswith("public")


@pytest.mark.parametrize("models", [2, 20])
def test_an_estimate_takes_10_queries_whatever_the_catalogs_size(api, db, models):
    build_catalog(models, routes=2)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(URL, {"lab": "lab"})
    assert response.json()["ranked_count"] == models * 2
    # the form's vocabularies (capabilities, modalities, labs, providers with routes, benchmarks), the route index
    # (routes, current prices), the lab filter's route ids, the shown routes with model and provider, their
    # current prices
    assert len(queries) == 10


@pytest.mark.parametrize("models", [2, 20])
def test_with_the_summaries_kept_an_estimate_reads_only_the_routes_not_shown_before(api, db, models, route_index_cache):
    build_catalog(models, routes=2)
    api.get(URL, {"lab": "lab", "limit": 1})

    def count(params: dict) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, params)
        assert response.json()["ranked_count"] == models * 2
        return len(queries)

    # the index, the filter's ids and the form's 5 vocabularies come from memory: the shown routes not shown
    # before, and their prices
    assert count({"lab": "lab", "input_tokens": 2000}) == 2
    # every one of them was shown now: nothing to read
    assert count({"lab": "lab", "input_tokens": 3000}) == 0
