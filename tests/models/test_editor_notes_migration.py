"""Migration 0013 moves drafting's notes for editors out of public fields."""

from datetime import UTC, datetime

import pytest

from tests.builders.migrations import migrate

BEFORE = [("forecasts", "0012_retrospective_and_complete_sources")]
NOTES = (
    "Drafted from “What next”, published 12 November 2024, sentence 1: “It is likely.”\n\n"
    "Closes on the default. Before approving: rewrite the title as a question, write "
    "resolution criteria and check the dates."
)
NOTE = "ICD 203 maps “likely” to 55%–80%; scored at 67.5%."
SUGGESTED = " Suggested by Reckon's claim detector: check it against the quote."


@pytest.mark.django_db(transaction=True)
def test_it_moves_drafting_notes_out_of_the_background_and_the_conversion_note():
    old = migrate(BEFORE)
    try:
        Author = old.get_model("forecasts", "Author")
        Question = old.get_model("forecasts", "Question")
        Forecast = old.get_model("forecasts", "Forecast")
        author = Author.objects.create(name="Ada Pundit", slug="ada-pundit")
        moment = datetime(2024, 11, 12, tzinfo=UTC)
        fields = {
            "resolution_criteria": "Test.",
            "opens_at": moment,
            "closes_at": datetime(2025, 11, 12, tzinfo=UTC),
            "resolve_by": datetime(2025, 12, 12, tzinfo=UTC),
        }
        drafted = Question.objects.create(
            title="Drafted", slug="drafted", background=NOTES, **fields
        )
        written = Question.objects.create(
            title="Written", slug="written", background="Context an editor wrote.", **fields
        )
        forecast = Forecast.objects.create(
            question=drafted,
            author=author,
            stated_at=moment,
            recorded_at=moment,
            probability=0.675,
            conversion_note=NOTE + SUGGESTED,
        )
    finally:
        new = migrate()  # back to the latest, through 0012
    Question = new.get_model("forecasts", "Question")
    Forecast = new.get_model("forecasts", "Forecast")
    moved = Question.objects.get(pk=drafted.pk)
    assert (moved.background, moved.editor_notes) == ("", NOTES)
    kept = Question.objects.get(pk=written.pk)
    assert (kept.background, kept.editor_notes) == ("Context an editor wrote.", "")
    stored = Forecast.objects.get(pk=forecast.pk)
    assert (stored.conversion_note, stored.probability) == (NOTE, 0.675)
