"""The MCP server as an agent meets it: `python manage.py mcp` started as a subprocess, spoken to over stdio by the
official SDK's client, which initializes, lists the tools and calls each one; every answer must equal the REST API's
answer for the same question, read from the same database."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, ROOT

mcp = pytest.importorskip("mcp")

TOOLS = {"search_models", "get_model", "compare_models", "cheapest_routes", "estimate_cost", "price_history"}
# Each call, and the API GETs its structured content must equal.
CALLS = [
    ("search_models", {"query": "gpt"}, ["/api/v1/models/?q=gpt&page_size=20"]),
    ("search_models", {"lab": "anthropic"}, ["/api/v1/models/?lab=anthropic&page_size=20"]),
    (
        "get_model",
        {"model": "openai/gpt-4o-mini"},
        ["/api/v1/models/openai/gpt-4o-mini/", "/api/v1/models/openai/gpt-4o-mini/prices/"],
    ),
    (
        "compare_models",
        {"models": ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"]},
        ["/api/v1/compare/?models=openai%2Fgpt-4o-mini%2Canthropic%2Fclaude-sonnet-4-5"],
    ),
    (
        "cheapest_routes",
        {"input_tokens": 2000, "output_tokens": 500, "cached_share": 0.5, "capability": "tool_calling", "limit": 5},
        [
            "/api/v1/estimate/?input_tokens=2000&output_tokens=500&cached_share=0.5&requests=100000"
            "&capability=tool_calling&limit=5"
        ],
    ),
    (
        "cheapest_routes",
        {"cached_share": 1e-05, "benchmark": "mmlu", "min_score": "0.5"},
        [
            "/api/v1/estimate/?input_tokens=1000&output_tokens=300&cached_share=0.00001&requests=100000"
            "&benchmark=mmlu&min_score=0.5&limit=10"
        ],
    ),
    (
        "estimate_cost",
        {"model": "openai/gpt-4o-mini", "input_tokens": 5000, "output_tokens": 1000, "batch": True},
        [
            "/api/v1/estimate/?input_tokens=5000&output_tokens=1000&cached_share=0.0&requests=100000&batch=true"
            "&models=openai%2Fgpt-4o-mini"
        ],
    ),
    ("price_history", {"model": "openai/gpt-4o-mini"}, ["/api/v1/models/openai/gpt-4o-mini/price-history/"]),
]

REST_SCRIPT = """
import json, sys
from django.test import Client
client = Client(HTTP_HOST="localhost")
answers = {}
for path in json.loads(sys.argv[1]):
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    answers[path] = response.json()
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def server_env(tmp_path_factory) -> dict[str, str]:
    """A database file of its own, migrated and loaded with the fixture catalog, for the server and the API."""
    database = tmp_path_factory.mktemp("mcp") / "catalog.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CURATED_DATA_DIR": str(FIXTURES / "curated"),
        "ALLOWED_HOSTS": "localhost",
        "PAGE_CACHE_SECONDS": "0",
        "CELERY_BROKER_URL": "",
        "DATABASE_REPLICA_URL": "",
    }
    for command in (["migrate", "--noinput"], ["sync", "curated"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def rest_answers(env: dict[str, str], paths: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + REST_SCRIPT, json.dumps(paths)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


async def talk(env: dict[str, str]) -> tuple[set[str], list[object], str]:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=["manage.py", "mcp"], env=env, cwd=str(ROOT))
    async with Client(params) as client:
        listed = await client.list_tools()
        names = {tool.name for tool in listed.tools}
        assert all(tool.annotations.read_only_hint for tool in listed.tools)
        results = []
        for name, arguments, _ in CALLS:
            result = await client.call_tool(name, arguments)
            assert not result.is_error, (name, result.content)
            results.append(result.structured_content)
        error = await client.call_tool("get_model", {"model": "no-such-model"})
        assert error.is_error
        return names, results, error.content[0].text


def timeless(answer: object) -> object:
    """The answer without `in_force_at`, which says when it was asked ("now")."""
    if isinstance(answer, dict):
        return {key: timeless(value) for key, value in answer.items() if key != "in_force_at"}
    if isinstance(answer, list):
        return [timeless(item) for item in answer]
    return answer


def in_own_loop(coroutine):
    """Run `coroutine` in a fresh event loop on its own thread: a browser test in the same process may have left
    this thread's loop running (Playwright's sync API), where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_an_agent_gets_the_apis_answers_over_stdio(server_env):
    names, results, error = in_own_loop(asyncio.wait_for(talk(server_env), timeout=120))
    assert names == TOOLS
    assert "lab/model" in error
    expected = rest_answers(server_env, [path for _, _, paths in CALLS for path in paths])
    for (name, _, paths), structured in zip(CALLS, results, strict=True):
        result = timeless(structured["result"])
        if name == "get_model":
            assert result == timeless({"model": expected[paths[0]], "prices": expected[paths[1]]}), name
        else:
            assert result == timeless(expected[paths[0]]), name
    # Every price an agent sees names its source and the date a source stated it: in the answer itself (a model's
    # prices, its history), or beside it for the routes an answer quotes (lists, compare, estimates).
    for route in results[2]["result"]["prices"]["routes"]:
        assert all(price["verified_at"] and price["source"] for price in route["prices"])
    for name, structured in zip([name for name, _, _ in CALLS], results, strict=True):
        if name in {"search_models", "compare_models", "cheapest_routes", "estimate_cost"}:
            quoted = structured["provenance"]
            assert quoted, name
            assert all(p["verified_at"] and p["source"] for route in quoted for p in route["prices"]), name
    estimate = results[5]
    assert {route["offering_id"] for route in estimate["provenance"]} >= {
        row["offering_id"] for row in estimate["result"]["results"]
    }
    assert estimate["result"]["results"]
