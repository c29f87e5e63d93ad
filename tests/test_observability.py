"""What an operator sees: request ids in and out, one JSON object per log line, a summary line per sync run,
errors to Sentry when asked, and readiness that fails cleanly when the database or the broker is gone."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_choice, env_dsn, env_float
from lib.logs import ContextFilter, JsonFormatter, log_context

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def json_log():
    """The root logger's lines through the configured JSON formatter and context filter, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        text = stream.getvalue()
        return [json.loads(line) for line in text.splitlines()]  # each record is exactly one line

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous_level)


def closed_port() -> int:
    """A loopback port nobody listens on (connections to it are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- request ids --------------------------------------------------------------------------------------------


def test_it_gives_each_request_an_id_and_answers_with_it(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert int(first, 16) >= 0  # hex
    assert first != second


def test_it_keeps_a_sane_id_from_the_proxy(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.01:42_x"})
    assert response["X-Request-ID"] == "edge-7f3a.01:42_x"


@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "x" * 129,
        "two words",
        "<script>alert(1)</script>",
        'a"b',
        "id\r\nSet-Cookie: evil=1",
        "\u00e9t\u00e9",
        "-starts-with-a-dash",
        '{"json": "in a log field"}',
    ],
)
def test_it_replaces_an_id_it_cannot_trust(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    replaced = response["X-Request-ID"]
    assert replaced != incoming
    assert len(replaced) == 32
    assert "Set-Cookie" not in response.headers or "evil" not in response["Set-Cookie"]


# --- log lines ----------------------------------------------------------------------------------------------


def test_the_access_line_is_one_json_object_with_the_request_fields(client, db, json_log):
    client.get("/healthz", headers={"X-Request-ID": "req-access-1"})
    [line] = [line for line in json_log() if line["logger"] == "config.access"]
    assert list(line)[:4] == ["time", "level", "logger", "message"]
    assert line["time"].endswith("+00:00")
    assert (line["level"], line["message"].split()[:3]) == ("INFO", ["GET", "/healthz", "200"])
    assert {key: line[key] for key in ("method", "path", "status", "request_id")} == {
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "request_id": "req-access-1",
    }
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0


def test_lines_logged_while_serving_a_request_carry_its_id(client, db, json_log):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    not_found = next(line for line in json_log() if line["logger"] == "django.request")
    assert (not_found["level"], not_found["request_id"], not_found["status_code"]) == ("WARNING", request_id, 404)
    access = next(line for line in json_log() if line["logger"] == "config.access")
    assert (access["status"], access["request_id"]) == (404, request_id)


def test_extra_fields_context_and_tracebacks_stay_on_one_line(json_log):
    log = logging.getLogger("tests.observability")
    log.info("outside any request", extra={"widgets": 3})
    with log_context(request_id="abc", source="curated"):
        log.info("inside", extra={"source": "explicit wins"})
        try:
            raise ValueError("line one\nline two")
        except ValueError:
            log.exception("it broke")
    outside, inside, broke = json_log()
    assert outside == {
        "time": outside["time"],
        "level": "INFO",
        "logger": "tests.observability",
        "message": "outside any request",
        "widgets": 3,
    }
    assert (inside["request_id"], inside["source"]) == ("abc", "explicit wins")
    assert broke["level"] == "ERROR"
    assert "ValueError: line one\nline two" in broke["exc_info"]


def test_production_logs_json_by_default_and_development_text():
    script = "import django, logging; django.setup(); logging.getLogger('probe').warning('hello', extra={'n': 1})"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT", "SENTRY_DSN"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"

    def run(**extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stderr.strip().splitlines()[-1]

    production = json.loads(run(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="example.com"))
    assert (production["level"], production["logger"], production["message"], production["n"]) == (
        "WARNING",
        "probe",
        "hello",
        1,
    )
    assert run(DEBUG="1").endswith("WARNING probe: hello")


def test_the_new_readers_fail_loudly(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be one of json, text"):
        env_choice("LOG_FORMAT", "json", choices=("json", "text"))
    monkeypatch.setenv("RATE", "1.5")
    with pytest.raises(ImproperlyConfigured, match=r"RATE must be between 0\.0 and 1\.0"):
        env_float("RATE", 0.0, minimum=0.0, maximum=1.0)
    monkeypatch.setenv("RATE", "nan")
    with pytest.raises(ImproperlyConfigured, match="RATE must be between"):
        env_float("RATE", 0.0, minimum=0.0, maximum=1.0)
    monkeypatch.setenv("RATE", "0.25")
    assert env_float("RATE", 0.0, minimum=0.0, maximum=1.0) == 0.25
    monkeypatch.setenv("DSN", "https://sentry.example/1")
    with pytest.raises(ImproperlyConfigured, match="DSN is not a Sentry DSN"):
        env_dsn("DSN")
    monkeypatch.setenv("DSN", "ftp://key@sentry.example/1")
    with pytest.raises(ImproperlyConfigured, match="DSN must be a URL"):
        env_dsn("DSN")
    monkeypatch.setenv("DSN", "https://key@sentry.example/1")
    assert env_dsn("DSN") == "https://key@sentry.example/1"


def test_the_text_format_appends_the_context(client, db):
    from lib.logs import TextFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TextFormatter())
    handler.addFilter(ContextFilter())
    logging.getLogger().addHandler(handler)
    try:
        client.get("/no-such-page/", headers={"X-Request-ID": "dev-1"})
    finally:
        logging.getLogger().removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert any(" WARNING django.request: Not Found: /no-such-page/ [request_id=dev-1]" in line for line in lines)
    access = next(line for line in lines if " INFO config.access: GET /no-such-page/ 404 " in line)
    assert access.endswith("ms [request_id=dev-1]")


# --- sync runs ----------------------------------------------------------------------------------------------


def test_every_sync_run_logs_one_summary_line(load_fixture_catalog, json_log):
    run = load_fixture_catalog()
    [summary] = [line for line in json_log() if line["logger"] == "providers.sync"]
    assert summary["level"] == "INFO"
    assert {key: summary[key] for key in ("event", "source", "sync_run_id", "status", "dry_run")} == {
        "event": "sync_finished",
        "source": "curated",
        "sync_run_id": run.pk,
        "status": "succeeded",
        "dry_run": False,
    }
    counts = [summary[f"rows_{kind}"] for kind in ("created", "updated", "unchanged", "rejected")]
    assert counts == [run.created, run.updated, run.unchanged, run.rejected]
    assert run.created > 0
    assert isinstance(summary["duration_ms"], int)
    assert f"sync run {run.pk} of curated succeeded" in summary["message"]


def test_a_failed_run_logs_its_traceback_and_summary_with_the_run_id(db, settings, tmp_path, json_log):
    from providers.sync.run import run_sync

    settings.CURATED_DATA_DIR = tmp_path / "missing"
    run = run_sync("curated")
    assert run.status == "failed"
    lines = json_log()
    traceback = next(line for line in lines if line["logger"] == "providers.sync.run")
    assert (traceback["level"], traceback["source"], traceback["sync_run_id"]) == ("ERROR", "curated", run.pk)
    assert "Traceback" in traceback["exc_info"]
    summary = next(line for line in lines if line["logger"] == "providers.sync")
    assert (summary["level"], summary["status"], summary["sync_run_id"]) == ("ERROR", "failed", run.pk)
    assert summary["error"] == run.error[:500]


def test_a_sync_task_s_lines_carry_the_task_too(load_fixture_catalog, settings, curated_fixture_dir, json_log):
    from providers.tasks import sync_source

    settings.CURATED_DATA_DIR = curated_fixture_dir
    result = sync_source.apply(("curated", "test"))  # in this process, with or without a broker
    summary = next(line for line in json_log() if line["logger"] == "providers.sync")
    assert (summary["sync_run_id"], summary["task_id"]) == (result.get(), result.id)
    assert summary["task"] == "providers.sync_source"
    assert summary["triggered_by"] == "test"


# --- Sentry -------------------------------------------------------------------------------------------------


def test_sentry_is_off_without_a_dsn(settings):
    import sentry_sdk

    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


class EnvelopeSink:
    """A stand-in for Sentry's ingestion endpoint on 127.0.0.1: keeps every envelope posted to it."""

    def __init__(self) -> None:
        self.envelopes: list[bytes] = []
        self.received = threading.Event()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":
                    import brotli

                    body = brotli.decompress(body)
                sink.envelopes.append(body)
                sink.received.set()
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# Through the real WSGI application, as gunicorn calls it (the test client skips the WSGI layer Sentry hooks into).
SENTRY_PROBE = """
import django
django.setup()
import sentry_sdk
from wsgiref.util import setup_testing_defaults
from django.test import override_settings
from django.urls import path
from config.wsgi import application

def broken_view(request):
    raise RuntimeError("sentry probe: the view broke")

urlpatterns = [path("broken/", broken_view)]
environ = {
    "PATH_INFO": "/broken/",
    "HTTP_COOKIE": "sessionid=secret-session-cookie",
    "HTTP_X_REQUEST_ID": "probe-req-1",
    "REMOTE_ADDR": "203.0.113.9",
}
setup_testing_defaults(environ)
statuses = []
with override_settings(ROOT_URLCONF="__main__"):
    body = b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
print(statuses[0].split()[0])
sentry_sdk.flush(timeout=10)
"""


def test_with_a_dsn_an_exception_in_a_view_reaches_sentry_without_personal_data():
    """In a child process, so the SDK's global state never reaches another test."""
    sink = EnvelopeSink()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            SENTRY_DSN=f"http://publickey@127.0.0.1:{sink.port}/1",
            SENTRY_ENVIRONMENT="ci",
            SENTRY_RELEASE="llm-catalog@test",
        )
        result = subprocess.run(
            [sys.executable, "-c", SENTRY_PROBE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-1] == "500"
        assert sink.received.wait(10)
    finally:
        sink.close()
    events = []
    for envelope in sink.envelopes:
        for item in envelope.split(b"\n"):
            try:
                payload = json.loads(item)
            except ValueError:
                continue
            if isinstance(payload, dict) and "exception" in payload:
                events.append(payload)
    [event] = [e for e in events if "sentry probe: the view broke" in json.dumps(e)]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert (event["environment"], event["release"]) == ("ci", "llm-catalog@test")
    assert event["request"]["url"].endswith("/broken/")
    everything = b"".join(sink.envelopes)
    assert b"secret-session-cookie" not in everything
    assert b"203.0.113.9" not in everything


# --- readiness ----------------------------------------------------------------------------------------------


def test_readyz_is_503_when_the_database_cannot_be_reached(client, db, monkeypatch):
    """A real connection attempt to a PostgreSQL port where nothing listens, not a patched cursor."""
    import django.db
    from django.db import connections
    from django.db.utils import load_backend

    port = closed_port()
    unreachable_settings = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": port, "NAME": "x"}
    configured = connections.configure_settings(
        {"default": connections.settings["default"], "unreachable": unreachable_settings}
    )["unreachable"]
    configured["OPTIONS"] = {"connect_timeout": 2}
    unreachable = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, "unreachable")
    monkeypatch.setattr(django.db, "connection", unreachable)
    try:
        response = client.get("/readyz")
    finally:
        unreachable.close()
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["ready"], body["checks"]["database"]) == (False, "unavailable: OperationalError")


def test_readyz_is_503_when_a_configured_broker_cannot_be_reached(client, db, settings, monkeypatch):
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    unreachable = f"redis://127.0.0.1:{closed_port()}/14"
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery reads it before its own configuration
    monkeypatch.setitem(app.conf, "broker_url", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "ready": False,
        "checks": {"database": "ok", "broker": "unavailable: OperationalError"},
    }
