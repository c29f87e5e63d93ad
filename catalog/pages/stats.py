from benchmarks.selectors import benchmark_counts
from catalog.models import Lab, LanguageModel
from providers.selectors import provider_counts


def catalog_counts() -> dict[str, int]:
    """Row counts of the catalog, in the order people ask about them."""
    counts = {"labs": Lab.objects.count(), "models": LanguageModel.objects.count()}
    counts.update(provider_counts())
    counts.update(benchmark_counts())
    return counts
