"""manage.py demo_world: fill the ledger with clearly labelled synthetic forecasters."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from forecasts.demo.loader import make_world
from forecasts.demo.simulation import STYLES, WorldSpec
from forecasts.engine import rescoring


class Command(BaseCommand):
    help = (
        "Make synthetic authors with known styles (" + ", ".join(STYLES) + ") forecasting "
        "synthetic questions, resolve most of them, and score everything."
    )

    def add_arguments(self, parser):
        defaults = WorldSpec()
        parser.add_argument("--authors", type=int, default=defaults.authors)
        parser.add_argument("--questions", type=int, default=defaults.questions)
        parser.add_argument(
            "--forecasts", type=int, default=None, help="Target total (default 10 per question)."
        )
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the previous synthetic data first."
        )
        parser.add_argument(
            "--unresolved-fraction", type=float, default=defaults.unresolved_fraction
        )
        parser.add_argument("--annulled-fraction", type=float, default=defaults.annulled_fraction)
        parser.add_argument(
            "--multiple-choice-fraction", type=float, default=defaults.multiple_choice_fraction
        )
        parser.add_argument(
            "--updates",
            type=float,
            default=defaults.updates,
            help="Share of (author, question) pairs where the author updates 1-4 times.",
        )
        parser.add_argument("--hindsight-fraction", type=float, default=defaults.hindsight_fraction)
        parser.add_argument(
            "--quantity-fraction",
            type=float,
            default=defaults.quantity_fraction,
            help="Share of numeric and date questions (two numeric to one date).",
        )
        parser.add_argument(
            "--crowd-question",
            type=int,
            default=0,
            metavar="N",
            help="Add one question forecast by N authors.",
        )
        parser.add_argument(
            "--no-score", action="store_true", help="Do not compute the stored scores afterwards."
        )

    def handle(self, *args, **options):
        spec = WorldSpec(
            authors=options["authors"],
            questions=options["questions"],
            forecasts=options["forecasts"],
            seed=options["seed"],
            unresolved_fraction=options["unresolved_fraction"],
            annulled_fraction=options["annulled_fraction"],
            multiple_choice_fraction=options["multiple_choice_fraction"],
            updates=options["updates"],
            hindsight_fraction=options["hindsight_fraction"],
            quantity_fraction=options["quantity_fraction"],
            crowd_question_authors=options["crowd_question"],
        )
        try:
            made = make_world(spec, reset=options["reset"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if made["deleted"]:
            self.stdout.write(
                f"Deleted the previous synthetic world ({made['deleted'].get('forecasts', 0):,} "
                f"forecasts, {made['deleted'].get('questions', 0):,} questions)."
            )
        self.stdout.write(
            f"Made {made['authors']:,} synthetic authors and {made['questions']:,} questions "
            f"({made['resolved']:,} resolved, {made['unresolved']:,} unresolved, "
            f"{made['annulled']:,} annulled; {made['multiple_choice']:,} multiple-choice, "
            f"{made['numeric']:,} numeric, {made['date']:,} date) with "
            f"{made['forecasts']:,} forecasts ({made['hindsight_forecasts']:,} recorded after "
            f"the outcome was known) in {made['build_s'] + made['load_s']:.2f} s "
            f"(drawing {made['build_s']:.2f} s, writing {made['load_s']:.2f} s)."
        )
        if options["no_score"]:
            return
        started = time.perf_counter()
        summary = rescoring.rescore_all()
        self.stdout.write(
            f"Scored {summary['question_scores']:,} (author, question) pairs, "
            f"{summary['quantity_scores']:,} on numeric and date questions, and "
            f"{summary['scorecards']:,} scorecards in {time.perf_counter() - started:.2f} s."
        )
