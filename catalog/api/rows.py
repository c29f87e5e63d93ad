"""The models list's rows and the model detail as plain dicts from flat queries (`values()`), rendered field by field
by the serializers' own fields (lib.api.flat): ModelSummarySerializer and ModelDetailSerializer stay the one
declaration of what these answers hold (and of their OpenAPI schema); this module only reads what they name.

Building a model instance, prefetched facets and a nested serializer per row, and two reverse() calls per row, were
most of a cold list's time (issue 18); the JSON is the same (tests/api/test_flat_rows.py holds it to the
serializers, model by model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import FilteredRelation, OuterRef, QuerySet, Subquery

from benchmarks.selectors import model_scores
from catalog.api.queries import with_cheapest
from catalog.api.serializers import (
    CheapestField,
    CheapestRouteSerializer,
    ModelDetailSerializer,
    ModelSummarySerializer,
    SlugList,
    model_api_path,
)
from catalog.facets import RELATIONS as FACET_RELATIONS
from catalog.facets import facets_of
from catalog.models import LanguageModel
from catalog.selectors import aliases_of
from catalog.vocabulary import SLUG_PART_RE
from lib.api.flat import FlatSerializer, Getter, Row, column
from providers.models import Offering, Price, current_price
from providers.selectors import ROUTE_ORDER

# --- queries built once -------------------------------------------------------------------------------------------


def built_once(build: Callable[[], QuerySet[Any, Any]]) -> Callable[[], QuerySet[Any, Any]]:
    """A queryset built on first use, then copied per call: building one (annotations, joins, values) costs about as
    much as compiling it to SQL, a copy ~0.05 ms; the kept one is never evaluated, so it holds no rows."""
    kept = cache(build)
    return lambda: kept().all()


# --- links --------------------------------------------------------------------------------------------------------

LAB_SLOT, MODEL_SLOT = "lab-slot", "model-slot"  # stand-ins for a slug's parts in a reversed path


def _split(url: str) -> tuple[str, str, str]:
    before, rest = url.split(LAB_SLOT, 1)
    middle, after = rest.split(MODEL_SLOT, 1)
    return before, middle, after


@dataclass(frozen=True)
class SlugLinks:
    """A model's `url` (this API) and `page` (the site) by its slug: reversed and made absolute once per answer
    (serializers.ModelLinks's way, with stand-in parts), then formatted per row. A slug that is not plain ASCII slug
    parts (which reverse() would quote) takes ModelLinks's way itself."""

    api: tuple[str, str, str]
    page: tuple[str, str, str]
    request: Any

    @classmethod
    def of(cls, request: Any) -> SlugLinks:
        probe = LanguageModel(slug=f"{LAB_SLOT}/{MODEL_SLOT}")
        return cls(
            _split(_absolute(request, model_api_path(probe.slug))),
            _split(_absolute(request, probe.get_absolute_url())),
            request,
        )

    def url(self, slug: str) -> str:
        return self._format(self.api, slug) or _absolute(self.request, model_api_path(slug))

    def page_url(self, slug: str) -> str:
        return self._format(self.page, slug) or _absolute(self.request, LanguageModel(slug=slug).get_absolute_url())

    @staticmethod
    def _format(parts: tuple[str, str, str], slug: str) -> str | None:
        lab, _, model = slug.partition("/")
        if not (SLUG_PART_RE.match(lab) and SLUG_PART_RE.match(model)):
            return None
        return f"{parts[0]}{lab}{parts[1]}{model}{parts[2]}"


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _url(row: Row, links: SlugLinks) -> str:
    return links.url(row["slug"])


def _page(row: Row, links: SlugLinks) -> str:
    return links.page_url(row["slug"])


# --- facets and the cheapest route --------------------------------------------------------------------------------


def _sorted_slugs(field: SlugList) -> Getter:
    key = column(field)

    def get(row: Row, context: Any) -> list[str]:
        return sorted(row[key])

    return get


CHEAPEST = FlatSerializer(CheapestRouteSerializer)


def _cheapest(field: CheapestField) -> Getter:
    def get(row: Row, context: Any) -> dict[str, Any] | None:
        return None if row[field.present] is None else CHEAPEST.render(row, context)

    return get


def facet_relations(flat: FlatSerializer) -> tuple[str, ...]:
    """The many-to-many relations whose slugs a serializer lists (its SlugList fields): catalog.facets' relations."""
    fields = flat.serializer_class().fields.values()
    relations = tuple(column(field) for field in fields if isinstance(field, SlugList))
    if unknown := set(relations) - set(FACET_RELATIONS):
        raise TypeError(f"{flat.serializer_class.__name__}: {', '.join(sorted(unknown))} are not facets")
    return relations


def facet_slugs(model_ids: Sequence[int], relations: tuple[str, ...]) -> dict[int, dict[str, list[str]]]:
    """{model id: {relation: [slug, ...]}} for the facet relations a serializer lists (catalog.facets: 3 queries for
    the models not read since the last change, none when all were)."""
    facets = facets_of(model_ids)
    return {pk: {name: [f.slug for f in getattr(facets[pk], name)] for name in relations} for pk in model_ids}


TYPES: dict[type, Any] = {SlugList: _sorted_slugs, CheapestField: _cheapest}
LINKS = {"url": _url, "page": _page}

# --- the list -----------------------------------------------------------------------------------------------------

SUMMARY = FlatSerializer(ModelSummarySerializer, types=TYPES, names=LINKS)
SUMMARY_FACETS = facet_relations(SUMMARY)
SUMMARY_COLUMNS = tuple(dict.fromkeys(("id", CheapestField.present, *SUMMARY.columns, *CHEAPEST.columns)))


def summary_rows(models: QuerySet[LanguageModel]) -> QuerySet[LanguageModel, dict[str, Any]]:
    """The list's rows as dicts, from a queryset with the cheapest route's annotations (queries.with_cheapest):
    its filters and order kept, its prefetches dropped (summaries() reads the facets of one page)."""
    return models.prefetch_related(None).values(*SUMMARY_COLUMNS)


def summaries(rows: Sequence[dict[str, Any]], request: Any) -> list[dict[str, Any]]:
    """A page of summary_rows() as the list shows them: the facets' 3 queries unless they were read since the last
    change."""
    links = SlugLinks.of(request)
    facets = facet_slugs([row["id"] for row in rows], SUMMARY_FACETS)
    return [SUMMARY.render({**row, **facets[row["id"]]}, links) for row in rows]


# --- one model ----------------------------------------------------------------------------------------------------

DETAIL = FlatSerializer(ModelDetailSerializer, types=TYPES, names=LINKS)
DETAIL_FACETS = facet_relations(DETAIL)
DETAIL_COLUMNS = tuple(dict.fromkeys(("id", CheapestField.present, *DETAIL.columns, *CHEAPEST.columns)))
ALIASES_KEY, _ = DETAIL.lists["aliases"]  # rows from catalog.selectors.aliases_of
ROUTES_KEY, ROUTE = DETAIL.lists["offerings"]
PRICES_KEY, PRICE = ROUTE.lists["prices"]
SCORES_KEY, SCORE = DETAIL.lists["scores"]


def _model_rows_query() -> QuerySet[LanguageModel, dict[str, Any]]:
    """The detail's model row. A column that reads another model's field (`successor__slug`, `snapshot_of__slug`)
    is a scalar subquery: as joins of the model table to itself beside the cheapest route's three, they made
    PostgreSQL plan for 1.2-1.8 ms a query that runs in 0.1 ms (0.3 ms with the subqueries)."""
    columns, others = [], {}
    for name in DETAIL_COLUMNS:
        relation, _, attribute = name.partition("__")
        field = _own_field(relation) if attribute and "__" not in attribute else None
        if field is not None and field.many_to_one and field.related_model is LanguageModel:
            other = LanguageModel.objects.filter(pk=OuterRef(field.attname)).values(attribute)[:1]
            others[name] = Subquery(other)
        else:
            columns.append(name)
    return with_cheapest(LanguageModel.objects.all()).values(*columns, **others)


def _own_field(name: str) -> Any:
    try:
        return LanguageModel._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# A route's current prices ride on its row, through a join on the prices in force; within one route they keep
# Price's own order (its leading `offering` term is the same for all of them).
PRICE_JOIN = "current_price"
PRICE_ORDER = tuple(
    f"{'-' if term.startswith('-') else ''}{PRICE_JOIN}__{term.lstrip('-')}"
    for term in Price._meta.ordering
    if term.lstrip("-") != "offering"
)
ROUTE_KEYS = tuple(dict.fromkeys(("id", *ROUTE.columns)))
PRICE_KEYS = {f"{PRICE_JOIN}__{name}": name for name in PRICE.columns}
PRICE_PRESENT = f"{PRICE_JOIN}__id"

# The detail's queries.
_model_rows = built_once(_model_rows_query)
_route_rows = built_once(
    lambda: (
        Offering.objects.annotate(**{PRICE_JOIN: FilteredRelation("prices", condition=current_price("prices__"))})
        .order_by(*ROUTE_ORDER, "pk", *PRICE_ORDER)
        .values(*ROUTE_KEYS, PRICE_PRESENT, *PRICE_KEYS)
    )
)
_score_rows = built_once(lambda: model_scores().values(*SCORE.columns))


def _routes_with_prices(pk: int) -> list[dict[str, Any]]:
    """The model's routes, each with its current prices: 1 query (a row per route and price in force)."""
    routes: list[dict[str, Any]] = []
    for joined in _route_rows().filter(model_id=pk):
        if not routes or routes[-1]["id"] != joined["id"]:
            routes.append({**{key: joined[key] for key in ROUTE_KEYS}, PRICES_KEY: []})
        if joined[PRICE_PRESENT] is not None:
            routes[-1][PRICES_KEY].append({name: joined[key] for key, name in PRICE_KEYS.items()})
    return routes


def detail(slug: str, request: Any) -> dict[str, Any] | None:
    """The model with this canonical slug as its detail shows it, or None: 3 queries (the model with its lab,
    successor, snapshot and cheapest route; routes with their current prices; scores), and its facets' 3 and the
    aliases' 1 unless they were read since the last change."""
    found = list(_model_rows().filter(slug=slug)[:1])  # a unique slug: no ORDER BY for the planner to weigh
    if not found:
        return None
    row = found[0]
    pk = row["id"]
    row.update(facet_slugs([pk], DETAIL_FACETS)[pk])
    row[ALIASES_KEY] = [alias._asdict() for alias in aliases_of(pk)]
    row[ROUTES_KEY] = _routes_with_prices(pk)
    row[SCORES_KEY] = list(_score_rows().filter(model_id=pk))
    return DETAIL.render(row, SlugLinks.of(request))
