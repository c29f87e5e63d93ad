"""The `epoch` source: Epoch AI's benchmark data (CC-BY-4.0; credit "Epoch AI, AI Benchmarking,
https://epoch.ai/benchmarks" wherever the scores are shown).

Adapter: `GET {EPOCH_BENCHMARKS_URL}` (default https://epoch.ai/data/benchmark_data.zip), a zip of CSV files, one
per benchmark; the CSVs it knows are returned as lists of rows, the rest are named and counted.
Units: accuracy as a fraction from 0 to 1 (stored as a percentage, four decimals kept), the Epoch Capabilities
Index as an
index. Quirks: `Model version` carries date stamps (`gpt-5-mini-2025-08-07`) and reasoning-effort suffixes
(`_high`), thinking budgets (`_16K`, `_32K`, ` (16K thinking)`) and `_thinking`: these are run settings, kept on the
score as part of its version label (its natural key), so a model holds one score per benchmark and setting
(`run_settings`). The id as published is looked up in the alias table first (curators alias `…_32K` ids), then the
id without its settings goes through the identity rules; a dated id names its undated model (the source never
creates snapshot models). A model may have several runs per file and setting, and several ids may fold into one
model: the identity step's collision rule keeps one (providers/sync/identity.py `merge_records`) and counts the
rest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any, ClassVar

import httpx
from django.conf import settings

from providers.sync.records import Batch, BenchmarkRecord, ModelRecord, Rejection, ScoreRecord
from providers.sync.sources.base import Known
from providers.sync.sources.feed import FeedSource
from providers.sync.sources.http import SourceFormatError, get_bytes

DEFAULT_URL = "https://epoch.ai/data/benchmark_data.zip"
CREDIT_URL = "https://epoch.ai/benchmarks"
# Run settings at the end of a `Model version`, innermost last: `o3-2025-04-16_high`, `claude-opus-4-20250514_32K`,
# `QwQ-32B (16K thinking)`, `DeepSeek-V3.1_thinking`.
SETTING_RE = re.compile(
    r"(?:_(?P<effort>minimal|low|medium|high|xhigh|max)|_(?P<budget>\d+K)|\s*\((?P<budget_text>\d+K) thinking\)"
    r"|_(?P<thinking>thinking))$",
    re.IGNORECASE,
)
HUNDRED = Decimal(100)

# CSV file -> (benchmark slug, the column holding the score, whether it is a 0-1 fraction)
FILES: dict[str, tuple[str, str, bool]] = {
    "gpqa_diamond.csv": ("gpqa-diamond", "Best score (across scorers)", True),
    "swe_bench_verified.csv": ("swe-bench-verified", "Best score (across scorers)", True),
    "math_level_5.csv": ("math-level-5", "Best score (across scorers)", True),
    "otis_mock_aime_2024_2025.csv": ("aime", "Best score (across scorers)", True),
    "mmlu.csv": ("mmlu", "Best score (across scorers)", True),
    "epoch_capabilities_index.csv": ("epoch-capabilities-index", "ECI Score", False),
}
BENCHMARKS = {
    "gpqa-diamond": BenchmarkRecord(
        "gpqa-diamond", "GPQA Diamond", "reasoning", "accuracy", "percent", True, "https://arxiv.org/abs/2311.12022"
    ),
    "swe-bench-verified": BenchmarkRecord(
        "swe-bench-verified",
        "SWE-bench Verified",
        "coding",
        "resolved rate",
        "percent",
        True,
        "https://www.swebench.com/",
    ),
    "math-level-5": BenchmarkRecord(
        "math-level-5", "MATH Level 5", "math", "accuracy", "percent", True, "https://arxiv.org/abs/2103.03874"
    ),
    "aime": BenchmarkRecord(
        "aime",
        "AIME",
        "math",
        "accuracy",
        "percent",
        True,
        "https://artofproblemsolving.com/wiki/index.php/American_Invitational_Mathematics_Examination",
    ),
    "mmlu": BenchmarkRecord(
        "mmlu", "MMLU", "knowledge", "accuracy", "percent", True, "https://arxiv.org/abs/2009.03300"
    ),
    "epoch-capabilities-index": BenchmarkRecord(
        "epoch-capabilities-index",
        "Epoch Capabilities Index (ECI)",
        "composite",
        "index",
        "index",
        True,
        "https://epoch.ai/benchmarks/eci",
    ),
}
ORGANIZATIONS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google deepmind": "google",
    "google": "google",
    "meta ai": "meta",
    "meta": "meta",
    "mistral ai": "mistral",
    "deepseek": "deepseek",
    "alibaba": "qwen",
    "xai": "xai",
    "cohere": "cohere",
    "amazon": "amazon",
    "moonshot": "moonshot",
    "moonshot ai": "moonshot",
}


class EpochSource(FeedSource):
    name: ClassVar[str] = "epoch"
    description: ClassVar[str] = "Epoch AI benchmark data (zip of CSV files)"
    creates_snapshots: ClassVar[bool] = False

    def fetch(self, client: httpx.Client) -> dict[str, Any]:
        url = settings.EPOCH_BENCHMARKS_URL
        body = get_bytes(client, url)
        try:
            archive = zipfile.ZipFile(io.BytesIO(body))
        except zipfile.BadZipFile as exc:
            raise SourceFormatError(f"GET {url}: not a zip file ({exc}); {len(body)} bytes") from None
        files: dict[str, list[dict[str, str]]] = {}
        others = []
        for member in archive.namelist():
            name = PurePosixPath(member).name
            if name in FILES:
                text = archive.read(member).decode("utf-8-sig")
                files[name] = list(csv.DictReader(io.StringIO(text)))
            elif name.endswith(".csv"):
                others.append(name)
        if not files:
            raise SourceFormatError(f"GET {url}: the zip holds none of the expected files ({', '.join(sorted(FILES))})")
        return {"files": files, "other_files": sorted(others)}

    def parse(self, raw: dict[str, Any], known: Known) -> Batch:
        batch = Batch()
        for name in raw.get("other_files", []):
            batch.skip(f"file not read: {name}")
        records: dict[str, ModelRecord] = {}
        for file_name, rows in sorted(raw.get("files", {}).items()):
            slug, column, fraction = FILES[file_name]
            batch.benchmarks.append(BENCHMARKS[slug])
            for index, row in enumerate(rows):
                parsed = _row(row, file_name, index, slug, column, fraction, batch)
                if parsed is None:
                    continue
                record, score = parsed
                records.setdefault(record.external_id, record).scores.append(score)
        batch.models = list(records.values())
        return batch


def _row(
    row: dict[str, str], file_name: str, index: int, slug: str, column: str, fraction: bool, batch: Batch
) -> tuple[ModelRecord, ScoreRecord] | None:
    version_id = (row.get("Model version") or "").strip()
    entry = f"{file_name} row {index + 2}"
    if not version_id:
        batch.rejections.append(Rejection(entry=entry, field="Model version", message="missing"))
        return None
    raw_value = (row.get(column) or "").strip()
    if not raw_value:
        batch.skip("row without a score")
        return None
    try:
        value = Decimal(raw_value)
    except InvalidOperation:
        batch.rejections.append(
            Rejection(entry=f"{version_id} ({file_name})", field=column, message=f"not a number: {raw_value!r}")
        )
        return None
    if not value.is_finite() or value < 0 or (fraction and value > 1):
        batch.rejections.append(
            Rejection(entry=f"{version_id} ({file_name})", field=column, message=f"out of range: {raw_value!r}")
        )
        return None
    model_id, settings_label = run_settings(version_id)
    version = "ECI" if slug == "epoch-capabilities-index" else "Epoch AI harness"
    if settings_label:
        version += f", {settings_label}"
    started = (row.get("Started at") or "")[:10]
    try:
        measured_on = dt.date.fromisoformat(started) if started else None
    except ValueError:
        measured_on = None
    score = ScoreRecord(
        benchmark=slug,
        value=(value * HUNDRED).quantize(Decimal("0.0001")) if fraction else value.quantize(Decimal("0.0001")),
        self_reported=False,
        version=version,
        measured_on=measured_on,
        source_url=CREDIT_URL,
    )
    organization = (row.get("Organization") or "").split(",")[0].strip().lower()
    return (
        ModelRecord(
            external_id=version_id,
            match_id=model_id if model_id != version_id else "",
            lab_hint=ORGANIZATIONS.get(organization, ""),
        ),
        score,
    )


def run_settings(version_id: str) -> tuple[str, str]:
    """(the model's id, its run settings as a label) for an Epoch `Model version`: `o3-2025-04-16_high` ->
    ("o3-2025-04-16", "high reasoning effort"); `claude-opus-4-20250514_32K` -> (…, "32K thinking budget")."""
    model_id, efforts, budgets, thinking = version_id.strip(), [], [], False
    while match := SETTING_RE.search(model_id):
        if match["effort"]:
            efforts.append(match["effort"].lower())
        elif match["budget"] or match["budget_text"]:
            budgets.append((match["budget"] or match["budget_text"]).upper())
        else:
            thinking = True
        model_id = model_id[: match.start()]
    labels = [f"{effort} reasoning effort" for effort in reversed(efforts)]
    labels += [f"{budget} thinking budget" for budget in reversed(budgets)]
    if thinking and not budgets:
        labels.append("thinking")
    return model_id, ", ".join(labels)
