"""Everything the model page shows, gathered in a fixed number of queries.

Sections follow PRODUCT.md's order. Reads of prices and scores go through the providers and benchmarks apps'
selector modules; the rules that turn data into words (use it for / do not use it for, the FAQ) live in
catalog/pages/presenters.py, each with its rule shown on the page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from benchmarks.peers import peers_by_benchmark
from benchmarks.selectors import percentiles, scores_for_model
from catalog.models import LanguageModel, model_url
from catalog.pages import presenters
from catalog.pages.forms import WorkloadForm, workload_data, workload_params
from catalog.pages.performance import LabRating, catalog_figures, lab_ratings, min_scored, performance_summary
from catalog.selectors import aliases_of, facets_of
from lib import formatting
from lib.caching import per_version
from providers.gateways import gateways_for
from providers.models import Offering, Price, ServiceTier
from providers.pricing.costing import rank_routes
from providers.pricing.rules import HEADLINE_SERVICE_TIER
from providers.selectors import blended_price_of, offerings_with_history, with_cheapest_route

ALTERNATIVES = 5
LAB_MODELS = 12


@dataclass(frozen=True)
class SampleCode:
    provider: str
    base_url: str
    model_id: str
    env_var: str


def sample_code(ladder: list[presenters.LadderRow]) -> list[SampleCode]:
    """One snippet per OpenAI-compatible route, cheapest first."""
    samples = []
    for row in ladder:
        provider = row.offering.provider
        if provider.openai_compatible and provider.api_base_url and not row.retired:
            env_var = provider.slug.upper().replace("-", "_") + "_API_KEY"
            samples.append(SampleCode(provider.name, provider.api_base_url, row.offering.provider_model_id, env_var))
    return samples


HISTORY_COMPONENTS = (("input", "Input"), ("output", "Output"), ("cache_read", "Cache read"))


def history_chart(ladder: list[presenters.LadderRow], periods: dict[int, list]) -> dict[str, Any]:
    """Step-chart series of each live route's standard base-tier price over time, one chart per token component
    that has a price (for static/js/model.js); `series` is the input chart's. Each point is [from, usd, start
    known]; a last point at "now" carries the current price to the right edge."""
    now = timezone.now().isoformat()
    # A retired model's routes are all retired: its history is theirs (its last known prices), not an empty chart.
    every_route_retired = all(row.retired for row in ladder)
    components = []
    for component, label in HISTORY_COMPONENTS:
        series = []
        for row in ladder:
            if row.retired and not every_route_retired:
                continue
            points = [
                [price.effective_from.isoformat(), f"{price.usd.normalize():f}", price.start_known]
                for price in periods.get(row.offering.pk, [])
                if price.component == component
                and price.service_tier == HEADLINE_SERVICE_TIER
                and not price.tier_min_tokens
            ]
            if points:
                points.append([now, points[-1][1], True])
                series.append({"label": row.offering.route_label, "points": points})
        if series:
            components.append({"component": component, "label": label, "series": series})
    return {
        "series": components[0]["series"] if components and components[0]["component"] == "input" else [],
        "components": components,
    }


@dataclass(frozen=True)
class HistoryRow:
    """One period of one price in the history table, as it reads (the table has a row for every period of every
    route, so its figures are formatted here once, not by template filters per cell)."""

    provider: str
    component: str  # "Input"
    tier: str  # the service tier in lower case, "" for the standard one
    threshold: int  # a long-context tier's prompt size, 0 for the base tier
    usd: str
    start: str
    start_known: bool
    end: str  # "now" for the open period
    source: str


def history_rows(ladder: list[presenters.LadderRow], periods: dict[int, list[Price]]) -> list[HistoryRow]:
    """Every period of every route's prices, route by route in the ladder's order, oldest first."""
    return [
        HistoryRow(
            provider=row.offering.provider.name,
            component=price.get_component_display(),
            tier="" if price.service_tier == ServiceTier.STANDARD else price.get_service_tier_display().lower(),
            threshold=price.tier_min_tokens,
            usd=formatting.usd(price.usd),
            start=formatting.day(timezone.localtime(price.effective_from)),  # as the `day` filter reads it
            start_known=price.start_known,
            end=formatting.day(timezone.localtime(price.effective_to)) if price.effective_to else "now",
            source=price.source_name or price.source,
        )
        for row in ladder
        for price in periods.get(row.offering.pk, [])
    ]


def changes_recorded(periods: dict[int, list]) -> bool:
    return any(price.effective_to is not None for rows in periods.values() for price in rows)


@lru_cache(maxsize=256)
def workload_fields(data: tuple[tuple[str, str], ...]) -> str:
    """The workload form's fields as rendered for `data` (the form's data, as items): a pure function of it, so
    kept by it in this process; Django's widget templates were a sixth of the page's rendering time."""
    return render_to_string("catalog/_model_workload_form.html", {"workload_form": WorkloadForm(data=dict(data))})


def workload_costs(
    model: LanguageModel, params: Mapping[str, str], ladder: list[presenters.LadderRow]
) -> dict[str, Any]:
    """The cost of one workload on each of this model's routes, by the calculator's engine, from the routes the
    ladder has loaded: no query. The routes priced are those `live_routes` would load for this model (live routes
    of a live model, each with its current prices)."""
    data = workload_data(params)
    form = WorkloadForm(data=data)
    fields = workload_fields(tuple(sorted(data.items())))
    if not form.is_valid():
        return {"workload_form": form, "workload_fields": fields}
    workload = form.workload()
    routes = [] if model.status == LanguageModel.Status.RETIRED else [row.offering for row in ladder if not row.retired]
    for offering in routes:
        offering.model = model  # loaded already: the engine reads its name and limits
    costs = rank_routes(routes, workload)
    return {
        "workload_form": form,
        "workload_fields": fields,
        "workload": workload,
        "workload_costs": [cost for cost in costs if cost.usable],
        "workload_unpriced": [cost for cost in costs if not cost.usable],
        "workload_query": urlencode(workload_params(workload)),
    }


@dataclass(frozen=True)
class LabModel:
    """One of the lab's other models as the same-lab list shows it, with its cheapest route's prices; the figures
    are formatted once per catalog version, when the rows are kept."""

    pk: int
    slug: str
    name: str
    status: str
    context_window: int | None
    cheapest_blended_usd: Decimal | None  # for its cost rating
    url: str
    status_display: str
    released: str  # "—" when unknown
    input_usd: str
    output_usd: str
    rating: LabRating | None = None


def lab_models(model: LanguageModel) -> list[LabModel]:
    """The lab's other models, newest first, with their cheapest route: read from every lab's newest models, kept
    per catalog version (1 query after a data change, none while the catalog is unchanged)."""
    return [row for row in _newest_by_lab().get(model.lab_id, []) if row.pk != model.pk][:LAB_MODELS]


@per_version
def _newest_by_lab() -> dict[int, list[LabModel]]:
    """Each lab's LAB_MODELS + 1 newest models (one more, for the page of one of them): 1 query."""
    rows = (
        with_cheapest_route(LanguageModel.objects.all())
        .order_by("lab_id", F("release_date").desc(nulls_last=True), "name")
        .values_list(
            "lab_id",
            "pk",
            "slug",
            "name",
            "status",
            "release_date",
            "context_window",
            "cheapest_input_usd",
            "cheapest_output_usd",
            "cheapest_blended_usd",
        )
    )
    newest: dict[int, list[LabModel]] = {}
    for lab_id, pk, slug, name, status, released, context, input_usd, output_usd, blended in rows:
        held = newest.setdefault(lab_id, [])
        if len(held) <= LAB_MODELS:
            held.append(
                LabModel(
                    pk=pk,
                    slug=slug,
                    name=name,
                    status=status,
                    context_window=context,
                    cheapest_blended_usd=blended,
                    url=model_url(slug),
                    status_display=LanguageModel.Status(status).label,
                    released=formatting.day(released) or formatting.DASH,
                    input_usd=formatting.usd(input_usd),
                    output_usd=formatting.usd(output_usd),
                )
            )
    return newest


def faq_json_ld(faq: list[tuple[str, str]]) -> str:
    """The FAQ as schema.org FAQPage JSON-LD."""
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {"@type": "Question", "name": question, "acceptedAnswer": {"@type": "Answer", "text": answer}}
                for question, answer in faq
            ],
        }
    )


def with_last_known_prices(offerings: list[Offering], periods: Mapping[int, list[Price]]) -> None:
    """A retired route keeps its last known prices: a sync that retires a vanished route closes its prices, so each
    price (component, service tier, token tier) the route has no open row for gets its last closed period, read from
    the history already loaded (no query). The ladder then dates it by its verified date as "last seen"."""
    for offering in offerings:
        if offering.status != Offering.Status.RETIRED:
            continue
        held = {(p.component, p.service_tier, p.tier_min_tokens) for p in offering.current_prices}
        last: dict[tuple[str, str, int], Price] = {}
        for price in periods.get(offering.pk, []):  # oldest first: the last one of each key wins
            key = (price.component, price.service_tier, price.tier_min_tokens)
            if price.effective_to is not None and key not in held:
                last[key] = price
        offering.current_prices = [*offering.current_prices, *last.values()]


def model_page_context(model: LanguageModel, params: Mapping[str, str] | None = None) -> dict[str, Any]:
    """All sections of the model page: a fixed number of queries whatever the catalog's size (16 for the whole
    page with the model itself, 8 once the summaries are kept per catalog version; tested in
    tests/catalog/pages/test_pages.py and tests/lib/test_per_version.py)."""
    facets = facets_of(model)  # 3 after a data change, none while the catalog is unchanged
    aliases = aliases_of(model)  # 1 after a data change, none while the catalog is unchanged
    offerings, periods = offerings_with_history(model)  # 2 queries
    with_last_known_prices(offerings, periods)
    ladder = presenters.price_ladder(offerings)
    scores = list(scores_for_model(model))  # 1
    priced = [row for row in ladder if row.input is not None and not row.retired]
    own_blended = priced[0].blended if priced else None
    same_lab = lab_models(model)  # 1 after a data change, none while the catalog is unchanged
    best_scores = presenters.best_scores(scores)
    standing = percentiles(model, scores)  # 1 after a data change, none while the catalog is unchanged
    rows = presenters.score_rows(scores, standing)
    speeds = [row.offering.throughput_tps for row in ladder if not row.retired and row.offering.throughput_tps]
    figures = catalog_figures()  # 4 after a data change, none while the catalog is unchanged
    # Live models with every input type and capability of this one, nearest in price: no query.
    nearest = figures.alternatives(model, facets, own_blended, ALTERNATIVES)
    performance = performance_summary(
        model,
        facets,
        own_blended=own_blended,
        own_speed=max(speeds) if speeds else None,
        benchmark_percentiles=standing,
        benchmark_names={score.benchmark_id: score.benchmark.name for score in scores},
        figures=figures,
    )
    ratings = lab_ratings(same_lab, figures)  # none: from the figures and the standings
    same_lab = [replace(other, rating=ratings[other.pk]) for other in same_lab]  # the kept rows stay unchanged
    peers = peers_by_benchmark(  # 1 after a data change, none while the catalog is unchanged
        model, [score.benchmark_id for score in best_scores[:3]], blended_price_of("model"), own_blended
    )
    faq = presenters.faq(model, ladder, scores)
    return {
        **workload_costs(model, params or {}, ladder),
        "model": model,
        "facets": facets,
        "aliases": aliases,
        "ladder": ladder,
        "priced_rows": priced,
        "stale_days": settings.PRICE_STALE_DAYS,
        "free_rows": [row for row in ladder if row.free and not row.retired],
        # A retired model keeps its last known prices (its routes' last open or last closed rows), dated "last seen".
        "last_known": [row for row in ladder if row.input is not None and row.retired] if not priced else [],
        "gateways": [row for row in ladder if row.offering.provider.kind == "gateway" and not row.retired],
        # Every router and gateway that reaches one of its live routes' providers (data/curated/gateways.toml).
        "gateway_reach": gateways_for(
            ((row.offering.provider.slug, row.offering.provider.name) for row in ladder if not row.retired),
            route_gateways=[
                row.offering.provider for row in ladder if row.offering.provider.kind == "gateway" and not row.retired
            ],
        ),
        "fit": presenters.use_case_fit(model, facets, priced, rows),
        "performance": performance,
        "performance_min_scored": min_scored(),
        "summary": presenters.summary(model, priced, best_scores),
        "scores": scores,
        "score_rows": rows,
        "credit_epoch": any("epoch.ai" in score.source_url for score in scores),
        "peer_bars": [
            (score, peers[score.benchmark_id])
            for score in best_scores[:3]
            if len(peers.get(score.benchmark_id, [])) > 1
        ],
        "history": history_chart(ladder, periods),
        "history_rows": history_rows(ladder, periods),
        "changes_recorded": changes_recorded(periods),
        "alternatives": nearest,
        "lab_models": same_lab,
        "samples": sample_code(ladder),
        "faq": faq,
        "faq_json_ld": faq_json_ld(faq),
    }
