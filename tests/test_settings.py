"""Settings: production and the docker compose defaults pass the deploy checks."""

import os
import re
import secrets
import subprocess
import sys

import pytest
import yaml
from django.conf import settings

# Each runs manage.py or docker-compose's settings in a process of its own.
pytestmark = pytest.mark.standalone

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


def compose_environment(dotenv: dict[str, str]) -> dict[str, str]:
    """The Django services' environment as docker compose builds it from ``.env``.

    Interpolates ``${NAME:-default}`` and ``${NAME:?message}`` the way compose
    does; a required variable that is unset or empty raises, with compose's message.
    """
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())

    def substitute(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        value = dotenv.get(name, "")
        if op == ":?" and not value:
            raise LookupError(arg)
        return value or (arg if op == ":-" else "")

    pattern = re.compile(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}")
    return {
        name: pattern.sub(substitute, str(value))
        for name, value in compose["x-django"]["environment"].items()
    }


def env_example() -> dict[str, str]:
    """The variables ``.env.example`` sets (uncommented lines), as a fresh ``.env`` would."""
    text = (settings.BASE_DIR / ".env.example").read_text()
    return dict(
        line.split("=", 1)
        for line in text.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    )


def test_docker_compose_refuses_to_start_until_the_secret_key_is_set():
    dotenv = env_example()
    assert dotenv == {"DJANGO_SECRET_KEY": ""}
    try:
        compose_environment(dotenv)
    except LookupError as refusal:
        assert "DJANGO_SECRET_KEY" in str(refusal) and ".env.example" in str(refusal)
    else:
        raise AssertionError("compose started with no secret key")
    assert "secrets.token_urlsafe(50)" in (settings.BASE_DIR / ".env.example").read_text()


def test_docker_compose_defaults_pass_the_deploy_check_with_no_warnings():
    # What an operator does after reading .env.example: paste a generated key.
    env = compose_environment({**env_example(), "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "true"
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_plain_http_trial_setting_is_flagged_by_the_deploy_check():
    dotenv = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_SECURE_SSL_REDIRECT": "false"}
    assert "# DJANGO_SECURE_SSL_REDIRECT=false" in (settings.BASE_DIR / ".env.example").read_text()
    result = manage("check", "--deploy", env=compose_environment(dotenv))
    assert "security.W008" in result.stdout + result.stderr
