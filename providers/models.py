"""The providers app's tables: providers, routes, prices and their periods, sync runs, the review queues, change
events and the CheapestRoute read table.

Past 500 lines because Django finds an app's models in one module and the rules about one row or one set of rows
live on them (a price period's close and hand-over, a route being live); each class is short.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Case, F, Q, Value, When

from catalog.models import Lab, LanguageModel, live_model
from lib import formatting
from lib.history import CuratedHistory
from providers.pricing.rules import HEADLINE_SERVICE_TIER, HEADLINE_TIER_MIN_TOKENS, TOKEN_COMPONENTS


class Provider(models.Model):
    """Someone who sells access to models: a lab's own API, a cloud, an inference host or a gateway."""

    class Kind(models.TextChoices):
        FIRST_PARTY = "first_party", "First-party API"
        CLOUD = "cloud", "Cloud"
        INFERENCE_HOST = "inference_host", "Inference host"
        GATEWAY = "gateway", "Gateway / router"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lab = models.ForeignKey(
        Lab,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_providers",
        help_text="the lab whose own API this is",
    )
    website_url = models.URLField(max_length=500, blank=True)
    docs_url = models.URLField(max_length=500, blank=True)
    pricing_url = models.URLField(max_length=500, blank=True)
    api_base_url = models.URLField(max_length=500, blank=True)
    openai_compatible = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = CuratedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def live_route(path: str = "") -> Q:
    """ "Not retired", for routes reached through `path` ("offerings__" from a model or a provider, "offering__" from
    a price): OfferingQuerySet.live's condition, for filters and aggregates on related rows."""
    return ~Q(**{f"{path}status": Offering.Status.RETIRED})


class OfferingQuerySet(models.QuerySet["Offering"]):
    def live(self) -> OfferingQuerySet:
        """Routes that are not retired."""
        return self.filter(live_route())

    def of_live_models(self) -> OfferingQuerySet:
        """Routes of models that are not retired."""
        return self.filter(live_model("model__"))


class Offering(models.Model):
    """A route: one model on one provider, optionally per region or quantization."""

    # A route's own facts as a source or a curator states them (its key, provenance and measurements aside).
    FACTS = ("provider_model_id", "route_type", "status", "context_window", "max_output_tokens")

    class RouteType(models.TextChoices):
        SERVERLESS = "serverless", "Serverless"
        DEDICATED = "dedicated", "Dedicated"
        BATCH_ONLY = "batch_only", "Batch only"

    class Status(models.TextChoices):
        PREVIEW = "preview", "Preview"
        ACTIVE = "active", "Active"
        DEPRECATED = "deprecated", "Deprecated"
        RETIRED = "retired", "Retired"

    model = models.ForeignKey(LanguageModel, on_delete=models.PROTECT, related_name="offerings")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offerings")
    provider_model_id = models.CharField(max_length=255, help_text="the id the provider's API takes")
    region = models.CharField(max_length=64, blank=True, default="")
    quantization = models.CharField(max_length=32, blank=True, default="")
    context_window = models.PositiveIntegerField(null=True, blank=True)
    max_output_tokens = models.PositiveIntegerField(null=True, blank=True)
    route_type = models.CharField(max_length=16, choices=RouteType.choices, default=RouteType.SERVERLESS)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    throughput_tps = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    latency_p50_ms = models.PositiveIntegerField(null=True, blank=True)
    uptime_pct = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    source = models.CharField(max_length=40, help_text="the sync source that created this route")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferingQuerySet.as_manager()
    history = CuratedHistory()

    class Meta:
        ordering = ["provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "model", "region", "quantization"], name="offering_natural_key"
            ),
            models.CheckConstraint(
                condition=Q(context_window__isnull=True) | Q(context_window__gt=0),
                name="offering_context_window_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_output_tokens__isnull=True) | Q(max_output_tokens__gt=0),
                name="offering_max_output_positive",
            ),
            models.CheckConstraint(
                condition=Q(uptime_pct__isnull=True) | (Q(uptime_pct__gte=0) & Q(uptime_pct__lte=100)),
                name="offering_uptime_is_percent",
            ),
        ]

    def __str__(self) -> str:
        suffix = " ".join(part for part in (self.region, self.quantization) if part)
        return f"{self.model} on {self.provider}" + (f" ({suffix})" if suffix else "")

    @property
    def route_label(self) -> str:
        """'Azure OpenAI eu', 'DeepInfra fp8': the provider, and the region and quantization when set."""
        return " ".join(part for part in (self.provider.name, self.region, self.quantization) if part)


class PriceComponent(models.TextChoices):
    INPUT = "input", "Input"
    OUTPUT = "output", "Output"
    CACHE_READ = "cache_read", "Cache read"
    CACHE_WRITE_5M = "cache_write_5m", "Cache write (5 min)"
    CACHE_WRITE_1H = "cache_write_1h", "Cache write (1 hour)"
    REASONING = "reasoning", "Reasoning"
    INPUT_AUDIO = "input_audio", "Audio input"
    INPUT_AUDIO_CACHE = "input_audio_cache", "Audio input, cache read"
    OUTPUT_AUDIO = "output_audio", "Audio output"
    INPUT_IMAGE = "input_image", "Image input"
    OUTPUT_IMAGE = "output_image", "Image output"
    REQUEST = "request", "Request"
    WEB_SEARCH = "web_search", "Web search"


class PriceUnit(models.TextChoices):
    PER_1M_TOKENS = "per_1m_tokens", "per 1M tokens"
    PER_IMAGE = "per_image", "per image"
    PER_REQUEST = "per_request", "per request"
    PER_SEARCH = "per_search", "per search"
    PER_SECOND = "per_second", "per second"
    PER_MINUTE = "per_minute", "per minute"


class ServiceTier(models.TextChoices):
    STANDARD = "standard", "Standard"
    BATCH = "batch", "Batch"
    FLEX = "flex", "Flex"
    PRIORITY = "priority", "Priority"
    # A no-cost, rate-limited offer (OpenRouter's `:free` variants, a lab's free API tier): never a paid price.
    FREE = "free", "Free (rate-limited)"


# A price period lasts at least this long: it never ends at or before it began (the database checks it).
SHORTEST_PERIOD = dt.timedelta(microseconds=1)


def current_price(path: str = "") -> Q:
    """ "In force now", for prices reached through `path` ("prices__" from a route): PriceQuerySet.current's
    condition, for joins and filters on related rows."""
    return Q(**{f"{path}effective_to__isnull": True})


class PriceQuerySet(models.QuerySet["Price"]):
    def current(self) -> PriceQuerySet:
        return self.filter(current_price())

    def open_for_update(
        self, *, offering: Offering, component: str, service_tier: str, tier_min_tokens: int
    ) -> Price | None:
        """The open period of one price of a route, locked until the transaction ends (None: there is none)."""
        return (
            self.current()
            .select_for_update()
            .filter(offering=offering, component=component, service_tier=service_tier, tier_min_tokens=tier_min_tokens)
            .first()
        )

    def close(self, at: dt.datetime) -> int:
        """End every period in the set at `at`, by Price.close's rule, in one UPDATE; returns how many ended."""
        return self.update(
            effective_to=Case(
                When(effective_from__lt=at, then=Value(at)),
                default=F("effective_from") + Value(SHORTEST_PERIOD),
                output_field=models.DateTimeField(),
            )
        )

    def as_of(self, moment: dt.datetime) -> PriceQuerySet:
        """The prices in force at `moment`: started at or before it, not yet ended."""
        return self.filter(effective_from__lte=moment).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=moment))

    def headline(self) -> PriceQuerySet:
        """Standard-tier, base (no threshold) prices: the ones a price comparison leads with (never a free one)."""
        return self.filter(service_tier=HEADLINE_SERVICE_TIER, tier_min_tokens=HEADLINE_TIER_MIN_TOKENS)


class Price(models.Model):
    """One price component of one route over one effective period.

    A change never overwrites a row: the open row is closed (effective_to) and a new one opens, by `close` and
    `hand_over`, which the sync and a curator's edits both call.
    """

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="prices")
    component = models.CharField(max_length=20, choices=PriceComponent.choices)
    unit = models.CharField(max_length=16, choices=PriceUnit.choices)
    usd = models.DecimalField(max_digits=19, decimal_places=9, help_text="USD per unit; tokens are always per 1M")
    # 0 is the base tier; N > 0 means the price applies when the prompt is above N tokens.
    tier_min_tokens = models.PositiveIntegerField(default=0)
    service_tier = models.CharField(max_length=10, choices=ServiceTier.choices, default=ServiceTier.STANDARD)
    effective_from = models.DateTimeField()
    effective_to = models.DateTimeField(null=True, blank=True)
    # False when the price was first seen in a dated source (a snapshot, a dated pricing page): the period began on
    # or before effective_from, which is the source's date ("since ≤ 2026-05-15"), not the day it was read.
    start_known = models.BooleanField(
        default=True, help_text="whether effective_from is when the price started, not only when a source stated it"
    )
    source = models.CharField(max_length=40, help_text="the sync source that wrote this row")
    # Why a curated figure is locked against every feed, its route's own included (empty: not locked).
    locked_reason = models.CharField(max_length=200, blank=True, default="")
    source_name = models.CharField(max_length=200, blank=True, help_text="where the figure came from")
    source_url = models.URLField(max_length=500, blank=True)
    verified_on = models.DateField(help_text="the date the source stated this figure")
    published = models.CharField(max_length=120, blank=True, help_text="the figure as the source printed it")
    sync_run = models.ForeignKey("SyncRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="prices")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PriceQuerySet.as_manager()
    history = CuratedHistory()

    class Meta:
        ordering = ["offering", "service_tier", "tier_min_tokens", "component", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(usd__gte=0), name="price_not_negative"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="price_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(component__in=sorted(TOKEN_COMPONENTS)) | Q(unit=PriceUnit.PER_1M_TOKENS),
                name="price_token_components_per_1m",
            ),
            models.CheckConstraint(
                condition=~Q(component=PriceComponent.REQUEST) | Q(unit=PriceUnit.PER_REQUEST),
                name="price_request_per_request",
            ),
            models.CheckConstraint(
                condition=~Q(component=PriceComponent.WEB_SEARCH) | Q(unit=PriceUnit.PER_SEARCH),
                name="price_search_per_search",
            ),
            models.UniqueConstraint(
                fields=["offering", "component", "service_tier", "tier_min_tokens"],
                condition=Q(effective_to__isnull=True),
                name="price_one_open_period",
            ),
        ]
        indexes = [models.Index(fields=["offering", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.offering}: {self.describe()}"

    def close(self, at: dt.datetime) -> dt.datetime:
        """End this period at `at`; a period that began at or after `at` ends one SHORTEST_PERIOD after it began,
        since a period never ends before it starts. Writes effective_to only; returns the end."""
        self.effective_to = max(at, self.effective_from + SHORTEST_PERIOD)
        self.save(update_fields=["effective_to"])
        return self.effective_to

    def hand_over(self, successor: Price, *, now: dt.datetime) -> Price:
        """Close this period and open `successor` (unsaved: the same route, component, service tier and threshold)
        exactly where it ends, so that history has neither a gap nor an overlap. The successor keeps its own start
        when that is after this period's start (a source or a curator dating the change); a start at or before it
        (a change dated before the price it replaces began) cannot be, and the handover is `now`. Returns the
        successor, for the caller to save."""
        at = successor.effective_from if successor.effective_from > self.effective_from else now
        successor.effective_from = self.close(at)
        return successor

    def describe(self) -> str:
        """'$0.15 / 1M input tokens, standard' and ', above 200k' for a tier: a price said plainly."""
        amount = formatting.usd(self.usd)
        what = self.get_component_display().lower()
        if self.unit == PriceUnit.PER_1M_TOKENS:
            text = f"{amount} / 1M {what} tokens"
        else:
            text = f"{amount} {self.get_unit_display()} ({what})"
        text += f", {self.service_tier}"
        if self.tier_min_tokens:
            threshold = self.tier_min_tokens
            text += f", above {formatting.tokens_short(threshold)} tokens"
        return text


class SyncRun(models.Model):
    """One run of one source: what it read, what it wrote, what it refused and why."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (another run of this source was in progress)"

    class ErrorKind(models.TextChoices):
        NONE = "", "No error"
        # The only kind worth another try later: the source could not be reached (after the request's retries).
        UNREACHABLE = "unreachable", "The source could not be reached"
        REFUSED = "refused", "The source refused the request"
        BAD_ANSWER = "bad_answer", "The source's answer could not be read"
        ABANDONED = "abandoned", "Still running long after it should have finished"
        OTHER = "other", "Another fault"

    source = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    dry_run = models.BooleanField(default=False)
    triggered_by = models.CharField(max_length=150, default="command")
    stage = models.CharField(max_length=200, blank=True, help_text="what a running sync is doing now")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="created/updated/unchanged per kind of row")
    rejections = models.JSONField(default=list, blank=True)
    # Rows deliberately not stored, and requests that failed without failing the run, by reason.
    skipped = models.JSONField(default=dict, blank=True)
    partial_failures = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="what the run decided not to do, and why")
    # The date the source stated its figures (a dated file's date, else the day it was read): prices first seen in
    # this run were in force on it, at the latest.
    source_date = models.DateField(null=True, blank=True)
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=20, choices=ErrorKind.choices, default=ErrorKind.NONE, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"])]
        constraints = [
            # The lock: at most one running sync per source, enforced by the database on every backend.
            models.UniqueConstraint(
                fields=["source"], condition=Q(status="running"), name="one_running_sync_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} run {self.pk} ({self.status})"

    @property
    def failed_transiently(self) -> bool:
        """Failed because the source could not be reached (worth another try later), not because of its content."""
        return self.status == self.Status.FAILED and self.error_kind == self.ErrorKind.UNREACHABLE

    @property
    def duration(self) -> dt.timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None

    def summary(self) -> dict:
        return {
            "source": self.source,
            "run_id": self.pk,
            "status": self.status,
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "counts": self.counts,
            "rejections": self.rejections,
            "skipped": self.skipped,
            "partial_failures": self.partial_failures,
            "notes": self.notes,
            "error": self.error,
            "error_kind": self.error_kind,
        }


class SyncPayload(models.Model):
    """What a run read, gzip-compressed JSON, kept for audit and replay (`sync SOURCE --replay RUN`)."""

    sync_run = models.OneToOneField(SyncRun, on_delete=models.CASCADE, related_name="payload")
    compressed = models.BinaryField()
    size_bytes = models.PositiveBigIntegerField(help_text="uncompressed size")
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"payload of {self.sync_run}"


class UnmatchedId(models.Model):
    """An id a source uses that matches no model: kept for a curator to map, with the closest candidate."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MAPPED = "mapped", "Mapped"
        IGNORED = "ignored", "Ignored"

    source = models.CharField(max_length=40)
    external_id = models.CharField(max_length=255)
    name = models.CharField(max_length=300, blank=True)
    candidate = models.ForeignKey(LanguageModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    candidate_score = models.FloatField(default=0)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    last_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="unmatched_unique_id")]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class Disagreement(models.Model):
    """Two sources state different values for the same fact: shown to curators, never silently resolved."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    class Kind(models.TextChoices):
        PRICE = "price", "Price"
        MODEL_FACT = "model_fact", "Model fact"
        ROUTE_FACT = "route_fact", "Route fact"

    model = models.ForeignKey(LanguageModel, on_delete=models.CASCADE, related_name="disagreements")
    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, null=True, blank=True, related_name="disagreements"
    )
    # What the disagreement is about, as columns: a price (route, component, service tier, threshold), or a fact
    # (a model's, or a route's when `offering` is set). `field` is the same said for people.
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MODEL_FACT)
    component = models.CharField(max_length=20, choices=PriceComponent.choices, blank=True, default="")
    service_tier = models.CharField(max_length=10, choices=ServiceTier.choices, blank=True, default="")
    tier_min_tokens = models.PositiveIntegerField(null=True, blank=True)
    fact = models.CharField(max_length=40, blank=True, default="", help_text="the fact's field name, for a fact")
    field = models.CharField(max_length=200, help_text="what it is about, said for people: 'Azure OpenAI: input'")
    kept_value = models.CharField(max_length=200)
    kept_source = models.CharField(max_length=40)
    other_value = models.CharField(max_length=200)
    other_source = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    sync_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            # A price disagreement's field names its route ("Azure OpenAI: input"), so this is one per fact.
            models.UniqueConstraint(
                fields=["model", "field", "other_source"], condition=Q(status="open"), name="one_open_disagreement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.field} {self.kept_value} ({self.kept_source}) vs {self.other_value} ({self.other_source})"  # noqa: E501


class HeldChange(models.Model):
    """A price change too large to apply unseen (over 5x, or a jump that looks like a unit error)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="held_changes")
    component = models.CharField(max_length=20, choices=PriceComponent.choices)
    unit = models.CharField(max_length=16, choices=PriceUnit.choices)
    service_tier = models.CharField(max_length=10, choices=ServiceTier.choices)
    tier_min_tokens = models.PositiveIntegerField(default=0)
    old_usd = models.DecimalField(max_digits=19, decimal_places=9)
    new_usd = models.DecimalField(max_digits=19, decimal_places=9)
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=40)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    verified_on = models.DateField()
    published = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sync_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="held")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "component", "service_tier", "tier_min_tokens", "source"],
                condition=Q(status="pending"),
                name="one_pending_change_per_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering}: {self.component} {self.old_usd} -> {self.new_usd} ({self.reason})"


class ChangeEvent(models.Model):
    """A change a sync made to the catalog: the source of history and of the change feed."""

    class Kind(models.TextChoices):
        MODEL_ADDED = "model_added", "New model"
        MODEL_CHANGED = "model_changed", "Model changed"
        ALIAS_ADDED = "alias_added", "Alias added"
        OFFERING_ADDED = "offering_added", "New route"
        OFFERING_CHANGED = "offering_changed", "Route changed"
        PRICE_ADDED = "price_added", "New price"
        PRICE_CHANGED = "price_changed", "Price changed"
        PRICE_REMOVED = "price_removed", "Price removed"
        SCORE_ADDED = "score_added", "New score"
        SCORE_CHANGED = "score_changed", "Score changed"
        # One entry for a run that added many models and routes at once (a source's first load): the feed shows
        # it instead of its rows, which stay recorded (`?run=` lists them).
        BULK_ADDED = "bulk_added", "Added in bulk"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    sync_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes")
    model = models.ForeignKey(LanguageModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes")
    offering = models.ForeignKey(Offering, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes")
    field = models.CharField(max_length=200, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    # A price event's amounts as numbers (USD per its unit), so that moves are computed, never parsed from text.
    old_usd = models.DecimalField(max_digits=19, decimal_places=9, null=True, blank=True)
    new_usd = models.DecimalField(max_digits=19, decimal_places=9, null=True, blank=True)
    summary = models.CharField(max_length=300)
    # Who made the change when a person did (an admin or API edit); empty for a sync.
    actor = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["-occurred_at"]), models.Index(fields=["kind", "-occurred_at"])]

    def __str__(self) -> str:
        return self.summary

    @property
    def move_pct(self) -> Decimal | None:
        """A price move in percent of the old amount (-20.0 for $0.15 → $0.12), to one decimal; None unless both
        amounts are known and the old one is not zero."""
        if self.old_usd is None or self.new_usd is None or not self.old_usd:
            return None
        return ((self.new_usd - self.old_usd) / self.old_usd * 100).quantize(Decimal("0.1"))

    @property
    def pct_text(self) -> str:
        """'\u221220.0%' (a true minus sign) or '+5.0%' for a price change with both amounts, else ''."""
        pct = self.move_pct if self.kind == self.Kind.PRICE_CHANGED else None
        if pct is None:
            return ""
        return f"{'+' if pct > 0 else MINUS if pct < 0 else '±'}{abs(pct)}%"

    @property
    def move_text(self) -> str:
        """'$0.15 → $0.12 (\u221220.0%)' for a price change, '' for any other event."""
        if self.kind != self.Kind.PRICE_CHANGED or self.old_usd is None or self.new_usd is None:
            return ""
        pct = self.pct_text
        return f"${_plain(self.old_usd)} → ${_plain(self.new_usd)}{f' ({pct})' if pct else ''}"

    @classmethod
    def make(
        cls,
        kind: str,
        summary: str,
        *,
        field: str = "",
        actor: str = "",
        old_usd: Decimal | None = None,
        new_usd: Decimal | None = None,
        **values: object,
    ) -> ChangeEvent:
        """An unsaved event with its texts cut to fit their columns (names from sources can be long). A price
        event gives its amounts as `old_usd` / `new_usd`; the text columns show them as stated."""
        if old_usd is not None:
            values.setdefault("old_value", str(old_usd))
        if new_usd is not None:
            values.setdefault("new_value", str(new_usd))
        return cls(
            kind=kind,
            summary=summary[:300],
            field=field[:200],
            actor=actor[:150],
            old_usd=old_usd,
            new_usd=new_usd,
            **values,
        )


class CheapestRoute(models.Model):
    """Each model's cheapest live route, kept by providers.pricing.summaries: a denormalized read table.

    Listing, sorting and filtering thousands of models by price would otherwise evaluate nested price subqueries
    for every route of every model on every request. Every write that can change the answer refreshes it in the
    same transaction (syncs explicitly, admin and API edits through signals), so it is never behind the prices.
    A model with no priced live route has no row.
    """

    model = models.OneToOneField(
        LanguageModel, on_delete=models.CASCADE, primary_key=True, related_name="cheapest_route"
    )
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="+")
    input_usd_per_mtok = models.DecimalField(max_digits=19, decimal_places=9)
    output_usd_per_mtok = models.DecimalField(max_digits=19, decimal_places=9, null=True)
    cache_read_usd_per_mtok = models.DecimalField(max_digits=19, decimal_places=9, null=True)
    # (3 x input + output) / 4, a missing output counting as 0: the figure routes are ranked by.
    blended_usd_per_mtok = models.DecimalField(max_digits=19, decimal_places=9)
    priced_route_count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["blended_usd_per_mtok"]),
            models.Index(fields=["input_usd_per_mtok"]),
            models.Index(fields=["output_usd_per_mtok"]),
        ]

    def __str__(self) -> str:
        return f"cheapest route of model {self.model_id}: offering {self.offering_id}"


MINUS = "\u2212"


def _plain(amount: Decimal) -> str:
    """A stored amount without its trailing zeros: 0.150000000 -> '0.15'."""
    text = format(amount.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".") or "0"
