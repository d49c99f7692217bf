"""``manage.py claims_quality``: how well the claim detector does on a labelled corpus.

Prints, for each subset of the corpus (the articles corpora: their ``tuning`` split,
file by file too when there are several, and the ``held-out`` split when a file
has one; the older list corpus: its sources) and overall, the counts,
precision, recall and phrase accuracy, each share with its 95% Wilson interval,
as a table, then the same figures as ONE JSON line (last), for scripts and CI
logs.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from forecasts.drafting.evaluation import (
    SECOND_LABELS,
    agreement,
    evaluate,
    lists_mistakes,
    load_corpus,
    second_labelling,
    shipped_corpus,
)
from forecasts.drafting.lexicon import DEFAULT_SCALE, SCALES
from forecasts.drafting.sentence_model import model_status

FIGURES = (
    "n",
    "true_positives",
    "false_positives",
    "false_negatives",
    "precision",
    "precision_95",
    "recall",
    "recall_95",
    "f1",
    "phrase_accuracy",
    "phrase_95",
    "phrase_n",
)


class Command(BaseCommand):
    help = "Precision, recall and phrase accuracy of claim detection on a labelled corpus."

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            nargs="+",
            default=None,
            help="Labelled JSON corpus file(s); default: the articles corpus, then every other "
            "JSON file beside it (the fresh articles, a held-out part when present).",
        )
        parser.add_argument("--scale", choices=list(SCALES), default=DEFAULT_SCALE)
        parser.add_argument(
            "--mistakes",
            action="store_true",
            help="List every sentence the detector got wrong, except in the held-out split.",
        )
        parser.add_argument(
            "--agreement",
            action="store_true",
            help="Instead of the detector's figures, how far two labellers agree on each corpus "
            "file labelled twice (corpus/second/).",
        )
        parser.add_argument(
            "--rules-only",
            action="store_true",
            help="Measure the rules alone, without the sentence model's second opinion.",
        )
        parser.add_argument(
            "--held-out-mistakes",
            action="store_true",
            help="Also list the held-out mistakes (for reporting; never tune on them).",
        )

    def handle(self, *args, **options):
        if options["agreement"]:
            self._agreement()
            return
        paths = [str(p) for p in options["corpus"] or shipped_corpus()]
        corpus = _load(paths)
        with_model = not options["rules_only"] and model_status().on
        report = evaluate(corpus, options["scale"], sentence_model=with_model)
        detector = (
            f"the rules and the sentence model: {model_status().line} (the tuning split "
            f"is the model's training data; the held-out split is new to both)"
            if with_model
            else f"the rules alone (sentence model: {model_status().line})"
            if not options["rules_only"]
            else "the rules alone (--rules-only)"
        )
        self.stdout.write(f"detector: {detector}")
        self.stdout.write(
            f"{'subset':16} {'n':>4} {'TP':>4} {'FP':>4} {'FN':>4} "
            f"{'precision (95%)':>22} {'recall (95%)':>22} {'phrase accuracy (95%)':>28}"
        )
        for name, f in report.items():
            self.stdout.write(
                f"{name:16} {f['n']:4} {f['true_positives']:4} {f['false_positives']:4} "
                f"{f['false_negatives']:4} {_share(f['precision'], f['precision_95']):>22} "
                f"{_share(f['recall'], f['recall_95']):>22} "
                f"{_share(f['phrase_accuracy'], f['phrase_95'], f['phrase_n']):>28}"
            )
        if options["mistakes"] or options["held_out_mistakes"]:
            self._mistakes(report, with_held_out=options["held_out_mistakes"])
        figures = {name: {k: report[name][k] for k in FIGURES} for name in report}
        self.stdout.write(
            json.dumps(
                {
                    "corpus": ", ".join(paths),
                    "scale": options["scale"],
                    "sentence_model": with_model,
                    **figures,
                }
            )
        )

    def _agreement(self) -> None:
        for path in sorted(SECOND_LABELS.glob("*.json")):
            a = agreement(*second_labelling(path.name))
            first, second, both = a["claims"]
            self.stdout.write(
                f"{path.name}: {a['n']} sentences, labels agree on {a['agreement']:.3f} "
                f"(kappa {a['kappa']:.3f}); claims {first} and {second}, {both} in common "
                f"(precision {a['claim_precision']:.3f}, recall {a['claim_recall']:.3f} of the "
                f"second against the first); phrases agree on {a['phrase_agreement']:.3f} "
                f"of {a['phrase_n']}"
            )

    def _mistakes(self, report: dict, *, with_held_out: bool) -> None:
        for name, figures in report.items():
            if not lists_mistakes(name, with_held_out=with_held_out):
                continue
            for m in figures["mistakes"]:
                got = (
                    f"found {m['found_phrase']!r}" if m["predicted"] else f"read as {m['verdict']}"
                )
                self.stdout.write(
                    f"  [{name}] labelled {m['label']} (phrase {m['phrase']!r}), {got} "
                    f"({m['why']}): {m['sentence']}"
                )


def _share(value: float | None, interval: tuple[float, float] | None, n: int | None = None) -> str:
    if value is None or interval is None:
        return "—"
    count = f" of {n}" if n is not None else ""
    return f"{value:.3f} ({interval[0]:.2f}–{interval[1]:.2f}){count}"


def _load(paths: list[str]) -> list[dict]:
    path = ", ".join(paths)
    try:
        return load_corpus(*paths)
    except FileNotFoundError as error:
        raise CommandError(f"--corpus: no such file {error.filename}.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"--corpus: {path} is not a JSON corpus ({error}).") from error
    except (ValueError, KeyError, TypeError) as error:
        raise CommandError(
            f"--corpus: {path} must be the articles corpus ({{'articles': [...], "
            f"'entries': [...]}}) or a non-empty JSON list of objects with 'sentence' and "
            f"'forward_looking' ({error})."
        ) from error
