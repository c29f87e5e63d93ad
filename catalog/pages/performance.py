"""The model page's performance summary (seed 003): where the model stands among comparable models, in
percentiles, each with its rule and its peer group named; and the lab's other models rated 1-5 on cost, ability
and speed from the same percentiles (None, shown as a dash, where the data is missing).

A percentile here is "better than N% of the others": the share of the peer group's other models this one beats
(cheaper, a larger context window, a better best score, faster output); ties beat no one. A benchmark counts only
with at least RANKING_MIN_SCORES scored models (settings), like the site's rankings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q

from benchmarks.selectors import Percentile, percentiles_of_models, share_beaten
from catalog.models import LanguageModel
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


def _price_peers(model: LanguageModel) -> list[Decimal]:
    """The blended prices of the live models with every input type and capability this one has (it among them):
    3 queries."""
    peers = (
        LanguageModel.objects.live()
        .having_all("input_modalities", [m.slug for m in model.input_modalities.all()])
        .having_all("capabilities", [c.slug for c in model.capabilities.all()])
    )
    return sorted(with_blended_price(peers).filter(blended_usd__isnull=False).values_list("blended_usd", flat=True))


def _best_speeds() -> dict[int, Decimal]:
    """Each live model's fastest measured live route, in output tokens per second: 1 query."""
    rows = (
        Offering.objects.live()
        .of_live_models()
        .filter(throughput_tps__isnull=False)
        .values("model_id")
        .annotate(best=Max("throughput_tps"))
        .values_list("model_id", "best")
    )
    return dict(rows)


def performance_summary(
    model: LanguageModel,
    *,
    own_blended: Decimal | None,
    own_speed: Decimal | None,
    benchmark_percentiles: dict[int, Percentile],
    benchmark_names: dict[int, str],
) -> Summary:
    """The summary's lines: price, context window, speed, and each benchmark with enough scores. 3 to 5 queries
    (the benchmark percentiles are the page's own, from benchmarks.selectors.percentiles)."""
    standings: list[Standing] = []
    peers = "live models with every input type and capability this one has"
    if own_blended is not None:
        prices = _price_peers(model)
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
        standings.append(Standing("Price", None, 0, "no route of this model has a known price yet", peers))
    if model.context_window:
        counts = (
            LanguageModel.objects.live()
            .filter(context_window__isnull=False)
            .aggregate(n=Count("pk"), beaten=Count("pk", filter=Q(context_window__lt=model.context_window)))
        )
        n = counts["n"]
        standings.append(
            Standing(
                "Context window",
                round(100 * counts["beaten"] / (n - 1)) if n > 1 else None,
                n,
                "tokens the model reads at once; larger is better",
                "live models with a known context window",
                f"{model.context_window:,} tokens",
            )
        )
    speeds = _best_speeds() if own_speed is not None else {}
    standings.append(
        Standing(
            "Speed",
            better_than(own_speed, sorted(speeds.values())) if own_speed is not None else None,
            len(speeds),
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


def lab_ratings(models: Iterable[LanguageModel]) -> dict[int, LabRating]:
    """Ratings for a few models (the lab's others, annotated with cheapest_blended_usd by with_cheapest_route):
    3 queries (ability from benchmarks.selectors.percentiles_of_models)."""
    models = list(models)
    if not models:
        return {}
    prices = sorted(
        LanguageModel.objects.live()
        .filter(cheapest_route__isnull=False)
        .values_list("cheapest_route__blended_usd_per_mtok", flat=True)
    )
    speeds = _best_speeds()
    speed_values = sorted(speeds.values())
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


__all__ = ["LabRating", "Standing", "Summary", "better_than", "lab_ratings", "performance_summary", "rating"]
