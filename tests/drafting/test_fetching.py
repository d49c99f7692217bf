"""Fetching an article from a URL: real HTTP from a loopback server, every refusal named."""

import socket

import pytest

from forecasts.drafting.fetching import FetchError, checked_address, extract_article, fetch_article
from tests.builders import web

LOOPBACK = ["127.0.0.1/32"]


@pytest.fixture
def site():
    with web.serve(web.newspaper_routes()) as base:
        yield base


def fetch(url: str, **options):
    return fetch_article(url, **{"allowed_networks": LOOPBACK, "timeout": 0.5, **options})


def test_it_extracts_the_main_text_and_the_metadata(site):
    article = fetch(f"{site}{web.ARTICLE}")

    assert article.url == f"{site}{web.ARTICLE}"
    assert article.title == "The fiscal rule will not survive contact with the councils"
    assert article.author == "Miriam Okafor"
    assert str(article.published_on) == "2026-10-03"
    assert article.publisher == "The Ledger Review"
    for paragraph in web.ARTICLE_PARAGRAPHS:
        assert paragraph in article.text.split("\n")  # one paragraph a line
    for boilerplate in ("Most read", "Subscribe", "All rights reserved"):
        assert boilerplate not in article.text


def test_it_follows_a_redirect_and_keeps_where_it_ended(site):
    article = fetch(f"{site}/old-link")

    assert article.url == f"{site}{web.ARTICLE}"
    assert article.author == "Miriam Okafor"


@pytest.mark.parametrize(
    ("path", "options", "message"),
    [
        ("/", {}, "no article found on the page (0 words of main text"),
        ("/huge", {"max_bytes": 200_000}, "the page is over the 195 KB limit; stopped reading"),
        ("/declared-huge", {}, "the page is 999,999,999 bytes, over the 3 MB limit"),
        ("/slow", {}, "did not answer within 0.5 seconds"),
        ("/report.pdf", {}, "the URL gives application/pdf, not an HTML page"),
        ("/to-metadata", {}, "“169.254.169.254” resolves to 169.254.169.254, a loopback, private"),
        ("/to-intranet", {}, "“10.20.30.40” resolves to 10.20.30.40"),
        ("/loop", {}, "more than 5 redirects; stopped at"),
        ("/gone", {}, "the server answered 410 Gone"),
    ],
    ids=[
        "no-article",
        "huge",
        "declared-huge",
        "timeout",
        "pdf",
        "link-local",
        "private",
        "loop",
        "gone",
    ],
)
def test_it_refuses_what_is_not_an_article_saying_why(site, path, options, message):
    with pytest.raises(FetchError) as refused:
        fetch(f"{site}{path}", **options)
    assert message in str(refused.value)


def test_loopback_is_refused_unless_allowed(site):
    with pytest.raises(FetchError, match="“127.0.0.1” resolves to 127.0.0.1, a loopback"):
        fetch(f"{site}{web.ARTICLE}", allowed_networks=[])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https URLs can be fetched, not “file:”"),
        ("ftp://example.org/a.html", "not “ftp:”"),
        ("example.org/opinion", "only http and https URLs can be fetched, not no scheme"),
        ("https://user:secret@example.org/", "a URL with a user name or password"),
        ("http:///path-only", "the URL has no host name"),
        ("http://example.org:99999/", "the URL's port is not a number from 1 to 65535"),
        ("http://[::1]/", "“::1” resolves to ::1"),
        ("http://[::ffff:127.0.0.1]/", "resolves to ::ffff:7f00:1"),
        ("http://0.0.0.0/", "resolves to 0.0.0.0"),
        ("http://100.64.0.1/", "resolves to 100.64.0.1"),  # shared address space (CGNAT)
        ("http://224.0.0.1/", "resolves to 224.0.0.1"),
        ("http://192.168.1.1/", "resolves to 192.168.1.1"),
    ],
)
def test_it_refuses_bad_schemes_and_non_public_addresses_before_connecting(url, message):
    with pytest.raises(FetchError) as refused:
        checked_address(url)
    assert message in str(refused.value)


def test_a_public_address_is_connected_to_as_resolved():
    assert checked_address("https://93.184.215.14/a?b=1") == (
        "https",
        "93.184.215.14",
        443,
        "93.184.215.14",
    )


@pytest.mark.parametrize(
    ("byline", "author"), [("Miriam Okafor", "Miriam Okafor"), ("", ""), ("By", "")]
)
def test_a_byline_gives_the_author_and_a_bare_by_gives_none(byline, author):
    page = web.article_html(author=byline)
    assert extract_article(page, "https://example.org/a").author == author


def test_https_is_fetched_with_the_certificate_checked():
    with web.serve(web.newspaper_routes(), tls=True) as base:
        article = fetch(f"{base}{web.ARTICLE}", ca_certs=web.TLS_CERT)
        assert article.url.startswith("https://") and article.author == "Miriam Okafor"

        with pytest.raises(FetchError, match="127.0.0.1: the secure connection failed"):
            fetch(f"{base}{web.ARTICLE}")  # the system's CAs do not trust the test certificate


def test_a_server_that_is_not_there_is_named():
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="127.0.0.1 could not be reached"):
        fetch(f"http://127.0.0.1:{port}/article")
