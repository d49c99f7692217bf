"""``manage.py export_labelled_claims [--output FILE]``: editors' decisions as labelled examples.

Writes a JSON list of ``{"article", "paragraph", "sentence", "label", "phrase",
"origin": "editor"}`` entries (see :mod:`forecasts.drafting.examples`): claims
accepted onto published questions and sentences dismissed with a reason. The
claims corpus takes entries in this shape, so the detector's corpus grows from
real editing.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forecasts.drafting.examples import all_examples


class Command(BaseCommand):
    help = "Write accepted and dismissed claims as labelled examples (JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args, **options):
        examples = all_examples()
        text = json.dumps(examples, ensure_ascii=False, indent=1) + "\n"
        if not options["output"]:
            self.stdout.write(text, ending="")
            return
        path = Path(options["output"])
        if not path.parent.is_dir():
            raise CommandError(f"--output: the folder {path.parent} does not exist.")
        path.write_text(text, encoding="utf-8")
        labels = Counter(e["label"] for e in examples)
        counted = ", ".join(f"{labels[label]} {label}" for label in ("claim", "reported", "none"))
        self.stderr.write(f"Wrote {len(examples)} labelled example(s) ({counted}) to {path}.")
