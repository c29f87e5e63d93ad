"""The cost-efficiency frontier: models no other model beats on both price and score."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Point:
    slug: str
    name: str
    lab: str
    price: Decimal  # blended USD per 1M tokens
    score: Decimal


def frontier(points: list[Point], *, higher_is_better: bool = True) -> list[Point]:
    """The points on the frontier, cheapest first: a point is on it when no other point is at least as cheap and
    at least as good, and strictly better on one of the two."""

    def better(a: Decimal, b: Decimal) -> bool:
        return a > b if higher_is_better else a < b

    ordered = sorted(points, key=lambda p: (p.price, -p.score if higher_is_better else p.score, p.slug))
    result: list[Point] = []
    for point in ordered:
        if not result or better(point.score, result[-1].score):
            result.append(point)
    return result
