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
* QuestionCorrection: the audit trail of the one way to move a close before
  forecasts anyway (``ledger.question_close_correct``, with a reason, saying
  which forecasts stop counting).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
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


# Frozen copy of what forecasts/ledger/roles.py grants for QuestionCorrection.
GRANTS = {"Editors": ["view_questioncorrection"], "Resolvers": ["view_questioncorrection"]}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("forecasts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="forecasts", codename__in=codenames)
        )


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0014_claim_direction"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

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
        migrations.CreateModel(
            name="QuestionCorrection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=40)),
                ("old_value", models.TextField(blank=True)),
                ("new_value", models.TextField(blank=True)),
                ("reason", models.TextField()),
                ("effect", models.TextField(help_text="What the change does to the scores.")),
                ("corrected_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "corrected_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="forecasts.question",
                    ),
                ),
            ],
            options={"ordering": ["-corrected_at", "-pk"]},
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(
            _on_postgresql(QUESTION_GUARD), _on_postgresql(QUESTION_GUARD_REMOVED)
        ),
    ]
