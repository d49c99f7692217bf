"""Options belong to multiple-choice questions only, in the database too.

The ledger's services and the admin refuse an option on any other kind of
question (``ledger.rules.check_option_labels``), but nothing below them did:
a raw repair, a script or a bulk load could leave an option on a yes/no
question, which the API then listed and the pages showed beside a yes/no
outcome. Triggers now refuse it on both databases:

- PostgreSQL: constraint triggers checked at commit (``DEFERRABLE INITIALLY
  DEFERRED``), on a new or moved option and on a question's change of kind, so
  that one transaction may delete a question's options and change its kind in
  either order (the admin does both in one save).
- SQLite: at once, on a new or moved option and on a change of kind away from
  multiple choice while options remain (the admin deletes them first).

Before adding them the migration looks for options already on other kinds of
question and, if there are any, stops with a message listing them: nothing is
deleted automatically, because either the option or the question's kind may be
the mistake. Other database vendors get no trigger; the application's checks
still hold there.

On SQLite, a later migration that rebuilds the option or the question table
(Django does for most field changes there) drops these triggers: put them back
in that migration (``0028`` shows how to add a column in place instead).
"""

from django.db import migrations

CHOICE = "multiple_choice"
SHOWN = 20

POSTGRESQL = rf"""
CREATE FUNCTION reckon_options_on_choice_only() RETURNS trigger AS $$
DECLARE
    asked bigint;
BEGIN
    -- Each statement is planned when first run: NEW has the fields of its own table.
    IF TG_TABLE_NAME = 'forecasts_option' THEN
        asked := NEW.question_id;
    ELSE
        asked := NEW.id;
    END IF;
    IF EXISTS (
        SELECT 1 FROM forecasts_question q
        WHERE q.id = asked AND q.kind <> '{CHOICE}'
        AND EXISTS (SELECT 1 FROM forecasts_option o WHERE o.question_id = q.id)
    ) THEN
        RAISE EXCEPTION 'question % is not multiple-choice: it can have no options', asked
            USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER option_on_choice_question
    AFTER INSERT OR UPDATE OF question_id ON forecasts_option
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION reckon_options_on_choice_only();

CREATE CONSTRAINT TRIGGER question_kind_keeps_options
    AFTER UPDATE OF kind ON forecasts_question
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.kind <> '{CHOICE}')
    EXECUTE FUNCTION reckon_options_on_choice_only();
"""

POSTGRESQL_REMOVED = """
DROP TRIGGER IF EXISTS question_kind_keeps_options ON forecasts_question;
DROP TRIGGER IF EXISTS option_on_choice_question ON forecasts_option;
DROP FUNCTION IF EXISTS reckon_options_on_choice_only();
"""

SQLITE = [
    f"""
CREATE TRIGGER option_on_choice_question_{event}
BEFORE {event.upper()}{" OF question_id" if event == "update" else ""} ON forecasts_option
WHEN (SELECT kind FROM forecasts_question WHERE id = NEW.question_id) <> '{CHOICE}'
BEGIN SELECT RAISE(ABORT, 'the question is not multiple-choice: it can have no options'); END
"""
    for event in ("insert", "update")
] + [
    f"""
CREATE TRIGGER question_kind_keeps_options
BEFORE UPDATE OF kind ON forecasts_question
WHEN NEW.kind <> '{CHOICE}'
    AND EXISTS (SELECT 1 FROM forecasts_option WHERE question_id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the question has options: delete them before its kind changes'); END
"""
]

SQLITE_REMOVED = [
    "DROP TRIGGER IF EXISTS option_on_choice_question_insert",
    "DROP TRIGGER IF EXISTS option_on_choice_question_update",
    "DROP TRIGGER IF EXISTS question_kind_keeps_options",
]


def refuse_stray_options(apps, schema_editor) -> None:
    """Stop, naming them, if any option is on a question that is not multiple-choice."""
    Option = apps.get_model("forecasts", "Option")
    stray = list(
        Option.objects.exclude(question__kind=CHOICE)
        .order_by("question_id", "position", "pk")
        .values_list("question_id", "question__kind", "pk", "label")
    )
    if not stray:
        return
    lines = [
        f"  question {question} ({kind}): option {pk} {label!r}"
        for question, kind, pk, label in stray[:SHOWN]
    ]
    more = f"\n  … and {len(stray) - SHOWN} more" if len(stray) > SHOWN else ""
    raise RuntimeError(
        f"{len(stray)} option(s) on questions that are not multiple-choice:\n"
        + "\n".join(lines)
        + more
        + "\nNothing was changed. For each, either delete the option or make the question "
        "multiple-choice (admin: Questions → the question), then run migrate again. "
        "See docs/operations.md, 'Options on other kinds of question'."
    )


def _run(statements_by_vendor):
    def run(apps, schema_editor) -> None:
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0030_user_stamp_not_on_login")]

    operations = [
        migrations.RunPython(refuse_stray_options, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"postgresql": [POSTGRESQL], "sqlite": SQLITE}),
            _run({"postgresql": [POSTGRESQL_REMOVED], "sqlite": SQLITE_REMOVED}),
        ),
    ]
