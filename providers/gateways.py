"""Routers and gateways (data/curated/gateways.toml): which of them can serve a model.

A gateway serves a model when the model has a live route on a provider the gateway documents a connector for, or,
for a gateway that is itself a provider of the catalog (OpenRouter, Vercel AI Gateway), a live route on it. The
file is read when asked and again when it changes; it is small and not in the database, so no sync writes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from providers.models import Provider

logger = logging.getLogger(__name__)

KINDS = {"gateway": "Gateway", "router": "Router", "hybrid": "Gateway and router"}


class GatewayFileError(ValueError):
    pass


@dataclass(frozen=True)
class Gateway:
    slug: str
    name: str
    kind: str
    description: str
    website_url: str
    docs_url: str
    open_source: bool
    license: str
    reaches: frozenset[str]
    checked: dt.date
    provider: str = ""  # the catalog provider it is, if any

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class GatewayReach:
    """A gateway that can serve a model, and through which of the model's providers (their names)."""

    gateway: Gateway
    via: tuple[str, ...]

    @property
    def direct(self) -> bool:
        """The gateway is itself a provider of the model: it has a route of its own, with its prices."""
        return bool(self.gateway.provider) and not self.gateway.reaches


def gateways_file() -> Path:
    return Path(settings.CURATED_DATA_DIR) / "gateways.toml"


def all_gateways(path: Path | None = None) -> list[Gateway]:
    """Every gateway of the file, in its order; [] when there is no file."""
    path = path or gateways_file()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return []
    return list(_read(path, stamp))


@lru_cache(maxsize=4)
def _read(path: Path, stamp: int) -> tuple[Gateway, ...]:
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("gateway", [])
    except tomllib.TOMLDecodeError as exc:
        raise GatewayFileError(f"{path}: not valid TOML: {exc}") from None
    gateways, seen = [], set()
    for index, entry in enumerate(entries):
        where = f"{path.name} gateway {index + 1} ({entry.get('slug', '?')})"
        missing = [key for key in ("slug", "name", "kind", "description", "docs_url", "checked") if key not in entry]
        if missing:
            raise GatewayFileError(f"{where}: missing {', '.join(missing)}")
        if entry["kind"] not in KINDS:
            raise GatewayFileError(f"{where}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
        if entry["slug"] in seen:
            raise GatewayFileError(f"{where}: the slug is used twice")
        if not entry.get("reaches") and not entry.get("provider"):
            raise GatewayFileError(f"{where}: it reaches no provider and is none")
        for key in ("docs_url", "website_url"):
            if entry.get(key) and not _is_http_url(entry[key]):
                raise GatewayFileError(f"{where}: {key} {entry[key]!r} is not an http(s) URL")
        seen.add(entry["slug"])
        checked = entry["checked"]
        gateways.append(
            Gateway(
                slug=entry["slug"],
                name=entry["name"],
                kind=entry["kind"],
                description=entry["description"],
                website_url=entry.get("website_url", ""),
                docs_url=entry["docs_url"],
                open_source=bool(entry.get("open_source", False)),
                license=entry.get("license", ""),
                reaches=frozenset(entry.get("reaches", [])),
                checked=checked if isinstance(checked, dt.date) else dt.date.fromisoformat(str(checked)),
                provider=entry.get("provider", ""),
            )
        )
    return tuple(gateways)


def _is_http_url(value: object) -> bool:
    parts = urlsplit(str(value).strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def usable_gateways() -> list[Gateway]:
    """The file's gateways for a page: a file that fails its checks is logged and lists none, so a typo in the
    curated file never turns a model page into an error (`check_gateways_file` reports it at start-up)."""
    try:
        return all_gateways()
    except GatewayFileError:
        logger.exception("gateways file rejected; pages list no gateways until it is fixed")
        return []


@checks.register()
def check_gateways_file(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """`manage.py check` (and every runserver/migrate) reads gateways.toml and reports what is wrong with it."""
    try:
        all_gateways()
    except GatewayFileError as exc:
        return [checks.Error(str(exc), hint="Fix data/curated/gateways.toml.", id="providers.E001")]
    return []


def gateways_for(
    routes: Iterable[tuple[str, str]],
    gateways: list[Gateway] | None = None,
    *,
    route_gateways: Iterable[Provider] = (),
) -> list[GatewayReach]:
    """The gateways that can serve a model whose live routes are on these providers ((slug, name) pairs), the
    ones with a route of their own first, then by name. `route_gateways`: providers of kind gateway with a route
    of the model, listed even when the file does not name them."""
    names = dict(routes)
    gateways = usable_gateways() if gateways is None else list(gateways)
    named = {gateway.provider for gateway in gateways}
    for provider in route_gateways:
        if provider.slug not in named:
            named.add(provider.slug)
            gateways.append(
                Gateway(
                    slug=provider.slug,
                    name=provider.name,
                    kind="gateway",
                    description=provider.description,
                    website_url=provider.website_url,
                    docs_url=provider.docs_url or provider.website_url or f"/providers/{provider.slug}/",
                    open_source=False,
                    license="",
                    reaches=frozenset(),
                    checked=dt.date.today(),
                    provider=provider.slug,
                )
            )
            names.setdefault(provider.slug, provider.name)
    found = []
    for gateway in gateways:
        if gateway.provider and gateway.provider in names:
            found.append(GatewayReach(gateway, (names[gateway.provider],)))
            continue
        via = tuple(sorted(names[slug] for slug in gateway.reaches & names.keys()))
        if via:
            found.append(GatewayReach(gateway, via))
    return sorted(found, key=lambda reach: (not reach.direct, reach.gateway.name.lower()))


__all__ = ["Gateway", "GatewayFileError", "GatewayReach", "all_gateways", "gateways_for"]
