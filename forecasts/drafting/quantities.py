"""Quantities and dates a claim states, read from its words (plain Python, no Django).

Pundits predict numbers and dates as well as events. This module finds the
quantity in a sentence and says what kind of question it can become:

* an **interval**: "between 70,000 and 90,000 troops", "between 2% and 3%",
  "in the range of 1.2-1.5 million barrels", "between March and June 2027";
  drafted as a numeric (or date) question whose forecast is the interval, its
  coverage the probability the hedge gives ("likely between…" is the scale's
  number for "likely");
* a **point**: "about 3%", "near 2%", "around $40bn", "roughly 80,000";
  drafted as a numeric question with a point forecast (which carries no
  probability: it is scored by its error only);
* a **date by which** something happens, named as a season or month: "a
  ceasefire by spring 2027", "by March"; drafted as a date question whose
  forecast is the interval from the day the claim was made to the end of that
  season or month, with the hedge's coverage;
* a **threshold**: "will fall below 80,000", "above 3%", "more than 1
  million": the author put a probability on one side of one number, which is
  a yes/no question; it stays one (``QuantityClaim.form`` is ``threshold``
  and drafting keeps the binary question).

A year alone ("by 2026", "by the end of 2026") is the claim's horizon, not a
date to forecast, so those claims stay yes/no questions too.

Units: ``%`` ("per cent", "percent", "percentage points" as ``pp``), a
currency sign with its scale word (``$ bn``, ``£ m``), a scale word kept in the
unit ("1.2 million barrels" is 1.2 ``million barrels``) except "thousand",
which multiplies ("90 thousand" is 90,000), and the noun after the number
("troops"). Dates come back as ``date`` objects; seasons are the
meteorological ones of the northern hemisphere (spring is March to May;
winter YEAR runs from December YEAR to February YEAR + 1).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

INTERVAL, POINT, THRESHOLD = "interval", "point", "threshold"
NUMERIC, DATE = "numeric", "date"

_SCALE_WORDS = {
    "thousand": "thousand",
    "million": "million",
    "billion": "bn",
    "bn": "bn",
    "trillion": "tn",
    "tn": "tn",
    "m": "m",
    "k": "thousand",
}
_CURRENCY = {"$": "$", "us$": "US$", "£": "£", "€": "€"}
# A number as a pundit writes it: "80,000", "2.5", "1.2", with an optional
# currency before it and an optional scale word and percent after it.
_AMOUNT = (
    r"(?:(?P<cur{n}>US\$|\$|£|€)\s?)?"
    r"(?P<num{n}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale{n}>thousand|million|billion|trillion|bn|tn|m|k)\b)?"
    r"(?:\s?(?P<pct{n}>%|per\s?cent\b|percent\b|percentage\s+points?\b))?"
)
_A, _B = _AMOUNT.format(n="a"), _AMOUNT.format(n="b")
_UNIT_NOUN = r"(?:\s+(?P<noun>[A-Za-z][A-Za-z-]{2,}))?"
_INTERVALS = tuple(
    re.compile(pattern + _UNIT_NOUN, re.IGNORECASE)
    for pattern in (
        rf"\bbetween\s+{_A}\s+and\s+{_B}",
        rf"\bin\s+the\s+range\s+(?:of\s+)?{_A}\s*(?:-|–|to)\s*{_B}",
    )
)
_POINT = re.compile(
    rf"\b(?:about|around|near|nearly|roughly|approximately|close\s+to)\s+{_A}{_UNIT_NOUN}",
    re.IGNORECASE,
)
_THRESHOLD = re.compile(
    rf"\b(?:below|under|above|over|exceed|exceeds|surpass|top|more\s+than|fewer\s+than|"
    rf"less\s+than|at\s+least|at\s+most|beyond)\s+{_A}{_UNIT_NOUN}",
    re.IGNORECASE,
)
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_PERIOD = (
    r"(?:(?:the\s+)?(?:end\s+of\s+)?)(?P<{g}>spring|summer|autumn|fall|winter|"
    + "|".join(name for name in calendar.month_name if name)
    + r")(?:\s+(?:of\s+)?(?P<{g}_year>(?:19|20)\d\d))?"
)
_BY_PERIOD = re.compile(r"\bby\s+" + _PERIOD.format(g="end"), re.IGNORECASE)
_BETWEEN_PERIODS = re.compile(
    r"\bbetween\s+" + _PERIOD.format(g="start") + r"\s+and\s+" + _PERIOD.format(g="end"),
    re.IGNORECASE,
)
# Words after a number that are not what it counts ("80,000 by 2026").
_NOT_UNITS = frozenset(
    "and or but by in at on of for to the a an before after until next this that these those "
    "when if per than from with within over under during each every is are was were will would "
    "could should may might can this year years month months day days week weeks".split()
)


@dataclass(frozen=True)
class QuantityClaim:
    """A quantity a sentence states: its form, kind, unit and values.

    Numeric values are floats in the unit; a date claim's are ``date`` objects
    (``low`` is None for "by spring 2027": the interval starts the day the
    claim was made). ``text`` is the words read, ``start``/``end`` their place.
    """

    form: str
    kind: str
    unit: str
    low: float | date | None
    high: float | date | None
    value: float | None
    text: str
    start: int
    end: int


def read_quantity(sentence: str, today: date) -> QuantityClaim | None:
    """The quantity ``sentence`` states, or None; ``today`` dates "by spring" without a year.

    An interval wins over a point, and either over a threshold: "will fall below
    80,000, to between 70,000 and 75,000" states an interval.
    """
    found = [
        claim
        for claim in (
            _numeric(_first(sentence, _INTERVALS), INTERVAL),
            _numeric(_POINT.search(sentence), POINT),
            _numeric(_THRESHOLD.search(sentence), THRESHOLD),
            _dates(sentence, today),
        )
        if claim is not None
    ]
    if not found:
        return None
    order = (INTERVAL, POINT, THRESHOLD)
    return min(found, key=lambda c: (order.index(c.form), c.start))


def _first(sentence: str, patterns: tuple[re.Pattern[str], ...]) -> re.Match[str] | None:
    matches = [m for m in (p.search(sentence) for p in patterns) if m is not None]
    return min(matches, key=lambda m: m.start(), default=None)


def _amount(match: re.Match[str], n: str, scale_of: str = "") -> tuple[float, str, bool]:
    """(value, unit without the counted noun, is a percentage) of amount ``n`` of a match.

    ``scale_of`` names the amount whose scale word applies when this one has
    none ("between 10 and 20 thousand": both are thousands).
    """
    value = float(match[f"num{n}"].replace(",", ""))
    currency = _CURRENCY.get((match[f"cur{n}"] or match[f"cur{scale_of or n}"] or "").lower(), "")
    scale = _SCALE_WORDS.get(
        (match[f"scale{n}"] or match[f"scale{scale_of or n}"] or "").lower(), ""
    )
    percent = match[f"pct{n}"]
    if scale == "thousand":
        value, scale = value * 1000, ""
    elif scale == "m" and not currency:  # "3 m" without a currency may be metres
        return value, "m", False
    if percent:
        unit = "pp" if "point" in percent.lower() else "%"
        return value, unit, True
    return value, " ".join(part for part in (currency, scale) if part), False


def _numeric(match: re.Match[str] | None, form: str) -> QuantityClaim | None:
    if match is None:
        return None
    low = high = point = None
    if form == INTERVAL:
        # "between 2 and 3%", "between $1.2 and $1.5 trillion": the unit written once, after
        # the second number, is the first number's too.
        value, _, _ = _amount(match, "a", scale_of="b")
        high, unit, percent = _amount(match, "b", scale_of="a")
        low = value
        if _looks_like_years(match, low, high, unit):
            return _year_interval(match, int(low), int(high))
        if low >= high:
            return None
    else:
        value, unit, percent = _amount(match, "a")
        if _a_year(match["numa"]) and not unit:
            return None  # "around 2030" is a time, not an amount
        point = value
    noun = match["noun"]
    if noun and not percent and noun.lower() not in _NOT_UNITS:
        unit = f"{unit} {noun}".strip()
    end = match.end("noun") if noun and noun in unit.split() else _amount_end(match, form)
    return QuantityClaim(
        form, NUMERIC, unit, low, high, point, match.string[match.start() : end], match.start(), end
    )


def _amount_end(match: re.Match[str], form: str) -> int:
    last = "b" if form == INTERVAL else "a"
    return max(
        match.end(f"{group}{last}")
        for group in ("num", "scale", "pct")
        if match.start(f"{group}{last}") >= 0
    )


def _a_year(written: str) -> bool:
    return re.fullmatch(r"(?:19|20)\d\d", written) is not None


def _looks_like_years(match: re.Match[str], low: float, high: float, unit: str) -> bool:
    return not unit and _a_year(match["numa"]) and _a_year(match["numb"]) and low < high


def _year_interval(match: re.Match[str], first: int, last: int) -> QuantityClaim:
    text = match.string[match.start() : match.end("numb")]
    return QuantityClaim(
        INTERVAL,
        DATE,
        "",
        date(first, 1, 1),
        date(last, 12, 31),
        None,
        text,
        match.start(),
        match.end("numb"),
    )


def _named(match: re.Match[str] | None, *groups: str) -> bool:
    """A month counts only capitalised ("by May", not "by may"); a season either way."""
    if match is None:
        return False
    return all(match[g].lower() in _SEASONS or match[g][0].isupper() for g in groups)


def _dates(sentence: str, today: date) -> QuantityClaim | None:
    between = _BETWEEN_PERIODS.search(sentence)
    if between is not None and _named(between, "start", "end"):
        year = between["end_year"] or between["start_year"]
        start, _ = period_days(between["start"], between["start_year"] or year, today)
        _, end = period_days(between["end"], year, today)
        if start < end:
            return QuantityClaim(
                INTERVAL, DATE, "", start, end, None, between[0], between.start(), between.end()
            )
    by = _BY_PERIOD.search(sentence)
    if by is not None and _named(by, "end"):
        _, end = period_days(by["end"], by["end_year"], today)
        if end > today:
            return QuantityClaim(INTERVAL, DATE, "", None, end, None, by[0], by.start(), by.end())
    return None


def period_days(name: str, year: str | None, today: date) -> tuple[date, date]:
    """The first and last day of a season or month; without a year, the next one to end."""
    name = name.lower()
    if year is None:
        for candidate in (today.year, today.year + 1):
            first, last = period_days(name, str(candidate), today)
            if last > today:
                return first, last
        return first, last
    y = int(year)
    if name in _SEASONS:
        month = _SEASONS[name]
        first = date(y, month, 1)
        end_year, end_month = (y + 1, 2) if month == 12 else (y, month + 2)
    else:
        first = date(y, _MONTHS[name], 1)
        end_year, end_month = y, _MONTHS[name]
    return first, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
