"""Display filters for workload costs: the engine keeps full Decimal precision, these round only what is shown
(lib/formatting.py holds the rules)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from lib import formatting

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """$1,234.57 from a dollar up; below that 3 significant digits ($0.50, $0.033, $0.000345); "—" when unknown."""
    return formatting.money(amount)


@register.filter
def exact(amount: Decimal | None) -> str:
    """Every digit of a Decimal, without exponent or trailing zeros: for machine-readable attributes."""
    return formatting.exact(amount)


@register.filter
def quantity(value: Decimal | int | None) -> str:
    """100,000,000 or 333.3333: thousands separators, at most 4 decimals, no exponent."""
    return formatting.quantity(value)


@register.filter
def percent(share: Decimal | None) -> str:
    """A share from 0 to 1 as a percentage: 0.25 -> 25%, 0.125 -> 12.5%."""
    return formatting.percent(share)
