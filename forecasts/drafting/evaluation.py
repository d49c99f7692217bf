"""Measure the claim detector against a labelled corpus (pure Python).

Two corpus formats are read:

* the articles corpus (``forecasts/drafting/corpus/articles.json``): ``{"articles":
  [{"id", "url", "outlet", "date", "subject", "licence", "split"}, ...], "entries":
  [{"article", "paragraph", "sentence", "label", "phrase", "origin"}, ...]}`` with
  ``label`` one of ``claim``, ``reported``, ``none`` and ``split`` one of ``tuning``,
  ``held-out`` (the labelling guide is in ``docs/drafting.md``);
* the older list ``[{"source", "sentence", "forward_looking", "phrase"}, ...]``
  (``tests/claims_corpus.json``), each sentence its own paragraph.

Sentences of one paragraph are read together, in order, so a quotation can be
tied to the speaker named in the sentence before, and an article's paragraphs are
read in order, so a list of predictions announced in one makes picks of the items
in the next ones (:mod:`forecasts.drafting.listing`). A true positive is a sentence
labelled ``claim`` that the detector reads as the author's claim. Phrase
accuracy counts, among true positives whose label names a phrase, those where
the detector found the same words (case and apostrophe style ignored). Each
share comes with its 95% Wilson interval.

The shipped corpus is ``articles.json`` followed by every other JSON file in the
same directory, in name order: ``fresh.json`` to ``fresh6.json`` (each first labelled
blind as held-out, measured, then read for fixes: tuning data now, like
``articles.json``) and ``fresh7.json``, the blind held-out part. Each
article's ``split`` decides where it is counted: the splits are measured apart,
the tuning split drawn from several files is also measured file by file
(``tuning/articles``, ``tuning/fresh``, …), and held-out articles
from several files are measured only file by file (``held-out/fresh7``, …).

Run ``python -m forecasts.drafting.evaluation`` (the shipped corpus) or give one
or more corpus files.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping
from itertools import groupby
from pathlib import Path

from forecasts.drafting.claims import CLAIM, SentenceVerdict, explain_paragraph, weighed
from forecasts.drafting.lexicon import DEFAULT_SCALE
from forecasts.drafting.listing import Listing

Z_95 = 1.959964
ARTICLES_CORPUS = Path(__file__).resolve().parent / "corpus" / "articles.json"
# Labelled blind as held-out, then read for fixes: tuning data since.
FRESH_CORPUS = ARTICLES_CORPUS.with_name("fresh.json")
HELD_OUT = "held-out"


def shipped_corpus() -> tuple[Path, ...]:
    """The corpus files measured by default: the articles, then every other JSON file
    beside them in name order (the fresh articles, and a held-out file when there is one).
    """
    others = sorted(p for p in ARTICLES_CORPUS.parent.glob("*.json") if p != ARTICLES_CORPUS)
    return (ARTICLES_CORPUS, *others)


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for ``successes`` of ``trials`` (None when there are none).

    Unlike the normal approximation it stays inside [0, 1] and is honest for
    small counts and for shares near 0 or 1, which is where a detector's
    precision on a few dozen claims lives.
    """
    if trials <= 0:
        return None
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    spread /= denominator
    return (round(max(0.0, centre - spread), 4), round(min(1.0, centre + spread), 4))


def load_corpus(*paths: str | Path) -> list[dict]:
    """The corpus files at ``paths`` (default: :func:`shipped_corpus`) as entries with
    ``subset``, ``group``, ``sentence``, ``expected`` (a claim or not), ``label``,
    ``phrase`` and ``file`` (the file's name without ``.json``), in reading order, one
    file after the other.

    ValueError when two articles corpora name the same article.
    """
    rows: list[dict] = []
    seen: set[str] = set()
    for path in paths or shipped_corpus():
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(raw, dict) and isinstance(raw.get("articles"), list):
            ids = {article.get("id") for article in raw["articles"]}
            if ids & seen:
                raise ValueError(f"article {sorted(ids & seen)[0]!r} is in two corpus files")
            seen |= ids
        rows.extend({**row, "file": Path(path).stem} for row in normalise(raw))
    return rows


def normalise(raw: object) -> list[dict]:
    """Either corpus format as entries; ValueError naming what is wrong."""
    if isinstance(raw, dict) and {"articles", "entries"} <= set(raw):
        splits = {article["id"]: article["split"] for article in raw["articles"]}
        rows = []
        for entry in raw["entries"]:
            if entry.get("article") not in splits:
                raise ValueError(f"entry {entry.get('sentence')!r} names no known article")
            if entry.get("label") not in {"claim", "reported", "none"}:
                raise ValueError(f"label {entry.get('label')!r} is not claim, reported or none")
            rows.append(
                {
                    "subset": splits[entry["article"]],
                    "group": (entry["article"], entry["paragraph"]),
                    "sentence": entry["sentence"],
                    "expected": entry["label"] == "claim",
                    "label": entry["label"],
                    "phrase": entry.get("phrase"),
                }
            )
        return rows
    if (
        isinstance(raw, list)
        and raw
        and all(isinstance(e, dict) and {"sentence", "forward_looking"} <= set(e) for e in raw)
    ):
        return [
            {
                "subset": entry.get("source", "other"),
                "group": (f"sentence {index}", 0),  # each sentence stands alone
                "sentence": entry["sentence"],
                "expected": bool(entry["forward_looking"]),
                "label": "claim" if entry["forward_looking"] else "none",
                "phrase": entry.get("phrase"),
            }
            for index, entry in enumerate(raw)
        ]
    raise ValueError(
        "expected {'articles': [...], 'entries': [...]} or a list of objects with "
        "'sentence' and 'forward_looking'"
    )


def evaluate(
    corpus: Iterable[Mapping], scale: str = DEFAULT_SCALE, *, sentence_model: bool = True
) -> dict:
    """Figures for each subset (split or source) in corpus order, then ``overall``.

    A subset drawn from more than one file is followed by its part from each file,
    named ``subset/file`` ("tuning/articles", "tuning/fresh"); held-out articles from
    more than one file are reported only file by file ("held-out/fresh7"), never pooled.
    ``corpus`` is what :func:`load_corpus` returns, or the older list format as stored.
    """
    entries: list[Mapping] = list(corpus)
    if entries and "group" not in entries[0]:
        entries = list(normalise(entries))
    rows = judge(entries, scale, sentence_model=sentence_model)
    report = {}
    for name in dict.fromkeys(row["subset"] for row in rows):
        subset = [r for r in rows if r["subset"] == name]
        files = list(dict.fromkeys(r["file"] for r in subset if "file" in r))
        if name == HELD_OUT and len(files) > 1:
            # Each held-out file is measured once, on its own: pooling a part already
            # measured with one that is not would blur both figures.
            for file in files:
                report[f"{name}/{file}"] = metrics([r for r in subset if r.get("file") == file])
            continue
        report[name] = metrics(subset)
        if len(files) > 1:
            for file in files:
                report[f"{name}/{file}"] = metrics([r for r in subset if r.get("file") == file])
    report["overall"] = metrics(rows)
    return report


def lists_mistakes(subset: str, *, with_held_out: bool = False) -> bool:
    """Whether a subset's mistakes are printed: not the totals, not a file's part of a
    tuning split (listed under the split already), and a held-out split or held-out
    file only when asked.
    """
    split, _, part = subset.partition("/")
    if subset == "overall":
        return False
    if split == HELD_OUT:
        return with_held_out
    return not part


def judge(
    corpus: Iterable[Mapping], scale: str = DEFAULT_SCALE, *, sentence_model: bool = True
) -> list[dict]:
    """Each entry with the detector's verdict, phrase and reason added.

    Each article is read as :func:`~forecasts.drafting.claims.explain_sentences` reads
    one: paragraph by paragraph by the rules, then weighed by the sentence model when
    ``sentence_model`` is set and the model is installed.
    """
    rows: list[dict] = []
    for _, article in groupby(corpus, key=lambda entry: entry["group"][0]):
        entries = list(article)
        listing = Listing()  # what the article has said about its lists
        verdicts: list[SentenceVerdict | None] = []
        for _, paragraph in groupby(entries, key=lambda entry: entry["group"]):
            sentences = [e["sentence"] for e in paragraph]
            verdicts.extend(explain_paragraph(sentences, scale, listing))
        if sentence_model:
            verdicts = weighed([e["sentence"] for e in entries], verdicts, scale)
        for entry, verdict in zip(entries, verdicts, strict=True):
            found = verdict.verdict == CLAIM if verdict else False
            rows.append(
                {
                    **entry,
                    "predicted": found,
                    "verdict": verdict.verdict if verdict else "none",
                    "found_phrase": verdict.phrase if verdict and found else None,
                    "why": verdict.why if verdict else "no forward-looking words",
                }
            )
    return rows


def metrics(rows: list[dict]) -> dict:
    """Counts, precision, recall, F1 and phrase accuracy, each share with its interval."""
    tp = [r for r in rows if r["expected"] and r["predicted"]]
    fp = sum(1 for r in rows if r["predicted"] and not r["expected"])
    fn = sum(1 for r in rows if r["expected"] and not r["predicted"])
    precision = len(tp) / (len(tp) + fp) if tp or fp else 0.0
    recall = len(tp) / (len(tp) + fn) if tp or fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    phrased = [r for r in tp if r["phrase"]]
    right = [r for r in phrased if same_phrase(r["phrase"], r["found_phrase"])]
    return {
        "n": len(rows),
        "true_positives": len(tp),
        "false_positives": fp,
        "false_negatives": fn,
        "precision": precision,
        "precision_95": wilson_interval(len(tp), len(tp) + fp),
        "recall": recall,
        "recall_95": wilson_interval(len(tp), len(tp) + fn),
        "f1": f1,
        "phrase_accuracy": len(right) / len(phrased) if phrased else None,
        "phrase_95": wilson_interval(len(right), len(phrased)),
        "phrase_n": len(phrased),
        "mistakes": [r for r in rows if r["expected"] != r["predicted"]]
        + [r for r in phrased if r not in right],
    }


def same_phrase(expected: str, found: str | None) -> bool:
    """The same words, ignoring case, spacing and the apostrophe's shape."""

    def norm(text: str) -> str:
        return " ".join(text.lower().replace("\u2019", "'").split())

    return found is not None and norm(expected) == norm(found)


SECOND_LABELS = ARTICLES_CORPUS.parent / "second"


def agreement(first: Iterable[Mapping], second: Iterable[Mapping]) -> dict:
    """How far two labellers of the same sentences agree: the share of equal labels,
    Cohen's kappa over the three labels, the second labeller's ``claim`` read against
    the first's as precision and recall, and the share of claims both call claims whose
    phrases are the same words (where both name one).

    ValueError when the two do not hold the same sentences in the same order.
    """
    pairs = list(zip(first, second, strict=True))
    if any(a["sentence"] != b["sentence"] for a, b in pairs):
        raise ValueError("the two labellings do not hold the same sentences in order")
    n = len(pairs)
    labels = ("claim", "reported", "none")
    observed = sum(a["label"] == b["label"] for a, b in pairs) / n
    chance = sum(
        sum(a["label"] == label for a, _ in pairs) * sum(b["label"] == label for _, b in pairs)
        for label in labels
    ) / (n * n)
    both = sum(a["label"] == b["label"] == "claim" for a, b in pairs)
    firsts = sum(a["label"] == "claim" for a, _ in pairs)
    seconds = sum(b["label"] == "claim" for _, b in pairs)
    phrased = [(a, b) for a, b in pairs if a["label"] == b["label"] == "claim"]
    phrased = [(a, b) for a, b in phrased if a.get("phrase") and b.get("phrase")]
    same = sum(same_phrase(a["phrase"], b["phrase"]) for a, b in phrased)
    return {
        "n": n,
        "agreement": observed,
        "kappa": (observed - chance) / (1 - chance) if chance < 1 else 1.0,
        "claims": (firsts, seconds, both),
        "claim_precision": both / seconds if seconds else 0.0,
        "claim_recall": both / firsts if firsts else 0.0,
        "phrase_agreement": same / len(phrased) if phrased else None,
        "phrase_n": len(phrased),
    }


def second_labelling(name: str) -> tuple[list[dict], list[dict]]:
    """The entries of corpus file ``name`` and of its second, independent labelling
    (``corpus/second/<name>``), in the same order."""
    first = json.loads((ARTICLES_CORPUS.parent / name).read_text(encoding="utf-8"))["entries"]
    second = json.loads((SECOND_LABELS / name).read_text(encoding="utf-8"))["entries"]
    return first, second


def main(argv: list[str]) -> None:
    """Print the figures for the corpus files in ``argv`` (default: the shipped corpus);
    mistakes never for the held-out split."""
    report = evaluate(load_corpus(*argv))
    for name, figures in report.items():
        print(
            f"{name:16} n={figures['n']:3} precision={figures['precision']:.3f} "
            f"{figures['precision_95']} recall={figures['recall']:.3f} {figures['recall_95']} "
            f"phrase={figures['phrase_accuracy'] or 0:.3f} (of {figures['phrase_n']})"
        )
        if not lists_mistakes(name):
            continue  # never read the held-out mistakes while changing the rules
        for mistake in figures["mistakes"]:
            print(
                f"   {mistake['label']:8} got={mistake['verdict']:8} "
                f"phrase {mistake['phrase']!r} found {mistake['found_phrase']!r} "
                f"({mistake['why']}): {mistake['sentence'][:110]}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
