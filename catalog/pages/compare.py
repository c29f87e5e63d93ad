"""Compare 2-4 models side by side: /compare/?models=a,b[,c,d].

Slugs may be canonical slugs, any source's alias, or a model's exact name; the page redirects to the canonical
list. Models are added (?add=) and removed through plain links and GET forms, which htmx swaps in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from benchmarks.selectors import scores_for_export
from catalog import selectors
from catalog.models import LanguageModel
from catalog.pages.forms import (
    MAX_MODELS,
    WORKLOAD_FIELDS,
    WorkloadForm,
    parse_model_list,
    validate_model_count,
    workload_data,
    workload_params,
)
from catalog.vocabulary import CAPABILITIES
from lib.caching import cached_page
from providers.models import Offering, Price, PriceComponent, PriceUnit, ServiceTier
from providers.pricing.costing import RouteCost, RouteFilter, Workload, cheapest_per_model, live_routes, rank_routes
from providers.selectors import with_cheapest_route

MAX_LISTED = 12  # items of a ?models= list shown on its error page
TIER_ORDER = [tier.value for tier in ServiceTier]
COMPONENT_ORDER = [component.value for component in PriceComponent]
COMPONENT_NAMES = dict(PriceComponent.choices)
UNIT_NAMES = dict(PriceUnit.choices)


@dataclass(frozen=True)
class IndexEntry:
    pk: int
    slug: str
    name: str
    release_date: dt.date | None


@dataclass
class Row:
    """One row of a side-by-side table: a label and a value per model; `best` marks the winning columns."""

    label: str
    values: list = field(default_factory=list)
    best: set[int] = field(default_factory=set)
    note: str = ""


@dataclass
class Choice:
    """One item of the model list as the reader typed it, with its remove link."""

    text: str
    model: IndexEntry | None
    remove_url: str


def model_index() -> list[IndexEntry]:
    """Every model's slug and name, for resolving what was typed and for the search box's suggestions: 1 query."""
    rows = LanguageModel.objects.order_by("name").values_list("pk", "slug", "name", "release_date")
    return [IndexEntry(*row) for row in rows]


def resolve(text: str, index: list[IndexEntry], *, aliases: bool = True) -> IndexEntry | None:
    """A canonical slug, a model's exact name (any case), a slug without its lab when only one lab has it, or
    (with `aliases`) an id some source uses for it."""
    by_slug = {entry.slug: entry for entry in index}
    if text in by_slug:
        return by_slug[text]
    lowered = text.lower()
    for matches in (
        lambda entry: entry.slug == lowered or entry.name.lower() == lowered,
        lambda entry: entry.slug.split("/", 1)[1] == lowered,  # the slug without its lab
    ):
        found = [entry for entry in index if matches(entry)]
        if len(found) == 1:
            return found[0]
    if not aliases:
        return None
    model = selectors.resolve_alias(text)  # one query, only for text that is not a slug or a name
    return by_slug.get(model.slug) if model is not None else None


def compared_models(ids: list[int]) -> list[LanguageModel]:
    """The compared models with facets, cheapest route and scores, in the order given: 5 queries."""
    models: QuerySet[LanguageModel] = with_cheapest_route(
        LanguageModel.objects.with_facets().filter(pk__in=ids)
    ).prefetch_related(scores_for_export())
    by_id = {model.pk: model for model in models}
    return [by_id[pk] for pk in ids if pk in by_id]


def compare_url(slugs: list[str], carry: list[tuple[str, str]]) -> str:
    base = reverse("catalog:compare")
    params = ([("models", ",".join(slugs))] if slugs else []) + carry
    return f"{base}?{urlencode(params, safe='/,:')}" if params else base


def _lowest(values: list[Decimal | None]) -> set[int]:
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return set()
    low = min(known)
    return {i for i, value in enumerate(values) if value == low}


def _price_label(component: str, unit: str, service_tier: str, tier_min_tokens: int) -> str:
    label = COMPONENT_NAMES.get(component, component)
    if service_tier != ServiceTier.STANDARD:
        label = f"{service_tier.capitalize()} · {label.lower()}"
    if unit != PriceUnit.PER_1M_TOKENS:
        label += f" ({UNIT_NAMES.get(unit, unit)})"
    if tier_min_tokens:
        label += f", prompt above {tier_min_tokens:,} tokens"
    return label


def price_rows(routes: list[Offering | None]) -> list[Row]:
    """Every price component any of the routes has, one row each; the lowest price of a row is the best."""
    keyed: list[dict[tuple, Price]] = []
    for offering in routes:
        prices = offering.current_prices if offering is not None else []
        keyed.append({(p.service_tier, p.tier_min_tokens, p.component, p.unit): p for p in prices})
    keys = sorted(
        {key for prices in keyed for key in prices},
        key=lambda k: (
            TIER_ORDER.index(k[0]) if k[0] in TIER_ORDER else 99,
            k[1],
            COMPONENT_ORDER.index(k[2]) if k[2] in COMPONENT_ORDER else 99,
        ),
    )
    rows = []
    for key in keys:
        values = [prices.get(key) for prices in keyed]
        amounts = [price.usd if price is not None else None for price in values]
        rows.append(Row(label=_price_label(key[2], key[3], key[0], key[1]), values=values, best=_lowest(amounts)))
    return rows


def capability_rows(models: list[LanguageModel]) -> list[Row]:
    names = dict(CAPABILITIES)
    held = [{capability.slug for capability in model.capabilities.all()} for model in models]
    for model in models:
        for capability in model.capabilities.all():
            names.setdefault(capability.slug, capability.name)
    return [Row(label=name, values=[slug in caps for caps in held]) for slug, name in names.items()]


def benchmark_rows(models: list[LanguageModel]) -> list[Row]:
    """A row per benchmark any model has a score on: each model's best score there; the best of the row marked."""
    benchmarks = {}
    best: list[dict[str, object]] = []
    for model in models:
        mine: dict[str, object] = {}
        for score in model.export_scores:
            benchmark = score.benchmark
            benchmarks[benchmark.slug] = benchmark
            current = mine.get(benchmark.slug)
            better = current is None or (
                score.value > current.value if benchmark.higher_is_better else score.value < current.value
            )
            if better:
                mine[benchmark.slug] = score
        best.append(mine)
    rows = []
    for slug, benchmark in sorted(benchmarks.items(), key=lambda item: (item[1].category, item[1].name)):
        scores = [mine.get(slug) for mine in best]
        values = [score.value if score is not None else None for score in scores]
        known = [value for value in values if value is not None]
        winners: set[int] = set()
        if len(known) >= 2:
            top = max(known) if benchmark.higher_is_better else min(known)
            winners = {i for i, value in enumerate(values) if value == top}
        note = "" if benchmark.higher_is_better else "lower is better"
        rows.append(Row(label=benchmark.name, values=scores, best=winners, note=note))
    return rows


def workload_row(models: list[LanguageModel], costs: dict[int, RouteCost]) -> Row:
    values = [costs.get(model.pk) for model in models]
    return Row(
        label="Cheapest route for this workload",
        values=values,
        best=_lowest([cost.monthly_usd if cost else None for cost in values]),
    )


def landing(index: list[IndexEntry]) -> dict[str, Any]:
    """The page with no models asked for: a link comparing the newest three."""
    newest = sorted((e for e in index if e.release_date), key=lambda e: e.release_date, reverse=True)[:3]
    return {"landing": True, "example_url": compare_url([e.slug for e in newest], []) if len(newest) > 1 else ""}


def choices_for(items: list[str], index: list[IndexEntry], carry: list[tuple[str, str]]) -> list[Choice]:
    """Each item of the list as typed, resolved, with its remove link. Only the first few may cost an alias query."""
    return [
        Choice(
            text,
            resolve(text, index, aliases=i < MAX_MODELS * 2),
            compare_url([t for j, t in enumerate(items) if j != i], carry),
        )
        for i, text in enumerate(items)
    ]


def list_errors(choices: list[Choice], count: int) -> tuple[list[str], list[str]]:
    """What is wrong with the list (unknown names, too few or too many models), and its canonical slugs."""
    errors = []
    unknown = [choice.text for choice in choices if choice.model is None]
    if unknown:
        names = ", ".join(f"“{text}”" for text in unknown)
        errors.append(
            f"No model is called {names}: check the spelling, or pick from the suggestions. Slugs look like "
            "openai/gpt-4o-mini."
        )
    canonical = list(dict.fromkeys(choice.model.slug for choice in choices if choice.model is not None))
    try:
        validate_model_count(count if unknown else len(canonical))
    except ValidationError as error:
        errors.extend(error.messages)
    return errors, canonical


def side_by_side(
    request: HttpRequest, models: list[LanguageModel], routes: list[Offering], carry: list[tuple[str, str]]
) -> dict[str, Any]:
    """The compared models' columns and rows: each one's cheapest route (the CheapestRoute table's) and its prices,
    capabilities, benchmarks."""
    routes_by_id = {offering.pk: offering for offering in routes}
    headline_routes = [routes_by_id.get(model.cheapest_offering_id) for model in models]
    return {
        "models": models,
        "columns": [(model, compare_url([m.slug for m in models if m.pk != model.pk], carry)) for model in models],
        "models_value": ",".join(model.slug for model in models),
        "headline_routes": headline_routes,
        "capabilities": capability_rows(models),
        "prices": price_rows(headline_routes),
        "benchmarks": benchmark_rows(models),
        "can_add": len(models) < MAX_MODELS,
        "canonical_compare_url": request.build_absolute_uri(compare_url([m.slug for m in models], [])),
    }


def workload_context(models: list[LanguageModel], routes: list[Offering], workload: Workload) -> dict[str, Any]:
    """What the form's workload costs on each model's cheapest route for it (the calculator's ranking)."""
    return {
        "workload": workload,
        "calculator_query": urlencode(workload_params(workload)),
        "workload_costs": workload_row(models, cheapest_per_model(rank_routes(routes, workload))),
    }


@cached_page
def compare(request: HttpRequest) -> HttpResponse:
    params: QueryDict = request.GET
    # ?models=a,b is the page's own form; ?models=a&models=b is what a plain form of checkboxes sends.
    typed = parse_model_list(",".join(params.getlist("models")))
    added = [text.strip() for text in params.getlist("add") if text.strip()]
    carry = [(name, params[name]) for name in WORKLOAD_FIELDS if name in params]
    index = model_index()
    form = WorkloadForm(data=workload_data(params))
    context: dict[str, Any] = {"index": index, "max_models": MAX_MODELS, "carry": carry, "form": form}
    if not typed and not added:
        return render(request, "catalog/compare.html", {**context, **landing(index)})

    # A list far too long is refused anyway: show and resolve only its start, so a URL cannot cost many queries.
    items = (typed + added)[:MAX_LISTED]
    choices = choices_for(items, index, carry)
    errors, canonical = list_errors(choices, len(typed) + len(added))
    if errors:
        context.update({"errors": errors, "choices": choices, "models_value": ",".join(items)})
        return render(request, "catalog/compare.html", context, status=400)
    if canonical != typed or added:
        return redirect(compare_url(canonical, carry))

    models = compared_models([choice.model.pk for choice in choices if choice.model is not None])
    routes = live_routes(RouteFilter(model_ids=tuple(model.pk for model in models)))
    context.update(side_by_side(request, models, routes, carry))
    if not form.is_valid():
        return render(request, "catalog/compare.html", context, status=400)
    context.update(workload_context(models, routes, form.workload()))
    return render(request, "catalog/compare.html", context)
