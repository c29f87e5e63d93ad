"""Peer comparisons for a model's scores: how it sits among models of similar price."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import DecimalField, Expression

from benchmarks.models import BenchmarkScore
from benchmarks.selectors import best_of
from catalog.models import LanguageModel
from lib.caching import per_version
from lib.nearest import nearest

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
    there (their best score; nearest by distance in price, then by slug; all equally near when this model has no
    price). `price` is a score's model's blended price as an expression and `own_price` this model's (both from
    the providers app's selectors). Read from the peer table (every scored model's best score and price per
    benchmark, sorted by price: 1 query on the first call after a data change, none while the catalog is
    unchanged), with a binary search for this model's price: no scan of the scores per page."""
    if not benchmark_ids:
        return {}
    tables = _peer_tables(price)
    result: dict[int, list[Peer]] = {}
    for benchmark_id in benchmark_ids:
        table = tables.get(benchmark_id)
        if table is None or model.pk not in table.by_model:
            continue
        me = table.by_model[model.pk]
        nearest = table.nearest(own_price, count, exclude=model.pk)
        peers = [Peer(me.slug, me.name, me.value, me.blended_usd, True)]
        peers += [Peer(row.slug, row.name, row.value, row.blended_usd, False) for row in nearest]
        result[benchmark_id] = sorted(peers, key=lambda peer: -peer.value if table.higher_is_better else peer.value)
    return result


class _Scored(NamedTuple):  # one per scored model and benchmark, built by the thousand after every change: a tuple
    model_id: int
    slug: str
    name: str
    value: Decimal  # the model's best score on the benchmark (benchmarks.selectors.best_of)
    blended_usd: Decimal | None


@dataclass
class _PeerTable:
    """One benchmark's scored models: by id, the priced ones by (price, slug) and by slug."""

    higher_is_better: bool = True
    by_model: dict[int, _Scored] = field(default_factory=dict)
    by_price: list[_Scored] = field(default_factory=list)
    prices: list[Decimal] = field(default_factory=list)
    by_slug: list[_Scored] = field(default_factory=list)

    def nearest(self, own: Decimal | None, count: int, *, exclude: int) -> list[_Scored]:
        if own is None:  # every priced model is as near as any other: by slug
            return [row for row in self.by_slug if row.model_id != exclude][:count]
        return nearest(
            self.by_price,
            self.prices,
            own,
            count,
            name=lambda row: row.slug,
            accept=lambda row: row.model_id != exclude,
        )


_builders: dict[str, Callable[[], dict[int, _PeerTable]]] = {}


def _peer_tables(price: Expression) -> dict[int, _PeerTable]:
    key = str(price)
    if key not in _builders:
        _builders[key] = per_version(lambda: _build_peer_tables(price))
    return _builders[key]()


def _build_peer_tables(price: Expression) -> dict[int, _PeerTable]:
    rows = (
        BenchmarkScore.objects.annotate(blended_usd=price)
        .values_list(
            "benchmark_id",
            "model_id",
            "value",
            "self_reported",
            "measured_on",
            "benchmark__higher_is_better",
            "model__slug",
            "model__name",
            "blended_usd",
        )
        .order_by()
    )
    best = best_of(
        ((benchmark_id, model_id), value, self_reported, measured_on, higher, (higher, slug, name, blended_usd))
        for benchmark_id, model_id, value, self_reported, measured_on, higher, slug, name, blended_usd in rows
    )
    tables: dict[int, _PeerTable] = {}
    for (benchmark_id, model_id), (value, (higher, slug, name, blended_usd)) in best.items():
        table = tables.setdefault(benchmark_id, _PeerTable(higher_is_better=higher))
        table.by_model[model_id] = _Scored(model_id, slug, name, value, blended_usd)
    for table in tables.values():
        priced = [row for row in table.by_model.values() if row.blended_usd is not None]
        table.by_price = sorted(priced, key=lambda row: (row.blended_usd, row.slug))
        table.prices = [row.blended_usd for row in table.by_price]  # type: ignore[misc]
        table.by_slug = sorted(priced, key=lambda row: row.slug)
    return tables
