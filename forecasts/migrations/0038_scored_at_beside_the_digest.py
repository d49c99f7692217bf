"""``scored_at`` moves from the question's row to its ``ScoresDigest``.

A full rescore stamps every question whose resolution changed since it was
last scored: after a fresh import or a restore, every resolved question. On
the wide, heavily indexed question table each stamp was a new row version and
an entry in every one of its indexes (a second of a cold start's four at a
million forecasts); the digest table, narrow and written with the scores
anyway, takes it with the digest. The stamps are copied across before the
column goes (a question stamped without a stored digest gets digest 0, as a
missing row reads), and back again if the migration is reversed.

The question table's pages were kept half empty (``0026_question_fillfactor``)
so that the stamps were heap-only updates; nothing rewrites question rows in
bulk any more, so its pages fill again (``VACUUM FULL forecasts_question``
packs the pages written before).
"""

import django.db.models.deletion
from django.db import migrations, models

TO_DIGESTS = """
INSERT INTO forecasts_scoresdigest (question_id, digest, scored_at)
SELECT id, 0, scored_at FROM forecasts_question WHERE scored_at IS NOT NULL
ON CONFLICT (question_id) DO UPDATE SET scored_at = excluded.scored_at
"""

TO_QUESTIONS = """
UPDATE forecasts_question SET scored_at = (
    SELECT d.scored_at FROM forecasts_scoresdigest d WHERE d.question_id = forecasts_question.id
)
"""


def _run(*statements, postgresql=()):
    def run(apps, schema_editor):
        for sql in statements:
            schema_editor.execute(sql)
        if schema_editor.connection.vendor == "postgresql":
            for sql in postgresql:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0037_json_number"),
    ]

    operations = [
        migrations.AlterField(
            model_name="scoresdigest",
            name="question",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="scores_digest",
                serialize=False,
                to="forecasts.question",
            ),
        ),
        migrations.AddField(
            model_name="scoresdigest",
            name="scored_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(
            _run(TO_DIGESTS, postgresql=["ALTER TABLE forecasts_question RESET (fillfactor)"]),
            _run(TO_QUESTIONS, postgresql=["ALTER TABLE forecasts_question SET (fillfactor = 50)"]),
        ),
        migrations.RemoveField(
            model_name="question",
            name="scored_at",
        ),
    ]
