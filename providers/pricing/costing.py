"""The workload cost engine: what one workload costs on each route, with the arithmetic of every line.

Pure functions over a route's current price rows (`Offering.current_prices`), plus `live_routes`, the one read
that loads every route the engine may price. The calculator, the compare page, the model page and the API all
price workloads here and nowhere else. The rules, with worked examples, are in docs/costing.md.

All money is `Decimal` at full precision; rounding is for display only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from catalog.models import LanguageModel
from providers.models import Offering, Price, PriceComponent, Provider, ServiceTier
from providers.pricing.rules import TieBreak, tie_break

MILLION = Decimal(1_000_000)
# The largest workload a form or the API accepts. Workloads are never stored, so these are not column bounds: a
# request of more tokens than any context window holds is a typo.
MAX_REQUESTS = 10**12
MAX_REQUEST_TOKENS = 100_000_000
STANDARD = ServiceTier.STANDARD.value
BATCH = ServiceTier.BATCH.value

# What a workload is made of, in the order a breakdown lists it.
INPUT = PriceComponent.INPUT.value
CACHE_READ = PriceComponent.CACHE_READ.value
CACHE_WRITE = PriceComponent.CACHE_WRITE_5M.value
OUTPUT = PriceComponent.OUTPUT.value
REQUEST = PriceComponent.REQUEST.value

LABELS = {
    INPUT: "Input, not cached",
    CACHE_READ: "Cached input (cache read)",
    CACHE_WRITE: "Cache writes (5-minute)",
    OUTPUT: "Output",
    REQUEST: "Per-request fee",
}
PRICE_NAMES = {
    INPUT: "input",
    CACHE_READ: "cache-read",
    CACHE_WRITE: "5-minute cache-write",
    OUTPUT: "output",
    REQUEST: "per-request",
}


class WorkloadError(ValueError):
    """A workload that cannot exist (negative tokens, a cached share above 100%...)."""


@dataclass(frozen=True)
class Workload:
    """One month of traffic with the same shape for every request.

    `input_tokens` is the whole prompt of a request, cached and cache-written tokens included; `cached_share`
    (0..1) of it is read from the cache and `cache_write_tokens` of it are written to the 5-minute cache.
    """

    requests_per_month: int = 100_000
    input_tokens: int = 1_000
    output_tokens: int = 300
    cached_share: Decimal = Decimal(0)
    cache_write_tokens: int = 0
    batch: bool = False

    def __post_init__(self) -> None:
        for name in ("requests_per_month", "input_tokens", "output_tokens", "cache_write_tokens"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise WorkloadError(f"{name} must be a whole number of at least 0, not {value!r}")
        share = self.cached_share
        if not isinstance(share, Decimal) or not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
            raise WorkloadError(f"cached_share must be a Decimal from 0 to 1, not {share!r}")
        if self.cached_tokens + self.cache_write_tokens > self.input_tokens:
            raise WorkloadError("cached tokens plus cache-write tokens cannot be more than the input tokens")

    @property
    def prompt_tokens(self) -> int:
        """What a long-context tier threshold is compared with: the whole prompt, cached tokens included."""
        return self.input_tokens

    @property
    def cached_tokens(self) -> Decimal:
        return self.input_tokens * self.cached_share

    @property
    def uncached_input_tokens(self) -> Decimal:
        return self.input_tokens - self.cached_tokens - self.cache_write_tokens

    @property
    def service_tier(self) -> str:
        return BATCH if self.batch else STANDARD


@dataclass(frozen=True)
class CostLine:
    """One part of a workload priced on one route: quantity x rate = subtotal, per request and per month."""

    component: str  # the part of the workload: input, cache_read, cache_write_5m, output, request
    price: Price  # the row used (its component is `input` when a cache price fell back to the input rate)
    per_request: Decimal  # tokens (or requests, for the per-request fee) in one request
    requests_per_month: int
    note: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.component]

    @property
    def is_tokens(self) -> bool:
        return self.component != REQUEST

    @property
    def monthly_quantity(self) -> Decimal:
        return self.per_request * self.requests_per_month

    @property
    def rate_usd(self) -> Decimal:
        """USD per 1M tokens, or per request for the per-request fee."""
        return self.price.usd

    @property
    def service_tier(self) -> str:
        return self.price.service_tier

    @property
    def tier_min_tokens(self) -> int:
        """0 for the base rate; N when the rate is the one for prompts above N tokens."""
        return self.price.tier_min_tokens

    @property
    def priced_as(self) -> str:
        return self.price.component

    @property
    def price_name(self) -> str:
        """'cache read', 'input'...: the price row used, as a reader calls it."""
        return PriceComponent(self.price.component).label.lower()

    @property
    def per_request_usd(self) -> Decimal:
        if self.is_tokens:
            return self.per_request * self.rate_usd / MILLION
        return self.per_request * self.rate_usd

    @property
    def monthly_usd(self) -> Decimal:
        return self.per_request_usd * self.requests_per_month


@dataclass(frozen=True)
class MissingPrice:
    """A price the workload needed that the route does not publish, and what was done about it.

    With a `fallback` (the rate used instead) the route is still priced, with this as its caveat; without one
    the route cannot be priced for this workload.
    """

    component: str  # the part of the workload, or "" for the whole route
    wanted: str  # "batch price", "cache-read price", "output price above 200,000 prompt tokens"...
    fallback: str = ""  # "the standard rates", "the input rate"...
    kind: str = ""  # what kind of fallback: one of CAVEATS, or "" when there is none

    @property
    def message(self) -> str:
        if self.fallback:
            return f"No {self.wanted}: {self.fallback} used."
        return f"No {self.wanted}: this route cannot be priced for this workload."


# The kinds of fallback, as a results table labels them.
CAVEATS = {
    "batch": "no batch price",
    "cache": "no cache price",
    "tier": "partial long-context rates",
}


@dataclass(frozen=True)
class RouteCost:
    """What the workload costs on one route, with every line of the arithmetic."""

    offering: Offering
    workload: Workload
    lines: tuple[CostLine, ...]
    missing: tuple[MissingPrice, ...] = ()

    @property
    def complete(self) -> bool:
        """Every price the workload needs is known, or has a noted fallback."""
        return all(item.fallback for item in self.missing)

    @property
    def unfit_reason(self) -> str:
        """Why the workload's requests do not fit this route ("" when they fit, or when its limits are unknown).
        The route's own limits count first, then the model's; the context window holds prompt and output."""
        offering, workload = self.offering, self.workload
        context = offering.context_window or offering.model.context_window
        if context and workload.input_tokens + workload.output_tokens > context:
            return (
                f"{workload.input_tokens:,} input + {workload.output_tokens:,} output tokens exceed its "
                f"{context:,}-token context window"
            )
        max_output = offering.max_output_tokens or offering.model.max_output_tokens
        if max_output and workload.output_tokens > max_output:
            return f"{workload.output_tokens:,} output tokens exceed its maximum output of {max_output:,}"
        return ""

    @property
    def usable(self) -> bool:
        """Priced (with noted fallbacks at most) and the requests fit: a route that can be ranked."""
        return self.complete and not self.unfit_reason

    @property
    def per_request_usd(self) -> Decimal:
        return sum((line.per_request_usd for line in self.lines), Decimal(0))

    @property
    def monthly_usd(self) -> Decimal:
        return sum((line.monthly_usd for line in self.lines), Decimal(0))

    @property
    def tier_min_tokens(self) -> int:
        """The long-context threshold applied to this workload's prompt (0: base rates only)."""
        return max((line.tier_min_tokens for line in self.lines), default=0)

    @property
    def batch_priced(self) -> bool:
        """Every line was priced at a batch rate."""
        return bool(self.lines) and all(line.service_tier == BATCH for line in self.lines)

    @property
    def notes(self) -> list[str]:
        return [item.message for item in self.missing]

    @property
    def absent(self) -> list[str]:
        """The prices this route lacks and has no fallback for: why it cannot be priced."""
        return [item.wanted for item in self.missing if not item.fallback]

    @property
    def route_notes(self) -> list[str]:
        """Notes about the whole route rather than one line (no batch price at all)."""
        return [item.message for item in self.missing if not item.component]

    @property
    def caveats(self) -> list[str]:
        """Short labels for the kinds of fallback this cost relies on, for a results table."""
        kinds = {item.kind for item in self.missing if item.fallback}
        return [label for kind, label in CAVEATS.items() if kind in kinds]


class PriceBook:
    """A route's current prices, looked up by component, service tier and prompt size."""

    def __init__(self, prices: Iterable[Price]) -> None:
        self._rows: dict[tuple[str, str], list[Price]] = defaultdict(list)
        for price in prices:
            self._rows[(price.component, price.service_tier)].append(price)

    def find(self, component: str, service_tier: str, prompt_tokens: int) -> Price | None:
        """The row for a request with a prompt of `prompt_tokens`: the highest tier whose threshold the prompt is
        above (a prompt of exactly N tokens stays below the 'above N' tier), else the base row."""
        applicable = [
            price
            for price in self._rows.get((component, service_tier), ())
            if price.tier_min_tokens == 0 or prompt_tokens > price.tier_min_tokens
        ]
        return max(applicable, key=lambda price: price.tier_min_tokens, default=None)

    def has_tier(self, service_tier: str) -> bool:
        return any(tier == service_tier for _, tier in self._rows)

    def highest_tier(self, service_tier: str, prompt_tokens: int) -> int:
        """The highest threshold, over every component of `service_tier`, that the prompt is above."""
        return max(
            (
                price.tier_min_tokens
                for (_, tier), prices in self._rows.items()
                if tier == service_tier
                for price in prices
                if 0 < price.tier_min_tokens < prompt_tokens
            ),
            default=0,
        )


class _Pricer:
    """Prices one workload on one route; collects the lines and what was missing."""

    def __init__(self, offering: Offering, workload: Workload) -> None:
        self.offering = offering
        self.workload = workload
        # Loaded by live_routes (Prefetch(to_attr="current_prices")), or set on a stand-in by the ranking.
        self.book = PriceBook(offering.current_prices)  # type: ignore[attr-defined]
        self.lines: list[CostLine] = []
        self.missing: list[MissingPrice] = []
        # A route with no batch price at all is priced at its standard rates, with one note for the whole route.
        self.batch = workload.batch and self.book.has_tier(BATCH)
        if workload.batch and not self.batch:
            self.missing.append(MissingPrice("", "batch price", "the standard rates", kind="batch"))

    def rate(self, component: str) -> tuple[Price | None, list[MissingPrice]]:
        """The price of `component` for this workload's prompt and service tier, with any fallback taken."""
        prompt = self.workload.prompt_tokens
        name = PRICE_NAMES[component]
        standard = self.book.find(component, STANDARD, prompt)
        notes: list[MissingPrice] = []
        price = standard
        if self.batch:
            batch = self.book.find(component, BATCH, prompt)
            if batch is None:
                if standard is not None:
                    notes.append(MissingPrice(component, f"batch {name} price", "the standard rate", kind="batch"))
            elif standard is not None and standard.tier_min_tokens > batch.tier_min_tokens:
                # The batch rows stop below this prompt's long-context tier: the batch base rate would understate.
                wanted = f"batch {name} price above {standard.tier_min_tokens:,} prompt tokens"
                notes.append(MissingPrice(component, wanted, "the standard long-context rate", kind="batch"))
            else:
                price = batch
        if price is not None and price.tier_min_tokens == 0 and component != REQUEST:
            tier = self.book.highest_tier(price.service_tier, prompt)
            if tier:
                # The route charges more for long prompts, but not for this component: its base rate is all we know.
                wanted = f"{name} price above {tier:,} prompt tokens"
                notes.append(MissingPrice(component, wanted, "the base rate", kind="tier"))
        return price, notes

    def add(self, component: str, per_request: Decimal, *, fallback_to_input: bool = False) -> None:
        if per_request <= 0:
            return
        price, notes = self.rate(component)
        if price is None and fallback_to_input:
            price, notes = self.rate(INPUT)
            notes = [MissingPrice(component, f"{PRICE_NAMES[component]} price", "the input rate", kind="cache"), *notes]
        if price is None:
            self.missing.append(MissingPrice(component, f"{PRICE_NAMES[component]} price"))
            return
        self.missing.extend(note for note in notes if note not in self.missing)
        message = " ".join(note.message for note in notes)
        self.lines.append(CostLine(component, price, per_request, self.workload.requests_per_month, message))

    def run(self) -> RouteCost:
        workload = self.workload
        self.add(INPUT, workload.uncached_input_tokens)
        self.add(CACHE_READ, workload.cached_tokens, fallback_to_input=True)
        self.add(CACHE_WRITE, Decimal(workload.cache_write_tokens), fallback_to_input=True)
        self.add(OUTPUT, Decimal(workload.output_tokens))
        if self.rate(REQUEST)[0] is not None:  # a per-request fee is optional: most routes have none
            self.add(REQUEST, Decimal(1))
        return RouteCost(self.offering, workload, tuple(self.lines), tuple(self.missing))


def estimate(offering: Offering, workload: Workload) -> RouteCost:
    """The workload's cost on one route. `offering.current_prices` must be loaded (see `live_routes`)."""
    return _Pricer(offering, workload).run()


def route_tie_break(offering: Offering) -> TieBreak:
    """The route's place among routes of equal cost (providers/pricing/rules.py)."""
    return tie_break(
        kind=offering.provider.kind,
        provider_name=offering.provider.name,
        model_name=offering.model.name,
        route_id=offering.pk,
    )


def rank_key(cost: RouteCost) -> tuple[bool, Decimal, TieBreak]:
    """Cheapest first, equal costs in the order of `rules.tie_break`. Routes that cannot be ranked (a price missing,
    requests too large) come last."""
    return (not cost.usable, cost.monthly_usd, route_tie_break(cost.offering))


def rank_routes(offerings: Iterable[Offering], workload: Workload) -> list[RouteCost]:
    """Every route priced for `workload`, cheapest first; routes that lack a needed price or are too small for the
    requests come last (`RouteCost.usable` is False for them)."""
    return sorted((estimate(offering, workload) for offering in offerings), key=rank_key)


def cheapest_per_model(costs: Sequence[RouteCost]) -> dict[int, RouteCost]:
    """The cheapest usable route of each model in an already ranked list."""
    cheapest: dict[int, RouteCost] = {}
    for cost in costs:
        if cost.usable:
            cheapest.setdefault(cost.offering.model_id, cost)
    return cheapest


@dataclass(frozen=True)
class RouteFilter:
    """Which routes a workload may run on; empty fields do not filter."""

    capability: str = ""
    min_context_tokens: int | None = None
    input_modality: str = ""
    benchmark: str = ""
    min_score: Decimal | None = None  # with `benchmark`; "at most" for a benchmark where lower is better
    lab: str = ""
    provider: str = ""
    model_ids: tuple[int, ...] | None = None
    offering_ids: tuple[int, ...] | None = None

    def apply(self, offerings: QuerySet[Offering]) -> QuerySet[Offering]:
        if self.offering_ids is not None:
            offerings = offerings.filter(pk__in=self.offering_ids)
        if self.model_ids is not None:
            offerings = offerings.filter(model_id__in=self.model_ids)
        if self.capability:
            offerings = offerings.filter(model__capabilities__slug=self.capability)
        if self.input_modality:
            offerings = offerings.filter(model__input_modalities__slug=self.input_modality)
        if self.min_context_tokens:
            # The route's own window when it states one (some hosts serve a shorter one), else the model's.
            offerings = offerings.alias(effective_context=Coalesce("context_window", "model__context_window")).filter(
                effective_context__gte=self.min_context_tokens
            )
        if self.lab:
            offerings = offerings.filter(model__lab__slug=self.lab)
        if self.provider:
            offerings = offerings.filter(provider__slug=self.provider)
        if self.benchmark:
            score = Q(scores__benchmark__slug=self.benchmark)
            if self.min_score is not None:
                score &= Q(scores__benchmark__higher_is_better=True, scores__value__gte=self.min_score) | Q(
                    scores__benchmark__higher_is_better=False, scores__value__lte=self.min_score
                )
            # One filter() call, so every condition holds for the same score row.
            scored = LanguageModel.objects.filter(score, pk=OuterRef("model_id"))
            offerings = offerings.filter(Exists(scored))
        return offerings


# What the engine and the views of a ranking (the calculator's rows, the estimate API's routes and lines) read of
# a route, its provider, model, lab and prices: `live_routes(..., ranked=True)` loads only these. Reading the other
# columns (dates, JSON, descriptions) was most of the cost of the routes a ranking shows; a view that reads more
# would send a query per route, which the page's and the API's query-count tests catch.
RANKED_ROUTE_FIELDS = (
    "pk",
    "model_id",
    "provider_id",
    "provider_model_id",
    "region",
    "quantization",
    "status",
    "context_window",
    "max_output_tokens",
    "provider__kind",
    "provider__name",
    "provider__slug",
    "model__slug",
    "model__name",
    "model__lab_id",
    "model__context_window",
    "model__max_output_tokens",
    "model__lab__slug",
    "model__lab__name",
)
RANKED_PRICE_FIELDS = ("pk", "offering_id", "component", "unit", "usd", "tier_min_tokens", "service_tier")


def live_routes(route_filter: RouteFilter | None = None, *, ranked: bool = False) -> list[Offering]:
    """Every route the engine may price: not retired, of a model that is not retired, with its provider, model
    and lab, and its current prices in `current_prices` (with `ranked`, only what a ranking's views read of them:
    RANKED_ROUTE_FIELDS). 2 queries, whatever the catalog's size."""
    prices = Price.objects.current().order_by("service_tier", "tier_min_tokens", "component")
    offerings: QuerySet[Offering] = (
        Offering.objects.live()
        .of_live_models()
        .select_related("provider", "model", "model__lab")
        .prefetch_related(
            Prefetch(
                "prices", queryset=prices.only(*RANKED_PRICE_FIELDS) if ranked else prices, to_attr="current_prices"
            )
        )
        .order_by("model__name", "provider__name", "region", "quantization", "pk")
    )
    if ranked:
        offerings = offerings.only(*RANKED_ROUTE_FIELDS)
    if route_filter is not None:
        offerings = route_filter.apply(offerings)
    return list(offerings)


def providers_with_routes() -> list[tuple[str, str]]:
    """(slug, name) of every provider with a live route, for a filter's choices: 1 query."""
    return list(
        Provider.objects.filter(Exists(Offering.objects.filter(provider=OuterRef("pk")).live()))
        .order_by("name")
        .values_list("slug", "name")
    )
