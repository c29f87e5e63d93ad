"""Security headers on every kind of response: a page, the API, the admin login, static files; HTTPS enforced
except for the load balancer's probes.

The first tests run in-process with the production values of the header settings; the last ones run the real
thing: gunicorn with its config file, DEBUG off from the environment alone, static files collected with hashed
names and served compressed by whitenoise (the one test of the manifest storage)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import ROOT, manage, production_env

HSTS = "max-age=31536000; includeSubDomains; preload"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(None, 1) for part in header.split(";") if part.strip())


def assert_policy(response) -> None:
    found = policy(response)
    for name, value in POLICY.items():
        assert found.get(name) == value, (name, response.headers["Content-Security-Policy"])
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def assert_secure_headers(response, *, page: bool = True) -> None:
    assert_policy(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Strict-Transport-Security"] == HSTS
    if page:  # whitenoise answers static files before the clickjacking middleware; the policy covers them
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def production_headers(settings):
    """The values DEBUG=0 gives (tests/security/test_deploy_check.py checks that it does)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def test_it_sends_the_headers_on_a_page(client, load_fixture_catalog, production_headers):
    load_fixture_catalog()
    response = client.get("/models/openai/gpt-4o-mini/", secure=True)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_it_sends_the_headers_on_the_api(client, load_fixture_catalog, production_headers):
    load_fixture_catalog()
    response = client.get("/api/v1/models/", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_secure_headers(response)


def test_it_sends_the_headers_on_the_admin_login(client, db, production_headers):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_it_sends_the_headers_on_a_static_file(client, production_headers):
    response = client.get("/static/css/site.css", secure=True)
    assert response.status_code == 200
    assert_secure_headers(response, page=False)


def test_it_redirects_plain_http_except_the_probes(client, db, production_headers):
    response = client.get("/models/?q=gpt")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/models/?q=gpt"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    # No HSTS over plain HTTP: a browser would ignore it, and it must not reach the probes' answers either.
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


# --- the real thing: gunicorn, production settings, collected static files -------------------------------------


def _free_port() -> int:
    """A port the kernel has just handed out as free. Not a scan of a fixed range: the tests of this module run in both
    xdist workers, each starting its own server, and two scans from the same first port picked the same one (the
    second gunicorn could not bind, its client talked to the first one's server, and lost it when that one stopped)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    env = {
        "STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{_free_port()}",
        "WEB_CONCURRENCY": "1",
    }
    collected = manage("collectstatic", "--noinput", "-v", "0", **env)
    assert collected.returncode == 0, collected.stderr
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT,
        env=production_env(**env, GUNICORN_LOG_LEVEL="warning"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{env['GUNICORN_BIND']}"
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http.get("/healthz")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.2)
            yield http
    finally:
        process.terminate()
        process.wait(timeout=30)


# What a TLS-terminating proxy on the same host says; gunicorn believes it from 127.0.0.1 only (forwarded_allow_ips).
BEHIND_TLS = {"X-Forwarded-Proto": "https", "Host": "catalog.example"}


def test_production_serves_probes_over_http_and_redirects_the_rest(production_server):
    health = production_server.get("/healthz", headers={"Host": "catalog.example"})
    assert health.status_code == 200
    assert health.text == "ok\n"
    # readyz answers (ready or not), over plain HTTP, rather than sending the balancer to https.
    assert production_server.get("/readyz", headers={"Host": "catalog.example"}).status_code in (200, 503)
    page = production_server.get("/admin/login/", headers={"Host": "catalog.example"})
    assert page.status_code == 301
    assert page.headers["Location"] == "https://catalog.example/admin/login/"


def test_production_serves_hashed_compressed_static_files_with_the_headers(production_server):
    login = production_server.get("/admin/login/", headers=BEHIND_TLS)
    assert login.status_code == 200
    assert_secure_headers(login)
    assert "Secure" in login.headers["Set-Cookie"]
    # Templates name the content-hashed copy...
    hashed = next(
        part.split('"', 1)[0] for part in login.text.split('href="')[1:] if part.startswith("/static/admin/css/base.")
    )
    assert hashed != "/static/admin/css/base.css"
    # ...which browsers may keep for ever, and which comes compressed to a client that accepts it.
    static = production_server.get(hashed, headers={**BEHIND_TLS, "Accept-Encoding": "gzip"})
    assert static.status_code == 200
    assert "immutable" in static.headers["Cache-Control"]
    assert "max-age=315360000" in static.headers["Cache-Control"]
    assert static.headers["Content-Encoding"] == "gzip"
    assert_secure_headers(static, page=False)


def test_production_serves_the_api_docs_under_the_policy(production_server):
    docs = production_server.get("/api/v1/docs/", headers=BEHIND_TLS)
    assert docs.status_code == 200
    assert_policy(docs)
    assert "<style" not in docs.text
    assert "/static/css/api-docs." in docs.text
    # The init script is a response of its own, allowed by script-src 'self'.
    script = production_server.get("/api/v1/docs/?script=", headers=BEHIND_TLS)
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.text
