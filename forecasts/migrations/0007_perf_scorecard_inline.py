"""Keep scorecard rows inline: no TOAST compression of the calibration JSON.

A scorecard row is about 2.5 kB (ten calibration bins as JSON, the Murphy
terms and the running totals), just over PostgreSQL's 2 kB TOAST threshold,
so every rewrite used to compress it. ``rescore_question`` rewrites up to a
few thousand cards at a time; storing them inline, uncompressed, is cheaper.
"""

from django.db import migrations


def _postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0006_celery_prompts")]

    operations = [
        migrations.RunPython(
            _postgresql("ALTER TABLE forecasts_scorecard SET (toast_tuple_target = 8160)"),
            _postgresql("ALTER TABLE forecasts_scorecard RESET (toast_tuple_target)"),
        ),
    ]
