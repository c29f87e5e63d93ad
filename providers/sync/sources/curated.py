"""The `curated` source: TOML files in the repository, edited by curators and reviewed in diffs.

Adapter: reads `labs.toml`, `providers.toml`, `benchmarks.toml` and `models/*.toml` under CURATED_DATA_DIR and
returns each file's parsed content (or its syntax error). Units: every price is already USD per 1M tokens (or per
image / request / search). Quirks: none, but humans type the files, so the normalizer refuses unknown fields
(typos) and names the file, the entry and the field of every row it stops. Format: docs/curated-data.md.

Past 500 lines: one source is one module (adapter and normalizer together); the normalizer's steps are its functions.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from catalog.vocabulary import CAPABILITIES, KNOWLEDGE_CUTOFF_RE, MODALITIES, SLUG_PART_RE
from providers.models import ServiceTier
from providers.pricing.rules import TOKEN_COMPONENTS
from providers.sync.records import (
    MODEL_M2M_FIELDS,
    MODEL_SCALAR_FIELDS,
    PROVIDER_FIELDS,
    Batch,
    BenchmarkRecord,
    LabRecord,
    ModelRecord,
    OfferingRecord,
    PriceRecord,
    ProviderRecord,
    Rejection,
    ScoreRecord,
)
from providers.sync.sources.base import CURATOR_PRECEDENCE, Known
from providers.sync.sources.common import PriceKeys
from providers.sync.units import UnitError, per_mtok, per_unit, to_decimal

PROVIDER_KINDS = ("first_party", "cloud", "inference_host", "gateway")
MODEL_STATUSES = ("preview", "active", "deprecated", "retired")
COMMERCIAL_USE = ("allowed", "conditional", "not_allowed")
ROUTE_TYPES = ("serverless", "dedicated", "batch_only")
BENCHMARK_CATEGORIES = (
    "knowledge",
    "reasoning",
    "math",
    "coding",
    "agentic",
    "multimodal",
    "long_context",
    "human_preference",
    "composite",
)
BENCHMARK_SCALES = ("percent", "elo", "index", "minutes")
COMPONENTS = (
    "input",
    "output",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "reasoning",
    "input_audio",
    "input_audio_cache",
    "output_audio",
    "input_image",
    "output_image",
    "request",
    "web_search",
)
UNITS = ("per_1m_tokens", "per_image", "per_request", "per_search", "per_second", "per_minute")
SERVICE_TIERS = tuple(ServiceTier.values)  # the model's choices: free is a no-cost, rate-limited offer
# A curated price above this many dollars per unit is a typo (or a unit error), not a price.
MAX_USD = Decimal(100_000)


@dataclass(frozen=True)
class CuratedFile:
    path: str
    kind: str
    data: dict[str, Any] | None
    error: str = ""


class CuratedSourceError(RuntimeError):
    pass


class CuratedSource:
    name: ClassVar[str] = "curated"
    description: ClassVar[str] = "Curated TOML files in the repository (data/curated/)"
    needs_network: ClassVar[bool] = False
    precedence: ClassVar[int] = CURATOR_PRECEDENCE
    first_party_providers: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or settings.CURATED_DATA_DIR)

    def fetch(self, client: httpx.Client) -> list[CuratedFile]:
        return read_curated_files(self.root)

    def normalize(self, raw: list[CuratedFile], known: Known) -> Batch:
        return normalize_curated(raw, known)


def read_curated_files(root: Path) -> list[CuratedFile]:
    if not root.is_dir():
        raise CuratedSourceError(f"curated data directory not found: {root}")
    paths = [
        (root / name, kind)
        for name, kind in (
            ("labs.toml", "labs"),
            ("providers.toml", "providers"),
            ("benchmarks.toml", "benchmarks"),
        )
    ]
    paths += [(path, "models") for path in sorted((root / "models").glob("*.toml"))]
    files = []
    for path, kind in paths:
        if not path.exists():
            continue
        shown = str(path.relative_to(settings.BASE_DIR)) if path.is_relative_to(settings.BASE_DIR) else str(path)
        try:
            files.append(CuratedFile(shown, kind, tomllib.loads(path.read_text(encoding="utf-8"))))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            files.append(CuratedFile(shown, kind, None, f"not valid TOML: {exc}"))
    return files


class _InvalidError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Entry:
    """Typed, validating reads of one TOML table; every failure names its field."""

    def __init__(self, data: Any, allowed: Iterable[str], *, what: str) -> None:
        if not isinstance(data, dict):
            raise _InvalidError("-", f"each {what} must be a table, got {type(data).__name__}")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise _InvalidError(unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")
        self.data = data

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, *, required: bool = False, max_length: int = 200) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise _InvalidError(key, "required")
            return None
        if not isinstance(value, str):
            raise _InvalidError(key, f"must be a string, got {value!r}")
        value = value.strip()
        if required and not value:
            raise _InvalidError(key, "required")
        if len(value) > max_length:
            raise _InvalidError(key, f"longer than {max_length} characters")
        return value

    def slug_part(self, key: str) -> str:
        value = self.text(key, required=True, max_length=100)
        assert value is not None
        if not SLUG_PART_RE.match(value):
            raise _InvalidError(key, f"{value!r} is not a slug (lowercase letters, digits, '.', '_', '-')")
        return value

    def choice(self, key: str, choices: Iterable[str], *, required: bool = False) -> str | None:
        value = self.text(key, required=required, max_length=40)
        if value is None:
            return None
        if value not in choices:
            raise _InvalidError(key, f"{value!r} is not one of: {', '.join(choices)}")
        return value

    def url(self, key: str) -> str | None:
        value = self.text(key, max_length=500)
        if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
            raise _InvalidError(key, f"{value!r} is not an http(s) URL")
        return value

    def positive_int(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _InvalidError(key, f"must be a positive whole number of tokens, got {value!r}")
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise _InvalidError(key, f"must be true or false, got {value!r}")
        return value

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise _InvalidError(key, "required")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise _InvalidError(key, f"must be a date (YYYY-MM-DD), got {value!r}")

    def vocabulary_list(self, key: str, vocabulary: Iterable[str] | None = None) -> list[str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _InvalidError(key, "must be a list of strings")
        if vocabulary is not None:
            allowed = set(vocabulary)
            unknown = [item for item in value if item not in allowed]
            if unknown:
                raise _InvalidError(key, f"unknown value {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
        return list(dict.fromkeys(value))

    def table_list(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise _InvalidError(key, "must be a list of tables")
        return value


def normalize_curated(files: list[CuratedFile], known: Known) -> Batch:
    batch = Batch()
    by_kind: dict[str, list[CuratedFile]] = {"labs": [], "providers": [], "benchmarks": [], "models": []}
    for file in files:
        if file.error:
            batch.rejections.append(Rejection(entry="(whole file)", field="-", message=file.error, file=file.path))
        else:
            by_kind[file.kind].append(file)

    for file in by_kind["labs"]:
        for index, data in enumerate(_top_list(file, "lab", batch)):
            _collect(batch, file.path, f"lab #{index + 1}", lambda d=data: batch.labs.append(_lab(d)))
    labs = known.labs | {lab.slug for lab in batch.labs}

    for file in by_kind["providers"]:
        for index, data in enumerate(_top_list(file, "provider", batch)):
            _collect(
                batch,
                file.path,
                _label(data, f"provider #{index + 1}"),
                lambda d=data: batch.providers.append(_provider(d, labs)),
            )
    providers = known.providers | {provider.slug for provider in batch.providers}

    for file in by_kind["benchmarks"]:
        for index, data in enumerate(_top_list(file, "benchmark", batch)):
            _collect(
                batch,
                file.path,
                _label(data, f"benchmark #{index + 1}"),
                lambda d=data: batch.benchmarks.append(_benchmark(d)),
            )
    benchmarks = known.benchmarks | {benchmark.slug for benchmark in batch.benchmarks}

    seen_models: set[str] = set()
    for file in by_kind["models"]:
        file_lab = file.data.get("lab") if file.data else None
        for index, data in enumerate(_top_list(file, "model", batch, extra_keys={"lab"})):
            label = f"{file_lab}/{data['slug']}" if isinstance(data, dict) and "slug" in data else f"model #{index + 1}"
            try:
                record = _model(data, file_lab, labs, providers, benchmarks, batch, file.path, label)
                if record.slug in seen_models:
                    raise _InvalidError("slug", f"{record.slug} is defined twice")
                seen_models.add(record.slug)
                record.origin = file.path
                batch.models.append(record)
            except _InvalidError as exc:
                batch.rejections.append(Rejection(entry=label, field=exc.field, message=exc.message, file=file.path))

    # Successors may point forward, so they are checked once every model is read.
    defined = known.models | seen_models
    for record in list(batch.models):
        if record.successor and record.successor not in defined:
            batch.models.remove(record)
            batch.rejections.append(
                Rejection(
                    entry=record.slug,
                    field="successor",
                    message=f"{record.successor!r} is not a model in the catalog",
                    file=record.origin,
                )
            )
    return batch


def _top_list(
    file: CuratedFile, key: str, batch: Batch, extra_keys: frozenset[str] | set[str] = frozenset()
) -> list[Any]:
    assert file.data is not None
    unknown = sorted(set(file.data) - {key} - set(extra_keys))
    for name in unknown:
        batch.rejections.append(
            Rejection(
                entry="(top level)",
                field=name,
                message=f"unknown table or key; expected [[{key}]]",
                file=file.path,
            )
        )
    value = file.data.get(key, [])
    if not isinstance(value, list):
        batch.rejections.append(Rejection(entry="(top level)", field=key, message=f"use [[{key}]]", file=file.path))
        return []
    return value


def _label(data: Any, fallback: str) -> str:
    return str(data["slug"]) if isinstance(data, dict) and isinstance(data.get("slug"), str) else fallback


def _collect(batch: Batch, path: str, label: str, read: Any) -> None:
    try:
        read()
    except _InvalidError as exc:
        batch.rejections.append(Rejection(entry=label, field=exc.field, message=exc.message, file=path))


def _lab(data: Any) -> LabRecord:
    entry = _Entry(data, {"slug", "name", "website_url", "description"}, what="lab")
    return LabRecord(
        slug=entry.slug_part("slug"),
        name=entry.text("name", required=True) or "",
        website_url=entry.url("website_url"),
        description=entry.text("description", max_length=2000),
    )


def _provider(data: Any, labs: frozenset[str] | set[str]) -> ProviderRecord:
    entry = _Entry(data, {"slug", "lab", *PROVIDER_FIELDS}, what="provider")
    lab = entry.text("lab", max_length=64)
    if lab and lab not in labs:
        raise _InvalidError("lab", f"unknown lab {lab!r}")
    return ProviderRecord(
        slug=entry.slug_part("slug"),
        name=entry.text("name", required=True) or "",
        kind=entry.choice("kind", PROVIDER_KINDS, required=True) or "",
        lab=lab,
        website_url=entry.url("website_url"),
        docs_url=entry.url("docs_url"),
        pricing_url=entry.url("pricing_url"),
        api_base_url=entry.url("api_base_url"),
        openai_compatible=entry.boolean("openai_compatible"),
        description=entry.text("description", max_length=2000),
    )


def _benchmark(data: Any) -> BenchmarkRecord:
    entry = _Entry(
        data,
        {
            "slug",
            "name",
            "category",
            "metric",
            "scale",
            "higher_is_better",
            "url",
            "description",
        },
        what="benchmark",
    )
    higher = entry.boolean("higher_is_better")
    return BenchmarkRecord(
        slug=entry.slug_part("slug"),
        name=entry.text("name", required=True) or "",
        category=entry.choice("category", BENCHMARK_CATEGORIES, required=True) or "",
        metric=entry.text("metric", required=True, max_length=40) or "",
        scale=entry.choice("scale", BENCHMARK_SCALES) or "percent",
        higher_is_better=True if higher is None else higher,
        url=entry.url("url"),
        description=entry.text("description", max_length=2000),
    )


MODEL_KEYS = {"slug", "lab", *MODEL_SCALAR_FIELDS, *MODEL_M2M_FIELDS, "successor", "aliases", "route", "score"}


def _model(
    data: Any,
    file_lab: Any,
    labs: frozenset[str] | set[str],
    providers: frozenset[str] | set[str],
    benchmarks: frozenset[str] | set[str],
    batch: Batch,
    path: str,
    label: str,
) -> ModelRecord:
    entry = _Entry(data, MODEL_KEYS, what="model")
    lab = entry.text("lab", max_length=64) or (file_lab if isinstance(file_lab, str) else None)
    if not lab:
        raise _InvalidError("lab", "required (set `lab` at the top of the file or on the model)")
    if lab not in labs:
        raise _InvalidError("lab", f"unknown lab {lab!r}; add it to labs.toml")
    slug = f"{lab}/{entry.slug_part('slug')}"
    cutoff = entry.text("knowledge_cutoff", max_length=10)
    if cutoff and not KNOWLEDGE_CUTOFF_RE.match(cutoff):
        raise _InvalidError("knowledge_cutoff", f"{cutoff!r} must be YYYY-MM or YYYY-MM-DD")
    parameters_b = None
    if entry.has("parameters_b"):
        try:
            parameters_b = to_decimal(entry.data["parameters_b"])
        except UnitError as exc:
            raise _InvalidError("parameters_b", str(exc)) from None
        if parameters_b <= 0:
            raise _InvalidError("parameters_b", "must be positive")
    deprecation_date = entry.date("deprecation_date")
    retirement_date = entry.date("retirement_date")
    if deprecation_date and retirement_date and retirement_date < deprecation_date:
        raise _InvalidError("retirement_date", "is before the deprecation date")
    successor = entry.text("successor", max_length=200)
    if successor == slug:
        raise _InvalidError("successor", "a model cannot be its own successor")
    if successor and "/" not in successor:
        raise _InvalidError("successor", f"{successor!r} must be a canonical slug lab/model")
    supported = entry.vocabulary_list("supported_parameters")

    record = ModelRecord(
        slug=slug,
        lab=lab,
        name=entry.text("name", required=True),
        family=entry.text("family", max_length=100),
        description=entry.text("description", max_length=20_000),
        release_date=entry.date("release_date"),
        knowledge_cutoff=cutoff,
        context_window=entry.positive_int("context_window"),
        max_output_tokens=entry.positive_int("max_output_tokens"),
        input_modalities=entry.vocabulary_list("input_modalities", MODALITIES),
        output_modalities=entry.vocabulary_list("output_modalities", MODALITIES),
        capabilities=entry.vocabulary_list("capabilities", CAPABILITIES),
        supported_parameters=supported,
        open_weights=entry.boolean("open_weights"),
        license=entry.text("license"),
        commercial_use=entry.choice("commercial_use", COMMERCIAL_USE),
        parameters_b=parameters_b,
        architecture=entry.text("architecture"),
        status=entry.choice("status", MODEL_STATUSES) or "active",
        deprecation_date=deprecation_date,
        retirement_date=retirement_date,
        successor=successor,
        facts_source_url=entry.url("facts_source_url"),
    )
    record.aliases = _aliases(entry.data.get("aliases", {}))

    seen_routes: set[tuple[str, str, str]] = set()
    for index, route in enumerate(entry.table_list("route")):
        route_label = f"{label} > route #{index + 1}"
        if isinstance(route, dict) and isinstance(route.get("provider"), str):
            route_label = f"{label} > route {route['provider']}"
        try:
            offering = _offering(route, providers, batch, path, route_label)
        except _InvalidError as exc:
            batch.rejections.append(Rejection(entry=route_label, field=exc.field, message=exc.message, file=path))
            continue
        key = (offering.provider, offering.region, offering.quantization)
        if key in seen_routes:
            batch.rejections.append(
                Rejection(
                    entry=route_label,
                    field="provider",
                    message="a second route on the same provider, region and quantization",
                    file=path,
                )
            )
            continue
        seen_routes.add(key)
        record.offerings.append(offering)

    for index, score in enumerate(entry.table_list("score")):
        score_label = f"{label} > score #{index + 1}"
        try:
            record.scores.append(_score(score, benchmarks))
        except _InvalidError as exc:
            batch.rejections.append(Rejection(entry=score_label, field=exc.field, message=exc.message, file=path))
    return record


def _aliases(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        raise _InvalidError("aliases", "must be a table of source = [ids]")
    aliases: list[tuple[str, str]] = []
    for source, ids in value.items():
        if isinstance(ids, str):
            ids = [ids]
        if not isinstance(ids, list) or not all(isinstance(item, str) and item.strip() for item in ids):
            raise _InvalidError(f"aliases.{source}", "must be a list of ids")
        aliases.extend((source, item.strip()) for item in ids)
    return list(dict.fromkeys(aliases))


ROUTE_KEYS = {
    "provider",
    "provider_model_id",
    "route_type",
    "region",
    "quantization",
    "context_window",
    "max_output_tokens",
    "status",
    "source_name",
    "source_url",
    "verified_at",
    "prices",
}
PRICE_KEYS = {
    "component",
    "locked",
    "unit",
    "usd",
    "service_tier",
    "tier_min_tokens",
    "published",
    "effective_from",
    "source_name",
    "source_url",
    "verified_at",
}

# A curated price names its component in a field: every field and every component is read, and an unknown one is
# refused with its file and entry (so nothing is ever skipped). docs/sources/curated.md lists them.
PRICING_KEYS = PriceKeys(mapped=frozenset(PRICE_KEYS) | frozenset(COMPONENTS))


def _offering(data: Any, providers: frozenset[str] | set[str], batch: Batch, path: str, label: str) -> OfferingRecord:
    entry = _Entry(data, ROUTE_KEYS, what="route")
    provider = entry.text("provider", required=True, max_length=64) or ""
    if provider not in providers:
        raise _InvalidError("provider", f"unknown provider {provider!r}; add it to providers.toml")
    offering = OfferingRecord(
        provider=provider,
        provider_model_id=entry.text("provider_model_id", required=True, max_length=255) or "",
        region=entry.text("region", max_length=64) or "",
        quantization=entry.text("quantization", max_length=32) or "",
        route_type=entry.choice("route_type", ROUTE_TYPES) or "serverless",
        status=entry.choice("status", ("preview", "active", "deprecated", "retired")) or "active",
        context_window=entry.positive_int("context_window"),
        max_output_tokens=entry.positive_int("max_output_tokens"),
    )
    defaults = {
        "source_name": entry.text("source_name"),
        "source_url": entry.url("source_url"),
        "verified_at": entry.date("verified_at"),
    }
    seen: set[tuple[str, str, int]] = set()
    for index, price_data in enumerate(entry.table_list("prices")):
        price_label = f"{label} > price #{index + 1}"
        if isinstance(price_data, dict) and isinstance(price_data.get("component"), str):
            price_label += f" ({price_data['component']})"
        try:
            price = _price(price_data, defaults)
            if price.key in seen:
                raise _InvalidError("component", "a second price for the same component, service tier and threshold")
            seen.add(price.key)
            offering.prices.append(price)
        except _InvalidError as exc:
            offering.prices_complete = False
            batch.rejections.append(Rejection(entry=price_label, field=exc.field, message=exc.message, file=path))
    return offering


def _price(data: Any, defaults: dict[str, Any]) -> PriceRecord:
    entry = _Entry(data, PRICE_KEYS, what="price")
    component = entry.choice("component", COMPONENTS, required=True) or ""
    unit = entry.choice("unit", UNITS, required=True) or ""
    if component in TOKEN_COMPONENTS and unit != "per_1m_tokens":
        raise _InvalidError("unit", f"a {component} price is per token: use per_1m_tokens")
    if component == "request" and unit != "per_request":
        raise _InvalidError("unit", "a request price must be per_request")
    if component == "web_search" and unit != "per_search":
        raise _InvalidError("unit", "a web_search price must be per_search")
    if "usd" not in entry.data:
        raise _InvalidError("usd", "required")
    try:
        usd = per_mtok(entry.data["usd"]) if unit == "per_1m_tokens" else per_unit(entry.data["usd"])
    except UnitError as exc:
        raise _InvalidError("usd", str(exc)) from None
    if usd < 0:
        raise _InvalidError("usd", f"a price cannot be negative, got {entry.data['usd']!r}")
    if usd > MAX_USD:
        raise _InvalidError("usd", f"{entry.data['usd']!r} USD {unit} is not a plausible price (check the unit)")
    tier = entry.data.get("tier_min_tokens", 0)
    if isinstance(tier, bool) or not isinstance(tier, int) or tier < 0:
        raise _InvalidError("tier_min_tokens", f"must be a whole number of tokens >= 0, got {tier!r}")
    source_url = entry.url("source_url") or defaults["source_url"]
    if not source_url:
        raise _InvalidError("source_url", "required: every price names where it came from (on the price or its route)")
    verified_on = entry.date("verified_at") or defaults["verified_at"]
    if not verified_on:
        raise _InvalidError("verified_at", "required: the date the source stated this figure")
    effective_from = entry.date("effective_from")
    locked = entry.text("locked", max_length=200) or ""
    if "locked" in entry.data and not locked.strip():
        raise _InvalidError("locked", "a lock needs its reason (why this figure outranks the route's own feed)")
    return PriceRecord(
        locked=locked.strip(),
        component=component,
        unit=unit,
        usd=usd,
        service_tier=entry.choice("service_tier", SERVICE_TIERS) or ServiceTier.STANDARD,
        tier_min_tokens=tier,
        source_url=source_url,
        source_name=entry.text("source_name") or defaults["source_name"] or "",
        verified_on=verified_on,
        published=entry.text("published", max_length=120) or "",
        effective_from=(dt.datetime.combine(effective_from, dt.time(), tzinfo=dt.UTC) if effective_from else None),
    )


def _score(data: Any, benchmarks: frozenset[str] | set[str]) -> ScoreRecord:
    entry = _Entry(data, {"benchmark", "value", "version", "date", "source_url", "self_reported"}, what="score")
    benchmark = entry.text("benchmark", required=True, max_length=64) or ""
    if benchmark not in benchmarks:
        raise _InvalidError("benchmark", f"unknown benchmark {benchmark!r}; add it to benchmarks.toml")
    if "value" not in entry.data:
        raise _InvalidError("value", "required")
    try:
        value = to_decimal(entry.data["value"])
    except UnitError as exc:
        raise _InvalidError("value", str(exc)) from None
    if value < 0:
        raise _InvalidError("value", "a score cannot be negative")
    self_reported = entry.boolean("self_reported")
    if self_reported is None:
        raise _InvalidError("self_reported", "required: true if the lab published it, false if measured independently")
    source_url = entry.url("source_url")
    if not source_url:
        raise _InvalidError("source_url", "required: every score names its source")
    return ScoreRecord(
        benchmark=benchmark,
        value=value,
        version=entry.text("version") or "",
        measured_on=entry.date("date"),
        source_url=source_url,
        self_reported=self_reported,
    )
