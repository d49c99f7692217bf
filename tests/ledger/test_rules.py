"""The ledger's rules: pure checks, and one message per rule wherever a value is entered.

The service (and so the admin and the API) and the CSV import check with the
same rules, so the same bad value is refused on the same field with the same words.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from forecasts import ledger
from forecasts.ledger import rules
from forecasts.models import Question
from forecasts.transfer.imports import ImportFailed, import_forecasts

# After the questions close (2025-06-30): a claim can be late without being in the future.
NOW = datetime(2025, 8, 1, 12, tzinfo=UTC)
STATED = datetime(2025, 2, 1, tzinfo=UTC)
COLUMNS = (
    "question",
    "author",
    "stated_at",
    "probability",
    "option_probabilities",
    "source",
    "interval_low",
    "interval_high",
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def questions(question, choice_question, author, source):
    return {"binary": question, "choice": choice_question}


def csv_refusal(**cells: str) -> tuple[str, str]:
    """The one (field, message) the CSV import gives for a row of ``cells``."""
    row = {
        "question": "will-it-happen",
        "author": "ada-pundit",
        "stated_at": STATED.isoformat(),
        "probability": "0.7",
        "option_probabilities": "",
        "source": "what-next",
        "interval_low": "",
        "interval_high": "",
        **cells,
    }
    text = ",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n"
    with pytest.raises(ImportFailed) as failed:
        import_forecasts(text)
    [error] = failed.value.errors
    return error.field, error.message


def service_refusal(**fields) -> tuple[str, str]:
    """The one (field, message) ledger.forecast_create gives for ``fields``."""
    with pytest.raises(ValidationError) as refused:
        ledger.forecast_create(**fields)
    [(field, [message])] = refused.value.message_dict.items()
    return field, message


CASES = {
    "probability above 1": ("probability", {"probability": "1.5"}, {"probability": 1.5}),
    "probability below 0": ("probability", {"probability": "-0.1"}, {"probability": -0.1}),
    "probability NaN": ("probability", {"probability": "nan"}, {"probability": float("nan")}),
    "probability infinite": ("probability", {"probability": "inf"}, {"probability": float("inf")}),
    "stated after close": (
        "stated_at",
        {"stated_at": "2025-07-01T00:00:00+00:00"},
        {"stated_at": datetime(2025, 7, 1, tzinfo=UTC)},
    ),
    "stated in the future": (
        "stated_at",
        {"stated_at": "2025-08-02T00:00:00+00:00"},
        {"stated_at": NOW + timedelta(days=1)},
    ),
    "stated without a time zone": (
        "stated_at",
        {"stated_at": "2025-02-01T00:00:00"},
        {"stated_at": STATED.replace(tzinfo=None)},
    ),
    "historical claim without a source": ("source", {"source": ""}, {"source": None}),
    "binary question given option probabilities": (
        "option_probabilities",
        {"option_probabilities": "Yes=1"},
        {"option_probabilities": [1.0]},
    ),
    "multiple choice given one probability": (
        "probability",
        {"question": "who-wins", "probability": "0.5"},
        {"question": "choice", "probability": 0.5},
    ),
    "option probabilities not summing to 1": (
        "option_probabilities",
        {
            "question": "who-wins",
            "probability": "",
            "option_probabilities": "Red=0.5;Blue=0.6;Green=0",
        },
        {"question": "choice", "probability": None, "option_probabilities": [0.5, 0.6, 0.0]},
    ),
    "an option without a probability": (
        "option_probabilities",
        {"question": "who-wins", "probability": "", "option_probabilities": "Red=0.5;Blue=0.5"},
        {"question": "choice", "probability": None, "option_probabilities": [0.5, 0.5]},
    ),
    "an option probability out of range": (
        "option_probabilities",
        {
            "question": "who-wins",
            "probability": "",
            "option_probabilities": "Red=1.2;Blue=-0.2;Green=0",
        },
        {"question": "choice", "probability": None, "option_probabilities": [1.2, -0.2, 0.0]},
    ),
    "interval upside down": (
        "interval_high",
        {"interval_low": "0.8", "interval_high": "0.2"},
        {"interval": (0.8, 0.2)},
    ),
    "interval end out of range": (
        "interval_low",
        {"interval_low": "-1", "interval_high": "0.2"},
        {"interval": (-1.0, 0.2)},
    ),
}


@pytest.mark.parametrize(("field", "cells", "fields"), CASES.values(), ids=CASES.keys())
def test_the_csv_import_and_the_service_refuse_a_bad_value_in_the_same_words(
    questions, author, source, field, cells, fields
):
    service_fields = {
        "author": author,
        "source": source,
        "stated_at": STATED,
        "probability": 0.7,
        **fields,
        "question": questions[fields.get("question", "binary")],
    }
    from_csv = csv_refusal(**cells)
    from_service = service_refusal(**service_fields)
    assert from_csv == from_service
    assert from_csv[0] == field and from_csv[1]


def test_they_refuse_a_draft_question_in_the_same_words(questions, author, source):
    Question.objects.filter(slug="will-it-happen").update(state=Question.State.DRAFT)
    refusal = ("question", "This question is a draft; approve it first.")
    assert csv_refusal() == refusal
    assert (
        service_refusal(
            question=questions["binary"],
            author=author,
            source=source,
            stated_at=STATED,
            probability=0.7,
        )
        == refusal
    )


def test_they_refuse_hindsight_and_annulled_questions_in_the_same_words(
    questions, author, source, resolver
):
    question = questions["binary"]
    ledger.question_resolve(
        question=question,
        outcome="yes",
        outcome_known_at=STATED,
        evidence_note="Reported.",
        by=resolver,
    )
    known = ("stated_at", "The outcome was already known when this was stated.")
    assert csv_refusal() == known
    assert (
        service_refusal(
            question=question, author=author, source=source, stated_at=STATED, probability=0.7
        )
        == known
    )
    ledger.resolution_correct(
        question=question,
        outcome="annulled",
        outcome_known_at=STATED,
        reason="Ambiguous wording.",
        by=resolver,
    )
    annulled = ("question", "This question was annulled; it takes no forecasts.")
    assert csv_refusal() == annulled
    assert (
        service_refusal(
            question=question, author=author, source=source, stated_at=STATED, probability=0.7
        )
        == annulled
    )


def test_half_an_interval_is_refused_in_the_same_words_by_the_api_and_the_csv_import(
    questions, client_for, editor
):
    response = client_for(editor).post(
        "/api/forecasts/",
        {
            "question": "will-it-happen",
            "author": "ada-pundit",
            "source": "what-next",
            "stated_at": STATED.isoformat(),
            "probability": 0.7,
            "interval_low": 0.6,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"interval_high": ["Give both ends of the interval."]}
    assert csv_refusal(interval_low="0.6") == ("interval_high", "Give both ends of the interval.")


def test_the_late_claim_message_names_the_close_and_what_it_means(question):
    with pytest.raises(ValidationError) as refused:
        rules.check_stated_before_close(
            datetime(2025, 7, 1, tzinfo=UTC), question=question, now=NOW
        )
    assert refused.value.message_dict == {
        "stated_at": [
            "The question closed at 2025-06-30 00:00 UTC; forecasts stated after that do not count."
        ]
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "Probability must be between 0 and 1: less than or equal to 1, not 1.5."),
        (-0.25, "Probability must be between 0 and 1: greater than or equal to 0, not -0.25."),
        (float("nan"), "Enter a finite number between 0 and 1 (not NaN or infinity)."),
        (float("-inf"), "Enter a finite number between 0 and 1 (not NaN or infinity)."),
        ("0.5", "Enter a number between 0 and 1 (not str)."),
        (True, "Enter a number between 0 and 1 (not bool)."),
        (None, "Enter a number between 0 and 1 (not NoneType)."),
    ],
)
def test_check_probability_refuses_anything_but_a_number_in_the_unit_interval(value, message):
    with pytest.raises(ValidationError) as refused:
        rules.check_probability(value, "scale_point")
    assert refused.value.message_dict == {"scale_point": [message]}


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 0.5, 1e-300])
def test_check_probability_accepts_the_unit_interval_as_floats(value):
    checked = rules.check_probability(value, "probability")
    assert checked == value and type(checked) is float


def test_check_option_probabilities_allows_rounding_but_not_more():
    assert rules.check_option_probabilities([0.1, 0.2, 0.7000001], n_options=3) == [
        0.1,
        0.2,
        0.7000001,
    ]
    with pytest.raises(ValidationError) as refused:
        rules.check_option_probabilities([0.1, 0.2, 0.71], n_options=3)
    assert refused.value.message_dict == {
        "option_probabilities": ["Option probabilities must sum to 1; they sum to 1.01."]
    }


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, (None, None)),
        (0.55, 0.8, (0.55, 0.8)),
        (0.5, 0.5, (0.5, 0.5)),
        (1, 1, (1.0, 1.0)),
    ],
)
def test_check_interval_takes_both_ends_or_none(low, high, expected):
    assert rules.check_interval(low, high) == expected


@pytest.mark.parametrize(
    ("low", "high", "refusal"),
    [
        (0.5, None, {"interval_high": ["Give both ends of the interval."]}),
        (None, 0.5, {"interval_low": ["Give both ends of the interval."]}),
        (0.8, 0.2, {"interval_high": ["The interval's upper end is below its lower end."]}),
    ],
)
def test_check_interval_refuses_half_or_upside_down_intervals(low, high, refusal):
    with pytest.raises(ValidationError) as refused:
        rules.check_interval(low, high)
    assert refused.value.message_dict == refusal


def test_check_schedule_wants_open_then_close_then_due():
    opens = datetime(2025, 1, 1, tzinfo=UTC)
    day = timedelta(days=1)
    rules.check_schedule(opens_at=opens, closes_at=opens + day, resolve_by=opens + day)
    with pytest.raises(ValidationError) as refused:
        rules.check_schedule(opens_at=opens, closes_at=opens, resolve_by=opens)
    assert refused.value.message_dict == {"closes_at": ["A question must close after it opens."]}
