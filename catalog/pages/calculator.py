"""The workload calculator: /calculator/ ranks every live route by what one workload costs on it a month."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.pages.forms import CalculatorForm, calculator_data, workload_params
from lib.caching import cached_page
from providers.pricing.ranking import rank_workload

# Rows shown, cheapest first. Each carries its whole arithmetic, which is most of the page's rendering time: at 100
# rows the page took ~240 ms on a 50,000-route catalog, at 50 ~160 ms (docs/performance.md). Filters narrow the rest.
RESULT_LIMIT = 50
# Routes listed under "not ranked" for each reason; the count says how many more there are.
UNRANKED_LIMIT = 50


@cached_page
def calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(data=calculator_data(request.GET))
    context: dict = {"form": form, "limit": RESULT_LIMIT}
    if not form.is_valid():
        return render(request, "catalog/calculator.html", context, status=400)
    workload = form.workload()
    ranking = rank_workload(workload, form.route_filter(), limit=RESULT_LIMIT, unranked_limit=UNRANKED_LIMIT)
    context.update(
        {
            "workload": workload,
            "results": ranking.results,
            "considered": ranking.considered,
            "priced_count": ranking.ranked_count,
            "unpriced": ranking.unpriced,
            "unpriced_count": ranking.unpriced_count,
            "unpriced_more": ranking.unpriced_count - len(ranking.unpriced),
            "too_small": ranking.too_small,
            "too_small_count": ranking.too_small_count,
            "too_small_more": ranking.too_small_count - len(ranking.too_small),
            "active_filters": form.active_filters(),
            "workload_query": urlencode(workload_params(workload)),
        }
    )
    return render(request, "catalog/calculator.html", context)
