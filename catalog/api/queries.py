"""The few reads the catalog's endpoints need beyond catalog.selectors and providers.selectors, each built on them.

Candidates for the selectors themselves: `with_cheapest_provider` (the provider's slug beside its name in
providers.selectors.with_cheapest_route), `routes_in_force` (an as-of twin of providers.selectors.offerings_for_model)
and `routes`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, QuerySet

from catalog.models import LanguageModel
from providers.models import Offering, Price
from providers.selectors import ROUTE_ORDER, with_cheapest_route


def with_cheapest_provider(models: QuerySet[LanguageModel]) -> QuerySet[LanguageModel]:
    """Add `cheapest_provider_slug` to a queryset that has with_cheapest_route's annotations: the slug of the
    provider of the route it chose (the same joins), so the choice is made in one place."""
    return models.annotate(cheapest_provider_slug=F("cheapest_route__offering__provider__slug"))


def with_cheapest(models: QuerySet[LanguageModel]) -> QuerySet[LanguageModel]:
    """Every annotation the API's `cheapest` object shows: route, prices, blended price, provider slug, count."""
    return with_cheapest_provider(with_cheapest_route(models))


def routes_in_force(model: LanguageModel, moment: dt.datetime | None) -> list[Offering]:
    """The model's routes that had a price at `moment` (now when None), each with those prices in
    `prices_in_force`, ordered as offerings_for_model orders them: 2 queries."""
    prices = Price.objects.current() if moment is None else Price.objects.as_of(moment)
    routes = (
        Offering.objects.filter(model=model)
        .select_related("provider")
        .prefetch_related(
            Prefetch(
                "prices",
                queryset=prices.order_by("service_tier", "tier_min_tokens", "component"),
                to_attr="prices_in_force",
            )
        )
        .order_by(*ROUTE_ORDER)
    )
    return [route for route in routes if route.prices_in_force]


def routes(model: LanguageModel) -> list[Offering]:
    """The model's routes with their provider, no prices: 1 query."""
    return list(Offering.objects.filter(model=model).select_related("provider").order_by(*ROUTE_ORDER))
