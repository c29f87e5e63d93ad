"""A synthetic but realistic catalog for the benchmark, loaded into PostgreSQL with COPY.

At BENCH_SCALE=1: 5,000 models of 60 labs, 150 providers, 50,000 routes, about 500,000 price rows (each current price
with one to three closed periods before it), 50,000 scores on 20 benchmarks, 20,000 change events. The same seed
gives the same catalog.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

KINDS = ["first_party"] * 20 + ["cloud"] * 10 + ["inference_host"] * 100 + ["gateway"] * 20
MODALITY_SLUGS = ["text", "image", "audio", "video", "file"]
CAPABILITY_SLUGS = [
    "tool_calling",
    "structured_output",
    "json_mode",
    "reasoning",
    "vision",
    "prompt_caching",
    "web_search",
    "pdf_input",
]
CONTEXTS = [8_192, 32_768, 128_000, 131_072, 200_000, 262_144, 1_000_000, 1_048_576]
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Scale:
    models: int
    providers: int
    routes_per_model: int
    benchmarks: int
    scores: int
    changes: int

    @classmethod
    def of(cls, factor: float) -> Scale:
        def n(value: int, least: int = 1) -> int:
            return max(least, round(value * factor))

        return cls(
            models=n(5000, 20),
            providers=min(150, n(150, 12)),
            routes_per_model=10,
            benchmarks=20,
            scores=n(50_000, 40),
            changes=n(20_000, 20),
        )


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _reset_sequences(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}")


def seed(factor: float = 1.0, *, seed_value: int = 2026) -> dict[str, int]:
    """Fill an empty, migrated database; return the row counts."""
    from catalog.models import MODEL_FACTS, Capability, Modality

    rng = random.Random(seed_value)
    scale = Scale.of(factor)
    now = NOW
    modalities = Modality.ensure(set(MODALITY_SLUGS))
    capabilities = Capability.ensure(set(CAPABILITY_SLUGS))

    labs = [(i, f"lab-{i}", f"Lab {i}", "", "", now, now) for i in range(1, 61)]
    _copy("catalog_lab", ["id", "slug", "name", "website_url", "description", "created_at", "updated_at"], labs)

    providers = []
    for i in range(1, scale.providers + 1):
        kind = KINDS[(i - 1) % len(KINDS)]
        providers.append(
            (
                i,
                f"provider-{i}",
                f"Provider {i}",
                kind,
                "",
                "",
                "",
                f"https://api.provider-{i}.example/v1",
                kind != "first_party",
                "",
                now,
                now,
                None,
            )
        )
    _copy(
        "providers_provider",
        [
            "id",
            "slug",
            "name",
            "kind",
            "website_url",
            "docs_url",
            "pricing_url",
            "api_base_url",
            "openai_compatible",
            "description",
            "created_at",
            "updated_at",
            "lab_id",
        ],
        providers,
    )

    models, inputs, outputs, caps, aliases = [], [], [], [], []
    for i in range(1, scale.models + 1):
        lab = labs[(i - 1) % len(labs)]
        released = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 1400))
        status = rng.choices(["active", "preview", "deprecated", "retired"], [85, 5, 7, 3])[0]
        models.append(
            (
                i,
                f"{lab[1]}/model-{i}",
                f"Model {i}",
                f"Family {i % 300}",
                "A synthetic model.",
                released,
                f"{released.year - 1}-{released.month:02d}",
                rng.choice(CONTEXTS),
                rng.choice([4096, 16384, 32768, 65536]),
                json.dumps(["temperature", "top_p", "max_tokens", "tools"]),
                rng.random() < 0.3,
                "",
                "",
                None,
                "",
                status,
                None,
                None,
                "",
                now,
                now,
                lab[0],
                None,
                "{}",
                "{}",
                None,
            )
        )
        inputs.append((i, modalities["text"].pk))
        if rng.random() < 0.4:
            inputs.append((i, modalities["image"].pk))
        outputs.append((i, modalities["text"].pk))
        for slug in rng.sample(CAPABILITY_SLUGS, rng.randrange(1, 6)):
            caps.append((i, capabilities[slug].pk))
        aliases.append((i, "openrouter", f"{lab[1]}/model-{i}-{released:%Y%m%d}", now, i))
    _copy(
        "catalog_languagemodel",
        [
            "id",
            "slug",
            *MODEL_FACTS,  # each row's values are in this order
            "created_at",
            "updated_at",
            "lab_id",
            "successor_id",
            "field_sources",
            "locked_fields",
            "snapshot_of_id",
        ],
        models,
    )
    _copy("catalog_languagemodel_input_modalities", ["languagemodel_id", "modality_id"], inputs)
    _copy("catalog_languagemodel_output_modalities", ["languagemodel_id", "modality_id"], outputs)
    _copy("catalog_languagemodel_capabilities", ["languagemodel_id", "capability_id"], caps)
    _copy("catalog_modelalias", ["id", "source", "external_id", "created_at", "model_id"], aliases)

    offerings, prices, changes = [], [], []
    price_id = 0
    offering_id = 0
    provider_ids = [p[0] for p in providers]
    for model in models:
        base = Decimal(rng.choice(["0.05", "0.1", "0.15", "0.25", "0.4", "0.8", "1.25", "2.5", "3", "5", "15"]))
        for provider in rng.sample(provider_ids, min(scale.routes_per_model, len(provider_ids))):
            offering_id += 1
            status = "retired" if rng.random() < 0.03 else "active"
            offerings.append(
                (
                    offering_id,
                    f"model-{model[0]}",
                    "",
                    "",
                    model[7],
                    model[8],
                    "serverless",
                    status,
                    Decimal(rng.randrange(20, 400)),
                    rng.randrange(150, 2500),
                    Decimal("99.5"),
                    "bench",
                    now,
                    now,
                    model[0],
                    provider,
                )
            )
            factor_ = Decimal(rng.choice(["0.9", "1", "1", "1.1", "1.2"]))
            components = [("input", "standard", 0, base * factor_), ("output", "standard", 0, base * factor_ * 4)]
            if rng.random() < 0.6:
                components.append(("cache_read", "standard", 0, base * factor_ / 10))
            if rng.random() < 0.3:
                components += [("input", "batch", 0, base * factor_ / 2), ("output", "batch", 0, base * factor_ * 2)]
            if rng.random() < 0.1:
                components += [
                    ("input", "standard", 200_000, base * factor_ * 2),
                    ("output", "standard", 200_000, base * factor_ * 6),
                ]
            for component, tier, threshold, usd in components:
                periods = rng.randrange(1, 4) + 1  # the current period and one to three before it
                starts = sorted(now - dt.timedelta(days=days) for days in rng.sample(range(1, 900), periods))
                for index, start in enumerate(starts):
                    price_id += 1
                    current = index == periods - 1
                    amount = (usd * Decimal(rng.choice(["1.25", "1.5", "2"])) if not current else usd).quantize(
                        Decimal("0.000000001")
                    )
                    prices.append(
                        (
                            price_id,
                            component,
                            "per_1m_tokens",
                            amount,
                            threshold,
                            tier,
                            start,
                            None if current else starts[index + 1],
                            "bench",
                            "Benchmark data",
                            "https://example.org/pricing",
                            now.date(),
                            "",
                            now,
                            offering_id,
                            None,
                            True,  # start_known: the seed knows when each period began
                            "",  # locked_reason: no seeded price is locked
                        )
                    )
    _copy(
        "providers_offering",
        [
            "id",
            "provider_model_id",
            "region",
            "quantization",
            "context_window",
            "max_output_tokens",
            "route_type",
            "status",
            "throughput_tps",
            "latency_p50_ms",
            "uptime_pct",
            "source",
            "created_at",
            "updated_at",
            "model_id",
            "provider_id",
        ],
        offerings,
    )
    _copy(
        "providers_price",
        [
            "id",
            "component",
            "unit",
            "usd",
            "tier_min_tokens",
            "service_tier",
            "effective_from",
            "effective_to",
            "source",
            "source_name",
            "source_url",
            "verified_on",
            "published",
            "created_at",
            "offering_id",
            "sync_run_id",
            "start_known",
            "locked_reason",
        ],
        prices,
    )

    benchmarks = [
        (
            i,
            f"bench-{i}",
            f"Benchmark {i}",
            ["knowledge", "reasoning", "math", "coding", "agentic"][i % 5],
            "accuracy",
            "percent",
            True,
            "",
            "",
        )
        for i in range(1, scale.benchmarks + 1)
    ]
    _copy(
        "benchmarks_benchmark",
        ["id", "slug", "name", "category", "metric", "scale", "higher_is_better", "url", "description"],
        benchmarks,
    )
    scores, seen = [], set()
    while len(scores) < scale.scores:
        key = (rng.randrange(1, scale.models + 1), rng.randrange(1, scale.benchmarks + 1))
        if key in seen:
            continue
        seen.add(key)
        scores.append(
            (
                len(scores) + 1,
                Decimal(rng.randrange(100, 990)) / 10,
                "",
                now.date(),
                "bench",
                "https://example.org/scores",
                rng.random() < 0.3,
                now,
                now,
                key[1],
                key[0],
            )
        )
    _copy(
        "benchmarks_benchmarkscore",
        [
            "id",
            "value",
            "version",
            "measured_on",
            "source",
            "source_url",
            "self_reported",
            "created_at",
            "updated_at",
            "benchmark_id",
            "model_id",
        ],
        scores,
    )

    for i in range(1, scale.changes + 1):
        offering = offerings[rng.randrange(len(offerings))]
        changes.append(
            (
                i,
                "price_changed",
                now - dt.timedelta(minutes=i),
                "input",
                "0.2",
                "0.15",
                f"Model {offering[14]} on Provider {offering[15]}: input $0.2 → $0.15",
                offering[14],
                offering[0],
                None,
                "",
            )
        )
    _copy(
        "providers_changeevent",
        [
            "id",
            "kind",
            "occurred_at",
            "field",
            "old_value",
            "new_value",
            "summary",
            "model_id",
            "offering_id",
            "sync_run_id",
            "actor",
        ],
        changes,
    )
    _reset_sequences(
        [
            "catalog_lab",
            "providers_provider",
            "catalog_languagemodel",
            "catalog_modelalias",
            "providers_offering",
            "providers_price",
            "benchmarks_benchmark",
            "benchmarks_benchmarkscore",
            "providers_changeevent",
        ]
    )
    # COPY sends no signals and runs no sync: fill the read tables a sync keeps, as its end would.
    from providers.pricing.summaries import refresh_cheapest_routes

    cheapest = refresh_cheapest_routes()
    # The state autovacuum keeps a live database in (it is off on some servers): fresh statistics, and the
    # visibility map that lets PostgreSQL answer from an index alone. Inside a transaction (a test) only ANALYZE.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return {
        "labs": len(labs),
        "providers": len(providers),
        "models": len(models),
        "offerings": len(offerings),
        "prices": len(prices),
        "current_prices": sum(1 for p in prices if p[7] is None),
        "scores": len(scores),
        "cheapest_routes": cheapest,
        "changes": len(changes),
    }
