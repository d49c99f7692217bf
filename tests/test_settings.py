"""Settings: production passes the deploy checks; migrations match the models."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-secret-for-the-deploy-check-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "reckon.example.org",
}


def manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_migrations_match_the_models():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_printed_site_url_uses_the_port_make_run_serves():
    env = {k: v for k, v in os.environ.items() if k not in {"RECKON_SITE_URL", "RECKON_PORT"}}
    show = ("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)")

    def site_url(**extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *show],
            cwd=settings.BASE_DIR,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]  # after the shell's auto-import note

    assert site_url() == "http://127.0.0.1:8000"
    # Procfile.dev serves runserver on RECKON_PORT: the admin link printed must follow it.
    assert site_url(RECKON_PORT="8123") == "http://127.0.0.1:8123"
    assert site_url(RECKON_PORT="8123", RECKON_SITE_URL="https://reckon.example.org/") == (
        "https://reckon.example.org"
    )
