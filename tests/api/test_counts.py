"""Lists remember their count while the data stands (``forecasts.api.pagination``): a later
page, or the same page again, reads only its rows; any write, another query, another
client or a moment that moves a question's status counts afresh."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forecasts.models import Author
from tests import builders

pytestmark = pytest.mark.django_db


def read(client, path: str) -> tuple[int, list[str]]:
    """The list's count and the statements the read ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return response.json()["count"], [q["sql"] for q in captured.captured_queries]


def counted(statements: list[str]) -> bool:
    """Did a statement count the list (a page's own columns may count other rows)?"""
    return any(sql.lstrip().upper().startswith("SELECT COUNT(") for sql in statements)


@pytest.fixture
def authors(db):
    return [builders.author(f"Author {i}", slug=f"author-{i}") for i in range(3)]


def test_a_second_page_of_the_same_list_reads_only_its_rows(api_client, authors):
    first, statements = read(api_client, "/api/authors/?page_size=2")
    assert first == 3 and counted(statements)
    second, statements = read(api_client, "/api/authors/?page_size=2&page=2")
    assert second == 3 and not counted(statements)
    again, statements = read(api_client, "/api/authors/?page_size=2")
    assert again == 3 and not counted(statements)


def test_a_write_counts_afresh(api_client, authors):
    read(api_client, "/api/authors/")
    builders.author("Newcomer", slug="newcomer")
    found, statements = read(api_client, "/api/authors/")
    assert found == 4 and counted(statements)
    Author.objects.filter(slug="newcomer").delete()
    assert read(api_client, "/api/authors/")[0] == 3


def test_another_query_or_client_has_its_own_count(api_client, client_for, editor, authors):
    read(api_client, "/api/authors/")
    found, statements = read(api_client, "/api/authors/?search=Author+1")
    assert found == 1 and counted(statements)
    found, statements = read(client_for(editor), "/api/authors/")
    assert found == 3 and counted(statements)  # a signed-in client's lists are its own


def test_a_moment_that_moves_a_status_counts_afresh(api_client):
    """As for the ETag: a list may hold questions by status, which moves with the clock."""
    now = timezone.now()
    builders.question(
        "falls-due",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=1),
        resolve_by=now + timedelta(days=2),
    )
    with time_machine.travel(now, tick=False):
        assert counted(read(api_client, "/api/tags/")[1])
        assert not counted(read(api_client, "/api/tags/")[1])
    with time_machine.travel(now + timedelta(hours=1), tick=False):  # nothing moved
        assert not counted(read(api_client, "/api/tags/")[1])
    with time_machine.travel(now + timedelta(days=3), tick=False):  # it closed and fell due
        assert counted(read(api_client, "/api/tags/")[1])
