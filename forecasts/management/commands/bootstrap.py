"""``manage.py bootstrap``: get a first run going (used by ``make run``).

Migrates, loads the seed article and the public track records
(``fixtures/records/public_records.json``, through ``import_records``: rows
already imported are skipped), generates the synthetic demo world once if asked
(``--demo``, as ``make run-demo`` does), and makes sure an admin login exists,
printing it. Safe to run repeatedly.
"""

import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from forecasts.models import Author, Forecast

RECORDS = Path(settings.BASE_DIR) / "fixtures" / "records" / "public_records.json"


def _loaded(fixtures: list[str]) -> bool:
    """The fixtures' forecasts are all stored already (forecasts are never rewritten)."""
    pks = [
        item["pk"]
        for path in fixtures
        for item in json.loads(Path(path).read_text(encoding="utf-8"))
        if item["model"] == "forecasts.forecast"
    ]
    return bool(pks) and Forecast.objects.filter(pk__in=pks).count() == len(pks)


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
        fixtures = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
        if _loaded(fixtures):
            # Loading again would rewrite stored forecasts, which PostgreSQL refuses.
            self.stdout.write("The seed article and its claims are already loaded.")
        else:
            call_command("loaddata", *fixtures, verbosity=0)
            self.stdout.write(
                f"Loaded {len(fixtures)} fixture file(s): the seed article and its claims."
            )
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
