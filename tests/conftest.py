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
from tests.builders import web
from tests.processes import free_port


@pytest.fixture
def editor(db):
    """Edith, a staff user in the Editors group."""
    return builders.editor()


@pytest.fixture
def resolver(db):
    """Rex, a staff user in the Resolvers group."""
    return builders.resolver()


@pytest.fixture
def newspaper(settings):
    """The base URL of a loopback web server with an article and bad pages (builders.web).

    Fetching from 127.0.0.1 is allowed for the test, with a 0.5 s timeout and a
    200,000-byte page limit.
    """
    settings.RECKON_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.RECKON_FETCH_TIMEOUT_SECONDS = 0.5
    settings.RECKON_FETCH_MAX_BYTES = 200_000
    with web.serve(web.newspaper_routes()) as base:
        yield base


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


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _database_vendor() -> str:
    """``postgresql`` or ``sqlite``: the test database's vendor (read without connecting)."""
    from django.db import connection

    return connection.vendor


def pytest_configure(config):
    """RECKON_TEST_DATABASE (``postgresql`` or ``sqlite``), when set, must name the database used.

    Each CI leg sets it, so a leg can never test another database than it says
    (an unset or mistyped DATABASE_URL is refused, not quietly run elsewhere).
    """
    expected = os.environ.get("RECKON_TEST_DATABASE", "").strip().lower()
    if expected and expected != _database_vendor():
        raise pytest.UsageError(
            f"RECKON_TEST_DATABASE={expected}, but DATABASE_URL points at "
            f"{_database_vendor()}: set DATABASE_URL to a {expected} database."
        )


def pytest_collection_finish(session):
    """Tests marked ``postgres`` are refused on another database, never run there to skip.

    On SQLite, deselect them by marker (``-m "not postgres"``, as ``make test-sqlite``
    does); the closing line then counts them as deselected.
    """
    if session.config.option.collectonly or _database_vendor() == "postgresql":
        return
    needs_postgres = [item for item in session.items if item.get_closest_marker("postgres")]
    if needs_postgres:
        listed = "\n  ".join(item.nodeid for item in needs_postgres[:5])
        more = f"\n  … and {len(needs_postgres) - 5} more" if len(needs_postgres) > 5 else ""
        raise pytest.UsageError(
            f"{len(needs_postgres)} selected test(s) are marked postgres but the database is "
            f"{_database_vendor()}:\n  {listed}{more}\n"
            'Set DATABASE_URL to PostgreSQL, or deselect them with -m "not postgres" '
            "(make test-sqlite)."
        )


def pytest_sessionfinish(session, exitstatus):
    """Under CI (RECKON_FORBID_SKIPS=1) a skip fails the run: it may hide a missing service."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("RECKON_FORBID_SKIPS") and skipped:
        reporter.write_line(f"{skipped} test(s) were skipped; CI does not allow skips.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Tests hash passwords with MD5: PBKDF2's deliberate slowness only slows every login.

    Production settings keep Django's default hashers; this override lives in
    the test run alone (worker subprocesses keep the real ones).
    """
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _chart_store_of_its_own(settings, tmp_path_factory):
    """Each test draws into an empty chart store, as a fresh cache would have it."""
    settings.RECKON_CHART_DIR = tmp_path_factory.mktemp("charts")


@pytest.fixture(autouse=True)
def _pages_remember_nothing_yet():
    """Each test starts with nothing remembered by the pages (``pages.fragments``), the
    API (``api.compiled``: kept statements, and lists' counts) or the readings under
    every scale (``drafting.readings``).

    A test's writes are rolled back, and on SQLite the change stamp with them, so
    the next test may see the same stamp over other data.
    """
    from forecasts.api import compiled
    from forecasts.drafting import readings
    from forecasts.pages import fragments

    fragments.forget()
    compiled.forget()  # the API's kept statements and counts, keyed by the stamp too
    readings.forget()


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


@pytest.fixture
def redis_down(settings):
    """The default cache pointed at a Redis nobody listens on: it must fail open."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


@pytest.fixture
def rules_only(monkeypatch):
    """Drafting with the rules alone, as ``RECKON_SENTENCE_MODEL=off`` makes it: for tests of
    what the rules read through the whole drafting path (a list's title, say), which the
    sentence model's second opinion would otherwise weigh too."""
    from forecasts.drafting import sentence_model

    monkeypatch.setenv(sentence_model.SWITCH, "off")
    sentence_model._loaded.cache_clear()
    yield
    sentence_model._loaded.cache_clear()
