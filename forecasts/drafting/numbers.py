"""Probabilities the author states in numbers (pure Python).

"a 70 per cent chance", "an 86 percent probability", "wins 94% of the time" (a
model's share of its runs), "one in three", "50-50"
(in the lexicon), "the probability … is basically zero", "puts the odds of a
recession at 35%", and a scenario's number in brackets ("our base case remains
the boom (65%)", a list line "1. The Incumbent's Return (55 percent)"). A stated number is
the author's own figure, so it beats any hedge word in the sentence. The
reading's interval is the number itself; ``scale`` is the project scale
(``reckon``) with a rationale saying the number was written out.
"""

from __future__ import annotations

import re

from forecasts.drafting.lexicon import HEDGE, PROJECT_SCALE, Reading

_PERCENT = re.compile(
    r"\b(?:an?\s+)?(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent|percent)\s+"
    r"(?P<noun>chance|probability|likelihood|risk|odds)\b",
    re.IGNORECASE,
)
# "Clinton wins 94% of the time", "the home side wins in 61 percent of our simulations": a
# model's share of runs is its probability.
_OF_THE_TIME = re.compile(
    r"\b(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent|percent)\s+of\s+"
    r"(?:the\s+time|(?:the|our|its|their|all)\s+(?:\w+\s+)?(?:simulations|runs|scenarios|trials))\b",
    re.IGNORECASE,
)
_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "twenty": 20}
_ONE_IN = re.compile(
    r"\b(?:a\s+)?one[-\s]in[-\s](?P<n>two|three|four|five|six|ten|twenty|\d{1,4})\b"
    r"(?:\s+(?:chance|probability|shot))?",
    re.IGNORECASE,
)
_ZERO = re.compile(
    r"\b(?:probability|chance|chances|likelihood|odds)\b[^.;]{0,60}?\b(?:is|are)\s+"
    r"(?P<zero>(?:basically|essentially|virtually|effectively|close\s+to|near)\s+(?:zero|nil))\b",
    re.IGNORECASE,
)


# "puts the odds of a recession at 35%", "the chance of a cut … at 60 per cent"
_ODDS_AT = re.compile(
    r"\b(?:odds|chances?|probability|likelihood|prospects?|risk)\s+(?:of|that)\b[^,;.]{1,60}?"
    r"\bat\s+(?P<number>(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent|percent))",
    re.IGNORECASE,
)
# "(65%)", "(55 percent)": a scenario's number in brackets, read only where the sentence
# names a scenario or is a list line or heading that ends with it.
_BRACKETED = re.compile(
    r"\((?P<number>(?P<n>\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent|percent))\)", re.IGNORECASE
)
_SCENARIO = re.compile(r"\b(?:base\s+case|scenarios?|odds)\b", re.IGNORECASE)
_LIST_LINE = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+.*\)\s*$")


def stated_numbers(sentence: str) -> list[Reading]:
    """Every probability written as a number in ``sentence``, in text order."""
    readings = []
    for match in _PERCENT.finditer(sentence):
        value = float(match.group("n")) / 100
        if 0 <= value <= 1:
            readings.append(_reading(sentence, match, value))
    scenario = _SCENARIO.search(sentence) or _LIST_LINE.match(sentence)
    extra = [*_ODDS_AT.finditer(sentence), *(_BRACKETED.finditer(sentence) if scenario else ())]
    for match in extra:
        value = float(match.group("n")) / 100
        taken = any(r.start <= match.start("number") < r.end for r in readings)
        if 0 <= value <= 1 and not taken:
            readings.append(_reading(sentence, match, value, "number"))
    for match in _OF_THE_TIME.finditer(sentence):
        value = float(match.group("n")) / 100
        if 0 <= value <= 1 and not any(r.start <= match.start() < r.end for r in readings):
            readings.append(_reading(sentence, match, value))
    for match in _ONE_IN.finditer(sentence):
        raw = match.group("n").lower()
        denominator = _WORDS.get(raw) or int(raw)
        if denominator > 0:
            readings.append(_reading(sentence, match, round(1 / denominator, 6)))
    for match in _ZERO.finditer(sentence):
        readings.append(_reading(sentence, match, 0.01))
    return sorted(readings, key=lambda r: r.start)


def _reading(sentence: str, match: re.Match[str], value: float, group: int | str = 0) -> Reading:
    if "zero" in match.re.groupindex:
        group = "zero"
    text = match.group(group).strip()
    start = match.start(group) + (len(match.group(group)) - len(match.group(group).lstrip()))
    if text.lower().startswith(("a ", "an ")) and _PERCENT.match(text):
        text = text.split(None, 1)[1]
        start = sentence.find(text, match.start())
    return Reading(
        phrase=text,
        matched_text=text,
        scale=PROJECT_SCALE,
        interval=(value, value),
        point=value,
        negated=False,
        rationale=f"The author states the number: {text} is {value:.0%}.",
        kind=HEDGE,
        start=start,
        end=start + len(text),
    )
