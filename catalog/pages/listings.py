"""Reads that join the catalog with prices and scores, shared by the pages and the API: the browser's rows and its
filter vocabulary, a lab's models, the home page's lists. The catalog's own reads are in catalog.selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from benchmarks.selectors import BenchmarkChoice, benchmark_choices
from catalog.facets import NO_FACETS, ModelFacets, facets_of
from catalog.models import Lab, LanguageModel, model_url
from catalog.selectors import lab_choices
from catalog.vocabulary import CAPABILITIES, MODALITIES
from lib.caching import per_version
from providers.models import ChangeEvent
from providers.selectors import biggest_price_moves, provider_choices, with_cheapest_route


def model_list(*, search: str = "") -> QuerySet[LanguageModel]:
    """The catalog browser's rows: lab, modalities, capabilities and cheapest route; 4 queries per page."""
    return browse_models().search(search)


def browse_models() -> QuerySet[LanguageModel]:
    """Every model with its cheapest route, by name: the catalog browser's and the API list's base queryset (their
    rows read the facets from catalog.facets, not from prefetches)."""
    return with_cheapest_route(LanguageModel.objects.all()).order_by("name", "slug")


@dataclass(frozen=True, slots=True)
class BrowseRow:
    """One row of the catalog browser, read flat (`browse_rows`): what the table shows of a model and its
    cheapest route. Modalities and capabilities are names, in their display order."""

    pk: int
    slug: str
    name: str
    url: str
    status: str
    status_label: str
    open_weights: bool | None
    lab_name: str
    context_window: int | None
    release_date: dt.date | None
    cheapest_input_usd: Decimal | None
    cheapest_output_usd: Decimal | None
    cheapest_blended_usd: Decimal | None
    cheapest_provider_name: str | None
    priced_route_count: int
    best_score: Decimal | None
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    capabilities: tuple[str, ...]


# The columns of a browser row read from browse_models() (its cheapest-route annotations included).
ROW_COLUMNS = (
    "pk",
    "slug",
    "name",
    "status",
    "open_weights",
    "lab__name",
    "context_window",
    "release_date",
    "cheapest_input_usd",
    "cheapest_output_usd",
    "cheapest_blended_usd",
    "cheapest_provider_name",
    "priced_route_count",
)
STATUS_LABELS = dict(LanguageModel.Status.choices)


def browse_rows(models: QuerySet[LanguageModel]) -> list[BrowseRow]:
    """A page of browse_models() (filtered, ordered and sliced; `best_score` when sorted by a benchmark) as rows:
    1 query, and 3 for their facets unless they were read since the last change (catalog.facets)."""
    columns = (*ROW_COLUMNS, "best_score") if "best_score" in models.query.annotations else ROW_COLUMNS
    rows = list(models.prefetch_related(None).values_list(*columns))
    facets = facets_of([values[0] for values in rows])
    return [_browse_row(columns, values, facets) for values in rows]


def _browse_row(columns: tuple[str, ...], values: tuple, facets: dict[int, ModelFacets]) -> BrowseRow:
    row = dict(zip(columns, values, strict=True))
    inputs, outputs, capabilities = (tuple(f.name for f in kind) for kind in facets.get(row["pk"], NO_FACETS))
    return BrowseRow(
        pk=row["pk"],
        slug=row["slug"],
        name=row["name"],
        url=model_url(row["slug"]),
        status=row["status"],
        status_label=STATUS_LABELS.get(row["status"], row["status"]),
        open_weights=row["open_weights"],
        lab_name=row["lab__name"],
        context_window=row["context_window"],
        release_date=row["release_date"],
        cheapest_input_usd=row["cheapest_input_usd"],
        cheapest_output_usd=row["cheapest_output_usd"],
        cheapest_blended_usd=row["cheapest_blended_usd"],
        cheapest_provider_name=row["cheapest_provider_name"],
        priced_route_count=row["priced_route_count"],
        best_score=row.get("best_score"),
        input_modalities=inputs,
        output_modalities=outputs,
        capabilities=capabilities,
    )


@dataclass(frozen=True)
class Vocabulary:
    """The values the catalog's filters accept, as (slug, label) pairs: 3 queries (modalities and capabilities are
    the controlled vocabularies every source is held to, so a filter on one no model has yet is valid)."""

    labs: list[tuple[str, str]] = field(default_factory=list)
    providers: list[tuple[str, str]] = field(default_factory=list)
    modalities: list[tuple[str, str]] = field(default_factory=list)
    capabilities: list[tuple[str, str]] = field(default_factory=list)
    benchmarks: list[BenchmarkChoice] = field(default_factory=list)


def browse_vocabulary() -> Vocabulary:
    """The filters' vocabulary: 3 queries on the first call after a data change, then none in that process (it
    changes only when the data does)."""
    return _vocabulary()


@per_version
def _vocabulary() -> Vocabulary:
    return Vocabulary(
        labs=lab_choices(),
        providers=provider_choices(),
        modalities=list(MODALITIES.items()),
        capabilities=sorted(CAPABILITIES.items(), key=lambda item: item[1]),
        benchmarks=benchmark_choices(),
    )


def lab_models(lab: Lab) -> QuerySet[LanguageModel]:
    """A lab's models newest first (undated last) with modalities and cheapest route: 3 queries."""
    return (
        with_cheapest_route(LanguageModel.objects.filter(lab=lab))
        .prefetch_related("input_modalities", "output_modalities")
        .order_by(F("release_date").desc(nulls_last=True), "name", "slug")
    )


# --- the home page ---------------------------------------------------------------------------------------------


def newest_models(*, limit: int = 8) -> list[LanguageModel]:
    """The latest releases with their lab and cheapest route: 1 query."""
    return list(
        with_cheapest_route(LanguageModel.objects.filter(release_date__isnull=False).select_related("lab")).order_by(
            "-release_date", "name"
        )[:limit]
    )


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    rule: str
    condition: Q


LIVE = Q(status__in=[LanguageModel.Status.ACTIVE, LanguageModel.Status.PREVIEW])
WORKLOADS = (
    Workload(
        key="long-context-tools",
        title="Agents with long context",
        rule="active or preview models with a context window of at least 128,000 tokens and tool calling",
        condition=LIVE & Q(context_window__gte=128_000) & Q(capabilities__slug="tool_calling"),
    ),
    Workload(
        key="vision",
        title="Vision",
        rule="active or preview models that accept image input",
        condition=LIVE & Q(input_modalities__slug="image"),
    ),
    Workload(
        key="reasoning",
        title="Reasoning",
        rule="active or preview models with a reasoning mode",
        condition=LIVE & Q(capabilities__slug="reasoning"),
    ),
)


def cheapest_for_workload(workload: Workload, *, limit: int = 3) -> list[LanguageModel]:
    """The models meeting a workload's condition with the lowest 3:1 blended price on their cheapest route,
    ties by name: 1 query."""
    models = LanguageModel.objects.filter(workload.condition).select_related("lab")
    return list(
        with_cheapest_route(models)
        .filter(cheapest_offering_id__isnull=False)
        .order_by("cheapest_blended_usd", "name", "slug")[:limit]
    )


# How many rows each of the home page's lists shows, and how far back its price moves go.
NEWEST_LIMIT = 8
WORKLOAD_LIMIT = 3
PRICE_MOVES_LIMIT = 8
PRICE_MOVES_DAYS = 90


@dataclass(frozen=True)
class HomeLists:
    """What the home page lists: the newest models, the cheapest models of each workload, the biggest price
    moves of the last PRICE_MOVES_DAYS."""

    newest: list[LanguageModel]
    workloads: list[tuple[Workload, list[LanguageModel]]]
    price_moves: list[ChangeEvent]


def home_lists(*, now: dt.datetime | None = None) -> HomeLists:
    """The home page's lists: 5 queries on the first call after a data change, then none in that process while
    the price moves read then are all still recent (1 query after one has aged out, until the next change)."""
    lists = _home_lists()
    since = (now or timezone.now()) - dt.timedelta(days=PRICE_MOVES_DAYS)
    # The moves kept were ranked over a window that began earlier than `since`'s, whose events are a subset of it: while
    # every move kept is still in it, they are its top moves too. Once one has aged out, the ranking is read again.
    if any(move.occurred_at < since for move in lists.price_moves):
        lists = HomeLists(
            newest=lists.newest,
            workloads=lists.workloads,
            price_moves=biggest_price_moves(since=since, limit=PRICE_MOVES_LIMIT),
        )
    return lists


@per_version
def _home_lists() -> HomeLists:
    since = timezone.now() - dt.timedelta(days=PRICE_MOVES_DAYS)
    return HomeLists(
        newest=newest_models(limit=NEWEST_LIMIT),
        workloads=[(w, cheapest_for_workload(w, limit=WORKLOAD_LIMIT)) for w in WORKLOADS],
        price_moves=biggest_price_moves(since=since, limit=PRICE_MOVES_LIMIT),
    )
