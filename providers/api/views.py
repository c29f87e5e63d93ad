"""/api/v1/ endpoints of providers, routes, prices, the change log and the workload estimate.

Reads go through providers.selectors (and the calculator's code for estimate/); writes go through
providers.curation only, so the API validates, locks and records history exactly as the admin does.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lib.api.plumbing import CachingHeadersMixin
from lib.api.schema import (
    WRITE_ERRORS,
    ApiSchema,
    curation_errors,
    errors,
    id_parameter,
    list_errors,
    parse_id,
    parse_slug,
)
from providers import curation, selectors
from providers.api.estimate import EstimateBody, EstimateQuery, EstimateSerializer, estimate_workload
from providers.api.filters import FEED_ORDERINGS, ChangeEventFilter, ProviderFilter
from providers.api.serializers import (
    ChangeEventSerializer,
    OfferingCreateInput,
    OfferingEditInput,
    OfferingSerializer,
    PriceInput,
    PricePeriodSerializer,
    ProviderDetailSerializer,
    ProviderSummarySerializer,
)
from providers.models import ChangeEvent, Offering, Price, Provider

ROUTE, PRICE = "route (offering)", "price"


def get_offering(pk: str) -> Offering:
    offering = Offering.objects.select_related("model", "provider").filter(pk=parse_id(pk, ROUTE)).first()
    if offering is None:
        raise exceptions.NotFound(f"No {ROUTE} {pk}.")
    return offering


def get_price(pk: str) -> Price:
    price = Price.objects.select_related("offering__model", "offering__provider").filter(pk=parse_id(pk, PRICE)).first()
    if price is None:
        raise exceptions.NotFound(f"No {PRICE} {pk}.")
    return price


def offering_response(pk: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(OfferingSerializer(selectors.offering_with_prices(pk)).data, status=code)


# --- providers -------------------------------------------------------------------------------------------------


@extend_schema(
    tags=["providers"],
    summary="Every provider",
    description="Providers by name, with how many live (not retired) routes they serve and how many models.",
    responses={200: ProviderSummarySerializer(many=True), **list_errors()},
)
class ProviderListView(CachingHeadersMixin, generics.ListAPIView):
    serializer_class = ProviderSummarySerializer
    filterset_class = ProviderFilter
    schema = ApiSchema()

    def get_queryset(self) -> QuerySet[Provider]:
        return selectors.provider_rows()


@extend_schema(
    tags=["providers"],
    summary="One provider with its routes and their current prices",
    description="Live routes first, then retired ones; by model name.",
    responses={200: ProviderDetailSerializer, **errors(404)},
)
class ProviderDetailView(CachingHeadersMixin, generics.RetrieveAPIView):
    serializer_class = ProviderDetailSerializer
    schema = ApiSchema()

    def get_object(self) -> Provider:
        slug = parse_slug(self.kwargs["slug"], "provider")
        provider = selectors.provider_rows().filter(slug=slug).first()
        if provider is None:
            raise exceptions.NotFound(f"No provider {slug}.")
        provider.routes = selectors.provider_routes_with_prices(provider)
        return provider


# --- the change log --------------------------------------------------------------------------------------------


@extend_schema(
    tags=["changes"],
    summary="Change events, newest first (or oldest first, to poll)",
    description="Every change the syncs and curators made: new models and routes, price changes (old and new "
    "value), removed prices, status changes, new scores. `since` and `until` are inclusive: a date (the whole UTC "
    "day) or an ISO 8601 date-time. To poll, ask `?ordering=occurred_at&after=<the last id you saw>` and follow "
    '`next`. `actor` is "curator" for a person\'s change (staff names are not published), null for a sync.',
    parameters=[
        OpenApiParameter(
            "since",
            {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]},
            OpenApiParameter.QUERY,
            description="on or after this date (YYYY-MM-DD) or moment (2025-01-31T12:00:00Z)",
        ),
        OpenApiParameter(
            "until",
            {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]},
            OpenApiParameter.QUERY,
            description="on or before this date or moment",
        ),
        OpenApiParameter(
            "after",
            {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
            OpenApiParameter.QUERY,
            description="only events with a greater id (a cursor: the last id you have seen)",
        ),
        OpenApiParameter(
            "ordering",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            enum=[key for key, _ in FEED_ORDERINGS],
            description="`-occurred_at` newest first (the default) or `occurred_at` oldest first",
        ),
    ],
    responses={200: ChangeEventSerializer(many=True), **list_errors()},
)
class ChangeListView(CachingHeadersMixin, generics.ListAPIView):
    serializer_class = ChangeEventSerializer
    filterset_class = ChangeEventFilter
    schema = ApiSchema()

    def get_queryset(self) -> QuerySet[ChangeEvent]:
        return selectors.change_events()


# --- estimate --------------------------------------------------------------------------------------------------

ESTIMATE_DESCRIPTION = (
    "What a month of one workload costs on every live route matching the filters, cheapest first, with the "
    "arithmetic of every line; the routes that cannot be priced (a price missing) or that the requests do not fit "
    "are listed apart with the reason. The same code and validation as the /calculator/ page; parameters not "
    "given take the calculator's defaults (100,000 requests of 1,000 input and 300 output tokens)."
)
ESTIMATE_EXAMPLE = OpenApiExample(
    "Chat workload, half the prompt cached",
    value={"requests": 100000, "input_tokens": 1000, "output_tokens": 300, "cached_share": "0.5", "lab": "openai"},
    request_only=True,
)


class EstimateView(CachingHeadersMixin, APIView):
    permission_classes = [AllowAny]  # a POST here computes, it writes nothing
    schema = ApiSchema()

    def answer(self, params: Any, *, strict: bool) -> Response:
        try:
            result = estimate_workload(params, strict=strict)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from error
        return Response(EstimateSerializer(result).data)

    @extend_schema(
        tags=["estimate"],
        summary="Rank routes by a workload's monthly cost (query parameters)",
        description=ESTIMATE_DESCRIPTION,
        parameters=[EstimateQuery],
        responses={200: EstimateSerializer, **errors(400)},
    )
    def get(self, request: Request) -> Response:
        return self.answer(request.query_params, strict=False)

    @extend_schema(
        tags=["estimate"],
        summary="Rank routes by a workload's monthly cost (JSON body)",
        description=ESTIMATE_DESCRIPTION + " A key the body does not document is refused.",
        request=EstimateBody,
        examples=[ESTIMATE_EXAMPLE],
        responses={200: EstimateSerializer, **errors(400)},
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send the workload as a JSON object."]})
        return self.answer(request.data, strict=True)


# --- writes: routes and prices (staff) ---------------------------------------------------------------------------


@extend_schema(
    tags=["curation"],
    summary="Add a route (staff)",
    description="The route becomes the curator's: syncs no longer change its facts.",
    request=OfferingCreateInput,
    responses={201: OfferingSerializer, **errors(*WRITE_ERRORS)},
)
class OfferingCreateView(APIView):
    write_permissions = {"POST": ("providers.add_offering",)}
    schema = ApiSchema()

    def post(self, request: Request) -> Response:
        serializer = OfferingCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        with curation_errors():
            offering = curation.create_offering(
                model=values.pop("model"),
                provider=values.pop("provider"),
                provider_model_id=values.pop("provider_model_id"),
                user=request.user,
                **values,
            )
        return offering_response(offering.pk, status.HTTP_201_CREATED)


class OfferingView(CachingHeadersMixin, APIView):
    write_permissions = {"PATCH": ("providers.change_offering",)}
    schema = ApiSchema()

    @extend_schema(
        tags=["curation"],
        summary="One route with its current prices (and their ids)",
        parameters=[id_parameter("route")],
        responses={200: OfferingSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: str) -> Response:
        offering = selectors.offering_with_prices(parse_id(pk, ROUTE))
        if offering is None:
            raise exceptions.NotFound(f"No {ROUTE} {pk}.")
        return Response(OfferingSerializer(offering).data)

    @extend_schema(
        tags=["curation"],
        summary="Change a route's facts (staff)",
        parameters=[id_parameter("route")],
        description="Only provider_model_id, route_type, status, context_window and max_output_tokens can change; "
        "any other field is refused. Each change is a change event naming you.",
        request=OfferingEditInput,
        responses={200: OfferingSerializer, **errors(*WRITE_ERRORS, 404)},
    )
    def patch(self, request: Request, pk: str) -> Response:
        offering = get_offering(pk)
        serializer = OfferingEditInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        # Fields the input does not know go to curation, which refuses them with its own message.
        changes.update({name: value for name, value in request.data.items() if name not in serializer.fields})
        with curation_errors():
            curation.edit_offering(offering, changes, user=request.user)
        return offering_response(offering.pk)


@extend_schema(
    tags=["curation"],
    summary="Set a price of a route (staff)",
    parameters=[id_parameter("route")],
    description="The open period of the same component, service tier and threshold ends now and the curator's "
    "price opens, outranking every sync. 201 with the new row; 200 when the figure was already in force (only its "
    "provenance is refreshed).",
    request=PriceInput,
    examples=[
        OpenApiExample(
            "Input price",
            value={
                "component": "input",
                "unit": "per_1m_tokens",
                "usd": "0.16",
                "source_url": "https://azure.microsoft.com/pricing/",
            },
            request_only=True,
        )
    ],
    responses={200: PricePeriodSerializer, 201: PricePeriodSerializer, **errors(*WRITE_ERRORS, 404)},
)
class OfferingPriceView(APIView):
    write_permissions = {"POST": ("providers.add_price", "providers.change_price")}
    schema = ApiSchema()

    def post(self, request: Request, pk: str) -> Response:
        offering = get_offering(pk)
        serializer = PriceInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        in_force = set(Price.objects.current().filter(offering=offering).values_list("pk", flat=True))
        with curation_errors():
            price = curation.set_price(
                offering,
                component=values["component"],
                unit=values["unit"],
                usd=values["usd"],
                user=request.user,
                source_url=values["source_url"],
                source_name=values["source_name"],
                verified_on=values["verified_at"],
                service_tier=values["service_tier"],
                tier_min_tokens=values["tier_min_tokens"],
                published=values["published"],
                effective_from=values["effective_from"],
            )
        code = status.HTTP_200_OK if price.pk in in_force else status.HTTP_201_CREATED
        return Response(PricePeriodSerializer(price).data, status=code)


@extend_schema(
    tags=["curation"],
    summary="Withdraw a price (staff)",
    parameters=[id_parameter("price")],
    description="Its period ends now; history keeps it.",
    request=None,
    responses={200: PricePeriodSerializer, **errors(*WRITE_ERRORS, 404)},
)
class PriceEndView(APIView):
    write_permissions = {"POST": ("providers.change_price",)}
    schema = ApiSchema()

    def post(self, request: Request, pk: str) -> Response:
        price = get_price(pk)
        with curation_errors():
            curation.end_price(price, user=request.user)
        return Response(PricePeriodSerializer(price).data)


@extend_schema(
    tags=["curation"],
    summary="Release a curator's price to the syncs (staff)",
    parameters=[id_parameter("price")],
    description="The price stays in force, but the next sync of the route's source may replace it.",
    request=None,
    responses={200: PricePeriodSerializer, **errors(*WRITE_ERRORS, 404)},
)
class PriceReleaseView(APIView):
    write_permissions = {"POST": ("providers.change_price",)}
    schema = ApiSchema()

    def post(self, request: Request, pk: str) -> Response:
        price = get_price(pk)
        with curation_errors():
            curation.release_price(price, user=request.user)
        return Response(PricePeriodSerializer(price).data)
