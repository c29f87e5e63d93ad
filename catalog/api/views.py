"""The catalog's endpoints under /api/v1/: models (list, count, detail, prices as of a date, price history, curator
writes), labs, compare and the export. Reads go through the selectors; writes only through providers.curation.

Past 500 lines: one view per endpoint, each with its OpenAPI description beside it; each view is short.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponsePermanentRedirect, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benchmarks.selectors import scores_for_model
from catalog import selectors
from catalog.api import queries, rows
from catalog.api.filters import MODEL_FILTER_PARAMETERS, ORDERING_PARAMETER, ApiModelFilter
from catalog.api.serializers import (
    CheapestField,
    CompareSerializer,
    CuratedModelSerializer,
    ExportDocumentSerializer,
    LabDetailSerializer,
    LabSummarySerializer,
    ModelCountSerializer,
    ModelCreateSerializer,
    ModelDetailSerializer,
    ModelPriceHistorySerializer,
    ModelPricesSerializer,
    ModelSummarySerializer,
    ModelUpdateSerializer,
    UnlockResultSerializer,
    UnlockSerializer,
    model_api_path,
)
from catalog.models import LanguageModel
from catalog.pages import listings
from catalog.pages.compare import compared_models, model_index, resolve
from catalog.pages.export import EXPORT_CSV_COLUMNS, iter_export_csv, iter_export_json
from catalog.pages.forms import MAX_MODELS, parse_model_list, validate_model_count
from lib.api.fields import ErrorSerializer
from lib.api.plumbing import CachingHeadersMixin, Pagination
from providers import curation
from providers.history import price_periods_for_model
from providers.pricing.costing import RouteFilter, live_routes
from providers.selectors import offerings_for_model

MAX_ID_LENGTH = 255  # the longest id a source may use (ModelAlias.external_id)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No model (or alias of one) with this slug.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="A parameter or field is invalid: `errors` names it.")
NO_SUCH_PAGE = OpenApiResponse(ErrorSerializer, description="`page` is past the last page (or not a page number).")
MOVED = OpenApiResponse(ErrorSerializer, description="An alias: `Location` is the canonical model's path on this site.")
WRITE_ERRORS = {
    400: BAD_INPUT,
    401: OpenApiResponse(ErrorSerializer, description="No API token was sent."),
    403: OpenApiResponse(
        ErrorSerializer, description="The token's account lacks the model permission this write needs (as in admin)."
    ),
}
LAB_MODEL_PATH = [
    OpenApiParameter(
        "lab",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="the lab part of the slug",
        examples=[OpenApiExample("openai", value="openai")],
    ),
    OpenApiParameter(
        "model",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="the model part (or an id another source uses)",
        examples=[OpenApiExample("gpt-4o-mini", value="gpt-4o-mini")],
    ),
]


# --- finding a model by its slug, or redirecting an alias ---------------------------------------------------------


class MovedPermanently(Exception):  # noqa: N818 - a signal carrying the canonical URL, not an error
    def __init__(self, location: str, message: str) -> None:
        self.location, self.message = location, message

    def response(self) -> HttpResponsePermanentRedirect:
        body = json.dumps({"detail": self.message})
        return HttpResponsePermanentRedirect(self.location, content=body, content_type="application/json")


def _resolve_alias(lab: str, model: str) -> LanguageModel | None:
    """The model an id names: the whole `lab/model` as some source writes it, else the model part alone."""
    return selectors.resolve_alias(f"{lab}/{model}") or selectors.resolve_alias(model)


def _check_id(lab: str, model: str) -> str:
    slug = f"{lab}/{model}"
    if "\x00" in slug or len(slug) > MAX_ID_LENGTH:
        raise NotFound("No model has this id.")
    return slug


class ModelLookupMixin:
    """A view under models/<lab>/<model>/: reads of an alias answer 301 to the canonical model's same endpoint
    (query string kept); an unknown slug is a 404. Writes never follow an alias: they name the canonical slug."""

    url_name = "api-model-detail"

    def alias_target(self, request: Request, lab: str, model: str) -> LanguageModel:
        target = _resolve_alias(lab, model) if request.method in ("GET", "HEAD") else None
        if target is None:
            raise NotFound(f"No model {lab}/{model}.")
        location = model_api_path(target.slug, self.url_name)
        if query := request.META.get("QUERY_STRING"):
            location += f"?{query}"
        raise MovedPermanently(location, f"{lab}/{model} is another name for {target.slug}.")

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, MovedPermanently):
            return exc.response()
        return super().handle_exception(exc)  # type: ignore[misc]

    def find_model(self, request: Request, lab: str, model: str) -> LanguageModel:
        """The model with just its own row: 1 query."""
        found = LanguageModel.objects.filter(slug=_check_id(lab, model)).first()
        return found if found is not None else self.alias_target(request, lab, model)

    def model_page(self, request: Request, lab: str, model: str) -> LanguageModel:
        """The model with its lab, facets, successor and aliases (catalog.selectors.model_page): 5 queries."""
        found = selectors.model_page(_check_id(lab, model))
        return found if found is not None else self.alias_target(request, lab, model)


CHEAPEST_FIELDS = (CheapestField.present, *rows.CHEAPEST.columns)  # the annotations `cheapest` reads


def model_document(model: LanguageModel) -> LanguageModel:
    """Attach what the detail shows beyond the model page's own rows: the cheapest route's annotations, every route
    with its current prices and the scores. 4 queries."""
    cheapest = queries.with_cheapest(LanguageModel.objects.filter(pk=model.pk)).values(*CHEAPEST_FIELDS).first()
    for name, value in (cheapest or dict.fromkeys(CHEAPEST_FIELDS)).items():
        setattr(model, name, value)
    model.routes = offerings_for_model(model)
    model.model_scores = list(scores_for_model(model))
    return model


def _curation_errors(error: DjangoValidationError) -> ValidationError:
    """providers.curation's {field: message} as a 400 naming those fields."""
    if hasattr(error, "error_dict"):
        return ValidationError({field: list(messages) for field, messages in error.message_dict.items()})
    return ValidationError({"non_field_errors": error.messages})


def _flat_errors(errors: Any) -> Any:
    """DRF's errors for list items ({"capabilities": {0: [...]}}) as plain messages, so `errors` is always
    {field: [message, ...]}."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for name, value in errors.items():
            if isinstance(value, dict):
                flat[str(name)] = [
                    f"item {index}: {message}" for index, messages in value.items() for message in messages
                ]
            else:
                flat[str(name)] = [str(message) for message in value]
        return flat
    return errors


def _valid_input(serializer: serializers.Serializer) -> dict[str, Any]:
    if not serializer.is_valid():
        raise ValidationError(_flat_errors(serializer.errors))
    return serializer.validated_data


# --- models --------------------------------------------------------------------------------------------------------


# The parameters ApiModelFilter reads: a request with none of them is the unfiltered list in its default order.
FILTER_PARAMETERS = frozenset(ApiModelFilter.base_filters)
_listing = rows.built_once(lambda: queries.with_cheapest_provider(listings.browse_models()))


class ModelFilterMixin:
    search_result = None

    def filtered_models(self, request: Request) -> QuerySet[LanguageModel]:
        """The list's rows (catalog.pages.listings.browse_models plus the cheapest route's provider slug), filtered and
        ordered by the page's ModelFilter: 3 vocabulary queries, then the rows. Without a filter parameter the
        FilterSet would change nothing: it is not built (nor its vocabularies read)."""
        models = _listing()
        if FILTER_PARAMETERS.isdisjoint(request.query_params):
            return models
        filters = ApiModelFilter(request.query_params, queryset=models)
        if not filters.is_valid():
            raise ValidationError(filters.errors_by_parameter())
        models = filters.qs
        self.search_result = filters.search_result  # set while the filters ran: how `q` matched, if given
        return models


SEARCH_MATCHES = ["words", "close", "none"]


class ModelListPagination(Pagination):
    """The list's pages, plus how a search (`q`) matched and its "did you mean" suggestions, as on /models/:
    `search_match` is `words` (every word found), `close` (nothing matched exactly: the models a small typo away)
    or `none` (nothing found), null without a search; `suggestions` are the models whose names are closest to
    the query when it had to guess (`close`) or found nothing (`none`), best first, else empty."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list | None:
        self.search_result = getattr(view, "search_result", None)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        result = self.search_result
        response.data["search_match"] = result.how if result else None
        response.data["suggestions"] = [
            {"slug": slug, "name": name, "url": self.request.build_absolute_uri(model_api_path(slug))}
            for name, slug in (result.suggestions if result and result.how != "words" else ())
        ]
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["search_match"] = {
            "type": "string",
            "enum": [*SEARCH_MATCHES, None],
            "nullable": True,
            "description": "How `q` matched: `words` (every word of it found), `close` (no exact match: the models "
            "a small typo away), `none` (nothing found); null without `q`.",
        }
        paginated["properties"]["suggestions"] = {
            "type": "array",
            "description": "Did you mean: the models whose names are closest to `q`, best first, when the search "
            "had to guess (`close`) or found nothing (`none`); empty otherwise.",
            "items": {
                "type": "object",
                "required": ["slug", "name", "url"],
                "properties": {
                    "slug": {"type": "string", "example": "openai/gpt-4o"},
                    "name": {"type": "string", "example": "GPT-4o"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        }
        paginated["required"] = [*paginated.get("required", []), "search_match", "suggestions"]
        return paginated


class ModelListView(CachingHeadersMixin, ModelFilterMixin, generics.ListAPIView):
    """GET: the models, filtered, ordered and paginated. POST (staff): add a model."""

    write_permissions = {"POST": ("catalog.add_languagemodel",)}

    serializer_class = ModelSummarySerializer
    pagination_class = ModelListPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[LanguageModel]:
        return self.filtered_models(self.request)

    @extend_schema(
        operation_id="models_list",
        summary="Models, filtered and ordered",
        description="Every model with its facts and its cheapest route (standard base-tier prices, USD per 1M "
        "tokens). Filters combine with AND.",
        parameters=[*MODEL_FILTER_PARAMETERS, ORDERING_PARAMETER],
        responses={200: ModelSummarySerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page's rows as dicts rendered by the serializer's fields (catalog.api.rows): count, rows, facets."""
        page = self.paginate_queryset(rows.summary_rows(self.get_queryset()))
        return self.get_paginated_response(rows.summaries(page or [], request))

    @extend_schema(
        operation_id="models_create",
        summary="Add a model (staff)",
        description="Creates a model through the curation service: every fact given is the curator's and locked "
        "against syncs; a change event and a history row record who did it.",
        request=ModelCreateSerializer,
        responses={201: CuratedModelSerializer, **WRITE_ERRORS},
        examples=[
            OpenApiExample(
                "A new model",
                value={"lab": "openai", "slug": "gpt-5-nano", "name": "GPT-5 nano", "context_window": 400000},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = dict(_valid_input(ModelCreateSerializer(data=request.data)))
        lab, slug_part, name = data.pop("lab"), data.pop("slug"), data.pop("name")
        try:
            model = curation.create_model(lab=lab, slug_part=slug_part, name=name, user=request.user, **data)
        except DjangoValidationError as error:
            raise _curation_errors(error) from error
        model = model_document(selectors.model_page(model.slug))
        model.changed_fields = sorted(model.locked_fields)
        body = CuratedModelSerializer(model, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": model_api_path(model.slug)})


class ModelCountView(CachingHeadersMixin, ModelFilterMixin, APIView):
    """How many models the same filters as the list keep."""

    @extend_schema(
        operation_id="models_count",
        summary="How many models match",
        parameters=MODEL_FILTER_PARAMETERS,
        responses={200: ModelCountSerializer, 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        return Response({"count": self.filtered_models(request).count()})


class ModelDetailView(CachingHeadersMixin, ModelLookupMixin, APIView):
    """GET: one model, whole. PATCH (staff): edit its facts, which locks them against syncs."""

    write_permissions = {"PATCH": ("catalog.change_languagemodel",)}

    @extend_schema(
        operation_id="models_retrieve",
        summary="One model: facts, aliases, routes with every current price, scores",
        parameters=LAB_MODEL_PATH,
        responses={200: ModelDetailSerializer, 301: MOVED, 404: NOT_FOUND},
    )
    def get(self, request: Request, lab: str, model: str) -> Response:
        # ModelDetailSerializer's fields from flat queries (catalog.api.rows.detail): 5 queries. (A docstring here
        # would replace the operation's description in the OpenAPI document.)
        document = rows.detail(_check_id(lab, model), request)
        if document is None:
            self.alias_target(request, lab, model)
        return Response(document)

    @extend_schema(
        operation_id="models_partial_update",
        summary="Edit a model's facts (staff)",
        description="Only the fields sent change; each changed fact is locked against syncs (see `locked_fields`; "
        "lift a lock with unlock/). Validation is the admin's: a bad value is a 400 naming its field.",
        parameters=LAB_MODEL_PATH,
        request=ModelUpdateSerializer,
        responses={200: CuratedModelSerializer, 404: NOT_FOUND, **WRITE_ERRORS},
        examples=[OpenApiExample("Correct the context window", value={"context_window": 131072}, request_only=True)],
    )
    def patch(self, request: Request, lab: str, model: str) -> Response:
        found = self.model_page(request, lab, model)
        changes = dict(_valid_input(ModelUpdateSerializer(data=request.data)))
        try:
            changed = curation.edit_model(found, changes, user=request.user)
        except DjangoValidationError as error:
            raise _curation_errors(error) from error
        found = model_document(selectors.model_page(found.slug))
        found.changed_fields = changed
        return Response(CuratedModelSerializer(found, context={"request": request}).data)


class ModelUnlockView(ModelLookupMixin, APIView):
    """Lift a curator's locks on some of a model's facts (staff)."""

    write_permissions = {"POST": ("catalog.change_languagemodel",)}

    @extend_schema(
        operation_id="models_unlock",
        summary="Lift curator locks (staff)",
        description="The next sync may change these facts again. Fields that were not locked are ignored.",
        parameters=LAB_MODEL_PATH,
        request=UnlockSerializer,
        responses={200: UnlockResultSerializer, 404: NOT_FOUND, **WRITE_ERRORS},
        examples=[OpenApiExample("Unlock", value={"fields": ["context_window"]}, request_only=True)],
    )
    def post(self, request: Request, lab: str, model: str) -> Response:
        found = self.find_model(request, lab, model)
        fields = _valid_input(UnlockSerializer(data=request.data))["fields"]
        found.unlocked_fields = curation.unlock_fields(found, fields, user=request.user)
        return Response(UnlockResultSerializer(found).data)


class AsOfQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])


class ModelPricesView(CachingHeadersMixin, ModelLookupMixin, APIView):
    """The prices in force at the end of a day (UTC), or now, grouped by route."""

    url_name = "api-model-prices"

    @extend_schema(
        operation_id="models_prices",
        summary="The prices in force on a date",
        description="Every price of every route that was in force at the end of `as_of` (23:59:59.999999 UTC), "
        "grouped by route; without `as_of`, the current prices. Routes with no price then are left out, so a date "
        "before any price gives an empty `routes` list.",
        parameters=[
            *LAB_MODEL_PATH,
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description="YYYY-MM-DD (UTC); default: now",
                examples=[OpenApiExample("A date", value="2025-01-01")],
            ),
        ],
        responses={200: ModelPricesSerializer, 301: MOVED, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request: Request, lab: str, model: str) -> Response:
        found = self.find_model(request, lab, model)
        if request.query_params.get("as_of", None) == "":  # DRF reads an empty optional value as absent
            raise ValidationError({"as_of": ["A date (YYYY-MM-DD); leave the parameter out for today's prices."]})
        as_of = _valid_input(AsOfQuery(data=request.query_params)).get("as_of")
        moment = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC) if as_of else None
        routes = queries.routes_in_force(found, moment)
        document = {"model": found, "as_of": as_of, "in_force_at": moment or timezone.now(), "routes": routes}
        return Response(ModelPricesSerializer(document).data)


class ModelPriceHistoryView(CachingHeadersMixin, ModelLookupMixin, APIView):
    """Every price period of every route of a model."""

    url_name = "api-model-price-history"

    @extend_schema(
        operation_id="models_price_history",
        summary="Every price period of every route",
        description="All price rows, closed and open, oldest first per route: `effective_to` is null while a "
        "price is in force. Retired routes are included.",
        parameters=LAB_MODEL_PATH,
        responses={200: ModelPriceHistorySerializer, 301: MOVED, 404: NOT_FOUND},
    )
    def get(self, request: Request, lab: str, model: str) -> Response:
        found = self.find_model(request, lab, model)
        periods = price_periods_for_model(found)
        routes = queries.routes(found)
        for route in routes:
            route.periods = periods.get(route.pk, [])
        return Response(ModelPriceHistorySerializer({"model": found, "routes": routes}).data)


# --- labs ----------------------------------------------------------------------------------------------------------


class LabListView(CachingHeadersMixin, generics.ListAPIView):
    """Every lab with how many models it has and its latest release."""

    serializer_class = LabSummarySerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return selectors.lab_directory()

    @extend_schema(
        operation_id="labs_list",
        summary="Labs, with their number of models and latest release",
        responses={200: LabSummarySerializer, 404: NO_SUCH_PAGE},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class LabDetailView(CachingHeadersMixin, APIView):
    """A lab with its models, newest first."""

    @extend_schema(
        operation_id="labs_retrieve",
        summary="A lab and its models, newest first, each with its cheapest route",
        parameters=[
            OpenApiParameter(
                "slug", OpenApiTypes.STR, OpenApiParameter.PATH, examples=[OpenApiExample("openai", value="openai")]
            )
        ],
        responses={200: LabDetailSerializer, 404: OpenApiResponse(ErrorSerializer, description="No such lab.")},
    )
    def get(self, request: Request, slug: str) -> Response:
        lab = selectors.lab_page(slug) if "\x00" not in slug else None
        if lab is None:
            raise NotFound(f"No lab {slug}.")
        models = list(queries.with_cheapest_provider(listings.lab_models(lab)))
        for model in models:
            model.lab = lab  # every row's lab is this one: no query per row
        lab.model_rows = models
        return Response(LabDetailSerializer(lab, context={"request": request}).data)


# --- compare -------------------------------------------------------------------------------------------------------


class CompareView(CachingHeadersMixin, APIView):
    """2 to 4 models side by side."""

    @extend_schema(
        operation_id="compare",
        summary="2 to 4 models side by side",
        description="Each model's facts, capabilities, cheapest route (the list's choice) with every current "
        "price, and scores. Models may be named by canonical slug, exact name, or any source's id.",
        parameters=[
            OpenApiParameter(
                "models",
                OpenApiTypes.STR,
                required=True,
                description="2 to 4 comma-separated ids: canonical slugs, exact names or any source's ids",
                examples=[OpenApiExample("Two models", value="openai/gpt-4o-mini,anthropic/claude-sonnet-4-5")],
            )
        ],
        responses={200: CompareSerializer, 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        ids = parse_model_list(",".join(request.query_params.getlist("models")))
        if len(ids) > MAX_MODELS * 2:  # refused whatever they name: a long list must not cost a query per item
            _refuse(f"Compare shows at most {MAX_MODELS} models side by side; this list has {len(ids)}.")
        index = model_index()
        found = {text: resolve(text, index) if _plausible_id(text) else None for text in ids}
        unknown = [text for text, entry in found.items() if entry is None]
        if unknown:
            _refuse(f"No model is called {', '.join(repr(text) for text in unknown)}.")
        chosen = list(dict.fromkeys(entry.pk for entry in found.values()))
        try:
            validate_model_count(len(chosen))
        except DjangoValidationError as error:
            _refuse(*error.messages)
        models = compared_models(chosen)
        routes = {route.pk: route for route in live_routes(RouteFilter(model_ids=tuple(chosen)))}
        return Response(CompareSerializer({"models": models}, context={"request": request, "routes": routes}).data)


def _plausible_id(text: str) -> bool:
    return "\x00" not in text and len(text) <= MAX_ID_LENGTH


def _refuse(*messages: str) -> None:
    raise ValidationError({"models": list(messages)})


# --- export --------------------------------------------------------------------------------------------------------


class FirstRenderer(BaseContentNegotiation):
    """The export's format is chosen by `?format=`, not by the Accept header (a client asking for text/csv gets
    JSON errors rather than a 406)."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


class ExportQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "csv"], required=False, default="json")


class ExportView(CachingHeadersMixin, APIView):
    """The whole catalog, streamed: the export format (JSON) or one CSV row per current price."""

    content_negotiation_class = FirstRenderer

    @extend_schema(
        operation_id="export",
        summary="The whole catalog",
        description="JSON: the export format 1.0 (docs/export-format.md), every model with its routes, current "
        "prices and scores. `?format=csv`: one row per current price, columns "
        f"{', '.join(EXPORT_CSV_COLUMNS)} (empty cells for unknown values, `tier_min_tokens` empty for a base "
        "price; a cell starting with =, +, -, @, a tab or a return gets a leading apostrophe, so that a spreadsheet "
        "shows it as text instead of running it as a formula). Both are streamed.",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="default: json"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(ExportDocumentSerializer, description="The export document."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per current price."),
            (400, "application/json"): BAD_INPUT,
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        chosen = _valid_input(ExportQuery(data=request.query_params))["format"]
        if chosen == "csv":
            response = StreamingHttpResponse(iter_export_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="llm-catalog-prices.csv"'
            return response
        return StreamingHttpResponse(iter_export_json(), content_type="application/json")
