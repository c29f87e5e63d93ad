"""What the catalog already holds, read once per run so that a pure normalizer can resolve ids without the ORM."""

from __future__ import annotations

from benchmarks.selectors import benchmark_slugs
from catalog.models import Lab, LanguageModel, ModelAlias
from providers.models import Provider
from providers.sync.sources.base import Known


def known_catalog() -> Known:
    """What a normalizer may resolve against: 5 queries, whatever the catalog's size."""
    return Known(
        labs=frozenset(Lab.objects.values_list("slug", flat=True)),
        providers=frozenset(Provider.objects.values_list("slug", flat=True)),
        benchmarks=frozenset(benchmark_slugs()),
        models=frozenset(LanguageModel.objects.values_list("slug", flat=True)),
        aliases={
            (source, external_id): slug
            for source, external_id, slug in ModelAlias.objects.values_list("source", "external_id", "model__slug")
        },
    )
