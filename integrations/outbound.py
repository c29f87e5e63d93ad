"""Outbound requests to addresses people typed in (webhook URLs): the rules that keep them from reaching inside.

Like the syncs' client (providers/sync/sources/http.py) every request is checked before it is sent, each redirect
included; here the rule is about addresses rather than a list of hosts, since anyone may subscribe any public URL:
- http or https only, with a host name;
- every address the name resolves to must be globally reachable (`ipaddress` `is_global`, after unwrapping the
  IPv4 address inside an IPv4-mapped, 6to4, NAT64 or Teredo IPv6 address): no private, shared (100.64/10), loopback,
  link-local, multicast, reserved or unspecified address, unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on (tests, a
  closed network);
- redirects are followed only to the same host (and checked again), at most MAX_REDIRECTS of them;
- short timeouts (WEBHOOK_TIMEOUT_SECONDS per connect/read) and a total deadline on the whole attempt
  (`deadline_seconds()`); the answer's body is never read (its status and headers say it all).

- the connection goes to the addresses that were checked: `check_url` returns them and the client's transport
  connects only to those (PinnedBackend), while the URL, the Host header and TLS SNI (and certificate check) keep
  the name. A name whose DNS answer changes after the check (DNS rebinding) cannot move the connection elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

MAX_REDIRECTS = 3
USER_AGENT = "llm-catalog-webhooks/1.0"


class RefusedURLError(ValueError):
    """A URL the site will not send to: its scheme, its host or an address it resolves to."""


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix: the last 32 bits are an IPv4 address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (IPv4-mapped, 6to4, NAT64, Teredo's client and server)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip in NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def _is_public(address: str) -> bool:
    """Globally reachable (`is_global`, not multicast), and so is every IPv4 address an IPv6 one wraps."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        return all(inner.is_global and not inner.is_multicast for inner in _embedded_ipv4(ip))
    return True


def deadline_seconds() -> float:
    """The most one attempt (connect, redirects, the answer's headers) may take, whatever the receiver does."""
    return 2.0 * settings.WEBHOOK_TIMEOUT_SECONDS


def check_url(url: str, *, resolve: bool = True) -> list[str]:
    """Refuse a URL outbound requests may not reach (RefusedURLError says why). With `resolve`, the host's addresses
    are looked up now and each must be public: they are returned, for the client to connect to those only (none when
    nothing was resolved: WEBHOOK_ALLOW_PRIVATE_ADDRESSES, or `resolve` off)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise RefusedURLError("The URL must start with http:// or https://.")
    host = parts.hostname
    if not host:
        raise RefusedURLError("The URL has no host.")
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES or not resolve:
        return []
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as exc:
        raise RefusedURLError(f"The host {host} cannot be resolved.") from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise RefusedURLError(f"The host {host} is a private, loopback or reserved address ({address}).")
        if address not in addresses:
            addresses.append(address)
    return addresses


class PinnedBackend(httpcore.SyncBackend):
    """Opens TCP connections to `host` at the checked `addresses` only (in order, the first that answers), never
    resolving the name again; any other host is refused. TLS and the Host header still use the name."""

    def __init__(self, host: str, addresses: list[str]) -> None:
        self.host = host.lower()
        self.addresses = list(addresses)

    def connect_tcp(self, host: str, port: int, *args: object, **kwargs: object) -> httpcore.NetworkStream:
        if host.lower().strip("[]") != self.host.strip("[]"):
            raise httpcore.ConnectError(f"refused a connection to {host}: only {self.host} was checked")
        error: Exception | None = None
        for address in self.addresses:
            try:
                return super().connect_tcp(address, port, *args, **kwargs)  # type: ignore[arg-type]
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address to connect to for {host}")


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool on a PinnedBackend (httpcore's public `network_backend`)."""

    def __init__(self, host: str, addresses: list[str]) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=PinnedBackend(host, addresses)
        )


def _same_host_only(host: str) -> Callable[[httpx.Request], None]:
    def check(request: httpx.Request) -> None:
        if (request.url.host or "").lower() != host:
            raise RefusedURLError(f"refused a redirect to another host ({request.url.host})")
        check_url(str(request.url))

    return check


def client_for(url: str, addresses: list[str] | None = None) -> httpx.Client:
    """A client that may reach only `url`'s host, each request (redirects included) checked by `check_url`; with
    `addresses` (what `check_url` returned), it connects to those only."""
    host = (urlsplit(url).hostname or "").lower()
    return httpx.Client(
        transport=PinnedTransport(host, addresses) if addresses else None,
        timeout=httpx.Timeout(settings.WEBHOOK_TIMEOUT_SECONDS),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
        event_hooks={"request": [_same_host_only(host)]},
    )
