"""Embeddable SVG badges of one model's figure: its cheapest price, its context window or a benchmark score.

A badge is two-part, like the shields READMEs already carry: a dark label and a coloured value, white text on both,
so it reads on light and dark pages alike. Its <title> (the tooltip, and what a screen reader says) states the
figure in full with its date: when a source stated the price, when the score was measured.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from benchmarks.selectors import documentation_key, scores_for_model
from catalog.models import LanguageModel
from lib.formatting import day, quantity, tokens_short, usd
from providers.models import Price
from providers.selectors import with_cheapest_route

LABEL_COLOUR = "#3b4450"
VALUE_COLOUR = "#0b6e4f"
MISSING_COLOUR = "#6b7280"
# Verdana 11px is about this wide per character (shields use the same estimate); the badge sizes itself from it.
CHAR_WIDTH = 6.6
PADDING = 10


@dataclass(frozen=True)
class Badge:
    label: str
    value: str
    title: str
    found: bool = True


def _date(value: dt.date | None) -> str:
    return day(value) or "an unknown date"


def price_badge(model: LanguageModel) -> Badge:
    annotated = with_cheapest_route(LanguageModel.objects.filter(pk=model.pk)).first()
    names = ("cheapest_offering_id", "cheapest_input_usd", "cheapest_output_usd", "cheapest_provider_name")
    row = {name: getattr(annotated, name, None) for name in (*names, "priced_route_count")}
    if row["cheapest_offering_id"] is None:
        return Badge(model.name, "no price", f"{model.name}: no priced route in the catalog", found=False)
    verified = (
        Price.objects.current()
        .headline()
        .filter(offering_id=row["cheapest_offering_id"], component__in=["input", "output"])
        .order_by("verified_on")
        .values_list("verified_on", flat=True)
        .first()
    )
    value = f"{usd(row['cheapest_input_usd'])} in · {usd(row['cheapest_output_usd'])} out /1M"
    title = (
        f"{model.name}: {usd(row['cheapest_input_usd'])} input, {usd(row['cheapest_output_usd'])} output per 1M "
        f"tokens on {row['cheapest_provider_name']} (cheapest of {row['priced_route_count']} priced routes), "
        f"as stated by its source on {_date(verified)}"
    )
    return Badge(model.name, value, title)


def context_badge(model: LanguageModel) -> Badge:
    if not model.context_window:
        return Badge(model.name, "context unknown", f"{model.name}: context window unknown", found=False)
    value = f"{tokens_short(model.context_window)} context"
    title = f"{model.name}: a {quantity(model.context_window)}-token context window"
    if model.max_output_tokens:
        title += f", up to {quantity(model.max_output_tokens)} output tokens"
    return Badge(model.name, value, title + f" (catalog as of {day(model.updated_at)})")


def score_badge(model: LanguageModel, benchmark_slug: str) -> Badge | None:
    """None when no benchmark has this slug; a grey badge when the model has no score on it."""
    scores = [s for s in scores_for_model(model) if s.benchmark.slug == benchmark_slug]
    if not scores:
        from benchmarks.models import Benchmark

        benchmark = Benchmark.objects.filter(slug=benchmark_slug).first()
        if benchmark is None:
            return None
        return Badge(benchmark.name, "no score", f"{model.name}: no {benchmark.name} score in the catalog", found=False)
    score = max(scores, key=documentation_key)
    benchmark = score.benchmark
    number = f"{score.value.normalize():f}"
    shown = f"{number}%" if benchmark.scale == "percent" else f"{number} {benchmark.get_scale_display()}".strip()
    who = "self-reported by the lab" if score.self_reported else "measured independently"
    title = f"{model.name} on {benchmark.name}: {shown}, {who}, measured on {_date(score.measured_on)}"
    return Badge(f"{model.name} · {benchmark.name}", shown, title)


def render(badge: Badge) -> str:
    label_width = round(len(badge.label) * CHAR_WIDTH) + PADDING
    value_width = round(len(badge.value) * CHAR_WIDTH) + PADDING
    width = label_width + value_width
    colour = VALUE_COLOUR if badge.found else MISSING_COLOUR
    label, value, title = escape(badge.label), escape(badge.value), escape(badge.title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20" role="img" '
        f'aria-labelledby="t">'
        f'<title id="t">{title}</title>'
        f'<rect width="{label_width}" height="20" rx="3" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{label_width}" width="{value_width}" height="20" rx="3" fill="{colour}"/>'
        f'<rect x="{label_width - 4}" width="8" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{label_width / 2}" y="14">{label}</text>'
        f'<text x="{label_width + value_width / 2}" y="14">{value}</text>'
        f"</g></svg>"
    )
