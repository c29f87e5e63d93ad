"""Reads of labs and models used by pages and the API.

Only the catalog's own tables: reads that join prices or scores are in catalog/pages/listings.py.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Count, Max, QuerySet

from catalog.facets import ModelFacets
from catalog.facets import facets_of as kept_facets
from catalog.models import Lab, LanguageModel, ModelAlias
from lib.caching import per_version


def lab_choices() -> list[tuple[str, str]]:
    """(slug, name) of every lab, by name: 1 query."""
    return list(Lab.objects.order_by("name").values_list("slug", "name"))


def model_page(slug: str) -> LanguageModel | None:
    """One model with everything its header and key facts need."""
    return (
        LanguageModel.objects.with_facets()
        .select_related("successor", "snapshot_of")
        .prefetch_related("aliases")
        .filter(slug=slug)
        .first()
    )


def model_for_page(slug: str) -> LanguageModel | None:
    """One model with its lab and successor, for its page: 1 query. The page reads the model's facets and aliases
    from `facets_of` and `aliases_of` (kept per catalog version), not from 4 prefetches of its own."""
    try:
        return LanguageModel.objects.select_related("lab", "successor").get(slug=slug)
    except LanguageModel.DoesNotExist:  # `get`, not `first`: no ordering to add to a lookup by a unique key
        return None


def facets_of(model: LanguageModel) -> ModelFacets:
    """The model's input and output types and capabilities (catalog.facets: 3 queries on the first call after a
    data change, then none in that process)."""
    return kept_facets([model.pk])[model.pk]


class Alias(NamedTuple):
    external_id: str
    source: str


def aliases_of(model: LanguageModel | int) -> tuple[Alias, ...]:
    """Every id a source uses for the model (or the model with this id), by source and id: 1 query on the first call
    after a data change (every model's), then none in that process."""
    return _aliases().get(model if isinstance(model, int) else model.pk, ())


@per_version
def _aliases() -> dict[int, tuple[Alias, ...]]:
    found: dict[int, list[Alias]] = {}
    rows = ModelAlias.objects.order_by("model_id", *ModelAlias._meta.ordering or ()).values_list(
        "model_id", "external_id", "source"
    )
    for model_id, external_id, source in rows:
        found.setdefault(model_id, []).append(Alias(external_id, source))
    return {model_id: tuple(aliases) for model_id, aliases in found.items()}


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


def catalog_size() -> int:
    """How many models: 1 query on the first call after a data change, then none in that process."""
    return _catalog_size()


@per_version
def _catalog_size() -> int:
    return LanguageModel.objects.count()


# --- sitemap ---------------------------------------------------------------------------------------------------


def model_sitemap() -> list[tuple[str, dt.datetime]]:
    return list(LanguageModel.objects.order_by("slug").values_list("slug", "updated_at"))


def lab_sitemap() -> list[tuple[str, dt.datetime]]:
    return list(Lab.objects.order_by("slug").values_list("slug", "updated_at"))
