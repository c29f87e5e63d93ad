"""The `vercel` source: the model list of Vercel AI Gateway, GET {VERCEL_GATEWAY_API_URL}/models.

Adapter: one GET of https://ai-gateway.vercel.sh/v1/models (public; when VERCEL_API_KEY is set it is sent as
`Authorization: Bearer <key>`, never required). The body is `{"object": "list", "data": [model, ...]}` and is
returned as said. Each model is `{id, object, created, released, owned_by, name, description, context_window,
max_tokens, type, tags, pricing}`; the shape and where it was confirmed are in docs/sources/vercel.md.

Units: every token price is USD per token as a decimal string ("0.00000015"); `web_search` is USD per search.

Quirks, each handled here:
- `type` says what a model is (language, embedding, image, video...): only language models become routes, the rest
  are skipped with a counted reason. A row without a `type` is rejected rather than guessed.
- Long-context prices come as `<field>_tiers: [{cost, min, max}]`, `min` inclusive and `max` exclusive. The tier
  that starts at 0 repeats the base price; a tier from `min` N applies above N - 1 prompt tokens, which is our
  `tier_min_tokens`. A threshold is never read as a context window.
- `max_tokens` is the maximum OUTPUT; `context_window` the whole window. Both describe the gateway's route.
- The listed price is the gateway's price for its default upstream; other upstreams behind it are not listed.
- Capabilities are tags (`tool-use`, `reasoning`, `vision`, `file-input`, `implicit-caching`...); a missing tag is
  unknown, not false, so nothing is denied.
- `created` is when the gateway listed a model, not its release (`released` is).
- Unknown fields are ignored; pricing keys not read here are counted, so a new price kind shows up in the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

import httpx
from django.conf import settings

from providers.sync.records import Batch, ModelRecord, OfferingRecord, PriceRecord, ProviderRecord, Rejection
from providers.sync.sources.base import Known
from providers.sync.sources.common import PriceKeys, checked_price
from providers.sync.sources.feed import FeedSource
from providers.sync.sources.http import SourceFormatError, get_json
from providers.sync.units import UnitError, per_token_to_per_mtok, per_unit, to_decimal

DEFAULT_API_URL = "https://ai-gateway.vercel.sh/v1"
MODELS_PAGE_URL = "https://vercel.com/ai-gateway/models"
SOURCE_NAME = "Vercel AI Gateway models API"
PROVIDER = "vercel-ai-gateway"

# Vercel's namespaces (`creator/model`) that name one of our labs.
LAB_HINTS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "meta": "meta",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "alibaba": "qwen",
    "xai": "xai",
    "cohere": "cohere",
    "amazon": "amazon",
    "moonshotai": "moonshot",
}

# Vercel pricing key -> our component, for prices per token. One cache-write price is published; for Anthropic
# models it is the 5-minute write (1.25 x input), so it is stored as that.
TOKEN_PRICES = (
    ("input", "input"),
    ("output", "output"),
    ("input_cache_read", "cache_read"),
    ("input_cache_write", "cache_write_5m"),
)
# Vercel pricing key -> (component, unit), for prices per unit.
UNIT_PRICES = (("web_search", "web_search", "per_search"),)
READ_PRICING_KEYS = frozenset(
    [key for key, _ in TOKEN_PRICES] + [f"{key}_tiers" for key, _ in TOKEN_PRICES] + [key for key, _, _ in UNIT_PRICES]
)

# Pricing keys read past on purpose, with the reason (docs/sources/vercel.md).
PRICE_KEYS_SKIPPED = {
    "image": "a price per generated image: stored only for image models, which the catalog does not list",
    "service_tiers": "priority / flex prices: no Vercel text or recorded response shows their shape",
    "reasoning": "no Vercel text shows reasoning billed apart from output",
    "image_dimension_quality_pricing": "image generation prices by size and quality: not a language-model price",
    "video_duration_pricing": "video generation prices: not a language-model price",
    "maps_search": "a tool's fee",
}
PRICING_KEYS = PriceKeys(mapped=READ_PRICING_KEYS, skipped=PRICE_KEYS_SKIPPED)

TAG_CAPABILITIES = {
    "tool-use": "tool_calling",
    "reasoning": "reasoning",
    "vision": "vision",
    "file-input": "pdf_input",
    "implicit-caching": "prompt_caching",
    "web-search": "web_search",
}
TAG_INPUT_MODALITIES = {"vision": "image", "file-input": "file"}
TAG_OUTPUT_MODALITIES = {"image-generation": "image"}

# Published figures are kept as text on the price row, which holds 120 characters.
PUBLISHED_FIGURE_CHARS = 40


class _RowError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class VercelSource(FeedSource):
    name: ClassVar[str] = "vercel"
    description: ClassVar[str] = "Vercel AI Gateway models API (GET /v1/models)"
    # The gateway's own prices for its own routes are first-hand.
    first_party_providers: ClassVar[frozenset[str]] = frozenset({PROVIDER})

    def __init__(self, api_url: str | None = None, api_key: str | None = None) -> None:
        self.api_url = (api_url or settings.VERCEL_GATEWAY_API_URL).rstrip("/")
        self.api_key = settings.VERCEL_API_KEY if api_key is None else api_key

    @property
    def models_url(self) -> str:
        return f"{self.api_url}/models"

    @property
    def price_source_url(self) -> str:
        """The public models page for the real gateway; the URL actually read for any other (a mirror, a test)."""
        return MODELS_PAGE_URL if self.api_url == DEFAULT_API_URL else self.models_url

    def fetch(self, client: httpx.Client) -> Any:
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return get_json(client, self.models_url, headers=headers)

    def parse(self, raw: Any, known: Known) -> Batch:
        batch = Batch()
        if PROVIDER not in known.providers:
            batch.providers.append(gateway_provider())
        seen: set[str] = set()
        for index, entry in enumerate(_entries(raw, self.models_url)):
            record = self._model(entry, index, known, batch, seen)
            if record is not None:
                batch.models.append(record)
        return batch

    def _model(self, entry: Any, index: int, known: Known, batch: Batch, seen: set[str]) -> ModelRecord | None:
        label = f"data[{index}]"
        if not isinstance(entry, dict):
            batch.rejections.append(Rejection(entry=label, field="-", message=f"not an object: {entry!r:.60}"))
            return None
        model_id = entry.get("id")
        if not isinstance(model_id, str) or not model_id.strip():
            batch.rejections.append(
                Rejection(entry=label, field="id", message=f"missing or not a string: {model_id!r}")
            )
            return None
        model_id = model_id.strip()
        if model_id in seen:
            batch.skip("duplicate id")
            return None
        seen.add(model_id)

        namespace = model_id.split("/", 1)[0] if "/" in model_id else ""
        lab_hint = LAB_HINTS.get(namespace.lower(), "")
        kind = entry.get("type")
        if not isinstance(kind, str) or not kind:
            batch.rejections.append(
                Rejection(
                    entry=model_id,
                    field="type",
                    message=f"missing or not a string ({kind!r}): cannot tell a language model from the rest",
                )
            )
            # Said nothing but the id, so a route stored by an earlier run is kept rather than retired as gone.
            return ModelRecord(external_id=model_id, lab_hint=lab_hint, routes_complete=False, origin=self.models_url)
        if kind != "language":
            batch.skip(f"not a language model: type {kind}")
            return None

        facts: dict[str, Any] = {}
        for key, read in (
            ("name", _text),
            ("released", _release_date),
            ("context_window", _positive_int),
            ("max_tokens", _positive_int),
            ("tags", _tags),
        ):
            try:
                facts[key] = read(entry.get(key))
            except _RowError as exc:
                batch.rejections.append(Rejection(entry=model_id, field=key, message=exc.message))
                facts[key] = None
        context_window, max_output = facts["context_window"], facts["max_tokens"]
        if context_window and max_output and max_output > context_window:
            batch.rejections.append(
                Rejection(
                    entry=model_id,
                    field="max_tokens",
                    message=f"{max_output} output tokens is more than the context window of {context_window}",
                )
            )
            max_output = None

        offering = OfferingRecord(
            provider=PROVIDER,
            provider_model_id=model_id,
            context_window=context_window,
            max_output_tokens=max_output,
        )
        pricing = entry.get("pricing")
        if pricing is None:
            batch.skip("language model without pricing")
            offering.prices_complete = False
        elif not isinstance(pricing, dict):
            batch.rejections.append(
                Rejection(entry=model_id, field="pricing", message=f"not an object: {pricing!r:.60}")
            )
            offering.prices_complete = False
        else:
            offering.prices, offering.prices_complete = self._prices(model_id, pricing, known, batch)

        tags: list[str] | None = facts["tags"]
        capabilities = sorted({TAG_CAPABILITIES[tag] for tag in tags or [] if tag in TAG_CAPABILITIES})
        if any(price.component == "cache_read" and price.usd > 0 for price in offering.prices):
            capabilities = sorted({*capabilities, "prompt_caching"})
        return ModelRecord(
            external_id=model_id,
            lab_hint=lab_hint,
            name=facts["name"],
            release_date=facts["released"],
            input_modalities=_modalities(tags, TAG_INPUT_MODALITIES),
            output_modalities=_modalities(tags, TAG_OUTPUT_MODALITIES),
            # Nothing to add is said as None: an empty list must never read as "has no capabilities".
            capabilities=capabilities or None,
            capabilities_mode="merge",
            offerings=[offering],
            origin=self.models_url,
        )

    def _prices(
        self, model_id: str, pricing: dict[str, Any], known: Known, batch: Batch
    ) -> tuple[list[PriceRecord], bool]:
        """Every price one model lists, and whether all of them could be read."""
        for key in pricing:
            if key not in READ_PRICING_KEYS:
                PRICING_KEYS.count_unread(batch, key)
        prices: list[PriceRecord] = []
        complete = True

        def add(field: str, raw: object, convert: Callable[[object], Decimal], **fields: Any) -> None:
            nonlocal complete
            price = checked_price(
                batch,
                entry=model_id,
                field=field,
                raw=raw,
                convert=convert,
                source_url=self.price_source_url,
                source_name=SOURCE_NAME,
                verified_on=known.as_of,
                **fields,
            )
            if price is None:
                complete = False
            else:
                prices.append(price)

        for key, component in TOKEN_PRICES:
            try:
                base_tier, upper_tiers = _tiers(pricing.get(f"{key}_tiers"), f"pricing.{key}_tiers")
            except _RowError as exc:
                batch.rejections.append(Rejection(entry=model_id, field=exc.field, message=exc.message))
                complete = False
                base_tier, upper_tiers = None, []
            base = base_tier
            if key in pricing:
                base = (f"pricing.{key}", pricing[key])
                if base_tier is not None and (problem := _disagreement(base_tier[1], pricing[key], key)):
                    batch.rejections.append(Rejection(entry=model_id, field=base_tier[0], message=problem))
                    complete = False
            if base is not None:
                field, raw = base
                add(field, raw, per_token_to_per_mtok, component=component, published=f"{_shown(raw)} per token")
            for field, raw, first_token in upper_tiers:
                add(
                    field,
                    raw,
                    per_token_to_per_mtok,
                    component=component,
                    # Vercel's `min` is the first token the tier covers; ours is the count the prompt must exceed.
                    tier_min_tokens=first_token - 1,
                    published=f"{_shown(raw)} per token from {first_token:,} prompt tokens",
                )

        for key, component, unit in UNIT_PRICES:
            if key in pricing:
                add(
                    f"pricing.{key}",
                    pricing[key],
                    per_unit,
                    component=component,
                    unit=unit,
                    published=f"{_shown(pricing[key])} per search",
                )
        return prices, complete


def gateway_provider() -> ProviderRecord:
    """The gateway itself, for a catalog that does not list it yet (the curated file normally does)."""
    return ProviderRecord(
        slug=PROVIDER,
        name="Vercel AI Gateway",
        kind="gateway",
        website_url="https://vercel.com/ai-gateway",
        docs_url="https://vercel.com/docs/ai-gateway",
        pricing_url=MODELS_PAGE_URL,
        api_base_url=DEFAULT_API_URL,
        openai_compatible=True,
    )


def _entries(raw: Any, url: str) -> list[Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), list):
        found = sorted(raw)[:5] if isinstance(raw, dict) else type(raw).__name__
        raise SourceFormatError(f"{url}: expected an object with a `data` list of models, got {found}")
    return raw["data"]


def _tiers(value: Any, path: str) -> tuple[tuple[str, object] | None, list[tuple[str, object, int]]]:
    """(the tier from 0 as (field, cost) or None, [(field, cost, first token) for every higher tier])."""
    if value is None:
        return None, []
    if not isinstance(value, list):
        raise _RowError(path, f"not a list: {value!r:.60}")
    base: tuple[str, object] | None = None
    upper: list[tuple[str, object, int]] = []
    starts: set[int] = set()
    for position, tier in enumerate(value):
        here = f"{path}[{position}]"
        if not isinstance(tier, dict) or "cost" not in tier:
            raise _RowError(here, f"not a {{cost, min, max}} tier: {tier!r:.60}")
        start = tier.get("min", 0)
        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise _RowError(f"{here}.min", f"not a whole number of tokens >= 0: {start!r}")
        if start in starts:
            raise _RowError(f"{here}.min", f"a second tier starting at {start} tokens")
        starts.add(start)
        # A tier from token 0 (or 1: every prompt has one) is the base price, not a long-context tier.
        if start <= 1:
            if base is not None:
                raise _RowError(f"{here}.min", "a second tier covering the first tokens")
            base = (f"{here}.cost", tier["cost"])
        else:
            upper.append((f"{here}.cost", tier["cost"], start))
    return base, sorted(upper, key=lambda tier: tier[2])


def _disagreement(tier_cost: object, base: object, key: str) -> str:
    """Why the tier from 0 tokens does not simply repeat the base price, or "" when it does."""
    try:
        tier_figure = to_decimal(tier_cost)
    except UnitError as exc:
        return str(exc)
    try:
        same = tier_figure == to_decimal(base)
    except UnitError:
        return ""  # the base price itself is unreadable: checked_price names it
    if same:
        return ""
    return f"the tier from 0 tokens ({tier_cost!r}) disagrees with pricing.{key} ({base!r}); pricing.{key} is kept"


def _shown(raw: object) -> str:
    return str(raw)[:PUBLISHED_FIGURE_CHARS]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _RowError("", f"not a string: {value!r:.60}")
    return value.strip() or None


def _positive_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _RowError("", f"not a positive whole number of tokens: {value!r}")
    return value


def _release_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _RowError("", f"not a Unix timestamp: {value!r}")
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        raise _RowError("", f"not a Unix timestamp: {value!r}") from None


def _tags(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise _RowError("", f"not a list of strings: {value!r:.60}")
    return list(dict.fromkeys(value))


def _modalities(tags: list[str] | None, by_tag: dict[str, str]) -> list[str] | None:
    """Text plus what the tags add; None when the model has no tag list at all (the source did not say)."""
    if tags is None:
        return None
    return ["text", *dict.fromkeys(by_tag[tag] for tag in tags if tag in by_tag)]
