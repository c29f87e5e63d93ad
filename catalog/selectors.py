"""Reads of labs and models used by pages and the API.

Only the catalog's own tables: reads that join prices or scores are in catalog/pages/listings.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.db.models import Count, ManyToManyField, Max, Model, QuerySet

from catalog.models import Capability, Lab, LanguageModel, Modality, ModelAlias
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


@dataclass(frozen=True)
class Facets:
    """A model's input and output types and capabilities, each in its vocabulary's order."""

    input_modalities: tuple[Modality, ...] = ()
    output_modalities: tuple[Modality, ...] = ()
    capabilities: tuple[Capability, ...] = ()


def facets_of(model: LanguageModel) -> Facets:
    """The model's facets: 3 queries on the first call after a data change (every model's), then none in that
    process."""
    return _facets().get(model.pk, Facets())


FACET_FIELDS: tuple[tuple[str, type[Modality] | type[Capability]], ...] = (
    ("input_modalities", Modality),
    ("output_modalities", Modality),
    ("capabilities", Capability),
)


@per_version
def _facets() -> dict[int, Facets]:
    """Every model's facets, each list in its vocabulary's own order (Meta.ordering, as a prefetch reads it)."""
    found: dict[str, dict[int, list[Any]]] = {}
    for field, vocabulary in FACET_FIELDS:
        m2m = LanguageModel._meta.get_field(field)
        assert isinstance(m2m, ManyToManyField)
        through = cast(type[Model], m2m.remote_field.through)
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        order = [f"{other}__{name}" for name in vocabulary._meta.ordering or ()]
        rows = through._default_manager.order_by(*order).values_list(
            f"{own}_id", f"{other}_id", f"{other}__slug", f"{other}__name"
        )
        shared: dict[int, Modality | Capability] = {}
        by_model: dict[int, list[Any]] = {}
        for model_id, pk, slug, name in rows:
            if pk not in shared:
                shared[pk] = vocabulary(pk=pk, slug=slug, name=name)
            by_model.setdefault(model_id, []).append(shared[pk])
        found[field] = by_model
    return {
        model_id: Facets(
            tuple(found["input_modalities"].get(model_id, ())),
            tuple(found["output_modalities"].get(model_id, ())),
            tuple(found["capabilities"].get(model_id, ())),
        )
        for model_id in set().union(*found.values())
    }


class Alias(NamedTuple):
    external_id: str
    source: str


def aliases_of(model: LanguageModel) -> tuple[Alias, ...]:
    """Every id a source uses for the model, by source and id: 1 query on the first call after a data change
    (every model's), then none in that process."""
    return _aliases().get(model.pk, ())


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
