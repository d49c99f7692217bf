"""Search: the page in the header, ``/api/search/``, and real records before synthetic ones."""

from __future__ import annotations

import pytest
from django.db import connection

from forecasts.models.search import search_ledger
from tests.builders.ledger import author, forecast, question, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    real = author("Jane Economist", description="Writes about inflation and trade.")
    fake = author("Synthetic: Trade Bot", is_synthetic=True)
    q_real = question("tariffs-2025", title="Will the tariffs on steel be lifted in 2025?")
    q_fake = question(
        "synthetic-tariffs", title="Synthetic: will tariffs on steel rise?", is_synthetic=True
    )
    article = source(real, title="The steel question", publisher="The Ledger")
    demo = source(None, title="Synthetic steel world", slug="synthetic-steel", is_synthetic=True)
    forecast(
        q_real,
        real,
        source=article,
        quote="Steel tariffs will surely be lifted.",
        phrase="surely",
        scale="reckon",
    )
    forecast(
        q_fake,
        fake,
        source=demo,
        quote="Steel tariffs will likely rise.",
        phrase="likely",
        scale="icd203",
    )
    return {"real": real, "fake": fake, "q_real": q_real, "q_fake": q_fake}


def slugs(found) -> list[str]:
    return [getattr(item, "slug", None) or item.question.slug for item in found]


def test_it_finds_each_kind_and_puts_real_records_first(ledger):
    results = search_ledger("steel tariffs")
    assert slugs(results.questions) == ["tariffs-2025", "synthetic-tariffs"]
    assert slugs(results.quotes) == ["tariffs-2025", "synthetic-tariffs"]
    assert results.sources == []  # no source's title or publisher says "tariffs"
    sources = search_ledger("steel").sources
    assert [s.slug for s in sources] == ["the-steel-question", "synthetic-steel"]
    assert [a.slug for a in search_ledger("economist").authors] == ["jane-economist"]


def test_it_leaves_synthetic_records_out_or_keeps_only_them_when_asked(ledger):
    real = search_ledger("steel", records="real")
    assert slugs(real.questions) == ["tariffs-2025"]
    assert [s.slug for s in real.sources] == ["the-steel-question"]
    only = search_ledger("steel", records="synthetic")
    assert slugs(only.questions) == ["synthetic-tariffs"]
    assert slugs(only.quotes) == ["synthetic-tariffs"]


def test_it_finds_a_name_from_part_of_a_word(ledger):
    assert [a.slug for a in search_ledger("econ").authors] == ["jane-economist"]


def test_it_finds_nothing_for_words_nobody_wrote(ledger):
    assert search_ledger("zeppelin").total == 0
    assert search_ledger("").total == 0


def test_drafts_are_never_found(ledger):
    question("draft-steel", title="Steel draft question", state="draft")
    assert "draft-steel" not in slugs(search_ledger("steel").questions)


def test_the_page_groups_results_by_kind(client, ledger):
    html = client.get("/search/?q=steel").content.decode()
    for heading in ("Questions (2)", "Sources (2)", "Quotes (2)"):
        assert heading in html
    assert html.index("/questions/tariffs-2025/") < html.index("/questions/synthetic-tariffs/")
    assert 'class="badge synthetic"' in html


def test_every_page_has_the_search_box_in_its_header(client, ledger):
    html = client.get("/").content.decode()
    header = html.split("</header>")[0]
    assert 'role="search"' in header and 'action="/search/"' in header


def test_the_page_refuses_text_the_database_cannot_take(client, ledger):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "Search text must be under 200 plain characters." in response.content.decode()


def test_the_page_reads_a_fixed_number_of_times(client, ledger, django_assert_num_queries):
    with django_assert_num_queries(4):
        client.get("/search/?q=steel")


def test_the_api_answers_by_kind_with_is_synthetic(client, ledger):
    body = client.get("/api/search/", {"q": "steel"}).json()
    assert [q["slug"] for q in body["questions"]] == ["tariffs-2025", "synthetic-tariffs"]
    assert [q["is_synthetic"] for q in body["questions"]] == [False, True]
    assert [s["is_synthetic"] for s in body["sources"]] == [False, True]
    assert body["quotes"][0]["quote"] == "Steel tariffs will surely be lifted."


def test_the_api_names_the_field_it_refuses(client, ledger):
    response = client.get("/api/search/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "q" in response.json()
    response = client.get("/api/search/", {"q": "steel", "records": "fake"})
    assert response.status_code == 400
    assert "records" in response.json()


def test_api_lists_filter_by_real_or_synthetic_and_list_real_first(client, ledger):
    authors = client.get("/api/authors/").json()["results"]
    assert [a["is_synthetic"] for a in authors] == [False, True]
    forecasts = client.get("/api/forecasts/").json()["results"]
    assert [f["is_synthetic"] for f in forecasts] == [False, True]
    only = client.get("/api/forecasts/", {"is_synthetic": "true"}).json()["results"]
    assert [f["question_slug"] for f in only] == ["synthetic-tariffs"]
    sources = client.get("/api/sources/", {"is_synthetic": "false"}).json()["results"]
    assert [s["slug"] for s in sources] == ["the-steel-question"]
    questions = client.get("/api/questions/", {"is_synthetic": "true"}).json()["results"]
    assert [q["slug"] for q in questions] == ["synthetic-tariffs"]


@pytest.mark.postgres
def test_postgres_uses_full_text_with_stemming_and_the_gin_index(ledger):
    # "lifting" finds "lifted": English stemming, which LIKE cannot do.
    assert slugs(search_ledger("lifting").questions) == ["tariffs-2025"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s ORDER BY 1", ["%search_gin"]
        )
        assert [r[0] for r in cursor.fetchall()] == [
            "author_search_gin",
            "forecast_search_gin",
            "question_search_gin",
            "source_search_gin",
        ]
