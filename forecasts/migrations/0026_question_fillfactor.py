"""Room on question pages for the scorer's stamps: heap-only updates, no index entries.

Every rescore marks the questions it scored (``Question.scored_at``). A
question row is wide and the question table has eleven indexes (a full-text
one among them); on a full page, each stamp writes the row anew elsewhere
and adds an entry to every index, which made stamping the questions of a
first full rescore (a cold start) cost more than copying in all of its
score rows. With half of each page left free, the new version of a row
fits on its own page and PostgreSQL updates it without touching an index
(a heap-only tuple update: several times cheaper). A table whose rows have
all been stamped once is about this size anyway (each old version leaves
its space behind). The setting applies to pages written from now on;
``VACUUM FULL forecasts_question`` applies it to the pages already there.
"""

from django.db import migrations


def leave_room_on_question_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE forecasts_question SET (fillfactor = 50)")


def fill_question_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE forecasts_question RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("forecasts", "0025_api_validator"),
    ]

    operations = [
        migrations.RunPython(leave_room_on_question_pages, fill_question_pages),
    ]
