"""The question and forecast lists' SQL, kept per shape of request (forecasts.api.compiled).

What the kept SQL serves is held to the querysets' own answer in
``test_rows.py`` (byte for byte, and page by page); here: that a shape is
compiled once, that what a filter looked up is looked up again after any
write, that the clock's filters and the browsable API are never kept, and
that editors and the public never share a statement.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts.api import compiled
from forecasts.models import Question, Tag
from tests import builders

pytestmark = pytest.mark.django_db

START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def world(db):
    compiled.forget()
    author = builders.author("Ada Pundit")
    tag = builders.tag("Economy")
    for i in range(6):
        question = builders.question(
            f"question-{i}",
            opens_at=START,
            closes_at=START + timedelta(days=30),
            resolve_by=START + timedelta(days=60),
            state=Question.State.DRAFT if i == 5 else Question.State.LIVE,
            tags=[tag] if i % 2 else [],
        )
        builders.raw_forecast(
            question, author, stated_at=START + timedelta(days=1), probability=0.1 * (i + 1)
        )
    yield
    compiled.forget()


@pytest.fixture
def compilations(monkeypatch):
    """The lists compiled, in order: each a call of ``compiled.compile_list``."""
    calls: list[int] = []
    original = compiled.compile_list

    def counting(build, related=None, select=None):
        calls.append(1)
        return original(build, related, select)

    monkeypatch.setattr(compiled, "compile_list", counting)
    return calls


def queries(client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured), response.json()


@pytest.mark.parametrize("path", ["/api/questions/", "/api/forecasts/?ordering=probability"])
def test_a_shape_is_compiled_once_for_every_page(world, api_client, compilations, path):
    first = queries(api_client, path + ("&" if "?" in path else "?") + "page_size=2")
    assert len(compilations) == 1
    second = queries(api_client, path + ("&" if "?" in path else "?") + "page_size=2&page=2")
    assert len(compilations) == 1  # the page number is not part of the shape
    assert second[0] == first[0]  # the same queries, none to compile
    assert first[1]["count"] == second[1]["count"] >= 3
    assert {row["id"] for row in first[1]["results"]}.isdisjoint(
        row["id"] for row in second[1]["results"]
    )
    queries(api_client, path + ("&" if "?" in path else "?") + "page_size=3")
    assert len(compilations) == 2  # a page size is


def test_a_filter_looks_its_object_up_again_after_any_write(world, api_client, compilations):
    path = "/api/questions/?tag=economy"
    assert api_client.get(path).json()["count"] == 2  # question-5, a draft, is not shown
    assert api_client.get(path).json()["count"] == 2
    assert len(compilations) == 1
    Tag.objects.filter(slug="economy").update(slug="the-economy")
    response = api_client.get(path)
    assert response.status_code == 404
    assert response.json()["tag"] == ["No tag has the id or slug “economy”."]
    assert api_client.get("/api/questions/?tag=the-economy").json()["count"] == 2


def test_an_unfiltered_list_sees_every_write(world, api_client):
    assert api_client.get("/api/questions/").json()["count"] == 5
    Question.objects.filter(slug="question-0").update(state=Question.State.DRAFT)
    assert api_client.get("/api/questions/").json()["count"] == 4


def test_a_filter_on_the_clock_is_compiled_on_every_request(world, api_client, compilations):
    for _ in range(2):
        assert api_client.get("/api/questions/?status=open").status_code == 200
    assert len(compilations) == 2


def test_the_browsable_api_reads_the_querysets(world, api_client, compilations):
    response = api_client.get("/api/questions/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert compilations == []


def test_editors_and_the_public_never_share_a_statement(world, api_client, client_for, editor):
    assert api_client.get("/api/questions/").json()["count"] == 5
    assert client_for(editor).get("/api/questions/").json()["count"] == 6  # the draft too
    assert api_client.get("/api/questions/").json()["count"] == 5
    assert api_client.get("/api/forecasts/").json()["count"] == 5
    assert client_for(editor).get("/api/forecasts/").json()["count"] == 6


def test_a_bad_filter_is_refused_every_time(world, api_client, compilations):
    for _ in range(2):
        response = api_client.get("/api/forecasts/?scale=nonsense")
        assert response.status_code == 400
        assert "scale" in response.json()
    assert compilations == [1, 1]  # nothing kept from a refused request


def test_the_least_recently_used_shape_goes_first(world, api_client, monkeypatch):
    monkeypatch.setattr(compiled, "MAX_SHAPES", 2)
    for size in (1, 2, 1, 3):
        api_client.get(f"/api/questions/?page_size={size}")
    kept = [dict(key[3]).get("page_size") for key in compiled._compiled]
    assert kept == [("1",), ("3",)]


def test_a_kept_query_runs_with_each_argument(world):
    from forecasts.models import Author

    by_slug = compiled.Kept(lambda slug: Author.objects.filter(slug=slug), model=Author)
    ada = Author.objects.get(slug="ada-pundit")
    grace = builders.author("Grace Hopper")
    assert [a.pk for a in by_slug.instances("ada-pundit")] == [ada.pk]
    found = by_slug.instances(grace.slug)
    assert [(a.pk, a.name, a._state.adding) for a in found] == [(grace.pk, "Grace Hopper", False)]
    assert by_slug.instances("nobody") == []
    counted = compiled.Kept(
        lambda author_id: Question.objects.filter(forecasts__author_id=author_id), counted=True
    )
    assert counted.count(ada.pk) == 6
    assert counted.count(grace.pk) == 0


def test_a_kept_query_sets_its_related_instances(world):
    from forecasts.models import Forecast

    kept = compiled.Kept(
        lambda author_id: Forecast.objects.filter(author_id=author_id).order_by("stated_at", "id"),
        model=Forecast,
        related=("question", "source"),
    )
    author = Question.objects.get(slug="question-0").forecasts.get().author
    with CaptureQueriesContext(connection) as captured:
        forecasts = kept.instances(author.pk)
        slugs = [f.question.slug for f in forecasts]
        sources = {f.source for f in forecasts}
    assert len(captured) == 1
    assert sorted(slugs) == [f"question-{i}" for i in range(6)]
    assert sources == {None}


def test_a_query_whose_argument_is_not_a_parameter_is_refused(world):
    from forecasts.models import Author

    kept = compiled.Kept(lambda pk: Author.objects.all(), model=Author)
    with pytest.raises(RuntimeError):
        kept.instances(1)


def test_an_unknown_author_is_not_found_as_before(world, api_client):
    for path in ("/api/authors/nobody/scorecard/", "/api/authors/999999/scorecard/"):
        response = api_client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "No Author matches the given query."}
    ada = api_client.get("/api/authors/ada-pundit/scorecard/")
    assert ada.status_code == 200
    by_id = api_client.get(f"/api/authors/{ada.json()['author']}/scorecard/")
    assert by_id.json() == ada.json()


def test_rows_of_equal_values_come_by_id_on_every_page(world, api_client):
    """Every question has one forecast: ``n_forecasts`` ties them all."""
    pages = [
        api_client.get(f"/api/questions/?ordering=-n_forecasts&page_size=2&page={n}").json()
        for n in (1, 2, 3)
    ]
    ids = [row["id"] for page in pages for row in page["results"]]
    assert len(ids) == 5
    assert ids == sorted(ids)


def _prepared() -> list[str]:
    """The statements this connection has prepared (PostgreSQL's own view)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_the_kept_statements_are_prepared_and_nothing_else(world, api_client):
    # Django opens its connections with psycopg's prepared statements off: a request's
    # kept reads must turn them on for themselves, and only for themselves.
    for _ in range(3):
        assert api_client.get("/api/questions/").status_code == 200
    Question.objects.filter(slug="question-0").exists()  # Django's own cursor, bound on the client
    statements = _prepared()
    assert any("forecasts_change_seq" in sql for sql in statements)  # the ETag's stamp
    assert any(compiled.TOTAL in sql for sql in statements)  # the page with its count
    assert not any('WHERE "forecasts_question"."slug" =' in sql for sql in statements)


@pytest.mark.postgres
def test_prepared_statements_can_be_left_off_for_a_pooler(world, api_client, settings):
    settings.RECKON_DB_PREPARE = False
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # psycopg forgets what it had prepared too
    raw.prepare_threshold = None  # the connection as Django opens it
    for _ in range(3):
        assert api_client.get("/api/questions/").status_code == 200
    assert _prepared() == []


def test_kept_instances_are_what_from_db_makes(world):
    """``loaded`` sets the same attributes and state as ``Model.from_db``."""
    from django.db import connection

    from forecasts.models import Forecast

    forecast = Forecast.objects.first()
    names = [f.attname for f in Forecast._meta.concrete_fields]
    values = [getattr(forecast, name) for name in names]
    made = compiled.loaded(Forecast, connection.alias, names, values)
    expected = Forecast.from_db(connection.alias, names, values)
    assert {n: getattr(made, n) for n in names} == {n: getattr(expected, n) for n in names}
    assert (made._state.adding, made._state.db) == (False, connection.alias)
    assert made.get_deferred_fields() == set() and made == forecast
    assert made.question.slug == forecast.question.slug  # its relations load as before


def test_a_model_with_init_listeners_is_made_by_from_db(world):
    from django.db import connection
    from django.db.models.signals import post_init

    from forecasts.models import Tag

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    tag = Tag.objects.first()
    names = [f.attname for f in Tag._meta.concrete_fields]
    post_init.connect(listener, sender=Tag)
    try:
        make = compiled.maker(Tag)
        made = make(connection.alias, names, [getattr(tag, n) for n in names])
    finally:
        post_init.disconnect(listener, sender=Tag)
    assert seen == [made]


@pytest.mark.parametrize("path", ["/api/questions/", "/api/forecasts/"])
def test_a_count_is_read_once_while_the_stamp_stands(world, api_client, path):
    """The second request of a shape reads only its page; a write counts again."""
    first = api_client.get(path).json()
    with CaptureQueriesContext(connection) as again:
        second = api_client.get(path).json()
    assert second == first
    assert not [q for q in again.captured_queries if "SELECT COUNT(*) FROM (" in (q["sql"] or "")]
    author = builders.author("Late Comer")
    question = Question.objects.filter(state=Question.State.LIVE).first()
    builders.raw_forecast(question, author, stated_at=START + timedelta(days=2), probability=0.5)
    if path == "/api/questions/":
        builders.question("question-late", opens_at=START, closes_at=START + timedelta(days=9))
    with CaptureQueriesContext(connection) as after:
        third = api_client.get(path).json()
    assert third["count"] == first["count"] + 1
    assert [q for q in after.captured_queries if "SELECT COUNT(*) FROM (" in (q["sql"] or "")]
    assert api_client.get(path + "?page=2").status_code == 404  # one page: past the end


def _plans(fragment: str) -> list[tuple[int, int, str]]:
    """(generic plans, custom plans, text) of this connection's prepared statements that
    read ``fragment``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements")
        return [row for row in cursor.fetchall() if fragment in row[2]]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/api/forecasts/", 'FROM "forecasts_forecast" INNER JOIN'),
        ("/api/questions/", 'AS "_head"'),  # its rows written (``forecasts.api.written``)
    ],
)
def test_a_kept_list_is_planned_once_per_connection(world, api_client, path, fragment):
    """Its parameters are in its text: PostgreSQL keeps one plan for it. With them
    bound apart it plans each of the first five runs afresh, and the forecast list's
    page went on being planned on every run."""
    for _ in range(8):
        assert api_client.get(path).status_code == 200
    plans = _plans(fragment)  # the page counted (the first run), then bare
    assert len(plans) == 2
    assert not [sql for _, _, sql in plans if "$1" in sql]
    assert [custom for _, custom, _ in plans] == [0, 0]
    assert sorted(generic for generic, _, _ in plans) == [1, 7]


@pytest.mark.parametrize("path", ["/api/questions/", "/api/forecasts/"])
def test_text_written_into_a_kept_statement_is_read_as_written(world, api_client, path):
    """Quotes, a percent sign, a backslash and the page's own marker in a search: the
    kept statement finds what the querysets find (the browsable API reads those)."""
    awkward = "it's 50% \\ " + compiled.PAGE
    question = builders.question(
        "awkward",
        title=f"Will {awkward} hold?",
        opens_at=START,
        closes_at=START + timedelta(days=9),
    )
    builders.raw_forecast(
        question,
        builders.author("Odd Quoter"),
        stated_at=START + timedelta(days=1),
        quote=f"They said {awkward} firmly.",
    )
    for term in (awkward, "it's 50%", "nothing like it's"):
        query = "?" + urlencode({"search": term})
        kept = api_client.get(path + query).json()
        assert kept == api_client.get(path + query).json()  # the kept statement, run again
        browsed = api_client.get(path + query + "&format=api")
        assert browsed.status_code == 200
        expected = 0 if term.startswith("nothing") else 1
        assert kept["count"] == expected, term


@pytest.mark.postgres
def test_a_value_that_hides_the_page_marker_is_left_bound(world):
    from forecasts.models import Forecast

    statement = compiled.Statement.of(
        Forecast.objects.filter(quote=compiled.PAGE).values("pk").order_by("pk")
    )
    statement = replace(statement, sql=statement.sql + " " + compiled.PAGE)
    assert statement.inlined() is statement  # its text would hold the marker twice
    plain = compiled.Statement.of(Forecast.objects.filter(quote="plain").values("pk"))
    inlined = plain.inlined()
    assert inlined.literal and inlined.params == () and "'plain'" in inlined.sql
    assert inlined.rows() == plain.rows() == []
    with pytest.raises(ValueError, match="no parameters"):
        inlined.rows(params=("plain",))


def test_a_stored_scorecard_reads_its_author_s_counts_with_the_cards(world, api_client):
    """The ETag's stamp, the author, the cards with the author's counts (complete sources
    and questions waiting for a rescore), and numeric records: four statements. An author
    with no card reads the counts apart: five."""
    from forecasts.engine.rescoring import rescore_all

    rescore_all()
    path = "/api/authors/ada-pundit/scorecard/"
    first = api_client.get(path).json()
    with CaptureQueriesContext(connection) as captured:
        again = api_client.get(path).json()
    assert again == first and first["overall"] is not None
    assert first["n_from_complete_sources"] == 0 and first["updating"] is None
    assert len(captured) == 4, [q["sql"][:80] for q in captured.captured_queries]
    builders.author("No Cards")
    with CaptureQueriesContext(connection) as captured:
        bare = api_client.get("/api/authors/no-cards/scorecard/").json()
    assert bare["overall"] is None and bare["by_tag"] == [] and bare["updating"] is None
    assert bare["n_from_complete_sources"] == 0
    assert len(captured) == 5, [q["sql"][:80] for q in captured.captured_queries]


@pytest.mark.postgres
def test_a_page_reads_its_related_rows_once_not_row_by_row(world, api_client):
    """On PostgreSQL the question page's tags and options come from one grouped query
    each over the page's rows (``compiled.with_related``), not a subquery per row."""
    from forecasts.api import rows

    compiled.forget()
    with CaptureQueriesContext(connection) as captured:
        body = api_client.get("/api/questions/").json()
    (page,) = [q["sql"] for q in captured.captured_queries if compiled.TOTAL in (q["sql"] or "")]
    assert page.startswith(f"WITH {rows.ROWS} AS MATERIALIZED (")
    assert "array_to_json(ARRAY(SELECT" not in page  # no related array read row by row
    assert sorted(tag for row in body["results"] for tag in row["tags"]) == ["economy"] * 2


def test_a_page_not_ordered_by_position_reads_its_related_rows_row_by_row(world):
    """``with_related`` keeps a page's order by the positions of its columns; a statement
    ordered otherwise is left to read them row by row."""
    from forecasts.models import Question

    statement = compiled.Statement.of(Question.objects.values("id").order_by("-opens_at"))
    assert " ORDER BY " in statement.sql and compiled.POSITIONAL_ORDER.search(statement.sql) is None
    assert compiled.with_related(statement, {"anything": Question.objects.none()}) is None
