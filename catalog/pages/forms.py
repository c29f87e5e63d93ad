"""The workload form shared by the calculator and the compare page, the calculator's route filters, and the
compare page's model list. All are GET forms: every state is a URL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.utils.safestring import SafeString

from benchmarks.selectors import BenchmarkChoice, benchmark_choices
from catalog.models import Capability, Lab, Modality
from catalog.vocabulary import MAX_TOKENS
from lib.caching import per_version
from lib.fragments import FRAGMENTS, frozen
from providers.pricing.costing import MAX_REQUEST_TOKENS, MAX_REQUESTS, RouteFilter, Workload, providers_with_routes

MIN_MODELS, MAX_MODELS = 2, 4

# What the calculator starts from when the URL says nothing: a modest chat workload.
WORKLOAD_DEFAULTS = {
    "requests": "100000",
    "input_tokens": "1000",
    "output_tokens": "300",
    "cached_pct": "0",
    "cache_write_tokens": "0",
}
SEPARATORS = re.compile(r"[,_\s]")
ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


class WholeNumberField(forms.IntegerField):
    """An integer that may be typed with thousands separators: 100,000 or 100 000 or 100_000. A text input, since a
    number input refuses separators."""

    widget = forms.TextInput
    default_error_messages = {
        "min_value": "Must be %(limit_value)s or more.",
        "max_value": "Must be at most %(limit_value)s.",
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = SEPARATORS.sub("", value)
            # int() would also read fullwidth and other scripts' digits: the separators are the only leniency.
            if value and not ASCII_INTEGER.fullmatch(value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PercentField(forms.DecimalField):
    widget = forms.TextInput
    default_error_messages = {
        "min_value": "Must be between 0 and 100.",
        "max_value": "Must be between 0 and 100.",
        "max_decimal_places": "Use at most %(max)s decimal places.",
        "max_digits": "Use at most %(max)s digits.",
        "max_whole_digits": "Must be between 0 and 100.",
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip()
        return super().to_python(value)


class WorkloadForm(forms.Form):
    requests = WholeNumberField(
        label="Requests per month",
        min_value=1,
        max_value=MAX_REQUESTS,
        error_messages={"invalid": "Enter a whole number of requests, like 100000."},
    )
    input_tokens = WholeNumberField(
        label="Input tokens per request",
        help_text="the whole prompt, cached tokens included",
        min_value=0,
        max_value=MAX_REQUEST_TOKENS,
        error_messages={"invalid": "Enter a whole number of tokens, like 1000."},
    )
    output_tokens = WholeNumberField(
        label="Output tokens per request",
        help_text="reasoning tokens included",
        min_value=0,
        max_value=MAX_REQUEST_TOKENS,
        error_messages={"invalid": "Enter a whole number of tokens, like 300."},
    )
    cached_pct = PercentField(
        label="Cached share of the input (%)",
        help_text="read from the prompt cache",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=7,
        decimal_places=4,
        error_messages={"invalid": "Enter a percentage from 0 to 100."},
    )
    cache_write_tokens = WholeNumberField(
        label="Cache-write tokens per request",
        help_text="written to the 5-minute cache, part of the input",
        required=False,
        min_value=0,
        max_value=MAX_REQUEST_TOKENS,
        error_messages={"invalid": "Enter a whole number of tokens, or 0."},
    )
    batch = forms.BooleanField(label="Run as batch", help_text="asynchronous, often half price", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        input_tokens, output_tokens = data.get("input_tokens"), data.get("output_tokens")
        if input_tokens is None or output_tokens is None:
            return data
        if input_tokens + output_tokens == 0:
            self.add_error("input_tokens", "A request needs some input or output tokens.")
        pct = data.get("cached_pct") or Decimal(0)
        writes = data.get("cache_write_tokens") or 0
        if "cached_pct" in data and "cache_write_tokens" in data and input_tokens * pct / 100 + writes > input_tokens:
            self.add_error(
                "cache_write_tokens",
                "Cached and cache-write tokens are both part of the input: together they cannot exceed "
                f"{input_tokens:,} input tokens.",
            )
        return data

    def workload(self) -> Workload:
        data = self.cleaned_data
        return Workload(
            requests_per_month=data["requests"],
            input_tokens=data["input_tokens"],
            output_tokens=data["output_tokens"],
            cached_share=(data.get("cached_pct") or Decimal(0)) / 100,
            cache_write_tokens=data.get("cache_write_tokens") or 0,
            batch=data.get("batch", False),
        )


WORKLOAD_FIELDS = tuple(WorkloadForm.base_fields)


def workload_data(params: Mapping[str, str]) -> dict[str, str]:
    """The defaults overlaid with whatever workload fields the URL sets."""
    data = dict(WORKLOAD_DEFAULTS)
    data.update({name: params[name] for name in WORKLOAD_FIELDS if name in params})
    return data


def workload_params(workload: Workload) -> dict[str, str]:
    """A workload as URL parameters, for links that must keep it."""
    pct = (workload.cached_share * 100).normalize()
    params = {
        "requests": str(workload.requests_per_month),
        "input_tokens": str(workload.input_tokens),
        "output_tokens": str(workload.output_tokens),
        "cached_pct": f"{pct:f}",
        "cache_write_tokens": str(workload.cache_write_tokens),
    }
    if workload.batch:
        params["batch"] = "on"
    return params


# Django's own widget templates, in their Jinja2 form (django/forms/jinja2): the same markup but for blank lines,
# rendered about twice as fast. For the forms with long choice lists (the calculator's, the browser's filters).
FAST_WIDGETS = Jinja2()


class KeptRendering:
    """A choice widget whose HTML is kept per distinct input (lib.fragments): a select of every lab is rendered
    once for a given list of labs, value chosen and attributes, not on every request."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        widget: Any = self
        key = (
            "widget",
            type(self).__qualname__,
            type(renderer).__qualname__,
            name,
            frozen(value),
            frozen(widget.attrs),
            frozen(attrs),
            frozen(list(widget.choices)),
            widget.is_required,
            widget.is_localized,
        )
        html = FRAGMENTS.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)  # type: ignore[misc]
            FRAGMENTS.keep(key, html)
        return html


class KeptSelect(KeptRendering, forms.Select):
    pass


class KeptCheckboxes(KeptRendering, forms.CheckboxSelectMultiple):
    pass


@dataclass(frozen=True)
class CalculatorVocabulary:
    """The values the calculator's filters accept, as (slug, name) pairs."""

    capabilities: list[tuple[str, str]]
    modalities: list[tuple[str, str]]
    labs: list[tuple[str, str]]
    providers: list[tuple[str, str]]  # those with a live route
    benchmarks: list[BenchmarkChoice]


@per_version
def calculator_vocabulary() -> CalculatorVocabulary:
    """One query per vocabulary, 5 whatever the catalog's size, on the first call after a data change; then none
    in that process (the lists are shared: the form copies them)."""
    return CalculatorVocabulary(
        capabilities=list(Capability.objects.values_list("slug", "name")),
        modalities=list(Modality.objects.values_list("slug", "name")),
        labs=list(Lab.objects.order_by("name").values_list("slug", "name")),
        providers=providers_with_routes(),
        benchmarks=benchmark_choices(),
    )


class CalculatorForm(WorkloadForm):
    # Its selects list every lab and provider: rendered through Django's Jinja2 copies of its widget templates,
    # in about half the time (the markup differs only in blank lines between options).
    default_renderer = FAST_WIDGETS
    capability = forms.ChoiceField(label="Capability", required=False, widget=KeptSelect)
    min_context = WholeNumberField(
        label="Minimum context window (tokens)",
        required=False,
        min_value=1,
        max_value=MAX_TOKENS,
        error_messages={"invalid": "Enter a whole number of tokens, like 128000."},
    )
    input_modality = forms.ChoiceField(label="Input modality", required=False, widget=KeptSelect)
    benchmark = forms.ChoiceField(label="Benchmark", required=False, widget=KeptSelect)
    min_score = forms.DecimalField(
        label="Minimum score",
        help_text="at least (at most on a benchmark where lower is better)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        min_value=0,
        max_digits=12,
        decimal_places=4,
        error_messages={"invalid": "Enter a number, like 70 or 1250."},
    )
    lab = forms.ChoiceField(label="Lab", required=False, widget=KeptSelect)
    provider = forms.ChoiceField(label="Provider", required=False, widget=KeptSelect)

    FILTERS = ("capability", "min_context", "input_modality", "benchmark", "min_score", "lab", "provider")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        vocabulary = calculator_vocabulary()
        anything = [("", "Any")]
        self.fields["capability"].choices = anything + vocabulary.capabilities
        self.fields["input_modality"].choices = anything + vocabulary.modalities
        self.fields["lab"].choices = anything + vocabulary.labs
        self.fields["provider"].choices = anything + vocabulary.providers
        benchmarks = vocabulary.benchmarks
        self.fields["benchmark"].choices = [("", "None"), *((b.slug, b.name) for b in benchmarks)]
        chosen = next((b for b in benchmarks if self.data and b.slug == self.data.get("benchmark")), None)
        if chosen is not None:
            # GPQA: "at least 60"; a lower-is-better benchmark: "at most".
            self.fields["min_score"].help_text = (
                "at least: higher is better here" if chosen.higher_is_better else "at most: lower is better here"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("min_score") is not None and not data.get("benchmark"):
            self.add_error("benchmark", "Choose the benchmark the minimum score is for.")
        return data

    def route_filter(self) -> RouteFilter:
        data = self.cleaned_data
        return RouteFilter(
            capability=data.get("capability") or "",
            min_context_tokens=data.get("min_context"),
            input_modality=data.get("input_modality") or "",
            benchmark=data.get("benchmark") or "",
            min_score=data.get("min_score"),
            lab=data.get("lab") or "",
            provider=data.get("provider") or "",
        )

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, value shown) of every filter in use, for the results summary and the empty state."""
        active = []
        for name in self.FILTERS:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                shown = dict(field.choices).get(value, value)
            elif name == "min_context":
                shown = f"{value:,} tokens"
            else:
                shown = f"{value.normalize():f}"
            active.append((field.label, shown))
        return active


def calculator_data(params: Mapping[str, str]) -> dict[str, str]:
    data = workload_data(params)
    data.update({name: params[name] for name in CalculatorForm.FILTERS if name in params})
    return data


def parse_model_list(value: str) -> list[str]:
    """'a, b,,c' -> ['a', 'b', 'c']: the slugs of ?models=, in order, blanks dropped."""
    return [part.strip() for part in value.split(",") if part.strip()]


def validate_model_count(count: int) -> None:
    if count < MIN_MODELS:
        raise ValidationError(
            f"Compare needs at least {MIN_MODELS} different models; this list has {count}. Add another below."
        )
    if count > MAX_MODELS:
        raise ValidationError(
            f"Compare shows at most {MAX_MODELS} models side by side; this list has {count}. Remove "
            f"{count - MAX_MODELS} below."
        )
