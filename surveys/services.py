"""Survey writes: enrolling a consenting participant under a pseudonym, inviting them to a wave,
answering, withdrawing, and closing waves (which deletes the event's identity links).

Answers only ever hang off a `Respondent`; the one tie to a person is `RespondentLink`, deleted
for the whole event once its last wave is closed. Timestamps that could match a respondent to a
registration (created, sent, answered) are cut to the day when the links go, and the outbox
forgets the survey emails (their keys name the invitation, and their Message-IDs sit in the
person's mailbox).
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import TruncDay
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventStatus
from outbox import services as outbox
from registrations.models import Participant, RegistrationStatus
from sportevents.errors import Conflict, DomainError
from surveys import instruments, schedule
from surveys.links import hash_token, matches, token_for, well_formed
from surveys.models import Invitation, Respondent, RespondentLink, Response, Wave, WaveKind


class LinkNotUsable(DomainError):
    """Unknown, expired, closed or withdrawn: the same answer for all, revealing nothing."""

    status = 404
    code = "not_found"


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def consenting(participants=None):
    """Participants who may be surveyed: consent given and not withdrawn, registration
    confirmed and not erased."""
    return (participants if participants is not None else Participant.objects.all()).filter(
        survey_consent_at__isnull=False,
        survey_consent_withdrawn_at__isnull=True,
        registration__status=RegistrationStatus.CONFIRMED,
        registration__erased_at__isnull=True,
    )


# Enrolling and inviting -------------------------------------------------------------------


def enrol(participant: Participant, *, now: datetime | None = None) -> Respondent:
    """The participant's pseudonym for their event, created once (a race ends in the unique
    constraint on the link; the loser reads the winner's)."""
    link = RespondentLink.objects.select_related("respondent").filter(participant=participant)
    found = link.first()
    if found is not None:
        return found.respondent
    day = _day(now or timezone.now())
    try:
        with transaction.atomic():
            respondent = Respondent.objects.create(
                event_id=participant.registration.event_id, created_at=day
            )
            RespondentLink.objects.create(
                respondent=respondent, participant=participant, created_at=day
            )
            return respondent
    except IntegrityError:
        return link.get().respondent


def invite(
    respondent: Respondent, wave: Wave, *, language: str, sent_at: datetime | None = None
) -> Invitation:
    """The respondent's one invitation to `wave`: created once, under the respondent's row lock
    and the unique (respondent, wave) constraint, so two runs never make two."""
    with transaction.atomic():
        Respondent.objects.select_for_update().filter(pk=respondent.pk).first()
        invitation, _created = Invitation.objects.get_or_create(
            respondent=respondent,
            wave=wave,
            defaults={
                "token_hash": hash_token(token_for(respondent.pseudonym, wave.pk)),
                "language": language,
                "expires_at": wave.closes_at,
                "sent_at": sent_at,
            },
        )
    return invitation


def email_key(invitation: Invitation, what: str) -> str:
    """The outbox key of an email about an invitation: "invitation", "reminder-1", ... They
    start with the event and the invitation (`email_prefix`), by which they are forgotten with
    the tie to the person."""
    return email_prefix(invitation.wave.event_id, invitation.pk) + what


def email_prefix(event_id: int, invitation_id: int | None = None) -> str:
    return f"survey:{event_id}:" + (f"{invitation_id}:" if invitation_id is not None else "")


def token_of(invitation: Invitation) -> str:
    return token_for(invitation.respondent.pseudonym, invitation.wave_id)


def offer_baseline(registration_id: int, *, now: datetime | None = None) -> list[Invitation]:
    """Right after registering (or once confirmed): the consenting participants get their
    baseline invitation at once; the confirmation page and email carry the link."""
    now = now or timezone.now()
    # One query, which finds no one for most registrations (the survey is opt-in).
    participants = list(
        consenting(Participant.objects.filter(registration_id=registration_id))
        .filter(ticket_revoked_at=None, registration__event__status=EventStatus.PUBLISHED)
        .select_related("registration__event")
    )
    if not participants:
        return []
    registration = participants[0].registration
    baseline = schedule.ensure_waves(registration.event, now).get(WaveKind.BASELINE)
    if baseline is None or not baseline.is_open(now):
        return []
    return [
        invite(enrol(p, now=now), baseline, language=registration.language, sent_at=now)
        for p in participants
    ]


# Answering --------------------------------------------------------------------------------


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link stands for, or None. The lookup is by the link's SHA-256 (an index
    lookup on a hash tells nothing about the link), then compared in constant time."""
    if not well_formed(token):
        return None
    invitation = (
        Invitation.objects.select_related("wave__event", "respondent")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not matches(token, invitation.token_hash):
        return None
    return invitation


class State:
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"  # expired, or the wave closed
    NOT_YET = "not_yet"
    WITHDRAWN = "withdrawn"


def state_of(invitation: Invitation, now: datetime | None = None) -> str:
    now = now or timezone.now()
    wave = invitation.wave
    if invitation.respondent.withdrawn_at is not None:
        return State.WITHDRAWN
    if invitation.answered_at is not None:
        return State.ANSWERED
    if wave.closed_at is not None or now >= min(invitation.expires_at, wave.closes_at):
        return State.CLOSED
    if now < wave.opens_at:
        return State.NOT_YET
    return State.OPEN


def submit_answers(invitation: Invitation, answers: dict, *, now: datetime | None = None):
    """Store one respondent's answers to the wave, scored by the wave's instrument version.
    Every item is optional; an unknown item or value is refused (ValidationError, per item) and
    nothing is stored. Answered already: Conflict. Expired, closed or withdrawn: LinkNotUsable."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("wave", "respondent")
            .get(pk=invitation.pk)
        )
        state = state_of(invitation, now)
        if state == State.ANSWERED:
            raise Conflict(_("This survey has been answered already. Thank you!"), code="answered")
        if state != State.OPEN:
            raise LinkNotUsable(_("This survey link is not valid, or no longer."))
        wave = invitation.wave
        clean = instruments.clean_answers(wave.kind, wave.instrument_version, answers)
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    respondent=invitation.respondent,
                    wave=wave,
                    instrument_version=wave.instrument_version,
                    submitted_at=now,
                    answers=clean,
                    **instruments.score(wave.kind, wave.instrument_version, clean),
                )
        except IntegrityError as error:
            raise Conflict(
                _("This survey has been answered already. Thank you!"), code="answered"
            ) from error
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at"])
    return response


# Withdrawing ------------------------------------------------------------------------------


def withdraw(respondent: Respondent, *, now: datetime | None = None) -> Respondent:
    """Leave the survey: the answers are deleted, the respondent is left out of every summary
    from now on, no more invitations come, and the tie to the person is removed. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        respondent = Respondent.objects.select_for_update().get(pk=respondent.pk)
        if respondent.withdrawn_at is None:
            respondent.withdrawn_at = now
            respondent.save(update_fields=["withdrawn_at"])
        respondent.responses.all().delete()
        link = RespondentLink.objects.filter(respondent=respondent).first()
        if link is not None:
            Participant.objects.filter(
                pk=link.participant_id, survey_consent_withdrawn_at__isnull=True
            ).update(survey_consent_at=None, survey_consent_withdrawn_at=now)
            link.delete()
            for pk in respondent.invitations.values_list("pk", flat=True):
                outbox.forget_prefix(email_prefix(respondent.event_id, pk))
    return respondent


def withdraw_participants(participant_ids, *, now: datetime | None = None) -> int:
    """Withdraw the respondents of these participants (consent withdrawn, or data erased)."""
    respondents = list(Respondent.objects.filter(link__participant_id__in=list(participant_ids)))
    for respondent in respondents:
        withdraw(respondent, now=now)
    return len(respondents)


# Closing waves ----------------------------------------------------------------------------


def forget_links(event_ids, *, now: datetime | None = None) -> int:
    """Delete the identity links of these events and cut the timestamps that could tie a
    respondent to a registration down to the day. Returns the links deleted."""
    event_ids = list(event_ids)
    respondents = Respondent.objects.filter(event_id__in=event_ids)
    deleted, _by_model = RespondentLink.objects.filter(respondent__in=respondents).delete()
    for event_id in event_ids:
        outbox.forget_prefix(email_prefix(event_id))
    respondents.update(created_at=TruncDay("created_at"))
    invitations = Invitation.objects.filter(respondent__in=respondents)
    for field in ("sent_at", "last_reminder_at", "answered_at"):
        invitations.filter(**{f"{field}__isnull": False}).update(**{field: TruncDay(field)})
    Response.objects.filter(respondent__in=respondents).update(
        submitted_at=TruncDay("submitted_at")
    )
    return deleted


def close_waves(*, now: datetime | None = None) -> int:
    """Daily: close the waves whose time is up (all waves of a cancelled event), then delete
    the identity links of every event whose waves are all closed. Returns the waves closed."""
    now = now or timezone.now()
    closed = Wave.objects.filter(closed_at__isnull=True).filter(
        Q(closes_at__lte=now) | Q(event__status=EventStatus.CANCELLED)
    )
    count = closed.update(closed_at=now)
    linked = set(RespondentLink.objects.values_list("respondent__event_id", flat=True).distinct())
    still_open = set(
        Wave.objects.filter(event_id__in=linked, closed_at__isnull=True)
        .values_list("event_id", flat=True)
        .distinct()
    )
    with_waves = set(
        Wave.objects.filter(event_id__in=linked).values_list("event_id", flat=True).distinct()
    )
    forget_links(with_waves - still_open, now=now)
    return count
