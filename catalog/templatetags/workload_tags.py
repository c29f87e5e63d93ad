"""Display filters for workload costs: the engine keeps full Decimal precision, these round only what is shown."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

CENT = Decimal("0.01")


@register.filter
def money(amount: Decimal | None) -> str:
    """A computed cost for reading: $1,234.57 from a dollar up; below that 3 significant digits, at least 2
    decimals ($0.50, $0.033, $0.000345); "—" when unknown."""
    if amount is None or amount == "":
        return "—"
    amount = Decimal(amount)
    if amount == 0:
        return "$0.00"
    if abs(amount) >= 1:
        return f"${amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    rounded = amount.quantize(Decimal(1).scaleb(amount.adjusted() - 2), rounding=ROUND_HALF_UP).normalize()
    exponent = rounded.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"${rounded:.{places}f}"


@register.filter
def exact(amount: Decimal | None) -> str:
    """Every digit of a Decimal, without exponent or trailing zeros: for machine-readable attributes."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).normalize()
    return f"{value:f}"


@register.filter
def quantity(value: Decimal | int | None) -> str:
    """100,000,000 or 333.3333: thousands separators, at most 4 decimals, no exponent."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    rounded = number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:,f}"


@register.filter
def percent(share: Decimal | None) -> str:
    """A share from 0 to 1 as a percentage: 0.25 -> 25%, 0.125 -> 12.5%."""
    if share is None or share == "":
        return "—"
    value = (Decimal(share) * 100).normalize()
    return f"{value:f}%"
