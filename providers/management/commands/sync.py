import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from providers.models import SyncPayload, SyncRun
from providers.sync.run import run_sync
from providers.sync.sources import REGISTRY


class Command(BaseCommand):
    help = "Run one source's sync (or every source with 'all'): read, normalize, upsert; print a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help=f"a source name ({', '.join(sorted(REGISTRY))}) or 'all'")
        parser.add_argument("--dry-run", action="store_true", help="do everything but keep nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
        parser.add_argument(
            "--replay", type=int, metavar="RUN_ID", help="re-apply the payload an earlier run of SOURCE kept"
        )

    def handle(self, *args: Any, source: str, dry_run: bool, json: bool, replay: int | None, **options: Any) -> None:
        if source != "all" and source not in REGISTRY:
            raise CommandError(f"unknown source {source!r}; choose one of: {', '.join(sorted(REGISTRY))}, all")
        if replay is not None:
            if source == "all":
                raise CommandError("--replay takes one source, not 'all'")
            if not SyncPayload.objects.filter(sync_run_id=replay, sync_run__source=source).exists():
                raise CommandError(f"run {replay} of {source} kept no payload (only network sources keep one)")
        # The registry's order: the curated files first, first-party feeds before aggregators.
        names = list(REGISTRY) if source == "all" else [source]
        # With --json, progress goes to stderr so that stdout is exactly one JSON object.
        progress = self.stderr.write if json else self.stdout.write
        runs = [run_sync(name, dry_run=dry_run, progress=progress, replay=replay) for name in names]

        if json:
            summary = (
                runs[0].summary()
                if source != "all"
                else {
                    "source": "all",
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
