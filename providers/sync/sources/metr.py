"""The `metr` source: METR's time-horizon results.

Adapter: `GET {METR_RESULTS_URL}` (default https://metr.org/assets/benchmark_results_1_1.yaml), one YAML document.
Units: the 50% time horizon in minutes (the length of task, measured in the time a human expert takes, that the
model completes half the time). Quirks: results are keyed by ids like `claude_3_5_sonnet_20240620_inspect`
(underscores, a harness suffix, a date stamp). The key as published is looked up in the alias table first
(curators alias `claude_4_1_opus_inspect`); only then is it tidied for the identity rules: the suffix is dropped,
underscores become dashes (`claude-4-1-opus`, whose word order identity.tidied_forms also reads), and a dated id
names its undated model (the source never creates snapshot models).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import httpx
import yaml
from django.conf import settings

from providers.sync.records import Batch, BenchmarkRecord, ModelRecord, Rejection, ScoreRecord
from providers.sync.sources.base import Known
from providers.sync.sources.feed import FeedSource
from providers.sync.sources.http import SourceFormatError, get_bytes

DEFAULT_URL = "https://metr.org/assets/benchmark_results_1_1.yaml"
CREDIT_URL = "https://metr.org/"
HARNESS_RE = re.compile(r"_(inspect|triframe|modular|flock)$")
BENCHMARK = BenchmarkRecord(
    "metr-time-horizon",
    "METR time horizon (50%)",
    "agentic",
    "minutes",
    "minutes",
    True,
    "https://metr.org/blog/2025-03-19-measuring-ai-ability-to-complete-long-tasks/",
)


class MetrSource(FeedSource):
    name: ClassVar[str] = "metr"
    description: ClassVar[str] = "METR time-horizon results (YAML)"
    creates_snapshots: ClassVar[bool] = False

    def fetch(self, client: httpx.Client) -> Any:
        url = settings.METR_RESULTS_URL
        body = get_bytes(client, url)
        try:
            document = yaml.safe_load(body)
        except yaml.YAMLError as exc:
            raise SourceFormatError(f"GET {url}: not valid YAML ({exc})") from None
        if not isinstance(document, dict) or not isinstance(document.get("results"), dict):
            raise SourceFormatError(f"GET {url}: expected a mapping with 'results'")
        return document

    def parse(self, raw: Any, known: Known) -> Batch:
        batch = Batch(benchmarks=[BENCHMARK])
        version = str(raw.get("benchmark_name") or "METR-Horizon")
        for key, result in raw["results"].items():
            metrics = result.get("metrics") if isinstance(result, dict) else None
            horizon = (metrics or {}).get("p50_horizon_length")
            estimate = horizon.get("estimate") if isinstance(horizon, dict) else None
            if estimate is None:
                batch.rejections.append(
                    Rejection(entry=str(key), field="metrics.p50_horizon_length.estimate", message="missing")
                )
                continue
            try:
                minutes = Decimal(str(estimate))
            except InvalidOperation:
                minutes = Decimal("NaN")
            if not minutes.is_finite() or minutes < 0:
                batch.rejections.append(
                    Rejection(
                        entry=str(key),
                        field="metrics.p50_horizon_length.estimate",
                        message=f"not a number of minutes: {estimate!r}",
                    )
                )
                continue
            match_id = tidy_key(str(key))
            batch.models.append(
                ModelRecord(
                    external_id=str(key),
                    match_id=match_id if match_id != str(key) else "",
                    scores=[
                        ScoreRecord(
                            benchmark=BENCHMARK.slug,
                            value=minutes.quantize(Decimal("0.0001")),
                            self_reported=False,
                            version=f"{version}, 50% horizon",
                            source_url=CREDIT_URL,
                        )
                    ],
                )
            )
        return batch


def tidy_key(key: str) -> str:
    """A METR key as the identity rules read it: `claude_3_5_sonnet_20240620_inspect` -> `claude-3-5-sonnet-20240620`
    (harness dropped, underscores as dashes; a date written `2025_08_07` becomes `2025-08-07`)."""
    return HARNESS_RE.sub("", key).replace("_", "-")
