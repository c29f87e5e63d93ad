"""The rules a person's edit must pass, shared by the admin's forms and the API's input serializers.

Each function returns {field: message} for what is wrong (empty when all is well), so callers can show every
problem next to its field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from catalog.vocabulary import KNOWLEDGE_CUTOFF_RE, MAX_TOKENS
from providers.models import PriceComponent, PriceUnit, ServiceTier
from providers.pricing.rules import TOKEN_COMPONENTS

# The largest price any writer accepts (a feed's row, a curator's edit): above it, a unit error is far likelier
# than a real price.
MAX_USD_PER_MTOK = Decimal(1000)
MAX_USD_PER_UNIT = Decimal(1000)


def too_many_tokens(tokens: int) -> str:
    return f"{tokens:,} tokens is more than any column holds (at most {MAX_TOKENS:,})."


def price_problems(
    *,
    component: str,
    unit: str | None,
    usd: Decimal | None,
    service_tier: str = ServiceTier.STANDARD,
    tier_min_tokens: int | None = 0,
    context_window: int | None = None,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if component not in PriceComponent.values:
        problems["component"] = f"“{component}” is not a price component ({', '.join(PriceComponent.values)})."
    if not unit:
        problems["unit"] = "Say what the price is per: per_1m_tokens, per_image, per_request, per_search..."
    elif unit not in PriceUnit.values:
        problems["unit"] = f"“{unit}” is not a unit ({', '.join(PriceUnit.values)})."
    elif component in TOKEN_COMPONENTS and unit != PriceUnit.PER_1M_TOKENS:
        problems["unit"] = f"A {component} price is per token: give it per 1M tokens (per_1m_tokens)."
    elif component == PriceComponent.REQUEST and unit != PriceUnit.PER_REQUEST:
        problems["unit"] = "A request price is per request."
    elif component == PriceComponent.WEB_SEARCH and unit != PriceUnit.PER_SEARCH:
        problems["unit"] = "A web-search price is per search."
    if service_tier not in ServiceTier.values:
        problems["service_tier"] = f"“{service_tier}” is not a service tier ({', '.join(ServiceTier.values)})."
    if usd is None:
        problems["usd"] = "A price needs an amount in USD."
    elif not usd.is_finite():
        problems["usd"] = "The amount must be a number."
    elif usd < 0:
        problems["usd"] = "A price cannot be negative."
    else:
        limit = MAX_USD_PER_MTOK if unit == PriceUnit.PER_1M_TOKENS else MAX_USD_PER_UNIT
        if usd > limit:
            problems["usd"] = (
                f"${usd.normalize():f} {unit or ''} is not a plausible price (the limit is ${limit}); "
                "check the unit: token prices are per 1M tokens."
            )
    if tier_min_tokens is not None and tier_min_tokens < 0:
        problems["tier_min_tokens"] = "A tier threshold is a number of prompt tokens, 0 or more."
    elif tier_min_tokens is not None and tier_min_tokens > MAX_TOKENS:
        problems["tier_min_tokens"] = too_many_tokens(tier_min_tokens)
    elif tier_min_tokens and context_window and tier_min_tokens >= context_window:
        problems["tier_min_tokens"] = (
            f"{tier_min_tokens:,} tokens is at or beyond the route's {context_window:,}-token context window: a tier "
            "threshold is the prompt size above which a price applies, not the context window."
        )
    return problems


def model_problems(
    *,
    slug: str | None = None,
    successor_slug: str | None = None,
    knowledge_cutoff: str | None = None,
    context_window: int | None = None,
    max_output_tokens: int | None = None,
    release_date: dt.date | None = None,
    deprecation_date: dt.date | None = None,
    retirement_date: dt.date | None = None,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if successor_slug and slug and successor_slug == slug:
        problems["successor"] = "A model cannot be its own successor."
    if knowledge_cutoff and not KNOWLEDGE_CUTOFF_RE.match(knowledge_cutoff):
        problems["knowledge_cutoff"] = "Write the cutoff as YYYY-MM or YYYY-MM-DD."
    if context_window is not None and context_window <= 0:
        problems["context_window"] = "A context window is a positive number of tokens."
    elif context_window is not None and context_window > MAX_TOKENS:
        problems["context_window"] = too_many_tokens(context_window)
    if max_output_tokens is not None and max_output_tokens <= 0:
        problems["max_output_tokens"] = "Max output is a positive number of tokens."
    elif max_output_tokens is not None and max_output_tokens > MAX_TOKENS:
        problems["max_output_tokens"] = too_many_tokens(max_output_tokens)
    if context_window and max_output_tokens and max_output_tokens > context_window:
        problems["max_output_tokens"] = "Max output cannot exceed the context window."
    if deprecation_date and retirement_date and retirement_date < deprecation_date:
        problems["retirement_date"] = "A model retires on or after the day it is deprecated."
    if release_date and deprecation_date and deprecation_date < release_date:
        problems["deprecation_date"] = "A model is deprecated on or after its release."
    return problems
