"""The one place where source units become the catalog's units.

Every token price is stored as a Decimal in USD per 1M tokens. Sources publish per token (OpenRouter, LiteLLM,
Vercel), per 1M tokens (models.dev, curated files) or in US cents per token (Portkey). Conversions go through
`Decimal(str(value))` so that a float such as 1.5e-07 becomes exactly 0.15, never 0.15000000000000002.
"""

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# Stored precision: nine decimal places of a dollar per unit (1e-15 USD per token).
USD_QUANTUM = Decimal("0.000000001")
MILLION = Decimal(1_000_000)


class UnitError(ValueError):
    """A figure that cannot be read as a price."""


def to_decimal(value: object) -> Decimal:
    """Read a published figure (str, int, float or Decimal) exactly; refuse anything else."""
    if isinstance(value, bool) or value is None:
        raise UnitError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise UnitError(f"not a number: {value!r}") from None
    else:
        raise UnitError(f"not a number: {value!r}")
    if not number.is_finite():
        raise UnitError(f"not a finite number: {value!r}")
    return number


def quantize_usd(amount: Decimal) -> Decimal:
    return amount.quantize(USD_QUANTUM, rounding=ROUND_HALF_EVEN)


def per_mtok(value: object) -> Decimal:
    """A figure already in USD per 1M tokens."""
    return quantize_usd(to_decimal(value))


def per_token_to_per_mtok(value: object) -> Decimal:
    """A figure in USD per token, as OpenRouter, LiteLLM and Vercel publish it."""
    return quantize_usd(to_decimal(value) * MILLION)


def cents_per_token_to_per_mtok(value: object) -> Decimal:
    """A figure in US cents per token (Portkey)."""
    return quantize_usd(to_decimal(value) * MILLION / 100)


def per_unit(value: object) -> Decimal:
    """A figure per image, request, search or second, in USD."""
    return quantize_usd(to_decimal(value))
