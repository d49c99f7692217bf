"""The fresh part of the claims corpus: its shape, read as plain JSON.

Its articles were labelled blind, as held-out, from the labelling guide in
docs/drafting.md, before any detector read them; they are tuning data now. These
checks import nothing from the detector, so the file's shape does not depend on
what the detector says.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[2] / "forecasts" / "drafting" / "corpus"
LABELS = {"claim", "reported", "none"}


def read(name: str) -> dict:
    return json.loads((CORPUS_DIR / name).read_text(encoding="utf-8"))


def address(url: str) -> str:
    """The URL without scheme, ``www.`` or trailing slash, so that variants compare equal."""
    return re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")


@pytest.fixture(scope="module")
def fresh() -> dict:
    return read("fresh.json")


def test_it_has_the_same_keys_as_the_tuned_corpus(fresh):
    tuned = read("articles.json")
    assert set(fresh) == {"articles", "entries"}
    assert all(set(a) == set(tuned["articles"][0]) for a in fresh["articles"])
    assert all(set(e) == set(tuned["entries"][0]) for e in fresh["entries"])


def test_its_articles_are_numbered_tuning_data_and_described(fresh):
    ids = [a["id"] for a in fresh["articles"]]
    assert ids == [f"f{n:02d}" for n in range(1, len(ids) + 1)]
    for article in fresh["articles"]:
        assert article["split"] == "tuning", article["id"]
        assert article["url"].startswith(("http://", "https://")), article["id"]
        assert "for evaluation" in article["licence"], article["id"]
        assert all(article[key].strip() for key in ("outlet", "date", "subject", "style"))


def test_it_shares_no_article_with_the_tuned_corpus(fresh):
    tuned = {address(a["url"]) for a in read("articles.json")["articles"]}
    urls = [address(a["url"]) for a in fresh["articles"]]
    assert len(set(urls)) == len(urls)
    assert not tuned & set(urls)


def test_every_entry_belongs_to_an_article_and_reads_in_order(fresh):
    ids = {a["id"] for a in fresh["articles"]}
    last_paragraph: dict[str, int] = {}
    for entry in fresh["entries"]:
        assert entry["article"] in ids, entry
        assert entry["origin"] == "corpus", entry
        assert entry["sentence"] == entry["sentence"].strip() != "", entry
        assert entry["paragraph"] >= last_paragraph.get(entry["article"], 0), entry
        last_paragraph[entry["article"]] = entry["paragraph"]
    assert set(last_paragraph) == ids  # no article without sentences


def test_labels_are_valid_and_phrases_come_from_their_sentence(fresh):
    for entry in fresh["entries"]:
        assert entry["label"] in LABELS, entry
        if entry["label"] != "claim":
            assert entry["phrase"] is None, entry
        elif entry["phrase"] is not None:
            assert entry["phrase"] in entry["sentence"], entry


def test_it_is_big_and_varied_enough_to_measure_on(fresh):
    labels = Counter(e["label"] for e in fresh["entries"])
    assert len(fresh["articles"]) >= 12
    assert len(fresh["entries"]) >= 300
    assert len({a["subject"] for a in fresh["articles"]}) >= 5
    assert len({a["outlet"] for a in fresh["articles"]}) >= 12
    assert labels["claim"] >= 70
    assert labels["reported"] >= 30


def test_the_counts_in_the_labelling_guide_are_the_files(fresh):
    guide = (CORPUS_DIR.parents[2] / "docs" / "drafting.md").read_text(encoding="utf-8")
    labels = Counter(e["label"] for e in fresh["entries"])
    row = (
        f"| **all** | **{len(fresh['articles'])}** | **{len(fresh['entries'])}** "
        f"| **{labels['claim']}** | **{labels['reported']}** | **{labels['none']}** |"
    )
    assert row in guide
