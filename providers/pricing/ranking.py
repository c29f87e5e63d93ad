"""Ranking every live route for one workload, fast enough for a catalog of 50,000 routes.

Loading 50,000 routes with their price rows as model instances and pricing each through the cost engine takes
seconds. This module keeps instead a compact copy of every live route's current rates in process memory (the
`RouteIndex`, rebuilt when the catalog version changes) and splits the work with the engine
(providers/pricing/costing.py):

- The engine's decisions (which row prices which part of the workload, which fallback is taken, whether a needed
  price is missing) depend on the *shape* of a route's price book (its components, service tiers and tier
  thresholds), never on the rates. The catalog has few shapes, so the engine prices the workload once per shape
  on a stand-in route and yields a plan: "quantity a times rate row i, plus quantity b times rate row j".
- Each route's cost is then its plan applied to its own rates: a few Decimal multiplications, column by column.
- Only the routes shown (the cheapest `limit`, and the first few that cannot be ranked) are loaded as model
  instances and priced by the engine itself, for their breakdowns; the index keeps the routes it loaded so (the
  cheapest routes of one workload are mostly those of the next).

The arithmetic is exact Decimal, as the engine's; tests check that this ranking and `rank_routes` agree.
"""

from __future__ import annotations

import bisect
import heapq
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from lib.caching import per_version
from providers.models import Offering, Price
from providers.pricing.costing import (
    MILLION,
    RouteCost,
    RouteFilter,
    Workload,
    estimate,
    live_routes,
    rank_key,
)
from providers.pricing.rules import TieBreak, tie_break

# A price book's shape: (component, service tier, tier threshold) of each current row, in a fixed order.
Shape = tuple[tuple[str, str, int], ...]
# Filters whose matching route ids are kept per catalog version (each is one query to compute).
FILTER_MEMORY = 128
# Routes loaded for the engine kept per catalog version (a page shows up to 150; each is ~10 model instances).
SHOWN_MEMORY = 2_000
# Exact arithmetic: token counts (up to 10^8) times shares (6 places) times rates (9 places) fit easily.
EXACT_DIGITS = 60


@dataclass
class ShapeGroup:
    """Every route with one price-book shape, as parallel lists (column-wise arithmetic is the fast kind)."""

    ids: list[int] = field(default_factory=list)
    ties: list[TieBreak] = field(default_factory=list)
    context: list[int] = field(default_factory=list)  # 0 when unknown
    max_output: list[int] = field(default_factory=list)  # 0 when unknown
    rates: list[tuple[Decimal, ...]] = field(default_factory=list)  # in the order of the shape
    # Orders of the members (positions), made on first use: the index lives for one catalog version.
    _orders: dict[object, tuple[list[int], list]] = field(default_factory=dict, repr=False)

    def order(self, by: object) -> tuple[list[int], list]:
        """The members sorted by ("rate", i), "tie", "context" or "max_output" (the last two: only the members
        whose limit is known), with the values they are sorted by."""
        found = self._orders.get(by)
        if found is None:
            if by == "tie":
                values: list = self.ties
                members: Iterable[int] = range(len(self.ids))
            elif by in ("context", "max_output"):
                values = self.context if by == "context" else self.max_output
                members = [position for position, value in enumerate(values) if value]
            else:
                column = by[1]  # type: ignore[index]
                values = [rates[column] for rates in self.rates]
                members = range(len(self.ids))
            ordered = sorted(members, key=values.__getitem__)
            found = self._orders[by] = (ordered, [values[position] for position in ordered])
        return found

    def too_small(self, need_context: int, need_output: int) -> set[int]:
        """The members whose known context window is below `need_context` or maximum output below `need_output`
        (as RouteCost.unfit_reason): found by bisection, in time of their number."""
        small: set[int] = set()
        for by, need in (("context", need_context), ("max_output", need_output)):
            ordered, values = self.order(by)
            small.update(ordered[: bisect.bisect_left(values, need)])
        return small

    def cheapest(
        self, terms: tuple[tuple[Decimal, int], ...], skip: set[int], limit: int, within: set[int] | None = None
    ) -> list[tuple[Decimal, TieBreak]]:
        """The `limit` cheapest members not in `skip` (and in `within`, when given) for a plan's terms, as
        (monthly cost, tie), cheapest first. A few members of many (`within` an eighth of them at most) are priced
        one by one.

        Reads the members in increasing order of each rate the plan uses, in turn, and stops once the plan's cost
        at the rates reached is above the `limit`th cost found: every member not read yet has each of those rates
        at least as high (the quantities are never negative), so it cannot cost less (Fagin's threshold
        algorithm). Rates move together, so a few hundred members are read of tens of thousands."""
        if limit <= 0:
            return []
        if within is not None and len(within) * 8 < len(self.ids):
            fits = [position for position in within if position not in skip]
            costs = _monthly_costs(self, fits, terms)
            return heapq.nsmallest(limit, zip(costs, [self.ties[p] for p in fits], strict=True))
        weights: dict[int, Decimal] = defaultdict(Decimal)
        for quantity, column in terms:
            weights[column] += quantity
        columns = [column for column, weight in weights.items() if weight > 0]
        rates, ties = self.rates, self.ties
        best: list[tuple[Decimal, TieBreak]] = []
        if not columns:  # no priced part: every member costs nothing, the ties decide
            for position in self.order("tie")[0]:
                if position not in skip and (within is None or position in within):
                    best.append((sum((q * rates[position][c] for q, c in terms), Decimal(0)), ties[position]))
                    if len(best) == limit:
                        break
            return best
        orders = [(column, weights[column], self.order(("rate", column))[0]) for column in columns]
        seen: set[int] = set()
        for depth in range(len(ties)):
            threshold = Decimal(0)
            for column, weight, ordered in orders:
                position = ordered[depth]
                threshold += weight * rates[position][column]
                if position in seen or position in skip or (within is not None and position not in within):
                    continue
                seen.add(position)
                cost = Decimal(0)
                for quantity, index in terms:  # as _monthly_costs adds them
                    cost = cost + quantity * rates[position][index]
                entry = (cost, ties[position])
                if len(best) < limit:
                    bisect.insort(best, entry)
                elif entry < best[-1]:
                    bisect.insort(best, entry)
                    best.pop()
            if len(best) == limit and threshold > best[-1][0]:
                break
        return best


@dataclass
class RouteIndex:
    version: int | None
    groups: dict[Shape, ShapeGroup]
    size: int
    filters: OrderedDict[RouteFilter, frozenset[int]] = field(default_factory=OrderedDict)
    shown: OrderedDict[int, Offering] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _where: dict[int, tuple[Shape, int]] | None = field(default=None, repr=False)

    def routes(self, ids: Iterable[int]) -> dict[int, Offering]:
        """The live routes with these ids, loaded for the engine (live_routes(ranked=True)): 2 queries for those not
        loaded since the index was built, none when all were (the cheapest routes of one workload are mostly those
        of the one before: they are kept with the index, so for its catalog version, at most SHOWN_MEMORY)."""
        wanted = list(ids)
        with self.lock:
            found = {pk: self.shown[pk] for pk in wanted if pk in self.shown}
            for pk in found:
                self.shown.move_to_end(pk)
        missing = tuple(pk for pk in wanted if pk not in found)
        if missing:
            loaded = live_routes(RouteFilter(offering_ids=missing), ranked=True)
            with self.lock:
                for route in loaded:
                    found[route.pk] = self.shown[route.pk] = route
                while len(self.shown) > SHOWN_MEMORY:
                    self.shown.popitem(last=False)
        return found

    def locate(self, ids: Iterable[int]) -> dict[Shape, set[int]]:
        """The positions of these routes in their shape groups (routes not in the index left out)."""
        where = self._where
        if where is None:
            where = self._where = {
                pk: (shape, position) for shape, group in self.groups.items() for position, pk in enumerate(group.ids)
            }
        located: dict[Shape, set[int]] = defaultdict(set)
        for pk in ids:
            if (found := where.get(pk)) is not None:
                located[found[0]].add(found[1])
        return located

    def matching(self, route_filter: RouteFilter | None) -> frozenset[int] | None:
        """The ids of the routes the filter lets through (None: no filter). 1 query, then remembered."""
        if route_filter is None or route_filter == RouteFilter():
            return None
        ids = self.filters.get(route_filter)
        if ids is None:
            ids = frozenset(route_filter.apply(Offering.objects.all()).values_list("pk", flat=True))
            self.filters[route_filter] = ids
            while len(self.filters) > FILTER_MEMORY:
                self.filters.popitem(last=False)
        else:
            self.filters.move_to_end(route_filter)
        return ids


def build_index(version: int | None = None) -> RouteIndex:
    """Every live route's rates and limits: 2 queries, whatever the catalog's size."""
    routes = (
        Offering.objects.live()
        .of_live_models()
        .values_list(
            "pk",
            "provider__kind",
            "provider__name",
            "model__name",
            "context_window",
            "model__context_window",
            "max_output_tokens",
            "model__max_output_tokens",
        )
    )
    books: dict[int, list[tuple[str, str, int, Decimal]]] = defaultdict(list)
    rows = (
        Price.objects.current()
        .order_by()
        .values_list("offering_id", "component", "service_tier", "tier_min_tokens", "usd")
    )
    for offering_id, component, service_tier, threshold, usd in rows.iterator(chunk_size=20_000):
        books[offering_id].append((component, service_tier, threshold, usd))
    groups: dict[Shape, ShapeGroup] = defaultdict(ShapeGroup)
    size = 0
    for pk, kind, provider, model, context, model_context, max_output, model_max_output in routes.iterator():
        book = sorted(books.get(pk, ()))
        group = groups[tuple((component, tier, threshold) for component, tier, threshold, _ in book)]
        group.ids.append(pk)
        group.ties.append(tie_break(kind=kind, provider_name=provider, model_name=model, route_id=pk))
        # The route's own limits when it states them, else the model's (as RouteCost.unfit_reason).
        group.context.append(context or model_context or 0)
        group.max_output.append(max_output or model_max_output or 0)
        group.rates.append(tuple(usd for *_, usd in book))
        size += 1
    return RouteIndex(version=version, groups=dict(groups), size=size)


# The index of the current catalog version, rebuilt (from a caught-up replica) on the first use after a change
# (lib.caching.per_version). Without settings.VERSION_MEMO (the tests' default) every call builds a fresh one.
route_index = per_version(build_index)


@dataclass(frozen=True)
class Plan:
    """How the engine prices one workload on every route of one shape."""

    complete: bool  # every needed price is there (or has a noted fallback)
    terms: tuple[tuple[Decimal, int], ...]  # (quantity a month, index of the rate in the shape)


@dataclass(frozen=True, eq=False)
class StandInPrice:
    """What the engine reads of a price row (a Price instance costs ~20x more to make, ~50 per request)."""

    component: str
    service_tier: str
    tier_min_tokens: int
    usd: Decimal = Decimal(1)


@dataclass
class StandInRoute:
    """What the engine reads of a route to price it: its current price rows."""

    current_prices: list[StandInPrice]


def plan_for(shape: Shape, workload: Workload) -> Plan:
    """Price the workload on a stand-in route of this shape with the engine itself, and keep what it did."""
    prices = [StandInPrice(component, tier, threshold) for component, tier, threshold in shape]
    cost = estimate(StandInRoute(prices), workload)  # type: ignore[arg-type]  # the engine reads only prices
    position = {id(price): index for index, price in enumerate(prices)}
    terms = []
    for line in cost.lines:
        per_rate = line.per_request / MILLION if line.is_tokens else line.per_request
        terms.append((per_rate * line.requests_per_month, position[id(line.price)]))
    return Plan(complete=cost.complete, terms=tuple(terms))


@dataclass(frozen=True)
class Ranking:
    """A workload priced on every matching route: the cheapest `limit` in full, and the counts."""

    workload: Workload
    considered: int  # live routes matching the filters
    ranked_count: int  # priced, and the requests fit
    results: list[RouteCost]  # the cheapest, at most `limit`, in `rank_key` order
    unpriced_count: int  # a price the workload needs is missing
    unpriced: list[RouteCost]  # the first of them (by provider and model), at most `unranked_limit`
    too_small_count: int  # priced, but the requests do not fit
    too_small: list[RouteCost]  # the first of them, at most `unranked_limit`

    @property
    def unranked_count(self) -> int:
        return self.unpriced_count + self.too_small_count


def _monthly_costs(group: ShapeGroup, members: list[int], terms: tuple[tuple[Decimal, int], ...]) -> list[Decimal]:
    """The sum of quantity times rate for the members (positions in the group), one column at a time."""
    rates = group.rates
    costs = [Decimal(0)] * len(members)
    for quantity, index in terms:
        costs = [cost + quantity * rates[member][index] for cost, member in zip(costs, members, strict=True)]
    return costs


def rank_workload(
    workload: Workload, route_filter: RouteFilter | None = None, *, limit: int = 100, unranked_limit: int = 50
) -> Ranking:
    """Every live route matching the filter priced for `workload`; the cheapest `limit` come back as the engine's
    RouteCosts, cheapest first. Queries: the index's 2 when it is stale, 1 per new filter, and 2 for the shown
    routes unless the index has them all already."""
    index = route_index()
    allowed = index.matching(route_filter)
    need_context = workload.input_tokens + workload.output_tokens
    need_output = workload.output_tokens
    considered = 0
    ranked: list[Iterable[tuple[Decimal, TieBreak]]] = []
    ranked_count = 0
    unpriced: list[TieBreak] = []  # at least the first `unranked_limit` of them
    unpriced_count = 0
    too_small: list[TieBreak] = []  # likewise
    too_small_count = 0
    with localcontext(prec=EXACT_DIGITS):
        located = None if allowed is None else index.locate(allowed)
        for shape, group in index.groups.items():
            # The filter's routes in this group (None: every route); the group's orders find the cheapest and the
            # unfit without reading every member.
            members: set[int] | None = None
            if located is not None:
                members = located.get(shape)
                if not members:
                    continue
            size = len(group.ids) if members is None else len(members)
            considered += size
            plan = plan_for(shape, workload)
            if not plan.complete:
                unpriced_count += size
                if members is None:
                    unpriced.extend(group.ties[member] for member in group.order("tie")[0][:unranked_limit])
                else:
                    unpriced.extend(heapq.nsmallest(unranked_limit, (group.ties[member] for member in members)))
                continue
            small = group.too_small(need_context, need_output)
            if members is not None:
                small &= members
            too_small_count += len(small)
            too_small.extend(heapq.nsmallest(unranked_limit, (group.ties[member] for member in small)))
            ranked_count += size - len(small)
            ranked.append(group.cheapest(plan.terms, small, limit, within=members))
        cheapest = heapq.nsmallest(limit, (entry for entries in ranked for entry in entries))
    shown = {
        "cheapest": [tie for _, tie in cheapest],
        "unpriced": heapq.nsmallest(unranked_limit, unpriced),
        "too_small": heapq.nsmallest(unranked_limit, too_small),
    }
    costs = _priced_by_engine(index, shown, workload)
    return Ranking(
        workload=workload,
        considered=considered,
        ranked_count=ranked_count,
        results=sorted(costs["cheapest"], key=rank_key),
        unpriced_count=unpriced_count,
        unpriced=costs["unpriced"],
        too_small_count=too_small_count,
        too_small=costs["too_small"],
    )


def _priced_by_engine(
    index: RouteIndex, shown: dict[str, list[TieBreak]], workload: Workload
) -> dict[str, list[RouteCost]]:
    """The shown routes loaded (RouteIndex.routes: 2 queries, none for routes loaded before) and priced by the
    engine itself, for their breakdowns."""
    wanted = [tie[-1] for ties in shown.values() for tie in ties]
    if not wanted:
        return {name: [] for name in shown}
    costs = {pk: estimate(route, workload) for pk, route in index.routes(wanted).items()}
    # A route retired between the index's build and this read drops out rather than failing the page.
    return {name: [costs[tie[-1]] for tie in ties if tie[-1] in costs] for name, ties in shown.items()}
