"""Accessibility needs serve the door: the daily task deletes them once the event is over. The
rest of the registrations' personal data goes the event's retention period after it ended, by
the same anonymisation as an erasure, keeping the counts."""

import logging
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings

from events import services as planning
from outbox.models import Email
from registrations import checkins, retention, services, tasks, tickets
from registrations.ages import age_group
from registrations.models import Participant, Registration, TicketType
from tests.factories import EventFactory


def _with_needs(person, **fields):
    return person(
        accessibility_consent=True,
        accessibility_needs=["step-free", "quiet-room"],
        accessibility_note="Nut allergy",
        **fields,
    )


def test_needs_stay_until_the_day_after_the_event_then_go(free_ticket, sign_up, person):
    # Move Together Week ends on 30 September 2027.
    outcome = sign_up(free_ticket, participants=[_with_needs(person)])
    participant = Participant.objects.get(registration=outcome.registration)

    with time_machine.travel(date(2027, 10, 1)):
        assert tasks.forget_accessibility_needs.delay().get() == 0
    participant.refresh_from_db()
    assert participant.accessibility_needs == ["step-free", "quiet-room"]

    with time_machine.travel(date(2027, 10, 2)):
        assert tasks.forget_accessibility_needs.delay().get() == 1
    participant.refresh_from_db()
    assert participant.accessibility_needs == []
    assert participant.accessibility_note == ""
    # The consent itself is a record of what the person agreed to, and when: it stays.
    assert participant.accessibility_consent_at is not None
    assert participant.name == "Ayşe Yılmaz"


def test_needs_of_other_events_and_people_without_needs_are_untouched(free_ticket, sign_up, person):
    with_needs = sign_up(free_ticket, participants=[_with_needs(person)])
    without = sign_up(free_ticket)
    with time_machine.travel(date(2027, 9, 15)):  # before the event
        assert tasks.forget_accessibility_needs.delay().get() == 0
    assert Participant.objects.get(registration=with_needs.registration).accessibility_note
    with time_machine.travel(date(2028, 1, 1)):
        assert tasks.forget_accessibility_needs.delay().get() == 1
        # Run again: nothing left to delete, nothing breaks.
        assert tasks.forget_accessibility_needs.delay().get() == 0
    assert Participant.objects.get(registration=without.registration).accessibility_needs == []


def test_the_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["forget-accessibility-needs"]
    assert entry["task"] == tasks.forget_accessibility_needs.name
    assert entry["schedule"].hour == {3}


# Personal data: erased the event's retention period after its last day ---------------------

ERASURE_DAY = date(2027, 12, 30)  # three months after the last day, 30 September 2027


@pytest.fixture
def kept_three_months(event, lead):
    return planning.update_event(event, by=lead, personal_data_retention_months=3)


@pytest.fixture
def crowd(kept_three_months, free_ticket, sign_up, person, lead):
    """A family (a child with a guardian, needs, the survey consent) and a group from Portugal,
    one of them checked in."""
    family = sign_up(
        free_ticket,
        name="Ayşe Yılmaz",
        email="ayse@example.org",
        participants=[
            _with_needs(
                person, name="Ayşe Yılmaz", email="ayse.p@example.org", survey_consent=True
            ),
            person(
                name="Deniz Yılmaz",
                year_of_birth=2015,
                gender="female",
                guardian_name="Ayşe Yılmaz",
                guardian_email="ayse@example.org",
                guardian_confirmed=True,
            ),
        ],
    )
    group = sign_up(
        free_ticket,
        participants=[
            person(name="João", country="PT", role="coach"),
            person(name="Maria", country="PT", gender="female"),
        ],
    )
    joao = group.registration.participants.get(name="João")
    checkins.check_in(kept_three_months, token=tickets.sign(joao), gate="A", by=lead)
    cancelled = sign_up(free_ticket, name="Changed Mind", email="changed@example.org")
    services.cancel_registration(cancelled.registration)
    return [family.registration, group.registration, cancelled.registration]


def _counts(event) -> list[tuple]:
    """What the organisers' counts and the programme's reporting are made of."""
    return sorted(
        (
            str(p.country),
            p.role,
            p.gender,
            age_group(p.year_of_birth, event),
            p.registration.status,
            p.check_ins.filter(result="valid").count(),
        )
        for p in Participant.objects.filter(registration__event=event).select_related(
            "registration"
        )
    )


def test_personal_data_is_erased_on_the_events_day_and_not_before(
    client, kept_three_months, lead, crowd, caplog
):
    event = kept_three_months
    counts = _counts(event)
    url = f"/events/{event.slug}/registrations/"
    with time_machine.travel(ERASURE_DAY - timedelta(days=1)):
        client.force_login(lead)
        page_counts = client.get(url).context["counts"]
        assert tasks.erase_expired_personal_data.delay().get() == {
            "events": 0,
            "registrations": 0,
            "participants": 0,
        }
    assert not Registration.objects.filter(erased_at__isnull=False).exists()

    with time_machine.travel(ERASURE_DAY), caplog.at_level(logging.INFO):
        assert tasks.erase_expired_personal_data.delay().get() == {
            "events": 1,
            "registrations": 3,
            "participants": 5,
        }
        assert client.get(url).context["counts"] == page_counts
    assert "erased the personal data of 3 registrations (5 participants)" in caplog.text
    assert event.slug in caplog.text and "Ayşe" not in caplog.text

    for registration in Registration.objects.filter(event=event):
        assert registration.erased_at is not None
        assert registration.name == "" and registration.email.endswith("@erased.invalid")
        for gone in registration.participants.all():
            assert (gone.name, gone.email, gone.guardian_name, gone.guardian_email) == (
                "",
                "",
                "",
                "",
            )
            assert (gone.accessibility_needs, gone.accessibility_note) == ([], "")
    assert _counts(event) == counts  # by country, role, gender, age group, status, check-in
    deniz = Participant.objects.get(registration=crowd[0], gender="female")
    assert deniz.year_of_birth != 2015 and age_group(deniz.year_of_birth, event) == "under-16"
    # Statuses as they were: a confirmed registration stays confirmed, a cancelled one cancelled.
    assert [r.status for r in Registration.objects.filter(event=event).order_by("pk")] == [
        "confirmed",
        "confirmed",
        "cancelled",
    ]
    # The manage links stop working.
    assert not any(
        services.find_registration(token)
        for token in Registration.objects.filter(event=event).values_list(
            "manage_token_hash", flat=True
        )
    )


def test_the_consent_records_stay_with_their_time_and_version(kept_three_months, crowd):
    ayse = Participant.objects.get(email="ayse.p@example.org")
    given = (ayse.survey_consent_at, ayse.survey_consent_version, ayse.accessibility_consent_at)
    deniz = Participant.objects.get(name="Deniz Yılmaz")
    with time_machine.travel(ERASURE_DAY):
        retention.erase_expired_personal_data()
    ayse.refresh_from_db()
    assert ayse.name == ""
    assert (
        ayse.survey_consent_at,
        ayse.survey_consent_version,
        ayse.accessibility_consent_at,
    ) == given
    assert ayse.survey_consent_withdrawn_at is None  # not withdrawn: the time ran out
    assert given[1] == services.SURVEY_CONSENT_VERSION
    deniz_confirmed = deniz.guardian_confirmed_at
    deniz.refresh_from_db()
    assert deniz.guardian_confirmed_at == deniz_confirmed is not None


def test_the_emails_sent_about_them_are_forgotten_too(kept_three_months, crowd):
    for registration in crowd:
        tasks.send_registration_email.delay(registration.pk, "registered")
    assert Email.objects.count() == len(crowd)
    with time_machine.travel(ERASURE_DAY):
        retention.erase_expired_personal_data()
    assert not Email.objects.exists()


def test_erasing_again_changes_nothing(kept_three_months, crowd):
    with time_machine.travel(ERASURE_DAY):
        retention.erase_expired_personal_data()
    first = dict(Registration.objects.values_list("pk", "erased_at"))
    people = list(Participant.objects.order_by("pk").values())
    with time_machine.travel(ERASURE_DAY + timedelta(days=1)):
        assert retention.erase_expired_personal_data() == {
            "events": 0,
            "registrations": 0,
            "participants": 0,
        }
    assert dict(Registration.objects.values_list("pk", "erased_at")) == first
    assert list(Participant.objects.order_by("pk").values()) == people


def test_each_event_keeps_its_own_period(
    kept_three_months, crowd, catalogue, sign_up, person, lead
):
    other = EventFactory(
        starts_on=date(2027, 9, 1),
        ends_on=date(2027, 9, 30),
        personal_data_retention_months=12,
    )
    ticket = TicketType.objects.create(event=other, name="Walk", capacity=10)
    kept = sign_up(ticket, on=other, email="kept@example.org")
    with time_machine.travel(ERASURE_DAY):
        assert retention.erase_expired_personal_data()["registrations"] == 3
    kept.registration.refresh_from_db()
    assert kept.registration.erased_at is None
    assert kept.registration.email == "kept@example.org"
    with time_machine.travel(date(2028, 9, 30)):
        assert retention.erase_expired_personal_data()["registrations"] == 1
    kept.registration.refresh_from_db()
    assert kept.registration.erased_at is not None


def test_new_events_take_the_sites_default(catalogue, settings, plan):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 18
    event = planning.create_event(
        by=plan.people["lead"],
        lead=plan.event.lead,
        title_i18n={"en": "Autumn Walk"},
        objective="healthy-lifestyles",
        starts_on=date(2027, 10, 1),
        ends_on=date(2027, 10, 1),
    )
    assert event.personal_data_retention_months == 18
    assert retention.erasure_day(event) == date(2029, 4, 1)


def test_the_registration_form_states_the_events_period(client, kept_three_months, free_ticket):
    text = " ".join(client.get(f"/events/{kept_three_months.slug}/register/").text.split())
    assert "erased 3 months after the event; accessibility needs the day after it" in text
    assert 'href="/privacy/"' in text


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 9, 30), 3, date(2027, 12, 30)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 11, 15), 2, date(2028, 1, 15)),
        (date(2027, 5, 31), 120, date(2037, 5, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert retention.add_months(day, months) == expected


def test_erasure_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["erase-expired-personal-data"]
    assert entry["task"] == tasks.erase_expired_personal_data.name
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {45}
