"""The door of an event is read once for a scanner and kept between scans
(registrations/doors.py); every change to what it was read from shows at the next scan."""

import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from events.models import AuditAction, AuditEntry, Membership
from registrations import checkins, tickets
from registrations.models import AccessibilityNeed, CheckIn, EventKey
from registrations.serializers import (
    CheckInInputSerializer,
    ScanSerializer,
    live_scan,
    scan_answer,
)
from sportevents.rows import Insert

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"
STEP_FREE = AccessibilityNeed.STEP_FREE.value
DOOR_TABLES = ("events_event", "events_eventpartner", "registrations_eventkey")


@pytest.fixture
def door(api, lead):
    api.force_authenticate(lead)
    return api


@pytest.fixture
def ticket(free_ticket, sign_up, person):
    def ticket(name="Ana Silva"):
        registration = sign_up(free_ticket, participants=[person(name=name)]).registration
        return tickets.sign(registration.participants.get())

    return ticket


def scan(door, event, token):
    response = door.post(CHECKINS, {"event": event.slug, "token": token, "gate": "A"})
    return response.status_code, response.json()


def tables_read(queries) -> set[str]:
    return {table for table in DOOR_TABLES for q in queries if f'FROM "{table}"' in q["sql"]}


def test_the_event_access_and_keys_are_read_once_per_scanner(door, event, ticket):
    first, second = ticket(), ticket("Rui Costa")
    with CaptureQueriesContext(connection) as opening:
        assert scan(door, event, first)[1]["result"] == "valid"
    with CaptureQueriesContext(connection) as next_scan:
        assert scan(door, event, second)[1]["result"] == "valid"
    assert tables_read(opening.captured_queries) == set(DOOR_TABLES)
    assert tables_read(next_scan.captured_queries) == set()
    assert len(next_scan.captured_queries) < len(opening.captured_queries)


def test_a_key_retired_between_scans_is_refused_at_the_next_one(door, event, ticket):
    first, second = ticket(), ticket("Rui Costa")
    assert scan(door, event, first)[1]["result"] == "valid"
    key = EventKey.objects.get(event=event)
    key.retired_at = timezone.now()
    key.save()
    status, data = scan(door, event, second)
    assert (status, data["result"], data["reason"]) == (200, "invalid", "retired_key")


def test_an_organiser_who_left_is_refused_at_the_next_scan(door, event, lead, ticket):
    first, second = ticket(), ticket("Rui Costa")
    assert scan(door, event, first)[1]["result"] == "valid"
    Membership.objects.filter(user=lead).delete()
    status, _data = scan(door, event, second)
    assert status in (400, 403)  # the draft-only view of the event is gone too
    assert not event.check_ins.filter(participant__name="Rui Costa").exists()


def test_nothing_is_kept_when_the_cache_is_down(door, event, ticket, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    first, second = ticket(), ticket("Rui Costa")
    assert scan(door, event, first)[1]["result"] == "valid"
    with CaptureQueriesContext(connection) as next_scan:
        assert scan(door, event, second)[1]["result"] == "valid"
    assert tables_read(next_scan.captured_queries) == set(DOOR_TABLES)


@pytest.mark.parametrize(
    "data",
    [
        {"event": "e", "token": "abc.def", "gate": "North"},
        {"event": "e", "token": "  abc.def  ", "gate": "  North "},
        {"event": "e", "token": "abc.def"},
        {"event": "e", "token": "abc.def", "gate": ""},
        {"event": "e", "token": "abc.def", "scanned_at": None, "extra": 1},
        {"event": "e", "token": "x" * 400, "gate": "g" * 60},
    ],
)
def test_a_live_scan_is_read_as_the_serializer_reads_it(event, lead, data):
    data = {**data, "event": event.slug}
    serializer = CheckInInputSerializer(data=data, context={"request": SimpleNamespace(user=lead)})
    assert serializer.is_valid(), serializer.errors
    expected = {**serializer.validated_data, "event": event.slug}
    expected.pop("scanned_at", None)
    assert live_scan(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        {"event": "e", "token": ""},
        {"event": "e", "token": "   "},
        {"event": "e", "token": "x" * 401},
        {"event": "e", "token": "t", "gate": "g" * 61},
        {"event": "e", "token": "t\x00"},
        {"event": "e", "token": "t", "gate": "A\ud800"},
        {"event": "e", "token": "t\udfff"},
        {"event": "e", "token": 7},
        {"event": 7, "token": "t"},
        {"event": "e", "token": "t", "gate": None},
        {"event": "e"},
        {"token": "t"},
        {"event": "e", "token": "t", "scanned_at": "2027-09-25T09:00:00+01:00"},
        ["event", "token"],
    ],
)
def test_anything_else_goes_to_the_serializer(data):
    assert live_scan(data) is None


def test_a_scan_with_a_lone_surrogate_is_a_400(door, event, ticket):
    # Valid JSON (the surrogate escaped as \\ud800), but no database can store it.
    body = json.dumps({"event": event.slug, "token": ticket(), "gate": "A\ud800"})
    response = door.post(CHECKINS, body, content_type="application/json")
    assert response.status_code == 400
    assert "gate" in response.json()["errors"]
    assert not event.check_ins.exists()


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_answer_at_the_door_is_the_serializers(
    event, lead, free_ticket, sign_up, person, language
):
    """CheckInView answers with scan_answer(), written out; the OpenAPI schema publishes
    ScanSerializer: every kind of answer must be the same from both."""
    consenting = person(
        name="Eda Kaya",
        accessibility_consent=True,
        accessibility_needs=["step-free"],
        accessibility_note="Wheelchair",
    )
    registration = sign_up(free_ticket, participants=[consenting, person(name="Rui Costa")])
    first, second = (tickets.sign(p) for p in registration.registration.participants.all())
    scans = [
        checkins.check_in(event, token=first, gate="A", by=lead),  # valid, with needs
        checkins.check_in(event, token=first, gate="B", by=lead),  # already, with previous
        checkins.check_in(event, token=second, gate="A", by=lead),  # valid, no consent
        checkins.check_in(event, token=first[:-4] + "AAAA", gate="A", by=lead),  # invalid
    ]
    assert [scan.result for scan in scans] == ["valid", "already", "valid", "invalid"]
    with translation.override(language):
        for scan in scans:
            expected = ScanSerializer(scan, context={"event": event}).data
            assert scan_answer(scan, event) == expected
            assert json.dumps(scan_answer(scan, event)) == json.dumps(expected)


def test_the_door_reads_a_ticket_holder_in_one_query_and_defers_the_rest(
    event, free_ticket, sign_up, person, django_assert_num_queries
):
    """checkins.door_participant writes its query out: what it read equals what the ORM reads,
    and what it did not read loads on access rather than showing a default."""
    registration = sign_up(
        free_ticket,
        participants=[
            person(
                name="Ana Silva",
                accessibility_needs=[STEP_FREE],
                accessibility_consent=True,
            )
        ],
    ).registration
    stored = registration.participants.get()
    assert stored.accessibility_consent_at is not None
    with django_assert_num_queries(1):
        read = checkins.door_participant(event, stored.ticket_id)
        fields = (
            read.pk,
            read.name,
            read.year_of_birth,
            read.accessibility_needs,
            read.accessibility_consent_at,
            read.ticket_revoked_at,
            read.registration.reference,
            read.registration.status,
            read.registration.event_id,
            read.registration.ticket_type.name,
        )
    assert fields == (
        stored.pk,
        "Ana Silva",
        stored.year_of_birth,
        [STEP_FREE],
        stored.accessibility_consent_at,
        None,
        registration.reference,
        "confirmed",
        event.pk,
        free_ticket.name,
    )
    assert read.registration.email == registration.email  # deferred, read on access
    assert read.email == stored.email
    other = event.__class__.objects.exclude(pk=event.pk).first()
    assert other is None or checkins.door_participant(other, stored.ticket_id) is None


def test_a_second_green_is_left_out_and_the_transaction_goes_on(event, lead, free_ticket, sign_up):
    """Insert(unless=...) on the one-green constraint: the row it refuses is not inserted and
    raises nothing, and the same transaction records the repeat after it."""
    participant = sign_up(free_ticket).registration.participants.get()
    green = Insert(CheckIn, unless="one_valid_check_in")

    def scan(result, **fields):
        return CheckIn(
            event=event, participant=participant, result=result, scanned_by=lead, **fields
        )

    first = green(scan("valid", gate="A"))
    assert first is not None and first.pk is not None
    with transaction.atomic():
        assert green(scan("valid", gate="B")) is None
        repeat = Insert(CheckIn)(scan("already", gate="B", first_scan=first))
    rows = CheckIn.objects.filter(participant=participant).order_by("pk")
    assert [(row.result, row.gate, row.first_scan_id) for row in rows] == [
        ("valid", "A", None),
        ("already", "B", first.pk),
    ]
    assert repeat.pk == rows[1].pk


def test_an_insert_names_one_of_the_models_unique_constraints_and_saves_one_row_at_a_time():
    with pytest.raises(ImproperlyConfigured, match="no unique constraint"):
        Insert(CheckIn, unless="one_green_per_gate")
    green = Insert(CheckIn, unless="one_valid_check_in")
    with pytest.raises(ValueError, match="one row at a time"):
        green.many([CheckIn(result="valid"), CheckIn(result="valid")])
    assert green.many([]) == []


def test_a_repeat_at_the_door_raises_and_rolls_back_nothing(event, lead, free_ticket, sign_up):
    """The repeat of a ticket raises nothing: the green it could not save (with its audit
    entry), then, in one transaction, the ticket's lock, the green that counts, the repeat and
    the commit."""
    participant = sign_up(free_ticket).registration.participants.get()
    token = tickets.sign(participant)
    first = checkins.check_in(event, token=token, gate="A", by=lead)
    with CaptureQueriesContext(connection) as queries:
        repeat = checkins.check_in(event, token=token, gate="B", by=lead)
    assert (first.result, repeat.result, repeat.previous) == ("valid", "already", first.row)
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert not any("ROLLBACK" in s for s in sql)


def test_a_live_green_and_its_audit_entry_are_saved_together_and_a_repeat_saves_neither(
    event, lead, free_ticket, sign_up
):
    registration = sign_up(free_ticket).registration
    participant = registration.participants.get()
    token = tickets.sign(participant)
    with CaptureQueriesContext(connection) as queries:
        first = checkins.check_in(event, token=token, gate="A", by=lead)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "WITH"))]
    # PostgreSQL: one statement, outside any transaction; elsewhere two INSERTs.
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2), writes
    [entry] = AuditEntry.objects.filter(action=AuditAction.CHECKED_IN)
    assert (entry.object_type, entry.object_id, entry.object_label, entry.actor) == (
        "check-in",
        str(first.row.pk),
        registration.reference,
        lead,
    )
    assert {c["field"]: c["after"] for c in entry.changes}["gate"] == "A"
    repeat = checkins.check_in(event, token=token, gate="B", by=lead)
    assert repeat.result == "already"
    assert AuditEntry.objects.filter(action=AuditAction.CHECKED_IN).count() == 1
    assert list(
        CheckIn.objects.filter(participant=participant).order_by("pk").values_list("result", "gate")
    ) == [
        ("valid", "A"),
        ("already", "B"),
    ]
