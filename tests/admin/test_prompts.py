"""The resolvers' due queue and the reminder log in the admin."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from forecasts.models import Question, ResolutionPrompt
from tests import builders

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def make_question(slug: str, resolve_by: datetime, **fields) -> Question:
    """A question ("Question <slug>") open from January to June 2025, due at ``resolve_by``."""
    return builders.question(
        slug,
        opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        closes_at=datetime(2025, 6, 1, tzinfo=UTC),
        resolve_by=resolve_by,
        **fields,
    )


@pytest.fixture
def queue(db):
    oldest = make_question("oldest", NOW - timedelta(days=40))
    recent = make_question("recent", NOW - timedelta(days=2))
    make_question("not-yet", NOW + timedelta(days=5))
    make_question("done", NOW - timedelta(days=60), state=Question.State.RESOLVED)
    for step in range(3):
        ResolutionPrompt.objects.create(
            question=oldest,
            step=step,
            due_at=oldest.resolve_by,
            state="sent",
            sent_at=NOW - timedelta(days=10 - step),
        )
    ResolutionPrompt.objects.create(
        question=recent, step=0, due_at=recent.resolve_by, state="failed", last_error="SMTP said no"
    )
    return oldest, recent


def test_it_lists_due_questions_oldest_first_with_days_overdue_and_reminders(
    client, resolver, queue, django_assert_max_num_queries
):
    client.force_login(resolver)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(12):
        response = client.get(reverse("admin:forecasts_duequestion_changelist"))
    assert response.status_code == 200
    rows = [(q.title, q.prompts_sent) for q in response.context["cl"].result_list]
    assert rows == [("Question oldest", 3), ("Question recent", 0)]
    html = response.content.decode()
    assert html.index("Question oldest") < html.index("Question recent")
    assert '<td class="field-days_overdue">40</td>' in html
    assert reverse("admin:forecasts_question_resolve", args=[queue[0].pk]) in html
    assert "Question not-yet" not in html and "Question done" not in html


def test_it_shows_every_prompt_with_its_state_to_resolvers(client, resolver, queue):
    client.force_login(resolver)
    response = client.get(reverse("admin:forecasts_resolutionprompt_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 4
    assert "SMTP said no" in response.content.decode()


def test_it_lets_a_resolver_send_a_failed_reminder_again(
    client, resolver, queue, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("forecasts.tasks.queue_prompt_send", queued.append)
    failed = ResolutionPrompt.objects.get(state="failed")
    client.force_login(resolver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:forecasts_resolutionprompt_changelist"),
            {
                "action": "send_again",
                "_selected_action": [p.pk for p in ResolutionPrompt.objects.all()],
            },
            follow=True,
        )
    assert "Queued 1 failed reminder(s) to be sent again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == ("pending", 0, "")
    assert queued == [failed.pk]
    assert ResolutionPrompt.objects.filter(state="sent").count() == 3


def test_it_never_lets_anyone_type_in_or_delete_a_prompt(admin_client, queue):
    prompt = ResolutionPrompt.objects.first()
    assert admin_client.get(reverse("admin:forecasts_resolutionprompt_add")).status_code == 403
    delete = reverse("admin:forecasts_resolutionprompt_delete", args=[prompt.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:forecasts_resolutionprompt_change", args=[prompt.pk])
    admin_client.post(change, {"state": "sent", "step": 9})
    prompt.refresh_from_db()
    assert prompt.step != 9


def test_it_hides_the_reminder_log_from_people_without_a_role(client, django_user_model, queue):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    response = client.get(reverse("admin:forecasts_duequestion_changelist"))
    assert response.status_code == 403
