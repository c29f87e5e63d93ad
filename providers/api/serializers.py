"""What the providers endpoints answer (output serializers, one per use) and what the writes accept (input
serializers). Prices have the field names of the export format (docs/export-format.md); money is a decimal string.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import LanguageModel
from catalog.vocabulary import MAX_TOKENS
from lib.api.fields import BlankAsNullCharField, PlainDecimalField, ThresholdField, WholeNumberField, decimal_string
from providers.models import ChangeEvent, Offering, PriceComponent, PriceUnit, Provider, ServiceTier

# --- prices ----------------------------------------------------------------------------------------------------


class PriceSerializer(serializers.Serializer):
    """One current price component of a route, as in the export."""

    component = serializers.ChoiceField(choices=PriceComponent.choices, read_only=True)
    unit = serializers.ChoiceField(choices=PriceUnit.choices, read_only=True)
    usd = decimal_string(help_text="USD per unit; token prices are per 1M tokens")
    service_tier = serializers.ChoiceField(choices=ServiceTier.choices, read_only=True)
    tier_min_tokens = ThresholdField(help_text="null for the base price; N: applies to prompts above N tokens")
    effective_from = serializers.DateTimeField(read_only=True)
    source = serializers.CharField(read_only=True, help_text="the sync source (or curator) that wrote the row")
    source_name = BlankAsNullCharField(help_text="where the figure was read")
    source_url = BlankAsNullCharField()
    verified_at = serializers.DateField(source="verified_on", read_only=True, help_text="the date the source stated it")
    published = BlankAsNullCharField(help_text="the figure exactly as the source printed it")


class PricePeriodSerializer(PriceSerializer):
    """A price row with its id and its period (effective_to is null while it is in force)."""

    id = serializers.IntegerField(read_only=True)
    offering = serializers.IntegerField(source="offering_id", read_only=True)
    effective_to = serializers.DateTimeField(read_only=True, allow_null=True)


# --- providers -------------------------------------------------------------------------------------------------


class ProviderSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Provider.Kind.choices, read_only=True)
    lab = serializers.CharField(source="lab.slug", read_only=True, allow_null=True, help_text="for a lab's own API")
    website_url = BlankAsNullCharField()
    docs_url = BlankAsNullCharField()
    pricing_url = BlankAsNullCharField()
    api_base_url = BlankAsNullCharField()
    openai_compatible = serializers.BooleanField(read_only=True)
    live_route_count = serializers.IntegerField(read_only=True, help_text="routes not retired")
    model_count = serializers.IntegerField(read_only=True, help_text="models served on a live route")


class ProviderRouteSerializer(serializers.Serializer):
    """One route of a provider, with every current price."""

    id = serializers.IntegerField(read_only=True)
    model = serializers.CharField(source="model.slug", read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True)
    provider_model_id = serializers.CharField(read_only=True, help_text="the id the provider's API takes")
    region = BlankAsNullCharField()
    quantization = BlankAsNullCharField()
    route_type = serializers.ChoiceField(choices=Offering.RouteType.choices, read_only=True)
    status = serializers.ChoiceField(choices=Offering.Status.choices, read_only=True)
    context_window = serializers.IntegerField(read_only=True, allow_null=True)
    max_output_tokens = serializers.IntegerField(read_only=True, allow_null=True)
    throughput_tps = decimal_string(allow_null=True, help_text="measured output tokens per second")
    latency_p50_ms = serializers.IntegerField(read_only=True, allow_null=True, help_text="measured median latency")
    uptime_pct = decimal_string(allow_null=True, help_text="measured uptime, percent")
    is_cheapest_route = serializers.SerializerMethodField(
        help_text="the model's cheapest route (lowest 3:1 blended standard price)"
    )
    prices = PriceSerializer(source="current_prices", many=True, read_only=True)

    def get_is_cheapest_route(self, offering: Offering) -> bool:
        return offering.cheapest_route_id == offering.pk


class ProviderDetailSerializer(ProviderSummarySerializer):
    description = serializers.CharField(read_only=True)
    routes = ProviderRouteSerializer(many=True, read_only=True)


# --- offerings (routes), as the writes return them --------------------------------------------------------------


class OfferingSerializer(serializers.Serializer):
    """A route with its current prices (with their ids, to end or release one)."""

    id = serializers.IntegerField(read_only=True)
    model = serializers.CharField(source="model.slug", read_only=True)
    provider = serializers.CharField(source="provider.slug", read_only=True)
    provider_model_id = serializers.CharField(read_only=True)
    region = BlankAsNullCharField()
    quantization = BlankAsNullCharField()
    route_type = serializers.ChoiceField(choices=Offering.RouteType.choices, read_only=True)
    status = serializers.ChoiceField(choices=Offering.Status.choices, read_only=True)
    context_window = serializers.IntegerField(read_only=True, allow_null=True)
    max_output_tokens = serializers.IntegerField(read_only=True, allow_null=True)
    throughput_tps = decimal_string(allow_null=True)
    latency_p50_ms = serializers.IntegerField(read_only=True, allow_null=True)
    uptime_pct = decimal_string(allow_null=True)
    source = serializers.CharField(read_only=True, help_text="who owns the route's facts: a sync source or curator")
    prices = PricePeriodSerializer(source="current_prices", many=True, read_only=True)


def _positive_tokens(**kwargs: Any) -> serializers.IntegerField:
    message = "A positive number of tokens."  # as providers.curation says it
    return WholeNumberField(
        min_value=1,
        max_value=MAX_TOKENS,
        allow_null=True,
        required=False,
        error_messages={"min_value": message},
        **kwargs,
    )


class OfferingCreateInput(serializers.Serializer):
    model = serializers.SlugRelatedField(slug_field="slug", queryset=LanguageModel.objects.all(), help_text="lab/model")
    provider = serializers.SlugRelatedField(slug_field="slug", queryset=Provider.objects.all())
    provider_model_id = serializers.CharField(max_length=255)
    region = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    quantization = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    route_type = serializers.ChoiceField(choices=Offering.RouteType.choices, required=False)
    status = serializers.ChoiceField(choices=Offering.Status.choices, required=False)
    context_window = _positive_tokens()
    max_output_tokens = _positive_tokens()


class OfferingEditInput(serializers.Serializer):
    """The route facts a curator may change (Offering.FACTS); any other field is refused."""

    provider_model_id = serializers.CharField(max_length=255, required=False)
    route_type = serializers.ChoiceField(choices=Offering.RouteType.choices, required=False)
    status = serializers.ChoiceField(choices=Offering.Status.choices, required=False)
    context_window = _positive_tokens()
    max_output_tokens = _positive_tokens()


@extend_schema_field({"type": "string", "enum": PriceComponent.values})
class ComponentField(serializers.CharField):
    """Checked by providers.validation (one message for the admin and the API), documented as an enum."""


@extend_schema_field({"type": "string", "enum": PriceUnit.values, "nullable": True})
class UnitField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": ServiceTier.values})
class ServiceTierField(serializers.CharField):
    pass


class PriceInput(serializers.Serializer):
    """A curator's price for one component of a route. The rules (unit per component, no negative or implausible
    amount, a tier threshold below the context window) are providers.validation's."""

    component = ComponentField(max_length=20)
    unit = UnitField(max_length=16, allow_null=True)
    usd = PlainDecimalField(max_digits=19, decimal_places=9, allow_null=True, help_text="USD per unit")
    service_tier = ServiceTierField(max_length=10, required=False, default=ServiceTier.STANDARD)
    tier_min_tokens = WholeNumberField(
        required=False, default=0, max_value=MAX_TOKENS, help_text="0 for the base price; N: prompts above N tokens"
    )
    source_url = serializers.URLField(max_length=500, required=False, default="", allow_blank=True)
    source_name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    verified_at = serializers.DateField(required=False, allow_null=True, default=None, help_text="default: today")
    published = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    effective_from = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="default: now; never in the future"
    )


# --- the change log ---------------------------------------------------------------------------------------------


# What a public change event says of the person who made it: staff usernames are not published.
CURATOR = "curator"


class ChangeEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=ChangeEvent.Kind.choices, read_only=True)
    occurred_at = serializers.DateTimeField(read_only=True)
    summary = serializers.CharField(read_only=True)
    model = serializers.SerializerMethodField()
    lab = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    field = BlankAsNullCharField(help_text="the fact or price that changed")
    old_value = BlankAsNullCharField()
    new_value = BlankAsNullCharField()
    old_usd = serializers.DecimalField(
        max_digits=19, decimal_places=9, read_only=True, allow_null=True, help_text="a price event's old amount"
    )
    new_usd = serializers.DecimalField(
        max_digits=19, decimal_places=9, read_only=True, allow_null=True, help_text="a price event's new amount"
    )
    change_pct = serializers.DecimalField(
        source="move_pct",
        max_digits=12,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="a price change in percent of the old amount (-20.0 for 0.15 -> 0.12)",
    )
    actor = serializers.SerializerMethodField(help_text='"curator" for a person\'s change (no names); null for a sync')
    sync_run = serializers.IntegerField(source="sync_run_id", read_only=True, allow_null=True)

    def get_actor(self, event: ChangeEvent) -> str | None:
        return CURATOR if event.actor else None

    def get_model(self, event: ChangeEvent) -> str | None:
        return event.model.slug if event.model else None

    def get_lab(self, event: ChangeEvent) -> str | None:
        return event.model.lab.slug if event.model else None

    def get_provider(self, event: ChangeEvent) -> str | None:
        return event.offering.provider.slug if event.offering else None
