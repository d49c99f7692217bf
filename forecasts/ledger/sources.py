"""Sources: marking one complete, the guard against selective retrospective entry.

A claim entered years after it was made counts when its dated public source
proves when it was said (``forecasts.scoring.timing``). What a source cannot
prove is that the editor entered *all* of its claims rather than only the
misses. An editor who has gone through a source marks it complete: every
forward-looking claim in it is in the ledger, or was dismissed with a reason.
Scorecards then say how many scored claims come from complete sources.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forecasts.models import DiscardedClaim, Question, Source


def completeness_problems(source: Source) -> list[str]:
    """Why the source cannot be marked complete yet; empty when it can."""
    problems = []
    drafts = (
        Question.objects.filter(state=Question.State.DRAFT, forecasts__source=source)
        .distinct()
        .count()
    )
    if drafts:
        problems.append(
            f"{drafts} drafted claim(s) from this source still wait for review: "
            "approve or discard them first."
        )
    unexplained = source.discarded_claims.filter(reason=DiscardedClaim.Reason.UNSTATED).count()
    if unexplained:
        problems.append(
            f"{unexplained} discarded sentence(s) from this source have no reason: "
            "give one in Discarded claims."
        )
    if not source.url or source.published_on is None:
        problems.append("A complete source needs its URL and publication date.")
    return problems


@transaction.atomic
def source_mark_complete(*, source: Source, by=None) -> Source:
    """Mark the source complete, refusing while a claim in it is neither entered nor dismissed."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    problems = completeness_problems(source)
    if problems:
        raise ValidationError({"is_complete": problems})
    source.is_complete = True
    source.completed_at = timezone.now()
    source.completed_by = by if getattr(by, "pk", None) else None
    source.save(update_fields=["is_complete", "completed_at", "completed_by", "updated_at"])
    return source


@transaction.atomic
def source_mark_incomplete(*, source: Source) -> Source:
    """Withdraw the mark (a claim in the source was found missing, say)."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    source.is_complete = False
    source.completed_at = None
    source.completed_by = None
    source.save(update_fields=["is_complete", "completed_at", "completed_by", "updated_at"])
    return source
