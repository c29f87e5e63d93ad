"""Reads of providers, routes and prices used by pages, the API and the sync."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from catalog.models import Lab, LanguageModel
from lib.caching import per_version
from providers.history import price_periods_for_model
from providers.models import ChangeEvent, Offering, Price, PriceComponent, Provider, SyncRun, live_route

USD: DecimalField[Any, Decimal] = DecimalField(max_digits=19, decimal_places=9)
# How a model's routes are listed on its page and in the API.
ROUTE_ORDER = ("provider__name", "region", "quantization")


def _headline_price(component: str, offering_ref: str = "pk") -> Subquery:
    return Subquery(
        Price.objects.current()
        .headline()
        .filter(offering=OuterRef(offering_ref), component=component)
        .values("usd")[:1],
        output_field=USD,
    )


def with_cheapest_route(models: QuerySet[LanguageModel]) -> QuerySet[LanguageModel]:
    """Annotate each model with its cheapest route (lowest 3:1 blended standard price; the rule is in
    providers/pricing/summaries.py) and how many routes have a price: joins on the CheapestRoute table, no subquery."""
    return models.annotate(
        cheapest_offering_id=F("cheapest_route__offering_id"),
        cheapest_input_usd=F("cheapest_route__input_usd_per_mtok"),
        cheapest_output_usd=F("cheapest_route__output_usd_per_mtok"),
        cheapest_cache_read_usd=F("cheapest_route__cache_read_usd_per_mtok"),
        cheapest_blended_usd=F("cheapest_route__blended_usd_per_mtok"),
        cheapest_provider_name=F("cheapest_route__offering__provider__name"),
        priced_route_count=Coalesce(F("cheapest_route__priced_route_count"), Value(0)),
    )


def with_blended_price(models: QuerySet[LanguageModel]) -> QuerySet[LanguageModel]:
    """Each model's cheapest 3:1 blended standard price, as `blended_usd` (None when no route is priced)."""
    return models.annotate(blended_usd=blended_price_of())


def blended_price_of(model_path: str = "") -> F:
    """The cheapest blended price of the model at `model_path` (a relation to LanguageModel from the rows being
    read, e.g. "model" from scores; empty for models themselves) as an expression: one join, None if unpriced."""
    return F("__".join(filter(None, [model_path, "cheapest_route", "blended_usd_per_mtok"])))


def routes_of_model(model: LanguageModel) -> QuerySet[Offering]:
    """Every route of a model with its provider, in the order its pages list them."""
    return Offering.objects.filter(model=model).select_related("provider").order_by(*ROUTE_ORDER)


def offerings_for_model(model: LanguageModel) -> list[Offering]:
    """Every route of a model with its provider and current prices: 2 queries."""
    return list(
        routes_of_model(model).prefetch_related(
            Prefetch("prices", queryset=Price.objects.current(), to_attr="current_prices")
        )
    )


def offerings_with_history(model: LanguageModel) -> tuple[list[Offering], dict[int, list[Price]]]:
    """`offerings_for_model` and `price_periods_for_model` (every price row of the model's routes, by offering id,
    oldest first) in 2 queries, not 3: the current prices are the history's open periods (`PriceQuerySet.current`:
    no end date), so they need no query of their own."""
    offerings = list(routes_of_model(model))
    periods = price_periods_for_model(model)
    for offering in offerings:
        offering.current_prices = [  # type: ignore[attr-defined]
            price for price in periods.get(offering.pk, []) if price.effective_to is None
        ]
    return offerings, periods


def provider_counts() -> dict[str, int]:
    """Row counts of providers, routes and prices: 4 queries on the first call after a data change, then none in
    that process (the home page's figures)."""
    return dict(_provider_counts())


@per_version
def _provider_counts() -> dict[str, int]:
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


# --- listing pages: providers, the change log, the home page ---------------------------------------------------


def provider_choices() -> list[tuple[str, str]]:
    """(slug, name) of every provider, by name: 1 query."""
    return list(Provider.objects.order_by("name").values_list("slug", "name"))


def served_by(provider_slug: str) -> Exists:
    """True for a model with a live (not retired) route on the provider: a filter expression, no extra query."""
    return Exists(Offering.objects.filter(model=OuterRef("pk"), provider__slug=provider_slug).live())


def provider_directory() -> QuerySet[Provider]:
    """Every provider with how many models it serves on live routes: 1 query."""
    live = live_route("offerings__")
    return (
        Provider.objects.select_related("lab")
        .annotate(model_count=Count("offerings__model", filter=live, distinct=True))
        .order_by("name")
    )


def provider_page(slug: str) -> Provider | None:
    return Provider.objects.select_related("lab").filter(slug=slug).first()


def provider_routes(provider: Provider) -> QuerySet[Offering]:
    """Every route of a provider with its model, current standard base-tier prices and whether it is the model's
    cheapest route (as in with_cheapest_route): 1 query. Live routes first, then by model name."""
    return (
        Offering.objects.filter(provider=provider)
        .select_related("model", "model__lab")
        .annotate(
            input_usd=_headline_price(PriceComponent.INPUT),
            output_usd=_headline_price(PriceComponent.OUTPUT),
            cache_read_usd=_headline_price(PriceComponent.CACHE_READ),
            cheapest_route_id=F("model__cheapest_route__offering_id"),
            is_retired=Case(When(status=Offering.Status.RETIRED, then=Value(1)), default=Value(0)),
        )
        .order_by("is_retired", "model__name", "region", "quantization")
    )


def first_party_providers(lab: Lab) -> list[Provider]:
    """The lab's own APIs: 1 query."""
    return list(Provider.objects.filter(lab=lab).order_by("name"))


def provider_sitemap() -> list[tuple[str, dt.datetime]]:
    return list(Provider.objects.order_by("slug").values_list("slug", "updated_at"))


# A model's or a route's status moving to one of these is a retirement (the change log's topic, the webhooks' kind).
RETIREMENT_STATUSES = ("deprecated", "retired")
# What the change log shows, by topic: the changes a reader of prices cares about. Alias and benchmark-score
# events and edits of other model facts stay out of it (they are in the admin).
STATUS_CHANGE = Q(
    kind__in=[ChangeEvent.Kind.MODEL_CHANGED, ChangeEvent.Kind.OFFERING_CHANGED],
    field="status",
    new_value__in=RETIREMENT_STATUSES,
)
CHANGE_TOPICS: dict[str, tuple[str, Q]] = {
    "price_changed": ("Price changes", Q(kind=ChangeEvent.Kind.PRICE_CHANGED)),
    "price_added": ("New prices", Q(kind=ChangeEvent.Kind.PRICE_ADDED)),
    "price_removed": ("Prices no longer listed", Q(kind=ChangeEvent.Kind.PRICE_REMOVED)),
    "model_added": ("New models", Q(kind__in=[ChangeEvent.Kind.MODEL_ADDED, ChangeEvent.Kind.BULK_ADDED])),
    "offering_added": ("New routes", Q(kind__in=[ChangeEvent.Kind.OFFERING_ADDED, ChangeEvent.Kind.BULK_ADDED])),
    "retirement": ("Deprecations and retirements", STATUS_CHANGE),
}


def change_topic_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _) in CHANGE_TOPICS.items()]


def change_topic(key: str) -> Q:
    return CHANGE_TOPICS[key][1]


def change_log() -> QuerySet[ChangeEvent]:
    """The change log's rows, newest first, with the model, its lab and the route's provider: 1 query per page.

    The prices a new route arrives with are not listed one by one: the "new route" row stands for them (a first
    sync would otherwise list every price of the catalog)."""
    shown = Q()
    for _, condition in CHANGE_TOPICS.values():
        shown |= condition
    # One sync stamps all its events with the same moment.
    route_added_with_it = ChangeEvent.objects.filter(
        kind=ChangeEvent.Kind.OFFERING_ADDED, offering=OuterRef("offering"), occurred_at=OuterRef("occurred_at")
    )
    return (
        ChangeEvent.objects.filter(shown)
        .exclude(Q(kind=ChangeEvent.Kind.PRICE_ADDED) & Exists(route_added_with_it))
        .select_related("model", "model__lab", "offering", "offering__provider")
        .order_by("-occurred_at", "-id")
    )


def grouped_changes(events: QuerySet[ChangeEvent]) -> QuerySet[ChangeEvent]:
    """The feed's form: a run that added models and routes in bulk shows as its one 'added in bulk' entry, not
    row by row (a source's first load would otherwise be hundreds of rows at one minute)."""
    in_bulk = ChangeEvent.objects.filter(kind=ChangeEvent.Kind.BULK_ADDED, sync_run=OuterRef("sync_run"))
    return events.exclude(
        Q(kind__in=[ChangeEvent.Kind.MODEL_ADDED, ChangeEvent.Kind.OFFERING_ADDED, ChangeEvent.Kind.PRICE_ADDED])
        & Q(sync_run__isnull=False)
        & Exists(in_bulk)
    )


def ungrouped_changes(events: QuerySet[ChangeEvent]) -> QuerySet[ChangeEvent]:
    """Every row, without the 'added in bulk' entries that stand for them."""
    return events.exclude(kind=ChangeEvent.Kind.BULK_ADDED)


def change_log_for_run(events: QuerySet[ChangeEvent], run_id: int) -> QuerySet[ChangeEvent]:
    return events.filter(sync_run_id=run_id)


def change_log_for_provider(events: QuerySet[ChangeEvent], provider_slug: str) -> QuerySet[ChangeEvent]:
    return events.filter(offering__provider__slug=provider_slug)


def change_log_for_lab(events: QuerySet[ChangeEvent], lab_slug: str) -> QuerySet[ChangeEvent]:
    return events.filter(model__lab__slug=lab_slug)


def change_log_since(events: QuerySet[ChangeEvent], day: dt.date) -> QuerySet[ChangeEvent]:
    return events.filter(occurred_at__date__gte=day)


PCT: DecimalField[Any, Decimal] = DecimalField(max_digits=19, decimal_places=2)


def biggest_price_moves(*, since: dt.datetime, limit: int = 8) -> list[ChangeEvent]:
    """Price changes since `since`, largest relative change first (a cut and a rise of the same size rank
    alike), each annotated with old_usd, new_usd and change_pct: 1 query."""
    return list(
        ChangeEvent.objects.filter(kind=ChangeEvent.Kind.PRICE_CHANGED, occurred_at__gte=since)
        .filter(old_usd__gt=0, new_usd__isnull=False)
        .annotate(
            change_pct=ExpressionWrapper((F("new_usd") - F("old_usd")) * 100 / F("old_usd"), output_field=PCT),
        )
        .annotate(size=Abs("change_pct"))
        .select_related("model", "model__lab", "offering", "offering__provider")
        .order_by("-size", "-occurred_at", "-id")[:limit]
    )


def review_queue_counts() -> list[tuple[str, int, str]]:
    """Open items in each curator queue, with the admin page that lists them: 4 queries."""
    from providers.models import Disagreement, HeldChange, UnmatchedId

    return [
        (
            "Unmatched ids to map",
            UnmatchedId.objects.filter(status=UnmatchedId.Status.OPEN).count(),
            "/admin/providers/unmatchedid/?status__exact=open",
        ),
        (
            "Held price changes to review",
            HeldChange.objects.filter(status=HeldChange.Status.PENDING).count(),
            "/admin/providers/heldchange/?status__exact=pending",
        ),
        (
            "Disagreements between sources",
            Disagreement.objects.filter(status=Disagreement.Status.OPEN).count(),
            "/admin/providers/disagreement/?status__exact=open",
        ),
        (
            "Syncs running",
            SyncRun.objects.filter(status=SyncRun.Status.RUNNING).count(),
            "/admin/providers/syncrun/?status__exact=running",
        ),
    ]


# --- reads of the API's provider, route and change endpoints -------------------------------------------------


def current_prices_prefetch() -> Prefetch:
    """A route's open price rows, in the export's order, as `current_prices`."""
    return Prefetch(
        "prices",
        queryset=Price.objects.current().order_by("service_tier", "tier_min_tokens", "component"),
        to_attr="current_prices",
    )


LIVE_ROUTE = live_route("offerings__")


def provider_rows() -> QuerySet[Provider]:
    """The provider directory (lab, models served) with its number of live routes: 1 query."""
    return provider_directory().annotate(live_route_count=Count("offerings", filter=LIVE_ROUTE, distinct=True))


def provider_routes_with_prices(provider: Provider) -> list[Offering]:
    """The provider page's routes (model, cheapest-route flag) with every current price: 2 queries."""
    return list(provider_routes(provider).prefetch_related(current_prices_prefetch()))


def change_events() -> QuerySet[ChangeEvent]:
    """Every change event, newest first, with its model, lab and route's provider: 1 query per page. (The page's
    change_log() is a selection of these for readers; the API gives programs all of them.)"""
    return ChangeEvent.objects.select_related("model", "model__lab", "offering", "offering__provider").order_by(
        "-occurred_at", "-id"
    )


def offering_with_prices(pk: int) -> Offering | None:
    """One route with its model, provider and current prices: 2 queries."""
    return (
        Offering.objects.select_related("model", "provider")
        .prefetch_related(current_prices_prefetch())
        .filter(pk=pk)
        .first()
    )


# --- the admin's operations page ------------------------------------------------------------------------------


def price_freshness(*, today: dt.date | None = None) -> Sequence[Provider]:
    """Providers, stalest first, annotated from the open prices of their live routes: `open_prices`,
    `oldest_verified_on` (the stalest price's verification date), `stale_prices` (verified longer ago than
    PRICE_STALE_DAYS) and `oldest_age_days`: 1 query."""
    today = today or timezone.localdate()
    stale_before = today - dt.timedelta(days=settings.PRICE_STALE_DAYS)
    open_price = Q(offerings__prices__effective_to__isnull=True) & live_route("offerings__")
    providers = list(
        Provider.objects.annotate(
            open_prices=Count("offerings__prices", filter=open_price),
            oldest_verified_on=Min("offerings__prices__verified_on", filter=open_price),
            stale_prices=Count(
                "offerings__prices", filter=open_price & Q(offerings__prices__verified_on__lt=stale_before)
            ),
        )
        .only("slug", "name", "kind")
        .order_by(F("oldest_verified_on").asc(nulls_last=True), "name")
    )
    for provider in providers:
        oldest = provider.oldest_verified_on
        # A figure computed beside the query's annotations, for the operations page.
        provider.oldest_age_days = (today - oldest).days if oldest else None  # type: ignore[attr-defined]
    return providers
