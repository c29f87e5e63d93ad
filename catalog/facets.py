"""A model's facets - its input modalities, output modalities and capabilities - read for many models at once, in
each vocabulary's own display order (Meta.ordering), and kept for one catalog version (lib.caching.per_version): a
page or an API answer reads only the facets of its models not read since the last change. The one reader of these
three relations for rows built without model instances: the catalog browser's rows, the API's list and detail.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import NamedTuple, cast

from django.db.models import ManyToManyField, Model

from catalog.models import LanguageModel
from lib.caching import per_version

# The relations, in the order ModelFacets holds them.
RELATIONS = ("input_modalities", "output_modalities", "capabilities")


class Facet(NamedTuple):
    slug: str
    name: str

    def __str__(self) -> str:
        return self.name


class ModelFacets(NamedTuple):
    input_modalities: tuple[Facet, ...] = ()
    output_modalities: tuple[Facet, ...] = ()
    capabilities: tuple[Facet, ...] = ()


NO_FACETS = ModelFacets()


def read_facets(model_ids: Sequence[int]) -> dict[int, ModelFacets]:
    """These models' facets (every one of them, empty when it has none): 3 queries on the link tables, none for no
    ids."""
    found: dict[int, list[list[Facet]]] = {pk: [[] for _ in RELATIONS] for pk in model_ids}
    if not found:
        return {}
    for position, name in enumerate(RELATIONS):
        m2m = cast(ManyToManyField, LanguageModel._meta.get_field(name))
        through = cast(type[Model], m2m.remote_field.through)
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        vocabulary = cast(type[Model], m2m.related_model)
        ordering = [f"{other}__{term}" for term in vocabulary._meta.ordering or ()]
        links = (
            through._default_manager.filter(**{f"{own}_id__in": list(found)})
            .order_by(*ordering, "pk")
            .values_list(f"{own}_id", f"{other}__slug", f"{other}__name")
        )
        for model_id, slug, label in links:
            found[model_id][position].append(Facet(slug, label))
    return {pk: ModelFacets(*(tuple(facets) for facets in lists)) for pk, lists in found.items()}


class FacetMemory:
    """Models' facets read for pages and answers, kept for one catalog version (`_memory`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._facets: dict[int, ModelFacets] = {}

    def of(self, model_ids: Sequence[int]) -> dict[int, ModelFacets]:
        with self._lock:
            found = {pk: self._facets[pk] for pk in model_ids if pk in self._facets}
        missing = [pk for pk in model_ids if pk not in found]
        if missing:
            read = read_facets(missing)
            with self._lock:
                self._facets.update(read)
            found.update(read)
        return found


_memory = per_version(FacetMemory)


def facets_of(model_ids: Sequence[int]) -> dict[int, ModelFacets]:
    """These models' facets: 3 queries for those not read since the last change, none when all were."""
    return _memory().of(model_ids)
