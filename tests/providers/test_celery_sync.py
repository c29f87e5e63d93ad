"""The sync as Celery jobs: one task per source, fanned out so one failure cannot block the others, retried only
when the source could not be reached, and scheduled by beat from the database (editable by admins)."""

import pytest
from celery.exceptions import Retry

from providers.models import SyncRun
from providers.tasks import sync_all, sync_source
from tests.payload_server import Reply


def test_sync_all_runs_every_live_source_even_when_one_fails(db, all_feeds, settings):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("runs the fan-out in-process; the real worker is tested in test_tasks.py")
    all_feeds.add("/modelsdev/api.json", Reply(body=b"{not json"))
    names = sync_all.delay(triggered_by="test").get()
    assert names == ["openrouter", "vercel", "modelsdev", "litellm", "epoch", "metr"]
    runs = dict(SyncRun.objects.filter(triggered_by="test").values_list("source", "status"))
    assert runs == {
        "openrouter": "succeeded",
        "vercel": "succeeded",
        "modelsdev": "failed",
        "litellm": "succeeded",
        "epoch": "succeeded",
        "metr": "succeeded",
    }


def test_a_source_that_cannot_be_reached_is_retried_later(db, all_feeds, settings, no_retry_wait):
    all_feeds.add("/vercel/v1/models", Reply(status=503))
    with pytest.raises(Retry):
        sync_source.apply(args=("vercel", "test"), throw=True)
    assert SyncRun.objects.get(source="vercel").failed_transiently


def test_a_source_that_answers_nonsense_is_not_retried(db, all_feeds):
    all_feeds.add("/vercel/v1/models", Reply(body=b"<html>"))
    result = sync_source.apply(args=("vercel", "test"), throw=True)
    run = SyncRun.objects.get(pk=result.get())
    assert run.status == "failed"
    assert not run.failed_transiently


def test_beat_schedules_every_live_source_from_the_database(transactional_db, settings):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from config.celery import app

    # What `celery beat` does on start: the code's schedule becomes editable rows. (The scheduler closes the
    # database connection when it starts, hence a transactional test.)
    DatabaseScheduler(app=app)
    task = PeriodicTask.objects.get(name="sync-all-live-sources")
    assert task.task == "providers.sync_all"
    assert (task.interval.every, task.interval.period) == (settings.SYNC_EVERY_HOURS * 3600, "seconds")
    assert task.enabled


def test_tasks_have_time_limits_below_the_lock_timeout(settings):
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_TIME_LIMIT < settings.SYNC_STALE_AFTER_MINUTES * 60
    assert sync_source.acks_late
