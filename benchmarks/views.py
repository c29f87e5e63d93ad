"""Benchmark pages: the registry by category, and for each benchmark a leaderboard with its price-vs-score chart."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from benchmarks.frontier import frontier, leaderboard_points
from benchmarks.models import Benchmark, BenchmarkScore
from benchmarks.selectors import benchmark_rows, can_rank, leaderboard
from catalog.models import Lab
from lib.caching import cached_page

BENCHMARK_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
EPOCH_CREDIT = "Epoch AI, AI Benchmarking, https://epoch.ai/benchmarks"


@cached_page
def benchmark_index(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("benchmark", "").strip()
    if wanted:  # the old address of a benchmark's chart
        if not BENCHMARK_SLUG.fullmatch(wanted):  # what no benchmark's address can hold (the detail URL's converter)
            raise Http404("No benchmark has this id.")
        return redirect("benchmarks:detail", slug=wanted, permanent=True)
    categories: dict[str, dict[str, Any]] = {}
    for benchmark in benchmark_rows():
        benchmark.rankable = can_rank(benchmark.model_count)  # the one minimum-scores rule, not the template's
        group = categories.setdefault(benchmark.category, {"name": benchmark.get_category_display(), "items": []})
        group["items"].append(benchmark)
    return render(request, "benchmarks/index.html", {"categories": list(categories.values())})


class LeaderboardFilter(forms.Form):
    lab = forms.ChoiceField(required=False, label="Lab")
    weights = forms.ChoiceField(
        required=False, label="Weights", choices=[("", "Open or not"), ("open", "Open weights"), ("closed", "Closed")]
    )
    max_price = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=4,
        label="Max. blended $ / 1M",
        error_messages={"invalid": "Enter a price in dollars per 1M tokens, like 1.5."},
    )

    def __init__(self, *args: Any, labs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lab"].choices = [("", "Any lab"), *labs]


@cached_page
def benchmark_detail(request: HttpRequest, slug: str) -> HttpResponse:
    benchmark = Benchmark.objects.filter(slug=slug).first()
    if benchmark is None:
        raise Http404(f"No benchmark {slug}")
    labs = list(
        Lab.objects.filter(models__scores__benchmark=benchmark).distinct().order_by("name").values_list("slug", "name")
    )
    form = LeaderboardFilter(request.GET or None, labs=labs)
    context: dict[str, Any] = {"benchmark": benchmark, "form": form}
    if request.GET and not form.is_valid():
        return render(request, "benchmarks/detail.html", context, status=400)
    data = form.cleaned_data if request.GET else {}
    weights = {"open": True, "closed": False}.get(data.get("weights") or "")
    rows = leaderboard(
        benchmark, lab=data.get("lab") or "", open_weights=weights, max_blended_usd=data.get("max_price")
    )
    filtered = any(data.get(name) for name in ("lab", "weights", "max_price"))
    # Ranks, the frontier and percentiles need enough scored models in the whole board, filtered or not.
    scored = (
        BenchmarkScore.objects.filter(benchmark=benchmark).values("model").distinct().count() if filtered else len(rows)
    )
    ranked = can_rank(scored)
    points = leaderboard_points(rows)
    efficient = frontier(points, higher_is_better=benchmark.higher_is_better) if ranked else []
    on_frontier = {p.slug for p in efficient}
    context.update(
        {
            "rows": rows,
            "ranked": ranked,
            "scored": scored,
            "min_scores": settings.RANKING_MIN_SCORES,
            "frontier": efficient,
            "on_frontier": on_frontier,
            "filtered": filtered,
            "credit_epoch": any("epoch.ai" in row.score.source_url for row in rows),
            "epoch_credit": EPOCH_CREDIT,
            "chart": {
                "benchmark": benchmark.name,
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
            },
        }
    )
    return render(request, "benchmarks/detail.html", context)
