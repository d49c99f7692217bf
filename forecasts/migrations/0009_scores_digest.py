"""Digests of each question's stored scores; room on scorecard pages for in-place updates.

Rescoring now updates scorecards in place; with 30% of each page left free,
PostgreSQL can mostly do that without touching the table's indexes
(heap-only tuple updates). The setting applies to pages written from now on.
"""

import django.db.models.deletion
from django.db import migrations, models


def leave_room_on_scorecard_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE forecasts_scorecard SET (fillfactor = 70)")


def fill_scorecard_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE forecasts_scorecard RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ('forecasts', '0008_scorecard_binned_figures_from_totals'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScoresDigest',
            fields=[
                ('question', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='forecasts.question')),
                ('digest', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(leave_room_on_scorecard_pages, fill_scorecard_pages),
    ]
