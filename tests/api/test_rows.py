"""The lists read as plain rows (forecasts.api.rows) give their serializers' bytes.

Each list's page is rendered twice with the API's renderer: as served (from
``.values()`` rows) and as the serializer makes it from model instances, on
a varied ledger: binary and multiple-choice questions, resolved, corrected,
annulled, pending and draft, a conditional one, numeric and date questions
(points, intervals, quantiles, a value clamped to a closed end), forecasts with
and without sources, worded forecasts, text outside ASCII and times with
microseconds.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from forecasts.api import compiled
from forecasts.api import serializers as s
from forecasts.api.renderers import FastJSONRenderer
from forecasts.api.views import forecasts_for, questions_for
from forecasts.models import Author, Forecast, Question
from tests import builders
from tests.builders import quantities as q
from tests.builders.random_ledgers import random_ledger

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def ledger_world(db):
    random_ledger(3, n_authors=5, n_questions=18)
    condition = Question.objects.filter(kind="binary").first()
    builders.conditional_question(condition, slug="if-so-then-what", title="Éte → “lasts”?")
    choice = Question.objects.filter(kind="multiple_choice").first()
    conditional_on_option = builders.question(
        "if-option",
        condition_question=choice,
        condition_outcome="option",
        condition_option=choice.options.first(),
        background="Ligne\u2028séparée",
    )
    author = Author.objects.create(name="Zoë", slug="zoe", is_synthetic=True)
    builders.raw_forecast(
        conditional_on_option,
        author,
        stated_at=datetime(2024, 11, 2, 3, 4, 5, 678901, tzinfo=UTC),
        probability=0.123456789,
        quote="« Probablement »",
    )
    # Labels that JSON must escape, read back from JSON text on PostgreSQL (``JsonArray``),
    # with a forecast on them (its option probabilities come the same way).
    awkward = builders.question(
        "awkward-labels",
        options=['Say "no"', "back\\slash", "line\u2028break", "tab\there", "😀 ünïcode"],
        tags=[builders.tag("Économie"), builders.tag("Zed")],
    )
    builders.raw_forecast(
        awkward,
        author,
        probability=None,
        option_probabilities=[0.1, 0.2, 0.3, 0.15, 0.25],
        stated_at=datetime(2024, 11, 3, tzinfo=UTC),
    )
    troops = q.numeric_question("troops", range_high_closed=True, range_high=150_000.0)
    q.raw_value_forecast(troops, author, value=81_000.5)
    q.raw_value_forecast(
        troops,
        author,
        value_low=70_000,
        value_high=90_000,
        coverage=0.8,
        stated_at=troops.opens_at + timedelta(hours=2),
    )
    # Whole numbers: read back from JSON arrays (PostgreSQL) as ints, written as floats.
    q.raw_value_forecast(
        troops,
        author,
        quantiles=q.quantiles([60_000.0, 75_000.0, 80_000.0, 95_000.0, 120_000.0]),
        stated_at=troops.opens_at + timedelta(hours=3),
    )
    q.raw_value_resolution(troops, 150_000.0, reported_value=162_000.0, known_at=troops.closes_at)
    ceasefire = q.date_question("ceasefire")
    q.raw_value_forecast(
        ceasefire,
        author,
        quantiles=q.quantiles([datetime(2025, m, 1, tzinfo=UTC).date() for m in (2, 4, 6, 8, 10)]),
    )


def served_and_serialized(client, path, queryset, serializer_class, *, at_least=10):
    with time_machine.travel(NOW, tick=False):
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        page = response.json()["results"]
        ids = [row["id"] for row in page]
        assert len(ids) >= at_least
        by_id = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
        expected = serializer_class(
            [by_id[i] for i in ids], many=True, context={**s.now_context(), "request": None}
        ).data
    served = FastJSONRenderer().render(page)
    assert served == FastJSONRenderer().render(expected)
    return response


def test_the_question_list_is_the_serializers_byte_for_byte(ledger_world, client_for, editor):
    client = client_for(editor)  # drafts too
    page = served_and_serialized(
        client, "/api/questions/?page_size=100", questions_for(editor), s.QuestionSerializer
    ).json()["results"]
    resolutions = [row["current_resolution"] for row in page if row["range"]]
    assert any(r and r["clamped"] for r in resolutions)
    assert b"\\u2028" in client.get("/api/questions/?search=if-option").content
    (awkward,) = [row for row in page if row["slug"] == "awkward-labels"]
    assert [o["label"] for o in awkward["options"]][:2] == ['Say "no"', "back\\slash"]
    assert sorted(awkward["tags"]) == ["economie", "zed"]  # in the order of their names


def test_the_due_list_is_the_serializers(ledger_world, api_client):
    with time_machine.travel(NOW, tick=False):
        due = Question.objects.published().due().count()
    assert due >= 2
    served_and_serialized(
        api_client,
        "/api/due/?page_size=100",
        questions_for(None),
        s.QuestionSerializer,
        at_least=due,
    )


def test_the_forecast_list_is_the_serializers_byte_for_byte(ledger_world, client_for, editor):
    assert Forecast.objects.filter(option_probabilities__isnull=False).exists()
    assert Forecast.objects.filter(source__isnull=True).exists()
    page = served_and_serialized(
        client_for(editor),
        "/api/forecasts/?page_size=500",
        forecasts_for(editor),
        s.ForecastSerializer,
    ).json()["results"]
    assert any(row["interval"] for row in page) and any(row["quantiles"] for row in page)
    whole = [row for row in page if row["quantiles"] and row["quantiles"][0]["value"] == 60_000.0]
    assert whole and b'"value":60000.0' in FastJSONRenderer().render(whole)


def test_filtered_and_ordered_pages_hold_the_same_rows(ledger_world, api_client):
    for path in (
        "/api/questions/?ordering=-n_forecasts&page_size=5&page=2",
        "/api/questions/?status=resolved",
        "/api/forecasts/?ordering=probability&page_size=7&page=3",
    ):
        body = api_client.get(path).json()
        assert body["results"], path
        assert body["count"] >= len(body["results"])


def test_a_bad_filter_is_still_refused(api_client, ledger_world):
    assert api_client.get("/api/questions/?status=nonsense").status_code == 400
    assert api_client.get("/api/forecasts/?author=no-such-author").status_code == 404


def test_the_renderer_writes_what_drf_wrote():
    from rest_framework.renderers import JSONRenderer

    body = {
        "text": "plain, é, \u2028 and \u2029",
        "at": datetime(2025, 1, 2, 3, 4, 5, 600000, tzinfo=UTC),
        "later": datetime(2025, 1, 2, tzinfo=UTC) + timedelta(microseconds=1),
        "numbers": [0, 1, -3, 0.1, 1 / 3, 0.25, 123456.789, None, True, False],
        "nested": [{"a": []}, {}],
    }
    assert FastJSONRenderer().render(body) == JSONRenderer().render(body)


def test_stored_scorecards_are_the_serializers_byte_for_byte(ledger_world, api_client):
    from forecasts.api.scores import ScorecardSerializer
    from forecasts.engine import rescoring
    from forecasts.models import Scorecard
    from forecasts.standings import scorecards

    rescoring.rescore_all()
    listed = api_client.get("/api/scorecards/?page_size=500").json()["results"]
    cards = list(Scorecard.objects.select_related("author", "tag"))
    assert len(listed) == len(cards) > 5
    by_id = {card.pk: card for card in cards}
    expected = ScorecardSerializer([by_id[row["id"]] for row in listed], many=True).data
    render = FastJSONRenderer().render
    assert render(listed) == render(expected)
    for author in Author.objects.filter(scorecards__tag__isnull=False).distinct():
        body = api_client.get(f"/api/authors/{author.slug}/scorecard/").json()
        overall, by_tag = scorecards.author_scorecards(author)
        assert render(body["overall"]) == render(ScorecardSerializer(overall).data)
        assert render(body["by_tag"]) == render(ScorecardSerializer(by_tag, many=True).data)


@pytest.mark.parametrize(
    "path",
    [
        "/api/questions/",
        "/api/questions/?page_size=7&page=2",
        "/api/questions/?page_size=7&page=last",
        "/api/questions/?ordering=-n_forecasts&page_size=6&page=4",
        *(
            f"/api/questions/?ordering={sign}{name}&page_size=8&page=2"
            for name in ("opens_at", "closes_at", "resolve_by", "created_at", "title", "id")
            for sign in ("", "-")
        ),
        "/api/questions/?ordering=title,-n_forecasts&page_size=9",
        "/api/questions/?status=resolved&page_size=3",
        "/api/questions/?kind=numeric",
        "/api/questions/?search=if-option",
        "/api/questions/?tag=no-such-tag-at-all",
        "/api/due/?page_size=2&page=2",
        "/api/forecasts/?page_size=500",
        "/api/forecasts/?ordering=probability&page_size=7&page=3",
        "/api/forecasts/?author=zoe&page_size=2&page=2",
        "/api/forecasts/?search=Probablement",
        "/api/forecasts/?question=troops",
    ],
)
def test_a_page_counted_with_its_window_is_the_page_counted_apart(
    ledger_world, api_client, monkeypatch, path
):
    """The count read with the page (``COUNT(*) OVER ()``) gives the same body, links and
    all, as the count queried apart; so does the last page, partial or asked as ``last``.
    The SQL kept from the first request (``forecasts.api.compiled``) serves the second
    alike, and both are what the querysets give, compiled on the request."""
    compiled.forget()
    with time_machine.travel(NOW, tick=False):
        served = api_client.get(path)
        again = api_client.get(path)
        monkeypatch.setattr(compiled, "compiled_rows", lambda *args, **kwargs: None)
        monkeypatch.setattr(compiled, "page_window", lambda view: None)
        apart = api_client.get(path)
    assert served.status_code == again.status_code == apart.status_code
    assert served.status_code in (200, 404), served.content[:300]
    assert served.content == again.content == apart.content


def test_a_page_past_the_end_is_still_not_found(ledger_world, api_client):
    count = api_client.get("/api/questions/?page_size=5").json()["count"]
    last = -(-count // 5)
    assert len(api_client.get(f"/api/questions/?page_size=5&page={last}").json()["results"]) > 0
    assert api_client.get(f"/api/questions/?page_size=5&page={last + 1}").status_code == 404
    assert api_client.get("/api/questions/?page=0").status_code == 404
    assert api_client.get("/api/forecasts/?page=x").status_code == 404
    assert api_client.get("/api/forecasts/?page_size=0").status_code == 400


def test_the_lists_write_times_in_another_zone_as_the_serializers_do(ledger_world, api_client):
    """Times come from PostgreSQL already written only while the current zone is UTC;
    in any other zone the rows are written as the serializers write them."""
    from django.utils import timezone

    with timezone.override("Asia/Kolkata"):
        questions = served_and_serialized(
            api_client, "/api/questions/?page_size=100", questions_for(None), s.QuestionSerializer
        ).json()["results"]
        served_and_serialized(
            api_client, "/api/forecasts/?page_size=500", forecasts_for(None), s.ForecastSerializer
        )
    assert all(row["opens_at"].endswith("+05:30") for row in questions)


def test_every_status_is_worked_out_from_the_times_read(ledger_world, api_client):
    page = served_and_serialized(
        api_client, "/api/questions/?page_size=100", questions_for(None), s.QuestionSerializer
    ).json()["results"]
    assert {"open", "resolved"} <= {row["status"] for row in page}


def test_a_list_filtered_on_the_clock_is_the_serializers_too(ledger_world, api_client):
    """``status`` is compiled on every request and read through the same written times."""
    page = served_and_serialized(
        api_client,
        "/api/questions/?status=open&page_size=100",
        questions_for(None),
        s.QuestionSerializer,
        at_least=1,
    ).json()["results"]
    assert {row["status"] for row in page} == {"open"}


def test_plans_for_passing_tuples_of_fields_stay_bounded():
    from forecasts.api import rows

    page = rows.Page(now=NOW, related={})
    for n in range(3 * rows.MAX_PLANS):
        fields = (rows.Field("id"), rows.Field(f"v{n}", "value"))  # a new tuple each time
        assert rows.bodies([{"id": n, "value": n}], fields, page) == [{"id": n, f"v{n}": n}]
    assert len(rows._plans) <= rows.MAX_PLANS
