"""Serve the site with gunicorn (production settings) and drive it from a second process on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "paths.lua"
# Sent with every request, as every browser and most HTTP libraries do: pages kept in the cache are kept
# compressed too, and a client that does not ask for it would measure a kind of client nobody uses.
HEADERS = {"Accept-Encoding": "gzip"}


@dataclass
class LoadResult:
    name: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Server:
    """gunicorn on a free port of 127.0.0.1, with the given extra environment."""

    def __init__(self, env: dict[str, str], *, workers: int = 2) -> None:
        self.env = {**os.environ, **env}
        self.workers = workers
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def prime(server: Server, paths: list[str]) -> None:
    """Request every path once (fills the page cache for a warm run); any non-200 is a harness error."""
    for path in paths:
        status, _ = _get(server.port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status} while priming")


def drive(server: Server, name: str, paths: list[str], *, seconds: int, concurrency: int) -> LoadResult:
    if shutil.which("wrk"):
        return _drive_wrk(server, name, paths, seconds=seconds, concurrency=concurrency)
    return _drive_python(server, name, paths, seconds=seconds, concurrency=concurrency)


def _drive_wrk(server: Server, name: str, paths: list[str], *, seconds: int, concurrency: int) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(concurrency),
                "-d",
                f"{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(LUA),
                server.base,
                "--",
                handle.name,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        Path(handle.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return LoadResult(
        name,
        data["requests"],
        data["duration_us"] / 1e6,
        data["non_2xx"],
        data["socket_errors"],
        data["p50_us"] / 1000,
        data["p95_us"] / 1000,
        data["p99_us"] / 1000,
    )


def _drive_python(server: Server, name: str, paths: list[str], *, seconds: int, concurrency: int) -> LoadResult:
    """A plain load generator for machines without wrk: keep-alive connections, one thread each."""
    latencies: list[float] = []
    failures = [0, 0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        index = offset
        while time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += concurrency
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=HEADERS)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    failures[0] += response.status >= 400
            except OSError:
                with lock:
                    failures[1] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return LoadResult(
        name, len(latencies), took, failures[0], failures[1], cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000
    )
