from decimal import Decimal

from benchmarks.frontier import Point, frontier
from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel


def P(slug: str, price: str, score: str) -> Point:  # noqa: N802 - reads like a constructor
    return Point(slug, slug, "lab", Decimal(price), Decimal(score))


def test_the_frontier_keeps_only_models_no_other_beats_on_both():
    points = [
        P("cheap-bad", "0.1", "50"),
        P("cheap-good", "0.2", "70"),
        P("dear-worse", "1", "65"),
        P("dear-best", "3", "85"),
        P("same-price-worse", "0.2", "60"),
        P("tie", "3", "85"),
    ]
    assert [p.slug for p in frontier(points)] == ["cheap-bad", "cheap-good", "dear-best"]


def test_lower_is_better_turns_the_frontier_around():
    points = [P("a", "1", "10"), P("b", "2", "5"), P("c", "3", "7")]
    assert [p.slug for p in frontier(points, higher_is_better=False)] == ["a", "b"]


def test_the_page_charts_price_against_score_and_lists_the_frontier(client, load_fixture_catalog):
    load_fixture_catalog()
    sonnet = LanguageModel.objects.get(slug="anthropic/claude-sonnet-4-5")
    BenchmarkScore.objects.create(
        model=sonnet,
        benchmark=Benchmark.objects.get(slug="mmlu"),
        value=Decimal("89"),
        source="curated",
        self_reported=True,
    )
    response = client.get("/benchmarks/", {"benchmark": "mmlu"})
    assert response.status_code == 200
    assert [p.slug for p in response.context["frontier"]] == ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"]
    # GPT-4o mini: (3 x 0.15 + 0.60) / 4 = 0.2625; Claude Sonnet 4.5: (3 x 3 + 15) / 4 = 6.
    assert [(p["slug"], p["x"], p["y"], p["frontier"]) for p in response.context["chart"]["points"]] == [
        ("openai/gpt-4o-mini", "0.2625", "82", True),
        ("anthropic/claude-sonnet-4-5", "6", "89", True),
    ]


def test_an_unknown_benchmark_is_a_404_that_says_so(client, load_fixture_catalog):
    load_fixture_catalog()
    response = client.get("/benchmarks/", {"benchmark": "nope"})
    assert response.status_code == 404
    assert "There is no benchmark “nope”" in response.content.decode()


def test_an_empty_catalog_says_how_to_load_it(client, db):
    assert "python manage.py sync curated" in client.get("/benchmarks/").content.decode()


def test_the_page_query_count_does_not_grow_with_the_catalog(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import build_catalog

    counts = []
    for models in (2, 20):
        build_catalog(models)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/benchmarks/", {"benchmark": "mmlu"})
        assert len(response.context["points"]) == models
        counts.append(len(queries))
    # The benchmarks with their model counts, then the models with blended price and best score.
    assert counts == [2, 2]
