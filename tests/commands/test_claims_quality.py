"""``manage.py claims_quality``: the detector's figures as a table and one JSON line."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from forecasts.drafting.evaluation import (
    ARTICLES_CORPUS,
    FRESH_CORPUS,
    evaluate,
    load_corpus,
    shipped_corpus,
    wilson_interval,
)
from tests.builders.corpus import one_article

OLD_CORPUS = Path(__file__).resolve().parent.parent / "claims_corpus.json"


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("claims_quality", *args, stdout=out)
    return out.getvalue().splitlines()


TUNING = one_article(
    "tuning",
    "t1",
    [
        ("The central bank will probably cut rates in March.", "claim"),
        ("The minister said growth would pick up.", "reported"),
        ("Inflation fell last month.", "none"),
        ("The new stadium will hold sixty thousand fans.", "none"),  # read as a claim
    ],
)
FRESH = one_article(
    "held-out",
    "h1",
    [
        ("Prices will almost certainly rise next year.", "claim"),
        ("The council will meet on Monday.", "none"),
    ],
)


@pytest.fixture
def corpus_pair(tmp_path, monkeypatch):
    """An articles corpus and a held-out file beside it, read by default."""
    from forecasts.drafting import evaluation

    articles, fresh = tmp_path / "articles.json", tmp_path / "fresh.json"
    articles.write_text(json.dumps(TUNING), encoding="utf-8")
    fresh.write_text(json.dumps(FRESH), encoding="utf-8")
    monkeypatch.setattr(evaluation, "ARTICLES_CORPUS", articles)
    monkeypatch.setattr(evaluation, "FRESH_CORPUS", fresh)
    return articles, fresh


def test_the_shipped_parts_are_reported_with_intervals_then_json():
    lines = run()

    assert lines[0].startswith("detector: the rules and the sentence model: all-MiniLM-L6-v2")
    assert lines[1].split()[:5] == ["subset", "n", "TP", "FP", "FN"]
    assert [line.split()[0] for line in lines[2:12]] == [
        "tuning",
        "tuning/articles",
        "tuning/fresh",
        "tuning/fresh2",
        "tuning/fresh3",
        "tuning/fresh4",
        "tuning/fresh5",
        "tuning/fresh6",
        "held-out",
        "overall",
    ]
    figures = json.loads(lines[-1])
    expected = evaluate(load_corpus(*shipped_corpus()))
    for subset in expected:
        for key in ("n", "precision", "recall", "f1", "phrase_accuracy"):
            assert figures[subset][key] == expected[subset][key]
        low, high = figures[subset]["precision_95"]
        assert low <= figures[subset]["precision"] <= high
    articles, fresh = load_corpus(ARTICLES_CORPUS), load_corpus(FRESH_CORPUS)
    fresh2 = load_corpus(FRESH_CORPUS.with_name("fresh2.json"))
    fresh3 = load_corpus(FRESH_CORPUS.with_name("fresh3.json"))
    fresh4 = load_corpus(FRESH_CORPUS.with_name("fresh4.json"))
    fresh5 = load_corpus(FRESH_CORPUS.with_name("fresh5.json"))
    fresh6 = load_corpus(FRESH_CORPUS.with_name("fresh6.json"))
    assert figures["tuning/articles"]["n"] == len(articles) >= 600
    assert figures["tuning/fresh"]["n"] == len(fresh) >= 300
    assert figures["tuning/fresh2"]["n"] == len(fresh2) >= 400
    assert figures["tuning/fresh3"]["n"] == len(fresh3) >= 300
    assert figures["tuning/fresh4"]["n"] == len(fresh4) >= 380
    assert figures["tuning/fresh5"]["n"] == len(fresh5) >= 600
    assert figures["tuning/fresh6"]["n"] == len(fresh6) >= 600
    tuned = articles + fresh + fresh2 + fresh3 + fresh4 + fresh5 + fresh6
    assert figures["tuning"]["n"] == len(tuned)
    assert {row["subset"] for row in tuned} == {"tuning"}
    held_out = load_corpus(FRESH_CORPUS.with_name("fresh7.json"))
    assert figures["held-out"]["n"] == len(held_out) >= 600
    assert {row["subset"] for row in held_out} == {"held-out"}
    tuning = lines[2].split()
    assert tuning[5] == f"{expected['tuning']['precision']:.3f}"


def test_a_held_out_file_beside_the_corpus_is_read_and_reported_apart(corpus_pair, tmp_path):
    from forecasts.drafting import evaluation

    later = tmp_path / "more.json"
    later.write_text(json.dumps(one_article("tuning", "t2", [("Rates will rise.", "claim")])))

    assert evaluation.shipped_corpus() == (corpus_pair[0], corpus_pair[1], later)
    figures = json.loads(run()[-1])
    assert list(figures)[3:] == ["tuning", "tuning/articles", "tuning/more", "held-out", "overall"]
    assert (figures["tuning/articles"]["n"], figures["tuning/more"]["n"]) == (4, 1)


def test_held_out_articles_beside_the_corpus_are_reported_apart(corpus_pair):
    lines = run("--rules-only")

    assert lines[0] == "detector: the rules alone (--rules-only)"
    assert [line.split()[0] for line in lines[2:5]] == ["tuning", "held-out", "overall"]
    figures = json.loads(lines[-1])
    assert figures["corpus"] == ", ".join(str(path) for path in corpus_pair)
    assert (figures["tuning"]["n"], figures["held-out"]["n"], figures["overall"]["n"]) == (4, 2, 6)
    assert figures["held-out"]["true_positives"] == 1
    assert figures["held-out"]["false_positives"] == 1  # the scheduled meeting
    assert figures["held-out"]["precision_95"] == list(wilson_interval(1, 2))


def test_without_a_held_out_file_only_the_tuning_part_is_reported(corpus_pair):
    corpus_pair[1].unlink()

    lines = run()

    assert [line.split()[0] for line in lines[2:4]] == ["tuning", "overall"]
    assert set(json.loads(lines[-1])) == {"corpus", "scale", "sentence_model", "tuning", "overall"}


def test_the_rules_alone_are_measured_on_request_and_named(corpus_pair):
    """--rules-only gives the rules' own figures; the default weighs them with the model."""
    alone, weighed = run("--rules-only"), run()

    assert json.loads(alone[-1])["sentence_model"] is False
    assert json.loads(weighed[-1])["sentence_model"] is True
    corpus = load_corpus(*corpus_pair)
    for lines, model in ((alone, False), (weighed, True)):
        expected = evaluate(corpus, sentence_model=model)
        figures = json.loads(lines[-1])
        for subset in expected:
            assert figures[subset]["precision"] == expected[subset]["precision"]
            assert figures[subset]["recall"] == expected[subset]["recall"]


def test_with_the_model_switched_off_the_report_says_the_rules_decided(corpus_pair, rules_only):
    lines = run()

    assert lines[0] == (
        "detector: the rules alone (sentence model: off (RECKON_SENTENCE_MODEL=off): "
        "the rules alone)"
    )
    assert json.loads(lines[-1])["sentence_model"] is False


def test_an_article_in_both_files_is_refused(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(TUNING), encoding="utf-8")
    second.write_text(json.dumps(TUNING), encoding="utf-8")

    with pytest.raises(CommandError, match="'t1' is in two corpus files"):
        run("--corpus", str(first), str(second))


def test_the_older_list_corpus_still_measures_by_source():
    figures = json.loads(run("--corpus", str(OLD_CORPUS))[-1])

    assert list(figures)[3:] == ["seed", "other", "overall"]
    assert figures["seed"]["n"] == 45


def test_mistakes_leave_out_the_held_out_split_unless_asked(corpus_pair):
    tuning_only = run("--mistakes")
    everything = run("--held-out-mistakes")

    assert any(line.startswith("  [tuning]") for line in tuning_only)
    assert not any(line.startswith("  [held-out]") for line in tuning_only)
    assert any(line.startswith("  [held-out]") for line in everything)


def test_it_measures_a_corpus_given_on_the_command_line(tmp_path):
    corpus = [
        # a hit with the right phrase, a hit with another phrase, a false alarm, a miss
        {
            "source": "seed",
            "sentence": "Rates will probably fall next year.",
            "forward_looking": True,
            "phrase": "probably",
        },
        {
            "source": "seed",
            "sentence": "It is unlikely that the bill will pass next year.",
            "forward_looking": True,
            "phrase": "will",
        },
        {
            "source": "other",
            "sentence": "The council will meet on Monday.",
            "forward_looking": False,
            "phrase": None,
        },
        {
            "source": "other",
            "sentence": "A recession is around the corner.",
            "forward_looking": True,
            "phrase": "around the corner",
        },
    ]
    path = tmp_path / "corpus.json"
    path.write_text(json.dumps(corpus), encoding="utf-8")

    figures = json.loads(run("--corpus", str(path))[-1])

    assert figures["corpus"] == str(path)
    assert (figures["seed"]["precision"], figures["seed"]["recall"]) == (1.0, 1.0)
    assert figures["seed"]["phrase_accuracy"] == 0.5
    assert figures["other"]["false_positives"] == 1
    assert figures["other"]["false_negatives"] == 1
    assert figures["overall"]["precision"] == pytest.approx(2 / 3)
    assert figures["overall"]["recall"] == pytest.approx(2 / 3)


def test_it_lists_the_mistakes_when_asked(tmp_path):
    path = tmp_path / "corpus.json"
    path.write_text(
        json.dumps([{"sentence": "The council will meet on Monday.", "forward_looking": False}]),
        encoding="utf-8",
    )
    lines = run("--corpus", str(path), "--mistakes")
    assert any("labelled none (phrase None), found 'will'" in line for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "is not a JSON corpus"),
        ('[{"text": "no sentence key"}]', "must be the articles corpus"),
        ("[]", "must be the articles corpus"),
        (
            '{"articles": [], "entries": [{"article": "x", "paragraph": 0, "sentence": "s", '
            '"label": "claim"}]}',
            "names no known article",
        ),
    ],
    ids=["missing", "not-json", "wrong-shape", "empty", "unknown-article"],
)
def test_it_refuses_a_bad_corpus(tmp_path, content, message):
    path = tmp_path / "corpus.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("--corpus", str(path))


def test_agreement_counts_labels_claims_and_phrases():
    from forecasts.drafting.evaluation import agreement

    def rows(*labels):
        return [
            {"sentence": f"s{i}", "label": label, "phrase": phrase}
            for i, (label, phrase) in enumerate(labels)
        ]

    first = rows(("claim", "will"), ("claim", "likely"), ("reported", None), ("none", None))
    second = rows(("claim", "Will"), ("claim", "I think"), ("none", None), ("none", None))

    found = agreement(first, second)

    assert found["agreement"] == 0.75
    # chance: claim 2/4*2/4, reported 1/4*0, none 1/4*2/4 -> 0.375
    assert found["kappa"] == pytest.approx((0.75 - 0.375) / (1 - 0.375))
    assert found["claims"] == (2, 2, 2)
    assert (found["claim_precision"], found["claim_recall"]) == (1.0, 1.0)
    assert (found["phrase_agreement"], found["phrase_n"]) == (0.5, 2)
    with pytest.raises(ValueError, match="same sentences"):
        agreement(first, list(reversed(second)))


def test_the_second_labelling_of_fresh5_is_the_same_sentences_and_is_reported():
    from forecasts.drafting.evaluation import agreement, second_labelling

    first, second = second_labelling("fresh5.json")
    found = agreement(first, second)
    line = run("--agreement")[0]

    assert found["n"] == len(first) == 725
    assert {row["label"] for row in second} == {"claim", "reported", "none"}
    assert all(row["phrase"] in row["sentence"] for row in second if row["phrase"])
    assert line.startswith(f"fresh5.json: 725 sentences, labels agree on {found['agreement']:.3f}")
    assert f"kappa {found['kappa']:.3f}" in line
