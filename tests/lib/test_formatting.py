"""The one formatter (lib/formatting.py): edge values of prices, costs, token counts and dates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from lib import formatting


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (None, "—"),
        ("", "—"),
        (Decimal("0"), "$0.00"),
        (Decimal("0.000000000"), "$0.00"),
        (Decimal("0.075000000"), "$0.075"),
        (Decimal("0.15"), "$0.15"),
        (Decimal("2.5"), "$2.50"),
        (Decimal("0.06125"), "$0.06125"),
        (Decimal("0.003625"), "$0.003625"),
        (Decimal("0.0036251"), "$0.003625"),
        (Decimal("0.00000012345"), "$0.0000001235"),
        (Decimal("1234.5678"), "$1,235"),
        (Decimal("1000"), "$1,000"),
        (Decimal("15"), "$15.00"),
        (Decimal("1E+1"), "$10.00"),
        (0.1 + 0.2, "$0.30"),
        (Decimal("-0.5"), "-$0.50"),
        ("NaN", "—"),
    ],
)
def test_it_shows_prices_to_four_significant_digits(amount, shown):
    assert formatting.usd(amount) == shown


@pytest.mark.parametrize(
    ("count", "short", "exact"),
    [
        (None, "—", ""),
        (0, "—", ""),
        (999, "999", "999 tokens"),
        (1000, "1K", "1,000 tokens"),
        (16384, "16.4K", "16,384 tokens"),
        (128000, "128K", "128,000 tokens"),
        (131072, "131K", "131,072 tokens"),
        (999_999, "1M", "999,999 tokens"),
        (1_000_000, "1M", "1,000,000 tokens"),
        (1_047_576, "1.05M", "1,047,576 tokens"),
        (1_048_576, "1.05M", "1,048,576 tokens"),
        (2_147_483_647, "2.15B", "2,147,483,647 tokens"),
    ],
)
def test_it_shortens_token_counts_and_keeps_the_exact_figure(count, short, exact):
    assert formatting.tokens_short(count) == short
    assert formatting.tokens_exact(count) == exact


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (None, "—"),
        (Decimal("0"), "$0.00"),
        (Decimal("0.000345123"), "$0.000345"),
        (Decimal("0.5"), "$0.50"),
        (Decimal("1234.567"), "$1,234.57"),
        (Decimal("1E+6"), "$1,000,000.00"),
    ],
)
def test_it_rounds_computed_costs(amount, shown):
    assert formatting.money(amount) == shown


def test_it_writes_one_date_style():
    assert formatting.day(dt.date(2026, 4, 23)) == "2026-04-23"
    assert formatting.day(dt.datetime(2026, 4, 23, 23, 59, tzinfo=dt.UTC)) == "2026-04-23"
    assert formatting.day(None) == ""
    assert formatting.moment(dt.datetime(2026, 4, 23, 9, 5)) == "2026-04-23 09:05"


def test_it_keeps_every_digit_for_machines():
    assert formatting.exact(Decimal("0.075000000")) == "0.075"
    assert formatting.exact(Decimal("1E+2")) == "100"
    assert formatting.exact(Decimal("0")) == "0"
    assert formatting.percent(Decimal("0.125")) == "12.5%"
    assert formatting.quantity(Decimal("333.33333")) == "333.3333"


def test_the_template_filters_use_it():
    html = Template(
        "{% load catalog_tags workload_tags %}{{ p|usd }} {{ n|tokens }} {{ n|tokens_text }} {{ d|day }} {{ c|money }}"
    ).render(Context({"p": Decimal("0.075000000"), "n": 1_047_576, "d": dt.date(2026, 4, 23), "c": Decimal("0.5")}))
    assert html == '$0.075 <span class="tokens" title="1,047,576 tokens">1.05M</span> 1.05M 2026-04-23 $0.50'
