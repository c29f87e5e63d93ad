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
    elif what == "realload":
        from bench.realsize import catalog_size, load_real_catalog

        started = time.perf_counter()
        runs = load_real_catalog()
        result = {"seconds": time.perf_counter() - started, "runs": runs, **catalog_size()}
    elif what == "scenarios":  # the load runs' request paths, sampled from this environment's catalog
        from bench.__main__ import scenarios

        result = {"paths": scenarios()}
    elif what == "invalidation":
        result = one_price_change(int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    elif what == "pages":
        result = single_requests(int(sys.argv[2]) if len(sys.argv) > 2 else 15)
    elif what == "aftersync-plan":
        result = after_sync_plan(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    elif what == "aftersync-sync":
        result = after_sync_sync()
    else:
        raise SystemExit(f"unknown probe {what!r}")
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def single_paths(count: int) -> dict[str, list[str]]:
    """`count` URLs per page kind (models sampled across the catalog, the same on every run of one catalog)."""
    import random

    from catalog.models import LanguageModel

    slugs = list(LanguageModel.objects.live().order_by("pk").values_list("slug", flat=True))
    sample = random.Random(7).sample(slugs, min(count, len(slugs)))
    sample = (sample * (count // max(len(sample), 1) + 1))[:count]
    workloads = [
        "requests=100000&input_tokens=1000&output_tokens=300",
        "requests=1000&input_tokens=20000&output_tokens=500",
    ]
    return {
        "model page": [f"/models/{slug}/" for slug in sample],
        "browser, 50 rows": ["/models/"] * count,
        "API list, 50 models": ["/api/v1/models/?page_size=50"] * count,
        "API detail": [f"/api/v1/models/{slug}/" for slug in sample],
        "calculator": [f"/calculator/?{workloads[i % 2]}" for i in range(count)],
        "home": ["/"] * count,
    }


def one_price_change(count: int) -> dict:
    """With the page cache on (REDIS_URL in the caller's environment, flushed here): warm `count` model pages, change
    one price of one of them as a curator would, and count how many of the others are still served from the cache;
    then let the rewarm run (in this process: no broker) and count the covered pages a visitor finds warm."""
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client

    from providers import curation
    from providers.models import Price

    cache.clear()
    curator, _ = get_user_model().objects.get_or_create(username="bench-curator", defaults={"is_staff": True})
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    price = Price.objects.current().filter(offering__model__status="active").select_related("offering__model").first()
    model = price.offering.model
    others = [url for url in single_paths(count)["model page"] if url != f"/models/{model.slug}/"]
    covered = [f"/models/{model.slug}/", f"/api/v1/models/{model.slug}/", "/", "/models/", "/providers/", "/labs/"]
    for url in {*others, *covered}:
        client.get(url)
    settings.PAGE_CACHE_REWARM = False
    with transaction.atomic():
        curation.set_price(
            price.offering,
            component=price.component,
            unit=price.unit,
            usd=price.usd + Decimal("0.01"),
            user=curator,
            service_tier=price.service_tier,
            tier_min_tokens=price.tier_min_tokens,
        )
    still_warm = sum(client.get(url)["X-Page-Cache"] == "hit" for url in set(others))
    cold_covered = sum(client.get(url)["X-Page-Cache"] == "miss" for url in covered)
    for url in covered:
        client.get(url)
    settings.PAGE_CACHE_REWARM = True
    settings.PAGE_CACHE_REWARM_URL = "http://127.0.0.1"
    started = time.perf_counter()
    with transaction.atomic():
        curation.set_price(
            price.offering,
            component=price.component,
            unit=price.unit,
            usd=price.usd + Decimal("0.02"),
            user=curator,
            service_tier=price.service_tier,
            tier_min_tokens=price.tier_min_tokens,
        )
    rewarm_seconds = time.perf_counter() - started
    warm_after_rewarm = sum(client.get(url)["X-Page-Cache"] == "hit" for url in covered)
    return {
        "other_model_pages": len(set(others)),
        "other_model_pages_still_warm": still_warm,
        "covered_pages": len(covered),
        "covered_cold_without_rewarm": cold_covered,
        "covered_warm_after_rewarm": warm_after_rewarm,
        "change_and_rewarm_seconds": rewarm_seconds,
    }


def after_sync_plan(changes: int, others: int, feed: Path) -> dict:
    """For `bench aftersync`: write to `feed` the recorded OpenRouter feed the real-size catalog was loaded from with
    the prices of `changes` of its models (live, routed by OpenRouter) moved by a few percent (a factor that differs
    from the previous run's, so that every run changes them), and name the paths its visitors ask for: the pages the
    rewarm covers for those models (providers.rewarm.rewarm_urls) and `others` other model pages."""
    import random
    from decimal import Decimal

    from bench.realsize import REAL_DATA, openrouter_feed
    from catalog.models import LanguageModel
    from providers.models import Offering, SyncRun
    from providers.rewarm import rewarm_urls

    body = json.loads((REAL_DATA / openrouter_feed()).read_text())
    entries = {item["id"]: item for item in body["data"] if isinstance(item, dict) and "id" in item}
    routes = dict(
        Offering.objects.filter(
            source="openrouter",
            status=Offering.Status.ACTIVE,
            provider_model_id__in=list(entries),
            model__in=LanguageModel.objects.live(),
            prices__isnull=False,
        )
        .order_by("provider_model_id")
        .values_list("provider_model_id", "model_id")
        .distinct()
    )
    priced = [key for key in routes if Decimal(entries[key].get("pricing", {}).get("prompt") or 0) > 0]
    chosen = random.Random(18).sample(priced, min(changes, len(priced)))
    factor = 1 + Decimal(SyncRun.objects.filter(source="openrouter").count() % 10 + 1) / 100
    for key in chosen:
        pricing = entries[key]["pricing"]
        for component in ("prompt", "completion"):
            if pricing.get(component):
                pricing[component] = str((Decimal(pricing[component]) * factor).normalize())
    feed.write_text(json.dumps(body))
    model_ids = sorted({routes[key] for key in chosen})
    covered = rewarm_urls(model_ids)
    slugs = list(LanguageModel.objects.live().exclude(pk__in=model_ids).order_by("pk").values_list("slug", flat=True))
    other = [f"/models/{slug}/" for slug in random.Random(7).sample(slugs, min(others, len(slugs)))]
    return {"changed": chosen, "factor": str(factor), "covered": covered, "other": other}


def after_sync_sync() -> dict:
    """For `bench aftersync`: one OpenRouter sync (OPENROUTER_API_URL in the caller's environment), with the moment
    its changes were committed - when the invalidation they trigger begins, right after the transaction - and the
    pages the rewarm it enqueues covers (the rewarm's own list for the models the invalidation was given)."""
    from providers import invalidation
    from providers.rewarm import rewarm_urls
    from providers.sync.run import run_sync

    seen: dict = {}
    invalidate = invalidation.invalidate

    def timed(ids: set[int], *, everything: bool = False) -> None:
        seen.update(committed_at=time.time(), model_ids=sorted(ids), everything=everything)
        invalidate(ids, everything=everything)
        seen["invalidated_at"] = time.time()

    invalidation.invalidate = timed  # sync_changed looks it up in its module at each call
    started = time.time()
    run = run_sync("openrouter", triggered_by="bench")
    return {
        "started_at": started,
        "seconds": time.time() - started,
        "status": run.status,
        "error": run.error[:500],
        "created": run.created,
        "updated": run.updated,
        "covered": rewarm_urls(seen.get("model_ids", [])),
        **seen,
    }


AFTER_CHANGE_REQUESTS = 5


def single_requests(count: int) -> dict:
    """Single cold requests (the page cache off: PAGE_CACHE_SECONDS=0 in the caller's environment) through the whole
    stack in this process: the median per page kind, with the load average before and after (the machine is shared)."""
    from django.test import Client

    from lib.caching import bump_catalog_version

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    paths = single_paths(count)
    load_before = os.getloadavg()
    medians, cpu, after_change = {}, {}, {}
    for name, urls in paths.items():
        assert client.get(urls[0]).status_code == 200, urls[0]  # imports, the route index, connections
        timings, cpu_timings = [], []
        for url in urls:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        medians[name] = round(statistics.median(timings), 1)
        cpu[name] = round(statistics.median(cpu_timings), 1)
    # Right after a data change: every summary kept per catalog version (lib.caching.per_version: standings,
    # vocabularies, the route index, facets) is built again by the first rendering, which is what a page the rewarm
    # does not cover costs its first visitor after a sync. Measured after every cold median above, so that no bump
    # empties what those kept (the facets a model page read serve the API detail of the same model).
    for name, urls in paths.items():
        after = []
        for url in urls[:AFTER_CHANGE_REQUESTS]:
            bump_catalog_version()
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            after.append((time.perf_counter() - started) * 1000)
        after_change[name] = round(statistics.median(after), 1)
    # The web process's own CPU time (not the database's) is the figure the machine's load distorts least.
    return {
        "median_ms": medians,
        "median_cpu_ms": cpu,
        "after_change_ms": after_change,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "requests": count,
    }


if __name__ == "__main__":
    main()
