"""Site-wide error answers: JSON under /api/, pages elsewhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found, permission_denied
from django.views.defaults import server_error as default_server_error
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lib.api.problems import is_api, problem


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return problem(404, f"No API endpoint at {request.path}. The endpoints are listed at /api/v1/.")
    return page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return problem(400, "The request cannot be read.")
    return default_bad_request(request, exception)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return problem(403, "You do not have permission to perform this action.")
    return permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return problem(500, "The server failed to answer this request; the error is logged.")
    return default_server_error(request)


# The endpoints /api/v1/ lists: (name, URL name, arguments for an example, what it is).
API_ENDPOINTS: list[tuple[str, str, dict[str, Any], str]] = [
    ("models", "api-model-list", {}, "models, filtered and ordered like the /models/ page"),
    ("model_count", "api-model-count", {}, "how many models match the same filters"),
    ("model", "api-model-detail", {"lab": "{lab}", "model": "{model}"}, "one model"),
    ("model_prices", "api-model-prices", {"lab": "{lab}", "model": "{model}"}, "its routes and prices"),
    ("model_price_history", "api-model-price-history", {"lab": "{lab}", "model": "{model}"}, "its price periods"),
    ("labs", "api-lab-list", {}, "every lab"),
    ("lab", "api-lab-detail", {"slug": "{slug}"}, "one lab"),
    ("compare", "api-compare", {}, "models side by side"),
    ("export", "api-export", {}, "the catalog as JSON or CSV"),
    ("providers", "api-provider-list", {}, "every provider"),
    ("provider", "api-provider-detail", {"slug": "{slug}"}, "one provider with its routes"),
    ("changes", "api-changes", {}, "the change log"),
    ("estimate", "api-estimate", {}, "rank routes by a workload's monthly cost"),
    ("benchmarks", "api-benchmark-list", {}, "every benchmark"),
    ("benchmark_scores", "api-benchmark-scores", {"slug": "{slug}"}, "a benchmark's leaderboard"),
    ("benchmark_frontier", "api-benchmark-frontier", {"slug": "{slug}"}, "its price/score frontier"),
    ("schema", "api-schema", {}, "the OpenAPI document"),
    ("docs", "api-docs", {}, "the interactive documentation"),
]


class ApiIndexView(APIView):
    """GET /api/v1/: where everything is."""

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        endpoints = {
            name: {
                "url": request.build_absolute_uri(reverse(url_name, kwargs=kwargs))
                .replace("%7B", "{")
                .replace("%7D", "}"),
                "description": description,
            }
            for name, url_name, kwargs, description in API_ENDPOINTS
        }
        return Response(
            {
                "version": "v1",
                "docs": request.build_absolute_uri(reverse("api-docs")),
                "schema": request.build_absolute_uri(reverse("api-schema")),
                "endpoints": endpoints,
            }
        )


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up (no database, no broker): for load balancers, and the benchmark's framework floor."""
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database answers and, when a broker is configured, the broker too; 503 otherwise."""
    from django.conf import settings
    from django.db import connection

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready; say which
        checks["database"] = f"unavailable: {type(error).__name__}"
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            from config.celery import app

            with app.connection_for_write() as broker:
                # One immediate retry: kombu's default 2 s pause would outlast a probe's timeout.
                broker.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:  # the broker is down: pages still serve, syncs cannot start
            checks["broker"] = f"unavailable: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
