"""Reads of labs and models used by pages and the API.

Cross-app reads (prices, scores) go through the other apps' selectors.
"""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import LanguageModel, ModelAlias
from providers.selectors import with_cheapest_route


def model_list(*, search: str = "") -> QuerySet[LanguageModel]:
    """The catalog browser's rows: lab, modalities, capabilities and cheapest route; 4 queries per page."""
    return with_cheapest_route(LanguageModel.objects.search(search).with_facets()).order_by("name", "slug")


def model_page(slug: str) -> LanguageModel | None:
    """One model with everything its header and key facts need."""
    return (
        LanguageModel.objects.with_facets()
        .select_related("successor")
        .prefetch_related("aliases")
        .filter(slug=slug)
        .first()
    )


def resolve_alias(external_id: str) -> LanguageModel | None:
    """The model some source calls `external_id`, when exactly one model answers to it."""
    models = {alias.model for alias in ModelAlias.objects.filter(external_id=external_id).select_related("model")}
    return models.pop() if len(models) == 1 else None
