"""manage.py rescore: recompute stored scores, all of them or some questions'."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from forecasts import tasks
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

        parser.add_argument(
            "--parallel",
            type=int,
            metavar="N",
            help="Full rescore only: queue it as chunk tasks for N or more Celery workers "
            "(same broker and database) and wait for their merge.",
        )
        parser.add_argument(
            "--chunk-questions",
            type=int,
            metavar="N",
            help="Full rescore: questions per chunk (default: the engine's; smaller uses "
            "less memory).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=3600.0,
            help="With --parallel: seconds to wait for the merge (default 3600).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["parallel"] is not None:
            if options["question"] or options["stale"]:
                raise CommandError("--parallel applies to the full rescore only.")
            if options["parallel"] < 1:
                raise CommandError("--parallel must be at least 1.")
            self._parallel(options, started)
            return
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
        size = options["chunk_questions"]
        chunk = {"chunk_questions": size} if size else {}
        summary = rescoring.rescore_all(verify=options["verify"], **chunk)
        self._report(summary, started)

    def _parallel(self, options, started: float) -> None:
        run = tasks.start_parallel_rescore(
            parallel=options["parallel"],
            verify=options["verify"],
            chunk_questions=options["chunk_questions"],
        )
        self.stdout.write(f"Queued rescore {run.pk} as {run.n_chunks} chunk task(s); waiting…")
        deadline = time.monotonic() + options["timeout"]
        while True:
            run.refresh_from_db(fields=["finished_at", "summary"])
            if run.finished_at is not None:
                break
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Rescore {run.pk} not merged after {options['timeout']:.0f} s: are workers "
                    "running on this broker? Its chunks stay queued; the merge follows them."
                )
            time.sleep(0.2)
        self._report(run.summary, started)

    def _report(self, summary: dict, started: float) -> None:
        self.stdout.write(
            f"Rescored {summary['questions']:,} questions ({summary['forecasts']:,} forecasts): "
            f"{summary['question_scores_written']:,} of {summary['question_scores']:,} question "
            f"scores, {summary['quantity_scores_written']:,} of {summary['quantity_scores']:,} "
            f"numeric scores and {summary['scorecards_written']:,} of {summary['scorecards']:,} "
            f"scorecards written, in {time.perf_counter() - started:.2f} s."
        )
