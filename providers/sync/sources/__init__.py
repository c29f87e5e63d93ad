"""The registry of sources: one explicit entry per source name."""

from __future__ import annotations

from providers.precedence import CURATED_UNDER_FEED_PRECEDENCE, RELEASED
from providers.sync.sources.base import CURATOR_PRECEDENCE, FIRST_PARTY_PRECEDENCE, Known, Source
from providers.sync.sources.curated import CuratedSource
from providers.sync.sources.epoch import EpochSource
from providers.sync.sources.litellm import LiteLLMSource
from providers.sync.sources.metr import MetrSource
from providers.sync.sources.modelsdev import ModelsDevSource
from providers.sync.sources.openrouter import OpenRouterSource
from providers.sync.sources.vercel import VercelSource

# Order matters for `sync all`: the curated files first, then first-party feeds, then aggregators.
REGISTRY: dict[str, type[Source]] = {
    CuratedSource.name: CuratedSource,
    OpenRouterSource.name: OpenRouterSource,
    VercelSource.name: VercelSource,
    ModelsDevSource.name: ModelsDevSource,
    LiteLLMSource.name: LiteLLMSource,
    EpochSource.name: EpochSource,
    MetrSource.name: MetrSource,
}


# Providers that publish their own feed: there the feed, not the curated files, is the first party.
FEED_PROVIDERS = frozenset(
    provider
    for name, source in REGISTRY.items()
    if name != CuratedSource.name
    for provider in source.first_party_providers
)


class UnknownSourceError(KeyError):
    def __str__(self) -> str:
        return f"unknown source {self.args[0]!r}; known sources: {', '.join(sorted(REGISTRY))}"


def source_rank(name: str | None, provider: str | None = None) -> int:
    """How far a source's figures are trusted, for one provider's route when `provider` is given.

    A person's edit (any name not in the registry) ranks highest, and so do the curated files, except on a route
    whose provider publishes its own feed, where they rank below it; a source is first-party for the providers
    whose own figures it publishes (OpenRouter for OpenRouter's route); every other figure a feed states is an
    aggregator's second-hand copy."""
    if name == RELEASED:
        return 0
    if name == CuratedSource.name and provider in FEED_PROVIDERS:
        return CURATED_UNDER_FEED_PRECEDENCE
    source = REGISTRY.get(name or "")
    if source is None:
        return CURATOR_PRECEDENCE
    if provider is not None and provider in source.first_party_providers:
        return max(source.precedence, FIRST_PARTY_PRECEDENCE)
    return source.precedence


def is_first_party(name: str | None, provider: str) -> bool:
    """Whether `name` is the feed that publishes `provider`'s own figures (OpenRouter for OpenRouter's route): its
    figure there is authoritative, and a second-hand copy that differs is not a question for a curator."""
    source = REGISTRY.get(name or "")
    return source is not None and name != CuratedSource.name and provider in source.first_party_providers


def get_source(name: str) -> Source:
    try:
        return REGISTRY[name]()
    except KeyError:
        raise UnknownSourceError(name) from None


def live_sources() -> list[str]:
    """The sources that read the internet, in the order a full sync runs them."""
    return [name for name, source in REGISTRY.items() if source.needs_network]


__all__ = [
    "REGISTRY",
    "RELEASED",
    "Known",
    "Source",
    "UnknownSourceError",
    "get_source",
    "is_first_party",
    "live_sources",
    "source_rank",
]
