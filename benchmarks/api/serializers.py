"""What the benchmarks endpoints answer, and what a curator's score write accepts."""

from __future__ import annotations

from rest_framework import serializers

from benchmarks.models import Benchmark
from catalog.models import LanguageModel
from lib.api.fields import BlankAsNullCharField, PlainDecimalField, decimal_string


class BenchmarkSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    category = serializers.ChoiceField(choices=Benchmark.Category.choices, read_only=True)
    metric = serializers.CharField(read_only=True, help_text="accuracy, pass rate, Elo...")
    scale = serializers.ChoiceField(choices=Benchmark.Scale.choices, read_only=True)
    higher_is_better = serializers.BooleanField(read_only=True)
    url = BlankAsNullCharField()
    description = serializers.CharField(read_only=True)
    model_count = serializers.IntegerField(read_only=True, help_text="models with at least one score")


class RankedScoreSerializer(serializers.Serializer):
    """One published score, with the model's cheapest price for a price-per-score view."""

    model = serializers.CharField(source="model.slug", read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True)
    lab = serializers.CharField(source="model.lab.slug", read_only=True)
    open_weights = serializers.BooleanField(source="model.open_weights", read_only=True, allow_null=True)
    value = decimal_string(help_text="on the benchmark's own scale")
    version = BlankAsNullCharField(help_text="version, harness or variant")
    date = serializers.DateField(source="measured_on", read_only=True, allow_null=True)
    source = serializers.CharField(read_only=True, help_text="the sync source (or curator) that wrote the row")
    source_url = BlankAsNullCharField()
    self_reported = serializers.BooleanField(read_only=True, help_text="published by the lab itself")
    cheapest_blended_usd = decimal_string(
        places=9,
        allow_null=True,
        help_text="the model's lowest 3:1 blended standard price per 1M tokens; null without a priced route",
    )
    cheapest_provider = serializers.CharField(read_only=True, allow_null=True, help_text="the route it is on")


class ScoreSerializer(serializers.Serializer):
    """A score as written."""

    id = serializers.IntegerField(read_only=True)
    benchmark = serializers.CharField(source="benchmark.slug", read_only=True)
    model = serializers.CharField(source="model.slug", read_only=True)
    value = decimal_string()
    version = BlankAsNullCharField()
    date = serializers.DateField(source="measured_on", read_only=True, allow_null=True)
    source = serializers.CharField(read_only=True)
    source_url = BlankAsNullCharField()
    self_reported = serializers.BooleanField(read_only=True)


class ScoreInput(serializers.Serializer):
    """A curator's score; the rules (not negative, at most 100 on a percent scale, not dated in the future) are
    benchmarks.curation's."""

    model = serializers.SlugRelatedField(slug_field="slug", queryset=LanguageModel.objects.all(), help_text="lab/model")
    value = PlainDecimalField(max_digits=12, decimal_places=4)
    version = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text="when it was measured")
    source_url = serializers.URLField(max_length=500, required=False, default="", allow_blank=True)
    self_reported = serializers.BooleanField(help_text="true when the lab published it")


class FrontierPointSerializer(serializers.Serializer):
    model = serializers.CharField(source="slug", read_only=True)
    name = serializers.CharField(read_only=True)
    lab = serializers.CharField(read_only=True)
    blended_usd = decimal_string(source="price", help_text="the model's cheapest 3:1 blended price per 1M tokens")
    score = decimal_string(help_text="its best-documented score on the benchmark")
    on_frontier = serializers.BooleanField(read_only=True)


class FrontierSerializer(serializers.Serializer):
    benchmark = serializers.CharField(read_only=True)
    higher_is_better = serializers.BooleanField(read_only=True)
    points = FrontierPointSerializer(many=True, read_only=True)
    frontier = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="the models on the value frontier, cheapest first"
    )
