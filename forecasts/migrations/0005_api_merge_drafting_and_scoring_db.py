# Joins main's and scoring-db's 0004 migrations, which the api branch merged
# both of; no operations. Drop it if those two are re-chained on main.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0004_drafting_discarded_claims"),
        ("forecasts", "0004_scoring_db_scores"),
    ]

    operations: list = []
