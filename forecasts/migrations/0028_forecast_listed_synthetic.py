"""The forecast list's order from an index: ``Forecast.listed_synthetic``.

The list puts real records first (a forecast is synthetic when its author or
its question is), then the newest. Sorting on the author's and the question's
own flags meant joining and sorting every visible forecast for each page.
The flag is now kept on the forecast row by triggers, on both databases,
whatever writes: set from the question and the author when a forecast is
written, and rewritten on a question's or an author's forecasts when that
one's ``is_synthetic`` changes. A forecast is otherwise immutable
(``0002_ledger_guards``): the trigger lifts that guard for its own update
only, and puts it back as it found it.
"""

from django.db import migrations, models

ADD_COLUMN = (
    "ALTER TABLE forecasts_forecast ADD COLUMN listed_synthetic boolean NOT NULL DEFAULT false"
)
DROP_COLUMN = "ALTER TABLE forecasts_forecast DROP COLUMN listed_synthetic"

SYNTHETIC = (
    "(EXISTS (SELECT 1 FROM forecasts_question WHERE id = {row}.question_id AND is_synthetic)"
    " OR EXISTS (SELECT 1 FROM forecasts_author WHERE id = {row}.author_id AND is_synthetic))"
)

POSTGRESQL = [
    f"""
CREATE FUNCTION reckon_forecast_listed() RETURNS trigger AS $$
BEGIN
    NEW.listed_synthetic := {SYNTHETIC.format(row="NEW")};
    RETURN NEW;
END $$ LANGUAGE plpgsql""",
    """
CREATE TRIGGER forecast_listing BEFORE INSERT OR UPDATE OF question_id, author_id
    ON forecasts_forecast FOR EACH ROW EXECUTE FUNCTION reckon_forecast_listed()""",
    f"""
CREATE FUNCTION reckon_forecasts_relisted() RETURNS trigger AS $$
DECLARE
    allowed text := coalesce(current_setting('reckon.allow_forecast_write', true), '');
BEGIN
    PERFORM set_config('reckon.allow_forecast_write', 'on', true);
    IF TG_TABLE_NAME = 'forecasts_question' THEN
        UPDATE forecasts_forecast f SET listed_synthetic = {SYNTHETIC.format(row="f")}
            WHERE f.question_id = NEW.id;
    ELSE
        UPDATE forecasts_forecast f SET listed_synthetic = {SYNTHETIC.format(row="f")}
            WHERE f.author_id = NEW.id;
    END IF;
    PERFORM set_config('reckon.allow_forecast_write', allowed, true);
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    *(
        f"""
CREATE TRIGGER {table}_relisted AFTER UPDATE OF is_synthetic ON {table}
    FOR EACH ROW WHEN (OLD.is_synthetic IS DISTINCT FROM NEW.is_synthetic)
    EXECUTE FUNCTION reckon_forecasts_relisted()"""
        for table in ("forecasts_question", "forecasts_author")
    ),
    # The forecasts there already (the guard lifted for this transaction only).
    "SELECT set_config('reckon.allow_forecast_write', 'on', true)",
    f"UPDATE forecasts_forecast SET listed_synthetic = {SYNTHETIC.format(row='forecasts_forecast')}",
    "SELECT set_config('reckon.allow_forecast_write', '', true)",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER forecasts_author_relisted ON forecasts_author",
    "DROP TRIGGER forecasts_question_relisted ON forecasts_question",
    "DROP FUNCTION reckon_forecasts_relisted()",
    "DROP TRIGGER forecast_listing ON forecasts_forecast",
    "DROP FUNCTION reckon_forecast_listed()",
]

# SQLite's triggers cannot set NEW: they update the row just written.
RELIST = (
    "UPDATE forecasts_forecast SET listed_synthetic = "
    f"{SYNTHETIC.format(row='forecasts_forecast')} WHERE {{where}}"
)
SQLITE = [
    "CREATE TRIGGER forecast_listing AFTER INSERT ON forecasts_forecast "
    f"BEGIN {RELIST.format(where='id = NEW.id')}; END",
    "CREATE TRIGGER forecast_listing_moved AFTER UPDATE OF question_id, author_id "
    f"ON forecasts_forecast BEGIN {RELIST.format(where='id = NEW.id')}; END",
    "CREATE TRIGGER forecasts_question_relisted AFTER UPDATE OF is_synthetic ON forecasts_question "
    "WHEN OLD.is_synthetic IS NOT NEW.is_synthetic "
    f"BEGIN {RELIST.format(where='question_id = NEW.id')}; END",
    "CREATE TRIGGER forecasts_author_relisted AFTER UPDATE OF is_synthetic ON forecasts_author "
    "WHEN OLD.is_synthetic IS NOT NEW.is_synthetic "
    f"BEGIN {RELIST.format(where='author_id = NEW.id')}; END",
    RELIST.format(where="1"),
]
SQLITE_DROP = [
    f"DROP TRIGGER {name}"
    for name in (
        "forecast_listing",
        "forecast_listing_moved",
        "forecasts_question_relisted",
        "forecasts_author_relisted",
    )
]


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"No trigger keeps Forecast.listed_synthetic on {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}[vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0027_user_change_stamp"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="forecast",
                    name="listed_synthetic",
                    field=models.BooleanField(default=False, editable=False),
                ),
            ],
            # Added in place: Django's AddField rebuilds a SQLite table, and the rebuild
            # would drop the change stamp's triggers on it (0025_api_validator).
            database_operations=[migrations.RunSQL(ADD_COLUMN, DROP_COLUMN)],
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="forecast",
            index=models.Index(
                fields=["listed_synthetic", "-stated_at", "-id"], name="forecast_listed"
            ),
        ),
    ]
