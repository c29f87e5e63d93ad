"""What normalizers hand to the upsert service: plain, validated, unit-converted records.

Fields left as None mean "this source did not say", so the upsert leaves the stored value alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.models import MODEL_FACT_LISTS, MODEL_FACTS


@dataclass(frozen=True)
class Rejection:
    """A row the normalizer refused, with enough context for a curator to find and fix it."""

    entry: str
    field: str
    message: str
    file: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "entry": self.entry, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.entry}: {self.field}: {self.message}"


@dataclass
class LabRecord:
    slug: str
    name: str
    website_url: str | None = None
    description: str | None = None


@dataclass
class ProviderRecord:
    slug: str
    name: str
    kind: str
    lab: str | None = None
    website_url: str | None = None
    docs_url: str | None = None
    pricing_url: str | None = None
    api_base_url: str | None = None
    openai_compatible: bool | None = None
    description: str | None = None


@dataclass
class BenchmarkRecord:
    slug: str
    name: str
    category: str
    metric: str
    scale: str
    higher_is_better: bool
    url: str | None = None
    description: str | None = None


# Price components whose 0 in a source is a real, free price. Elsewhere a 0 means "not offered" or "not separately
# charged" (models.dev writes `cache_read: 0` for a model without prompt caching), never a free cache read.
FREE_WHEN_ZERO = frozenset({"input", "output"})


@dataclass
class PriceRecord:
    component: str
    unit: str
    usd: Decimal
    source_url: str
    verified_on: dt.date
    service_tier: str = "standard"
    tier_min_tokens: int = 0
    source_name: str = ""
    published: str = ""
    effective_from: dt.datetime | None = None
    # A curated figure locked with this reason: it outranks even the route's own feed (providers/precedence.py).
    locked: str = ""

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.component, self.service_tier, self.tier_min_tokens)


@dataclass
class OfferingRecord:
    provider: str
    provider_model_id: str
    region: str = ""
    quantization: str = ""
    route_type: str | None = None
    status: str | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    prices: list[PriceRecord] = field(default_factory=list)
    # False when some of this route's prices were rejected: then no price may be closed as "gone".
    prices_complete: bool = True
    # Measured performance, where the source publishes it (OpenRouter's endpoints).
    throughput_tps: Decimal | None = None
    latency_p50_ms: int | None = None
    uptime_pct: Decimal | None = None


@dataclass
class ScoreRecord:
    benchmark: str
    value: Decimal
    self_reported: bool
    version: str = ""
    measured_on: dt.date | None = None
    source_url: str = ""


@dataclass
class ModelRecord:
    """One model as one source states it.

    Curated records carry their canonical `slug` and `lab`. Feed records carry the source's own `external_id`
    (and a `lab_hint`); the identity step (providers/sync/identity.py) fills `slug` and `lab` from the alias table and
    the deterministic rules, or records the id as unmatched."""

    slug: str = ""
    lab: str = ""
    external_id: str = ""
    # The source's id tidied for the matching rules (METR `claude_4_opus_inspect` -> `claude-4-opus`, Epoch's run
    # settings removed), when it differs: the alias table is asked about `external_id` first.
    match_id: str = ""
    lab_hint: str = ""
    # The lab's display name when the source states it ("Z.AI" in "Z.AI: GLM 4.6"), for a lab first seen here.
    lab_name: str = ""
    name: str | None = None
    family: str | None = None
    description: str | None = None
    release_date: dt.date | None = None
    knowledge_cutoff: str | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    input_modalities: list[str] | None = None
    output_modalities: list[str] | None = None
    capabilities: list[str] | None = None
    # Feeds know some capabilities, not all: their lists are merged ("merge"), minus what they deny; a curated
    # list replaces ("replace").
    capabilities_mode: str = "replace"
    capabilities_denied: list[str] = field(default_factory=list)
    supported_parameters: list[str] | None = None
    open_weights: bool | None = None
    license: str | None = None
    commercial_use: str | None = None
    parameters_b: Decimal | None = None
    architecture: str | None = None
    status: str | None = None
    deprecation_date: dt.date | None = None
    retirement_date: dt.date | None = None
    successor: str | None = None
    facts_source_url: str | None = None
    aliases: list[tuple[str, str]] = field(default_factory=list)
    offerings: list[OfferingRecord] = field(default_factory=list)
    scores: list[ScoreRecord] = field(default_factory=list)
    # Where the record came from, for messages: "data/curated/models/openai.toml".
    origin: str = ""
    # Set by the identity step for a dated snapshot first seen here: the canonical slug of its undated model.
    snapshot_of: str = ""
    # Which identity rule placed it (providers/sync/identity.py): counted in the run's match rate.
    resolved_by: str = ""
    # False when the source could not list this model's routes this time (a failed per-model request): its
    # routes must not be retired as "vanished".
    routes_complete: bool = True


# The model fields a record may set (catalog.models' lists, under the names the sync's modules use); the upsert
# compares and writes exactly these.
MODEL_SCALAR_FIELDS = MODEL_FACTS
MODEL_M2M_FIELDS = MODEL_FACT_LISTS
# The provider fields a record may set besides its slug and lab.
PROVIDER_FIELDS = (
    "name",
    "kind",
    "website_url",
    "docs_url",
    "pricing_url",
    "api_base_url",
    "openai_compatible",
    "description",
)


@dataclass
class UnmatchedRecord:
    """An id that resolved to no model: kept for a curator, with the closest candidate."""

    external_id: str
    name: str = ""
    candidate: str = ""
    candidate_score: float = 0.0
    details: dict = field(default_factory=dict)


@dataclass
class Batch:
    """Everything one run of one source says, after normalization."""

    labs: list[LabRecord] = field(default_factory=list)
    providers: list[ProviderRecord] = field(default_factory=list)
    benchmarks: list[BenchmarkRecord] = field(default_factory=list)
    models: list[ModelRecord] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    unmatched: list[UnmatchedRecord] = field(default_factory=list)
    # Rows deliberately not stored, by reason ("mode embedding", "variable price"...): counted, not errors.
    skipped: Counter = field(default_factory=Counter)
    # Requests that failed without failing the run (e.g. one OpenRouter endpoints call), by reason.
    partial_failures: Counter = field(default_factory=Counter)
    # Ids the identity step placed, by rule; and rows collapsed by the collision rule, by kind.
    matched: Counter = field(default_factory=Counter)
    collapsed: Counter = field(default_factory=Counter)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] += n

    def identity_notes(self) -> list[str]:
        """The run summary's lines about identity: the match rate (ids placed on a model out of ids read, by rule)
        and what the collision rule collapsed."""
        notes = []
        placed = sum(self.matched.values())
        total = placed + len(self.unmatched)
        if total:
            rules = ", ".join(f"{rule or 'curated'} {count}" for rule, count in sorted(self.matched.items()))
            notes.append(
                f"matched: {placed} of {total} ids ({100 * placed / total:.1f}%); unmatched {len(self.unmatched)}"
                + (f"; by rule: {rules}" if rules else "")
            )
        for kind, count in sorted(self.collapsed.items()):
            notes.append(f"collapsed: {count} {kind}")
        return notes
