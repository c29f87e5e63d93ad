"""Synthetic source payloads in the real shapes, at the real sources' sizes, for the sync benchmark."""

from __future__ import annotations

import random


def openrouter(models: int = 400, endpoints: int = 5, *, seed: int = 7) -> tuple[dict, dict[str, dict]]:
    """An OpenRouter `/models` body and, per model, its `/endpoints` body (`models` x `endpoints` routes)."""
    rng = random.Random(seed)
    hosts = [
        "openai",
        "azure",
        "together",
        "fireworks",
        "groq",
        "deepinfra",
        "novita",
        "parasail",
        "lambda",
        "nebius",
        "baseten",
        "cerebras",
    ]
    data, bodies = [], {}
    for i in range(models):
        model_id = f"bench-lab-{i % 40}/or-model-{i}"
        prompt = rng.choice(["0.0000001", "0.00000015", "0.0000005", "0.000001", "0.000003"])
        pricing = {"prompt": prompt, "completion": str(float(prompt) * 4), "input_cache_read": str(float(prompt) / 10)}
        data.append(
            {
                "id": model_id,
                "canonical_slug": model_id,
                "name": f"Bench Lab {i % 40}: Model {i}",
                "created": 1_730_000_000,
                "description": "A synthetic model.",
                "context_length": 131072,
                "architecture": {
                    "modality": "text->text",
                    "input_modalities": ["text"],
                    "output_modalities": ["text"],
                    "tokenizer": "Other",
                    "instruct_type": None,
                },
                "pricing": pricing,
                "top_provider": {"context_length": 131072, "max_completion_tokens": 16384, "is_moderated": False},
                "per_request_limits": None,
                "supported_parameters": ["max_tokens", "temperature", "tools"],
                "knowledge_cutoff": None,
                "expiration_date": None,
                "links": {"details": f"/api/v1/models/{model_id}/endpoints"},
            }
        )
        bodies[f"/api/v1/models/{model_id}/endpoints"] = {
            "data": {
                "id": model_id,
                "name": f"Model {i}",
                "endpoints": [
                    {
                        "name": f"{host} | {model_id}",
                        "model_id": model_id,
                        "context_length": 131072,
                        "pricing": {"prompt": prompt, "completion": str(float(prompt) * 4)},
                        "provider_name": host.title(),
                        "tag": host,
                        "quantization": rng.choice(["fp8", "bf16", "unknown"]),
                        "max_completion_tokens": 16384,
                        "status": 0,
                        "uptime_last_1d": 99.5,
                        "latency_last_30m": {"p50": 0.4},
                        "throughput_last_30m": {"p50": 80},
                    }
                    for host in rng.sample(hosts, endpoints)
                ],
            }
        }
    return {"data": data}, bodies


def litellm(entries: int = 3000, *, seed: int = 11) -> dict:
    """A LiteLLM price map of `entries` chat entries over the providers the catalog tracks."""
    rng = random.Random(seed)
    prefixes = ["", "azure/", "groq/", "together_ai/", "mistral/", "deepseek/", "xai/", "openrouter/", "gemini/"]
    providers = {
        "": "openai",
        "azure/": "azure",
        "groq/": "groq",
        "together_ai/": "together_ai",
        "mistral/": "mistral",
        "deepseek/": "deepseek",
        "xai/": "xai",
        "openrouter/": "openrouter",
        "gemini/": "gemini",
    }
    body = {"sample_spec": {"litellm_provider": "one of https://docs.litellm.ai/docs/providers", "mode": "chat"}}
    for i in range(entries):
        prefix = prefixes[i % len(prefixes)]
        cost = rng.choice([1e-07, 1.5e-07, 5e-07, 1e-06, 3e-06])
        body[f"{prefix}bench-model-{i}"] = {
            "litellm_provider": providers[prefix],
            "mode": "chat",
            "max_input_tokens": 128000,
            "max_output_tokens": 16384,
            "input_cost_per_token": cost,
            "output_cost_per_token": cost * 4,
            "cache_read_input_token_cost": cost / 10,
            "supports_function_calling": True,
        }
    return body
