import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from catalog.pages.stats import catalog_counts


class Command(BaseCommand):
    help = "Print how many labs, models, providers, offerings, prices, benchmarks and scores the catalog holds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")

    def handle(self, *args: Any, json: bool, **options: Any) -> None:
        counts = catalog_counts()
        if json:
            self.stdout.write(_dumps(counts))
            return
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"{name:<{width}}  {count:>8,}")


def _dumps(value: object) -> str:
    return json.dumps(value)
