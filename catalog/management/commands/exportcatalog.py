import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.export import iter_export_json


class Command(BaseCommand):
    help = "Write the whole catalog as JSON in the versioned export format (docs/export-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        if not output or output == "-":
            for piece in iter_export_json():
                sys.stdout.write(piece)
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"cannot write {path}: directory {path.parent} does not exist")
        partial = path.with_name(path.name + ".partial")
        models = 0
        with partial.open("w", encoding="utf-8") as handle:
            for piece in iter_export_json():
                handle.write(piece)
                models += piece.startswith((",\n{", "\n{"))
        partial.replace(path)  # a reader never sees half a file
        self.stderr.write(f"wrote {models} models to {path}")
