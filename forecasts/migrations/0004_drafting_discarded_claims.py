"""Discarded drafted claims, and the Editors' permissions on them."""

from django.contrib.auth.management import create_permissions
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


EDITOR_CODENAMES = [
    "add_discardedclaim",
    "change_discardedclaim",
    "view_discardedclaim",
    "delete_discardedclaim",
]


def grant_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("forecasts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="forecasts", codename__in=EDITOR_CODENAMES
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ('forecasts', '0003_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DiscardedClaim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sentence', models.TextField()),
                ('phrase', models.CharField(blank=True, max_length=120)),
                ('question_title', models.CharField(blank=True, max_length=300)),
                ('discarded_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('discarded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='discarded_claims', to='forecasts.source')),
            ],
            options={
                'ordering': ['-discarded_at', 'pk'],
            },
        ),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
