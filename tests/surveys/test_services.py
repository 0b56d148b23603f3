"""Waves, the baseline offer at registration, consent gating, answering, withdrawal, closing
waves (the identity links go, the answers stay) and erasure."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from events import services as planning
from registrations import privacy
from registrations.models import Participant
from sportevents.errors import Conflict
from surveys import schedule, services
from surveys.models import Invitation, Respondent, RespondentLink, Response, SurveyPlan, Wave
from tests.surveys.conftest import EVENT_END, EVENT_START, wave

pytestmark = pytest.mark.django_db

WHO5 = {f"who5_{n}": 3 for n in range(1, 6)}


def test_waves_follow_the_plan(event):
    now = datetime(2027, 6, 1, tzinfo=UTC)
    waves = schedule.ensure_waves(event, now)
    assert set(waves) == {"t0", "t1", "t2"}
    assert waves["t0"].closes_at == EVENT_START
    assert waves["t0"].opens_at <= now
    assert (waves["t1"].opens_at, waves["t1"].closes_at) == (
        EVENT_END,
        EVENT_END + timedelta(days=14),
    )
    assert waves["t2"].opens_at == EVENT_END + timedelta(weeks=12)
    assert waves["t2"].closes_at == waves["t2"].opens_at + timedelta(days=28)
    assert {w.instrument_version for w in waves.values()} == {"2026.1"}
    # Asking again creates nothing.
    assert schedule.ensure_waves(event, now) == waves
    assert Wave.objects.filter(event=event).count() == 3


def test_a_plan_without_the_experience_wave_and_a_later_follow_up(event):
    SurveyPlan.objects.create(event=event, follow_up_weeks=8, experience_wave=False)
    waves = schedule.ensure_waves(event)
    assert set(waves) == {"t0", "t2"}
    assert waves["t2"].opens_at == EVENT_END + timedelta(weeks=8)


def test_the_event_window_follows_its_sessions(event, plan, lead):
    planning.add_session(
        event,
        by=lead,
        venue=plan.venues["pt"],
        title="Fun run",
        kind="competition",
        starts_at=datetime(2027, 9, 25, 8, tzinfo=UTC),
        ends_at=datetime(2027, 9, 25, 11, tzinfo=UTC),
    )
    assert schedule.event_window(event) == (
        datetime(2027, 9, 25, 8, tzinfo=UTC),
        datetime(2027, 9, 25, 11, tzinfo=UTC),
    )


def test_registering_with_the_consent_offers_the_baseline(register, event):
    outcome = register(language="de")
    participant = outcome.registration.participants.get()
    link = RespondentLink.objects.get(participant=participant)
    invitation = Invitation.objects.get(respondent=link.respondent)
    assert invitation.wave == wave(event, "t0")
    assert invitation.language == "de"
    assert invitation.sent_at is not None  # the confirmation page and email carry it
    assert invitation.expires_at == EVENT_START
    # Only the hash of the link is stored, and nothing of the person.
    assert services.token_of(invitation) not in invitation.token_hash
    fields = {f.name for f in Invitation._meta.concrete_fields}
    fields |= {f.name for f in Response._meta.concrete_fields}
    assert not {"participant", "registration", "email", "name"} & fields


def test_no_consent_no_respondent_no_offer(register):
    register(consent=False)
    assert not Respondent.objects.exists()
    assert not Invitation.objects.exists()


def test_a_child_is_enrolled_only_with_the_guardians_registration(register):
    outcome = register(
        year_of_birth=2015,
        guardian_name="Parent",
        guardian_email="parent@example.org",
        guardian_confirmed=True,
    )
    child = outcome.registration.participants.get()
    assert RespondentLink.objects.filter(participant=child).exists()


def test_the_waiting_list_gets_no_offer_until_confirmed(
    sign_up, event, lead, person, django_capture_on_commit_callbacks
):
    from registrations import services as registrations

    small = registrations.create_ticket_type(event, by=lead, name="Clinic", capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(small, participants=[person(survey_consent=True)])
        waiting = sign_up(small, participants=[person(survey_consent=True)], join_waiting_list=True)
    assert Respondent.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        registrations.cancel_registration(first.registration)
    promoted = waiting.registration.participants.get()
    assert RespondentLink.objects.filter(participant=promoted).exists()


def _invitation(outcome) -> Invitation:
    participant = outcome.registration.participants.get()
    return Invitation.objects.get(respondent__link__participant=participant)


def test_answers_are_scored_and_stored_under_the_pseudonym(register):
    invitation = _invitation(register())
    response = services.submit_answers(
        invitation, {**WHO5, "srh": 2, "fewer_opportunities": ["economic"]}
    )
    assert (response.who5, response.health_good, response.fewer_opportunities) == (60, True, True)
    assert response.respondent == invitation.respondent
    assert response.instrument_version == "2026.1"
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_answering_twice_is_a_conflict_and_changes_nothing(register):
    invitation = _invitation(register())
    services.submit_answers(invitation, WHO5)
    with pytest.raises(Conflict) as caught:
        services.submit_answers(invitation, {"srh": 1})
    assert caught.value.code == "answered"
    assert Response.objects.get().health_good is None


def test_bad_answers_store_nothing(register):
    invitation = _invitation(register())
    with pytest.raises(ValidationError):
        services.submit_answers(invitation, {**WHO5, "srh": 9})
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_an_expired_link_cannot_be_answered(register):
    invitation = _invitation(register())
    with time_machine.travel(EVENT_START + timedelta(minutes=1), tick=False):
        assert services.state_of(invitation) == services.State.CLOSED
        with pytest.raises(services.LinkNotUsable):
            services.submit_answers(invitation, WHO5)


def test_links_find_their_invitation_and_nothing_else(register):
    invitation = _invitation(register())
    token = services.token_of(invitation)
    assert services.find_invitation(token) == invitation
    assert services.find_invitation(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert services.find_invitation("not-a-token") is None


def test_withdrawal_deletes_the_answers_and_the_link(register):
    outcome = register()
    invitation = _invitation(outcome)
    services.submit_answers(invitation, WHO5)
    services.withdraw(invitation.respondent)
    respondent = Respondent.objects.get()
    assert respondent.withdrawn_at is not None
    assert not Response.objects.exists()
    assert not RespondentLink.objects.exists()
    participant = Participant.objects.get()
    assert participant.survey_consent_withdrawn_at is not None
    assert participant.survey_consent_at is None
    services.withdraw(respondent)  # again: nothing changes, nothing breaks
    with pytest.raises(services.LinkNotUsable):
        services.submit_answers(Invitation.objects.get(), WHO5)


def test_withdrawing_the_consent_at_the_manage_link_withdraws_the_answers(register):
    outcome = register()
    invitation = _invitation(outcome)
    services.submit_answers(invitation, WHO5)
    participant = outcome.registration.participants.get()
    privacy.change_details(
        outcome.registration,
        participants=[{"ticket_id": participant.ticket_id, "survey_consent": False}],
    )
    assert Respondent.objects.get().withdrawn_at is not None
    assert not Response.objects.exists()
    assert not RespondentLink.objects.exists()


def test_erasure_removes_the_link_and_withdraws(register):
    outcome = register()
    invitation = _invitation(outcome)
    services.submit_answers(invitation, WHO5)
    privacy.erase_registration(outcome.registration)
    assert not RespondentLink.objects.exists()
    assert Respondent.objects.get().withdrawn_at is not None
    assert not Response.objects.exists()


def test_links_go_when_the_last_wave_closes_and_the_answers_stay(register, event):
    first, second = register(), register()
    services.submit_answers(_invitation(first), WHO5)
    t2 = wave(event, "t2")
    assert services.close_waves(now=EVENT_START) == 1  # T0 only
    assert RespondentLink.objects.count() == 2  # T1 and T2 still to come
    assert services.close_waves(now=t2.closes_at - timedelta(seconds=1)) == 1  # T1
    assert RespondentLink.objects.count() == 2
    assert services.close_waves(now=t2.closes_at) == 1
    assert not RespondentLink.objects.exists()
    assert Participant.objects.count() == 2 and Respondent.objects.count() == 2
    response = Response.objects.get()
    assert response.who5 == 60
    # Times that could match a respondent to a registration are cut to the day.
    assert response.submitted_at == response.submitted_at.replace(hour=0, minute=0, second=0)
    invitation = Invitation.objects.filter(answered_at__isnull=False).get()
    assert invitation.answered_at.hour == 0 and invitation.sent_at.second == 0
    assert second  # the other respondent simply never answered


def test_a_cancelled_events_waves_close_at_once(register, event, lead):
    register()
    planning.change_status(event, by=lead, status="cancelled", reason="Storm")
    services.close_waves()
    assert not Wave.objects.filter(event=event, closed_at__isnull=True).exists()
    assert not RespondentLink.objects.exists()
