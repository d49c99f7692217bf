"""The fresh parts of the claims corpus: their shape, read as plain JSON.

Each was labelled blind, as held-out, from the labelling guide in docs/drafting.md,
before any detector read it. ``fresh.json`` (ids ``f01``…), ``fresh2.json`` (ids
``g01``…), ``fresh3.json`` (ids ``h01``…), ``fresh4.json`` (ids ``i01``…),
``fresh5.json`` (ids ``j01``…) and ``fresh6.json`` (ids ``k01``…) have been measured as
held-out and are tuning data now; ``fresh7.json`` (ids ``l01``…) is the held-out part.
These checks import nothing from the detector, so the files' shape does not depend on what the
detector says; each file is held to its own minimum size and variety.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[2] / "forecasts" / "drafting" / "corpus"
LABELS = {"claim", "reported", "none"}


@dataclass(frozen=True)
class Part:
    """What one fresh file must hold at least, and its split."""

    prefix: str
    split: str
    articles: int
    entries: int
    subjects: int
    outlets: int
    claims: int
    reported: int


PARTS = {
    "fresh.json": Part(
        prefix="f",
        split="tuning",
        articles=12,
        entries=300,
        subjects=5,
        outlets=12,
        claims=70,
        reported=30,
    ),
    "fresh2.json": Part(
        prefix="g",
        split="tuning",
        articles=20,
        entries=400,
        subjects=6,
        outlets=20,
        claims=100,
        reported=40,
    ),
    "fresh3.json": Part(
        prefix="h",
        split="tuning",
        articles=20,
        entries=300,
        subjects=6,
        outlets=20,
        claims=80,
        reported=40,
    ),
    "fresh4.json": Part(
        prefix="i",
        split="tuning",
        articles=25,
        entries=380,
        subjects=7,
        outlets=22,
        claims=90,
        reported=45,
    ),
    "fresh5.json": Part(
        prefix="j",
        split="tuning",
        articles=35,
        entries=600,
        subjects=10,
        outlets=35,
        claims=180,
        reported=120,
    ),
    "fresh6.json": Part(
        prefix="k",
        split="tuning",
        articles=35,
        entries=600,
        subjects=10,
        outlets=35,
        claims=150,
        reported=80,
    ),
    "fresh7.json": Part(
        prefix="l",
        split="held-out",
        articles=35,
        entries=600,
        subjects=10,
        outlets=35,
        claims=150,
        reported=80,
    ),
}


def read(name: str) -> dict:
    return json.loads((CORPUS_DIR / name).read_text(encoding="utf-8"))


def address(url: str) -> str:
    """The URL without scheme, ``www.`` or trailing slash, so that variants compare equal."""
    return re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")


@pytest.fixture(scope="module", params=sorted(PARTS))
def part(request) -> tuple[str, dict, Part]:
    return request.param, read(request.param), PARTS[request.param]


def test_every_corpus_file_is_checked_here():
    assert {p.name for p in CORPUS_DIR.glob("*.json")} == {"articles.json", *PARTS}


def test_it_has_the_same_keys_as_the_tuned_corpus(part):
    _, fresh, _ = part
    tuned = read("articles.json")
    assert set(fresh) == {"articles", "entries"}
    assert all(set(a) == set(tuned["articles"][0]) for a in fresh["articles"])
    assert all(set(e) == set(tuned["entries"][0]) for e in fresh["entries"])


def test_its_articles_are_numbered_split_and_described(part):
    _, fresh, spec = part
    ids = [a["id"] for a in fresh["articles"]]
    assert ids == [f"{spec.prefix}{n:02d}" for n in range(1, len(ids) + 1)]
    for article in fresh["articles"]:
        assert article["split"] == spec.split, article["id"]
        assert article["url"].startswith(("http://", "https://")), article["id"]
        assert "for evaluation" in article["licence"], article["id"]
        assert all(article[key].strip() for key in ("outlet", "date", "subject", "style"))


def test_it_shares_no_article_with_any_other_corpus_file(part):
    name, fresh, _ = part
    urls = [address(a["url"]) for a in fresh["articles"]]
    ids = {a["id"] for a in fresh["articles"]}
    assert len(set(urls)) == len(urls)
    for other in ["articles.json", *PARTS]:
        if other == name:
            continue
        theirs = read(other)["articles"]
        assert not {address(a["url"]) for a in theirs} & set(urls), other
        assert not {a["id"] for a in theirs} & ids, other


def test_every_entry_belongs_to_an_article_and_reads_in_order(part):
    _, fresh, _ = part
    ids = {a["id"] for a in fresh["articles"]}
    last_paragraph: dict[str, int] = {}
    for entry in fresh["entries"]:
        assert entry["article"] in ids, entry
        assert entry["origin"] == "corpus", entry
        assert entry["sentence"] == entry["sentence"].strip() != "", entry
        assert entry["paragraph"] >= last_paragraph.get(entry["article"], 0), entry
        last_paragraph[entry["article"]] = entry["paragraph"]
    assert set(last_paragraph) == ids  # no article without sentences


def test_labels_are_valid_and_phrases_come_from_their_sentence(part):
    _, fresh, _ = part
    for entry in fresh["entries"]:
        assert entry["label"] in LABELS, entry
        if entry["label"] != "claim":
            assert entry["phrase"] is None, entry
        elif entry["phrase"] is not None:
            assert entry["phrase"] in entry["sentence"], entry


def test_it_is_big_and_varied_enough_to_measure_on(part):
    _, fresh, spec = part
    labels = Counter(e["label"] for e in fresh["entries"])
    assert len(fresh["articles"]) >= spec.articles
    assert len(fresh["entries"]) >= spec.entries
    assert len({a["subject"] for a in fresh["articles"]}) >= spec.subjects
    assert len({a["outlet"] for a in fresh["articles"]}) >= spec.outlets
    assert labels["claim"] >= spec.claims
    assert labels["reported"] >= spec.reported


def test_the_counts_in_the_labelling_guide_are_the_files(part):
    _, fresh, _ = part
    guide = (CORPUS_DIR.parents[2] / "docs" / "drafting.md").read_text(encoding="utf-8")
    labels = Counter(e["label"] for e in fresh["entries"])
    row = (
        f"| **all** | **{len(fresh['articles'])}** | **{len(fresh['entries'])}** "
        f"| **{labels['claim']}** | **{labels['reported']}** | **{labels['none']}** |"
    )
    assert row in guide
