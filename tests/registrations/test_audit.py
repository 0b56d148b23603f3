"""The audit log of registrations, ticket types and check-ins: who (the participant at their
link or on the form, an organiser, the daily task, a door device) did what, with the state that
changed; and never a person's data, not even before it is erased."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events.models import ActorKind, AuditAction, AuditEntry, AuditObject, Event, Role
from registrations import checkins, data_requests, privacy, retention, services, tickets
from registrations.models import CheckIn, Registration
from tests.planning_fixtures import member

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"
SYNC = "/api/v1/checkins/sync/"
MANAGE_API = "/api/v1/registrations/manage/{token}/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def entries_of(registration, action=None):
    entries = AuditEntry.objects.filter(
        object_type=AuditObject.REGISTRATION, object_id=str(registration.pk)
    ).order_by("pk")
    return entries.filter(action=action) if action else entries


def fields(entry: AuditEntry) -> dict:
    return {
        change["field"]: (change.get("before"), change.get("after")) for change in entry.changes
    }


def test_registering_is_logged_as_the_participant_with_status_ticket_and_seats(
    free_ticket, sign_up, person
):
    registration = sign_up(free_ticket, participants=[person(), person(name="Can")]).registration
    [entry] = entries_of(registration)
    assert (entry.action, entry.actor_kind, entry.actor) == (
        AuditAction.CREATED,
        ActorKind.PARTICIPANT,
        None,
    )
    assert entry.object_label == registration.reference
    assert fields(entry) == {
        "status": (None, "confirmed"),
        "ticket_type": (None, "Fun run 5 km"),
        "seats": (None, 2),
    }


def test_a_refused_registration_leaves_no_entry(free_ticket, sign_up, person):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        sign_up(free_ticket, participants=[person(year_of_birth=1800)])
    assert AuditEntry.objects.count() == before


def test_cancelling_at_the_manage_link_promotes_the_next_in_line_with_the_same_actor(
    client, event, lead, sign_up
):
    one_seat = services.create_ticket_type(event, by=lead, name="Solo", capacity=1)
    first = sign_up(one_seat)
    waiting = sign_up(one_seat, join_waiting_list=True).registration
    assert fields(entries_of(waiting).get())["status"] == (None, "waitlisted")

    response = client.post(reverse("registrations:cancel", args=[first.manage_token]))
    assert response.status_code == 302
    cancelled = entries_of(first.registration, AuditAction.CANCELLED).get()
    assert cancelled.actor_kind == ActorKind.PARTICIPANT
    assert fields(cancelled) == {"status": ("confirmed", "cancelled")}
    promoted = entries_of(waiting, AuditAction.PROMOTED).get()
    assert promoted.actor_kind == ActorKind.PARTICIPANT
    assert fields(promoted) == {"status": ("waitlisted", "confirmed")}


def test_an_organiser_cancelling_is_the_actor(api, plan, lead, free_ticket, sign_up):
    registration = sign_up(free_ticket).registration
    api.force_authenticate(plan.people["pt"])
    response = api.post(f"/api/v1/registrations/{registration.reference}/cancel/")
    assert response.status_code == 200
    entry = entries_of(registration, AuditAction.CANCELLED).get()
    assert (entry.actor_kind, entry.actor) == (ActorKind.USER, plan.people["pt"])


def test_ticket_types_are_logged_and_more_seats_promote_by_the_organiser(event, lead, sign_up):
    ticket = services.create_ticket_type(
        event, by=lead, name="Relay", capacity=1, allocations={"PT": 1}
    )
    created = AuditEntry.objects.get(object_type=AuditObject.TICKET_TYPE, action="created")
    assert created.actor == lead and created.object_label == "Relay"
    assert fields(created)["capacity"] == (None, 1)
    assert fields(created)["allocations"] == (None, {"PT": 1})
    assert fields(created)["price"] == (None, "0.00")

    sign_up(ticket, participants=[{"name": "A", "country": "PT", "year_of_birth": 1990}])
    waiting = sign_up(
        ticket,
        participants=[{"name": "B", "country": "PT", "year_of_birth": 1990}],
        join_waiting_list=True,
    ).registration
    services.update_ticket_type(ticket, by=lead, capacity=2, allocations={"PT": 2}, price="0")
    changed = AuditEntry.objects.get(object_type=AuditObject.TICKET_TYPE, action="changed")
    assert fields(changed) == {"capacity": (1, 2), "allocations": ({"PT": 1}, {"PT": 2})}
    promoted = entries_of(waiting, AuditAction.PROMOTED).get()
    assert (promoted.actor_kind, promoted.actor) == (ActorKind.USER, lead)


def test_changed_details_are_logged_by_field_name_only(api, free_ticket, sign_up, person):
    outcome = sign_up(
        free_ticket,
        participants=[
            person(name="Ayşe Yılmaz"),
            person(
                name="Jonas Müller",
                country="DE",
                accessibility_consent=True,
                accessibility_note="Wheelchair",
            ),
        ],
    )
    jonas = outcome.registration.participants.get(country="DE")
    response = api.patch(
        MANAGE_API.format(token=outcome.manage_token),
        {
            "email": "new-address@example.org",
            "participants": [
                {
                    "ticket_id": str(jonas.ticket_id),
                    "name": "Jonas Schmidt",
                    "country": "AT",
                    "accessibility_consent": True,
                    "accessibility_note": "Crutches",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    entry = entries_of(outcome.registration, AuditAction.CHANGED).get()
    assert entry.actor_kind == ActorKind.PARTICIPANT
    assert entry.changes == [
        {"field": "email"},
        {"field": "participants[1].name"},
        {"field": "participants[1].country"},
        {"field": "participants[1].accessibility_note"},
    ]
    # Sending the same details again changes nothing and logs nothing.
    again = api.patch(
        MANAGE_API.format(token=outcome.manage_token), {"name": outcome.registration.name}
    )
    assert again.status_code == 200
    assert entries_of(outcome.registration, AuditAction.CHANGED).count() == 1


def test_erasing_logs_the_cancellation_and_the_erasure(free_ticket, sign_up):
    registration = sign_up(free_ticket).registration
    privacy.erase_registration(registration)
    cancelled, erased = entries_of(registration).exclude(action=AuditAction.CREATED)
    assert (cancelled.action, erased.action) == (AuditAction.CANCELLED, AuditAction.ERASED)
    assert erased.actor_kind == ActorKind.PARTICIPANT
    assert {"field": "participants.accessibility_note"} in erased.changes
    assert all(set(change) == {"field"} for change in erased.changes)


def test_an_administrator_answering_a_data_request_is_the_actor(
    event, free_ticket, sign_up, person
):
    admin = member(event.lead, Role.ADMIN)
    own = sign_up(free_ticket, email="ayse@example.org").registration
    group = sign_up(
        free_ticket,
        participants=[person(name="Can"), person(name="Ayşe", email="ayse@example.org")],
    ).registration
    data_requests.erase_person(event.lead, "ayse@example.org", by=admin)

    cancelled = entries_of(own, AuditAction.CANCELLED).get()
    erased = entries_of(own, AuditAction.ERASED).get()
    assert (cancelled.actor, erased.actor) == (admin, admin)
    assert {"field": "participants.survey_consent"} in erased.changes
    [theirs] = entries_of(group, AuditAction.ERASED)
    assert theirs.actor == admin
    assert {"field": "participants[1].name"} in theirs.changes
    assert not any(c["field"].startswith("participants[0]") for c in theirs.changes)


def test_the_retention_task_erasing_is_the_system(event, free_ticket, sign_up):
    registration = sign_up(free_ticket).registration
    Event.objects.filter(pk=event.pk).update(personal_data_retention_months=1)
    with time_machine.travel(date(2027, 11, 1)):
        retention.erase_expired_personal_data()
    erased = entries_of(registration, AuditAction.ERASED).get()
    assert erased.actor_kind == ActorKind.SYSTEM
    # The consents stay after a retention erasure: not listed as removed.
    assert {"field": "participants.survey_consent"} not in erased.changes
    assert {"field": "participants.name"} in erased.changes


def test_the_daily_task_logs_the_needs_it_deleted(free_ticket, sign_up, person):
    with_needs = sign_up(
        free_ticket,
        participants=[person(accessibility_consent=True, accessibility_needs=["step-free"])],
    ).registration
    sign_up(free_ticket)  # without needs: nothing to log
    with time_machine.travel(date(2027, 10, 2)):
        assert retention.forget_accessibility_needs() == 1  # what the daily task runs
    [entry] = AuditEntry.objects.filter(action=AuditAction.ERASED)
    assert (entry.object_id, entry.actor_kind) == (str(with_needs.pk), ActorKind.SYSTEM)
    assert entry.changes == [
        {"field": "participants.accessibility_needs"},
        {"field": "participants.accessibility_note"},
    ]


# Check-in ---------------------------------------------------------------------------------


@pytest.fixture
def opened(event):
    Event.objects.filter(pk=event.pk).update(published_at=timezone.now() - timedelta(days=1))
    event.refresh_from_db()
    return event


@pytest.fixture
def ticket_of(free_ticket, sign_up, opened):
    def ticket_of(**fields):
        registration = sign_up(free_ticket, **fields).registration
        Registration.objects.filter(pk=registration.pk).update(
            created_at=timezone.now() - timedelta(days=1)
        )
        participant = registration.participants.get()
        return registration, tickets.sign(participant)

    return ticket_of


def test_a_green_scan_is_logged_by_the_person_or_their_device(api, plan, lead, event, ticket_of):
    registration, token = ticket_of()
    api.force_authenticate(plan.people["fi"])
    answer = api.post(CHECKINS, {"event": event.slug, "token": token, "gate": "North"}).json()
    assert answer["result"] == "valid"
    [entry] = AuditEntry.objects.filter(action=AuditAction.CHECKED_IN)
    assert (entry.actor_kind, entry.actor) == (ActorKind.USER, plan.people["fi"])
    assert (entry.object_type, entry.object_label) == (AuditObject.CHECK_IN, registration.reference)
    assert fields(entry)["gate"] == (None, "North")
    # A second scan is in the check-in log, not in the audit log: nothing changed.
    again = api.post(CHECKINS, {"event": event.slug, "token": token, "gate": "East"}).json()
    assert again["result"] == "already"
    assert AuditEntry.objects.filter(object_type=AuditObject.CHECK_IN).count() == 1

    other, other_token = ticket_of()
    checkins.check_in(event, token=other_token, gate="South", by=lead, device="gate-phone-7")
    entry = AuditEntry.objects.filter(action=AuditAction.CHECKED_IN).latest("pk")
    assert (entry.actor_kind, entry.device, entry.actor) == (ActorKind.DEVICE, "gate-phone-7", lead)
    assert entry.actor_label == f"Door device gate-phone-7 ({lead})"


def test_a_synced_earlier_scan_is_logged_as_the_device_and_the_later_green_one_as_changed(
    api, lead, event, ticket_of
):
    registration, token = ticket_of()
    api.force_authenticate(lead)
    live = api.post(CHECKINS, {"event": event.slug, "token": token, "gate": "North"}).json()
    assert live["result"] == "valid"
    earlier = timezone.now() - timedelta(minutes=20)
    response = api.post(
        SYNC,
        {
            "event": event.slug,
            "scans": [
                {
                    "token": token,
                    "gate": "South",
                    "scanned_at": earlier.isoformat(),
                    "device": "offline-2",
                }
            ],
        },
    )
    assert response.json()["results"][0]["result"] == "valid"
    changed = AuditEntry.objects.get(object_type=AuditObject.CHECK_IN, action=AuditAction.CHANGED)
    assert changed.object_id == str(CheckIn.objects.get(gate="North").pk)
    assert fields(changed) == {"result": ("valid", "already")}
    assert (changed.actor_kind, changed.device) == (ActorKind.DEVICE, "offline-2")
    synced = AuditEntry.objects.filter(action=AuditAction.CHECKED_IN).latest("pk")
    assert (synced.actor_kind, synced.device) == (ActorKind.DEVICE, "offline-2")
    assert fields(synced)["gate"] == (None, "South")


# No personal data -----------------------------------------------------------------------------

MARKERS = {
    "buyer": "Zyxbuyername",
    "buyer_email": "zyxbuyer@marker.example",
    "name": "Zyxparticipant",
    "email": "zyxperson@marker.example",
    "guardian": "Zyxguardian",
    "guardian_email": "zyxguardian@marker.example",
    "note": "Zyxnote insulin",
    "new_name": "Zyxrenamed",
    "new_email": "zyxnew@marker.example",
    "new_note": "Zyxnewnote",
}


def test_no_personal_data_reaches_the_log_its_page_csv_or_api(
    client, api, plan, lead, event, free_ticket, sign_up, person, opened
):
    child = person(
        name=MARKERS["name"],
        email=MARKERS["email"],
        year_of_birth=2015,
        guardian_name=MARKERS["guardian"],
        guardian_email=MARKERS["guardian_email"],
        guardian_confirmed=True,
        accessibility_consent=True,
        accessibility_needs=["quiet-room"],
        accessibility_note=MARKERS["note"],
        survey_consent=True,
    )
    outcome = sign_up(
        free_ticket, name=MARKERS["buyer"], email=MARKERS["buyer_email"], participants=[child]
    )
    registration = outcome.registration
    participant = registration.participants.get()
    api.patch(
        MANAGE_API.format(token=outcome.manage_token),
        {
            "name": MARKERS["new_name"],
            "email": MARKERS["new_email"],
            "participants": [
                {
                    "ticket_id": str(participant.ticket_id),
                    "name": MARKERS["new_name"],
                    "accessibility_consent": True,
                    "accessibility_note": MARKERS["new_note"],
                }
            ],
        },
        format="json",
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    participant.refresh_from_db()
    checkins.check_in(event, token=tickets.sign(participant), gate="North", by=lead)
    services.cancel_by_organiser(registration, by=lead)
    privacy.erase_registration(registration)
    assert AuditEntry.objects.filter(object_label=registration.reference).count() >= 4

    stored = json.dumps(
        list(AuditEntry.objects.values()), default=str, ensure_ascii=False
    ).casefold()
    client.force_login(lead)
    page = client.get(reverse("events:audit_log", args=[event.slug]), {"page_size": 100})
    csv = client.get(reverse("events:audit_csv", args=[event.slug]))
    api.force_authenticate(plan.people["viewer"])
    answer = api.get(f"/api/v1/events/{event.slug}/audit/", {"page_size": 100})
    assert page.status_code == csv.status_code == answer.status_code == 200
    for text in (stored, page.content.decode(), csv.content.decode(), answer.content.decode()):
        for marker in MARKERS.values():
            assert marker.casefold() not in text.casefold()
    # The page says what changed, by name.
    assert "participant 1: name changed" in page.content.decode()
