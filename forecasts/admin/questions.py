"""Questions: forecasts inline, lifecycle filters; resolve, correct and annul via services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

from forecasts import ledger
from forecasts.admin.drafts import DraftReviewAdmin
from forecasts.admin.forecasts import ForecastInlineSaving, QuestionClaimInline, RecordedClaimInline
from forecasts.admin.forms import QuestionAdminForm, ResolutionForm
from forecasts.admin.prompts import ReadOnlyAdmin
from forecasts.admin.quantities import QUANTITY_SETTINGS, value_as_typed
from forecasts.ledger import rules
from forecasts.models import (
    Forecast,
    Option,
    Question,
    QuestionCorrection,
    Resolution,
    forecast_count,
)

RESOLUTION_MODES = {
    "resolve": ("Resolve", "Record what happened. Scores are recomputed automatically."),
    "correct": (
        "Correct the resolution",
        "The current resolution stays in the history; scores are recomputed.",
    ),
    "annul": ("Annul", "Annulled questions do not count for anyone's score."),
}


class HavingForecastsFilter(admin.RelatedOnlyFieldListFilter):
    """The authors (or sources) that have any forecast, as choices: each found by its own
    entry in the forecast table's index, where Django's ``RelatedOnlyFieldListFilter``
    reads every forecast for the distinct ones (426 ms a changelist over a million
    forecasts, against a few for 2,000 authors)."""

    def field_choices(self, field, request, model_admin):
        target = field.related_model
        name = field.name  # the forecast's foreign key: "author", "source"
        having = target.objects.filter(
            Exists(Forecast.objects.filter(**{name: OuterRef("pk")}))
        ).values("pk")
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": having}, ordering=ordering
        )


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Drafts to review"),
            ("open", "Open"),
            ("closed", "Closed"),
            ("due", "Due for resolution"),
            ("resolved", "Resolved"),
            ("annulled", "Annulled"),
        ]

    def queryset(self, request, queryset):
        readers = {
            "draft": queryset.drafts,
            "open": queryset.open,
            "closed": queryset.closed,
            "due": queryset.due,
            "resolved": queryset.resolved,
            "annulled": queryset.annulled,
        }
        reader = readers.get(self.value())
        return reader() if reader else queryset


class OptionFormSet(BaseInlineFormSet):
    """The options as the question will stand (its kind as submitted): only a
    multiple-choice question has any, two or more, all different; none may change once
    the question has forecasts or a resolution (``ledger.rules``). Refused on the
    inline, naming the options; nothing is saved."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        labels = [(form.cleaned_data.get("label") or "").strip() for form in kept]
        try:
            rules.check_option_labels(self.instance.kind, labels)
            rules.check_options_unchanged(self.instance, self.has_changed())
        except ValidationError as refused:
            raise ValidationError(refused.message_dict["options"]) from None


class OptionInline(admin.TabularInline):
    model = Option
    formset = OptionFormSet
    fields = ["position", "label"]
    extra = 0


class ResolutionHistoryInline(admin.TabularInline):
    """Every resolution ever recorded, current first; history is read-only."""

    model = Resolution
    verbose_name_plural = "Resolution history"
    fields = [
        "is_current",
        "outcome",
        "option",
        "value",
        "reported_value",
        "outcome_known_at",
        "evidence_url",
        "evidence_note",
        "reason",
        "resolved_by",
        "resolved_at",
        "is_automatic",
    ]
    readonly_fields = fields
    ordering = ["-is_current", "-resolved_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


CORRECTION_FIELDS = (
    "field",
    "old_value",
    "new_value",
    "reason",
    "effect",
    "corrected_by",
    "corrected_at",
)


class QuestionCorrectionInline(admin.TabularInline):
    """Audited edits of the question (a close moved before forecasts); read-only."""

    model = QuestionCorrection
    verbose_name_plural = "Corrections of the question"
    fields = CORRECTION_FIELDS
    readonly_fields = CORRECTION_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(DraftReviewAdmin, ForecastInlineSaving, admin.ModelAdmin):
    form = QuestionAdminForm
    ordering = ["-opens_at", "pk"]
    list_display = ["title", "kind", "status_label", "closes_at", "resolve_by", "forecast_count"]
    list_filter = [
        StatusFilter,
        "kind",
        "tags",
        ("forecasts__author", HavingForecastsFilter),
        ("forecasts__source", HavingForecastsFilter),
        "is_synthetic",
    ]
    # And each claim's quote (``get_search_results``).
    search_fields = ["title", "slug", "resolution_criteria"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["condition_question"]
    filter_horizontal = ["tags"]
    date_hierarchy = "resolve_by"
    readonly_fields = ["state", "resolution_changed_at", "scored_at", "resolution_actions"]
    actions = [
        "approve_drafts",
        "discard_not_a_claim",
        "discard_reported",
        "discard_not_resolvable",
        "discard_duplicate",
        "resolve_selected",
        "annul_selected",
    ]
    inlines = [
        OptionInline,
        RecordedClaimInline,
        QuestionClaimInline,
        ResolutionHistoryInline,
        QuestionCorrectionInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "tags", "resolution_criteria", "background"]}),
        (
            "Editors' notes",
            {
                "fields": ["editor_notes"],
                "description": "Never shown on the public pages or in the public API.",
            },
        ),
        ("Dates (UTC)", {"fields": [("opens_at", "closes_at", "resolve_by"), "change_reason"]}),
        (
            "Numeric and date questions",
            {
                "fields": [
                    "unit",
                    ("range_low", "range_low_closed"),
                    ("range_high", "range_high_closed"),
                    "log_scale",
                ],
                "description": "A unit and an optional range (dates as YYYY-MM-DD on a date "
                "question). A closed end: the outcome cannot lie beyond it, and a value "
                "reported beyond it resolves to it. The range is needed for the unit-free "
                "numeric record. Log scale: numeric questions with a range above zero.",
            },
        ),
        (
            "Condition",
            {
                "fields": ["condition_question", ("condition_outcome", "condition_option")],
                "classes": ["collapse"],
                "description": "Annulled automatically if that question resolves otherwise.",
            },
        ),
        (
            "Lifecycle",
            {"fields": ["state", "resolution_actions", "resolution_changed_at", "scored_at"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        if getattr(form, "close_correction", False):
            # Audited, and the one writer allowed past the database's question guard.
            correction = ledger.question_close_correct(
                question=obj,
                closes_at=form.cleaned_data["closes_at"],
                reason=form.cleaned_data["change_reason"],
                by=request.user,
            )
            self.message_user(request, f"Close moved, as a correction: {correction.effect}")
        if change and "kind" in form.changed_data and obj.kind != Question.Kind.MULTIPLE_CHOICE:
            # Its options were all marked for deletion (``OptionFormSet``): they go
            # before the kind changes, as the database requires (migration ``0031``).
            Option.objects.filter(question=obj).delete()
        super().save_model(request, obj, form, change)
        self.save_sides(request, form)
        if change and set(form.changed_data) & {"opens_at", "closes_at", *QUANTITY_SETTINGS}:
            # The window decides which forecasts count and the days averaged:
            # rescore, so that stored scores follow the question as it now is.
            ledger.queue_rescore([obj.pk])

    def get_queryset(self, request):
        # A subquery: the author filter's join to forecasts does not repeat them.
        return super().get_queryset(request).annotate(forecast_total=forecast_count("question"))

    def get_search_results(self, request, queryset, search_term):
        """Django's search (every word in the title, slug or criteria), or a word in one of
        the question's claims' quotes: asked as the questions whose claims quote it (one
        pass over the claims, which PostgreSQL hashes), so no question is repeated and
        none needs a DISTINCT over every question's row. Searched as a join of the
        claims, a word cost 6.2 s on a million claims (three DISTINCTs); asked with
        EXISTS for each question, 2.6 s (measured)."""
        if not search_term:
            return super().get_search_results(request, queryset, search_term)
        own = [f"{name}__icontains" for name in self.get_search_fields(request)]
        words = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            quoting = Forecast.objects.filter(quote__icontains=bit).values("question_id")
            words.append(
                Q.create([(lookup, bit) for lookup in own], connector=Q.OR) | Q(pk__in=quoting)
            )
        return queryset.filter(*words), False

    @admin.display(description="Forecasts", ordering="forecast_total")
    def forecast_count(self, obj: Question) -> int:
        return obj.forecast_total

    @admin.display(description="Status")
    def status_label(self, obj: Question) -> str:
        return obj.status()

    @admin.display(description="Resolve")
    def resolution_actions(self, obj: Question) -> str:
        if obj.pk is None or obj.state == Question.State.DRAFT:
            return "—"
        modes = ["correct", "annul"] if obj.state != Question.State.LIVE else ["resolve", "annul"]
        if obj.state == Question.State.ANNULLED:
            modes = ["correct"]
        links = [
            format_html(
                '<a class="button" href="{}">{}</a>',
                self._mode_url(obj, mode),
                RESOLUTION_MODES[mode][0],
            )
            for mode in modes
        ]
        return format_html(" ".join(["{}"] * len(links)), *links)

    def _mode_url(self, obj: Question, mode: str) -> str:
        return reverse(f"admin:forecasts_question_{mode}", args=[obj.pk])

    def get_urls(self):
        custom = [
            path(
                f"<path:object_id>/{mode}/",
                self.admin_site.admin_view(self.resolution_view),
                {"mode": mode},
                name=f"forecasts_question_{mode}",
            )
            for mode in RESOLUTION_MODES
        ]
        return custom + super().get_urls()

    def resolution_view(self, request: HttpRequest, object_id: str, mode: str) -> HttpResponse:
        """Resolve, correct or annul one question, with evidence, through the services."""
        if not request.user.has_perm("forecasts.add_resolution"):
            raise PermissionDenied
        question = get_object_or_404(Question, pk=object_id)
        form = ResolutionForm(
            request.POST or None,
            question=question,
            mode=mode,
            initial=self._resolution_initial(question, mode),
        )
        if request.method == "POST" and form.is_valid():
            try:
                form.save(by=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request, f"{RESOLUTION_MODES[mode][0]}: done. Scores will update shortly."
                )
                return HttpResponseRedirect(
                    reverse("admin:forecasts_question_change", args=[question.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{RESOLUTION_MODES[mode][0]}: {question.title}",
            "action_label": RESOLUTION_MODES[mode][0],
            "subtitle": RESOLUTION_MODES[mode][1],
            "question": question,
            "form": form,
            "current": question.resolutions.filter(is_current=True)
            .select_related("option")
            .first(),
            "forecasts": question.forecasts.select_related("author")
            .prefetch_related("quantiles")
            .order_by("author__name", "stated_at"),
        }
        return TemplateResponse(request, "admin/forecasts/question/resolution_form.html", context)

    @staticmethod
    def _resolution_initial(question: Question, mode: str) -> dict:
        """A correction starts from the current resolution; a new one asks for every fact."""
        current = question.resolutions.filter(is_current=True).first()
        if mode != "correct" or current is None:
            return {}
        return {
            "outcome": current.outcome,
            "option": current.option_id,
            "value": value_as_typed(
                question.kind,
                current.reported_value if current.reported_value is not None else current.value,
            ),
            "outcome_known_at": current.outcome_known_at,
            "evidence_url": current.evidence_url,
            "evidence_note": current.evidence_note,
        }

    def _single(self, request, queryset, mode: str):
        if queryset.count() != 1:
            self.message_user(
                request,
                "Select exactly one question; each needs its own evidence.",
                messages.WARNING,
            )
            return None
        return HttpResponseRedirect(self._mode_url(queryset.get(), mode))

    @admin.action(description="Resolve the selected question…")
    def resolve_selected(self, request, queryset):
        return self._single(request, queryset, "resolve")

    @admin.action(description="Annul the selected question…")
    def annul_selected(self, request, queryset):
        return self._single(request, queryset, "annul")


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    """A read-only ledger of every resolution and correction."""

    list_display = [
        "question",
        "outcome",
        "option",
        "is_current",
        "outcome_known_at",
        "resolved_by",
        "resolved_at",
    ]
    list_filter = ["outcome", "is_current", "is_automatic"]
    search_fields = ["question__title", "evidence_note", "reason"]
    list_select_related = ["question", "option", "resolved_by"]
    date_hierarchy = "resolved_at"
