import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from providers.models import SyncPayload, SyncRun
from providers.sync.run import run_sync
from providers.sync.snapshots import FILE_SOURCES, newest_source_date, shipped_snapshots
from providers.sync.sources import REGISTRY
from providers.sync.sources.feed import date_in_name


class Command(BaseCommand):
    help = "Run one source's sync (or every source with 'all'): read, normalize, upsert; print a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source",
            help=f"a source name ({', '.join(sorted(REGISTRY))}), 'all', or 'snapshots' (replay data/snapshots/)",
        )
        parser.add_argument("--dry-run", action="store_true", help="do everything but keep nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
        parser.add_argument(
            "--replay", type=int, metavar="RUN_ID", help="re-apply the payload an earlier run of SOURCE kept"
        )
        parser.add_argument(
            "--from-file",
            type=Path,
            metavar="PATH",
            help="read a saved copy of SOURCE (its API's JSON body; Epoch: a zip or folder of CSVs) instead of the web",
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="with --from-file: the file's date, which its prices are verified on (default today)",
        )
        parser.add_argument(
            "--older",
            action="store_true",
            help="with --from-file: apply a file older than what SOURCE last stated (it closes the newer prices)",
        )

    def handle(
        self,
        *args: Any,
        source: str,
        dry_run: bool,
        json: bool,
        replay: int | None,
        from_file: Path | None,
        as_of: dt.date | None,
        older: bool = False,
        **options: Any,
    ) -> None:
        if source not in (*REGISTRY, "all", "snapshots"):
            raise CommandError(
                f"unknown source {source!r}; choose one of: {', '.join(sorted(REGISTRY))}, all, snapshots"
            )
        if as_of is not None and from_file is None:
            raise CommandError("--as-of dates a file: give --from-file too")
        if from_file is not None:
            if source not in FILE_SOURCES:
                raise CommandError(f"--from-file takes one of: {', '.join(FILE_SOURCES)}")
            if replay is not None:
                raise CommandError("--from-file and --replay are two ways to read: choose one")
            if not from_file.exists():
                raise CommandError(f"{from_file}: no such file")
            stated = as_of or date_in_name(from_file.name) or timezone.now().date()
            if (newer := newest_source_date(source)) is not None and newer > stated and not older:
                raise CommandError(
                    f"{source} last stated its figures as of {newer}; {from_file.name} is as of {stated}, so applying "
                    "it would close the newer prices and retire routes added since. Add --older to apply it anyway."
                )
        if replay is not None:
            if source == "all":
                raise CommandError("--replay takes one source, not 'all'")
            if not SyncPayload.objects.filter(sync_run_id=replay, sync_run__source=source).exists():
                raise CommandError(f"run {replay} of {source} kept no payload (only network sources keep one)")
        # With --json, progress goes to stderr so that stdout is exactly one JSON object.
        progress = self.stderr.write if json else self.stdout.write
        if source == "snapshots":
            try:
                snapshots = shipped_snapshots()
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"the snapshot manifest: {exc}") from None
            runs = []
            for snap in snapshots:
                if reason := snap.why_skipped():
                    progress(f"[{snap.source}] not replayed: {reason}")
                    continue
                runs.append(
                    run_sync(
                        snap.source,
                        dry_run=dry_run,
                        progress=progress,
                        from_file=snap.path,
                        as_of=snap.as_of,
                        triggered_by=snap.tag,
                    )
                )
        else:
            # The registry's order: the curated files first, first-party feeds before aggregators.
            names = list(REGISTRY) if source == "all" else [source]
            runs = [
                run_sync(
                    name,
                    dry_run=dry_run,
                    progress=progress,
                    replay=replay,
                    from_file=from_file,
                    as_of=as_of,
                    triggered_by=f"file {from_file.name}"[:150] if from_file else "command",
                )
                for name in names
            ]

        if json:
            summary = (
                runs[0].summary()
                if source not in ("all", "snapshots")
                else {
                    "source": source,
                    "status": "failed" if any(r.status == SyncRun.Status.FAILED for r in runs) else "succeeded",
                    **{
                        key: sum(getattr(r, key) for r in runs)
                        for key in ("created", "updated", "unchanged", "rejected")
                    },
                    "runs": [r.summary() for r in runs],
                }
            )
            self.stdout.write(_json_dumps(summary))
        else:
            for run in runs:
                self._print_run(run)
        failed = [run.source for run in runs if run.status == SyncRun.Status.FAILED]
        if failed:
            raise CommandError(f"sync failed: {', '.join(failed)}")

    def _print_run(self, run: SyncRun) -> None:
        style = self.style.SUCCESS if run.status == SyncRun.Status.SUCCEEDED else self.style.ERROR
        seconds = run.duration.total_seconds() if run.duration else 0.0
        self.stdout.write(
            style(
                f"[{run.source}] {run.status}{' (dry run)' if run.dry_run else ''} in {seconds:.1f}s: "
                f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, {run.rejected} rejected"
            )
        )
        for kind, counts in run.counts.items():
            shown = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
            self.stdout.write(f"  {kind}: {shown}")
        for rejection in run.rejections:
            where = f"{rejection['file']}: " if rejection.get("file") else ""
            self.stdout.write(
                self.style.WARNING(
                    f"  rejected {where}{rejection['entry']}: {rejection['field']}: {rejection['message']}"
                )
            )
        for reason, count in {**run.skipped, **run.partial_failures}.items():
            self.stdout.write(f"  skipped {count}: {reason}")
        for note in run.notes:
            self.stdout.write(self.style.WARNING(f"  note: {note}"))
        if run.error:
            self.stdout.write(self.style.ERROR(f"  error: {run.error}"))


def _json_dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)
