"""What "consistent" means for the catalog, in SQL, read straight from PostgreSQL (not through the app under test).

`counts` are row counts per table, `invariants` count rows that break a rule (each should be 0), and `checksum`
is a digest of the rows a sync must not touch, to compare before and after."""

from __future__ import annotations

import psycopg

# The kinds of row a sync run counts (SyncRun.counts) and the table each lives in.
TABLES = {
    "lab": "catalog_lab",
    "model": "catalog_languagemodel",
    "alias": "catalog_modelalias",
    "provider": "providers_provider",
    "offering": "providers_offering",
    "price": "providers_price",
    "benchmark": "benchmarks_benchmark",
    "score": "benchmarks_benchmarkscore",
    "unmatched": "providers_unmatchedid",
    "disagreement": "providers_disagreement",
    "held": "providers_heldchange",
    "change event": "providers_changeevent",
}

INVARIANTS = {
    "two open prices for one offering + component + tier + threshold": """
        SELECT count(*) FROM (
            SELECT 1 FROM providers_price WHERE effective_to IS NULL
            GROUP BY offering_id, component, service_tier, tier_min_tokens HAVING count(*) > 1
        ) AS duplicates""",
    "a price period that ends before it starts": """
        SELECT count(*) FROM providers_price WHERE effective_to < effective_from""",
    "two price periods of one key that overlap": """
        SELECT count(*) FROM providers_price AS a JOIN providers_price AS b
          ON a.offering_id = b.offering_id AND a.component = b.component AND a.service_tier = b.service_tier
         AND a.tier_min_tokens = b.tier_min_tokens AND a.id < b.id
         AND a.effective_from < coalesce(b.effective_to, 'infinity')
         AND b.effective_from < coalesce(a.effective_to, 'infinity')""",
    "a price of no offering": """
        SELECT count(*) FROM providers_price AS p LEFT JOIN providers_offering AS o ON o.id = p.offering_id
        WHERE o.id IS NULL""",
    "an offering of no model or no provider": """
        SELECT count(*) FROM providers_offering AS o
        LEFT JOIN catalog_languagemodel AS m ON m.id = o.model_id
        LEFT JOIN providers_provider AS p ON p.id = o.provider_id
        WHERE m.id IS NULL OR p.id IS NULL""",
    "a model of no lab": """
        SELECT count(*) FROM catalog_languagemodel AS m LEFT JOIN catalog_lab AS l ON l.id = m.lab_id
        WHERE l.id IS NULL""",
    "an alias of no model": """
        SELECT count(*) FROM catalog_modelalias AS a LEFT JOIN catalog_languagemodel AS m ON m.id = a.model_id
        WHERE m.id IS NULL""",
    "a score of no model or no benchmark": """
        SELECT count(*) FROM benchmarks_benchmarkscore AS s
        LEFT JOIN catalog_languagemodel AS m ON m.id = s.model_id
        LEFT JOIN benchmarks_benchmark AS b ON b.id = s.benchmark_id
        WHERE m.id IS NULL OR b.id IS NULL""",
    "a change event pointing at a missing model or offering": """
        SELECT count(*) FROM providers_changeevent AS e
        LEFT JOIN catalog_languagemodel AS m ON m.id = e.model_id
        LEFT JOIN providers_offering AS o ON o.id = e.offering_id
        WHERE (e.model_id IS NOT NULL AND m.id IS NULL) OR (e.offering_id IS NOT NULL AND o.id IS NULL)""",
    # OpenRouter prices every route it lists (the curated files may list a route before its price).
    "an active OpenRouter route with no open price (half-written)": """
        SELECT count(*) FROM providers_offering AS o
        WHERE o.source = 'openrouter' AND o.status <> 'retired'
          AND NOT EXISTS (SELECT 1 FROM providers_price AS p WHERE p.offering_id = o.id AND p.effective_to IS NULL)""",
    "a price written by a run that did not succeed": """
        SELECT count(*) FROM providers_price AS p JOIN providers_syncrun AS r ON r.id = p.sync_run_id
        WHERE r.status <> 'succeeded'""",
    "a change event recorded by a run that did not succeed": """
        SELECT count(*) FROM providers_changeevent AS e JOIN providers_syncrun AS r ON r.id = e.sync_run_id
        WHERE r.status <> 'succeeded'""",
}

# The rows the seeder wrote (source 'bench', or ids up to the seeded maximum): no sync may change them.
SEEDED = {
    "catalog_lab": "id <= {lab}",
    "catalog_languagemodel": "id <= {model}",
    "catalog_modelalias": "id <= {alias}",
    "providers_provider": "id <= {provider}",
    "providers_offering": "source = 'bench'",
    "providers_price": "source = 'bench'",
    "benchmarks_benchmarkscore": "id <= {score}",
}


def counts(connection: psycopg.Connection) -> dict[str, int]:
    return {kind: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for kind, table in TABLES.items()}


def invariants(connection: psycopg.Connection) -> dict[str, int]:
    return {rule: connection.execute(sql).fetchone()[0] for rule, sql in INVARIANTS.items()}


def seeded_bounds(connection: psycopg.Connection) -> dict[str, int]:
    """The highest id of each seeded table, taken right after seeding."""
    return {
        kind: connection.execute(f"SELECT coalesce(max(id), 0) FROM {TABLES[kind]}").fetchone()[0]
        for kind in ("lab", "model", "alias", "provider", "score")
    }


def checksum(connection: psycopg.Connection, bounds: dict[str, int]) -> dict[str, str]:
    """An md5 of every seeded row, whole (each column, in id order), per table."""
    return {
        table: connection.execute(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY id)), '') FROM {table} AS t "
            f"WHERE {where.format(**bounds)}"
        ).fetchone()[0]
        for table, where in SEEDED.items()
    }


def created_by_runs(connection: psycopg.Connection, run_ids: list[int]) -> dict[str, int]:
    """What the runs say they created, per kind of row (from SyncRun.counts)."""
    totals: dict[str, int] = {}
    for (counts_,) in connection.execute("SELECT counts FROM providers_syncrun WHERE id = ANY(%s)", [run_ids]):
        for kind, outcomes in counts_.items():
            totals[kind] = totals.get(kind, 0) + outcomes.get("created", 0)
    return totals


def rows_of_runs(connection: psycopg.Connection, run_ids: list[int]) -> dict[str, int]:
    """Rows that carry one of these runs' ids."""
    return {
        table: connection.execute(f"SELECT count(*) FROM {table} WHERE sync_run_id = ANY(%s)", [run_ids]).fetchone()[0]
        for table in ("providers_price", "providers_changeevent", "providers_heldchange", "providers_disagreement")
    }


def compare_created(before: dict[str, int], after: dict[str, int], created: dict[str, int]) -> dict[str, dict]:
    """Per kind: rows added, rows the runs reported creating, and whether they agree."""
    result = {}
    for kind, reported in sorted(created.items()):
        if kind not in before:
            continue
        added = after[kind] - before[kind]
        result[kind] = {"added": added, "reported created": reported, "agree": added == reported}
    return result
