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


def attribute(instance: Any, user: Any) -> None:
    """Name `user` as the author of the history row `instance`'s next save records (django-simple-history reads it
    from the instance's `_history_user`)."""
    instance._history_user = user


def is_syncing() -> bool:
    """Whether the code running now is inside a sync (which writes in bulk and keeps derived data itself)."""
    return _syncing.get()


_records: dict[type, CuratedHistory] = {}


def ensure_baseline(instance: Any) -> None:
    """Before a person's first edit of a row a sync wrote (syncs keep no history), record the row as it is, so
    the edit can be seen against, and reverted to, what was there."""
    records = _records.get(type(instance))
    if records is None or instance.pk is None or getattr(instance, records.manager_name).exists():
        return
    stored = type(instance)._default_manager.get(pk=instance.pk)
    stored._change_reason = "as the sources left it, before the first curated edit"
    records.create_historical_record(stored, "~")


class CuratedHistory(HistoricalRecords):
    """HistoricalRecords that stays silent while a sync runs."""

    def finalize(self, sender: type, **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            _records[sender] = self

    def post_save(self, instance: Any, created: bool, using: str | None = None, **kwargs: Any) -> None:
        if not _syncing.get():
            super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance: Any, using: str | None = None, **kwargs: Any) -> None:
        if not _syncing.get():
            super().post_delete(instance, using=using, **kwargs)

    def m2m_changed(self, instance: Any, action: str, attr: str, pk_set: Any, reverse: bool, **kwargs: Any) -> None:
        if not _syncing.get():
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
