"""The filters of the site's listings, shared by the pages and the REST API: the catalog browser (ModelFilter) and
the change log (ChangeFilter).

Every accepted value comes from the database (one query per vocabulary, loaded once per request) and an unknown
one is a form error, so a page answers 400 with the error shown instead of silently ignoring it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import QueryDict

from benchmarks.selectors import BenchmarkChoice, with_best_score
from catalog.models import LanguageModel, SearchResult
from catalog.pages.forms import FAST_WIDGETS, KeptCheckboxes, KeptSelect
from catalog.pages.listings import Vocabulary, browse_models, browse_vocabulary
from catalog.selectors import lab_choices
from catalog.vocabulary import MAX_TOKENS
from lib.formatting import usd as format_usd
from providers.selectors import (
    change_log,
    change_log_for_lab,
    change_log_for_provider,
    change_log_for_run,
    change_log_since,
    change_topic,
    change_topic_choices,
    grouped_changes,
    provider_choices,
    served_by,
    ungrouped_changes,
)

MAX_PRICE = Decimal(1_000_000)  # USD per 1M tokens: far above any real price, small enough for every database
SCORE_SORT_PREFIX = "score:"
# (label, ordering); unknown values (no price, no date) always last, ties by name.
SORTS: dict[str, tuple[str, list[Any]]] = {
    "name": ("Name, A to Z", ["name", "slug"]),
    "input": ("Cheapest input", [F("cheapest_input_usd").asc(nulls_last=True), "name", "slug"]),
    "output": ("Cheapest output", [F("cheapest_output_usd").asc(nulls_last=True), "name", "slug"]),
    "blended": ("Cheapest blended (3:1)", [F("cheapest_blended_usd").asc(nulls_last=True), "name", "slug"]),
    "context": ("Largest context window", [F("context_window").desc(nulls_last=True), "name", "slug"]),
    "newest": ("Newest first", [F("release_date").desc(nulls_last=True), "name", "slug"]),
}
DEFAULT_SORT = "name"
# Parameters that are not filters: they never empty a list.
NOT_FILTERS = frozenset({"sort", "page"})


class SearchInput(forms.TextInput):
    input_type = "search"


class DateInput(forms.DateInput):
    input_type = "date"


ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
ASCII_DECIMAL = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")


class AsciiIntegerField(forms.IntegerField):
    """int() also reads fullwidth digits and "1_000": a filter takes plain digits only."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() and not ASCII_INTEGER.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class AsciiDecimalField(forms.DecimalField):
    """Decimal() also reads fullwidth digits, "1_0" and exponents: a price filter takes plain decimals only."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not ASCII_DECIMAL.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(django_filters.NumberFilter):
    field_class = AsciiIntegerField


class DecimalFilter(django_filters.NumberFilter):
    field_class = AsciiDecimalField


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in force, said in words, with the query string of the same list without it."""

    name: str
    text: str
    without: str


class ListingFilter(django_filters.FilterSet):
    """What the site's listings share: filters in force said in words, and links to the same list without each."""

    @property
    def form(self) -> forms.Form:
        form = super().form
        form.label_suffix = ""  # the labels sit above their fields: no colons
        form.renderer = FAST_WIDGETS  # every lab and provider in a select
        return form

    def describe(self, name: str, value: Any) -> str:
        field = self.form.fields[name]
        if isinstance(field, forms.ChoiceField):
            labels = dict(_flat(field.choices))
            values = value if isinstance(value, list) else [value]
            shown = " and ".join(str(labels.get(v, v)) for v in values)
        elif isinstance(value, Decimal):
            shown = f"at most {format_usd(value)}"
        elif hasattr(value, "isoformat"):
            shown = value.isoformat()
        elif isinstance(value, int):
            shown = f"at least {value:,} tokens"
        else:
            shown = f"“{value}”"
        return f"{field.label}: {shown}"

    def active_filters(self) -> list[ActiveFilter]:
        """The filters in force, in the form's order; only for a valid form."""
        active = []
        for name, value in self.form.cleaned_data.items():
            if name in NOT_FILTERS or value in (None, "", []) or value is False:
                continue
            active.append(ActiveFilter(name, self.describe(name, value), self.query_without(name)))
        return active

    def query_without(self, name: str) -> str:
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        data.pop(name, None)
        data.pop("page", None)
        return data.urlencode()

    def data_without(self, name: str) -> QueryDict:
        data = self.data.copy()
        data.pop(name, None)
        return data


class ModelFilter(ListingFilter):
    """The catalog browser: /models/?q=&lab=&provider=&input_modality=&output_modality=&capability=(repeatable)
    &min_context=&max_input=&max_output=&open_weights=yes|no&status=&released_after=YYYY-MM-DD&sort=."""

    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        max_length=200,
        widget=SearchInput(attrs={"placeholder": "Name, slug or any alias", "id": "browse-q"}),
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label="Sort by",
        empty_label=None,
        widget=KeptSelect(attrs={"data-default": DEFAULT_SORT}),  # browse.js leaves the default out of the URL
    )
    lab = django_filters.ChoiceFilter(field_name="lab__slug", label="Lab", empty_label="Any lab", widget=KeptSelect)
    provider = django_filters.ChoiceFilter(
        method="filter_provider", label="Served by", empty_label="Any provider", widget=KeptSelect
    )
    input_modality = django_filters.ChoiceFilter(
        field_name="input_modalities__slug", label="Input", empty_label="Any input", widget=KeptSelect
    )
    output_modality = django_filters.ChoiceFilter(
        field_name="output_modalities__slug", label="Output", empty_label="Any output", widget=KeptSelect
    )
    capability = django_filters.MultipleChoiceFilter(
        method="filter_capabilities",  # tool calling AND vision: a model must have every one ticked
        label="Capabilities",
        widget=KeptCheckboxes,
    )
    min_context = IntegerFilter(
        field_name="context_window",
        lookup_expr="gte",
        label="Min. context (tokens)",
        min_value=1,
        max_value=MAX_TOKENS,
        widget=forms.NumberInput(attrs={"min": 1, "step": 1, "list": "context-sizes", "placeholder": "128000"}),
    )
    max_input = DecimalFilter(
        field_name="cheapest_input_usd",
        lookup_expr="lte",
        label="Max. input $ / 1M",
        min_value=Decimal(0),
        max_value=MAX_PRICE,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any", "placeholder": "1.00"}),
    )
    max_output = DecimalFilter(
        field_name="cheapest_output_usd",
        lookup_expr="lte",
        label="Max. output $ / 1M",
        min_value=Decimal(0),
        max_value=MAX_PRICE,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any", "placeholder": "4.00"}),
    )
    open_weights = django_filters.ChoiceFilter(
        method="filter_open_weights",
        label="Weights",
        choices=[("yes", "Open weights"), ("no", "Not open")],
        empty_label="Open or not",
        widget=KeptSelect,
    )
    status = django_filters.ChoiceFilter(
        field_name="status",
        label="Status",
        choices=LanguageModel.Status.choices,
        empty_label="Any status",
        widget=KeptSelect,
    )
    released_after = django_filters.DateFilter(
        field_name="release_date", lookup_expr="gte", label="Released on or after", widget=DateInput()
    )
    # Retired models are hidden unless this box is ticked (or the status filter asks for them); the API lists them.
    retired = django_filters.BooleanFilter(
        method="filter_retired", label="Include retired models", widget=forms.CheckboxInput
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[LanguageModel] | None = None,
        *,
        vocabulary: Vocabulary | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, browse_models() if queryset is None else queryset, **kwargs)
        # How the search matched, once the list is read (None without a search).
        self.search_result: SearchResult | None = None
        self.vocabulary = vocabulary or browse_vocabulary()
        self.benchmarks = {b.slug: b for b in self.vocabulary.benchmarks}
        extra = {name: f.extra for name, f in self.filters.items()}
        extra["lab"]["choices"] = self.vocabulary.labs
        extra["provider"]["choices"] = self.vocabulary.providers
        extra["input_modality"]["choices"] = self.vocabulary.modalities
        extra["output_modality"]["choices"] = self.vocabulary.modalities
        extra["capability"]["choices"] = self.vocabulary.capabilities
        extra["sort"]["choices"] = [(key, label) for key, (label, _) in SORTS.items()] + (
            [
                (
                    "Best score on a benchmark",
                    [(f"{SCORE_SORT_PREFIX}{b.slug}", f"{b.name} score") for b in self.vocabulary.benchmarks],
                )
            ]
            if self.vocabulary.benchmarks
            else []
        )

    def with_vocabulary(self, data: QueryDict) -> ModelFilter:
        """Another filter over the same rows and choices (no new vocabulary queries)."""
        return ModelFilter(data, self.queryset, vocabulary=self.vocabulary)

    @property
    def sort_key(self) -> str:
        return (self.form.cleaned_data.get("sort") if self.form.is_valid() else "") or DEFAULT_SORT

    @property
    def sort_benchmark(self) -> BenchmarkChoice | None:
        key = self.sort_key
        return self.benchmarks.get(key.removeprefix(SCORE_SORT_PREFIX)) if key.startswith(SCORE_SORT_PREFIX) else None

    @property
    def sort_label(self) -> str:
        benchmark = self.sort_benchmark
        return f"best {benchmark.name} score" if benchmark else SORTS[self.sort_key][0].lower()

    def filter_search(self, queryset: QuerySet[LanguageModel], name: str, value: str) -> QuerySet[LanguageModel]:
        # The model search itself, with how it matched, so the page can say so.
        queryset, self.search_result = queryset.search_with_result(value, suggest=True)
        return queryset

    def filter_provider(self, queryset: QuerySet[LanguageModel], name: str, value: str) -> QuerySet[LanguageModel]:
        return queryset.filter(served_by(value))

    def filter_capabilities(
        self, queryset: QuerySet[LanguageModel], name: str, value: list[str]
    ) -> QuerySet[LanguageModel]:
        return queryset.having_all("capabilities", value)

    def filter_open_weights(self, queryset: QuerySet[LanguageModel], name: str, value: str) -> QuerySet[LanguageModel]:
        # "Not open" includes models whose weights are not recorded as open (unknown counts as not open).
        return queryset.filter(open_weights=True) if value == "yes" else queryset.exclude(open_weights=True)

    def filter_sort(self, queryset: QuerySet[LanguageModel], name: str, value: str) -> QuerySet[LanguageModel]:
        if value.startswith(SCORE_SORT_PREFIX):
            benchmark = self.benchmarks[value.removeprefix(SCORE_SORT_PREFIX)]
            return with_best_score(queryset, benchmark).order_by(
                F("best_score").desc(nulls_last=True)
                if benchmark.higher_is_better
                else F("best_score").asc(nulls_last=True),
                "name",
                "slug",
            )
        return queryset.order_by(*SORTS[value][1])

    def filter_retired(self, queryset: QuerySet[LanguageModel], name: str, value: bool) -> QuerySet[LanguageModel]:
        if value or self.form.cleaned_data.get("status") == LanguageModel.Status.RETIRED:
            return queryset
        return queryset.live()

    def describe(self, name: str, value: Any) -> str:
        if name == "retired":
            return "Including retired models"
        if name == "q":
            return f"Search: “{value}”"
        return super().describe(name, value)


class ChangeFilter(ListingFilter):
    """The change log: /changes/?kind=&provider=&lab=&since=YYYY-MM-DD (also the feeds)."""

    kind = django_filters.ChoiceFilter(
        method="filter_kind", label="Kind", choices=change_topic_choices(), empty_label="Every kind"
    )
    provider = django_filters.ChoiceFilter(method="filter_provider", label="Provider", empty_label="Any provider")
    lab = django_filters.ChoiceFilter(method="filter_lab", label="Lab", empty_label="Any lab")
    since = django_filters.DateFilter(method="filter_since", label="Since", widget=DateInput())
    run = django_filters.NumberFilter(method="filter_run", label="Sync run", widget=forms.HiddenInput())
    # A run's bulk additions are one entry, unless a filter asks for rows these entries would hide.
    UNGROUPED_BY: tuple[str, ...] = ("provider", "lab", "run")

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet | None = None,
        *,
        labs: list[tuple[str, str]] | None = None,
        providers: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, change_log() if queryset is None else queryset, **kwargs)
        self.filters["lab"].extra["choices"] = labs if labs is not None else lab_choices()
        self.filters["provider"].extra["choices"] = providers if providers is not None else provider_choices()

    def filter_provider(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return change_log_for_provider(queryset, value)

    def filter_lab(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return change_log_for_lab(queryset, value)

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(change_topic(value))

    def filter_since(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return change_log_since(queryset, value)

    def filter_run(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return change_log_for_run(queryset, int(value))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if any(self.form.cleaned_data.get(name) not in (None, "") for name in self.UNGROUPED_BY):
            return ungrouped_changes(queryset)
        return grouped_changes(queryset)

    def describe(self, name: str, value: Any) -> str:
        if name == "run":
            return f"Sync run {int(value)}"
        return super().describe(name, value)


def _flat(choices: Any) -> list[tuple[Any, Any]]:
    """(value, label) pairs of possibly grouped choices."""
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((value, label))
    return flat
