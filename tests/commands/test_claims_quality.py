"""``manage.py claims_quality``: the detector's figures as a table and one JSON line."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from forecasts.drafting.evaluation import evaluate, load_corpus
from forecasts.management.commands.claims_quality import DEFAULT_CORPUS

OLD_CORPUS = Path(__file__).resolve().parent.parent / "claims_corpus.json"


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("claims_quality", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_reports_tuning_and_held_out_apart_with_intervals_then_json():
    lines = run()

    assert lines[0].split()[:5] == ["subset", "n", "TP", "FP", "FN"]
    assert [line.split()[0] for line in lines[1:4]] == ["tuning", "held-out", "overall"]
    figures = json.loads(lines[-1])
    expected = evaluate(load_corpus(DEFAULT_CORPUS))
    for subset in ("tuning", "held-out", "overall"):
        for key in ("n", "precision", "recall", "f1", "phrase_accuracy"):
            assert figures[subset][key] == expected[subset][key]
        low, high = figures[subset]["precision_95"]
        assert low <= figures[subset]["precision"] <= high
    assert figures["held-out"]["n"] >= 200
    assert figures["overall"]["n"] >= 600
    held_out = lines[2].split()
    assert held_out[5] == f"{expected['held-out']['precision']:.3f}"


def test_the_older_list_corpus_still_measures_by_source():
    figures = json.loads(run("--corpus", str(OLD_CORPUS))[-1])

    assert list(figures)[2:] == ["seed", "other", "overall"]
    assert figures["seed"]["n"] == 45


def test_mistakes_leave_out_the_held_out_split_unless_asked():
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
            "sentence": "A recession is on the cards.",
            "forward_looking": True,
            "phrase": "on the cards",
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
