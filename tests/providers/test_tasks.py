"""Syncs as Celery tasks: in-process by default, through a real broker and worker when one is configured."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from providers.models import SyncRun
from providers.tasks import enqueue_sync, sync_source


def test_without_a_broker_an_enqueued_sync_runs_in_process_after_commit(
    transactional_db, settings, curated_fixture_dir
):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("CELERY_BROKER_URL is set: tasks go to the real worker (see the next test)")
    settings.CURATED_DATA_DIR = curated_fixture_dir
    with transaction.atomic():
        enqueue_sync("curated", triggered_by="test")
        assert not SyncRun.objects.exists()  # nothing runs before the transaction commits
    run = SyncRun.objects.get()
    assert (run.status, run.triggered_by, run.created) == ("succeeded", "test", 36)


@pytest.mark.worker
def test_a_real_worker_runs_a_sync_sent_through_the_broker(transactional_db, settings, curated_fixture_dir):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("CELERY_BROKER_URL is not set: no broker to send the task through")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.CURATED_DATA_DIR = curated_fixture_dir
    # A queue of this test's own, so parallel test processes never take each other's tasks.
    queue = f"test-{uuid.uuid4().hex}"
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[queue], shutdown_timeout=10
    ):
        sync_source.apply_async(("curated", "worker-test"), queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run = SyncRun.objects.filter(triggered_by="worker-test").first()
            if run and run.status != SyncRun.Status.RUNNING:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the worker did not finish the sync within 60 s")
    assert run.status == "succeeded", run.error
    assert run.created == 36


@pytest.mark.worker
def test_a_real_worker_fans_out_sync_all_one_task_per_source(transactional_db, settings, all_feeds, monkeypatch):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("CELERY_BROKER_URL is not set: no broker to send the tasks through")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from providers.sync.sources import live_sources

    queue = f"test-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)  # the fan-out's children follow the default
    all_feeds.add("/modelsdev/api.json", b"{broken")  # one source fails; the others must not care
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[queue], shutdown_timeout=10
    ):
        sync_all_task = app.tasks["providers.sync_all"]
        sync_all_task.apply_async(kwargs={"triggered_by": "fan-out-test"})
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            runs = dict(
                SyncRun.objects.filter(triggered_by="fan-out-test")
                .exclude(status="running")
                .values_list("source", "status")
            )
            if len(runs) == len(live_sources()):
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"the worker finished only {runs} within 90 s")
    assert runs == {
        "openrouter": "succeeded",
        "vercel": "succeeded",
        "modelsdev": "failed",
        "litellm": "succeeded",
        "epoch": "succeeded",
        "metr": "succeeded",
    }


def test_a_worker_knows_every_task_the_project_defines():
    """A worker imports each app's `tasks` module only: a task defined in another module must be imported there, or
    the worker discards its messages as unregistered (the rewarm's were). Checked in a fresh process, as a worker
    starts, since this one has imported every module already."""
    root = Path(__file__).resolve().parents[2]
    defined = {
        name
        for folder in root.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and folder.name != "tests"
        for path in folder.glob("**/*.py")
        for name in re.findall(r'@shared_task\(name="([^"]+)"', path.read_text())
    }
    assert "providers.rewarm" in defined
    registered = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config.celery import app; app.loader.import_default_modules(); print(' '.join(app.tasks))",
        ],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert defined <= set(registered), defined - set(registered)
