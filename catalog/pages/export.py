"""The catalog as JSON in the versioned export format (docs/export-format.md, docs/export-format.schema.json).

Streamed: models are read in chunks with their routes, prices and scores prefetched, and each is written as it is
read, so memory stays flat however large the catalog is.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from benchmarks.selectors import scores_for_export
from catalog.models import LanguageModel
from providers.selectors import offerings_for_export

FORMAT_VERSION = "1.0"
CHUNK_SIZE = 200


def export_models() -> Iterator[LanguageModel]:
    return (
        LanguageModel.objects.select_related("lab", "successor")
        .prefetch_related(
            "input_modalities",
            "output_modalities",
            "capabilities",
            "aliases",
            offerings_for_export(),
            scores_for_export(),
        )
        .order_by("slug")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: dt.datetime) -> str:
    """A moment in UTC as the API writes it: ISO 8601 ending in `Z` (2024-07-18T00:00:00Z)."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def model_document(model: LanguageModel) -> dict[str, Any]:
    return {
        "slug": model.slug,
        "name": model.name,
        "lab": model.lab.slug,
        "family": model.family or None,
        "release_date": _date(model.release_date),
        "knowledge_cutoff": model.knowledge_cutoff or None,
        "context_window": model.context_window,
        "max_output_tokens": model.max_output_tokens,
        "input_modalities": sorted(m.slug for m in model.input_modalities.all()),
        "output_modalities": sorted(m.slug for m in model.output_modalities.all()),
        "capabilities": sorted(c.slug for c in model.capabilities.all()),
        "open_weights": model.open_weights,
        "license": model.license or None,
        "status": model.status,
        "deprecation_date": _date(model.deprecation_date),
        "retirement_date": _date(model.retirement_date),
        "successor": model.successor.slug if model.successor else None,
        "aliases": [{"source": a.source, "id": a.external_id} for a in model.aliases.all()],
        "offerings": [
            {
                "provider": offering.provider.slug,
                "provider_model_id": offering.provider_model_id,
                "region": offering.region or None,
                "quantization": offering.quantization or None,
                "route_type": offering.route_type,
                "status": offering.status,
                "context_window": offering.context_window,
                "max_output_tokens": offering.max_output_tokens,
                "prices": [
                    {
                        "component": price.component,
                        "unit": price.unit,
                        "usd": f"{price.usd.normalize():f}",
                        "tier_min_tokens": price.tier_min_tokens or None,
                        "service_tier": price.service_tier,
                        "effective_from": _moment(price.effective_from),
                        "source": price.source,
                        "source_name": price.source_name or None,
                        "source_url": price.source_url or None,
                        "verified_at": price.verified_on.isoformat(),
                        "published": price.published or None,
                    }
                    for price in offering.current_prices
                ],
            }
            for offering in model.export_offerings
        ],
        "scores": [
            {
                "benchmark": score.benchmark.slug,
                "value": f"{score.value.normalize():f}",
                "version": score.version or None,
                "date": _date(score.measured_on),
                "source_url": score.source_url or None,
                "self_reported": score.self_reported,
            }
            for score in model.export_scores
        ],
    }


def iter_export_json(*, generated_at: dt.datetime | None = None) -> Iterator[str]:
    """The export document in pieces; joined, they are one JSON object."""
    generated_at = generated_at or timezone.now()
    header = json.dumps({"format_version": FORMAT_VERSION, "generated_at": _moment(generated_at)})
    yield header[:-1] + ', "models": ['  # the header object, left open for the list of models
    for index, model in enumerate(export_models()):
        yield ("," if index else "") + "\n" + json.dumps(model_document(model), ensure_ascii=False)
    yield "\n]}\n"


# The CSV export: one row per current price, these columns.
EXPORT_CSV_COLUMNS = (
    "model",
    "provider",
    "provider_model_id",
    "region",
    "quantization",
    "component",
    "unit",
    "usd",
    "tier_min_tokens",
    "service_tier",
    "effective_from",
    "source",
    "source_url",
    "verified_at",
)


# A cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+`, `-`, `@`, or a tab/return before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: object) -> object:
    """Text from a source, made inert for spreadsheets: a leading apostrophe, which they read as "this is text".
    Only such cells change (ids like `@cf/meta/llama-3-8b` among them); the numbers written here never start so."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write() returns the line, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def iter_export_csv() -> Iterator[str]:
    """One row per current price, models by slug, in the export's order (catalog.pages.export.export_models)."""
    writer = csv.writer(_Line())
    yield writer.writerow(EXPORT_CSV_COLUMNS)
    for model in export_models():
        for offering in model.export_offerings:
            for price in offering.current_prices:
                yield writer.writerow(
                    inert_cell(cell)
                    for cell in (
                        model.slug,
                        offering.provider.slug,
                        offering.provider_model_id,
                        offering.region,
                        offering.quantization,
                        price.component,
                        price.unit,
                        f"{price.usd.normalize():f}",
                        price.tier_min_tokens or "",
                        price.service_tier,
                        _moment(price.effective_from),
                        price.source,
                        price.source_url,
                        price.verified_on.isoformat(),
                    )
                )
