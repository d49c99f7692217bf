"""Authors, sources (with their claims inline) and tags."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from forecasts.admin.drafts import DraftFromTextAdmin
from forecasts.admin.forecasts import AddClaimInline, ForecastInlineSaving, RecordedClaimInline
from forecasts.admin.forms import AuthorAdminForm
from forecasts.admin.lists import ListImportAdmin
from forecasts.models import Author, Source, Tag


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
        return super().get_queryset(request).annotate(forecast_total=Count("forecasts"))

    @admin.display(description="Forecasts", ordering="forecast_total")
    def forecast_count(self, obj: Author) -> int:
        return obj.forecast_total


@admin.register(Source)
class SourceAdmin(ListImportAdmin, DraftFromTextAdmin, ForecastInlineSaving, admin.ModelAdmin):
    ordering = ["-published_on", "title"]
    list_display = ["title", "author", "publisher", "published_on", "claim_count"]
    list_filter = ["kind", "scale", "publisher"]
    search_fields = ["title", "publisher", "url", "author__name"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    inlines = [RecordedClaimInline, AddClaimInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "author", "publisher", "published_on", "url"]}),
        ("Words to numbers", {"fields": ["scale", "drafts_to_review"]}),
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
            .annotate(claim_total=Count("forecasts"))
        )

    @admin.display(description="Claims", ordering="claim_total")
    def claim_count(self, obj: Source) -> int:
        return obj.claim_total


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
