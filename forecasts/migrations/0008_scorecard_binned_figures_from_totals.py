"""Scorecards no longer store their calibration table and Murphy terms.

Both are a function of the running totals already stored in
``Scorecard.totals``; ``Scorecard.calibration`` and ``Scorecard.murphy`` now
derive them on read (``forecasts.aggregates.binned_figures``). Writing them
as JSON was most of the cost of rewriting a question's scorecards.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0007_perf_scorecard_inline")]

    operations = [
        migrations.RemoveField(model_name="scorecard", name="calibration"),
        migrations.RemoveField(model_name="scorecard", name="murphy"),
    ]
