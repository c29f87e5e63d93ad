from decimal import Decimal


def format_usd(amount: Decimal) -> str:
    """$0.15, $0.075, $2.50, $1,234.00: at least two decimals and every significant digit, never float noise."""
    value = amount.normalize()
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"${value:,.{places}f}"
