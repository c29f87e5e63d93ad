"""Reads of providers, routes and prices used by pages, the API and the sync."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from benchmarks.selectors import benchmark_slugs
from catalog.models import Lab, LanguageModel, ModelAlias
from providers.models import Offering, Price, PriceComponent, Provider
from providers.sources.base import Known

USD = DecimalField(max_digits=19, decimal_places=9)
KIND_ORDER = (
    Provider.Kind.FIRST_PARTY,
    Provider.Kind.CLOUD,
    Provider.Kind.INFERENCE_HOST,
    Provider.Kind.GATEWAY,
)


def known_catalog() -> Known:
    """What a normalizer may resolve against: 5 queries, whatever the catalog's size."""
    return Known(
        labs=frozenset(Lab.objects.values_list("slug", flat=True)),
        providers=frozenset(Provider.objects.values_list("slug", flat=True)),
        benchmarks=frozenset(benchmark_slugs()),
        models=frozenset(LanguageModel.objects.values_list("slug", flat=True)),
        aliases={
            (source, external_id): slug
            for source, external_id, slug in ModelAlias.objects.values_list("source", "external_id", "model__slug")
        },
    )


def _headline_price(component: str, offering_ref: str = "pk") -> Subquery:
    return Subquery(
        Price.objects.current()
        .headline()
        .filter(offering=OuterRef(offering_ref), component=component)
        .values("usd")[:1],
        output_field=USD,
    )


def priced_offerings() -> QuerySet[Offering]:
    """Offerings annotated with their current standard input/output prices and the 3:1 blended price."""
    return (
        Offering.objects.exclude(status=Offering.Status.RETIRED)  # a retired route is nobody's cheapest option
        .annotate(
            input_usd=_headline_price(PriceComponent.INPUT),
            output_usd=_headline_price(PriceComponent.OUTPUT),
            cache_read_usd=_headline_price(PriceComponent.CACHE_READ),
        )
        .filter(input_usd__isnull=False)
        .annotate(
            # Ties go to the lab's own API first, gateways last.
            kind_rank=Case(
                *(When(provider__kind=kind, then=Value(rank)) for rank, kind in enumerate(KIND_ORDER)),
                default=Value(len(KIND_ORDER)),
                output_field=IntegerField(),
            ),
            blended_usd=ExpressionWrapper(
                (F("input_usd") * 3 + Coalesce(F("output_usd"), Value(Decimal(0)))) / 4, output_field=USD
            ),
        )
    )


def with_cheapest_route(models: QuerySet[LanguageModel]) -> QuerySet[LanguageModel]:
    """Annotate each model with its cheapest route (lowest 3:1 blended standard price) and how many routes
    have a price: one SQL statement, no query per model."""
    cheapest = priced_offerings().filter(model=OuterRef("pk")).order_by("blended_usd", "kind_rank", "pk")
    return models.annotate(
        cheapest_offering_id=Subquery(cheapest.values("pk")[:1], output_field=IntegerField()),
        cheapest_input_usd=Subquery(cheapest.values("input_usd")[:1], output_field=USD),
        cheapest_output_usd=Subquery(cheapest.values("output_usd")[:1], output_field=USD),
        cheapest_cache_read_usd=Subquery(cheapest.values("cache_read_usd")[:1], output_field=USD),
        cheapest_provider_name=Subquery(cheapest.values("provider__name")[:1]),
        priced_route_count=Coalesce(
            Subquery(
                priced_offerings()
                .filter(model=OuterRef("pk"))
                .order_by()
                .values("model")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


def offerings_for_model(model: LanguageModel) -> list[Offering]:
    """Every route of a model with its provider and current prices: 2 queries."""
    return list(
        Offering.objects.filter(model=model)
        .select_related("provider")
        .prefetch_related(Prefetch("prices", queryset=Price.objects.current(), to_attr="current_prices"))
        .order_by("provider__name", "region", "quantization")
    )


def provider_counts() -> dict[str, int]:
    return {
        "providers": Provider.objects.count(),
        "offerings": Offering.objects.count(),
        "prices": Price.objects.current().count(),
        "price_history_rows": Price.objects.count(),
    }


def offerings_for_export() -> Prefetch:
    """Every route with its provider and current prices, as a prefetch for a model queryset."""
    return Prefetch(
        "offerings",
        queryset=Offering.objects.select_related("provider")
        .prefetch_related(
            Prefetch(
                "prices",
                queryset=Price.objects.current().order_by("service_tier", "tier_min_tokens", "component"),
                to_attr="current_prices",
            )
        )
        .order_by("provider__slug", "region", "quantization"),
        to_attr="export_offerings",
    )
