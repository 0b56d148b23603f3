"""Invitations and reminders by email: who gets them, in which language, sent once however
often the tasks run, reminders after 7 and 14 days, and nothing once the links are gone."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from outbox.models import Email, EmailStatus
from surveys import invitations, services, tasks
from surveys.models import Invitation, RespondentLink
from tests.surveys.conftest import EVENT_END, EVENT_START, links_in, token_of, wave

pytestmark = pytest.mark.django_db

FOLLOW_UP = EVENT_END + timedelta(weeks=12, hours=1)


def run_tasks():
    tasks.close_survey_waves.delay()
    tasks.send_survey_invitations.delay()
    tasks.send_survey_reminders.delay()


def test_the_follow_up_goes_to_those_checked_in_who_consented(register, check_in, event):
    attended = register(language="es", email="ana@example.org")
    check_in(attended)
    check_in(register(consent=False))
    register()  # consented but did not come
    mail.outbox.clear()
    with time_machine.travel(FOLLOW_UP, tick=False):
        run_tasks()
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "encuesta" in message.body.lower() or "survey" in message.body.lower()
    invitation = Invitation.objects.get(wave=wave(event, "t2"))
    assert links_in(message.body) == [token_of(invitation)] * 2
    assert "/withdraw/" in message.body
    assert invitation.language == "es"


def test_running_the_tasks_twice_sends_one_invitation(register, check_in, event):
    check_in(register())
    mail.outbox.clear()
    with time_machine.travel(FOLLOW_UP, tick=False):
        run_tasks()
        run_tasks()
    with time_machine.travel(FOLLOW_UP + timedelta(hours=1), tick=False):
        run_tasks()
    assert len(mail.outbox) == 1
    assert Invitation.objects.filter(wave=wave(event, "t2")).count() == 1


def test_reminders_after_seven_and_fourteen_days_then_no_more(register, check_in, event):
    check_in(register())
    mail.outbox.clear()
    with time_machine.travel(FOLLOW_UP, tick=False):
        run_tasks()
    for days, expected in [(6, 1), (7, 2), (8, 2), (13, 2), (14, 3), (15, 3), (21, 3), (27, 3)]:
        with time_machine.travel(FOLLOW_UP + timedelta(days=days), tick=False):
            run_tasks()
            run_tasks()
        assert len(mail.outbox) == expected, days
    assert "reminder" in mail.outbox[1].subject.lower()
    invitation = Invitation.objects.get(wave=wave(event, "t2"))
    assert invitation.reminders_sent == 2


def test_no_reminder_once_answered_or_withdrawn(register, check_in, event):
    check_in(register())
    check_in(register())
    mail.outbox.clear()
    with time_machine.travel(FOLLOW_UP, tick=False):
        run_tasks()
        first, second = Invitation.objects.filter(wave=wave(event, "t2")).order_by("pk")
        services.submit_answers(first, {"srh": 1})
        services.withdraw(second.respondent)
    with time_machine.travel(FOLLOW_UP + timedelta(days=7), tick=False):
        run_tasks()
    assert len(mail.outbox) == 2  # the two invitations, no reminder


def test_the_experience_wave_right_after_the_event(register, check_in, event):
    check_in(register())
    mail.outbox.clear()
    with time_machine.travel(EVENT_END + timedelta(hours=2), tick=False):
        run_tasks()
    [message] = mail.outbox
    assert Invitation.objects.get(wave=wave(event, "t1")).sent_at is not None
    assert "After" in message.subject


def test_the_baseline_invitation_goes_14_days_before_to_those_not_asked_yet(
    register, event, sign_up, free_ticket, person
):
    asked = register()  # offered at registration
    # Registered before the survey existed: no on-commit offer ran for them.
    sign_up(free_ticket, email="early@example.org", participants=[person(survey_consent=True)])
    assert RespondentLink.objects.count() == 1
    mail.outbox.clear()
    with time_machine.travel(EVENT_START - timedelta(days=15), tick=False):
        run_tasks()
    assert not mail.outbox
    with time_machine.travel(EVENT_START - timedelta(days=13), tick=False):
        run_tasks()
        run_tasks()
    [message] = mail.outbox
    assert message.to == ["early@example.org"]
    assert asked.registration.email not in str([m.to for m in mail.outbox])


def test_a_participant_without_an_address_is_reached_through_the_buyer(
    sign_up, free_ticket, person, check_in, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sign_up(
            free_ticket,
            email="parent@example.org",
            participants=[person(name="Deniz", survey_consent=True, email="")],
        )
    check_in(outcome)
    mail.outbox.clear()
    with time_machine.travel(FOLLOW_UP, tick=False):
        run_tasks()
    [message] = mail.outbox
    assert message.to == ["parent@example.org"]
    assert "Deniz" in message.body


def test_nothing_can_be_sent_once_the_links_are_gone(register, check_in, event):
    check_in(register())
    t2 = wave(event, "t2")
    with time_machine.travel(t2.closes_at + timedelta(hours=1), tick=False):
        run_tasks()
    assert not RespondentLink.objects.exists()
    mail.outbox.clear()
    with time_machine.travel(t2.closes_at + timedelta(days=7), tick=False):
        run_tasks()
    assert not mail.outbox
    assert invitations.send_invitations() == 0


# Runs that die half-way (the outbox) ------------------------------------------------------


def test_a_run_killed_after_sending_does_not_send_again(register, check_in, event):
    check_in(register())
    mail.outbox.clear()
    with time_machine.travel(FOLLOW_UP, tick=False):
        run_tasks()
        # The email went out, then the run died before it marked the invitation.
        Invitation.objects.filter(wave=wave(event, "t2")).update(sent_at=None)
        run_tasks()
    assert len(mail.outbox) == 1
    assert Invitation.objects.get(wave=wave(event, "t2")).sent_at is not None


def test_a_run_killed_while_sending_is_sent_by_a_later_run_once_its_claim_is_stale(
    register, check_in, event, settings
):
    settings.OUTBOX_CLAIM_TIMEOUT = 600
    check_in(register())
    mail.outbox.clear()
    with time_machine.travel(FOLLOW_UP, tick=False):
        invitations.create_invitations()
        invitation = Invitation.objects.get(wave=wave(event, "t2"))
        # A run claimed the email, then died (or is still talking to the mail server).
        Email.objects.create(
            key=services.email_key(invitation, "invitation"),
            status=EmailStatus.SENDING,
            attempts=1,
            claimed_at=timezone.now(),
        )
        run_tasks()
    assert mail.outbox == []
    assert Invitation.objects.get(pk=invitation.pk).sent_at is None  # left for a later run
    with time_machine.travel(FOLLOW_UP + timedelta(hours=1), tick=False):
        run_tasks()
        run_tasks()
    assert len(mail.outbox) == 1
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


def test_withdrawing_and_closing_the_waves_forget_the_survey_emails(register, check_in, event):
    """Their keys name the invitation, hence the pseudonym: they go with the tie to the
    person."""
    check_in(register())
    check_in(register())
    with time_machine.travel(FOLLOW_UP, tick=False):
        run_tasks()
    leaving, staying = Invitation.objects.filter(wave=wave(event, "t2")).order_by("pk")
    others = set(Email.objects.exclude(key__startswith="survey:").values_list("key", flat=True))
    assert Email.objects.filter(key__startswith="survey:").count() == 2

    services.withdraw(leaving.respondent)
    assert set(Email.objects.filter(key__startswith="survey:").values_list("key", flat=True)) == {
        services.email_key(staying, "invitation")
    }
    with time_machine.travel(wave(event, "t2").closes_at + timedelta(hours=1), tick=False):
        run_tasks()
    assert not RespondentLink.objects.exists()
    assert set(Email.objects.values_list("key", flat=True)) == others
