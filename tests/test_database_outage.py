"""The database going away for a moment: a clean 503 with Retry-After (JSON under /api/, a page elsewhere), never a
500, and the next request after it is back is served by the same process."""

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError, connection

from tests.factories import build_catalog
from tests.problem import details

PAGE = "/models/lab/model-0/"
API = "/api/v1/models/lab/model-0/"


@pytest.fixture
def catalog(db: None) -> None:
    build_catalog(1, routes=1, with_scores=False)


def failing_with(error: type[Exception]) -> Callable[..., Any]:
    """An execute wrapper that fails every query the way a dropped connection does."""

    def fail(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        raise error("server closed the connection unexpectedly")

    return fail


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_it_answers_a_page_with_a_503_page_and_recovers(client, catalog, error):
    with connection.execute_wrapper(failing_with(error)):
        response = client.get(PAGE)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<h1>Back in a moment</h1>" in html
    assert "Traceback" not in html
    assert "server closed" not in html

    assert client.get(PAGE).status_code == 200


def test_it_answers_the_api_with_a_json_503(client, catalog):
    with connection.execute_wrapper(failing_with(OperationalError)):
        response = client.get(API)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert details(response) == {"detail": "The catalog's database is unavailable for a moment. Please retry shortly."}

    assert client.get(API).json()["slug"] == "lab/model-0"


def test_it_leaves_other_database_errors_alone(client, catalog):
    # A constraint violation is a bug to see, not an outage to hide behind a 503.
    with connection.execute_wrapper(failing_with(IntegrityError)), pytest.raises(IntegrityError):
        client.get(PAGE)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections (bound, never listening), for as long as the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server to become unreachable")
def test_it_reconnects_once_an_unreachable_server_is_back(client, transactional_db, closed_port):
    assert client.get("/api/v1/models/").status_code == 200
    settings = connection.settings_dict
    address = settings["HOST"], settings["PORT"]
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", closed_port
    try:
        response = client.get("/api/v1/models/")
        page = client.get("/models/")
    finally:
        settings["HOST"], settings["PORT"] = address
    assert (response.status_code, page.status_code) == (503, 503)
    assert "Retry-After" in response

    assert client.get("/api/v1/models/").status_code == 200
