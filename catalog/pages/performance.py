"""The model page's performance summary (seed 003): where the model stands among comparable models, in
percentiles, each with its rule and its peer group named; and the lab's other models rated 1-5 on cost, ability
and speed from the same percentiles (None, shown as a dash, where the data is missing).

A percentile here is "better than N% of the others": the share of the peer group's other models this one beats
(cheaper, a larger context window, a better best score, faster output); ties beat no one. A benchmark counts only
with at least RANKING_MIN_SCORES scored models (settings), like the site's rankings.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.db.models import Max

from benchmarks.selectors import Percentile, percentiles_of_models, share_beaten
from catalog.facets import ModelFacets
from catalog.models import LanguageModel, model_url
from lib.caching import per_version
from lib.nearest import nearest
from providers.models import Offering
from providers.selectors import with_blended_price


@dataclass(frozen=True)
class Standing:
    """One line of the summary."""

    label: str
    percentile: int | None  # None: not enough data to rank
    of_models: int
    rule: str  # how it is computed
    peers: str  # the peer group, named
    shown: str = ""  # the model's own figure

    @property
    def explained(self) -> str:
        """'Better than 75% of the 4 other live models with ... . Cheapest route's ...; lower is better.'"""
        rule = self.rule[:1].upper() + self.rule[1:] + "."
        if self.percentile is None:
            return rule if self.of_models < 2 else f"Too few {self.peers} ({self.of_models}) to rank. {rule}"
        others = self.of_models - 1
        return f"Better than {self.percentile}% of the {others:,} other {self.peers}. {rule}"

    @property
    def band(self) -> str:
        if self.percentile is None:
            return ""
        for floor, words in ((80, "top fifth"), (60, "above average"), (40, "about average"), (20, "below average")):
            if self.percentile >= floor:
                return words
        return "bottom fifth"


@dataclass(frozen=True)
class Summary:
    standings: list[Standing]
    sentence: str


def better_than(own: Decimal | int, others: Sequence[Decimal | int], *, lower_is_better: bool = False) -> int | None:
    """The share of `others` (sorted ascending; this model's own figure among them once) that `own` beats, in
    percent; None when there is no other: benchmarks.selectors.share_beaten, the one percentile rule."""
    return share_beaten(own, others, higher_is_better=not lower_is_better)


def rating(percentile: int | None) -> int | None:
    """1-5 from a percentile: each fifth one point."""
    return None if percentile is None else 1 + min(4, percentile // 20)


def min_scored() -> int:
    return int(settings.RANKING_MIN_SCORES)


Kind = tuple[frozenset[str], frozenset[str]]  # a model's input types and capabilities


@dataclass(frozen=True)
class PricedModel:
    """A priced live model as the alternatives list shows it."""

    pk: int
    slug: str
    name: str
    lab_name: str
    blended_usd: Decimal
    kind: Kind

    @property
    def url(self) -> str:
        return model_url(self.slug)


@dataclass(frozen=True)
class CatalogFigures:
    """The distributions a model page compares its model with, built once per catalog version (`catalog_figures`)
    and read per page with binary searches: no page scans the catalog."""

    # Blended prices (the cheapest route's, 3:1) of priced live models, ascending, per (input types, capabilities).
    prices_by_kind: dict[Kind, list[Decimal]]
    prices: list[Decimal]  # every priced live model's, ascending
    contexts: list[int]  # every live model's known context window, ascending
    speeds: dict[int, Decimal]  # each live model's fastest measured live route, output tokens per second
    speed_values: list[Decimal]  # the same, ascending
    priced_models: list[PricedModel]  # every priced live model, by (blended price, slug)

    def kinds_within(self, facets: ModelFacets) -> set[Kind]:
        """The kinds of the live models with every input type and capability of a model with `facets`."""
        inputs = frozenset(m.slug for m in facets.input_modalities)
        capabilities = frozenset(c.slug for c in facets.capabilities)
        return {kind for kind in self.prices_by_kind if inputs <= kind[0] and capabilities <= kind[1]}

    def price_peers(self, facets: ModelFacets) -> list[Decimal]:
        """The blended prices of the live models with every input type and capability this one has (it among
        them), ascending."""
        return list(heapq.merge(*(self.prices_by_kind[kind] for kind in self.kinds_within(facets))))

    def alternatives(
        self, model: LanguageModel, facets: ModelFacets, own_blended: Decimal | None, count: int
    ) -> list[PricedModel]:
        """The other priced live models with every input type and capability this one has, the `count` nearest
        in blended price (then by slug; the cheapest first when this one has no price)."""
        kinds = self.kinds_within(facets)

        def accept(row: PricedModel) -> bool:
            return row.kind in kinds and row.pk != model.pk

        if own_blended is None:
            return list(islice(filter(accept, self.priced_models), count))
        values = [row.blended_usd for row in self.priced_models]
        return nearest(self.priced_models, values, own_blended, count, name=lambda row: row.slug, accept=accept)


def _build_catalog_figures() -> CatalogFigures:
    """4 queries: the live models' prices and context windows, their input types, their capabilities, and the
    best measured speed of each."""
    live = LanguageModel.objects.live()
    rows = with_blended_price(live).values_list("pk", "context_window", "blended_usd", "slug", "name", "lab__name")
    inputs: dict[int, set[str]] = defaultdict(set)
    capabilities: dict[int, set[str]] = defaultdict(set)
    for field, into in (("input_modalities", inputs), ("capabilities", capabilities)):
        through = LanguageModel._meta.get_field(field).remote_field.through  # type: ignore[union-attr]
        own, other = (
            LanguageModel._meta.get_field(field).m2m_field_name(),  # type: ignore[union-attr]
            LanguageModel._meta.get_field(field).m2m_reverse_field_name(),  # type: ignore[union-attr]
        )
        links = through._default_manager.filter(**{f"{own}__in": live.values("pk")})
        for model_id, slug in links.values_list(f"{own}_id", f"{other}__slug").order_by():
            into[model_id].add(slug)
    prices_by_kind: dict[Kind, list[Decimal]] = defaultdict(list)
    prices, contexts, priced_models = [], [], []
    for pk, context_window, blended, slug, name, lab_name in rows.order_by():
        if context_window is not None:
            contexts.append(context_window)
        if blended is not None:
            kind = (frozenset(inputs[pk]), frozenset(capabilities[pk]))
            prices.append(blended)
            prices_by_kind[kind].append(blended)
            priced_models.append(PricedModel(pk, slug, name, lab_name, blended, kind))
    for values in prices_by_kind.values():
        values.sort()
    priced_models.sort(key=lambda row: (row.blended_usd, row.slug))
    speeds = dict(
        Offering.objects.live()
        .of_live_models()
        .filter(throughput_tps__isnull=False)
        .values("model_id")
        .annotate(best=Max("throughput_tps"))
        .values_list("model_id", "best")
    )
    return CatalogFigures(
        dict(prices_by_kind), sorted(prices), sorted(contexts), speeds, sorted(speeds.values()), priced_models
    )


# Kept per catalog version (lib.caching.per_version); without VERSION_MEMO (the tests) built on every call, so a
# page builds them once and hands them to performance_summary and lab_ratings.
catalog_figures = per_version(_build_catalog_figures)


def performance_summary(
    model: LanguageModel,
    facets: ModelFacets,
    *,
    own_blended: Decimal | None,
    own_speed: Decimal | None,
    benchmark_percentiles: dict[int, Percentile],
    benchmark_names: dict[int, str],
    figures: CatalogFigures | None = None,
) -> Summary:
    """The summary's lines: price, context window, speed, and each benchmark with enough scores. No query with
    `figures` (catalog_figures, else built here); the benchmark percentiles are the page's own, from
    benchmarks.selectors.percentiles."""
    figures = figures or catalog_figures()
    standings: list[Standing] = []
    peers = "live models with every input type and capability this one has"
    if own_blended is not None:
        prices = figures.price_peers(facets)
        standings.append(
            Standing(
                "Price",
                better_than(own_blended, prices, lower_is_better=True),
                len(prices),
                "cheapest route's blended price (3 input : 1 output tokens); lower is better",
                peers,
                f"${own_blended.normalize():f} / 1M blended",
            )
        )
    else:
        why = (
            "retired: no live route serves it, so its last known price is not ranked"
            if model.status == LanguageModel.Status.RETIRED
            else "no route of this model has a known price yet"
        )
        standings.append(Standing("Price", None, 0, why, peers))
    if model.context_window:
        standings.append(
            Standing(
                "Context window",
                better_than(model.context_window, figures.contexts),
                len(figures.contexts),
                "tokens the model reads at once; larger is better",
                "live models with a known context window",
                f"{model.context_window:,} tokens",
            )
        )
    standings.append(
        Standing(
            "Speed",
            better_than(own_speed, figures.speed_values) if own_speed is not None else None,
            len(figures.speeds) if own_speed is not None else 0,
            "output tokens per second of its fastest measured route"
            if own_speed
            else "no route of this model has a measured speed yet",
            "live models with a measured route",
            f"{own_speed.normalize():f} tokens/s" if own_speed is not None else "",
        )
    )
    for benchmark_id, pct in sorted(benchmark_percentiles.items(), key=lambda item: benchmark_names[item[0]]):
        if not pct.ranked:  # benchmarks.selectors.can_rank decided it
            continue
        standings.append(
            Standing(
                benchmark_names[benchmark_id],
                pct.percent,
                pct.of_models,
                "its best score against each scored model's best",
                "models with a score on this benchmark",
            )
        )
    return Summary(standings, _sentence(model, standings))


def _sentence(model: LanguageModel, standings: list[Standing]) -> str:
    known = [s for s in standings if s.percentile is not None]
    if not known:
        return f"There is not yet enough data to compare {model.name} with other models."
    parts = []
    for standing in known:
        word = {"Price": "on price", "Context window": "on context window", "Speed": "on speed"}.get(
            standing.label, f"on {standing.label}"
        )
        parts.append(f"{_ordinal(standing.percentile or 0)} percentile {word} ({standing.band})")
    strongest = max(known, key=lambda s: s.percentile or 0)
    text = f"{model.name} ranks at the " + "; ".join(parts) + "."
    if len(known) > 1:
        label = strongest.label.lower() if strongest.label in ("Price", "Speed", "Context window") else strongest.label
        text += f" Its strongest point is {label}."
    return text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class LabRating:
    cost: int | None  # 1 = cheapest fifth of priced live models, 5 = priciest
    ability: int | None  # mean benchmark percentile, 1-5 (5 = best)
    speed: int | None  # speed percentile, 1-5 (5 = fastest)

    # As the same-lab table shows them: one mark a level.
    @property
    def cost_marks(self) -> str:
        return "$" * (self.cost or 0)

    @property
    def ability_marks(self) -> str:
        return "★" * (self.ability or 0)

    @property
    def speed_marks(self) -> str:
        return "★" * (self.speed or 0)


def lab_ratings(models: Iterable[LanguageModel], figures: CatalogFigures | None = None) -> dict[int, LabRating]:
    """Ratings for a few models (the lab's others, annotated with cheapest_blended_usd by with_cheapest_route):
    no query: ability from benchmarks.selectors.percentiles_of_models (the standings summary), prices and speeds
    from `figures`."""
    models = list(models)
    if not models:
        return {}
    figures = figures or catalog_figures()
    prices, speeds, speed_values = figures.prices, figures.speeds, figures.speed_values
    standing = percentiles_of_models([m.pk for m in models])
    ratings = {}
    for m in models:
        blended = getattr(m, "cheapest_blended_usd", None)
        # Cost: how many priced models are cheaper, as a level (1 = cheapest fifth).
        cost_pct = better_than(blended, prices) if blended is not None else None
        abilities = [pct.percent for pct in standing.get(m.pk, {}).values()]
        ratings[m.pk] = LabRating(
            cost=rating(cost_pct),
            ability=rating(round(sum(abilities) / len(abilities))) if abilities else None,
            speed=rating(better_than(speeds[m.pk], speed_values)) if m.pk in speeds else None,
        )
    return ratings


__all__ = [
    "CatalogFigures",
    "LabRating",
    "PricedModel",
    "Standing",
    "Summary",
    "better_than",
    "catalog_figures",
    "lab_ratings",
    "performance_summary",
    "rating",
]
