"""One forecast per author, question and moment; and questions guard their forecasts' timing.

* A unique constraint on (question, author, stated_at): two forecasts by one
  author on one question at the same moment left the scorer to pick one
  silently. Its index replaces the plain one on the same columns.
  Before adding it, the migration looks for existing duplicates and, if there
  are any, stops with a message listing them: nothing is deleted or changed
  automatically, because either forecast may be the author's real words. Fix
  each pair with an audited correction of one forecast's ``stated_at`` (admin:
  Forecasts → the forecast → Correct), then migrate again (docs/operations.md).
* A PostgreSQL trigger on question updates: the close of a published question
  may not move before a forecast stated within the old window (it would
  silently stop counting; a draft's approval checks its own claims), and
  the kind may not change once the question has forecasts or a resolution. A
  ledger service may lift it for its own transaction with
  ``set_config('reckon.allow_question_change', 'on', true)``; the application
  makes the same check first (``ledger.rules``), so SQLite gets the same message.
"""

from django.db import migrations, models

QUESTION_GUARD = r"""
CREATE FUNCTION reckon_question_guard() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('reckon.allow_question_change', true), '') = 'on' THEN
        RETURN NEW;
    END IF;
    -- A draft's close may move while it is reviewed: approval refuses it then.
    IF NEW.state <> 'draft' AND NEW.closes_at < OLD.closes_at AND EXISTS (
        SELECT 1 FROM forecasts_forecast
        WHERE question_id = NEW.id AND stated_at > NEW.closes_at AND stated_at <= OLD.closes_at
    ) THEN
        RAISE EXCEPTION 'question % would close before forecasts stated while it was open',
            NEW.id USING ERRCODE = '23514';
    END IF;
    IF NEW.kind <> OLD.kind AND (
        EXISTS (SELECT 1 FROM forecasts_forecast WHERE question_id = NEW.id)
        OR EXISTS (SELECT 1 FROM forecasts_resolution WHERE question_id = NEW.id)
    ) THEN
        RAISE EXCEPTION 'question % has forecasts or a resolution; its kind cannot change',
            NEW.id USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER question_guard BEFORE UPDATE OF closes_at, kind ON forecasts_question
    FOR EACH ROW EXECUTE FUNCTION reckon_question_guard();
"""

QUESTION_GUARD_REMOVED = r"""
DROP TRIGGER IF EXISTS question_guard ON forecasts_question;
DROP FUNCTION IF EXISTS reckon_question_guard();
"""

SHOWN = 20


def refuse_duplicates(apps, schema_editor):
    """Stop, naming them, if any author has two forecasts on a question at one moment."""
    Forecast = apps.get_model("forecasts", "Forecast")
    groups = list(
        Forecast.objects.values("question_id", "author_id", "stated_at")
        .annotate(n=models.Count("id"), ids=models.Min("id"), last=models.Max("id"))
        .filter(n__gt=1)
        .order_by("question_id", "author_id", "stated_at")
    )
    if not groups:
        return
    lines = [
        f"  question {g['question_id']}, author {g['author_id']}, stated {g['stated_at']}: "
        f"{g['n']} forecasts (ids {g['ids']} … {g['last']})"
        for g in groups[:SHOWN]
    ]
    more = f"\n  … and {len(groups) - SHOWN} more" if len(groups) > SHOWN else ""
    raise RuntimeError(
        f"{len(groups)} duplicate forecast(s): the same author, question and stated_at.\n"
        + "\n".join(lines)
        + more
        + "\nNothing was changed. Correct the stated_at of all but one forecast of each group "
        "(admin: Forecasts → Correct, with a reason), then run migrate again. "
        "See docs/operations.md, 'Duplicate forecasts'."
    )


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0011_forecast_import_id")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="forecast",
            name="forecasts_f_questio_860c40_idx",
        ),
        migrations.AddConstraint(
            model_name="forecast",
            constraint=models.UniqueConstraint(
                fields=("question", "author", "stated_at"),
                name="forecast_one_per_author_question_moment",
                violation_error_message=(
                    "This author already has a forecast on this question stated at this moment."
                ),
            ),
        ),
        migrations.RunPython(
            _on_postgresql(QUESTION_GUARD), _on_postgresql(QUESTION_GUARD_REMOVED)
        ),
    ]
