"""The home page, the lab pages, sitemap.xml and robots.txt, on rows written by the real sync."""

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import LanguageModel
from providers.models import ChangeEvent
from tests.factories import build_catalog

CLAUDE, MINI, TURBO = "anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini", "openai/gpt-3.5-turbo"


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


@pytest.fixture
def repriced(load_fixture_catalog, curated_fixture_dir, tmp_path):
    """The fixture catalog synced twice: the second time with three prices changed."""
    load_fixture_catalog()
    changed = tmp_path / "curated"
    shutil.copytree(curated_fixture_dir, changed)
    openai = changed / "models" / "openai.toml"
    text = openai.read_text()
    text = text.replace('usd = "0.15", published = "1.5e-07 per token"', 'usd = "0.10"')  # OpenAI input: -33%
    text = text.replace(
        '{ component = "input", unit = "per_1m_tokens", usd = "0.165" }',
        '{ component = "input", unit = "per_1m_tokens", usd = "0.0825" }',
    )  # Azure input: -50%
    openai.write_text(text)
    anthropic = changed / "models" / "anthropic.toml"
    anthropic.write_text(anthropic.read_text().replace('usd = "15" }', 'usd = "18" }'))  # output: +20%
    load_fixture_catalog(changed)
    assert ChangeEvent.objects.filter(kind="price_changed").count() == 3


# --- home ------------------------------------------------------------------------------------------------------


def test_the_home_page_says_what_the_site_is_and_has_a_search_box(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Every LLM, every route, every price · LLM Catalog</title>" in html
    assert "tracks large language models and every route that serves them" in html
    assert '<form class="home-search" action="/models/" method="get" role="search">' in html
    assert '<label for="home-q">' in html
    assert "3 models · 4 providers · 4 routes" in html


def test_the_home_page_lists_the_newest_models_first(client, catalog):
    response = client.get("/")
    assert [m.slug for m in response.context["newest"]] == [CLAUDE, MINI, TURBO]


def test_the_home_page_ranks_the_cheapest_routes_for_common_workloads(client, catalog):
    response = client.get("/")
    ranked = {workload.key: [m.slug for m in models] for workload, models in response.context["workloads"]}
    assert ranked == {
        "long-context-tools": [MINI, CLAUDE],  # $0.2625 blended before $6
        "vision": [MINI, CLAUDE],
        "reasoning": [CLAUDE],
    }
    html = response.content.decode()
    assert "Rule: active or preview models with a context window of at least 128,000 tokens and tool calling." in html
    assert "$0.2625 blended" in html


def test_a_deprecated_model_is_left_out_of_the_workloads(client, catalog):
    LanguageModel.objects.filter(slug=MINI).update(status="deprecated")
    ranked = {w.key: [m.slug for m in models] for w, models in client.get("/").context["workloads"]}
    assert ranked["vision"] == [CLAUDE]


def test_the_home_page_shows_the_biggest_recent_price_moves(client, repriced):
    response = client.get("/")
    moves = response.context["price_moves"]
    assert [(m.model.slug, m.offering.provider.slug, m.field) for m in moves] == [
        (MINI, "azure-openai", "input"),
        (MINI, "openai", "input"),
        (CLAUDE, "anthropic", "output"),
    ]
    cent = Decimal("0.01")
    assert [m.change_pct.quantize(cent) for m in moves] == [Decimal("-50.00"), Decimal("-33.33"), Decimal("20.00")]
    html = response.content.decode()
    assert ">-50%</td>" in html
    assert ">+20%</td>" in html


def test_old_price_moves_are_not_recent(client, repriced):
    ChangeEvent.objects.filter(kind="price_changed", offering__provider__slug="azure-openai").update(
        occurred_at=timezone.now() - dt.timedelta(days=91)
    )
    moves = client.get("/").context["price_moves"]
    assert [m.offering.provider.slug for m in moves] == ["openai", "anthropic"]


def test_the_kept_price_moves_are_read_again_once_one_has_aged_out(repriced, route_index_cache):
    from catalog.pages.listings import home_lists

    ChangeEvent.objects.filter(kind="price_changed", offering__provider__slug="azure-openai").update(
        occurred_at=timezone.now() - dt.timedelta(days=80)
    )
    now = timezone.now()
    assert [m.offering.provider.slug for m in home_lists(now=now).price_moves] == [
        "azure-openai",
        "openai",
        "anthropic",
    ]
    with CaptureQueriesContext(connection) as ctx:
        kept = home_lists(now=now + dt.timedelta(days=9))  # the Azure move is 89 days old: still recent
    assert len(ctx.captured_queries) == 0
    assert [m.offering.provider.slug for m in kept.price_moves] == ["azure-openai", "openai", "anthropic"]
    with CaptureQueriesContext(connection) as ctx:
        later = home_lists(now=now + dt.timedelta(days=11))  # 91 days old: the ranking is read again
    assert len(ctx.captured_queries) == 1
    assert [m.offering.provider.slug for m in later.price_moves] == ["openai", "anthropic"]
    assert later.newest == kept.newest


def test_the_home_page_without_price_moves_says_so(client, catalog):
    html = client.get("/").content.decode()
    assert "No price has changed in the last 90 days." in html


def test_home_page_query_count_does_not_grow_with_the_catalog(client, db):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    # model count, 4 provider counts, newest, price moves, 3 workloads (all kept per catalog version outside the
    # tests: tests/lib/test_per_version.py)
    assert count_for(2) == count_for(20) == 10


# --- labs ------------------------------------------------------------------------------------------------------


def test_the_lab_list_shows_every_lab_with_its_models(client, catalog):
    response = client.get("/labs/")
    assert response.status_code == 200
    labs = response.context["labs"]
    assert [(lab.slug, lab.model_count, lab.latest_release) for lab in labs] == [
        ("anthropic", 1, dt.date(2025, 9, 29)),
        ("openai", 2, dt.date(2024, 7, 18)),
    ]
    html = response.content.decode()
    assert '<a href="/labs/openai/">OpenAI</a>' in html
    assert '<table class="data sortable lab-list">' in html


def test_the_lab_page_lists_its_models_newest_first_with_prices_and_top_scores(client, catalog):
    response = client.get("/labs/openai/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [m.slug for m, _ in rows] == [MINI, TURBO]
    mini, mini_scores = rows[0]
    assert (mini.cheapest_input_usd, mini.cheapest_output_usd) == (Decimal("0.15"), Decimal("0.6"))
    # LMArena and MMLU each have one model scored: equal reach, so by name.
    assert [(s.benchmark_name, f"{s.value.normalize():f}") for s in mini_scores] == [
        ("LMArena text Elo", "1235"),
        ("MMLU", "82"),
    ]
    assert rows[1][1] == []
    html = response.content.decode()
    for text in (
        "<title>OpenAI models: prices, context windows, benchmarks · LLM Catalog</title>",
        "2024-07-18",
        "128K",
        "<li>Text input</li><li>Image input</li><li>Text output</li>",
        "$0.15",
        "$0.60",
        "LMArena text Elo <strong>1235</strong>",
        "MMLU <strong>82.0%</strong>",
        '<span class="badge badge-deprecated">Deprecated</span>',
        '<a href="/providers/openai/">OpenAI API</a>',
        "2 models, 1 with a known price",
    ):
        assert text in html, text


def test_top_scores_come_from_the_most_widely_reported_benchmarks(client, catalog):
    gpqa = Benchmark.objects.create(slug="gpqa", name="GPQA Diamond", category="reasoning", metric="accuracy")
    for slug, value in ((MINI, "40.2"), (CLAUDE, "83.4")):
        BenchmarkScore.objects.create(
            model=LanguageModel.objects.get(slug=slug),
            benchmark=gpqa,
            value=Decimal(value),
            source="curated",
            self_reported=True,
        )
    rows = client.get("/labs/openai/").context["rows"]
    assert [s.benchmark_name for s in rows[0][1]] == ["GPQA Diamond", "LMArena text Elo"]


def test_an_unknown_lab_is_a_404(client, catalog):
    assert client.get("/labs/nope/").status_code == 404


def test_lab_page_query_count_does_not_grow_with_the_catalog(client, db):
    def count_for(models: int) -> int:
        build_catalog(models, routes=3 if models > 2 else 1)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/labs/lab/")
            assert response.status_code == 200
        assert len(response.context["rows"]) == models
        return len(ctx.captured_queries)

    # lab, models with cheapest route, 2 modality prefetches, top scores, the lab's own APIs
    assert count_for(2) == count_for(20) == 6


# --- sitemap.xml and robots.txt --------------------------------------------------------------------------------


def test_the_sitemap_lists_every_model_lab_provider_and_static_page(client, catalog):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    base = "http://testserver"
    expected = {
        f"{base}{path}"
        for path in (
            "/",
            "/models/",
            "/labs/",
            "/providers/",
            "/changes/",
            "/compare/",
            "/calculator/",
            "/benchmarks/",
            "/models/anthropic/claude-sonnet-4-5/",
            "/models/openai/gpt-3.5-turbo/",
            "/models/openai/gpt-4o-mini/",
            "/labs/anthropic/",
            "/labs/openai/",
            "/providers/anthropic/",
            "/providers/azure-openai/",
            "/providers/openai/",
            "/providers/openrouter/",
        )
    }
    assert len(locs) == len(expected)
    assert set(locs) == expected
    model_entry = next(u for u in root.findall("s:url", ns) if u.find("s:loc", ns).text.endswith("gpt-4o-mini/"))
    assert model_entry.find("s:lastmod", ns).text == timezone.localdate().isoformat()


def test_robots_allows_everything_but_the_admin_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nAllow: /\nDisallow: /admin/\nSitemap: http://testserver/sitemap.xml\n"
    )


def test_the_api_guide_renders_docs_api_md_in_the_site_frame(client, db):
    html = client.get("/api/guide/").content.decode()
    assert "<h1>The REST API, v1</h1>" in html
    assert 'href="/api/guide/models/"' in html  # docs/api/models.md, as a page of the site
    assert 'class="site-header"' in html
    assert client.get("/api/guide/providers/").status_code == 200
    assert client.get("/api/guide/nope/").status_code == 404
    docs = client.get("/api/v1/docs/").content.decode()
    assert 'class="site-header"' in docs
    assert 'href="/api/guide/"' in docs
