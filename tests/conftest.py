"""Test set-up shared by every test: the network is blocked, and small catalogs are one call away."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    """Tests may talk to local servers (PostgreSQL, Redis, a test HTTP server) and nothing else."""
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = address[0]
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise RuntimeError(f"tests may not reach the network (tried {address!r})")
    _real_connect(self, address)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache and the page cache off, so that a page test sees (and counts the
    queries of) a real render; tests of the page cache turn it on with the `page_cache` fixture."""
    from django.core.cache import cache

    from lib.caching import LOCAL

    cache.clear()
    LOCAL.forget()
    settings.PAGE_CACHE_SECONDS = 0
    # Versions and rate-limit counts in this process's cache (without Redis the site keeps them in files every
    # process shares, which parallel test processes must not); no rewarm unless a test asks for it.
    settings.SHARED_CACHE_ALIAS = "default"
    settings.PAGE_CACHE_REWARM = False
    settings.VERSION_MEMO = False  # a test's writes commit nothing, so the version would not move on


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def route_index_cache(settings):
    """Keep the route index (and every other per-version summary) in memory, as in production; none survives from
    an earlier test: each test's cache.clear() starts a new catalog version."""
    settings.VERSION_MEMO = True


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say where the browser tests left their screenshots."""
    screenshots = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "var" / "screenshots")
    if screenshots.is_dir() and any(screenshots.iterdir()):
        terminalreporter.write_line(f"browser screenshots: {screenshots}")


@pytest.fixture
def curated_fixture_dir() -> Path:
    return FIXTURES / "curated"


@pytest.fixture
def load_fixture_catalog(db, settings, curated_fixture_dir):
    """Load the small hand-made curated catalog in tests/fixtures/curated through the real sync."""
    from providers.sync.run import run_sync

    def load(directory: Path | None = None):
        settings.CURATED_DATA_DIR = directory or curated_fixture_dir
        run = run_sync("curated")
        assert run.status == "succeeded", run.error
        return run

    return load


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared real-data folder {SHARED_DATA} is not present on this machine")
    return SHARED_DATA


@pytest.fixture
def payload_server():
    """A local HTTP server for recorded payloads; see tests/payload_server.py."""
    from tests.payload_server import PayloadServer

    with PayloadServer() as server:
        yield server


@pytest.fixture
def no_retry_wait(monkeypatch):
    """Run HTTP retries without sleeping; returns the list of waits the client asked for."""
    from providers.sync.sources import http

    waits: list[float] = []
    monkeypatch.setattr(http, "sleep", waits.append)
    return waits
