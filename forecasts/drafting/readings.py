"""How much a record depends on how words were read: per author, and on the leaderboard.

Here rather than in ``forecasts.standings`` because it re-reads phrases with
the lexicon, and the read side may not import drafting.

For the overall, all-time record only. The inputs are read from the ledger in
two queries (the counted yes/no scores holding a worded forecast, then every
forecast of those pairs), each phrase is read again under every shipped scale
(``lexicon.reread_phrase``), and the maths is ``forecasts.scoring.readings``.

Results are cached (Django's cache; it fails open when Redis is out) under a
key that carries the change stamp (``forecasts.models.changes``), read in
one query: any write to the ledger or its scores moves it, so a stale result
is never read back; it simply expires. The last few hundred authors' records
are also kept in this process under the same keys (``LOCAL_ENTRIES``), in front
of Redis: an author's scorecard and page read one on every request, and a round
trip to Redis cost the scorecard about a tenth of its time (measured in
process). A record is a few dozen numbers, so that memory stays under a
megabyte; the board's readings grow with the number of authors and are kept in
Redis only (the leaderboard page remembers its own, ``pages.fragments``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import cache, lru_cache

from django.core.cache import cache as django_cache
from django.db.models import Exists, OuterRef, Q

from forecasts import scoring
from forecasts.drafting.lexicon import SCALES, load_scales, reread_phrase
from forecasts.models import Forecast, QuestionScore, Scorecard
from forecasts.models.changes import change_stamp
from forecasts.scoring.readings import (
    BrierBounds,
    PhrasePoint,
    ScaleBrier,
    WordedForecast,
    WordedQuestion,
)
from forecasts.standings.counted import claim_times
from forecasts.standings.leaderboard import Standing, board_order

CACHE_SECONDS = 3600
CACHE_VERSION = 1
LOCAL_ENTRIES = 256  # authors' records kept in this process too
# A forecast's number came from words: a phrase, a shipped scale and the point it gave.
WORDED = (
    ~Q(phrase="")
    & Q(scale__in=list(SCALES))
    & Q(scale_point__isnull=False)
    & Q(probability__isnull=False)
)


@dataclass(frozen=True)
class WordsRecord:
    """An author's headline under each shipped scale, and its bounds within the intervals.

    ``n_questions``: scored questions holding a worded forecast (only they can change).
    """

    headline: float
    n_scored: int
    n_questions: int
    scales: tuple[ScaleBrier, ...]
    bounds: BrierBounds

    @property
    def n_worded(self) -> int:
        return self.scales[0].n_worded if self.scales else 0

    @property
    def n_overridden(self) -> int:
        return self.bounds.n_overridden

    @property
    def named_scales(self) -> list[tuple[str, ScaleBrier]]:
        """Each line with its scale's name, for pages."""
        return [(SCALES[line.scale], line) for line in self.scales]


@dataclass(frozen=True)
class RankUnderScale:
    """A ranked author's Brier and rank with every phrase read under ``scale``."""

    scale: str
    scale_name: str
    brier: float
    rank: int
    places: int  # gained (positive) or lost (negative) against the board's rank


def author_words(card: Scorecard | None) -> WordsRecord | None:
    """The author's record under each scale, for their stored overall card (None: nothing scored).

    One query when cached; three when not.
    """
    if card is None or card.tag_id is not None or card.brier is None or not card.n_scored:
        return None
    key = _key(f"author:{card.author_id}:{card.n_scored}:{card.brier!r}")
    return _kept_words(key, card.author_id, card.n_scored, card.brier)


def _words(key: str, author_id: int, n_scored: int, brier: float) -> WordsRecord:
    """The record cached under ``key`` (which names the other arguments and the stamp),
    or worked out and cached."""
    found = django_cache.get(key)
    if isinstance(found, WordsRecord):
        return found
    questions = _worded_questions([author_id]).get(author_id, [])
    record = words_record(questions, headline=brier, n_scored=n_scored)
    django_cache.set(key, record, CACHE_SECONDS)
    return record


# Kept in this process too, the least recently read going first (see the module's docstring).
_kept_words = lru_cache(maxsize=LOCAL_ENTRIES)(_words)


def words_record(
    questions: Sequence[WordedQuestion], *, headline: float, n_scored: int
) -> WordsRecord:
    """The headline under each shipped scale, and its best and worst (no database)."""
    return WordsRecord(
        headline=headline,
        n_scored=n_scored,
        n_questions=len(questions),
        scales=tuple(
            scoring.brier_under_scale(questions, scale, headline=headline, n_scored=n_scored)
            for scale in SCALES
        ),
        bounds=scoring.brier_bounds(questions, headline=headline, n_scored=n_scored),
    )


def board_under_scales(ranked: Sequence[Standing]) -> dict[int, list[RankUnderScale]]:
    """Each ranked author's Brier and rank under each shipped scale, by author id.

    The ranking is the board's (``board_order``), on the scale's Brier. One
    query when cached; three when not.
    """
    cards = [s.card for s in ranked if s.card is not None and s.card.brier is not None]
    if not cards:
        return {}
    lines = sorted((c.author_id, c.brier, c.n_scored) for c in cards)
    digest = hashlib.sha256(repr(lines).encode()).hexdigest()[:16]
    key = _key(f"board:{digest}")
    briers = django_cache.get(key)
    if not isinstance(briers, dict):
        inputs = _worded_questions([c.author_id for c in cards])
        briers = {
            c.author_id: {
                scale: scoring.brier_under_scale(
                    inputs.get(c.author_id, []), scale, headline=c.brier, n_scored=c.n_scored
                ).brier
                for scale in SCALES
            }
            for c in cards
            if c.brier is not None
        }
        django_cache.set(key, briers, CACHE_SECONDS)
    return _ranks(ranked, briers)


def _ranks(
    ranked: Sequence[Standing], briers: dict[int, dict[str, float]]
) -> dict[int, list[RankUnderScale]]:
    standings = {s.author.pk: s for s in ranked if s.author.pk in briers}
    before = {a: _order(s, s.card.brier if s.card else None) for a, s in standings.items()}
    out: dict[int, list[RankUnderScale]] = defaultdict(list)
    for scale, name in SCALES.items():
        after = {a: _order(s, briers[a][scale]) for a, s in standings.items()}
        for author_id, places in scoring.rank_moves(before, after).items():
            rank = (standings[author_id].rank or 0) - places
            brier = briers[author_id][scale]
            out[author_id].append(RankUnderScale(scale, name, brier, rank, places))
    return dict(out)


def _order(standing: Standing, brier: float | None) -> tuple:
    assert standing.card is not None and brier is not None
    return board_order(brier, standing.card.n_scored, standing.author.name, standing.author.pk)


def _worded_questions(author_ids: Collection[int]) -> dict[int, list[WordedQuestion]]:
    """Each author's counted yes/no questions holding a worded forecast. Two queries."""
    worded = Forecast.objects.filter(
        WORDED, author_id=OuterRef("author_id"), question_id=OuterRef("question_id")
    )
    scores = QuestionScore.objects.counted().filter(
        Exists(worded), resolved_yes__isnull=False, author_id__in=list(author_ids)
    )
    pairs = {
        (a, q): (opens_at, closes_at, happened, known)
        for a, q, opens_at, closes_at, happened, known in scores.values_list(
            "author_id",
            "question_id",
            "question__opens_at",
            "question__closes_at",
            "resolved_yes",
            "resolution__outcome_known_at",
        )
    }
    if not pairs:
        return {}
    in_pairs = scores.filter(author_id=OuterRef("author_id"), question_id=OuterRef("question_id"))
    forecasts = (
        Forecast.objects.filter(Exists(in_pairs))
        .select_related("source")
        .only(*_FIELDS)
        .order_by("author_id", "question_id", "stated_at", "pk")
    )
    by_pair: dict[tuple[int, int], list[WordedForecast]] = defaultdict(list)
    for f in forecasts:
        _, closes_at, _, known = pairs[(f.author_id, f.question_id)]
        if scoring.counts(claim_times(f), closes_at=closes_at, outcome_known_at=known):
            by_pair[(f.author_id, f.question_id)].append(worded_forecast(f))
    out: dict[int, list[WordedQuestion]] = defaultdict(list)
    for (author_id, question_id), own in by_pair.items():
        opens_at, closes_at, happened, _ = pairs[(author_id, question_id)]
        opens = opens_at.astimezone(UTC).date()
        out[author_id].append(WordedQuestion(own, opens, closes_at, bool(happened)))
    return dict(out)


_FIELDS = (
    "pk",
    "author_id",
    "question_id",
    "stated_at",
    "recorded_at",
    "probability",
    "phrase",
    "scale",
    "interval_low",
    "interval_high",
    "scale_point",
    "source__url",
    "source__published_on",
)


def worded_forecast(forecast: Forecast) -> WordedForecast:
    """The scoring library's view of a stored forecast: its number and how its words read."""
    assert forecast.probability is not None  # binary questions only
    if not (forecast.phrase and forecast.scale in SCALES and forecast.scale_point is not None):
        return WordedForecast(forecast.stated_at, forecast.probability)
    low, high = forecast.interval_low, forecast.interval_high
    return WordedForecast(
        stated_at=forecast.stated_at,
        probability=forecast.probability,
        point=forecast.scale_point,
        interval=(low, high) if low is not None and high is not None else None,
        recorded=phrase_point(forecast.phrase, forecast.scale),
        readings={s: p for s in SCALES if (p := phrase_point(forecast.phrase, s)) is not None},
    )


@cache
def phrase_point(phrase: str, scale: str) -> PhrasePoint | None:
    """The phrase read under ``scale`` (its fallbacks included), or None if it holds no hedge."""
    reading = reread_phrase(phrase, scale)
    return None if reading is None else PhrasePoint(reading.scale, reading.point)


def forget() -> None:
    """Drop what this process keeps (tests: on SQLite a rolled-back test's stamp comes back)."""
    _kept_words.cache_clear()


def _key(what: str) -> str:
    return f"reckon:readings:v{CACHE_VERSION}:{_scales_digest()}:{_stamp()}:{what}"


@cache
def _scales_digest() -> str:
    """Changes when a scale's numbers do (a new release of the lexicon)."""
    scales = {key: [(e.surfaces, e.point) for e in s.entries] for key, s in load_scales().items()}
    return hashlib.sha256(json.dumps(scales).encode()).hexdigest()[:12]


def _stamp() -> str:
    """What any write to the inputs moves (``forecasts.models.changes``), in one query."""
    return hashlib.sha256(repr(change_stamp()).encode()).hexdigest()[:16]
