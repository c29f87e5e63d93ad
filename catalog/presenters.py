"""What a model page shows, computed from the data with the rule visible: the price ladder and the FAQ."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from benchmarks.models import BenchmarkScore
from catalog.formatting import format_usd
from catalog.models import LanguageModel
from providers.models import Offering, Price

HEADLINE_COMPONENTS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h")


@dataclass
class LadderRow:
    """One route of the price ladder: standard base-tier prices in columns, every other price listed."""

    offering: Offering
    headline: dict[str, Price] = field(default_factory=dict)
    batch: dict[str, Price] = field(default_factory=dict)
    extras: list[Price] = field(default_factory=list)
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
        """3 parts input to 1 part output: the usual chat workload."""
        if self.input is None:
            return None
        output = self.output.usd if self.output else Decimal(0)
        return (self.input.usd * 3 + output) / 4

    @property
    def retired(self) -> bool:
        return self.offering.status == "retired"

    @property
    def priced(self) -> bool:
        return bool(self.headline or self.batch or self.extras)


def price_ladder(offerings: list[Offering], *, today: dt.date | None = None) -> list[LadderRow]:
    """Rows cheapest first (3:1 blended standard price); routes without a price last. Works on prefetched
    `current_prices`, so it adds no query."""
    today = today or timezone.localdate()
    stale_before = today - dt.timedelta(days=settings.PRICE_STALE_DAYS)
    rows = []
    for offering in offerings:
        row = LadderRow(offering=offering)
        for price in sorted(offering.current_prices, key=_price_order):
            if (
                price.tier_min_tokens == 0
                and price.service_tier == "standard"
                and price.component in HEADLINE_COMPONENTS
            ):
                row.headline[price.component] = price
            elif (
                price.tier_min_tokens == 0 and price.service_tier == "batch" and price.component in ("input", "output")
            ):
                row.batch[price.component] = price
            else:
                row.extras.append(price)
            if row.oldest_verified_on is None or price.verified_on < row.oldest_verified_on:
                row.oldest_verified_on = price.verified_on
            source = (price.source_name or price.source, price.source_url)
            if source not in row.sources:
                row.sources.append(source)
        row.stale = row.oldest_verified_on is not None and row.oldest_verified_on < stale_before
        rows.append(row)
    # Live priced routes cheapest first, then routes without a price, then retired ones.
    rows.sort(key=lambda r: (r.retired, r.blended is None, r.blended or 0, r.offering.provider.name))
    if rows and rows[0].blended is not None and not rows[0].retired:
        rows[0].cheapest = True
    return rows


def _price_order(price: Price) -> tuple:
    tiers = ("standard", "batch", "flex", "priority")
    return (tiers.index(price.service_tier), price.tier_min_tokens, price.component)


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
