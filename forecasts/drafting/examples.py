"""Editors' decisions as labelled examples, so the detector's corpus grows from real editing.

Each entry has the shape the claims corpus uses::

    {"article": <source URL>, "paragraph": str, "sentence": str,
     "label": "claim" | "reported" | "none", "phrase": str | null, "origin": "editor"}

* a dismissed draft (``DiscardedClaim``) is labelled by its reason: "someone
  else's claim" is ``reported``; "not a forward-looking claim" is ``none``;
  "too vague to resolve" and "already in the ledger" are still the author's
  own claims, so ``claim``. A dismissal with no reason says nothing and is left out;
* an accepted claim (a forecast quoting its source, on a published question)
  is ``claim`` when the forecast is the source's author's, ``reported`` when
  it is someone else's claim the source reports.
"""

from __future__ import annotations

from collections.abc import Iterable

from forecasts.drafting.context import paragraph_of
from forecasts.models import DiscardedClaim, Forecast, Question

CLAIM, REPORTED, NONE = "claim", "reported", "none"
LABEL_OF_REASON = {
    DiscardedClaim.Reason.REPORTED: REPORTED,
    DiscardedClaim.Reason.NOT_A_CLAIM: NONE,
    DiscardedClaim.Reason.NOT_RESOLVABLE: CLAIM,
    DiscardedClaim.Reason.DUPLICATE: CLAIM,
}


def example(*, article: str, paragraph: str, sentence: str, label: str, phrase: str) -> dict:
    return {
        "article": article,
        "paragraph": paragraph or sentence,
        "sentence": sentence,
        "label": label,
        "phrase": phrase or None,
        "origin": "editor",
    }


def dismissed_examples(dismissals: Iterable[DiscardedClaim]) -> list[dict]:
    """Labelled examples of dismissed sentences (those dismissed with a reason)."""
    return [
        example(
            article=d.source.url,
            paragraph=d.paragraph,
            sentence=d.sentence,
            label=LABEL_OF_REASON[DiscardedClaim.Reason(d.reason)],
            phrase=d.phrase,
        )
        for d in dismissals
        if d.reason in LABEL_OF_REASON
    ]


def accepted_examples(forecasts: Iterable[Forecast]) -> list[dict]:
    """Labelled examples of claims quoted from their source on published questions."""
    return [
        example(
            article=f.source.url,
            paragraph=paragraph_of(f.source.full_text, f.quote),
            sentence=f.quote,
            label=CLAIM if f.author_id == f.source.author_id else REPORTED,
            phrase=f.phrase,
        )
        for f in forecasts
        if f.source is not None
    ]


def all_examples() -> list[dict]:
    """Every labelled example the ledger holds: accepted claims, then dismissals."""
    accepted = (
        Forecast.objects.filter(source__isnull=False)
        .exclude(quote="")
        .exclude(question__state=Question.State.DRAFT)
        .select_related("source")
        .order_by("source_id", "pk")
    )
    dismissed = (
        DiscardedClaim.objects.exclude(reason=DiscardedClaim.Reason.UNSTATED)
        .select_related("source")
        .order_by("source_id", "pk")
    )
    return accepted_examples(accepted) + dismissed_examples(dismissed)
