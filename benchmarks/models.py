from __future__ import annotations

from django.db import models
from django.db.models import Q

from catalog.models import LanguageModel
from lib.history import CuratedHistory


class Benchmark(models.Model):
    class Category(models.TextChoices):
        KNOWLEDGE = "knowledge", "Knowledge"
        REASONING = "reasoning", "Reasoning"
        MATH = "math", "Math"
        CODING = "coding", "Coding"
        AGENTIC = "agentic", "Agentic"
        MULTIMODAL = "multimodal", "Multimodal"
        LONG_CONTEXT = "long_context", "Long context"
        HUMAN_PREFERENCE = "human_preference", "Human preference"
        COMPOSITE = "composite", "Composite index"

    class Scale(models.TextChoices):
        PERCENT = "percent", "percent"
        ELO = "elo", "Elo"
        INDEX = "index", "index"
        MINUTES = "minutes", "minutes"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    metric = models.CharField(max_length=40, help_text="accuracy, pass rate, Elo...")
    scale = models.CharField(max_length=10, choices=Scale.choices, default=Scale.PERCENT)
    higher_is_better = models.BooleanField(default=True)
    url = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)

    history = CuratedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BenchmarkScore(models.Model):
    """One published score. Several may coexist per model and benchmark (versions, sources)."""

    model = models.ForeignKey(LanguageModel, on_delete=models.CASCADE, related_name="scores")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(max_digits=12, decimal_places=4)
    version = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="version, harness or variant (e.g. reasoning effort)",
    )
    measured_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=40, help_text="the sync source that wrote this row")
    source_url = models.URLField(max_length=500, blank=True)
    self_reported = models.BooleanField(help_text="published by the lab itself rather than measured independently")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = CuratedHistory()

    class Meta:
        ordering = ["benchmark__name", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["model", "benchmark", "source", "version"], name="score_natural_key"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
        ]
        # Covers the model page's percentiles and peers (every model's scores on a few benchmarks): PostgreSQL
        # reads them from the index alone once the table is vacuumed, not from 2,500 scattered rows each.
        indexes = [models.Index(fields=["benchmark", "model", "value"], name="score_benchmark_model_value")]

    def __str__(self) -> str:
        return f"{self.model} {self.benchmark}: {self.value}"
