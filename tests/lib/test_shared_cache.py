"""Without Redis (the documented default: each process's cache is its own memory), the versions pages are kept under
and the API's rate-limit counts still live where every gunicorn worker sees them: files under SHARED_CACHE_DIR. Each
worker here is a separate Python process with the default settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
from lib import caching
from lib.versions import catalog_version
action = sys.argv[1]
if action == "bump":
    caching.bump_tags([caching.model_tag("openai/gpt-4o-mini")])
if action == "api":
    statuses = [Client().get("/api/v1/labs/").status_code for _ in range(int(sys.argv[2]))]
    print(json.dumps(statuses))
    sys.exit()
print(json.dumps({"alias": settings.SHARED_CACHE_ALIAS, "version": catalog_version(),
                  "stamp": caching.stamp_of([caching.model_tag("openai/gpt-4o-mini")])}))
"""


def worker(tmp_path: Path, *args: str) -> object:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SHARED_CACHE_DIR=str(tmp_path / "shared"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        API_ANON_RATE="3/min",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="CRITICAL",
    )
    done = subprocess.run(
        [sys.executable, "-c", WORKER, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_change_in_one_process_is_seen_by_the_others(tmp_path):
    before = worker(tmp_path, "read")
    assert before["alias"] == "shared"
    assert worker(tmp_path, "read") == before  # another process reads the same versions
    worker(tmp_path, "bump")  # a third changes model A
    after = worker(tmp_path, "read")
    assert after["version"] > before["version"]
    assert after["stamp"][0] == before["stamp"][0]  # `everything` untouched...
    assert after["stamp"][1] != before["stamp"][1]  # ...A's tag moved on, for every process


def test_the_api_rate_limit_counts_a_client_once_across_processes(tmp_path):
    first = worker(tmp_path, "api", "2")
    second = worker(tmp_path, "api", "2")
    assert 429 not in first
    assert second[-1] == 429  # the 4th request of the minute, though only the 2nd this process saw
