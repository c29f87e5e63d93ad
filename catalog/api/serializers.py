"""Serializers of the catalog's endpoints: one output serializer per use, explicit fields; writes validated by
separate input serializers (the rules themselves are providers.validation's, applied by providers.curation).

Conventions, shared with the export format (docs/export-format.md): money is a decimal string in USD with its unit;
unknown values are null, lists are never null; `tier_min_tokens` is null for a base price.

Past 500 lines because every field is declared explicitly (what the API promises is read here, field by field); each
serializer is short.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import MODEL_FACT_LISTS, MODEL_FACTS, Lab, LanguageModel
from catalog.vocabulary import CAPABILITIES, MAX_TOKENS, MODALITIES, SLUG_PART_RE
from lib.api.fields import (
    BlankAsNullCharField,
    BlankAsNullChoiceField,
    PlainDecimalField,
    TextRegexField,
    WholeNumberField,
    decimal_string,
)
from providers.api.serializers import PricePeriodSerializer, PriceSerializer
from providers.models import Offering, PriceComponent, PriceUnit, ServiceTier

SLUGS = {"type": "array", "items": {"type": "string"}}
EDITABLE_FIELDS = (*MODEL_FACTS, *MODEL_FACT_LISTS, "successor")


# --- fields ----------------------------------------------------------------------------------------------------


@extend_schema_field(SLUGS)
class SlugList(serializers.Field):
    """The slugs of a prefetched to-many relation, sorted (as in the export format)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> list[str]:
        return sorted(item.slug for item in value.all())


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def model_api_path(slug: str, name: str = "api-model-detail") -> str:
    lab, model = slug.split("/", 1)
    return reverse(name, kwargs={"lab": lab, "model": model})


class ModelLinks:
    """For a serializer of models with `url` (the model in this API) and `page` (its page on the site) fields."""

    def get_url(self, model: LanguageModel) -> str:
        return _absolute(self, model_api_path(model.slug))

    def get_page(self, model: LanguageModel) -> str:
        return _absolute(self, model.get_absolute_url())


# --- prices and routes -----------------------------------------------------------------------------------------


class RouteFieldsSerializer(serializers.Serializer):
    """A route: one model on one provider, per region and quantization."""

    provider = serializers.CharField(source="provider.slug", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    provider_model_id = serializers.CharField(read_only=True, help_text="the id the provider's API takes")
    region = BlankAsNullCharField()
    quantization = BlankAsNullCharField()
    route_type = serializers.ChoiceField(choices=Offering.RouteType.choices, read_only=True)
    status = serializers.ChoiceField(choices=Offering.Status.choices, read_only=True)
    context_window = serializers.IntegerField(read_only=True, allow_null=True)
    max_output_tokens = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        ref_name = "CatalogRouteFields"


class RouteSerializer(RouteFieldsSerializer):
    prices = PriceSerializer(source="current_prices", many=True, read_only=True, help_text="every current price")

    class Meta:
        ref_name = "CatalogRoute"


class RoutePricesInForceSerializer(RouteFieldsSerializer):
    prices = PricePeriodSerializer(source="prices_in_force", many=True, read_only=True)

    class Meta:
        ref_name = "CatalogRoutePricesInForce"


class RouteHistorySerializer(RouteFieldsSerializer):
    periods = PricePeriodSerializer(many=True, read_only=True, help_text="every price row, oldest first")

    class Meta:
        ref_name = "CatalogRouteHistory"


class CheapestRouteSerializer(serializers.Serializer):
    """A model's cheapest route: the lowest 3:1 blended standard base-tier price (the lab's own API first on a tie,
    retired routes never), with its standard prices."""

    provider = serializers.CharField(source="cheapest_provider_slug", read_only=True)
    provider_name = serializers.CharField(source="cheapest_provider_name", read_only=True)
    input = decimal_string(source="cheapest_input_usd")
    output = decimal_string(source="cheapest_output_usd", allow_null=True)
    cache_read = decimal_string(source="cheapest_cache_read_usd", allow_null=True)
    blended = decimal_string(source="cheapest_blended_usd", help_text="(3 x input + output) / 4")
    unit = serializers.SerializerMethodField()
    priced_route_count = serializers.IntegerField(read_only=True, help_text="routes of the model with a price")

    class Meta:
        ref_name = "CatalogCheapestRoute"

    def get_unit(self, model: LanguageModel) -> str:
        return PriceUnit.PER_1M_TOKENS.value


@extend_schema_field(CheapestRouteSerializer(allow_null=True))
class CheapestField(serializers.Field):
    """The model's cheapest route from its annotations (providers.selectors.with_cheapest_route); null when no
    route has a price (no `present`)."""

    present = "cheapest_offering_id"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, model: LanguageModel) -> dict[str, Any] | None:
        if getattr(model, self.present) is None:
            return None
        return CheapestRouteSerializer(model, context=self.context).data


# --- models ----------------------------------------------------------------------------------------------------


class ModelSummarySerializer(ModelLinks, serializers.Serializer):
    """A model in a list: its facts and its cheapest route."""

    slug = serializers.CharField(read_only=True, help_text="canonical: lab/model")
    name = serializers.CharField(read_only=True)
    lab = serializers.CharField(source="lab.slug", read_only=True)
    family = BlankAsNullCharField()
    release_date = serializers.DateField(read_only=True, allow_null=True)
    knowledge_cutoff = BlankAsNullCharField(help_text="YYYY-MM or YYYY-MM-DD")
    context_window = serializers.IntegerField(read_only=True, allow_null=True, help_text="tokens")
    max_output_tokens = serializers.IntegerField(read_only=True, allow_null=True, help_text="tokens")
    input_modalities = SlugList()
    output_modalities = SlugList()
    capabilities = SlugList()
    open_weights = serializers.BooleanField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=LanguageModel.Status.choices, read_only=True)
    cheapest = CheapestField()
    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        ref_name = "CatalogModelSummary"


class ModelCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)

    class Meta:
        ref_name = "CatalogModelCount"


class AliasSerializer(serializers.Serializer):
    source = serializers.CharField(read_only=True, help_text="the source that uses this id")
    id = serializers.CharField(source="external_id", read_only=True)

    class Meta:
        ref_name = "CatalogAlias"


class ScoreSerializer(serializers.Serializer):
    """A benchmark score with its provenance."""

    benchmark = serializers.CharField(source="benchmark.slug", read_only=True)
    benchmark_name = serializers.CharField(source="benchmark.name", read_only=True)
    scale = serializers.CharField(source="benchmark.scale", read_only=True, help_text="percent, elo, index...")
    higher_is_better = serializers.BooleanField(source="benchmark.higher_is_better", read_only=True)
    value = decimal_string(help_text="on the benchmark's own scale")
    version = BlankAsNullCharField(help_text="version, harness or variant")
    date = serializers.DateField(source="measured_on", read_only=True, allow_null=True)
    source = serializers.CharField(read_only=True, help_text="the sync source that wrote the row")
    source_url = BlankAsNullCharField()
    self_reported = serializers.BooleanField(read_only=True, help_text="published by the lab itself")

    class Meta:
        ref_name = "CatalogScore"


class ModelFactsSerializer(ModelSummarySerializer):
    """Every fact of a model, with no routes or scores."""

    description = serializers.CharField(read_only=True, help_text="Markdown")
    supported_parameters = serializers.ListField(child=serializers.CharField(), read_only=True)
    license = BlankAsNullCharField()
    commercial_use = BlankAsNullChoiceField(choices=LanguageModel.CommercialUse.choices)
    parameters_b = decimal_string(allow_null=True, help_text="parameters, in billions")
    architecture = BlankAsNullCharField()
    deprecation_date = serializers.DateField(read_only=True, allow_null=True)
    retirement_date = serializers.DateField(read_only=True, allow_null=True)
    successor = serializers.CharField(source="successor.slug", read_only=True, allow_null=True)
    snapshot_of = serializers.CharField(
        source="snapshot_of.slug", read_only=True, allow_null=True, help_text="the undated model this snapshot is of"
    )
    facts_source_url = BlankAsNullCharField()
    fact_sources = serializers.DictField(
        source="field_sources",
        child=serializers.CharField(),
        read_only=True,
        help_text="which source last set each fact ('curated', 'openrouter', 'curator'...)",
    )
    aliases = AliasSerializer(many=True, read_only=True, help_text="ids other sources use for this model")

    class Meta:
        ref_name = "CatalogModelFacts"


class ModelDetailSerializer(ModelFactsSerializer):
    """A model: every fact, its aliases, every route with all its current prices, its scores."""

    offerings = RouteSerializer(source="routes", many=True, read_only=True)
    scores = ScoreSerializer(source="model_scores", many=True, read_only=True)

    class Meta:
        ref_name = "CatalogModelDetail"


class ModelPricesSerializer(serializers.Serializer):
    model = serializers.CharField(source="model.slug", read_only=True)
    as_of = serializers.DateField(read_only=True, allow_null=True, help_text="the date asked for; null: now")
    in_force_at = serializers.DateTimeField(
        read_only=True, help_text="the moment the prices were in force at: the end of `as_of` (UTC), or now"
    )
    routes = RoutePricesInForceSerializer(many=True, read_only=True, help_text="routes with a price at that moment")

    class Meta:
        ref_name = "CatalogModelPrices"


class ModelPriceHistorySerializer(serializers.Serializer):
    model = serializers.CharField(source="model.slug", read_only=True)
    routes = RouteHistorySerializer(many=True, read_only=True)

    class Meta:
        ref_name = "CatalogModelPriceHistory"


# --- labs ------------------------------------------------------------------------------------------------------


class LabSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    website_url = BlankAsNullCharField()
    model_count = serializers.IntegerField(read_only=True)
    latest_release = serializers.DateField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "CatalogLabSummary"

    def get_url(self, lab: Any) -> str:
        return _absolute(self, reverse("api-lab-detail", kwargs={"slug": lab.slug}))


class LabModelSerializer(ModelLinks, serializers.Serializer):
    """A model on its lab's page (the lab is the page's): no capabilities, which the lab listing does not load."""

    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    family = BlankAsNullCharField()
    release_date = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=LanguageModel.Status.choices, read_only=True)
    context_window = serializers.IntegerField(read_only=True, allow_null=True)
    input_modalities = SlugList()
    output_modalities = SlugList()
    cheapest = CheapestField()
    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        ref_name = "CatalogLabModel"


class LabDetailSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    website_url = BlankAsNullCharField()
    description = serializers.CharField(read_only=True, help_text="Markdown")
    models = LabModelSerializer(source="model_rows", many=True, read_only=True, help_text="newest first")

    class Meta:
        ref_name = "CatalogLabDetail"


# --- compare ---------------------------------------------------------------------------------------------------


class CompareModelSerializer(ModelSummarySerializer):
    license = BlankAsNullCharField()
    cheapest = None
    cheapest_route = serializers.SerializerMethodField()
    scores = ScoreSerializer(source="export_scores", many=True, read_only=True)

    class Meta:
        ref_name = "CatalogCompareModel"

    @extend_schema_field(RouteSerializer(allow_null=True))
    def get_cheapest_route(self, model: LanguageModel) -> dict[str, Any] | None:
        """The model's cheapest route (as in the list) with every current price: null when no live route has one."""
        route = self.context["routes"].get(model.cheapest_offering_id)
        return RouteSerializer(route, context=self.context).data if route is not None else None


class CompareSerializer(serializers.Serializer):
    models = CompareModelSerializer(many=True, read_only=True, help_text="in the order asked for")

    class Meta:
        ref_name = "CatalogCompare"


# --- export (documentation of the streamed document; docs/export-format.md) -----------------------------------


class ExportPriceSerializer(serializers.Serializer):
    component = serializers.ChoiceField(choices=PriceComponent.choices)
    unit = serializers.ChoiceField(choices=PriceUnit.choices)
    usd = serializers.CharField()
    tier_min_tokens = serializers.IntegerField(allow_null=True)
    service_tier = serializers.ChoiceField(choices=ServiceTier.choices)
    effective_from = serializers.DateTimeField()
    source = serializers.CharField()
    source_name = serializers.CharField(allow_null=True)
    source_url = serializers.CharField(allow_null=True)
    verified_at = serializers.DateField()
    published = serializers.CharField(allow_null=True)

    class Meta:
        ref_name = "ExportPrice"


class ExportOfferingSerializer(serializers.Serializer):
    provider = serializers.CharField()
    provider_model_id = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    quantization = serializers.CharField(allow_null=True)
    route_type = serializers.ChoiceField(choices=Offering.RouteType.choices)
    status = serializers.ChoiceField(choices=Offering.Status.choices)
    context_window = serializers.IntegerField(allow_null=True)
    max_output_tokens = serializers.IntegerField(allow_null=True)
    prices = ExportPriceSerializer(many=True)

    class Meta:
        ref_name = "ExportOffering"


class ExportScoreSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    value = serializers.CharField()
    version = serializers.CharField(allow_null=True)
    date = serializers.DateField(allow_null=True)
    source_url = serializers.CharField(allow_null=True)
    self_reported = serializers.BooleanField()

    class Meta:
        ref_name = "ExportScore"


class ExportModelSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    lab = serializers.CharField()
    family = serializers.CharField(allow_null=True)
    release_date = serializers.DateField(allow_null=True)
    knowledge_cutoff = serializers.CharField(allow_null=True)
    context_window = serializers.IntegerField(allow_null=True)
    max_output_tokens = serializers.IntegerField(allow_null=True)
    input_modalities = serializers.ListField(child=serializers.CharField())
    output_modalities = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(child=serializers.CharField())
    open_weights = serializers.BooleanField(allow_null=True)
    license = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=LanguageModel.Status.choices)
    deprecation_date = serializers.DateField(allow_null=True)
    retirement_date = serializers.DateField(allow_null=True)
    successor = serializers.CharField(allow_null=True)
    aliases = AliasSerializer(many=True)
    offerings = ExportOfferingSerializer(many=True)
    scores = ExportScoreSerializer(many=True)

    class Meta:
        ref_name = "ExportModel"


class ExportDocumentSerializer(serializers.Serializer):
    format_version = serializers.CharField()
    generated_at = serializers.DateTimeField()
    models = ExportModelSerializer(many=True)

    class Meta:
        ref_name = "ExportDocument"


# --- writes ----------------------------------------------------------------------------------------------------


class ModelFactsInput(serializers.Serializer):
    """The facts a curator may set, each optional. Types and sizes are checked here; the catalog's rules (cutoff
    format, max output within the context window, dates in order...) by providers.validation, through
    providers.curation, which answers with the offending fields."""

    name = serializers.CharField(required=False, max_length=200)
    family = serializers.CharField(required=False, max_length=100, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000, help_text="Markdown")
    release_date = serializers.DateField(required=False, allow_null=True)
    knowledge_cutoff = serializers.CharField(required=False, max_length=10, allow_blank=True, help_text="YYYY-MM(-DD)")
    context_window = WholeNumberField(required=False, allow_null=True, max_value=MAX_TOKENS, help_text="tokens")
    max_output_tokens = WholeNumberField(required=False, allow_null=True, max_value=MAX_TOKENS, help_text="tokens")
    input_modalities = serializers.ListField(
        required=False, child=serializers.ChoiceField(choices=list(MODALITIES)), max_length=20
    )
    output_modalities = serializers.ListField(
        required=False, child=serializers.ChoiceField(choices=list(MODALITIES)), max_length=20
    )
    capabilities = serializers.ListField(
        required=False, child=serializers.ChoiceField(choices=list(CAPABILITIES)), max_length=50
    )
    supported_parameters = serializers.ListField(
        required=False, child=serializers.CharField(max_length=100), max_length=200
    )
    open_weights = serializers.BooleanField(required=False, allow_null=True)
    license = serializers.CharField(required=False, max_length=200, allow_blank=True)
    commercial_use = serializers.ChoiceField(
        required=False, choices=LanguageModel.CommercialUse.choices, allow_blank=True
    )
    parameters_b = PlainDecimalField(
        required=False,
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0.001"),
        allow_null=True,
        help_text="parameters, in billions",
    )
    architecture = serializers.CharField(required=False, max_length=200, allow_blank=True)
    status = serializers.ChoiceField(required=False, choices=LanguageModel.Status.choices)
    deprecation_date = serializers.DateField(required=False, allow_null=True)
    retirement_date = serializers.DateField(required=False, allow_null=True)
    facts_source_url = serializers.URLField(required=False, max_length=500, allow_blank=True)
    successor = serializers.CharField(
        required=False, allow_null=True, max_length=200, help_text="the successor's canonical slug, or null"
    )

    def validate_successor(self, value: str | None) -> LanguageModel | None:
        if value is None:
            return None
        successor = LanguageModel.objects.filter(slug=value).first()
        if successor is None:
            raise serializers.ValidationError(f"No model {value}.")
        return successor

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["This field cannot be set."] for name in unknown})
        return attrs


class ModelCreateSerializer(ModelFactsInput):
    lab = serializers.SlugRelatedField(slug_field="slug", queryset=Lab.objects.all(), help_text="an existing lab")
    slug = TextRegexField(
        SLUG_PART_RE.pattern,
        max_length=150,
        help_text="the model part of the new canonical slug: `gpt-5-nano` makes openai/gpt-5-nano",
    )
    name = serializers.CharField(max_length=200)

    class Meta:
        ref_name = "CatalogModelCreate"


class ModelUpdateSerializer(ModelFactsInput):
    """Only the fields sent change (and get locked against syncs)."""

    class Meta:
        ref_name = "CatalogModelUpdate"


class UnlockSerializer(serializers.Serializer):
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EDITABLE_FIELDS)),
        allow_empty=False,
        max_length=len(EDITABLE_FIELDS),
        help_text="the facts whose lock to lift: the next sync may change them again",
    )

    class Meta:
        ref_name = "CatalogUnlock"


class LockSerializer(serializers.Serializer):
    by = serializers.CharField(read_only=True, help_text="the curator's username")
    at = serializers.DateTimeField(read_only=True)

    class Meta:
        ref_name = "CatalogFieldLock"


class CuratedModelSerializer(ModelDetailSerializer):
    """A model after a curator's write: the detail, what changed, and which facts are locked against syncs."""

    changed = serializers.ListField(child=serializers.CharField(), source="changed_fields", read_only=True)
    locked_fields = serializers.DictField(child=LockSerializer(), read_only=True)

    class Meta:
        ref_name = "CatalogCuratedModel"


class UnlockResultSerializer(serializers.Serializer):
    model = serializers.CharField(source="slug", read_only=True)
    unlocked = serializers.ListField(child=serializers.CharField(), source="unlocked_fields", read_only=True)
    locked_fields = serializers.DictField(child=LockSerializer(), read_only=True)

    class Meta:
        ref_name = "CatalogUnlockResult"
