"""Picking the rows nearest to a value from a list sorted by that value: a binary search and a short walk each way,
not a scan (a model page's peers and alternatives, nearest in blended price)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T")


def nearest(
    rows: Sequence[T],
    values: Sequence[Decimal],
    own: Decimal,
    count: int,
    *,
    name: Callable[[T], str],
    accept: Callable[[T], bool] = lambda row: True,
) -> list[T]:
    """The `count` rows that `accept` takes nearest to `own` by distance |value - own|, equally near ones by
    `name`: as `ORDER BY ABS(value - own), name LIMIT count`. `rows` are sorted by (value, name) and `values` are
    their values."""
    at = bisect_left(values, own)
    right: list[int] = []  # at or above `own`, nearest first (equal values already by name)
    for index in range(at, len(rows)):
        if len(right) == count:
            break
        if accept(rows[index]):
            right.append(index)
    left: list[int] = []  # below `own`, nearest first; rows tied with the last one taken all come (by name below)
    for index in range(at - 1, -1, -1):
        if len(left) >= count and (not left or values[index] != values[left[-1]]):
            break
        if accept(rows[index]):
            left.append(index)
    chosen = sorted(left + right, key=lambda index: (abs(values[index] - own), name(rows[index])))[:count]
    return [rows[index] for index in chosen]
