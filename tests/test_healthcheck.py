"""The containers' health checks (config/healthcheck.py) against a real server."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from config.healthcheck import services_ready, web_ready


@pytest.mark.django_db(transaction=True)
def test_the_web_check_asks_readyz_as_the_proxy_would(live_server, settings):
    settings.ALLOWED_HOSTS = ["catalog.example"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    url = f"{live_server.url}/readyz"
    assert web_ready(url)
    # Asked naively, the same server refuses the host name it was reached by.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)
    assert refused.value.code == 400


def test_the_web_check_fails_when_nothing_answers():
    assert not web_ready("http://127.0.0.1:18499/readyz")  # a port of ours nothing listens on


def test_the_beat_check_sees_the_database(db):
    assert services_ready()
