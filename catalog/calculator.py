"""The workload calculator: /calculator/ ranks every live route by what one workload costs on it a month."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.caching import cached_page
from catalog.forms import CalculatorForm, calculator_data, workload_params
from providers.costing import live_routes, rank_routes

RESULT_LIMIT = 100


@cached_page
def calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(data=calculator_data(request.GET))
    context: dict = {"form": form, "limit": RESULT_LIMIT}
    if not form.is_valid():
        return render(request, "catalog/calculator.html", context, status=400)
    workload = form.workload()
    routes = live_routes(form.route_filter())
    ranking = rank_routes(routes, workload)
    priced = [cost for cost in ranking if cost.usable]
    context.update(
        {
            "workload": workload,
            "results": priced[:RESULT_LIMIT],
            "considered": len(routes),
            "priced_count": len(priced),
            "unpriced": [cost for cost in ranking if not cost.complete],
            "too_small": [cost for cost in ranking if cost.complete and cost.unfit_reason],
            "active_filters": form.active_filters(),
            "workload_query": urlencode(workload_params(workload)),
        }
    )
    return render(request, "catalog/calculator.html", context)
