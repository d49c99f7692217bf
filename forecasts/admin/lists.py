"""Bringing in a published prediction list, and later its grading post, from the Sources admin.

* "Import a prediction list" (a button on the Sources list): the author, the
  post's URL and date, an optional title, publisher and close date, and the
  pasted list. "Preview" shows the questions and forecasts it would create
  and every bad line with its number, writing nothing; "Create drafts" writes
  the source, the DRAFT questions and the author's forecasts in one
  transaction (``drafting.list_import.import_list``). Editors only
  (add_source, add_question and add_forecast).
* "Record outcomes from the grading post" (a button on a source's page): the
  grading post's URL and date and the pasted outcomes. "Preview" shows what
  each line says happened (RIGHT/WRONG read off the author's lean), which
  questions are still drafts and every bad line; "Record outcomes" resolves
  the live ones with the post as evidence (``drafting.list_import.record_grading``).
  Resolvers only (add_resolution), as for any resolution.

The write buttons act only on input that was previewed unchanged (the preview
carries a fingerprint of it); a changed paste is previewed again instead.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from forecasts.admin.drafts import drafts_to_review_url
from forecasts.drafting import list_import
from forecasts.models import Author, Source

IMPORT_PERMISSIONS = ["forecasts.add_source", "forecasts.add_question", "forecasts.add_forecast"]
GRADING_PERMISSION = "forecasts.add_resolution"


class ImportListForm(forms.Form):
    author = forms.ModelChoiceField(
        queryset=Author.objects.order_by("name"),
        help_text="Whose list it is: the forecasts are theirs.",
    )
    url = forms.URLField(label="Post URL", max_length=1000)
    published_on = forms.DateField(label="Post date", widget=AdminDateWidget)
    title = forms.CharField(
        max_length=400, required=False, help_text="Blank: “<author>: predictions for <year>”."
    )
    publisher = forms.CharField(max_length=200, required=False, help_text="The blog or paper.")
    closes_on = forms.DateField(
        label="Questions close on",
        required=False,
        widget=AdminDateWidget,
        help_text="Blank: 31 December of the post's year (the period most lists are about).",
    )
    text = forms.CharField(
        label="The list",
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text="One forecast a line: “1. Statement: 70%”, “- Statement (70%)”; a line "
        "without a probability is a section heading.",
    )


class GradingForm(forms.Form):
    url = forms.URLField(label="Grading post URL", max_length=1000)
    graded_on = forms.DateField(label="Grading post date", widget=AdminDateWidget)
    text = forms.CharField(
        label="The outcomes",
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text="One a line, numbered as the list (“1. RIGHT”) or in the list's order: "
        "RIGHT, WRONG, TRUE, FALSE, yes, no, annulled (“thrown out”).",
    )


def previewed_digest(form: forms.Form) -> str:
    """A fingerprint of what was previewed: writing needs the same input, unchanged."""
    raw = "\x1f".join(f"{name}={form.data.get(name, '')}" for name in sorted(form.fields))
    return hashlib.sha256(raw.encode()).hexdigest()


def _confirmed(request: HttpRequest, form: forms.Form, button: str) -> bool:
    """The write button was pressed on a preview of exactly this input."""
    return button in request.POST and request.POST.get("_previewed") == previewed_digest(form)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, texts in error.message_dict.items():
        form.add_error(name if name in form.fields else None, texts)


class ListImportAdmin:
    """Mixin for SourceAdmin: the list import and the grading views, on their own URLs."""

    def get_urls(self):
        site = self.admin_site  # type: ignore[attr-defined]
        custom = [
            path(
                "import-list/",
                site.admin_view(self.import_list_view),
                name="forecasts_source_import_list",
            ),
            path(
                "<path:object_id>/record-outcomes/",
                site.admin_view(self.record_outcomes_view),
                name="forecasts_source_record_outcomes",
            ),
        ]
        return custom + super().get_urls()  # type: ignore[misc]

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Source._meta,
            **extra,
        }

    def import_list_view(self, request: HttpRequest) -> HttpResponse:
        """Form → preview (nothing written) → "Create drafts" (one transaction)."""
        if not request.user.has_perms(IMPORT_PERMISSIONS):
            raise PermissionDenied
        form = ImportListForm(request.POST or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                plan = list_import.plan_list(
                    author=data["author"],
                    url=data["url"],
                    published_on=data["published_on"],
                    text=data["text"],
                    title=data["title"],
                    publisher=data["publisher"],
                    closes_on=data["closes_on"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            if plan is not None and _confirmed(request, form, "_create") and not plan.errors:
                source, questions = list_import.import_list(plan=plan, by=request.user)
                self.message_user(  # type: ignore[attr-defined]
                    request,
                    format_html(
                        "“{}”: created {} draft question(s) with {}'s forecasts. "
                        '<a href="{}">Review the drafts</a>',
                        source,
                        len(questions),
                        source.author,
                        drafts_to_review_url(source),
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(drafts_to_review_url(source))
        context = self._context(
            request,
            title="Import a prediction list",
            form=form,
            plan=plan,
            changed=plan is not None and "_create" in request.POST and not plan.errors,
            can_write=plan is not None and bool(plan.items) and not plan.errors,
            previewed=previewed_digest(form) if plan is not None else "",
        )
        return TemplateResponse(request, "admin/forecasts/source/import_list.html", context)

    def record_outcomes_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Form → preview (nothing written) → "Record outcomes" (one transaction)."""
        if not request.user.has_perm(GRADING_PERMISSION):
            raise PermissionDenied
        source = get_object_or_404(Source.objects.select_related("author"), pk=object_id)
        form = GradingForm(request.POST or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                plan = list_import.plan_grading(
                    source=source, url=data["url"], graded_on=data["graded_on"], text=data["text"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            if plan is not None and _confirmed(request, form, "_record") and not plan.errors:
                try:
                    recorded = list_import.record_grading(plan=plan, by=request.user)
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    left = len(plan.drafts)
                    self.message_user(  # type: ignore[attr-defined]
                        request,
                        f"“{source}”: recorded {len(recorded)} outcome(s) from the grading post"
                        + (
                            f"; {left} still draft(s): approve them and paste the post again."
                            if left
                            else "."
                        ),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:forecasts_source_change", args=[source.pk])
                    )
        context = self._context(
            request,
            title=f"Record outcomes from the grading post: {source}",
            source=source,
            form=form,
            plan=plan,
            changed="_record" in request.POST and not _confirmed(request, form, "_record"),
            can_write=plan is not None and bool(plan.to_record) and not plan.errors,
            previewed=previewed_digest(form) if plan is not None else "",
        )
        return TemplateResponse(request, "admin/forecasts/source/record_outcomes.html", context)
