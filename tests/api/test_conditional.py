"""Conditional reads: an ETag on every JSON read, 304 while nothing has changed, a new
ETag after any write that could change a body (forecasts.api.conditional)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from forecasts import ledger
from forecasts.engine import rescoring
from forecasts.models import Forecast, Question, RowDeletion, Source
from tests import builders

pytestmark = pytest.mark.django_db

START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def world(db):
    author = builders.author("Ada Pundit", slug="ada")
    source = builders.source(
        author, title="Column", published_on=START.date(), url="https://news.example/column"
    )
    tag = builders.tag("Economy", slug="economy")
    resolved = builders.question(
        "settled",
        opens_at=START,
        closes_at=START + timedelta(days=30),
        resolve_by=START + timedelta(days=60),
        tags=[tag],
    )
    builders.raw_forecast(
        resolved, author, source=source, stated_at=START + timedelta(days=1), probability=0.7
    )
    builders.resolve(resolved, "yes", known_at=START + timedelta(days=40))
    builders.open_question("still-open", tags=[tag])
    rescoring.rescore_all()
    return {"author": author, "source": source, "tag": tag, "question": resolved}


def routes(world) -> list[str]:
    forecast = Forecast.objects.first()
    resolution = world["question"].resolutions.first()
    score = world["author"].question_scores.first()
    card = world["author"].scorecards.first()
    return [
        "/api/authors/",
        "/api/authors/ada/",
        "/api/authors/ada/scorecard/",
        "/api/authors/ada/calibration/",
        "/api/sources/",
        f"/api/sources/{world['source'].slug}/",
        f"/api/sources/{world['source'].slug}/scorecard/",
        "/api/tags/",
        "/api/tags/economy/",
        "/api/questions/",
        "/api/questions/settled/",
        "/api/due/",
        "/api/forecasts/",
        f"/api/forecasts/{forecast.pk}/",
        "/api/resolutions/",
        f"/api/resolutions/{resolution.pk}/",
        "/api/scores/",
        f"/api/scores/{score.pk}/",
        "/api/scorecards/",
        f"/api/scorecards/{card.pk}/",
        "/api/leaderboard/?min_n=1",
    ]


def etag(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.content[:200])
    assert response["ETag"].startswith('W/"')
    assert "Authorization" in response["Vary"] and "Accept" in response["Vary"]
    return response["ETag"]


def test_every_list_and_detail_route_answers_304_to_its_own_etag(
    world, api_client, django_assert_num_queries
):
    for path in routes(world):
        tag = etag(api_client, path)
        with django_assert_num_queries(1):  # the validator alone
            again = api_client.get(path, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["ETag"] == tag
        assert "no-cache" in again["Cache-Control"]
        assert api_client.get(path, HTTP_IF_NONE_MATCH='W/"stale"').status_code == 200


def test_signed_in_readers_get_private_responses_and_their_own_etags(
    world, api_client, client_for, editor
):
    editors = client_for(editor)
    response = editors.get("/api/questions/")
    assert "private" in response["Cache-Control"]
    assert response["ETag"] != etag(api_client, "/api/questions/")  # editors also see drafts
    assert editors.get("/api/questions/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def _forecast(world):
    builders.raw_forecast(
        world["question"], world["author"], stated_at=START + timedelta(days=2), probability=0.2
    )


def _edit_question(world):
    question = world["question"]
    question.title = "A better title"
    question.save()


def _retag(world):
    Question.objects.get(slug="still-open").tags.clear()


def _correct(world):
    builders.correct(world["question"], reason="Misread the report.")


def _delete_forecast(world):
    """As only an audited repair may (PostgreSQL's guard lifted for the transaction)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('reckon.allow_forecast_write', 'on', true)")
        Forecast.objects.filter(question__slug="settled").order_by("pk").first().delete()


def _complete_source(world):
    ledger.source_mark_complete(source=world["source"], by=None)


def _rescore(world):
    Question.objects.filter(slug="settled").update(resolution_changed_at=timezone.now())
    rescoring.rescore_question(question_id=world["question"].pk)


def _new_author(world):
    builders.author("Bea Bettor")


def _rename_tag(world):
    tag = world["tag"]
    tag.name = "Economics"
    tag.save()


WRITES = [
    _forecast,
    _edit_question,
    _retag,
    _correct,
    _delete_forecast,
    _complete_source,
    _rescore,
    _new_author,
    _rename_tag,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_a_write_gives_every_route_a_new_etag(world, api_client, write):
    before = {path: etag(api_client, path) for path in routes(world)}
    write(world)
    for path, tag in before.items():
        response = api_client.get(path, HTTP_IF_NONE_MATCH=tag)
        assert response.status_code != 304, path  # 200, or 404 for the forecast deleted


def test_a_deleted_forecast_is_logged(world):
    _delete_forecast(world)
    assert RowDeletion.objects.filter(table=Forecast._meta.db_table).count() == 1


def test_time_alone_moves_a_question_list_whose_statuses_change(world, api_client):
    with time_machine.travel(timezone.now(), tick=False):
        tag = etag(api_client, "/api/questions/")
        assert api_client.get("/api/questions/", HTTP_IF_NONE_MATCH=tag).status_code == 304
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):  # it closed
        response = api_client.get("/api/questions/", HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 200
        statuses = {row["slug"]: row["status"] for row in response.json()["results"]}
        assert statuses["still-open"] == "closed"


def test_the_public_cache_answers_a_poll_with_the_etag_of_its_body(
    world, api_client, settings, django_assert_num_queries
):
    settings.RECKON_API_CACHE_SECONDS = 10
    first = api_client.get("/api/questions/")
    assert first["Cache-Control"] == "public, max-age=10"
    with django_assert_num_queries(0):
        poll = api_client.get("/api/questions/", HTTP_IF_NONE_MATCH=first["ETag"])
        hit = api_client.get("/api/questions/")
    assert poll.status_code == 304
    assert hit.content == first.content and hit["ETag"] == first["ETag"]


def test_a_source_marked_complete_is_seen(world, api_client):
    tag = etag(api_client, f"/api/sources/{world['source'].slug}/")
    Source.objects.filter(pk=world["source"].pk).update(is_complete=True)
    source = Source.objects.get(pk=world["source"].pk)
    source.save()  # an admin save stamps updated_at
    response = api_client.get(f"/api/sources/{source.slug}/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and response.json()["is_complete"] is True
