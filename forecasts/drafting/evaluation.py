"""Measure the claim detector against a labelled corpus (pure Python).

A corpus is a list of entries ``{"source": "seed" | "other", "sentence": str,
"forward_looking": bool, "phrase": str | None}``. Each sentence is classified
on its own. Phrase accuracy counts, among true positives whose label names a
phrase, those where the detector found the same words (case and apostrophe
style ignored).

Run ``python -m forecasts.drafting.evaluation tests/claims_corpus.json`` for the figures.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from forecasts.drafting.claims import claim_from_sentence
from forecasts.drafting.lexicon import DEFAULT_SCALE


def evaluate(corpus: Iterable[Mapping], scale: str = DEFAULT_SCALE) -> dict:
    """Precision, recall, F1 and phrase accuracy: ``overall`` and per ``source``."""
    rows = [_judge(entry, scale) for entry in corpus]
    sources = sorted({row["source"] for row in rows})
    report = {"overall": _metrics(rows)}
    for source in sources:
        report[source] = _metrics([row for row in rows if row["source"] == source])
    return report


def load_corpus(path: str | Path) -> list[dict]:
    """The corpus entries stored as a JSON list."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _judge(entry: Mapping, scale: str) -> dict:
    claim = claim_from_sentence(entry["sentence"], scale)
    return {
        "source": entry.get("source", "other"),
        "sentence": entry["sentence"],
        "expected": bool(entry["forward_looking"]),
        "predicted": claim is not None,
        "expected_phrase": entry.get("phrase"),
        "found_phrase": claim.phrase if claim else None,
    }


def _metrics(rows: list[dict]) -> dict:
    tp = [r for r in rows if r["expected"] and r["predicted"]]
    fp = sum(1 for r in rows if r["predicted"] and not r["expected"])
    fn = sum(1 for r in rows if r["expected"] and not r["predicted"])
    precision = len(tp) / (len(tp) + fp) if tp or fp else 0.0
    recall = len(tp) / (len(tp) + fn) if tp or fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    phrased = [r for r in tp if r["expected_phrase"]]
    right = [r for r in phrased if _same(r["expected_phrase"], r["found_phrase"])]
    return {
        "n": len(rows),
        "true_positives": len(tp),
        "false_positives": fp,
        "false_negatives": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "phrase_accuracy": len(right) / len(phrased) if phrased else None,
        "phrase_n": len(phrased),
        "mistakes": [r for r in rows if r["expected"] != r["predicted"]]
        + [r for r in phrased if r not in right],
    }


def _same(expected: str, found: str | None) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.lower().replace("\u2019", "'").split())

    return found is not None and norm(expected) == norm(found)


def main(argv: list[str]) -> None:
    """Print the figures for the corpus at ``argv[0]``, with every mistake."""
    report = evaluate(load_corpus(argv[0]))
    for name, figures in report.items():
        print(
            f"{name:8} n={figures['n']:3} precision={figures['precision']:.3f} "
            f"recall={figures['recall']:.3f} f1={figures['f1']:.3f} "
            f"phrase_accuracy={figures['phrase_accuracy']:.3f} (of {figures['phrase_n']})"
        )
        for mistake in figures["mistakes"] if name != "overall" else []:
            print(
                f"   expected={mistake['expected']!s:5} predicted={mistake['predicted']!s:5} "
                f"phrase {mistake['expected_phrase']!r} found {mistake['found_phrase']!r}: "
                f"{mistake['sentence'][:90]}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
