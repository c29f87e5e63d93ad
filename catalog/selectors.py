"""Reads of labs and models used by pages and the API.

Cross-app reads (prices, scores) go through the other apps' selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet

from benchmarks.selectors import BenchmarkChoice, benchmark_choices
from catalog.models import Lab, LanguageModel, ModelAlias
from catalog.vocabulary import CAPABILITIES, MODALITIES
from providers.selectors import provider_choices, with_cheapest_route


def model_list(*, search: str = "") -> QuerySet[LanguageModel]:
    """The catalog browser's rows: lab, modalities, capabilities and cheapest route; 4 queries per page."""
    return browse_models().search(search)


def browse_models() -> QuerySet[LanguageModel]:
    """Every model with its facets and cheapest route, by name: the catalog browser's base queryset (count,
    rows, 3 facet prefetches per page)."""
    return with_cheapest_route(LanguageModel.objects.with_facets()).order_by("name", "slug")


@dataclass(frozen=True)
class Vocabulary:
    """The values the catalog's filters accept, as (slug, label) pairs: 3 queries (modalities and capabilities are
    the controlled vocabularies every source is held to, so a filter on one no model has yet is valid)."""

    labs: list[tuple[str, str]] = field(default_factory=list)
    providers: list[tuple[str, str]] = field(default_factory=list)
    modalities: list[tuple[str, str]] = field(default_factory=list)
    capabilities: list[tuple[str, str]] = field(default_factory=list)
    benchmarks: list[BenchmarkChoice] = field(default_factory=list)


def lab_choices() -> list[tuple[str, str]]:
    """(slug, name) of every lab, by name: 1 query."""
    return list(Lab.objects.order_by("name").values_list("slug", "name"))


def browse_vocabulary() -> Vocabulary:
    return Vocabulary(
        labs=lab_choices(),
        providers=provider_choices(),
        modalities=list(MODALITIES.items()),
        capabilities=sorted(CAPABILITIES.items(), key=lambda item: item[1]),
        benchmarks=benchmark_choices(),
    )


def model_page(slug: str) -> LanguageModel | None:
    """One model with everything its header and key facts need."""
    return (
        LanguageModel.objects.with_facets()
        .select_related("successor", "snapshot_of")
        .prefetch_related("aliases")
        .filter(slug=slug)
        .first()
    )


def resolve_alias(external_id: str) -> LanguageModel | None:
    """The model some source calls `external_id`, when exactly one model answers to it."""
    models = {alias.model for alias in ModelAlias.objects.filter(external_id=external_id).select_related("model")}
    return models.pop() if len(models) == 1 else None


# --- labs ------------------------------------------------------------------------------------------------------


def lab_directory() -> QuerySet[Lab]:
    """Every lab with its number of models and latest release date: 1 query."""
    return Lab.objects.annotate(model_count=Count("models"), latest_release=Max("models__release_date")).order_by(
        "name"
    )


def lab_page(slug: str) -> Lab | None:
    return Lab.objects.filter(slug=slug).first()


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


def catalog_size() -> int:
    return LanguageModel.objects.count()


# --- sitemap ---------------------------------------------------------------------------------------------------


def model_sitemap() -> list[tuple[str, dt.datetime]]:
    return list(LanguageModel.objects.order_by("slug").values_list("slug", "updated_at"))


def lab_sitemap() -> list[tuple[str, dt.datetime]]:
    return list(Lab.objects.order_by("slug").values_list("slug", "updated_at"))
