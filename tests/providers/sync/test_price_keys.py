"""Every pricing key a source publishes is accounted for: mapped to a price component, or listed (with its reason)
as deliberately skipped, in the code and in docs/sources/<name>.md. A key that is neither fails here, on the real
files in ../shared/data, and a run meeting one names it in its notes."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.sync.run import run_sync
from providers.sync.sources import curated, litellm, modelsdev, openrouter, vercel
from providers.sync.sources.common import PriceKeys, unknown_price_keys
from tests.conftest import FIXTURES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "sources"


def _openrouter_keys(body: Any) -> Iterator[str]:
    """Every key of every `pricing` object, overrides included, wherever it sits in a payload or spec example."""
    if isinstance(body, dict):
        for name, value in body.items():
            if name == "pricing" and isinstance(value, dict):
                yield from value
                for override in value.get("overrides") or []:
                    yield from override if isinstance(override, dict) else ()
            else:
                yield from _openrouter_keys(value)
    elif isinstance(body, list):
        for item in body:
            yield from _openrouter_keys(item)


def _litellm_keys(body: dict[str, Any]) -> Iterator[str]:
    for entry in body.values():
        if isinstance(entry, dict):
            yield from (key for key in entry if litellm.is_price_key(key))
            for tier in entry.get("tiered_pricing") or []:
                yield from (key for key in tier if key != "range")


def _modelsdev_keys(body: dict[str, Any]) -> Iterator[str]:
    for provider in body.values():
        for model in provider.get("models", {}).values():
            cost = model.get("cost")
            if isinstance(cost, dict):
                yield from cost
                for tier in cost.get("tiers") or []:
                    yield from tier
                yield from cost.get(modelsdev.LEGACY_TIER_KEY) or {}


def _unknown(keys: PriceKeys, found: Iterator[str]) -> set[str]:
    return {key for key in found if keys.status(key) == "unknown"}


def test_every_openrouter_pricing_key_in_the_real_files_is_mapped_or_skipped(shared_data):
    for name in ("models-2026-05-15.json", "openapi-examples-and-enums.json"):
        body = json.loads((shared_data / "openrouter" / name).read_text())
        assert _unknown(openrouter.PRICING_KEYS, _openrouter_keys(body)) == set(), name


def test_every_litellm_pricing_key_in_the_real_files_is_mapped_or_skipped(shared_data):
    for path in sorted((shared_data / "litellm").glob("*.json")):
        body = json.loads(path.read_text())
        assert _unknown(litellm.PRICING_KEYS, _litellm_keys(body)) == set(), path.name


def test_every_modelsdev_cost_key_in_the_real_file_is_mapped_or_skipped(shared_data):
    body = json.loads((shared_data / "modelsdev" / "api-derived-subset.json").read_text())
    assert _unknown(modelsdev.PRICING_KEYS, _modelsdev_keys(body)) == set()


def test_every_vercel_pricing_key_recorded_is_mapped_or_skipped():
    body = json.loads((FIXTURES / "vercel" / "models.json").read_text())
    found = (key for entry in body["data"] for key in (entry.get("pricing") or {}))
    assert _unknown(vercel.PRICING_KEYS, found) == set()


def test_every_curated_price_key_and_component_is_known():
    data_dir = Path(__file__).resolve().parents[3] / "data" / "curated"
    for path in sorted(data_dir.rglob("*.toml")):
        for model in tomllib.loads(path.read_text()).get("model", []):
            for route in model.get("route", []):
                for price in route.get("prices", []):
                    assert set(price) <= curated.PRICE_KEYS, (path.name, set(price) - curated.PRICE_KEYS)
                    assert price["component"] in curated.COMPONENTS


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("openrouter", openrouter.PRICING_KEYS),
        ("litellm", litellm.PRICING_KEYS),
        ("modelsdev", modelsdev.PRICING_KEYS),
        ("vercel", vercel.PRICING_KEYS),
        ("curated", curated.PRICING_KEYS),
    ],
)
def test_each_source_page_lists_its_mapped_and_skipped_keys(name, keys):
    page = (DOCS / f"{name}.md").read_text()
    missing = sorted(key for key in [*keys.mapped, *keys.skipped] if f"`{key}" not in page)
    assert missing == [], f"docs/sources/{name}.md does not list {missing}"


def test_a_litellm_key_at_a_new_threshold_or_tier_stays_known_and_a_new_key_does_not():
    assert litellm.PRICING_KEYS.status("input_cost_per_token_above_1m_tokens_flex") == "mapped"
    assert litellm.PRICING_KEYS.status("output_cost_per_second_4k") == "skipped"
    assert litellm.PRICING_KEYS.status("output_cost_per_hologram") == "unknown"


def test_a_run_names_the_unknown_pricing_keys_in_its_notes(load_fixture_catalog, payload_server, settings):
    load_fixture_catalog()
    payload_server.add(
        "/litellm.json",
        {
            "gpt-4o-mini": {
                "litellm_provider": "openai",
                "mode": "chat",
                "input_cost_per_token": 1.5e-07,
                "output_cost_per_token": 6e-07,
                "output_cost_per_hologram": 0.5,
                "input_cost_per_second": 0.01,
            }
        },
    )
    settings.LITELLM_PRICES_URL = f"{payload_server.url}/litellm.json"
    run = run_sync("litellm")
    assert run.status == "succeeded", run.error
    assert unknown_price_keys(run.skipped) == {"output_cost_per_hologram": 1}
    assert any("unknown pricing keys" in note and "output_cost_per_hologram (1)" in note for note in run.notes)
    assert "input_cost_per_second" not in " ".join(run.notes)
