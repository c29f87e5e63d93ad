"""The filters of GET /api/v1/models/ and /api/v1/models/count/: the catalog browser's ModelFilter under API names.

The API filters exactly as the /models/ page does (same FilterSet, same vocabularies, same errors); it only renames
the price filters (`max_input_price`, `max_output_price`), takes `open_weights=true|false`, adds `released_before`
and orders with `ordering` (a leading "-" for descending) instead of the page's `sort`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, OrderBy, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from catalog.models import LanguageModel
from catalog.pages.filters import MAX_PRICE, DecimalFilter, ModelFilter
from catalog.vocabulary import CAPABILITIES, MAX_TOKENS, MODALITIES

# ordering key -> the annotation or field it sorts on. Unknown values (no price, no date) always come last, in
# either direction; ties by name, then slug.
ORDERINGS: dict[str, str] = {
    "name": "name",
    "price": "cheapest_input_usd",
    "blended": "cheapest_blended_usd",
    "context": "context_window",
    "release_date": "release_date",
}
ORDERING_CHOICES = [(key, key) for name in ORDERINGS for key in (name, f"-{name}")]


def ordering_terms(key: str) -> list[OrderBy | str]:
    name = key.removeprefix("-")
    column = F(ORDERINGS[name])
    first = column.desc(nulls_last=True) if key.startswith("-") else column.asc(nulls_last=True)
    return [first, "slug"] if name == "name" else [first, "name", "slug"]


class ApiModelFilter(ModelFilter):
    # The page's names for these are replaced by the API's.
    max_input = None
    max_output = None
    retired = None  # the API lists retired models unless `status` says otherwise

    max_input_price = DecimalFilter(
        field_name="cheapest_input_usd",
        lookup_expr="lte",
        label="Max. input price (USD per 1M tokens, cheapest route)",
        min_value=0,
        max_value=MAX_PRICE,
    )
    max_output_price = DecimalFilter(
        field_name="cheapest_output_usd",
        lookup_expr="lte",
        label="Max. output price (USD per 1M tokens, cheapest route)",
        min_value=0,
        max_value=MAX_PRICE,
    )
    open_weights = django_filters.ChoiceFilter(
        method="filter_open_weights_flag",
        label="Open weights",
        choices=[("true", "Open weights"), ("false", "Not open (or unknown)")],
    )
    released_before = django_filters.DateFilter(
        field_name="release_date", lookup_expr="lte", label="Released on or before"
    )
    # Declared last, so it is applied after every filter (and after the page's `sort`, should a client send one).
    ordering = django_filters.ChoiceFilter(method="filter_ordering", label="Ordering", choices=ORDERING_CHOICES)

    def filter_open_weights_flag(
        self, queryset: QuerySet[LanguageModel], name: str, value: str
    ) -> QuerySet[LanguageModel]:
        return self.filter_open_weights(queryset, name, "yes" if value == "true" else "no")

    def filter_ordering(self, queryset: QuerySet[LanguageModel], name: str, value: str) -> QuerySet[LanguageModel]:
        return queryset.order_by(*ordering_terms(value))

    def errors_by_parameter(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in messages] for name, messages in self.errors.items()}


def _query(name: str, type_: Any, description: str, **kwargs: Any) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


# A price filter: a plain decimal from 0 to MAX_PRICE (1,000,000 USD per 1M tokens), as the filter checks it.
PRICE_LIMIT_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^([0-9]{1,6}(\.[0-9]+)?|1000000(\.0+)?)$",
    "description": "0 to 1,000,000",
}

MODEL_FILTER_PARAMETERS = [
    _query(
        "q",
        OpenApiTypes.STR,
        "Search: the words of a model's name, canonical slug or any source's id for it; spacing, punctuation and "
        "small typos are forgiven (the browser's search).",
    ),
    _query("lab", OpenApiTypes.STR, "A lab's slug (see labs/), e.g. `openai`."),
    _query("provider", OpenApiTypes.STR, "Served by this provider (slug) on a route that is not retired."),
    _query("input_modality", OpenApiTypes.STR, "Accepts this input.", enum=list(MODALITIES)),
    _query("output_modality", OpenApiTypes.STR, "Produces this output.", enum=list(MODALITIES)),
    _query(
        "capability",
        {"type": "array", "items": {"type": "string", "enum": list(CAPABILITIES)}},
        "Has this capability; repeat the parameter to require several (all must hold).",
        explode=True,
    ),
    _query(
        "min_context",
        {"type": "integer", "minimum": 1, "maximum": MAX_TOKENS},
        "Context window of at least this many tokens.",
    ),
    _query(
        "max_input_price",
        PRICE_LIMIT_SCHEMA,
        "Cheapest route's standard input price at most this (USD per 1M tokens, 0 to 1,000,000), e.g. `1` or `0.5`.",
    ),
    _query(
        "max_output_price",
        PRICE_LIMIT_SCHEMA,
        "Cheapest route's standard output price at most this (USD per 1M tokens, 0 to 1,000,000).",
    ),
    _query(
        "open_weights",
        OpenApiTypes.STR,
        "`true`: open weights; `false`: not open or unknown.",
        enum=["true", "false"],
    ),
    _query("status", OpenApiTypes.STR, "Lifecycle status.", enum=LanguageModel.Status.values),
    _query("released_after", OpenApiTypes.DATE, "Released on or after this date (YYYY-MM-DD)."),
    _query("released_before", OpenApiTypes.DATE, "Released on or before this date (YYYY-MM-DD)."),
]
ORDERING_PARAMETER = _query(
    "ordering",
    OpenApiTypes.STR,
    "`price` (cheapest route's input price), `blended` (3:1 input:output), `context`, `release_date` or `name` "
    "(the default); prefix `-` for descending. Models without a value come last either way; ties by name.",
    enum=[key for key, _ in ORDERING_CHOICES],
)
