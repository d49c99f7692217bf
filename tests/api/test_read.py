"""Reading the ledger through the API: lists, details, filters, slugs."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from forecasts.models import Author, Forecast, Question, Source
from tests import builders

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def sample_ledger(author, source, question, choice_question, editor):
    """Two authors with forecasts on a binary and a multiple-choice question."""
    other = builders.author("Bo Analyst", kind=Author.Kind.ORGANISATION)
    ukraine = builders.tag("Ukraine")
    question.tags.add(ukraine)
    builders.forecast(
        question,
        author,
        source=source,
        probability=0.7,
        stated_at=datetime(2024, 11, 12, tzinfo=UTC),
        at=NOW,
        quote="It is likely.",
        phrase="likely",
        scale="icd203",
        interval=(0.55, 0.8),
        scale_point=0.7,
    )
    builders.forecast(
        question, other, probability=0.2, stated_at=datetime(2025, 3, 1, 9, tzinfo=UTC), at=NOW
    )
    options = list(choice_question.options.all())
    builders.forecast(
        choice_question,
        author,
        source=source,
        option_probabilities={options[0].pk: 0.5, options[1].pk: 0.3, options[2].pk: 0.2},
        stated_at=datetime(2024, 11, 12, tzinfo=UTC),
        at=NOW,
    )
    return {"other": other, "tag": ukraine}


def test_it_lists_authors_with_forecast_counts(api_client, sample_ledger):
    response = api_client.get("/api/authors/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(a["slug"], a["n_forecasts"]) for a in body["results"]] == [
        ("ada-pundit", 2),
        ("bo-analyst", 1),
    ]


def test_it_finds_an_author_by_slug_or_by_id(api_client, sample_ledger, author):
    by_slug = api_client.get("/api/authors/ada-pundit/").json()
    by_id = api_client.get(f"/api/authors/{author.pk}/").json()
    assert by_slug == by_id
    assert by_slug["name"] == "Ada Pundit"


def test_it_answers_404_in_json_for_an_unknown_slug(api_client, sample_ledger):
    response = api_client.get("/api/authors/nobody-at-all/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_it_answers_json_404_for_an_unrouted_api_path(api_client, db):
    response = api_client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_it_shows_a_question_with_options_tags_and_status(
    api_client, sample_ledger, question, choice_question
):
    with time_machine.travel(NOW, tick=False):
        body = api_client.get("/api/questions/", {"kind": "multiple_choice"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["slug"] == "who-wins"
    assert [o["label"] for o in row["options"]] == ["Red", "Blue", "Green"]
    assert row["status"] == "open"
    assert row["current_resolution"] is None
    assert row["n_forecasts"] == 1


def test_it_shows_the_current_resolution_and_its_history(
    api_client, sample_ledger, question, resolver
):
    with time_machine.travel(datetime(2026, 1, 5, tzinfo=UTC), tick=False):
        builders.resolve(
            question,
            "yes",
            known_at=datetime(2025, 9, 1, tzinfo=UTC),
            evidence_url="https://example.org/yes",
            by=resolver,
        )
        builders.correct(
            question,
            "no",
            known_at=datetime(2025, 9, 2, tzinfo=UTC),
            reason="Misread the report.",
            evidence_url="https://example.org/no",
            by=resolver,
        )
        body = api_client.get("/api/questions/will-it-happen/").json()
    assert body["status"] == "resolved"
    assert body["current_resolution"]["outcome"] == "no"
    assert body["current_resolution"]["is_correction"] is True
    assert [r["outcome"] for r in body["resolutions"]] == ["no", "yes"]
    assert [r["is_current"] for r in body["resolutions"]] == [True, False]


def test_it_filters_forecasts_by_author_slug_or_id(api_client, sample_ledger, author):
    by_slug = api_client.get("/api/forecasts/", {"author": "ada-pundit"}).json()
    by_id = api_client.get("/api/forecasts/", {"author": author.pk}).json()
    assert by_slug["count"] == by_id["count"] == 2
    assert {f["author_slug"] for f in by_slug["results"]} == {"ada-pundit"}


def test_it_answers_404_for_a_filter_naming_nothing_and_400_for_a_malformed_one(
    api_client, sample_ledger
):
    response = api_client.get("/api/forecasts/", {"author": "no-such-author"})
    assert response.status_code == 404
    message = "No author has the id or slug “no-such-author”."
    assert response.json() == {"detail": message, "author": [message]}
    malformed = api_client.get("/api/forecasts/", {"author": "not a slug!"})
    assert malformed.status_code == 400
    assert "author" in malformed.json()


def test_it_filters_forecasts_by_tag_and_question(api_client, sample_ledger):
    assert api_client.get("/api/forecasts/", {"tag": "ukraine"}).json()["count"] == 2
    assert api_client.get("/api/forecasts/", {"question": "who-wins"}).json()["count"] == 1


def test_it_shows_a_multiple_choice_forecast_with_its_option_probabilities(
    api_client, sample_ledger
):
    row = api_client.get("/api/forecasts/", {"question": "who-wins"}).json()["results"][0]
    assert row["probability"] is None
    assert [(p["label"], p["probability"]) for p in row["option_probabilities"]] == [
        ("Red", 0.5),
        ("Blue", 0.3),
        ("Green", 0.2),
    ]


def test_it_keeps_the_words_next_to_the_number(api_client, sample_ledger):
    row = api_client.get(
        "/api/forecasts/", {"author": "ada-pundit", "question": "will-it-happen"}
    ).json()["results"][0]
    assert (row["probability"], row["phrase"], row["scale"]) == (0.7, "likely", "icd203")
    assert (row["interval_low"], row["interval_high"], row["scale_point"]) == (0.55, 0.8, 0.7)
    assert row["source_slug"] == "what-next"


def test_it_orders_and_paginates(api_client, sample_ledger):
    first = api_client.get("/api/forecasts/", {"ordering": "probability", "page_size": 1}).json()
    assert first["count"] == 3
    assert first["results"][0]["probability"] is None or first["results"][0]["probability"] == 0.2
    assert first["next"]
    second = api_client.get(
        "/api/forecasts/", {"ordering": "probability", "page_size": 1, "page": 2}
    ).json()
    assert second["results"][0]["id"] != first["results"][0]["id"]


def test_it_answers_404_for_a_page_past_the_end(api_client, sample_ledger):
    assert api_client.get("/api/forecasts/", {"page": 99}).status_code == 404


def test_it_filters_questions_by_status(api_client, sample_ledger, question):
    with time_machine.travel(datetime(2025, 8, 1, tzinfo=UTC), tick=False):
        closed = api_client.get("/api/questions/", {"status": "closed"}).json()
        open_ = api_client.get("/api/questions/", {"status": "open"}).json()
    assert closed["count"] == 2
    assert open_["count"] == 0


def test_it_lists_questions_an_author_forecast(api_client, sample_ledger):
    body = api_client.get("/api/questions/", {"author": "bo-analyst"}).json()
    assert [q["slug"] for q in body["results"]] == ["will-it-happen"]


def test_it_hides_drafts_from_anonymous_readers_but_shows_editors(
    api_client, client_for, editor, sample_ledger, question
):
    Question.objects.filter(pk=question.pk).update(state=Question.State.DRAFT)
    anonymous = api_client.get("/api/questions/").json()
    as_editor = client_for(editor).get("/api/questions/").json()
    assert "will-it-happen" not in [q["slug"] for q in anonymous["results"]]
    assert "will-it-happen" in [q["slug"] for q in as_editor["results"]]
    assert api_client.get("/api/questions/will-it-happen/").status_code == 404


def test_it_lists_the_due_queue_oldest_first(api_client, sample_ledger, question, choice_question):
    Question.objects.filter(pk=choice_question.pk).update(
        resolve_by=datetime(2025, 11, 1, tzinfo=UTC)
    )
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC), tick=False):
        body = api_client.get("/api/due/").json()
    assert [q["slug"] for q in body["results"]] == ["who-wins", "will-it-happen"]
    assert {q["status"] for q in body["results"]} == {"due"}


def test_it_lists_sources_and_shows_full_text_on_detail_only(api_client, sample_ledger, source):
    Source.objects.filter(pk=source.pk).update(full_text="The whole article.")
    listed = api_client.get("/api/sources/", {"author": "ada-pundit"}).json()["results"][0]
    detail = api_client.get("/api/sources/what-next/").json()
    assert "full_text" not in listed
    assert detail["full_text"] == "The whole article."


def test_it_lists_tags(api_client, sample_ledger):
    assert api_client.get("/api/tags/").json()["results"] == [
        {"id": sample_ledger["tag"].pk, "slug": "ukraine", "name": "Ukraine"}
    ]


def test_it_lists_resolutions_with_history(api_client, sample_ledger, question, resolver):
    resolved = datetime(2026, 1, 5, tzinfo=UTC)
    builders.resolve(
        question,
        "yes",
        known_at=datetime(2025, 9, 1, tzinfo=UTC),
        evidence_note="Reported widely.",
        by=resolver,
        at=resolved,
    )
    builders.correct(
        question, "no", reason="Wrong report.", evidence_note="Retracted.", by=resolver, at=resolved
    )
    assert api_client.get("/api/resolutions/").json()["count"] == 2
    current = api_client.get(
        "/api/resolutions/", {"is_current": "true", "question": "will-it-happen"}
    ).json()
    assert [r["outcome"] for r in current["results"]] == ["no"]


def test_it_reports_health(api_client, db):
    response = api_client.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_caches_public_reads_briefly_but_never_for_signed_in_users(
    api_client, client_for, editor, sample_ledger, settings
):
    import uuid

    settings.RECKON_API_CACHE_SECONDS = 60
    path = f"/api/questions/?run={uuid.uuid4().hex}"  # a key no earlier run has cached
    first = api_client.get(path)
    assert first["Cache-Control"] == "public, max-age=60"
    Question.objects.filter(slug="who-wins").update(title="Renamed")
    cached = api_client.get(path).json()
    fresh = client_for(editor).get(path).json()
    assert "Renamed" not in [q["title"] for q in cached["results"]]
    assert "Renamed" in [q["title"] for q in fresh["results"]]


def test_the_forecast_list_is_cached_for_the_public_only(
    api_client, client_for, editor, sample_ledger, settings
):
    import uuid

    settings.RECKON_API_CACHE_SECONDS = 60
    path = f"/api/forecasts/?run={uuid.uuid4().hex}"
    first = api_client.get(path)
    assert first["Cache-Control"] == "public, max-age=60"
    forecast = Forecast.objects.order_by("pk").first()
    builders.raw_forecast(
        forecast.question,
        forecast.author,
        stated_at=forecast.stated_at + timedelta(minutes=1),
        quote="Written after the cached read",
    )
    assert api_client.get(path).json() == first.json()
    fresh = client_for(editor).get(path).json()
    assert fresh["count"] == first.json()["count"] + 1


def test_it_keys_the_public_cache_by_scheme_and_host(api_client, sample_ledger, settings):
    import uuid

    settings.RECKON_API_CACHE_SECONDS = 60
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    path = f"/api/questions/?page_size=1&run={uuid.uuid4().hex}"
    first = api_client.get(path, HTTP_HOST="a.example").json()
    other_host = api_client.get(path, HTTP_HOST="b.example").json()
    other_scheme = api_client.get(path, HTTP_HOST="a.example", secure=True).json()
    assert first["next"].startswith("http://a.example/api/questions/?")
    assert other_host["next"].startswith("http://b.example/api/questions/?")
    assert other_scheme["next"].startswith("https://a.example/api/questions/?")
