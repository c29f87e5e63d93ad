"""The one place where source units become the catalog's units.

Every token price is stored as a Decimal in USD per 1M tokens. Sources publish per token (OpenRouter, LiteLLM,
Vercel) or per 1M tokens (models.dev, curated files). Conversions go through
`Decimal(str(value))` so that a float such as 1.5e-07 becomes exactly 0.15, never 0.15000000000000002.
"""

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from providers.pricing.rules import USD_QUANTUM  # the stored precision

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


def per_unit(value: object) -> Decimal:
    """A figure per image, request, search or second, in USD."""
    return quantize_usd(to_decimal(value))
