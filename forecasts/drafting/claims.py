"""Find the forward-looking claims in an article (pure Python, rule-based).

A sentence is a claim when it still holds a hedge or a future marker from the
lexicon after these rules, each of which a reader can check by hand:

1. Questions (ending in "?") assert nothing.
2. Reported speech is someone else's statement, not the author's forecast: a
   report cue ("said", "told", "according to", "critics argue", ...) or a
   third party's belief ("experts believe"; "I think" stays a claim) before
   the marker in the same clause, or a trailing attribution (", analysts
   said."). "Trump told
   Tucker Carlson ... that he would work to un-unite Russia and China" reports
   Trump's stated intent; it is not the author predicting that he will.
3. Past perspective: "was expected to", "were likely to" (an old expectation)
   and "would / could / might have + verb" (a counterfactual past).
4. Advice is not prediction: "should be heeded", "should be focusing",
   "we should".
5. Modals inside an embedded question ("what shape the policy will take",
   "whether Putin would stick to it") or a short if-clause ("if you will
   excuse me") do not assert the event, nor does the consequence of a condition
   that opens the sentence ("If Trump wins, he will …"; "unless …" and "even
   if …" leave the author's call standing).
6. Words that also describe the present ("questionable", "possible",
   "surely"), and any hedge in a sentence naming a past time ("probably
   shrank last year"), count only with a future signal in the sentence:
   another modal or a future time expression ("this year", "within two
   years").

Each claim also records its **direction**: whether the author's sentence
asserts the event or its negation. A negation is any of: a negated hedge or
modal ("won't", "probably not", "almost certainly not"), the author's own
doubt ("I don't think the bill will pass"), a "not"/"never" on the event ("is
unlikely to not raise rates") or a negative verb ("will miss", "fail",
"lose"); an even number of them cancels out ("won't fail" affirms success).
``DraftClaim.stated_probability`` is the number the words give to the outcome
as the author asserts it ("will almost certainly miss the target" is 97% on
missing), ``DraftClaim.outcome`` says that outcome in words, and a question
worded the other way ("Will it meet the target?") carries 1 - p. The editor
confirms which way a question asks before approving it.

Sentences about the present with no marker ("Putin and Xi are closely
aligned") have no reading and are never claims. Tipsters' picks and headlines
that predict without a hedge word ("MVP: Okafor", "Greens to Win Council
Majority") are read by :mod:`forecasts.drafting.picks`. A claim with no hedge word
but a future marker gets the project-scale mapping of that marker ("will" is
0.9 on the ``reckon`` scale), and ``DraftClaim.scale`` says so.

Call :func:`validate_article_text` before :func:`detect_claims` on text from
outside; the detector itself trusts its input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

import pysbd
from dateparser.search import search_dates

from forecasts.drafting.attribution import (
    AFTER_A_DETERMINER,
    NOT_A_REPORT,
    REPORT_VERBS,
    attribution,
)
from forecasts.drafting.lexicon import DEFAULT_SCALE, MODAL, Reading, read_phrases
from forecasts.drafting.listing import (
    FIRST_PERSON,
    ITEM,
    Listing,
    grades_a_call,
    list_item,
    next_item,
    opens_a_list,
    presents_list,
    turns_ahead,
)
from forecasts.drafting.numbers import stated_numbers
from forecasts.drafting.picks import list_pick, pick_readings, reading_as
from forecasts.drafting.quantities import QuantityClaim, read_quantity
from forecasts.drafting.sentence_model import ADD_AT, KEEP_AT, load_model

MAX_ARTICLE_CHARS = 200_000

AFFIRMS = "affirms"
NEGATES = "negates"

CLAIM = "claim"
REPORTED = "reported"
NONE = "none"


@dataclass
class DraftClaim:
    """A sentence the detector proposes as a question, with its mapped probability.

    ``phrase`` is the hedge as written in the sentence ("won't", "much more
    likely"); ``reading`` carries the lexicon row, negation and rationale.
    """

    sentence: str
    phrase: str
    scale: str
    interval: tuple[float, float]
    probability: float
    suggested_resolve_by: date | None
    index: int
    reading: Reading
    direction: str = AFFIRMS
    stated_probability: float = 0.0
    stated_interval: tuple[float, float] = (0.0, 1.0)
    outcome: str = ""
    speaker: str = ""
    why: str = ""
    # The number or date the claim states, if any ("between 70,000 and 90,000 troops").
    quantity: QuantityClaim | None = None

    @property
    def positive_probability(self) -> float:
        """P(yes) on a question worded the positive way ("Will the EU meet its target?")."""
        return on_question(self.stated_probability, agrees=self.direction == AFFIRMS)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` as verbatim substrings, stripped of surrounding whitespace.

    pysbd with ``clean=False`` returns slices of the input, so quotes, dashes
    and odd spacing inside a sentence survive for the verbatim quote.
    """
    segments = [s for s in pysbd.Segmenter(language="en", clean=False).segment(text) if s.strip()]
    sentences: list[str] = []
    cursor, held = 0, -1  # held: where a bare list number ("20.") starts, or -1
    for segment in segments:
        start = text.find(segment.strip(), cursor)
        if start < 0:  # not found as a slice: keep it as it is
            sentences.append(segment.strip())
            held = -1
            continue
        end = start + len(segment.strip())
        if held >= 0 and "\n" not in text[held:start]:
            start = held  # "20." and "Sheffield United" on one line are one list item
        elif held >= 0:
            sentences.append(text[held:cursor])
        held = start if _LIST_NUMBER.fullmatch(text[start:end]) else -1
        if held < 0:
            sentences.append(text[start:end])
        cursor = end
    if held >= 0:
        sentences.append(text[held:cursor])
    return sentences


_LIST_NUMBER = re.compile(r"\d{1,2}[.)]")


def detect_claims(
    text: str,
    scale: str = DEFAULT_SCALE,
    today: date | None = None,
    title: str = "",
    *,
    sentence_model: bool = True,
) -> list[DraftClaim]:
    """The author's forward-looking claims in ``text``, in order, each with a mapped probability.

    Sentences are read with the sentences before them in the same paragraph, so
    a quotation whose speaker was named just before is not taken for the author's.
    ``title`` is the article's title when it is not part of the text: a title that
    announces a list ("My predictions for 2031") makes picks of the list's items.
    With ``sentence_model`` (and the model installed) the rules' verdicts are weighed
    by :mod:`forecasts.drafting.sentence_model`; without it, the rules decide alone.
    """
    today = today or _utc_today()
    claims = []
    for verdict in explain_sentences(text, scale, title, sentence_model=sentence_model):
        if verdict.verdict == CLAIM and verdict.reading is not None:
            claims.append(_draft(verdict, today))
    return claims


def claim_from_sentence(
    sentence: str,
    scale: str = DEFAULT_SCALE,
    today: date | None = None,
    index: int = 0,
    previous: Sequence[str] = (),
    *,
    sentence_model: bool = False,
) -> DraftClaim | None:
    """The claim one sentence makes by the rules, or None when it is not the author's
    forward-looking claim.

    ``previous`` holds the sentences before it in its paragraph (for quotations). With
    ``sentence_model`` the model weighs the rules' verdict as it does in an article (it
    reads each sentence alone, so its word on the sentence is the same here): the review
    screen asks so, to give a draft's reason as drafting gave it.
    """
    verdict = explain_sentence(sentence, scale, previous, index)
    if sentence_model:
        (verdict,) = weighed([sentence], [verdict], scale)
        verdict = _reindexed(verdict, index) if verdict is not None else None
    if verdict is None or verdict.verdict != CLAIM or verdict.reading is None:
        return None
    return _draft(verdict, today or _utc_today())


def _draft(verdict: SentenceVerdict, today: date) -> DraftClaim:
    reading = verdict.reading
    assert reading is not None
    if reading.matched_text:
        direction = claim_direction(verdict.sentence, reading)
    else:  # drafted by the sentence model with no hedge word: the event as the sentence has it
        outcome = verdict.sentence.strip().rstrip(".!;:").strip()
        direction = Direction(AFFIRMS, reading.point, reading.interval, outcome)
    return DraftClaim(
        sentence=verdict.sentence,
        phrase=phrase_as_written(verdict.sentence, reading),
        scale=reading.scale,
        interval=reading.interval,
        probability=reading.point,
        suggested_resolve_by=suggest_resolve_by(verdict.sentence, today),
        index=verdict.index,
        reading=reading,
        direction=direction.direction,
        stated_probability=direction.probability,
        stated_interval=direction.interval,
        outcome=direction.outcome,
        speaker=verdict.speaker,
        why=verdict.why,
        quantity=read_quantity(verdict.sentence, today),
    )


@dataclass(frozen=True)
class SentenceVerdict:
    """How the detector reads one sentence that has forward-looking words.

    ``verdict`` is ``claim`` (the author's own), ``reported`` (someone else's,
    named in ``speaker`` when the sentence or paragraph names them) or ``none``;
    ``why`` says why in a few plain words, for the review screen.
    """

    index: int
    sentence: str
    verdict: str
    phrase: str
    speaker: str
    why: str
    reading: Reading | None


def explain_sentences(
    text: str, scale: str = DEFAULT_SCALE, title: str = "", *, sentence_model: bool = True
) -> list[SentenceVerdict]:
    """A verdict for every sentence of ``text`` that has forward-looking words or that the
    sentence model drafts, in order.

    Paragraphs are separated by a blank line; ``index`` counts sentences over
    the whole text, as :func:`split_sentences` gives them. What the article has
    announced about lists of predictions is carried from paragraph to paragraph
    (:mod:`forecasts.drafting.listing`), starting from the article's ``title``.
    With ``sentence_model``, the rules' verdicts are then weighed by the model
    (:func:`second_opinion`).
    """
    sentences: list[str] = []
    verdicts: list[SentenceVerdict | None] = []
    listing = Listing()
    if title:
        listing.announced(title)
    for paragraph in paragraphs(text):
        for verdict in explain_paragraph(paragraph, scale, listing):
            index = len(verdicts)
            verdicts.append(_reindexed(verdict, index) if verdict is not None else None)
        sentences.extend(paragraph)
    if sentence_model:
        verdicts = weighed(sentences, verdicts, scale)
    return [verdict for verdict in verdicts if verdict is not None]


def weighed(
    sentences: Sequence[str], verdicts: Sequence[SentenceVerdict | None], scale: str
) -> list[SentenceVerdict | None]:
    """The rules' verdicts on ``sentences`` after :func:`second_opinion`, or as they are
    when the sentence model is off or not installed."""
    model = load_model()
    if model is None:
        return list(verdicts)
    return second_opinion(sentences, verdicts, scale, model.probabilities(sentences))


def second_opinion(
    sentences: Sequence[str],
    verdicts: Sequence[SentenceVerdict | None],
    scale: str,
    chances: Sequence[float],
) -> list[SentenceVerdict | None]:
    """The rules' verdicts on an article's sentences (None: no forward-looking words) once
    the sentence model has weighed each (``chances``, one a sentence): a draft it gives
    under ``KEEP_AT`` is dropped, and a sentence it gives ``ADD_AT`` or more is drafted
    (:mod:`forecasts.drafting.sentence_model`).

    The rules still set the number: a sentence drafted by the model keeps the reading the
    rules found in it, and one with no hedge word at all is read as a bare "will" (an
    unhedged statement of the future, docs/lexicon.md), with no phrase.
    """
    out: list[SentenceVerdict | None] = []
    for index, (sentence, verdict, chance) in enumerate(
        zip(sentences, verdicts, chances, strict=True)
    ):
        drafted = verdict is not None and verdict.verdict == CLAIM
        if drafted and chance < KEEP_AT:
            assert verdict is not None
            why = f"the sentence model gives it {chance:.0%} (the rules: {verdict.why})"
            out.append(replace(verdict, verdict=NONE, why=why))
        elif not drafted and chance >= ADD_AT:
            reading = verdict.reading if verdict is not None else None
            if reading is None:
                reading = reading_as(sentence, "will", scale, 0, 0)[0]
            was = verdict.why if verdict is not None else "no hedge word"
            why = f"the sentence model gives it {chance:.0%} (the rules: {was})"
            phrase = phrase_as_written(sentence, reading)  # "" for the bare "will" above
            out.append(SentenceVerdict(index, sentence, CLAIM, phrase, "", why, reading))
        else:
            out.append(verdict)
    return out


def _reindexed(verdict: SentenceVerdict, index: int) -> SentenceVerdict:
    return SentenceVerdict(
        index,
        verdict.sentence,
        verdict.verdict,
        verdict.phrase,
        verdict.speaker,
        verdict.why,
        verdict.reading,
    )


def paragraphs(text: str) -> list[list[str]]:
    """The sentences of ``text`` grouped by paragraph (a blank line ends one)."""
    groups: list[list[str]] = []
    cursor = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, cursor)
        gap = text[cursor:start] if start >= 0 else ""
        if not groups or _BLANK_LINE.search(gap):
            groups.append([])
        groups[-1].append(sentence)
        cursor = start + len(sentence) if start >= 0 else cursor
    return groups


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def explain_paragraph(
    sentences: Sequence[str], scale: str = DEFAULT_SCALE, listing: Listing | None = None
) -> list[SentenceVerdict | None]:
    """A verdict (or None: no forward-looking words) for each sentence of one paragraph.

    ``listing`` is what the article has said before this paragraph about lists of
    predictions; it is updated with what this paragraph says. Under an announced list
    a line shaped like an item ("Relegated: Ipswich, Southampton") is a pick, and under
    someone else's list the items are theirs.
    """
    listing = listing if listing is not None else Listing()
    verdicts: list[SentenceVerdict | None] = []
    kinds: list[str] = []
    for index, sentence in enumerate(sentences):
        verdict = explain_sentence(sentence, scale, sentences[:index], index)
        verdict, shaped = _in_a_list(verdict, sentences, index, scale, listing)
        verdicts.append(verdict)
        # a line read for its shape ("Ward 1: Okafor") is no call of a run: what follows
        # a pick comments on it
        kinds.append(ITEM if shaped else verdict.verdict if verdict else NONE)
        listing.announced(sentence)
    listing.paragraph_read(sentences, kinds)
    return verdicts


def _in_a_list(
    verdict: SentenceVerdict | None,
    sentences: Sequence[str],
    index: int,
    scale: str,
    listing: Listing,
) -> tuple[SentenceVerdict | None, bool]:
    """The verdict once the list the sentence may stand in is taken into account, and
    whether the sentence was read as an item for its shape alone."""
    sentence = sentences[index]
    theirs = listing.owner and not FIRST_PERSON.search(sentence)
    if (
        verdict is not None
        and verdict.verdict == CLAIM
        and listing.looking_back
        and not turns_ahead(sentence)
    ):
        return replace(verdict, verdict=NONE, why=_LOOKED_BACK_ON), False
    if verdict is not None:
        if verdict.verdict == CLAIM and theirs:
            return replace(
                verdict, verdict=REPORTED, speaker=listing.speaker, why=listing.why
            ), False
        return verdict, False
    if opens_a_list(sentence):
        return None, False  # "Campaign Calculus: 10 predictions …" opens a list; no item
    pick, why, shaped = None, "", True
    if listing.table:
        pick, why = list_pick(sentence, scale), "a place in the author's predicted table"
    if pick is None and listing.owner is not None:
        pick, why = list_item(sentence, scale), "an item of the author's list of predictions"
    if pick is None and index == 0 and len(sentences) <= 2 and listing.in_a_run:
        pick, why = next_item(sentence, scale), "the next line of a list of the author's calls"
        shaped = False
    if pick is None:
        return None, False
    if theirs:
        verdict = SentenceVerdict(
            index, sentence, REPORTED, pick.matched_text, listing.speaker, listing.why, pick
        )
    else:
        verdict = SentenceVerdict(index, sentence, CLAIM, pick.matched_text, "", why, pick)
    return verdict, shaped


def explain_sentence(
    sentence: str, scale: str = DEFAULT_SCALE, previous: Sequence[str] = (), index: int = 0
) -> SentenceVerdict | None:
    """The verdict on one sentence, read after ``previous`` (its paragraph so far)."""
    readings = _readings(sentence, scale)
    if not readings:
        return None

    def verdict(kind: str, reading: Reading | None, speaker: str, why: str) -> SentenceVerdict:
        phrase = phrase_as_written(sentence, reading) if reading else ""
        return SentenceVerdict(index, sentence, kind, phrase, speaker, why, reading)

    if sentence.rstrip(" \"'\u201d\u2019)").endswith("?") or _UNMARKED_QUESTION.match(sentence):
        return verdict(NONE, None, "", "a question asserts nothing")
    if presents_list(sentence):
        return verdict(NONE, governing(readings, sentence), "", _PRESENTS_A_LIST)
    if grades_a_call(sentence):
        return verdict(NONE, governing(readings, sentence), "", "grades an old call")
    if _spread_of_possibilities(sentence, readings):
        return verdict(NONE, governing(readings, sentence), "", _SPREAD)
    reported = attribution(sentence, previous)
    if reported is not None:
        return verdict(
            REPORTED, governing(readings, sentence), reported.speaker, f"reported: '{reported.cue}'"
        )
    future = _has_future_signal(sentence, readings)
    own_voice = any(_FIRST_PERSON.search(text) for text in (*previous, sentence))
    reasons = _inherit_reports(
        sentence,
        [
            (r, not_a_claim_because(sentence, r, future) or _unnamed(sentence, r, own_voice))
            for r in readings
        ],
    )
    kept = governing([r for r, why in reasons if why is None], sentence)
    continued = _continues_a_report(sentence, scale, previous) if kept is not None else None
    if kept is not None and continued is not None:
        carried = _CONTINUATION.search(sentence)
        assert carried is not None
        return verdict(
            REPORTED,
            kept,
            continued.speaker,
            f"continues the report before it: '{carried.group(0)}'",
        )
    if kept is not None:
        return verdict(CLAIM, kept, "", f"the author's own '{phrase_as_written(sentence, kept)}'")
    main = governing(readings, sentence)
    reading, why = next((r, w) for r, w in reasons if r is main)
    assert why is not None
    if why in _REPORTED_REASONS:
        speaker, cue = _reported_by(sentence, reading)
        return verdict(REPORTED, reading, speaker, f"reported: '{cue}'" if cue else why)
    return verdict(NONE, reading, "", why)


_SPREAD = "a spread of possibilities, none put forward"
_WEAK_MODALS = frozenset({"could", "might", "may"})
_OR = re.compile(r"[,;]?\s+or\s+", re.IGNORECASE)


def _spread_of_possibilities(sentence: str, readings: list[Reading]) -> bool:
    """True when the sentence lays out alternatives ("The case could be sent back, the verdict
    could be reinstated, or the ruling upheld"; "This might happen …, or it may not"): two
    or more "could"/"might"/"may" and an "or" after the first, so no one of them is the
    author's call."""
    weak = [r for r in readings if r.phrase in _WEAK_MODALS]
    return len(weak) >= 2 and bool(_OR.search(sentence, weak[0].end))


# "The Bank of England, on the other hand, is likely to follow": a sentence that carries
# on the report before it, in a paragraph where the author has not spoken in person.
_CONTINUATION = re.compile(
    r"\b(?:also|too|on\s+the\s+other\s+hand|as\s+well|likewise|similarly|additionally|"
    r"in\s+addition|moreover|furthermore)\b|^\s*(?:And|Plus)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|me|(?-i:us))\b", re.IGNORECASE)  # not "US"


# "Unemployment is expected to hover near 4%": an expectation in the passive with nobody
# named is the forecasters' consensus that the author relays, unless the author speaks in
# the first person in the paragraph (an outlook's "our forecast … Inflation is expected to").
_PASSIVE_BE = re.compile(
    r"\b(?:is|are|be|been|remains?|['\u2019]s|['\u2019]re)\s+(?:\w+ly\s+|still\s+|now\s+)?$",
    re.IGNORECASE,
)
_UNNAMED = "an expectation with nobody named: the forecasters', relayed"


_REPORTED_REASONS = frozenset({"reported speech", "someone else's belief", _UNNAMED})
_PRESENTS_A_LIST = "presents the list that follows; predicts nothing itself"
_LOOKED_BACK_ON = "a prediction made before, which the author looks back on"
# "…is expected to win 57 seats, meaning the party could …", "…, which may lead to …": the
# consequence drawn from a reported forecast, or a clause describing it, is part of the report.
_CONSEQUENCE = re.compile(r",\s*(?:meaning|which)\b", re.IGNORECASE)


def _inherit_reports(
    sentence: str, reasons: list[tuple[Reading, str | None]]
) -> list[tuple[Reading, str | None]]:
    """Readings after ", meaning …" or ", which …" take the reason of a reported reading
    before that comma, or of the reader's reading ("you will stumble across other ideas,
    which will contradict the first": what the reader reads, not the author's forecast)."""
    reported = [(r, why) for r, why in reasons if why in _REPORTED_REASONS or why == _TO_READER]
    if not reported:
        return reasons
    inherited = []
    for reading, why in reasons:
        for link in _CONSEQUENCE.finditer(sentence, 0, reading.start):
            source = next((w for r, w in reported if r.end <= link.start()), None)
            if why is None and source is not None:
                why = source
        inherited.append((reading, why))
    return inherited


def _unnamed(sentence: str, reading: Reading, own_voice: bool) -> str | None:
    if own_voice or reading.phrase != "expected to":
        return None
    return _UNNAMED if _PASSIVE_BE.search(sentence[: reading.start]) else None


def _continues_a_report(
    sentence: str, scale: str, previous: Sequence[str]
) -> SentenceVerdict | None:
    """The reported verdict on the last forward-looking sentence before, when ``sentence``
    continues it ("also", "on the other hand") and does not speak in the first person."""
    if not _CONTINUATION.search(sentence) or _FIRST_PERSON.search(sentence):
        return None
    for at in range(len(previous) - 1, -1, -1):
        before = explain_sentence(previous[at], scale, previous[:at], at)
        if before is not None:
            return before if before.verdict == REPORTED else None
    return None


def phrase_as_written(sentence: str, reading: Reading) -> str:
    """The words that set the number, as an editor reads them: a contraction with the word
    it hangs on ("they'll", "it's going to", not "'ll"), the author's own expectation or
    prediction verb with its "I"/"we", auxiliary and adverb ("We now expect", "I further
    predict", "is predicting"), and a hedge with its raising verb ("seems likely")."""
    before = sentence[: reading.start]
    start = reading.start
    if reading.matched_text[:1] in "'\u2019":
        word = re.search(r"\w+$", before)
        start = word.start() if word else start
    elif reading.phrase in _BELIEF_ROWS and (own := _OWN_ADVERB.search(before)):
        start = own.start("pronoun") if own.group("pronoun") else own.start("rest")
    elif reading.kind != MODAL and (raising := _RAISING_VERB.search(before)):
        start = raising.start()
    elif reading.matched_text.lower() in {"likely", "probably"} and (most := _MOST.search(before)):
        start = most.start()
    return sentence[start : reading.start] + reading.matched_text


# "it seems likely that", "seems certain to win": the raising verb is part of the hedge.
_RAISING_VERB = re.compile(r"\b(?:seems?|appears?)\s+(?:to\s+be\s+)?$", re.IGNORECASE)
# "Most likely, the season will be tough", "will most probably win": "most" is part of it.
_MOST = re.compile(r"\bmost\s+$", re.IGNORECASE)


def _start(reading: Reading) -> int:
    return reading.start


def _readings(sentence: str, scale: str) -> list[Reading]:
    """The lexicon's hedges, stated numbers, and picks or headline forms none of them cover."""
    found = read_phrases(sentence, scale) + stated_numbers(sentence)
    for pick in pick_readings(sentence, scale):
        if not any(pick.start < r.end and r.start < pick.end for r in found):
            found.append(pick)
    found.sort(key=_start)
    return [r for r in found if r.phrase != THINK or _belief_over_a_future(r, found, sentence)]


# The belief row: "I think", "we believe", "I don't reckon" over a plain future.
THINK = "I think"
_PLAIN_FUTURES = frozenset({"will", "is going to"})
# What ends the clause a belief verb governs: "I think it's close, but Labour will win".
_CLAUSE_BREAK_BETWEEN = re.compile(r"[.;:!?\u2014]|\bbut\b|\bif\b|\bwhen\b", re.IGNORECASE)


def _belief_over_a_future(belief: Reading, readings: list[Reading], sentence: str) -> bool:
    """Whether the author's own belief verb governs a plain "will" or "going to" in its
    clause ("I think Georgia will be close", "I don't think the Fed will cut"), so that
    its number replaces the bare future's. Someone else's belief ("analysts think") is
    a report, read elsewhere; "I think it could", with a hedge of its own, keeps that
    hedge; "I think the plan is wrong" predicts nothing.
    """
    before = sentence[: belief.start]
    if not _own_belief(before, belief) or _NOT_GOVERNING.search(before):
        return False
    if _THINK_OF.match(sentence, belief.end):
        return False
    ends = _CLAUSE_BREAK_BETWEEN.search(sentence, belief.end)
    clause = [
        r for r in readings if belief.end <= r.start and (ends is None or r.start < ends.start())
    ]
    return bool(
        clause
        and all(r.phrase in _PLAIN_FUTURES for r in clause)
        and not _FINITE_VERB.search(sentence, belief.end, clause[0].start)
    )


# "who I think will win" (an embedded question), "though I think Forest will finish" (a
# clause that only qualifies the sentence's own forecast): the belief governs no call.
_NOT_GOVERNING = re.compile(
    r"\b(?:who|whom|what|which|though|although|as|because|since|whereas)\s+"
    r"(?:(?:I|we)\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
# "I can't think of a reason", "I think so", "we believe in": no clause is governed.
_THINK_OF = re.compile(r"\s+(?:of|about|so|in|back|through)\b", re.IGNORECASE)
# "We reckon that readers are well informed, so … will": the belief's clause has its own
# verb before the future, which is then in another clause.
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|do|does|did)\b|\w['\u2019](?:s|re|ve)\b", re.IGNORECASE
)


# "Will gas cars ever disappear" (a title with no question mark): an auxiliary, then a
# lower-case word, and no full stop.
_UNMARKED_QUESTION = re.compile(
    r"^\s*(?:Will|Would|Could|Can|Should|Shall|Is|Are|Does|Do|Did)\s+[a-z][^.!]*$"
)


_BUT = re.compile(r"(?:,|;|\u2014|-)?\s*\bbut\b", re.IGNORECASE)


def _stated(reading: Reading) -> bool:
    return reading.rationale.startswith("The author states the number")


def governing(readings: list[Reading], sentence: str) -> Reading | None:
    """The reading that sets the number: the one governing the predicted clause.

    A number the author writes out beats the rest; a hedge adverb added as an aside
    after a comma ("will be elected on Tuesday, possibly Wednesday"), one that opens an
    aside about a detail ("Hacking, most likely of voter lists, will …") and one in a
    relative clause after the forecast ("…, who will probably be Clinton") yield to the
    clause they qualify; a hedge word beats a bare modal ("likely that X will" is
    "likely", not "will"); a reading after a "but" beats one in the clause it
    overrules ("X may slow, but it will likely …"); a reading in a concession
    ("…, though it is not inevitable") yields to the main clause; then the one
    furthest from even odds, then the earliest.
    """
    if not readings:
        return None
    last_but = max((m.end() for m in _BUT.finditer(sentence)), default=-1)
    conceded = min((m.start() for m in _CONCESSIVE.finditer(sentence)), default=len(sentence))
    first = min(r.start for r in readings)
    relative = [m.start() for m in _RELATIVE_CLAUSE.finditer(sentence)]
    return max(
        readings,
        key=lambda r: (
            _stated(r),
            not (
                (r.start > first and _ASIDE_HEDGE.search(sentence, 0, r.end))
                or any(first < at < r.start for at in relative)
                or _qualifies_a_detail(r, sentence, readings)
            ),
            r.kind != MODAL,
            r.start >= last_but,
            r.start < conceded,
            # of two numbers the author writes out, the first is the forecast's subject's
            0.0 if _stated(r) else abs(r.point - 0.5),
            -r.start,
        ),
    )


# ", though it is not inevitable", "although …", "even though …": a concession.
_CONCESSIVE = re.compile(r"(?:,|;|\u2014)\s*(?:even\s+)?(?:though|although)\b", re.IGNORECASE)
# "…, possibly Wednesday", "…, likely in the second half", "and, perhaps, wonder": a hedge
# adverb added after a comma, qualifying a detail of the clause before it.
_ASIDE_HEDGE = re.compile(
    r",\s*(?:and\s*,?\s*)?(?:possibly|perhaps|probably|likely|maybe)$", re.IGNORECASE
)


# "Obama will not be invited …, who will probably be Clinton": a hedge in a relative clause
# after the main clause's forecast describes someone in it.
_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|whom|whose)\b", re.IGNORECASE)
# "Election hacking, most likely of voting lists, will call results into question": a hedge
# that opens an aside between commas, with words after it, qualifies a detail; the verb
# after the aside carries the claim ("The bank, most likely, will cut" is no such aside).
_OPENS_AN_ASIDE = re.compile(r",\s*(?:(?:most|very|quite)\s+)?$", re.IGNORECASE)
_REST_OF_ASIDE = re.compile(r"\s+[^,;:.]{1,80}?,")


def _qualifies_a_detail(reading: Reading, sentence: str, readings: list[Reading]) -> bool:
    if reading.kind == MODAL or not _OPENS_AN_ASIDE.search(sentence, 0, reading.start):
        return False
    aside = _REST_OF_ASIDE.match(sentence, reading.end)
    return aside is not None and any(r.start >= aside.end() for r in readings)


def claim_reading(sentence: str, scale: str = DEFAULT_SCALE) -> Reading | None:
    """The reading that makes ``sentence`` the author's claim, or None."""
    verdict = explain_sentence(sentence, scale)
    return verdict.reading if verdict and verdict.verdict == CLAIM else None


_CUE = rf"according\s+to(?!\s+(?:my|our)\b)|(?:{REPORT_VERBS})\b{NOT_A_REPORT}"
# "safe to say", "fair to predict", "worth noting": the author speaking, not a report.
_REPORT_CUE = re.compile(
    rf"(?<!\bto\s)(?<!\bworth\s){AFTER_A_DETERMINER}\b(?:{_CUE})\b", re.IGNORECASE
)
# Someone else's belief ("experts believe", "few economists think"); the author's own
# ("I think", "we believe") stays a claim.
_BELIEF_CUE = re.compile(
    rf"(?<!\bI\s)(?<!\bwe\s){AFTER_A_DETERMINER}"
    r"\b(?:believe|believes|believed|think|thinks|thought|fear|fears|feared|"
    rf"anticipate|anticipates|forecast|forecasts|hear|heard|reckon|reckons|"
    # "which many analysts are assuming", "most people assume" (not "assuming the talks go
    # well, …", a condition, nor "let's assume", "Assume the worst", "my forecast assumes")
    r"(?<=\w\s)(?<!\blet['\u2019]s\s)(?<!\byou\s)assume|(?<=\bare\s)assuming|(?<=\bis\s)assuming)"
    rf"\b{NOT_A_REPORT}",
    re.IGNORECASE,
)
_TRAILING_ATTRIBUTION = re.compile(
    rf",[\"\u201d\u2019']?\s*(?:[\w'\u2019.-]+\s+){{0,5}}(?:{_CUE})\b[^,]*$", re.IGNORECASE
)
# The author's own doubt ("I don't think", "we do not expect") is their claim, negated.
_OWN_DOUBT = re.compile(
    r"\b(?:I|we)\s+(?:do\s+not|don['\u2019]t|never)\s+(?:think|believe|expect)\b", re.IGNORECASE
)
# "I also think", "we still believe", "I continue to believe": the author's own belief,
# with a word between.
_OWN_BELIEF = re.compile(
    r"\b(?:I|we)\s+(?:(?:\w+ly|also|still|really|do|too|now|further|continue\s+to)\s+)+"
    r"(?:think|believe|expect|reckon|fear|anticipate|forecast|predict)\b",
    re.IGNORECASE,
)
# "it's not unreasonable to think that …", "it's safe to assume": the author's stance.
_OWN_STANCE = re.compile(
    r"\b(?:(?:un)?reasonable|fair|safe|tempting|natural|logical)\s+to\s+(?:think|believe|assume)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r";|\bbut\b", re.IGNORECASE)
_PAST_PERSPECTIVE = re.compile(
    r"\b(?:was|were|had|wasn't|weren't)\s+(?:\w+ly\s+|not\s+|been\s+)*$", re.IGNORECASE
)
# "would have won", "could have been": a past participle after "have" (not "may have the same").
_COUNTERFACTUAL = re.compile(
    r"\s+(?:have|['\u2019]ve)\s+(?:\w+ly\s+)?(?:\w+ed|\w+en|been|gone|done|had|made|won|lost|got|"
    r"seen|known|said|come|become|begun|run|put|set|let|led|left|kept|held|brought|bought|"
    r"thought|fought|caught|taught|meant|spent|sent|built|felt|heard|paid|sold|told|stood)\b",
    re.IGNORECASE,
)
_NORMATIVE = re.compile(r"\s+be\s+\w+(?:ed|en|ing)\b", re.IGNORECASE)
# A wh-word before the modal in its clause. "Those who win will claim a mandate": "who"
# after "those", "anyone", "people" and the like opens a relative clause, not a question.
_EMBEDDED_QUESTION = re.compile(
    r"\b(?:what|whether|how|when|where|why|whoever|whatever|(?<!,\s)"
    + "".join(
        rf"(?<!\b{word}\s)"
        for word in ("those", "anyone", "anybody", "someone", "somebody", "everyone", "people")
    )
    + r"(?:who|whom|which))\b"
    r"[^,;:]*$"
    # "we don't know if …", "I wonder if …": "if" for "whether"
    r"|\b(?:know|knows|sure|unsure|certain|clear|unclear|wonder|wondering|ask|asks|asked|see|"
    r"tell|doubt|decide|decides)\s+if\b[^,;:]*$",
    re.IGNORECASE,
)
# "How Cheap Power Will Reshape Industry": a title-case headline's claim, not a question.
_HEADLINE_HOW = re.compile(r"^\s*(?:How|Why)\s+(?:(?-i:[A-Z])\S*\s+){1,5}$")
# The modal is inside the if-clause itself ("if you will excuse me", "if the deadline is
# going to be met, …"): the condition, not the forecast ("if …, then it will" is not this).
_IF_CLAUSE = re.compile(
    r"\bif\b(?!\s+(?:anything|so|not|ever|only|nothing)\b)(?![^,;]*\bthen\b)[^,;:]*$",
    re.IGNORECASE,
)
_PAST_TIME = re.compile(
    r"\b(?:yesterday|last\s+(?:year|month|week|night|quarter|spring|summer|autumn|fall|winter)"
    r"|\w+\s+(?:years|months|weeks|days)\s+ago)\b",
    re.IGNORECASE,
)
_FUTURE_TIME = re.compile(
    r"\b(?:next|coming|upcoming|soon|eventually|tomorrow|before|within|until|"
    r"in\s+(?:the\s+)?(?:\w+\s+)?future|"
    r"by\s+the\s+end|this\s+(?:year|month|week|quarter|decade|century|spring|summer|autumn|"
    r"fall|winter))\b",
    re.IGNORECASE,
)


def not_a_claim_because(sentence: str, reading: Reading, future: bool) -> str | None:
    """Why ``reading`` does not make ``sentence`` a claim, or None when it does."""
    before, after = sentence[: reading.start], sentence[reading.end :]
    clause = _CLAUSE_BREAK.split(before)[-1]
    # "With surveys suggesting …, we expect …": the author's own expectation verb governs
    # the forecast; a report or belief before it belongs to another clause.
    heard = "" if _own_belief(clause, reading) else clause
    trailing = _TRAILING_ATTRIBUTION.search(after)
    if trailing and (
        _NOBODY_SPEAKS.search(trailing.group(0)) or _OWN_TRAILING.match(trailing.group(0))
    ):
        trailing = None
    if _reported_in(heard) or trailing:
        return "reported speech"
    own = _OWN_STANCE.sub(" ", _OWN_BELIEF.sub(" ", _OWN_DOUBT.sub(" ", heard)))
    if _BELIEF_CUE.search(own) or _their_expectation(heard, reading):
        return "someone else's belief"
    if _FORECASTERS_PUT.search(heard):
        return "someone else's belief"
    if (
        reading.kind != MODAL
        and _THEIR_BELIEF_AFTER.match(after)
        and re.search(r"[^\W\d_]", clause)
        and not _OWN_ADVERB.search(clause)
    ):
        return "someone else's belief"
    if reading.phrase in _BELIEF_ROWS and _WH_BEFORE_OWN.search(before):
        return "embedded question"
    if (
        reading.phrase == "I predict"
        and not _PRONOUN_FIRST.match(reading.matched_text)
        and not _OWN_ADVERB.search(clause)
    ):
        return "a prediction verb with no one predicting ('predicting elections is hard')"
    own_plan = _AUTHOR_PLAN.search(before[-20:] + reading.matched_text) or (
        _AUTHOR_PLAN.match(before) if _ELIDED_SUBJECT.search(before) else None
    )
    # "I'll explore each continent, before diving into scenarios that could come to be": a
    # hedge further on in a sentence that sets out the author's plan belongs to the plan.
    if _PLAN_BEFORE.search(re.split(r"[:;]", before)[-1]):
        return "the author's plan for the article"
    # "I will discuss" is a plan, "I will weigh under 205 pounds" a forecast; "this author
    # will …" is how a writer speaks of their own writing.
    if (
        own_plan
        and reading.kind == MODAL
        and (_ABOUT_THE_ARTICLE.match(after) or own_plan.group(0).lower().startswith("this"))
    ):
        return "the author's plan for the article"
    if _SCHEDULED.search(reading.matched_text) and _CALENDAR_DATE.search(after):
        return "a scheduled event, not a forecast"
    if _inside_quotation(sentence, reading):
        return "quoted words, not the author's"
    if _HAVE_BEFORE.search(before):
        return "counterfactual past"
    if (
        reading.phrase in _ADJECTIVES
        and _ATTRIBUTIVE.search(before)
        and not _TO_OR_THAT.match(after)
    ):
        return "an adjective on a noun ('any likely mistakes'), not a forecast"
    if reading.phrase in {"likely", "unlikely"} and _NOUN_DESCRIBED.search(before):
        return "describes a noun ('various factors likely to shape'), not a forecast"
    if _PAST_PERSPECTIVE.search(before):
        return "past expectation"
    conditional_hedge = reading.kind != MODAL and (
        _CONDITIONAL_MOOD.search(reading.matched_text) or _WOULD_BEFORE.search(before)
    )
    if conditional_hedge and _IF_BEFORE.search(before):
        return "the consequence of a condition"
    # A hedge word after a condition that opens the sentence is its consequence, and one
    # inside that condition describes it; modals are read by _modal_reason.
    if reading.kind != MODAL and _OPENING_CONDITION.match(before):
        return "the consequence of a condition"
    if reading.kind != MODAL and _INSIDE_OPENING_CONDITION.match(before):
        return "inside the condition, not the forecast"
    if reading.kind != MODAL and _TO_KNOW.match(after):
        return "how hard it is to know, not a forecast"
    if reading.kind == MODAL:
        return _modal_reason(before, after, reading)
    future = future or _raises_to_the_future(reading, after)
    if _PAST_THAT_CLAUSE.match(after) and not future:
        return "a hedge on what already happened ('probable that this occurred')"
    if not future and (reading.needs_future_signal or _PAST_TIME.search(sentence)):
        return "describes the present or the past"
    if not future and _PRONOUN_BEFORE.search(before) and _PRESENT_VERB_AFTER.match(after):
        if _HEDGE_ADVERB.match(reading.matched_text):
            return "describes the present ('I probably disappoint'), not what will happen"
    if (
        not future
        and _PRESENT_COPULA.search(before)
        and _HEDGE_ADVERB.match(reading.matched_text)
        and not _TO_OR_THAT.match(after)
    ):
        return "describes the present ('is likely less than'), not what will happen"
    return None


_PAST_THAT_CLAUSE = re.compile(
    r"\s+that\s+[^,;]{0,40}?\b(?:was|were|had|did|occurred|happened|began|\w+ed)\b",
    re.IGNORECASE,
)
# "certain to win", "sure to fall": the subject is raised to an infinitive that lies
# ahead, which is a future signal of its own ("possible to buy" is an ability, so not).
_RAISING = frozenset({"certain", "certain to", "sure", "bound", "likely", "unlikely"})
_INFINITIVE = re.compile(r"\s+to\s+\w+", re.IGNORECASE)
# "The rate is likely less than 1%", "polls are certainly evidence": a hedge on the present.
_HEDGE_ADVERB = re.compile(r"(?:\w+\s+)?(?:\w+ly|perhaps|maybe)$", re.IGNORECASE)
# "I probably disappoint", "it likely means": a subject pronoun, the hedge, then a verb in the
# present tense (not an auxiliary or "to", which may look ahead).
_PRONOUN_BEFORE = re.compile(r"\b(?:I|we|you|they|he|she|it)\s+$", re.IGNORECASE)
_PRESENT_VERB_AFTER = re.compile(
    r"\s+(?!(?:be|have|has|had|will|won['\u2019]t|would|shall|should|could|can|may|might|must|"
    r"never|not|to|going|get|gets|need|needs|want|wants)\b)[a-z]+\b"
)
_PRESENT_COPULA = re.compile(r"\b(?:is|are|am)\s+$|['\u2019](?:s|re)\s+$", re.IGNORECASE)


def _raises_to_the_future(reading: Reading, after: str) -> bool:
    word = reading.matched_text.lower().strip()
    if word.endswith(" to"):
        return word in _RAISING
    return word in _RAISING and bool(_INFINITIVE.match(after))


def _reported_in(clause: str) -> bool:
    """A report word with someone saying it: "the minister said", not "Saying all this, …",
    nor "That said, …", nor the author's own ("we are forecasting that …"), nor evidence
    the author reads ("inflation trends suggest", "the signs point to")."""
    clause = _DISCOURSE_SAID.sub(" ", clause)
    cue = _REPORT_CUE.search(clause)
    if cue is None:
        return False
    if _OWN_ADVERB.search(clause[: cue.start()]) or _NOBODY.search(clause[: cue.start()]):
        return False
    if _OWN_SOURCE.search(clause[: cue.start()]):
        return False  # "My intuition says …", "our model predicts …": the author's own
    if _OWN_PERFECT.search(clause[: cue.start()]):
        return False  # "I have been arguing that …": the author, reporting themself
    if _EVIDENCE.search(clause[: cue.start()]) and _INFERENCE.match(cue.group(0)):
        return False
    if _THIS_SUGGESTS.search(clause[: cue.start()]) and _INFERENCE.match(cue.group(0)):
        return False  # "That suggests that …": the author's inference
    if _OWN_READING_OF.search(clause[: cue.start()]) and _INFERENCE.match(cue.group(0)):
        return False  # "I think the polls suggest that …": the author's reading of them
    if cue.group(0).lower().startswith("according"):
        return not re.match(r"\s+to\s+(?:my|our)\b", clause[cue.start() + 9 :], re.IGNORECASE)
    return bool(re.search(r"[^\W\d_]", clause[: cue.start()]))


# "My intuition says", "our game-by-game model predicts": the author's own source speaking.
_OWN_SOURCE = re.compile(r"\b(?:my|our)\s+(?:[\w'\u2019-]+\s+){0,3}$", re.IGNORECASE)
# "…, but our predictions say so", "…, and my gut says yes": the author's own, trailing.
_OWN_TRAILING = re.compile(r"^,\W*(?:(?:and|but|so)\s+)?(?:my|our|I|we)\b", re.IGNORECASE)
# "which no one can predict", "…, and nobody could have foreseen it": a report of nobody.
_NOBODY_SPEAKS = re.compile(r"\b(?:no\s+one|no-one|nobody|none\s+of\s+us)\b", re.IGNORECASE)
_NOBODY = re.compile(
    _NOBODY_SPEAKS.pattern + r"\s+(?:(?:can|could|will|would|ever|really|truly|quite|yet|has|"
    r"have|had|can['\u2019]t|cannot)\s+){0,3}$",
    re.IGNORECASE,
)
# "That said, …", "Having said that, …", "Needless to say, …": the author moving on; "At
# that time, say 2024, …", "a cut of, say, half a point": "say" giving an example.
_DISCOURSE_SAID = re.compile(
    r"\b(?:that\s+(?:being\s+)?said|having\s+said\s+(?:that|this|all\s+this)|"
    r"(?:needless|suffice\s+it)\s+to\s+say)\b|"
    r"(?:,|\bof)\s*say\b(?=\s*,?\s*(?:\d|\$|£|€|a\b|an\b|the\b|about\b|around\b|roughly\b|"
    r"half\b|one\b|two\b|three\b|ten\b))",
    re.IGNORECASE,
)
# "But I have been arguing", "we've long said", "I had predicted": the author's own report of
# what they argue, in a perfect tense.
_OWN_PERFECT = re.compile(
    r"\b(?:I|we)\s*(?:have|had|['\u2019]ve|['\u2019]d)\s+(?:\w+ly\s+|long\s+|always\s+)?"
    r"(?:been\s+)?$",
    re.IGNORECASE,
)
# "That suggests …", "…, which implies …", "This points to …": the author's own inference
# from what they have just set out.
_THIS_SUGGESTS = re.compile(
    r"(?:^|[,;(]|\b(?:and|but|so|all))\s*(?:this|that|which|it|these|those)\s+"
    r"(?:(?:also|only|clearly|strongly|further)\s+)?$",
    re.IGNORECASE,
)
# Evidence is read by the author, it says nothing itself: "inflation trends suggest that …".
_EVIDENCE = re.compile(
    r"\b(?:trends?|signs?|evidence|history|indicators?|figures|numbers|patterns?|facts)"
    r"(?:\s+(?:at\s+hand|so\s+far))?\s+$",
    re.IGNORECASE,
)
# "I think the polls", "we believe that the data": the author's belief about what follows.
_OWN_READING_OF = re.compile(
    r"\b(?:I|we)\s+(?:\w+\s+)?(?:think|believe|reckon|suspect)\s+(?:that\s+)?"
    r"(?:[\w'\u2019-]+\s+){1,4}$",
    re.IGNORECASE,
)
_INFERENCE = re.compile(r"suggest|indicat|point|impl", re.IGNORECASE)
# "Fed officials likely expect to …": a hedge on someone else's belief, whose forecast it is.
_THEIR_BELIEF_AFTER = re.compile(
    r"\s+(?:expect|believe|think|hope|want|intend|plan|fear)s?\b", re.IGNORECASE
)


# "I'd expect", "would likely": a hedge in the conditional mood.
_CONDITIONAL_MOOD = re.compile(r"['\u2019]d\b|\bwould\b", re.IGNORECASE)
# "we would likely see", "it'd probably mean": the hedge qualifies a conditional "would".
_WOULD_BEFORE = re.compile(r"(?:\bwould|['\u2019]d)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
# "If the talks collapse, it's a coin toss …", "However, if turnout is low, then the
# incumbent will hold on": a sentence that opens on a condition states its consequence
# ("If anything, …" and "if only …" are not conditions, nor the asides "if you ask me",
# "if I had to guess" and "if history is any guide", which the author's own call follows).
# "Unless …" and "even if …" are left out: "Unless something unexpected happens, the odds
# are basically zero" asserts what holds in every case the author expects.
_OPENING = r"^\W*(?:(?:and|but|so|however|still|yet|now)\s*,?\s*)?"
_NOT_A_CONDITION = (
    r"(?!\s+(?:anything|so|not|ever|only|nothing)\b)"
    r"(?!\s+(?:you\s+ask\s+me|I\s+(?:had|have)\s+to\s+(?:guess|bet|say|pick|predict)|"
    r"I['\u2019]m\s+honest|I\s+am\s+honest|I\s+may|you\s+like|"
    r"(?:history|the\s+past)\s+is\s+any\s+guide)\b)"
)
_OPENS_ON_CONDITION = (
    _OPENING + r"(?:if|as\s+long\s+as|so\s+long\s+as|provided(?:\s+that)?)\b" + _NOT_A_CONDITION
)
_OPENING_CONDITION = re.compile(
    _OPENS_ON_CONDITION + r"(?![^,;]*\b(?:has|have)\b)[^,;]*(?:[,;]|\bthen\b)", re.IGNORECASE
)
# "If Chelsea were the odds-on favourites, …", "Unless the talks are likely to fail, …": a
# hedge inside the condition that opens the sentence describes the condition.
_INSIDE_OPENING_CONDITION = re.compile(
    _OPENING
    + r"(?:if|unless|as\s+long\s+as|so\s+long\s+as|provided(?:\s+that)?)\b"
    + _NOT_A_CONDITION
    + r"[^,;]*$",
    re.IGNORECASE,
)
# "virtually impossible to know how much …", "hard to predict": about knowing, not the event.
_TO_KNOW = re.compile(
    r"\s+to\s+(?:know|tell|say|predict|forecast|guess|judge|gauge|foresee|work\s+out)\b",
    re.IGNORECASE,
)
# "would have possibly meant": a hedge inside a counterfactual.
_HAVE_BEFORE = re.compile(r"\b(?:would|could|might|should)\s+have\s+$", re.IGNORECASE)
_ATTRIBUTIVE = re.compile(
    r"\b(?:any|the|its|their|his|her|our|a|an)\s+(?:most\s+)?$", re.IGNORECASE
)
_ADJECTIVES = frozenset({"likely", "unlikely", "possible", "probable", "inevitable"})
# "various factors likely to shape …", "the countries likely to oppose it": "likely to" right
# after a plural noun with a determiner or quantifier picks out things, it forecasts nothing.
_NOUN_DESCRIBED = re.compile(
    r"\b(?i:various|several|many|some|few|other|those|these|the|any|all|most)\s+"
    r"(?:[a-z-]+\s+){0,2}"
    r"(?!(?:is|was|has|does|as|us|this|its|seems|looks|appears|remains|becomes|stays)\s)"
    r"[a-z-]+s\s+$",
)
# "experts increased the likelihood … to 60%", "markets price in two cuts", "forecasters put
# the odds at …": forecasters as the subject, giving their numbers.
_FORECASTERS_PUT = re.compile(
    r"\b(?:experts?|analysts?|forecasters?|economists?|scientists?|researchers?|officials?|"
    r"pollsters?|bookmakers?|bookies|markets?|traders?|investors?|meteorologists?|modellers?|"
    r"modelers?)\s+(?:(?:have|has|had|now|also|still)\s+)?(?:increased|raised|lowered|cut|put|puts|see|sees|saw|give|gives|"
    r"gave|assign|assigns|assigned|price|prices|priced|place|places|placed|set|sets|"
    r"estimate|estimated|rate|rated)\b",
    re.IGNORECASE,
)
_TO_OR_THAT = re.compile(r"\s+(?:to|that|than|,)\b|\s*[,.;:]", re.IGNORECASE)


def _inside_quotation(sentence: str, reading: Reading) -> bool:
    """True when the hedge sits inside a quotation that is only part of the sentence."""
    for match in re.finditer(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"", sentence):
        inside = match.start() < reading.start and reading.end <= match.end()
        if inside and len(match.group(0)) < len(sentence.strip()) - 2:
            return True
    return False


def _own_belief(clause: str, reading: Reading) -> bool:
    """ "we expect", "I would not expect", "I further predict": the author's own expectation
    or prediction verb, with "I" or "we" right before it or in it."""
    if reading.phrase not in _BELIEF_ROWS:
        return False
    return bool(_PRONOUN_FIRST.match(reading.matched_text) or _OWN_ADVERB.search(clause))


def _their_expectation(clause: str, reading: Reading) -> bool:
    """ "Analysts expect …", "pollsters predict …": the expectation or prediction verb with
    a subject that is not the author."""
    if not _BELIEF_VERB.search(reading.matched_text) or reading.phrase not in _BELIEF_ROWS:
        return False
    if _PRONOUN_FIRST.match(reading.matched_text):  # "I expect", "we predict", "I'd expect"
        return False
    if _NOBODY.search(clause):  # "nobody can predict …" holds no one's forecast
        return False
    return bool(re.search(r"[^\W\d_]", clause)) and not _OWN_ADVERB.search(clause)


_BELIEF_ROWS = frozenset({"expect", "I predict", THINK})
# "what we can expect this week", "how I expect it to go": the author's expectation asked about.
_WH_BEFORE_OWN = re.compile(
    r"\b(?:what|how|whether|which|when)\s+(?:I|we)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)
_BELIEF_VERB = re.compile(r"(?:expect|predict)\w*$", re.IGNORECASE)
_PRONOUN_FIRST = re.compile(r"\s*(?:I|we)\b", re.IGNORECASE)
# "I fully expect", "we now expect", "I further predict", "this author is predicting": the
# author, with an auxiliary or an adverb between.
_OWN_ADVERB = re.compile(
    r"(?:(?P<pronoun>\b(?:I|we)\s+)|^\s*(?:this|the\s+present)\s+(?:author|writer)\s+)"
    r"(?P<rest>(?:(?:am|is|are|['\u2019]m|['\u2019]re)\s+)?"
    # "I would not expect", "we wouldn't expect", "I do not predict"
    # "we can expect", "I could see", "we will predict"
    r"(?:(?:would|do|does|can|could|will|may|might|must)(?:\s+not|n['\u2019]t)?\s+|"
    r"(?:don|doesn|can|won)['\u2019]t\s+)?"
    r"(?:(?:\w+ly|also|still|really|do|too|now|further)\s+)?)$",
    re.IGNORECASE,
)


# "I'll", "I will", "I'm going to", "I'm not going to", "this author will": what the author
# will do in the article, when the verb is about the article (``_ABOUT_THE_ARTICLE``).
_AUTHOR_PLAN = re.compile(
    r"\b(?:I\s*(?:['\u2019]ll|will|['\u2019]m|am)|we\s*(?:['\u2019]ll|will|['\u2019]re|are)|"
    r"this\s+(?:author|writer)\s+will)\b",
    re.IGNORECASE,
)
# What the author does in the article: "I will discuss", "I'll also look at", "I'm going to
# try to name them", "I will begin by describing". Another verb ("I will weigh under 205
# pounds by December") is the author forecasting their own doings.
_ABOUT_THE_ARTICLE = re.compile(
    r"\s+(?:(?:not|also|then|now|first|briefly|just|quickly|again|later|try\s+to|attempt\s+to|"
    r"be)\s+)*"
    r"(?:discuss|explain|look|argue|show|cover|outline|examine|write|describe|consider|focus|"
    r"address|list|name|go\s+through(?!\s+(?:a|an|another)\b)|walk\s+(?:you\s+)?through|talk|review|share|offer|provide|add|"
    r"set\s+out|lay\s+out|spell\s+out|tell\s+you|touch\s+on|highlight|break\s+down|answer|"
    r"analy[sz]e|update|revisit|compare|present|explore|repeat|mention|detail|assess|"
    r"summari[sz]e|conclude|post|publish|return\s+to\s+(?:this|that|it|these|those)|"
    r"leave\s+(?:it|you|that|this)|get\s+(?:to|into|back)|come\s+(?:back|to)|"
    r"make\s+(?:the|a|my)\s+case|jump\s+(?:right\s+)?in|dive\s+in|engage\s+in|"
    r"keep\s+(?:\w+\s+){0,2}eyes?\s+on|"
    r"(?:begin|start|end|finish|close)\s+(?:by|with)|"
    r"(?:looking|focusing|writing|discussing|covering|examining|explaining|talking|describing|"
    r"reviewing|updating|arguing))\b",
    re.IGNORECASE,
)
_PLAN_BEFORE = re.compile(
    _AUTHOR_PLAN.pattern + r"(?:\s+going\s+to)?" + _ABOUT_THE_ARTICLE.pattern, re.IGNORECASE
)
# "I'm not going to argue …, but will show …": the same subject, left out after but/and.
_ELIDED_SUBJECT = re.compile(r"(?:,\s*|\s)(?:but|and)\s+$", re.IGNORECASE)
# "the summit the White House is set to host April 22": a date on the calendar.
_SCHEDULED = re.compile(r"^(?:set|scheduled|due)\s+(?:to|for)$", re.IGNORECASE)
_CALENDAR_DATE = re.compile(
    r"^[^,;.]{0,30}?\b(?:on\s+)?(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b",
    re.IGNORECASE,
)


def _reported_by(sentence: str, reading: Reading) -> tuple[str, str]:
    """Who is reported and the words that say so ("the minister", "the minister predicts")."""
    before, after = sentence[: reading.start], sentence[reading.end :]
    clause = _CLAUSE_BREAK.split(before)[-1]
    if _their_expectation(clause, reading):
        speaker = " ".join(clause.split()[-4:])
        return speaker, f"{speaker} {reading.matched_text}"
    cue = _REPORT_CUE.search(clause) or _BELIEF_CUE.search(clause)
    if cue:
        words = re.findall(r"[\w'\u2019.-]+", clause[: cue.start()])[-4:]
        speaker = " ".join(words)
        return speaker, " ".join([*words, cue.group(0)])
    trailing = _TRAILING_ATTRIBUTION.search(after)
    if trailing:
        text = trailing.group(0).strip(" ,.")
        return re.sub(rf"\s*\b(?:{_CUE})\b.*$", "", text, flags=re.IGNORECASE), text
    return "", ""


_CONCESSION = re.compile(r"\bbut\b|^\s+be\s+(?:argued|said)\b", re.IGNORECASE)
# "It will be interesting to see whether …", "we will find out who …", "time will tell
# whether …", "the first games will show who …": waiting for the answer, not giving one.
_WAIT_AND_SEE = re.compile(
    r"\s+(?:be\s+(?:\w+\s+)?(?:interesting|fascinating|intriguing|instructive|curious|telling)\s+"
    r"to\s+(?:see|watch)|see|find\s+out|know|learn|(?:tell|show|reveal)(?:\s+us)?)\s+"
    r"(?:what|whether|if|how|who|which|when)\b",
    re.IGNORECASE,
)
# "the impact AI will have upon jobs", "the role it will have.": "have" with no object is
# a relative clause describing a noun, not a forecast.
_HAVE_NO_OBJECT = re.compile(
    r"\s+have\s*(?:[.,;:!?)]|$|(?:on|upon|in|for|over|is|was|are)\b)", re.IGNORECASE
)
# A hypothetical "if" clause; "if the war has taught us anything," is rhetoric, not a condition.
# "Without a deal, prices could …", "absent a deal, …" and "as long as demand holds, …"
# state a condition too.
_IF_BEFORE = re.compile(
    r"\b(?:if|unless|without|absent|as\s+long\s+as|so\s+long\s+as|provided\s+that)\b"
    r"(?![^,;]*\b(?:has|have)\b)[^,;]*(?:,|\bthen\b)",
    re.IGNORECASE,
)
# "The plant could reopen next year if a buyer is found": the condition after the modal, in
# the same clause (not "…, especially if", nor "wonder if", which asks).
_IF_AFTER = re.compile(
    r"[^,;:.\u2014]*?(?<!\bwonder\s)(?<!\bknow\s)(?<!\bsee\s)(?<!\bask\s)\b(?:if|provided)\b"
    r"(?!\s+(?:anything|so|not|ever|only|nothing)\b)",
    re.IGNORECASE,
)
# "I'm going to the match", "we're going to a wedding": a place after "going to", no verb.
_SOMEWHERE = re.compile(
    r"\s+(?:the|a|an|my|our|your|his|her|their|this|that|these|those)\b", re.IGNORECASE
)
# "will now have arrived", "will already have heard": a guess about what is so by now.
_PRESENT_GUESS = re.compile(
    r"\s+(?:(?:now|already|by\s+now)\s+have|have\s+(?:now|already))\s+\w+", re.IGNORECASE
)
# "anyone could work it out", "drivers could still buy": an ability, not a forecast.
_ABILITY = re.compile(
    r"\b(?:(?:anyone|anybody)\b[^,;.]{0,60}|(?:you|one)\s+(?:\w+\s+){0,3})$", re.IGNORECASE
)
# "Some may see …", "many might argue": what others think, not what will happen.
_OTHERS_VIEW = (
    re.compile(r"\b(?:some|many|others|few|critics|people)\s+(?:\w+\s+)?$", re.IGNORECASE),
    re.compile(
        r"\s+(?:well\s+)?(?:see|argue|say|think|feel|view|wonder|believe|disagree|object|"
        r"regard|consider)\b",
        re.IGNORECASE,
    ),
)
# "you'll understand", "you will agree": the author addressing the reader. So is the reader
# reading, searching and making up their mind ("you will read about La Nina", "you'll
# stumble across", "you will get bored", "you will have no idea", "you'll have to take my
# word for it"); "you will pay more for petrol" is a forecast about the reader and stays one.
_TO_THE_READER = (
    re.compile(r"\byou\s*$", re.IGNORECASE),
    re.compile(
        r"\s*(?:(?:later|then|soon|eventually|also|still|probably|just|quickly|no\s+doubt)\s+)?"
        r"(?:understand|agree|recall|remember|forgive|notice|appreciate|recognise|recognize|"
        r"read|re-?read|stumble|come\s+across|run\s+across|get\s+bored|grow\s+(?:bored|tired)|"
        r"tire\s+of|lose\s+interest|believe|have\s+no\s+idea|"
        r"have\s+to\s+take\s+(?:my|our|his|her|their)\s+word)\b",
        re.IGNORECASE,
    ),
)
# "This should come as no surprise": an idiom about the present.
_NO_SURPRISE = re.compile(r"\s+come\s+as\s+(?:no|little|a|any)\b", re.IGNORECASE)


def _modal_reason(before: str, after: str, reading: Reading) -> str | None:
    if reading.phrase != "will" and _COUNTERFACTUAL.match(after):
        return "counterfactual past"
    if reading.phrase == "would":
        return "a conditional 'would': what happens if, not what will"
    if reading.phrase == "will" and _WAIT_AND_SEE.match(after):
        return "wait and see, not a forecast"
    if reading.phrase == "will" and _HAVE_NO_OBJECT.match(after):
        return "a clause describing a noun ('the impact it will have'), not a forecast"
    if _TO_THE_READER[0].search(before) and _TO_THE_READER[1].match(after):
        return _TO_READER
    if _OTHERS_VIEW[0].search(before) and _OTHERS_VIEW[1].match(after):
        return "what some think, not what will happen"
    if reading.phrase == "should" and _NO_SURPRISE.match(after):
        return "an idiom about the present ('should come as no surprise')"
    if reading.phrase in {"might", "may", "could"} and _CONCESSION.search(after):
        return "a concession, set aside by what follows"
    if reading.phrase in {"might", "may", "could", "would"} and (
        _IF_BEFORE.search(before) or _IF_AFTER.match(after)
    ):
        return "the consequence of a condition"
    # "If Trump wins, he will …", "If turnout is low then the incumbent will hold on": a
    # plain future after a condition that opens the sentence is what follows from the
    # condition, not what the author says will happen (the labelling guide's "if A, B").
    if reading.phrase in {"will", "is going to"} and _OPENING_CONDITION.match(before):
        return "the consequence of a condition"
    if reading.phrase == "is going to" and _SOMEWHERE.match(after):
        return "going somewhere ('going to the match'), not the future"
    if reading.phrase == "will" and _PRESENT_GUESS.match(after):
        return "a guess about the present ('will now have arrived')"
    if reading.phrase == "could" and (_ABILITY.search(before) or re.match(r"\s+still\b", after)):
        return _ABILITY_REASON
    previous = before.split()[-1].lower() if before.split() else ""
    if reading.phrase == "should" and (_NORMATIVE.match(after) or previous in {"we", "you", "i"}):
        return _ADVICE
    if _EMBEDDED_QUESTION.search(before) and not _HEADLINE_HOW.match(before):
        return "embedded question"
    if reading.phrase in _IN_AN_IF_CLAUSE and _IF_CLAUSE.search(before):
        return "if-clause"
    return None


# "if the race is close and could go either way, …": a modal inside the condition.
_IN_AN_IF_CLAUSE = frozenset({"will", "would", "is going to", "could", "might", "may"})
_ADVICE = "advice, not prediction"
_ABILITY_REASON = "an ability, not a forecast"
_TO_READER = "the author addressing the reader"
_NOT_AHEAD = frozenset({_ADVICE, _ABILITY_REASON, _TO_READER})


def _has_future_signal(sentence: str, readings: list[Reading]) -> bool:
    """A future time word, or a modal that looks ahead: not one giving advice ("shouldn't
    be annoyed"), an ability ("could work this out") or an aside to the reader."""
    if _FUTURE_TIME.search(sentence):
        return True
    return any(
        r.kind == MODAL and not_a_claim_because(sentence, r, True) not in _NOT_AHEAD
        for r in readings
    )


@dataclass(frozen=True)
class Direction:
    """Which way a claim leans: the outcome the author asserts and the words' number for it."""

    direction: str
    probability: float
    interval: tuple[float, float]
    outcome: str


def on_question(stated: float, *, agrees: bool) -> float:
    """P(yes) on a question that asks the author's side (``agrees``) or the opposite one."""
    return stated if agrees else round(1 - stated, 6)


# A "not"/"never" on the event itself: "unlikely to not raise", "likely to never recover".
_EVENT_NEGATION = re.compile(
    r"\s+(?:to\s+)?(?:be\s+)?(?:\w+ly\s+)?(?:not|never)\b\s*", re.IGNORECASE
)
_ENDS_NEGATED = re.compile(r"(?:\bnot|\bnever|n['\u2019]t)$", re.IGNORECASE)
_CLAUSE_START = re.compile(r".*(?:[,;:\u2014(]|\bbut\b|\band\b|\bthat\b)\s*", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:.!?\u2014)]|\s(?:but|because|while|although|unless)\s")
_SUBJECT_TAIL = re.compile(
    r"(?:\s+(?:is|are|am|was|were|be|will|would|wo|shall|could|might|may|should|has|have|had|"
    r"'s|'re|seems?|looks?|appears?|it|that))+\s*$",
    re.IGNORECASE,
)
# A short aside between commas ("Beijing, meanwhile, won't") is not a clause break.
_ASIDE = re.compile(r",\s*(?:[\w'\u2019-]+\s+){0,2}[\w'\u2019-]+\s*,")
_DETERMINERS = frozenset("The A An This That These Those Its Their Our His Her".split())


def claim_direction(sentence: str, reading: Reading) -> Direction:
    """Whether ``sentence`` asserts its event or the negation, and the number for that side.

    A negated hedge moves its "not" into the outcome, so the number is the
    hedge's own ("won't pass" is 90% that it will not pass); the other
    negations (see the module docstring) only change the direction.
    """
    before, after = sentence[: reading.start], sentence[reading.end :]
    moved = reading.negated or bool(_ENDS_NEGATED.search(reading.matched_text.strip()))
    probability, (low, high) = reading.point, reading.interval
    if moved:
        probability, low, high = round(1 - probability, 6), round(1 - high, 6), round(1 - low, 6)
    if reading.phrase in _BELIEF_ROWS:
        # "I expect rates won't fall", "I don't think the Fed will cut": the outcome is the
        # clause the belief verb governs, negated by its own "not" and by the verb's
        complement = _COMPLEMENT.match(after)
        event_negated = False
        if complement is not None:
            event_negated = any(complement.group(g) for g in ("not", "not2", "wont"))
        negated = moved != event_negated
        return Direction(
            direction=NEGATES if negated != reading.negative_event else AFFIRMS,
            probability=probability,
            interval=(low, high),
            outcome=_governed_outcome(complement, after, negated=negated),
        )
    event_negated = bool(_EVENT_NEGATION.match(after))
    doubt = bool(_OWN_DOUBT.search(before))
    negations = sum([moved, event_negated, doubt, reading.negative_event])
    return Direction(
        direction=NEGATES if negations % 2 else AFFIRMS,
        probability=probability,
        interval=(low, high),
        outcome=_outcome(before, after, negated=moved or doubt or event_negated),
    )


# The clause a belief verb governs: "(that) the Fed will not cut rates", "the Fed to cut
# rates", "they'll win": its subject, its future marker with any "not", and the rest.
_COMPLEMENT = re.compile(
    r"\s*(?:that\s+)?(?P<subject>[^,;:.!?]*?)\s*"
    r"(?:\b(?:will|shall|is\s+going\s+to|are\s+going\s+to|am\s+going\s+to|to)\b"
    r"(?P<not>\s+(?:not|never)\b)?|['\u2019]ll\b(?P<not2>\s+(?:not|never)\b)?|"
    r"\b(?P<wont>won['\u2019]t)\b)"
    r"(?P<predicate>.*)$",
    re.IGNORECASE,
)


def _governed_outcome(complement: re.Match[str] | None, after: str, *, negated: bool) -> str:
    """ "the Fed will not cut rates in March" from a belief verb's clause; "there will be a
    recession next year" from "I expect a recession next year", which has no verb."""
    if complement is None:
        thing = _CLAUSE_END.split(after, maxsplit=1)[0].strip()
        return " ".join(f"there will {'not ' if negated else ''}be {thing}".split())[:200]
    return _stated_outcome(complement.group("subject"), complement.group("predicate"), negated)


def _outcome(before: str, after: str, *, negated: bool) -> str:
    """ "the Commission will miss its heat-pump target": subject, "will (not)", predicate."""
    clause = _CLAUSE_START.sub("", _ASIDE.sub("", _OWN_DOUBT.sub(" ", before)))
    subject = _SUBJECT_TAIL.sub("", " " + clause)
    predicate = _EVENT_NEGATION.sub(" ", after, count=1) if _EVENT_NEGATION.match(after) else after
    predicate = re.sub(r"^\s*(?:to\s+)?", "", predicate)
    return _stated_outcome(subject, predicate, negated)


def _stated_outcome(subject: str, predicate: str, negated: bool) -> str:
    """ "subject will (not) predicate", the subject's determiner in lower case ("the
    Commission"), the predicate cut at the end of its clause, at most 200 characters."""
    subject = " ".join(subject.split()) or "it"
    first, _, rest = subject.partition(" ")
    if first in _DETERMINERS:
        subject = f"{first.lower()} {rest}".strip()
    predicate = _CLAUSE_END.split(predicate, maxsplit=1)[0].strip()
    verb = "will not" if negated else "will"
    return " ".join(f"{subject} {verb} {predicate}".split())[:200]


_MONTHS_AND_DAYS = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)\b"
)
_PERIODS = re.compile(
    r"\b(?:(?:19|20)\d\d|years?|months?|weeks?|quarter|decades?|century|tomorrow)\b",
    re.IGNORECASE,
)


_DURATION = re.compile(
    r"\b(?:years|months|weeks|days)\b|\b(?:a|an|one)\s+(?:year|month|week|day)\b", re.IGNORECASE
)


def suggest_resolve_by(sentence: str, today: date | None = None) -> date | None:
    """The date a sentence names for its outcome, or None.

    Only explicit date words count (a year, a capitalised month or weekday,
    "next year", "within two years"), so the modal "may" and "a second term"
    are never dates. A named period resolves at its end ("in 2026" is
    2026-12-31, "in March" the 31st); a duration counts from ``today``
    ("within two years"). Dates in the past or after "since" are ignored;
    "before 2050" means the end of 2049.
    """
    today = today or _utc_today()
    base = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime.combine(today, time()),
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    period_end = {**base, "PREFER_DAY_OF_MONTH": "last", "PREFER_MONTH_OF_YEAR": "last"}
    for words, when in search_dates(sentence, languages=["en"], settings=period_end) or []:
        if not (_MONTHS_AND_DAYS.search(words) or _PERIODS.search(words)):
            continue
        counted = _DURATION.search(words) and search_dates(words, languages=["en"], settings=base)
        if counted:
            when = counted[0][1]
        preceding = sentence[: sentence.find(words)].split()[-1:]
        if preceding == ["since"] or when.date() <= today:
            continue
        if preceding == ["before"] and re.fullmatch(r"(?:19|20)\d\d", words.strip()):
            return date(int(words) - 1, 12, 31)
        return when.date()
    return None


def _utc_today() -> date:
    return datetime.now(tz=UTC).date()


class ClaimTextError(ValueError):
    """Article text the claim detector refuses; the message says why."""


# Common English function words; English prose has 40-55% of its words here,
# Spanish, German or French prose usually under 15%.
ENGLISH_FUNCTION_WORDS = frozenset(
    "a about after all also an and any are as at be because been before between both but by "
    "can could did do does during for from had has have he her him his how i if in into is it "
    "its just me more most my no not now of on one only or other our out over she should so "
    "some such than that the their them then there these they this those through to under up "
    "very was we were what when where which while who why will with would you your".split()
)
MIN_ENGLISH_SHARE = 0.25
MIN_WORDS_FOR_LANGUAGE_CHECK = 8
MAX_NON_LATIN_SHARE = 0.2
MAX_CONTROL_SHARE = 0.01


def validate_article_text(text: str | bytes) -> str:
    """Return ``text`` (bytes decoded as UTF-8) or raise :class:`ClaimTextError`.

    Refuses empty text, text over ``MAX_ARTICLE_CHARS`` characters, binary
    data (NUL bytes, undecodable bytes, over 1% control characters) and text
    that does not look English: over 20% of letters outside the Latin script,
    or, from 8 words on, under 25% of words among common English function
    words.
    """
    if isinstance(text, bytes):
        text = _decode(text)
    if not isinstance(text, str):
        raise ClaimTextError(f"expected article text, got {type(text).__name__}")
    if not text.strip():
        raise ClaimTextError("the article text is empty")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ClaimTextError(
            f"the article text is {len(text):,} characters long; the limit is {MAX_ARTICLE_CHARS:,}"
        )
    _reject_binary(text)
    _reject_non_english(text)
    return text


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ClaimTextError("the file is binary data (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ClaimTextError(
            f"the file is not UTF-8 text (undecodable byte at position {error.start})"
        ) from error


def _reject_binary(text: str) -> None:
    if "\x00" in text:
        raise ClaimTextError("the text is binary data (it contains NUL characters)")
    odd = sum(1 for c in text if c == "\ufffd" or _is_control(c))
    if odd / len(text) > MAX_CONTROL_SHARE:
        raise ClaimTextError(
            f"the text looks like binary data: {odd / len(text):.0%} of its characters are "
            "control or replacement characters"
        )


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v"


def _reject_non_english(text: str) -> None:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        raise ClaimTextError("the text contains no words")
    non_latin = sum(1 for c in letters if not _is_latin(c)) / len(letters)
    if non_latin > MAX_NON_LATIN_SHARE:
        raise ClaimTextError(
            f"the text does not look like English: {non_latin:.0%} of its letters are not "
            "in the Latin script"
        )
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        return
    share = sum(word in ENGLISH_FUNCTION_WORDS for word in words) / len(words)
    if share < MIN_ENGLISH_SHARE:
        raise ClaimTextError(
            f"the text does not look like English: only {share:.0%} of its words are common "
            f"English words such as 'the' and 'of' (at least {MIN_ENGLISH_SHARE:.0%} expected)"
        )


def _is_latin(char: str) -> bool:
    return char < "\u0250" or unicodedata.name(char, "").startswith("LATIN")
