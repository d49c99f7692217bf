"""The change stamp (``forecasts.models.changes``) and the triggers that move it:
on PostgreSQL a statement trigger per table drawing from a sequence (no lock),
on SQLite row triggers adding one to a single-row table (one writer at a time
anyway). It replaces the deletion log (``RowDeletion``) of the validators.
"""

from django.db import migrations

# Tables no API response reads (rescore bookkeeping, reminders) are left out.
TABLES = (
    "forecasts_author",
    "forecasts_source",
    "forecasts_tag",
    "forecasts_question",
    "forecasts_question_tags",
    "forecasts_option",
    "forecasts_discardedclaim",
    "forecasts_forecast",
    "forecasts_forecastprobability",
    "forecasts_forecastquantile",
    "forecasts_forecastcorrection",
    "forecasts_resolution",
    "forecasts_questioncorrection",
    "forecasts_questionscore",
    "forecasts_scoresdigest",
    "forecasts_scorecard",
    "forecasts_quantityscore",
    "forecasts_quantityrecord",
)
EVENTS = ("insert", "update", "delete")


def _postgresql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION forecasts_note_change()"
    ]


def _sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_{event}_changed AFTER {event.upper()} ON {table} "
        "BEGIN UPDATE forecasts_change_stamp SET value = value + 1; END"
        for event in EVENTS
    ]


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [
            "CREATE SEQUENCE forecasts_change_seq",
            "CREATE FUNCTION forecasts_note_change() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM nextval('forecasts_change_seq'); RETURN NULL; END $$",
            *(s for table in TABLES for s in _postgresql(table)),
        ]
    elif vendor == "sqlite":
        statements = [
            "CREATE TABLE forecasts_change_stamp "
            "(id integer PRIMARY KEY CHECK (id = 1), value integer NOT NULL)",
            "INSERT INTO forecasts_change_stamp (id, value) VALUES (1, 0)",
            *(s for table in TABLES for s in _sqlite(table)),
        ]
    else:
        raise NotImplementedError(f"No change stamp for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER {table}_changed ON {table}")
        schema_editor.execute("DROP FUNCTION forecasts_note_change()")
        schema_editor.execute("DROP SEQUENCE forecasts_change_seq")
    else:
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(f"DROP TRIGGER {table}_{event}_changed")
        schema_editor.execute("DROP TABLE forecasts_change_stamp")


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0024_page_indexes"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
        migrations.DeleteModel(name="RowDeletion"),
    ]
