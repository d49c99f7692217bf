"""``manage.py bootstrap``: get a first run going (used by ``make run``).

Migrates, loads the seed article and the public track records
(``fixtures/records/public_records.json``, through ``import_records``: rows
already imported are skipped), generates the synthetic demo world once if asked
(``--demo``, as ``make run-demo`` does), and makes sure an admin login exists,
printing it. Safe to run repeatedly: it only ever adds what is missing.

The seed fixtures are loaded object by object, and an object whose id is
already stored is left exactly as it is. ``loaddata`` would instead write every
fixture row over the stored one, so each restart of ``make run`` would put a
resolved seed question back to "live" (while its resolution stayed) and undo
editors' changes.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction

from forecasts.models import Author

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
RECORDS = FIXTURES / "records" / "public_records.json"


@transaction.atomic
def load_missing(fixtures: list[str]) -> int:
    """Add the fixtures' objects whose id is not stored yet; never touch a stored one.

    Returns how many objects were added. Many-to-many links (a question's tags)
    are set only on the objects added here. Afterwards the id sequences move
    past the fixtures' ids (PostgreSQL), as ``loaddata`` does, so that the next
    object created gets a free id.
    """
    added, models = 0, set()
    for path in fixtures:
        with open(path, encoding="utf-8") as stream:
            for item in serializers.deserialize("json", stream, ignorenonexistent=False):
                model = type(item.object)
                if model._default_manager.filter(pk=item.object.pk).exists():
                    continue
                item.save()
                added += 1
                models.add(model)
    if models:
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(statement)
    return added


class Command(BaseCommand):
    help = (
        "Migrate, load the seed article and the public track records (and the synthetic "
        "demo world with --demo), and ensure an admin login."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also generate the synthetic demo world (labelled as such), once.",
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        fixtures = sorted(str(p) for p in FIXTURES.glob("*.json"))
        added = load_missing(fixtures)
        if added:
            self.stdout.write(
                f"Loaded {added} object(s) from {len(fixtures)} fixture file(s): "
                "the seed article and its claims."
            )
        else:
            self.stdout.write("The seed article and its claims are already loaded.")
        call_command("import_records", str(RECORDS), stdout=self.stdout)
        if options["demo"] and not Author.objects.filter(is_synthetic=True).exists():
            call_command("demo_world", stdout=self.stdout)
        self._ensure_admin()

    def _ensure_admin(self) -> None:
        User = get_user_model()
        username = os.environ.get("RECKON_ADMIN_USER", "admin")
        password_file = Path(settings.VAR_DIR) / "admin-password.txt"
        user = User.objects.filter(username=username).first()
        if user is None:
            password = os.environ.get("RECKON_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            User.objects.create_superuser(username, f"{username}@localhost", password)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        elif password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = f"(set earlier; reset with: python manage.py changepassword {username})"
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {settings.SITE_URL}/admin/  user {username!r}  password {password}"
            )
        )
