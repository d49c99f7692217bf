"""manage.py rescore: recompute stored scores, all of them or some questions'."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from forecasts.engine import rescoring
from forecasts.models import Question


class Command(BaseCommand):
    help = "Recompute stored scores: everything, or the questions given with --question."

    def add_arguments(self, parser):
        parser.add_argument(
            "--question",
            type=int,
            action="append",
            default=[],
            metavar="ID",
            help="Rescore only this question (repeat for several).",
        )
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Rescore the questions whose resolution changed after they were last scored.",
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Full rescore only: read every stored score back and compare, instead of "
            "trusting the stored digests (repairs rows changed outside the scorer).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        ids = list(options["question"])
        if options["stale"]:
            ids += list(Question.objects.needing_rescore().values_list("pk", flat=True))
        if options["question"]:
            missing = set(options["question"]) - set(
                Question.objects.filter(pk__in=options["question"]).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"No question with id {', '.join(map(str, sorted(missing)))}.")
        if options["verify"] and (ids or options["stale"]):
            raise CommandError("--verify applies to the full rescore only.")
        if ids or options["stale"]:
            for question_id in sorted(set(ids)):
                rescoring.rescore_question(question_id=question_id)
            self.stdout.write(
                f"Rescored {len(set(ids))} question(s) in {time.perf_counter() - started:.2f} s."
            )
            return
        summary = rescoring.rescore_all(verify=options["verify"])
        self.stdout.write(
            f"Rescored {summary['questions']:,} questions ({summary['forecasts']:,} forecasts): "
            f"{summary['question_scores_written']:,} of {summary['question_scores']:,} question "
            f"scores and {summary['scorecards_written']:,} of {summary['scorecards']:,} scorecards "
            f"written, in {time.perf_counter() - started:.2f} s."
        )
