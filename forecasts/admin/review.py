"""The drafts review screen: each draft in its paragraph, why it was drafted, one-click dismissal.

An editor going through twenty articles a day decides each draft in a
glance: the sentence is highlighted inside its paragraph, beside the phrase,
the scale's interval and what the detector gives as its reason (or whose claim
it is). Three buttons on every row, and on the draft's page, dismiss it in one
click as "reported" (someone else's claim), "not a prediction" or
"duplicate"; each is a ``DiscardedClaim`` with its reason and paragraph, so the
dismissal is a labelled example (``manage.py export_labelled_claims``).

The buttons submit the page's own form (which carries the CSRF token) to
``dismiss_view`` with ``formaction``: no JavaScript, and one POST per click.
Whoever may change questions may dismiss (Editors); others get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from forecasts.drafting import drafts
from forecasts.drafting.context import detector_verdict, in_paragraph
from forecasts.drafting.drafts import format_percent
from forecasts.drafting.lexicon import SCALES
from forecasts.models import DiscardedClaim, Forecast, Question

# The one-click dismissals, in the order of the buttons.
ONE_CLICK = [
    (DiscardedClaim.Reason.REPORTED, "Reported", "someone else's claim, reported by the author"),
    (DiscardedClaim.Reason.NOT_A_CLAIM, "Not a prediction", "not a forward-looking claim"),
    (DiscardedClaim.Reason.DUPLICATE, "Duplicate", "already in the ledger"),
]


def claim_in_paragraph(claim: Forecast) -> str:
    """The quote highlighted inside its paragraph of the source's text."""
    text = claim.source.full_text if claim.source_id and claim.source else ""
    context = in_paragraph(text, claim.quote)
    return format_html(
        '<div class="claim-in-paragraph">{}<mark>{}</mark>{}</div>',
        context.before,
        context.sentence,
        context.after,
    )


def detector_reason(claim: Forecast) -> str:
    """Why the detector takes the quote for the author's claim, or whose claim it is."""
    if claim.scale not in SCALES:  # a number the author stated, e.g. in a prediction list
        return "The author stated the number; no words were read."
    today = claim.source.published_on if claim.source_id and claim.source else None
    verdict = detector_verdict(claim.quote, claim.scale, today)
    if verdict.speaker:
        return f"{verdict.speaker}'s claim, reported by the author. {verdict.why}".strip()
    return verdict.why or "The detector gives no reason for this sentence."


def phrase_and_interval(claim: Forecast) -> str:
    return format_html(
        "{} ({})<br>{}–{}",
        claim.phrase,
        claim.scale,
        format_percent(claim.interval_low),
        format_percent(claim.interval_high),
    )


def dismiss_buttons(question: Question, next_url: str = "") -> str:
    """The one-click dismiss buttons; they submit the surrounding admin form to dismiss_view."""
    suffix = "?" + urlencode({"next": next_url}) if next_url else ""
    return format_html_join(
        " ",
        '<button type="submit" class="button dismiss-{}" formaction="{}" formmethod="post" '
        'formnovalidate title="Dismiss: {}">{}</button>',
        (
            (
                reason,
                reverse("admin:forecasts_question_dismiss", args=[question.pk, reason]) + suffix,
                explanation,
                label,
            )
            for reason, label, explanation in ONE_CLICK
        ),
    )


class OneClickDismissAdmin:
    """Mixin for QuestionAdmin: the dismiss view behind the buttons."""

    def get_urls(self):
        site = self.admin_site  # type: ignore[attr-defined]
        custom = [
            path(
                "<int:object_id>/dismiss/<str:reason>/",
                site.admin_view(require_POST(self.dismiss_view)),
                name="forecasts_question_dismiss",
            )
        ]
        return custom + super().get_urls()  # type: ignore[misc]

    def dismiss_view(self, request: HttpRequest, object_id: int, reason: str) -> HttpResponse:
        """Discard the draft with ``reason``; back to where the editor was."""
        question = get_object_or_404(Question, pk=object_id)
        if not self.has_change_permission(request, question):  # type: ignore[attr-defined]
            raise PermissionDenied
        if not reason or reason not in DiscardedClaim.Reason.values:
            raise Http404("No such reason.")
        back = _back(request, question)
        try:
            kept = drafts.draft_discard(question=question, by=request.user, reason=reason)
        except ValidationError as error:
            self.message_user(  # type: ignore[attr-defined]
                request, f"{question}: {' '.join(error.messages)}", messages.ERROR
            )
            return HttpResponseRedirect(back)
        label = DiscardedClaim.Reason(reason).label.lower()
        sentence = kept[0].sentence if kept else question.title
        self.message_user(  # type: ignore[attr-defined]
            request,
            format_html(
                "Dismissed “{}” ({}); kept as a labelled example. "
                '<a href="{}">Undo</a>: delete it from the discarded claims and draft the '
                "source again.",
                sentence[:120],
                label,
                reverse("admin:forecasts_discardedclaim_changelist"),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)


def _back(request: HttpRequest, question: Question) -> str:
    """``next``, else the page the button was on, unless that is the (now gone) draft itself."""
    own_page = reverse("admin:forecasts_question_change", args=[question.pk])
    for candidate in (request.GET.get("next", ""), request.headers.get("Referer", "")):
        safe = url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if candidate and safe and own_page not in candidate:
            return candidate
    return reverse("admin:forecasts_question_changelist") + "?status=draft"
