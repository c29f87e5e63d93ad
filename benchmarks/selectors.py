"""Reads of benchmarks and scores used by pages, the API and the sync."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DecimalField, F, IntegerField, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel
from lib.caching import per_version

SCORE: DecimalField[Any, Decimal] = DecimalField(max_digits=12, decimal_places=4)


def benchmark_slugs() -> list[str]:
    return list(Benchmark.objects.values_list("slug", flat=True))


def scores_for_model(model: LanguageModel) -> QuerySet[BenchmarkScore]:
    """A model's scores with their benchmarks: 1 query."""
    return (
        BenchmarkScore.objects.filter(model=model)
        .select_related("benchmark")
        .order_by("benchmark__category", "benchmark__name", "-measured_on", "version")
    )


def benchmark_counts() -> dict[str, int]:
    return {"benchmarks": Benchmark.objects.count(), "scores": BenchmarkScore.objects.count()}


def scores_for_export() -> Prefetch:
    return Prefetch(
        "scores",
        queryset=BenchmarkScore.objects.select_related("benchmark").order_by("benchmark__slug", "version", "source"),
        to_attr="export_scores",
    )


@dataclass(frozen=True)
class BenchmarkChoice:
    slug: str
    name: str
    scale: str
    higher_is_better: bool


def benchmark_choices() -> list[BenchmarkChoice]:
    """Benchmarks a listing can sort by (those with at least one score: sorting by an empty one lists only dashes),
    by name: 1 query."""
    return [
        BenchmarkChoice(*row)
        for row in Benchmark.objects.filter(scores__isnull=False)
        .distinct()
        .order_by("name")
        .values_list("slug", "name", "scale", "higher_is_better")
    ]


def with_best_score(models: QuerySet[LanguageModel], benchmark: BenchmarkChoice) -> QuerySet[LanguageModel]:
    """Annotate `best_score`: each model's best score on one benchmark (highest, or lowest where lower is
    better), null when it has none. A subquery, so no extra query and no duplicated rows."""
    order = "-value" if benchmark.higher_is_better else "value"
    best = BenchmarkScore.objects.filter(model=OuterRef("pk"), benchmark__slug=benchmark.slug).order_by(order)
    return models.annotate(best_score=Subquery(best.values("value")[:1], output_field=SCORE))


@dataclass(frozen=True)
class TopScore:
    benchmark_name: str
    benchmark_slug: str
    scale: str
    value: Decimal


def top_scores(model_ids: list[int], *, per_model: int = 2) -> dict[int, list[TopScore]]:
    """Up to `per_model` best scores per model, taken from the benchmarks that the most models in the catalog are
    scored on (so that rows of a table compare like with like): 1 query for any number of models."""
    if not model_ids:
        return {}
    reach = (
        BenchmarkScore.objects.filter(benchmark=OuterRef("benchmark"))
        .order_by()
        .values("benchmark")
        .annotate(n=Count("model", distinct=True))
        .values("n")[:1]
    )
    rows = (
        BenchmarkScore.objects.filter(model_id__in=model_ids)
        .order_by()
        .values("model_id", "benchmark__slug", "benchmark__name", "benchmark__scale", "benchmark__higher_is_better")
        .annotate(high=Max("value"), low=Min("value"), reach=Subquery(reach, output_field=IntegerField()))
        .order_by("model_id", "-reach", "benchmark__name")
    )
    result: dict[int, list[TopScore]] = {}
    for row in rows:
        chosen = result.setdefault(row["model_id"], [])
        if len(chosen) < per_model:
            chosen.append(
                TopScore(
                    benchmark_name=row["benchmark__name"],
                    benchmark_slug=row["benchmark__slug"],
                    scale=row["benchmark__scale"],
                    value=row["high"] if row["benchmark__higher_is_better"] else row["low"],
                )
            )
    return result


def benchmark_rows() -> QuerySet[Benchmark]:
    """Every benchmark with how many models it scores, by category and name (as the /benchmarks/ page): 1 query."""
    return Benchmark.objects.annotate(model_count=Count("scores__model", distinct=True)).order_by("category", "name")


def ranked_scores(benchmark: Benchmark) -> QuerySet[BenchmarkScore]:
    """A benchmark's scores best first (by its direction; ties by model slug), each with its model, lab and the
    model's cheapest route (lowest 3:1 blended standard price, as with_cheapest_route): 1 query per page."""
    best_first = F("value").desc() if benchmark.higher_is_better else F("value").asc()
    return (
        BenchmarkScore.objects.filter(benchmark=benchmark)
        .select_related("model", "model__lab")
        .annotate(
            # The providers app keeps each model's cheapest route in a table of its own
            # (providers/pricing/summaries.py).
            cheapest_offering_id=F("model__cheapest_route__offering_id"),
            cheapest_blended_usd=F("model__cheapest_route__blended_usd_per_mtok"),
            cheapest_provider=F("model__cheapest_route__offering__provider__slug"),
        )
        .order_by(best_first, "model__slug", "version", "source")
    )


def documentation_key(score: BenchmarkScore) -> tuple:
    """How well documented a score is, for choosing one per model and benchmark: independent before self-reported,
    dated before undated, newer first, then the better value."""
    better = score.value if score.benchmark.higher_is_better else -score.value
    return (not score.self_reported, score.measured_on is not None, score.measured_on or dt.date.min, better)


@dataclass
class LeaderboardRow:
    rank: int
    score: BenchmarkScore  # the best-documented score of the model (annotated with its cheapest route)
    other_scores: int  # how many other scores of this model on this benchmark exist


def leaderboard(
    benchmark: Benchmark, *, lab: str = "", open_weights: bool | None = None, max_blended_usd: Decimal | None = None
) -> list[LeaderboardRow]:
    """Every model with a score on `benchmark`, ranked by its best-documented score (ties share a rank): 1 query."""
    scores = ranked_scores(benchmark)
    if lab:
        scores = scores.filter(model__lab__slug=lab)
    if open_weights is not None:
        scores = scores.filter(model__open_weights=open_weights)
    if max_blended_usd is not None:
        scores = scores.filter(Q(cheapest_blended_usd__lte=max_blended_usd))  # an annotation of ranked_scores
    chosen: dict[int, BenchmarkScore] = {}
    counts: dict[int, int] = {}
    for score in scores:
        score.benchmark = benchmark  # spare a query per row in documentation_key
        counts[score.model_id] = counts.get(score.model_id, 0) + 1
        current = chosen.get(score.model_id)
        if current is None or documentation_key(score) > documentation_key(current):
            chosen[score.model_id] = score
    ordered = sorted(chosen.values(), key=lambda s: (-s.value if benchmark.higher_is_better else s.value, s.model.slug))
    rows: list[LeaderboardRow] = []
    for position, score in enumerate(ordered, start=1):
        tied = rows and rows[-1].score.value == score.value
        rows.append(LeaderboardRow(rows[-1].rank if tied else position, score, counts[score.model_id] - 1))
    return rows


@dataclass(frozen=True)
class Percentile:
    percent: int | None  # share of the other scored models this model beats; None: too few scores to rank
    of_models: int  # how many models have a score on the benchmark

    @property
    def ranked(self) -> bool:
        return self.percent is not None


def can_rank(scored_models: int) -> bool:
    """Whether a benchmark has enough scored models to rank them (settings.RANKING_MIN_SCORES)."""
    return scored_models >= settings.RANKING_MIN_SCORES


def percentiles(model: LanguageModel, scores: list[BenchmarkScore]) -> dict[int, Percentile]:
    """For each benchmark the model has `scores` on (its own, with their benchmarks), how its best score ranks
    among every model's best score there: counted from the standings summary (benchmark_standings: 1 query
    after a data change, none while the catalog is unchanged), with a binary search per benchmark.

    A model's best is beaten when all its scores are worse than ours, so per benchmark: the models scored, and
    the models with at least one score as good as ours (this model among them); the rest are beaten."""
    own: dict[int, Decimal] = {}
    benchmarks: dict[int, Benchmark] = {}
    for score in scores:
        benchmarks[score.benchmark_id] = score.benchmark
        better = own.get(score.benchmark_id) is None or (
            score.value > own[score.benchmark_id]
            if score.benchmark.higher_is_better
            else score.value < own[score.benchmark_id]
        )
        if better:
            own[score.benchmark_id] = score.value
    if not own:
        return {}
    bests = benchmark_standings()
    result = {}
    for benchmark_id, value in own.items():
        values = bests.get(benchmark_id, [])
        scored = len(values)
        if not can_rank(scored):
            result[benchmark_id] = Percentile(None, scored)
            continue
        if benchmarks[benchmark_id].higher_is_better:
            not_beaten = scored - bisect_left(values, value)
        else:
            not_beaten = bisect_right(values, value)
        beaten = scored - not_beaten
        result[benchmark_id] = Percentile(round(100 * beaten / (scored - 1)), scored)
    return result


def percentiles_of_models(model_ids: list[int]) -> dict[int, dict[int, Percentile]]:
    """{model id: {benchmark id: Percentile}} for several models at once (a lab's models on a model page), by the
    rule of `percentiles` (each model's best score against the standings), on rankable benchmarks only (`can_rank`).
    1 query for these models' scores, plus the standings (none while the catalog is unchanged)."""
    if not model_ids:
        return {}
    rows = (
        BenchmarkScore.objects.filter(model_id__in=model_ids)
        .values_list("model_id", "benchmark_id", "benchmark__higher_is_better", "value")
        .order_by()
    )
    own: dict[tuple[int, int], Decimal] = {}
    direction: dict[int, bool] = {}
    for model_id, benchmark_id, higher_is_better, value in rows:
        direction[benchmark_id] = higher_is_better
        current = own.get((model_id, benchmark_id))
        if current is None or (value > current if higher_is_better else value < current):
            own[(model_id, benchmark_id)] = value
    bests = benchmark_standings()
    result: dict[int, dict[int, Percentile]] = {}
    for (model_id, benchmark_id), value in own.items():
        values = bests.get(benchmark_id, [])
        scored = len(values)
        if not can_rank(scored):
            continue
        not_beaten = scored - bisect_left(values, value) if direction[benchmark_id] else bisect_right(values, value)
        result.setdefault(model_id, {})[benchmark_id] = Percentile(
            round(100 * (scored - not_beaten) / (scored - 1)), scored
        )
    return result


def benchmark_standings() -> dict[int, list[Decimal]]:
    """Per benchmark, every scored model's best score, in ascending order: what a model page's percentiles are
    counted from. One query (every score's value) on the first call after a data change, then none in that
    process: a model page no longer scans the scores table."""
    return _standings()


@per_version
def _standings() -> dict[int, list[Decimal]]:
    best: dict[tuple[int, int], Decimal] = {}
    rows = BenchmarkScore.objects.values_list("benchmark_id", "model_id", "value", "benchmark__higher_is_better")
    for benchmark_id, model_id, value, higher_is_better in rows.order_by():
        current = best.get((benchmark_id, model_id))
        if current is None or (value > current if higher_is_better else value < current):
            best[(benchmark_id, model_id)] = value
    bests: dict[int, list[Decimal]] = {}
    for (benchmark_id, _model_id), value in best.items():
        bests.setdefault(benchmark_id, []).append(value)
    for values in bests.values():
        values.sort()
    return bests
