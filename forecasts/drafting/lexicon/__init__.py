"""Words of estimative probability: turn a pundit's hedge into a probability.

Plain Python (no Django). The numbers live in ``scales.json`` beside this file:
three published scales (ICD 203, Kent 1964, IPCC AR5) and Reckon's own
``reckon`` scale for hedges none of them lists ("surely", "hard to imagine").

How a sentence is read:

* **Lookup chain.** The chosen scale first, then ``reckon`` for hedges the
  chosen scale does not list, then the other published scales (``icd203``
  first), so that "likely" still reads under ``kent1964`` and "exceptionally
  unlikely" under ``icd203``. ``Reading.scale`` names the scale that supplied
  the numbers.
* **Longest match first.** Every surface form in the chain is searched; longer
  matches win over the shorter ones they overlap ("very unlikely" over
  "unlikely", "more likely than not" over "likely", "almost certainly not"
  over "almost certain"). Matching is case-insensitive and respects word
  boundaries ("likely" never matches inside "unlikely").
* **Negation.** "not likely", "isn't likely", "won't", "might not", "probably
  not" negate the hedge: the interval becomes (1 - high, 1 - low) and the point
  1 - point, with ``negated=True``. A double negative therefore flips back:
  "not unlikely" reads as the complement of "unlikely".
* **The event as written.** Numbers are always the probability of the event
  the sentence states. "Unlikely to fail" gives P(fail) = the "unlikely" point;
  it is not a negation. Because the governed verb is negative,
  ``negative_event=True`` is set: a question framed positively ("Will it
  succeed?") takes 1 - point, which is the double-negative flip.
* **Homographs.** The month "May", the name "Will", "the will of the people",
  "military might", "a certain view" and "as soon as possible" are not hedges.
* **Strongest hedge.** A hedge word beats a bare modal verb (will, would,
  should, could, might, may, is going to), which only speaks when no hedge
  does; among equals the reading furthest from 0.5 wins, then the earliest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

DEFAULT_SCALE = "icd203"
PROJECT_SCALE = "reckon"

HEDGE = "hedge"
MODAL = "modal"


@dataclass(frozen=True)
class Entry:
    """One row of a scale: a phrase, its other surface forms and its numbers."""

    phrase: str
    variants: tuple[str, ...]
    interval: tuple[float, float]
    point: float
    rationale: str
    kind: str = HEDGE
    negatable: bool = True
    needs_future_signal: bool = False

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Every form searched in text: the phrase itself, then its variants."""
        return (self.phrase, *self.variants)


@dataclass(frozen=True)
class Scale:
    """A named scale of estimative words."""

    key: str
    name: str
    citation: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Reading:
    """A hedge found in a sentence and the probability it maps to.

    ``interval`` and ``point`` are the probability of the event as the sentence
    states it, after negation. ``kind`` is "hedge" or "modal";
    ``needs_future_signal`` marks words that also describe present states
    ("questionable"), which the claim detector only trusts near a future marker.
    """

    phrase: str
    matched_text: str
    scale: str
    interval: tuple[float, float]
    point: float
    negated: bool
    rationale: str
    kind: str = HEDGE
    start: int = 0
    end: int = 0
    negative_event: bool = False
    needs_future_signal: bool = False


@cache
def load_scales() -> dict[str, Scale]:
    """The four scales from ``scales.json``, keyed by their stable keys."""
    raw = json.loads(resources.files(__name__).joinpath("scales.json").read_text("utf-8"))
    return {
        key: Scale(key, body["name"], body["citation"], tuple(_entry(e) for e in body["entries"]))
        for key, body in raw.items()
    }


def _entry(raw: dict) -> Entry:
    low, high = raw["interval"]
    return Entry(
        phrase=raw["phrase"],
        variants=tuple(raw.get("variants", ())),
        interval=(float(low), float(high)),
        point=float(raw["point"]),
        rationale=raw["rationale"],
        kind=raw.get("kind", HEDGE),
        negatable=raw.get("negatable", True),
        needs_future_signal=raw.get("needs_future_signal", False),
    )


SCALES: dict[str, str] = {key: scale.name for key, scale in load_scales().items()}


def read_phrases(text: str, scale: str = DEFAULT_SCALE) -> list[Reading]:
    """Every hedge in ``text`` (non-overlapping, longest first), in text order."""
    return _read(text, _patterns(lookup_chain(scale)))


def reread_phrase(phrase: str, scale: str) -> Reading | None:
    """A recorded phrase read again under ``scale``, for comparing scales.

    The chain differs from ``lookup_chain``: a phrase ``scale`` lacks falls back
    to the default scale (ICD 203) first, then to the project scale and the
    other published scales, so that "likely" under the project scale reads as
    ICD 203 says. ``Reading.scale`` names the scale that supplied the numbers.
    """
    chain = tuple(dict.fromkeys((scale, DEFAULT_SCALE, *lookup_chain(scale))))
    return strongest(_read(phrase, _patterns(chain)))


def _read(text: str, patterns: tuple[_Pattern, ...]) -> list[Reading]:
    taken: list[tuple[int, int]] = []
    readings: list[Reading] = []
    for pattern in patterns:
        for match in pattern.regex.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if _is_homograph(text, match, pattern.surface):
                continue
            taken.append(match.span())
            reading = _reading(text, match, pattern)
            if reading is not None:
                readings.append(reading)
    return _absorb_negated_modals(sorted(readings, key=lambda r: r.start), text)


def _absorb_negated_modals(readings: list[Reading], text: str) -> list[Reading]:
    """'probably won't', 'almost certainly isn't going to': a negated modal negates the hedge."""
    merged: list[Reading] = []
    for reading in readings:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == HEDGE
            and reading.kind == MODAL
            and reading.negated
            and not previous.negated
            and not text[previous.end : reading.start].strip()
        ):
            merged[-1] = _negate(previous, text, end=reading.end)
            continue
        merged.append(reading)
    return merged


def _negate(reading: Reading, text: str, end: int) -> Reading:
    low, high = reading.interval
    return replace(
        reading,
        matched_text=text[reading.start : end],
        interval=(round(1 - high, 6), round(1 - low, 6)),
        point=round(1 - reading.point, 6),
        negated=not reading.negated,
        end=end,
    )


def read_phrase(text: str, scale: str = DEFAULT_SCALE) -> Reading | None:
    """The strongest hedge in ``text`` mapped on ``scale``, or None if it has none."""
    return strongest(read_phrases(text, scale))


def strongest(readings: list[Reading]) -> Reading | None:
    """Hedge words beat bare modals; then the furthest from 0.5; then the earliest."""
    return max(
        readings,
        key=lambda r: (r.kind == HEDGE, abs(r.point - 0.5), -r.start),
        default=None,
    )


def lookup_chain(scale: str) -> tuple[str, ...]:
    """Scales consulted for ``scale``, in order: it, the project scale, then the other
    published scales (ICD 203 first)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    return tuple(dict.fromkeys((scale, PROJECT_SCALE, DEFAULT_SCALE, *SCALES)))


@dataclass(frozen=True)
class _Pattern:
    surface: str
    scale: str
    entry: Entry
    regex: re.Pattern[str]


@cache
def _patterns(chain: tuple[str, ...]) -> tuple[_Pattern, ...]:
    """Compiled surface forms of the chain, longest first; the first scale listing one owns it."""
    owned: dict[str, _Pattern] = {}
    for key in chain:
        for entry in load_scales()[key].entries:
            for surface in entry.surfaces:
                if surface.lower() not in owned:
                    owned[surface.lower()] = _Pattern(surface, key, entry, _compile(surface))
    return tuple(sorted(owned.values(), key=lambda p: -len(p.surface)))


_APOSTROPHE = "['\u2019]"
# An optional negation after a leading auxiliary: "is not going to", "won't", "might not".
_NEGATION = rf"(?P<neg>\s+not(?!\s+only\b)|\s+never|n{_APOSTROPHE}t)?"
_AUXILIARIES = frozenset("is are am 's 're 'm will would should could might may".split())


def _compile(surface: str) -> re.Pattern[str]:
    words = surface.lower().split()
    parts = [re.escape(w).replace("'", _APOSTROPHE).replace(r"\-", r"[-\s]") for w in words]
    if words[0] in _AUXILIARIES and words[1:2] != ["not"]:
        first = rf"(?:will|wo(?=n{_APOSTROPHE}t))" if words[0] == "will" else parts[0]
        parts[0] = first + _NEGATION
    left = r"(?<=\w)" if surface.startswith("'") else r"(?<![\w-])"
    return re.compile(left + r"\s+".join(parts) + r"(?![\w-])", re.IGNORECASE)


# "not likely", "isn't likely", "not very likely", "never be likely"; one softening word allowed.
_PRE_NEGATION = re.compile(
    r"(?:\b(?:not|never)|\b\w*n['\u2019]t)\s+"
    r"(?:(?:be|been|being|very|so|too|that|all|particularly|especially|terribly|really|quite|"
    r"entirely|necessarily|exactly|overly|remotely|even|yet)\s+)?$",
    re.IGNORECASE,
)
_POST_NEGATION = re.compile(r"\s+(?:not(?!\s+only\b)|never)\b", re.IGNORECASE)
_NEGATIVE_VERBS = frozenset(
    "fail lose collapse miss default refuse reject abandon withdraw quit falter stall shrink "
    "resign lapse".split()
)
_GOVERNED_VERB = re.compile(r"\s+(?:to\s+)?(?:be\s+)?(?:\w+ly\s+)?(\w+)", re.IGNORECASE)


def _reading(text: str, match: re.Match[str], pattern: _Pattern) -> Reading | None:
    """Build the reading for one match, applying negation; None when a negated form is no hedge."""
    start, end = match.span()
    has_negation_group = "neg" in match.re.groupindex
    negations = 1 if has_negation_group and match.group("neg") else 0
    pre = _PRE_NEGATION.search(text, max(0, start - 40), start)
    if pre:
        negations, start = negations + 1, pre.start()
    post = None if negations else _POST_NEGATION.match(text, end)
    if post:
        negations, end = negations + 1, post.end()
    entry, negated = pattern.entry, negations % 2 == 1
    if negated and not entry.negatable:
        return None
    verb = _GOVERNED_VERB.match(text, end)
    reading = Reading(
        phrase=entry.phrase,
        matched_text=text[start:end],
        scale=pattern.scale,
        interval=entry.interval,
        point=entry.point,
        negated=False,
        rationale=entry.rationale,
        kind=entry.kind,
        start=start,
        end=end,
        negative_event=bool(verb and verb.group(1).lower() in _NEGATIVE_VERBS),
        needs_future_signal=entry.needs_future_signal,
    )
    return _negate(reading, text, end) if negated else reading


# Words before "will" or "might" that make it a noun: "the will", "military might".
_NOUN_CONTEXT = frozenset(
    "the a an his her their its our my your free political good ill own against at popular "
    "military economic naval industrial full all".split()
)


def _is_homograph(text: str, match: re.Match[str], surface: str) -> bool:
    """True when the words are the month, a name, a noun or an adjective, not a hedge."""
    word = re.search(r"\w+", match.group(0))
    if word is None:  # no surface form is all punctuation; nothing to mistake for a word
        return False
    head = word.group(0)
    before = re.findall(r"[\w']+", text[: match.start()])
    previous = before[-1].lower() if before else ""
    after = text[match.end() :]
    if head.lower() == "may":
        # The month is capitalised; the modal only at the start of a sentence.
        return head[0] == "M" and (bool(before) or bool(re.match(r"\s+\d", after)))
    if head.lower() == "will":
        following = re.match(r"\W*(\w+)", after)
        named = head[0] == "W" and (bool(before) or bool(following and following[1][0].isupper()))
        return named or previous in _NOUN_CONTEXT or bool(re.match(r"\s+of\b", after))
    if head.lower() == "might":
        return previous in _NOUN_CONTEXT
    if surface.lower() == "possible":
        return previous == "as"  # "as soon as possible", "as many … as possible": a measure
    if surface.lower() in {"coin toss", "coin flip"}:
        return previous == "the"  # "the coin toss at kick-off" is the toss itself
    if surface.lower() == "certain":
        return not re.match(r"\s+(?:to|that)\b|\s*(?:[.,;:!?)\"'\u201d]|$)", after)
    return False
