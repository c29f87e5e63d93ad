"""The registry of sources: one explicit entry per source name."""

from providers.sources.base import CURATOR_PRECEDENCE, Known, Source
from providers.sources.curated import CuratedSource

REGISTRY: dict[str, type[Source]] = {
    CuratedSource.name: CuratedSource,
}


class UnknownSourceError(KeyError):
    def __str__(self) -> str:
        return f"unknown source {self.args[0]!r}; known sources: {', '.join(sorted(REGISTRY))}"


def source_precedence(name: str) -> int:
    """How far a source's figures are trusted: a curator's file outranks a first-party feed, which outranks an
    aggregator's second-hand copy. Rows written by a name not in the registry (an admin edit) rank highest."""
    source = REGISTRY.get(name)
    return source.precedence if source is not None else CURATOR_PRECEDENCE


def get_source(name: str) -> Source:
    try:
        return REGISTRY[name]()
    except KeyError:
        raise UnknownSourceError(name) from None


__all__ = ["REGISTRY", "Known", "Source", "UnknownSourceError", "get_source", "source_precedence"]
