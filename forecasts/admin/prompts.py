"""Resolvers' desk: the queue of due questions and the log of every reminder sent."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from forecasts import reminders, tasks
from forecasts.models import DueQuestion, ResolutionPrompt


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by Reckon itself: shown, never typed in."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DueQuestion)
class DueQuestionAdmin(ReadOnlyAdmin):
    """Questions past resolve-by with no outcome, oldest first."""

    list_display = [
        "question_link",
        "resolve_by",
        "days_overdue",
        "prompts_sent",
        "last_prompted_at",
        "resolve_button",
    ]
    list_display_links = None
    search_fields = ["title", "slug"]
    ordering = ["resolve_by", "pk"]

    def get_queryset(self, request):
        return DueQuestion.objects.due().with_prompt_counts()

    @admin.display(description="Question", ordering="title")
    def question_link(self, obj: DueQuestion) -> str:
        url = reverse("admin:forecasts_question_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.title)

    @admin.display(description="Days overdue", ordering="resolve_by")
    def days_overdue(self, obj: DueQuestion) -> int:
        return obj.days_overdue(timezone.now())

    @admin.display(description="Reminders sent", ordering="prompts_sent")
    def prompts_sent(self, obj: DueQuestion) -> int:
        return obj.prompts_sent

    @admin.display(description="Last reminded", ordering="last_prompted_at")
    def last_prompted_at(self, obj: DueQuestion):
        return obj.last_prompted_at

    @admin.display(description="")
    def resolve_button(self, obj: DueQuestion) -> str:
        url = reverse("admin:forecasts_question_resolve", args=[obj.pk])
        return format_html('<a class="button" href="{}">Resolve</a>', url)


@admin.register(ResolutionPrompt)
class ResolutionPromptAdmin(ReadOnlyAdmin):
    """Every reminder, with its delivery state; failed ones can be sent again."""

    list_display = [
        "question",
        "step",
        "state",
        "due_at",
        "sent_at",
        "attempts",
        "lost_sends",
        "last_error",
    ]
    list_filter = ["state", "step"]
    list_select_related = ["question"]
    search_fields = ["question__title"]
    date_hierarchy = "due_at"
    actions = ["send_again"]

    def has_change_permission(self, request, obj=None) -> bool:
        # Needed by the "send again" action; every field stays read-only.
        return request.user.has_perm("forecasts.change_resolutionprompt")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Send the selected failed reminders again", permissions=["change"])
    def send_again(self, request, queryset):
        reset = [p.pk for p in queryset if reminders.prompt_send_again(prompt=p)]
        for prompt_id in reset:
            transaction.on_commit(lambda pk=prompt_id: tasks.queue_prompt_send(pk))
        level = messages.SUCCESS if reset else messages.WARNING
        self.message_user(
            request, f"Queued {len(reset)} failed reminder(s) to be sent again.", level
        )
