"""The real-size catalog: the repository's curated data and the real recorded feeds (../shared/data, or
BENCH_REAL_DATA) loaded through the syncs, as a deployment's first day would, into a database of its own.

`python -m bench realsize` recreates BENCH_DATABASE_URL + "_real", migrates and syncs."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = Path(os.environ.get("BENCH_REAL_DATA", ROOT.parent / "shared" / "data"))
if not REAL_DATA.is_dir():  # a worktree one level deeper (/work/wt/<tag>) than the main checkout
    REAL_DATA = Path(os.environ.get("BENCH_REAL_DATA", ROOT.parent.parent / "shared" / "data"))

# Source, the file it is served from, the setting naming the URL, and the path served.
FEEDS = (
    ("openrouter", "openrouter/models-2026-05-15.json", "OPENROUTER_API_URL", "/api/v1/models"),
    ("modelsdev", "modelsdev/api-derived-subset.json", "MODELSDEV_API_URL", "/modelsdev.json"),
    ("litellm", "litellm/prices-subset-2026-08-01.json", "LITELLM_PRICES_URL", "/litellm.json"),
    ("epoch", "epoch", "EPOCH_BENCHMARKS_URL", "/epoch/benchmark_data.zip"),
    ("metr", "metr/benchmark_results_1_1.yaml", "METR_RESULTS_URL", "/metr.yaml"),
)


def openrouter_feed() -> str:
    """The recorded OpenRouter feed's file, under REAL_DATA."""
    return next(name for source, name, *_ in FEEDS if source == "openrouter")


def epoch_zip(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.glob("*.csv")):
            archive.writestr(f"benchmark_data/{path.name}", path.read_bytes())
    return buffer.getvalue()


def load_real_catalog() -> dict[str, dict]:
    """Sync curated + the recorded feeds into the configured database (Django set up); returns each run's counts."""
    import sys

    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    from providers.sync.run import run_sync
    from tests.payload_server import PayloadServer

    if not REAL_DATA.is_dir():
        raise SystemExit(f"no real data at {REAL_DATA} (set BENCH_REAL_DATA)")
    runs: dict[str, dict] = {}
    run = run_sync("curated", triggered_by="bench")
    runs["curated"] = {"status": run.status, "created": run.created, "error": run.error}
    with PayloadServer() as server:
        for source, name, setting, path in FEEDS:
            file = REAL_DATA / name
            if not file.exists():
                continue
            if source == "epoch":
                server.add(path, epoch_zip(file))
            elif file.suffix == ".json":
                server.add(path, json.loads(file.read_text()))
            else:
                server.add(path, file.read_bytes())
            url = f"{server.url}{path}"
            setattr(settings, setting, url.removesuffix("/models") if source == "openrouter" else url)
        for source, *_ in FEEDS:
            run = run_sync(source, triggered_by="bench")
            runs[source] = {"status": run.status, "created": run.created, "error": run.error[:200]}
    # As the seeded catalog (bench/seed.py): the state autovacuum keeps a live database in, which some servers (this
    # one) run without. Unanalyzed, the real-size tables made PostgreSQL plan the API detail's model row for ~2 ms.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return runs


def catalog_size() -> dict[str, int]:
    from benchmarks.models import BenchmarkScore
    from catalog.models import LanguageModel
    from providers.models import Offering, Price

    return {
        "models": LanguageModel.objects.count(),
        "routes": Offering.objects.count(),
        "prices": Price.objects.count(),
        "scores": BenchmarkScore.objects.count(),
    }
