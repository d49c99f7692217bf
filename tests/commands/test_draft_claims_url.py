"""``manage.py draft_claims --url``: fetch an article, show what the page says, draft it."""

import json

import pytest
from django.core.management import CommandError

from forecasts.models import Source
from tests.builders import web
from tests.commands.test_draft_claims import counts, run

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC


def test_a_dry_run_shows_the_metadata_and_the_claims_and_writes_nothing(db, newspaper):
    before = counts()
    out = run("--url", f"{newspaper}{web.ARTICLE}", "--dry-run")

    assert f"Fetched {newspaper}{web.ARTICLE}: " in out
    assert "title:        The fiscal rule will not survive contact with the councils" in out
    assert "author:       Miriam Okafor" in out
    assert "published on: 2026-10-03" in out
    assert "publisher:    The Ledger Review" in out
    assert "Would draft" in out and "at least two more councils" in out
    assert counts() == before


def test_it_stores_the_article_with_the_pages_metadata_and_drafts_it(db, newspaper):
    rows = json.loads(run("--url", f"{newspaper}/old-link", "--json"))

    source = Source.objects.get()
    assert source.url == f"{newspaper}{web.ARTICLE}"  # where the redirect ended
    assert (source.title, source.author.name, str(source.published_on), source.publisher) == (
        "The fiscal rule will not survive contact with the councils",
        "Miriam Okafor",
        "2026-10-03",
        "The Ledger Review",
    )
    assert rows and all(row["question"] for row in rows)
    assert source.forecasts.count() == len(rows)


def test_the_options_given_override_what_the_page_says(db, newspaper, author):
    run(
        "--url",
        f"{newspaper}{web.ARTICLE}",
        "--author",
        author.slug,
        "--published-on",
        "2026-10-04",
        "--title",
        "Fiscal rule",
    )
    source = Source.objects.get()
    assert (source.author, str(source.published_on), source.title) == (
        author,
        "2026-10-04",
        "Fiscal rule",
    )


@pytest.mark.parametrize(("path", "message"), sorted(web.BAD_PAGES.items()))
def test_a_page_that_cannot_be_drafted_is_refused_naming_the_problem(db, newspaper, path, message):
    before = counts()
    with pytest.raises(CommandError) as refused:
        run("--url", f"{newspaper}{path}")
    assert str(refused.value).startswith(f"url: Cannot draft from {newspaper}{path}: ")
    assert message in str(refused.value)
    assert counts() == before


def test_a_page_without_a_byline_needs_author(db, newspaper):
    routes = {"/unsigned": web.html(web.article_html(author=""))}
    before = counts()
    with web.serve(routes) as base, pytest.raises(CommandError) as refused:
        run("--url", f"{base}/unsigned")
    assert "Storing an article needs --author" in str(refused.value)
    assert counts() == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/op-ed.html", "only http and https URLs can be fetched, not “ftp:”"),
        ("http://169.254.169.254/latest/meta-data/", "a loopback, private or reserved address"),
    ],
)
def test_bad_schemes_and_private_addresses_are_refused(db, url, message):
    before = counts()
    with pytest.raises(CommandError, match=message):
        run("--url", url)
    assert counts() == before
