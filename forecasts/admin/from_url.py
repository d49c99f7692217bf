"""Drafting from a URL, on the Sources admin: paste a URL, confirm what the page says, draft.

1. "Draft from a URL" (a button on the Sources list): the editor pastes the
   article's URL and presses "Fetch". Reckon fetches it (``drafting.articles.article_fetch``:
   http(s) only, public addresses only, a timeout and a size limit) and
   extracts the main text and metadata. A refusal is shown on the URL field,
   naming the problem; nothing is written.
2. The same page then shows the title, author, date and publisher the page
   gave, and the text, all editable, with the claims the detector would draft.
   "Draft claims" stores the source with the URL and the confirmed metadata and
   drafts it in one transaction (``drafting.articles.article_draft``), then opens
   the source's drafts to review.

Editors only (add_source, add_question and add_forecast), as for list imports.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from forecasts.admin.drafts import drafts_to_review_url
from forecasts.admin.lists import IMPORT_PERMISSIONS, _add_errors
from forecasts.drafting import articles
from forecasts.drafting.claims import ClaimTextError, detect_claims, validate_article_text
from forecasts.models import Source
from forecasts.models.ledger import Scale

DRAFTABLE_SCALES = [(value, label) for value, label in Scale.choices if value != Scale.NUMERIC]


class FetchForm(forms.Form):
    # A CharField, not a URLField: the fetcher names the problem with a bad URL itself.
    url = forms.CharField(
        label="Article URL",
        max_length=1000,
        widget=forms.TextInput(attrs={"size": 90, "placeholder": "https://…"}),
    )


class ConfirmForm(forms.Form):
    url = forms.CharField(max_length=1000, widget=forms.HiddenInput)
    title = forms.CharField(max_length=400, widget=forms.TextInput(attrs={"size": 90}))
    author = forms.CharField(
        max_length=200,
        label="Author (byline)",
        help_text="An author's name or slug; a name no author has adds a new author.",
    )
    published_on = forms.DateField(label="Published on", widget=AdminDateWidget)
    publisher = forms.CharField(max_length=200, required=False)
    scale = forms.ChoiceField(
        choices=DRAFTABLE_SCALES,
        initial=Scale.ICD203,
        help_text="The scale that turns the article's hedges into numbers.",
    )
    text = forms.CharField(
        label="Article text",
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="The main text found on the page, one paragraph a line. Cut anything that "
        "is not the article (a caption, a related-stories box) before drafting.",
    )

    def clean_published_on(self):
        published_on = self.cleaned_data["published_on"]
        if published_on > timezone.now().date():
            raise ValidationError("The publication date is in the future.")
        return published_on


class DraftFromUrlAdmin:
    """Mixin for SourceAdmin: the "Draft from a URL" screen on its own URL."""

    def get_urls(self):
        site = self.admin_site  # type: ignore[attr-defined]
        view = site.admin_view(self.draft_from_url_view)
        custom = [path("draft-from-url/", view, name="forecasts_source_draft_from_url")]
        return custom + super().get_urls()  # type: ignore[misc]

    def draft_from_url_view(self, request: HttpRequest) -> HttpResponse:
        """URL → fetch (nothing written) → confirm the metadata → "Draft claims"."""
        if not request.user.has_perms(IMPORT_PERMISSIONS):
            raise PermissionDenied
        fetch_form, confirm_form = FetchForm(), None
        if request.method == "POST" and "_draft" in request.POST:
            confirm_form = ConfirmForm(request.POST)
            if confirm_form.is_valid():
                drafted = self._draft(request, confirm_form)
                if drafted is not None:
                    return drafted
        elif request.method == "POST":
            fetch_form = FetchForm(request.POST)
            if fetch_form.is_valid():
                confirm_form = self._fetch(fetch_form)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Source._meta,
            "title": "Draft claims from a URL",
            "fetch_form": fetch_form,
            "confirm_form": confirm_form,
            "claims": _preview(confirm_form),
        }
        return TemplateResponse(request, "admin/forecasts/source/draft_from_url.html", context)

    def _fetch(self, form: FetchForm) -> ConfirmForm | None:
        try:
            article = articles.article_fetch(form.cleaned_data["url"])
        except ValidationError as error:
            _add_errors(form, error)
            return None
        return ConfirmForm(
            initial={
                "url": article.url,
                "title": article.title,
                "author": article.author,
                "published_on": article.published_on,
                "publisher": article.publisher,
                "text": article.text,
            }
        )

    def _draft(self, request: HttpRequest, form: ConfirmForm) -> HttpResponse | None:
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a new author is kept only if the drafting succeeds
                report = articles.article_draft(
                    title=data["title"],
                    author=articles.author_named(data["author"]),
                    published_on=data["published_on"],
                    publisher=data["publisher"],
                    url=data["url"],
                    text=data["text"],
                    scale=data["scale"],
                    by=request.user,
                )
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                # The source's full text is the form's text; the URL field is hidden.
                name = {"full_text": "text"}.get(name, name)
                form.add_error(name if name in form.fields and name != "url" else None, texts)
            return None
        self.message_user(  # type: ignore[attr-defined]
            request,
            format_html(
                "“{}”: drafted {} question(s) from {} claim(s) found.",
                report.source,
                report.created,
                report.found,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(drafts_to_review_url(report.source))


def _preview(form: ConfirmForm | None) -> list:
    """The claims the detector would draft from the form's text (none when it is unreadable)."""
    if form is None:
        return []
    values = form.data if form.is_bound else form.initial
    scale = values.get("scale") or Scale.ICD203
    cleaned = getattr(form, "cleaned_data", {})
    published_on = cleaned.get("published_on") or form.initial.get("published_on")
    if scale not in dict(DRAFTABLE_SCALES):
        return []
    try:
        text = validate_article_text(values.get("text") or "")
        return detect_claims(text, scale, published_on, title=values.get("title") or "")
    except ClaimTextError:
        return []
