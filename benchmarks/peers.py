"""Peer comparisons for a model's scores: how it sits among models of similar price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, Expression, F, Func, Q, Value, When, Window
from django.db.models.functions import DenseRank

from benchmarks.models import BenchmarkScore
from catalog.models import LanguageModel

# The type of a price in the distance expression (the prices' own digits do not matter to it).
PRICE: DecimalField[Any, Decimal] = DecimalField()


@dataclass(frozen=True)
class Peer:
    slug: str
    name: str
    value: Decimal
    blended_usd: Decimal | None
    is_self: bool


def peers_by_benchmark(
    model: LanguageModel, benchmark_ids: list[int], price: Expression, own_price: Decimal | None, *, count: int = 5
) -> dict[int, list[Peer]]:
    """For each benchmark, the model and the `count` models nearest to it in blended price that have a score
    there (their best score). `price` is a score's model's blended price as an expression and `own_price` this
    model's (both from the providers app's selectors). 1 query, whatever the catalog's size: the database ranks
    each benchmark's scored models by distance in price and returns only the nearest ones' scores."""
    if not benchmark_ids:
        return {}
    nearness = Window(
        DenseRank(),
        partition_by=F("benchmark_id"),
        # This model first; then by distance in price (all equal when this model has no price), then by slug.
        order_by=[
            Case(When(model_id=model.pk, then=Value(0)), default=Value(1)).asc(),
            Func(F("blended_usd") - Value(own_price, output_field=PRICE), function="ABS", output_field=PRICE).asc(),
            F("model__slug").asc(),
        ],
    )
    rows = (
        BenchmarkScore.objects.filter(benchmark_id__in=benchmark_ids)
        .annotate(blended_usd=price)
        .filter(Q(model_id=model.pk) | Q(blended_usd__isnull=False))
        .annotate(nearness=nearness)
        .filter(nearness__lte=count + 1)
        .values_list("benchmark_id", "model_id", "model__slug", "model__name", "value", "blended_usd")
        .order_by("benchmark_id", "nearness", "-value")
    )
    best: dict[int, dict[int, Peer]] = {}
    for benchmark_id, model_id, slug, name, value, blended_usd in rows:
        per_model = best.setdefault(benchmark_id, {})
        if model_id not in per_model:  # rows come best first per model
            per_model[model_id] = Peer(slug, name, value, blended_usd, model_id == model.pk)
    return {
        benchmark_id: sorted(per_model.values(), key=lambda p: -p.value)
        for benchmark_id, per_model in best.items()
        if model.pk in per_model
    }
