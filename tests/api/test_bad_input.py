"""Bad input gets a 4xx naming the field, in JSON, and nothing is written."""

import json
from datetime import UTC, datetime

import pytest

from forecasts.models import Forecast, Question
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def frozen_at() -> datetime:
    """Stop the clock while the question fixtures are open (they close 30 Jun 2025)."""
    return datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def editor_client(client_for, editor, question, choice_question, author, source):
    return client_for(editor)


def post_raw(client, body: str, content_type: str = "application/json"):
    return client.generic("POST", "/api/forecasts/", body.encode(), content_type=content_type)


def valid(**overrides) -> dict:
    return {
        "question": "will-it-happen",
        "author": "ada-pundit",
        "probability": 0.6,
        "stated_at": "2025-03-01T09:00:00Z",
        **overrides,
    }


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_it_refuses_json_nan_and_infinity_literals(editor_client, literal):
    body = json.dumps(valid()).replace("0.6", literal)
    response = post_raw(editor_client, body)
    assert response.status_code == 400
    assert literal.lstrip("-") in response.json()["detail"]
    assert Forecast.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message_part"),
    [
        ("0.6", "not str"),
        ("NaN", "not str"),
        (True, "not bool"),
        ([0.5], "not list"),
        ({"p": 0.5}, "not dict"),
        (1.5, "less than or equal to 1"),
        (-0.1, "greater than or equal to 0"),
        (1e309, None),  # json.dumps writes Infinity: refused by the parser
    ],
)
def test_it_refuses_a_probability_that_is_not_a_number_in_the_unit_interval(
    editor_client, value, message_part
):
    response = post_raw(editor_client, json.dumps(valid(probability=value)))
    assert response.status_code == 400
    if message_part:
        assert message_part in response.json()["probability"][0]
    assert Forecast.objects.count() == 0


def test_it_requires_a_probability_on_a_binary_question(editor_client):
    response = editor_client.post("/api/forecasts/", valid(probability=None), format="json")
    assert response.status_code == 400
    assert "probability" in response.json()


def options(choice_question, *values):
    return [
        {"option": o.pk, "probability": p}
        for o, p in zip(choice_question.options.all(), values, strict=False)
    ]


def test_it_refuses_option_probabilities_that_do_not_sum_to_one(editor_client, choice_question):
    body = valid(
        question="who-wins",
        probability=None,
        option_probabilities=options(choice_question, 0.5, 0.3, 0.3),
    )
    response = editor_client.post("/api/forecasts/", body, format="json")
    assert response.status_code == 400
    assert "sum to 1" in response.json()["option_probabilities"][0]
    assert Forecast.objects.count() == 0


def test_it_refuses_an_option_given_twice(editor_client, choice_question):
    red = choice_question.options.first()
    body = valid(
        question="who-wins",
        probability=None,
        option_probabilities=[{"option": red.pk, "probability": 0.5}] * 2,
    )
    response = editor_client.post("/api/forecasts/", body, format="json")
    assert response.status_code == 400
    assert "option_probabilities" in response.json()


def test_it_refuses_an_option_of_another_question(editor_client, choice_question):
    body = valid(
        question="who-wins",
        probability=None,
        option_probabilities=[{"option": 10**9, "probability": 1.0}],
    )
    response = editor_client.post("/api/forecasts/", body, format="json")
    assert response.status_code == 400
    assert "option_probabilities" in response.json()


def test_it_refuses_an_option_probability_out_of_range(editor_client, choice_question):
    body = valid(
        question="who-wins",
        probability=None,
        option_probabilities=options(choice_question, 1.5, -0.5, 0.0),
    )
    response = editor_client.post("/api/forecasts/", body, format="json")
    assert response.status_code == 400
    assert response.json()["option_probabilities"]["0"]["probability"]  # errors keyed by position


def test_it_refuses_a_forecast_stated_after_close(editor_client, question):
    Question.objects.filter(pk=question.pk).update(closes_at=datetime(2025, 2, 1, tzinfo=UTC))
    response = editor_client.post("/api/forecasts/", valid(), format="json")
    assert response.status_code == 400
    assert "closed" in response.json()["stated_at"][0]
    assert Forecast.objects.count() == 0


def test_it_refuses_a_forecast_on_an_annulled_question(editor_client, question):
    builders.annul(question, reason="Ambiguous.", outcome_known_at=datetime(2025, 2, 1, tzinfo=UTC))
    response = editor_client.post("/api/forecasts/", valid(), format="json")
    assert response.status_code == 400
    assert "annulled" in response.json()["question"][0]


def test_it_refuses_a_forecast_stated_after_the_outcome_was_known(editor_client, question):
    builders.resolve(
        question, "yes", known_at=datetime(2025, 2, 1, tzinfo=UTC), evidence_note="Reported."
    )
    response = editor_client.post("/api/forecasts/", valid(), format="json")
    assert response.status_code == 400
    assert "already known" in response.json()["stated_at"][0]


@pytest.mark.parametrize(
    ("stated_at", "message_part"),
    [
        ("2025-03-02T00:00:00Z", "future"),
        ("2025-03-01T09:00:00", "time zone"),
        ("yesterday", "ISO 8601"),
        ("9999-12-31T23:59:59-14:00", "range"),
        (12345, "ISO 8601"),
    ],
)
def test_it_refuses_bad_times(editor_client, stated_at, message_part):
    response = editor_client.post("/api/forecasts/", valid(stated_at=stated_at), format="json")
    assert response.status_code == 400
    assert message_part in response.json()["stated_at"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("question", "no-such-question"),
        ("question", 10**12),
        ("question", 2**70),
        ("question", "not a slug!"),
        ("author", "nobody"),
        ("author", None),
        ("source", "no-such-source"),
        ("question", 0),
        ("author", ["ada-pundit"]),
    ],
)
def test_it_refuses_unknown_or_malformed_references(editor_client, field, value):
    response = editor_client.post("/api/forecasts/", valid(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Forecast.objects.count() == 0


def test_it_refuses_a_historical_claim_without_a_dated_source(editor_client):
    response = editor_client.post(
        "/api/forecasts/", valid(stated_at="2024-12-01T00:00:00Z"), format="json"
    )
    assert response.status_code == 400
    assert "source" in response.json()


def test_it_refuses_half_an_interval(editor_client):
    response = editor_client.post("/api/forecasts/", valid(interval_low=0.2), format="json")
    assert response.status_code == 400
    assert "interval_high" in response.json()


def test_it_refuses_an_inverted_interval(editor_client):
    response = editor_client.post(
        "/api/forecasts/", valid(interval_low=0.8, interval_high=0.2), format="json"
    )
    assert response.status_code == 400
    assert "interval_high" in response.json()


def test_it_refuses_an_unknown_scale(editor_client):
    response = editor_client.post("/api/forecasts/", valid(scale="astrology"), format="json")
    assert response.status_code == 400
    assert "scale" in response.json()


def test_it_refuses_a_nul_character_in_text(editor_client):
    response = editor_client.post("/api/forecasts/", valid(quote="a\x00b"), format="json")
    assert response.status_code == 400
    assert "quote" in response.json()


def test_it_refuses_malformed_json(editor_client):
    response = post_raw(editor_client, '{"question": "will-it-happen", ')
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize("depth", [33, 1_000, 5_000, 100_000])
def test_it_refuses_deeply_nested_json_even_before_sign_in(api_client, db, depth):
    body = "[" * depth + "]" * depth
    response = api_client.generic(
        "POST", "/api/auth/token/", body.encode(), content_type="application/json"
    )
    assert response.status_code == 400
    assert "nests more than 32 levels" in response.json()["detail"]


def test_it_refuses_a_probability_nested_deep_in_a_forecast(editor_client):
    nested = "[" * 2_000 + "0.5" + "]" * 2_000
    response = post_raw(editor_client, json.dumps(valid()).replace("0.6", nested))
    assert response.status_code == 400
    assert "nests more than 32 levels" in response.json()["detail"]
    assert Forecast.objects.count() == 0


@pytest.mark.parametrize(
    ("literal", "message_part"),
    [
        ("1" + "0" * 309, "less than or equal to 1"),
        ("1" + "0" * 400, "less than or equal to 1"),
        ("-1" + "0" * 400, "greater than or equal to 0"),
    ],
)
def test_it_refuses_an_integer_probability_too_large_for_a_float(
    editor_client, literal, message_part
):
    response = post_raw(editor_client, json.dumps(valid()).replace("0.6", literal))
    assert response.status_code == 400
    assert message_part in response.json()["probability"][0]
    assert Forecast.objects.count() == 0


def test_it_refuses_a_huge_integer_among_option_probabilities(editor_client, choice_question):
    body = valid(
        question="who-wins",
        probability=None,
        option_probabilities=options(choice_question, 0.5, 0.25, 0.25),
    )
    text = json.dumps(body).replace("0.25", "1" + "0" * 400, 1)
    response = post_raw(editor_client, text)
    assert response.status_code == 400
    assert "option_probabilities" in response.json()
    assert Forecast.objects.count() == 0


def test_it_refuses_a_json_list_instead_of_an_object(editor_client):
    response = post_raw(editor_client, json.dumps([valid()]))
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_it_refuses_an_unsupported_content_type(editor_client):
    response = post_raw(
        editor_client, "question=will-it-happen", "application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert "detail" in response.json()


def test_it_refuses_an_oversized_body_with_413(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_raw(editor_client, json.dumps(valid(quote="x" * 2000)))
    assert response.status_code == 413
    assert "larger than 1000 bytes" in response.json()["detail"]
    assert Forecast.objects.count() == 0


def test_it_refuses_bad_question_fields_naming_each(client_for, editor):
    body = {
        "title": "",
        "kind": "essay",
        "resolution_criteria": "x",
        "opens_at": "soon",
        "closes_at": "2025-04-01T00:00:00Z",
        "resolve_by": "2025-12-01T00:00:00Z",
        "options": "Kyiv",
    }
    response = client_for(editor).post("/api/questions/", body, format="json")
    assert response.status_code == 400
    assert {"title", "kind", "opens_at", "options"} <= set(response.json())
    assert not Question.objects.exists()


def test_it_refuses_a_condition_on_an_outcome_its_question_cannot_have(
    client_for, editor, question
):
    body = {
        "title": "Then what?",
        "resolution_criteria": "x",
        "opens_at": "2025-03-01T00:00:00Z",
        "closes_at": "2025-04-01T00:00:00Z",
        "resolve_by": "2025-12-01T00:00:00Z",
        "condition_question": "will-it-happen",
        "condition_outcome": "option",
    }
    response = client_for(editor).post("/api/questions/", body, format="json")
    assert response.status_code == 400
    assert "condition_outcome" in response.json()


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("binary", "its outcome is yes or no"),
        ("numeric", "its outcome is a number"),
        ("date", "its outcome is a date"),
    ],
)
def test_it_refuses_options_on_a_question_that_is_not_multiple_choice(
    client_for, editor, kind, says
):
    body = {
        "title": "Yes or no, how much, or when?",
        "kind": kind,
        "resolution_criteria": "x",
        "opens_at": "2025-03-01T00:00:00Z",
        "closes_at": "2025-04-01T00:00:00Z",
        "resolve_by": "2025-12-01T00:00:00Z",
        "options": ["A", "B"],
    }
    response = client_for(editor).post("/api/questions/", body, format="json")
    assert response.status_code == 400
    assert says in str(response.json()["options"])
    assert not Question.objects.filter(title=body["title"]).exists()


def test_it_refuses_a_resolution_without_evidence(client_for, resolver, question):
    response = client_for(resolver).post(
        "/api/questions/will-it-happen/resolve/",
        {"outcome": "yes", "outcome_known_at": "2025-02-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "evidence_url" in response.json()


def test_it_refuses_an_outcome_the_question_cannot_have(client_for, resolver, question):
    response = client_for(resolver).post(
        "/api/questions/will-it-happen/resolve/",
        {"outcome": "option", "outcome_known_at": "2025-02-01T00:00:00Z", "evidence_note": "n"},
        format="json",
    )
    assert response.status_code == 400
    assert "outcome" in response.json()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/questions/", {"status": "sideways"}, "status"),
        ("/api/questions/", {"opens_after": "not-a-date"}, "opens_after"),
        ("/api/questions/", {"tag": "x" * 300}, "tag"),
        ("/api/forecasts/", {"question": "\x00"}, "question"),
        ("/api/forecasts/", {"search": "a\x00b"}, "search"),
        ("/api/scorecards/", {"min_n": "many"}, "min_n"),
        ("/api/leaderboard/", {"min_n": "-3"}, "min_n"),
        ("/api/leaderboard/", {"since": "2025-13-45"}, "since"),
        ("/api/authors/ada-pundit/scorecard/", {"until": "never"}, "until"),
        ("/api/authors/ada-pundit/calibration/", {"tag": "not a tag!"}, "tag"),
        ("/api/forecasts/import/", {}, None),
    ],
)
def test_it_refuses_bad_query_parameters_naming_them(api_client, author, path, params, field):
    response = api_client.get(path, params)
    if field is None:
        assert response.status_code in (401, 405)
        return
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/questions/a%00b/",
        "/api/forecasts/abc/",
        "/api/forecasts/99999999999999999999999/",
        "/api/authors/%E2%98%83/",
    ],
)
def test_it_answers_json_404_for_malformed_ids(api_client, db, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/tags/", {"slug": "zero", "name": 0}, "name"),
        ("/api/authors/", {"name": "Ada", "description": 0}, "description"),
        ("/api/sources/", {"title": True}, "title"),
        ("/api/forecasts/", valid(quote=12), "quote"),
    ],
)
def test_it_refuses_a_number_or_boolean_where_text_belongs(editor_client, path, body, field):
    before = Forecast.objects.count()
    response = editor_client.post(path, body, format="json")
    assert response.status_code == 400
    assert response.json() == {field: ["Give text (a JSON string), not a number or true/false."]}
    assert Forecast.objects.count() == before


@pytest.mark.parametrize("value", ["0", "501", "5O", "null", "-1", "1.5"])
def test_it_refuses_a_page_size_outside_1_to_500(api_client, value):
    response = api_client.get("/api/questions/", {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give a whole number from 1 to 500."]}


def test_it_takes_a_page_size_within_bounds_or_an_empty_one_as_the_default(api_client, question):
    assert api_client.get("/api/questions/", {"page_size": "500"}).status_code == 200
    assert api_client.get("/api/questions/?page_size=").status_code == 200


@pytest.mark.parametrize("value", ["null", "1", "yes", "True"])
def test_it_refuses_a_yes_no_filter_that_is_neither_true_nor_false(api_client, value):
    response = api_client.get("/api/scorecards/", {"overall": value})
    assert response.status_code == 400
    assert response.json() == {"overall": ["Give true or false."]}
