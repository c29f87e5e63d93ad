"""Dated files of a source, fed through the same pipeline as a live read (`sync SOURCE --from-file PATH --as-of DATE`,
`sync snapshots`): the file stands in for the adapter's answer, and its date for "today", so every price it states
is verified on the day the file was published.

`data/snapshots/snapshots.toml` lists the files the project ships (the offline first-run catalog) in the order they
are replayed; `data/snapshots/README.md` names each one's source, license and date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from django.conf import settings
from django.db.models import Max

from providers.models import SyncRun
from providers.sync.sources.epoch import FILES as EPOCH_FILES
from providers.sync.sources.http import SourceFormatError
from providers.sync.sources.openrouter import OpenRouterSource

MANIFEST = "snapshots.toml"
# The sources a file can stand in for (Vercel's and METR's are not shipped: METR's file states no license).
FILE_SOURCES = ("openrouter", "modelsdev", "litellm", "vercel", "epoch", "metr")


@dataclass(frozen=True)
class Snapshot:
    source: str
    path: Path
    as_of: dt.date

    @property
    def tag(self) -> str:
        """What its run records as `triggered_by`, so a replay of the same file is recognised."""
        return f"snapshot {self.path.name} as of {self.as_of}"[:150]

    def why_skipped(self) -> str:
        """Why this file must not be replayed now, or "": the source has been read live (a snapshot would set its
        prices back to an older date), or this very file has already been replayed."""
        runs = SyncRun.objects.filter(source=self.source, status=SyncRun.Status.SUCCEEDED, dry_run=False)
        if runs.filter(triggered_by=self.tag).exists():
            return f"{self.path.name} (as of {self.as_of}) was already replayed"
        if runs.exclude(triggered_by__startswith="snapshot ").exclude(triggered_by__startswith="file ").exists():
            return f"{self.source} has been read from its live source: its snapshot of {self.as_of} is older"
        return ""


def newest_source_date(source: str) -> dt.date | None:
    """The latest date a kept run of `source` stated its figures on (None before any)."""
    runs = SyncRun.objects.filter(source=source, status=SyncRun.Status.SUCCEEDED, dry_run=False)
    return runs.aggregate(newest=Max("source_date"))["newest"]


def snapshots_dir() -> Path:
    return Path(settings.SNAPSHOTS_DIR)


def shipped_snapshots(root: Path | None = None) -> list[Snapshot]:
    """The files the manifest lists, in its order; a listed file that is missing is an error, not a skip."""
    root = root or snapshots_dir()
    manifest = root / MANIFEST
    if not manifest.exists():
        return []
    entries = tomllib.loads(manifest.read_text()).get("snapshot", [])
    found = []
    for entry in entries:
        path = root / str(entry["file"])
        if not path.exists():
            raise FileNotFoundError(f"{manifest}: {path.name} is listed but missing")
        as_of = entry["as_of"]
        found.append(
            Snapshot(str(entry["source"]), path, as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of))
        )
    return found


def read_file(source: str, path: Path) -> Any:
    """What the source's adapter would have returned, read from a file (or, for Epoch, a zip or a folder of CSVs)."""
    if source not in FILE_SOURCES:
        raise SourceFormatError(f"{source} has no file form; files can stand in for: {', '.join(FILE_SOURCES)}")
    if not path.exists():
        raise SourceFormatError(f"{path}: no such file")
    if source == "epoch":
        return _epoch(path)
    if source == "metr":
        try:
            return yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            raise SourceFormatError(f"{path}: not valid YAML ({exc})") from None
    try:
        body = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceFormatError(f"{path}: not JSON ({exc})") from None
    if source == "openrouter":
        # The models list as `GET /models` answers it; the per-model endpoints are not in a file, so each model
        # keeps its model-level data (OpenRouter's own route) and no provider routes.
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SourceFormatError(f"{path}: expected an object with a 'data' list (GET /models)")
        return {"models": body["data"], "endpoints": {}, "base_url": OpenRouterSource().base_url}
    return body


def _epoch(path: Path) -> dict[str, Any]:
    texts: dict[str, str] = {}
    others: list[str] = []
    if path.is_dir():
        members = {child.name: child.read_bytes() for child in sorted(path.iterdir()) if child.suffix == ".csv"}
    else:
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise SourceFormatError(f"{path}: not a zip file or a folder of CSV files ({exc})") from None
        members = {PurePosixPath(name).name: archive.read(name) for name in archive.namelist()}
    for name, body in members.items():
        if name in EPOCH_FILES:
            texts[name] = body.decode("utf-8-sig")
        elif name.endswith(".csv"):
            others.append(name)
    if not texts:
        raise SourceFormatError(f"{path}: none of the expected files ({', '.join(sorted(EPOCH_FILES))})")
    return {
        "files": {name: list(csv.DictReader(io.StringIO(text))) for name, text in texts.items()},
        "other_files": sorted(others),
    }


__all__ = ["FILE_SOURCES", "Snapshot", "read_file", "shipped_snapshots", "snapshots_dir"]
