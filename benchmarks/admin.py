"""Curating benchmarks and scores (history per object, revertible)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from benchmarks.curation import score_problems, set_score
from benchmarks.models import Benchmark, BenchmarkScore
from config.admin import HTTPS_URLS
from lib import formatting


@admin.register(Benchmark)
class BenchmarkAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "category", "metric", "scale", "higher_is_better"]
    list_filter = ["category", "scale"]
    search_fields = ["name", "slug"]


class ScoreForm(forms.ModelForm):
    source_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = BenchmarkScore
        fields = ["model", "benchmark", "value", "version", "measured_on", "source_url", "self_reported"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("benchmark"):
            for field, message in score_problems(
                benchmark=data["benchmark"],
                value=data.get("value"),
                measured_on=data.get("measured_on"),
                version=data.get("version", ""),
                source_url=data.get("source_url", ""),
            ).items():
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(BenchmarkScore)
class BenchmarkScoreAdmin(SimpleHistoryAdmin):
    """A score a curator adds or corrects is written as the curator's own (source "curator"), so a sync never
    overwrites it; the sources' scores stay beside it, each with its own provenance."""

    form = ScoreForm
    formfield_overrides = HTTPS_URLS
    list_display = ["model", "benchmark", "shown_value", "version", "measured_on", "self_reported", "source"]
    list_filter = ["benchmark", "self_reported", "source"]
    search_fields = ["model__name", "model__slug", "benchmark__name"]
    autocomplete_fields = ["model"]
    list_select_related = ["model", "benchmark"]

    @admin.display(description="Value", ordering="value")
    def shown_value(self, score: BenchmarkScore) -> str:
        return formatting.exact(score.value)  # 82 or 65.43, not 82.0000

    def save_model(self, request: HttpRequest, obj: BenchmarkScore, form: ScoreForm, change: bool) -> None:
        data = form.cleaned_data
        try:
            score, _ = set_score(
                data["benchmark"],
                model=data["model"],
                value=data["value"],
                self_reported=data["self_reported"],
                user=request.user,
                version=data.get("version", ""),
                measured_on=data.get("measured_on"),
                source_url=data.get("source_url", ""),
            )
            obj.pk = score.pk
        except ValidationError as error:
            messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in error.message_dict.items()))
