"""The last normalizer step for every source: text a source supplies is fit to store and to show.

Every text field of a Batch is treated as hostile, whichever source wrote it (run_sync screens each batch before
the upsert). Templates and serializers escape what is shown; this step makes sure that what is stored fits its
column and its purpose, so that one bad row is a rejection, never a failed run (PostgreSQL refuses over-long values
and NUL characters that SQLite would take):
- a one-line text (a name) loses control, bidi-override and zero-width characters, has its line breaks and runs of
  whitespace folded into one space (no line break reaches a feed title or a header) and is cut to its column;
- a description keeps its line breaks and tabs and loses the other control and bidi characters;
- a URL is kept only when it is an absolute http(s) URL Django's URLValidator accepts, within its column; any
  other is dropped with a rejection (a `javascript:` or `data:` link never reaches a page);
- slugs and ids, which must not be silently changed, are refused with the row when they cannot fit or be a slug;
- a token count its column cannot hold (above catalog.vocabulary.MAX_TOKENS) is dropped, and a price whose
  threshold cannot be stored is refused (its route's other prices are then not closed as gone).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from catalog.vocabulary import MAX_TOKENS, SLUG_PART_RE
from providers.sync.records import (
    Batch,
    BenchmarkRecord,
    LabRecord,
    ModelRecord,
    OfferingRecord,
    ProviderRecord,
    Rejection,
)

# Column sizes (catalog/models.py, providers/models.py, benchmarks/models.py).
NAME_LENGTH = 200
URL_LENGTH = 500
SLUG_LENGTH = 64
MODEL_SLUG_LENGTH = 200
ID_LENGTH = 255

# Bidi embeddings, overrides and isolates ("Trojan Source"), zero-width space and no-break, word joiner, BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"))
# C0 and C1 controls and DEL, except tab and line feed (which a description keeps).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WHITESPACE_RE = re.compile(r"\s+")
_http_url = URLValidator(schemes=["http", "https"])


def clean_text(value: str) -> str:
    """A multi-line text (a description): line breaks and tabs kept, other control and bidi characters removed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", unicodedata.normalize("NFC", value)).translate(_INVISIBLE).strip()


def clean_line(value: str, max_length: int = NAME_LENGTH) -> str:
    """A one-line text (a name): control, bidi and zero-width characters removed, whitespace folded, cut."""
    value = _CONTROL_RE.sub(" ", unicodedata.normalize("NFC", value)).translate(_INVISIBLE)
    return _WHITESPACE_RE.sub(" ", value).strip()[:max_length].rstrip()


def is_http_url(value: str) -> bool:
    if not value or len(value) > URL_LENGTH:
        return False
    try:
        _http_url(value)
    except ValidationError:
        return False
    return True


def is_slug(value: str, max_length: int = SLUG_LENGTH) -> bool:
    return len(value) <= max_length and bool(SLUG_PART_RE.match(value))


def is_model_slug(value: str) -> bool:
    lab, _, model = value.partition("/")
    return len(value) <= MODEL_SLUG_LENGTH and is_slug(lab) and is_slug(model, MODEL_SLUG_LENGTH)


def is_plain_id(value: str, max_length: int = ID_LENGTH) -> bool:
    """An id a provider's API takes: kept exactly as said, so refused (not cleaned) when it cannot be stored."""
    return 0 < len(value) <= max_length and not _CONTROL_RE.search(value) and "\n" not in value


def _shown(value: Any) -> str:
    return repr(value) if len(repr(value)) <= 80 else f"{repr(value)[:77]}..."


class _Screen:
    def __init__(self, batch: Batch) -> None:
        self.batch = batch

    def reject(self, entry: str, field: str, message: str) -> None:
        self.batch.rejections.append(Rejection(entry=clean_line(entry, 300), field=field, message=message))

    def url(self, record: Any, name: str, entry: str) -> None:
        value = getattr(record, name)
        if value is None or value == "":
            return
        stripped = value.strip() if isinstance(value, str) else ""
        if is_http_url(stripped):
            setattr(record, name, stripped)
            return
        self.reject(entry, name, f"{_shown(value)} is not an http(s) URL of at most {URL_LENGTH} characters: dropped")
        setattr(record, name, None)  # "not said": a URL stored earlier stays

    def line(self, record: Any, name: str, max_length: int = NAME_LENGTH) -> None:
        value = getattr(record, name)
        if isinstance(value, str):
            setattr(record, name, clean_line(value, max_length))

    def text(self, record: Any, name: str) -> None:
        value = getattr(record, name)
        if isinstance(value, str):
            setattr(record, name, clean_text(value))

    def tokens(self, record: Any, entry: str) -> None:
        for name in ("context_window", "max_output_tokens"):
            value = getattr(record, name)
            if value is not None and value > MAX_TOKENS:
                self.reject(
                    entry, name, f"{value:,} tokens is more than a column holds (at most {MAX_TOKENS:,}): dropped"
                )
                setattr(record, name, None)  # "not said": a value stored earlier stays

    # --- each kind of record ----------------------------------------------------------------------------------

    def labs(self) -> set[str]:
        kept: list[LabRecord] = []
        refused: set[str] = set()
        for lab in self.batch.labs:
            if not is_slug(lab.slug):
                self.reject(lab.slug, "slug", f"{_shown(lab.slug)} is not a lab slug: lab not stored")
                refused.add(lab.slug)
                continue
            self.line(lab, "name")
            lab.name = lab.name or lab.slug
            self.url(lab, "website_url", lab.slug)
            self.text(lab, "description")
            kept.append(lab)
        self.batch.labs = kept
        return refused

    def providers(self) -> set[str]:
        kept: list[ProviderRecord] = []
        refused: set[str] = set()
        for provider in self.batch.providers:
            if not is_slug(provider.slug):
                self.reject(provider.slug, "slug", f"{_shown(provider.slug)} is not a provider slug: not stored")
                refused.add(provider.slug)
                continue
            self.line(provider, "name")
            provider.name = provider.name or provider.slug
            for name in ("website_url", "docs_url", "pricing_url", "api_base_url"):
                self.url(provider, name, provider.slug)
            self.text(provider, "description")
            kept.append(provider)
        self.batch.providers = kept
        return refused

    def benchmarks(self) -> None:
        kept: list[BenchmarkRecord] = []
        for benchmark in self.batch.benchmarks:
            if not is_slug(benchmark.slug):
                self.reject(benchmark.slug, "slug", f"{_shown(benchmark.slug)} is not a benchmark slug: not stored")
                continue
            self.line(benchmark, "name")
            benchmark.name = benchmark.name or benchmark.slug
            self.line(benchmark, "metric", 40)
            self.url(benchmark, "url", benchmark.slug)
            self.text(benchmark, "description")
            kept.append(benchmark)
        self.batch.benchmarks = kept

    def models(self, refused_labs: set[str], refused_providers: set[str]) -> None:
        kept: list[ModelRecord] = []
        for model in self.batch.models:
            entry = model.external_id or model.slug
            if not is_model_slug(model.slug) or model.lab in refused_labs:
                self.reject(entry, "slug", f"{_shown(model.slug)} is not a canonical slug lab/model: not stored")
                continue
            for name, length in (("name", NAME_LENGTH), ("family", 100), ("license", 200), ("architecture", 200)):
                self.line(model, name, length)
            if model.name == "":
                model.name = None  # said nothing usable: the stored name stays
            self.text(model, "description")
            self.url(model, "facts_source_url", entry)
            self.tokens(model, entry)
            aliases = []
            for source, external_id in model.aliases:
                if is_plain_id(external_id):
                    aliases.append((source, external_id))
                else:
                    self.reject(entry, "alias", f"{_shown(external_id)} cannot be stored as an id: alias not kept")
            model.aliases = aliases
            model.offerings = [
                offering for offering in model.offerings if self.offering(entry, offering, refused_providers)
            ]
            for score in model.scores:
                self.line(score, "version", 200)
                if score.source_url and not is_http_url(score.source_url):
                    self.reject(entry, "score.source_url", f"{_shown(score.source_url)} is not an http(s) URL")
                    score.source_url = ""
            kept.append(model)
        self.batch.models = kept

    def offering(self, entry: str, offering: OfferingRecord, refused_providers: set[str]) -> bool:
        where = f"{entry} on {offering.provider}"
        if offering.provider in refused_providers or not is_slug(offering.provider):
            self.reject(where, "provider", "the route's provider was not stored: route not stored")
            return False
        if not is_plain_id(offering.provider_model_id):
            self.reject(where, "provider_model_id", f"{_shown(offering.provider_model_id)} cannot be stored as an id")
            return False
        # Region and quantization are part of the route's key: cutting one could merge two routes.
        for name, length in (("region", 64), ("quantization", 32)):
            value = getattr(offering, name)
            if clean_line(value, 10 * length) != value or len(value) > length:
                self.reject(where, name, f"{_shown(value)} is not a {name} of at most {length} characters")
                return False
        self.tokens(offering, where)
        storable = [price for price in offering.prices if price.tier_min_tokens <= MAX_TOKENS]
        if len(storable) < len(offering.prices):
            self.reject(
                where, "tier_min_tokens", f"a threshold above {MAX_TOKENS:,} tokens cannot be stored: price not stored"
            )
            offering.prices, offering.prices_complete = storable, False
        for price in offering.prices:
            self.line(price, "source_name")
            self.line(price, "published", 120)
            if not is_http_url(price.source_url):
                if price.source_url:
                    self.reject(where, "source_url", f"{_shown(price.source_url)} is not an http(s) URL: dropped")
                price.source_url = ""
        return True

    def unmatched(self) -> None:
        for record in self.batch.unmatched:
            # Shown to a curator, never used as an id of a route: cleaned to fit rather than refused.
            record.external_id = clean_line(record.external_id, ID_LENGTH)
            record.name = clean_line(record.name, 300)

    def counters(self) -> None:
        # Reasons are built from source text ("unmapped price key: ..."): no NUL may reach a JSON column.
        for name in ("skipped", "partial_failures"):
            setattr(self.batch, name, Counter({clean_line(k, 300): n for k, n in getattr(self.batch, name).items()}))
        self.batch.rejections = [
            Rejection(
                entry=clean_line(r.entry, 300),
                field=clean_line(r.field, 200),
                message=clean_line(r.message, 1000),
                file=r.file,
            )
            for r in self.batch.rejections
        ]


def screen_batch(batch: Batch) -> Batch:
    """The batch with every text fit to store and to show; what cannot be is dropped with a rejection."""
    screen = _Screen(batch)
    refused_labs = screen.labs()
    refused_providers = screen.providers()
    screen.benchmarks()
    screen.models(refused_labs, refused_providers)
    screen.unmatched()
    screen.counters()
    return batch
