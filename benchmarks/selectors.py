"""Reads of benchmarks and scores used by pages, the API and the sync."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

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
    return model_scores().filter(model=model)


def model_scores() -> QuerySet[BenchmarkScore]:
    """Scores with their benchmarks, in the order a model's scores are listed (filter them by model)."""
    return BenchmarkScore.objects.select_related("benchmark").order_by(
        "benchmark__category", "benchmark__name", "-measured_on", "version"
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


def documentation_rank(
    value: Decimal, self_reported: bool, measured_on: dt.date | None, higher_is_better: bool
) -> tuple[bool, bool, dt.date, Decimal]:
    """How well documented a score is, for choosing one per model and benchmark (the larger, the better):
    independent before self-reported, dated before undated, newer first, then the better value."""
    better = value if higher_is_better else -value
    return (not self_reported, measured_on is not None, measured_on or dt.date.min, better)


def documentation_key(score: BenchmarkScore) -> tuple[bool, bool, dt.date, Decimal]:
    """`documentation_rank` of a score (its benchmark loaded)."""
    return documentation_rank(score.value, score.self_reported, score.measured_on, score.benchmark.higher_is_better)


K = TypeVar("K")
V = TypeVar("V")


def best_of(rows: Iterable[tuple[K, Decimal, bool, dt.date | None, bool, V]]) -> dict[K, tuple[Decimal, V]]:
    """THE best score of a model on a benchmark, everywhere (leaderboard, percentiles, standings, peers, the
    performance summary): its best-documented score (`documentation_rank`), the one the leaderboard ranks it by.
    `rows`: (key, value, self_reported, measured_on, higher_is_better, extra) per score, the key naming one model on
    one benchmark; the answer: per key, the chosen score's (value, extra)."""
    chosen: dict[K, tuple[tuple[bool, bool, dt.date, Decimal], Decimal, V]] = {}
    for key, value, self_reported, measured_on, higher_is_better, extra in rows:
        rank = documentation_rank(value, self_reported, measured_on, higher_is_better)
        current = chosen.get(key)
        if current is None or rank > current[0]:
            chosen[key] = (rank, value, extra)
    return {key: (value, extra) for key, (_rank, value, extra) in chosen.items()}


def share_beaten(own: Decimal | int, values: Sequence[Decimal | int], *, higher_is_better: bool = True) -> int | None:
    """THE percentile rule: the share of the others (`values`, sorted ascending, `own` among them once) that `own`
    beats, in percent; ties beat no one. None when there is no other."""
    if len(values) < 2:
        return None
    beaten = bisect_left(values, own) if higher_is_better else len(values) - bisect_right(values, own)
    return round(100 * beaten / (len(values) - 1))


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
    """For each benchmark the model has `scores` on (its own, with their benchmarks), how its best score (`best_of`:
    the best-documented one, which the leaderboard ranks it by) ranks among every model's best score there
    (`share_beaten`): counted from the standings summary (benchmark_standings: 1 query after a data change, none
    while the catalog is unchanged), with a binary search per benchmark."""
    own = best_of(
        (s.benchmark_id, s.value, s.self_reported, s.measured_on, s.benchmark.higher_is_better, s.benchmark)
        for s in scores
    )
    if not own:
        return {}
    bests = benchmark_standings()
    result = {}
    for benchmark_id, (value, benchmark) in own.items():
        values = bests.get(benchmark_id, [])
        scored = len(values)
        ranked = can_rank(scored)
        percent = share_beaten(value, values, higher_is_better=benchmark.higher_is_better) if ranked else None
        result[benchmark_id] = Percentile(percent, scored)
    return result


def percentiles_of_models(model_ids: list[int]) -> dict[int, dict[int, Percentile]]:
    """{model id: {benchmark id: Percentile}} for several models at once (a lab's models on a model page), by the
    rule of `percentiles` (each model's best score against the standings), on rankable benchmarks only (`can_rank`).
    Read from the standings summary, which keeps each model's best scores too (1 query after a data change, none
    while the catalog is unchanged)."""
    standings = _standings()
    result: dict[int, dict[int, Percentile]] = {}
    for model_id in model_ids:
        for benchmark_id, value, higher_is_better in standings.by_model.get(model_id, ()):
            values = standings.by_benchmark[benchmark_id]
            scored = len(values)
            if not can_rank(scored):
                continue
            percent = share_beaten(value, values, higher_is_better=higher_is_better)
            result.setdefault(model_id, {})[benchmark_id] = Percentile(percent, scored)
    return result


def benchmark_standings() -> dict[int, list[Decimal]]:
    """Per benchmark, every scored model's best score (`best_of`), in ascending order: what a model page's
    percentiles are counted from. One query (every score's value) on the first call after a data change, then
    none in that process: a model page no longer scans the scores table."""
    return _standings().by_benchmark


@dataclass(frozen=True)
class _Standings:
    by_benchmark: dict[int, list[Decimal]]  # every scored model's best score, ascending
    by_model: dict[int, list[tuple[int, Decimal, bool]]]  # (benchmark id, best score, higher is better) per model


@per_version
def _standings() -> _Standings:
    rows = BenchmarkScore.objects.values_list(
        "benchmark_id", "model_id", "value", "self_reported", "measured_on", "benchmark__higher_is_better"
    ).order_by()
    best = best_of(
        ((benchmark_id, model_id), value, self_reported, measured_on, higher, higher)
        for benchmark_id, model_id, value, self_reported, measured_on, higher in rows
    )
    bests: dict[int, list[Decimal]] = {}
    by_model: dict[int, list[tuple[int, Decimal, bool]]] = {}
    for (benchmark_id, model_id), (value, higher) in best.items():
        bests.setdefault(benchmark_id, []).append(value)
        by_model.setdefault(model_id, []).append((benchmark_id, value, higher))
    for values in bests.values():
        values.sort()
    return _Standings(bests, by_model)
