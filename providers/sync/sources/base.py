"""What every source provides: an adapter (fetch) and a normalizer (normalize)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import httpx

from providers.precedence import AGGREGATOR_PRECEDENCE, CURATOR_PRECEDENCE, FIRST_PARTY_PRECEDENCE
from providers.sync.records import Batch

__all__ = ["AGGREGATOR_PRECEDENCE", "CURATOR_PRECEDENCE", "FIRST_PARTY_PRECEDENCE", "Known", "Source"]


@dataclass(frozen=True)
class Known:
    """What the catalog already holds, so a pure normalizer can resolve references without the ORM."""

    labs: frozenset[str] = frozenset()
    providers: frozenset[str] = frozenset()
    benchmarks: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
    # (source, external id) -> canonical model slug
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)
    # The date of the run: feeds state prices "as of today".
    as_of: dt.date = field(default_factory=dt.date.today)


class Source(Protocol):
    name: ClassVar[str]
    description: ClassVar[str]
    # Whether the source reads the internet (the README says which syncs need a connection).
    needs_network: ClassVar[bool]
    precedence: ClassVar[int]
    # Providers whose own figures this source publishes (OpenRouter's own route): it ranks first-party there.
    first_party_providers: ClassVar[frozenset[str]]

    def fetch(self, client: httpx.Client) -> Any:
        """The adapter: read the source and return its records exactly as the source said them."""
        ...

    def normalize(self, raw: Any, known: Known) -> Batch:
        """The normalizer: validate, convert units, resolve ids. Pure: no I/O, no ORM."""
        ...
