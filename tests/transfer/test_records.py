"""The public records import, on a slice of the real file (tests/fixtures/):
public_records_slice.json: two rows per author, an annulled, an unknown and a
multiple-choice row."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings

from forecasts.models import Author, Forecast, Option, Question, Resolution, Source
from forecasts.transfer.records import (
    RecordError,
    RecordsRefused,
    import_records,
    normalise,
    parse_records,
)

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "public_records_slice.json"
FULL = Path(settings.BASE_DIR) / "fixtures" / "records" / "public_records.json"


@pytest.fixture
def rows() -> list[dict]:
    return json.loads(SLICE.read_text(encoding="utf-8"))


def _counts() -> tuple[int, ...]:
    return (
        Author.objects.count(),
        Source.objects.count(),
        Question.objects.count(),
        Option.objects.count(),
        Forecast.objects.count(),
        Resolution.objects.count(),
    )


@pytest.mark.django_db
def test_it_imports_the_slice_as_authors_sources_questions_forecasts_and_resolutions(rows):
    report = import_records(rows)

    assert (report.rows, report.forecasts, report.questions) == (27, 27, 27)
    assert (report.authors, report.sources) == (11, 13)
    assert (report.resolved, report.annulled, report.unresolved) == (21, 2, 4)
    assert report.merged == 0
    assert _counts() == (11, 13, 27, 3, 27, 23)
    assert set(Author.objects.values_list("name", flat=True)) >= {"Scott Alexander", "Zach Jacobi"}


@pytest.mark.django_db
def test_it_records_a_row_at_its_stated_probability_on_the_posts_date(rows):
    import_records(rows)

    forecast = Forecast.objects.select_related("question", "source", "author").get(
        import_id="sa-2020-001"
    )
    assert forecast.author.name == "Scott Alexander"
    assert forecast.probability == 0.6
    assert forecast.phrase == "60%"
    assert (
        forecast.quote
        == "Bay Area lockdown (eg restaurants closed) will be extended beyond June 15"
    )
    assert forecast.stated_at == datetime(2020, 4, 29, tzinfo=UTC)
    assert forecast.source.url == "https://slatestarcodex.com/2020/04/29/predictions-for-2020/"
    assert forecast.source.published_on == date(2020, 4, 29)
    assert forecast.source.publisher == "Slate Star Codex / Astral Codex Ten"
    question = forecast.question
    assert question.title == forecast.quote
    assert question.opens_at == datetime(2020, 4, 29, tzinfo=UTC)
    assert question.closes_at == datetime(2021, 1, 1, tzinfo=UTC)
    assert question.resolve_by == datetime(2021, 4, 5, tzinfo=UTC)
    resolution = question.resolutions.get(is_current=True)
    assert resolution.outcome == Resolution.Outcome.YES
    assert resolution.outcome_known_at == datetime(2021, 4, 5, tzinfo=UTC)
    assert resolution.evidence_url == (
        "https://www.astralcodexten.com/p/2020-predictions-calibration-results"
    )
    assert "Scott Alexander (self)" in resolution.evidence_note
    assert "plain text, not a link" in resolution.evidence_note


@pytest.mark.django_db
def test_it_keeps_a_multiple_choice_row_with_its_options_and_the_one_that_happened(rows):
    import_records(rows)

    forecast = Forecast.objects.get(import_id="sa-5y-ai-07")
    question = forecast.question
    assert question.kind == Question.Kind.MULTIPLE_CHOICE
    assert question.closes_at == datetime(2023, 2, 16, tzinfo=UTC)
    assert forecast.probability is None
    assert [(p.option.label, p.probability) for p in forecast.option_probabilities.all()] == [
        ("more", 0.5),
        ("same", 0.4),
        ("less", 0.1),
    ]
    resolution = question.resolutions.get(is_current=True)
    assert (resolution.outcome, resolution.option.label) == (Resolution.Outcome.OPTION, "more")


@pytest.mark.django_db
def test_it_annuls_a_row_the_author_threw_out_with_their_reason(rows):
    import_records(rows)

    question = Forecast.objects.get(import_id="jc-2021-022").question
    assert question.state == Question.State.ANNULLED
    resolution = question.resolutions.get(is_current=True)
    assert "I'm calling this and the next prediction a wash." in resolution.reason
    assert resolution.evidence_url == "https://jeffchen.dev/posts/2021-Predictions-Review/"


@pytest.mark.django_db
def test_it_leaves_a_row_of_unknown_outcome_unresolved(rows):
    import_records(rows)

    question = Forecast.objects.get(import_id="dr-2020-15").question
    assert question.state == Question.State.LIVE
    assert not question.resolutions.exists()


@pytest.mark.django_db
def test_it_keeps_a_source_without_a_url_dated_and_says_the_date_is_approximate(rows):
    import_records(rows)

    forecast = Forecast.objects.select_related("source").get(import_id="mz-2018-01")
    assert forecast.source.url == ""
    assert forecast.source.published_on == date(2018, 1, 1)
    assert "not found" in forecast.source.attribution
    assert "1 January of the year stands in" in forecast.conversion_note


@pytest.mark.django_db
def test_it_lets_the_end_of_the_period_stand_in_for_a_missing_grading_date(rows):
    import_records(rows)

    question = Forecast.objects.get(import_id="vfp-2021-01").question
    resolution = question.resolutions.get(is_current=True)
    assert resolution.outcome_known_at == question.closes_at == datetime(2022, 1, 1, tzinfo=UTC)
    assert "grading date is unknown" in resolution.evidence_note


@pytest.mark.django_db
def test_it_says_what_a_continued_item_continues(rows):
    import_records(rows)

    question = Forecast.objects.get(import_id="sa-2020-002").question
    assert question.title.startswith("…until Election Day (continuing “Bay Area lockdown")


@pytest.mark.django_db
def test_it_writes_nothing_the_second_time(rows, django_assert_max_num_queries):
    import_records(rows)
    before = _counts()

    with django_assert_max_num_queries(3):
        again = import_records(rows)

    assert _counts() == before
    assert (again.forecasts, again.questions, again.authors, again.sources) == (0, 0, 0, 0)
    assert again.already_imported == 27


@pytest.mark.django_db
def test_it_adds_only_the_new_rows_when_the_file_grows(rows):
    import_records(rows[:10])

    report = import_records(rows)

    assert (report.already_imported, report.forecasts) == (10, 17)
    assert Forecast.objects.count() == 27
    assert Author.objects.filter(name="Scott Alexander").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_file_with_a_bad_row_and_writes_nothing(rows):
    rows[5]["probability"] = 1.5
    rows[8]["prediction_date"] = "2020-13-01"

    with pytest.raises(RecordsRefused) as refused:
        import_records(rows)

    assert refused.value.errors == [
        RecordError(
            rows[5]["id"],
            "probability",
            "Probability must be between 0 and 1: less than or equal to 1, not 1.5.",
        ),
        RecordError(
            rows[8]["id"], "prediction_date", "Give a date as YYYY-MM-DD, not '2020-13-01'."
        ),
    ]
    assert _counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "numeric"}, "kind", "Choose one of: binary, multiple_choice."),
        ({"statement": "  "}, "statement", "This field is required."),
        ({"period": "sometime"}, "period", "Give a year or 'YYYY-MM-DD to YYYY-MM-DD'"),
        ({"outcome": None}, "outcome", "A resolved binary row's outcome is true or false."),
        ({"source_url": "slatestarcodex"}, "source_url", "Not a web address"),
        ({"prediction_date": "2022-03-01"}, "prediction_date", "Not before the end of the period"),
        ({"resolution_status": "unknown"}, "outcome", "has no outcome"),
    ],
)
def test_it_names_the_row_and_field_of_a_bad_value(rows, change, field, message):
    rows[0].update(change)

    with pytest.raises(RecordsRefused) as refused:
        parse_records(rows)

    (error,) = refused.value.errors
    assert (error.row_id, error.field) == ("sa-2020-001", field)
    assert message in error.message


def test_it_refuses_options_that_do_not_sum_to_one(rows):
    row = next(r for r in rows if r["id"] == "sa-5y-ai-07")
    row["options"][0]["probability"] = 0.6

    with pytest.raises(RecordsRefused) as refused:
        parse_records(rows)

    assert refused.value.errors == [
        RecordError(
            "sa-5y-ai-07", "options", "Option probabilities must sum to 1; they sum to 1.1."
        )
    ]


def test_it_refuses_a_repeated_id(rows):
    rows.append(copy.deepcopy(rows[0]))

    with pytest.raises(RecordsRefused) as refused:
        parse_records(rows)

    assert refused.value.errors == [
        RecordError("sa-2020-001", "id", "This id is used by an earlier row.")
    ]


@pytest.mark.django_db
def test_it_puts_matching_statements_of_different_authors_for_one_period_on_one_question(rows):
    other = copy.deepcopy(rows[0])
    other.update(id="xx-2020-001", author="Another Blogger", publication="another.example")
    other["statement"] = (
        "Bay Area lockdown (e.g. restaurants closed) will be extended beyond June 15."
    )
    other["statement"] = other["statement"].replace("e.g.", "eg").upper()
    other["probability"] = 0.3

    report = import_records([rows[0], other])

    assert (report.questions, report.forecasts, report.merged) == (1, 2, 1)
    question = Question.objects.get()
    assert sorted(question.forecasts.values_list("author__name", "probability")) == [
        ("Another Blogger", 0.3),
        ("Scott Alexander", 0.6),
    ]
    assert question.resolutions.get().outcome == Resolution.Outcome.YES


@pytest.mark.django_db
def test_it_keeps_the_same_authors_repeated_words_apart(rows):
    # sa-2020-053 and -055 both read "conditional on being published…", about different posts.
    full = json.loads(FULL.read_text(encoding="utf-8"))
    pair = [r for r in full if r["id"] in ("sa-2020-053", "sa-2020-055")]

    report = import_records(pair)

    assert (report.questions, report.merged, report.resolved, report.annulled) == (2, 0, 1, 1)


def test_it_normalises_case_spacing_and_punctuation_only():
    assert normalise("Trump  remains President, at end-of-year!") == normalise(
        "trump remains president at end of year"
    )
    assert normalise("Biden wins 2020") != normalise("Biden wins 2024")


def test_the_whole_committed_file_passes_every_check():
    records = parse_records(json.loads(FULL.read_text(encoding="utf-8")))

    assert len(records) == 782
    assert len({r.author for r in records}) == 11
    assert [sum(r.status == s for r in records) for s in ("resolved", "annulled", "unknown")] == [
        729,
        19,
        34,
    ]
    assert sum(r.kind == "multiple_choice" for r in records) == 3


@pytest.mark.django_db
def test_every_imported_claim_counts_as_entered_late_and_the_switch_leaves_none(rows):
    from forecasts.engine import rescoring
    from forecasts.standings import scorecards

    import_records(rows)
    rescoring.rescore_all()
    scott = Author.objects.get(name="Scott Alexander")
    card = scorecards.scorecard(scott)
    # Graded years ago, entered now: each scored claim is proved by its dated post.
    assert card.n_scored > 0 and card.n_retrospective == card.n_scored
    assert scorecards.scorecard(scott, recorded_before_outcome=True) is None


@pytest.mark.django_db
def test_it_queues_no_rescore_per_question_and_leaves_them_stale_for_one_rescore(
    rows, monkeypatch, django_capture_on_commit_callbacks
):
    from forecasts import tasks
    from forecasts.engine import rescoring

    queued = []
    monkeypatch.setattr(tasks, "enqueue_rescore", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        report = import_records(rows)
    assert queued == []  # the caller scores everything once
    stale = Question.objects.needing_rescore()
    assert stale.count() == report.resolved + report.annulled
    rescoring.rescore_all()
    assert not Question.objects.needing_rescore().exists()
