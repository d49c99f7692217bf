"""Stored scores: the set-based rescoring services against the pure library."""

import math
import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone

from forecasts import ledger
from forecasts.engine import card_totals, rescoring
from forecasts.models import (
    Forecast,
    Question,
    QuestionScore,
    Resolution,
    Scorecard,
    ScoresDigest,
)
from tests import builders
from tests.builders.random_ledgers import expected_cards, expected_rows, random_ledger

ROW_FIGURES = (
    "brier",
    "brier_final",
    "log_loss",
    "crowd_brier",
    "relative_brier",
    "crowd_size",
    "final_probability",
    "baseline",
    "peer",
)
CARD_FIGURES = (
    "brier",
    "brier_low",
    "brier_high",
    "brier_0_2",
    "skill",
    "brier_final",
    "log_loss",
    "relative_brier",
    "crowd_size",
    *(f"{name}{end}" for name in ("baseline", "peer") for end in ("", "_low", "_high")),
)
CARD_COUNTS = (
    "n_scored",
    "n_resolved",
    "n_annulled",
    "n_pending",
    "n_hindsight",
    "n_retrospective",
    "n_better_than_coin",
    "n_crowd_compared",
    "n_baseline",
    "n_peer",
)


def close(a, b, tolerance=1e-9) -> bool:
    """Within ``tolerance``, relative beyond 1 (Baseline and Peer run to the hundreds)."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=tolerance * max(1.0, abs(b)))


def assert_same_structure(actual, expected, where: str) -> None:
    """Calibration tables and Murphy terms: equal counts, numbers within 1e-9."""
    if isinstance(expected, dict):
        assert set(actual) == set(expected), where
        for key in expected:
            assert_same_structure(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same_structure(a, e, f"{where}[{i}]")
    elif isinstance(expected, int) and not isinstance(expected, bool):
        assert actual == expected, where
    else:
        assert close(actual, expected), f"{where}: {actual} != {expected}"


def stored_rows() -> dict:
    return {(s.author_id, s.question_id): s for s in QuestionScore.objects.all()}


def stored_cards() -> dict:
    return {(c.author_id, c.tag_id): c for c in Scorecard.objects.all()}


def assert_matches_library(legacy: frozenset = frozenset()) -> None:
    """Every stored figure equals the pure library's, worked out pair by pair.

    Cards in ``legacy`` (keys of cards stored without totals) have no
    calibration table or Murphy terms to derive: they must read as empty.
    """
    rows, stored = expected_rows(), stored_rows()
    assert set(stored) == set(rows)
    for key, row in rows.items():
        score = stored[key]
        assert score.excluded_reason == row["excluded"], key
        assert score.n_hindsight == row["n_hindsight"], key
        assert score.n_retrospective == row["n_retrospective"], key
        assert sorted(score.tag_ids) == row["tags"], key
        if row["excluded"] == "":
            assert score.n_forecasts == row["n_forecasts"], key
            assert score.n_days == row["n_days"], key
            for name in ROW_FIGURES:
                assert close(getattr(score, name), row[name]), (key, name)
        else:
            assert score.brier is None and score.brier_final is None, key
    cards, stored = expected_cards(rows), stored_cards()
    assert set(stored) == set(cards)
    for key, card in cards.items():
        actual = stored[key]
        for name in CARD_COUNTS:
            assert getattr(actual, name) == card[name], (key, name)
        for name in CARD_FIGURES:
            assert close(getattr(actual, name), card[name]), (key, name)
        (calibration,), (murphy,) = card_totals.stored_binned_figures([actual.totals])
        if key in legacy:
            assert (calibration, murphy) == ([], {}), key
            continue
        assert_same_structure(calibration, card["calibration"], f"{key} calibration")
        assert_same_structure(murphy, card["murphy"], f"{key} murphy")


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_it_agrees_with_the_pure_library_on_random_ledgers(seed):
    random_ledger(seed)
    summary = rescoring.rescore_all()
    assert summary["question_scores"] == QuestionScore.objects.count() > 30
    assert QuestionScore.objects.filter(excluded_reason="hindsight").exists() or seed != 1
    assert_matches_library()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_it_agrees_with_the_pure_library_on_crowded_questions(seed):
    random_ledger(seed, n_authors=16, n_questions=6)  # crowds above the small-group path
    rescoring.rescore_all()
    assert QuestionScore.objects.values("question").annotate(n=Count("id")).filter(n__gt=9)
    assert_matches_library()


@pytest.mark.django_db
def test_it_gives_the_same_rows_when_run_twice():
    random_ledger(7)
    rescoring.rescore_all()
    first = {k: _fields(v) for k, v in stored_rows().items()}
    cards = {k: _fields(v) for k, v in stored_cards().items()}
    rescoring.rescore_all()
    assert {k: _fields(v) for k, v in stored_rows().items()} == first
    assert {k: _fields(v) for k, v in stored_cards().items()} == cards


def _fields(obj) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in ("id", "computed_at")
    }


@pytest.mark.django_db
def test_it_sets_scored_at_to_when_the_rescore_started():
    random_ledger(8)
    moment = datetime(2026, 1, 5, 12, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        rescoring.rescore_all()
    settled = Question.objects.exclude(resolution_changed_at=None)
    assert settled.exists()
    assert set(settled.values_list("scores_digest__scored_at", flat=True)) == {moment}
    assert not Question.objects.needing_rescore().exists()


def _resolved_binary_question() -> Question:
    return (
        Question.objects.filter(kind="binary", state="resolved", scores__excluded_reason="")
        .distinct()
        .order_by("pk")
        .first()
    )


@pytest.mark.django_db
def test_it_rescores_only_the_question_and_its_authors_scorecards(resolver):
    random_ledger(9)
    rescoring.rescore_all()
    question = _resolved_binary_question()
    before_rows, before_cards = stored_rows(), stored_cards()
    authors = set(question.scores.values_list("author_id", flat=True))
    tags = {None, *question.tags.values_list("pk", flat=True)}
    builders.correct(  # flips the outcome
        question,
        reason="The first report was wrong.",
        evidence_note="Corrected source.",
        by=resolver,
    )
    rescoring.rescore_question(question_id=question.pk)
    after_rows, after_cards = stored_rows(), stored_cards()
    for key, row in after_rows.items():
        if key[1] != question.pk:
            assert row.computed_at == before_rows[key].computed_at, key
            assert _fields(row) == _fields(before_rows[key]), key
    changed = {k for k, c in after_cards.items() if c.computed_at != before_cards[k].computed_at}
    assert changed == {(a, t) for a, t in after_cards if a in authors and t in tags}
    assert_matches_library()  # the updated totals give what a full rescore gives


@pytest.mark.django_db
def test_it_changes_scores_when_a_resolution_is_corrected(author, question, resolver, source):
    with time_machine.travel(datetime(2024, 11, 20, tzinfo=UTC)):
        builders.forecast(
            question,
            author,
            source=source,
            stated_at=datetime(2024, 11, 12, tzinfo=UTC),
            probability=0.8,
        )
    with time_machine.travel(datetime(2025, 7, 10, tzinfo=UTC)):
        builders.resolve(
            question,
            "yes",
            known_at=datetime(2025, 7, 5, tzinfo=UTC),
            evidence_note="Reported.",
            by=resolver,
        )
        rescoring.rescore_question(question_id=question.pk)
        score = QuestionScore.objects.get(question=question)
        assert score.brier == pytest.approx(0.04) and score.final_probability == pytest.approx(0.8)
        ledger.resolution_correct(
            question=question,
            outcome="no",
            outcome_known_at=datetime(2025, 7, 5, tzinfo=UTC),
            reason="Misreported.",
            by=resolver,
        )
        assert Question.objects.needing_rescore().filter(pk=question.pk).exists()
        rescoring.rescore_question(question_id=question.pk)
    score = QuestionScore.objects.get(question=question)
    assert score.brier == pytest.approx(0.64)
    assert score.resolution == question.resolutions.get(is_current=True)
    card = Scorecard.objects.get(author=author, tag=None)
    assert (card.n_scored, card.brier, card.n_better_than_coin) == (1, pytest.approx(0.64), 0)
    assert not Question.objects.needing_rescore().exists()


@pytest.mark.django_db
def test_it_leaves_annulled_questions_out(author, question, resolver, source):
    with time_machine.travel(datetime(2024, 11, 20, tzinfo=UTC)):
        builders.forecast(
            question,
            author,
            source=source,
            stated_at=datetime(2024, 11, 12, tzinfo=UTC),
            probability=0.1,
        )
    with time_machine.travel(datetime(2025, 7, 10, tzinfo=UTC)):
        builders.annul(question, reason="Ambiguous wording.", by=resolver)
        rescoring.rescore_question(question_id=question.pk)
    score = QuestionScore.objects.get(question=question)
    assert (score.excluded_reason, score.brier) == ("annulled", None)
    assert not QuestionScore.objects.counted().exists()
    card = Scorecard.objects.get(author=author, tag=None)
    assert (card.n_scored, card.n_annulled, card.n_resolved, card.brier) == (0, 1, 0, None)


@pytest.mark.django_db
def test_it_ignores_forecasts_recorded_after_the_outcome_was_known(
    author, question, resolver, source
):
    with time_machine.travel(datetime(2024, 11, 20, tzinfo=UTC)):
        builders.forecast(
            question,
            author,
            source=source,
            stated_at=datetime(2024, 11, 12, tzinfo=UTC),
            probability=0.6,
        )
    with time_machine.travel(datetime(2025, 7, 10, tzinfo=UTC)):
        builders.resolve(
            question,
            "yes",
            known_at=datetime(2025, 7, 5, tzinfo=UTC),
            evidence_note="Reported.",
            by=resolver,
        )
        # Entered after the outcome was known, though said before: hindsight, never scored.
        builders.forecast(
            question,
            author,
            source=source,
            stated_at=datetime(2025, 6, 1, tzinfo=UTC),
            probability=0.99,
        )
        rescoring.rescore_all()
    score = QuestionScore.objects.get(question=question)
    assert (score.excluded_reason, score.n_forecasts, score.n_hindsight) == ("", 1, 1)
    assert score.brier == pytest.approx(0.16) and score.final_probability == pytest.approx(0.6)
    card = Scorecard.objects.get(author=author, tag=None)
    assert (card.n_scored, card.n_hindsight) == (1, 1)


@pytest.mark.django_db
def test_it_marks_a_record_made_only_of_hindsight(author, question, resolver, source):
    with time_machine.travel(datetime(2025, 7, 10, tzinfo=UTC)):
        builders.resolve(
            question,
            "no",
            known_at=datetime(2025, 7, 5, tzinfo=UTC),
            evidence_note="Reported.",
            by=resolver,
        )
        builders.forecast(
            question,
            author,
            source=source,
            stated_at=datetime(2025, 6, 1, tzinfo=UTC),
            probability=0.02,
        )
        rescoring.rescore_question(question_id=question.pk)
    score = QuestionScore.objects.get(question=question)
    assert (score.excluded_reason, score.brier, score.n_hindsight) == ("hindsight", None, 1)
    card = Scorecard.objects.get(author=author, tag=None)
    assert (card.n_scored, card.n_resolved, card.n_hindsight) == (0, 1, 1)


@pytest.mark.django_db
def test_it_does_nothing_for_a_question_that_no_longer_exists():
    rescoring.rescore_question(question_id=987654)
    assert not QuestionScore.objects.exists()


def _in_thread(work, errors: list) -> threading.Thread:
    def run():
        try:
            work()
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def _flip_outcomes(questions: list[int]) -> None:
    """Change binary outcomes in place, as a correction would (test set-up only)."""
    for resolution in Resolution.objects.filter(question__in=questions, is_current=True):
        resolution.outcome = "no" if resolution.outcome == "yes" else "yes"
        resolution.save(update_fields=["outcome"])
    Question.objects.filter(pk__in=questions).update(resolution_changed_at=timezone.now())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_same_rows_when_rescores_run_at_once():
    random_ledger(11)
    rescoring.rescore_all()
    questions = list(
        Question.objects.filter(kind="binary", state="resolved", scores__excluded_reason="")
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    assert len(questions) == 4
    _flip_outcomes(questions)
    # Two rescores of one question, three more sharing its authors, and a full rescore.
    errors: list = []
    threads = [
        _in_thread(lambda q=q: rescoring.rescore_question(question_id=q), errors)
        for q in (questions[0], questions[0], questions[1], questions[2], questions[3])
    ] + [_in_thread(rescoring.rescore_all, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert_matches_library()
    assert not Question.objects.needing_rescore().exists()
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_card_right_when_questions_sharing_authors_rescore_at_once():
    random_ledger(15, n_authors=5, n_questions=14)
    rescoring.rescore_all()
    questions = list(
        Question.objects.filter(kind="binary", state="resolved", scores__excluded_reason="")
        .distinct()
        .values_list("pk", flat=True)
    )
    _flip_outcomes(questions)
    errors: list = []
    threads = [
        _in_thread(lambda q=q: rescoring.rescore_question(question_id=q), errors) for q in questions
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert_matches_library()


@pytest.mark.django_db
def test_it_writes_nothing_when_a_question_is_rescored_again():
    random_ledger(16)
    rescoring.rescore_all()
    question = _resolved_binary_question()
    before_rows, before_cards = stored_rows(), stored_cards()
    Question.objects.filter(pk=question.pk).update(resolution_changed_at=timezone.now())
    rescoring.rescore_question(question_id=question.pk)
    assert {k: r.computed_at for k, r in stored_rows().items()} == {
        k: r.computed_at for k, r in before_rows.items()
    }
    assert {k: c.computed_at for k, c in stored_cards().items()} == {
        k: c.computed_at for k, c in before_cards.items()
    }
    assert not Question.objects.needing_rescore().exists()


@pytest.mark.django_db
def test_it_counts_pending_questions(author, question, choice_question, source):
    with time_machine.travel(datetime(2024, 11, 20, tzinfo=UTC)):
        for q, kwargs in (
            (question, {"probability": 0.3}),
            (choice_question, {"option_probabilities": [0.2, 0.3, 0.5]}),
        ):
            builders.forecast(
                q, author, source=source, stated_at=datetime(2024, 11, 12, tzinfo=UTC), **kwargs
            )
    rescoring.rescore_all()
    card = Scorecard.objects.get(author=author, tag=None)
    assert (card.n_pending, card.n_scored, card.brier) == (2, 0, None)
    assert QuestionScore.objects.filter(excluded_reason="pending").count() == 2


@pytest.mark.django_db
def test_it_scores_a_crowd_of_three_and_calls_fewer_no_crowd(question, source, resolver):
    ada, bob = builders.author("Ada"), builders.author("Bob")
    cy, di = builders.author("Cy"), builders.author("Di")
    with time_machine.travel(datetime(2025, 1, 1, tzinfo=UTC)):
        for who, p in ((ada, 0.9), (bob, 0.4), (cy, 0.3), (di, 0.5)):
            builders.forecast(
                question, who, source=source, stated_at=question.opens_at, probability=p
            )
    with time_machine.travel(datetime(2025, 7, 10, tzinfo=UTC)):
        builders.resolve(
            question,
            "yes",
            known_at=datetime(2025, 7, 5, tzinfo=UTC),
            evidence_note="Reported.",
            by=resolver,
        )
        rescoring.rescore_question(question_id=question.pk)
    ada_score = QuestionScore.objects.get(author=ada)
    # Every day Ada says 0.9 (Brier 0.01); her crowd, Bob, Cy and Di, says 0.4 (Brier 0.36).
    assert ada_score.crowd_brier == pytest.approx(0.36)
    assert ada_score.relative_brier == pytest.approx(-0.35)
    assert ada_score.crowd_size == 3
    # Bob's crowd (0.9, 0.3, 0.5) says 0.5: Brier 0.25 against his 0.36.
    assert QuestionScore.objects.get(author=bob).relative_brier == pytest.approx(0.11)
    assert ada_score.n_days == (question.closes_at.date() - question.opens_at.date()).days + 1
    card = Scorecard.objects.get(author=ada, tag=None)
    assert (card.crowd_size, card.n_crowd_compared) == (3.0, 1)


@pytest.mark.django_db
def test_it_rewrites_only_what_changed_on_a_full_rescore(resolver):
    random_ledger(12)
    rescoring.rescore_all()
    before = stored_rows()
    question = _resolved_binary_question()
    builders.correct(question, by=resolver)  # flips the outcome
    retagged = (
        Question.objects.filter(state="resolved", scores__isnull=False)
        .exclude(pk=question.pk)
        .order_by("-pk")
        .first()
    )
    retagged.tags.clear()
    rescoring.rescore_all()
    after = stored_rows()
    rewritten = {key[1] for key, row in after.items() if row.computed_at != before[key].computed_at}
    assert rewritten == {question.pk, retagged.pk}
    assert_matches_library()


@pytest.mark.django_db
def test_it_rebuilds_scorecards_stored_without_totals(resolver):
    random_ledger(13)
    rescoring.rescore_all()
    question = _resolved_binary_question()
    Scorecard.objects.update(totals=b"")  # as written before totals were kept
    builders.correct(question, by=resolver)  # flips the outcome
    rescoring.rescore_question(question_id=question.pk)
    authors = set(question.scores.values_list("author_id", flat=True))
    tags = {None, *question.tags.values_list("pk", flat=True)}
    cards = list(Scorecard.objects.all())
    touched = [c for c in cards if c.author_id in authors and c.tag_id in tags]
    assert touched and all(len(card.totals) > 0 for card in touched)
    # The others keep their figures but, without totals, derive no calibration
    # or Murphy terms until the next full rescore rewrites them.
    legacy = frozenset((c.author_id, c.tag_id) for c in cards if not c.totals)
    assert legacy and not legacy & {(c.author_id, c.tag_id) for c in touched}
    assert_matches_library(legacy)
    rescoring.rescore_all()
    assert all(card.totals for card in Scorecard.objects.all())
    assert_matches_library()


@pytest.mark.django_db
def test_the_rescore_command_rescores_everything_or_some_questions(resolver):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    random_ledger(14)
    out = StringIO()
    call_command("rescore", stdout=out)
    assert "question scores" in out.getvalue() and QuestionScore.objects.exists()
    assert_matches_library()
    question = _resolved_binary_question()
    builders.correct(question, by=resolver)  # flips the outcome
    out = StringIO()
    call_command("rescore", "--stale", stdout=out)
    assert "Rescored 1 question(s)" in out.getvalue()
    assert not Question.objects.needing_rescore().exists()
    assert_matches_library()
    with pytest.raises(CommandError, match="No question with id 999999"):
        call_command("rescore", "--question", "999999", stdout=StringIO())


@pytest.mark.django_db
def test_it_updates_scorecards_in_place(resolver):
    random_ledger(12)
    rescoring.rescore_all()
    before = stored_cards()
    question = _resolved_binary_question()
    builders.correct(question, by=resolver)  # flips the outcome
    rescoring.rescore_question(question_id=question.pk)
    after = stored_cards()
    authors = set(QuestionScore.objects.filter(question=question).values_list("author", flat=True))
    touched = {key for key, card in after.items() if card.computed_at != before[key].computed_at}
    assert touched and {author for author, _ in touched} == authors
    assert {key: card.pk for key, card in after.items()} == {
        key: card.pk for key, card in before.items()
    }
    assert_matches_library()


@pytest.mark.django_db
def test_a_full_rescore_after_a_question_rescore_finds_nothing_to_write(resolver):
    random_ledger(14)
    rescoring.rescore_all()
    question = _resolved_binary_question()
    builders.correct(question, by=resolver)  # flips the outcome
    rescoring.rescore_question(question_id=question.pk)
    authors = QuestionScore.objects.filter(question=question).values_list("author", flat=True)
    result = rescoring.rescore_all()
    # The question's rows are already right. Its authors' cards may be rewritten:
    # totals updated in place can differ from a fresh sum in the last bits.
    assert result["question_scores_written"] == 0
    assert result["scorecards_written"] <= Scorecard.objects.filter(author__in=authors).count()
    result = rescoring.rescore_all()
    assert (result["question_scores_written"], result["scorecards_written"]) == (0, 0)
    assert result["question_scores"] == QuestionScore.objects.count() > 0
    scored = set(QuestionScore.objects.values_list("question", flat=True))
    assert scored <= set(ScoresDigest.objects.values_list("question", flat=True))


@pytest.mark.django_db
def test_a_verifying_rescore_repairs_rows_changed_behind_its_back():
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    random_ledger(15)
    rescoring.rescore_all()
    question = _resolved_binary_question()
    tampered = QuestionScore.objects.filter(question=question, excluded_reason="").first()
    QuestionScore.objects.filter(pk=tampered.pk).update(brier=0.5)
    # The digests describe the rows as written: a plain full rescore trusts them.
    assert rescoring.rescore_all()["question_scores_written"] == 0
    out = StringIO()
    call_command("rescore", "--verify", stdout=out)
    rewritten = QuestionScore.objects.filter(question=question).count()
    assert f"{rewritten:,} of" in out.getvalue()
    assert_matches_library()
    with pytest.raises(CommandError, match="full rescore only"):
        call_command("rescore", "--verify", "--question", str(question.pk), stdout=StringIO())


def _entered_after_the_outcome(question, author, resolver, source, *, stated_at, direct=False):
    """Resolve (outcome known 5 Jul 2025), then enter a claim retrospectively, and rescore.

    ``direct`` writes the row past the ledger's services (which refuse a
    historical claim without a dated source), as an old row would be.
    """

    with time_machine.travel(datetime(2025, 7, 10, tzinfo=UTC)):
        builders.resolve(
            question,
            "yes",
            known_at=datetime(2025, 7, 5, tzinfo=UTC),
            evidence_note="Reported.",
            by=resolver,
        )
        if direct:
            Forecast.objects.create(
                question=question,
                author=author,
                source=source,
                stated_at=stated_at,
                probability=0.7,
            )
        else:
            builders.forecast(question, author, source=source, stated_at=stated_at, probability=0.7)
        rescoring.rescore_all()
    return QuestionScore.objects.get(question=question)


@pytest.mark.django_db
def test_it_scores_a_retrospective_claim_proved_by_a_dated_public_source(
    author, question, resolver
):
    dated = builders.source(author, url="https://example.org/what-next")
    score = _entered_after_the_outcome(
        question, author, resolver, dated, stated_at=datetime(2024, 11, 12, 18, tzinfo=UTC)
    )
    assert (score.excluded_reason, score.n_forecasts, score.n_hindsight) == ("", 1, 0)
    assert score.brier == pytest.approx(0.09) and score.final_probability == pytest.approx(0.7)
    assert score.n_retrospective == 1
    card = Scorecard.objects.get(author=author, tag=None)
    assert (card.n_scored, card.n_hindsight, card.n_retrospective) == (1, 0, 1)


@pytest.mark.django_db
def test_it_excludes_a_retrospective_claim_whose_source_has_no_date(author, question, resolver):
    undated = builders.source(author, url="https://example.org/what-next", published_on=None)
    score = _entered_after_the_outcome(
        question,
        author,
        resolver,
        undated,
        stated_at=datetime(2024, 11, 12, tzinfo=UTC),
        direct=True,
    )
    assert (score.excluded_reason, score.brier, score.n_hindsight) == ("hindsight", None, 1)
    assert Scorecard.objects.get(author=author, tag=None).n_scored == 0


@pytest.mark.django_db
def test_it_excludes_a_retrospective_claim_whose_source_has_no_url(author, question, resolver):
    no_url = builders.source(author)  # dated 12 Nov 2024, but nowhere a reader can check it
    score = _entered_after_the_outcome(
        question, author, resolver, no_url, stated_at=datetime(2024, 11, 12, tzinfo=UTC)
    )
    assert (score.excluded_reason, score.n_hindsight) == ("hindsight", 1)


@pytest.mark.django_db
def test_it_excludes_a_claim_said_after_the_day_its_source_was_published(
    author, question, resolver
):
    dated = builders.source(author, url="https://example.org/what-next")  # 12 Nov 2024
    score = _entered_after_the_outcome(
        question, author, resolver, dated, stated_at=datetime(2024, 11, 13, tzinfo=UTC)
    )
    assert (score.excluded_reason, score.n_hindsight) == ("hindsight", 1)


@pytest.mark.django_db
def test_it_counts_the_seed_articles_claims_once_their_outcomes_are_recorded(resolver):
    from django.core.management import call_command

    from forecasts.models import Question, Source

    call_command("loaddata", "fixtures/seed_article.json", verbosity=0)
    # The seed source carries a public, dated copy of the article (12 Nov 2024).
    seed = Source.objects.get(slug="wolff-2024-trump-xi-putin")
    assert seed.url.startswith("https://") and seed.published_on.isoformat() == "2024-11-12"
    question = Question.objects.get(closes_at=datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC))
    forecast = Forecast.objects.get(question=question)
    with time_machine.travel(datetime(2026, 11, 30, tzinfo=UTC)):
        builders.resolve(
            question,
            "yes",
            known_at=datetime(2025, 7, 1, tzinfo=UTC),
            evidence_note="Reported.",
            by=resolver,
        )
        rescoring.rescore_all()
    score = QuestionScore.objects.get(question=question)
    assert forecast.recorded_at > datetime(2025, 7, 1, tzinfo=UTC)  # entered retrospectively
    assert (score.excluded_reason, score.n_forecasts, score.n_hindsight) == ("", 1, 0)
    assert score.n_retrospective == 1
    assert score.final_probability == pytest.approx(0.9)
    assert score.brier == pytest.approx((0.9 - 1) ** 2)
