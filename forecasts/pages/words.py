"""Scores in plain words: the sentence a scorecard opens with, and each claim's line.

Every number in these sentences is a stored figure (the card, the folded table,
the per-question score row) or a ranking of stored figures, rounded for
reading; nothing is estimated here. ``tests/pages/test_words.py`` recomputes
each of them with ``forecasts.scoring``.
"""

from __future__ import annotations

from dataclasses import dataclass

from forecasts.models import Author, Scorecard
from forecasts.standings.folded import FoldedRecord
from forecasts.standings.leaderboard import Standing

COIN_FLIP = 0.25


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _level(value: float) -> str:
    return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _number(value: float) -> str:
    """A probability as typed: 0.7 → "0.7", 0.655 → "0.655"."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def interval_words(low: float | None, high: float | None, n: int) -> str:
    """ "95% interval 0.120 to 0.210", or why there is none (a single question)."""
    if low is None or high is None:
        return (
            "no interval: one question is too few to say how far the score could move"
            if n <= 1
            else "no interval could be worked out"
        )
    return f"95% interval {low:.3f} to {high:.3f}"


def headline(author: Author, card: Scorecard, folded: FoldedRecord) -> str:
    """One sentence a newspaper reader understands, from the card and its folded table.

    "Of the 95 questions we could score, Jane Doe's 80% calls came true 70% of
    the time (14 of 20); overall she did better than always saying 50%: …".
    The level named is the one used most (the higher on a tie).
    """
    n = card.n_scored
    parts = [
        "Of the one question we could score" if n == 1 else f"Of the {n} questions we could score"
    ]
    if folded.levels:
        top = max(folded.levels, key=lambda r: (r["count"], r["level"]))
        level = _level(top["level"])
        if top["count"] == 1:
            came = "came true" if top["right"] else "did not come true"
            parts.append(f", {author.name}'s one {level} call {came}")
        else:
            parts.append(
                f", {author.name}'s {level} calls came true "
                f"{_pct(top['frequency'])} of the time ({top['right']} of {top['count']})"
            )
    assert card.brier is not None, "a card with scored questions has a Brier score"
    if card.brier < COIN_FLIP:
        verdict = "better than"
    elif card.brier > COIN_FLIP:
        verdict = "worse than"
    else:
        verdict = "exactly as well as"
    parts.append(
        f"; overall {author.name} did {verdict} always saying 50%: a Brier score of "
        f"{card.brier:.3f} against the coin flip's 0.250 "
        f"({interval_words(card.brier_low, card.brier_high, n)})."
    )
    return "".join(parts)


@dataclass(frozen=True)
class Percentile:
    """Where a ranked author stands among the ranked authors on the same board."""

    rank: int
    n_ranked: int
    n_worse: int  # ranked authors with a strictly higher (worse) mean Brier

    @property
    def share_worse(self) -> float | None:
        others = self.n_ranked - 1
        return self.n_worse / others if others else None

    def __str__(self) -> str:
        if self.n_ranked == 1:
            return "The only ranked author on this board."
        share = self.share_worse
        assert share is not None
        return (
            f"Ranked {self.rank} of {self.n_ranked}: a better Brier score than "
            f"{self.n_worse} of the other {self.n_ranked - 1} ranked authors ({_pct(share)})."
        )


def percentile(author: Author, ranked: list[Standing]) -> Percentile | None:
    """The author's place among ``ranked`` (a leaderboard's), None when not ranked."""
    mine = next((s for s in ranked if s.author.pk == author.pk), None)
    if mine is None or mine.card is None or mine.rank is None:
        return None
    brier = mine.card.brier
    worse = sum(1 for s in ranked if s.card is not None and (s.card.brier or 0) > (brier or 0))
    return Percentile(rank=mine.rank, n_ranked=len(ranked), n_worse=worse)


def claim_line(claim) -> str:
    """What the claim's number is and how it became its score, in one line.

    "Said “likely”, read as 70% yes; it happened; final forecast's Brier
    (1 − 0.70)² = 0.090; the headline 0.154 is the mean of 41 daily scores over
    the 4 forecasts in force." Empty when the claim has no counted score.
    """
    score = claim.score
    if score is None or score.brier is None:
        return ""
    final = claim.final
    words = f"Said “{final.phrase}”, scored as " if final.phrase else "Gave "
    if score.resolved_yes is None or final.probability is None:
        given = score.final_probability
        head = f"{words}{_pct(given)} on the option that happened" if given is not None else ""
        square = ""
    else:
        p = final.probability
        happened = "it happened" if score.resolved_yes else "it did not happen"
        head = f"{words}{_pct(p)} yes; {happened}"
        outcome = 1 if score.resolved_yes else 0
        square = f"; final forecast's Brier ({outcome} − {_number(p)})² = {score.brier_final:.3f}"
    if score.n_forecasts <= 1 and score.brier_final is not None:
        tail = (
            f"; one forecast, so the time-averaged score is the same, {score.brier:.3f}, "
            f"the mean of {_plural(score.n_days, 'daily score')}"
        )
    else:
        tail = (
            f"; the score counted, {score.brier:.3f}, is the mean of "
            f"{_plural(score.n_days, 'daily score')} over the "
            f"{_plural(score.n_forecasts, 'forecast')} in force"
        )
    return (head + square + tail + ".").lstrip("; ")
