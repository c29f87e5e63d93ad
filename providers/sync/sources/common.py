"""Row-level checks shared by every feed's normalizer: one place decides what is a price."""

from __future__ import annotations

from collections.abc import Callable
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
