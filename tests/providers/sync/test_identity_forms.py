"""The id-forms table: real ids from every source -> the canonical model they name (and the snapshot it is, if any).

The catalog here holds canonical slugs only, no aliases (except the two curated ones named below): these rows are
placed by the identity rules themselves, so a new feed's ids in the same forms match without a curator."""

import pytest

from providers.sync.identity import SNAPSHOT_RE, resolve_identities
from providers.sync.records import Batch, ModelRecord
from providers.sync.sources import get_source
from providers.sync.sources.base import Known
from providers.sync.sources.epoch import run_settings
from providers.sync.sources.metr import tidy_key

MODELS = frozenset(
    {
        "anthropic/claude-opus-4",
        "anthropic/claude-opus-4-1",
        "anthropic/claude-sonnet-4",
        "anthropic/claude-sonnet-4-5",
        "anthropic/claude-haiku-4-5",
        "anthropic/claude-3-7-sonnet",
        "anthropic/claude-3-5-sonnet",
        "anthropic/claude-3-5-haiku",
        "anthropic/claude-3-haiku",
        "openai/gpt-4o",
        "openai/gpt-4o-mini",
        "openai/gpt-4.1",
        "openai/gpt-5",
        "openai/o3",
        "openai/gpt-3.5-turbo",
        "openai/gpt-oss-120b",
        "openai/gpt-4-1106-preview",
        "google/gemini-2.5-pro",
        "google/gemini-2.5-flash",
        "google/gemini-3-pro-preview",
        "meta/llama-3.1-70b-instruct",
        "meta/llama-3.3-70b-instruct",
        "meta/llama-3-70b-instruct",
        "amazon/nova-pro",
        "amazon/nova-lite",
        "deepseek/deepseek-v3.1",
        "deepseek/deepseek-v3.2",
        "moonshot/kimi-k2.5",
        "moonshot/kimi-k2-0905",
        "xai/grok-4",
        "z-ai/glm-4.6",
        "qwen/qwen3-32b",
        "qwen/qwen3-max",
        "qwen/qwen-2.5-72b-instruct",
        "qwen/qwen3-235b-a22b-instruct-2507",
        "cohere/command-a",
        "mistral/mistral-large-2407",
        "mistral/mixtral-8x22b-instruct",
    }
)
KNOWN = Known(
    labs=frozenset(slug.split("/")[0] for slug in MODELS),
    models=MODELS,
    aliases={
        ("metr", "gemini_3_pro"): "google/gemini-3-pro-preview",
        ("epoch", "claude-haiku-4-5-20251001_32K"): "anthropic/claude-haiku-4-5",
    },
)
SNAP = "snapshot"  # the id is a dated snapshot model, linked to its undated model

# (source, id as the source publishes it, canonical slug, SNAP when that is a snapshot of its undated model or "")
FORMS = [
    # Bedrock: region prefixes, vendor, -v1:0 (LiteLLM keys)
    ("litellm", "bedrock/us.anthropic.claude-opus-4-20250514-v1:0", "anthropic/claude-opus-4-20250514", SNAP),
    ("litellm", "eu.anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic/claude-3-5-sonnet-20240620", SNAP),
    ("litellm", "apac.anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic/claude-3-7-sonnet-20250219", SNAP),
    ("litellm", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic/claude-sonnet-4-5-20250929", SNAP),
    ("litellm", "anthropic.claude-3-haiku-20240307-v1:0", "anthropic/claude-3-haiku-20240307", SNAP),
    (
        "litellm",
        "bedrock/us-gov-east-1/anthropic.claude-3-5-sonnet-20240620-v1:0",
        "anthropic/claude-3-5-sonnet-20240620",
        SNAP,
    ),
    ("litellm", "bedrock/meta.llama3-1-70b-instruct-v1:0", "meta/llama-3.1-70b-instruct", ""),
    ("litellm", "us.meta.llama3-3-70b-instruct-v1:0", "meta/llama-3.3-70b-instruct", ""),
    ("litellm", "bedrock/amazon.nova-pro-v1:0", "amazon/nova-pro", ""),
    ("litellm", "us.amazon.nova-lite-v1:0", "amazon/nova-lite", ""),
    ("litellm", "openai.gpt-oss-120b-1:0", "openai/gpt-oss-120b", ""),
    # Vertex: @date and @default
    ("litellm", "vertex_ai/claude-opus-4@20250514", "anthropic/claude-opus-4-20250514", SNAP),
    ("litellm", "vertex_ai/claude-3-7-sonnet@20250219", "anthropic/claude-3-7-sonnet-20250219", SNAP),
    ("litellm", "vertex_ai/claude-sonnet-4-5@default", "anthropic/claude-sonnet-4-5", ""),
    ("litellm", "anthropic.claude-haiku-4-5@20251001", "anthropic/claude-haiku-4-5-20251001", SNAP),
    ("litellm", "vertex_ai/gemini-2.5-pro", "google/gemini-2.5-pro", ""),
    ("litellm", "vertex_ai/mistral-large@2407", "mistral/mistral-large-2407", ""),
    ("litellm", "accounts/fireworks/models/mixtral-8x22b-instruct-hf", "mistral/mixtral-8x22b-instruct", ""),
    # Fireworks: accounts/fireworks/models/ and p for the dot
    ("litellm", "fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct", "meta/llama-3.1-70b-instruct", ""),
    ("litellm", "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct", "meta/llama-3.3-70b-instruct", ""),
    ("litellm", "fireworks_ai/accounts/fireworks/models/kimi-k2p5", "moonshot/kimi-k2.5", ""),
    ("litellm", "fireworks_ai/accounts/fireworks/models/deepseek-v3p1", "deepseek/deepseek-v3.1", ""),
    ("litellm", "fireworks_ai/accounts/fireworks/models/deepseek-v3p2", "deepseek/deepseek-v3.2", ""),
    ("litellm", "fireworks_ai/accounts/fireworks/models/gpt-oss-120b", "openai/gpt-oss-120b", ""),
    ("litellm", "fireworks_ai/accounts/fireworks/models/qwen2p5-72b-instruct", "qwen/qwen-2.5-72b-instruct", ""),
    # Azure
    ("litellm", "azure/gpt-35-turbo", "openai/gpt-3.5-turbo", ""),
    ("litellm", "azure/gpt-4o-mini", "openai/gpt-4o-mini", ""),
    ("litellm", "azure/eu/gpt-4o-2024-08-06", "openai/gpt-4o-2024-08-06", SNAP),
    ("modelsdev", "cohere-command-a", "cohere/command-a", ""),
    # z-ai and zai, ~vendor namespaces, lab namespaces
    ("openrouter", "z-ai/glm-4.6", "z-ai/glm-4.6", ""),
    ("vercel", "zai/glm-4.6", "z-ai/glm-4.6", ""),
    ("litellm", "vercel_ai_gateway/zai/glm-4.6", "z-ai/glm-4.6", ""),
    ("openrouter", "x-ai/grok-4", "xai/grok-4", ""),
    ("openrouter", "~x-ai/grok-4", "xai/grok-4", ""),
    ("openrouter", "~moonshotai/kimi-k2.5", "moonshot/kimi-k2.5", ""),
    ("openrouter", "moonshotai/kimi-k2-0905", "moonshot/kimi-k2-0905", ""),
    ("vercel", "alibaba/qwen3-max", "qwen/qwen3-max", ""),
    ("vercel", "anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4-5", ""),
    # variants and pointers
    ("openrouter", "meta-llama/llama-3.3-70b-instruct:free", "meta/llama-3.3-70b-instruct", ""),
    ("openrouter", "anthropic/claude-3.7-sonnet:thinking", "anthropic/claude-3-7-sonnet", ""),
    ("openrouter", "anthropic/claude-3.5-sonnet", "anthropic/claude-3-5-sonnet", ""),
    ("openrouter", "openai/gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini-2024-07-18", SNAP),
    ("litellm", "claude-3-7-sonnet-latest", "anthropic/claude-3-7-sonnet", ""),
    ("litellm", "claude-3-5-haiku-latest", "anthropic/claude-3-5-haiku", ""),
    ("litellm", "openrouter/anthropic/claude-3.5-sonnet", "anthropic/claude-3-5-sonnet", ""),
    # Epoch: run settings (effort, thinking budget) and dates fold onto the undated model
    ("epoch", "claude-opus-4-20250514_32K", "anthropic/claude-opus-4", ""),
    ("epoch", "claude-opus-4-1-20250805_16K", "anthropic/claude-opus-4-1", ""),
    ("epoch", "claude-sonnet-4-5-20250929_59K", "anthropic/claude-sonnet-4-5", ""),
    ("epoch", "claude-haiku-4-5-20251001_32K", "anthropic/claude-haiku-4-5", ""),  # a curator's alias, as published
    ("epoch", "o3-2025-04-16_high", "openai/o3", ""),
    ("epoch", "gpt-5-2025-08-07_minimal", "openai/gpt-5", ""),
    ("epoch", "gpt-4.1-2025-04-14", "openai/gpt-4.1", ""),
    ("epoch", "gpt-4o-2024-11-20", "openai/gpt-4o", ""),
    ("epoch", "DeepSeek-V3.1_thinking", "deepseek/deepseek-v3.1", ""),
    ("epoch", "Llama-3.3-70B-Instruct", "meta/llama-3.3-70b-instruct", ""),
    ("epoch", "Meta-Llama-3-70B-Instruct", "meta/llama-3-70b-instruct", ""),
    ("epoch", "qwen2.5-72b-instruct", "qwen/qwen-2.5-72b-instruct", ""),
    ("epoch", "Qwen3-32B", "qwen/qwen3-32b", ""),
    ("epoch", "amazon.nova-pro-v1:0", "amazon/nova-pro", ""),
    ("epoch", "gemini-2.5-pro", "google/gemini-2.5-pro", ""),
    # METR keys: the key as published first (curated aliases), then tidied
    ("metr", "claude_4_opus_inspect", "anthropic/claude-opus-4", ""),
    ("metr", "claude_4_1_opus_inspect", "anthropic/claude-opus-4-1", ""),
    ("metr", "claude_3_7_sonnet_inspect", "anthropic/claude-3-7-sonnet", ""),
    ("metr", "claude_3_5_sonnet_20241022_inspect", "anthropic/claude-3-5-sonnet", ""),
    ("metr", "gpt_5_2025_08_07_inspect", "openai/gpt-5", ""),
    ("metr", "gpt_4o_inspect", "openai/gpt-4o", ""),
    ("metr", "o3_inspect", "openai/o3", ""),
    ("metr", "gpt_4_1106_inspect", "openai/gpt-4-1106-preview", ""),
    ("metr", "gemini_3_pro", "google/gemini-3-pro-preview", ""),  # a curator's alias, as published
]


def record_for(source: str, external_id: str) -> ModelRecord:
    """The record each source's normalizer makes of the id (its own tidied `match_id` included)."""
    if source == "epoch":
        model_id, _ = run_settings(external_id)
        return ModelRecord(external_id=external_id, match_id=model_id if model_id != external_id else "")
    if source == "metr":
        return ModelRecord(external_id=external_id, match_id=tidy_key(external_id))
    return ModelRecord(external_id=external_id)


def test_the_table_holds_50_real_forms_from_every_source():
    assert len(FORMS) >= 50
    assert {source for source, *_ in FORMS} == {"litellm", "modelsdev", "openrouter", "vercel", "epoch", "metr"}


@pytest.mark.parametrize(("source", "external_id", "slug", "snapshot_of"), FORMS)
def test_each_id_form_names_its_canonical_model(source, external_id, slug, snapshot_of):
    spec = get_source(source)
    batch = Batch(models=[record_for(source, external_id)])
    resolve_identities(
        batch,
        KNOWN,
        source=source,
        creates_models=False,
        creates_snapshots=getattr(spec, "creates_snapshots", True),
    )
    assert batch.unmatched == [], batch.unmatched
    [record] = batch.models
    undated = SNAPSHOT_RE.sub(r"\g<base>", slug.split("/")[1]) if snapshot_of == SNAP else ""
    assert (record.slug, record.snapshot_of) == (slug, f"{slug.split('/')[0]}/{undated}" if undated else "")
    assert (source, external_id) in record.aliases  # the id as published is what the alias table keeps


@pytest.mark.parametrize(
    "external_id",
    ["bedrock/us.anthropic.claude-2-v1:0", "fireworks_ai/accounts/fireworks/models/mixtral-8x22b", "gpt-4o-mini-0905"],
)
def test_an_absent_model_stays_unmatched(external_id):
    batch = Batch(models=[record_for("litellm", external_id)])
    resolve_identities(batch, KNOWN, source="litellm", creates_models=False)
    assert batch.models == []
    assert [u.external_id for u in batch.unmatched] == [external_id]
