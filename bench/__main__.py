"""`make bench`: seed a large catalog on PostgreSQL, load the site, time syncs and exports, write docs/performance.md.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/llm_bench; the database is dropped
and recreated), BENCH_SCALE (1 = 5,000 models, 50,000 routes, ~500,000 price rows), BENCH_SECONDS (per load run,
default 10), BENCH_CONCURRENCY (16), BENCH_REDIS_URL (the page cache for the runs; default
redis://127.0.0.1:6379/3 when Redis answers, else each worker's local memory), BENCH_REPORT (docs/performance.md),
BENCH_REAL_DATA (the recorded feeds the real-size catalog is synced from; default ../shared/data),
BENCH_BROKER_URL (the Celery broker of the after-sync run; default BENCH_REDIS_URL's), BENCH_AFTER_SYNC_SECONDS (its
window, default 60), BENCH_AFTER_SYNC_WARMUP (its visitors before the sync, default 10 s), BENCH_AFTER_SYNC_CONTROL
(1: once more with no rewarm).

Beside the seeded catalog, a real-size one (bench/realsize.py: the curated data and the recorded feeds through the
syncs) in BENCH_DATABASE_URL + "_real": single cold requests on both (issue 18's targets, with the load average),
one price change with the page cache on (the other model pages still warm, the rewarm's coverage), and the cold
renders visitors get in the minute after a sync under load, a Celery worker running the rewarm (bench/aftersync.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/llm_bench")
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
REPORT = Path(os.environ.get("BENCH_REPORT", ROOT / "docs" / "performance.md"))


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def redis_url() -> str:
    if "BENCH_REDIS_URL" in os.environ:
        return os.environ["BENCH_REDIS_URL"]
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/3"
    except OSError:
        return ""


def django_env(**extra: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to https; static files collected (hashed names) as in production.
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        # The benchmark is one client hammering the API: no per-IP limit, so it measures the API. (A huge rate is
        # no substitute: DRF keeps every request of the window in one cached list per client, read and written
        # on each request, which made API pages 50x slower under load than alone.)
        "API_ANON_RATE": "off",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    return env


def collect_static(env: dict[str, str]) -> Path:
    """What gunicorn with DEBUG=0 serves static files from (whitenoise's manifest of hashed names): collected into
    the run's STATIC_ROOT, so that a fresh clone needs nothing done by hand. Without it every page that links a
    static file, /admin/login/ first, is a 500. `make bench` and `make reliability` both call this."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=600,
    )
    return Path(env["STATIC_ROOT"])


def seed() -> dict[str, int]:
    from bench.db import recreate

    say(f"recreating {DATABASE_URL.rsplit('/', 1)[-1]} and migrating")
    recreate(DATABASE_URL)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **django_env()},
        check=True,
    )
    collect_static(django_env())
    import django

    os.environ.update(django_env())
    django.setup()
    from bench.seed import seed as fill

    say(f"seeding at scale {SCALE}")
    started = time.perf_counter()
    counts = fill(SCALE)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    say(f"seeded {counts}")
    return counts


def scenarios() -> dict[str, list[str]]:
    """The request paths of each scenario, sampled from the seeded catalog."""
    from catalog.models import LanguageModel

    rng = random.Random(5)
    slugs = list(LanguageModel.objects.exclude(status="retired").order_by("pk").values_list("slug", flat=True))
    sample = rng.sample(slugs, min(200, len(slugs)))
    caps = ["vision", "tool_calling", "reasoning", "structured_output"]
    workloads = [(100_000, 1000, 300), (1_000_000, 500, 100), (20_000, 20_000, 1000), (5_000, 120_000, 2000)]
    return {
        "floor (/healthz)": ["/healthz"],
        "model page": [f"/models/{slug}/" for slug in sample],
        "browser: 2 filters + sort": [
            f"/models/?capability={cap}&max_input={price}&sort=blended" for cap in caps for price in ("0.5", "1", "3")
        ],
        "compare 4 models": [f"/compare/?models={','.join(rng.sample(slugs, 4))}" for _ in range(50)],
        "calculator": [f"/calculator/?requests={r}&input_tokens={i}&output_tokens={o}" for r, i, o in workloads],
        "API model list (filtered)": [
            f"/api/v1/models/?capability={cap}&max_input_price={price}&ordering=blended"
            for cap in caps
            for price in ("0.5", "1", "3")
        ],
        "API model detail": [f"/api/v1/models/{slug}/" for slug in sample],
        "API estimate": [
            f"/api/v1/estimate/?requests={r}&input_tokens={i}&output_tokens={o}&limit=20" for r, i, o in workloads
        ],
        "change feed": ["/changes/", "/changes/feed.atom", "/api/v1/changes/"],
    }


def load(paths: dict[str, list[str]], database_url: str = DATABASE_URL) -> dict[str, dict]:
    from bench.load import Server, drive, prime

    results: dict[str, dict] = {}
    cache = redis_url()
    for label, page_cache in (("cold", "0"), ("warm", "600")):
        env = django_env(
            DATABASE_URL=database_url, PAGE_CACHE_SECONDS=page_cache, API_CACHE_SECONDS="300", REDIS_URL=cache
        )
        with Server(env) as server:
            check_priced(server, paths["API model list (filtered)"][-1])
            if label == "warm":
                if cache:
                    import redis

                    redis.Redis.from_url(cache).flushdb()
                say("priming the page cache")
                for urls in paths.values():
                    prime(server, urls)
            for name, urls in paths.items():
                say(f"{label}: {name} ({len(urls)} URLs, {SECONDS} s at concurrency {CONCURRENCY})")
                result = drive(server, name, urls, seconds=SECONDS, concurrency=CONCURRENCY)
                results[f"{label}|{name}"] = {**vars(result), "rps": result.rps}
    return results


def check_priced(server, path: str) -> None:
    """A harness guard: the filtered list must find priced models, or every figure would measure empty pages (the
    seed once left the cheapest-route table empty, and nothing failed)."""
    import gzip

    from bench.load import _get

    status, body = _get(server.port, path)
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    count = json.loads(body).get("count", 0) if status == 200 else 0
    if not count:
        raise RuntimeError(f"{path} answered {status} with no models: the seeded catalog is not priced")


def probe(*args: str, env: dict[str, str]) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.probe", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def syncs() -> dict[str, dict]:
    sys.path.insert(0, str(ROOT))
    from bench.feeds import litellm, openrouter
    from tests.payload_server import PayloadServer

    models, endpoints = openrouter()
    results = {}
    with PayloadServer() as server:
        server.add("/api/v1/models", models)
        for path, body in endpoints.items():
            server.add(path, body)
        server.add("/litellm.json", litellm())
        env = django_env(OPENROUTER_API_URL=f"{server.url}/api/v1", LITELLM_PRICES_URL=f"{server.url}/litellm.json")
        for source in ("openrouter", "litellm"):
            for run in ("first", "unchanged re-run"):
                say(f"sync {source}: {run}")
                results[f"{source}|{run}"] = probe("sync", source, env=env)
    return results


def exports() -> dict[str, dict]:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("json", "csv"):
            say(f"export {kind}")
            results[kind] = probe("export", kind, str(Path(folder) / f"catalog.{kind}"), env=django_env())
    return results


REAL_DATABASE_URL = DATABASE_URL + "_real"


def realsize() -> dict:
    """The real-size catalog (bench/realsize.py) in a database of its own, loaded through the syncs."""
    from bench.db import recreate

    say(f"recreating {REAL_DATABASE_URL.rsplit('/', 1)[-1]} and loading the real feeds through the syncs")
    recreate(REAL_DATABASE_URL)
    env = django_env(DATABASE_URL=REAL_DATABASE_URL)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    return probe("realload", env=env)


def single() -> dict[str, dict]:
    """Single cold requests, median, on the real-size catalog and on the seeded one, one right after the other (the
    machine is shared: the load average is recorded with each)."""
    results = {}
    for label, url in (("real", REAL_DATABASE_URL), ("seeded", DATABASE_URL)):
        say(f"single cold requests: {label} catalog")
        results[label] = probe("pages", "15", env=django_env(DATABASE_URL=url, PAGE_CACHE_SECONDS="0"))
    return results


def invalidation() -> dict:
    """One price change with the page cache on (Redis), on the real-size catalog: the other model pages still warm,
    and the pages the rewarm covers."""
    cache = redis_url()
    if not cache:
        say("no Redis: the invalidation run is skipped")
        return {}
    say("one price change with the page cache on")
    env = django_env(DATABASE_URL=REAL_DATABASE_URL, REDIS_URL=cache, PAGE_CACHE_SECONDS="600")
    return probe("invalidation", "200", env={**env, "PAGE_CACHE_LOCAL_SECONDS": "0"})


def after_sync() -> dict:
    """The share of cold renders served to visitors in the minute after a sync, under load, on the real-size
    catalog (bench/aftersync.py): gunicorn and a Celery worker on Redis (the page cache and the broker), visitors,
    then an OpenRouter sync with a few prices changed. With BENCH_AFTER_SYNC_CONTROL=1, once more with the sync
    enqueueing no rewarm (what the rewarm buys)."""
    cache = redis_url()
    if not cache:
        say("no Redis: the after-sync run is skipped (the rewarm needs a shared page cache and a broker)")
        return {}
    result = _after_sync_run(cache, rewarm=True)
    if os.environ.get("BENCH_AFTER_SYNC_CONTROL") == "1":
        result["without_rewarm"] = _after_sync_run(cache, rewarm=False)
    return result


def _after_sync_run(cache: str, *, rewarm: bool) -> dict:
    from bench.aftersync import COVERED_WEIGHT, WARMUP_SECONDS, WINDOW_SECONDS, Visitors, Worker, rewarm_runs, tally
    from bench.load import Server, prime

    sys.path.insert(0, str(ROOT))
    import redis

    from tests.payload_server import PayloadServer

    redis.Redis.from_url(cache).flushdb()  # the page cache and the broker's queue
    env = django_env(
        DATABASE_URL=REAL_DATABASE_URL,
        REDIS_URL=cache,
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", cache),
        PAGE_CACHE_SECONDS="600",
        API_CACHE_SECONDS="300",
        PAGE_CACHE_REWARM="1",
    )
    if not Path(env["STATIC_ROOT"], "staticfiles.json").exists():
        collect_static(env)
    with tempfile.TemporaryDirectory() as folder, PayloadServer() as feeds:
        feed = Path(folder) / "openrouter.json"
        plan = probe("aftersync-plan", "3", "100", str(feed), env=env)
        say(
            f"after a sync{'' if rewarm else ' (no rewarm)'}: {len(plan['changed'])} OpenRouter prices "
            f"x{plan['factor']} ({', '.join(plan['changed'])})"
        )
        feeds.add("/api/v1/models", json.loads(feed.read_text()))
        env["OPENROUTER_API_URL"] = f"{feeds.url}/api/v1"
        server = Server(env)
        # The rewarm renders for the address visitors use: cached entries are kept per scheme and host.
        env["PAGE_CACHE_REWARM_URL"] = server.env["PAGE_CACHE_REWARM_URL"] = server.base
        paths = plan["covered"] * COVERED_WEIGHT + plan["other"]
        with server, Worker(env, Path(folder) / "worker.log") as worker:
            prime(server, sorted(set(paths)))
            visitors = Visitors(server, paths, Path(folder) / "visits", concurrency=CONCURRENCY)
            with visitors:
                say(f"visitors ({visitors.tool}, concurrency {CONCURRENCY}): {WARMUP_SECONDS} s, then the sync")
                time.sleep(WARMUP_SECONDS)
                sync = probe("aftersync-sync", env={**env, "PAGE_CACHE_REWARM": "1" if rewarm else "0"})
                if "committed_at" not in sync:
                    raise RuntimeError(f"the sync committed no change: {sync}")
                say(f"sync {sync['status']} in {sync['seconds']:.1f} s; counting {WINDOW_SECONDS} s of visitors")
                time.sleep(max(0.0, sync["committed_at"] + WINDOW_SECONDS + 1 - time.time()))
            worker_log = worker.log.read_text(errors="replace")
            if rewarm and not rewarm_runs(worker_log):
                say(f"the worker's log names no rewarm that succeeded: {worker_log[-3000:]}")
            counted = tally(
                visitors.lines(),
                committed_ms=int(sync["committed_at"] * 1000),
                seconds=WINDOW_SECONDS,
                covered=sync["covered"],
            )
    return {
        **counted,
        "load_generator": visitors.tool,
        "concurrency": CONCURRENCY,
        "changed_prices": len(plan["changed"]),
        "changed_models": len(sync["model_ids"]),
        "everything": sync["everything"],
        "covered_pages": len(sync["covered"]),
        "visited_pages": len(set(paths)),
        "covered_weight": COVERED_WEIGHT,
        "sync_seconds": sync["seconds"],
        "sync_status": sync["status"],
        "rewarms": [
            {**run, "began_s": run["received_at"] - sync["committed_at"] if run["received_at"] else None}
            for run in rewarm_runs(worker_log)
        ],
    }


def calculator() -> dict:
    say("calculator over every route")
    return probe("calculator", env=django_env(PAGE_CACHE_SECONDS="0"))


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    postgres = subprocess.run(
        ["psql", DATABASE_URL, "-tAc", "show server_version"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "postgres": postgres,
        "commit": commit.strip(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load generator": "wrk"
        if subprocess.run(["which", "wrk"], capture_output=True).returncode == 0
        else "bench/load.py (Python)",
    }


def main() -> None:
    steps = sys.argv[1:]
    if steps:
        # `python -m bench seed` or `python -m bench load`: one step on its own, for profiling between full runs.
        # No report is written: docs/performance.md only ever holds one whole run.
        unknown = [step for step in steps if step not in PARTS]
        if unknown:
            sys.exit(f"unknown step {', '.join(unknown)}; choose from {', '.join(PARTS)}")
        for step in steps:
            say(f"{step}: {json.dumps(PARTS[step](), default=str)[:2000]}")
        return
    results: dict = {"machine": machine(), "scale": SCALE, "seconds": SECONDS, "concurrency": CONCURRENCY}
    results["seed"] = seed()
    results["realsize"] = realsize()
    results["single"] = single()
    results["invalidation"] = invalidation()
    results["aftersync"] = after_sync()
    results["load"] = load(scenarios())
    results["realload"] = real_load()
    results["sync"] = syncs()
    results["export"] = exports()
    results["calculator"] = calculator()
    from bench.report import write

    write(results, REPORT)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-results.json").write_text(json.dumps(results, indent=1, default=str))
    say(f"wrote {REPORT} (raw figures: var/bench-results.json)")


# Issue 18's scenarios under load at real size (its targets: cold ≥ 10% of the floor, warm ≥ 80%).
REAL_LOAD = (
    "floor (/healthz)",
    "model page",
    "browser: 2 filters + sort",
    "API model list (filtered)",
    "API model detail",
)


def real_load() -> dict[str, dict]:
    """The load runs of REAL_LOAD on the real-size catalog (`realsize` first), cold and warm."""
    say("under load at real size")
    paths = probe("scenarios", env=django_env(DATABASE_URL=REAL_DATABASE_URL))["paths"]
    return load({name: paths[name] for name in REAL_LOAD}, database_url=REAL_DATABASE_URL)


def load_only() -> dict[str, dict]:
    import django

    os.environ.update(django_env())
    django.setup()
    return load(scenarios())


PARTS = {
    "seed": seed,
    "realsize": realsize,
    "single": single,
    "invalidation": invalidation,
    "aftersync": after_sync,
    "load": load_only,
    "realload": real_load,
    "sync": syncs,
    "export": exports,
    "calculator": calculator,
}


if __name__ == "__main__":
    main()
