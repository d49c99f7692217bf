"""Lists of predictions: what an announced list makes of the lines under it (pure Python).

Pundits often predict in lists, and a list item rarely carries a forward-looking
word: "District 2: Antonio Watts", "Relegated: Ipswich, Southampton, Leicester",
"Labour seats - 395", "20th – Cardiff City", "1. Peace between the US and Iran".
Read alone, such a line predicts nothing; read under "Election Day Predictions"
or "Here are my guesses", it is the author's call. The detector reads an article
paragraph by paragraph and carries a :class:`Listing` from one to the next:

* **an announcement** opens a list: a short heading with a predictions noun
  ("2023 election predictions", "Five predictions for 2015"), or a sentence in the
  first person with one ("Here are my picks", "Let's have my guesses", "So let's
  predict it!", "if we're in prediction mode"). A list announced as someone
  else's ("I've copied the predictions word for word", "Toews's predictions for
  2025", "Major lenders have released their forecasts for 2025:", "an AI
  supercomputer has predicted the final table", "PwC describes the top issues it
  sees for 2016") is theirs: what its items say is reported, until the author
  speaks in the first person again (a line that only presents the list "below",
  even "with my own comments", does not count, and a heading inside it keeps it
  theirs);
* **an item** of the list is a line shaped like one: a label and a value
  ("Senate: 53 Democratic Seats"), a name and a value after a dash ("Penny
  Mordaunt - survives"), or a numbered line of at least two words in sentence case
  ("1. Peace between the US and Iran"; "1. Personal AI Agents", in title case, is a
  topic heading). A label that
  describes rather than picks ("Key player:", "Last season:", "Update:") and a
  value that is only a time are not items;
* **a run of items**: inside an announced list, right after a short paragraph
  drafted as the author's claim, another short paragraph that opens on a line in
  the same voice is the next item, even with no forward-looking word ("AI finds
  its way into children's pets."), unless it is shaped like a heading, speaks in
  the first person or looks back ("A little unlucky yesterday"). With no list
  announced, a run of one-line paragraphs is read line by line: news copy is
  written that way too.

An item takes the numbers of the ``reckon`` scale's "I'm picking", like a tip.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from forecasts.drafting.lexicon import Reading
from forecasts.drafting.picks import PAST_LABEL, is_headline, reading_as

# Items drafted in a row, inside an announced list, before the next short line with no
# list shape counts as an item too.
RUN_ANNOUNCED = 1
ITEM_MAX_WORDS = 20
# A place's call may run long: "Spain: PP comes in first but falls short of majority …".
LABELLED_ITEM_MAX_WORDS = 45
LABEL_MAX_WORDS_FOR_LONG_ITEMS = 3

_PREDICTIONS = r"(?:predictions?|picks|guesses|forecasts|calls|tips|projections)"
# "Here are my predictions", "Here's my prediction", "These are my best guesses", "Here are
# mine", "Let's have my guesses", "So let's predict it!", "if we're in prediction mode", "I
# offer ten predictions below", "my predictions:"
_PRESENTS = re.compile(
    r"\b(?:here\s+(?:are|is)|here['\u2019]s|these\s+are|below\s+are|I\s+offer|let['\u2019]?s\s+have)"
    rf"\s+(?:(?:my|our|some|a\s+few|the|\w+)\s+){{0,3}}?(?:{_PREDICTIONS}|mine|ours)\b|"
    r"\blet['\u2019]?s\s+(?:predict|make\s+(?:some\s+)?predictions)\b|\bprediction\s+mode\b|"
    rf"\b(?:my|our)\s+(?:\w+\s+){{0,3}}?{_PREDICTIONS}\s*:\s*$|"
    # "The National has provided a few predictions", "we make ten predictions"
    r"\b(?:provided|provides|offers?|offered|makes?|made|shares?|shared)\s+"
    r"(?:a\s+few|some|its|our|\w+|\d+)\s+(?:\w+\s+)?predictions\b",
    re.IGNORECASE,
)
# "We", "My", "Our" open sentences too; "I" only in capitals ("i" is rarely the pronoun).
FIRST_PERSON = re.compile(r"\b(?:I|I['\u2019]m|I['\u2019]ve|(?i:we|my|our|mine|let['\u2019]?s))\b")
SOMEONE_ELSE = "someone else"
_COPIED = "an item of a list the author copies"
ITEM = "item"
# "I've copied the predictions word for word", "Here are Toews's ten predictions": a list
# that is someone else's.
# A name of up to four capitalised words: "Toews", "Steve King".
_NAME = r"(?-i:[A-Z])[\w.&-]*(?:\s+(?-i:[A-Z])[\w.&-]*){0,3}"
_THEIRS = re.compile(
    rf"\b(?:copied|reposted|reproduced|pasted)\s+(?:\w+\s+){{0,3}}?{_PREDICTIONS}\b|"
    r"\b(?:here\s+(?:are|is)|here['\u2019]s|these\s+are|below\s+are)\s+"
    rf"(?P<who>{_NAME})['\u2019]s?\s+"
    rf"(?:\w+\s+){{0,3}}?{_PREDICTIONS}\b",
    re.IGNORECASE,
)
# "Major financial institutions have released their predictions for 2025:", "one man has
# given us 10 predictions", "an AI supercomputer has predicted the final Premier League
# table", "PwC describes the top issues it sees for 2016": someone else's forecasts, set out
# in what follows.
_FORECASTERS = (
    r"(?:[\w-]+\s+){0,3}(?:experts|analysts|economists|scientists|institutions|forecasters|"
    r"firms|banks|lenders|agencies|researchers|pollsters|modell?ers|strategists|consultancies|"
    r"supercomputers?|models?)|"
    r"(?i:one|a|an|the)\s+(?:[\w-]+\s+)?(?:man|woman|person|pollster|modell?er|analyst|expert|"
    r"forecaster|economist|strategist|firm|bank|lender|agency|supercomputer|model|group|"
    r"institute|team)"
)
_THEY_SET_OUT = re.compile(
    rf"(?:^|\b)(?P<who>{_NAME}(?:['\u2019]s)?|{_FORECASTERS})\)?\s+"
    r"(?:(?:has|have)\s+(?:now\s+|just\s+|also\s+)?(?:released|published|issued|shared|made|"
    r"given(?:\s+us)?|offered|set\s+out|put\s+out|come\s+up\s+with)\s+"
    r"(?:their|its|his|her|the|some|a\s+few|a\s+set\s+of|a\s+list\s+of|\d+|\w+)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:predictions|forecasts|projections|outlooks?)\b|"
    r"(?:has|have)\s+(?:now\s+|just\s+|also\s+)?predicted\s+the\s+(?:final\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:table|standings|results|order|outcome)\b|"
    r"(?:describes|lists|outlines|sets\s+out|identifies)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:issues|trends|predictions|forecasts|developments|risks)\s+(?:it|they|he|she)\s+"
    r"(?:sees|see|expects?|predicts?|foresees?)\b)",
)
# "They are summarized below with my own interpretation": a line that only presents
# someone else's list keeps it theirs, even with a "my" in it.
_PRESENTS_BELOW = re.compile(
    r"\b(?:below|as\s+follows|summari[sz]ed|listed|excerpted)\b", re.IGNORECASE
)
# "here's a good list from Steve King of Small Biz Labs", "And now, back to Steve's list:":
# a list the author passes on from someone named.
_THEIR_LIST = re.compile(
    r"\b(?:here\s+(?:are|is)|here['\u2019]s)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}?"
    rf"(?:list|roundup|rundown)\s+(?:of\s+\w+\s+)?(?:from|by)\s+(?P<who>{_NAME})|"
    rf"\bback\s+to\s+(?P<whose>{_NAME})['\u2019]s?\s+list\b",
    re.IGNORECASE,
)
# Lists that look back, not ahead: "how my 2024 predictions fared", "grading my calls".
_LOOKS_BACK = re.compile(
    r"\b(?:looked|look|looking)\s+back\b|\b(?:graded?|grading|scorecard|fared|review(?:ed|ing)?|"
    r"results?|track\s+record|last\s+year['\u2019]s|I['\u2019]d\s+made|made\s+last|hit\s+the\s+mark)\b",
    re.IGNORECASE,
)
# A heading announcing predictions: "Election Day Predictions", "Five predictions for 2015",
# "Predictions for 2007", "2023 election predictions", "Time for some predictions".
# A tipster's heading too: "Nap of the Day", "Today's best bets", "Tips for Saturday".
_HEADING_NOUN = re.compile(
    r"\b(?:predictions?|picks|guesses|naps?|tips|best\s+bets|selections)\b", re.IGNORECASE
)
HEADING_MAX_WORDS = 8

# "Senate: 53 Democratic Seats", "District 1: Christina Delmont-Small", "Relegated: …"
_LABELLED = re.compile(r"^\s*(?P<label>[^:\d\s][^:]{0,40}?)\s*:\s+(?P<value>\S.*)$")
# "Labour seats - 395", "20th – Cardiff City", "Penny Mordaunt - survives"
_DASHED = re.compile(r"^\s*(?P<label>[^-\u2013\u2014]{1,40}?)\s+[-\u2013\u2014]\s+(?P<value>\S.*)$")
# "1. Peace between the US and Iran", "7) We see a global recession by 2022."
_NUMBERED = re.compile(r"^\s*(?P<label>\d{1,2}[.)])\s+(?P<value>\S.*)$")
# Labels that describe the item rather than pick it.
_DESCRIBING = frozenset(
    (
        "update, updated, updates, note, notes, thoughts, summary, source, sources, photo, "
        "image, picture, credit, credits, posted, by, date, edit, edited, disclaimer, key player, "
        "key players, season, last season, form, odds, analysis, background, context, why, "
        "reason, reasons, conclusion, bottom line, tl;dr, table positions, record, read more, "
        "see also, related, tags, filed under, author, written by, previously, specifics, "
        "details, explanation, rationale, evidence, reasoning, methodology, caveat, caveats"
    ).split(", ")
)
# "A little unlucky yesterday", "Norwich only spent £1.1 million": a line about the past.
_LOOKS_BACK_IN_ITEM = re.compile(
    r"\b(?:yesterday|last|ago|was|were|had|did|spent|won|lost|finished|previously)\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}\b|^\d{1,2}\s*(?:am|pm)\b", re.IGNORECASE)


@dataclass
class Listing:
    """What the article has said so far about lists of predictions.

    ``owner`` is None before any list is announced, "" once the author has
    announced one, and whose list it is when the author copies someone else's;
    ``run`` counts the one-line paragraphs just drafted as the author's claims;
    ``looking_back`` is set once the author says they revisit predictions made
    before ("I revisit the six predictions I made", "how my 2024 predictions fared"),
    until a new list of predictions is announced.
    """

    owner: str | None = None
    run: int = 0
    table: bool = False
    looking_back: bool = False

    def announced(self, sentence: str) -> None:
        """Take ``sentence`` into account as the article goes on."""
        if looks_back(sentence):
            self.looking_back, self.owner, self.table = True, None, False
            return
        if turns_ahead(sentence):
            self.looking_back = False
        owner = announcement(sentence)
        if owner == "" and self.owner and not FIRST_PERSON.search(sentence):
            # "Campaign Calculus: 10 predictions", "here are the top ten predictions" inside
            # a list passed on from someone else: still theirs
            owner = self.owner
        if owner is not None:
            self.owner = owner
            self.looking_back = False  # a new list of predictions: calls again
        elif self.owner and FIRST_PERSON.search(sentence) and not _PRESENTS_BELOW.search(sentence):
            self.owner = ""  # the author speaks again: what follows is theirs
        self.table = self.table or announces_table(sentence)

    def paragraph_read(self, sentences: Sequence[str], kinds: Sequence[str]) -> None:
        """Count the run of one-line calls: a paragraph of one or two sentences opening on
        the author's claim adds to it, a heading leaves it, anything else ends it (a line
        read as an item for its shape, ``ITEM``, too: what follows a pick comments on it)."""
        if kinds and kinds[0] == "claim" and len(sentences) <= 2:
            self.run += 1
        elif not (len(sentences) == 1 and _heading(sentences[0])):
            self.run = 0

    @property
    def speaker(self) -> str:
        """Whose list the author copies ("" when it names nobody)."""
        return "" if self.owner in (None, "", SOMEONE_ELSE) else str(self.owner)

    @property
    def why(self) -> str:
        """The reason given for a line of someone else's list."""
        return f"an item of {self.speaker}'s list" if self.speaker else _COPIED

    @property
    def in_a_run(self) -> bool:
        """Whether the next short line may be read as the next item of a run."""
        return self.owner is not None and self.run >= RUN_ANNOUNCED


# "Here are my predictions for the 2025/26 season", "My predicted league table": a ranked
# list of teams or players follows, whose numbered lines may be bare names ("1. Bournemouth").
_ANNOUNCES_TABLE = re.compile(
    r"\b(?:my|our)\s+(?:[\w/-]+\s+){0,3}?(?:predictions|picks|predicted)\b"
    r"(?=.*\b(?:season|league|table|standings|division|conference|positions|places|finish|"
    r"finishing)\b)",
    re.IGNORECASE,
)


def announces_table(sentence: str) -> bool:
    """True when ``sentence`` announces the author's predicted table or standings."""
    return bool(_ANNOUNCES_TABLE.search(sentence)) and not sentence.rstrip().endswith("?")


def _heading(sentence: str) -> bool:
    text = sentence.strip()
    return text.endswith(":") or is_headline(text)


def announcement(sentence: str) -> str | None:
    """Whose list of predictions ``sentence`` announces: "" for the author's, a name or
    ``SOMEONE_ELSE`` for another's, None when it announces none."""
    text = sentence.strip()
    if not text or text.rstrip(" \"'\u201d").endswith("?") or _LOOKS_BACK.search(text):
        return None
    theirs = _THEIRS.search(text)
    if theirs is not None:
        return theirs.group("who") or SOMEONE_ELSE
    passed_on = _THEIR_LIST.search(text)
    if passed_on is not None:
        return passed_on.group("who") or passed_on.group("whose")
    set_out = _THEY_SET_OUT.search(text)
    if set_out is not None and not FIRST_PERSON.match(set_out.group("who")):
        who = set_out.group("who")
        return who if who[:1].isupper() and who.split()[0].lower() not in _GENERAL else SOMEONE_ELSE
    if _PRESENTS.search(text):
        return ""
    heading = len(text.split()) <= HEADING_MAX_WORDS and not text.endswith(".")
    if heading and _HEADING_NOUN.search(text) and not _VERB_IN_HEADING.search(text):
        return ""
    return None


# "Major financial institutions", "One man": no name to credit the list to.
_GENERAL = frozenset("one a an the major leading top many most some several".split())


# "Predictions regarding the duration of the war" is a heading; "Private sector predictions are
# mostly more optimistic" is a sentence about someone's predictions.
_VERB_IN_HEADING = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|says?|said|show|shows|paint|paints)\b",
    re.IGNORECASE,
)


# "Here are some predictions that could shape …", "From X to Y, here are the most probable
# developments …", "I expect two things from Israel:", "Prediction: 10 Small Business Trends":
# a line that presents the items to come predicts nothing itself.
_PRESENTATIVE = re.compile(
    r"(?:^\W*(?:(?:so|ok|okay|well|now|and|but)\W+)?|,\s*)"
    r"(?:here\s+(?:are|is)|here['\u2019]s|below\s+are)\b",
    re.IGNORECASE,
)
_COUNTED = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2}|a\s+few|several|some|"
    r"the\s+following)\s+(?:[\w-]+\s+){0,3}?(?:things|predictions|calls|picks|guesses|forecasts|"
    r"trends|developments|changes|indicators|events|scenarios|outcomes|ways|reasons|questions)\b",
    re.IGNORECASE,
)
# "Here's my prediction: the Ravens win it all": the call after the colon is the author's.
_CALL_AFTER_COLON = re.compile(r":\s+(?:\S+\s+){2,}\S")


def opens_a_list(sentence: str) -> bool:
    """True when ``sentence`` announces someone else's list ("one man has given us 10
    predictions") or counts the predictions to come ("Campaign Calculus: 10 predictions for
    the general election"): it opens a list and is no item of one."""
    owner = announcement(sentence)
    return owner is not None and (owner != "" or bool(_COUNTED.search(sentence)))


def presents_list(sentence: str) -> bool:
    """True when ``sentence`` only presents the items that follow (a presentative "here
    are …", a line ending on a colon after a count of things, a short heading counting
    them), so that its own hedge or "will" is not a forecast."""
    text = sentence.strip()
    call = _CALL_AFTER_COLON.search(text)
    if not text or (call and not _COUNTED.match(text[call.start() + 1 :].strip())):
        return False
    if _PRESENTATIVE.search(text):
        return True
    counted = _COUNTED.search(text)
    if counted is None:
        return False
    heading = len(text.split()) <= HEADING_MAX_WORDS and not text.endswith((".", "!", "?"))
    return text.endswith(":") or heading


# "So it is with trepidation that I revisit the six predictions I made", "Let's look back at
# my 2024 predictions", "how did my predictions fare?": the author grading old calls.
_REVISITS = re.compile(
    r"\b(?:revisit(?:s|ing|ed)?|look(?:s|ing)?\s+back\s+(?:at|on)|grad(?:e|es|ing)|"
    r"check(?:ing)?\s+(?:back\s+)?(?:in\s+)?on|score|scoring|review(?:ing)?)\s+"
    rf"(?:(?:my|our|the|these|those|last\s+year['\u2019]s|\w+)\s+){{1,4}}?{_PREDICTIONS}\b|"
    rf"\bhow\s+(?:did\s+)?(?:my|our)\s+(?:[\w-]+\s+){{0,2}}?{_PREDICTIONS}\s+"
    r"(?:fared|fare|did|do|held\s+up|hold\s+up|turned\s+out|panned\s+out)\b",
    re.IGNORECASE,
)
# "Verdict: Likely correct", "Grade: B-", "Result: wrong": a grade on an old call.
_GRADE_LINE = re.compile(
    r"^\s*(?:verdict|grade|result|outcome|score|status|how\s+it\s+turned\s+out)\s*:",
    re.IGNORECASE,
)
# "this prediction looks almost certain to be true", "that call proved wrong": a grade.
_GRADES_A_CALL = re.compile(
    rf"\b(?:this|that|the|my|our)\s+(?:\w+\s+)?(?:{_PREDICTIONS}|call|pick|guess)\s+"
    r"(?:\w+\s+){0,6}?(?:true|correct|right|wrong|accurate|off\s+the\s+mark|on\s+the\s+mark)\b",
    re.IGNORECASE,
)


# "Going forward, I think …", "Looking ahead, …", "I now predict": the author turns from
# the old calls to new ones.
_TURNS_AHEAD = re.compile(
    r"\b(?:going\s+forward|looking\s+(?:ahead|forward)|from\s+here\s+on|"
    r"(?:I|we)\s+(?:now\s+|still\s+)?(?:think|predict|expect|believe|reckon))\b",
    re.IGNORECASE,
)


def turns_ahead(sentence: str) -> bool:
    """True when ``sentence`` turns from old calls to what the author expects now."""
    return bool(_TURNS_AHEAD.search(sentence))


def looks_back(sentence: str) -> bool:
    """True when ``sentence`` says the author revisits predictions made before."""
    return bool(_REVISITS.search(sentence))


def grades_a_call(sentence: str) -> bool:
    """True when ``sentence`` grades an old call ("Verdict: Likely correct", "this
    prediction looks almost certain to be true") rather than making one."""
    return bool(_GRADE_LINE.match(sentence) or _GRADES_A_CALL.search(sentence))


def list_item(sentence: str, scale: str) -> Reading | None:
    """The pick a line shaped like a list item makes ("Relegated: Ipswich, Southampton"),
    or None; the caller decides whether a list is open."""
    text = sentence.strip()
    if not text or len(text.split()) > LABELLED_ITEM_MAX_WORDS or text.endswith(("?", ":")):
        return None
    for shape in (_NUMBERED, _LABELLED, _DASHED):
        line = shape.match(text)
        if line is None:
            continue
        label, value = line.group("label"), line.group("value")
        long_label = shape is _NUMBERED or len(label.split()) > LABEL_MAX_WORDS_FOR_LONG_ITEMS
        if long_label and len(text.split()) > ITEM_MAX_WORDS:
            return None
        if shape is _NUMBERED and (len(value.split()) < 2 or is_headline(value)):
            return None  # "1. Personal AI Agents": a topic heading (a table's names are apart)
        if _describes(label) or _TIME.match(value) or FIRST_PERSON.search(text):
            return None  # "Key player: …", "Update: 12:30 PM", "Alaska – I am stunned …"
        found = reading_as(text, "I'm picking", scale, line.start("label"), line.end("label"))
        return found[0] if found else None
    return None


def _describes(label: str) -> bool:
    words = label.lower().split()
    return " ".join(words) in _DESCRIBING or bool(PAST_LABEL.search(label)) or len(words) > 6


def next_item(sentence: str, scale: str) -> Reading | None:
    """A short line with no list shape, read as the next item of a run of them."""
    text = sentence.strip()
    words = text.split()
    if not words or len(words) > ITEM_MAX_WORDS or text.endswith(("?", ":")):
        return None
    if _heading(text) or FIRST_PERSON.search(text) or _LOOKS_BACK_IN_ITEM.search(text):
        return None  # "Circuit Judge", "Ballot Questions": headings between the items
    labelled = _LABELLED.match(text)
    if labelled and _describes(labelled.group("label")):
        return None  # "Key player: Aaron Mooy", "Last season: 16th"
    found = reading_as(text, "I'm picking", scale, 0, len(words[0]))
    return found[0] if found else None
