from decimal import Decimal

import pytest

from providers.sync.units import UnitError, per_mtok, per_token_to_per_mtok, per_unit


def test_it_converts_per_token_floats_exactly():
    # 1.5e-07 as a float is 1.49999...e-07; read through str() it becomes exactly $0.15 per 1M.
    assert per_token_to_per_mtok(1.5e-07) == Decimal("0.150000000")
    assert per_token_to_per_mtok(7.5e-08) == Decimal("0.075")


def test_it_rounds_away_string_float_artefacts():
    # A real OpenRouter figure: 0.0000009 plus float noise far below a billionth of a dollar per 1M tokens.
    assert per_token_to_per_mtok("0.00000090000000000000005") == Decimal("0.9")


def test_it_keeps_per_1m_figures():
    assert per_mtok("0.60") == Decimal("0.6")
    assert per_mtok(3) == Decimal(3)


def test_it_keeps_per_unit_prices_in_dollars():
    assert per_unit("0.0275") == Decimal("0.0275")


@pytest.mark.parametrize("bad", [None, True, "abc", "", "NaN", "Infinity", [1]])
def test_it_refuses_what_is_not_a_number(bad):
    with pytest.raises(UnitError):
        per_token_to_per_mtok(bad)
