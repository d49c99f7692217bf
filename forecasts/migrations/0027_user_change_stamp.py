"""The change stamp moves on writes to the user table too: the question page prints
each resolution's resolver by name, and the pages remember what they print until
the stamp moves (``forecasts.pages.fragments``)."""

from django.conf import settings
from django.db import migrations

EVENTS = ("insert", "update", "delete")


def _table(apps) -> str:
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    return apps.get_model(app_label, model_name)._meta.db_table


def install(apps, schema_editor) -> None:
    table = _table(apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION forecasts_note_change()"
        )
        return
    for event in EVENTS:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_{event}_changed AFTER {event.upper()} ON {table} "
            "BEGIN UPDATE forecasts_change_stamp SET value = value + 1; END"
        )


def uninstall(apps, schema_editor) -> None:
    table = _table(apps)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER {table}_changed ON {table}")
        return
    for event in EVENTS:
        schema_editor.execute(f"DROP TRIGGER {table}_{event}_changed")


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0026_question_fillfactor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(install, uninstall)]
