"""``manage.py import_records PATH``: load public track records, then rescore.

The file is a JSON list of graded predictions in the format of
``fixtures/records/public_records.json`` (see ``docs/records.md``). Every row is
checked first; a file with a bad row is refused whole, naming the row and field.
Rows already imported are left alone, so a second run writes nothing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forecasts.engine import rescoring
from forecasts.transfer.records import RecordsRefused, import_records


class Command(BaseCommand):
    help = "Import graded prediction lists (JSON) as authors, sources, questions and forecasts."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file, e.g. fixtures/records/public_records.json")

    def handle(self, *args, **options):
        started = time.perf_counter()
        path = Path(options["path"])
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not JSON: {error}") from None
        try:
            report = import_records(rows)
        except RecordsRefused as refused:
            problems = "\n".join(f"  {error}" for error in refused.errors)
            raise CommandError(f"{path}: {refused}\n{problems}") from None
        self.stdout.write(report.summary())
        if report.question_ids:
            rescoring.rescore_all()
            self.stdout.write("Stored scores brought up to date.")
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f}s.")
