from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeVar, cast

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from catalog.search import SearchIndex, query_words
from catalog.vocabulary import CAPABILITIES, MODALITIES
from lib import lookups  # noqa: F401 - registers pk__any_of
from lib.caching import per_version
from lib.history import CuratedHistory


class Lab(models.Model):
    """An organisation that makes models (OpenAI, Anthropic, Meta...)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    website_url = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = CuratedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Modality(models.Model):
    slug = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0, help_text="display order: text first")

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "modalities"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure(cls, slugs: set[str]) -> dict[str, Modality]:
        """The rows for `slugs`, creating the missing ones from the vocabulary."""
        return _ensure_vocabulary(cls, slugs, MODALITIES)


class Capability(models.Model):
    slug = models.SlugField(max_length=48, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "capabilities"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure(cls, slugs: set[str]) -> dict[str, Capability]:
        return _ensure_vocabulary(cls, slugs, CAPABILITIES)


_Vocabulary = TypeVar("_Vocabulary", Modality, Capability)


def _ensure_vocabulary(model: type[_Vocabulary], slugs: set[str], names: dict[str, str]) -> dict[str, _Vocabulary]:
    existing = {row.slug: row for row in model.objects.filter(slug__in=slugs)}
    order = list(names)
    missing = [
        model(
            slug=slug,
            name=names.get(slug, slug),
            **({"position": order.index(slug)} if model is Modality else {}),
        )
        for slug in sorted(slugs - existing.keys())
    ]
    if missing:
        model.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {row.slug: row for row in model.objects.filter(slug__in=slugs)}
    return existing


# A model's facts as a source or a curator states them: the scalar fields a sync compares and writes, a curator
# edits and locks, and the admin's form shows (LanguageModel's columns of the same names).
MODEL_FACTS = (
    "name",
    "family",
    "description",
    "release_date",
    "knowledge_cutoff",
    "context_window",
    "max_output_tokens",
    "supported_parameters",
    "open_weights",
    "license",
    "commercial_use",
    "parameters_b",
    "architecture",
    "status",
    "deprecation_date",
    "retirement_date",
    "facts_source_url",
)
# Its facts that are lists of vocabulary rows (many-to-many).
MODEL_FACT_LISTS = ("input_modalities", "output_modalities", "capabilities")


def live_model(path: str = "") -> Q:
    """ "Not retired", for models reached through `path` ("model__" from a route): LanguageModelQuerySet.live's
    condition, for filters on related rows."""
    return ~Q(**{f"{path}status": LanguageModel.Status.RETIRED})


def read_search_index(version: int = 0) -> SearchIndex:
    """Every model's name, slug and aliases: 2 queries."""
    index = SearchIndex(version=version)
    for pk, name, slug in LanguageModel.objects.order_by("pk").values_list("pk", "name", "slug"):
        index.add(pk, name)
        index.add(pk, slug)
    for pk, external_id in ModelAlias.objects.values_list("model_id", "external_id"):
        index.add(pk, external_id)
    return index


# Every model's name, slug and aliases, for catalog.search: kept in this process's memory for the current catalog
# version (lib.caching.per_version: rebuilt, from a caught-up replica, on the first search after a change; 2
# queries then, none after). Without settings.VERSION_MEMO (the tests' default) every search reads them afresh.
search_index = per_version(read_search_index)


@dataclass(frozen=True)
class SearchResult:
    """What a search found: the model ids, how ("words": every word found; "close": by small typos; "none"), and
    for anything but "words", the models whose names are closest ("did you mean")."""

    pks: frozenset[int]
    how: str
    # (name, slug) of the models whose names are closest to the query, best first.
    suggestions: tuple[tuple[str, str], ...] = ()


def find_models(text: str, *, suggest: bool = False) -> SearchResult:
    """The site's one model search (catalog/search.py says how forgiving it is): 2 queries."""
    index = search_index()
    found = index.matching(text)
    if found:
        return SearchResult(frozenset(found), "words")
    close = index.close_to(text)
    hints = tuple((index.texts[key][0], index.texts[key][1]) for key in index.suggest(text)) if suggest else ()
    return SearchResult(frozenset(close), "close" if close else "none", hints)


class LanguageModelQuerySet(models.QuerySet["LanguageModel"]):
    def live(self) -> LanguageModelQuerySet:
        """Models that are not retired."""
        return self.filter(live_model())

    def search(self, text: str) -> LanguageModelQuerySet:
        """The site's one model search (the browser and the API's `q`), forgiving as catalog/search.py says:
        every query word in the name, slug or an alias, spacing and punctuation aside; when no model of the
        catalog matches so, the models whose name or slug is a small typo away. 2 queries when called."""
        return self.search_with_result(text)[0]

    def search_with_result(
        self, text: str, *, suggest: bool = False
    ) -> tuple[LanguageModelQuerySet, SearchResult | None]:
        """`search`, and how it found them (find_models' SearchResult, with "did you mean" suggestions when
        `suggest`) for a page that says so; None for an empty query or one of punctuation only."""
        text = text.strip()
        if not text:
            return self, None
        if not query_words(text):  # only punctuation: looked for as typed
            alias_match = ModelAlias.objects.filter(model=OuterRef("pk"), external_id__icontains=text)
            return self.filter(Q(name__icontains=text) | Q(slug__icontains=text) | Q(Exists(alias_match))), None
        result = find_models(text, suggest=suggest)
        return self.found(result), result

    def found(self, result: SearchResult) -> LanguageModelQuerySet:
        """The models a search found (find_models), for a caller that also shows how it found them."""
        return self.filter(pk__any_of=sorted(result.pks))

    def having_all(self, field: str, slugs: Collection[str]) -> LanguageModelQuerySet:
        """Models linked to every one of `slugs` through the many-to-many `field` (capabilities, input_modalities,
        output_modalities). Costs 1 query (a grouped one, whatever the number of slugs) when called, and the
        listing then filters on the ids: a join per slug made PostgreSQL spend ~200 ms choosing a join order for
        a 1 ms query, and as a subquery its row estimate for the grouped count is so low that it rescans it."""
        wanted = set(slugs)
        if not wanted:
            return self
        m2m = LanguageModel._meta.get_field(field)
        assert isinstance(m2m, models.ManyToManyField), f"{field} is not a many-to-many field"
        # A declared many-to-many field always has its (auto-created) through model once the app registry is ready.
        through = cast(type[models.Model], m2m.remote_field.through)
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        having = (
            through._default_manager.filter(**{f"{other}__slug__in": sorted(wanted)})
            .values(own)
            .annotate(matched=Count("pk"))
            .filter(matched=len(wanted))
            .values_list(own, flat=True)
        )
        return self.filter(pk__any_of=list(having))

    def with_facets(self) -> LanguageModelQuerySet:
        """The joins every model listing needs: lab, modalities and capabilities (3 prefetch queries)."""
        return self.select_related("lab").prefetch_related("input_modalities", "output_modalities", "capabilities")


class LanguageModel(models.Model):
    """A model as its lab defines it, independent of who serves it."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Preview"
        ACTIVE = "active", "Active"
        DEPRECATED = "deprecated", "Deprecated"
        RETIRED = "retired", "Retired"

    class CommercialUse(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        CONDITIONAL = "conditional", "Conditional"
        NOT_ALLOWED = "not_allowed", "Not allowed"

    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="models")
    # The canonical slug "lab/model"; it never changes once published.
    slug = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    family = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True, help_text="Markdown; rendered sanitized.")
    release_date = models.DateField(null=True, blank=True)
    knowledge_cutoff = models.CharField(max_length=10, blank=True, help_text="YYYY-MM or YYYY-MM-DD")
    context_window = models.PositiveIntegerField(null=True, blank=True, help_text="tokens")
    max_output_tokens = models.PositiveIntegerField(null=True, blank=True, help_text="tokens")
    input_modalities = models.ManyToManyField(Modality, related_name="input_of", blank=True)
    output_modalities = models.ManyToManyField(Modality, related_name="output_of", blank=True)
    capabilities = models.ManyToManyField(Capability, related_name="models", blank=True)
    supported_parameters = models.JSONField(default=list, blank=True)
    open_weights = models.BooleanField(null=True, blank=True)
    license = models.CharField(max_length=200, blank=True)
    commercial_use = models.CharField(max_length=16, choices=CommercialUse.choices, blank=True)
    parameters_b = models.DecimalField("parameters (billions)", max_digits=10, decimal_places=3, null=True, blank=True)
    architecture = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    deprecation_date = models.DateField(null=True, blank=True)
    retirement_date = models.DateField(null=True, blank=True)
    successor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="predecessors")
    facts_source_url = models.URLField(max_length=500, blank=True)
    # A dated snapshot (gpt-4o-mini-2024-07-18) points at its undated model.
    snapshot_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots")
    # Which source last set each fact ({"context_window": "curated"}): a sync may change a fact only if it ranks
    # at least as high as the source that set it.
    field_sources = models.JSONField(default=dict, blank=True)
    # Facts a curator locked against syncs ({"context_window": {"by": "ana", "at": "2026-11-22T10:00:00Z"}}).
    locked_fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LanguageModelQuerySet.as_manager()
    history = CuratedHistory(m2m_fields=[input_modalities, output_modalities, capabilities])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(context_window__isnull=True) | Q(context_window__gt=0),
                name="model_context_window_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_output_tokens__isnull=True) | Q(max_output_tokens__gt=0),
                name="model_max_output_positive",
            ),
            models.CheckConstraint(
                condition=Q(parameters_b__isnull=True) | Q(parameters_b__gt=0),
                name="model_parameters_positive",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=F("id")),
                name="model_successor_not_self",
            ),
            models.CheckConstraint(
                condition=Q(deprecation_date__isnull=True)
                | Q(retirement_date__isnull=True)
                | Q(retirement_date__gte=F("deprecation_date")),
                name="model_retired_after_deprecated",
            ),
            models.CheckConstraint(condition=Q(slug__contains="/"), name="model_slug_has_lab"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.url_of(self.slug)

    @staticmethod
    def url_of(slug: str) -> str:
        """The page of the model with canonical slug `slug` ("lab/model")."""
        lab, model = slug.split("/", 1)
        return reverse("catalog:model-detail", kwargs={"lab": lab, "model": model})

    @property
    def lab_part(self) -> str:
        return self.slug.split("/", 1)[0]

    @property
    def model_part(self) -> str:
        return self.slug.split("/", 1)[1]


class ModelAlias(models.Model):
    """An id some source uses for a model. One id means one model within a source."""

    model = models.ForeignKey(LanguageModel, on_delete=models.CASCADE, related_name="aliases")
    source = models.CharField(max_length=40, help_text="the source that uses this id, e.g. openrouter")
    external_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    history = CuratedHistory()

    class Meta:
        ordering = ["source", "external_id"]
        verbose_name_plural = "model aliases"
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="alias_unique_per_source"),
        ]
        indexes = [models.Index(fields=["external_id"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
