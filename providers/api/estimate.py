"""estimate/: what one workload costs a month on every live route, ranked.

The web calculator's code end to end: its form (catalog.pages.forms.CalculatorForm, extended here with what only the API
takes, so every shared parameter is validated with the page's messages) and its ranking (providers.pricing.ranking, over
the cost engine of providers.pricing.costing). Nothing is priced here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import LanguageModel
from catalog.pages.forms import CalculatorForm, WholeNumberField, calculator_data, parse_model_list
from catalog.vocabulary import MAX_TOKENS
from lib.api.fields import BlankAsNullCharField, ThresholdField, decimal_string
from providers.models import PriceUnit
from providers.pricing.costing import MAX_REQUEST_TOKENS, MAX_REQUESTS, CostLine, RouteCost, RouteFilter
from providers.pricing.ranking import Ranking, rank_workload

DEFAULT_LIMIT = 100  # as many routes as the calculator page shows
MAX_LIMIT = 1000
TRUE_WORDS = frozenset({"true", "1", "on", "yes"})
FALSE_WORDS = frozenset({"false", "0", "off", "no", ""})


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, on/off, yes/no); anything else is an error, where a checkbox would read it as on."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool:
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        raise ValidationError("Enter true or false.", code="invalid")


class ModelListField(forms.Field):
    """Canonical model slugs: "a,b" or, in a JSON body, ["a", "b"]."""

    widget = forms.TextInput
    default_validators = [ProhibitNullCharactersValidator()]  # as a CharField: no database stores a NUL

    def run_validators(self, value: list[str]) -> None:
        for slug in value:
            super().run_validators(slug)

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            return parse_model_list(value)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.strip() for item in value if item.strip()]
        raise ValidationError(
            "Give model slugs separated by commas, like openai/gpt-4o-mini,anthropic/claude-sonnet-4-5."
        )


class EstimateForm(CalculatorForm):
    """The calculator's form and messages, plus the cached share as a fraction, a list of models and a limit."""

    batch = StrictBooleanField(required=False)
    cached_share = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=1,
        max_digits=7,
        decimal_places=6,
        error_messages={
            "invalid": "Enter a share from 0 to 1, like 0.5.",
            "min_value": "Must be between 0 and 1.",
            "max_value": "Must be between 0 and 1.",
            "max_whole_digits": "Must be between 0 and 1.",
            "max_decimal_places": "Use at most %(max)s decimal places.",
        },
    )
    models = ModelListField(required=False)
    limit = WholeNumberField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={"invalid": "Enter a whole number of routes, like 20."},
    )

    EXTRA = ("cached_share", "models", "limit")

    def __init__(self, params: Mapping[str, Any], *, strict: bool = False) -> None:
        """`params`: the query string or the JSON body. `strict` (a body): a key this form does not know is an
        error, since a misspelt field would otherwise be replaced by its default without a word."""
        data: dict[str, Any] = calculator_data(params)
        data.update({name: params[name] for name in self.EXTRA if name in params})
        self.sent = set(params)
        self.unknown = sorted(self.sent - set(self.base_fields)) if strict else []
        if "cached_share" in params and "cached_pct" not in params:
            data.pop("cached_pct")  # the default 0 would otherwise contradict the share
        super().__init__(data=data)

    def clean_models(self) -> tuple[int, ...] | None:
        slugs = list(dict.fromkeys(self.cleaned_data.get("models") or []))
        if not slugs:
            return None
        found = dict(LanguageModel.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise ValidationError(f"No model {', '.join(unknown)}: give canonical slugs (lab/model).")
        return tuple(found[slug] for slug in slugs)

    def clean(self) -> dict[str, Any]:
        share = self.cleaned_data.get("cached_share")
        if share is not None:
            if "cached_pct" in self.sent:
                self.add_error("cached_share", "Give cached_pct or cached_share, not both.")
            else:
                self.cleaned_data["cached_pct"] = share * 100
        return super().clean()

    def route_filter(self) -> RouteFilter:
        return replace(super().route_filter(), model_ids=self.cleaned_data.get("models"))

    @property
    def limit_value(self) -> int:
        return self.cleaned_data.get("limit") or DEFAULT_LIMIT


def estimate_workload(params: Mapping[str, Any], *, strict: bool = False) -> Ranking:
    """Validate the parameters (raising django's ValidationError with every bad one) and rank the routes.
    Queries: the form's 5 vocabularies, 1 for `models` when given, and rank_workload's."""
    form = EstimateForm(params, strict=strict)
    if not form.is_valid() or form.unknown:
        errors: dict[str, Any] = {name: ["Not a parameter of estimate/."] for name in form.unknown}
        errors.update({name: list(messages) for name, messages in form.errors.items()})
        raise ValidationError(errors)
    limit = form.limit_value
    return rank_workload(form.workload(), form.route_filter(), limit=limit, unranked_limit=limit)


# --- how the parameters are documented (validation is EstimateForm's) --------------------------------------------


class EstimateQuery(serializers.Serializer):
    """The workload and filters of estimate/; anything not given takes the calculator's default."""

    requests = serializers.IntegerField(
        min_value=1, max_value=MAX_REQUESTS, required=False, help_text="a month; 100000"
    )
    input_tokens = serializers.IntegerField(
        min_value=0, max_value=MAX_REQUEST_TOKENS, required=False, help_text="per request, cached ones included; 1000"
    )
    output_tokens = serializers.IntegerField(
        min_value=0, max_value=MAX_REQUEST_TOKENS, required=False, help_text="per request, reasoning included; 300"
    )
    cached_pct = serializers.DecimalField(
        max_digits=7, decimal_places=4, min_value=0, max_value=100, required=False, help_text="percent; 0"
    )
    cached_share = serializers.DecimalField(
        max_digits=7,
        decimal_places=6,
        min_value=0,
        max_value=1,
        required=False,
        help_text="the same as a fraction (0.5); give one of the two",
    )
    cache_write_tokens = serializers.IntegerField(
        min_value=0, max_value=MAX_REQUEST_TOKENS, required=False, help_text="per request, part of the input; 0"
    )
    batch = serializers.BooleanField(required=False, help_text="price at batch rates where a route has them")
    capability = serializers.CharField(required=False, help_text="a capability slug: tool_calling, vision...")
    min_context = serializers.IntegerField(min_value=1, max_value=MAX_TOKENS, required=False)
    input_modality = serializers.CharField(required=False, help_text="text, image, audio...")
    benchmark = serializers.CharField(required=False, help_text="a benchmark slug; with min_score")
    min_score = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=0, required=False, help_text="at most, where lower is better"
    )
    lab = serializers.CharField(required=False)
    provider = serializers.CharField(required=False)
    models = serializers.CharField(required=False, help_text="canonical slugs, comma-separated")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False, help_text="routes; 100")


class EstimateBody(EstimateQuery):
    models = serializers.ListField(child=serializers.CharField(), required=False, help_text="canonical slugs")


class WorkloadSerializer(serializers.Serializer):
    requests = serializers.IntegerField(source="requests_per_month", read_only=True)
    input_tokens = serializers.IntegerField(read_only=True)
    output_tokens = serializers.IntegerField(read_only=True)
    cached_share = decimal_string()
    cache_write_tokens = serializers.IntegerField(read_only=True)
    batch = serializers.BooleanField(read_only=True)


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
class TokenCountField(serializers.Field):
    """Tokens of a cost line as a decimal string (a cached share can make them fractional); null for the
    per-request fee, which is counted in requests."""

    def __init__(self, attribute: str, **kwargs: Any) -> None:
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, line: CostLine) -> str | None:
        return f"{getattr(line, self.attribute).normalize():f}" if line.is_tokens else None


class CostLineSerializer(serializers.Serializer):
    """One line of the arithmetic: quantity x rate = subtotal."""

    component = serializers.CharField(read_only=True, help_text="input, cache_read, cache_write_5m, output, request")
    label = serializers.CharField(read_only=True)
    priced_as = serializers.CharField(
        read_only=True, help_text="the price row used (input, when a cache price fell back)"
    )
    unit = serializers.ChoiceField(choices=PriceUnit.choices, source="price.unit", read_only=True)
    tokens_per_request = TokenCountField("per_request")
    monthly_tokens = TokenCountField("monthly_quantity")
    rate_usd = decimal_string(help_text="USD per 1M tokens, or per request for the request fee")
    service_tier = serializers.CharField(read_only=True)
    tier_min_tokens = ThresholdField(help_text="the long-context tier whose rate applies; null for the base rate")
    per_request_usd = decimal_string()
    monthly_usd = decimal_string(help_text="the subtotal")
    note = BlankAsNullCharField()


class RouteSerializer(serializers.Serializer):
    """Which route a cost is for."""

    offering_id = serializers.IntegerField(source="offering.pk", read_only=True)
    model = serializers.CharField(source="offering.model.slug", read_only=True)
    model_name = serializers.CharField(source="offering.model.name", read_only=True)
    lab = serializers.CharField(source="offering.model.lab.slug", read_only=True)
    provider = serializers.CharField(source="offering.provider.slug", read_only=True)
    provider_name = serializers.CharField(source="offering.provider.name", read_only=True)
    route = serializers.CharField(source="offering.route_label", read_only=True)
    region = BlankAsNullCharField(source="offering.region")
    quantization = BlankAsNullCharField(source="offering.quantization")
    provider_model_id = serializers.CharField(source="offering.provider_model_id", read_only=True)


class RouteCostSerializer(RouteSerializer):
    monthly_usd = decimal_string()
    per_request_usd = decimal_string()
    batch_priced = serializers.BooleanField(read_only=True, help_text="every line at a batch rate")
    tier_min_tokens = ThresholdField(help_text="the long-context tier applied to the prompt; null: base rates")
    caveats = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="fallbacks relied on")
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)
    lines = CostLineSerializer(many=True, read_only=True)


class UnrankedRouteSerializer(RouteSerializer):
    reason = serializers.SerializerMethodField(help_text="missing_price or too_large")
    message = serializers.SerializerMethodField()
    missing = serializers.ListField(source="absent", child=serializers.CharField(), read_only=True)

    def get_reason(self, cost: RouteCost) -> str:
        return "missing_price" if not cost.complete else "too_large"

    def get_message(self, cost: RouteCost) -> str:
        if not cost.complete:
            return " ".join(item.message for item in cost.missing if not item.fallback)
        return f"The requests do not fit: {cost.unfit_reason}."


class EstimateSerializer(serializers.Serializer):
    workload = WorkloadSerializer(read_only=True)
    considered = serializers.IntegerField(read_only=True, help_text="live routes matching the filters")
    ranked_count = serializers.IntegerField(
        read_only=True, help_text="routes that could be priced and fit the requests"
    )
    results = RouteCostSerializer(many=True, read_only=True, help_text="cheapest first, at most `limit`")
    unranked_count = serializers.IntegerField(read_only=True, help_text="routes that could not be ranked")
    unranked = serializers.SerializerMethodField(
        help_text="those missing a price, then those the requests do not fit; at most `limit` of each"
    )

    @extend_schema_field(UnrankedRouteSerializer(many=True))
    def get_unranked(self, ranking: Ranking) -> list[dict]:
        return UnrankedRouteSerializer([*ranking.unpriced, *ranking.too_small], many=True).data
