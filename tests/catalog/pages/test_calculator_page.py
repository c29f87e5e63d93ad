"""The workload calculator at /calculator/, on the fixture catalog written by the real sync."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import LanguageModel
from providers.models import Offering
from tests.factories import build_catalog

URL = "/calculator/"


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


def ranking(response) -> list[tuple[str, str, Decimal]]:
    return [(c.offering.model.slug, c.offering.provider.slug, c.monthly_usd) for c in response.context["results"]]


def test_it_ranks_every_route_for_the_default_workload(client, catalog):
    response = client.get(URL)
    assert response.status_code == 200
    # 100,000 requests x (1,000 input + 300 output tokens); OpenAI's own API wins the tie with OpenRouter.
    assert ranking(response) == [
        ("openai/gpt-4o-mini", "openai", Decimal("33")),
        ("openai/gpt-4o-mini", "openrouter", Decimal("33")),
        ("openai/gpt-4o-mini", "azure-openai", Decimal("36.3")),
        ("anthropic/claude-sonnet-4-5", "anthropic", Decimal("750")),
    ]
    html = response.content.decode()
    assert "100,000 requests a month, each 1,000 input tokens and 300 output tokens" in html
    assert "<strong>4</strong> of 4 routes considered" in html
    assert html.count('<tr class="route') == 4
    assert '<data value="33">$33.00</data>' in html
    assert '<data value="36.3">$36.30</data>' in html
    assert "$0.00033" in html  # per request
    for field, value in (("requests", "100000"), ("input_tokens", "1000"), ("output_tokens", "300")):
        assert f'name="{field}" value="{value}"' in html


def test_it_applies_cache_reads_and_writes(client, catalog):
    response = client.get(URL, {"cached_pct": "50", "cache_write_tokens": "100"})
    assert response.status_code == 200
    assert ranking(response) == [
        # 400 fresh x 0.15 + 500 cached x 0.075 + 100 written x 0.15 (no write price: input rate) + 300 x 0.60
        ("openai/gpt-4o-mini", "openai", Decimal("29.25")),
        ("openai/gpt-4o-mini", "openrouter", Decimal("33")),  # no cache prices at all
        ("openai/gpt-4o-mini", "azure-openai", Decimal("36.3")),
        # 400 x 3 + 500 x 0.30 + 100 x 3.75 + 300 x 15
        ("anthropic/claude-sonnet-4-5", "anthropic", Decimal("622.5")),
    ]
    html = response.content.decode()
    assert "No 5-minute cache-write price: the input rate used." in html
    assert "100,000 × 500 = 50,000,000 tokens" in html  # the cache-read line of the arithmetic


def test_it_uses_batch_prices_where_a_route_has_them(client, catalog):
    response = client.get(URL, {"batch": "on"})
    assert ranking(response) == [
        ("openai/gpt-4o-mini", "openai", Decimal("16.5")),
        ("openai/gpt-4o-mini", "openrouter", Decimal("33")),
        ("openai/gpt-4o-mini", "azure-openai", Decimal("36.3")),
        ("anthropic/claude-sonnet-4-5", "anthropic", Decimal("750")),
    ]
    html = response.content.decode()
    assert "No batch price: the standard rates used." in html
    assert "run as batch" in html


def test_a_long_prompt_uses_the_long_context_tier_and_drops_routes_it_does_not_fit(client, catalog):
    LanguageModel.objects.filter(slug="anthropic/claude-sonnet-4-5").update(context_window=1_000_000)
    response = client.get(URL, {"requests": "1000", "input_tokens": "200001", "output_tokens": "1000"})
    # 1,000 x (200,001 x $6 + 1,000 x $22.50) / 1M; GPT-4o mini's 128K window cannot take the prompt.
    assert ranking(response) == [("anthropic/claude-sonnet-4-5", "anthropic", Decimal("1222.506"))]
    # The lab's own API first, gateways last, as in the ranking.
    assert [c.offering.provider.slug for c in response.context["too_small"]] == ["openai", "azure-openai", "openrouter"]
    html = response.content.decode()
    assert "3 routes not ranked: the requests do not fit" in html
    assert "200,001 input + 1,000 output tokens exceed its 128,000-token context window" in html
    assert 'prompt above <span class="tokens" title="200,000 tokens">200K</span> tokens' in html
    assert "$1,222.51" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"capability": "structured_output"}, ["openai", "openrouter", "azure-openai"]),
        ({"capability": "reasoning"}, ["anthropic"]),
        ({"lab": "anthropic"}, ["anthropic"]),
        ({"provider": "azure-openai"}, ["azure-openai"]),
        ({"min_context": "150,000"}, ["anthropic"]),
        ({"input_modality": "image"}, ["openai", "openrouter", "azure-openai", "anthropic"]),
        ({"benchmark": "mmlu", "min_score": "80"}, ["openai", "openrouter", "azure-openai"]),
        ({"benchmark": "lmarena-text"}, ["openai", "openrouter", "azure-openai"]),
    ],
)
def test_it_filters_routes_by_model_facts(client, catalog, params, expected):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert [provider for _, provider, _ in ranking(response)] == expected
    assert response.context["considered"] == len(expected)


def test_an_empty_result_names_the_filters_that_emptied_it(client, catalog):
    response = client.get(URL, {"benchmark": "mmlu", "min_score": "90", "lab": "openai", "cached_pct": "10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No live route is left after filtering by benchmark <strong>MMLU</strong>, minimum score" in html
    assert "lab <strong>OpenAI</strong>" in html
    # The way out keeps the workload and drops the filters.
    assert (
        'href="/calculator/?requests=100000&amp;input_tokens=1000&amp;output_tokens=300&amp;cached_pct=10&amp;'
        'cache_write_tokens=0">Clear the filters</a>' in html
    )


def test_an_empty_catalog_says_how_to_load_it(client, db):
    html = client.get(URL).content.decode()
    assert "python manage.py sync curated" in html


def test_routes_without_a_needed_price_are_listed_not_ranked(client, catalog):
    offering = Offering.objects.get(provider__slug="azure-openai")
    offering.prices.filter(component="output").delete()
    response = client.get(URL)
    assert [provider for _, provider, _ in ranking(response)] == ["openai", "openrouter", "anthropic"]
    html = response.content.decode()
    assert "1 route not ranked: a price this workload needs is missing" in html
    assert "GPT-4o mini on Azure OpenAI: no\n          output price" in html


def test_retired_routes_are_not_priced(client, catalog):
    Offering.objects.filter(provider__slug="openai").update(status="retired")
    assert [provider for _, provider, _ in ranking(client.get(URL))] == ["openrouter", "azure-openai", "anthropic"]


def test_the_list_is_capped_and_says_how_many_were_considered(client, db, monkeypatch):
    from catalog.pages import calculator

    monkeypatch.setattr(calculator, "RESULT_LIMIT", 3)
    build_catalog(4, routes=1)
    response = client.get(URL)
    assert [slug for slug, _, _ in ranking(response)] == ["lab/model-0", "lab/model-1", "lab/model-2"]
    html = response.content.decode()
    assert "<strong>4</strong> of 4 routes considered" in html
    assert "Showing the cheapest 3." in html


def test_numbers_may_be_typed_with_separators(client, catalog):
    response = client.get(URL, {"requests": "1,000,000", "input_tokens": "1 000", "cached_pct": "50%"})
    assert response.status_code == 200
    assert response.context["workload"].requests_per_month == 1_000_000
    assert response.context["workload"].cached_share == Decimal("0.5")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"requests": "-5"}, "requests", "Must be 1 or more."),
        ({"requests": "0"}, "requests", "Must be 1 or more."),
        ({"requests": "lots"}, "requests", "Enter a whole number of requests, like 100000."),
        ({"input_tokens": "-1"}, "input_tokens", "Must be 0 or more."),
        ({"output_tokens": "1.5"}, "output_tokens", "Enter a whole number of tokens, like 300."),
        ({"input_tokens": "0", "output_tokens": "0"}, "input_tokens", "A request needs some input or output tokens."),
        ({"cached_pct": "150"}, "cached_pct", "Must be between 0 and 100."),
        ({"cached_pct": "-1"}, "cached_pct", "Must be between 0 and 100."),
        ({"cached_pct": "half"}, "cached_pct", "Enter a percentage from 0 to 100."),
        ({"cached_pct": "90", "cache_write_tokens": "200"}, "cache_write_tokens", "together they cannot exceed"),
        ({"input_tokens": "1000000000"}, "input_tokens", "Must be at most 100000000."),
        ({"capability": "teleportation"}, "capability", "Select a valid choice."),
        ({"provider": "nobody"}, "provider", "Select a valid choice."),
        ({"min_context": "-3"}, "min_context", "Must be 1 or more."),
        ({"min_score": "80"}, "benchmark", "Choose the benchmark the minimum score is for."),
        ({"benchmark": "mmlu", "min_score": "high"}, "min_score", "Enter a number, like 70 or 1250."),
    ],
)
def test_bad_input_is_a_400_with_the_error_next_to_its_field(client, catalog, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    error_list = html[html.index(f'id="id_{field}_error"') :]
    assert message in error_list[: error_list.index("</ul>")]
    assert f'aria-invalid="true" aria-describedby="id_{field}_helptext id_{field}_error"' in html or (
        f'aria-invalid="true" aria-describedby="id_{field}_error"' in html
    )
    assert "Some values cannot be used." in html
    assert "results" not in response.context


def test_bad_input_is_not_cached(client, catalog, page_cache):
    assert client.get(URL, {"requests": "-1"}).status_code == 400
    assert client.get(URL, {"requests": "-1"}).status_code == 400


def test_the_page_is_served_from_the_cache_the_second_time(client, catalog, page_cache):
    first = client.get(URL, {"batch": "on"})
    second = client.get(URL, {"batch": "on"})
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first.content == second.content


def test_an_htmx_request_gets_the_page_it_swaps_from(client, catalog):
    response = client.get(URL, {"cached_pct": "50"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="calculator"' in html
    assert 'hx-select="#calculator"' in html


def test_it_has_a_specific_title_and_description(client, catalog):
    html = client.get(URL).content.decode()
    assert "<title>Workload cost calculator: every model route ranked by monthly cost" in html
    assert '<meta name="description" content="Describe a month of LLM traffic' in html
    assert '<link rel="canonical" href="http://testserver/calculator/">' in html


@pytest.mark.parametrize(
    ("params", "expected"), [({}, 9), ({"benchmark": "mmlu", "min_score": "61", "capability": "tool_calling"}, 10)]
)
def test_page_query_count_does_not_grow_with_the_catalog(client, db, params, expected):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("catalog:calculator"), params)
            assert response.status_code == 200
        assert response.context["results"]
        return len(ctx.captured_queries)

    small, large = count_for(2), count_for(20)
    assert small == large
    # 5 filter vocabularies (capabilities, modalities, labs, providers, benchmarks); the route index (routes, their
    # prices); the filter's route ids when filtered; the shown routes and their prices.
    assert large == expected


def test_the_minimum_score_says_at_least_where_higher_is_better(client, catalog):
    assert "at least (at most on a benchmark where lower is better)" in client.get(URL).content.decode()
    assert "at least: higher is better here" in client.get(URL, {"benchmark": "mmlu"}).content.decode()
    from benchmarks.models import Benchmark

    Benchmark.objects.create(slug="aime", name="AIME", category="math", metric="accuracy")
    choices = [value for value, _ in client.get(URL).context["form"].fields["benchmark"].choices]
    assert "mmlu" in choices
    assert "aime" not in choices  # no model has a score there: nothing to filter by
