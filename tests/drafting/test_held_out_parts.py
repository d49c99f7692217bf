"""Held-out parts of the corpus are measured file by file, never pooled with each other,
and their mistakes are listed only when asked (sentences written here)."""

import json

from forecasts.drafting.evaluation import HELD_OUT, evaluate, lists_mistakes, load_corpus
from tests.builders.corpus import one_article


def _part(tmp_path, name: str, split: str, article: str, sentences: list[tuple[str, str]]):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(one_article(split, article, sentences)), encoding="utf-8")
    return path


def test_two_held_out_files_are_reported_apart_and_never_pooled(tmp_path):
    tuning = _part(tmp_path, "articles", "tuning", "t1", [("Rates will rise.", "claim")])
    first = _part(
        tmp_path,
        "second",
        HELD_OUT,
        "a1",
        [("The ferry will run again in May.", "claim"), ("The ferry ran in May.", "none")],
    )
    second = _part(
        tmp_path, "third", HELD_OUT, "b1", [("The council will meet on Monday.", "none")]
    )

    report = evaluate(load_corpus(tuning, first, second))

    assert list(report) == ["tuning", "held-out/second", "held-out/third", "overall"]
    assert report["held-out/second"]["n"] == 2 and report["held-out/third"]["n"] == 1
    assert report["held-out/third"]["false_positives"] == 1
    assert report["overall"]["n"] == 4


def test_one_held_out_file_is_the_held_out_split(tmp_path):
    tuning = _part(tmp_path, "articles", "tuning", "t1", [("Rates will rise.", "claim")])
    held = _part(tmp_path, "third", HELD_OUT, "b1", [("Prices will fall.", "claim")])

    assert list(evaluate(load_corpus(tuning, held))) == ["tuning", HELD_OUT, "overall"]


def test_held_out_mistakes_are_listed_only_when_asked():
    for subset in (HELD_OUT, "held-out/fresh4"):
        assert not lists_mistakes(subset)
        assert lists_mistakes(subset, with_held_out=True)
    assert lists_mistakes("tuning")
    assert not lists_mistakes("tuning/fresh2")  # listed under "tuning" already
    assert not lists_mistakes("overall", with_held_out=True)
