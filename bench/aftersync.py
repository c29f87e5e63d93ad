"""`python -m bench aftersync`: the share of cold renders served to visitors in the minute after a sync, under load.

On the real-size catalog (bench/realsize.py), as in production: gunicorn with the page cache in Redis, a Celery
worker on a Redis broker (the rewarm runs there, enqueued by the sync's invalidation), and visitors - wrk, or the
Python fallback - asking for the pages the rewarm covers (the changed models' pages and API answers, home,
/models/, /providers/, /labs/: providers.rewarm.rewarm_urls) and for other model pages, every response logged with
its `X-Page-Cache`. Then an OpenRouter sync from the recorded feed with a few prices changed (bench.probe
after_sync_plan), served on 127.0.0.1; for BENCH_AFTER_SYNC_SECONDS (default 60) after it commits, the responses
are counted: the misses on covered pages, out of all requests.

Here: the log's counting (`tally`), the Celery worker, the visitors. bench/__main__.py after_sync() runs it.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from bench.load import HEADERS, Server

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "visitors.lua"
WINDOW_SECONDS = int(os.environ.get("BENCH_AFTER_SYNC_SECONDS", "60"))
# Visitors before the sync: the load is established and the cache warm when it commits.
WARMUP_SECONDS = int(os.environ.get("BENCH_AFTER_SYNC_WARMUP", "10"))
# Each covered page is this many times in the visitors' list, each other model page once (the shared lists and a
# just-changed model are what visitors ask for most).
COVERED_WEIGHT = 5


def tally(lines: Iterable[str], *, committed_ms: int, seconds: int, covered: Iterable[str]) -> dict:
    """Count a visitor log ("<epoch ms> <status> <X-Page-Cache or -> <path>" per response) over the `seconds` after
    the sync committed: every request, the covered pages' requests and misses (cold renders a visitor waited for),
    how many of the covered pages visitors were served cold at least once, the misses of other pages, the answers
    other than 200 and 304, and the same before the commit (a warm cache: ~0 misses). Not "the first visitor
    found it cold": each gunicorn worker serves its own copy for PAGE_CACHE_LOCAL_SECONDS after a change."""
    covered = set(covered)
    end = committed_ms + seconds * 1000
    counts = dict.fromkeys(
        (
            "requests",
            "covered_requests",
            "covered_misses",
            "other_misses",
            "errors",
            "before_requests",
            "before_misses",
        ),
        0,
    )
    last_miss: int | None = None
    visited: set[str] = set()
    served_cold: set[str] = set()
    for line in lines:
        parts = line.rstrip("\n").split(" ", 3)
        if len(parts) != 4 or not parts[0].isdigit():
            continue  # a line cut short when the visitors were stopped
        stamp, status, cache, path = int(parts[0]), parts[1], parts[2], parts[3]
        miss = cache == "miss"
        if stamp < committed_ms:
            counts["before_requests"] += 1
            counts["before_misses"] += miss
            continue
        if stamp >= end:
            continue
        counts["requests"] += 1
        counts["errors"] += status not in ("200", "304")
        if path in covered:
            counts["covered_requests"] += 1
            visited.add(path)
            if miss:
                served_cold.add(path)
                counts["covered_misses"] += 1
                last_miss = max(last_miss or 0, stamp - committed_ms)
        else:
            counts["other_misses"] += miss
    return {
        **counts,
        "seconds": seconds,
        "share": counts["covered_misses"] / counts["requests"] if counts["requests"] else 0.0,
        "last_covered_miss_s": None if last_miss is None else last_miss / 1000,
        "covered_visited": len(visited),
        "covered_served_cold": len(served_cold),
    }


# A Celery worker's log lines at INFO (LOG_FORMAT=text: the time, in UTC, first).
_STAMP = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) "
REWARM_RECEIVED = re.compile(_STAMP + r".*Task providers\.rewarm\[([^\]]+)\] received", re.MULTILINE)
REWARM_DONE = re.compile(r"Task providers\.rewarm\[([^\]]+)\] succeeded in ([0-9.]+)s: (\d+)")


def rewarm_runs(log: str) -> list[dict]:
    """The rewarm tasks a Celery worker's log says succeeded: when the worker received each (epoch seconds), how
    long it took, how many pages it rendered fresh (the others a visitor had rendered first)."""
    received = {
        task: dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=dt.UTC).timestamp()
        for stamp, task in REWARM_RECEIVED.findall(log)
    }
    return [
        {"received_at": received.get(task), "seconds": float(took), "rendered": int(rendered)}
        for task, took, rendered in REWARM_DONE.findall(log)
    ]


class Worker:
    """A Celery worker (`make worker`'s command) with the given environment, one process (the machine is shared;
    the rewarm is one task), logging at INFO to `log` (what each task took: rewarm_runs)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**os.environ, **env, "LOG_LEVEL": "INFO", "LOG_FORMAT": "text"}
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        celery = str(Path(sys.executable).with_name("celery"))
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(
                [celery, "-A", "config", "worker", "--loglevel=info", "--concurrency=1", "-n", "bench@%h"],
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text(errors="replace"):
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.3)
        raise RuntimeError("the Celery worker was not ready within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)


class Visitors:
    """Visitors cycling through `paths` at `concurrency` until stopped, each response logged to files named
    `log` + ".<n>" (bench/visitors.lua with wrk; a thread per connection in Python without it)."""

    def __init__(self, server: Server, paths: list[str], log: Path, *, concurrency: int) -> None:
        self.server, self.paths, self.log, self.concurrency = server, paths, log, concurrency
        self.process: subprocess.Popen | None = None
        self.threads: list[threading.Thread] = []
        self.stop = threading.Event()
        self.tool = "wrk" if shutil.which("wrk") else "bench/aftersync.py (Python)"

    def __enter__(self) -> Visitors:
        listing = self.log.parent / "paths.txt"
        listing.write_text("\n".join(self.paths))
        if self.tool == "wrk":
            self.process = subprocess.Popen(
                [
                    "wrk",
                    "-t",
                    str(self.concurrency),  # one connection per thread: see visitors.lua
                    "-c",
                    str(self.concurrency),
                    "-d",
                    f"{WARMUP_SECONDS + WINDOW_SECONDS + 900}s",  # stopped by __exit__; bounded if the driver dies
                    "--timeout",
                    "30s",
                    "-s",
                    str(LUA),
                    self.server.base,
                    "--",
                    str(listing),
                    str(self.log),
                ],
                stdout=subprocess.DEVNULL,
            )
        else:
            self.threads = [threading.Thread(target=self._visit, args=(n,)) for n in range(self.concurrency)]
            for thread in self.threads:
                thread.start()
        return self

    def _visit(self, n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        index = n * 7919
        with open(f"{self.log}.{n}", "w") as log:
            while not self.stop.is_set():
                index += 1
                path = self.paths[index % len(self.paths)]
                try:
                    connection.request("GET", path, headers=HEADERS)
                    response = connection.getresponse()
                    response.read()
                except OSError:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
                    continue
                cache = response.getheader("X-Page-Cache") or "-"
                log.write(f"{time.time_ns() // 1_000_000} {response.status} {cache} {path}\n")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # wrk stops, and its threads' logs are flushed on exit
            self.process.wait(timeout=60)
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def lines(self) -> Iterable[str]:
        for path in sorted(self.log.parent.glob(self.log.name + ".*")):
            with path.open(errors="replace") as handle:
                yield from handle
