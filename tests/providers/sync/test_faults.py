"""Everything a real feed does wrong: the run retries what is transient, fails cleanly on the rest, and the catalog
keeps exactly what it had."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from catalog.models import LanguageModel
from lib.formatting import usd
from providers.models import HeldChange, Offering, Price, SyncRun
from providers.sync.run import run_sync
from tests.payload_server import Reply
from tests.providers.conftest import load_fixture


def snapshot():
    return (
        LanguageModel.objects.count(),
        Offering.objects.count(),
        sorted(Price.objects.values_list("id", "usd", "effective_to")),
    )


@pytest.fixture
def synced(db, openrouter_feed):
    run = run_sync("openrouter")
    assert run.status == "succeeded", run.error
    return openrouter_feed


def serve_models(server, *replies):
    server.add("/api/v1/models", *replies)


def page1():
    return load_fixture("openrouter", "models-page1.json")


def test_a_429_is_retried_after_the_time_it_asks_for(synced, no_retry_wait):
    serve_models(synced, Reply(status=429, headers={"Retry-After": "2"}), page1())
    run = run_sync("openrouter")
    assert run.status == "succeeded"
    assert no_retry_wait == [2.0]


def test_5xx_and_timeouts_are_retried_with_backoff(synced, no_retry_wait, settings):
    settings.SYNC_HTTP_TIMEOUT = 1
    serve_models(synced, Reply(status=502), Reply(body=page1(), delay=1.5), page1())
    hits_before = synced.hits("/api/v1/models")
    run = run_sync("openrouter")
    assert run.status == "succeeded", run.error
    assert synced.hits("/api/v1/models") - hits_before == 3  # 502, timed out, answered
    # At least those two waits (an endpoints call on a loaded machine may also time out and be retried).
    assert len(no_retry_wait) >= 2
    assert all(0 <= wait <= 20 for wait in no_retry_wait)


def test_a_source_that_stays_down_fails_the_run_and_changes_nothing(synced, no_retry_wait, settings):
    before = snapshot()
    settings.SYNC_HTTP_ATTEMPTS = 3
    serve_models(synced, Reply(status=503))
    run = run_sync("openrouter")
    assert run.status == "failed"
    assert run.error.startswith("SourceFetchError")
    assert "gave up after 3 attempts: HTTP 503" in run.error
    assert run.failed_transiently
    assert len(no_retry_wait) == 2
    assert snapshot() == before


def test_a_client_error_is_not_retried(synced, no_retry_wait):
    serve_models(synced, Reply(status=401, body={"error": "bad key"}))
    run = run_sync("openrouter")
    assert "HTTP 401" in run.error
    assert no_retry_wait == []
    assert not run.failed_transiently


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(status=503), "unreachable"),
        (Reply(status=401, body={"error": "bad key"}), "refused"),
        (Reply(body=b"<html>Service unavailable</html>"), "bad_answer"),
    ],
)
def test_the_kind_of_fault_is_recorded_as_a_field_and_only_an_unreachable_source_is_tried_again(
    synced, no_retry_wait, settings, reply, kind
):
    settings.SYNC_HTTP_ATTEMPTS = 1
    serve_models(synced, reply)
    run = run_sync("openrouter")
    assert (run.status, run.error_kind) == ("failed", kind)
    assert SyncRun.objects.get(pk=run.pk).failed_transiently is (kind == "unreachable")


def test_retries_read_the_kind_not_the_message():
    assert not SyncRun(
        status="failed", error="SourceFetchError: quoted by a source", error_kind="other"
    ).failed_transiently
    assert SyncRun(status="failed", error="", error_kind="unreachable").failed_transiently


def test_runs_failed_before_the_kind_was_recorded_get_it_from_their_message(db):
    migration = importlib.import_module("providers.migrations.0008_sync_run_error_kind")
    for error in (
        "SourceFetchError: HTTP 503",
        "SourceClientError: HTTP 401",
        "SourceFormatError: x",
        "abandoned: y",
        "KeyError: 'z'",
    ):
        SyncRun.objects.create(source=error.split(":")[0].lower(), status="failed", error=error)
    SyncRun.objects.create(source="fine", status="succeeded")
    migration.fill_error_kinds(apps, None)
    assert dict(SyncRun.objects.values_list("source", "error_kind")) == {
        "sourcefetcherror": "unreachable",
        "sourceclienterror": "refused",
        "sourceformaterror": "bad_answer",
        "abandoned": "abandoned",
        "keyerror": "other",
        "fine": "",
    }


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b'{"data": [{"id": "openai/gpt-4o-mini", "pricing": '),  # malformed JSON
        Reply(body=b"<html>Service unavailable</html>"),  # not JSON at all
        Reply(body={"models": []}),  # a changed shape: no "data" list
    ],
)
def test_a_body_it_cannot_read_fails_the_run_and_changes_nothing(synced, reply):
    before = snapshot()
    serve_models(synced, reply)
    run = run_sync("openrouter")
    assert run.status == "failed"
    assert run.error.startswith("SourceFormatError")
    assert snapshot() == before


def test_a_truncated_body_fails_the_run_and_changes_nothing(synced, no_retry_wait):
    before = snapshot()
    serve_models(synced, Reply(body=page1(), truncate_at=300))
    run = run_sync("openrouter")
    assert run.status == "failed"
    assert snapshot() == before


def test_an_empty_list_does_not_retire_the_catalog(synced):
    serve_models(synced, {"data": []})
    run = run_sync("openrouter")
    assert run.status == "succeeded"
    assert "retirement skipped" in run.notes[0]
    assert not Offering.objects.filter(status="retired").exclude(model__slug="mistral/mistral-large-2407").exists()


def test_a_route_that_vanishes_normally_is_retired_and_its_prices_closed(synced):
    page = page1()
    # Two more routes first, so that one vanishing stays under the retirement guard's 10%.
    extra = [{**page["data"][0], "id": f"openai/gpt-4o-mini-extra-{n}", "name": f"extra {n}"} for n in (1, 2)]
    serve_models(synced, {**page, "data": page["data"] + extra})
    assert run_sync("openrouter").status == "succeeded"
    page["data"] = [m for m in page["data"] if m["id"] != "openai/gpt-4o-mini-2024-07-18"] + extra
    serve_models(synced, page)
    run = run_sync("openrouter")
    assert [note for note in run.notes if not note.startswith(("matched:", "collapsed:"))] == []
    gone = Offering.objects.get(model__slug="openai/gpt-4o-mini-2024-07-18", provider__slug="openrouter")
    assert gone.status == "retired"
    assert run.counts["offering"]["retired"] == 1
    assert LanguageModel.objects.filter(slug="openai/gpt-4o-mini-2024-07-18").exists()  # never deleted


def test_a_model_retired_after_its_route_vanished_keeps_its_last_known_prices(synced, client):
    """Review finding 13: the sync closes a vanished route's prices; the model page still shows them, dated."""
    page = page1()
    extra = [{**page["data"][0], "id": f"openai/gpt-4o-mini-extra-{n}", "name": f"extra {n}"} for n in (1, 2)]
    serve_models(synced, {**page, "data": page["data"] + extra})
    assert run_sync("openrouter").status == "succeeded"
    slug = "openai/gpt-4o-mini-2024-07-18"
    last = {
        p.component: p
        for p in Price.objects.current().filter(offering__model__slug=slug, offering__provider__slug="openrouter")
    }
    page["data"] = [m for m in page["data"] if m["id"] != slug] + extra
    serve_models(synced, page)
    assert run_sync("openrouter").status == "succeeded"
    assert not Price.objects.current().filter(offering__model__slug=slug).exists()  # closed by the sync
    LanguageModel.objects.filter(slug=slug).update(status="retired")

    html = client.get(f"/models/{slug}/").content.decode()
    assert "No route of this model has a known paid price yet" not in html
    assert "no route of this model has a known price yet" not in html.lower()  # nor in the performance summary
    assert "Retired: no live route serves it, so its last known price is not ranked." in html
    assert f"<strong>{usd(last['input'].usd)}</strong> input" in html
    assert f"<strong>{usd(last['output'].usd)}</strong> output" in html
    seen = last["input"].verified_on.isoformat()
    assert f'<span class="badge badge-retired">last known price</span> OpenRouter, last seen {seen}' in html
    assert "· source <a" in html.split("last known price", 1)[1]


@pytest.mark.parametrize(
    ("new_price", "reason"),
    [
        ("0.00015", "looks like a unit error: x1000"),
        ("0.0000015", "changes by more than 5x (x10.0)"),
    ],
)
def test_a_suspicious_price_change_is_held_not_applied(synced, new_price, reason):
    page = page1()
    page["data"][0]["pricing"]["prompt"] = new_price
    serve_models(synced, page)
    run = run_sync("openrouter")
    held = HeldChange.objects.get()
    assert (held.reason, held.status, held.component) == (reason, "pending", "input")
    assert run.counts["price"]["held"] == 1
    current = Price.objects.current().get(
        offering__provider__slug="openrouter", offering__model__slug="openai/gpt-4o-mini", component="input"
    )
    assert str(current.usd.normalize()) == "0.15"
    # Seen again, the same held change is not duplicated.
    run_sync("openrouter")
    assert HeldChange.objects.count() == 1


def test_an_ordinary_price_change_applies_with_history(synced):
    page = page1()
    page["data"][0]["pricing"]["prompt"] = "0.0000002"
    serve_models(synced, page)
    run_sync("openrouter")
    rows = Price.objects.filter(
        offering__provider__slug="openrouter", offering__model__slug="openai/gpt-4o-mini", component="input"
    ).order_by("effective_from")
    assert [str(r.usd.normalize()) for r in rows] == ["0.15", "0.2"]
    assert rows[0].effective_to == rows[1].effective_from


# --- one sync per source at a time ---------------------------------------------------------------------------


def test_a_second_run_while_one_is_running_is_skipped(db, openrouter_feed):
    holder = SyncRun.objects.create(source="openrouter")
    run = run_sync("openrouter")
    assert run.status == "skipped"
    assert f"run {holder.pk} of openrouter has been running since" in run.notes[0]
    assert not LanguageModel.objects.exists()


def test_a_run_abandoned_by_a_dead_worker_is_released(db, openrouter_feed, settings):
    from django.utils import timezone

    holder = SyncRun.objects.create(source="openrouter")
    SyncRun.objects.filter(pk=holder.pk).update(
        started_at=timezone.now() - timezone.timedelta(minutes=settings.SYNC_STALE_AFTER_MINUTES + 1)
    )
    run = run_sync("openrouter")
    assert run.status == "succeeded"
    holder.refresh_from_db()
    assert holder.status == "failed"
    assert holder.error.startswith("abandoned")


def test_two_concurrent_syncs_on_postgresql_one_works_one_skips(transactional_db, payload_server, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (the SQLite default serializes every write anyway)")
    # A slow first page keeps the first run inside its lock while the second one starts.
    payload_server.add("/api/v1/models", Reply(body={"data": page1()["data"]}, delay=1.0))
    settings.OPENROUTER_API_URL = f"{payload_server.url}/api/v1"
    results: list[str] = []

    def sync() -> None:
        try:
            results.append(run_sync("openrouter").status)
        finally:
            connection.close()

    threads = [threading.Thread(target=sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["skipped", "succeeded"]
