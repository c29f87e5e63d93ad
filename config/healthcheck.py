"""Container health checks (docker-compose.yml, the Dockerfile): exit status 0 when healthy, 1 when not.

    python -m config.healthcheck web    GET /readyz from the local gunicorn, as the proxy in front would ask
    python -m config.healthcheck beat   the database and the broker answer (beat has no endpoint of its own)

The image has no curl, hence Python. The worker's check is Celery's own (`celery inspect ping`).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

WEB_URL = "http://127.0.0.1:8000/readyz"  # gunicorn's bind in config/gunicorn.conf.py


def readiness_request(url: str = WEB_URL) -> urllib.request.Request:
    """A request the site accepts: a Host it serves (DisallowedHost answers 400 otherwise) and, when it trusts a
    proxy's header for HTTPS, that header (else an HTTPS redirect answers instead of the view)."""
    from django.conf import settings

    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host.lstrip(".") and host != "*"]
    headers = {"Host": hosts[0] if hosts else "localhost"}
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, value = proxy_header
        headers[name.removeprefix("HTTP_").replace("_", "-").title()] = value
    return urllib.request.Request(url, headers=headers)  # noqa: S310 (a local http URL)


def web_ready(url: str = WEB_URL) -> bool:
    try:
        with urllib.request.urlopen(readiness_request(url), timeout=5) as response:  # noqa: S310 (a local http URL)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def services_ready() -> bool:
    """What /readyz checks, without a web server: the database and the broker."""
    import django

    django.setup()
    from django.test import RequestFactory

    from config.views import readyz

    return readyz(RequestFactory().get("/readyz")).status_code == 200


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    checks = {"web": web_ready, "beat": services_ready}
    if len(argv) != 1 or argv[0] not in checks:
        sys.stderr.write(f"usage: python -m config.healthcheck {'|'.join(checks)}\n")
        return 2
    return 0 if checks[argv[0]]() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
