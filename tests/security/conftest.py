"""Production settings come from the environment alone: these helpers start Django (or gunicorn) with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A key check --deploy accepts: long, varied, not Django's "insecure" prefix. For tests only.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "tests-only-7Qm2vX9pL4kR8sT1wY6zB3nC5dF0gH2jK4mN6pQ8rS",
    "ALLOWED_HOSTS": "catalog.example,127.0.0.1",
}
# Variables of the developer's shell that would change what is tested.
_OURS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TRUST_X_FORWARDED_PROTO",
    "TRUSTED_PROXY_COUNT",
    "STATIC_ROOT",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    # Set for the browser tests' Playwright thread; check --deploy rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**extra: str) -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if key not in _OURS}
    return {**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION_ENV, **extra}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
