"""What a model page shows, computed from the data with the rule visible: the price ladder and the FAQ."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from benchmarks.models import BenchmarkScore
from benchmarks.selectors import Percentile, documentation_key
from catalog.facets import ModelFacets
from catalog.models import LanguageModel
from lib.formatting import provenance
from lib.formatting import usd as format_usd
from providers.models import Offering, Price, ServiceTier
from providers.pricing.rules import (
    HEADLINE_SERVICE_TIER,
    HEADLINE_TIER_MIN_TOKENS,
    blended_usd,
    tie_break,
)

HEADLINE_COMPONENTS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h")


@dataclass
class LadderRow:
    """One route of the price ladder: standard base-tier prices in columns, every other price listed."""

    offering: Offering
    headline: dict[str, Price] = field(default_factory=dict)
    batch: dict[str, Price] = field(default_factory=dict)
    extras: list[Price] = field(default_factory=list)
    free: dict[str, Price] = field(default_factory=dict)  # a no-cost, rate-limited tier: never a paid price
    oldest_verified_on: dt.date | None = None
    stale: bool = False
    sources: list[tuple[str, str]] = field(default_factory=list)
    cheapest: bool = False

    @property
    def input(self) -> Price | None:
        return self.headline.get("input")

    @property
    def output(self) -> Price | None:
        return self.headline.get("output")

    @property
    def blended(self) -> Decimal | None:
        """3 parts input to 1 part output: the usual chat workload (providers/pricing/rules.py)."""
        if self.input is None:
            return None
        return blended_usd(self.input.usd, self.output.usd if self.output else None)

    @property
    def retired(self) -> bool:
        return self.offering.status == "retired"

    @property
    def priced(self) -> bool:
        return bool(self.headline or self.batch or self.extras or self.free)


def price_ladder(offerings: list[Offering], *, today: dt.date | None = None) -> list[LadderRow]:
    """Rows cheapest first (3:1 blended standard price); routes without a price last. Works on prefetched
    `current_prices`, so it adds no query."""
    today = today or timezone.localdate()
    stale_before = today - dt.timedelta(days=settings.PRICE_STALE_DAYS)
    rows = []
    for offering in offerings:
        row = LadderRow(offering=offering)
        for price in sorted(offering.current_prices, key=_price_order):
            # Formatted once here: the ladder shows most prices twice (the headline, the row) with their provenance.
            price.usd_text = format_usd(price.usd)
            price.provenance_text = provenance(price)
            if (
                price.tier_min_tokens == HEADLINE_TIER_MIN_TOKENS
                and price.service_tier == HEADLINE_SERVICE_TIER
                and price.component in HEADLINE_COMPONENTS
            ):
                row.headline[price.component] = price
            elif (
                price.tier_min_tokens == 0
                and price.service_tier == ServiceTier.BATCH
                and price.component in ("input", "output")
            ):
                row.batch[price.component] = price
            elif (
                price.tier_min_tokens == 0
                and price.service_tier == ServiceTier.FREE
                and price.component in ("input", "output")
            ):
                row.free[price.component] = price
            else:
                row.extras.append(price)
            if row.oldest_verified_on is None or price.verified_on < row.oldest_verified_on:
                row.oldest_verified_on = price.verified_on
            source = (price.source_name or price.source, price.source_url)
            if source not in row.sources:
                row.sources.append(source)
        row.stale = row.oldest_verified_on is not None and row.oldest_verified_on < stale_before
        rows.append(row)
    # Live priced routes cheapest first, then routes without a price, then retired ones; equal prices in the order
    # of the CheapestRoute table (providers/pricing/rules.py), so the headline names the route every list names.
    rows.sort(
        key=lambda r: (
            r.retired,
            r.blended is None,
            r.blended or 0,
            tie_break(kind=r.offering.provider.kind, provider_name=r.offering.provider.name, route_id=r.offering.pk),
        )
    )
    if rows and rows[0].blended is not None and not rows[0].retired:
        rows[0].cheapest = True
    return rows


SERVICE_TIERS = tuple(ServiceTier.values)  # standard first, free (rate-limited) last


def _price_order(price: Price) -> tuple[int, int, str]:
    return (SERVICE_TIERS.index(price.service_tier), price.tier_min_tokens, price.component)


def faq(model: LanguageModel, ladder: list[LadderRow], scores: list[BenchmarkScore]) -> list[tuple[str, str]]:
    """Questions a buyer asks, answered only from the data; a question with no data is left out."""
    name = model.name
    items: list[tuple[str, str]] = []
    if model.context_window:
        items.append(
            (
                f"What is the context window of {name}?",
                f"{name} has a context window of {model.context_window:,} tokens.",
            )
        )
    if model.max_output_tokens:
        items.append(
            (
                f"What is the max output of {name}?",
                f"{name} can generate up to {model.max_output_tokens:,} output tokens per request.",
            )
        )
    priced = [row for row in ladder if row.input is not None and not row.retired]
    if priced:
        best = priced[0]
        answer = (
            f"The cheapest tracked route is {best.offering.provider.name} at "
            f"{format_usd(best.input.usd)} per 1M input tokens"
        )
        if best.output is not None:
            answer += f" and {format_usd(best.output.usd)} per 1M output tokens"
        answer += f" (cheapest of {len(priced)} priced route{'s' if len(priced) != 1 else ''})."
        items.append((f"How much does {name} cost?", answer))
    if model.release_date:
        items.append((f"When was {name} released?", f"{name} was released on {model.release_date:%Y-%m-%d}."))
    if model.knowledge_cutoff:
        items.append(
            (
                f"What is the knowledge cutoff of {name}?",
                f"{name}'s training data runs to {model.knowledge_cutoff}.",
            )
        )
    if ladder:
        names = list(dict.fromkeys(row.offering.provider.name for row in ladder))
        items.append(
            (
                f"Which providers offer {name}?",
                f"{name} is available from {len(names)} provider{'s' if len(names) != 1 else ''}: {', '.join(names)}.",
            )
        )
    if scores:
        benchmarks = list(dict.fromkeys(score.benchmark.name for score in scores))
        items.append(
            (
                f"What benchmarks has {name} been tested on?",
                f"{name} has scores on {len(benchmarks)} benchmark{'s' if len(benchmarks) != 1 else ''} "
                f"here: {', '.join(benchmarks)}.",
            )
        )
    return items


def best_scores(scores: list[BenchmarkScore]) -> list[BenchmarkScore]:
    """One score per benchmark, the best documented (benchmarks.selectors.documentation_key: independent before
    self-reported, dated and newest first), in the order the scores table uses."""
    chosen: dict[int, BenchmarkScore] = {}
    for score in scores:
        current = chosen.get(score.benchmark_id)
        if current is None or documentation_key(score) > documentation_key(current):
            chosen[score.benchmark_id] = score
    return [score for score in scores if chosen.get(score.benchmark_id) is score]


@dataclass(frozen=True)
class ScoreRow:
    score: BenchmarkScore  # the one shown
    percentile: Percentile | None
    others: list[BenchmarkScore]  # the model's other scores on the same benchmark


def score_rows(scores: list[BenchmarkScore], percentiles: dict[int, Percentile]) -> list[ScoreRow]:
    best = best_scores(scores)
    return [
        ScoreRow(
            score,
            percentiles.get(score.benchmark_id),
            [other for other in scores if other.benchmark_id == score.benchmark_id and other is not score],
        )
        for score in best
    ]


# What a strong (or weak) result in each category says a model is good (or poor) for.
CATEGORY_USES = {
    "coding": "Writing and fixing code",
    "agentic": "Long, multi-step agent tasks",
    "math": "Mathematics",
    "reasoning": "Hard reasoning and science questions",
    "knowledge": "Broad general-knowledge questions",
    "multimodal": "Understanding images and documents",
    "human_preference": "Open-ended chat that people prefer",
    "long_context": "Working over long documents",
}
TOP_QUARTILE, BOTTOM_QUARTILE = 75, 25


def category_fit(rows: list[ScoreRow]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A category the model is in the top (bottom) quarter of, among at least five scored models, is a use (an
    avoid); the rule names the benchmark, the score and the field."""
    best: dict[str, ScoreRow] = {}
    worst: dict[str, ScoreRow] = {}
    for row in rows:
        category = row.score.benchmark.category
        if category not in CATEGORY_USES or row.percentile is None or row.percentile.percent is None:
            continue
        if category not in best or row.percentile.percent > best[category].percentile.percent:
            best[category] = row
        if category not in worst or row.percentile.percent < worst[category].percentile.percent:
            worst[category] = row

    def rule(row: ScoreRow, quartile: str) -> str:
        value = f"{row.score.value.normalize():f}{'%' if row.score.benchmark.scale == 'percent' else ''}"
        return (
            f"{row.score.benchmark.name} {value} beats {row.percentile.percent}% of the "
            f"{row.percentile.of_models} models scored there ({quartile} quarter)"
        )

    use = [(CATEGORY_USES[c], rule(r, "top")) for c, r in best.items() if r.percentile.percent >= TOP_QUARTILE]
    avoid = [(CATEGORY_USES[c], rule(r, "bottom")) for c, r in worst.items() if r.percentile.percent <= BOTTOM_QUARTILE]
    return use, avoid


@dataclass(frozen=True)
class Fit:
    use_for: list[tuple[str, str]]  # (what, the rule that put it there)
    avoid_for: list[tuple[str, str]]


LONG_CONTEXT = 200_000
RAG_CONTEXT = 32_000
CHEAP_INPUT = Decimal(1)
LOW_COST_BLENDED = Decimal("0.5")
EXPENSIVE_BLENDED = Decimal(10)


def use_case_fit(
    model: LanguageModel, facets: ModelFacets, priced: list[LadderRow], scores: list[ScoreRow] | None = None
) -> Fit:
    """'Use it for' and 'do not use it for', each item with the rule that produced it (`facets`: the model's)."""
    caps = {c.slug for c in facets.capabilities}
    inputs = {m.slug for m in facets.input_modalities}
    context = model.context_window or 0
    cheapest = priced[0] if priced else None
    blended = cheapest.blended if cheapest else None
    use: list[tuple[str, str]] = []
    avoid: list[tuple[str, str]] = []
    if context >= LONG_CONTEXT:
        use.append(("Long documents and whole codebases", f"context window of at least {LONG_CONTEXT:,} tokens"))
    if context >= RAG_CONTEXT and cheapest and cheapest.input.usd <= CHEAP_INPUT:
        use.append(
            (
                "Retrieval-augmented generation (RAG)",
                f"at least {RAG_CONTEXT:,} tokens of context and input at or under ${CHEAP_INPUT} per 1M",
            )
        )
    if "image" in inputs:
        use.append(("Images, screenshots and scanned documents", "accepts image input"))
    if {"tool_calling", "structured_output"} <= caps:
        use.append(("Agents and pipelines that call tools", "tool calling and structured output"))
    if "reasoning" in caps:
        use.append(("Multi-step reasoning, math and planning", "has a reasoning mode"))
    if "audio" in inputs:
        use.append(("Speech and audio understanding", "accepts audio input"))
    if blended is not None and blended <= LOW_COST_BLENDED:
        use.append(("High-volume, cost-sensitive traffic", f"blended price at or under ${LOW_COST_BLENDED} per 1M"))
    if model.open_weights:
        use.append(("Self-hosting and fine-tuning on your own hardware", "open weights"))
    if inputs and "image" not in inputs:
        avoid.append(("Images or scanned documents", "no image input recorded"))
    if context and context < RAG_CONTEXT:
        avoid.append(("Long documents", f"context window under {RAG_CONTEXT:,} tokens"))
    if caps and "tool_calling" not in caps:
        avoid.append(("Agents that call tools", "no tool calling recorded"))
    if model.status in ("deprecated", "retired"):
        note = f"{model.get_status_display().lower()}"
        if model.successor:
            note += f"; successor: {model.successor.name}"
        avoid.append(("New projects", note))
    if blended is not None and blended >= EXPENSIVE_BLENDED:
        avoid.append(("High-volume, cost-sensitive traffic", f"blended price of ${EXPENSIVE_BLENDED} or more per 1M"))
    if not priced:
        avoid.append(("Budget planning", "no route has a known price"))
    category_use, category_avoid = category_fit(scores or [])
    return Fit(use + category_use, avoid + category_avoid)


def summary(model: LanguageModel, priced: list[LadderRow], scores: list[BenchmarkScore]) -> str:
    """A paragraph about the model written only from the data."""
    weights = {True: "an open-weights", False: "a proprietary", None: "a"}[model.open_weights]
    text = f"{model.name} is {weights} model by {model.lab.name}"
    if model.family:
        text += f" in the {model.family} family"
    if model.context_window:
        text += f", with a context window of {model.context_window:,} tokens"
    text += "."
    if priced:
        best = priced[0]
        text += (
            f" It is tracked on {len(priced)} priced route{'s' if len(priced) != 1 else ''}; the cheapest is "
            f"{best.offering.provider.name} at {format_usd(best.input.usd)} input"
        )
        if best.output is not None:
            text += f" and {format_usd(best.output.usd)} output"
        text += " per 1M tokens."
    if scores:
        shown = ", ".join(
            f"{s.benchmark.name} {s.value.normalize():f}{'%' if s.benchmark.scale == 'percent' else ''}"
            for s in scores[:3]
        )
        text += f" Headline scores: {shown}."
    return text
