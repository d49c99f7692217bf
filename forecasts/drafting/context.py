"""A drafted sentence in its paragraph, and what the detector says about it.

The review screen shows each draft inside the paragraph it came from, and
dismissed sentences are kept with that paragraph as labelled examples. Plain
Python, like the detector: no Django.

A text's paragraphs are separated by blank lines when it has any (hand-pasted
text, often hard-wrapped), otherwise by single line breaks (text extracted from
a web page, one paragraph a line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from forecasts.drafting.claims import claim_from_sentence

BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Long paragraphs are cut to this many characters on each side of the sentence.
CONTEXT_CHARS = 600


@dataclass(frozen=True)
class InParagraph:
    """A sentence and the text around it, inside its paragraph."""

    before: str
    sentence: str
    after: str

    @property
    def paragraph(self) -> str:
        return f"{self.before}{self.sentence}{self.after}".strip()


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text``, stripped, without empty ones."""
    text = text.strip()
    separator = BLANK_LINE if BLANK_LINE.search(text) else re.compile(r"\n")
    return [part.strip() for part in separator.split(text) if part.strip()]


def in_paragraph(text: str, sentence: str, limit: int = CONTEXT_CHARS) -> InParagraph:
    """``sentence`` inside its paragraph of ``text``; just the sentence if it is not there."""
    sentence = sentence.strip()
    for paragraph in paragraphs(text):
        at = paragraph.find(sentence)
        if at < 0:
            continue
        before, after = paragraph[:at], paragraph[at + len(sentence) :]
        if len(before) > limit:
            before = "…" + before[-limit:].split(" ", 1)[-1]
        if len(after) > limit:
            after = after[:limit].rsplit(" ", 1)[0] + "…"
        return InParagraph(before, sentence, after)
    return InParagraph("", sentence, "")


def paragraph_of(text: str, sentence: str) -> str:
    """The whole paragraph of ``text`` holding ``sentence`` (the sentence when not found)."""
    return in_paragraph(text, sentence, limit=len(text)).paragraph


@dataclass(frozen=True)
class Verdict:
    """Why the detector takes a sentence for a claim, and whose claim it is ("" = the author)."""

    why: str = ""
    speaker: str = ""


def detector_verdict(sentence: str, scale: str, today: date | None = None) -> Verdict:
    """What the detector says of ``sentence`` now (reasons are shown when it gives them)."""
    claim = claim_from_sentence(sentence, scale, today, sentence_model=True)
    if claim is None:
        return Verdict(why="The detector no longer reads this sentence as a claim.")
    return Verdict(
        why=str(getattr(claim, "why", "") or ""), speaker=str(getattr(claim, "speaker", "") or "")
    )
