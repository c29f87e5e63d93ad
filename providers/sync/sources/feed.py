"""The shared shape of a network source: fetch (adapter), parse (normalizer), then the shared identity step."""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from providers.sync.identity import resolve_identities
from providers.sync.records import Batch
from providers.sync.sources.base import AGGREGATOR_PRECEDENCE, Known

# Sources that put a dated id on its undated model (creates_snapshots False): their aliases of dated ids are their
# own rule, which other sources' identity step does not follow (the snapshot policy, docs/sources.md).
FOLDING_SOURCES: set[str] = set()


# A date in a file's name (`prices-full-2026-07-05.json`, `models-20260515.json`): the day the file's figures were
# stated.
DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_name(url: str) -> dt.date | None:
    """The date the last segment of `url`'s path names, if any."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    match = DATE_IN_NAME.search(name)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


class FeedSource(ABC):
    name: ClassVar[str]
    description: ClassVar[str]
    needs_network: ClassVar[bool] = True
    precedence: ClassVar[int] = AGGREGATOR_PRECEDENCE
    first_party_providers: ClassVar[frozenset[str]] = frozenset()
    # Whether an id this source introduces may become a new canonical model (only a namespace we trust to be one).
    creates_models: ClassVar[bool] = False
    # Whether a dated id of a known model becomes a snapshot model of its own (False: it names the model itself).
    creates_snapshots: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("creates_snapshots", True) and "name" in cls.__dict__:
            FOLDING_SOURCES.add(cls.name)

    @abstractmethod
    def fetch(self, client: httpx.Client) -> Any:
        """The adapter: GET the source (through providers.sync.sources.http.get_json) and return it as said."""

    @abstractmethod
    def parse(self, raw: Any, known: Known) -> Batch:
        """The normalizer: records keyed by the source's own ids, prices through checked_price. Pure."""

    def stated_on(self) -> dt.date | None:
        """The date the source stated its figures, when it says one (a dated snapshot file); None for a live
        answer, which states them on the day it is read. providers/sync/run.py records it on the run."""
        return None

    def normalize(self, raw: Any, known: Known) -> Batch:
        return resolve_identities(
            self.parse(raw, known),
            known,
            source=self.name,
            creates_models=self.creates_models,
            creates_snapshots=self.creates_snapshots,
            folding_sources=frozenset(FOLDING_SOURCES),
        )
