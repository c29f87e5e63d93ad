"""The model page's generated sections: each follows from the data by a rule the page states."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from benchmarks.models import Benchmark, BenchmarkScore
from catalog.models import Capability, LanguageModel, ModelAlias
from providers.models import Price

URL = "/models/openai/gpt-4o-mini/"


@pytest.fixture
def catalog(load_fixture_catalog):
    return load_fixture_catalog()


def sections(html: str) -> list[str]:
    return re.findall(r'<h2 id="([a-z-]+)-h">', html)


def test_the_sections_come_in_the_products_order(client, catalog):
    html = client.get(URL).content.decode()
    assert sections(html) == [
        "facts",
        "headline",
        "about",
        "caps",
        "performance",
        "ladder",
        "workload",
        "history",
        "bench",
        "gateways",
        "compare",
        "code",
        "faq",
    ]


def test_use_it_for_and_do_not_use_it_for_show_their_rules(client, catalog):
    context = client.get(URL).context
    use_for = dict(context["fit"].use_for)
    assert use_for["Images, screenshots and scanned documents"] == "accepts image input"
    assert use_for["Agents and pipelines that call tools"] == "tool calling and structured output"
    assert use_for["High-volume, cost-sensitive traffic"] == "blended price at or under $0.5 per 1M"
    avoid = dict(client.get("/models/openai/gpt-3.5-turbo/").context["fit"].avoid_for)
    assert avoid["New projects"] == "deprecated; successor: GPT-4o mini"
    assert avoid["Budget planning"] == "no route has a known price"


def test_the_summary_is_written_from_the_data(client, catalog):
    summary = client.get(URL).context["summary"]
    assert summary.startswith(
        "GPT-4o mini is a proprietary model by OpenAI in the GPT-4o family, with a context window of 128,000 tokens."
    )
    assert "the cheapest is OpenAI API at $0.15 input and $0.60 output per 1M tokens" in summary


def test_the_faq_is_also_json_ld_and_cannot_be_broken_out_of(client, catalog):
    LanguageModel.objects.filter(slug="openai/gpt-4o-mini").update(name="Mini </script><script>alert(1)</script>")
    html = client.get(URL).content.decode()
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    document = json.loads(block)
    assert document["@type"] == "FAQPage"
    questions = [q["name"] for q in document["mainEntity"]]
    assert "What is the context window of Mini </script><script>alert(1)</script>?" in questions
    assert "<script>alert(1)" not in html


def test_sample_code_is_shown_for_openai_compatible_routes_only(client, catalog):
    samples = client.get(URL).context["samples"]
    assert [(s.provider, s.base_url, s.model_id, s.env_var) for s in samples] == [
        ("OpenAI API", "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY"),
        ("OpenRouter", "https://openrouter.ai/api/v1", "openai/gpt-4o-mini", "OPENROUTER_API_KEY"),
    ]
    assert not client.get("/models/anthropic/claude-sonnet-4-5/").context["samples"]


def test_gateways_alternatives_and_lab_models(client, catalog):
    context = client.get(URL).context
    assert [row.offering.provider.slug for row in context["gateways"]] == ["openrouter"]
    assert [m.slug for m in context["lab_models"]] == ["openai/gpt-3.5-turbo"]
    # Claude Sonnet 4.5 lacks structured output in the fixture: not an alternative to GPT-4o mini...
    assert context["alternatives"] == []
    # ...until it has every capability and input type GPT-4o mini has.
    sonnet = LanguageModel.objects.get(slug="anthropic/claude-sonnet-4-5")
    sonnet.capabilities.add(*Capability.objects.filter(slug__in=["structured_output", "vision"]))
    context = client.get(URL).context
    assert [(m.slug, m.blended_usd) for m in context["alternatives"]] == [("anthropic/claude-sonnet-4-5", Decimal("6"))]


def test_price_history_has_a_series_per_route_and_every_period(client, catalog):
    mini = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
    old = Price.objects.get(
        offering__model=mini, offering__provider__slug="openai", component="input", service_tier="standard"
    )
    cut = old.effective_from + dt.timedelta(minutes=1)
    Price.objects.filter(pk=old.pk).update(effective_to=cut)
    Price.objects.create(
        offering=old.offering,
        component="input",
        unit="per_1m_tokens",
        usd=Decimal("0.12"),
        effective_from=cut,
        source="curated",
        source_url=old.source_url,
        verified_on=old.verified_on,
    )
    context = client.get(URL).context
    series = {s["label"]: [p[1] for p in s["points"]] for s in context["history"]["series"]}
    assert series["OpenAI API"] == ["0.15", "0.12", "0.12"]  # two periods, then "now"
    assert context["changes_recorded"]


def test_peer_bars_compare_with_models_near_in_price(client, catalog):
    mmlu = Benchmark.objects.get(slug="mmlu")
    sonnet = LanguageModel.objects.get(slug="anthropic/claude-sonnet-4-5")
    BenchmarkScore.objects.create(
        model=sonnet,
        benchmark=mmlu,
        value=Decimal("89.1"),
        source="curated",
        self_reported=True,
        source_url="https://www.anthropic.com",
    )
    [peers] = [p for s, p in client.get(URL).context["peer_bars"] if s.benchmark.slug == "mmlu"]
    assert [(p.slug, p.is_self) for p in peers] == [
        ("anthropic/claude-sonnet-4-5", False),
        ("openai/gpt-4o-mini", True),
    ]


def test_the_page_prices_a_workload_on_every_route_like_the_calculator(client, catalog):
    context = client.get(
        URL, {"requests": "100000", "input_tokens": "1000", "output_tokens": "300", "cached_pct": "50"}
    ).context
    costs = [(cost.offering.provider.slug, cost.monthly_usd) for cost in context["workload_costs"]]
    # OpenAI: 50M uncached x $0.15 + 50M cached x $0.075 + 30M out x $0.60 = $7.50 + $3.75 + $18.00.
    assert costs[0] == ("openai", Decimal("29.25"))
    assert [slug for slug, _ in costs] == ["openai", "openrouter", "azure-openai"]
    assert "cached_pct=50" in context["workload_query"]


def test_a_malformed_workload_is_a_400_with_the_field_marked(client, catalog):
    response = client.get(URL, {"requests": "-5"})
    assert response.status_code == 400
    assert response.context["workload_form"].errors["requests"]
    assert "GPT-4o mini" in response.content.decode()  # the rest of the page still renders


def test_scores_show_the_best_documented_one_with_its_rank_and_the_others(client, catalog, settings):
    settings.RANKING_MIN_SCORES = 2
    mmlu = Benchmark.objects.get(slug="mmlu")
    BenchmarkScore.objects.create(
        model=LanguageModel.objects.get(slug="openai/gpt-4o-mini"),
        benchmark=mmlu,
        value=Decimal("80.1"),
        source="epoch",
        version="Epoch AI harness",
        self_reported=False,
        measured_on="2025-01-27",
        source_url="https://epoch.ai/benchmarks",
    )
    BenchmarkScore.objects.create(
        model=LanguageModel.objects.get(slug="anthropic/claude-sonnet-4-5"),
        benchmark=mmlu,
        value=Decimal("89"),
        source="curated",
        self_reported=True,
        source_url="https://www.anthropic.com",
    )
    response = client.get(URL)
    [row] = [r for r in response.context["score_rows"] if r.score.benchmark.slug == "mmlu"]
    assert (row.score.value, row.score.source) == (Decimal("80.1"), "epoch")  # independent beats self-reported
    assert [other.value for other in row.others] == [Decimal("82.0")]
    assert (row.percentile.percent, row.percentile.of_models) == (0, 2)
    html = response.content.decode()
    assert "beats 0% of the other 1 scored model<" in html
    assert "1 other score on MMLU" in html
    assert "Scores credited to Epoch AI" in html

    settings.RANKING_MIN_SCORES = 5  # the default: two scored models are too few to rank
    response = client.get(URL)
    [row] = [r for r in response.context["score_rows"] if r.score.benchmark.slug == "mmlu"]
    assert (row.percentile.percent, row.percentile.of_models) == (None, 2)
    assert "too few scores to rank (2 models scored)" in response.content.decode()


def test_use_it_for_draws_on_category_scores_with_the_rule(client, catalog):
    from tests.factories import build_catalog

    build_catalog(6)  # six more models with an MMLU score each, from 60 to 65
    response = client.get(URL)
    use_for = dict(response.context["fit"].use_for)
    # GPT-4o mini's 82.0 beats the six others and Claude has no MMLU score: the top quarter of 7 models.
    assert use_for["Broad general-knowledge questions"] == (
        "MMLU 82% beats 100% of the 7 models scored there (top quarter)"
    )


def test_history_has_a_chart_per_component_and_says_since_for_an_unknown_start(client, catalog):
    Price.objects.filter(offering__model__slug="openai/gpt-4o-mini", component="output").update(start_known=False)
    response = client.get(URL)
    charts = {chart["component"]: chart for chart in response.context["history"]["components"]}
    assert {"input", "output"} <= set(charts)
    assert all(point[2] is False for s in charts["output"]["series"] for point in s["points"][:-1])
    html = response.content.decode()
    assert 'id="price-history-output"' in html
    assert "since ≤ " in html


def test_with_the_summaries_kept_the_lab_list_and_the_alternatives_see_a_change(
    client, catalog, route_index_cache, django_capture_on_commit_callbacks
):
    """VERSION_MEMO on, as on a site: the lab's newest models and the alternatives are read from summaries kept per
    catalog version (with the model's own facets and aliases), and an edit (as the admin saves one) moves the version
    on, so the next page shows it."""
    assert "GPT-3.5 Turbo (renamed)" not in client.get(URL).content.decode()  # builds and keeps the summaries
    assert client.get(URL).context["alternatives"] == []
    with django_capture_on_commit_callbacks(execute=True):
        turbo = LanguageModel.objects.get(slug="openai/gpt-3.5-turbo")
        turbo.name = "GPT-3.5 Turbo (renamed)"
        turbo.save()
        sonnet = LanguageModel.objects.get(slug="anthropic/claude-sonnet-4-5")
        sonnet.capabilities.add(*Capability.objects.filter(slug__in=["structured_output", "vision"]))
        ModelAlias.objects.create(
            model=LanguageModel.objects.get(slug="openai/gpt-4o-mini"), source="x", external_id="mini-x"
        )
    response = client.get(URL)
    assert ("mini-x", "x") in response.context["aliases"]
    assert [m.name for m in response.context["lab_models"]] == ["GPT-3.5 Turbo (renamed)"]
    assert [m.slug for m in response.context["alternatives"]] == ["anthropic/claude-sonnet-4-5"]
