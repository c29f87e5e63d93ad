"""The pricing rules, written once: every page, list, API answer, sync and edit reads them from here.

- Token components are priced per 1M tokens (the database checks it: providers.models.Price).
- A headline price is a standard-tier, base-threshold price. A free (rate-limited) offer is never one: a route
  whose only price is free is not a paid route, so it is never anyone's cheapest route.
- The 3:1 blend: (3 x input + output) / 4, a missing output counting as 0, at the columns' nine decimal places.
- The order of routes by cost, and the tie-break between equal costs: the lab's own API first, then clouds,
  inference hosts and gateways; then by provider name, then by model name (when routes of several models are
  ranked together), then the oldest route. The CheapestRoute table (summaries), the model page's price ladder,
  the workload ranking (costing, ranking) and so every list, compare, calculator and leaderboard agree.
- How a price is named in change events and disagreements ("cache read (batch) above 200,000 tokens").

This module imports nothing from the project, so that the models themselves can read it.
"""

from __future__ import annotations

from decimal import Decimal

# The columns' precision: nine decimal places of a dollar per unit (1e-15 USD per token).
USD_QUANTUM = Decimal("0.000000001")

# Components billed per token, hence stored per 1M tokens.
TOKEN_COMPONENTS = frozenset({"input", "output", "cache_read", "cache_write_5m", "cache_write_1h", "reasoning"})

# The service tier and threshold of a headline price. FREE ("free") offers are rate-limited, never a paid price.
HEADLINE_SERVICE_TIER = "standard"
HEADLINE_TIER_MIN_TOKENS = 0

# Provider kinds in the order that breaks a tie between equal prices (providers.models.Provider.Kind values).
KIND_ORDER = ("first_party", "cloud", "inference_host", "gateway")

# What breaks a tie between equal costs: (kind rank, provider name, model name, route id).
TieBreak = tuple[int, str, str, int]


def kind_rank(kind: str) -> int:
    """A provider kind's place in KIND_ORDER; an unknown kind comes after every known one."""
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def blended_usd(input_usd: Decimal, output_usd: Decimal | None) -> Decimal:
    """(3 x input + output) / 4, the usual chat workload; a missing output counts as 0."""
    return ((input_usd * 3 + (output_usd or Decimal(0))) / 4).quantize(USD_QUANTUM)


def tie_break(*, kind: str, provider_name: str, route_id: int, model_name: str = "") -> TieBreak:
    """The order of routes whose costs are equal. `model_name` matters only when routes of several models are
    ranked together; for one model's routes it is the same for all of them, so leaving it empty is the same rule."""
    return (kind_rank(kind), provider_name, model_name, route_id)


def price_label(component: str, service_tier: str, tier_min_tokens: int) -> str:
    """'input', 'cache read (batch)', 'output above 200,000 tokens': a price named in events and disagreements."""
    label = component.replace("_", " ")
    if service_tier != HEADLINE_SERVICE_TIER:
        label += f" ({service_tier})"
    if tier_min_tokens:
        label += f" above {tier_min_tokens:,} tokens"
    return label
