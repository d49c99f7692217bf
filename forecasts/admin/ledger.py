"""Authors, sources (with their claims inline) and tags."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from forecasts import ledger
from forecasts.admin.drafts import DraftFromTextAdmin
from forecasts.admin.forecasts import AddClaimInline, ForecastInlineSaving, RecordedClaimInline
from forecasts.admin.forms import AuthorAdminForm
from forecasts.admin.from_url import DraftFromUrlAdmin
from forecasts.admin.lists import ListImportAdmin
from forecasts.models import Author, Source, Tag, forecast_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    ordering = ["name"]
    list_display = ["name", "kind", "forecast_count", "is_synthetic", "user"]
    list_filter = ["kind", "is_synthetic"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    form = AuthorAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The form checks who links an account (superusers only), so it needs the user.
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request_user": request.user})

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(forecast_total=forecast_count("author"))

    @admin.display(description="Forecasts", ordering="forecast_total")
    def forecast_count(self, obj: Author) -> int:
        return obj.forecast_total


class SourceForm(forms.ModelForm):
    """The source, with the completeness mark checked before anything is saved."""

    class Meta:
        model = Source
        exclude: list[str] = []  # the admin's fieldsets choose what is shown

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("is_complete") and "is_complete" in self.changed_data:
            if self.instance.pk is None:
                self.add_error("is_complete", "Save the source and its claims first.")
                return cleaned
            # Judged on the source as stored: its drafts and dismissed sentences.
            for problem in ledger.completeness_problems(self.instance):
                self.add_error("is_complete", problem)
        return cleaned


@admin.register(Source)
class SourceAdmin(
    DraftFromUrlAdmin, ListImportAdmin, DraftFromTextAdmin, ForecastInlineSaving, admin.ModelAdmin
):
    ordering = ["-published_on", "title"]
    list_display = ["title", "author", "publisher", "published_on", "claim_count", "is_complete"]
    list_filter = ["kind", "scale", "is_complete", "publisher"]
    readonly_fields = ["completed_by", "completed_at"]
    search_fields = ["title", "publisher", "url", "author__name"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    form = SourceForm
    inlines = [RecordedClaimInline, AddClaimInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "author", "publisher", "published_on", "url"]}),
        ("Words to numbers", {"fields": ["scale", "drafts_to_review"]}),
        (
            "Completeness",
            {
                "fields": ["is_complete", "completed_by", "completed_at"],
                "description": "Mark the source complete once every forward-looking claim in "
                "it is in the ledger or was discarded with a reason. Scorecards say how many "
                "scored claims come from complete sources: the guard against entering only "
                "an author's misses.",
            },
        ),
        (
            "Rights and text",
            {"fields": ["licence", "attribution", "full_text"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("author")
            .annotate(claim_total=forecast_count("source"))
        )

    @admin.display(description="Claims", ordering="claim_total")
    def claim_count(self, obj: Source) -> int:
        return obj.claim_total

    def save_model(self, request, obj, form, change):
        marked = "is_complete" in form.changed_data
        if marked:
            obj.is_complete = form.initial.get("is_complete", False)  # the service sets it
        super().save_model(request, obj, form, change)
        if marked and form.cleaned_data["is_complete"]:
            ledger.source_mark_complete(source=obj, by=request.user)
        elif marked:
            ledger.source_mark_incomplete(source=obj)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
