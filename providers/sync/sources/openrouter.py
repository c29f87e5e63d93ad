"""The `openrouter` source: OpenRouter's public models API.

Adapter: `GET {OPENROUTER_API_URL}/models` (the old `{"data": [...]}` envelope and the newer
`{"data", "total_count", "links"}` one, following `links.next`), then for each model
`GET .../models/{id}/endpoints` (the model's `links.details` when given) for its per-provider routes. A failed
endpoints call keeps the model-level data and is counted, never fatal. `OPENROUTER_API_KEY` is sent when set.

Units: USD **per token**, as decimal strings; `request` per request, `web_search` per search.
Quirks handled here (each has a test):
- float artefacts in strings ("0.00000090000000000000005") are rounded away by the converter;
- `"-1"` means variable/unknown (router models such as openrouter/auto): no price is stored, the skip is counted;
- `"0"` is free; in newer responses a zero prompt/completion key is omitted, so a missing one means 0;
- `image` is effectively per image *token* for token-billed models: stored as input_image per 1M tokens;
- `created` is when OpenRouter listed the model, not its release date: never used as one;
- `expiration_date` "2098-12-31" means never; a real date deprecates (or, once past, retires) OpenRouter's route;
- variants (`:free`, `:thinking`...) name the same canonical model. A `:free` variant is a free, rate-limited offer
  on its base model's OpenRouter route: the identity step (identity._as_free_offer, every source alike) stores its
  prices in the `free` service tier (never the base's standard price) and drops " (free)" from its name, so a model
  listed only as `:free` still gets its route; other variants' routes are not stored (counted);
- `alias_target` entries (`~anthropic/claude-opus-latest`) are aliases of their target, not models: no route, no
  price. `~vendor` namespaces are the labs of `vendor` (identity.lab_for_namespace);
- routers (`openrouter/auto`, `openrouter/free`, tokenizer "Router", a `-1` priced `openrouter/` entry, a `~` entry
  with no `alias_target`) are not a lab's models: skipped with a counted reason, so they never rank on price;
- a model whose outputs include no text (image-only, audio, music, video, embeddings) is skipped with a counted
  reason: the catalog compares text models;
- `pricing.overrides`: `min_prompt_tokens` is a strict "more than" threshold (our tier_min_tokens), later entries
  win key by key; `utc_start`/`utc_end` daily time windows are not modelled and are counted as skipped;
- endpoint `latency_last_30m` percentiles are seconds in the spec, milliseconds in live answers: the unit is decided
  per payload (latency_scale) and stored as milliseconds; `throughput_last_30m` tokens/s;
- unknown fields (`reasoning`...) are ignored.
OpenRouter publishes its own route's prices first-hand; its per-endpoint figures for other providers are
second-hand (aggregator rank).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

from providers.sync.identity import FREE_VARIANT, VARIANT_RE, is_router_id, lab_for_namespace
from providers.sync.records import (
    Batch,
    BenchmarkRecord,
    ModelRecord,
    OfferingRecord,
    PriceRecord,
    ProviderRecord,
    Rejection,
    ScoreRecord,
)
from providers.sync.sources.base import Known
from providers.sync.sources.common import WELL_KNOWN_PROVIDERS, PriceKeys, checked_price
from providers.sync.sources.feed import FeedSource
from providers.sync.sources.http import SourceFetchError, SourceFormatError, get_json
from providers.sync.units import per_token_to_per_mtok, per_unit

DEFAULT_URL = "https://openrouter.ai/api/v1"
MAX_PAGES = 50
ENDPOINT_WORKERS = 8
NEVER = "2098-12-31"
# Endpoint latencies: a payload whose median p50 is at least this is in milliseconds; above MAX_LATENCY_MS a figure
# is refused, whatever the unit (never store 420 ms as 420 s).
LATENCY_MS_FROM = Decimal(20)
MAX_LATENCY_MS = Decimal(600_000)

# pricing key -> (component, unit, converter)
PRICE_KEYS: dict[str, tuple[str, str, Any]] = {
    "prompt": ("input", "per_1m_tokens", per_token_to_per_mtok),
    "completion": ("output", "per_1m_tokens", per_token_to_per_mtok),
    "input_cache_read": ("cache_read", "per_1m_tokens", per_token_to_per_mtok),
    "input_cache_write": ("cache_write_5m", "per_1m_tokens", per_token_to_per_mtok),
    "input_cache_write_1h": ("cache_write_1h", "per_1m_tokens", per_token_to_per_mtok),
    "internal_reasoning": ("reasoning", "per_1m_tokens", per_token_to_per_mtok),
    "reasoning": ("reasoning", "per_1m_tokens", per_token_to_per_mtok),
    "audio": ("input_audio", "per_1m_tokens", per_token_to_per_mtok),
    "audio_output": ("output_audio", "per_1m_tokens", per_token_to_per_mtok),
    "input_audio_cache": ("input_audio_cache", "per_1m_tokens", per_token_to_per_mtok),
    # `image` is effectively per image token for the token-billed models that state it (docs/sources/openrouter.md).
    "image": ("input_image", "per_1m_tokens", per_token_to_per_mtok),
    "image_output": ("output_image", "per_1m_tokens", per_token_to_per_mtok),
    "request": ("request", "per_request", per_unit),
    "web_search": ("web_search", "per_search", per_unit),
}
# Keys of a pricing object that are not prices, or prices deliberately not stored (docs/sources/openrouter.md).
PRICE_KEYS_SKIPPED = {
    "overrides": "conditional prices, read as prompt-size tiers (a time window is counted and skipped)",
    "min_prompt_tokens": "an override's condition: the tier threshold",
    "utc_start": "an override's daily time window: not modelled",
    "utc_end": "an override's daily time window: not modelled",
    "discount": "a discount share OpenRouter applies, not a price",
    "image_token": "the same figure as `image`, which is already read per image token",
}
PRICING_KEYS = PriceKeys(mapped=frozenset(PRICE_KEYS), skipped=PRICE_KEYS_SKIPPED)
ALWAYS_PRICED = ("prompt", "completion")  # omitted means free; every other omitted key means "not charged"
NON_CHAT_OUTPUTS = frozenset({"embeddings", "rerank", "speech", "transcription"})

# OpenRouter's endpoint tag (before any "/variant") -> our provider slug.
PROVIDER_TAGS = {
    "openai": "openai",
    "azure": "azure-openai",
    "anthropic": "anthropic",
    "google-vertex": "google-vertex",
    "google-ai-studio": "google-ai-studio",
    "amazon-bedrock": "aws-bedrock",
    "groq": "groq",
    "together": "together",
    "fireworks": "fireworks",
    "deepseek": "deepseek",
    "mistral": "mistral",
    "xai": "xai",
    "x-ai": "xai",
    "cohere": "cohere",
    "alibaba": "dashscope",
}

# OpenRouter's `benchmarks.artificial_analysis` block: Artificial Analysis's indices, measured independently.
AA_INDICES = {
    "intelligence_index": BenchmarkRecord(
        "artificial-analysis-intelligence-index",
        "Artificial Analysis Intelligence Index",
        "composite",
        "index",
        "index",
        True,
        "https://artificialanalysis.ai/methodology/intelligence-benchmarking",
    ),
    "coding_index": BenchmarkRecord(
        "artificial-analysis-coding-index",
        "Artificial Analysis Coding Index",
        "coding",
        "index",
        "index",
        True,
        "https://artificialanalysis.ai/methodology/intelligence-benchmarking",
    ),
    "agentic_index": BenchmarkRecord(
        "artificial-analysis-agentic-index",
        "Artificial Analysis Agentic Index",
        "agentic",
        "index",
        "index",
        True,
        "https://artificialanalysis.ai/methodology/intelligence-benchmarking",
    ),
}
AA_SOURCE_URL = "https://artificialanalysis.ai/"

CAPABILITY_PARAMETERS = {
    "tools": "tool_calling",
    "parallel_tool_calls": "parallel_tool_calls",
    "structured_outputs": "structured_output",
    "response_format": "json_mode",
    "reasoning": "reasoning",
    "include_reasoning": "reasoning",
    "web_search_options": "web_search",
}
MODALITIES = {"text": "text", "image": "image", "file": "file", "audio": "audio", "video": "video"}


class OpenRouterSource(FeedSource):
    name: ClassVar[str] = "openrouter"
    description: ClassVar[str] = "OpenRouter models API and per-model endpoints"
    first_party_providers: ClassVar[frozenset[str]] = frozenset({"openrouter"})
    creates_models: ClassVar[bool] = True

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.OPENROUTER_API_URL).rstrip("/")

    def _headers(self) -> dict[str, str]:
        key = settings.OPENROUTER_API_KEY
        return {"Authorization": f"Bearer {key}"} if key else {}

    def fetch(self, client: httpx.Client) -> dict[str, Any]:
        models: list[Any] = []
        url: str | None = f"{self.base_url}/models"
        for _ in range(MAX_PAGES):
            if url is None:
                break
            body = get_json(client, url, headers=self._headers())
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise SourceFormatError(f"GET {url}: expected an object with a 'data' list")
            models.extend(body["data"])
            following = (body.get("links") or {}).get("next")
            url = self._api_link(following, url) if isinstance(following, str) and following else None
            if url is not None and not self._on_api(url):
                raise SourceFormatError(f"links.next {following!r} leaves {self.base_url}: not followed")

        def endpoints(model: Any) -> tuple[str, Any]:
            model_id = model.get("id") if isinstance(model, dict) else None
            if not isinstance(model_id, str) or VARIANT_RE.search(model_id) or model.get("alias_target"):
                return "", None  # variants share their model's endpoints; an alias has its target's
            details = (model.get("links") or {}).get("details")
            target = self._api_link(details, self.base_url + "/") if isinstance(details, str) and details else ""
            if not self._on_api(target):
                # The id is the source's text: quoted into the path, so it cannot add a query or leave it.
                target = f"{self.base_url}/models/{quote(model_id, safe='/:@')}/endpoints"
            try:
                return model_id, get_json(client, target, headers=self._headers())
            except (SourceFetchError, SourceFormatError) as exc:
                return model_id, {"__error__": str(exc)}

        with ThreadPoolExecutor(max_workers=ENDPOINT_WORKERS) as pool:
            found = dict(pool.map(endpoints, models))
        found.pop("", None)
        return {"models": models, "endpoints": found, "base_url": self.base_url}

    def parse(self, raw: dict[str, Any], known: Known) -> Batch:
        return _Parser(raw, known).batch()

    def _api_link(self, link: str, here: str) -> str:
        """A link the API gave (`links.next`, `links.details`) as a URL under the configured base. OpenRouter writes
        them root-relative (`/api/v1/models/x/endpoints`); urljoin would drop the base URL's own path prefix, so a
        mirror or proxy at `http://mirror/prefix/api/v1` would get `http://mirror/api/v1/...` and a 404. The part of
        the link that repeats the end of the base path is matched, and the prefix before it kept."""
        if not link.startswith("/") or link.startswith("//"):
            return urljoin(here, link)
        base = urlsplit(self.base_url)
        base_parts = [part for part in base.path.split("/") if part]
        path, _, query = link.partition("?")
        link_parts = [part for part in path.split("/") if part]
        overlap = next(
            (n for n in range(min(len(base_parts), len(link_parts)), 0, -1) if base_parts[-n:] == link_parts[:n]), 0
        )
        full = "/" + "/".join(base_parts[: len(base_parts) - overlap] + link_parts)
        return urlunsplit((base.scheme, base.netloc, full, query, ""))

    def _on_api(self, url: str) -> bool:
        """Whether a link the payload gives stays on the configured API (same scheme, host and port): a source's
        text never sends this process anywhere else."""
        here, there = urlsplit(self.base_url), urlsplit(url)
        return (there.scheme, there.netloc) == (here.scheme, here.netloc)


def latency_scale(endpoints: Any) -> Decimal:
    """Milliseconds per unit of this payload's `latency_last_30m`: the spec's example says seconds (0.25), public
    captures of live answers say milliseconds (hundreds to thousands). Decided once per payload from the median p50:
    a median of LATENCY_MS_FROM or more cannot be seconds (a median first token after 20 s), so it is milliseconds."""
    values = sorted(
        number
        for body in (endpoints.values() if isinstance(endpoints, dict) else [])
        if isinstance(body, dict) and isinstance(body.get("data"), dict)
        for endpoint in body["data"].get("endpoints") or []
        if isinstance(endpoint, dict)
        for number in [_decimal(_object(endpoint.get("latency_last_30m")).get("p50"))]
        if number is not None and number >= 0
    )
    if values and values[len(values) // 2] >= LATENCY_MS_FROM:
        return Decimal(1)
    return Decimal(1000)


def _display_name(name: str) -> str:
    """'OpenAI: GPT-4o-mini' -> 'GPT-4o-mini' (OpenRouter prefixes the lab). A `:free` variant's " (free)" is
    removed by the identity step (identity._as_free_offer), for every source alike."""
    return name.split(": ", 1)[1] if ": " in name else name


def router_reason(item: dict[str, Any]) -> str:
    """Why an entry is a router rather than a lab's model, or "". The router ids are identity's (is_router_id);
    this adds only what the payload says: `-1` prices on an `openrouter/` entry, tokenizer "Router", a `~` entry
    without alias_target."""
    model_id: str = item["id"]
    architecture = _object(item.get("architecture"))
    pricing = _object(item.get("pricing"))
    variable = any(str(pricing.get(key, "")).strip() == "-1" for key in ALWAYS_PRICED)
    if is_router_id(model_id) or (model_id.startswith("openrouter/") and variable):
        return f"router, not a model: {model_id}"
    if architecture.get("tokenizer") == "Router":
        return "router or moving alias (tokenizer Router), not a model"
    if model_id.startswith("~"):
        return "moving alias (~ namespace) without alias_target, not a model"
    return ""


def _object(value: Any) -> dict[str, Any]:
    """A JSON object the source may leave out or send as something else: {} then."""
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _decimal(value: Any, places: str = "0.001") -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal(places)) if value is not None else None
    except (InvalidOperation, ValueError):
        return None


class _Parser:
    def __init__(self, raw: dict[str, Any], known: Known) -> None:
        self.raw = raw
        self.known = known
        self.out = Batch()
        base = raw.get("base_url") or DEFAULT_URL
        self.models_url = f"{base}/models" if base != DEFAULT_URL else "https://openrouter.ai/api/v1/models"
        # OpenRouter's own route needs its provider row, even in an empty catalog; a feed only fills in what a
        # curator left empty, so this never overwrites the curated description.
        self.benchmarks_seen: set[str] = set()
        self.latency_scale = latency_scale(raw.get("endpoints"))
        self.providers: dict[str, ProviderRecord] = {
            "openrouter": ProviderRecord(
                slug="openrouter",
                name="OpenRouter",
                kind="gateway",
                website_url="https://openrouter.ai",
                docs_url="https://openrouter.ai/docs",
                pricing_url="https://openrouter.ai/models",
                api_base_url="https://openrouter.ai/api/v1",
                openai_compatible=True,
            )
        }

    def batch(self) -> Batch:
        models = self.raw.get("models")
        if not isinstance(models, list):
            raise SourceFormatError("the OpenRouter payload has no model list")
        for index, item in enumerate(models):
            record = self.model(item, index)
            if record is not None:
                self.out.models.append(record)
        self.out.providers = list(self.providers.values())
        return self.out

    def reject(self, entry: str, field: str, message: str) -> None:
        self.out.rejections.append(Rejection(entry=entry, field=field, message=message))

    def model(self, item: Any, index: int) -> ModelRecord | None:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            self.reject(f"models[{index}]", "id", "missing: a model without an id cannot be matched")
            return None
        model_id: str = item["id"]
        target = item.get("alias_target")
        if isinstance(target, str) and target.strip() and target.strip() != model_id:
            # `~anthropic/claude-opus-latest`: another name of a real model, which the feed lists itself.
            self.out.skip("alias (alias_target): recorded as an alias of its target")
            return ModelRecord(external_id=target.strip(), aliases=[("openrouter", model_id)])
        if reason := router_reason(item):
            self.out.skip(reason)
            return None
        if not isinstance(item.get("pricing"), dict):
            self.reject(model_id, "pricing", "missing or not an object")
            return None
        architecture = _object(item.get("architecture"))
        outputs = [m for m in architecture.get("output_modalities") or [] if isinstance(m, str)]
        if outputs and not set(outputs) - NON_CHAT_OUTPUTS:
            self.out.skip(f"not a chat model: outputs {', '.join(sorted(outputs))}")
            return None
        if outputs and "text" not in outputs:
            self.out.skip(f"not a text model: outputs {', '.join(sorted(outputs))}")
            return None
        namespace = model_id.split("/", 1)[0] if "/" in model_id else ""
        top = _object(item.get("top_provider"))
        inputs = [MODALITIES[m] for m in architecture.get("input_modalities") or [] if m in MODALITIES]
        parameters = [p for p in item.get("supported_parameters") or [] if isinstance(p, str)]
        capabilities = sorted(
            {CAPABILITY_PARAMETERS[p] for p in parameters if p in CAPABILITY_PARAMETERS}
            | ({"vision"} if "image" in inputs else set())
        )
        cutoff = item.get("knowledge_cutoff")
        full_name = item["name"] if isinstance(item.get("name"), str) else ""
        record = ModelRecord(
            external_id=model_id,
            lab_hint=lab_for_namespace(namespace) if namespace else "",
            lab_name=full_name.split(": ", 1)[0] if ": " in full_name else "",
            name=_display_name(full_name) or None,
            description=item.get("description") if isinstance(item.get("description"), str) else None,
            context_window=_int(item.get("context_length")),
            max_output_tokens=_int(top.get("max_completion_tokens")),
            input_modalities=inputs or None,
            output_modalities=[MODALITIES[m] for m in outputs if m in MODALITIES] or None,
            capabilities=capabilities or None,
            capabilities_mode="merge",
            supported_parameters=parameters or None,
            knowledge_cutoff=cutoff
            if isinstance(cutoff, str) and re.match(r"^\d{4}-\d{2}(-\d{2})?$", cutoff)
            else None,
            open_weights=True if item.get("hugging_face_id") else None,
        )
        record.scores = self.scores(model_id, item.get("benchmarks"))
        free = model_id.endswith(FREE_VARIANT)
        if VARIANT_RE.search(model_id) and not free:
            # `:thinking`, `:extended`...: the same model behind another configuration of the route.
            self.out.skip(f"variant route ({model_id.rsplit(':', 1)[1]}): not the model's price")
            return record
        route = OfferingRecord(
            provider="openrouter",
            provider_model_id=model_id,
            context_window=_int(top.get("context_length")) or record.context_window,
            max_output_tokens=record.max_output_tokens,
            status=self.route_status(item.get("expiration_date")),
        )
        # A `:free` route keeps its standard-tier prices here: the identity step makes them the `free` tier of the
        # base model's OpenRouter route (identity._as_free_offer), for every source alike.
        route.prices = self.prices(model_id, item["pricing"], self.models_url, route)
        record.offerings.append(route)
        if not free:
            self.endpoints(record, model_id)
        return record

    def scores(self, model_id: str, benchmarks: Any) -> list[ScoreRecord]:
        """Artificial Analysis's indices from the newer responses' `benchmarks` block (other blocks are ignored)."""
        block = benchmarks.get("artificial_analysis") if isinstance(benchmarks, dict) else None
        if not isinstance(block, dict):
            return []
        scores = []
        for key, benchmark in AA_INDICES.items():
            value = block.get(key)
            if value is None:
                continue
            number = _decimal(value, "0.0001")
            if number is None or number < 0:
                self.reject(model_id, f"benchmarks.artificial_analysis.{key}", f"not a score: {value!r}")
                continue
            if benchmark.slug not in self.benchmarks_seen:
                self.benchmarks_seen.add(benchmark.slug)
                self.out.benchmarks.append(benchmark)
            scores.append(
                ScoreRecord(
                    benchmark=benchmark.slug,
                    value=number,
                    self_reported=False,
                    version="Artificial Analysis, via OpenRouter",
                    source_url=AA_SOURCE_URL,
                )
            )
        return scores

    def route_status(self, expiration: Any) -> str:
        if not isinstance(expiration, str) or not expiration or expiration.startswith(NEVER):
            return "active"
        return "retired" if expiration[:10] < self.known.as_of.isoformat() else "deprecated"

    def prices(self, entry: str, pricing: dict[str, Any], url: str, route: OfferingRecord) -> list[PriceRecord]:
        found: dict[tuple[str, str, int], PriceRecord] = {}
        self._add_prices(found, entry, pricing, 0, url, route, base=True)
        overrides = pricing.get("overrides")
        if isinstance(overrides, list):
            for position, override in enumerate(overrides):
                if not isinstance(override, dict):
                    continue
                if override.get("utc_start") or override.get("utc_end"):
                    self.out.skip("time-window price override (not modelled)")
                    continue
                threshold = override.get("min_prompt_tokens")
                if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold <= 0:
                    self.reject(
                        entry,
                        f"pricing.overrides[{position}].min_prompt_tokens",
                        f"expected a positive number of tokens, got {threshold!r}",
                    )
                    route.prices_complete = False
                    continue
                # Later entries win key by key: the dict keeps the last price per (component, tier).
                self._add_prices(found, entry, override, threshold, url, route, base=False)
        return list(found.values())

    def _add_prices(
        self,
        found: dict,
        entry: str,
        pricing: dict[str, Any],
        threshold: int,
        url: str,
        route: OfferingRecord,
        *,
        base: bool,
    ) -> None:
        for key, (component, unit, convert) in PRICE_KEYS.items():
            raw = pricing.get(key)
            if raw is None:
                if base and key in ALWAYS_PRICED and pricing:
                    raw = "0"  # a newer response omits a zero price
                else:
                    continue
            if str(raw).strip() == "-1":
                self.out.skip("variable price (-1): not stored")
                continue
            if key not in ALWAYS_PRICED and str(raw).strip() in ("0", "0.0"):
                continue  # "not charged", not a price
            price = checked_price(
                self.out,
                entry=entry,
                field=f"pricing.{key}" if base else f"pricing.overrides.{key}",
                raw=raw,
                convert=convert,
                component=component,
                unit=unit,
                tier_min_tokens=threshold,
                source_url=url,
                source_name="OpenRouter API",
                verified_on=self.known.as_of,
                published=f"{raw} per {'token' if unit == 'per_1m_tokens' else unit.removeprefix('per_')}",
            )
            if price is None:
                route.prices_complete = False
            else:
                found[(component, "standard", threshold)] = price
        for key in sorted(set(pricing) - set(PRICE_KEYS)):
            PRICING_KEYS.count_unread(self.out, key)

    def endpoints(self, record: ModelRecord, model_id: str) -> None:
        body = (self.raw.get("endpoints") or {}).get(model_id)
        if body is None:
            return
        if isinstance(body, dict) and "__error__" in body:
            self.out.partial_failures["endpoints call failed (model-level data kept)"] += 1
            record.routes_complete = False
            return
        data = body.get("data") if isinstance(body, dict) else None
        endpoints = data.get("endpoints") if isinstance(data, dict) else None
        if not isinstance(endpoints, list):
            self.out.partial_failures["endpoints response without an endpoints list"] += 1
            record.routes_complete = False
            return
        url = f"{self.models_url}/{model_id}/endpoints"
        for position, endpoint in enumerate(endpoints):
            entry = f"{model_id} endpoint {position}"
            if not isinstance(endpoint, dict) or not isinstance(endpoint.get("pricing"), dict):
                self.reject(entry, "pricing", "missing or not an object")
                continue
            provider = self.provider_for(endpoint)
            if provider is None:
                self.reject(entry, "provider_name", "missing: cannot tell which provider serves this route")
                continue
            if provider == "openrouter":
                continue
            quantization = endpoint.get("quantization")
            latency = _object(endpoint.get("latency_last_30m"))
            throughput = _object(endpoint.get("throughput_last_30m"))
            latency_ms = self.latency_ms(entry, latency.get("p50"))
            route = OfferingRecord(
                provider=provider,
                provider_model_id=model_id,
                quantization=quantization if isinstance(quantization, str) and quantization != "unknown" else "",
                context_window=_int(endpoint.get("context_length")),
                max_output_tokens=_int(endpoint.get("max_completion_tokens")),
                throughput_tps=_decimal(throughput.get("p50"), "0.01"),
                latency_p50_ms=latency_ms,
                uptime_pct=_decimal(
                    endpoint.get("uptime_last_1d")
                    if endpoint.get("uptime_last_1d") is not None
                    else endpoint.get("uptime_last_30m")
                ),
            )
            route.prices = self.prices(entry, endpoint["pricing"], url, route)
            if any((o.provider, o.quantization) == (route.provider, route.quantization) for o in record.offerings):
                self.out.skip("second endpoint of one provider and quantization")
                continue
            record.offerings.append(route)

    def latency_ms(self, entry: str, value: Any) -> int | None:
        """An endpoint's p50 latency in milliseconds, in the unit this payload uses (`latency_scale`); a figure
        over ten minutes is not a latency and is refused (the route keeps its other data)."""
        number = _decimal(value)
        if number is None:
            return None
        ms = number * self.latency_scale
        if ms < 0 or ms > MAX_LATENCY_MS:
            self.reject(entry, "latency_last_30m.p50", f"{value!r} is not a plausible latency (above 10 minutes)")
            return None
        return int(ms)

    def provider_for(self, endpoint: dict[str, Any]) -> str | None:
        tag, name = endpoint.get("tag"), endpoint.get("provider_name")
        tag, name = (tag if isinstance(tag, str) else ""), (name if isinstance(name, str) else "")
        base = (tag.split("/", 1)[0] if tag else name).strip().lower()
        if not base:
            return None
        slug = PROVIDER_TAGS.get(base) or re.sub(r"[^a-z0-9-]+", "-", base).strip("-")
        if not slug or len(slug) > 64:
            return None  # a tag such as "<>" names no provider we could link to
        if slug not in self.known.providers and slug not in self.providers:
            known_name, kind = WELL_KNOWN_PROVIDERS.get(slug, (name or base, "inference_host"))
            self.providers[slug] = ProviderRecord(slug=slug, name=known_name, kind=kind)
        return slug
