"""Site-wide error answers: JSON under /api/, pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": f"No API endpoint at {request.path}. The endpoints are listed at /api/v1/docs/."}, status=404
        )
    return page_not_found(request, exception)


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
