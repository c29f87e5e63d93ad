"""Who the client is, as far as the deployment lets us know (see TRUSTED_PROXY_COUNT in config/settings.py)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, or behind N trusted proxies the X-Forwarded-For entry the nearest
    of them appended (entries further left were written by whoever connected to it, so they prove nothing).

    The same rule as the API throttle's (DRF's NUM_PROXIES), so a client is one client to both."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote
