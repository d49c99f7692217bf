"""A login no longer moves the change stamp.

``0027_user_change_stamp`` put the stamp's trigger on the user table for the
resolvers' names on the question page, on every write to it. Django writes the
user's row on each login (``last_login``), so every login made every ETag stale
and cleared what the pages remember. The trigger now fires on a new or deleted
user and on an update that sets any column but ``last_login``. A column added to
the user table later is not among those listed: list it here again if a page or
a route comes to show it.
"""

from django.conf import settings
from django.db import migrations

NOT_SHOWN = {"last_login"}
EVENTS = ("insert", "update", "delete")


def _table_and_columns(apps) -> tuple[str, list[str]]:
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    model = apps.get_model(app_label, model_name)
    columns = [f.column for f in model._meta.concrete_fields if f.column not in NOT_SHOWN]
    return model._meta.db_table, columns


def _create(schema_editor, table: str, columns: list[str] | None) -> None:
    """The stamp's triggers on the user table: on updates of ``columns`` (any, if None)."""
    quote = schema_editor.quote_name
    update = "UPDATE" if columns is None else f"UPDATE OF {', '.join(map(quote, columns))}"
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR DELETE OR TRUNCATE OR {update} "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION forecasts_note_change()"
        )
        return
    if vendor != "sqlite":
        raise NotImplementedError(f"no change-stamp triggers for {vendor}")
    for event in EVENTS:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_{event}_changed "
            f"AFTER {update if event == 'update' else event.upper()} ON {table} "
            "BEGIN UPDATE forecasts_change_stamp SET value = value + 1; END"
        )


def _drop(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER {table}_changed ON {table}")
        return
    for event in EVENTS:
        schema_editor.execute(f"DROP TRIGGER {table}_{event}_changed")


def shown_columns_only(apps, schema_editor) -> None:
    table, columns = _table_and_columns(apps)
    _drop(schema_editor, table)
    _create(schema_editor, table, columns)


def every_column(apps, schema_editor) -> None:
    table, _ = _table_and_columns(apps)
    _drop(schema_editor, table)
    _create(schema_editor, table, None)


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0029_resolution_newest"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(shown_columns_only, every_column)]
