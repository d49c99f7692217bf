"""Published prediction lists and their grading posts, read line by line (plain Python).

Bloggers and journalists publish yearly lists ("1. Trump remains president at
end of year: 90%") and grade them in a later post ("1. RIGHT"). This module
reads both pastes; it writes nothing and imports no Django, so the admin's
"Import a prediction list" (``forecasts.admin.lists``) previews exactly what
it would create.

A list line is an optional marker (``1.``, ``1)``, ``-``, ``*``, ``•``), the
statement, and its probability at the end:

* after a colon, a dash or a comma: ``Bitcoin above $10,000: 60%``,
  ``X will happen — 70%``, ``X, 70 %``, or in brackets: ``Statement (80%)``;
* as a percentage (``70%``, ``70 %``, ``72.5%``), with or without a separator,
  or as a decimal between 0 and 1 (``0.7``, ``.7``) only after a separator or
  in brackets, so a statement ending in a number ("Fewer than 3 million") is
  never misread;
* a line without a probability and without a list marker is a section
  heading (``US POLITICS``, ``## Economy``, ``Economy:``); blank lines are skipped.

Bad lines come back as :class:`LineError` with their line number (1-based, as
an editor counts lines in the paste): a numbered or bulleted line with no
probability, a probability above 100%, a number used twice.

A grading line is an optional number, optionally the statement again, and a
marker: ``RIGHT``/``WRONG`` (grading the *call*), ``TRUE``/``FALSE`` or
``yes``/``no`` (the *event*), or ``annulled``/``thrown out`` (the author threw
it out). Numbered grading lines match the list's numbers; unnumbered ones
match the list's items in order.

The direction rule (DESIGN.md, "The number means what the author meant"):
"X: 20%" is a 20% forecast that X happens. RIGHT/WRONG grade the call, so for a
call above 50% RIGHT means X happened, and for a call below 50% RIGHT means X
did *not* happen (the author was right that it was unlikely). A 50% call has no
side, so RIGHT/WRONG cannot say what happened: it must be graded TRUE/FALSE.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

YES, NO, ANNULLED = "yes", "no", "annulled"

_PERCENT = r"(?P<percent>\d{1,4}(?:\.\d+)?)\s*%"
_DECIMAL = r"(?P<decimal>0?\.\d+|1\.0+)"
_MARKER = re.compile(r"^\s*(?:(?P<number>\d{1,4})\s*[.)]\s+|(?P<bullet>[-*•+–])\s+)")
# A grading line may also be numbered "5:" or "5 RIGHT".
_OUTCOME_MARKER = re.compile(r"^\s*(?:(?P<number>\d{1,4})\s*[.):]?\s+|(?P<bullet>[-*•+–])\s+)")
_HEADING = re.compile(r"^\s*#+\s*(?P<text>.*?)\s*#*\s*$")
_IN_BRACKETS = re.compile(rf"^(?P<statement>.+?)\s*[(\[]\s*(?:{_PERCENT}|{_DECIMAL})\s*[)\]]\s*$")
_AFTER_SEPARATOR = re.compile(
    rf"^(?P<statement>.+?)\s*(?::|,\s|\s[—–-]+\s)\s*(?:{_PERCENT}|{_DECIMAL})\s*\.?\s*$"
)
_PERCENT_AT_END = re.compile(rf"^(?P<statement>.+?)\s+{_PERCENT}\s*\.?\s*$")
_ANY_PERCENT = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*%\s*\.?\s*\)?\s*$")


@dataclass(frozen=True)
class ListItem:
    """One forecast of a list: its line, number (None if bulleted), section, words, number."""

    line: int
    number: int | None
    section: str
    statement: str
    probability: float
    as_published: str
    text: str


@dataclass(frozen=True)
class LineError:
    line: int
    message: str
    text: str = ""

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedList:
    items: list[ListItem]
    errors: list[LineError]


@dataclass(frozen=True)
class Outcome:
    """One grading line: what it marked (``marker``) and, once matched, the event's outcome."""

    line: int
    number: int | None
    marker: str
    text: str


@dataclass(frozen=True)
class Graded:
    """A list item with the grading line that matched it and the event's outcome."""

    item: ListItem
    outcome: Outcome
    event: str  # YES, NO or ANNULLED


@dataclass(frozen=True)
class ParsedGrading:
    graded: list[Graded]
    ungraded: list[ListItem]
    errors: list[LineError]


def parse_list(text: str) -> ParsedList:
    """Every forecast of a pasted list, and every line that could not be read."""
    items: list[ListItem] = []
    errors: list[LineError] = []
    section = ""
    numbered: dict[int, int] = {}
    for index, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            section = heading["text"].rstrip(":").strip()
            continue
        marker = _MARKER.match(line)
        body = line[marker.end() :] if marker else line
        number = int(marker["number"]) if marker and marker["number"] else None
        found = _probability(body)
        if isinstance(found, str):
            errors.append(LineError(index, found, line))
            continue
        if found is None:
            if marker:
                errors.append(
                    LineError(
                        index,
                        "no probability found: end the line with one, e.g. “: 70%”.",
                        line,
                    )
                )
            else:
                section = line.rstrip(":").strip()
            continue
        statement, probability, as_published = found
        if not statement:
            errors.append(LineError(index, "the line has a probability but no statement.", line))
            continue
        if number is not None:
            if number in numbered:
                errors.append(
                    LineError(
                        index,
                        f"number {number} is used twice (first on line {numbered[number]}).",
                        line,
                    )
                )
                continue
            numbered[number] = index
        items.append(ListItem(index, number, section, statement, probability, as_published, line))
    if not items and not errors:
        errors.append(LineError(1, "no forecasts found: paste lines like “1. Statement: 70%”."))
    return ParsedList(items, errors)


def _probability(body: str) -> tuple[str, float, str] | str | None:
    """(statement, probability, as published), an error message, or None (no probability)."""
    for pattern in (_IN_BRACKETS, _AFTER_SEPARATOR, _PERCENT_AT_END):
        match = pattern.match(body)
        if match is None:
            continue
        statement = match["statement"].strip().rstrip(":,—–-").strip()
        groups = match.groupdict()
        if groups.get("percent") is not None:
            written = groups["percent"]
            value = float(written) / 100
            as_published = f"{written}%"
        else:
            written = groups["decimal"]
            value = float(written)
            as_published = written
        if value > 1:
            return f"probability {as_published} is out of range: give 0–100% (or 0–1)."
        return statement, value, as_published
    stray = _ANY_PERCENT.search(body)
    if stray and float(stray[1].replace(",", ".")) < 0:
        return f"probability {stray[1]}% is out of range: give 0–100% (or 0–1)."
    return None


# What an author writes in a grading post, and what it marks.
CALL_RIGHT, CALL_WRONG = "right", "wrong"
MARKERS: dict[str, str] = {
    "right": CALL_RIGHT,
    "correct": CALL_RIGHT,
    "✓": CALL_RIGHT,
    "✔": CALL_RIGHT,
    "wrong": CALL_WRONG,
    "incorrect": CALL_WRONG,
    "✗": CALL_WRONG,
    "✘": CALL_WRONG,
    "true": YES,
    "yes": YES,
    "happened": YES,
    "false": NO,
    "no": NO,
    "did not happen": NO,
    "didn't happen": NO,
    "annulled": ANNULLED,
    "annul": ANNULLED,
    "thrown out": ANNULLED,
    "void": ANNULLED,
}
_MARKER_WORDS = "|".join(re.escape(word) for word in sorted(MARKERS, key=len, reverse=True))
_GRADE_ALONE = re.compile(rf"^[\[(]?\s*(?P<marker>{_MARKER_WORDS})\s*[\])]?\s*[.!]?$", re.I)
_GRADE_AT_END = re.compile(
    rf"^(?P<text>.+?)\s*(?::|\s[—–-]+\s|[\[(])\s*(?P<marker>{_MARKER_WORDS})\s*[\])]?\s*[.!]?$",
    re.I,
)
EXPECTED_MARKERS = "RIGHT, WRONG, TRUE, FALSE, yes, no or annulled (“thrown out”)"


def parse_outcomes(text: str) -> tuple[list[Outcome], list[LineError]]:
    """Every grading line of a paste, and every line with no marker or a repeated number."""
    outcomes: list[Outcome] = []
    errors: list[LineError] = []
    numbered: dict[int, int] = {}
    for index, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or _HEADING.match(line):
            continue
        marker = _OUTCOME_MARKER.match(line)
        body = line[marker.end() :] if marker else line
        number = int(marker["number"]) if marker and marker["number"] else None
        match = _GRADE_ALONE.match(body) or _GRADE_AT_END.match(body)
        if match is None:
            errors.append(
                LineError(index, f"no outcome found: end it with {EXPECTED_MARKERS}.", line)
            )
            continue
        if number is not None:
            if number in numbered:
                errors.append(
                    LineError(
                        index,
                        f"number {number} is graded twice (first on line {numbered[number]}).",
                        line,
                    )
                )
                continue
            numbered[number] = index
        outcomes.append(Outcome(index, number, MARKERS[match["marker"].lower()], line))
    if not outcomes and not errors:
        errors.append(LineError(1, "no outcomes found: paste lines like “1. RIGHT”."))
    return outcomes, errors


def event_outcome(probability: float, marker: str) -> str | None:
    """What happened, from a grading marker and the call it grades (None: cannot tell).

    TRUE/FALSE and annulled say it directly. RIGHT/WRONG grade the call: for
    "X: 20%", RIGHT means X did not happen. A 50% call leans neither way.
    """
    if marker in (YES, NO, ANNULLED):
        return marker
    if probability == 0.5:
        return None
    leaned_yes = probability > 0.5
    right = marker == CALL_RIGHT
    return YES if leaned_yes == right else NO


def match_outcomes(items: Sequence[ListItem], text: str) -> ParsedGrading:
    """Pair each grading line with the list's item of the same number (or in order)."""
    outcomes, errors = parse_outcomes(text)
    pairs: list[tuple[ListItem, Outcome]] = []
    numbered = [o for o in outcomes if o.number is not None]
    if numbered and len(numbered) != len(outcomes):
        first = next(o for o in outcomes if o.number is None)
        errors.append(
            LineError(first.line, "number every grading line or none of them.", first.text)
        )
        return ParsedGrading([], list(items), _sorted(errors))
    if numbered:
        by_number = {item.number: item for item in items if item.number is not None}
        for outcome in outcomes:
            item = by_number.get(outcome.number) if outcome.number is not None else None
            if item is None:
                errors.append(
                    LineError(
                        outcome.line,
                        f"the list has no item numbered {outcome.number}.",
                        outcome.text,
                    )
                )
            else:
                pairs.append((item, outcome))
    elif outcomes:
        if len(outcomes) != len(items):
            errors.append(
                LineError(
                    outcomes[-1].line,
                    f"{len(outcomes)} unnumbered outcome(s) for {len(items)} forecast(s): "
                    "give one per forecast, in order, or number them as the list does.",
                )
            )
        else:
            pairs = list(zip(items, outcomes, strict=True))
    graded: list[Graded] = []
    for item, outcome in pairs:
        event = event_outcome(item.probability, outcome.marker)
        if event is None:
            errors.append(
                LineError(
                    outcome.line,
                    f"“{item.statement}” was a 50% call, so {outcome.marker.upper()} does not "
                    "say what happened: write TRUE or FALSE.",
                    outcome.text,
                )
            )
            continue
        graded.append(Graded(item, outcome, event))
    done = {id(g.item) for g in graded} | {id(item) for item, _ in pairs}
    ungraded = [item for item in items if id(item) not in done]
    return ParsedGrading(graded, ungraded, _sorted(errors))


def _sorted(errors: list[LineError]) -> list[LineError]:
    return sorted(errors, key=lambda error: error.line)
