"""Benchmark pages: the registry by category, leaderboards with filters, the value frontier."""

from decimal import Decimal

import pytest

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


@pytest.fixture
def scored(load_fixture_catalog):
    load_fixture_catalog()
    mmlu = Benchmark.objects.get(slug="mmlu")
    sonnet = LanguageModel.objects.get(slug="anthropic/claude-sonnet-4-5")
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    BenchmarkScore.objects.create(
        model=sonnet,
        benchmark=mmlu,
        value=Decimal("89"),
        source="curated",
        self_reported=True,
        source_url="https://www.anthropic.com/news",
    )
    # A second, independent score of GPT-4o mini: better documented than the lab's own 82.0, so it is the one shown.
    BenchmarkScore.objects.create(
        model=mini,
        benchmark=mmlu,
        value=Decimal("80.1"),
        source="epoch",
        version="Epoch AI harness",
        self_reported=False,
        measured_on="2025-01-27",
        source_url="https://epoch.ai/benchmarks",
    )
    return mmlu


def test_the_index_lists_benchmarks_by_category(client, scored):
    response = client.get("/benchmarks/")
    groups = {group["name"]: [b.slug for b in group["items"]] for group in response.context["categories"]}
    assert groups["Knowledge"] == ["mmlu"]
    assert groups["Human preference"] == ["lmarena-text"]
    assert "2 models scored" in response.content.decode()


def test_the_old_chart_address_redirects(client, scored):
    response = client.get("/benchmarks/", {"benchmark": "mmlu"})
    assert (response.status_code, response["Location"]) == (301, "/benchmarks/mmlu/")


def test_a_leaderboard_ranks_each_model_by_its_best_documented_score(client, scored, settings):
    settings.RANKING_MIN_SCORES = 2
    response = client.get("/benchmarks/mmlu/")
    rows = [
        (r.rank, r.score.model.slug, r.score.value, r.score.self_reported, r.other_scores)
        for r in response.context["rows"]
    ]
    assert rows == [
        (1, "anthropic/claude-sonnet-4-5", Decimal("89"), True, 0),
        (2, "openai/gpt-4o-mini", Decimal("80.1"), False, 1),
    ]
    html = response.content.decode()
    assert "Scores credited to Epoch AI: Epoch AI, AI Benchmarking, https://epoch.ai/benchmarks" in html
    assert "self-reported" in html
    # GPT-4o mini: (3 x 0.15 + 0.60) / 4 = 0.2625; Claude Sonnet 4.5: (3 x 3 + 15) / 4 = 6.
    assert [(p["slug"], p["x"], p["y"], p["frontier"]) for p in response.context["chart"]["points"]] == [
        ("openai/gpt-4o-mini", "0.2625", "80.1", True),
        ("anthropic/claude-sonnet-4-5", "6", "89", True),
    ]


def test_too_few_scores_list_the_scores_without_ranks_or_a_frontier(client, scored):
    response = client.get("/benchmarks/mmlu/")  # 2 models scored; the site ranks from 5
    assert response.context["ranked"] is False
    assert response.context["frontier"] == []
    assert not any(p["frontier"] for p in response.context["chart"]["points"])
    html = response.content.decode()
    assert "Too few scores to rank." in html
    assert "The value frontier" not in html
    assert "Metric: accuracy %" in html or "Metric: " in html
    assert "too few scores to rank" in client.get("/benchmarks/").content.decode()


@pytest.mark.parametrize(
    ("params", "slugs"),
    [
        ({"lab": "openai"}, ["openai/gpt-4o-mini"]),
        ({"weights": "open"}, []),
        ({"max_price": "1"}, ["openai/gpt-4o-mini"]),
    ],
)
def test_a_leaderboard_filters_by_lab_weights_and_price(client, scored, params, slugs):
    response = client.get("/benchmarks/mmlu/", params)
    assert [r.score.model.slug for r in response.context["rows"]] == slugs
    if not slugs:
        assert "No model with a MMLU score matches these filters." in response.content.decode()


def test_a_bad_filter_is_a_400_and_an_unknown_benchmark_a_404(client, scored):
    response = client.get("/benchmarks/mmlu/", {"max_price": "cheap"})
    assert response.status_code == 400
    assert "Enter a price in dollars per 1M tokens" in response.content.decode()
    assert client.get("/benchmarks/nope/").status_code == 404


def test_an_empty_catalog_says_how_to_load_it(client, db):
    assert "python manage.py sync curated" in client.get("/benchmarks/").content.decode()


def test_the_leaderboard_query_count_does_not_grow_with_the_catalog(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import build_catalog

    counts = []
    for models in (2, 20):
        build_catalog(models)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/benchmarks/mmlu/")
        assert len(response.context["rows"]) == models
        counts.append(len(queries))
    # The benchmark, the labs for the filter, the scores with each model's cheapest route.
    assert counts == [3, 3]
