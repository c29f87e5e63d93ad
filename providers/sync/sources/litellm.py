"""The `litellm` source: LiteLLM's community price map, one JSON file for every provider LiteLLM can call.

Adapter: one GET of settings.LITELLM_PRICES_URL (default: model_prices_and_context_window.json, served raw from
BerriAI/litellm on GitHub), no auth. The body is one JSON object keyed by LiteLLM's model key; it is returned as is.

Units: token prices are USD **per token**, as JSON floats (1.5e-07); `input_cost_per_image` is USD per image;
`search_context_cost_per_query` is USD per search, one figure per search-context size.

Quirks (docs/sources/litellm.md has the full list and the reasons):
- keys are bare (`gpt-4o-mini`) or carry LiteLLM's routing prefix (`azure/`, `gemini/`, `openrouter/`...), sometimes
  with a deployment region after it (`azure/eu/...`); the provider comes from `litellm_provider`, not from the key;
- `sample_spec` and `fallback_generalizations` are not models; neither are `ft:` fine-tune prices, Together's
  size-band entries, the code-interpreter `container` entries or OpenRouter's router pseudo-models;
- `mode` says what an entry is: only chat / completion / responses are token-priced language models;
- price keys carry their condition in suffixes: `_above_<N>k_tokens` (a prompt-size tier), `_batches` / `_flex` /
  `_priority` (service tiers), and `cache_creation_input_token_cost_above_1hr` is the 1-hour cache WRITE price,
  not a context tier; Alibaba entries put their tiers in a `tiered_pricing` list of ranges instead;
- a missing `supports_*` flag means unknown, an explicit false means no;
- `max_tokens` is ambiguous and ignored; a `max_output_tokens` equal to `max_input_tokens` is a copy, not a limit;
- a 0 input or output price is a real free price; a 0 for any other component means "not separately charged".
Everything LiteLLM states about other companies' prices is second-hand: it ranks as an aggregator everywhere.

Past 500 lines: one source is one module (adapter and normalizer together); the normalizer's steps are its functions.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
from django.conf import settings

from catalog.vocabulary import MODALITIES
from providers.pricing.source_keys import (
    LITELLM_CAPABILITY_FLAGS,
    LITELLM_ONE_HOUR_COMPONENT,
    LITELLM_PRICE_BASES,
    LITELLM_SERVICE_TIERS,
)
from providers.sync.identity import LAB_NAMESPACES
from providers.sync.records import FREE_WHEN_ZERO, Batch, ModelRecord, OfferingRecord, PriceRecord, Rejection
from providers.sync.sources.base import Known
from providers.sync.sources.common import UNKNOWN_PRICE_KEY, PriceKeys, checked_price
from providers.sync.sources.feed import FeedSource, date_in_name
from providers.sync.sources.http import SourceFormatError, get_json
from providers.sync.units import per_token_to_per_mtok, per_unit

DEFAULT_PRICES_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
# Where a reader can see (and blame) the file the default URL serves.
PRICES_PAGE_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
SOURCE_NAME = "LiteLLM price map"

LANGUAGE_MODES = frozenset({"chat", "completion", "responses"})
NOT_MODELS = frozenset({"sample_spec", "fallback_generalizations"})

# Deployment-type segments LiteLLM puts after `azure/`: the EU and US data zones, and Azure's global deployment
# (spelt two ways in the file, at the same prices).
AZURE_REGIONS = {"eu": "eu", "us": "us", "global": "global", "global-standard": "global"}
AWS_REGION_RE = re.compile(r"^[a-z]{2}(?:-gov)?-[a-z]+-\d+$")


@dataclass(frozen=True)
class Route:
    """How one `litellm_provider` value maps to one of our providers."""

    provider: str
    # Routing prefixes LiteLLM may put before the id the provider's API takes, tried in order.
    prefixes: tuple[str, ...] = ()
    # The lab whose own API this is, for bare ids.
    lab: str = ""
    # Reads a deployment region from the segment after the prefix ("" when it is part of the model id).
    region: Callable[[str], str] | None = None


def _azure_region(segment: str) -> str:
    return AZURE_REGIONS.get(segment, "")


def _aws_region(segment: str) -> str:
    return segment if AWS_REGION_RE.match(segment) else ""


BEDROCK = Route("aws-bedrock", ("bedrock/converse/", "bedrock_converse/", "bedrock/"), region=_aws_region)
PROVIDERS: dict[str, Route] = {
    "openai": Route("openai", ("openai/",), lab="openai"),
    "text-completion-openai": Route("openai", ("text-completion-openai/", "openai/"), lab="openai"),
    "azure": Route("azure-openai", ("azure/",), region=_azure_region),
    "anthropic": Route("anthropic", ("anthropic/",), lab="anthropic"),
    "gemini": Route("google-ai-studio", ("gemini/",), lab="google"),
    "bedrock": BEDROCK,
    "bedrock_converse": BEDROCK,
    "deepseek": Route("deepseek", ("deepseek/",), lab="deepseek"),
    "mistral": Route("mistral", ("mistral/",), lab="mistral"),
    "groq": Route("groq", ("groq/",)),
    "together_ai": Route("together", ("together_ai/",)),
    "fireworks_ai": Route("fireworks", ("fireworks_ai/",)),
    "dashscope": Route("dashscope", ("dashscope/",), lab="qwen"),
    "xai": Route("xai", ("xai/",), lab="xai"),
    "cohere": Route("cohere", ("cohere/", "cohere_chat/"), lab="cohere"),
    "cohere_chat": Route("cohere", ("cohere_chat/", "cohere/"), lab="cohere"),
    "openrouter": Route("openrouter", ("openrouter/",)),
    "vercel_ai_gateway": Route("vercel-ai-gateway", ("vercel_ai_gateway/",)),
}
# Every `vertex_ai-*` value (vertex_ai-language-models, vertex_ai-anthropic_models...) is Google Vertex AI.
VERTEX = Route("google-vertex", ("vertex_ai/",))

# One price key: a base, then optionally the 1-hour cache marker, a prompt-size tier and a service tier, in order.
PRICE_BASES = LITELLM_PRICE_BASES  # shared with the LiteLLM export (providers/pricing/source_keys.py)
PRICE_KEY_RE = re.compile(
    r"^(?P<base>" + "|".join(sorted(PRICE_BASES, key=len, reverse=True)) + r")"
    r"(?P<hour>_above_1hr)?"
    r"(?:_above_(?P<size>\d+)(?P<scale>[km])_tokens)?"
    r"(?:_(?P<tier>batches|flex|priority))?$"
)
SERVICE_TIERS = LITELLM_SERVICE_TIERS
SCALES = {"k": 1_000, "m": 1_000_000}
# DeepSeek's name for its cache-hit input price: the cache read price under another key.
CACHE_HIT_KEY = "input_cost_per_token_cache_hit"
WEB_SEARCH_KEY = "search_context_cost_per_query"
WEB_SEARCH_SIZE = "search_context_size_medium"
# Price keys read past on purpose (a family covers every key that starts with it: `output_cost_per_second` covers
# `output_cost_per_second_1080p`), with the reason; docs/sources/litellm.md lists them.
PRICE_KEYS_SKIPPED: dict[str, str] = {
    "input_cost_per_second": "billed per second (audio, video, transcription): not a token price",
    "output_cost_per_second": "billed per second (speech, video generation): not a token price",
    "input_cost_per_audio_per_second": "billed per second of audio: not a token price",
    "input_cost_per_video_per_second": "billed per second of video: not a token price",
    "output_cost_per_video_per_second": "billed per second of video: not a token price",
    "output_cost_per_video_token": "video output tokens: no such component",
    "input_cost_per_character": "billed per character (legacy Vertex, speech): not a token price",
    "output_cost_per_character": "billed per character (legacy Vertex, speech): not a token price",
    "input_cost_per_pixel": "image generation billed per pixel: not a language-model price",
    "output_cost_per_pixel": "image generation billed per pixel: not a language-model price",
    "input_cost_per_query": "rerank and search models billed per query: not language models",
    "cache_creation_input_audio_token_cost": "audio cache writes: no such component",
    "citation_cost_per_token": "a tool's fee (citations), not the model's price",
    "input_dbu_cost_per_token": "Databricks DBUs, not US dollars",
    "output_dbu_cost_per_token": "Databricks DBUs, not US dollars",
    "annotation_cost_per_page": "a document tool's fee per page",
    "ocr_cost_per_page": "OCR models billed per page: not language models",
    "ocr_cost_per_credit": "OCR models billed per credit: not language models",
    "code_interpreter_cost_per_session": "a tool's fee per session",
    "computer_use_input_cost_per_1k_tokens": "a tool's surcharge, not the model's price",
    "computer_use_output_cost_per_1k_tokens": "a tool's surcharge, not the model's price",
    "file_search_cost_per_1k_calls": "a tool's fee",
    "file_search_cost_per_gb_per_day": "a storage fee",
    "vector_store_cost_per_gb_per_day": "a storage fee",
    "regional_processing_uplift_multiplier": "a regional surcharge factor, not a price (regions are routes)",
    "provider_specific_entry": "provider-specific extras, not prices",
    "max_results_range": "a search tool's tier condition (results per query), not a prompt-size tier",
}
# Keys read besides the PRICE_KEY_RE family (DeepSeek's cache-hit key, web search, Alibaba's tier list).
PRICE_KEYS_EXTRA = frozenset(
    {"input_cost_per_token_cache_hit", "search_context_cost_per_query", "web_search_billing_unit", "tiered_pricing"}
)
PRICE_KEY_CONDITIONS = re.compile(r"(?:_above_1hr)?(?:_above_\d+[km]_tokens)?(?:_(?:batches|flex|priority))?$")


def price_key_family(key: str) -> str:
    """A price key without its conditions: `cache_read_input_token_cost_above_200k_tokens_priority` ->
    `cache_read_input_token_cost`, so that a known price at a new threshold or service tier stays known."""
    return key if key in PRICE_KEYS_EXTRA else PRICE_KEY_CONDITIONS.sub("", key, count=1)


def is_price_key(key: str) -> bool:
    """Whether an entry's key is about money (the keys the accounting in PRICING_KEYS must cover)."""
    return any(word in key for word in ("cost", "price", "pricing", "multiplier", "billing", "provider_specific"))


PRICING_KEYS = PriceKeys(
    mapped=frozenset(PRICE_BASES) | PRICE_KEYS_EXTRA, skipped=PRICE_KEYS_SKIPPED, family=price_key_family
)

CAPABILITY_FLAGS = LITELLM_CAPABILITY_FLAGS
MODALITY_NAMES = {"pdf": "file"}

FINE_TUNE_RE = re.compile(r"^ft:")
TOGETHER_SIZE_BAND_RE = re.compile(r"^together-ai-(?:up-to-)?[\d.]+b(?:-[\d.]+b)?$")


def route_for(litellm_provider: str) -> Route | None:
    if litellm_provider.startswith("vertex_ai"):
        return VERTEX
    return PROVIDERS.get(litellm_provider)


def split_key(key: str, route: Route) -> tuple[str, str]:
    """(region, the id the provider's API takes) for a LiteLLM key: `azure/eu/gpt-4o` -> ("eu", "gpt-4o")."""
    rest = key
    for prefix in route.prefixes:
        if rest.startswith(prefix):
            rest = rest[len(prefix) :]
            break
    segment, slash, tail = rest.partition("/")
    if slash and tail and route.region is not None and (region := route.region(segment)):
        return region, tail
    return "", rest


def lab_hint(model_id: str, route: Route) -> str:
    """The lab a namespaced id names (`openai/gpt-oss-120b`), else the lab whose own API this is."""
    if "/" in model_id:
        return LAB_NAMESPACES.get(model_id.split("/", 1)[0].lower(), "")
    return route.lab


def not_a_model(key: str, model_id: str, route: Route) -> str:
    """Why an entry in a language-model mode is still not a model's price, or ""."""
    if FINE_TUNE_RE.match(model_id):
        return "fine-tune price (ft:), not the base model's"
    if route.provider == "together" and TOGETHER_SIZE_BAND_RE.match(key):
        return "Together size-band price, not a model"
    if model_id == "container":
        return "code-interpreter container, not a model"
    if route.provider == "openrouter" and model_id.startswith("openrouter/"):
        return "OpenRouter router, not a model"
    if "embed" in model_id.rsplit("/", 1)[-1].lower():
        return "embedding model listed as chat"
    return ""


class LiteLLMSource(FeedSource):
    name: ClassVar[str] = "litellm"
    description: ClassVar[str] = "LiteLLM price map (model_prices_and_context_window.json)"
    # LiteLLM copies every provider's prices: it is an aggregator everywhere.
    first_party_providers: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, url: str | None = None) -> None:
        self.url = url or settings.LITELLM_PRICES_URL

    @property
    def source_url(self) -> str:
        """What a price cites: the file's GitHub page for the default URL, else the URL actually read."""
        return PRICES_PAGE_URL if self.url == DEFAULT_PRICES_URL else self.url

    def fetch(self, client: httpx.Client) -> dict[str, Any]:
        body = get_json(client, self.url)
        if not isinstance(body, dict):
            raise SourceFormatError(f"GET {self.url}: expected a JSON object keyed by model, got {type(body).__name__}")
        return body

    def stated_on(self) -> dt.date | None:
        return date_in_name(self.url)

    def parse(self, raw: Any, known: Known) -> Batch:
        if not isinstance(raw, dict):
            raise SourceFormatError(f"expected a JSON object keyed by model, got {type(raw).__name__}")
        batch = Batch()
        for key, entry in raw.items():
            record = _Entry(batch, known, str(key), entry, self.source_url).record()
            if record is not None:
                batch.models.append(record)
        return batch


@dataclass
class _Entry:
    """One key of the price map, read into one model record with one route (or skipped, or rejected)."""

    batch: Batch
    known: Known
    key: str
    data: Any
    source_url: str
    complete: bool = True

    def reject(self, field_name: str, message: str) -> None:
        self.batch.rejections.append(Rejection(entry=self.key, field=field_name, message=message))

    def record(self) -> ModelRecord | None:
        if self.key in NOT_MODELS:
            self.batch.skip(f"not a model: {self.key}")
            return None
        if not isinstance(self.data, dict):
            self.reject("-", f"each entry must be a JSON object, got {type(self.data).__name__}")
            return None
        mode = self.data.get("mode")
        if not isinstance(mode, str) or not mode:
            self.reject("mode", "required: says whether this is a chat model, an embedding model...")
            return None
        if mode not in LANGUAGE_MODES:
            self.batch.skip(f"mode {mode}")
            return None
        litellm_provider = self.data.get("litellm_provider")
        if not isinstance(litellm_provider, str) or not litellm_provider:
            self.reject("litellm_provider", "required")
            return None
        route = route_for(litellm_provider)
        if route is None:
            self.batch.skip(f"provider not tracked: {litellm_provider}")
            return None
        if route.provider not in self.known.providers:
            self.batch.skip(f"provider not in the catalog yet: {route.provider} (sync curated first)")
            return None
        region, model_id = split_key(self.key, route)
        if reason := not_a_model(self.key, model_id, route):
            self.batch.skip(reason)
            return None

        prices = self.prices()
        if not prices and self.complete:
            self.batch.skip("no price stated")
            return None
        context_window, max_output = self.limits()
        offering = OfferingRecord(
            provider=route.provider,
            provider_model_id=model_id,
            region=region,
            status=self.status(),
            context_window=context_window,
            max_output_tokens=max_output,
            prices=prices,
            prices_complete=self.complete,
        )
        capabilities, denied = self.capabilities()
        return ModelRecord(
            external_id=self.key,
            lab_hint=lab_hint(model_id, route),
            context_window=context_window,
            max_output_tokens=max_output,
            input_modalities=self.modalities("supported_modalities"),
            output_modalities=self.modalities("supported_output_modalities"),
            capabilities=capabilities,
            capabilities_mode="merge",
            capabilities_denied=denied,
            offerings=[offering],
        )

    # Prices -----------------------------------------------------------------------------------------------------

    def prices(self) -> list[PriceRecord]:
        stated: dict[tuple[str, str, int], tuple[str, PriceRecord]] = {}
        # DeepSeek's cache-hit key comes last, so that the usual cache read key names the figure when both do.
        keys = sorted(self.data, key=lambda k: k == CACHE_HIT_KEY)
        for key in keys:
            value = self.data[key]
            if match := PRICE_KEY_RE.match(key):
                self.token_or_image_price(stated, key, key, value, match, tier_min_tokens=None)
            elif key == CACHE_HIT_KEY:
                record = self.price(key, value, component="cache_read", unit="per_1m_tokens")
                self.keep(stated, key, record)
            elif key == WEB_SEARCH_KEY:
                self.keep(stated, key, self.web_search_price(value))
            elif key == "tiered_pricing":
                self.tiered_prices(stated, value)
            elif is_price_key(key) and PRICING_KEYS.status(key) != "mapped":
                PRICING_KEYS.count_unread(self.batch, key)
        return [record for _, record in stated.values()]

    def token_or_image_price(
        self,
        stated: dict[tuple[str, str, int], tuple[str, PriceRecord]],
        field_name: str,
        key: str,
        value: Any,
        match: re.Match[str],
        *,
        tier_min_tokens: int | None,
    ) -> None:
        component, unit = PRICE_BASES[match["base"]]
        if match["hour"]:
            if component != "cache_write_5m":
                self.batch.skip(f"{UNKNOWN_PRICE_KEY}{key}")
                return
            component = LITELLM_ONE_HOUR_COMPONENT
        size = int(match["size"]) * SCALES[match["scale"]] if match["size"] else 0
        if tier_min_tokens is not None:
            if size:  # a size tier inside a `tiered_pricing` range: no such shape is known
                self.batch.skip(f"{UNKNOWN_PRICE_KEY}tiered_pricing.{key}")
                return
            size = tier_min_tokens
        if component == "input_image" and unit == "per_image" and tier_min_tokens is None:
            token_key = key.replace("input_cost_per_image", "input_cost_per_token", 1)
            if value not in (None, 0) and value == self.data.get(token_key):
                # xAI's vision entries repeat the token price here: a per-token figure, not a price per image.
                self.batch.skip("input_cost_per_image equals the token price: not a price per image")
                return
        record = self.price(
            field_name,
            value,
            component=component,
            unit=unit,
            service_tier=SERVICE_TIERS[match["tier"]],
            tier_min_tokens=size,
        )
        self.keep(stated, field_name, record)

    def price(self, field_name: str, value: Any, *, component: str, unit: str, **fields: Any) -> PriceRecord | None:
        per = "token" if unit == "per_1m_tokens" else unit.removeprefix("per_")
        record = checked_price(
            self.batch,
            entry=self.key,
            field=field_name,
            raw=value,
            convert=per_token_to_per_mtok if unit == "per_1m_tokens" else per_unit,
            component=component,
            unit=unit,
            source_url=self.source_url,
            source_name=SOURCE_NAME,
            verified_on=self.known.as_of,
            published=f"{value} per {per}",
            **fields,
        )
        if record is None:
            self.complete = False
        return record

    def keep(
        self,
        stated: dict[tuple[str, str, int], tuple[str, PriceRecord]],
        field_name: str,
        record: PriceRecord | None,
    ) -> None:
        if record is None:
            return
        if record.usd == 0 and record.component not in FREE_WHEN_ZERO:
            self.batch.skip(f"zero price not stored (not separately charged): {record.component}")
            return
        earlier = stated.get(record.key)
        if earlier is None:
            stated[record.key] = (field_name, record)
        elif earlier[1].usd == record.usd and earlier[1].unit == record.unit:
            self.batch.skip(f"same price stated twice: {field_name}")
        elif earlier[1].unit != record.unit:
            # One component stated per token and per image (Gemini image models): the per-token figure is the one
            # every other source compares with; the other is counted.
            if record.unit == "per_1m_tokens":
                stated[record.key] = (field_name, record)
            self.batch.skip(f"{record.component} stated per token and per unit: the per-token price is kept")
        else:
            self.reject(field_name, f"{record.published} conflicts with {earlier[0]} ({earlier[1].published})")
            self.complete = False

    def web_search_price(self, value: Any) -> PriceRecord | None:
        billing = self.data.get("web_search_billing_unit")
        if billing not in (None, "per_query"):
            self.batch.skip(f"web search billed {billing}, not per query")
            return None
        if not isinstance(value, dict):
            self.reject(WEB_SEARCH_KEY, f"must be an object of prices by search-context size, got {value!r}")
            self.complete = False
            return None
        if WEB_SEARCH_SIZE not in value:
            self.reject(WEB_SEARCH_KEY, f"no {WEB_SEARCH_SIZE} price (the one stored)")
            self.complete = False
            return None
        # Providers that charge by search-context size are stored at the medium size, their default.
        figure = value[WEB_SEARCH_SIZE]
        record = self.price(f"{WEB_SEARCH_KEY}.{WEB_SEARCH_SIZE}", figure, component="web_search", unit="per_search")
        if record is not None:
            record.published = f"{figure} per search ({WEB_SEARCH_SIZE})"
        return record

    def tiered_prices(self, stated: dict[tuple[str, str, int], tuple[str, PriceRecord]], tiers: Any) -> None:
        if not isinstance(tiers, list):
            self.reject("tiered_pricing", f"must be a list of price ranges, got {type(tiers).__name__}")
            self.complete = False
            return
        for index, tier in enumerate(tiers):
            where = f"tiered_pricing[{index}]"
            start = _range_start(tier)
            if start is None:
                self.reject(f"{where}.range", f"must be [from, to] token counts, got {_get(tier, 'range')!r}")
                self.complete = False
                continue
            for key, value in tier.items():
                if key == "range":
                    continue
                if match := PRICE_KEY_RE.match(key):
                    self.token_or_image_price(stated, f"{where}.{key}", key, value, match, tier_min_tokens=start)
                elif is_price_key(key):
                    self.batch.skip(f"{UNKNOWN_PRICE_KEY}tiered_pricing.{key}")

    # Limits, status, capabilities ----------------------------------------------------------------------------

    def limits(self) -> tuple[int | None, int | None]:
        context_window = self.token_count("max_input_tokens")
        max_output = self.token_count("max_output_tokens")
        if max_output is not None and max_output == context_window:
            # Many entries copy the input limit into the output limit; the real output limit is unknown.
            self.batch.skip("max_output_tokens equals max_input_tokens: output limit unknown")
            max_output = None
        return context_window, max_output

    def token_count(self, field_name: str) -> int | None:
        value = self.data.get(field_name)
        if value is None:
            return None
        if not _is_whole_number(value):
            self.reject(field_name, f"must be a whole number of tokens, got {value!r}")
            return None
        if value < 0:
            self.reject(field_name, f"must not be negative, got {value!r}")
            return None
        # 0 is LiteLLM's placeholder for "not known" (its embedding-like entries use it).
        return int(value) or None

    def status(self) -> str | None:
        value = self.data.get("deprecation_date")
        if value is None:
            return None
        try:
            date = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            date = None
        if date is None:
            self.reject("deprecation_date", f"must be a date (YYYY-MM-DD), got {value!r}")
            return None
        return "retired" if date < self.known.as_of else "deprecated"

    def capabilities(self) -> tuple[list[str] | None, list[str]]:
        said: list[str] = []
        denied: list[str] = []
        for flag, capability in CAPABILITY_FLAGS.items():
            value = self.data.get(flag)
            if value is None:
                continue  # not said: unknown, neither granted nor denied
            if value is True:
                said.append(capability)
            elif value is False:
                denied.append(capability)
            else:
                self.reject(flag, f"must be true or false, got {value!r}")
        return (said if said or denied else None), denied

    def modalities(self, field_name: str) -> list[str] | None:
        value = self.data.get(field_name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.reject(field_name, f"must be a list of strings, got {value!r}")
            return None
        result: list[str] = []
        for item in value:
            name = MODALITY_NAMES.get(item.lower(), item.lower())
            if name not in MODALITIES:
                self.batch.skip(f"unknown modality: {item}")
            elif name not in result:
                result.append(name)
        return result


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _range_start(tier: Any) -> int | None:
    """The lower bound of a `tiered_pricing` range, [256000.0, 1000000.0] -> 256000: its prices apply above it."""
    bounds = _get(tier, "range")
    if not isinstance(bounds, list) or len(bounds) != 2:
        return None
    start = bounds[0]
    if not _is_whole_number(start) or start < 0:
        return None
    return int(start)


def _is_whole_number(value: Any) -> bool:
    """An int, or a float with nothing after the point (LiteLLM writes some limits as 2000000.0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or (math.isfinite(value) and value.is_integer())


__all__ = ["DEFAULT_PRICES_URL", "PRICES_PAGE_URL", "LiteLLMSource"]
