"""Resolution reminders: the schedule, the email, and exactly one email per step."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse

from forecasts import reminders
from forecasts.ledger.roles import RESOLVERS
from forecasts.models import ResolutionPrompt
from tests import builders

DUE = datetime(2025, 12, 31, tzinfo=UTC)  # the question fixture's resolve_by


class RefusingBackend(LocmemBackend):
    """An SMTP server that hangs up: nothing is delivered."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class WorkerDied(BaseException):
    """Stands for SIGKILL mid-send: no ``except Exception`` gets to run."""


class DyingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise WorkerDied


def sweep() -> list[int]:
    """What the beat task does, in-process: record due steps, send each one."""
    sent = []
    for prompt_id in reminders.record_due_prompts():
        if reminders.prompt_send(prompt_id=prompt_id):
            sent.append(prompt_id)
    return sent


@pytest.fixture
def reminded(question, resolver, settings):
    settings.RECKON_REMINDER_STEPS_DAYS = [0, 3]
    settings.RECKON_REMINDER_REPEAT_DAYS = 7
    settings.RECKON_RESOLVER_EMAILS = []
    return question


@pytest.mark.parametrize(
    ("after", "step"),
    [
        (timedelta(hours=-1), None),
        (timedelta(0), 0),
        (timedelta(days=2, hours=23), 0),
        (timedelta(days=3), 1),
        (timedelta(days=9, hours=23), 1),
        (timedelta(days=10), 2),
        (timedelta(days=17), 3),
        (timedelta(days=30), 4),
    ],
)
def test_it_steps_when_due_after_three_days_then_weekly(reminded, after, step):
    assert reminders.current_step(reminded, DUE + after) == step


def test_it_reads_the_schedule_from_settings(question, settings):
    settings.RECKON_REMINDER_STEPS_DAYS = [0, 1, 2]
    settings.RECKON_REMINDER_REPEAT_DAYS = 0
    assert reminders.current_step(question, DUE + timedelta(days=40)) == 2
    assert reminders.step_offset(2) == timedelta(days=2)


def test_it_reminds_when_due_then_after_three_days_then_weekly(reminded):
    sent_on = []
    for day in range(-1, 25):
        with time_machine.travel(DUE + timedelta(days=day, minutes=5), tick=False):
            if sweep():
                sent_on.append(day)
    assert sent_on == [0, 3, 10, 17, 24]
    assert len(mail.outbox) == 5
    prompts = ResolutionPrompt.objects.filter(question=reminded).order_by("step")
    assert [(p.step, p.state, p.attempts) for p in prompts] == [
        (step, "sent", 1) for step in range(5)
    ]
    assert prompts[1].due_at == DUE + timedelta(days=3)


def test_it_sends_only_the_current_step_after_the_beat_was_down(reminded):
    with time_machine.travel(DUE + timedelta(days=30), tick=False):
        sweep()
        sweep()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Reminder 4: Due for resolution: {reminded.title}"
    assert list(ResolutionPrompt.objects.values_list("step", flat=True)) == [4]


def test_it_stops_reminding_once_the_question_is_resolved(reminded, resolver):
    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        sweep()
        builders.resolve(reminded, "yes", known_at=DUE, evidence_note="Reported.", by=resolver)
    with time_machine.travel(DUE + timedelta(days=20), tick=False):
        assert sweep() == []
    assert len(mail.outbox) == 1


def test_it_skips_a_recorded_prompt_whose_question_was_resolved_before_sending(reminded, resolver):
    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        [prompt_id] = reminders.record_due_prompts()
        builders.annul(reminded, reason="Ambiguous wording.", by=resolver)
        assert reminders.prompt_send(prompt_id=prompt_id) is False
    assert mail.outbox == []
    assert ResolutionPrompt.objects.get().state == "skipped"


def test_it_writes_the_question_criteria_claims_and_a_resolve_link(
    reminded, author, source, django_user_model, settings
):
    settings.SITE_URL = "https://reckon.example.org"
    settings.RECKON_RESOLVER_EMAILS = ["desk@example.org", "REX@example.org"]
    Group.objects.get(name=RESOLVERS).user_set.add(
        django_user_model.objects.create_user("mute", email=""),
        django_user_model.objects.create_user("gone", "gone@example.org", is_active=False),
    )
    django_user_model.objects.create_user("bystander", "bystander@example.org")
    builders.forecast(
        reminded,
        author,
        source=source,
        probability=0.8,
        stated_at=datetime(2024, 11, 12, tzinfo=UTC),
        at=datetime(2025, 1, 5, tzinfo=UTC),
        phrase="very likely",
        quote="It will very likely happen before the year is out.",
    )
    with time_machine.travel(DUE + timedelta(days=2), tick=False):
        sweep()
    [message] = mail.outbox
    assert message.subject == "Due for resolution: Will it happen by 2025?"
    assert message.to == ["rex@example.org", "desk@example.org"]
    assert message.extra_headers["Message-ID"].startswith("<resolution-prompt-")
    body = message.body
    assert "2 days ago" in body
    assert reminded.resolution_criteria in body
    assert 'Ada Pundit: 80% yes ("very likely"), stated 12 Nov 2024 in What next' in body
    assert "“It will very likely happen before the year is out.”" in body
    resolve = reverse("admin:forecasts_question_resolve", args=[reminded.pk])
    assert f"https://reckon.example.org{resolve}" in body
    assert ResolutionPrompt.objects.get().recipients == ["rex@example.org", "desk@example.org"]


def test_it_shows_option_probabilities_for_multiple_choice(
    choice_question, author, source, resolver, settings
):
    settings.RECKON_REMINDER_STEPS_DAYS = [0, 3]
    options = list(choice_question.options.all())
    builders.forecast(
        choice_question,
        author,
        source=source,
        option_probabilities={options[0].pk: 0.5, options[1].pk: 0.3, options[2].pk: 0.2},
        stated_at=datetime(2024, 11, 12, tzinfo=UTC),
        at=datetime(2025, 1, 5, tzinfo=UTC),
    )
    with time_machine.travel(DUE, tick=False):
        sweep()
    body = mail.outbox[0].body
    assert "Options: Red · Blue · Green" in body
    assert "Ada Pundit: Red 50%, Blue 30%, Green 20%" in body


def test_it_sends_a_step_once_however_often_the_task_is_delivered(reminded):
    with time_machine.travel(DUE, tick=False):
        [prompt_id] = reminders.record_due_prompts()
        assert reminders.record_due_prompts() == [prompt_id]  # a second beat records nothing new
        assert reminders.prompt_send(prompt_id=prompt_id) is True
        assert reminders.prompt_send(prompt_id=prompt_id) is False
        assert sweep() == []
    assert len(mail.outbox) == 1
    assert ResolutionPrompt.objects.count() == 1


def test_it_keeps_a_refused_send_pending_and_retries_it(reminded, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.RefusingBackend"
    with time_machine.travel(DUE, tick=False):
        [prompt_id] = reminders.record_due_prompts()
        with pytest.raises(SMTPServerDisconnected):
            reminders.prompt_send(prompt_id=prompt_id)
        prompt = ResolutionPrompt.objects.get()
        assert (prompt.state, prompt.attempts) == ("pending", 1)
        assert prompt.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert sweep() == [prompt_id]
    prompt.refresh_from_db()
    assert (prompt.state, prompt.attempts, prompt.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_it_gives_up_after_the_configured_attempts(reminded, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.RefusingBackend"
    settings.RECKON_REMINDER_MAX_ATTEMPTS = 3
    with time_machine.travel(DUE, tick=False):
        [prompt_id] = reminders.record_due_prompts()
        for _ in range(3):
            with pytest.raises(SMTPServerDisconnected):
                reminders.prompt_send(prompt_id=prompt_id)
        assert reminders.record_due_prompts() == []
        assert reminders.prompt_send(prompt_id=prompt_id) is False
    prompt = ResolutionPrompt.objects.get()
    assert (prompt.state, prompt.attempts) == ("failed", 3)
    assert prompt.last_error.startswith("Gave up after 3 attempts.")


def test_it_retries_a_send_lost_with_its_worker_once_after_the_lease(reminded, settings):
    settings.RECKON_REMINDER_LEASE_SECONDS = 600
    settings.EMAIL_BACKEND = "tests.test_reminders.DyingBackend"
    with time_machine.travel(DUE, tick=False) as clock:
        [prompt_id] = reminders.record_due_prompts()
        with pytest.raises(WorkerDied):
            reminders.prompt_send(prompt_id=prompt_id)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        # Within the lease the prompt may still be in flight: leave it alone.
        clock.shift(timedelta(seconds=599))
        assert reminders.record_due_prompts() == []
        assert reminders.prompt_send(prompt_id=prompt_id) is False
        clock.shift(timedelta(seconds=2))
        assert sweep() == [prompt_id]
        assert sweep() == []
    prompt = ResolutionPrompt.objects.get()
    assert (prompt.state, prompt.attempts, prompt.lost_sends) == ("sent", 2, 1)
    assert len(mail.outbox) == 1


def test_it_fails_a_prompt_whose_worker_died_twice_rather_than_risk_more_copies(reminded, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.DyingBackend"
    with time_machine.travel(DUE, tick=False) as clock:
        [prompt_id] = reminders.record_due_prompts()
        for _ in range(2):
            with pytest.raises(WorkerDied):
                reminders.prompt_send(prompt_id=prompt_id)
            clock.shift(timedelta(seconds=settings.RECKON_REMINDER_LEASE_SECONDS + 1))
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert sweep() == []
        assert sweep() == []
    prompt = ResolutionPrompt.objects.get()
    assert (prompt.state, prompt.lost_sends) == ("failed", 1)
    assert "died twice" in prompt.last_error
    assert mail.outbox == []


def test_it_waits_for_a_recipient_instead_of_dropping_the_reminder(question, django_user_model):
    with time_machine.travel(DUE, tick=False):
        assert sweep() == []
        prompt = ResolutionPrompt.objects.get()
        assert prompt.state == "pending"
        assert prompt.last_error.startswith("No recipients")
        late = django_user_model.objects.create_user("late", "late@example.org")
        late.groups.add(Group.objects.get(name=RESOLVERS))
        assert sweep() == [prompt.pk]
    assert mail.outbox[0].to == ["late@example.org"]


def test_it_sends_again_a_failed_prompt_an_admin_picks(reminded, settings):
    settings.EMAIL_BACKEND = "tests.test_reminders.RefusingBackend"
    settings.RECKON_REMINDER_MAX_ATTEMPTS = 1
    with time_machine.travel(DUE, tick=False):
        [prompt_id] = reminders.record_due_prompts()
        with pytest.raises(SMTPServerDisconnected):
            reminders.prompt_send(prompt_id=prompt_id)
        prompt = ResolutionPrompt.objects.get()
        assert prompt.state == "failed"
        assert reminders.prompt_send_again(prompt=prompt) is True
        assert reminders.prompt_send_again(prompt=prompt) is False
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert sweep() == [prompt_id]
    assert len(mail.outbox) == 1


def test_it_records_prompts_in_a_constant_number_of_queries(reminded, django_assert_num_queries):
    for n in range(20):
        builders.question(
            f"q{n}",
            opens_at=reminded.opens_at,
            closes_at=reminded.closes_at,
            resolve_by=reminded.resolve_by,
        )
    # Due questions, the insert, the prompts to send, and whether anyone can receive them.
    with time_machine.travel(DUE, tick=False), django_assert_num_queries(4):
        assert len(reminders.record_due_prompts()) == 21


def test_it_builds_the_email_in_a_constant_number_of_queries(
    choice_question, author, source, django_user_model, django_assert_num_queries
):
    options = list(choice_question.options.all())
    with time_machine.travel(datetime(2025, 1, 5, tzinfo=UTC), tick=False):
        for n in range(10):
            pundit = author if n == 0 else builders.author(f"P{n}")
            builders.forecast(
                choice_question,
                pundit,
                source=source,
                option_probabilities=[0.2, 0.3, 0.5],
                stated_at=datetime(2024, 11, 12, tzinfo=UTC),
            )
    prompt = ResolutionPrompt.objects.create(question=choice_question, step=0, due_at=DUE)
    prompt = ResolutionPrompt.objects.select_related("question").get(pk=prompt.pk)
    # Forecasts, their option probabilities, those options, the question's options.
    with django_assert_num_queries(4):
        body = reminders.prompt_message(prompt).body
    assert body.count("Red 20%, Blue 30%, Green 50%") == 10
    assert options[0].label in body


def test_it_warns_once_when_reminders_wait_for_a_recipient_not_at_every_sweep(
    question, caplog, django_user_model
):
    caplog.set_level("INFO", logger="forecasts.reminders")
    with time_machine.travel(DUE, tick=False) as clock:
        for _ in range(4):  # an hour of sweeps
            assert sweep() == []
            clock.shift(timedelta(minutes=15))
    records = [r for r in caplog.records if r.name == "forecasts.reminders"]
    assert [r.levelname for r in records] == ["WARNING"]
    assert "RECKON_RESOLVER_EMAILS" in records[0].getMessage()
    assert "Resolvers" in records[0].getMessage()
    prompt = ResolutionPrompt.objects.get()
    assert (prompt.state, prompt.last_error) == ("pending", reminders.NO_RECIPIENTS)
