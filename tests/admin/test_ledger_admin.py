"""The editors' desk: entering claims, resolving, and seeing errors on the field."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from forecasts.engine import rescoring
from forecasts.models import (
    Forecast,
    ForecastCorrection,
    Question,
    QuestionScore,
    Resolution,
    Source,
)
from tests import builders

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC


def form_data(response) -> dict:
    """The POST body a browser would send for an admin change form as rendered."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or (hasattr(field, "queryset") and value == []):
                continue
            if isinstance(value, datetime):  # the admin splits date and time
                data[form.add_prefix(name) + "_0"] = value.strftime("%Y-%m-%d")
                data[form.add_prefix(name) + "_1"] = value.strftime("%H:%M:%S")
                continue
            data[form.add_prefix(name)] = value
    return {k: v for k, v in data.items() if not isinstance(v, bool) or v}


def claim_prefix(response) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.opts.verbose_name_plural == "Add claims":
            return inline.formset.prefix
    raise AssertionError("no 'Add claims' inline")


def source_fields(author) -> dict:
    return {
        "title": "A new op-ed",
        "slug": "a-new-op-ed",
        "kind": "article",
        "author": author.pk,
        "publisher": "The Daily",
        "published_on": "2024-11-20",
        "scale": "icd203",
    }


def test_it_adds_a_source_with_a_claim(client, editor, author, question):
    client.force_login(editor)
    url = reverse("admin:forecasts_source_add")
    page = client.get(url)
    prefix = claim_prefix(page)
    data = form_data(page) | source_fields(author)
    data |= {
        f"{prefix}-0-question": question.pk,
        f"{prefix}-0-author": author.pk,
        f"{prefix}-0-probability": "0.675",
        f"{prefix}-0-quote": "It is likely to happen.",
        f"{prefix}-0-phrase": "likely",
        f"{prefix}-0-scale": "icd203",
        f"{prefix}-0-interval_low": "0.55",
        f"{prefix}-0-interval_high": "0.8",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    forecast = Forecast.objects.get()
    assert forecast.source.slug == "a-new-op-ed"
    # The date was left empty: the source's publication date is used.
    assert forecast.stated_at == datetime(2024, 11, 20, tzinfo=UTC)
    assert forecast.entered_by == editor and forecast.recorded_at == builders.FROZEN_AT


def test_it_shows_an_invalid_probability_on_the_field_and_saves_nothing(
    client, editor, author, question
):
    client.force_login(editor)
    url = reverse("admin:forecasts_source_add")
    page = client.get(url)
    prefix = claim_prefix(page)
    data = form_data(page) | source_fields(author)
    data |= {
        f"{prefix}-0-question": question.pk,
        f"{prefix}-0-author": author.pk,
        f"{prefix}-0-probability": "170",
        f"{prefix}-0-quote": "Certain!",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    claim_form = next(
        f
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
        for f in inline.formset.forms
    )
    message = "Enter a percentage from 0 to 100 (5 means 5%), not 170."
    assert claim_form.errors["probability"] == [message]
    assert message.encode() in response.content
    assert b"Constraint" not in response.content
    assert not Source.objects.filter(slug="a-new-op-ed").exists()
    assert not Forecast.objects.exists()


def test_it_shows_a_claim_stated_after_close_on_the_date_field(
    client, editor, author, source, question
):
    client.force_login(editor)
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    page = client.get(url)
    prefix = claim_prefix(page)
    data = form_data(page) | {
        f"{prefix}-0-author": author.pk,
        f"{prefix}-0-source": source.pk,
        f"{prefix}-0-stated_at_0": "2025-07-01",
        f"{prefix}-0-stated_at_1": "10:00:00",
        f"{prefix}-0-probability": "0.4",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"forecasts stated after that do not count" in response.content
    assert not Forecast.objects.exists()


def test_moving_a_scored_question_s_close_rescores_it(
    client, editor, author, source, eager, django_capture_on_commit_callbacks
):
    question = builders.closed_question("window")  # open 60 days ago, closed 30 days ago
    builders.forecast(question, author, source=source, probability=0.8)
    builders.resolve(question, "yes")
    rescoring.rescore_question(question_id=question.pk)
    assert QuestionScore.objects.get(question=question).n_days == 31
    client.force_login(editor)
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    earlier = question.closes_at - timedelta(days=10)
    data = form_data(client.get(url)) | {
        "closes_at_0": earlier.strftime("%Y-%m-%d"),
        "closes_at_1": earlier.strftime("%H:%M:%S"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert QuestionScore.objects.get(question=question).n_days == 21


def test_it_resolves_a_question_with_evidence_through_the_service(client, resolver, question):
    client.force_login(resolver)
    url = reverse("admin:forecasts_question_resolve", args=[question.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "outcome": "yes",
            "outcome_known_at": "2025-12-01 09:00",
            "evidence_url": "https://example.org/report",
            "evidence_note": "Reported by two agencies.",
        },
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get(question=question)
    assert (resolution.outcome, resolution.resolved_by, resolution.is_current) == (
        "yes",
        resolver,
        True,
    )
    question.refresh_from_db()
    assert question.state == Question.State.RESOLVED


def test_it_asks_for_a_reason_before_correcting(client, resolver, question):
    client.force_login(resolver)
    client.post(
        reverse("admin:forecasts_question_resolve", args=[question.pk]),
        {"outcome": "yes", "outcome_known_at": "2025-12-01 09:00", "evidence_note": "Seen."},
    )
    url = reverse("admin:forecasts_question_correct", args=[question.pk])
    response = client.post(url, {"outcome": "no", "outcome_known_at": "2025-12-02 09:00"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(
        url,
        {
            "outcome": "no",
            "outcome_known_at": "2025-12-02 09:00",
            "reason": "Misread.",
            "evidence_note": "x",
        },
    )
    assert response.status_code == 302
    assert list(question.resolutions.values_list("outcome", "is_current").order_by("pk")) == [
        ("yes", False),
        ("no", True),
    ]
    history = client.get(reverse("admin:forecasts_question_change", args=[question.pk]))
    assert b"Resolution history" in history.content and b"Misread." in history.content


def test_it_refuses_resolution_to_an_editor_without_the_role(client, editor, question):
    client.force_login(editor)
    response = client.get(reverse("admin:forecasts_question_resolve", args=[question.pk]))
    assert response.status_code == 403


def test_it_annuls_with_a_reason(client, resolver, question):
    client.force_login(resolver)
    response = client.post(
        reverse("admin:forecasts_question_annul", args=[question.pk]),
        {"outcome_known_at": "2025-12-01 09:00", "reason": "The premise never happened."},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == Question.State.ANNULLED


def test_it_corrects_a_forecast_with_an_audit_trail_and_never_deletes(
    client, editor, question, author, source
):
    forecast = builders.forecast(
        question,
        author,
        source=source,
        stated_at=datetime(2024, 11, 12, tzinfo=UTC),
        probability=0.07,
    )
    client.force_login(editor)
    url = reverse("admin:forecasts_forecast_change", args=[forecast.pk])
    page = client.get(url)
    data = form_data(page) | {"probability": "70"}
    data.pop("correction_reason", None)
    response = client.post(url, data)
    assert (
        response.status_code == 200
        and response.context["adminform"].form.errors["correction_reason"]
    )
    response = client.post(url, data | {"correction_reason": "Typed 0.07 for 0.7."})
    assert response.status_code == 302, response.context["adminform"].form.errors
    forecast.refresh_from_db()
    assert forecast.probability == 0.7
    assert ForecastCorrection.objects.get().reason == "Typed 0.07 for 0.7."
    delete = client.post(
        reverse("admin:forecasts_forecast_delete", args=[forecast.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Forecast.objects.filter(pk=forecast.pk).exists()


def test_it_filters_questions_by_status_and_searches(client, editor, question):
    client.force_login(editor)
    changelist = reverse("admin:forecasts_question_changelist")
    due = client.get(changelist, {"status": "due"})
    assert question.title.encode() in due.content  # resolve-by 2025-12-31 is past
    assert question.title.encode() not in client.get(changelist, {"status": "open"}).content
    assert question.title.encode() in client.get(changelist, {"q": "happen"}).content


def test_it_filters_questions_by_an_author_with_forecasts_listing_each_question_once(
    client, editor, author, source, question, django_assert_max_num_queries
):
    silent = builders.author("Silent Sam", slug="silent-sam")  # no forecast anywhere
    other = builders.author("Other Olga", slug="other-olga")
    stated = question.opens_at + timedelta(days=1)
    for day in (0, 1):  # two claims by one author on one question
        builders.raw_forecast(
            question, author, source=source, stated_at=stated + timedelta(days=day), probability=0.6
        )
    builders.raw_forecast(builders.question("another"), other, probability=0.2)
    client.force_login(editor)
    changelist = reverse("admin:forecasts_question_changelist")
    with django_assert_max_num_queries(20):
        page = client.get(changelist)
    choices = [
        spec
        for spec in page.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "forecasts__author"
    ][0].lookup_choices
    assert sorted(pk for pk, _ in choices) == sorted([author.pk, other.pk])
    assert silent.pk not in {pk for pk, _ in choices}
    filtered = client.get(changelist, {"forecasts__author__id__exact": author.pk})
    assert filtered.context["cl"].result_count == 1
    assert [q.pk for q in filtered.context["cl"].result_list] == [question.pk]
    assert filtered.context["cl"].result_list[0].forecast_total == 2
    unfiltered = page.context["cl"].queryset.query
    assert not unfiltered.distinct  # no filter or search joins forecasts: no DISTINCT


def test_it_finds_a_question_by_a_word_in_its_claims_quotes_once(
    client, editor, author, source, question
):
    stated = question.opens_at + timedelta(days=1)
    for day in (0, 1):  # two claims quoting the word
        builders.raw_forecast(
            question,
            author,
            source=source,
            stated_at=stated + timedelta(days=day),
            quote="Stagflation is coming, mark my words.",
        )
    other = builders.question("another", title="Will the bridge open?")
    builders.raw_forecast(other, author, quote="Nothing to see here.")
    client.force_login(editor)
    changelist = reverse("admin:forecasts_question_changelist")
    for term in ("stagflation", "STAGFLATION coming", '"mark my"'):
        found = client.get(changelist, {"q": term}).context["cl"]
        assert [q.pk for q in found.result_list] == [question.pk], term
        assert found.result_count == 1 and not found.queryset.query.distinct
    both = client.get(changelist, {"q": "stagflation bridge"}).context["cl"]
    assert both.result_count == 0  # every word must match, in the question or a quote
    by_title = client.get(changelist, {"q": "bridge"}).context["cl"]
    assert [q.pk for q in by_title.result_list] == [other.pk]


def test_it_offers_autocomplete_for_authors(client, editor, author):
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Ada", "app_label": "forecasts", "model_name": "forecast", "field_name": "author"},
    )
    assert response.json()["results"][0]["text"] == "Ada Pundit"


def test_it_offers_the_sources_byline_and_scale_for_new_claims(client, editor, source):
    client.force_login(editor)
    page = client.get(reverse("admin:forecasts_source_change", args=[source.pk]))
    prefix = claim_prefix(page)
    blank = next(
        f
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
        for f in inline.formset.forms
    )
    assert blank["author"].value() == source.author_id
    assert blank["scale"].value() == source.scale


def test_it_refuses_a_second_plain_resolution_in_the_admin(client, resolver, question):
    builders.resolve(question, "yes", known_at=datetime(2025, 2, 1, tzinfo=UTC))
    Question.objects.filter(pk=question.pk).update(state=Question.State.LIVE)
    client.force_login(resolver)

    response = client.post(
        reverse("admin:forecasts_question_resolve", args=[question.pk]),
        {"outcome": "no", "outcome_known_at": "2025-12-01 09:00", "evidence_note": "Seen."},
    )

    assert response.status_code == 200
    assert "record a correction" in str(response.context["form"].non_field_errors())
    assert list(question.resolutions.values_list("outcome", "is_current")) == [("yes", True)]


def _change(client, question, **fields):
    """POST the question's change form as rendered, with ``fields`` changed."""
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    data = form_data(client.get(url))
    for name, value in fields.items():
        if isinstance(value, datetime):
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
        else:
            data[name] = value
    return client.post(url, data)


def test_it_refuses_to_change_the_kind_of_a_resolved_question(client, editor, author, source):
    question = builders.closed_question("window")
    builders.forecast(question, author, source=source, probability=0.8)
    builders.resolve(question, "yes")
    client.force_login(editor)

    response = _change(client, question, kind="multiple_choice")

    assert response.status_code == 200
    assert "its kind cannot change" in str(response.context["adminform"].form.errors["kind"])
    question.refresh_from_db()
    assert question.kind == "binary"


def test_it_lets_the_kind_of_an_unused_question_change(client, editor):
    question = builders.closed_question("window")
    client.force_login(editor)
    options = {"options-TOTAL_FORMS": "2"} | {
        f"options-{i}-{name}": value
        for i, label in enumerate(["North", "South"])
        for name, value in (("label", label), ("position", str(i)))
    }

    assert _change(client, question, kind="multiple_choice", **options).status_code == 302

    question.refresh_from_db()
    assert question.kind == "multiple_choice"


def test_it_refuses_to_close_a_question_before_forecasts_stated_while_it_was_open(
    client, editor, author, source
):
    question = builders.closed_question("window")  # open 60 days ago, closed 30 days ago
    stated = question.opens_at + timedelta(days=20)
    builders.forecast(question, author, source=source, stated_at=stated)
    builders.forecast(question, author, source=source, stated_at=stated - timedelta(days=5))
    closes_at = question.closes_at
    client.force_login(editor)

    response = _change(client, question, closes_at=question.opens_at + timedelta(days=2))

    assert response.status_code == 200
    message = str(response.context["adminform"].form.errors["closes_at"])
    assert "2 forecast(s) were stated while the question was open" in message
    assert f"{stated:%Y-%m-%d %H:%M:%S}" in message
    question.refresh_from_db()
    assert question.closes_at == closes_at
    # Closing right at the latest forecast keeps every one: accepted.
    assert _change(client, question, closes_at=stated).status_code == 302


def test_it_refuses_an_outcome_known_before_the_question_opened(client, resolver):
    question = builders.closed_question("window")
    client.force_login(resolver)

    response = client.post(
        reverse("admin:forecasts_question_resolve", args=[question.pk]),
        {"outcome": "no", "outcome_known_at": "1900-01-01 00:00", "evidence_note": "Seen."},
    )

    assert response.status_code == 200
    errors = str(response.context["form"].errors["outcome_known_at"])
    assert "cannot have been known before the question opened" in errors
    assert not Resolution.objects.exists()


@pytest.fixture
def pundit_account(db):
    return builders.user("pundit")


def _link(client, author, account):
    url = reverse("admin:forecasts_author_change", args=[author.pk])
    data = form_data(client.get(url)) | {"user": account.pk}
    return client.post(url, data)


def test_it_refuses_an_editor_linking_an_account_to_an_author(
    client, editor, author, pundit_account
):
    client.force_login(editor)

    response = _link(client, author, pundit_account)

    assert response.status_code == 200
    assert "Only a superuser may link an account" in str(
        response.context["adminform"].form.errors["user"]
    )
    author.refresh_from_db()
    assert author.user is None


def test_it_lets_a_superuser_link_an_active_account_not_linked_elsewhere(
    client, author, pundit_account
):
    admin = builders.user("root")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)

    assert _link(client, author, pundit_account).status_code == 302
    author.refresh_from_db()
    assert author.user == pundit_account

    other = builders.author("Bo Analyst")
    response = _link(client, other, pundit_account)
    assert "already linked to Ada Pundit" in str(response.context["adminform"].form.errors["user"])
    pundit_account.is_active = False
    pundit_account.save()
    third = builders.author("Cy Sage")
    response = _link(client, third, pundit_account)
    assert "is inactive" in str(response.context["adminform"].form.errors["user"])


def test_it_shows_a_repeated_claim_on_the_date_field(client, editor, author, source, question):
    stated = datetime(2025, 3, 1, 10, tzinfo=UTC)
    builders.forecast(question, author, source=source, stated_at=stated, probability=0.2)
    client.force_login(editor)
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    page = client.get(url)
    prefix = claim_prefix(page)
    data = form_data(page) | {
        f"{prefix}-0-author": author.pk,
        f"{prefix}-0-source": source.pk,
        f"{prefix}-0-stated_at_0": "2025-03-01",
        f"{prefix}-0-stated_at_1": "10:00:00",
        f"{prefix}-0-probability": "0.8",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert b"Ada Pundit already has a forecast on this question stated at 2025-03-01" in (
        response.content
    )
    assert list(Forecast.objects.values_list("probability", flat=True)) == [0.2]


def test_it_moves_the_close_before_forecasts_when_given_a_reason_and_audits_it(
    client, editor, author, source, django_capture_on_commit_callbacks
):
    question = builders.closed_question("window")
    stated = question.opens_at + timedelta(days=20)
    late = builders.forecast(question, author, source=source, stated_at=stated)
    new_close = question.opens_at + timedelta(days=2)
    client.force_login(editor)

    response = _change(
        client, question, closes_at=new_close, change_reason="The event was on day 2."
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.closes_at == new_close
    correction = question.corrections.get()
    assert correction.reason == "The event was on day 2." and correction.corrected_by == editor
    assert "1 forecast(s) stop counting (stated after the new close): Ada Pundit" in (
        correction.effect
    )
    assert f"#{late.pk}" in correction.effect
    page = client.get(reverse("admin:forecasts_question_change", args=[question.pk]))
    assert b"Corrections of the question" in page.content and b"The event was on day 2." in (
        page.content
    )
