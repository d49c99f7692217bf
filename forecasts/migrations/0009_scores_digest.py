"""Digests of each question's stored scores; room on score pages for in-place updates.

Rescoring one question now updates its score rows and its authors'
scorecards in place; with free space left on each page (30% for scorecards,
10% for the far more numerous score rows), PostgreSQL can mostly do that
without touching the tables' indexes (heap-only tuple updates). The setting
applies to pages written from now on.
"""

import django.db.models.deletion
from django.db import migrations, models


def leave_room_on_score_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE forecasts_scorecard SET (fillfactor = 70)")
        schema_editor.execute("ALTER TABLE forecasts_questionscore SET (fillfactor = 90)")


def fill_score_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE forecasts_scorecard RESET (fillfactor)")
        schema_editor.execute("ALTER TABLE forecasts_questionscore RESET (fillfactor)")


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
        migrations.RunPython(leave_room_on_score_pages, fill_score_pages),
    ]
