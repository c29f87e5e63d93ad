"""Row-level checks shared by every feed's normalizer: one place decides what is a price."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from providers.sync.records import Batch, PriceRecord, Rejection
from providers.sync.units import UnitError
from providers.validation import MAX_USD_PER_MTOK, MAX_USD_PER_UNIT


def checked_price(
    batch: Batch,
    *,
    entry: str,
    field: str,
    raw: object,
    convert: Callable[[object], Decimal],
    component: str,
    unit: str = "per_1m_tokens",
    **fields: object,
) -> PriceRecord | None:
    """A PriceRecord for `raw` converted with `convert`, or None with a rejection naming `entry` and `field`.

    Refuses non-numbers, NaN and infinities, negatives, and absurd amounts (a unit error upstream)."""
    try:
        usd = convert(raw)
    except UnitError as exc:
        batch.rejections.append(Rejection(entry=entry, field=field, message=str(exc)))
        return None
    if usd < 0:
        batch.rejections.append(Rejection(entry=entry, field=field, message=f"negative price {raw!r}"))
        return None
    limit = MAX_USD_PER_MTOK if unit == "per_1m_tokens" else MAX_USD_PER_UNIT
    if usd > limit:
        batch.rejections.append(
            Rejection(
                entry=entry,
                field=field,
                message=f"{raw!r} is ${usd.normalize():f} {unit}: above ${limit} is a unit error, not a price",
            )
        )
        return None
    # `fields` are PriceRecord's own keyword arguments (service tier, threshold, provenance), passed through.
    return PriceRecord(component=component, unit=unit, usd=usd, **fields)  # type: ignore[arg-type]


# How a run counts a pricing key it reads past: a deliberate skip, or a key nobody has looked at yet. The run's notes
# list the unknown ones (providers/sync/run.py), so a curator sees a new kind of price the day it appears.
SKIPPED_PRICE_KEY = "price key skipped: "
UNKNOWN_PRICE_KEY = "unknown price key: "


def _same_key(key: str) -> str:
    return key


@dataclass(frozen=True)
class PriceKeys:
    """One source's pricing keys: each is mapped to a price component or deliberately skipped, with the reason.

    docs/sources/<name>.md lists both sets, and tests/providers/sync/test_price_keys.py fails when the real data
    holds a key that is neither. `family` folds a key's condition suffixes away (LiteLLM's `_above_200k_tokens`,
    `_priority`...) so that a known price at a new threshold stays known; a skipped entry covers every key whose
    family starts with it (`output_cost_per_second` covers `output_cost_per_second_1080p`)."""

    mapped: frozenset[str]
    skipped: Mapping[str, str] = field(default_factory=dict)
    family: Callable[[str], str] = _same_key

    def status(self, key: str) -> str:
        """'mapped', 'skipped' or 'unknown'."""
        family = self.family(key)
        if family in self.mapped:
            return "mapped"
        if any(family == skipped or family.startswith(skipped) for skipped in self.skipped):
            return "skipped"
        return "unknown"

    def count_unread(self, batch: Batch, key: str) -> None:
        """Count a key the normalizer did not read: a listed skip, or an unknown key the run's notes will name."""
        if self.status(key) == "unknown":
            batch.skip(f"{UNKNOWN_PRICE_KEY}{key}")
        else:
            batch.skip(f"{SKIPPED_PRICE_KEY}{key}")


def unknown_price_keys(skipped: Mapping[str, int]) -> dict[str, int]:
    """The unknown pricing keys a batch met, with how many rows stated each."""
    prefix = UNKNOWN_PRICE_KEY
    return {reason.removeprefix(prefix): n for reason, n in skipped.items() if reason.startswith(prefix)}


# Providers every feed may name, with the kind a feed cannot tell: used to create a provider's row when a feed
# meets it before the curated files do (an empty catalog). A feed only fills fields a curator left empty.
WELL_KNOWN_PROVIDERS: dict[str, tuple[str, str]] = {
    "openai": ("OpenAI API", "first_party"),
    "anthropic": ("Anthropic API", "first_party"),
    "google-ai-studio": ("Google AI Studio (Gemini API)", "first_party"),
    "mistral": ("Mistral AI", "first_party"),
    "deepseek": ("DeepSeek API", "first_party"),
    "xai": ("xAI API", "first_party"),
    "dashscope": ("Alibaba Cloud Model Studio", "first_party"),
    "cohere": ("Cohere API", "first_party"),
    "azure-openai": ("Azure OpenAI", "cloud"),
    "google-vertex": ("Google Vertex AI", "cloud"),
    "aws-bedrock": ("Amazon Bedrock", "cloud"),
    "groq": ("Groq", "inference_host"),
    "together": ("Together AI", "inference_host"),
    "fireworks": ("Fireworks AI", "inference_host"),
    "openrouter": ("OpenRouter", "gateway"),
    "vercel-ai-gateway": ("Vercel AI Gateway", "gateway"),
}
