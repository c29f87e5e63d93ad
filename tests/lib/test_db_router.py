"""The read replica: anonymous page and API reads go to it, every write and everything a writer reads stay on the
primary, and migrations touch only the primary.

In tests the `replica` alias is a mirror of the test database: a second connection to the same database, so
each alias's queries can be counted apart. Its rows must be committed to be seen from the second connection,
hence transactional tests (and the router itself sends reads inside a transaction to the primary).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from django.core.cache import cache
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from catalog.models import Lab, LanguageModel
from lib.caching import bump_catalog_version, catalog_version
from lib.db_router import ReplicaRouter, position_key, replica_reads
from providers.models import SyncRun
from providers.sync.run import run_sync
from tests.api.conftest import editor
from tests.providers.test_admin import form_data

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

MINI_PAGE = "/models/openai/gpt-4o-mini/"
MINI_API = "/api/v1/models/openai/gpt-4o-mini/"


@pytest.fixture
def catalog(settings, load_fixture_catalog):
    """The router on, then the small curated catalog loaded through a sync (so the primary's position is noted
    with the new catalog version, as in production)."""
    settings.DATABASE_ROUTERS = ["lib.db_router.ReplicaRouter"]
    return load_fixture_catalog()


@contextmanager
def queries(*aliases: str) -> Iterator[dict[str, list[str]]]:
    """The SQL each alias (by default both) ran inside the block."""
    seen: dict[str, list[str]] = {}
    with ExitStack() as stack:
        captures = {
            alias: stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in aliases or ("default", "replica")
        }
        yield seen
    seen.update({alias: [q["sql"] for q in capture.captured_queries] for alias, capture in captures.items()})


def writes(sql: list[str]) -> list[str]:
    return [q for q in sql if q.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


def test_it_reads_anonymous_pages_and_api_requests_from_the_replica(client, catalog):
    with queries() as ran:
        page = client.get(MINI_PAGE)
        api = client.get(MINI_API)
    assert page.status_code == 200
    assert "GPT-4o mini" in page.content.decode()
    assert api.json()["slug"] == "openai/gpt-4o-mini"
    assert len(ran["replica"]) > 5  # the page's selectors, the API's, and on PostgreSQL the replica's position
    assert ran["default"] == []


def test_whoever_signs_in_reads_the_primary_and_reads_their_own_writes(client, catalog):
    ana = editor("ana")  # API writes need the model permissions an editor has
    headers = {"Authorization": f"Token {Token.objects.create(user=ana).key}"}
    with queries() as ran:
        patched = client.patch(MINI_API, {"context_window": 131072}, content_type="application/json", headers=headers)
        read = client.get(MINI_API, headers=headers)
    assert patched.status_code == 200, patched.content
    assert read.json()["context_window"] == 131072
    assert ran["replica"] == []
    assert any("catalog_languagemodel" in q for q in writes(ran["default"]))

    client.force_login(ana)  # a session cookie, as a curator's browser
    with queries() as ran:
        assert client.get(MINI_PAGE).status_code == 200
    assert ran["replica"] == []
    assert ran["default"] != []


def test_the_admin_reads_and_writes_the_primary(admin_client, catalog):
    lab = Lab.objects.get(slug="openai")
    url = f"/admin/catalog/lab/{lab.pk}/change/"
    with queries() as ran:
        data = form_data(admin_client.get(url))
        data["name"] = "OpenAI, Inc."
        response = admin_client.post(url, data)
        listing = admin_client.get("/admin/catalog/lab/")
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert "OpenAI, Inc." in listing.content.decode()
    assert ran["replica"] == []
    assert any("catalog_lab" in q for q in writes(ran["default"]))


def test_syncs_stay_on_the_primary_and_a_marked_block_leaves_the_replica_to_write(catalog):
    with queries() as ran:
        run = run_sync("curated")  # as a Celery task or a command runs it: no request, no mark
    assert run.status == SyncRun.Status.SUCCEEDED
    assert ran["replica"] == []
    assert writes(ran["default"]) != []

    with replica_reads():
        assert router.db_for_read(LanguageModel) == "replica"
        with transaction.atomic():
            assert router.db_for_read(LanguageModel) == "default"
        assert router.db_for_read(LanguageModel) == "replica"
        model = LanguageModel.objects.get(slug="openai/gpt-4o-mini")
        assert model._state.db == "replica"
        model.name = "GPT-4o mini (renamed)"
        model.save()  # a model read from the replica is saved to the primary
        assert router.db_for_read(LanguageModel) == "default"  # and what follows reads its write
    assert LanguageModel.objects.using("default").get(pk=model.pk).name == "GPT-4o mini (renamed)"
    assert router.db_for_read(LanguageModel) == "default"  # outside a marked block


@pytest.mark.django_db(databases=[])
def test_migrations_run_only_on_the_primary(settings):
    settings.DATABASE_ROUTERS = ["lib.db_router.ReplicaRouter"]
    assert router.allow_migrate_model("default", LanguageModel)
    assert not router.allow_migrate_model("replica", LanguageModel)
    assert not ReplicaRouter().allow_migrate("replica", "django_celery_beat")
    # Rows read from either alias may point at each other: both hold the same data.
    assert router.allow_relation(Lab(slug="a"), LanguageModel(slug="a/b"))


@pytest.mark.django_db(databases=["default"])  # a query on the replica would fail the test
def test_without_the_router_every_read_is_on_the_primary(client, load_fixture_catalog):
    load_fixture_catalog()
    with queries("default") as ran:
        assert client.get(MINI_PAGE).status_code == 200
    assert len(ran["default"]) > 5


def test_cached_pages_and_the_route_index_follow_data_changes(client, catalog, page_cache, route_index_cache):
    with queries() as ran:
        first = client.get(MINI_PAGE)
        second = client.get(MINI_PAGE)
        estimate = client.get("/api/v1/estimate/", {"requests": 1000, "input_tokens": 1000, "output_tokens": 300})
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert estimate.status_code == 200, estimate.content
    assert ran["default"] == []
    LanguageModel.objects.filter(slug="openai/gpt-4o-mini").update(name="GPT-4o mini v2")
    bump_catalog_version()  # an update() sends no signal; a sync bumps explicitly the same way
    if connections["default"].vendor == "postgresql":  # where a replica must reach to show the new version
        assert cache.get(position_key(catalog_version())) is not None
    with queries() as ran:
        third = client.get(MINI_PAGE)
    assert third["X-Page-Cache"] == "miss"
    assert "GPT-4o mini v2" in third.content.decode()
    assert ran["default"] == []


@pytest.mark.skipif(connections["default"].vendor != "postgresql", reason="the replica check is PostgreSQL's")
def test_an_unreachable_replica_sends_reads_to_the_primary(client, catalog, monkeypatch):
    replica = connections["replica"]
    replica.close()
    monkeypatch.setitem(replica.settings_dict, "PORT", "1")  # nothing listens there
    try:
        with queries("default") as ran:
            response = client.get(MINI_PAGE)
    finally:
        replica.close()
    assert response.status_code == 200
    assert ran["default"] != []


@pytest.mark.skipif(connections["default"].vendor != "postgresql", reason="a PostgreSQL session setting")
def test_every_postgresql_session_runs_without_jit(db):
    # JIT compiling cost up to 434 ms on one page query; it is turned off per session (poolers refuse it as a
    # startup option).
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        fresh.close()
