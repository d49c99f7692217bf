"""A numeric or date forecast's quantiles are as immutable as the forecast (PostgreSQL).

The trigger function of 0002 guards them too: an update or a delete is refused
unless a ledger service lifted the guard for its own transaction (the audited
correction does; so does discarding a never-published draft, whose forecasts'
quantiles go with them). SQLite relies on the services.
"""

from django.db import migrations

FORWARD = r"""
CREATE TRIGGER forecast_quantile_immutable BEFORE UPDATE OR DELETE
    ON forecasts_forecastquantile
    FOR EACH ROW EXECUTE FUNCTION reckon_forecast_immutable();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS forecast_quantile_immutable ON forecasts_forecastquantile;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0021_quantities")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
