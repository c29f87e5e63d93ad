"""The compare page at /compare/?models=a,b[,c,d], on the fixture catalog written by the real sync."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_catalog

URL = "/compare/"
MINI, SONNET, TURBO = "openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "openai/gpt-3.5-turbo"


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


def compare(client, *slugs: str, **params: str):
    return client.get(URL, {"models": ",".join(slugs), **params})


def row(rows, label: str):
    return next(r for r in rows if r.label == label)


def test_it_shows_two_models_side_by_side(client, catalog):
    response = compare(client, MINI, SONNET)
    assert response.status_code == 200
    assert [m.slug for m in response.context["models"]] == [MINI, SONNET]
    html = response.content.decode()
    assert "<title>GPT-4o mini vs Claude Sonnet 4.5: specs, prices and benchmarks compared" in html
    assert (
        '<link rel="canonical" href="http://testserver/compare/?models=openai/gpt-4o-mini,anthropic/claude-sonnet-4-5">'
        in html
    )
    for fact in ("128,000 tokens", "200,000 tokens", "16,384 tokens", "64,000 tokens", "2023-10", "2024-07-18"):
        assert fact in html, fact
    assert "Proprietary" in html
    assert "commercial use: conditional" in html


def test_it_lists_every_capability_as_yes_or_no(client, catalog):
    rows = compare(client, MINI, SONNET).context["capabilities"]
    assert row(rows, "Structured output").values == [True, False]
    assert row(rows, "Reasoning").values == [False, True]
    assert row(rows, "Tool calling").values == [True, True]
    assert row(rows, "Web search").values == [False, False]


def test_it_lists_every_price_of_each_cheapest_route(client, catalog):
    response = compare(client, MINI, SONNET)
    assert [offering.provider.slug for offering in response.context["headline_routes"]] == ["openai", "anthropic"]
    prices = {
        r.label: ([p.usd.normalize() if p else None for p in r.values], r.best) for r in response.context["prices"]
    }
    assert prices == {
        "Input": ([Decimal("0.15"), Decimal(3)], {0}),
        "Output": ([Decimal("0.6"), Decimal(15)], {0}),
        "Cache read": ([Decimal("0.075"), Decimal("0.3")], {0}),
        "Cache write (5 min)": ([None, Decimal("3.75")], set()),
        "Cache write (1 hour)": ([None, Decimal(6)], set()),
        "Input, prompt above 200,000 tokens": ([None, Decimal(6)], set()),
        "Output, prompt above 200,000 tokens": ([None, Decimal("22.5")], set()),
        "Batch · input": ([Decimal("0.075"), None], set()),
        "Batch · output": ([Decimal("0.3"), None], set()),
    }
    html = response.content.decode()
    assert 'OpenAI API</strong> <span class="muted">cheapest of 3 priced routes' in html
    assert '<td class="num best">$0.15<span class="visually-hidden"> (lowest)</span></td>' in html


def test_it_lists_benchmarks_and_marks_the_best_of_each_row(client, catalog, db):
    from benchmarks.models import Benchmark, BenchmarkScore
    from catalog.models import LanguageModel

    BenchmarkScore.objects.create(
        model=LanguageModel.objects.get(slug=SONNET),
        benchmark=Benchmark.objects.get(slug="mmlu"),
        value=Decimal("88.7"),
        source="test",
        self_reported=True,
    )
    rows = compare(client, MINI, SONNET).context["benchmarks"]
    assert [(r.label, [s.value if s else None for s in r.values], r.best) for r in rows] == [
        ("LMArena text Elo", [Decimal(1235), None], set()),  # a single score is nobody's win
        ("MMLU", [Decimal("82.0"), Decimal("88.7")], {1}),
    ]


def test_it_prices_the_same_workload_on_each_models_cheapest_route(client, catalog):
    response = compare(client, MINI, SONNET)
    costs = response.context["workload_costs"]
    assert [(c.offering.provider.slug, c.monthly_usd) for c in costs.values] == [
        ("openai", Decimal("33")),
        ("anthropic", Decimal("750")),
    ]
    assert costs.best == {0}
    html = response.content.decode()
    assert '<data value="33">$33.00</data>' in html
    assert '<data value="750">$750.00</data>' in html
    assert "Arithmetic for GPT-4o mini on OpenAI API" in html


def test_the_workload_can_change(client, catalog):
    response = compare(client, MINI, SONNET, batch="on", cached_pct="50")
    costs = response.context["workload_costs"].values
    # GPT-4o mini in batch: 500 x 0.075 (batch input) + 500 x 0.075 (no batch cache price: standard cache read)
    # + 300 x 0.30; Sonnet has no batch price: 500 x 3 + 500 x 0.30 + 300 x 15.
    assert [c.monthly_usd for c in costs] == [Decimal("16.5"), Decimal("615")]
    html = response.content.decode()
    assert 'name="cached_pct" value="50"' in html
    assert 'href="/calculator/?requests=100000&amp;input_tokens=1000&amp;output_tokens=300&amp;cached_pct=50' in html


def test_a_model_without_a_route_still_compares(client, catalog):
    response = compare(client, MINI, TURBO)
    assert response.status_code == 200
    assert response.context["headline_routes"][1] is None
    assert [c.monthly_usd if c else None for c in response.context["workload_costs"].values] == [Decimal("33"), None]
    html = response.content.decode()
    assert "no priced route" in html
    assert "no route can be priced" in html


@pytest.mark.parametrize("alias", ["openai/gpt-4o-mini-2024-07-18", "gpt-4o-mini", "GPT-4o mini", "OPENAI/GPT-4O-MINI"])
def test_aliases_and_names_redirect_to_the_canonical_list(client, catalog, alias):
    response = client.get(URL, {"models": f"{alias},{SONNET}", "batch": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?models={MINI},{SONNET}&batch=on"


def test_models_may_come_as_repeated_parameters(client, catalog):
    response = client.get(URL, {"models": [MINI, SONNET]})
    assert response.status_code == 200
    assert [m.slug for m in response.context["models"]] == [MINI, SONNET]


def test_adding_a_model_redirects_to_the_longer_list(client, catalog):
    response = client.get(URL, {"models": f"{MINI},{SONNET}", "add": "gpt-3.5-turbo", "output_tokens": "50"})
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?models={MINI},{SONNET},{TURBO}&output_tokens=50"


def test_the_landing_page_lets_you_pick_two_models(client, catalog):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="add"') == 2
    assert '<option value="openai/gpt-4o-mini">GPT-4o mini</option>' in html
    # The newest three models of the catalog, newest first.
    assert f'href="/compare/?models={SONNET},{MINI},{TURBO}"' in html
    follow = client.get(URL, {"add": ["GPT-4o mini", SONNET]})
    assert follow["Location"] == f"/compare/?models={MINI},{SONNET}"


def test_each_model_has_a_remove_link_that_keeps_the_workload(client, catalog):
    html = compare(client, MINI, SONNET, TURBO, requests="500").content.decode()
    assert f'href="/compare/?models={SONNET},{TURBO}&amp;requests=500"' in html
    assert f'href="/compare/?models={MINI},{TURBO}&amp;requests=500"' in html
    assert 'aria-label="Remove GPT-4o mini from the comparison"' in html


def test_an_unknown_slug_is_a_400_that_names_it_and_lets_you_fix_it(client, catalog):
    response = compare(client, MINI, "openai/gpt-99")
    assert response.status_code == 400
    html = response.content.decode()
    assert "No model is called “openai/gpt-99”" in html
    assert '<span class="badge badge-retired">unknown</span>' in html
    # Removing the unknown slug leaves a list of one, which the add form can complete.
    assert f'href="/compare/?models={MINI}"' in html
    assert 'id="add-model"' in html
    assert f'name="models" value="{MINI},openai/gpt-99"' in html


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ([MINI], "Compare needs at least 2 different models; this list has 1."),
        ([MINI, "gpt-4o-mini"], "Compare needs at least 2 different models; this list has 1."),
        ([f"lab/model-{i}" for i in range(5)], "Compare shows at most 4 models side by side; this list has 5."),
        ([f"lab/model-{i}" for i in range(9)], "this list has 9. Remove 5 below."),
    ],
)
def test_too_few_or_too_many_models_is_a_400(client, catalog, models, message):
    build_catalog(9, routes=1)
    response = compare(client, *models)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_very_long_list_is_refused_without_a_query_per_item(client, catalog):
    junk = [f"no-such-model-{i}" for i in range(200)]
    with CaptureQueriesContext(connection) as ctx:
        response = compare(client, *junk)
    assert response.status_code == 400
    assert "this list has 200. Remove 196 below." in response.content.decode()
    assert len(ctx.captured_queries) <= 1 + 8  # the model index, and at most 8 alias lookups


def test_adding_a_fifth_model_is_refused(client, catalog):
    build_catalog(4, routes=1)
    response = client.get(URL, {"models": ",".join(f"lab/model-{i}" for i in range(4)), "add": MINI})
    assert response.status_code == 400
    assert "at most 4 models" in response.content.decode()


def test_a_full_comparison_has_no_add_form(client, db):
    build_catalog(4, routes=1)
    html = compare(client, *(f"lab/model-{i}" for i in range(4))).content.decode()
    assert 'id="add-model"' not in html


def test_a_bad_workload_is_a_400_that_keeps_the_comparison(client, catalog):
    response = compare(client, MINI, SONNET, requests="-3")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_requests_error"' in html
    assert "Must be 1 or more." in html
    assert "Key facts" in html
    assert "workload_costs" not in response.context


def test_the_page_is_cached_per_url(client, catalog, page_cache):
    first, second = compare(client, MINI, SONNET), compare(client, MINI, SONNET)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert compare(client, SONNET, MINI)["X-Page-Cache"] == "miss"


def test_page_query_count_does_not_grow_with_the_catalog(client, db):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        with CaptureQueriesContext(connection) as ctx:
            response = compare(client, "lab/model-0", "lab/model-1")
            assert response.status_code == 200
        assert response.context["workload_costs"].values[0] is not None
        return len(ctx.captured_queries)

    small, large = count_for(2), count_for(20)
    assert small == large
    # the model index; the 2 models with cheapest route + 3 facets + scores; their routes + prices.
    assert large == 8
