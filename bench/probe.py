"""One measurement in a process of its own (so its peak memory is its own): `python -m bench.probe <what>`.

Prints one JSON object. The environment (DATABASE_URL, source URLs) is the caller's."""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def peak_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries it over from the parent
    across fork and exec, so every probe reported the benchmark driver's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    what = sys.argv[1]
    if what == "sync":
        from providers.sync.run import run_sync

        started = time.perf_counter()
        run = run_sync(sys.argv[2], triggered_by="bench")
        result = {
            "seconds": time.perf_counter() - started,
            "status": run.status,
            "error": run.error,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
        }
    elif what == "export":
        from catalog.pages.export import iter_export_csv, iter_export_json

        pieces = iter_export_csv if sys.argv[2] == "csv" else iter_export_json
        target = Path(sys.argv[3])
        started = time.perf_counter()
        with target.open("w", encoding="utf-8", newline="") as handle:
            for piece in pieces():
                handle.write(piece)
        result = {"seconds": time.perf_counter() - started, "bytes": target.stat().st_size}
    elif what == "calculator":
        from django.test import Client

        from catalog.models import Lab
        from providers.pricing.ranking import route_index

        client = Client(HTTP_HOST="127.0.0.1")  # production settings: only the allowed host
        url = "/calculator/?requests=100000&input_tokens=1000&output_tokens=300"
        Lab.objects.count()  # imports, first connection
        before = peak_mb()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        first = time.perf_counter() - started  # builds the route index
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        result = {
            "median_ms": statistics.median(timings) * 1000,
            "first_ms": first * 1000,
            "routes": route_index().size,
            "index_mb": peak_mb() - before,
        }
    else:
        raise SystemExit(f"unknown probe {what!r}")
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
