"""Conditional reads: an ETag on every JSON read, 304 while nothing has changed, a new
ETag after any write that could change a body (forecasts.api.conditional)."""

import importlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from forecasts import ledger
from forecasts.api import conditional
from forecasts.engine import rescoring
from forecasts.models import Forecast, Question, Source, Tag
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


def _resolve(world):
    builders.resolve(Question.objects.get(slug="still-open"), "no", known_at=timezone.now())


def _new_question(world):
    builders.open_question("brand-new")


def _bulk_update(world):
    """An update no ``save()`` stamps (``updated_at`` stays), as a repair script makes."""
    Question.objects.filter(slug="settled").update(title="Renamed in bulk")


def _delete_tag(world):
    Tag.objects.filter(slug="economy").delete()


def _raw_score_repair(world):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE forecasts_questionscore SET brier = brier")


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
    _resolve,
    _new_question,
    _bulk_update,
    _delete_tag,
    _raw_score_repair,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_a_write_gives_every_route_a_new_etag(world, api_client, write):
    before = {path: etag(api_client, path) for path in routes(world)}
    write(world)
    for path, tag in before.items():
        response = api_client.get(path, HTTP_IF_NONE_MATCH=tag)
        assert response.status_code != 304, path  # 200, or 404 for the forecast deleted


# Tables no API response reads: writes to them need not move the ETags.
UNREAD = {"forecasts_resolutionprompt", "forecasts_rescorerun", "forecasts_rescorechunk"}


def _tables_with_change_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = c.relname || '_changed'"
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        named = {(table, name) for table, name in cursor.fetchall()}
        return {
            table
            for table, _ in named
            if all((table, f"{table}_{e}_changed") in named for e in ("insert", "update", "delete"))
        }


def test_every_table_a_response_reads_moves_the_change_stamp(db):
    from django.apps import apps

    tables = {
        model._meta.db_table
        for model in apps.get_app_config("forecasts").get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    assert tables - UNREAD <= _tables_with_change_triggers()
    migration = importlib.import_module("forecasts.migrations.0025_api_validator")
    assert set(migration.TABLES) | UNREAD >= tables


def test_time_alone_moves_a_question_list_whose_statuses_change(world, api_client):
    with time_machine.travel(timezone.now(), tick=False):
        tag = etag(api_client, "/api/questions/")
        assert api_client.get("/api/questions/", HTTP_IF_NONE_MATCH=tag).status_code == 304
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):  # it closed
        response = api_client.get("/api/questions/", HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 200
        statuses = {row["slug"]: row["status"] for row in response.json()["results"]}
        assert statuses["still-open"] == "closed"


def test_the_validator_reads_the_next_moment_each_live_question_opens_closes_or_falls_due(db):
    now = timezone.now()
    day = timedelta(days=1)

    def at(opens, closes, due, slug, state=Question.State.LIVE):
        made = builders.question(
            slug,
            opens_at=now + opens * day,
            closes_at=now + closes * day,
            resolve_by=now + due * day,
        )
        Question.objects.filter(pk=made.pk).update(state=state)

    at(5, 20, 30, "opens-later")
    at(-5, 9, 12, "closes-soonest")
    at(-9, -2, 4, "due-soonest")  # closed, not yet resolved
    at(1, 2, 3, "a-draft", state=Question.State.DRAFT)  # nothing of these moves a status
    at(-1, 1, 2, "settled", state=Question.State.RESOLVED)
    assert next_transitions(now) == (now + 5 * day, now + 9 * day, now + 4 * day)
    Question.objects.filter(state=Question.State.LIVE).update(state=Question.State.ANNULLED)
    assert next_transitions(now) == (None, None, None)


def next_transitions(now: datetime) -> tuple:
    """The validator's next opening, closing and due moment, as datetimes (SQLite gives
    the stored text)."""
    with time_machine.travel(now, tick=False):
        found = conditional.stamps()[-len(conditional.TRANSITIONS) :]
    return tuple(
        datetime.fromisoformat(value).replace(tzinfo=UTC) if isinstance(value, str) else value
        for value in found
    )


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


def _second_connection():
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_that_commits_after_a_later_one_still_moves_the_etag(api_client):
    """The sequence is drawn before commit: the earlier drawer may commit last."""
    builders.tag("Economy", slug="economy")
    first, second = _second_connection(), _second_connection()
    try:
        first.execute("INSERT INTO forecasts_tag (name, slug) VALUES ('Slow', 'slow')")
        with second.transaction():
            second.execute("INSERT INTO forecasts_tag (name, slug) VALUES ('Fast', 'fast')")
        tag = etag(api_client, "/api/tags/")  # the fast writer's tag shown, the slow one's not
        assert api_client.get("/api/tags/", HTTP_IF_NONE_MATCH=tag).status_code == 304
        first.commit()  # no new value drawn: the largest stays the fast writer's
        response = api_client.get("/api/tags/", HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 200
        assert "slow" in {row["slug"] for row in response.json()["results"]}
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_wait_for_each_other(db):
    """No shared row is locked: two open transactions write to the same table at once."""
    first, second = _second_connection(), _second_connection()
    done = threading.Event()
    try:
        first.execute("INSERT INTO forecasts_tag (name, slug) VALUES ('One', 'one')")

        def write() -> None:
            second.execute("INSERT INTO forecasts_tag (name, slug) VALUES ('Two', 'two')")
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=10)
        assert done.is_set()  # the second writer went through while the first was open
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()


def stamp_reads(captured) -> int:
    return sum("forecasts_change" in query["sql"] for query in captured.captured_queries)


def test_a_request_reads_the_change_stamp_once(world, api_client, settings):
    """The scorecard's readings key their cache by the stamp: the ETag's reading serves."""
    from django.test.utils import CaptureQueriesContext

    from forecasts.models import Author, Scorecard

    settings.RECKON_API_CACHE_SECONDS = 0
    author = Author.objects.get(slug="ada")
    Scorecard.objects.update_or_create(
        author=author, tag=None, defaults={"n_scored": 1, "brier": 0.09}
    )
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get("/api/authors/ada/scorecard/")
    assert response.status_code == 200 and response.json()["words"], response.json()  # read
    assert stamp_reads(captured) == 1


def test_a_stamp_is_kept_only_inside_one_request(world):
    from forecasts.models import changes

    first = changes.change_stamp()
    changes.remember(("stale", None))  # outside a request: kept nowhere
    assert changes.change_stamp() == first
    with changes.read_once():
        changes.remember(first)
        builders.tag("Moved", slug="moved")  # a write inside the request
        assert changes.change_stamp() == first  # the request's own reading
    assert changes.change_stamp() != first  # the next one sees the write
