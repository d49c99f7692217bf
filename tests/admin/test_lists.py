"""The editors' "Import a prediction list" and the resolvers' "Record outcomes from the grading
post", through the admin with the test client."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forecasts import ledger
from forecasts.drafting import list_import
from forecasts.models import Forecast, Question, Resolution, Source
from tests import builders

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
IMPORT = reverse("admin:forecasts_source_import_list")
SOURCES = reverse("admin:forecasts_source_changelist")
POST_URL = "https://slatestarcodex.example/2020/04/29/predictions-for-2020/"
GRADING_URL = "https://slatestarcodex.example/2021/01/25/grading-my-2020-predictions/"

LIST = """\
CORONAVIRUS
1. Bay Area lockdown will be extended beyond June 15: 60%
2. Fewer than 100,000 US coronavirus deaths: 10%
3. Fewer than 300,000 US coronavirus deaths: 50%

## Markets
4. Bitcoin above $10,000 (70%)
"""


@pytest.fixture
def scott(db):
    return builders.author("Scott Alexander", slug="scott-alexander")


def counts() -> tuple[int, int, int, int]:
    return (
        Source.objects.count(),
        Question.objects.count(),
        Forecast.objects.count(),
        Resolution.objects.count(),
    )


def list_form(author, **changes) -> dict:
    data = {
        "author": author.pk,
        "url": POST_URL,
        "published_on": "2020-04-29",
        "title": "Predictions for 2020",
        "publisher": "Slate Star Codex",
        "closes_on": "",
        "text": LIST,
    }
    return {**data, **changes}


def confirm(client, url: str, data: dict, button: str, **kwargs):
    """Preview ``data``, then press ``button`` on that preview (as an editor would)."""
    preview = client.post(url, {**data, "_preview": "Preview"})
    previewed = preview.context["previewed"]
    return client.post(url, {**data, button: "Go", "_previewed": previewed}, **kwargs)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def imported(author) -> Source:
    plan = list_import.plan_list(
        author=author,
        url=POST_URL,
        published_on=date(2020, 4, 29),
        text=LIST,
        title="Predictions for 2020",
    )
    source, _ = list_import.import_list(plan=plan)
    return source


def approve(question: Question, title: str) -> None:
    question.title = title
    question.resolution_criteria = "As graded in the author's grading post."
    question.save(update_fields=["title", "resolution_criteria"])
    ledger.question_approve(question=question)


def test_it_previews_the_questions_and_forecasts_and_writes_nothing(client, editor, scott):
    client.force_login(editor)
    before = counts()

    response = client.post(IMPORT, {**list_form(scott), "_preview": "Preview"})

    assert response.status_code == 200
    assert counts() == before
    page = response.content.decode()
    assert "Preview: 4 draft question(s) and forecast(s) by Scott Alexander" in page
    assert "<td>Bay Area lockdown will be extended beyond June 15</td><td>60%</td>" in page
    assert "<td>4</td><td>Markets</td>" in page
    assert "closes\n    31 December 2020 and is due 31 January 2021" in page
    assert 'name="_create" value="Create drafts"' in page


def test_it_previews_a_long_list_in_as_many_queries_as_a_short_one(client, editor, scott):
    client.force_login(editor)
    long_list = "\n".join(f"{n}. Statement number {n}: {n % 99 + 1}%" for n in range(1, 201))

    with CaptureQueriesContext(connection) as short:
        client.post(IMPORT, {**list_form(scott), "_preview": "Preview"})
    with CaptureQueriesContext(connection) as long:
        response = client.post(IMPORT, {**list_form(scott, text=long_list), "_preview": "Preview"})

    assert "Preview: 200 draft question(s)" in response.content.decode()
    assert len(long) == len(short)


def test_it_lists_bad_lines_by_number_and_writes_nothing_even_when_told_to_create(
    client, editor, scott
):
    client.force_login(editor)
    bad = LIST + "5. Fewer than 3 million deaths\n6. Far too sure: 150%\n1. Repeated: 20%\n"
    before = counts()

    response = client.post(IMPORT, {**list_form(scott, text=bad), "_create": "Create drafts"})

    assert response.status_code == 200
    assert counts() == before
    page = response.content.decode()
    assert "Bad lines (3)" in page
    assert "<td>8</td><td>no probability found: end the line with one, e.g. “: 70%”.</td>" in page
    assert "<td>9</td><td>probability 150% is out of range: give 0–100% (or 0–1).</td>" in page
    assert "<td>10</td><td>number 1 is used twice (first on line 2).</td>" in page
    assert 'name="_create"' not in page


def test_it_creates_the_source_drafts_and_forecasts_in_one_go(client, editor, scott):
    client.force_login(editor)

    response = confirm(client, IMPORT, list_form(scott), "_create", follow=True)

    source = Source.objects.get(url=POST_URL)
    assert (source.title, source.author, source.published_on, source.kind, source.scale) == (
        "Predictions for 2020",
        scott,
        date(2020, 4, 29),
        "post",
        "numeric",
    )
    assert source.publisher == "Slate Star Codex"
    (message,) = texts(response)
    assert "“Predictions for 2020”: created 4 draft question(s) with Scott Alexander's" in message
    forecasts = list(
        Forecast.objects.filter(source=source).select_related("question").order_by("pk")
    )
    assert [(f.question.title, f.probability) for f in forecasts] == [
        ("[Draft: rewrite] Bay Area lockdown will be extended beyond June 15", 0.6),
        ("[Draft: rewrite] Fewer than 100,000 US coronavirus deaths", 0.1),
        ("[Draft: rewrite] Fewer than 300,000 US coronavirus deaths", 0.5),
        ("[Draft: rewrite] Bitcoin above $10,000", 0.7),
    ]
    first = forecasts[0]
    assert first.author == scott
    assert first.entered_by == editor
    assert first.quote == "1. Bay Area lockdown will be extended beyond June 15: 60%"
    assert first.phrase == "60%"
    assert first.stated_at == datetime(2020, 4, 29, tzinfo=UTC)
    question = first.question
    assert question.state == Question.State.DRAFT
    assert question.resolution_criteria == ""
    assert question.opens_at == datetime(2020, 4, 29, tzinfo=UTC)
    assert question.closes_at == datetime(2020, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert question.resolve_by == question.closes_at + timedelta(days=31)
    assert "item 1, section “CORONAVIRUS”" in question.editor_notes
    assert question.background == ""
    assert forecasts[3].question.slug == "bitcoin-above-10000"


def test_it_closes_the_questions_on_the_date_the_editor_gives(client, editor, scott):
    client.force_login(editor)

    confirm(client, IMPORT, list_form(scott, closes_on="2020-06-30"), "_create")

    closes = set(Question.objects.values_list("closes_at", flat=True))
    assert closes == {datetime(2020, 6, 30, 23, 59, 59, tzinfo=UTC)}


def test_it_previews_again_instead_of_writing_when_the_list_changed_after_the_preview(
    client, editor, scott
):
    client.force_login(editor)
    preview = client.post(IMPORT, {**list_form(scott), "_preview": "Preview"})
    changed = list_form(scott, text=LIST + "5. Added after the preview: 30%\n")
    before = counts()

    response = client.post(
        IMPORT, {**changed, "_create": "Create drafts", "_previewed": preview.context["previewed"]}
    )

    assert counts() == before
    page = response.content.decode()
    assert "Nothing was written: the input is not the one previewed." in page
    assert "Preview: 5 draft question(s)" in page


def test_it_writes_nothing_when_a_forecast_is_refused_midway(scott, monkeypatch):
    plan = list_import.plan_list(
        author=scott, url=POST_URL, published_on=date(2020, 4, 29), text=LIST
    )
    real, calls = ledger.forecast_create, []

    def refuse_the_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise ValidationError({"probability": "Refused."})
        return real(**kwargs)

    monkeypatch.setattr(ledger, "forecast_create", refuse_the_third)
    before = counts()

    with pytest.raises(ValidationError):
        list_import.import_list(plan=plan)

    assert counts() == before


def test_it_names_the_field_of_bad_post_details(client, editor, scott):
    imported(scott)
    client.force_login(editor)
    before = counts()

    response = client.post(
        IMPORT, {**list_form(scott, closes_on="2020-01-01"), "_create": "Create drafts"}
    )

    assert counts() == before
    errors = response.context["form"].errors
    assert errors["url"] == [
        "“Predictions for 2020” already has this URL: that post is imported already."
    ]
    assert errors["closes_on"] == ["The questions would close before the post was published."]


def test_it_refuses_the_import_to_resolvers_and_sends_visitors_to_log_in(client, resolver, scott):
    assert client.get(IMPORT).status_code == 302
    client.force_login(resolver)

    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {**list_form(scott), "_create": "Create drafts"}).status_code == 403
    assert counts() == (0, 0, 0, 0)


def test_it_links_the_import_from_the_sources_list_for_editors(client, editor):
    client.force_login(editor)

    page = client.get(SOURCES).content.decode()

    assert f'<a href="{IMPORT}">Import a prediction list</a>' in page


def grading_form(**changes) -> dict:
    text = "1. RIGHT\n2. RIGHT\n3. TRUE\n4. WRONG\n"
    return {"url": GRADING_URL, "graded_on": "2021-01-25", "text": text, **changes}


@pytest.fixture
def graded_source(scott):
    """The list imported, its first three drafts approved and the Bitcoin one still a draft."""
    source = imported(scott)
    q1, q2, q3, _ = (f.question for f in source.forecasts.select_related("question").order_by("pk"))
    approve(q1, "Will the Bay Area lockdown be extended beyond 15 June 2020?")
    approve(q2, "Will the US have fewer than 100,000 coronavirus deaths in 2020?")
    approve(q3, "Will the US have fewer than 300,000 coronavirus deaths in 2020?")
    return source


def outcomes_url(source: Source) -> str:
    return reverse("admin:forecasts_source_record_outcomes", args=[source.pk])


def test_it_previews_the_outcomes_read_off_the_authors_lean_and_writes_nothing(
    client, resolver, graded_source
):
    client.force_login(resolver)

    response = client.post(outcomes_url(graded_source), {**grading_form(), "_preview": "Preview"})

    assert Resolution.objects.count() == 0
    page = response.content.decode()
    assert "Preview: 3 outcome(s) to record" in page
    assert "<td>yes (RIGHT on a 60% call: happened)</td><td>will be recorded</td>" in page
    assert "<td>no (RIGHT on a 10% call: did not happen)</td><td>will be recorded</td>" in page
    assert "<td>yes</td><td>will be recorded</td>" in page
    assert (
        "<td>no (WRONG on a 70% call: did not happen)</td><td>still a draft: approve it first"
        in page
    )
    assert 'name="_record" value="Record outcomes"' in page


def test_it_records_the_live_outcomes_with_the_grading_post_as_evidence(
    client, resolver, graded_source
):
    client.force_login(resolver)

    response = confirm(client, outcomes_url(graded_source), grading_form(), "_record", follow=True)

    (message,) = texts(response)
    assert message == (
        "“Predictions for 2020”: recorded 3 outcome(s) from the grading post; "
        "1 still draft(s): approve them and paste the post again."
    )
    resolutions = list(
        Resolution.objects.select_related("question").order_by("question__forecasts__pk")
    )
    assert [(r.question.title[:33], r.outcome) for r in resolutions] == [
        ("Will the Bay Area lockdown be ext", "yes"),
        ("Will the US have fewer than 100,0", "no"),  # a 10% call graded RIGHT
        ("Will the US have fewer than 300,0", "yes"),
    ]
    second = resolutions[1]
    assert second.evidence_url == GRADING_URL
    assert second.evidence_note == (
        "Graded in the author's post: “2. RIGHT” — no (RIGHT on a 10% call: did not happen)."
    )
    assert second.outcome_known_at == datetime(2021, 1, 25, tzinfo=UTC)
    assert second.resolved_by == resolver
    assert Question.objects.drafts().count() == 1


def test_it_records_only_the_newly_approved_when_the_post_is_pasted_again(
    client, resolver, graded_source
):
    client.force_login(resolver)
    confirm(client, outcomes_url(graded_source), grading_form(), "_record")
    bitcoin = Question.objects.drafts().get()
    approve(bitcoin, "Will Bitcoin trade above $10,000 at the end of 2020?")

    confirm(client, outcomes_url(graded_source), grading_form(), "_record")

    assert Resolution.objects.count() == 4
    assert Resolution.objects.get(question=bitcoin).outcome == "no"  # a 70% call graded WRONG


def test_it_annuls_a_thrown_out_call(client, resolver, graded_source):
    client.force_login(resolver)

    confirm(client, outcomes_url(graded_source), grading_form(text="1. [thrown out]\n"), "_record")

    resolution = Resolution.objects.get()
    assert resolution.outcome == "annulled"
    assert resolution.reason == "Thrown out by the author in the grading post: “1. [thrown out]”."
    assert resolution.question.state == Question.State.ANNULLED


def test_it_lists_bad_outcome_lines_and_records_nothing(client, resolver, graded_source):
    client.force_login(resolver)

    response = client.post(
        outcomes_url(graded_source),
        {**grading_form(text="1. RIGHT\n3. RIGHT\n7. TRUE\n2. probably\n"), "_record": "Record"},
    )

    assert Resolution.objects.count() == 0
    page = response.content.decode()
    assert "Bad lines (3)" in page
    assert (
        "<td>2</td><td>“Fewer than 300,000 US coronavirus deaths” was a 50% call, so RIGHT does "
        "not say what happened: write TRUE or FALSE.</td>"
    ) in page
    assert "<td>3</td><td>the list has no item numbered 7.</td>" in page
    assert "<td>4</td><td>no outcome found: end it with RIGHT, WRONG" in page
    assert 'name="_record"' not in page


def test_it_refuses_a_grading_post_dated_before_the_list(client, resolver, graded_source):
    client.force_login(resolver)

    response = client.post(
        outcomes_url(graded_source),
        {**grading_form(graded_on="2020-01-01"), "_record": "Record outcomes"},
    )

    assert Resolution.objects.count() == 0
    assert response.context["form"].errors["graded_on"] == [
        "The grading post is dated before the list was published."
    ]


def test_it_refuses_the_grading_to_editors_and_links_it_for_resolvers(
    client, editor, resolver, graded_source
):
    client.force_login(editor)
    assert client.get(outcomes_url(graded_source)).status_code == 403
    refused = client.post(outcomes_url(graded_source), {**grading_form(), "_record": "Record"})
    assert refused.status_code == 403
    assert Resolution.objects.count() == 0

    client.force_login(resolver)
    change = reverse("admin:forecasts_source_change", args=[graded_source.pk])
    page = client.get(change).content.decode()
    assert (
        f'<a href="{outcomes_url(graded_source)}">Record outcomes from the grading post</a>' in page
    )
