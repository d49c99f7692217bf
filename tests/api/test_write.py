"""Writing through the API: who may do what, and everything goes through the services."""

import uuid
from datetime import UTC, datetime
from unittest import mock

import pytest

from forecasts.models import Forecast, Question, Resolution, Source, Tag
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def frozen_at() -> datetime:
    """Stop the clock while the question fixtures are open (they close 30 Jun 2025)."""
    return datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_rescoring():
    # Resolutions queue rescoring on commit; the broker is not what is tested here.
    with mock.patch("forecasts.tasks.enqueue_rescore") as enqueue:
        yield enqueue


def forecast_body(**overrides):
    return {
        "question": "will-it-happen",
        "author": "ada-pundit",
        "probability": 0.6,
        "stated_at": "2025-03-01T09:00:00Z",
        **overrides,
    }


def test_it_refuses_anonymous_writes_with_401(api_client, question, author):
    response = api_client.post("/api/forecasts/", forecast_body(), format="json")
    assert response.status_code == 401
    assert Forecast.objects.count() == 0


def test_it_lets_an_editor_forecast_for_anyone(client_for, editor, question, author):
    response = client_for(editor).post("/api/forecasts/", forecast_body(), format="json")
    assert response.status_code == 201, response.json()
    forecast = Forecast.objects.get()
    assert (forecast.author, forecast.probability, forecast.entered_by) == (author, 0.6, editor)
    assert response.json()["recorded_at"] == "2025-03-01T12:00:00Z"


def test_it_accepts_ids_as_well_as_slugs(client_for, editor, question, author):
    response = client_for(editor).post(
        "/api/forecasts/", forecast_body(question=question.pk, author=author.pk), format="json"
    )
    assert response.status_code == 201
    assert response.json()["question_slug"] == "will-it-happen"


def test_it_records_a_multiple_choice_forecast(client_for, editor, choice_question, author):
    red, blue, green = choice_question.options.all()
    body = forecast_body(
        question="who-wins",
        probability=None,
        option_probabilities=[
            {"option": red.pk, "probability": 0.2},
            {"option": blue.pk, "probability": 0.5},
            {"option": green.pk, "probability": 0.3},
        ],
    )
    response = client_for(editor).post("/api/forecasts/", body, format="json")
    assert response.status_code == 201, response.json()
    assert [p["probability"] for p in response.json()["option_probabilities"]] == [0.2, 0.5, 0.3]


def test_it_makes_a_forecaster_forecast_as_themselves(client_for, forecaster, question, author):
    response = client_for(forecaster).post(
        "/api/forecasts/", forecast_body(author=None) | {"author": "ada-pundit"}, format="json"
    )
    assert response.status_code == 201
    body = forecast_body(stated_at="2025-03-01T10:00:00Z")
    del body["author"]
    response = client_for(forecaster).post("/api/forecasts/", body, format="json")
    assert response.status_code == 201
    assert Forecast.objects.filter(author=author).count() == 2


def test_it_refuses_a_forecaster_speaking_for_someone_else(client_for, forecaster, question):
    builders.author("Someone Else")
    response = client_for(forecaster).post(
        "/api/forecasts/", forecast_body(author="someone-else"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"author": ["You may only forecast as ada-pundit."]}
    assert Forecast.objects.count() == 0


def test_it_refuses_forecasts_from_a_user_with_no_role(client_for, question, author):
    nobody = builders.user("nobody", email="n@example.org")
    response = client_for(nobody).post("/api/forecasts/", forecast_body(), format="json")
    assert response.status_code == 403
    assert Forecast.objects.count() == 0


def test_it_keeps_forecasts_out_of_reach_of_forecasters_other_writes(client_for, forecaster):
    response = client_for(forecaster).post("/api/authors/", {"name": "Sneaky"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_never_changes_or_deletes_a_forecast(client_for, editor, question, author, method):
    forecast = builders.forecast(
        question, author, probability=0.4, stated_at=datetime(2025, 3, 1, 8, tzinfo=UTC)
    )
    response = getattr(client_for(editor), method)(
        f"/api/forecasts/{forecast.pk}/", {"probability": 0.9}, format="json"
    )
    assert response.status_code == 405
    forecast.refresh_from_db()
    assert forecast.probability == 0.4


def test_it_lets_editors_create_authors_sources_and_tags(client_for, editor, author):
    client = client_for(editor)
    created = client.post(
        "/api/authors/", {"name": "Cy Columnist", "kind": "person"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["slug"] == "cy-columnist"
    source = client.post(
        "/api/sources/",
        {
            "title": "A column",
            "author": "cy-columnist",
            "published_on": "2025-01-02",
            "url": "https://example.org/c",
        },
        format="json",
    )
    assert source.status_code == 201, source.json()
    assert Source.objects.get(slug="a-column").author.slug == "cy-columnist"
    assert client.post("/api/tags/", {"name": "Elections"}, format="json").status_code == 201
    assert Tag.objects.filter(slug="elections").exists()


def test_it_refuses_a_taken_slug_as_a_conflict(client_for, editor, author):
    response = client_for(editor).post("/api/authors/", {"name": "Ada Pundit"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"slug": ["“ada-pundit” is already taken."]}


def test_it_lets_editors_create_a_conditional_multiple_choice_question(
    client_for, editor, question
):
    builders.tag("Ukraine")
    body = {
        "title": "Which city first?",
        "kind": "multiple_choice",
        "resolution_criteria": "Official news.",
        "options": ["Kyiv", "Odesa"],
        "tags": ["ukraine"],
        "opens_at": "2025-03-01T00:00:00Z",
        "closes_at": "2025-09-01T00:00:00Z",
        "resolve_by": "2025-12-01T00:00:00Z",
        "condition_question": "will-it-happen",
        "condition_outcome": "yes",
    }
    response = client_for(editor).post("/api/questions/", body, format="json")
    assert response.status_code == 201, response.json()
    created = Question.objects.get(slug="which-city-first")
    assert [o.label for o in created.options.all()] == ["Kyiv", "Odesa"]
    assert created.condition_question == question
    assert created.created_by == editor
    assert response.json()["condition"]["question_slug"] == "will-it-happen"
    assert response.json()["tags"] == ["ukraine"]


def test_it_refuses_a_question_that_closes_before_it_opens(client_for, editor):
    body = {
        "title": "Backwards",
        "resolution_criteria": "x",
        "opens_at": "2025-03-01T00:00:00Z",
        "closes_at": "2025-02-01T00:00:00Z",
        "resolve_by": "2025-12-01T00:00:00Z",
    }
    response = client_for(editor).post("/api/questions/", body, format="json")
    assert response.status_code == 400
    assert "closes_at" in response.json()
    assert not Question.objects.exists()


def test_it_refuses_question_creation_by_resolvers(client_for, resolver):
    body = {
        "title": "T",
        "resolution_criteria": "x",
        "opens_at": "2025-03-01T00:00:00Z",
        "closes_at": "2025-04-01T00:00:00Z",
        "resolve_by": "2025-12-01T00:00:00Z",
    }
    assert client_for(resolver).post("/api/questions/", body, format="json").status_code == 403


def test_it_lets_resolvers_resolve_correct_and_annul(
    client_for, resolver, question, no_rescoring, django_capture_on_commit_callbacks
):
    client = client_for(resolver)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = client.post(
            "/api/questions/will-it-happen/resolve/",
            {
                "outcome": "yes",
                "outcome_known_at": "2025-02-01T00:00:00Z",
                "evidence_url": "https://example.org/a",
            },
            format="json",
        )
    assert resolved.status_code == 201, resolved.json()
    assert resolved.json()["outcome"] == "yes"
    with django_capture_on_commit_callbacks(execute=True):
        corrected = client.post(
            f"/api/questions/{question.pk}/correct/",
            {
                "outcome": "no",
                "outcome_known_at": "2025-02-01T00:00:00Z",
                "reason": "Misread.",
                "evidence_note": "The retraction.",
            },
            format="json",
        )
    assert corrected.status_code == 201, corrected.json()
    assert corrected.json()["supersedes"] == resolved.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        annulled = client.post(
            "/api/questions/will-it-happen/annul/", {"reason": "Ambiguous wording."}, format="json"
        )
    assert annulled.status_code == 201
    question.refresh_from_db()
    assert question.state == Question.State.ANNULLED
    assert Resolution.objects.filter(question=question).count() == 3
    # Scoring follows every change: each one queued the question for rescoring.
    assert [c.args[0] for c in no_rescoring.call_args_list] == [[question.pk]] * 3
    assert question.resolution_changed_at is not None


def test_it_refuses_resolution_by_editors(client_for, editor, question):
    response = client_for(editor).post(
        "/api/questions/will-it-happen/resolve/",
        {
            "outcome": "yes",
            "outcome_known_at": "2025-02-01T00:00:00Z",
            "evidence_note": "n",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Resolution.objects.exists()


def test_it_resolves_a_multiple_choice_question_with_one_of_its_options(
    client_for, resolver, choice_question, question
):
    blue = choice_question.options.get(label="Blue")
    client = client_for(resolver)
    wrong = client.post(
        "/api/questions/who-wins/resolve/",
        {
            "outcome": "option",
            "option": 999999,
            "outcome_known_at": "2025-02-01T00:00:00Z",
            "evidence_note": "n",
        },
        format="json",
    )
    assert wrong.status_code == 400
    assert "option" in wrong.json()
    right = client.post(
        "/api/questions/who-wins/resolve/",
        {
            "outcome": "option",
            "option": blue.pk,
            "outcome_known_at": "2025-02-01T00:00:00Z",
            "evidence_note": "n",
        },
        format="json",
    )
    assert right.status_code == 201
    assert right.json()["option_label"] == "Blue"


def test_it_gives_a_token_for_a_username_and_password(api_client, editor):
    response = api_client.post(
        "/api/auth/token/", {"username": "edith", "password": "pw-edith-123"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post("/api/tags/", {"name": "Tokens"}, format="json").status_code == 201


def test_it_refuses_a_wrong_password_for_a_token(api_client, editor):
    response = api_client.post(
        "/api/auth/token/", {"username": "edith", "password": "nope"}, format="json"
    )
    assert response.status_code == 401


def test_it_refuses_a_bad_token_with_401(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/questions/").status_code == 401


def test_cached_public_reads_do_not_count_against_the_limit(api_client, settings, db):
    from django.core.cache import cache

    settings.RECKON_API_CACHE_SECONDS = 60
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None},
    }
    client_ip = {"REMOTE_ADDR": "192.0.2.78"}
    cache.delete("throttle_anon_192.0.2.78")
    url = f"/api/questions/?page=1&seen={uuid.uuid4().hex}"  # a URL nothing cached yet
    # The first read is counted and cached; the next five are answered from the cache.
    assert [api_client.get(url, **client_ip).status_code for _ in range(6)] == [200] * 6
    # Reads that reach the database still count: two more, then the limit.
    codes = [api_client.get("/api/tags/", **client_ip).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_it_accepts_session_authentication(api_client, editor):
    api_client.force_login(editor)
    assert api_client.post("/api/tags/", {"name": "Session"}, format="json").status_code == 201


def test_it_throttles_anonymous_clients(api_client, settings, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None},
    }
    client_ip = {"REMOTE_ADDR": "192.0.2.77"}  # its own throttle history, whatever ran before
    from django.core.cache import cache

    cache.delete("throttle_anon_192.0.2.77")
    codes = [api_client.get("/api/questions/", **client_ip).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api_client.get("/api/questions/", **client_ip)
    assert "Retry-After" in response


def test_it_refuses_a_second_plain_resolution_and_points_to_a_correction(
    client_for, resolver, question
):
    builders.resolve(question, "yes", known_at=datetime(2025, 2, 1, tzinfo=UTC))
    Question.objects.filter(pk=question.pk).update(state=Question.State.LIVE)

    response = client_for(resolver).post(
        "/api/questions/will-it-happen/resolve/",
        {
            "outcome": "no",
            "outcome_known_at": "2025-02-02T00:00:00Z",
            "evidence_url": "https://example.org/b",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "record a correction" in str(response.json()["question"])
    assert list(question.resolutions.values_list("outcome", "is_current")) == [("yes", True)]


def test_it_refuses_a_second_forecast_by_the_same_author_at_the_same_moment(
    client_for, editor, question, author
):
    client = client_for(editor)
    first = client.post("/api/forecasts/", forecast_body(probability=0.2), format="json")

    second = client.post("/api/forecasts/", forecast_body(probability=0.8), format="json")

    assert first.status_code == 201, first.json()
    assert second.status_code == 409  # well formed, but the moment is taken
    assert "already has a forecast on this question" in second.json()["stated_at"][0]
    assert list(Forecast.objects.values_list("probability", flat=True)) == [0.2]


def test_it_refuses_a_tag_name_already_taken_as_a_conflict(client_for, editor):
    client = client_for(editor)
    assert client.post("/api/tags/", {"name": "Elections"}, format="json").status_code == 201
    again = client.post("/api/tags/", {"name": "Elections", "slug": "polls"}, format="json")
    assert again.status_code == 409
    assert again.json() == {"name": ["A tag named “Elections” already exists."]}
