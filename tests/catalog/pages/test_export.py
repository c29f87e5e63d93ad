import json

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.pages.export import iter_export_json
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "export-format.schema.json").read_text())


def test_the_export_matches_its_schema(load_fixture_catalog):
    load_fixture_catalog()
    document = json.loads("".join(iter_export_json()))
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["format_version"] == "1.0"
    assert [m["slug"] for m in document["models"]] == [
        "anthropic/claude-sonnet-4-5",
        "openai/gpt-3.5-turbo",
        "openai/gpt-4o-mini",
    ]


def test_the_export_keeps_money_as_decimal_strings_with_provenance(load_fixture_catalog):
    load_fixture_catalog()
    document = json.loads("".join(iter_export_json()))
    mini = next(m for m in document["models"] if m["slug"] == "openai/gpt-4o-mini")
    openai = next(o for o in mini["offerings"] if o["provider"] == "openai")
    by_key = {(p["component"], p["service_tier"]): p for p in openai["prices"]}
    assert by_key[("input", "standard")]["usd"] == "0.15"
    assert by_key[("cache_read", "standard")]["usd"] == "0.075"
    assert by_key[("input", "batch")]["usd"] == "0.075"
    assert by_key[("input", "standard")]["verified_at"] == "2026-08-01"
    assert by_key[("input", "standard")]["published"] == "1.5e-07 per token"
    assert by_key[("input", "standard")]["tier_min_tokens"] is None
    sonnet = document["models"][0]
    tiers = sorted(p["tier_min_tokens"] for p in sonnet["offerings"][0]["prices"] if p["tier_min_tokens"])
    assert tiers == [200000, 200000]
    assert {"source": "openrouter", "id": "openai/gpt-4o-mini-2024-07-18"} in mini["aliases"]
    assert {(s["benchmark"], s["value"], s["self_reported"]) for s in mini["scores"]} == {
        ("mmlu", "82", True),
        ("lmarena-text", "1235", False),
    }


def test_the_export_of_an_empty_catalog_is_valid(db):
    document = json.loads("".join(iter_export_json()))
    jsonschema.validate(document, SCHEMA)
    assert document["models"] == []


def test_the_command_writes_a_file(load_fixture_catalog, tmp_path, capsys):
    load_fixture_catalog()
    target = tmp_path / "catalog.json"
    call_command("exportcatalog", "--output", str(target))
    assert len(json.loads(target.read_text())["models"]) == 3
    assert "wrote 3 models" in capsys.readouterr().err
    assert not (tmp_path / "catalog.json.partial").exists()


def test_the_command_refuses_a_missing_directory(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("exportcatalog", "--output", str(tmp_path / "nope" / "catalog.json"))


def test_catalogstats_prints_counts(load_fixture_catalog, capsys):
    load_fixture_catalog()
    call_command("catalogstats", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "labs": 2,
        "models": 3,
        "providers": 4,
        "offerings": 4,
        "prices": 16,
        "price_history_rows": 16,
        "benchmarks": 2,
        "scores": 2,
    }


def test_the_command_writes_csv_one_row_per_price(load_fixture_catalog, tmp_path, capsys):
    import csv

    load_fixture_catalog()
    target = tmp_path / "prices.csv"
    call_command("exportcatalog", "--format", "csv", "--output", str(target))
    rows = list(csv.DictReader(target.open()))
    assert len(rows) == 16
    assert {"model": "openai/gpt-4o-mini", "provider": "openai", "component": "input", "usd": "0.15"}.items() <= next(
        r for r in rows if r["provider"] == "openai" and r["component"] == "input" and r["service_tier"] == "standard"
    ).items()
    assert "wrote 17 rows" in capsys.readouterr().err
