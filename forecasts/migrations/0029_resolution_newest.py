"""The home page's recently resolved, read newest first down an index (not sorted whole)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0028_forecast_listed_synthetic"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="resolution",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["-resolved_at", "-id"],
                name="resolution_newest",
            ),
        ),
    ]
