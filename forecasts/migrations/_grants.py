"""Granting model permissions to the role groups, for migrations that add some.

Django's migration loader skips modules whose names start with an underscore,
so this is no migration itself. ``granting({"Editors": ["delete_option"]})``
gives the forward and backward functions of a ``RunPython``; each migration
keeps its own frozen copy of what it grants.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.management import create_permissions


def granting(grants: dict[str, list[str]]) -> tuple[Callable, Callable]:
    """(grant, revoke) of these codenames of the app's models to these groups."""

    def grant(apps, schema_editor) -> None:
        # Permissions are normally created after all migrations; make sure they exist now.
        app_config = apps.get_app_config("forecasts")
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        Group = apps.get_model("auth", "Group")
        for name, codenames in grants.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(*_permissions(apps, codenames))

    def revoke(apps, schema_editor) -> None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=list(grants)):
            group.permissions.remove(*_permissions(apps, grants[group.name]))

    return grant, revoke


def _permissions(apps, codenames: list[str]):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="forecasts", codename__in=codenames)
