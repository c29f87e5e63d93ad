"""Who changed what, when: django-simple-history on every curated entity, except for sync writes.

Syncs write thousands of rows and record their own change events; the history tables are for people (admin and
API edits), so `during_sync()` turns history off for the code inside it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from simple_history.models import HistoricalRecords

_syncing: contextvars.ContextVar[bool] = contextvars.ContextVar("syncing", default=False)


@contextmanager
def during_sync() -> Iterator[None]:
    token = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(token)


class CuratedHistory(HistoricalRecords):
    """HistoricalRecords that stays silent while a sync runs."""

    def post_save(self, instance: Any, created: bool, using: str | None = None, **kwargs: Any) -> None:
        if not _syncing.get():
            super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance: Any, using: str | None = None, **kwargs: Any) -> None:
        if not _syncing.get():
            super().post_delete(instance, using=using, **kwargs)

    def m2m_changed(self, instance: Any, action: str, attr: str, pk_set: Any, reverse: bool, **kwargs: Any) -> None:
        if not _syncing.get():
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
