"""The curated starter catalog in data/curated/: it loads cleanly, is big enough, and says what the seeds say."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from benchmarks.models import BenchmarkScore
from catalog.models import Lab, LanguageModel
from providers.models import Offering, Price, Provider
from providers.sync.run import run_sync


@pytest.fixture
def curated(db, settings):
    settings.CURATED_DATA_DIR = django_settings.BASE_DIR / "data" / "curated"
    run = run_sync("curated")
    assert run.status == "succeeded", run.error
    return run


def test_it_loads_without_a_single_rejection(curated):
    assert curated.rejections == []
    rerun = run_sync("curated")
    assert (rerun.created, rerun.updated, rerun.rejected) == (0, 0, 0)


def test_it_is_a_real_catalog(curated):
    assert LanguageModel.objects.count() >= 40
    required_labs = {
        "openai",
        "anthropic",
        "google",
        "meta",
        "mistral",
        "deepseek",
        "qwen",
        "xai",
        "cohere",
        "amazon",
    }
    assert required_labs <= set(Lab.objects.filter(models__isnull=False).values_list("slug", flat=True))
    assert Provider.objects.filter(offerings__isnull=False).distinct().count() >= 12
    kinds = set(Provider.objects.values_list("kind", flat=True))
    assert kinds == {"first_party", "cloud", "inference_host", "gateway"}
    for slug in ("azure-openai", "aws-bedrock", "google-vertex", "openrouter", "vercel-ai-gateway"):
        assert Offering.objects.filter(provider__slug=slug).exists(), slug
    assert Provider.objects.filter(kind="inference_host", offerings__isnull=False).distinct().count() >= 3


def test_every_price_names_its_source_and_date(curated):
    assert not Price.objects.filter(source_url="").exists()
    assert not Price.objects.filter(verified_on__gt=dt.date.today()).exists()
    # Cache, batch and long-context tier prices are there where providers publish them.
    assert Price.objects.filter(component="cache_read").exists()
    assert Price.objects.filter(component__in=["cache_write_5m", "cache_write_1h"]).exists()
    assert Price.objects.filter(service_tier="batch").exists()
    tiered = LanguageModel.objects.filter(offerings__prices__tier_min_tokens__gt=0).distinct()
    assert tiered.count() >= 3


def test_gpt_4o_mini_is_exactly_as_the_seeds_state(curated):
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    assert mini.release_date == dt.date(2024, 7, 18)
    assert mini.knowledge_cutoff == "2023-10"
    assert (mini.context_window, mini.max_output_tokens) == (128_000, 16_384)
    assert set(mini.offerings.values_list("provider__slug", flat=True)) >= {
        "openai",
        "azure-openai",
        "openrouter",
        "vercel-ai-gateway",
    }
    openai = {
        p.component: p.usd
        for p in Price.objects.current().headline().filter(offering__model=mini, offering__provider__slug="openai")
    }
    assert (openai["input"], openai["output"], openai["cache_read"]) == (
        Decimal("0.15"),
        Decimal("0.6"),
        Decimal("0.075"),
    )
    scores = {s.benchmark.slug: s for s in BenchmarkScore.objects.filter(model=mini).select_related("benchmark")}
    assert {slug: scores[slug].value for slug in ("mmlu", "mmmu", "mmmu-pro", "lmarena-text")} == {
        "mmlu": Decimal("82.0"),
        "mmmu": Decimal("59.4"),
        "mmmu-pro": Decimal("55.3"),
        "lmarena-text": Decimal(1235),
    }
    assert all(scores[slug].source_url for slug in ("mmlu", "mmmu", "mmmu-pro", "lmarena-text"))
    assert scores["mmlu"].self_reported
    assert not scores["mmmu-pro"].self_reported


def test_the_gpt_4o_mini_page_shows_the_seed_facts(curated, client):
    html = client.get("/models/openai/gpt-4o-mini/").content.decode()
    for fact in (
        "released 2024-07-18",
        "2023-10",
        "128,000 tokens",
        "16,384 tokens",
        "<strong>$0.15</strong> input",
        "<strong>$0.60</strong> output",
        "<strong>$0.075</strong> cache read",
        "Cheapest of 4 routes: <strong>OpenAI API</strong>",
        "Azure OpenAI",
        "OpenRouter",
        "Vercel AI Gateway",
        "82.0%",
        "59.4%",
        "55.3%",
        "1235",
    ):
        assert fact in html, fact


def test_gpt_4o_mini_has_a_price_on_a_date_before_the_first_sync(curated, client):
    body = client.get("/api/v1/models/openai/gpt-4o-mini/prices/", {"as_of": "2025-03-01"}).json()
    openai = next(route for route in body["routes"] if route["provider"] == "openai")
    prices = {(p["component"], p["service_tier"]): p["usd"] for p in openai["prices"]}
    assert (prices[("input", "standard")], prices[("output", "standard")]) == ("0.15", "0.6")


def test_a_free_tier_is_labelled_and_never_the_cheapest_paid_route(curated, client):
    html = client.get("/models/google/gemma-3-27b-it/").content.decode()
    assert "Cheapest of 1 route: <strong>OpenRouter</strong>" in html
    assert '<span class="badge badge-free">free tier</span> <strong>Gemini API (Google AI Studio)</strong>' in html


def test_a_retired_model_keeps_its_last_known_price_and_points_to_its_successor(curated, client):
    html = client.get("/models/anthropic/claude-3-7-sonnet/").content.decode()
    assert '<span class="badge badge-retired">last known price</span> Anthropic API, last seen 2026-08-01' in html
    assert "<strong>$3.00</strong> input" in html
    assert "Use it for" not in html
    assert "is retired" in html
    assert "Claude Sonnet 4.5" in html
    assert 'id="price-history-input"' in html  # its routes' history, not "no price has been recorded"
