"""Claim drafting: detecting the claims in a 2,000-word article, against splitting it alone.

Builds an article of ``--words`` words (times ``--scale``) from the sentences of
the labelled corpus (``forecasts/drafting/corpus/articles.json``), paragraph by
paragraph, repeating them if needed, then measures:

* ``first_detect_s``: :func:`~forecasts.drafting.claims.detect_claims` on it in
  a fresh process, loading the sentence splitter, lexicon patterns and date parser;
* ``detect_s``: the median of ``--runs`` further runs (goal: under 1 s);
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
    claims = detect_claims(text, today=TODAY)
    first = time.perf_counter() - started
    detect_runs = [_timed(lambda: detect_claims(text, today=TODAY)) for _ in range(options["runs"])]
    split_runs = [_timed(lambda: split_sentences(text)) for _ in range(options["runs"])]
    detect, split = statistics.median(detect_runs), statistics.median(split_runs)
    out.write(
        f"article: {len(text.split()):,} words, {len(split_sentences(text))} sentences, "
        f"{len(claims)} claims drafted\n"
        f"detect_claims: first {first:.3f} s, then median {detect:.3f} s "
        f"(runs {', '.join(f'{r:.3f}' for r in detect_runs)}); goal < 1 s\n"
        f"split_sentences alone: median {split:.3f} s; detect is {detect / split:.2f}x the split\n"
    )
    return {
        "words": len(text.split()),
        "claims": len(claims),
        "first_detect_s": round(first, 4),
        "detect_s": round(detect, 4),
        "detect_runs_s": [round(r, 4) for r in detect_runs],
        "split_s": round(split, 4),
        "detect_vs_split": round(detect / split, 2),
    }


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started
