"""Peer comparisons for a model's scores: how it sits among models of similar price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from benchmarks.models import BenchmarkScore
from catalog.models import LanguageModel


@dataclass(frozen=True)
class Peer:
    slug: str
    name: str
    value: Decimal
    blended_usd: Decimal | None
    is_self: bool


def peers_by_benchmark(
    model: LanguageModel, benchmark_ids: list[int], blended: QuerySet, *, count: int = 5
) -> dict[int, list[Peer]]:
    """For each benchmark, the model and the `count` models nearest to it in blended price that have a score
    there (their best score). `blended` is a LanguageModel queryset annotated with `blended_usd` (from the
    providers app's selectors). 1 query, whatever the catalog's size."""
    if not benchmark_ids:
        return {}
    price = Subquery(blended.filter(pk=OuterRef("model_id")).values("blended_usd")[:1])
    rows = (
        BenchmarkScore.objects.filter(benchmark_id__in=benchmark_ids)
        .annotate(blended_usd=price)
        .values_list("benchmark_id", "model_id", "model__slug", "model__name", "value", "blended_usd")
        .order_by("benchmark_id", "model_id", "-value")
    )
    best: dict[int, dict[int, Peer]] = {}
    for benchmark_id, model_id, slug, name, value, blended_usd in rows:
        per_model = best.setdefault(benchmark_id, {})
        if model_id not in per_model:  # rows come best first per model
            per_model[model_id] = Peer(slug, name, value, blended_usd, model_id == model.pk)
    result = {}
    for benchmark_id, per_model in best.items():
        own = per_model.get(model.pk)
        if own is None:
            continue
        others = [p for p in per_model.values() if not p.is_self and p.blended_usd is not None]
        if own.blended_usd is not None:
            others.sort(key=lambda p: (abs(p.blended_usd - own.blended_usd), p.slug))
        else:
            others.sort(key=lambda p: p.slug)
        result[benchmark_id] = sorted([own, *others[:count]], key=lambda p: -p.value)
    return result
