"""docs/reliability.md from the figures of one `make reliability` run: what was checked, what it showed."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def verdicts(results: dict[str, Any]) -> dict[str, bool]:
    """Each check of the run and whether it held."""
    load = results["load_under_sync"]
    db = results["database_outage"]
    broker = results["broker_outage"]
    killed = results["worker_killed"]
    return {
        "load: no 5xx": load["server_errors"] == 0,
        "load: no socket error or timeout": load["socket_errors"] == 0 and load["timeouts"] == 0,
        "load: every sync succeeded": all(s["status"] == "succeeded" for s in load["syncs"]),
        "load: rows added = rows the syncs report creating": all(
            row["agree"] for row in load["created_vs_added"].values()
        ),
        "load: every invariant holds": not any(load["invariants"].values()),
        "load: rows the sync does not own unchanged": load["seeded_rows_unchanged"],
        "database away: the outage was seen (503s)": db["503_total"] > 0,
        "database away: no 500, no traceback, no dropped connection": db["server_errors_not_503"] == 0
        and db["tracebacks"] == 0
        and db["no_answer"] == 0,
        "database away: every 503 has Retry-After": db["503_with_retry_after"] == db["503_total"],
        "database away: JSON under /api/, HTML elsewhere": db["503_api_as_json"] == db["503_api_total"]
        and db["503_pages_as_html"] == db["503_pages_total"],
        "database away: recovered without a restart": db["recovered"] and db["gunicorn_workers_unchanged"],
        "broker down: pages still serve": set(broker["page_statuses_during"]) == {"200"},
        "broker down: /readyz says 503": broker["readyz_during"]["status"] == 503,
        "broker down: sync now reports the error": any(
            level == "error" and "Could not start the sync" in text for level, text in broker["sync_now_messages"]
        ),
        "broker down: nothing half-started": broker["sync_runs_created_during"] == 0,
        "broker back: /readyz says 200": broker["readyz_after"] == 200,
        "worker killed: no row of the killed run": not any(killed["rows_of_killed_run"].values()),
        "worker killed: catalog unchanged by the kill": killed["catalog_unchanged_by_kill"],
        "worker killed: a run within the stale window skips": killed["next_run_within_stale_window"]["status"]
        == "skipped",
        "worker killed: the abandoned run is recognised": killed["killed_run_after_rerun"]["status"] == "failed"
        and killed["killed_run_after_rerun"]["error"].startswith("abandoned"),
        "worker killed: the next run completes": killed["rerun"]["status"] == "succeeded",
        "worker killed: rows added = rows the rerun reports creating": all(
            row["agree"] for row in killed["created_vs_added"].values()
        ),
        "worker killed: every invariant holds": not any(killed["invariants"].values()),
        "worker killed: rows the sync does not own unchanged": killed["seeded_rows_unchanged"],
    }


def _statuses(histogram: dict[str, int]) -> str:
    return ", ".join(f"{status}: {n:,}" for status, n in histogram.items()) or "none"


def _counts_table(rows: dict[str, dict]) -> list[str]:
    lines = ["| kind of row | rows added | the runs report creating | agree |", "|---|---:|---:|---|"]
    lines += [
        f"| {kind} | {row['added']:,} | {row['reported created']:,} | {'yes' if row['agree'] else '**no**'} |"
        for kind, row in rows.items()
    ]
    return lines


def _invariants(rules: dict[str, int]) -> list[str]:
    return ["| rule (rows breaking it) | count |", "|---|---:|"] + [f"| {rule} | {n} |" for rule, n in rules.items()]


def write(results: dict[str, Any], path: Path) -> None:
    machine = results["machine"]
    load = results["load_under_sync"]
    db = results["database_outage"]
    broker = results["broker_outage"]
    killed = results["worker_killed"]
    seeded = results["seeded"]
    checks = verdicts(results)
    lines = [
        "# Reliability",
        "",
        "Written by `make reliability` (`reliability/`): the site under load while it syncs, its database and its "
        "broker taken away for a moment, a Celery worker killed in the middle of a sync. Everything runs on "
        "127.0.0.1: gunicorn with production settings (`DEBUG=0`, Redis page cache), PostgreSQL and Redis behind "
        "TCP relays the script cuts (every open connection reset, new ones refused), the source feeds served "
        "from memory. The catalog is checked by SQL, straight from PostgreSQL, before and after each fault. "
        "Raw figures: `var/reliability-results.json`.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in machine.items()],
        f"| catalog | {seeded['models']:,} models, {seeded['offerings']:,} routes, {seeded['prices']:,} prices "
        "(`bench/seed.py`) |",
        f"| run took | {results['total_seconds']} s |",
        "",
        "The machine is shared (see the load averages): latencies here are not a benchmark "
        "(`docs/performance.md` is); the counts of errors and rows are what this page is for.",
        "",
        "## Verdict",
        "",
        "| check | held |",
        "|---|---|",
        *[f"| {name} | {'yes' if ok else '**NO**'} |" for name, ok in checks.items()],
        "",
        f"## 1. {load['seconds']:.0f} s of load at concurrency {load['concurrency']} while a full sync runs",
        "",
        f"The load generator (above) on {load['paths']} URLs, the benchmark's sample (`bench/__main__.py` "
        "scenarios: model pages, the browser with filters and a sort, compare, calculator, change feeds, API "
        "list, detail and estimate) and "
        "the home, providers, labs and benchmarks pages, each connection in turn through the list. The page cache "
        "starts cold and every sync that changes data invalidates it, so most pages are rendered from the "
        "database while the sync writes. The full sync is every source that can be served on loopback, in the "
        f"registry's order: curated, OpenRouter ({results['feeds']['openrouter_models']} models, 6 routes each, "
        f"`bench/feeds.py`), LiteLLM ({results['feeds']['litellm_entries']} entries), each through `manage.py "
        "sync`, starting 3 s into the load; after each the script runs `ANALYZE`, as autovacuum would soon after "
        f"a bulk write (this server's autovacuum: {machine.get('postgres autovacuum', '?')}).",
        "",
        f"- requests answered: {load['requests']:,}; status codes: {_statuses(load['statuses'])}",
        f"- 5xx: {load['server_errors']}; socket errors: {load['socket_errors']}; no answer within "
        f"{load['client_timeout_s']} s: {load['timeouts']}",
        f"- latency: p50 {load['latency_ms']['p50']:,} ms, p99 {load['latency_ms']['p99']:,} ms, max "
        f"{load['latency_ms']['max']:,} ms",
        "",
        "| sync | status | rows created | rows updated | from (s) | to (s) |",
        "|---|---|---:|---:|---:|---:|",
        *[
            f"| {s['source']} | {s['status']} | {s['created']} | {s['updated']} | {s['started_at_s']} | "
            f"{s['finished_at_s']} |"
            for s in load["syncs"]
        ],
        f"| (the load) | | | | 0 | {load['load_ended_at_s']} |",
        "",
        "Rows before and after, against what the runs report (`SyncRun.counts`):",
        "",
        *_counts_table(load["created_vs_added"]),
        "",
        f"Rows the seeder wrote (its labs, models, aliases, providers, routes, prices, scores: md5 of every column) "
        f"unchanged: **{'yes' if load['seeded_rows_unchanged'] else 'no'}**.",
        "",
        *_invariants(load["invariants"]),
        "",
        "## 2. The database away for a moment",
        "",
        f"Three clients request a model page, two API reads, an API list and `/healthz` in turn (pages with a "
        f"fresh query string each time, so that the page cache cannot hide the database). The relay in front of "
        f"PostgreSQL is cut for {db['outage_seconds']} s ({db['connections_reset']} open connections reset), then "
        "restored. gunicorn is not restarted.",
        "",
        f"- requests: {db['requests']:,}; answers before the cut: {_statuses(db['statuses_before'])}; during: "
        f"{_statuses(db['statuses_during'])}; after: {_statuses(db['statuses_after'])}",
        f"- `/healthz` during the outage (no database involved): {_statuses(db['healthz_during'])}",
        f"- 503s: {db['503_total']}, with `Retry-After`: {db['503_with_retry_after']}; API 503s as JSON: "
        f"{db['503_api_as_json']} of {db['503_api_total']}; page 503s as HTML: {db['503_pages_as_html']} of "
        f"{db['503_pages_total']}",
        f"- other 5xx: {db['server_errors_not_503']}; tracebacks in a body: {db['tracebacks']}; requests with no "
        f"answer: {db['no_answer']}",
        f"- recovery: `/readyz` (a query on the same persistent connections) answered 200 "
        f"{db['readyz_200_after_restore_s']} s after the restore, the first probe sent after it "
        f"{db['first_200_after_restore_s']} s after it; requests sent after the restore that failed: "
        f"{db['failed_after_restore']} of {db['sent_after_restore']} (and {db.get('throttled_after_restore', 0)} "
        "answered 429 by the API's rate limit, not counted as failures); same gunicorn workers throughout: "
        f"{'yes' if db['gunicorn_workers_unchanged'] else 'no'}",
        "",
        "How: `lib.middleware.DatabaseUnavailable` answers a view's `OperationalError`/`InterfaceError` with a "
        "503 (`Retry-After: 5`, `Cache-Control: no-store`; JSON under `/api/`, `templates/503.html` elsewhere), and "
        "`CONN_HEALTH_CHECKS` makes Django drop the broken persistent connection, so the next request reconnects.",
        "",
        "## 3. The broker down",
        "",
        "The relay in front of Redis (the Celery broker) is cut; a signed-in staff user presses *Sync curated now* "
        "in the admin.",
        "",
        f"- pages during the outage: {_statuses(broker['page_statuses_during'])}",
        f"- `/readyz`: {broker['readyz_before']} before, {broker['readyz_during']['status']} during ("
        + ", ".join(f"{name} {state}" for name, state in broker["readyz_during"]["checks"].items())
        + f"), {broker['readyz_after']} after the restore",
        f"- *sync now* answered {broker['sync_now_status']} after {broker['sync_now_seconds']} s with: "
        + "; ".join(f"{level}: “{text}”" for level, text in broker["sync_now_messages"]),
        f"- sync runs recorded: {broker['sync_runs_created_during']}; tasks queued: {broker['tasks_queued_during']}",
        "",
        "## 4. A worker killed in the middle of a sync",
        "",
        f"A Celery worker (`celery -A config worker`, prefork, one process) on Redis; *sync OpenRouter now* from the "
        f"admin, with a feed of {killed['feed']['models']:,} models ({killed['feed']['endpoint_bodies']:,} endpoint "
        f"bodies; the first {results['feeds']['openrouter_models']} are those already synced). Once the run's stage "
        "says it is writing (inside the upsert's one transaction), the worker's whole process group gets SIGKILL.",
        "",
        "- stages seen before the kill: " + "; ".join(f"{at} s: {stage}" for at, stage in killed["stages_before_kill"]),
        f"- killed in: “{killed['killed_in_stage']}”, the worker's transaction then open for "
        + ", ".join(
            f"{t['open_for_s']} s ({t['state']}: `{t['query']}…`)" for t in killed["worker_transaction_at_kill"]
        )
        + f"; PostgreSQL ended the worker's session "
        f"{killed['database_backend_gone_after_s']} s later (its transaction rolled back)",
        "- rows carrying the killed run's id: "
        + ", ".join(f"{table.removeprefix('providers_')} {n}" for table, n in killed["rows_of_killed_run"].items())
        + "; every catalog table unchanged "
        f"(count and md5 of every row): **{'yes' if killed['catalog_unchanged_by_kill'] else 'no'}**; the run's "
        f"raw payload, kept before the transaction, is there for a replay: {killed['payload_kept_by_killed_run']} "
        "row",
        f"- the killed run stays “{killed['killed_run_status_after_kill']}”; a second worker's run within "
        f"`SYNC_STALE_AFTER_MINUTES` ({killed['next_run_within_stale_window']['status']}): "
        f"“{'; '.join(killed['next_run_within_stale_window']['notes'])}”",
        "- five minutes (the least `SYNC_STALE_AFTER_MINUTES` allows) are not waited for: the killed run's "
        "`started_at` is moved back six minutes by SQL, then *sync now* again:",
        f"- the killed run is now “{killed['killed_run_after_rerun']['status']}”: "
        f"“{killed['killed_run_after_rerun']['error']}”; the new run {killed['rerun']['status']} in "
        f"{killed['rerun']['seconds']} s",
        "",
        *_counts_table(killed["created_vs_added"]),
        "",
        f"Rows the seeder wrote unchanged: **{'yes' if killed['seeded_rows_unchanged'] else 'no'}**. Tasks left "
        f"unacknowledged in Redis by the killed worker: {killed['unacknowledged_tasks_left']} (with "
        "`acks_late`, Redis hands such a task out again after its visibility timeout, one hour by default; by then "
        "the lock it would need is stale, so it runs normally).",
        "",
        *_invariants(killed["invariants"]),
        "",
    ]
    path.write_text("\n".join(lines))
