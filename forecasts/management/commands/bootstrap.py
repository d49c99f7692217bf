"""``manage.py bootstrap``: get a first run going (used by ``make run``).

Migrates, loads the seed article, generates the synthetic demo world once,
and makes sure an admin login exists, printing it. Safe to run repeatedly.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from forecasts.models import Author


class Command(BaseCommand):
    help = "Migrate, load the seed article and demo world, and ensure an admin login."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Skip the synthetic demo world.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        fixtures = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
        call_command("loaddata", *fixtures, verbosity=0)
        self.stdout.write(
            f"Loaded {len(fixtures)} fixture file(s): the seed article and its claims."
        )
        if not options["no_demo"] and not Author.objects.filter(is_synthetic=True).exists():
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
