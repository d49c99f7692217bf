"""``manage.py claims_quality``: how well the claim detector does on a labelled corpus.

Prints precision and recall of claim detection and the accuracy of the phrase
found, for the seed article, the other sentences and overall, as a table, then
the same figures as ONE JSON line (last), for scripts and CI logs.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from forecasts.drafting.evaluation import evaluate, load_corpus
from forecasts.drafting.lexicon import DEFAULT_SCALE, SCALES

DEFAULT_CORPUS = Path(settings.BASE_DIR) / "tests" / "claims_corpus.json"
FIGURES = (
    "n",
    "true_positives",
    "false_positives",
    "false_negatives",
    "precision",
    "recall",
    "f1",
    "phrase_accuracy",
    "phrase_n",
)


class Command(BaseCommand):
    help = "Precision, recall and phrase accuracy of claim detection on a labelled corpus."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="Labelled JSON list.")
        parser.add_argument("--scale", choices=list(SCALES), default=DEFAULT_SCALE)
        parser.add_argument(
            "--mistakes", action="store_true", help="List every sentence the detector got wrong."
        )

    def handle(self, *args, **options):
        corpus = _load(options["corpus"])
        report = evaluate(corpus, options["scale"])
        # The subsets first (seed, then the rest), the whole corpus last.
        order = [name for name in ("seed", "other") if name in report]
        order += [name for name in report if name not in {*order, "overall"}] + ["overall"]
        self.stdout.write(
            f"{'subset':8} {'n':>4} {'TP':>4} {'FP':>4} {'FN':>4} "
            f"{'precision':>9} {'recall':>7} {'F1':>6} {'phrase accuracy':>16}"
        )
        for name in order:
            f = report[name]
            phrase = (
                f"{f['phrase_accuracy']:.3f} ({f['phrase_n']})"
                if f["phrase_accuracy"] is not None
                else "—"
            )
            self.stdout.write(
                f"{name:8} {f['n']:4} {f['true_positives']:4} {f['false_positives']:4} "
                f"{f['false_negatives']:4} {f['precision']:9.3f} {f['recall']:7.3f} "
                f"{f['f1']:6.3f} {phrase:>16}"
            )
        if options["mistakes"]:
            for mistake in report["overall"]["mistakes"]:
                self.stdout.write(
                    f"  labelled {'claim' if mistake['expected'] else 'not a claim'}, "
                    f"found {mistake['found_phrase']!r} (label {mistake['expected_phrase']!r}): "
                    f"{mistake['sentence']}"
                )
        figures = {name: {k: report[name][k] for k in FIGURES} for name in order}
        self.stdout.write(
            json.dumps({"corpus": options["corpus"], "scale": options["scale"], **figures})
        )


def _load(path: str) -> list[dict]:
    try:
        corpus = load_corpus(path)
    except FileNotFoundError as error:
        raise CommandError(f"--corpus: no such file {path}.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"--corpus: {path} is not a JSON corpus ({error}).") from error
    required = {"sentence", "forward_looking"}
    if (
        not isinstance(corpus, list)
        or not corpus
        or not all(isinstance(entry, dict) and required <= set(entry) for entry in corpus)
    ):
        raise CommandError(
            f"--corpus: {path} must be a non-empty JSON list of objects with "
            "'sentence' and 'forward_looking' (and optionally 'source' and 'phrase')."
        )
    return corpus
