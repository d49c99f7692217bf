"""The forecasts' changelist opens its date drill-down on the years, read from an index.

Whatever reads them, the links are the ones Django's own drill-down gives; only
the whole list's first level is read another way (on PostgreSQL): a filtered or
searched list, a chosen year, and SQLite are Django's own.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forecasts.models import Author, stated_years
from tests import builders

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/forecasts/forecast/"


def _question(slug: str, *, opens: datetime, years: float):
    closes = opens + timedelta(days=365 * years)
    return builders.question(
        slug, opens_at=opens, closes_at=closes, resolve_by=closes + timedelta(days=30)
    )


@pytest.fixture
def spread(db):
    """Real and synthetic claims stated across four years, one of them just after a
    new year in UTC (still the old year in New York)."""
    question = _question("long-runner", opens=datetime(2020, 1, 1, tzinfo=UTC), years=7)
    real = Author.objects.create(name="Real", slug="real")
    demo = Author.objects.create(name="Demo", slug="demo", is_synthetic=True)
    for author, moment in [
        (real, datetime(2021, 3, 4, tzinfo=UTC)),
        (real, datetime(2024, 1, 1, 2, 0, tzinfo=UTC)),  # 2023 in New York
        (demo, datetime(2022, 7, 1, tzinfo=UTC)),
        (demo, datetime(2025, 12, 31, 23, 0, tzinfo=UTC)),
    ]:
        builders.raw_forecast(question, author, stated_at=moment)
    return question


def _years(page: str) -> list[str]:
    """The years the drill-down links, in order (each once)."""
    found = re.findall(r"[?&;]stated_at__year=(\d{4})", page)
    return list(dict.fromkeys(found))


def _djangos_own(response) -> dict:
    return date_hierarchy(response.context["cl"])


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_whole_list_opens_on_the_years_django_would_list(admin_client, spread, zone):
    with timezone.override(zone):
        response = admin_client.get(CHANGELIST)
        assert response.status_code == 200
        own = _djangos_own(response)
    expected = {
        "UTC": ["2021", "2022", "2024", "2025"],
        "America/New_York": ["2021", "2022", "2023", "2025"],
    }
    assert [choice["title"] for choice in own["choices"]] == expected[zone]
    assert _years(response.content.decode()) == expected[zone]


@pytest.mark.postgres
def test_the_whole_list_reads_its_years_by_index_probes_not_a_pass_over_every_row(
    admin_client, spread
):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST)
    assert _years(response.content.decode()) == ["2021", "2022", "2024", "2025"]
    statements = " ".join(query["sql"] for query in queries.captured_queries)
    assert "WITH RECURSIVE years" in statements
    assert "DISTINCT DATE_TRUNC" not in statements.upper()
    assert 'MIN("forecasts_forecast"."stated_at")' not in statements
    assert stated_years("UTC") == [2021, 2022, 2024, 2025]


def test_a_searched_or_filtered_list_lists_the_years_of_its_own_rows(admin_client, spread):
    page = admin_client.get(CHANGELIST, {"q": "Demo"}).content.decode()
    assert _years(page) == ["2022", "2025"]
    page = admin_client.get(CHANGELIST, {"author__is_synthetic__exact": "0"}).content.decode()
    assert _years(page) == ["2021", "2024"]


def test_a_chosen_year_opens_on_its_months(admin_client, spread):
    page = admin_client.get(CHANGELIST, {"stated_at__year": "2024"}).content.decode()
    assert "stated_at__month=1" in page
    assert _years(page) == ["2024"]  # every month's link keeps the year


def test_a_list_of_one_year_opens_on_its_months_as_django_does(admin_client, db):
    question = _question("short-runner", opens=datetime(2024, 1, 1, tzinfo=UTC), years=0.9)
    author = Author.objects.create(name="Once", slug="once")
    builders.raw_forecast(question, author, stated_at=datetime(2024, 3, 1, tzinfo=UTC))
    builders.raw_forecast(question, author, stated_at=datetime(2024, 5, 1, tzinfo=UTC))
    response = admin_client.get(CHANGELIST)
    months = re.findall(r"stated_at__month=(\d+)", response.content.decode())
    assert sorted(set(months)) == ["3", "5"]
    assert [c["title"] for c in _djangos_own(response)["choices"]] == ["March 2024", "May 2024"]


def test_an_empty_ledger_lists_no_years(admin_client, db):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert _years(response.content.decode()) == []
