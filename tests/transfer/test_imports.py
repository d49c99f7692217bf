"""The CSV import checks each cell by the API's rules: no number, text or column it takes
that the API would refuse."""

from datetime import UTC, datetime

import pytest

from forecasts.models import Forecast
from forecasts.transfer.imports import ImportFailed, import_forecasts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

HEADER = "question,author,stated_at,probability,quote\n"


@pytest.fixture
def frozen_at() -> datetime:
    """While the question fixture is open (it closes 30 Jun 2025)."""
    return datetime(2025, 3, 1, 12, tzinfo=UTC)


def _refused(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportFailed) as failed:
        import_forecasts(text)
    assert Forecast.objects.count() == 0
    return [(e.line, e.field, e.message) for e in failed.value.errors]


@pytest.mark.parametrize("written", ["٠.٥", "0.5_0", "1_0e-1", ".5", "0x1", "5e-1x", "1,5"])
def test_it_refuses_a_probability_the_api_would_not_take(question, author, written):
    errors = _refused(HEADER + f'will-it-happen,ada-pundit,2025-03-01T08:00:00Z,"{written}",\n')

    assert [(line, field) for line, field, _ in errors] == [(2, "probability")]
    assert "is not a number; write it like 0.25" in errors[0][2]


@pytest.mark.parametrize(("written", "stored"), [("0.25", 0.25), ("1", 1.0), ("2.5e-1", 0.25)])
def test_it_takes_a_probability_written_as_json_writes_it(question, author, written, stored):
    import_forecasts(HEADER + f"will-it-happen,ada-pundit,2025-03-01T08:00:00Z,{written},\n")

    assert Forecast.objects.get().probability == stored


def test_it_refuses_a_quote_longer_than_the_api_takes(question, author):
    long_quote = "x" * 20_001
    errors = _refused(HEADER + f"will-it-happen,ada-pundit,2025-03-01T08:00:00Z,0.5,{long_quote}\n")

    assert errors == [
        (2, "quote", "Ensure this field has no more than 20000 characters (it has 20001).")
    ]


def test_it_takes_a_quote_at_the_cap(question, author):
    import_forecasts(
        HEADER + f"will-it-happen,ada-pundit,2025-03-01T08:00:00Z,0.5,{'x' * 20_000}\n"
    )

    assert len(Forecast.objects.get().quote) == 20_000


def test_it_refuses_a_column_given_twice_instead_of_keeping_the_last(question, author):
    text = (
        "question,author,stated_at,probability,probability\n"
        "will-it-happen,ada-pundit,2025-03-01T08:00:00Z,0.9,0.1\n"
    )

    assert _refused(text) == [(1, "probability", "This column appears more than once.")]


@pytest.mark.parametrize(
    "written",
    [
        "0.25",
        "1",
        "0",
        "-0",
        "2.5e-1",
        "1E-1",
        ".5",
        "1.",
        "+0.5",
        "05",
        "0.5_0",
        "1_0e-1",
        "٠.٥",
        "0x1",
        "NaN",
        "Infinity",
        "1.5",
        "-0.1",
    ],
)
def test_it_takes_a_probability_exactly_when_the_api_does(
    client_for, editor, question, author, written
):
    """The same characters, as a JSON number and as a CSV cell: both taken or both refused."""
    body = (
        '{"question": "will-it-happen", "author": "ada-pundit", '
        f'"stated_at": "2025-03-01T08:00:00Z", "probability": {written}}}'
    )
    api = client_for(editor).generic(
        "POST", "/api/forecasts/", body.encode(), content_type="application/json"
    )
    try:
        import_forecasts(HEADER + f'will-it-happen,ada-pundit,2025-03-01T09:00:00Z,"{written}",\n')
        csv_took = True
    except ImportFailed:
        csv_took = False

    assert api.status_code in (201, 400)
    assert csv_took == (api.status_code == 201)


def _other_question():
    from tests import builders

    return builders.question(
        "will-it-also-happen",
        title="Will it also happen by 2025?",
        resolution_criteria="Yes if it also happens before 2025-12-31 per a major newspaper.",
    )


def test_a_stored_forecast_sharing_two_of_its_three_keys_is_no_repeat(question, author):
    from tests import builders

    _other_question()
    builders.author("Bo Analyst")
    stored = datetime(2025, 3, 1, 8, tzinfo=UTC)
    builders.forecast(question, author, probability=0.3, stated_at=stored)
    text = HEADER + (
        "will-it-happen,ada-pundit,2025-03-01T09:00:00Z,0.4,\n"  # another moment
        "will-it-also-happen,ada-pundit,2025-03-01T08:00:00Z,0.5,\n"  # another question
        "will-it-happen,bo-analyst,2025-03-01T08:00:00Z,0.6,\n"  # another author
    )

    assert import_forecasts(text) == 3
    assert Forecast.objects.count() == 4


def test_a_stored_forecast_at_the_same_moment_written_in_another_zone_is_a_repeat(question, author):
    from tests import builders

    builders.forecast(question, author, stated_at=datetime(2025, 3, 1, 8, tzinfo=UTC))
    text = HEADER + "will-it-happen,ada-pundit,2025-03-01T09:00:00+01:00,0.4,\n"

    with pytest.raises(ImportFailed) as failed:
        import_forecasts(text)
    assert [(e.line, e.field) for e in failed.value.errors] == [(2, "stated_at")]
    assert "Ada Pundit already has a forecast" in failed.value.errors[0].message
    assert Forecast.objects.count() == 1


@pytest.mark.postgres
def test_the_repeats_are_found_by_one_statement_of_one_size_for_any_number_of_rows(
    question, author
):
    """The keys go as three arrays: the statement's text does not grow with the file."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def repeat_check(rows: int) -> list[str]:
        lines = "".join(
            f"will-it-happen,ada-pundit,2025-03-01T08:{i // 60:02d}:{i % 60:02d}Z,0.5,\n"
            for i in range(rows)
        )
        with CaptureQueriesContext(connection) as seen:
            import_forecasts(HEADER + lines, dry_run=True)
        return [q["sql"] for q in seen.captured_queries if "unnest" in q["sql"]]

    few, many = repeat_check(3), repeat_check(300)
    assert len(few) == len(many) == 1
    assert few == many
