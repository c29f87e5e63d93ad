"""`make reliability`: load the site while it syncs, take its database and its broker away for a moment, kill a
Celery worker in the middle of a sync; check the catalog by SQL after each; write docs/reliability.md.

Everything runs on 127.0.0.1: gunicorn (production settings, as `make bench` runs it), a TCP relay in front of
PostgreSQL and one in front of Redis (cut to make an outage), the source feeds served from memory, Celery workers.
Every loop is bounded in count and time; the run stops by itself (about 5 minutes).

Environment: RELIABILITY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/rel_main; dropped and recreated),
RELIABILITY_BROKER_URL / RELIABILITY_REDIS_URL (Redis databases of the run's own, flushed: default
redis://127.0.0.1:6379/8 and /9), RELIABILITY_SECONDS (load under sync, default 60), RELIABILITY_CONCURRENCY (50),
RELIABILITY_SCALE (size of the seeded catalog, default 0.1 = 500 models, 5,000 routes, 50,000 prices),
RELIABILITY_PORT (first of the ports used, default 18500: web, +10 database relay, +11 broker relay, +20 feeds),
RELIABILITY_REPORT (docs/reliability.md).

Past 500 lines: one script whose steps (set up, each fault, the checks, the report) read in the order they run.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("RELIABILITY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rel_main")
# bench.__main__ reads this when imported: its helpers (django_env, machine) then name this run's database.
os.environ["BENCH_DATABASE_URL"] = DATABASE_URL
BROKER_URL = os.environ.get("RELIABILITY_BROKER_URL", "redis://127.0.0.1:6379/8")
REDIS_URL = os.environ.get("RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/9")
SECONDS = int(os.environ.get("RELIABILITY_SECONDS", "60"))
CONCURRENCY = int(os.environ.get("RELIABILITY_CONCURRENCY", "50"))
SCALE = float(os.environ.get("RELIABILITY_SCALE", "0.1"))
PORT = int(os.environ.get("RELIABILITY_PORT", "18500"))
REPORT = Path(os.environ.get("RELIABILITY_REPORT", ROOT / "docs" / "reliability.md"))

WEB_PORT, DB_RELAY_PORT, BROKER_RELAY_PORT, FEED_PORT = PORT, PORT + 10, PORT + 11, PORT + 20
OUTAGE_SECONDS = 5
# SYNC_STALE_AFTER_MINUTES may not be set below 5 (settings.py): the workers run with the minimum.
STALE_MINUTES = 5
SYNC_BUDGET_SECONDS = 300  # per source
CLIENT_TIMEOUT = 30  # seconds wrk waits for an answer before counting a timeout
FEED_MODELS_UNDER_LOAD, FEED_MODELS_KILLED = 400, 1500
LITELLM_ENTRIES = 300
STAFF = "reliability"
SYNC_NOW = "/admin/providers/syncrun/sync-now/"

sys.path.insert(0, str(ROOT))


def say(message: str) -> None:
    print(f"[reliability {time.strftime('%H:%M:%S')}] {message}", flush=True)


def url_with(url: str, *, port: int | None = None, application_name: str = "") -> str:
    parts = urlsplit(url)
    if port is not None:
        user = parts.netloc.rpartition("@")[0]
        parts = parts._replace(netloc=f"{user + '@' if user else ''}{parts.hostname}:{port}")
    if application_name:
        parts = parts._replace(query="&".join(filter(None, [parts.query, f"application_name={application_name}"])))
    return parts.geturl()


def connect() -> Any:
    import psycopg

    return psycopg.connect(DATABASE_URL, autocommit=True)


class Run:
    """The processes and relays of one reliability run, and their environments."""

    def __init__(self, feeds: Any) -> None:
        from bench.__main__ import django_env

        sources = {
            "OPENROUTER_API_URL": f"{feeds.url}/api/v1",
            "LITELLM_PRICES_URL": f"{feeds.url}/litellm.json",
            "SYNC_STALE_AFTER_MINUTES": str(STALE_MINUTES),
            "REDIS_URL": REDIS_URL,
            "PAGE_CACHE_SECONDS": "600",
        }
        # The web processes reach PostgreSQL and Redis through the relays; syncs and workers directly.
        self.web_env = django_env(
            DATABASE_URL=url_with(DATABASE_URL, port=DB_RELAY_PORT, application_name="reliability-web"),
            CELERY_BROKER_URL=url_with(BROKER_URL, port=BROKER_RELAY_PORT),
            **sources,
        )
        self.sync_env = django_env(DATABASE_URL=DATABASE_URL, CELERY_BROKER_URL=BROKER_URL, **sources)
        self.workers: list[subprocess.Popen] = []

    def start_worker(self, name: str) -> tuple[subprocess.Popen, Path]:
        log = ROOT / "var" / f"reliability-{name}.log"
        env = {
            **os.environ,
            **self.sync_env,
            "DATABASE_URL": url_with(DATABASE_URL, application_name=f"reliability-{name}"),
            "LOG_LEVEL": "INFO",
        }
        celery = str(Path(sys.executable).with_name("celery"))
        with log.open("w") as handle:
            # A session of its own: the kill takes the whole worker (parent and pool child), like a lost machine.
            process = subprocess.Popen(
                [
                    *(celery, "-A", "config", "worker", "--concurrency", "1", "--loglevel", "INFO"),
                    *("-n", f"{name}@%h", "--without-mingle", "--without-gossip"),
                ],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.workers.append(process)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if " ready." in log.read_text():
                return process, log
            if process.poll() is not None:
                raise RuntimeError(f"worker {name} exited with {process.returncode}; see {log}")
            time.sleep(0.3)
        raise RuntimeError(f"worker {name} was not ready within 90 s; see {log}")

    def stop_workers(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


# --- setting up -------------------------------------------------------------------------------------------------


def prepare(run_env: dict[str, str]) -> dict[str, Any]:
    import redis

    from bench.db import recreate

    say(f"recreating {DATABASE_URL.rsplit('/', 1)[-1]}, migrating, seeding at scale {SCALE}")
    recreate(DATABASE_URL)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **run_env},
        check=True,
        timeout=300,
    )
    from bench.__main__ import collect_static

    collect_static(run_env)  # its gunicorn serves DEBUG=0 pages: without this /admin/login/ is a 500
    for url in (BROKER_URL, REDIS_URL):
        redis.Redis.from_url(url).flushdb()
    os.environ.update(run_env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from bench.seed import seed
    from reliability.catalog_checks import seeded_bounds

    seeded = seed(SCALE)
    password = secrets.token_urlsafe(16)
    get_user_model().objects.create_superuser(STAFF, f"{STAFF}@example.org", password)
    with connect() as connection:
        bounds = seeded_bounds(connection)
    return {"seeded": seeded, "bounds": bounds, "password": password}


def load_paths() -> list[str]:
    """The main pages and the API, sampled from the seeded catalog as the benchmark samples them."""
    from bench.__main__ import scenarios

    paths = ["/", "/models/", "/providers/", "/labs/", "/benchmarks/"]
    for name, urls in scenarios().items():
        if name != "floor (/healthz)":
            paths += urls
    return paths


def serve_feeds(feeds: Any, models: int) -> int:
    """Serve an OpenRouter feed of `models` models (the first ones are the same whatever the size) and LiteLLM's."""
    from bench.feeds import litellm, openrouter

    listing, endpoints = openrouter(models=models)
    feeds.add("/api/v1/models", listing)
    for path, body in endpoints.items():
        feeds.add(path, body)
    feeds.add("/litellm.json", litellm(entries=LITELLM_ENTRIES))
    return len(endpoints)


# --- scenario 1: load while a full sync runs ------------------------------------------------------------------


def drive(paths: list[str], seconds: int) -> dict[str, Any]:
    """wrk when installed, else a thread per connection (as bench/load.py falls back to)."""
    if shutil.which("wrk") is None:
        from reliability.client import Prober

        prober = Prober(WEB_PORT, paths, threads=CONCURRENCY, limit=seconds, fresh=False)
        prober.timeout = CLIENT_TIMEOUT
        with prober:
            time.sleep(seconds)
        return prober.as_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    try:
        return _wrk(handle.name, seconds)
    finally:
        Path(handle.name).unlink()


def _wrk(paths_file: str, seconds: int) -> dict[str, Any]:
    output = subprocess.run(
        [
            *("wrk", "-t", "2", "-c", str(CONCURRENCY), "-d", f"{seconds}s", "--timeout", f"{CLIENT_TIMEOUT}s"),
            *("-s", str(ROOT / "reliability" / "statuses.lua"), f"http://127.0.0.1:{WEB_PORT}", "--", paths_file),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + CLIENT_TIMEOUT + 60,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RELIABILITY_JSON "))
    return json.loads(line.removeprefix("RELIABILITY_JSON "))


def full_sync(env: dict[str, str], started: float, results: list[dict]) -> None:
    """The sources a full sync runs that can be served on loopback, in the registry's order."""
    for source in ("curated", "openrouter", "litellm"):
        began = time.monotonic() - started
        completed = subprocess.run(
            [sys.executable, "manage.py", "sync", source, "--json"],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=SYNC_BUDGET_SECONDS,
        )
        summary = json.loads(completed.stdout.strip().splitlines()[-1]) if completed.stdout.strip() else {}
        results.append(
            {
                "source": source,
                "run_id": summary.get("run_id"),
                "status": summary.get("status", f"exit {completed.returncode}"),
                "error": summary.get("error", completed.stderr[-500:] if completed.returncode else ""),
                "created": summary.get("created"),
                "updated": summary.get("updated"),
                "started_at_s": round(began, 1),
                "finished_at_s": round(time.monotonic() - started, 1),
            }
        )
        # What autovacuum would do within a minute of a bulk write; this server may run without it, and the
        # pages' plans after thousands of new rows with stale statistics are ten times slower.
        with connect() as connection:
            connection.execute("ANALYZE")


def load_under_sync(run: Run, paths: list[str], bounds: dict[str, int]) -> dict[str, Any]:
    from reliability.catalog_checks import checksum, compare_created, counts, created_by_runs, invariants, rows_of_runs

    with connect() as connection:
        before = {"counts": counts(connection), "checksum": checksum(connection, bounds)}
    syncs: list[dict] = []
    started = time.monotonic()
    syncing = threading.Thread(target=lambda: (time.sleep(3), full_sync(run.sync_env, started, syncs)))
    syncing.start()
    try:
        say(f"load: {SECONDS} s at concurrency {CONCURRENCY}; the sync starts 3 s in")
        load = drive(paths, SECONDS)
        load_ended = round(time.monotonic() - started, 1)
    finally:
        if syncing.is_alive():
            say("load over; waiting for the sync to finish")
        syncing.join(timeout=3 * SYNC_BUDGET_SECONDS)
    run_ids = [s["run_id"] for s in syncs if s["run_id"]]
    with connect() as connection:
        after_counts = counts(connection)
        result = {
            "paths": len(paths),
            "concurrency": CONCURRENCY,
            "seconds": round(load["duration_us"] / 1e6, 1),
            "load_ended_at_s": load_ended,
            "syncs": syncs,
            "requests": load["requests"],
            "statuses": dict(sorted(load["statuses"].items())),
            "socket_errors": load["connect_errors"] + load["read_errors"] + load["write_errors"],
            "timeouts": load["timeouts"],
            "client_timeout_s": CLIENT_TIMEOUT,
            "latency_ms": {key: round(load[f"{key}_us"] / 1000, 1) for key in ("p50", "p99", "max")},
            "counts_before": before["counts"],
            "counts_after": after_counts,
            "created_vs_added": compare_created(before["counts"], after_counts, created_by_runs(connection, run_ids)),
            "rows_of_runs": rows_of_runs(connection, run_ids),
            "invariants": invariants(connection),
            "seeded_rows_unchanged": checksum(connection, bounds) == before["checksum"],
        }
    result["server_errors"] = sum(n for status, n in result["statuses"].items() if status.startswith("5"))
    return result


# --- scenario 2: the database away for a moment ---------------------------------------------------------------


def worker_pids(server: Any) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True).stdout
    return sorted(int(pid) for pid in found.split())


def database_outage(server: Any, relay: Any, slugs: list[str]) -> dict[str, Any]:
    from reliability.client import Prober, request

    paths = [f"/models/{slugs[0]}/", *(f"/api/v1/models/{slug}/" for slug in slugs), "/api/v1/models/?page_size=5"]
    paths.append("/healthz")
    workers_before = worker_pids(server)
    with Prober(WEB_PORT, paths, threads=3, limit=60) as prober:
        time.sleep(4)
        cut_at = prober.now()
        reset = relay.cut()
        say(f"database relay cut ({reset} connections reset); restoring in {OUTAGE_SECONDS} s")
        time.sleep(OUTAGE_SECONDS)
        restored_at = prober.now()
        relay.restore()
        deadline = restored_at + 30
        ready = request(WEB_PORT, "GET", "/readyz")  # a database round trip, queued behind the probers' requests
        while ready.status != 200 and prober.now() < deadline:
            ready = request(WEB_PORT, "GET", "/readyz")
        ready_after = prober.now() - restored_at
        while prober.now() < deadline:  # until every request sent after the restore has been answered 200 for 3 s
            time.sleep(0.5)
            since = [s for s in prober.samples if s.at >= restored_at]
            if (
                since
                and since[-1].answered - since[0].answered >= 3
                and all(s.status in (200, 429) for s in since[-8:])
            ):
                break
    samples = prober.samples
    after = [s for s in samples if s.at >= restored_at and s.path != "/healthz"]
    first_ok = min((s.answered for s in after if s.status == 200), default=None)
    unavailable = [s for s in samples if s.status == 503]
    api = [s for s in unavailable if s.path.startswith("/api/")]
    pages = [s for s in unavailable if not s.path.startswith("/api/")]
    return {
        "paths": paths,
        "outage_seconds": round(restored_at - cut_at, 1),
        "connections_reset": reset,
        "requests": len(samples),
        "statuses_before": prober.histogram(0, cut_at),
        "statuses_during": prober.histogram(cut_at, restored_at),
        "statuses_after": prober.histogram(restored_at),
        "healthz_during": prober.histogram(cut_at, restored_at, path="/healthz"),
        "server_errors_not_503": sum(1 for s in samples if s.status >= 500 and s.status != 503),
        "no_answer": sum(1 for s in samples if s.status == 0),
        "tracebacks": sum(1 for s in samples if s.traceback),
        "503_total": len(unavailable),
        "503_with_retry_after": sum(1 for s in unavailable if s.retry_after),
        "503_api_total": len(api),
        "503_api_as_json": sum(1 for s in api if s.content_type == "application/json"),
        "503_pages_total": len(pages),
        "503_pages_as_html": sum(1 for s in pages if s.content_type == "text/html"),
        "sent_after_restore": len(after),
        # A 429 is the API's own rate limit answering (this run keeps the default per-IP limit), not a failure.
        "failed_after_restore": sum(1 for s in after if s.status not in (200, 429)),
        "throttled_after_restore": sum(1 for s in after if s.status == 429),
        "first_200_after_restore_s": round(first_ok - restored_at, 2) if first_ok is not None else None,
        "readyz_200_after_restore_s": round(ready_after, 2),
        "recovered": bool(after) and all(s.status in (200, 429) for s in after[-8:]),
        "gunicorn_workers_unchanged": worker_pids(server) == workers_before,
    }


# --- scenario 3: the broker down ------------------------------------------------------------------------------


def broker_outage(relay: Any, staff: Any, slug: str) -> dict[str, Any]:
    import redis

    from reliability.client import messages, request

    pages = ["/", f"/models/{slug}/", "/models/", f"/api/v1/models/{slug}/"]
    queue = redis.Redis.from_url(BROKER_URL)
    with connect() as connection:
        runs_before = connection.execute("SELECT count(*) FROM providers_syncrun").fetchone()[0]
    ready_before = request(WEB_PORT, "GET", "/readyz", timeout=60)
    relay.cut()
    say("broker relay cut")
    page_statuses: dict[str, int] = {}
    page_seconds = 0.0
    for _ in range(3):
        for path in pages:
            try:
                answer = request(WEB_PORT, "GET", path, timeout=60)
                status, page_seconds = str(answer.status), max(page_seconds, answer.seconds)
            except OSError:
                status = "no answer"
            page_statuses[status] = page_statuses.get(status, 0) + 1
    ready_during = request(WEB_PORT, "GET", "/readyz")
    clicked = staff.submit(SYNC_NOW, {"source": "curated"})
    with connect() as connection:
        runs_after = connection.execute("SELECT count(*) FROM providers_syncrun").fetchone()[0]
    queued_during = queue.llen("celery")
    relay.restore()
    say("broker relay restored")
    deadline = time.monotonic() + 15
    ready_after = request(WEB_PORT, "GET", "/readyz")
    while ready_after.status != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        ready_after = request(WEB_PORT, "GET", "/readyz")
    return {
        "readyz_before": ready_before.status,
        "page_statuses_during": page_statuses,
        "slowest_page_during_s": round(page_seconds, 2),
        "readyz_during": {"status": ready_during.status, **json.loads(ready_during.body)},
        "sync_now_status": clicked.status,
        "sync_now_seconds": round(clicked.seconds, 2),
        "sync_now_messages": messages(clicked.body),
        "sync_runs_created_during": runs_after - runs_before,
        "tasks_queued_during": queued_during,
        "readyz_after": ready_after.status,
    }


# --- scenario 4: a worker killed in the middle of a sync ------------------------------------------------------


def wait_for_run(after_id: int, *, until: str, seconds: float) -> tuple[int, str, str, list[tuple[float, str]]]:
    """Poll the newest openrouter run newer than `after_id` until it is 'finished' or writing ('writing');
    return its id, status, stage and the stages seen with when."""
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    seen: list[tuple[float, str]] = []
    with connect() as connection:
        while time.monotonic() < deadline:
            row = connection.execute(
                "SELECT id, status, stage FROM providers_syncrun WHERE source = 'openrouter' AND id > %s "
                "ORDER BY id DESC LIMIT 1",
                [after_id],
            ).fetchone()
            if row is not None:
                run_id, status, stage = row
                if not seen or seen[-1][1] != stage:
                    seen.append((round(time.monotonic() - started, 2), stage))
                if until == "finished" and status != "running":
                    return run_id, status, stage, seen
                if until == "writing" and status == "running" and "writing" in stage:
                    return run_id, status, stage, seen
            time.sleep(0.05)
    raise RuntimeError(f"no openrouter run reached {until!r} within {seconds:.0f} s (stages seen: {seen})")


def worker_killed(run: Run, staff: Any, bounds: dict[str, int], feeds: Any) -> dict[str, Any]:
    import redis

    from reliability.catalog_checks import checksum, compare_created, counts, created_by_runs, invariants, rows_of_runs
    from reliability.client import messages

    endpoints = serve_feeds(feeds, FEED_MODELS_KILLED)
    with connect() as connection:
        last = connection.execute("SELECT coalesce(max(id), 0) FROM providers_syncrun").fetchone()[0]
        before = {"counts": counts(connection), "seeded": checksum(connection, bounds), "all": _digest(connection)}
    worker, _ = run.start_worker("worker-1")
    clicked = staff.submit(SYNC_NOW, {"source": "openrouter"})
    say(f"sync now: {messages(clicked.body)}; waiting for the run to start writing")
    killed_id, _, stage, stages = wait_for_run(last, until="writing", seconds=240)
    time.sleep(3)  # well inside the upsert's transaction (writing this feed takes tens of seconds)
    with connect() as connection:
        session = connection.execute(
            "SELECT state, round(extract(epoch FROM now() - xact_start)::numeric, 1), left(query, 60) "
            "FROM pg_stat_activity WHERE application_name = 'reliability-worker-1' AND xact_start IS NOT NULL"
        ).fetchall()
    os.killpg(worker.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    worker.wait(timeout=10)
    say(f"worker killed with SIGKILL while run {killed_id} was {stage!r}")
    with connect() as connection:
        backend_gone = None
        while time.monotonic() - killed_at < 30:
            alive = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'reliability-worker-1'"
            ).fetchone()[0]
            if not alive:
                backend_gone = round(time.monotonic() - killed_at, 2)
                break
            time.sleep(0.1)
        after_kill = {
            "counts": counts(connection),
            "all": _digest(connection),
            "rows_of_killed_run": rows_of_runs(connection, [killed_id]),
            "status": connection.execute("SELECT status FROM providers_syncrun WHERE id = %s", [killed_id]).fetchone()[
                0
            ],
            "payload_kept": connection.execute(
                "SELECT count(*) FROM providers_syncpayload WHERE sync_run_id = %s", [killed_id]
            ).fetchone()[0],
        }
    run.start_worker("worker-2")
    staff.submit(SYNC_NOW, {"source": "openrouter"})
    skipped_id, skipped_status, _, _ = wait_for_run(killed_id, until="finished", seconds=60)
    with connect() as connection:
        skipped_notes = connection.execute(
            "SELECT notes FROM providers_syncrun WHERE id = %s", [skipped_id]
        ).fetchone()[0]
        # Five minutes (the least SYNC_STALE_AFTER_MINUTES allows) are not waited for: the run is made older.
        connection.execute(
            "UPDATE providers_syncrun SET started_at = started_at - make_interval(mins => %s) WHERE id = %s",
            [STALE_MINUTES + 1, killed_id],
        )
    started = time.monotonic()
    staff.submit(SYNC_NOW, {"source": "openrouter"})
    rerun_id, rerun_status, _, rerun_stages = wait_for_run(skipped_id, until="finished", seconds=300)
    took = round(time.monotonic() - started, 1)
    with connect() as connection:
        abandoned = connection.execute(
            "SELECT status, error FROM providers_syncrun WHERE id = %s", [killed_id]
        ).fetchone()
        rerun_counts = connection.execute("SELECT counts FROM providers_syncrun WHERE id = %s", [rerun_id]).fetchone()[
            0
        ]
        after_counts = counts(connection)
        result = {
            "feed": {"models": FEED_MODELS_KILLED, "endpoint_bodies": endpoints},
            "killed_run": killed_id,
            "stages_before_kill": stages,
            "killed_in_stage": stage,
            "worker_transaction_at_kill": [
                {"state": state, "open_for_s": float(age), "query": query} for state, age, query in session
            ],
            "database_backend_gone_after_s": backend_gone,
            "rows_of_killed_run": after_kill["rows_of_killed_run"],
            "payload_kept_by_killed_run": after_kill["payload_kept"],
            "killed_run_status_after_kill": after_kill["status"],
            "catalog_unchanged_by_kill": after_kill["all"] == before["all"]
            and after_kill["counts"] == before["counts"],
            "counts_before": before["counts"],
            "counts_after_kill": after_kill["counts"],
            "next_run_within_stale_window": {"id": skipped_id, "status": skipped_status, "notes": skipped_notes},
            "killed_run_after_rerun": {"status": abandoned[0], "error": abandoned[1]},
            "rerun": {"id": rerun_id, "status": rerun_status, "seconds": took, "counts": rerun_counts},
            "rerun_stages": rerun_stages,
            "counts_after_rerun": after_counts,
            "created_vs_added": compare_created(
                before["counts"], after_counts, created_by_runs(connection, [rerun_id])
            ),
            "invariants": invariants(connection),
            "seeded_rows_unchanged": checksum(connection, bounds) == before["seeded"],
        }
    run.stop_workers()
    # The killed task was never acknowledged: Redis would hand it out again after the visibility timeout.
    result["unacknowledged_tasks_left"] = redis.Redis.from_url(BROKER_URL).hlen("unacked")
    redis.Redis.from_url(BROKER_URL).flushdb()
    return result


def _digest(connection: Any) -> dict[str, str]:
    """Every row of the catalog's tables, digested: any write at all changes it."""
    from reliability.catalog_checks import TABLES

    return {
        table: connection.execute(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY id)), '') FROM {table} AS t"
        ).fetchone()[0]
        for table in TABLES.values()
    }


# --- the run ---------------------------------------------------------------------------------------------------


def keep(results: dict[str, Any]) -> None:
    """The raw figures so far (a scenario that breaks the run leaves those before it on disk)."""
    (ROOT / "var" / "reliability-results.json").write_text(json.dumps(results, indent=1, default=str))


def main() -> None:
    from bench.__main__ import django_env, machine
    from bench.load import Server
    from reliability.client import StaffSession
    from reliability.proxy import TcpProxy
    from tests.payload_server import PayloadServer

    began = time.monotonic()
    (ROOT / "var").mkdir(exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "settings": {"seconds": SECONDS, "concurrency": CONCURRENCY}}
    results["machine"]["load generator"] = "wrk" if shutil.which("wrk") else "reliability/client.py (Python threads)"
    results["machine"]["load average at start"] = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    prepared = prepare(django_env(DATABASE_URL=DATABASE_URL))
    results["seeded"] = prepared["seeded"]
    with connect() as connection:
        results["machine"]["postgres autovacuum"] = connection.execute("SHOW autovacuum").fetchone()[0]
    paths = load_paths()
    from catalog.models import LanguageModel

    slugs = list(LanguageModel.objects.exclude(status="retired").order_by("pk").values_list("slug", flat=True)[:2])
    with PayloadServer(port=FEED_PORT) as feeds:
        results["feeds"] = {"openrouter_models": FEED_MODELS_UNDER_LOAD, "litellm_entries": LITELLM_ENTRIES}
        serve_feeds(feeds, FEED_MODELS_UNDER_LOAD)
        run = Run(feeds)
        with (
            TcpProxy(listen_port=DB_RELAY_PORT, target_port=urlsplit(DATABASE_URL).port or 5432) as db_relay,
            TcpProxy(listen_port=BROKER_RELAY_PORT, target_port=urlsplit(BROKER_URL).port or 6379) as broker_relay,
        ):
            server = Server(run.web_env)
            server.port = WEB_PORT
            try:
                with server:
                    staff = StaffSession(WEB_PORT)
                    staff.log_in(STAFF, prepared["password"])
                    say(f"1/4 load on {len(paths)} URLs while a full sync runs")
                    results["load_under_sync"] = load_under_sync(run, paths, prepared["bounds"])
                    keep(results)
                    say("2/4 the database away for a moment")
                    results["database_outage"] = database_outage(server, db_relay, slugs)
                    keep(results)
                    say("3/4 the broker down")
                    results["broker_outage"] = broker_outage(broker_relay, staff, slugs[0])
                    keep(results)
                    say("4/4 a worker killed in the middle of a sync")
                    results["worker_killed"] = worker_killed(run, staff, prepared["bounds"], feeds)
            finally:
                run.stop_workers()
    results["total_seconds"] = round(time.monotonic() - began, 1)
    results["machine"]["load average at end"] = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    from reliability.report import verdicts, write

    keep(results)
    write(results, REPORT)
    failed = [name for name, ok in verdicts(results).items() if not ok]
    say(f"wrote {REPORT} and var/reliability-results.json in {results['total_seconds']} s")
    if failed:
        say("FAILED: " + "; ".join(failed))
        raise SystemExit(1)
    say("every check passed")


if __name__ == "__main__":
    main()
