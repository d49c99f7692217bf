"""Shared fixtures: people with roles, and a small ledger to act on."""

import os
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from config.celery import app as celery_app
from forecasts.ledger.roles import EDITORS, RESOLVERS
from forecasts.models import Author, Option, Question, Source


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "edith", "edith@example.org", "pw-edith-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def resolver(django_user_model):
    user = django_user_model.objects.create_user(
        "rex", "rex@example.org", "pw-rex-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=RESOLVERS))
    return user


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ada Pundit", slug="ada-pundit")


@pytest.fixture
def source(author):
    return Source.objects.create(
        title="What next",
        slug="what-next",
        author=author,
        published_on=datetime(2024, 11, 12, tzinfo=UTC).date(),
    )


@pytest.fixture
def question(db):
    return Question.objects.create(
        title="Will it happen by 2025?",
        slug="will-it-happen",
        resolution_criteria="Yes if it happens before 2025-12-31 per a major newspaper.",
        opens_at=datetime(2024, 11, 1, tzinfo=UTC),
        closes_at=datetime(2025, 6, 30, tzinfo=UTC),
        resolve_by=datetime(2025, 12, 31, tzinfo=UTC),
    )


@pytest.fixture
def choice_question(db):
    q = Question.objects.create(
        title="Who wins?",
        slug="who-wins",
        kind=Question.Kind.MULTIPLE_CHOICE,
        resolution_criteria="The official result.",
        opens_at=datetime(2024, 11, 1, tzinfo=UTC),
        closes_at=datetime(2025, 6, 30, tzinfo=UTC),
        resolve_by=datetime(2025, 12, 31, tzinfo=UTC),
    )
    for position, label in enumerate(["Red", "Blue", "Green"]):
        Option.objects.create(question=q, label=label, position=position)
    return q


# CI runs the property tests with a fixed seed, so a run is reproducible and a
# loaded machine cannot fail a test on time alone; locally they explore freely.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config):
    """Under CI, refuse to run on anything but PostgreSQL rather than skip what needs it."""
    import os

    from django.conf import settings

    if os.environ.get("RECKON_FORBID_SKIPS") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        raise pytest.UsageError("The test suite runs on PostgreSQL: set DATABASE_URL.")


def pytest_sessionfinish(session, exitstatus):
    """Under CI (RECKON_FORBID_SKIPS=1) a skip fails the run: it may hide a missing service."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("RECKON_FORBID_SKIPS") and skipped:
        reporter.write_line(f"{skipped} test(s) were skipped; CI does not allow skips.", red=True)
        session.exitstatus = 1


@pytest.fixture
def roles(db):
    """The Editors and Resolvers groups, recreated if a transactional test flushed them.

    Migration 0003 creates them, but a transactional test ends by emptying
    every table; a later transactional test that needs a role asks for this.
    """
    from django.contrib.auth.models import Permission

    from forecasts.ledger.roles import GROUP_PERMISSIONS

    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="forecasts", codename__in=codenames)
        )


@pytest.fixture(autouse=True)
def _roles_survive_flushes(request):
    """Transactional tests end by emptying every table, groups included: put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if transactional or "transactional_db" in request.fixturenames:
        request.getfixturevalue("roles")


# --- REST API ---------------------------------------------------------------


@pytest.fixture
def api_client(settings):
    """A DRF test client, with rate limits and the public cache off (their tests turn them on)."""
    from rest_framework.test import APIClient

    settings.RECKON_API_CACHE_SECONDS = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    return APIClient()


@pytest.fixture
def client_for(api_client):
    """``client_for(user)``: a fresh API client authenticated with the user's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def forecaster(django_user_model, author):
    """A user linked to the ``author`` fixture, with no group."""
    user = django_user_model.objects.create_user("ada", "ada@example.org", "pw-ada-123")
    author.user = user
    author.save(update_fields=["user"])
    return user


@pytest.fixture
def eager():
    """Run tasks in-process, as CELERY_TASK_ALWAYS_EAGER does for a quick local setup."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False
