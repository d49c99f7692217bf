"""Forecasts: entered through the service, corrected only with an audited reason."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from forecasts import ledger
from forecasts.admin.forms import ForecastCorrectionForm, ForecastEntryForm, percent_text
from forecasts.models import (
    Forecast,
    ForecastCorrection,
    ForecastProbability,
    ForecastQuantile,
    stated_years,
)

VALUE_ENTRY = ("value", "value_low", "value_high", "coverage", "quantiles")


def _percent(value: float | None) -> str:
    """0.97 → "97%": the admin shows probabilities as editors type them."""
    return "—" if value is None else f"{percent_text(value)}%"


class PercentColumns:
    """Mixin: read-only probability columns in percent."""

    @admin.display(description="P(yes)", ordering="probability")
    def probability_percent(self, obj) -> str:
        return _percent(obj.probability)


class RecordedClaimInline(PercentColumns, admin.TabularInline):
    """Claims already recorded: shown, never edited here (forecasts are immutable)."""

    model = Forecast
    verbose_name = "recorded claim"
    verbose_name_plural = "Recorded claims (immutable: correct a typo from the forecast's own page)"
    fields = [
        "author",
        "question",
        "stated_at",
        "probability_percent",
        "phrase",
        "quote",
        "recorded_at",
    ]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "question", "source")


class AddClaimInline(admin.StackedInline):
    """Blank rows for new claims; each is written by ledger.forecast_create."""

    model = Forecast
    form = ForecastEntryForm
    verbose_name = "new claim"
    verbose_name_plural = "Add claims"
    extra = 1
    can_delete = False
    autocomplete_fields = ["author", "question", "source"]
    fields = [
        ("question", "author"),
        ("stated_at", "probability", "option_probabilities"),
        "quote",
        ("phrase", "scale", "interval_low", "interval_high", "scale_point"),
        ("stated_outcome", "stated_probability", "question_agrees"),
        "conversion_note",
        ("value", "value_low", "value_high", "coverage"),
        "quantiles",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields  # a fresh form class per call: safe to adjust
        if obj is not None and getattr(obj, "author_id", None) and "author" in fields:
            # On a source, new claims are usually its byline's.
            fields["author"].initial = obj.author_id
        if obj is not None and getattr(obj, "scale", None) and "scale" in fields:
            fields["scale"].initial = obj.scale
        return formset

    def has_change_permission(self, request, obj=None) -> bool:
        # Needed for the blank rows to be shown and validated on a change page.
        return self.has_add_permission(request, obj)


class QuestionClaimInline(AddClaimInline):
    fields = [
        ("author", "source"),
        ("stated_at", "probability", "option_probabilities"),
        "quote",
        ("phrase", "scale", "interval_low", "interval_high", "scale_point"),
        ("stated_outcome", "stated_probability", "question_agrees"),
        "conversion_note",
        ("value", "value_low", "value_high", "coverage"),
        "quantiles",
    ]


class ForecastInlineSaving:
    """Mixin for parents of AddClaimInline: new claims go through the service."""

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.form, ForecastEntryForm):
            return super().save_formset(request, form, formset, change)
        for entry in formset.forms:
            if entry.has_changed() and not entry.cleaned_data.get("DELETE"):
                entry.create(entered_by=request.user)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


class ForecastProbabilityInline(PercentColumns, admin.TabularInline):
    model = ForecastProbability
    fields = ["option", "probability_percent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ForecastQuantileInline(admin.TabularInline):
    """A numeric or date forecast's quantiles, as stored (entered with the forecast)."""

    model = ForecastQuantile
    fields = ["level", "value"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ForecastCorrectionInline(admin.TabularInline):
    model = ForecastCorrection
    fields = ["corrected_at", "corrected_by", "field", "old_value", "new_value", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Forecast)
class ForecastAdmin(PercentColumns, admin.ModelAdmin):
    list_display = [
        "author",
        "question",
        "probability_percent",
        "phrase",
        "stated_at",
        "recorded_at",
    ]
    list_filter = ["scale", "question__state", "author__is_synthetic"]
    search_fields = ["quote", "phrase", "author__name", "question__title"]
    autocomplete_fields = ["author", "question", "source"]
    date_hierarchy = "stated_at"
    list_select_related = ["author", "question"]
    show_full_result_count = False

    def hierarchy_years(self, cl) -> list[int] | None:
        """The drill-down's years for the whole list, read from an index (``stated_years``,
        ``templatetags/reckon_admin.py``); None for a filtered or searched list, whose
        years Django's drill-down reads from its rows."""
        if cl.queryset.query.has_filters():
            return None
        return stated_years(timezone.get_current_timezone_name())

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ForecastCorrectionForm if obj else ForecastEntryForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*ForecastEntryForm.Meta.fields, *VALUE_ENTRY]
        return [
            "author",
            "question",
            "recorded_at",
            "entered_by",
            *ledger.CORRECTABLE_FORECAST_FIELDS,
            "correction_reason",
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["author", "question", "recorded_at", "entered_by"] if obj else []

    def get_inlines(self, request, obj):
        return (
            [ForecastProbabilityInline, ForecastQuantileInline, ForecastCorrectionInline]
            if obj
            else []
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            created = form.create(entered_by=request.user)
            # The admin goes on with ``obj`` (log entry, redirect): make it the stored row.
            obj.pk, obj.recorded_at, obj.entered_by = (
                created.pk,
                created.recorded_at,
                created.entered_by,
            )
            obj._state.adding = False
            return
        changes = {
            field: form.cleaned_data[field]
            for field in form.changed_data
            if field != "correction_reason"
        }
        ledger.forecast_correct(
            forecast=obj,
            changes=changes,
            reason=form.cleaned_data["correction_reason"],
            by=request.user,
        )
