"""A question's options in the admin: only on multiple-choice questions, two or more,
fixed once forecasts or a resolution exist; and the database's own guard."""

import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from forecasts.models import Option, Question
from tests import builders
from tests.admin.test_ledger_admin import form_data

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC


def _post(client, question, *, options=None, delete=(), **fields):
    """POST the question's change form as rendered, with ``fields`` changed, the option
    rows replaced by ``options`` (labels) if given, and the rows at ``delete`` ticked."""
    url = reverse("admin:forecasts_question_change", args=[question.pk])
    data = form_data(client.get(url)) | fields
    existing = list(question.options.order_by("position", "pk"))
    if options is not None:
        for i, label in enumerate(options):
            data[f"options-{i}-label"] = label
            data[f"options-{i}-position"] = str(i)
            data[f"options-{i}-question"] = str(question.pk)
            if i < len(existing):
                data[f"options-{i}-id"] = str(existing[i].pk)
        data["options-TOTAL_FORMS"] = str(max(len(options), len(existing)))
    for i in delete:
        data[f"options-{i}-DELETE"] = "on"
    return client.post(url, data)


def _options_error(response) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == "options":
            return str(inline.formset.non_form_errors())
    raise AssertionError("no options inline")


def test_an_editor_deletes_a_wrong_option_of_an_unused_question(client, editor):
    question = builders.question("pick", options=["Red", "Blue", "Blue-ish"])
    client.force_login(editor)

    assert _post(client, question, delete=[2]).status_code == 302

    assert list(question.options.values_list("label", flat=True)) == ["Red", "Blue"]


def test_it_refuses_options_on_a_yes_no_question_and_saves_nothing(client, editor):
    question = builders.closed_question("window")
    client.force_login(editor)

    response = _post(client, question, options=["Yes, soon", "Later"], title="Renamed")

    assert response.status_code == 200
    assert "A binary question has no options" in _options_error(response)
    question.refresh_from_db()
    assert question.title != "Renamed" and not question.options.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"delete": [1, 2]}, "two or more labelled options"),
        ({"options": ["Red", "Red", "Green"]}, "duplicate data for label"),
    ],
    ids=["one-left", "same-labels"],
)
def test_a_multiple_choice_question_needs_two_different_options(
    client, admin_user, change, message
):
    question = builders.question("pick", options=["Red", "Blue", "Green"])
    client.force_login(admin_user)  # editors may not delete options at all

    response = _post(client, question, **change)

    assert response.status_code == 200
    assert message in _options_error(response)
    assert list(question.options.values_list("label", flat=True)) == ["Red", "Blue", "Green"]


def test_it_lets_an_unused_question_become_multiple_choice_with_its_options(client, editor):
    question = builders.closed_question("window")
    client.force_login(editor)

    response = _post(client, question, kind="multiple_choice", options=["North", "South"])

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.kind == "multiple_choice"
    assert list(question.options.values_list("label", flat=True)) == ["North", "South"]


def test_it_refuses_multiple_choice_without_options(client, editor):
    question = builders.closed_question("window")
    client.force_login(editor)

    response = _post(client, question, kind="multiple_choice")

    assert "two or more labelled options" in _options_error(response)
    question.refresh_from_db()
    assert question.kind == "binary"


def test_an_unused_question_leaves_multiple_choice_once_its_options_are_deleted(client, admin_user):
    question = builders.question("pick", options=["Red", "Blue"])
    client.force_login(admin_user)  # editors may not delete options at all

    kept = _post(client, question, kind="binary")
    assert "A binary question has no options" in _options_error(kept)
    assert Question.objects.get(pk=question.pk).kind == "multiple_choice"

    assert _post(client, question, kind="binary", delete=[0, 1]).status_code == 302

    question.refresh_from_db()
    assert question.kind == "binary" and not question.options.exists()


def test_options_are_fixed_once_the_question_has_forecasts(client, editor, author, source):
    question = builders.question("pick", options=["Red", "Blue"])
    builders.forecast(question, author, source=source, option_probabilities=[0.7, 0.3])
    client.force_login(editor)

    fixed = "cannot change once the question has forecasts"
    for change, message in (
        ({"options": ["Red", "Navy"]}, fixed),
        ({"options": ["Red", "Blue", "Green"]}, fixed),
        # The forecast's probability for it protects the option first (its foreign key).
        ({"delete": [1]}, "would require deleting the following protected related objects"),
    ):
        response = _post(client, question, **change)
        assert response.status_code == 200
        assert message in _options_error(response), change
    assert list(question.options.values_list("label", flat=True)) == ["Red", "Blue"]
    assert _post(client, question, title="Which colour wins?").status_code == 302  # rest edits


def _checked_now() -> None:
    """PostgreSQL checks the guard at commit (deferred): check it at each statement here."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db
def test_the_database_refuses_an_option_on_another_kind_of_question():
    binary = builders.question("yes-or-no")
    numeric = builders.question("how-many", kind=Question.Kind.NUMERIC)
    choice = builders.question("pick", options=["Red", "Blue"])
    _checked_now()

    for question in (binary, numeric):
        with pytest.raises(IntegrityError), transaction.atomic():
            Option.objects.create(question=question, label="Stray", position=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Option.objects.filter(question=choice, position=0).update(question=binary)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=choice.pk).update(kind=Question.Kind.BINARY)

    assert Option.objects.filter(question__kind="multiple_choice").count() == 2
    assert not Option.objects.exclude(question__kind="multiple_choice").exists()
    Option.objects.filter(question=choice).delete()
    Question.objects.filter(pk=choice.pk).update(kind=Question.Kind.BINARY)  # none left: allowed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_guard_waits_for_the_commit():
    """One transaction may change the kind first and delete the options after (deferred);
    a transaction that leaves an option on a yes/no question fails at its commit."""
    choice = builders.question("pick", options=["Red", "Blue"])
    with transaction.atomic():
        Question.objects.filter(pk=choice.pk).update(kind=Question.Kind.BINARY)
        Option.objects.filter(question=choice).delete()
    assert Question.objects.get(pk=choice.pk).kind == "binary"

    with pytest.raises(IntegrityError), transaction.atomic():
        Option.objects.create(question=choice, label="Stray", position=0)
    assert not Option.objects.filter(question=choice).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_migration_stops_naming_options_already_on_other_kinds():
    """Before the guard, stray rows could exist: the migration lists them and changes
    nothing (on PostgreSQL a test's transaction never commits, so one can be made)."""
    from django.apps import apps

    migration = importlib.import_module(
        "forecasts.migrations.0031_options_on_choice_questions_only"
    )
    choice = builders.question("pick", options=["Red", "Blue"])
    migration.refuse_stray_options(apps, None)  # none yet: nothing to say
    binary = builders.question("yes-or-no")
    Option.objects.create(question=binary, label="Stray", position=0)

    with pytest.raises(RuntimeError, match=r"(?s)1 option\(s\).*'Stray'.*Nothing was changed"):
        migration.refuse_stray_options(apps, None)
    assert choice.options.count() == 2
    Option.objects.filter(question=binary).delete()  # else the guard refuses the test's end
