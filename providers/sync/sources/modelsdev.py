"""The `modelsdev` source: models.dev, an open catalog of providers, their models, limits and prices.

Adapter: one `GET https://models.dev/api.json` (setting MODELSDEV_API_URL), no auth. The body is one object keyed by
models.dev's provider id: `{provider: {id, name, env, npm, api?, doc, models: {model key: {...}}}}`, ~100 providers.

Units: every `cost` figure is a JSON number in USD per 1M tokens (read through providers.sync.units.per_mtok, never as a
float). Limits are tokens; 0 means "not known" (image models), not a zero-token window.

Quirks, each handled below and described in docs/sources/modelsdev.md:
- `cost.context_over_200k` is generated and may hide a 256k/272k threshold: the real threshold is
  `cost.tiers[].tier.size`; the 200k block is used only when a model has no `tiers`.
- A lab's own provider uses bare keys (`gpt-4o-mini`), a gateway namespaced ones (`openai/gpt-4o-mini`), and the
  same bare key appears under several providers (openai and azure): the key is the source id, the identity step
  merges the records that resolve to one model.
- The `openrouter` block is a copy of OpenRouter's own prices: emitted as a second-hand route (this source ranks
  as an aggregator, below OpenRouter's own feed).
- A host's `false` flag describes its deployment, not the model: only a lab's own API may deny a capability.
- Alias keys are named "... (latest)"; `release_date` is sometimes a month only; `experimental.modes` carries
  OpenAI's priority tier (stored) and Anthropic's fast mode (not a service tier: skipped).
- Non-chat models (embeddings, image, speech and music generation) are skipped with a counted reason.

Past 500 lines: one source is one module (adapter and normalizer together); the normalizer's steps are its functions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from catalog.vocabulary import KNOWLEDGE_CUTOFF_RE, SLUG_PART_RE
from providers.pricing.source_keys import MODELSDEV_COST_COMPONENTS
from providers.sync.identity import LAB_NAMESPACES
from providers.sync.records import FREE_WHEN_ZERO, Batch, ModelRecord, OfferingRecord, ProviderRecord, Rejection
from providers.sync.sources.base import Known
from providers.sync.sources.common import PriceKeys, checked_price
from providers.sync.sources.feed import FeedSource, date_in_name
from providers.sync.sources.http import SourceFormatError, get_json
from providers.sync.units import per_mtok

DEFAULT_API_URL = "https://models.dev/api.json"
SITE_URL = "https://models.dev/"
SOURCE_NAME = "models.dev"

# models.dev provider id -> our provider slug. Any other provider is models.dev's own id, emitted as a new provider.
PROVIDER_SLUGS: dict[str, str] = {
    "anthropic": "anthropic",
    "openai": "openai",
    "google": "google-ai-studio",
    "google-vertex": "google-vertex",
    # Claude on Vertex AI: still Google Vertex, only another publisher's endpoint.
    "google-vertex-anthropic": "google-vertex",
    "azure": "azure-openai",
    "amazon-bedrock": "aws-bedrock",
    "deepseek": "deepseek",
    "mistral": "mistral",
    "xai": "xai",
    "groq": "groq",
    "togetherai": "together",
    "together": "together",
    "fireworks-ai": "fireworks",
    "alibaba": "dashscope",
    "cohere": "cohere",
    "openrouter": "openrouter",
    "vercel": "vercel-ai-gateway",
}
# A lab's own API: its bare keys name that lab's models, and its flags speak for the model itself.
LAB_OF_PROVIDER: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "xai": "xai",
    "cohere": "cohere",
    "alibaba": "qwen",
}
NEW_PROVIDER_KIND = "inference_host"
OPENAI_COMPATIBLE_NPM = "@ai-sdk/openai-compatible"

# models.dev cost key -> our price component; shared with the models.dev export (providers/pricing/source_keys.py).
COST_COMPONENTS = MODELSDEV_COST_COMPONENTS
LEGACY_TIER_KEY = "context_over_200k"
LEGACY_TIER_MIN_TOKENS = 200_000
# A cost object's keys: prices (COST_COMPONENTS) and its context tiers; docs/sources/modelsdev.md lists them.
PRICING_KEYS = PriceKeys(
    mapped=frozenset(COST_COMPONENTS) | {"tiers", LEGACY_TIER_KEY},
    skipped={"tier": "a tier's own condition ({type, size}): read as its threshold"},
)
# `experimental.modes.<name>.provider.body.service_tier` values that are one of our service tiers.
MODE_SERVICE_TIERS: dict[str, str] = {"priority": "priority", "flex": "flex"}
ROUTE_STATUSES: dict[str, str] = {"active": "active", "beta": "preview", "alpha": "preview", "deprecated": "deprecated"}
MODALITIES: dict[str, str] = {
    "text": "text",
    "image": "image",
    "audio": "audio",
    "video": "video",
    "pdf": "file",
    "file": "file",
}
# Flags models.dev sets per model, and the capability each one states.
FLAG_CAPABILITIES = (
    ("tool_call", "tool_calling"),
    ("structured_output", "structured_output"),
    ("reasoning", "reasoning"),
)
INPUT_CAPABILITIES = (("file", "pdf_input"), ("audio", "audio_input"))
OUTPUT_CAPABILITIES = (("audio", "audio_output"),)
# Families whose models answer through an image or music API, even when models.dev also lists text output.
NON_CHAT_FAMILIES: dict[str, str] = {"gpt-image": "image generation", "lyria": "music generation"}
EMBEDDING_RE = re.compile(r"(^|[-/_.])embed")
LATEST_SUFFIX_RE = re.compile(r"\s*\(latest\)\s*$", re.IGNORECASE)
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# Model keys read below, and those deliberately not used (docs/sources/modelsdev.md says why). Anything else is
# counted as an unknown field, so a change in the live file shows up in the run's skip counts.
USED_MODEL_KEYS = frozenset({
    "id", "name", "family", "attachment", "reasoning", "tool_call", "structured_output", "knowledge", "release_date",
    "modalities", "open_weights", "limit", "cost", "status", "experimental",
})  # fmt: skip
IGNORED_MODEL_KEYS = frozenset({"temperature", "last_updated", "reasoning_options", "interleaved", "provider"})


class _InvalidError(Exception):
    """A required field is missing or unusable: the whole row is rejected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class _Provider:
    source_id: str  # models.dev's id: "azure"
    slug: str  # ours: "azure-openai"
    lab: str  # the lab whose own API this is, or ""


class ModelsDevSource(FeedSource):
    name: ClassVar[str] = "modelsdev"
    description: ClassVar[str] = "models.dev open catalog (api.json): providers, models, limits and prices"
    # An open catalog copies every provider's figures: it is first party nowhere.
    first_party_providers: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, api_url: str | None = None) -> None:
        self.api_url = api_url or settings.MODELSDEV_API_URL

    @property
    def source_url(self) -> str:
        """Where a price says it came from: the site, or the replayed URL when the setting points elsewhere."""
        return SITE_URL if self.api_url == DEFAULT_API_URL else self.api_url

    def fetch(self, client: httpx.Client) -> Any:
        return get_json(client, self.api_url)

    def stated_on(self) -> dt.date | None:
        return date_in_name(self.api_url)

    def parse(self, raw: Any, known: Known) -> Batch:
        return parse_catalog(raw, known, source_url=self.source_url)


def parse_catalog(raw: Any, known: Known, *, source_url: str = SITE_URL) -> Batch:
    """Records keyed by models.dev's own model keys. Pure: no I/O, no ORM."""
    if not isinstance(raw, dict):
        raise SourceFormatError(f"models.dev api.json must be an object keyed by provider, got {type(raw).__name__}")
    batch = Batch()
    own_api: list[ModelRecord] = []
    elsewhere: list[ModelRecord] = []
    for provider_id, block in raw.items():
        provider = _provider(batch, str(provider_id), block, known)
        if provider is None:
            continue
        for key, data in block["models"].items():
            record = _model(batch, provider, str(key), data, known.as_of, source_url)
            if record is not None:
                (own_api if provider.lab else elsewhere).append(record)
    # When records merge into one model the first stated fact wins: the lab's own API speaks first.
    batch.models = own_api + elsewhere
    return batch


def _provider(batch: Batch, provider_id: str, block: Any, known: Known) -> _Provider | None:
    if not isinstance(block, dict) or not isinstance(block.get("models"), dict):
        batch.rejections.append(
            Rejection(entry=provider_id, field="models", message="each provider must be an object with a models object")
        )
        return None
    models: dict[str, Any] = block["models"]
    slug = PROVIDER_SLUGS.get(provider_id)
    if slug is not None:
        if slug not in known.providers:
            batch.skip(f"provider not in the catalog yet: {slug} (sync curated first)", len(models))
            return None
        return _Provider(provider_id, slug, LAB_OF_PROVIDER.get(provider_id, ""))
    if len(provider_id) > 64 or not SLUG_PART_RE.match(provider_id):
        batch.rejections.append(Rejection(entry=provider_id, field="id", message="not usable as a provider slug"))
        return None
    if not _sells_tokens(models):
        batch.skip(f"provider states no non-zero price (subscription or local runtime): {provider_id}", len(models))
        return None
    if provider_id not in known.providers:
        # A curator may have edited a provider this source created: it is described only the first time.
        name = block.get("name")
        doc = _url(batch, provider_id, "doc", block.get("doc"))
        batch.providers.append(
            ProviderRecord(
                slug=provider_id,
                name=name.strip()[:200] if isinstance(name, str) and name.strip() else provider_id,
                kind=NEW_PROVIDER_KIND,
                website_url=doc,
                docs_url=doc,
                api_base_url=_url(batch, provider_id, "api", block.get("api")),
                openai_compatible=True if block.get("npm") == OPENAI_COMPATIBLE_NPM else None,
            )
        )
    return _Provider(provider_id, provider_id, "")


def _sells_tokens(models: dict[str, Any]) -> bool:
    """Whether any model states a non-zero input or output price (a subscription or a local runtime lists none)."""
    for data in models.values():
        cost = data.get("cost") if isinstance(data, dict) else None
        if isinstance(cost, dict):
            for key in ("input", "output"):
                value = cost.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                    return True
    return False


def _url(batch: Batch, provider_id: str, field: str, value: Any) -> str | None:
    """An http(s) URL, or None: silently for a templated one (`https://${AZURE_RESOURCE_NAME}...`, a normal
    models.dev value), with a rejection for any other (a `javascript:` link is refused, not just ignored)."""
    if value is None or (isinstance(value, str) and ("${" in value or not value.strip())):
        return None
    if isinstance(value, str) and len(value) <= 500:
        parts = urlsplit(value.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            return value.strip()
    shown = repr(value) if len(repr(value)) <= 80 else f"{repr(value)[:77]}..."
    batch.rejections.append(Rejection(entry=provider_id, field=field, message=f"{shown} is not an http(s) URL"))
    return None


class _Row:
    """Typed reads of one model object. A bad optional fact is dropped with a rejection naming its field; the rest
    of the row is kept, so one malformed date never costs a route its prices."""

    def __init__(self, batch: Batch, entry: str, data: dict[str, Any]) -> None:
        self.batch = batch
        self.entry = entry
        self.data = data

    def reject(self, field: str, message: str) -> None:
        self.batch.rejections.append(Rejection(entry=self.entry, field=field, message=message))

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.reject(key, f"must be a string, got {value!r}")
            return None
        return value.strip() or None

    def flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.reject(key, f"must be true or false, got {value!r}")
        return None

    def knowledge(self) -> str | None:
        value = self.text("knowledge")
        if value is not None and not KNOWLEDGE_CUTOFF_RE.match(value):
            self.reject("knowledge", f"{value!r} must be YYYY-MM or YYYY-MM-DD")
            return None
        return value

    def release_date(self) -> dt.date | None:
        value = self.text("release_date")
        if value is None:
            return None
        if MONTH_RE.match(value):
            # Reduced precision, not an error; a date field cannot hold it without inventing a day.
            self.batch.skip("release_date is a month only: not stored")
            return None
        if DAY_RE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.reject("release_date", f"{value!r} must be an ISO date YYYY-MM-DD")
        return None

    def tokens(self, key: str) -> int | None:
        limit = self.data.get("limit")
        if limit is None:
            return None
        if not isinstance(limit, dict):
            if key == "context":  # report a malformed limit object once, not per key
                self.reject("limit", f"must be an object, got {limit!r}")
            return None
        value = limit.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.reject(f"limit.{key}", f"must be a whole number of tokens, got {value!r}")
            return None
        return value or None  # 0 is models.dev's "not known"

    def modalities(self, direction: str) -> list[str]:
        block = self.data.get("modalities")
        if not isinstance(block, dict):
            raise _InvalidError("modalities", "required: an object with input and output lists")
        value = block.get(direction)
        if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
            raise _InvalidError(f"modalities.{direction}", "required: a non-empty list of strings")
        result = []
        for item in value:
            modality = MODALITIES.get(item.lower())
            if modality is None:
                self.batch.skip(f"modality not in the vocabulary: {item}")
            elif modality not in result:
                result.append(modality)
        return result


def _model(
    batch: Batch, provider: _Provider, key: str, data: Any, as_of: dt.date, source_url: str
) -> ModelRecord | None:
    entry = f"{provider.source_id}/{key}"
    if not isinstance(data, dict):
        batch.rejections.append(Rejection(entry=entry, field="-", message="each model must be an object"))
        return None
    row = _Row(batch, entry, data)
    try:
        name = row.text("name")
        if not name:
            raise _InvalidError("name", "required")
        inputs = row.modalities("input")
        outputs = row.modalities("output")
    except _InvalidError as exc:
        batch.rejections.append(Rejection(entry=entry, field=exc.field, message=exc.message))
        return None

    family = row.text("family")
    if reason := _non_chat(key, family, outputs):
        batch.skip(f"non-chat model: {reason}")
        return None
    for unknown in sorted(set(data) - USED_MODEL_KEYS - IGNORED_MODEL_KEYS):
        batch.skip(f"unknown model field ignored: {unknown}")

    context_window = row.tokens("context")
    max_output_tokens = row.tokens("output")
    offering = OfferingRecord(
        provider=provider.slug,
        provider_model_id=key,
        status=_route_status(row),
        context_window=context_window,
        max_output_tokens=max_output_tokens,
    )
    _add_prices(row, offering, as_of, source_url)

    granted, denied = _capabilities(row, provider, inputs, outputs)
    return ModelRecord(
        external_id=key,
        lab_hint=_lab_hint(provider, key),
        name=LATEST_SUFFIX_RE.sub("", name) or name,
        family=family,
        release_date=row.release_date(),
        knowledge_cutoff=row.knowledge(),
        context_window=context_window,
        max_output_tokens=max_output_tokens,
        input_modalities=inputs,
        output_modalities=outputs,
        capabilities=granted,
        capabilities_mode="merge",
        capabilities_denied=denied,
        open_weights=row.flag("open_weights"),
        offerings=[offering],
        origin=f"{SOURCE_NAME} provider {provider.source_id}",
    )


def _non_chat(key: str, family: str | None, outputs: list[str]) -> str:
    """Why a model is not a chat model, or "" if it is one."""
    if EMBEDDING_RE.search(key.lower()) or (family and "embed" in family.lower()):
        return "embedding"
    if family in NON_CHAT_FAMILIES:
        return NON_CHAT_FAMILIES[family]
    if "text" not in outputs:
        for modality, what in (("image", "image generation"), ("audio", "speech generation"), ("video", "video")):
            if modality in outputs:
                return what
        return "no text output"
    return ""


def _lab_hint(provider: _Provider, key: str) -> str:
    if provider.lab:
        return provider.lab
    if "/" in key:
        # `~anthropic/claude-sonnet-latest` is OpenRouter's floating alias: its namespace is still the lab's.
        return LAB_NAMESPACES.get(key.split("/", 1)[0].lstrip("~").lower(), "")
    return ""


def _route_status(row: _Row) -> str | None:
    value = row.data.get("status")
    if value is None:
        return "active"  # a status the source dropped (a model back from deprecation) must not linger
    status = ROUTE_STATUSES.get(value) if isinstance(value, str) else None
    if status is None:
        row.batch.skip(f"route status not understood: {value!r}")
    return status


def _capabilities(row: _Row, provider: _Provider, inputs: list[str], outputs: list[str]) -> tuple[list[str], list[str]]:
    """(granted, denied). A host's `false` can be a limit of its deployment, so only a lab's own API denies."""
    granted: list[str] = []
    denied: list[str] = []
    for key, capability in FLAG_CAPABILITIES:
        stated = row.flag(key)
        if stated:
            granted.append(capability)
        elif stated is False and provider.lab:
            denied.append(capability)
    # `attachment` means files may be attached; only an image among the inputs makes that vision.
    attachment = row.flag("attachment")
    if "image" in inputs:
        granted.append("vision")
    elif attachment is False and provider.lab:
        denied.append("vision")
    granted += [capability for modality, capability in INPUT_CAPABILITIES if modality in inputs]
    granted += [capability for modality, capability in OUTPUT_CAPABILITIES if modality in outputs]
    cost = row.data.get("cost")
    if isinstance(cost, dict) and "cache_read" in cost and not _is_zero(cost["cache_read"]):
        granted.append("prompt_caching")
    return granted, denied


def _add_prices(row: _Row, offering: OfferingRecord, as_of: dt.date, source_url: str) -> None:
    prices = _RoutePrices(row, offering, as_of, source_url)
    cost = row.data.get("cost")
    if cost is None:
        row.batch.skip("no cost stated: route kept without prices")
    else:
        prices.add_cost(cost, "cost", "standard")

    experimental = row.data.get("experimental")
    modes = experimental.get("modes") if isinstance(experimental, dict) else None
    if experimental is not None and not isinstance(modes, dict):
        row.batch.skip("experimental block without modes ignored")
        return
    for mode_name, mode in (modes or {}).items():
        provider_block = mode.get("provider") if isinstance(mode, dict) else None
        body = provider_block.get("body") if isinstance(provider_block, dict) else None
        stated = body.get("service_tier") if isinstance(body, dict) else None
        service_tier = MODE_SERVICE_TIERS.get(stated) if isinstance(stated, str) else None
        if service_tier is None:
            # Anthropic's fast mode is a beta header, not a service tier our schema knows.
            row.batch.skip(f"experimental mode is not a service tier: {mode_name}")
            continue
        prices.add_cost(mode.get("cost"), f"experimental.modes.{mode_name}.cost", service_tier)


def _is_zero(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value == 0


class _RoutePrices:
    """Adds one route's prices; any price refused marks the route incomplete, so no stored price is closed."""

    def __init__(self, row: _Row, offering: OfferingRecord, as_of: dt.date, source_url: str) -> None:
        self.row = row
        self.offering = offering
        self.as_of = as_of
        self.source_url = source_url

    def refuse(self, field: str, message: str) -> None:
        self.row.reject(field, message)
        self.offering.prices_complete = False

    def add_cost(self, cost: Any, field: str, service_tier: str) -> None:
        """The flat prices of one cost object, then its context tiers."""
        if not isinstance(cost, dict):
            self.refuse(field, f"must be an object of prices, got {cost!r}")
            return
        if "input" not in cost:
            self.refuse(f"{field}.input", "required when a cost is given")
        self.add_block(cost, field, service_tier, 0)

        tiers = cost.get("tiers")
        if tiers is not None and not isinstance(tiers, list):
            self.refuse(f"{field}.tiers", f"must be a list, got {tiers!r}")
            tiers = None
        if tiers:
            # The real thresholds. `context_over_200k` is derived from them and says 200k even for a 272k tier.
            for index, tier in enumerate(tiers):
                where = f"{field}.tiers[{index}]"
                size = self.tier_size(tier, where)
                if size is not None:
                    self.add_block(tier, where, service_tier, size)
        elif isinstance(cost.get(LEGACY_TIER_KEY), dict):
            self.add_block(cost[LEGACY_TIER_KEY], f"{field}.{LEGACY_TIER_KEY}", service_tier, LEGACY_TIER_MIN_TOKENS)
        elif LEGACY_TIER_KEY in cost:
            self.refuse(f"{field}.{LEGACY_TIER_KEY}", "must be an object of prices")

    def tier_size(self, tier: Any, where: str) -> int | None:
        if not isinstance(tier, dict) or not isinstance(tier.get("tier"), dict):
            self.refuse(f"{where}.tier", "each tier needs a tier object {type, size}")
            return None
        kind = tier["tier"].get("type")
        if kind != "context":
            self.refuse(f"{where}.tier.type", f"{kind!r} is not a tier this source understands (only 'context')")
            return None
        size = tier["tier"].get("size")
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            self.refuse(f"{where}.tier.size", f"must be a positive whole number of tokens, got {size!r}")
            return None
        return size

    def add_block(self, block: dict[str, Any], where: str, service_tier: str, tier_min_tokens: int) -> None:
        for key, value in block.items():
            component = COST_COMPONENTS.get(key)
            if component is None:
                if key not in ("tier", "tiers", LEGACY_TIER_KEY):
                    PRICING_KEYS.count_unread(self.row.batch, key)
                continue
            if component not in FREE_WHEN_ZERO and _is_zero(value):
                self.row.batch.skip(f"zero price means not offered: {key}")
                continue
            self.add(f"{where}.{key}", value, component, service_tier, tier_min_tokens)

    def add(self, field: str, value: Any, component: str, service_tier: str, tier_min_tokens: int) -> None:
        published = f"{value} USD per 1M tokens"
        if tier_min_tokens:
            published += f" above {tier_min_tokens} prompt tokens"
        price = checked_price(
            self.row.batch,
            entry=self.row.entry,
            field=field,
            raw=value,
            convert=per_mtok,
            component=component,
            unit="per_1m_tokens",
            service_tier=service_tier,
            tier_min_tokens=tier_min_tokens,
            source_url=self.source_url,
            source_name=SOURCE_NAME,
            verified_on=self.as_of,
            published=published,
        )
        if price is None:
            self.offering.prices_complete = False
        elif any(other.key == price.key for other in self.offering.prices):
            self.refuse(field, "a second price for the same component, service tier and threshold")
        else:
            self.offering.prices.append(price)
