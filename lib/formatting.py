"""The one home of how numbers and dates read on every page and in the admin: prices, costs, token counts, dates.

Pure functions over Decimal, int and date; the template filters in catalog/templatetags/ and the admin's columns call
these, so "$0.075", "128K" and "2026-04-23" are written the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DASH = "—"
PRICE_DIGITS = 4  # significant digits of a published price, e.g. $0.06125, $2.50, $0.003625
TOKEN_DIGITS = 3  # significant digits of a short token count, e.g. 128K, 1.05M, 32.8K
DATE_FORMAT = "%Y-%m-%d"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _significant(number: Decimal, digits: int) -> Decimal:
    """`number` rounded half up to `digits` significant digits, without trailing zeros (0 stays 0)."""
    if number == 0:
        return Decimal(0)
    quantum = Decimal(1).scaleb(number.adjusted() - digits + 1)
    return number.quantize(quantum, rounding=ROUND_HALF_UP).normalize()


def _plain(number: Decimal, min_places: int = 0, grouping: bool = True) -> str:
    """Every digit of `number` without exponent, with at least `min_places` decimals."""
    exponent = number.as_tuple().exponent
    places = max(min_places, -exponent) if isinstance(exponent, int) else min_places
    return f"{number:,.{places}f}" if grouping else f"{number:.{places}f}"


def usd(amount: object) -> str:
    """A price per unit: $0.15, $0.075, $2.50, $0.06125, $1,235 — at most 4 significant digits, at least two decimals
    below $1,000, never float noise or an exponent; "—" when unknown."""
    number = _decimal(amount)
    if number is None:
        return DASH
    rounded = _significant(abs(number), PRICE_DIGITS)
    sign = "-" if number < 0 and rounded != 0 else ""
    text = _plain(rounded, 2) if rounded < 1000 or rounded != rounded.to_integral_value() else f"{rounded:,.0f}"
    return f"{sign}${text}"


def money(amount: object) -> str:
    """A computed cost: $1,234.57 from a dollar up (to the cent); below that 3 significant digits with at least two
    decimals ($0.50, $0.033, $0.000345); "—" when unknown."""
    number = _decimal(amount)
    if number is None:
        return DASH
    if number == 0:
        return "$0.00"
    sign = "-" if number < 0 else ""
    number = abs(number)
    if number >= 1:
        return f"{sign}${number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return f"{sign}${_plain(_significant(number, 3), 2)}"


def exact(amount: object) -> str:
    """Every digit of a Decimal, without exponent or trailing zeros: for machine-readable attributes."""
    number = _decimal(amount)
    if number is None:
        return ""
    return _plain(number.normalize(), 0, grouping=False) if number != 0 else "0"


def tokens_short(count: object) -> str:
    """A token count to read at a glance: 128K, 131K, 1.05M, 2M, 16.4K, 999; "—" when unknown or zero."""
    number = _decimal(count)
    if number is None or number <= 0:
        return DASH
    rounded = _significant(number, TOKEN_DIGITS)  # 999,999 -> 1,000,000: "1M", not "1000K"
    for size, suffix in ((Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M"), (Decimal(1_000), "K")):
        if rounded >= size:
            return f"{_plain((rounded / size).normalize(), 0, grouping=False)}{suffix}"
    return _plain(rounded.quantize(Decimal(1)), 0)


def tokens_exact(count: object) -> str:
    """Every digit of a token count with thousands separators: 131,072 tokens."""
    number = _decimal(count)
    if number is None or number <= 0:
        return ""
    return f"{int(number):,} tokens"


def quantity(value: object) -> str:
    """100,000,000 or 333.3333: thousands separators, at most 4 decimals, no exponent."""
    number = _decimal(value)
    if number is None:
        return DASH
    if number == number.to_integral_value():
        return f"{int(number):,}"
    rounded = number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return _plain(rounded)


def percent(share: object) -> str:
    """A share from 0 to 1 as a percentage: 0.25 -> 25%, 0.125 -> 12.5%."""
    number = _decimal(share)
    if number is None:
        return DASH
    return f"{_plain((number * 100).normalize(), 0, grouping=False)}%"


def day(value: dt.date | dt.datetime | None) -> str:
    """The site's one date style, ISO 8601: 2026-04-23 (a datetime in its own zone's date); "" when unknown."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def moment(value: dt.datetime | None) -> str:
    """A point in time: 2026-04-23 14:05 UTC-style, minutes only."""
    if value is None:
        return ""
    return value.strftime(f"{DATE_FORMAT} %H:%M")


METRIC_NAMES = {
    "elo": "Elo rating",
    "pass_rate": "pass rate %",
    "accuracy": "accuracy %",
    "index": "index score",
    "minutes": "time horizon, minutes",
}


def metric_name(metric: str, scale: str = "") -> str:
    """A benchmark's metric as people say it: "Elo rating", "pass rate %", never a raw "pass_rate"."""
    key = (metric or "").strip().lower()
    if key in METRIC_NAMES:
        return METRIC_NAMES[key]
    words = key.replace("_", " ").replace("-", " ").strip()
    return f"{words} %" if scale == "percent" and words and "%" not in words else words or scale


def provenance(price: object) -> str:
    """Where a price came from, for its title (shown on hover, and read out): "OpenRouter, verified 2026-04-23;
    in force since 2026-03-01" — "since ≤" when the source did not say when the price started."""
    if price is None or not hasattr(price, "verified_on"):
        return ""
    parts = [f"{price.source_name or price.source}, verified {day(price.verified_on)}"]  # type: ignore[attr-defined]
    if getattr(price, "effective_from", None):
        since = day(price.effective_from)  # type: ignore[attr-defined]
        parts.append(f"in force since {since}" if price.start_known else f"in force since ≤ {since}")  # type: ignore[attr-defined]
    if getattr(price, "published", ""):
        parts.append(f"published as “{price.published}”")  # type: ignore[attr-defined]
    return "; ".join(parts)
