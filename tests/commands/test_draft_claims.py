"""``manage.py draft_claims``: preview a file, store and draft it, draft a stored source."""

import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from forecasts.drafting.claims import MAX_ARTICLE_CHARS
from forecasts.models import Author, Forecast, Question, Source
from tests import builders

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed-article.txt"
DATED = (
    "The central bank will probably cut interest rates by the end of 2025. "
    "Inflation is falling. Unemployment is unlikely to rise within two years, and the "
    "government is almost certain to lose the next election."
)


def run(*args) -> str:
    out = io.StringIO()
    call_command("draft_claims", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Question.objects.count(),
        Forecast.objects.count(),
        Source.objects.count(),
        Author.objects.count(),
    )


@pytest.fixture
def article_file(tmp_path) -> Path:
    path = tmp_path / "rates.txt"
    path.write_text(DATED, encoding="utf-8")
    return path


def test_a_dry_run_prints_the_claims_as_json_without_touching_the_database():
    # No ``db`` fixture: pytest-django fails any query this test makes.
    claims = json.loads(run(str(SEED_FILE), "--dry-run", "--json"))

    assert len(claims) == 16
    likely = next(c for c in claims if c["sentence"].startswith("A Trump-brokered agreement"))
    assert likely == {
        "index": 24,
        "sentence": likely["sentence"],
        "phrase": "likely",
        "scale": "icd203",
        "interval": [0.55, 0.8],
        "probability": 0.675,
        "direction": "affirms",
        "stated_probability": 0.675,
        "outcome": "a Trump-brokered agreement will involve the recognition of Russian "
        "territorial gains in Ukraine since 2014",
        "quantity": None,
        "suggested_resolve_by": None,
    }
    assert all(c["sentence"] in SEED_FILE.read_text() for c in claims)


def test_a_dry_run_reads_dates_from_the_publication_date(article_file):
    claims = json.loads(
        run(str(article_file), "--dry-run", "--json", "--published-on", "2024-11-12")
    )
    assert [(c["phrase"], c["suggested_resolve_by"]) for c in claims] == [
        ("probably", "2025-12-31"),
        ("almost certain", "2026-11-12"),
    ]
    assert [(c["direction"], c["stated_probability"]) for c in claims] == [
        ("affirms", 0.675),
        ("negates", 0.97),
    ]


def test_a_dry_run_uses_the_scale_asked_for(article_file):
    (rates, _) = json.loads(run(str(article_file), "--dry-run", "--json", "--scale", "kent1964"))
    assert (rates["phrase"], rates["scale"], rates["probability"]) == ("probably", "kent1964", 0.75)


def test_a_dry_run_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DATED.encode())))
    claims = json.loads(run("-", "--dry-run", "--json"))
    assert [c["phrase"] for c in claims] == ["probably", "almost certain"]


def test_a_dry_run_is_readable_without_json():
    text = run(str(SEED_FILE), "--dry-run", "--published-on", "2024-11-12")
    assert text.startswith("Would draft 16 question(s) (scale icd203):")
    assert "67.5% “likely” on icd203 [55%–80%], closes 2025-11-12 (default)" in text
    assert "Beijing, meanwhile, won't sit idly by" in text
    # Which way the author leans is printed where the sentence negates its event.
    assert "leans against: 90.0% that beijing will not sit idly by" in text.lower()


def test_a_dry_run_needs_no_migrated_database(tmp_path):
    database = tmp_path / "never-migrated.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "draft_claims", str(SEED_FILE), "--dry-run", "--json"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 16
    assert not database.exists() or database.stat().st_size == 0


def test_it_stores_the_article_and_drafts_its_claims(article_file, author):
    text = run(
        str(article_file),
        "--title",
        "Rates and votes",
        "--author",
        author.slug,
        "--published-on",
        "2024-11-12",
        "--publisher",
        "The Daily",
        "--url",
        "https://example.org/rates",
    )

    source = Source.objects.get()
    assert (source.title, source.author, source.published_on) == (
        "Rates and votes",
        author,
        date(2024, 11, 12),
    )
    assert (source.publisher, source.url, source.full_text) == (
        "The Daily",
        "https://example.org/rates",
        DATED,
    )
    assert source.scale == "icd203"
    drafts = Question.objects.drafts().order_by("closes_at")
    assert [q.forecasts.get().phrase for q in drafts] == ["probably", "almost certain"]
    assert "Drafted 2 question(s) from “Rates and votes” (source rates-and-votes" in text
    assert f"/admin/forecasts/question/{drafts[0].pk}/change/" in text
    assert f"?status=draft&forecasts__source__id__exact={source.pk}" in text


def test_it_creates_a_new_author_from_a_name_and_prints_json(db, article_file):
    rows = json.loads(
        run(
            str(article_file),
            "--title",
            "Rates",
            "--author",
            "Ada Lovelace",
            "--published-on",
            "2024-11-12",
            "--scale",
            "kent1964",
            "--json",
        )
    )
    author = Author.objects.get(slug="ada-lovelace")
    assert author.name == "Ada Lovelace"
    assert Source.objects.get().scale == "kent1964"
    assert [row["probability"] for row in rows] == [0.75, 0.93]  # Kent: probable, almost certain
    assert {row["question"] for row in rows} == set(Question.objects.values_list("pk", flat=True))


def test_it_drafts_a_stored_source_once(source):
    source.full_text = DATED
    source.save()

    first = run("--source", source.slug)
    second = run("--source", source.slug)

    assert "Drafted 2 question(s)" in first
    assert "Drafted 0 question(s)" in second
    assert "Skipped 2 claim(s) a forecast of this source already quotes" in second
    assert Question.objects.drafts().count() == 2


def test_a_dry_run_of_a_stored_source_writes_nothing(source):
    source.full_text = DATED
    source.save()
    before = counts()
    claims = json.loads(run("--source", source.slug, "--dry-run", "--json"))
    assert len(claims) == 2
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"It will rain.\x00\x00\x00", "binary data (it contains NUL bytes)"),
        (b"\xff\xfe\xfa It will rain", "not UTF-8"),
        (
            "El banco central probablemente bajará los tipos de interés el próximo año, "
            "según los analistas.".encode(),
            "does not look like English",
        ),
    ],
    ids=["empty", "binary", "not-utf8", "spanish"],
)
def test_it_refuses_bad_files_with_a_clear_message_and_writes_nothing(
    tmp_path, author, content, message
):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = counts()
    args = ["--title", "T", "--author", author.slug, "--published-on", "2024-11-12"]
    with pytest.raises(CommandError, match=re.escape(message)):
        run(str(path), *args)
    with pytest.raises(CommandError, match=re.escape(message)):
        run(str(path), "--dry-run")
    assert counts() == before


def test_it_refuses_a_huge_file_before_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("It will rain. " * (MAX_ARTICLE_CHARS // 3), encoding="utf-8")
    with pytest.raises(CommandError, match="an article is at most 200,000 characters"):
        run(str(path), "--dry-run")


def test_it_refuses_an_article_just_over_the_limit(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("It will rain. " * (MAX_ARTICLE_CHARS // 14 + 1), encoding="utf-8")
    with pytest.raises(CommandError, match="the limit is 200,000"):
        run(str(path), "--dry-run")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give an article FILE, --url URL or --source SLUG"),
        (["x.txt", "--source", "s"], "Give an article FILE, --url URL or --source SLUG"),
        (["missing.txt", "--dry-run"], "missing.txt: no such file"),
        (["{file}"], "needs --title, --author, --published-on"),
        (
            ["{file}", "--title", "T", "--author", "nobody-here", "--published-on", "2024-11-12"],
            "no author has the slug “nobody-here”",
        ),
        (["{file}", "--published-on", "12/11/2024", "--dry-run"], "not a date like 2024-11-12"),
        (["{file}", "--published-on", "2027-01-01", "--dry-run"], "is in the future"),
        (
            [
                "{file}",
                "--title",
                "T",
                "--author",
                "Ada Pundit",
                "--published-on",
                "2024-11-12",
                "--url",
                "not a url",
            ],
            "url: Enter a valid URL.",
        ),
        (["--source", "no-such-source"], "No source with the slug “no-such-source”"),
    ],
    ids=[
        "nothing",
        "both",
        "missing-file",
        "no-metadata",
        "unknown-author-slug",
        "bad-date",
        "future-date",
        "bad-url",
        "unknown-source",
    ],
)
def test_it_refuses_bad_arguments_and_writes_nothing(article_file, author, args, message):
    before = counts()
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*[a.replace("{file}", str(article_file)) for a in args])
    assert counts() == before


def test_it_refuses_a_stored_source_without_author_or_date(db):
    builders.source(title="Anonymous", published_on=None, full_text=DATED)
    before = counts()
    with pytest.raises(CommandError) as refused:
        run("--source", "anonymous")
    assert "author: The source has no author" in str(refused.value)
    assert "published_on: The source has no publication date" in str(refused.value)
    assert counts() == before


def test_it_refuses_to_store_the_same_article_twice(article_file, author):
    args = ["--title", "Rates", "--author", author.slug, "--published-on", "2024-11-12"]
    run(str(article_file), *args)
    before = counts()
    with pytest.raises(CommandError, match="already stored as the source “rates”"):
        run(str(article_file), *args)
    assert counts() == before
