"""Shared fixtures: people with roles, a small ledger to act on, a frozen clock.

The data fixtures are thin wrappers over ``tests.builders``, where tests build data.
"""

import os
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from config.celery import app as celery_app
from tests import builders


@pytest.fixture
def editor(db):
    """Edith, a staff user in the Editors group."""
    return builders.editor()


@pytest.fixture
def resolver(db):
    """Rex, a staff user in the Resolvers group."""
    return builders.resolver()


@pytest.fixture
def author(db):
    """Ada Pundit (slug ``ada-pundit``)."""
    return builders.author()


@pytest.fixture
def source(author):
    """ "What next" by Ada Pundit, published 12 Nov 2024."""
    return builders.source(author)


@pytest.fixture
def question(db):
    """A binary question open 1 Nov 2024 to 30 Jun 2025, due 31 Dec 2025."""
    return builders.question(
        "will-it-happen",
        title="Will it happen by 2025?",
        resolution_criteria="Yes if it happens before 2025-12-31 per a major newspaper.",
    )


@pytest.fixture
def choice_question(db):
    """A multiple-choice question (Red, Blue, Green) with the same dates as ``question``."""
    return builders.choice_question(
        "who-wins", title="Who wins?", resolution_criteria="The official result."
    )


@pytest.fixture
def frozen_at() -> datetime:
    """Where ``frozen_clock`` stops the clock. A module that needs another moment
    overrides this fixture (the API tests stop it while the questions are open)."""
    return builders.FROZEN_AT


@pytest.fixture
def frozen_clock(frozen_at):
    """The clock stopped at ``frozen_at`` (no tick) for the whole test.

    A module asks for it with ``pytestmark = pytest.mark.usefixtures("frozen_clock")``,
    so the data fixtures are built at that moment too; it yields the moment.
    """
    with time_machine.travel(frozen_at, tick=False):
        yield frozen_at


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
def forecaster(author):
    """A user linked to the ``author`` fixture, with no group."""
    return builders.forecaster(author)


@pytest.fixture
def eager():
    """Run tasks in-process, as CELERY_TASK_ALWAYS_EAGER does for a quick local setup."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False
