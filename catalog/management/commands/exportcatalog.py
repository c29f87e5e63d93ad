import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.pages.export import iter_export_csv, iter_export_json


class Command(BaseCommand):
    help = "Write the whole catalog as JSON in the versioned export format (docs/export-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument(
            "--format",
            choices=["json", "csv"],
            default="json",
            help="json: the export format (docs/export-format.md); csv: one row per current price",
        )

    def handle(self, *args: Any, output: str | None, format: str, **options: Any) -> None:
        pieces = iter_export_csv if format == "csv" else iter_export_json
        if not output or output == "-":
            for piece in pieces():
                sys.stdout.write(piece)
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"cannot write {path}: directory {path.parent} does not exist")
        partial = path.with_name(path.name + ".partial")
        count = 0
        with partial.open("w", encoding="utf-8", newline="") as handle:
            for piece in pieces():
                handle.write(piece)
                count += piece.startswith((",\n{", "\n{")) if format == "json" else 1
        partial.replace(path)  # a reader never sees half a file
        what = "models" if format == "json" else "rows (one per price, with the header)"
        self.stderr.write(f"wrote {count} {what} to {path}")
