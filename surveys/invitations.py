"""Invitations and reminders by email, run by the beat tasks in surveys/tasks.py.

Each step is idempotent: an invitation is created once per respondent and wave (unique
constraint, `services.invite`), and each email goes through the outbox under its own key
(`services.email_key`), which sends it once however many runs or workers try; only then is it
recorded on the invitation (`sent_at` from empty, `reminders_sent` from k to k+1, conditional
UPDATEs). A run that fails or is killed between the two leaves the invitation unmarked: the
next run tries again, and the outbox sends only what did not go out.

Who is invited:
- T0: consenting participants not invited at registration, in the 14 days before the event.
- T1 and T2: consenting participants who were checked in, while the wave is open.
Reminders (T1, T2): 7 and 14 days after the invitation, while unanswered and open.
Participants without an email address get theirs through the person who registered them.
"""

import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event, EventStatus
from outbox.services import Delivery, InProgress, deliver
from registrations.models import CheckInResult
from surveys import schedule, services
from surveys.models import Invitation, Wave, WaveKind

log = logging.getLogger(__name__)
REMINDERS_AFTER = (timedelta(days=7), timedelta(days=14))
# Waves are made for events that are published, or completed no longer ago than this.
RECENT = timedelta(weeks=30)


def survey_url(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:survey", args=[token])


def withdraw_url(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:withdraw", args=[token])


def ensure_all_waves(now: datetime) -> None:
    events = Event.objects.filter(
        status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED],
        ends_on__gte=(now - RECENT).date(),
        waves__isnull=True,
    ).select_related("lead")
    for event in events:
        schedule.ensure_waves(event, now)


def eligible(wave: Wave):
    participants = services.consenting().filter(registration__event_id=wave.event_id)
    if wave.kind == WaveKind.BASELINE:
        participants = participants.filter(ticket_revoked_at__isnull=True)
    else:
        participants = participants.filter(check_ins__result=CheckInResult.VALID)
    return (
        participants.exclude(survey_link__respondent__withdrawn_at__isnull=False)
        .exclude(survey_link__respondent__invitations__wave=wave)
        .select_related("registration")
        .distinct()
    )


def create_invitations(now: datetime | None = None) -> int:
    """Invitations for every open wave's eligible participants who have none yet."""
    now = now or timezone.now()
    ensure_all_waves(now)
    created = 0
    for wave in Wave.objects.filter(closed_at__isnull=True, opens_at__lte=now, closes_at__gt=now):
        if (
            wave.kind == WaveKind.BASELINE
            and now < wave.closes_at - schedule.BASELINE_INVITATION_BEFORE
        ):
            continue  # earlier, people are asked right after they register
        for participant in eligible(wave):
            respondent = services.enrol(participant, now=now)
            services.invite(respondent, wave, language=participant.registration.language)
            created += 1
    return created


def _deliverable(now: datetime):
    """Invitations that may still get an email: open, unanswered, not withdrawn, linked."""
    return Invitation.objects.filter(
        answered_at__isnull=True,
        expires_at__gt=now,
        wave__closed_at__isnull=True,
        wave__opens_at__lte=now,
        wave__closes_at__gt=now,
        respondent__withdrawn_at__isnull=True,
        respondent__link__isnull=False,
    ).select_related("wave__event", "respondent__link__participant__registration", "respondent")


def _message(invitation: Invitation, *, reminder: bool) -> EmailMessage:
    participant = invitation.respondent.link.participant
    registration = participant.registration
    token = services.token_of(invitation)
    with translation.override(invitation.language):
        context = {
            "event": invitation.wave.event,
            "wave": invitation.wave,
            "participant": participant,
            "through_buyer": not participant.email,
            "reminder": reminder,
            "survey_url": survey_url(token),
            "withdraw_url": withdraw_url(token),
            "expires_at": invitation.expires_at,
        }
        subject = render_to_string("emails/survey_invitation_subject.txt", context).strip()
        body = render_to_string("emails/survey_invitation.txt", context)
    return EmailMessage(subject, body, to=[participant.email or registration.email])


def _deliver(invitation: Invitation, what: str, *, reminder: bool) -> Delivery | None:
    """The email, once; None when it did not go out now (the next run tries again)."""
    try:
        return deliver(
            services.email_key(invitation, what), lambda: _message(invitation, reminder=reminder)
        )
    except InProgress:
        return None  # another run is sending it right now
    except (SMTPException, OSError):
        log.exception("Survey %s %s not sent; retried on the next run", what, invitation.pk)
        return None


def send_invitations(now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for invitation in _deliverable(now).filter(sent_at__isnull=True):
        delivery = _deliver(invitation, "invitation", reminder=False)
        if delivery is None:
            continue
        Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=now)
        if delivery == Delivery.SENT:
            sent += 1
    return sent


def send_reminders(now: datetime | None = None) -> int:
    now = now or timezone.now()
    followups = _deliverable(now).filter(wave__kind__in=[WaveKind.EXPERIENCE, WaveKind.FOLLOW_UP])
    # Both lists first: one run never sends the first and the second reminder together.
    due = [
        (invitation, count)
        for count, after in enumerate(REMINDERS_AFTER)
        for invitation in followups.filter(reminders_sent=count, sent_at__lte=now - after)
    ]
    sent = 0
    for invitation, count in due:
        delivery = _deliver(invitation, f"reminder-{count + 1}", reminder=True)
        if delivery is None:
            continue
        Invitation.objects.filter(pk=invitation.pk, reminders_sent=count).update(
            reminders_sent=count + 1, last_reminder_at=now
        )
        if delivery == Delivery.SENT:
            sent += 1
    return sent
