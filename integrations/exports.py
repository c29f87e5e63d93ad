"""The catalog as other tools' own cost maps: LiteLLM's model_prices_and_context_window.json and models.dev's api.json.

Both are written from every live route of every live model with its current prices, streamed (routes are read in
chunks, each entry written as it is read), and carry our provenance in keys those tools ignore: `source` (the
price's source URL, else its name) and `verified_on` (the oldest date a source stated any of the route's prices).

LiteLLM keys (docs/integrations.md has the table): one entry per priced route, under the key LiteLLM itself uses for
that provider: bare ids for OpenAI and Anthropic, `azure/`, `gemini/`, `vertex_ai/`, `bedrock/`, `openrouter/<lab>/…`
and so on. A route on a provider with no LiteLLM prefix here is left out rather than guessed. Per-token floats; the
tiers, service tiers and 1-hour cache write use LiteLLM's suffixes (`_above_200k_tokens`, `_batches`, `_flex`,
`_priority`, `cache_creation_input_token_cost_above_1hr`). The price keys, service-tier suffixes and capability flags
are the LiteLLM adapter's own tables inverted (providers/pricing/source_keys.py), the key chosen by component AND
unit: an image price per 1M tokens is `input_cost_per_image_token` (per token), one per image `input_cost_per_image`,
and a route with both writes both. `mode` is "chat" unless the model is known to output no text. `supports_*` flags
are written only when we know the model has the capability: a missing flag means unknown to LiteLLM too, never
false. The provider prefixes (LITELLM_ROUTES, MODELSDEV_PROVIDERS) are still this module's own: the adapters map
many LiteLLM/models.dev names to one provider of ours, and the export must pick one, so they do not invert as is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from providers.models import Offering, Price, PriceUnit, ServiceTier
from providers.pricing.source_keys import (
    LITELLM_CAPABILITY_FLAGS,
    LITELLM_ONE_HOUR_COMPONENT,
    LITELLM_ONE_HOUR_MARKER,
    LITELLM_PRICE_BASES,
    LITELLM_SERVICE_TIERS,
    MODELSDEV_COST_COMPONENTS,
)

MILLION = Decimal(1_000_000)
CHUNK_SIZE = 500


@dataclass(frozen=True)
class LiteLLMRoute:
    """How LiteLLM names a route of one of our providers: `prefix` + the provider's model id."""

    prefix: str
    litellm_provider: str
    # Regions LiteLLM puts after the prefix ("azure/eu/gpt-4o"); other regions are not separate keys there.
    regions: frozenset[str] = frozenset()


# Our provider slug -> LiteLLM's key prefix and `litellm_provider`. The one documented mapping (docs/integrations.md).
LITELLM_ROUTES: dict[str, LiteLLMRoute] = {
    "openai": LiteLLMRoute("", "openai"),
    "anthropic": LiteLLMRoute("", "anthropic"),
    "azure-openai": LiteLLMRoute("azure/", "azure", frozenset({"eu", "us", "global"})),
    "google-ai-studio": LiteLLMRoute("gemini/", "gemini"),
    "google-vertex": LiteLLMRoute("vertex_ai/", "vertex_ai-language-models"),
    "aws-bedrock": LiteLLMRoute("bedrock/", "bedrock"),
    "mistral": LiteLLMRoute("mistral/", "mistral"),
    "deepseek": LiteLLMRoute("deepseek/", "deepseek"),
    "xai": LiteLLMRoute("xai/", "xai"),
    "groq": LiteLLMRoute("groq/", "groq"),
    "together": LiteLLMRoute("together_ai/", "together_ai"),
    "fireworks": LiteLLMRoute("fireworks_ai/", "fireworks_ai"),
    "dashscope": LiteLLMRoute("dashscope/", "dashscope"),
    "cohere": LiteLLMRoute("cohere_chat/", "cohere_chat"),
    "openrouter": LiteLLMRoute("openrouter/", "openrouter"),
    "vercel-ai-gateway": LiteLLMRoute("vercel_ai_gateway/", "vercel_ai_gateway"),
}
# Vertex serves several labs' models; LiteLLM files each family under its own provider value.
VERTEX_PROVIDER_BY_LAB = {"anthropic": "vertex_ai-anthropic_models", "mistral": "vertex_ai-mistral_models"}

# (our component, our unit) -> LiteLLM's base key: the LiteLLM adapter's table, inverted, so a per-1M-token image
# price goes out as `input_cost_per_image_token` (per token) and a per-image one as `input_cost_per_image`.
LITELLM_PRICE_KEYS: dict[tuple[str, str], str] = {pair: key for key, pair in LITELLM_PRICE_BASES.items()} | {
    (LITELLM_ONE_HOUR_COMPONENT, PriceUnit.PER_1M_TOKENS): "cache_creation_input_token_cost" + LITELLM_ONE_HOUR_MARKER
}
LITELLM_SERVICE_TIER_SUFFIX: dict[str, str] = {
    tier: f"_{suffix}" if suffix else "" for suffix, tier in LITELLM_SERVICE_TIERS.items()
}
# Our capability or modality -> LiteLLM's flag, written only as true.
CAPABILITY_FLAGS = {capability: flag for flag, capability in LITELLM_CAPABILITY_FLAGS.items()}
INPUT_MODALITY_FLAGS = {"image": "supports_vision", "audio": "supports_audio_input", "file": "supports_pdf_input"}
OUTPUT_MODALITY_FLAGS = {"audio": "supports_audio_output"}
# LiteLLM's `mode` for a model that outputs no text, by what it does output (first match); text output: "chat".
OUTPUT_MODES = (("image", "image_generation"), ("audio", "audio_speech"))


def export_routes() -> QuerySet[Offering]:
    """Every live route of a live model with its provider, model, lab, vocabularies and current prices."""
    return (
        Offering.objects.live()
        .of_live_models()
        .select_related("provider", "model", "model__lab")
        .prefetch_related(
            "model__capabilities",
            "model__input_modalities",
            "model__output_modalities",
            Prefetch(
                "prices",
                queryset=Price.objects.current().order_by("service_tier", "tier_min_tokens", "component"),
                to_attr="current_prices",
            ),
        )
        .order_by("model__slug", "provider__slug", "region", "quantization", "pk")
    )


def _per_unit(price: Price) -> float:
    """LiteLLM's number: USD per token for token prices, per unit otherwise."""
    if price.unit == PriceUnit.PER_1M_TOKENS:
        return float(price.usd / MILLION)
    return float(price.usd)


def _tier_suffix(tokens: int) -> str:
    return f"_above_{tokens // 1000}k_tokens" if tokens % 1000 == 0 else f"_above_{tokens}_tokens"


def litellm_price_key(price: Price) -> str | None:
    """LiteLLM's key for one price row, or None when LiteLLM has no such key (free tier, per-request fees...)."""
    base = LITELLM_PRICE_KEYS.get((price.component, price.unit))
    suffix = LITELLM_SERVICE_TIER_SUFFIX.get(price.service_tier)
    if base is None or suffix is None:
        return None
    if price.tier_min_tokens:
        if price.unit != PriceUnit.PER_1M_TOKENS:
            return None
        base += _tier_suffix(price.tier_min_tokens)
    return base + suffix


def litellm_key(offering: Offering) -> str | None:
    """The key LiteLLM uses for this route, or None for a provider (or region) LiteLLM has no key for."""
    route = LITELLM_ROUTES.get(offering.provider.slug)
    if route is None or offering.quantization:
        return None
    if offering.region:
        if offering.region not in route.regions:
            return None
        return f"{route.prefix}{offering.region}/{offering.provider_model_id}"
    return f"{route.prefix}{offering.provider_model_id}"


def _litellm_provider(offering: Offering) -> str:
    route = LITELLM_ROUTES[offering.provider.slug]
    if offering.provider.slug == "google-vertex":
        return VERTEX_PROVIDER_BY_LAB.get(offering.model.lab.slug, route.litellm_provider)
    return route.litellm_provider


def _flags(offering: Offering) -> dict[str, bool]:
    model = offering.model
    flags = {CAPABILITY_FLAGS[c.slug] for c in model.capabilities.all() if c.slug in CAPABILITY_FLAGS}
    flags |= {INPUT_MODALITY_FLAGS[m.slug] for m in model.input_modalities.all() if m.slug in INPUT_MODALITY_FLAGS}
    flags |= {OUTPUT_MODALITY_FLAGS[m.slug] for m in model.output_modalities.all() if m.slug in OUTPUT_MODALITY_FLAGS}
    return dict.fromkeys(sorted(flags), True)


def provenance(prices: Iterable[Price]) -> tuple[str, dt.date | None]:
    """(source, verified_on) of a set of prices: the first source URL (else name), and the oldest date any of
    them was stated on, so that the entry never claims more freshness than its stalest figure."""
    prices = list(prices)
    source = next((p.source_url for p in prices if p.source_url), "") or next(
        (p.source_name or p.source for p in prices), ""
    )
    return source, min((p.verified_on for p in prices), default=None)


def litellm_mode(offering: Offering) -> str:
    """LiteLLM's `mode`: chat for a model that writes text (or whose outputs we do not know), else by its output."""
    outputs = {m.slug for m in offering.model.output_modalities.all()}
    if not outputs or "text" in outputs:
        return "chat"
    return next((mode for modality, mode in OUTPUT_MODES if modality in outputs), "chat")


def litellm_entry(offering: Offering) -> dict[str, Any] | None:
    """The route's entry in LiteLLM's shape, or None when it has no price LiteLLM can read."""
    costs: dict[str, float] = {}
    used: list[Price] = []
    for price in offering.current_prices:  # type: ignore[attr-defined]
        key = litellm_price_key(price)
        if key is not None and key not in costs:
            costs[key] = _per_unit(price)
            used.append(price)
    if "input_cost_per_token" not in costs and "output_cost_per_token" not in costs:
        return None
    model = offering.model
    entry: dict[str, Any] = {}
    max_input = offering.context_window or model.context_window
    max_output = offering.max_output_tokens or model.max_output_tokens
    if max_input:
        entry["max_input_tokens"] = max_input
    if max_output:
        entry["max_output_tokens"] = max_output
        entry["max_tokens"] = max_output  # LiteLLM's legacy key: the output limit when one is known
    entry.update(sorted(costs.items()))
    entry["litellm_provider"] = _litellm_provider(offering)
    entry["mode"] = litellm_mode(offering)
    if model.deprecation_date:
        entry["deprecation_date"] = model.deprecation_date.isoformat()
    entry.update(_flags(offering))
    source, verified_on = provenance(used)
    entry["source"] = source
    entry["verified_on"] = verified_on.isoformat() if verified_on else None
    entry["catalog_model"] = model.slug
    return entry


def litellm_entries(offerings: Iterable[Offering]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, entry) for each route LiteLLM can name and price; the first route wins a key (routes come ordered)."""
    seen: set[str] = set()
    for offering in offerings:
        key = litellm_key(offering)
        if key is None or key in seen:
            continue
        entry = litellm_entry(offering)
        if entry is not None:
            seen.add(key)
            yield key, entry


def _stream_object(pairs: Iterable[tuple[str, Any]]) -> Iterator[str]:
    """A JSON object written pair by pair: joined, the pieces are one object."""
    yield "{"
    for index, (key, value) in enumerate(pairs):
        yield ("," if index else "") + "\n" + json.dumps(key) + ": " + json.dumps(value, ensure_ascii=False)
    yield "\n}\n"


def iter_litellm_json() -> Iterator[str]:
    return _stream_object(litellm_entries(export_routes().iterator(chunk_size=CHUNK_SIZE)))


# --- models.dev --------------------------------------------------------------------------------------------------

# Our provider slug -> models.dev's provider id, its npm package and its API key variable, where models.dev has one.
MODELSDEV_PROVIDERS: dict[str, tuple[str, str, str]] = {
    "openai": ("openai", "@ai-sdk/openai", "OPENAI_API_KEY"),
    "anthropic": ("anthropic", "@ai-sdk/anthropic", "ANTHROPIC_API_KEY"),
    "google-ai-studio": ("google", "@ai-sdk/google", "GOOGLE_GENERATIVE_AI_API_KEY"),
    "google-vertex": ("google-vertex", "@ai-sdk/google-vertex", "GOOGLE_VERTEX_PROJECT"),
    "azure-openai": ("azure", "@ai-sdk/azure", "AZURE_API_KEY"),
    "aws-bedrock": ("amazon-bedrock", "@ai-sdk/amazon-bedrock", "AWS_ACCESS_KEY_ID"),
    "mistral": ("mistral", "@ai-sdk/mistral", "MISTRAL_API_KEY"),
    "deepseek": ("deepseek", "@ai-sdk/deepseek", "DEEPSEEK_API_KEY"),
    "xai": ("xai", "@ai-sdk/xai", "XAI_API_KEY"),
    "groq": ("groq", "@ai-sdk/groq", "GROQ_API_KEY"),
    "together": ("togetherai", "@ai-sdk/togetherai", "TOGETHER_AI_API_KEY"),
    "fireworks": ("fireworks-ai", "@ai-sdk/fireworks", "FIREWORKS_API_KEY"),
    "cohere": ("cohere", "@ai-sdk/cohere", "COHERE_API_KEY"),
    "dashscope": ("alibaba", "@ai-sdk/openai-compatible", "DASHSCOPE_API_KEY"),
    "openrouter": ("openrouter", "@openrouter/ai-sdk-provider", "OPENROUTER_API_KEY"),
    "vercel-ai-gateway": ("vercel", "@ai-sdk/gateway", "AI_GATEWAY_API_KEY"),
}
# Our component -> models.dev's cost key (USD per 1M tokens): the models.dev adapter's table, inverted.
MODELSDEV_COST_KEYS: dict[str, str] = {component: key for key, component in MODELSDEV_COST_COMPONENTS.items()}
MODELSDEV_MODALITIES = {"text": "text", "image": "image", "audio": "audio", "video": "video", "file": "pdf"}


def _number(value: Decimal) -> float | int:
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def modelsdev_cost(prices: Iterable[Price]) -> dict[str, Any]:
    """Standard-tier token prices per 1M: the base figures, then `tiers` (and `context_over_200k` for a 200k tier,
    as models.dev generates it)."""
    base: dict[str, float | int] = {}
    tiers: dict[int, dict[str, float | int]] = {}
    for price in prices:
        key = MODELSDEV_COST_KEYS.get(price.component)
        if key is None or price.service_tier != ServiceTier.STANDARD or price.unit != PriceUnit.PER_1M_TOKENS:
            continue
        target = tiers.setdefault(price.tier_min_tokens, {}) if price.tier_min_tokens else base
        target.setdefault(key, _number(price.usd))
    cost: dict[str, Any] = dict(base)
    if tiers:
        cost["tiers"] = [
            {**figures, "tier": {"type": "context", "size": size}} for size, figures in sorted(tiers.items())
        ]
        if 200_000 in tiers:
            cost["context_over_200k"] = tiers[200_000]
    return cost


def modelsdev_model(offering: Offering) -> dict[str, Any] | None:
    prices = list(offering.current_prices)  # type: ignore[attr-defined]
    cost = modelsdev_cost(prices)
    if "input" not in cost and "output" not in cost:
        return None
    model = offering.model
    capabilities = {c.slug for c in model.capabilities.all()}
    inputs = [MODELSDEV_MODALITIES[m.slug] for m in model.input_modalities.all() if m.slug in MODELSDEV_MODALITIES]
    outputs = [MODELSDEV_MODALITIES[m.slug] for m in model.output_modalities.all() if m.slug in MODELSDEV_MODALITIES]
    document: dict[str, Any] = {"id": offering.provider_model_id, "name": model.name}
    if model.family:
        document["family"] = model.family
    document["attachment"] = bool({"image", "pdf"} & set(inputs))
    document["reasoning"] = "reasoning" in capabilities
    document["tool_call"] = "tool_calling" in capabilities
    if "structured_output" in capabilities:
        document["structured_output"] = True
    if model.knowledge_cutoff:
        document["knowledge"] = model.knowledge_cutoff
    if model.release_date:
        document["release_date"] = model.release_date.isoformat()
    document["last_updated"] = model.updated_at.date().isoformat()
    document["modalities"] = {"input": sorted(inputs) or ["text"], "output": sorted(outputs) or ["text"]}
    if model.open_weights is not None:
        document["open_weights"] = model.open_weights
    limit = {}
    if context := offering.context_window or model.context_window:
        limit["context"] = context
    if output := offering.max_output_tokens or model.max_output_tokens:
        limit["output"] = output
    if limit:
        document["limit"] = limit
    document["cost"] = cost
    source, verified_on = provenance(prices)
    document["source"] = source
    document["verified_on"] = verified_on.isoformat() if verified_on else None
    document["catalog_model"] = model.slug
    return document


def iter_modelsdev_json() -> Iterator[str]:
    """models.dev's api.json: {provider id: {id, env, npm, name, doc, api?, models: {model id: model}}}. Routes come
    ordered by model, so each provider's models are gathered first (one small dict per route), then written."""
    providers: dict[str, dict[str, Any]] = {}
    for offering in export_routes().iterator(chunk_size=CHUNK_SIZE):
        known = MODELSDEV_PROVIDERS.get(offering.provider.slug)
        if known is None or offering.region or offering.quantization:
            continue
        document = modelsdev_model(offering)
        if document is None:
            continue
        provider_id, npm, env = known
        provider = providers.get(provider_id)
        if provider is None:
            provider = providers[provider_id] = {
                "id": provider_id,
                "env": [env],
                "npm": npm,
                "name": offering.provider.name,
                "doc": offering.provider.docs_url or offering.provider.pricing_url or offering.provider.website_url,
            }
            if offering.provider.api_base_url:
                provider["api"] = offering.provider.api_base_url
            provider["models"] = {}
        provider["models"].setdefault(offering.provider_model_id, document)
    yield from _stream_object(sorted(providers.items()))
