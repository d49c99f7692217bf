"""Editors may delete a question's options while nobody has forecast it.

Editors could add and edit options but not delete one, so a wrong option on a
draft waited for a superuser. Since ``0031`` the admin refuses any change to
the options of a question with forecasts or a resolution (and an option a
forecast, a resolution or a condition names is protected by its foreign
key), so deleting is safe for the rest.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of what forecasts/ledger/roles.py grants for options beyond 0003's.
GRANTS = {"Editors": ["delete_option"]}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("forecasts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="forecasts", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=list(GRANTS)):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="forecasts", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0031_options_on_choice_questions_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
