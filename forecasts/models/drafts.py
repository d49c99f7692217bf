"""Sentences an editor turned down, and why, so drafting the same article again skips them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from forecasts.models.ledger import Source


class DiscardedClaim(models.Model):
    """A drafted claim the editor discarded (not a forecast, or not worth a question).

    The draft question and its suggested forecast are deleted; this row keeps
    the sentence so :func:`forecasts.drafting.drafts.draft_claims_from_source` does not
    propose it again. Delete the row to let the sentence be drafted again.
    """

    class Reason(models.TextChoices):
        NOT_A_CLAIM = "not_a_claim", "Not a forward-looking claim"
        REPORTED = "reported", "Someone else's claim, reported by the author"
        NOT_RESOLVABLE = "not_resolvable", "Too vague to be resolved"
        DUPLICATE = "duplicate", "Already in the ledger"
        UNSTATED = "", "No reason recorded"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="discarded_claims")
    sentence = models.TextField()
    paragraph = models.TextField(
        blank=True,
        help_text="The paragraph the sentence stood in, so the dismissal is a labelled example "
        "with its context (exported by `manage.py export_labelled_claims`).",
    )
    phrase = models.CharField(max_length=120, blank=True)
    question_title = models.CharField(max_length=300, blank=True)
    reason = models.CharField(
        max_length=20,
        choices=Reason.choices,
        blank=True,
        default=Reason.UNSTATED,
        help_text="Why it is not in the ledger; a source is complete only when every "
        "dismissed sentence has a reason.",
    )
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discarded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-discarded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.source}: {self.sentence[:80]}"
