"""Build catalogs of any size through the real upsert service, so tests exercise the same writes as a sync."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from providers.sync.records import (
    Batch,
    LabRecord,
    ModelRecord,
    OfferingRecord,
    PriceRecord,
    ProviderRecord,
    ScoreRecord,
)
from providers.sync.run import apply_batch

SOURCE_URL = "https://example.com/pricing"
VERIFIED = dt.date(2026, 8, 1)


def price(component: str, usd: str, **kwargs) -> PriceRecord:
    return PriceRecord(
        component=component,
        unit=kwargs.pop("unit", "per_1m_tokens"),
        usd=Decimal(usd),
        source_url=SOURCE_URL,
        verified_on=kwargs.pop("verified_on", VERIFIED),
        **kwargs,
    )


def provider_records(count: int) -> list[ProviderRecord]:
    kinds = ["first_party", "cloud", "inference_host", "gateway"]
    return [ProviderRecord(slug=f"prov-{i}", name=f"Provider {i}", kind=kinds[i % 4]) for i in range(count)]


def build_catalog(models: int, *, routes: int = 2, with_scores: bool = True, source: str = "curated") -> Batch:
    """`models` models by one lab, each on `routes` providers with input/output/cache/batch/tier prices."""
    from benchmarks.models import Benchmark

    Benchmark.objects.get_or_create(
        slug="mmlu", defaults={"name": "MMLU", "category": "knowledge", "metric": "accuracy"}
    )
    batch = Batch(labs=[LabRecord(slug="lab", name="Lab")], providers=provider_records(routes))
    for i in range(models):
        record = ModelRecord(
            slug=f"lab/model-{i}",
            lab="lab",
            name=f"Model {i}",
            context_window=128_000,
            input_modalities=["text", "image"],
            output_modalities=["text"],
            capabilities=["tool_calling"],
            aliases=[("openrouter", f"lab/model-{i}-2025")],
        )
        for r in range(routes):
            base = Decimal(i + 1) / 10 + Decimal(r) / 100
            record.offerings.append(
                OfferingRecord(
                    provider=f"prov-{r}",
                    provider_model_id=f"model-{i}",
                    prices=[
                        price("input", str(base)),
                        price("output", str(base * 4)),
                        price("cache_read", str(base / 10)),
                        price("input", str(base / 2), service_tier="batch"),
                        price("input", str(base * 2), tier_min_tokens=200_000),
                    ],
                )
            )
        if with_scores:
            record.scores.append(
                ScoreRecord(
                    benchmark="mmlu",
                    value=Decimal(60 + i),
                    self_reported=False,
                    source_url="https://example.com/scores",
                )
            )
        batch.models.append(record)
    apply_batch(batch, source=source)
    return batch
