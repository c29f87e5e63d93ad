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


NINE_PLACES = Decimal("0.000000001")


def leaderboard_points(rows: list) -> list[Point]:
    """The priced rows of a leaderboard (benchmarks.selectors.leaderboard) as chart points. The blended price is
    quantized like stored prices: division makes its precision differ between databases."""
    return [
        Point(
            row.score.model.slug,
            row.score.model.name,
            row.score.model.lab.name,
            Decimal(row.score.cheapest_blended_usd).quantize(NINE_PLACES).normalize(),
            row.score.value.normalize(),
        )
        for row in rows
        if row.score.cheapest_blended_usd is not None
    ]
