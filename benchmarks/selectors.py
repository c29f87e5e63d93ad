"""Reads of benchmarks and scores used by pages, the API and the sync."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel


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
