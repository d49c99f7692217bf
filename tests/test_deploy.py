"""What can be checked of the deployment files without a Docker engine."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DJANGO_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_reads() -> set[str]:
    """Every environment variable config/settings.py reads."""
    source = (ROOT / "config" / "settings.py").read_text()
    readers = r"os\.environ\.get|env_bool|env_list|env_networks"
    pattern = rf'(?:{readers})\(\s*"(\w+)"|os\.environ\["(\w+)"\]'
    return {a or b for a, b in re.findall(pattern, source)}


def test_it_names_every_service(compose):
    assert set(compose["services"]) == {*DJANGO_SERVICES, "postgres", "redis"}


def test_it_gives_web_worker_and_beat_one_shared_configuration(compose):
    shared = compose["x-django"]["environment"]
    for name in DJANGO_SERVICES:
        service = compose["services"][name]
        assert service["environment"] is shared, f"{name} must use the x-django environment"
        assert service["image"] == "reckon:latest"
    commands = {name: compose["services"][name]["command"] for name in DJANGO_SERVICES}
    assert commands["web"].startswith("gunicorn config.wsgi")
    assert commands["worker"].startswith("celery -A config worker")
    assert commands["beat"].startswith("celery -A config beat")


def test_it_only_sets_variables_that_settings_read(compose):
    names = set(compose["x-django"]["environment"])
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "EMAIL_HOST"} <= names
    assert names - settings_reads() == set()
    example = re.findall(r"^#?\s*(\w+)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    compose_text = (ROOT / "docker-compose.yml").read_text()
    assert [n for n in example if "${" + n not in compose_text] == []


def test_it_waits_for_healthy_databases_and_checks_its_own_health(compose):
    services = compose["services"]
    for name in ("web", "worker", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" not in services["migrate"]["depends_on"]


def test_it_builds_the_image_the_services_run(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert compose["x-django"]["build"] == "."
    assert dockerfile.startswith("# Reckon") and "FROM python:3.11" in dockerfile
    assert "collectstatic" in dockerfile and "USER reckon" in dockerfile
    # Dependencies from the production lock file (hashes checked), then Reckon without deps.
    assert "pip install -r requirements/prod.txt" in dockerfile
    assert "pip install --no-deps" in dockerfile


def procfile(name: str) -> dict[str, str]:
    return {
        key.strip(): command.strip()
        for key, command in (
            line.split(":", 1)
            for line in (ROOT / name).read_text().splitlines()
            if line.strip() and not line.startswith("#")
        )
    }


def test_it_runs_the_embedded_default_with_a_development_procfile():
    entries = procfile("Procfile.dev")
    assert set(entries) == {"web", "worker", "beat"}
    assert entries["web"].startswith("python manage.py runserver 127.0.0.1:")
    assert "celery -A config worker" in entries["worker"]
    assert "celery -A config beat" in entries["beat"]
    assert "honcho start -f Procfile.dev" in (ROOT / "Makefile").read_text()


def test_it_runs_production_processes_like_docker_compose(compose):
    entries = procfile("Procfile")
    assert set(entries) == {"release", "web", "worker", "beat"}
    assert entries["release"] == "python manage.py migrate --noinput"
    assert entries["release"] == compose["services"]["migrate"]["command"]
    assert entries["web"].startswith("gunicorn config.wsgi --bind 0.0.0.0:${PORT")
    assert "runserver" not in entries["web"]
    for name in ("worker", "beat"):
        assert entries[name].startswith(f"celery -A config {name} ")
        assert compose["services"][name]["command"].startswith(f"celery -A config {name} ")
