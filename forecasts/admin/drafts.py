"""Reviewing drafted claims: draft from a source's text, then approve, override or discard.

* On Sources, the action "Draft claims from the text" runs
  ``drafts.draft_claims_from_source`` on each selected source and reports
  what it made, with a link to the drafts; bad input comes back as a message.
* On Questions, the "Drafts to review" status lists drafts with their quote,
  phrase and suggested number; a draft's page shows the drafted claim, links
  to the audited override of the number and has "Save and approve".
* Whoever words or rewords a question confirms, for each worded claim on it,
  which side the question asks: what the author asserts, or the opposite.
  The page shows the quote, the phrase, the author's number, the question and
  the resulting P(YES) side by side; approval waits for every claim's side,
  rewording a question with confirmed claims asks to check them again, and
  changing a published claim's side needs a reason (it is audited and rescored).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from forecasts import ledger
from forecasts.admin import review
from forecasts.admin.review import OneClickDismissAdmin
from forecasts.drafting import drafts, examples
from forecasts.drafting.drafts import format_percent
from forecasts.drafting.lexicon import SCALES
from forecasts.models import DiscardedClaim, Forecast, Question, Source


def drafts_to_review_url(source: Source | None = None) -> str:
    """The admin list of drafts, of one source when given."""
    url = reverse("admin:forecasts_question_changelist") + "?status=draft"
    return f"{url}&forecasts__source__id__exact={source.pk}" if source else url


def _error_text(error: ValidationError, model) -> str:
    """ "Author: the source has no author…", with the field's label, for an admin message."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, texts in error.message_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name).capitalize()
        except FieldDoesNotExist:  # a key that is not a model field, e.g. "question"
            label = name.replace("_", " ").capitalize()
        parts.append(f"{label}: {' '.join(texts)}")
    return " ".join(parts)


class DraftFromTextAdmin:
    """Mixin for SourceAdmin: the drafting action and a link to the source's drafts."""

    actions = ["draft_claims"]

    def has_draft_permission(self, request) -> bool:
        return request.user.has_perms(["forecasts.add_question", "forecasts.add_forecast"])

    @admin.action(description="Draft claims from the text", permissions=["draft"])
    def draft_claims(self, request, queryset):
        for source in queryset.select_related("author"):
            try:
                report = drafts.draft_claims_from_source(source=source, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    f"“{source}”: nothing drafted. {_error_text(error, Source)}",
                    messages.ERROR,
                )
                continue
            skipped = len(report.already_quoted) + len(report.discarded)
            self.message_user(
                request,
                format_html(
                    "“{}”: drafted {} question(s) from {} claim(s) found ({} skipped: already "
                    'quoted or discarded). <a href="{}">Review the drafts</a>',
                    source,
                    report.created,
                    report.found,
                    skipped,
                    drafts_to_review_url(source),
                ),
                messages.SUCCESS if report.created else messages.INFO,
            )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "drafts_to_review"]

    @admin.display(description="Drafts")
    def drafts_to_review(self, obj: Source) -> str:
        if obj.pk is None:
            return "—"
        count = Question.objects.drafts().filter(forecasts__source=obj).distinct().count()
        return format_html(
            '<a href="{}">{} draft(s) to review</a> — select the source in the list and run '
            "“Draft claims from the text” to draft its full text.",
            drafts_to_review_url(obj),
            count,
        )


DRAFT_LIST_DISPLAY = [
    "title",
    "drafted_quote",
    "drafted_phrase",
    "why_drafted",
    "suggested",
    "authors_side",
    "dismiss",
]
AUTHORS_SIDE, OPPOSITE_SIDE = "author", "opposite"


def worded_claims(question: Question | None) -> list[Forecast]:
    """The claims on ``question`` whose words assert a side, in the order they were entered."""
    if question is None or question.pk is None or not question.is_binary:
        return []
    claims = question.forecasts.select_related("author").filter(stated_probability__isnull=False)
    return list(claims.exclude(stated_outcome="").order_by("pk"))


def side_field(claim: Forecast) -> str:
    return f"side_{claim.pk}"


def _side(claim: Forecast) -> str | None:
    if claim.question_agrees is None:
        return None
    return AUTHORS_SIDE if claim.question_agrees else OPPOSITE_SIDE


def _side_choice(claim: Forecast) -> forms.ChoiceField:
    stated = claim.stated_probability or 0.0
    return forms.ChoiceField(
        label=f"{claim.author}, “{claim.phrase}”: YES on this question means",
        choices=[
            (
                AUTHORS_SIDE,
                f"what the author asserts, that {claim.stated_outcome}: "
                f"P(YES) = {format_percent(stated)}",
            ),
            (
                OPPOSITE_SIDE,
                f"the opposite: P(YES) = {format_percent(round(1 - stated, 6))}",
            ),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial=_side(claim),
        help_text=format_html("“{}”", claim.quote) if claim.quote else "",
    )


class SidesForm(forms.ModelForm):
    """A question's form with one "which side does YES mean" choice per worded claim."""

    claims: list[Forecast] = []

    def clean(self):
        cleaned = super().clean()
        data = self.cleaned_data
        changed = [c for c in self.claims if self.changed_side(c) is not None]
        published = self.instance.state != Question.State.DRAFT
        if published and changed and not (data.get("direction_reason") or "").strip():
            self.add_error(
                "direction_reason",
                "Say why the side changes: the published P(YES) flips and is rescored.",
            )
        confirmed = [c for c in self.claims if c.question_agrees is not None and c not in changed]
        if "title" in self.changed_data and confirmed and not data.get("directions_checked"):
            self.add_error(
                "directions_checked",
                "The question is reworded: check that YES still means the side chosen for "
                + ", ".join(str(c.author) for c in confirmed)
                + " (change it above if not), then tick this box.",
            )
        return cleaned

    def changed_side(self, claim: Forecast) -> bool | None:
        """The side newly chosen for ``claim`` (True: the author's), or None if unchanged."""
        chosen = self.cleaned_data.get(side_field(claim))
        if not chosen or chosen == _side(claim):
            return None
        return chosen == AUTHORS_SIDE


def sides_form(base: type[forms.ModelForm], question: Question, claims: list[Forecast]):
    """``base`` with the side choices for ``claims``, and what a change of them needs."""
    attrs: dict[str, object] = {side_field(c): _side_choice(c) for c in claims}
    attrs["claims"] = claims
    attrs["directions_checked"] = forms.BooleanField(
        required=False,
        label="Sides checked against the new wording",
        help_text="Needed when the question is reworded: each claim's side was checked.",
    )
    if question.state != Question.State.DRAFT:
        attrs["direction_reason"] = forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            label="Why the side changes",
            help_text="Required to change a published claim's side; kept in its audit trail.",
        )
    return type("QuestionSidesForm", (SidesForm, base), attrs)


class DraftReviewAdmin(OneClickDismissAdmin):
    """Mixin for QuestionAdmin: the drafts list, the drafted-claim panel, approve and discard."""

    form: type[forms.ModelForm]  # ModelAdmin's

    def _listing_drafts(self, request) -> bool:
        return request.GET.get("status") == "draft"

    def get_list_display(self, request):
        if self._listing_drafts(request):
            return DRAFT_LIST_DISPLAY
        return super().get_list_display(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._listing_drafts(request):
            claims = Forecast.objects.select_related("source").order_by("pk")
            queryset = queryset.prefetch_related(Prefetch("forecasts", queryset=claims))
        return queryset

    def _first_claim(self, obj: Question) -> Forecast | None:
        claims = list(obj.forecasts.all())
        return claims[0] if claims else None

    @admin.display(description="The sentence in its paragraph")
    def drafted_quote(self, obj: Question) -> str:
        claim = self._first_claim(obj)
        return review.claim_in_paragraph(claim) if claim and claim.quote else "—"

    @admin.display(description="Phrase and interval")
    def drafted_phrase(self, obj: Question) -> str:
        claim = self._first_claim(obj)
        return review.phrase_and_interval(claim) if claim else "—"

    @admin.display(description="Why drafted")
    def why_drafted(self, obj: Question) -> str:
        claim = self._first_claim(obj)
        return review.detector_reason(claim) if claim and claim.quote else "—"

    @admin.display(description="Dismiss")
    def dismiss(self, obj: Question) -> str:
        return review.dismiss_buttons(obj)

    @admin.display(description="Suggested")
    def suggested(self, obj: Question) -> str:
        claim = self._first_claim(obj)
        if claim is None:
            return "—"
        shown = format_percent(claim.probability)
        if claim.is_overridden:
            shown += f" (overridden; scale: {format_percent(claim.scale_point)})"
        return shown

    @admin.display(description="The author's side")
    def authors_side(self, obj: Question) -> str:
        claim = self._first_claim(obj)
        if claim is None or not claim.has_reading:
            return "—"
        side = {None: "YES not confirmed", True: "YES is this side", False: "YES is the opposite"}
        return (
            f"{format_percent(claim.stated_probability)} that {claim.stated_outcome} "
            f"({side[claim.question_agrees]})"
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        claims = worded_claims(obj)
        sides = [side_field(c) for c in claims]
        if any(c.question_agrees is not None for c in claims):
            sides.append("directions_checked")  # only confirmed sides need checking again
        if obj is not None and obj.state != Question.State.DRAFT:
            if not claims:
                return fieldsets
            checked = (
                "Which side the question asks",
                {
                    "fields": [*sides, "direction_reason"],
                    "description": "For each quoted claim: does YES mean what the author "
                    "asserts, or the opposite? Changing it flips the published number.",
                },
            )
            return [*fieldsets[:1], checked, *fieldsets[1:]]
        if obj is None:
            return fieldsets
        review = (
            "Drafted claim: review before approving",
            {
                "fields": ["drafted_claim", *sides],
                "description": "Rewrite the title as a question, write resolution criteria, "
                "check the dates, choose which side of each claim YES means, then "
                "“Save and approve”.",
            },
        )
        return [review, *fieldsets]

    def save_sides(self, request, form) -> None:
        """Record each side the editor chose or changed (QuestionAdmin.save_model calls this)."""
        if not isinstance(form, SidesForm):
            return
        for claim in form.claims:
            agrees = form.changed_side(claim)
            if agrees is not None:
                ledger.forecast_confirm_direction(
                    forecast=claim,
                    question_agrees=agrees,
                    by=request.user,
                    reason=form.cleaned_data.get("direction_reason", ""),
                )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "drafted_claim"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        claims = worded_claims(obj)
        if obj is not None and claims:
            kwargs["form"] = sides_form(kwargs.get("form", self.form), obj, claims)
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.state == Question.State.DRAFT:
            # A draft may be saved half-reviewed; approval is what demands criteria.
            form.base_fields["resolution_criteria"].required = False
            # The drafted title is a whole sentence to rewrite: show all of it.
            form.base_fields["title"].widget = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return form

    @admin.display(description="Claim")
    def drafted_claim(self, obj: Question) -> str:
        claims = obj.forecasts.select_related("author", "source").order_by("pk") if obj.pk else []
        return format_html_join("", "{}", ((self._claim_panel(c),) for c in claims)) or "—"

    def _claim_panel(self, claim: Forecast) -> str:
        low, high = claim.interval_low, claim.interval_high
        rows = [
            ("Author", claim.author),
            ("Phrase", f"“{claim.phrase}”"),
            ("Scale", SCALES.get(claim.scale, claim.get_scale_display())),
            ("Interval", f"{format_percent(low)}–{format_percent(high)}"),
            ("Suggested number", format_percent(claim.scale_point)),
            ("Scored number", format_percent(claim.probability)),
            ("How", claim.conversion_note),
            ("Why drafted", review.detector_reason(claim) if claim.quote else "—"),
            ("Check", "Suggested by Reckon's claim detector: check it against the quote."),
        ]
        source = (
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:forecasts_source_change", args=[claim.source_id]),
                claim.source,
            )
            if claim.source_id
            else "no source"
        )
        return format_html(
            '<blockquote style="margin:0 0 .5em">{}</blockquote><p>From {}</p>'
            "{}<table>{}</table>"
            '<p><a class="button" href="{}">Override the number</a> '
            "(a correction with a reason, kept in the forecast's audit trail)</p>",
            review.claim_in_paragraph(claim),
            source,
            self._side_by_side(claim),
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
            reverse("admin:forecasts_forecast_change", args=[claim.pk]),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The dismiss buttons go in the submit row, after "Save": a button earlier in the
        # form would be the one Enter presses in a field.
        if obj is not None and obj.state == Question.State.DRAFT:
            if self.has_change_permission(request, obj):  # type: ignore[attr-defined]
                claim = obj.forecasts.select_related("source").order_by("pk").first()
                back = drafts_to_review_url(claim.source) if claim and claim.source_id else ""
                context["dismiss_buttons"] = review.dismiss_buttons(obj, back)
        return super().render_change_form(  # type: ignore[misc]
            request, context, add, change, form_url, obj
        )

    def _side_by_side(self, claim: Forecast) -> str:
        """Quote, phrase, the author's number, the question and P(YES), in one row."""
        if claim.stated_probability is None or not claim.stated_outcome:
            return ""
        stated = claim.stated_probability
        if claim.question_agrees is None:
            p_yes = format_html(
                "not confirmed: {} if YES means what the author asserts, {} if the opposite",
                format_percent(stated),
                format_percent(round(1 - stated, 6)),
            )
        else:
            side = "what the author asserts" if claim.question_agrees else "the opposite"
            p_yes = format_html(
                "<strong>{}</strong> (YES is {})", format_percent(claim.probability), side
            )
        return format_html(
            '<table class="side-by-side"><thead><tr><th>Quote</th><th>Phrase</th>'
            "<th>The author's number</th><th>Question</th><th>P(YES)</th></tr></thead>"
            "<tbody><tr><td>“{}”</td><td>“{}”</td><td>{} that {}</td><td>{}</td><td>{}</td>"
            "</tr></tbody></table>",
            claim.quote,
            claim.phrase,
            format_percent(stated),
            claim.stated_outcome,
            claim.question.title,
            p_yes,
        )

    def response_change(self, request, obj: Question):
        if "_approve" not in request.POST:
            return super().response_change(request, obj)
        try:
            ledger.question_approve(question=obj, by=request.user)
        except ValidationError as error:
            self.message_user(
                request,
                f"Saved, but not approved. {_error_text(error, Question)}",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        self.message_user(request, f"“{obj}” is approved and live.", messages.SUCCESS)
        return HttpResponseRedirect(drafts_to_review_url())

    def _each_draft(self, request, queryset, write) -> int:
        """Call ``write(question)`` on each selected draft; report refusals, count successes."""
        done = 0
        for question in queryset.drafts():
            try:
                write(question)
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{question}: {_error_text(error, Question)}", messages.ERROR
                )
        return done

    @admin.action(description="Approve selected drafts (publish them)", permissions=["change"])
    def approve_drafts(self, request, queryset):
        approved = self._each_draft(
            request,
            queryset,
            lambda question: ledger.question_approve(question=question, by=request.user),
        )
        self.message_user(request, f"Approved {approved} draft(s).")

    # One action per reason: a source can be marked complete only when every
    # sentence dismissed from it says why (forecasts.ledger.sources).
    @admin.action(description="Discard selected drafts: not a forecast", permissions=["change"])
    def discard_not_a_claim(self, request, queryset):
        self._discard(request, queryset, DiscardedClaim.Reason.NOT_A_CLAIM)

    @admin.action(
        description="Discard selected drafts: someone else's claim", permissions=["change"]
    )
    def discard_reported(self, request, queryset):
        self._discard(request, queryset, DiscardedClaim.Reason.REPORTED)

    @admin.action(
        description="Discard selected drafts: too vague to resolve", permissions=["change"]
    )
    def discard_not_resolvable(self, request, queryset):
        self._discard(request, queryset, DiscardedClaim.Reason.NOT_RESOLVABLE)

    @admin.action(
        description="Discard selected drafts: already in the ledger", permissions=["change"]
    )
    def discard_duplicate(self, request, queryset):
        self._discard(request, queryset, DiscardedClaim.Reason.DUPLICATE)

    def _discard(self, request, queryset, reason: str) -> None:
        discarded = self._each_draft(
            request,
            queryset,
            lambda question: drafts.draft_discard(
                question=question, by=request.user, reason=reason
            ),
        )
        label = DiscardedClaim.Reason(reason).label.lower()
        self.message_user(
            request,
            f"Discarded {discarded} draft(s) ({label}); drafting their sources again will "
            "skip them.",
        )


@admin.register(DiscardedClaim)
class DiscardedClaimAdmin(admin.ModelAdmin):
    """Sentences turned down; delete a row to let drafting propose the sentence again."""

    list_display = ["sentence", "phrase", "source", "reason", "discarded_by", "discarded_at"]
    actions = ["export_examples"]
    list_editable = ["reason"]  # the one thing an editor may change: why it was dismissed
    list_filter = ["reason", ("source", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["sentence", "question_title", "source__title"]
    list_select_related = ["source", "discarded_by"]
    fields = [
        "source",
        "sentence",
        "paragraph",
        "phrase",
        "question_title",
        "reason",
        "discarded_by",
    ]
    readonly_fields = [
        "source",
        "sentence",
        "paragraph",
        "phrase",
        "question_title",
        "discarded_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Export selected as labelled examples (JSON)", permissions=["view"])
    def export_examples(self, request, queryset):
        """The selected dismissals as claims-corpus entries; those with no reason are left out."""
        entries = examples.dismissed_examples(queryset.select_related("source").order_by("pk"))
        response = HttpResponse(
            json.dumps(entries, ensure_ascii=False, indent=1) + "\n",
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="dismissed-claims.json"'
        return response
