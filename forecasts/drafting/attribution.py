"""Whose forecast is it? Attribution read from one sentence and its paragraph (pure Python).

Each rule is a pattern a reader can check by hand; each has a test in
``tests/drafting/test_attribution.py``. A sentence is someone else's when:

1. **A parenthetical or trailing report** names a speaker anywhere after the
   first words: "X will fall, the minister predicts, as …", "…, says Dr Y,
   director of …", "…, analysts said."
2. **"According to"** someone other than the author ("according to my
   calculations" stays the author's).
3. **An attribution noun** introduces the forecast: "the common assumption /
   a popular prediction / the agency's projection is that …", "their bet that …",
   "there's a clear consensus: …", "awash with expectations of …". The author's
   own ("my prediction is that") stays theirs.
4. **A document speaks**: "the report points to …", "a new study found that …",
   "the survey shows …" (the author's own data would say "our").
5. **A quotation** opens the sentence (or continues one left open) and an
   earlier sentence of the same paragraph names who speaks: "… Professor
   Stantic told news.com.au. “Postal votes … will be crucial.”"

Attribution *before* the hedge in the same clause ("Analysts expect …",
"experts believe …", "he said that …") is read by
:func:`forecasts.drafting.claims.not_a_claim_because`, which also keeps
"I think" and "we expect" as the author's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

REPORT_VERBS = (
    r"say|said|says|saying|tell|told|tells|telling|spoke|speaks|reported|reports|"
    r"announce|announced|announces|claim|claimed|claims|promise|promised|promises|pledge|"
    r"pledged|pledges|vow|vowed|vows|warn|warned|warns|warning|insist|insisted|insists|"
    r"argue|argued|argues|arguing|stated|stating|added|adding|adds|noted|noting|predict|predicted|"
    r"predicts|predicting|implied|hinted|wrote|writes|quoted|confirmed|revealed|denied|"
    r"suggest|suggested|suggests|suggesting|conceded|concedes|estimated|estimates|forecast|"
    r"forecasts|forecasting|projected|projects|projecting|expects|anticipates|believes|thinks|"
    r"fears|reckons|explained|explains|explaining|foresee|foresees|foreseeing|foresaw|"
    # "the panel agreed that …", "NOAA concurs that …": agreement with a "that" clause only
    # ("agreed to a ceasefire" reports nobody's forecast)
    r"(?:agree|agrees|agreed|concur|concurs|concurred)(?=\s+that\b)"
)
# A report word used as a noun ("fears of violence", "fears over security", "claims of
# fraud", "the forecast and the data", "a warning", "my forecast that …") or an adjective
# ("the number of confirmed cases"), in the idiom "when all is said and done", or a quarrel
# ("arguing with your uncle") reports nobody.
NOT_A_REPORT = r"(?!\s+(?:of|with|over|about|and\s+done)\b)"
AFTER_A_DETERMINER = "".join(
    rf"(?<!\b{word}\s)"
    # "the number of confirmed exoplanets", "of projected growth": an adjective after "of"
    for word in ("the", "a", "an", "this", "its", "our", "their", "his", "her", "my", "your", "of")
)
_WORD = r"[\w'\u2019.&-]+"


@dataclass(frozen=True)
class Attribution:
    """Who the sentence reports (possibly "") and the words that show it."""

    speaker: str
    cue: str


# A closing quotation mark may sit between the comma and the speaker: '…heatwaves," experts say.'
_COMMA = r",[\"\u201d\u2019']?"
# ", the minister predicts," / ", analysts said." / ", he conceded that": short subject, verb.
_PARENTHETICAL = re.compile(
    rf"{_COMMA}\s*(?P<speaker>(?:{_WORD}\s+){{0,5}}?{_WORD})\s+(?P<verb>{REPORT_VERBS})\b{NOT_A_REPORT}"
    r"(?=\s*(?:,|\.|;|$|\s+that\b))",
    re.IGNORECASE,
)
# ", says Dr Y, director of …" / ", said the minister."
_INVERTED = re.compile(
    rf"{_COMMA}\s*(?P<verb>says|said|predicts|warns|argues|writes|adds|notes)\s+"
    rf"(?P<speaker>(?:{_WORD}\s+){{0,4}}{_WORD})\s*(?:,|\.|;|$)",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(
    rf"\baccording\s+to\s+(?!(?:my|our|me|us)\b)(?P<speaker>(?:{_WORD}\s*){{1,5}})", re.IGNORECASE
)
# "…, per IFLScience, meaning …": the news writer's "according to" (never "per cent").
_PER = re.compile(
    r"(?:^|[,(\u2014]\s*)per\s+(?P<speaker>(?-i:[A-Z])[\w.&'\u2019-]*(?:\s+(?-i:[A-Z])[\w.&'\u2019-]*){0,3})",
    re.IGNORECASE,
)
# "Ceasefire unlikely, war could last years - WSJ": a headline credited to an outlet.
_CREDIT = re.compile(
    r"\s[-\u2013\u2014|]\s+(?P<speaker>(?-i:[A-Z])[\w.&'\u2019]*(?:\s+(?-i:[A-Z])[\w.&'\u2019]*){0,2})\s*$"
)
_ATTRIBUTION_NOUN = re.compile(
    rf"(?P<speaker>(?:\b(?:the|a|an|this|that|their|his|her|its|{_WORD}['\u2019]s)|"
    r"\bthere\s+(?:is|are|was|were)|\bthere['\u2019]s)\s+(?:\w+\s+){0,2}?)"
    r"(?:(?P<noun>assumption|prediction|projection|forecast|expectation|consensus|belief|"
    r"hope|fear|estimate|prognosis|view|bet|thinking|wisdom)s?\s+(?:is|was|are|were|remains)"
    # nouns that are never the author's own: "on the expectation that", "there is growing
    # recognition in Europe that"
    r"|(?P<held>expectation|assumption|recognition|speculation|consensus)s?"
    r"(?:\s+(?:in|among|on|across)\s+[^,.;]{1,60}?,?)?)"
    # "…, there's a clear consensus: prices will be flat": a colon for "that"
    r"(?:\s+that\b|\s*:(?=\s))",
    re.IGNORECASE,
)
# "economists are holding firm to their bet that …", "the Fed's view that …": a forecast
# noun someone else holds, with its "that" clause ("my view that" stays the author's).
_THEIR_NOUN = re.compile(
    rf"(?P<speaker>\b(?:their|his|her|its|{_WORD}['\u2019]s)\s+(?:(?!(?:my|our)\b)\w+\s+){{0,2}}?)"
    r"(?P<noun>bet|forecast|prediction|projection|view|belief|expectation|assumption|estimate|"
    r"prognosis|conviction)s?\s+that\b",
    re.IGNORECASE,
)
# "Washington is awash with expectations of war", "there are growing expectations of a cut":
# expectations held by others, named as a noun with what they expect.
_EXPECTATIONS_OF = re.compile(
    r"(?P<speaker>\b(?:there\s+(?:is|are|was|were)|there['\u2019]s|(?:awash|rife|abuzz|alive)\s+"
    r"with)\s+(?:(?:growing|widespread|mounting|rising|high|strong|wide)\s+)?)"
    r"(?P<noun>expectations?|speculation|predictions|talk)\s+of\b",
    re.IGNORECASE,
)
# "the report points to", "a new study found that", "the survey shows": a document as the speaker.
_DOCUMENT = re.compile(
    rf"(?P<speaker>\b(?:the|a|an|this|that|their|its|our|new|latest|{_WORD}['\u2019]s)\s+"
    r"(?:[\w'\u2019-]+\s+){0,3}?"
    r"(?:report|study|survey|poll|polling|model|analysis|research|data|projections?|forecasts?)"
    r"(?:\s+(?:of|on|by|from|in)\s+[^,.;]{1,50}?)?)\s+"
    r"(?P<verb>found|finds|shows|showed|points\s+to|pointed\s+to|suggests|suggested|indicates|"
    r"indicated|predicts|predicted|projects|projected|warns|warned|gives|gave|says|said|"
    # "the party's polling has Mr Smith poised to": a document placing someone
    r"(?:has|had|puts|put)\s+(?=(?-i:[A-Z])))\b",
    re.IGNORECASE,
)
# ", I think the polls suggest that …", ", we believe the data show …": the author reading
# evidence, not someone speaking.
_OWN_READING = re.compile(
    r"(?:I|we)\s+(?:\w+\s+)?(?:think|believe|reckon|expect|suspect)\b", re.IGNORECASE
)
_OPENING_QUOTE = re.compile(r"^\s*[\"\u201c\u2018']")
_SPEAKER_BEFORE = re.compile(
    rf"(?P<speaker>(?:{_WORD}\s+){{0,4}}{_WORD})\s+(?:{REPORT_VERBS})\b", re.IGNORECASE
)
_MY = re.compile(r"^(?:my|our)\b", re.IGNORECASE)
# "…, and we predict that …", "…, but our model says so", "…, my gut says": the author (or
# the author's own model or hunch) speaking, not a report.
_OWN_SPEAKER = re.compile(
    r"^(?:(?:and|but|so|then|which)\s+)?(?:I|we|(?:my|our)\b.*)$", re.IGNORECASE
)
# "“Red and Blue” alliances will …": a few words in quotation marks that open a sentence
# and close before its verb name a term; they are nobody's quoted words.
_SCARE_QUOTES = re.compile(r"^\s*[\"\u201c\u2018'][^\"\u201d\u2019']{1,40}[\"\u201d\u2019']\s+\w")


def attribution(sentence: str, previous: Sequence[str] = ()) -> Attribution | None:
    """Whom ``sentence`` reports, read with ``previous`` (its paragraph so far), or None."""
    for pattern in (_PARENTHETICAL, _INVERTED):
        for match in pattern.finditer(sentence):
            speaker = match.group("speaker").strip()
            if match.start() < 3 or _OWN_READING.match(speaker) or _OWN_SPEAKER.search(speaker):
                continue
            return Attribution(_short(speaker), match.group(0).strip(" ,.;"))
    according = _ACCORDING_TO.search(sentence) or _PER.search(sentence)
    if according:
        cue = according.group(0).strip(" ,.(\u2014")
        return Attribution(_short(according.group("speaker")), cue)
    credit = _CREDIT.search(sentence)
    if credit:
        return Attribution(credit.group("speaker"), credit.group(0).strip())
    noun = _ATTRIBUTION_NOUN.search(sentence)
    if noun and not _MY.match(noun.group("speaker")):
        holder = noun.group("speaker") + (noun.group("noun") or noun.group("held"))
        return Attribution(_short(holder), noun.group(0))
    for pattern in (_THEIR_NOUN, _EXPECTATIONS_OF):
        held = pattern.search(sentence)
        if held:
            return Attribution(_short(held.group("speaker") + held.group("noun")), held.group(0))
    document = _DOCUMENT.search(sentence)
    if document:
        return Attribution(_short(document.group("speaker")), document.group(0))
    return _quotation(sentence, previous)


def _quotation(sentence: str, previous: Sequence[str]) -> Attribution | None:
    opens = bool(_OPENING_QUOTE.match(sentence)) and not _SCARE_QUOTES.match(sentence)
    # a quotation left open in the sentence before, or opened earlier in the paragraph and
    # closed in this one (so an unclosed quotation long before does not swallow the rest)
    continued = bool(previous) and (
        _left_open(previous[-1]) or (_left_open(" ".join(previous)) and _closes(sentence))
    )
    if not (opens or continued):
        return None
    for earlier in reversed(previous):
        named = _SPEAKER_BEFORE.search(earlier)
        if named:
            return Attribution(_short(named.group("speaker")), "a quotation; " + named.group(0))
    return Attribution("", "a quotation") if opens else None


def _left_open(text: str) -> bool:
    """True when a double quotation opened in ``text`` is not closed in it."""
    return text.count("\u201c") > text.count("\u201d") or text.count('"') % 2 == 1


def _closes(sentence: str) -> bool:
    """True when ``sentence`` closes a double quotation it did not open."""
    return sentence.count("\u201d") > sentence.count("\u201c") or sentence.count('"') % 2 == 1


def _short(speaker: str) -> str:
    words = speaker.strip(" ,.;:").split()
    return " ".join(words[:6])
