"""GET /api/v1/benchmarks/, GET and POST /api/v1/benchmarks/<slug>/scores/, on catalogs written by the real sync."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import curation
from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel
from providers.models import ChangeEvent
from tests.factories import build_catalog
from tests.problem import details

SCORES = "/api/v1/benchmarks/mmlu/scores/"


@pytest.fixture
def scored(catalog, ana):
    """MMLU: GPT-4o mini 82 (the lab's, from the curated files), and a curator's scores for Claude (88.7, measured
    independently, open weights for the test) and GPT-3.5 Turbo (70, the lab's, no route)."""
    mmlu = Benchmark.objects.get(slug="mmlu")
    LanguageModel.objects.filter(slug="anthropic/claude-sonnet-4-5").update(open_weights=True)
    for slug, value, self_reported in (
        ("anthropic/claude-sonnet-4-5", "88.7", False),
        ("openai/gpt-3.5-turbo", "70", True),
    ):
        model = LanguageModel.objects.get(slug=slug)
        curation.set_score(mmlu, model=model, value=Decimal(value), self_reported=self_reported, user=ana)
    return mmlu


def ranking(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.json()
    return [(row["model"], row["value"]) for row in response.json()["results"]]


def test_it_lists_the_benchmarks_by_category_and_name(api, scored):
    response = api.get("/api/v1/benchmarks/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "lmarena-text",
                "name": "LMArena text Elo",
                "category": "human_preference",
                "metric": "elo",
                "scale": "elo",
                "higher_is_better": True,
                "url": "https://lmarena.ai",
                "description": "",
                "model_count": 1,
            },
            {
                "slug": "mmlu",
                "name": "MMLU",
                "category": "knowledge",
                "metric": "accuracy",
                "scale": "percent",
                "higher_is_better": True,
                "url": "https://arxiv.org/abs/2009.03300",
                "description": "",
                "model_count": 3,
            },
        ],
    }


def test_benchmarks_filter_by_category_and_refuse_an_unknown_one(api, catalog):
    assert [b["slug"] for b in api.get("/api/v1/benchmarks/", {"category": "knowledge"}).json()["results"]] == ["mmlu"]
    response = api.get("/api/v1/benchmarks/", {"category": "vibes"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["category"]


def test_scores_are_ranked_best_first_with_the_cheapest_price(api, scored):
    response = api.get(SCORES)
    assert ranking(response) == [
        ("anthropic/claude-sonnet-4-5", "88.7"),
        ("openai/gpt-4o-mini", "82"),
        ("openai/gpt-3.5-turbo", "70"),
    ]
    claude, mini, old = response.json()["results"]
    assert mini == {
        "model": "openai/gpt-4o-mini",
        "model_name": "GPT-4o mini",
        "lab": "openai",
        "open_weights": False,
        "value": "82",
        "version": None,
        "date": "2024-07-18",
        "source": "curated",
        "source_url": "https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/",
        "self_reported": True,
        # (3 x 0.15 + 0.60) / 4 on OpenAI's own API, which wins the tie with OpenRouter
        "cheapest_blended_usd": "0.2625",
        "cheapest_provider": "openai",
    }
    assert (claude["cheapest_blended_usd"], claude["cheapest_provider"], claude["source"]) == (
        "6",
        "anthropic",
        "curator",
    )
    assert (old["cheapest_blended_usd"], old["cheapest_provider"]) == (None, None)  # no route


def test_where_lower_is_better_the_lowest_score_comes_first(api, scored):
    Benchmark.objects.filter(pk=scored.pk).update(higher_is_better=False)
    assert [model for model, _ in ranking(api.get(SCORES))] == [
        "openai/gpt-3.5-turbo",
        "openai/gpt-4o-mini",
        "anthropic/claude-sonnet-4-5",
    ]


@pytest.mark.parametrize(
    ("params", "models"),
    [
        ({"lab": "anthropic"}, ["anthropic/claude-sonnet-4-5"]),
        ({"lab": "openai"}, ["openai/gpt-4o-mini", "openai/gpt-3.5-turbo"]),
        ({"self_reported": "true"}, ["openai/gpt-4o-mini", "openai/gpt-3.5-turbo"]),
        ({"self_reported": "false"}, ["anthropic/claude-sonnet-4-5"]),
        ({"open_weights": "true"}, ["anthropic/claude-sonnet-4-5"]),
        # unknown (GPT-3.5's open_weights is not recorded) counts as not open, as on the /models/ page
        ({"open_weights": "false"}, ["openai/gpt-4o-mini", "openai/gpt-3.5-turbo"]),
        (
            {"lab": "openai", "self_reported": "true", "open_weights": "false"},
            ["openai/gpt-4o-mini", "openai/gpt-3.5-turbo"],
        ),
    ],
)
def test_scores_filter_by_lab_weights_and_who_reported_them(api, scored, params, models):
    assert [model for model, _ in ranking(api.get(SCORES, params))] == models


def test_bad_filter_values_are_a_400_naming_each_parameter(api, scored):
    response = api.get(SCORES, {"lab": "nobody", "open_weights": "maybe", "self_reported": "yes"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid value for: lab, open_weights, self_reported."
    assert response.json()["errors"]["lab"] == ["Select a valid choice. nobody is not one of the available choices."]


def test_scores_are_paginated(api, scored):
    body = api.get(SCORES, {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"] == "http://testserver/api/v1/benchmarks/mmlu/scores/?page=2&page_size=2"
    assert ranking(api.get(SCORES, {"page_size": 2, "page": 2})) == [("openai/gpt-3.5-turbo", "70")]


def test_an_unknown_benchmark_is_a_json_404(api, catalog):
    response = api.get("/api/v1/benchmarks/nope/scores/")
    assert (response.status_code, details(response)) == (404, {"detail": "No benchmark nope."})


@pytest.mark.parametrize("models", [2, 20])
def test_the_ranking_takes_4_queries_whatever_its_length(api, db, models):
    build_catalog(models, routes=2)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(SCORES, {"page_size": 50})
    assert len(response.json()["results"]) == models
    assert response.json()["results"][0]["cheapest_provider"] == "prov-0"
    # the benchmark, the lab filter's choices, count, rows (model, lab, cheapest route)
    assert len(queries) == 4


@pytest.mark.parametrize("models", [2, 20])
def test_the_benchmark_list_takes_2_queries(api, db, models):
    build_catalog(models, routes=1)
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/benchmarks/")
    assert response.json()["results"][0]["model_count"] == models
    assert len(queries) == 2  # count, rows with their model counts


# --- a curator's score ------------------------------------------------------------------------------------------


def score_events() -> list[tuple[str, str, str, str, str]]:
    return list(
        ChangeEvent.objects.filter(kind__startswith="score", actor="ana")
        .order_by("id")
        .values_list("kind", "field", "old_value", "new_value", "summary")
    )


def test_a_staff_token_adds_a_curators_score(staff, catalog, ana):
    body = {
        "model": "anthropic/claude-sonnet-4-5",
        "value": "88.7",
        "date": "2025-09-29",
        "source_url": "https://www.anthropic.com/news/claude-sonnet-4-5",
        "self_reported": True,
    }
    response = staff.post(SCORES, body, format="json")
    assert response.status_code == 201, response.json()
    score = BenchmarkScore.objects.get(model__slug="anthropic/claude-sonnet-4-5", benchmark__slug="mmlu")
    assert response.json() == {
        "id": score.pk,
        "benchmark": "mmlu",
        "model": "anthropic/claude-sonnet-4-5",
        "value": "88.7",
        "version": None,
        "date": "2025-09-29",
        "source": "curator",
        "source_url": "https://www.anthropic.com/news/claude-sonnet-4-5",
        "self_reported": True,
    }
    assert score_events() == [("score_added", "MMLU", "", "88.7", "Claude Sonnet 4.5: MMLU 88.7")]
    latest = score.history.first()
    assert (latest.history_user, latest.history_type, latest.value) == (ana, "+", Decimal("88.7"))


def test_the_same_version_again_updates_the_curators_score(staff, catalog, ana):
    body = {"model": "openai/gpt-4o-mini", "value": "81", "version": "5-shot", "self_reported": False}
    assert staff.post(SCORES, body, format="json").status_code == 201
    response = staff.post(SCORES, {**body, "value": "81.5"}, format="json")
    assert response.status_code == 200
    assert response.json()["value"] == "81.5"
    # The curated file's 82 stays beside the curator's row: a score is per model, benchmark, source and version.
    assert sorted(
        BenchmarkScore.objects.filter(model__slug="openai/gpt-4o-mini", benchmark__slug="mmlu").values_list(
            "source", "version", "value"
        )
    ) == [("curated", "", Decimal("82")), ("curator", "5-shot", Decimal("81.5"))]
    assert score_events()[-1] == (
        "score_changed",
        "MMLU (5-shot)",
        "81",
        "81.5",
        "GPT-4o mini: MMLU (5-shot) 81 → 81.5",
    )
    assert BenchmarkScore.objects.get(source="curator").history.first().history_user == ana
    # Nothing new: nothing written.
    assert staff.post(SCORES, {**body, "value": "81.5"}, format="json").status_code == 200
    assert len(score_events()) == 2


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"value": "-1"}, {"value": ["A score cannot be negative."]}),
        ({"value": "100.5"}, {"value": ["MMLU is scored in percent: a score is at most 100."]}),
        ({"value": "abc"}, {"value": ["A valid number is required."]}),
        ({"model": "openai/nope"}, {"model": ["Object with slug=openai/nope does not exist."]}),
        ({"date": "2999-01-01"}, {"date": ["A score cannot be dated in the future."]}),
        ({"self_reported": None}, {"self_reported": ["This field may not be null."]}),
    ],
)
def test_a_score_that_breaks_a_rule_is_a_400_and_nothing_is_written(staff, catalog, fields, errors):
    before = (BenchmarkScore.objects.count(), ChangeEvent.objects.count(), BenchmarkScore.history.count())
    body = {"model": "openai/gpt-4o-mini", "value": "81", "self_reported": False, **fields}
    response = staff.post(SCORES, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert (BenchmarkScore.objects.count(), ChangeEvent.objects.count(), BenchmarkScore.history.count()) == before


def test_a_score_for_an_unknown_benchmark_is_a_404(staff, catalog):
    response = staff.post("/api/v1/benchmarks/nope/scores/", {"model": "openai/gpt-4o-mini"}, format="json")
    assert response.status_code == 404


def test_the_curation_rules_hold_without_the_api(catalog, ana):
    """The admin calls benchmarks.curation directly: the same rules, as a ValidationError by field."""
    mmlu, model = Benchmark.objects.get(slug="mmlu"), LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    with pytest.raises(ValidationError) as error:
        curation.set_score(
            mmlu,
            model=model,
            value=Decimal("82.12345"),
            self_reported=True,
            user=ana,
            measured_on=dt.date.today() + dt.timedelta(days=2),
            source_url="not a url",
        )
    assert error.value.message_dict == {
        "value": ["Use at most 4 decimal places."],
        "date": ["A score cannot be dated in the future."],
        "source_url": ["Enter a valid URL."],
    }


def test_the_frontier_endpoint_gives_the_pages_chart_as_data(client, load_fixture_catalog):
    from decimal import Decimal

    from benchmarks.models import Benchmark, BenchmarkScore
    from catalog.models import LanguageModel

    load_fixture_catalog()
    BenchmarkScore.objects.create(
        model=LanguageModel.objects.get(slug="anthropic/claude-sonnet-4-5"),
        benchmark=Benchmark.objects.get(slug="mmlu"),
        value=Decimal("89"),
        source="curated",
        self_reported=True,
        source_url="https://www.anthropic.com",
    )
    body = client.get("/api/v1/benchmarks/mmlu/frontier/").json()
    assert body["frontier"] == ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"]
    assert body["points"][0] == {
        "model": "openai/gpt-4o-mini",
        "name": "GPT-4o mini",
        "lab": "OpenAI",
        "blended_usd": "0.2625",
        "score": "82",
        "on_frontier": True,
    }
    page = client.get("/benchmarks/mmlu/").context["chart"]["points"]
    assert [(p["slug"], p["x"], p["y"]) for p in page] == [
        (p["model"], p["blended_usd"], p["score"]) for p in body["points"]
    ]
    assert client.get("/api/v1/benchmarks/nope/frontier/").status_code == 404
