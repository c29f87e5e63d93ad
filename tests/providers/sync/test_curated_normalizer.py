"""The curated normalizer: pure, strict, and precise about where each problem is."""

import datetime as dt
import tomllib
from decimal import Decimal

from providers.sync.sources.base import Known
from providers.sync.sources.curated import CuratedFile, normalize_curated

KNOWN = Known(labs=frozenset({"openai"}), providers=frozenset({"openai"}), benchmarks=frozenset({"mmlu"}))
PATH = "data/curated/models/openai.toml"


def normalize(text: str, known: Known = KNOWN):
    return normalize_curated([CuratedFile(PATH, "models", tomllib.loads(text))], known)


MODEL = """
lab = "openai"
[[model]]
slug = "gpt-4o-mini"
name = "GPT-4o mini"
release_date = 2024-07-18
knowledge_cutoff = "2023-10"
context_window = 128000
[[model.route]]
provider = "openai"
provider_model_id = "gpt-4o-mini"
source_url = "https://openai.com/api/pricing/"
verified_at = 2026-08-01
prices = [
  { component = "input", unit = "per_1m_tokens", usd = "0.15" },
  %s
]
"""


def test_it_reads_a_valid_model_with_its_route_and_prices():
    batch = normalize(MODEL % '{ component = "output", unit = "per_1m_tokens", usd = 0.6 }')
    assert batch.rejections == []
    [model] = batch.models
    assert model.slug == "openai/gpt-4o-mini"
    assert model.release_date == dt.date(2024, 7, 18)
    [route] = model.offerings
    assert [(p.component, p.usd) for p in route.prices] == [
        ("input", Decimal("0.15")),
        ("output", Decimal("0.6")),
    ]
    assert route.prices[0].verified_on == dt.date(2026, 8, 1)  # inherited from the route
    assert route.prices_complete


def test_it_rejects_an_unknown_component_and_keeps_the_rest():
    batch = normalize(MODEL % '{ component = "outptu", unit = "per_1m_tokens", usd = "0.6" }')
    [rejection] = batch.rejections
    assert rejection.file == PATH
    assert rejection.entry == "openai/gpt-4o-mini > route openai > price #2 (outptu)"
    assert rejection.field == "component"
    assert "'outptu' is not one of" in rejection.message
    # The model, its route and its valid price still load; the route is marked incomplete.
    [route] = batch.models[0].offerings
    assert [p.component for p in route.prices] == ["input"]
    assert not route.prices_complete


def test_it_rejects_a_negative_price():
    batch = normalize(MODEL % '{ component = "output", unit = "per_1m_tokens", usd = "-0.6" }')
    [rejection] = batch.rejections
    assert (rejection.field, rejection.message) == ("usd", "a price cannot be negative, got '-0.6'")


def test_it_rejects_a_missing_unit():
    batch = normalize(MODEL % '{ component = "output", usd = "0.6" }')
    [rejection] = batch.rejections
    assert (rejection.field, rejection.message) == ("unit", "required")


def test_it_rejects_a_token_price_in_a_non_token_unit():
    batch = normalize(MODEL % '{ component = "output", unit = "per_request", usd = "0.6" }')
    assert batch.rejections[0].field == "unit"
    assert "per_1m_tokens" in batch.rejections[0].message


def test_it_rejects_an_implausible_amount_as_a_unit_error():
    batch = normalize(MODEL % '{ component = "output", unit = "per_1m_tokens", usd = "600000" }')
    assert batch.rejections[0].field == "usd"
    assert "check the unit" in batch.rejections[0].message


def test_it_rejects_a_duplicate_price_key():
    batch = normalize(MODEL % '{ component = "input", unit = "per_1m_tokens", usd = "0.2" }')
    assert batch.rejections[0].field == "component"
    assert "second price" in batch.rejections[0].message


def test_it_rejects_a_model_of_an_unknown_lab():
    batch = normalize(MODEL.replace('lab = "openai"', 'lab = "openia"') % "")
    [rejection] = batch.rejections
    assert batch.models == []
    assert (rejection.entry, rejection.field) == ("openia/gpt-4o-mini", "lab")
    assert "unknown lab 'openia'" in rejection.message


def test_it_rejects_a_route_on_an_unknown_provider():
    batch = normalize((MODEL % "").replace('provider = "openai"', 'provider = "nobody"'))
    assert batch.models[0].offerings == []
    assert batch.rejections[0].field == "provider"


def test_it_refuses_a_typo_in_a_field_name():
    batch = normalize((MODEL % "").replace("context_window", "contex_window"))
    assert batch.models == []
    assert batch.rejections[0].field == "contex_window"
    assert "unknown field" in batch.rejections[0].message


def test_it_requires_provenance_on_every_price():
    text = (MODEL % "").replace('source_url = "https://openai.com/api/pricing/"\n', "")
    batch = normalize(text)
    assert batch.rejections[0].field == "source_url"


def test_it_refuses_a_month_that_does_not_exist_in_a_knowledge_cutoff():
    batch = normalize((MODEL % "").replace('"2023-10"', '"2023-13"'))
    assert batch.rejections[0].field == "knowledge_cutoff"


def test_it_rejects_an_unknown_successor_and_a_self_successor():
    text = (MODEL % "").replace('name = "GPT-4o mini"', 'name = "GPT-4o mini"\nsuccessor = "openai/gpt-9"')
    assert normalize(text).rejections[0].field == "successor"
    text = (MODEL % "").replace('name = "GPT-4o mini"', 'name = "GPT-4o mini"\nsuccessor = "openai/gpt-4o-mini"')
    assert "own successor" in normalize(text).rejections[0].message


def test_it_reports_a_file_that_is_not_toml():
    batch = normalize_curated([CuratedFile(PATH, "models", None, "not valid TOML: line 3")], KNOWN)
    assert batch.rejections[0].file == PATH
    assert batch.rejections[0].entry == "(whole file)"


def test_it_reads_scores_and_rejects_an_unknown_benchmark():
    text = (
        (MODEL % "")
        + """
[[model.score]]
benchmark = "mmlu"
value = "82.0"
source_url = "https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/"
self_reported = true

[[model.score]]
benchmark = "mmlu-pro-typo"
value = "50"
source_url = "https://example.com"
self_reported = false
"""
    )
    batch = normalize(text)
    [score] = batch.models[0].scores
    assert (score.benchmark, score.value, score.self_reported) == ("mmlu", Decimal("82.0"), True)
    assert batch.rejections[0].entry == "openai/gpt-4o-mini > score #2"
    assert batch.rejections[0].field == "benchmark"
