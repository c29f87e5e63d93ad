"""Other tools' price keys, in one place: read by the sync adapters (providers/sync/sources/litellm.py, modelsdev.py)
and written, inverted, by the cost-map exports (integrations/exports.py). Plain strings (our component and unit
values), so both sides import this without importing each other."""

from __future__ import annotations

# LiteLLM: one price key is a base, then optionally `_above_1hr` (the 1-hour cache write), a prompt-size tier
# (`_above_<N>k_tokens`) and a service tier (`_batches`, `_flex`, `_priority`), in that order.
# Base key -> (our component, our unit). Token prices are per token in LiteLLM, per 1M tokens with us.
LITELLM_PRICE_BASES: dict[str, tuple[str, str]] = {
    "input_cost_per_token": ("input", "per_1m_tokens"),
    "output_cost_per_token": ("output", "per_1m_tokens"),
    "cache_read_input_token_cost": ("cache_read", "per_1m_tokens"),
    "cache_creation_input_token_cost": ("cache_write_5m", "per_1m_tokens"),
    "output_cost_per_reasoning_token": ("reasoning", "per_1m_tokens"),
    "input_cost_per_audio_token": ("input_audio", "per_1m_tokens"),
    "output_cost_per_audio_token": ("output_audio", "per_1m_tokens"),
    "input_cost_per_image": ("input_image", "per_image"),
    "input_cost_per_image_token": ("input_image", "per_1m_tokens"),
    "output_cost_per_image": ("output_image", "per_image"),
    "output_cost_per_image_token": ("output_image", "per_1m_tokens"),
    "cache_read_input_audio_token_cost": ("input_audio_cache", "per_1m_tokens"),
    "input_cost_per_request": ("request", "per_request"),
}
# The 1-hour cache write: the 5-minute write's key with this marker (not a context tier).
LITELLM_ONE_HOUR_MARKER = "_above_1hr"
LITELLM_ONE_HOUR_COMPONENT = "cache_write_1h"
# LiteLLM's service-tier suffix (None: no suffix) -> our service tier.
LITELLM_SERVICE_TIERS: dict[str | None, str] = {
    None: "standard",
    "batches": "batch",
    "flex": "flex",
    "priority": "priority",
}
# LiteLLM's `supports_*` flag -> our capability.
LITELLM_CAPABILITY_FLAGS: dict[str, str] = {
    "supports_function_calling": "tool_calling",
    "supports_parallel_function_calling": "parallel_tool_calls",
    "supports_response_schema": "structured_output",
    "supports_vision": "vision",
    "supports_prompt_caching": "prompt_caching",
    "supports_reasoning": "reasoning",
    "supports_web_search": "web_search",
    "supports_computer_use": "computer_use",
    "supports_audio_input": "audio_input",
    "supports_audio_output": "audio_output",
    "supports_pdf_input": "pdf_input",
}

# models.dev cost key (USD per 1M tokens) -> our price component. `cache_write` is one figure: the default (5-minute)
# cache write.
MODELSDEV_COST_COMPONENTS: dict[str, str] = {
    "input": "input",
    "output": "output",
    "cache_read": "cache_read",
    "cache_write": "cache_write_5m",
    "reasoning": "reasoning",
    "input_audio": "input_audio",
    "output_audio": "output_audio",
}
