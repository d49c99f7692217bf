"""Forecasts written without a hedge word: tipsters' picks and headlines (pure Python).

Season previews and headlines state predictions in forms the lexicon cannot
list as phrases, because the same words are everywhere in other senses:

* **a pick in a list**: "Conference winner: Leeds", "MVP: Okafor", "Prediction:
  a hung parliament" (a label naming a winner, a colon, a name; or a prediction),
  unless the label names a record ("Last year's winner:") or what follows reports
  someone's pick ("Prediction: pollster picks Smith");
* **a tipster's "I see" / "I look for" / "I like"** (or an opening "Look for")
  followed by names and what they will do: "I see Leeds and Hull going up", "I
  look for Ortiz to win";
* **the author's forecast in other words**: their forecast named as a noun ("our
  bet is that …", "my forecast assumes two cuts"), what they see ahead ("I see a
  tough season ahead", read like "I expect"), and the chances sized in words ("the
  chances of a deal look slim", "the probability of a recession next year is
  minimal", this last one only with a future signal);
* **headlinese**: "Greens to Win Council Majority" (a headline's "X to Y" is
  its future tense; "Ten Ways to Save", "Time to Go" and "Labour Vows to Cut"
  are not), and a capitalised "Will" inside a title-case headline
  ("Why Rates Will Rise") is the modal, not the name.

A pick takes the numbers of the ``reckon`` scale's "I'm picking" (the outcome
the author ranks first, above even but not "likely"); a headline's "to" and
"Will" take the numbers of "will", read through the scale's lookup chain like
any word. Each reading's ``matched_text`` is the words as written.
"""

from __future__ import annotations

import re
from dataclasses import replace

from forecasts.drafting.lexicon import Reading, read_phrases

_NAME = r"(?-i:[A-Z])[\w.'\u2019&-]*"
_NAMES = rf"(?:either\s+)?{_NAME}(?:(?:\s+|,\s*|,?\s+(?:and|or)\s+){_NAME})*"
# "Conference Winner: Leeds", "Super Bowl pick: Denver", "Prediction: …"
_LABEL = re.compile(
    r"^\s*(?P<label>(?:[\w.&'\u2019-]+\s+){0,4}"
    r"(?:winners?|champions?|picks?|predictions?|mvp|favou?rites?))\s*:\s*(?=\S)",
    re.IGNORECASE,
)
# "Prediction: Pollster who called 2019 picks Smith" reports someone else's pick.
_SOMEONE_PICKS = re.compile(
    r"\b(?:picks|tips|predicts|says|backs|expects|forecasts|claims|reckons)\b", re.IGNORECASE
)
# "Last year's winner:", "Defending champion:": a record, not a pick.
PAST_LABEL = re.compile(r"\b(?:last|previous|defending|reigning|former|past)\b", re.IGNORECASE)
# "I see Leeds and Hull going up", "I look for Ortiz to win", "I like Denver to cover"
_TIPSTER = re.compile(
    rf"(?:\b|^)(?P<cue>I\s+(?:see|look\s+for|like)|^\s*Look\s+for)\s+{_NAMES}\s+"
    r"(?:\w+ing\b|to\s+\w+)",
    re.IGNORECASE,
)
# "I look for inflation to go back above 7%": the author's expectation, read like "I expect"
# ("I look for ways to save" looks for something; the capitalised "I look for Ortiz to win"
# is a tipster's pick, above).
_LOOK_FOR = re.compile(
    r"\b(?P<cue>(?:I|we)\s+(?:(?:also|still|now|fully)\s+)?look\s+for)\s+"
    r"(?!(?:ways?|opportunities|something|someone|anyone|people|places|reasons|signs|clues|"
    r"help|time)\b)(?-i:[a-z])(?:[\w%$.'\u2019-]+\s+){1,4}?to\s+(?:\w+)",
    re.IGNORECASE,
)
# "I'm going for Burnley", "I'm going with Ortiz": the tipster's choice, named.
_GOING_FOR = re.compile(
    rf"\b(?P<cue>I(?:['\u2019]m|\s+am)\s+going\s+(?:for|with))\s+(?:the\s+)?{_NAME}"
)
# "I bet Obama takes Florida", "I'd bet the Fed holds": the author's wager on an outcome
# ("I bet you've heard" is a figure of speech; "I'd bet on" is in the lexicon).
_I_BET = re.compile(
    r"\b(?P<cue>I\s*(?:bet|['\u2019]d\s+bet|would\s+bet|['\u2019]ll\s+bet|['\u2019]m\s+betting|"
    r"am\s+betting))\s+(?:that\s+)?(?!you\b|on\b|it\s+was\b|they\s+were\b)(?=\w)",
    re.IGNORECASE,
)
# "No. 2 Bills over No. 7 Chargers", "AFC: Chiefs over Ravens", "Packers over Bills 27-20":
# a line that is only a matchup and its winner is a pick.
_TEAM = rf"(?:{_NAME}|\d{{1,2}}(?-i:[a-z])+)"  # "49ers", "76ers"
_SEEDED_NAME = rf"(?:No\.\s*\d{{1,2}}\s+|\(\d{{1,2}}\)\s*)?{_TEAM}(?:\s+{_TEAM}){{0,2}}"
_MATCHUP = re.compile(
    rf"^\s*(?:[\w.&'\u2019 -]{{1,25}}:\s+)?{_SEEDED_NAME}\s+(?P<over>over)\s+{_SEEDED_NAME}"
    r"(?:\s*,?\s*\(?\d{1,3}\s*[-\u2013]\s*\d{1,3}\)?)?\s*$"
)
# "Larkspur to win the Oaks at 12/1", "Okafor to score first at evens"
_TIP_WITH_ODDS = re.compile(
    rf"^\s*{_NAME}(?:\s+{_NAME}){{0,3}}\s+(?P<to>to\s+(?:win|beat|score|finish|place|land|take|"
    r"make|reach|top|go|be))\b.*?\b(?:at\s+)?(?:\d{1,3}/\d{1,2}|evens|even\s+money)\b",
    re.IGNORECASE,
)
# "our baseline forecast is for growth to slow", "my prediction is that …", "my guess is that
# …", "my best guess would be shortly after Easter", "my forecast assumes two cuts", "our
# forecast calls for a recession" (with a "that" clause, "my forecast assumes that GDP will
# grow", the clause's own words say how sure)
_OWN_FORECAST = re.compile(
    r"\b(?P<words>(?:my|our)\s+(?:[\w-]+\s+)?(?:forecast|prediction|projection|expectation|"
    r"call|guess|bet))\s+(?:(?:is|remains)\s+(?:for|that)\b|(?:would|['\u2019]d)\s+be\b|"
    r"(?:also\s+|still\s+)?(?:assumes|calls\s+for|sees|envisages|anticipates)\s+(?!that\b))|"
    # "our game-by-game predictions have them drawing two more", "my model has Labour on 40%"
    r"\b(?P<have>(?:my|our)\s+(?:[\w-]+\s+)?(?:predictions|projections|forecasts?|model))\s+"
    r"(?:has|have|puts?|gives?)\s+(?:them|him|her|it|(?-i:[A-Z])\w+)\b",
    re.IGNORECASE,
)
# "I can see Rovers going down", "I can't see them winning away", "I don't see prices
# changing much": the author picturing what
# will happen ("I can see why …", "I can see the building" picture nothing ahead).
_CAN_SEE = re.compile(
    r"\b(?P<cue>I\s+(?:can|could|(?P<neg>cannot|can['\u2019]t|couldn['\u2019]t|can\s+not|"
    r"could\s+not|don['\u2019]t|do\s+not))\s+see)\s+"
    r"(?!(?:why|how|what|that|where|when|who|whether|if)\b)"
    r"(?:[\w'\u2019\"\u201c\u201d.&-]+\s+){1,6}?(?:(?:\w+ly|still|even|finally)\s+)?"
    r"(?P<ing>[a-z]+ing)\b"
)
# "I see a tough season ahead of us", "I see more rate cuts coming": the author picturing
# what lies ahead, read like "I expect" ("I see the problem" pictures nothing ahead).
_SEE_AHEAD = re.compile(
    r"\b(?P<cue>I\s+(?:can\s+)?see)\s+(?!(?:why|how|what|that|where|when|who|whether|if)\b)"
    r"(?:[\w'\u2019-]+,?\s+){1,7}?(?:ahead|coming|on\s+the\s+horizon|down\s+the\s+(?:road|line))\b",
    re.IGNORECASE,
)
# "I can see the building": a determiner right before the "-ing" word makes it a noun.
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|my|our|his|her|its|their)\s+$", re.IGNORECASE)
_ING_NOUNS = frozenset(
    "thing nothing something anything everything king spring string morning evening ring wing "
    "building meeting feeling ceiling ending beginning painting wedding clothing".split()
)
# "Farage to win this time round", "Prediction 2: Rates to stabilise near 6%": a line in
# sentence case that opens on a short subject and "to" + an outcome verb, with no verb of its
# own before it, states what will happen the way a headline does.
_PLAIN_TO = re.compile(
    r"^\s*(?:(?:predictions?|forecasts?|calls?|tips?)\s*\d{0,2}\s*:\s*|\d{1,2}[.)]\s+|[-*\u2022]\s+)?"
    r"(?P<subject>(?-i:[A-Z])[\w/'\u2019.&-]*(?:\s+[\w/'\u2019.&-]+){0,3}?)\s+"
    r"(?P<to>to\s+(?:win|lose|take|become|beat|finish|top|reach|retain|regain|keep|hold|stay|"
    r"remain|return|survive|secure|miss|fall|rise|drop|climb|ease|cut|raise|hike|stabili[sz]e|"
    r"peak|slow|grow|shrink|decline|double|halve|overtake|replace|collapse|recover|default|"
    r"resign|quit|retire|leave|go\s+down|go\s+up|struggle|flop|improve|dominate|clinch|claim))\b",
    re.IGNORECASE,
)
_NOT_A_PLAIN_SUBJECT = frozenset(
    "i we you they he she it there this that these those who what how why when where up due "
    "next according back down in on from ought tried try trying want wanted need needed used "
    "seems seemed appears appeared continues continued begins began starts started deserves "
    "tends struggles manages chooses decides intends prepares gets got goes went comes came "
    "likely unlikely expected set poised bound sure certain about able ready enough "
    # a noun that takes an infinitive: "the target to cut", "a decision to leave"
    "target targets goal goals aim aims plan decision promise pledge attempt move deal order "
    "chance way power ability desire drive proposal scheme policy money cost budget "
    "pressure temptation urge incentive license licence mandate permission".split()
)
# "the chances of a deal look slim", "the prospects for a ceasefire do not look good"
_CHANCES_LOOK = re.compile(
    r"\b(?:chances|prospects|odds)\s+(?:of|for)\s+[^,;.]{1,60}?\s+"
    r"(?P<words>(?P<neg>(?:do|does)\s+not\s+|don['\u2019]t\s+|doesn['\u2019]t\s+)?"
    r"(?:look|looks|seem|seems|are|appear)\s+(?:\w+\s+)?(?P<how>good|bright|strong|promising|"
    r"slim|remote|poor|bleak|dim|slight))\b",
    re.IGNORECASE,
)
_GOOD = frozenset({"good", "bright", "strong", "promising"})
# "The probability of a recession next year is minimal", "the likelihood of a deal is already
# very low", "the risk of a default remains high": the chances named as a noun, then how
# big they are. Read only with a future signal, as "the risk of fire is high" may describe
# the present.
_CHANCE_IS = re.compile(
    r"\b(?:probability|likelihood|chances?|odds|risk|possibility)\s+(?:of|that|for)\s+"
    r"[^,;.]{1,80}?\s+(?:is|are|remains?|looks?|seems?)\s+"
    r"(?:(?:already|now|still|quite|rather|pretty|fairly)\s+)?"
    r"(?P<words>(?P<very>(?:very|extremely|vanishingly|exceedingly)\s+)?"
    r"(?P<how>minimal|negligible|remote|tiny|slim|small|low|slight|high))\b",
    re.IGNORECASE,
)
# How big, in the words of the scale: "minimal" and "very low" as "almost no chance", "low"
# as "a slim chance", "high" as "likely" and "very high" as "very likely".
_FAINT = frozenset({"minimal", "negligible", "remote", "tiny"})
# "Greens to Win Council Majority": a capitalised subject of up to five words, then "to Verb".
_HEADLINE_TO = re.compile(
    rf"^\s*(?:{_NAME}\s+){{0,4}}?(?P<before>{_NAME})\s+(?P<to>to\s+{_NAME})",
    re.IGNORECASE,
)
# "Ten Ways to Save", "Time to Go", "Labour Vows to Cut", "Biden's Plan to Cut": an
# infinitive after a noun, a wh-word or a verb of intention is no future tense.
_NOT_A_SUBJECT = frozenset(
    "how what where when why who which ways reasons tips steps things time plan plans bid "
    "push race fight battle failure effort efforts attempt call calls need needs right ready "
    "able vows pledges promises plans aims seeks hopes wants refuses threatens tries fails "
    "agrees moves votes looks has have is are going set".split()
)
# "Key Indicators to Watch", "Stocks to Buy", "Five Things to Know": what the reader is to
# do, not what will happen.
_TO_DO = frozenset(
    "watch know consider read follow avoid buy sell see try visit expect remember ask own "
    "learn note keep eat drink play stream hear".split()
)
# "Why Rates Will Rise": "Will" after a word, before a capitalised word.
_HEADLINE_WILL = re.compile(rf"(?<=\w\s)(?P<will>(?-i:Will))(?=\s+{_NAME})")
_END_PUNCTUATION = re.compile(r"[.!?;:\"'\u201d\u2019)]\s*$")
HEADLINE_MAX_WORDS = 16


def pick_readings(sentence: str, scale: str) -> list[Reading]:
    """Readings for the picks and headline forms in ``sentence``, in text order."""
    readings: list[Reading] = []
    label = _LABEL.match(sentence)
    if label and _names_a_pick(sentence, label):
        readings += reading_as(
            sentence, "I'm picking", scale, label.start("label"), label.end("label")
        )
    for tip in [*_TIPSTER.finditer(sentence), *_GOING_FOR.finditer(sentence)]:
        readings += reading_as(sentence, "I'm picking", scale, tip.start("cue"), tip.end("cue"))
    for seen in _CAN_SEE.finditer(sentence):
        noun = _DETERMINER_BEFORE.search(sentence, 0, seen.start("ing"))
        if seen.group("ing").lower() in _ING_NOUNS or noun:
            continue
        phrase = "hard to see" if seen.group("neg") else "I'm picking"
        readings += reading_as(sentence, phrase, scale, seen.start("cue"), seen.end("cue"))
    for ahead in _SEE_AHEAD.finditer(sentence):
        if not any(r.start <= ahead.start("cue") < r.end for r in readings):
            readings += reading_as(
                sentence, "I expect", scale, ahead.start("cue"), ahead.end("cue")
            )
    for look in _LOOK_FOR.finditer(sentence):
        if not any(r.start <= look.start("cue") < r.end for r in readings):
            readings += reading_as(sentence, "I expect", scale, look.start("cue"), look.end("cue"))
    for bet in _I_BET.finditer(sentence):
        readings += reading_as(sentence, "I'm picking", scale, bet.start("cue"), bet.end("cue"))
    matchup = _MATCHUP.match(sentence)
    if matchup:
        readings += reading_as(
            sentence, "I'm picking", scale, matchup.start("over"), matchup.end("over")
        )
    priced = _TIP_WITH_ODDS.match(sentence)
    if priced:
        readings += reading_as(sentence, "I'm picking", scale, priced.start("to"), priced.end("to"))
    for own in _OWN_FORECAST.finditer(sentence):
        words = "words" if own.group("words") else "have"
        readings += reading_as(sentence, "I expect", scale, own.start(words), own.end(words))
    for chances in _CHANCES_LOOK.finditer(sentence):
        good = chances.group("how").lower() in _GOOD
        # good chances read as "chances are"; slim ones, and good ones denied, as "a slim chance"
        phrase = "chances are" if good and not chances.group("neg") else "a slim chance"
        readings += reading_as(
            sentence, phrase, scale, chances.start("words"), chances.end("words")
        )
    for chances in _CHANCE_IS.finditer(sentence):
        start, end = chances.start("words"), chances.end("words")
        if any(r.start < end and start < r.end for r in readings):
            continue  # "the chances of a deal look slim" is read above
        readings += [
            replace(r, needs_future_signal=True)
            for r in reading_as(sentence, _chance_phrase(chances), scale, start, end)
        ]
    if is_headline(sentence):
        to = _HEADLINE_TO.match(sentence)
        if (
            to
            and to.group("before").lower() not in _NOT_A_SUBJECT
            and to.group("to").split()[-1].lower() not in _TO_DO
        ):
            readings += reading_as(sentence, "will", scale, to.start("to"), to.end("to"))
        for will in _HEADLINE_WILL.finditer(sentence):
            readings += reading_as(sentence, "will", scale, will.start("will"), will.end("will"))
    elif plain := _plain_to(sentence):
        readings += reading_as(sentence, "will", scale, plain.start("to"), plain.end("to"))
    return sorted(readings, key=lambda r: r.start)


def _chance_phrase(chances: re.Match[str]) -> str:
    """The scale's words for how big ``_CHANCE_IS`` says the chances are."""
    how, very = chances.group("how").lower(), bool(chances.group("very"))
    if how == "high":
        return "very likely" if very else "likely"
    return "almost no chance" if very or how in _FAINT else "a slim chance"


# "20. Sheffield United", "3) Aston Villa": a numbered line that is only a name.
_NUMBERED_NAME = re.compile(
    r"^\s*(?P<label>\d{1,2}[.)])\s+(?-i:[A-Z])[\w&.'\u2019-]*(?:\s+[\w&.'\u2019-]+){0,4}\s*$"
)


def list_pick(sentence: str, scale: str) -> Reading | None:
    """A numbered line naming only a name ("20. Sheffield United"), read as a pick: the
    caller decides whether the author has announced a list of predictions before it."""
    line = _NUMBERED_NAME.match(sentence)
    if line is None:
        return None
    found = reading_as(sentence, "I'm picking", scale, line.start("label"), line.end("label"))
    return found[0] if found else None


def _plain_to(sentence: str) -> re.Match[str] | None:
    """A sentence-case line's "X to win …" (see ``_PLAIN_TO``), unless a word of its subject
    is a pronoun, a verb or a preposition ("I want to win", "Labour tried to win")."""
    line = _PLAIN_TO.match(sentence)
    if line is None:
        return None
    words = [w.lower().strip(".'\u2019") for w in line.group("subject").split()]
    if any(w in _NOT_A_SUBJECT or w in _NOT_A_PLAIN_SUBJECT for w in words):
        return None
    if words[-1].endswith("ed") or words[-1].endswith("ing"):
        return None
    return line


def _names_a_pick(sentence: str, label: re.Match[str]) -> bool:
    """A winner's label needs a name after it ("Winners: the commuters" is a verdict);
    a prediction's anything but a report of someone else's pick."""
    if _SOMEONE_PICKS.search(sentence, label.end()):
        return False
    said = label.group("label").lower()
    if PAST_LABEL.search(said):
        return False
    return said.endswith(("prediction", "predictions")) or sentence[label.end()].isupper()


def is_headline(sentence: str) -> bool:
    """A title-case line: no closing punctuation, few words, most long words capitalised."""
    words = sentence.split()
    if not words or len(words) > HEADLINE_MAX_WORDS or _END_PUNCTUATION.search(sentence):
        return False
    long_words = [w for w in words if len(w) >= 4 and w[0].isalpha()]
    capitalised = [w for w in long_words if w[0].isupper()]
    return bool(long_words) and len(capitalised) >= 0.6 * len(long_words)


def reading_as(sentence: str, phrase: str, scale: str, start: int, end: int) -> list[Reading]:
    """``phrase``'s numbers on ``scale`` for the words of ``sentence`` from start to end."""
    found = read_phrases(phrase, scale)
    if not found:
        return []
    return [replace(found[0], matched_text=sentence[start:end], start=start, end=end)]
