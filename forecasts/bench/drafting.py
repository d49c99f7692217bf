"""Claim drafting: detecting the claims in a 2,000-word article, against splitting it alone.

Builds an article of ``--words`` words (times ``--scale``) from the sentences of
the labelled corpus (``forecasts/drafting/corpus/articles.json``), paragraph by
paragraph, repeating them if needed, then measures:

* ``first_detect_s``: :func:`~forecasts.drafting.claims.detect_claims` on it in
  a fresh process, loading the sentence splitter, lexicon patterns, date parser and
  the sentence model (``model_load_s`` of it: the files checked and read);
* ``detect_s``: the median of ``--runs`` further runs, the rules and the sentence
  model together, as editors' drafts are made (goal: under 1 s);
* ``rules_s``: the same runs with the rules alone, and ``model_s``, what the model
  adds (the two are timed alternately, so a busy machine slows both alike); each
  ``detect_s`` run starts with the model's remembered probabilities dropped, and
  ``again_s`` times the same article read right after (an editor's preview, then
  the drafting: the model's part is remembered);
* ``split_s``: the median time to split the same text into sentences (pysbd),
  the floor any detector built on sentences pays, and ``detect_vs_split``.

Nothing is written to the database.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

from forecasts.drafting.claims import detect_claims, split_sentences
from forecasts.drafting.evaluation import ARTICLES_CORPUS, load_corpus
from forecasts.drafting.sentence_model import load_model, model_status

TODAY = date(2025, 1, 15)


def add_arguments(parser) -> None:
    parser.add_argument("--words", type=int, default=2000, help="Words in the article.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs after the first.")


def article(words: int) -> str:
    """Paragraphs from the corpus, in order, until the text has ``words`` words."""
    entries = load_corpus(ARTICLES_CORPUS)
    paragraphs: list[str] = []
    count, index = 0, 0
    while count < words:
        group = entries[index % len(entries)]["group"]
        sentences = []
        while index < 10 * len(entries) and entries[index % len(entries)]["group"] == group:
            sentences.append(entries[index % len(entries)]["sentence"])
            index += 1
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def run(options, out) -> dict:
    words = max(1, int(options["words"] * options["scale"]))
    text = article(words)
    started = time.perf_counter()
    load_model()
    loaded = time.perf_counter() - started
    claims = detect_claims(text, today=TODAY)
    first = time.perf_counter() - started
    model = load_model()
    detect_runs, rules_runs, again_runs = [], [], []
    for _ in range(options["runs"]):
        if model is not None:
            model.forget()  # each run is a first reading of the article
        detect_runs.append(_timed(lambda: detect_claims(text, today=TODAY)))
        again_runs.append(_timed(lambda: detect_claims(text, today=TODAY)))
        rules_runs.append(_timed(lambda: detect_claims(text, today=TODAY, sentence_model=False)))
    split_runs = [_timed(lambda: split_sentences(text)) for _ in range(options["runs"])]
    detect, rules = statistics.median(detect_runs), statistics.median(rules_runs)
    again = statistics.median(again_runs)
    split = statistics.median(split_runs)
    out.write(
        f"article: {len(text.split()):,} words, {len(split_sentences(text))} sentences, "
        f"{len(claims)} claims drafted\n"
        f"sentence model: {model_status().line}\n"
        f"detect_claims: first {first:.3f} s (loading the model {loaded:.3f} s), then median "
        f"{detect:.3f} s (runs {', '.join(f'{r:.3f}' for r in detect_runs)}); goal < 1 s\n"
        f"rules alone: median {rules:.3f} s; the sentence model adds {detect - rules:.3f} s\n"
        f"the same article again (the model's probabilities remembered, as when an editor "
        f"drafts what they previewed): median {again:.3f} s\n"
        f"split_sentences alone: median {split:.3f} s; detect is {detect / split:.2f}x the split\n"
    )
    return {
        "words": len(text.split()),
        "claims": len(claims),
        "sentence_model": model_status().on,
        "model_load_s": round(loaded, 4),
        "first_detect_s": round(first, 4),
        "detect_s": round(detect, 4),
        "detect_runs_s": [round(r, 4) for r in detect_runs],
        "rules_s": round(rules, 4),
        "again_s": round(again, 4),
        "model_s": round(detect - rules, 4),
        "split_s": round(split, 4),
        "detect_vs_split": round(detect / split, 2),
    }


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started
