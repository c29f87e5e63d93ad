"""Pieces of pages kept in this process by the values they were rendered from (catalog/templatetags/fragment_tags:
table rows; catalog/pages/forms.KeptRendering: widgets with long choice lists).

A key holds every value its piece reads, so a kept piece is never stale: what changes is a new key, and the old one
ages out, least recently used first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django.utils.safestring import SafeString

# About 10,000 rows of the browser, or 3,000 of the calculator with their arithmetic.
MAX_BYTES = 16 * 1024 * 1024


class Fragments:
    """Rendered pieces by key, least recently used first out past MAX_BYTES."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, SafeString] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable) -> SafeString | None:
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
            return html

    def keep(self, key: Hashable, html: SafeString) -> None:
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._kept[key] = html
            self._bytes += len(html)
            while self._bytes > self.max_bytes and self._kept:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0


FRAGMENTS = Fragments()


def frozen(value: Any) -> Hashable:
    """`value` as a key: lists, tuples and dicts as tuples; values other than plain text tagged with their type
    (True == 1, Decimal("0.5") == Decimal("0.50") and mark_safe("&") == "&", yet they read differently)."""
    if type(value) is str:  # not SafeString: equal text, but it is not escaped again
        return value
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, frozen(item)) for key, item in sorted(value.items()))
    return (type(value).__name__, str(value))
