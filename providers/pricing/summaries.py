"""The CheapestRoute table: each model's cheapest live route, recomputed from current prices.

The rule (providers/pricing/rules.py): among a model's routes that are not retired and have a current headline
(standard-tier, base-threshold) input price, the lowest 3:1 blended price wins; equal prices are ordered by
`rules.tie_break` (provider kind, provider name, oldest route).

This module is the only writer of the table. Syncs call `refresh_cheapest_routes` with the models they changed,
inside their transaction; person-made edits reach it through the signal receivers below; `migrate` rebuilds the
whole table (post_migrate), so a database never lacks it. Unchanged rows are not written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from lib.history import is_syncing
from providers.models import CheapestRoute, Offering, Price, PriceComponent, Provider, live_route
from providers.pricing.rules import TieBreak, blended_usd, tie_break

HEADLINE = (PriceComponent.INPUT, PriceComponent.OUTPUT, PriceComponent.CACHE_READ)


@dataclass
class _Route:
    offering_id: int
    tie: TieBreak
    prices: dict[str, Decimal]

    def blended(self) -> Decimal:
        return blended_usd(self.prices[PriceComponent.INPUT], self.prices.get(PriceComponent.OUTPUT))

    def sort_key(self) -> tuple[Decimal, TieBreak]:
        return (self.blended(), self.tie)


def compute_cheapest_routes(model_ids: Iterable[int] | None = None) -> dict[int, CheapestRoute]:
    """The rows the table should hold for these models (every model when None), unsaved: 1 query."""
    prices = (
        Price.objects.current()
        .headline()
        .filter(component__in=HEADLINE)
        .filter(live_route("offering__"))
        .values_list(
            "offering__model_id",
            "offering_id",
            "offering__provider__kind",
            "offering__provider__name",
            "component",
            "usd",
        )
        .order_by()
    )
    if model_ids is not None:
        prices = prices.filter(offering__model_id__in=sorted(set(model_ids)))
    routes: dict[int, dict[int, _Route]] = {}
    for model_id, offering_id, kind, provider_name, component, usd in prices.iterator(chunk_size=5000):
        per_model = routes.setdefault(model_id, {})
        route = per_model.get(offering_id)
        if route is None:
            tie = tie_break(kind=kind, provider_name=provider_name, route_id=offering_id)
            route = per_model[offering_id] = _Route(offering_id, tie, {})
        route.prices[component] = usd
    rows = {}
    for model_id, per_model in routes.items():
        priced = [route for route in per_model.values() if PriceComponent.INPUT in route.prices]
        if not priced:
            continue
        best = min(priced, key=_Route.sort_key)
        rows[model_id] = CheapestRoute(
            model_id=model_id,
            offering_id=best.offering_id,
            input_usd_per_mtok=best.prices[PriceComponent.INPUT],
            output_usd_per_mtok=best.prices.get(PriceComponent.OUTPUT),
            cache_read_usd_per_mtok=best.prices.get(PriceComponent.CACHE_READ),
            blended_usd_per_mtok=best.blended(),
            priced_route_count=len(priced),
        )
    return rows


FIELDS = (
    "offering_id",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "blended_usd_per_mtok",
    "priced_route_count",
)


def refresh_cheapest_routes(model_ids: Iterable[int] | None = None) -> int:
    """Bring the table up to date for these models (every model when None); returns how many rows were
    created, changed or removed. Call inside the transaction that changed the prices."""
    if model_ids is not None:
        model_ids = set(model_ids)
        if not model_ids:
            return 0
    wanted = compute_cheapest_routes(model_ids)
    existing_rows = CheapestRoute.objects.all()
    if model_ids is not None:
        existing_rows = existing_rows.filter(model_id__in=sorted(model_ids))
    existing = {row.model_id: row for row in existing_rows}
    gone = [model_id for model_id in existing if model_id not in wanted]
    new = [row for model_id, row in wanted.items() if model_id not in existing]
    changed = []
    for model_id, row in wanted.items():
        old = existing.get(model_id)
        if old is not None and any(getattr(old, name) != getattr(row, name) for name in FIELDS):
            changed.append(row)
    if gone:
        CheapestRoute.objects.filter(model_id__in=gone).delete()
    if new:
        CheapestRoute.objects.bulk_create(new, batch_size=2000)
    if changed:
        CheapestRoute.objects.bulk_update(changed, FIELDS, batch_size=2000)
    return len(gone) + len(new) + len(changed)


# --- person-made edits (admin, API writes): syncs write in bulk and refresh explicitly -----------------------


def _model_ids_of(instance: Model) -> list[int]:
    if isinstance(instance, Offering):
        return [instance.model_id]
    if isinstance(instance, Price):
        return list(Offering.objects.filter(pk=instance.offering_id).values_list("model_id", flat=True))
    if isinstance(instance, Provider):
        return list(Offering.objects.filter(provider=instance).values_list("model_id", flat=True).distinct())
    return []


def on_route_change(sender: type, instance: Model, **kwargs: Any) -> None:
    """post_save / post_delete of a price, route or provider outside a sync: refresh the models it touches."""
    if is_syncing() or kwargs.get("raw"):
        return
    refresh_cheapest_routes(_model_ids_of(instance))


def rebuild_after_migrate(sender: Any, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: the whole table, so a new or upgraded database has it (writes only what differs). Skipped
    when migrations were taken back to before the table existed."""
    if sender.name != "providers" or using != DEFAULT_DB_ALIAS:
        return
    if CheapestRoute._meta.db_table in connections[using].introspection.table_names():
        refresh_cheapest_routes(None)
