"""The OpenAPI document at /api/v1/schema/ is valid, and every operation in it answers as it says: schemathesis
generates requests for each one (bounded and deterministic) against the fixture catalog and checks that nothing
answers 5xx and that every status code, content type, header and body is the documented one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

import hypothesis
import jsonschema
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.definitions import OPENAPI_30

from providers import curation
from providers.models import Offering
from tests.api.conftest import editor

SCHEMA_URL = "/api/v1/schema/"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 10  # per operation and generation mode: enough to find a 5xx, small enough for `make test`
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Operations that compute and write nothing, although they are POSTs.
READ_ONLY_POSTS = frozenset({("POST", "/api/v1/estimate/")})
# The operations of this part of the API; the rest (models/, labs/, compare/, export/) is the catalog's.
PROVIDERS_AND_BENCHMARKS = ("/api/v1/providers/", "/api/v1/benchmarks/", "/api/v1/changes/", "/api/v1/estimate/")
ROUTE_WRITES = ("/api/v1/offerings/", "/api/v1/prices/")


@pytest.fixture
def app(load_fixture_catalog, settings):
    load_fixture_catalog()
    settings.ALLOWED_HOSTS = ["*"]
    # Hundreds of requests from one client: the throttles are tested elsewhere.
    settings.API_ANON_RATE = settings.API_USER_RATE = "1000000/min"
    # As Django's test client does: the test's transaction must survive the end of each request, on every database.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, app, headers={"Accept": "application/json"})


@pytest.fixture
def staff_headers(db) -> dict[str, str]:
    user = editor("schemathesis")  # the Editor group's rights, as a curator has them
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def key(operation) -> tuple[str, str]:
    return operation.method.upper(), operation.path


def is_write(operation) -> bool:
    return operation.method.upper() in WRITE_METHODS and key(operation) not in READ_ONLY_POSTS


def operations(schema, wanted: Callable[[object], bool]) -> list:
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()  # an operation the schema cannot describe fails the test here
        if wanted(operation):
            found.append(operation)
    return found


def check(case, headers: dict[str, str] | None, found: dict[str, str], label: str) -> int | None:
    """Send one case and run every check on its response; failures go into `found` (message -> example)."""
    try:
        return case.call_and_validate(checks=CHECKS, headers=headers).status_code
    except FailureGroup as group:
        for failure in group.exceptions:
            found.setdefault(describe(failure), example(label, case))
    except Failure as failure:
        found.setdefault(describe(failure), example(label, case))
    return None


def failures_of(operation, modes: Iterable[GenerationMode], **overrides) -> list[str]:
    """Run schemathesis on one operation; every distinct failure, with the request that caused it."""
    found: dict[str, str] = {}
    headers = overrides.pop("headers", None)
    for mode in modes:
        run_mode(operation, mode, headers, overrides, found)
    return listed(operation, found)


def run_mode(operation, mode: GenerationMode, headers, overrides: dict, found: dict[str, str]) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode, **overrides))
    def run(case) -> None:
        check(case, headers, found, mode.value)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        # Nothing is invalid about a string path parameter: no negative request exists. A positive one must.
        if mode is GenerationMode.POSITIVE:
            found.setdefault("schemathesis could not generate a valid request", "")


def listed(operation, found: dict[str, str]) -> list[str]:
    return [
        f"{operation.method.upper()} {operation.path}: {message}\n    {request}" for message, request in found.items()
    ]


def describe(failure: Failure) -> str:
    details = " ".join(failure.message.split())
    return f"{failure.title}: {details[:400]}"


def example(label: str, case) -> str:
    body = "" if case.body is None or type(case.body).__name__ == "NotSet" else f" body={case.body!r}"[:300]
    return f"e.g. ({label}) {case.method} {case.formatted_path} query={case.query or {}}{body}"


def assert_conforms(found: list[str]) -> None:
    assert not found, "\n".join(found)


# --- the document ----------------------------------------------------------------------------------------------


def test_the_schema_is_a_valid_openapi_3_document(client, db):
    response = client.get(SCHEMA_URL, headers={"Accept": "application/json"})
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.0")
    errors = sorted(jsonschema.Draft4Validator(OPENAPI_30).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20])


def test_schemathesis_loads_and_validates_the_schema(api_schema):
    api_schema.validate()  # raises on an invalid document
    paths = {operation.path for operation in operations(api_schema, lambda _: True)}
    for path in (
        "/api/v1/providers/",
        "/api/v1/providers/{slug}/",
        "/api/v1/benchmarks/",
        "/api/v1/benchmarks/{slug}/scores/",
        "/api/v1/changes/",
        "/api/v1/estimate/",
        "/api/v1/offerings/",
        "/api/v1/offerings/{id}/",
        "/api/v1/offerings/{id}/prices/",
        "/api/v1/prices/{id}/end/",
        "/api/v1/prices/{id}/release/",
    ):
        assert path in paths


# --- every operation -------------------------------------------------------------------------------------------


def providers_or_benchmarks(operation) -> bool:
    return operation.path.startswith(PROVIDERS_AND_BENCHMARKS + ROUTE_WRITES)


def the_catalogs(operation) -> bool:
    return not providers_or_benchmarks(operation)


PARTS = {"providers_and_benchmarks": providers_or_benchmarks, "catalog": the_catalogs}


def real_path_parameters() -> dict[str, dict[str, object]]:
    """Path parameters that exist in the fixture catalog, so that generated requests also reach the code behind
    a lookup (random slugs and ids only ever find a 404)."""
    offering = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="openai")
    return {
        "/api/v1/providers/{slug}/": {"slug": "openai"},
        "/api/v1/benchmarks/{slug}/scores/": {"slug": "mmlu"},
        "/api/v1/offerings/{id}/": {"id": offering.pk},
        "/api/v1/offerings/{id}/prices/": {"id": offering.pk},
        "/api/v1/labs/{slug}/": {"slug": "openai"},
        "/api/v1/models/{lab}/{model}/": {"lab": "openai", "model": "gpt-4o-mini"},
        "/api/v1/models/{lab}/{model}/prices/": {"lab": "openai", "model": "gpt-4o-mini"},
        "/api/v1/models/{lab}/{model}/price-history/": {"lab": "openai", "model": "gpt-4o-mini"},
        "/api/v1/models/{lab}/{model}/unlock/": {"lab": "openai", "model": "gpt-4o-mini"},
    }


@pytest.mark.parametrize("part", PARTS)
def test_every_operation_answers_as_documented(api_schema, part):
    """Valid and invalid parameters and bodies, anonymously: reads answer 200 or a documented error, writes a
    documented 401. Providers/benchmarks/changes/estimate/routes and prices are this part of the API; the rest of
    the schema (models/, labs/, compare/, export/) is the catalog's, checked the same way."""
    real = real_path_parameters()
    found = []
    for operation in operations(api_schema, PARTS[part]):
        found += failures_of(operation, [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
        if operation.path in real:
            found += failures_of(operation, [GenerationMode.POSITIVE], path_parameters=real[operation.path])
    assert_conforms(found)


@pytest.mark.parametrize("part", PARTS)
def test_writes_with_a_staff_token_answer_as_documented(api_schema, staff_headers, part):
    """With a staff token, generated bodies reach the validation and the curation services: a body they refuse
    must be a documented 400, never a 500; on ids and slugs that exist too."""
    real = real_path_parameters()
    found = []
    for operation in operations(api_schema, lambda op: is_write(op) and PARTS[part](op)):
        found += failures_of(operation, [GenerationMode.POSITIVE], headers=staff_headers)
        if operation.path in real:
            found += failures_of(
                operation, [GenerationMode.POSITIVE], headers=staff_headers, path_parameters=real[operation.path]
            )
    assert_conforms(found)


def test_successful_writes_answer_as_documented(api_schema, staff_headers):
    """Requests that succeed (generated ones rarely do): each write's 200/201 body is the documented one."""
    offering = Offering.objects.get(model__slug="openai/gpt-4o-mini", provider__slug="azure-openai")
    staff = Token.objects.get(key=staff_headers["Authorization"].split()[1]).user
    released = curation.set_price(offering, component="output", unit="per_1m_tokens", usd=Decimal("0.7"), user=staff)
    cases = [
        (
            "/api/v1/offerings/",
            "POST",
            {},
            {
                "model": "openai/gpt-3.5-turbo",
                "provider": "openrouter",
                "provider_model_id": "openai/gpt-3.5-turbo",
                "context_window": 16385,
            },
        ),
        ("/api/v1/offerings/{id}/", "PATCH", {"id": offering.pk}, {"context_window": 131072, "status": "active"}),
        (
            "/api/v1/offerings/{id}/prices/",
            "POST",
            {"id": offering.pk},
            {"component": "input", "unit": "per_1m_tokens", "usd": "0.16", "verified_at": "2026-11-01"},
        ),
        (
            "/api/v1/offerings/{id}/prices/",
            "POST",
            {"id": offering.pk},
            {"component": "input", "unit": "per_1m_tokens", "usd": "0.16"},
        ),  # the same figure: 200
        ("/api/v1/prices/{id}/release/", "POST", {"id": released.pk}, None),
        ("/api/v1/prices/{id}/end/", "POST", {"id": released.pk}, None),
        (
            "/api/v1/benchmarks/{slug}/scores/",
            "POST",
            {"slug": "mmlu"},
            {"model": "anthropic/claude-sonnet-4-5", "value": "88.7", "self_reported": False},
        ),
    ]
    found: dict[str, str] = {}
    statuses = []
    for path, method, parameters, body in cases:
        operation = api_schema[path][method]
        case = operation.Case(path_parameters=parameters, **({} if body is None else {"body": body}))
        statuses.append(check(case, staff_headers, found, "explicit"))
    assert_conforms([f"{message}\n    {request}" for message, request in found.items()])
    assert statuses == [201, 200, 201, 200, 200, 200, 201]
