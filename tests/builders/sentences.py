"""What the claim detector makes of one sentence, as the drafting form tests ask it."""

from __future__ import annotations

from datetime import date

from forecasts.drafting.claims import claim_from_sentence, explain_sentence

# The day the form tests draft on: their dates ("next year", "by March") read from it.
TODAY = date(2025, 1, 15)


def verdict_of(sentence: str) -> str:
    """``claim``, ``reported`` or ``none`` for a sentence with a reading, else "no reading"."""
    verdict = explain_sentence(sentence)
    return verdict.verdict if verdict else "no reading"


def phrase_of(sentence: str) -> str | None:
    """The phrase of the claim drafted from the sentence, or None when none is."""
    claim = claim_from_sentence(sentence, today=TODAY)
    return claim.phrase if claim else None
