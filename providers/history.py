"""Reads of price history: every period of every route, for charts and the history API."""

from __future__ import annotations

from collections import defaultdict

from catalog.models import LanguageModel
from providers.models import Price


def price_periods_for_model(model: LanguageModel) -> dict[int, list[Price]]:
    """Every price row (open and closed) of the model's routes, by offering id, oldest first: 1 query."""
    periods: dict[int, list[Price]] = defaultdict(list)
    for price in Price.objects.filter(offering__model=model).order_by("effective_from", "pk"):
        periods[price.offering_id].append(price)
    return periods
