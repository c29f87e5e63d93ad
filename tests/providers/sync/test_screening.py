"""The screening step every batch passes before the upsert (providers/sync/screening.py): pure, no database."""

import datetime as dt
from decimal import Decimal

import pytest

from catalog.vocabulary import MAX_TOKENS
from providers.sync.records import (
    Batch,
    LabRecord,
    ModelRecord,
    OfferingRecord,
    PriceRecord,
    ProviderRecord,
    Rejection,
    UnmatchedRecord,
)
from providers.sync.screening import clean_line, clean_text, is_http_url, screen_batch


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "//example.com/path",
        "/relative/path",
        "https://exa mple.com/",
        "https://",
        "https://example.com/" + "x" * 500,
    ],
)
def test_it_refuses_every_url_but_an_absolute_http_one(url):
    assert not is_http_url(url)


@pytest.mark.parametrize(
    "url", ["https://example.com", "http://127.0.0.1:8000/api/v1/models", "https://example.com/a?b=%22%3E&c=1#x"]
)
def test_it_accepts_http_urls(url):
    assert is_http_url(url)


def test_a_line_loses_control_bidi_and_zero_width_characters_and_its_line_breaks():
    assert clean_line("Evil\x00 \u202emodel\u200b\r\nX-Injected: 1\t\x1b[31m") == "Evil model X-Injected: 1 [31m"
    assert clean_line("x" * 10_000) == "x" * 200
    assert clean_line("y" * 500, 120) == "y" * 120


def test_a_description_keeps_its_line_breaks():
    assert clean_text("one\r\ntwo\n\n\tthree\x00\u202e") == "one\ntwo\n\n\tthree"


def model(**fields) -> ModelRecord:
    fields.setdefault("slug", "hostile/model")
    fields.setdefault("lab", "hostile")
    return ModelRecord(**fields)


def route(**fields) -> OfferingRecord:
    fields.setdefault("provider", "host")
    fields.setdefault("provider_model_id", "hostile/model")
    return OfferingRecord(**fields)


def price(**fields) -> PriceRecord:
    fields.setdefault("source_url", "https://example.com/prices")
    return PriceRecord(
        component="input", unit="per_1m_tokens", usd=Decimal(1), verified_on=dt.date(2026, 1, 1), **fields
    )


def test_a_non_http_url_is_dropped_with_a_rejection_naming_it():
    batch = screen_batch(
        Batch(
            labs=[LabRecord(slug="hostile", name="Hostile", website_url="javascript:alert(1)")],
            providers=[ProviderRecord(slug="host", name="Host", kind="gateway", docs_url="data:text/html,x")],
            models=[model(facts_source_url="JaVaScRiPt:alert(1)")],
        )
    )
    assert batch.labs[0].website_url is None  # "not said": a stored URL stays
    assert batch.providers[0].docs_url is None
    assert batch.models[0].facts_source_url is None
    assert {(r.entry, r.field) for r in batch.rejections} == {
        ("hostile", "website_url"),
        ("host", "docs_url"),
        ("hostile/model", "facts_source_url"),
    }


def test_names_are_cut_to_their_columns_and_an_empty_one_falls_back():
    batch = screen_batch(
        Batch(
            labs=[LabRecord(slug="hostile", name="\u200b\u202e")],
            providers=[ProviderRecord(slug="host", name="H" * 10_000, kind="gateway")],
            models=[model(name="\x00\n", family="f" * 500, description="line\r\nbreak\x07")],
        )
    )
    assert batch.labs[0].name == "hostile"
    assert batch.providers[0].name == "H" * 200
    assert batch.models[0].name is None  # nothing usable was said: the stored name stays
    assert batch.models[0].family == "f" * 100
    assert batch.models[0].description == "line\nbreak"


def test_slugs_that_cannot_be_addresses_are_refused_with_their_rows():
    batch = screen_batch(
        Batch(
            labs=[LabRecord(slug="n" * 65, name="long")],
            providers=[ProviderRecord(slug="", name="empty", kind="inference_host")],
            models=[
                model(slug='hostile/"><img src=x>'),
                model(slug=f"{'n' * 65}/model", lab="n" * 65),
                model(offerings=[route(provider=""), route()]),
            ],
        )
    )
    assert batch.labs == []
    assert batch.providers == []
    assert [m.slug for m in batch.models] == ["hostile/model"]
    assert [o.provider for o in batch.models[0].offerings] == ["host"]
    assert len(batch.rejections) == 5


def test_a_route_whose_key_cannot_be_stored_is_refused_not_cut():
    """Cutting a region or quantization could merge two routes into one: the route is refused instead."""
    record = model(
        offerings=[
            route(quantization="q" * 33),
            route(region="eu\nwest"),
            route(provider_model_id="x" * 256),
            route(provider_model_id="nul\x00id"),
            route(quantization="fp8", prices=[price(source_url="javascript:alert(1)", published="p" * 500)]),
        ]
    )
    [kept] = screen_batch(Batch(models=[record])).models[0].offerings
    assert kept.quantization == "fp8"
    assert kept.prices[0].source_url == ""
    assert len(kept.prices[0].published) == 120


def test_aliases_that_cannot_be_stored_are_dropped():
    record = model(aliases=[("openrouter", "hostile/model"), ("openrouter", "x" * 256), ("litellm", "a\x00b")])
    assert screen_batch(Batch(models=[record])).models[0].aliases == [("openrouter", "hostile/model")]


def test_what_reaches_json_columns_holds_no_nul():
    batch = Batch(
        unmatched=[UnmatchedRecord(external_id="id\x00" + "x" * 300, name="n\x00" * 400)],
        rejections=[Rejection(entry="e\x00", field="f\x00", message="m\x00")],
    )
    batch.skip("unmapped price key: evil\x00key")
    batch = screen_batch(batch)
    assert batch.unmatched[0].external_id.startswith("id x")
    assert len(batch.unmatched[0].external_id) == 255
    assert "\x00" not in batch.unmatched[0].name
    assert len(batch.unmatched[0].name) <= 300
    assert batch.rejections == [Rejection(entry="e", field="f", message="m")]
    assert dict(batch.skipped) == {"unmapped price key: evil key": 1}


def test_token_counts_no_column_can_hold_are_dropped_and_a_price_with_such_a_threshold_refused():
    record = model(
        context_window=MAX_TOKENS + 1,
        max_output_tokens=MAX_TOKENS,
        offerings=[
            route(
                context_window=10**12,
                prices=[price(), price(tier_min_tokens=MAX_TOKENS + 1)],
            )
        ],
    )
    batch = screen_batch(Batch(models=[record]))
    kept = batch.models[0]
    assert (kept.context_window, kept.max_output_tokens) == (None, MAX_TOKENS)  # None: "not said"
    [offering] = kept.offerings
    assert offering.context_window is None
    assert [p.tier_min_tokens for p in offering.prices] == [0]
    assert offering.prices_complete is False  # a refused price is not "no longer listed"
    assert {(r.entry, r.field) for r in batch.rejections} == {
        ("hostile/model", "context_window"),
        ("hostile/model on host", "context_window"),
        ("hostile/model on host", "tier_min_tokens"),
    }
