"""A sync reaches only the hosts of the configured source URLs (and SYNC_EXTRA_HOSTS): a request elsewhere, or a
redirect elsewhere, is refused before it is sent. `localhost` and `127.0.0.1` are different hosts here, though one
server answers both, so the test server shows whether a refused request ever left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from providers.models import SyncRun
from providers.sync.run import run_sync
from providers.sync.sources.http import (
    SOURCE_URL_SETTINGS,
    SourceHostRefusedError,
    allowed_hosts,
    get_json,
    source_client,
)
from tests.payload_server import Reply

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def litellm_here(settings, payload_server):
    """Every source points at the test server on 127.0.0.1 (the LiteLLM file at /prices.json)."""
    for name in SOURCE_URL_SETTINGS:
        setattr(settings, name, f"{payload_server.url}/{name.lower()}")
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/prices.json"
    return payload_server


def other_host(server) -> str:
    return server.url.replace("127.0.0.1", "localhost")


def test_the_allowed_hosts_are_the_source_urls_hosts(settings):
    settings.OPENROUTER_API_URL = "https://openrouter.ai/api/v1"
    settings.METR_RESULTS_URL = "https://METR.org/assets/results.yaml"
    settings.SYNC_EXTRA_HOSTS = ["cdn.example"]
    hosts = allowed_hosts()
    assert {"openrouter.ai", "metr.org", "cdn.example"} <= hosts
    assert "evil.example" not in hosts


def test_every_source_url_setting_is_guarded():
    """A new source's URL setting must join SOURCE_URL_SETTINGS, or its host would be refused (or, worse, the
    list forgotten). The other *_URL settings are servers of our own, not sources."""
    source = (ROOT / "config" / "settings.py").read_text()
    urls = set(re.findall(r'env_url\(\s*"([A-Z0-9_]+)"', source))
    assert urls - {"REDIS_URL", "CELERY_BROKER_URL"} == set(SOURCE_URL_SETTINGS)
    assert all(hasattr(django_settings, name) for name in SOURCE_URL_SETTINGS)


def test_it_reads_a_configured_source(litellm_here):
    litellm_here.add("/prices.json", {"gpt-4o-mini": {}})
    with source_client() as client:
        assert get_json(client, f"{litellm_here.url}/prices.json") == {"gpt-4o-mini": {}}


def test_it_refuses_a_host_no_source_names(litellm_here):
    litellm_here.add("/elsewhere", {"secret": True})
    with source_client() as client, pytest.raises(SourceHostRefusedError, match="localhost is not the host"):
        get_json(client, f"{other_host(litellm_here)}/elsewhere")
    assert litellm_here.requests == []  # refused before it was sent


def test_it_refuses_a_redirect_to_another_host(litellm_here):
    litellm_here.add("/prices.json", Reply(status=302, headers={"Location": f"{other_host(litellm_here)}/stolen"}))
    with source_client() as client, pytest.raises(SourceHostRefusedError, match="/stolen"):
        get_json(client, f"{litellm_here.url}/prices.json")
    assert [path for path, _ in litellm_here.requests] == ["/prices.json"]


def test_it_follows_a_redirect_on_the_same_host(litellm_here):
    litellm_here.add("/prices.json", Reply(status=301, headers={"Location": "/v2/prices.json"}))
    litellm_here.add("/v2/prices.json", {"moved": True})
    with source_client() as client:
        assert get_json(client, f"{litellm_here.url}/prices.json") == {"moved": True}


def test_an_extra_host_may_be_allowed(litellm_here, settings):
    settings.SYNC_EXTRA_HOSTS = ["localhost"]
    litellm_here.add("/prices.json", Reply(status=302, headers={"Location": f"{other_host(litellm_here)}/cdn.json"}))
    litellm_here.add("/cdn.json", {"from": "cdn"})
    with source_client() as client:
        assert get_json(client, f"{litellm_here.url}/prices.json") == {"from": "cdn"}


def test_a_sync_redirected_off_its_host_fails_and_writes_nothing(litellm_here, db):
    litellm_here.add("/prices.json", Reply(status=302, headers={"Location": f"{other_host(litellm_here)}/x.json"}))
    run = run_sync("litellm")
    assert run.status == SyncRun.Status.FAILED
    assert "SourceHostRefusedError" in run.error
    assert "SYNC_EXTRA_HOSTS" in run.error
    assert (run.created, run.updated) == (0, 0)
    # Refused, not retried: asking again would be refused again.
    assert [path for path, _ in litellm_here.requests] == ["/prices.json"]
