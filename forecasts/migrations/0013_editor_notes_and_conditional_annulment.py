"""Editors' notes get their own field, out of the public background.

Drafting used to write its notes for editors ("Drafted from …", "Before
approving: rewrite the title …") into ``Question.background``, which the
public pages and API show, and ended each drafted forecast's conversion note
with "Suggested by Reckon's claim detector: check it against the quote.".
This adds ``Question.editor_notes`` and moves those texts out of public
fields: a background written by drafting moves to the notes, and the
instruction is cut from the conversion notes (the text only: no number of a
forecast changes, so the forecast guard is lifted for this one transaction).
"""

from django.db import migrations, models

DRAFTING_MARKS = ("Before approving: rewrite the title", "Before approving: reword the title")
SUGGESTED = " Suggested by Reckon's claim detector: check it against the quote."


def move_editor_text(apps, schema_editor):
    Question = apps.get_model("forecasts", "Question")
    Forecast = apps.get_model("forecasts", "Forecast")
    for question in Question.objects.filter(
        models.Q(background__contains=DRAFTING_MARKS[0])
        | models.Q(background__contains=DRAFTING_MARKS[1])
    ):
        question.editor_notes = "\n\n".join(
            part for part in (question.editor_notes, question.background) if part
        )
        question.background = ""
        question.save(update_fields=["editor_notes", "background"])
    stale = list(Forecast.objects.filter(conversion_note__endswith=SUGGESTED))
    if not stale:
        return
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('reckon.allow_forecast_write', 'on', true)")
    for forecast in stale:
        forecast.conversion_note = forecast.conversion_note.removesuffix(SUGGESTED)
        forecast.save(update_fields=["conversion_note"])


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0012_retrospective_and_complete_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="editor_notes",
            field=models.TextField(
                blank=True,
                default="",
                db_default="",
                help_text="Editors only (drafting notes, what to check before approving): never "
                "shown on a public page, feed or the public API.",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="background",
            field=models.TextField(
                blank=True, help_text="Public: shown on the question page and in the API."
            ),
        ),
        migrations.RunPython(move_editor_text, migrations.RunPython.noop),
    ]
