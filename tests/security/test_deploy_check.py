"""With DEBUG off, Django's deployment checklist has nothing to say, and no check is silenced to get there."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.security.conftest import ROOT, manage, production_env

CLEAN = "System check identified no issues (0 silenced)."


def test_it_passes_check_deploy_with_production_env_alone():
    result = manage("check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == CLEAN
    assert result.stderr.strip() == ""


def test_it_reports_a_weakened_setting():
    """The check is live: turning a protection off through its variable makes it speak."""
    result = manage("check", "--deploy", SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT="0")
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def _production_settings(**env: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'exempt': s.SECURE_REDIRECT_EXEMPT, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'preload': s.SECURE_HSTS_PRELOAD, "
        "'proxy_header': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), 'session_secure': s.SESSION_COOKIE_SECURE, "
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'frame': s.X_FRAME_OPTIONS, 'silenced': s.SILENCED_SYSTEM_CHECKS, "
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'num_proxies': s.REST_FRAMEWORK['NUM_PROXIES']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_it_turns_every_protection_on_when_debug_is_off():
    values = _production_settings()
    assert values["ssl_redirect"] is True
    # Load balancers probe over plain HTTP.
    assert values["exempt"] == ["^healthz$", "^readyz$"]
    assert values["hsts"] >= 31_536_000
    assert values["subdomains"] is True
    assert values["preload"] is True
    assert values["session_secure"] is True
    assert values["csrf_secure"] is True
    assert values["frame"] == "DENY"
    assert values["silenced"] == []
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # X-Forwarded-* are believed only when the deployment says a proxy sets them.
    assert values["proxy_header"] is None
    assert values["num_proxies"] == 0


def test_it_trusts_forwarded_headers_only_when_told():
    values = _production_settings(
        TRUST_X_FORWARDED_PROTO="1", TRUSTED_PROXY_COUNT="1", SECURE_HSTS_PRELOAD="0", SECURE_HSTS_SECONDS="600"
    )
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["num_proxies"] == 1
    assert values["preload"] is False
    assert values["hsts"] == 600


def test_it_refuses_a_malformed_security_variable():
    result = manage("check", TRUST_X_FORWARDED_PROTO="sometimes")
    assert result.returncode != 0
    assert "TRUST_X_FORWARDED_PROTO" in result.stderr.splitlines()[-1]
