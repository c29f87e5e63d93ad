"""Benchmark pages: the registry by category, and price against score for one benchmark."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from benchmarks.frontier import Point, frontier
from benchmarks.models import Benchmark, BenchmarkScore
from catalog.caching import cached_page
from catalog.model_page import with_blended_price
from catalog.models import LanguageModel

NINE_PLACES = Decimal("0.000000001")


@cached_page
def benchmark_index(request: HttpRequest) -> HttpResponse:
    benchmarks = list(
        Benchmark.objects.annotate(models=Count("scores__model", distinct=True)).order_by("category", "name")
    )
    wanted = request.GET.get("benchmark", "").strip()
    by_slug = {b.slug: b for b in benchmarks}
    if wanted and wanted not in by_slug:
        context = {"benchmarks": benchmarks, "error": f"There is no benchmark “{wanted}”. Choose one below."}
        return render(request, "benchmarks/index.html", context, status=404)
    scored = [b for b in benchmarks if b.models]
    chosen = by_slug.get(wanted) or (max(scored, key=lambda b: (b.models, b.name)) if scored else None)
    points: list[Point] = []
    if chosen is not None:
        aggregate = Max("value") if chosen.higher_is_better else Min("value")
        best_score = Subquery(
            BenchmarkScore.objects.filter(benchmark=chosen, model=OuterRef("pk"))
            .values("model")
            .annotate(best=aggregate)
            .values("best")[:1]
        )
        rows = (
            with_blended_price(LanguageModel.objects.filter(scores__benchmark=chosen).distinct())
            .annotate(best_score=best_score)
            .filter(blended_usd__isnull=False)
            .select_related("lab")
        )
        # Division makes the blended price's precision differ between databases: 9 places, like stored prices.
        points = [
            Point(
                m.slug,
                m.name,
                m.lab.name,
                Decimal(m.blended_usd).quantize(NINE_PLACES).normalize(),
                Decimal(m.best_score).normalize(),
            )
            for m in rows
        ]
    efficient = frontier(points, higher_is_better=chosen.higher_is_better) if chosen else []
    on_frontier = {p.slug for p in efficient}
    chart = {
        "benchmark": chosen.name if chosen else "",
        "scale": chosen.scale if chosen else "",
        "points": [
            {
                "slug": p.slug,
                "name": p.name,
                "x": f"{p.price:f}",
                "y": f"{p.score:f}",
                "frontier": p.slug in on_frontier,
            }
            for p in sorted(points, key=lambda p: (p.price, p.slug))
        ],
    }
    context = {
        "benchmarks": benchmarks,
        "chosen": chosen,
        "points": sorted(points, key=lambda p: (-p.score if chosen.higher_is_better else p.score, p.price))
        if chosen
        else [],
        "frontier": efficient,
        "on_frontier": on_frontier,
        "chart": chart,
    }
    return render(request, "benchmarks/index.html", context)
