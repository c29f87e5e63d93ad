"""The catalog over the Model Context Protocol, for agents: read-only tools answered by the REST API's own views.

Each tool makes an in-process GET to the matching /api/v1/ view (no network, no HTTP server): the same selectors,
validation, errors and provenance as the API, so an agent and a program never get different answers. Each price in
an answer carries its source and the date a source stated it (`source`, `source_url`, `verified_at`); each tool's
structured content also names the API path it mirrors.

`python manage.py mcp` serves these tools over stdio (docs/integrations.md shows an agent's configuration).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations

API_PREFIX = "/api/v1/"
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
INSTRUCTIONS = (
    "An LLM catalog: models, who serves them (routes), what each route costs with the source and verification date "
    "of every price, price history and benchmarks. Model ids are canonical slugs like openai/gpt-4o-mini. Token "
    "prices are USD per 1M tokens as decimal strings."
)


def _host() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host and host != "*" and not host.startswith(".")]
    return hosts[0] if hosts else "localhost"


def api_get(path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET an /api/v1/ path through its view, in process: the API's JSON answer, or a ToolError with its message."""
    query = {key: value for key, value in (params or {}).items() if value not in (None, "", [])}
    url = API_PREFIX + path + ("?" + urlencode(query, doseq=True) if query else "")
    request = RequestFactory().get(url, HTTP_HOST=_host(), HTTP_ACCEPT="application/json")
    match = resolve(request.path)
    response: HttpResponse = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    body = json.loads(response.content) if response.content else {}
    if response.status_code >= 400:
        errors = body.get("errors")
        raise ToolError(f"{body.get('detail', response.status_code)}" + (f" {json.dumps(errors)}" if errors else ""))
    return body


def _model_path(model: str) -> str:
    lab, _, name = model.strip().strip("/").partition("/")
    if not lab or not name:
        raise ToolError(f"A model is named by its canonical slug, lab/model (openai/gpt-4o-mini), not {model!r}.")
    return f"models/{lab}/{name}/"


def _answer(path: str, result: Any, *, provenance: bool = False) -> dict[str, Any]:
    """A tool's structured content: the API path it mirrors, the API's answer and, for answers that quote prices
    without their provenance (lists, compare, estimates), `provenance`: every current price of each route quoted,
    with its source and the date a source stated it."""
    answer: dict[str, Any] = {"api": API_PREFIX + path, "result": result}
    if provenance:
        answer["provenance"] = routes_provenance(_quoted_routes(result))
    return answer


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _quoted_routes(result: Any) -> list[int]:
    """The routes an answer quotes a price of: those it names by id, and each listed model's cheapest route."""
    from providers.models import CheapestRoute

    offering_ids = {row["offering_id"] for row in _walk(result) if isinstance(row.get("offering_id"), int)}
    slugs = {row["slug"] for row in _walk(result) if isinstance(row.get("slug"), str) and "/" in row["slug"]}
    if slugs:
        offering_ids |= set(CheapestRoute.objects.filter(model__slug__in=slugs).values_list("offering_id", flat=True))
    return sorted(offering_ids)


def routes_provenance(offering_ids: list[int]) -> list[dict[str, Any]]:
    """Each route's current prices with their source and verification date, as the API's price rows say them."""
    from providers.api.serializers import PriceSerializer
    from providers.models import Offering, Price

    routes = (
        Offering.objects.filter(pk__in=offering_ids)
        .select_related("model", "provider")
        .prefetch_related(
            Prefetch(
                "prices",
                queryset=Price.objects.current().order_by("service_tier", "tier_min_tokens", "component"),
                to_attr="current_prices",
            )
        )
        .order_by("pk")
    )
    return [
        {
            "offering_id": route.pk,
            "model": route.model.slug,
            "provider": route.provider.slug,
            "prices": PriceSerializer(getattr(route, "current_prices", []), many=True).data,
        }
        for route in routes
    ]


def search_models(
    query: str = "",
    lab: str = "",
    capability: str = "",
    provider: str = "",
    limit: int = 20,
) -> dict[str, Any]:
    """Find models by name or alias (query), lab slug, capability slug (tool_calling, vision, reasoning...) or a
    provider that serves them. Each row has the model's cheapest route and its price."""
    params = {
        "q": query,
        "lab": lab,
        "capability": capability,
        "provider": provider,
        "page_size": max(1, min(limit, 200)),
    }
    return _answer("models/", api_get("models/", params), provenance=True)


def get_model(model: str) -> dict[str, Any]:
    """One model (canonical slug lab/model): its facts, capabilities, aliases and scores, and every route with its
    current prices, each price with its source and verification date."""
    path = _model_path(model)
    return {
        "api": [API_PREFIX + path, API_PREFIX + path + "prices/"],
        "result": {"model": api_get(path), "prices": api_get(path + "prices/")},
    }


def compare_models(models: list[str]) -> dict[str, Any]:
    """Two or more models side by side (canonical slugs): facts, cheapest prices and benchmark scores."""
    return _answer("compare/", api_get("compare/", {"models": ",".join(models)}), provenance=True)


def _plain(value: Decimal | str) -> str:
    """A decimal as the API reads it: every digit, never an exponent (1e-05 -> 0.00001)."""
    try:
        return f"{Decimal(str(value).strip()):f}"
    except ArithmeticError as exc:  # decimal.InvalidOperation: not a number
        raise ToolError(f"not a number: {value!r}") from exc


def _workload(
    input_tokens: int, output_tokens: int, cached_share: Decimal | str, requests_per_month: int, batch: bool
) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_share": _plain(cached_share),
        "requests": requests_per_month,
        "batch": "true" if batch else "",
    }


def cheapest_routes(
    input_tokens: int = 1000,
    output_tokens: int = 300,
    cached_share: Decimal | str = Decimal("0.0"),
    requests_per_month: int = 100_000,
    capability: str = "",
    min_context: int | None = None,
    benchmark: str = "",
    min_score: Decimal | str | None = None,
    batch: bool = False,
    limit: int = 10,
) -> dict[str, Any]:
    """The cheapest routes for a workload (tokens in and out per request, the share of input read from the cache,
    requests per month, batch), among models with a capability, a context window and a minimum benchmark score.
    Every route's cost has its arithmetic line by line and the source and date of each price used."""
    params = _workload(input_tokens, output_tokens, cached_share, requests_per_month, batch)
    params.update(
        capability=capability,
        min_context=min_context,
        benchmark=benchmark,
        min_score=None if min_score is None else _plain(min_score),
        limit=limit,
    )
    return _answer("estimate/", api_get("estimate/", params), provenance=True)


def estimate_cost(
    model: str,
    input_tokens: int = 1000,
    output_tokens: int = 300,
    cached_share: Decimal | str = Decimal("0.0"),
    requests_per_month: int = 100_000,
    provider: str = "",
    batch: bool = False,
) -> dict[str, Any]:
    """What a workload costs on each route of one model (or on one provider's route), cheapest first."""
    _model_path(model)
    params = _workload(input_tokens, output_tokens, cached_share, requests_per_month, batch)
    params.update(models=model.strip().strip("/"), provider=provider)
    return _answer("estimate/", api_get("estimate/", params), provenance=True)


def price_history(model: str) -> dict[str, Any]:
    """Every price period of every route of one model: from, to, amount, source and verification date."""
    path = _model_path(model) + "price-history/"
    return _answer(path, api_get(path))


TOOLS = (search_models, get_model, compare_models, cheapest_routes, estimate_cost, price_history)


def build_server() -> MCPServer:
    server = MCPServer(name="llm-catalog", instructions=INSTRUCTIONS)
    for tool in TOOLS:
        server.add_tool(tool, annotations=READ_ONLY, structured_output=True)
    return server
