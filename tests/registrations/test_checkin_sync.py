"""Offline scanners send their scans later: POST /api/v1/checkins/sync/. Each scan keeps its own
time; the earliest scan of a ticket is the green one, whichever device sent it and when."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from events.models import Event
from registrations import checkins, services, tickets
from registrations.models import CheckIn, Participant, Registration
from sportevents.errors import Forbidden

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"
SYNC = "/api/v1/checkins/sync/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def opened_yesterday(event, now):
    """Registration opened a day ago, so scans of the last hours can be right."""
    Event.objects.filter(pk=event.pk).update(published_at=now - timedelta(days=1))
    event.refresh_from_db()
    return event


@pytest.fixture
def door(api, lead):
    api.force_authenticate(lead)
    return api


@pytest.fixture
def confirmed(free_ticket, sign_up, person, opened_yesterday, now):
    """Two confirmed participants, registered yesterday, and their tickets."""
    people = [person(name="Ana Silva"), person(name="Emre Kaya")]
    registration = sign_up(free_ticket, participants=people).registration
    Registration.objects.filter(pk=registration.pk).update(created_at=now - timedelta(days=1))
    ana, emre = registration.participants.order_by("pk")
    return {"ana": (ana, tickets.sign(ana)), "emre": (emre, tickets.sign(emre))}


def item(token, at, *, gate="North", device="phone-1") -> dict:
    return {"token": token, "gate": gate, "scanned_at": at.isoformat(), "device": device}


def sync(door, event, *scans):
    return door.post(SYNC, {"event": event.slug, "scans": list(scans)})


def forged(token: str) -> str:
    payload, signature = token.split(".")
    return payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]


def test_an_offline_batch_is_recorded_in_order_with_its_times_gates_and_device(
    door, event, confirmed, now
):
    ana, ana_token = confirmed["ana"]
    emre, emre_token = confirmed["emre"]
    Participant.objects.filter(pk=emre.pk).update(ticket_revoked_at=now - timedelta(hours=5))
    times = [now - timedelta(minutes=m) for m in (40, 30, 20, 10)]

    response = sync(
        door,
        event,
        item(ana_token, times[0]),
        item(forged(ana_token), times[1]),
        item(emre_token, times[2], gate="South"),
        item(ana_token, times[3], gate="South"),
    )

    assert response.status_code == 200
    data = response.json()
    results = [(r["result"], r["reason"]) for r in data["results"]]
    assert results == [
        ("valid", ""),
        ("invalid", "forged"),
        ("invalid", "cancelled"),
        ("already", "already"),
    ]
    assert data["results"][1]["reason_text"].startswith("Forged or altered ticket")
    assert data["results"][0]["name"] == "Ana Silva"
    assert data["results"][3]["previous"]["gate"] == "North"
    assert data["counts"] == {"valid": 1, "already": 1, "invalid": 2, "refused": 0}
    rows = list(CheckIn.objects.order_by("scanned_at"))
    assert [row.scanned_at for row in rows] == times
    assert {row.device for row in rows} == {"phone-1"}
    assert [row.gate for row in rows] == ["North", "North", "South", "South"]
    assert all(row.received_at > row.scanned_at for row in rows)
    assert rows[3].first_scan == rows[0]


def test_an_earlier_offline_scan_wins_over_a_later_online_one(door, plan, event, confirmed, now):
    participant, token = confirmed["ana"]
    # Phone 2 is online: Ana comes in at the North gate now.
    live = door.post(CHECKINS, {"event": event.slug, "token": token, "gate": "North"}).json()
    assert live["result"] == "valid"
    online_row = CheckIn.objects.get()

    # Phone 1 had lost the network and had let her in at the South gate half an hour earlier.
    earlier = now - timedelta(minutes=30)
    data = sync(door, event, item(token, earlier, gate="South", device="phone-1")).json()

    synced = data["results"][0]
    assert (synced["result"], synced["previous"]) == ("valid", None)
    assert synced["superseded"]["gate"] == "North"
    assert synced["superseded"]["device"] == ""
    valid = CheckIn.objects.get(participant=participant, result="valid")
    assert (valid.gate, valid.device, valid.scanned_at) == ("South", "phone-1", earlier)
    online_row.refresh_from_db()
    assert (online_row.result, online_row.reason) == ("already", "already")
    assert online_row.first_scan == valid  # the loser points at the winner
    assert CheckIn.objects.filter(participant=participant).count() == 2

    # From now on the door says she came in at the South gate.
    again = door.post(CHECKINS, {"event": event.slug, "token": token, "gate": "East"}).json()
    assert (again["result"], again["previous"]["gate"]) == ("already", "South")


def test_a_later_offline_scan_is_already_and_names_the_scan_that_counts(
    door, lead, event, confirmed, now
):
    participant, token = confirmed["ana"]
    first_at = now - timedelta(hours=2)
    checkins.check_in(event, token=token, gate="North", by=lead, scanned_at=first_at)

    data = sync(door, event, item(token, now - timedelta(hours=1), gate="South")).json()

    synced = data["results"][0]
    assert (synced["result"], synced["reason"], synced["superseded"]) == (
        "already",
        "already",
        None,
    )
    assert synced["previous"]["gate"] == "North"
    assert synced["previous"]["scanned_at"].startswith(first_at.strftime("%Y-%m-%dT%H:%M"))
    assert CheckIn.objects.get(participant=participant, result="valid").gate == "North"
    loser = CheckIn.objects.get(participant=participant, result="already")
    assert (loser.gate, loser.first_scan.gate) == ("South", "North")


def test_every_repeat_points_at_the_scan_that_counts_after_a_late_sync(plan, event, confirmed, now):
    participant, token = confirmed["ana"]
    lead, pt = plan.people["lead"], plan.people["pt"]
    checkins.check_in(event, token=token, gate="B", by=lead, scanned_at=now - timedelta(hours=2))
    checkins.check_in(event, token=token, gate="C", by=lead, scanned_at=now - timedelta(hours=1))

    results = checkins.sync_scans(
        event,
        scans=[
            {"token": token, "gate": "A", "scanned_at": now - timedelta(hours=3), "device": "x"}
        ],
        by=pt,
    )

    assert results[0].result == "valid"
    winner = CheckIn.objects.get(participant=participant, result="valid")
    assert winner.gate == "A"
    repeats = CheckIn.objects.filter(participant=participant, result="already")
    assert sorted(repeats.values_list("gate", "first_scan")) == [("B", winner.pk), ("C", winner.pk)]


def test_a_batch_sent_again_is_recorded_once(door, event, confirmed, now):
    _participant, token = confirmed["ana"]
    batch = [item(token, now - timedelta(minutes=5)), item("junk", now - timedelta(minutes=4))]
    first = sync(door, event, *batch).json()
    again = sync(door, event, *batch).json()

    assert [r["result"] for r in again["results"]] == ["valid", "invalid"]
    assert [r["resent"] for r in first["results"]] == [False, False]
    assert [r["resent"] for r in again["results"]] == [True, True]
    assert CheckIn.objects.count() == 2


def test_a_scan_in_the_future_or_before_registration_opened_is_refused(door, event, confirmed, now):
    _participant, token = confirmed["ana"]
    _emre, emre_token = confirmed["emre"]
    response = sync(
        door,
        event,
        item(token, now + timedelta(hours=1)),
        item(token, now - timedelta(days=3)),
        item(emre_token, now - timedelta(minutes=1)),
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["refused", "refused", "valid"]
    assert "cannot be in the future" in results[0]["detail"]
    assert "before the event opened for registration" in results[1]["detail"]
    assert results[2]["detail"] == ""
    assert response.json()["counts"]["refused"] == 2
    # The refused scans change nothing; the good one is recorded.
    assert list(CheckIn.objects.values_list("participant__name", flat=True)) == ["Emre Kaya"]


def test_a_scan_within_the_clock_skew_is_taken(door, event, confirmed, now):
    _participant, token = confirmed["ana"]
    results = sync(door, event, item(token, now + timedelta(minutes=2))).json()["results"]
    assert results[0]["result"] == "valid"


def test_a_single_check_in_before_registration_opened_is_a_400(door, event, confirmed, now):
    _participant, token = confirmed["ana"]
    before = (now - timedelta(days=3)).isoformat()
    response = door.post(CHECKINS, {"event": event.slug, "token": token, "scanned_at": before})
    assert response.status_code == 400
    assert "before the event opened" in response.json()["errors"]["scanned_at"][0]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("outsider", 403), ("viewer", 403), ("pt", 200)]
)
def test_only_the_events_organisers_sync(api, plan, event, confirmed, now, who, status):
    _participant, token = confirmed["ana"]
    if who:
        api.force_authenticate(plan.people[who])
    response = sync(api, event, item(token, now - timedelta(minutes=1)))
    assert response.status_code == status
    assert CheckIn.objects.count() == (1 if status == 200 else 0)


def test_a_draft_is_unknown_to_an_outsiders_sync(api, plan, catalogue, now):
    api.force_authenticate(plan.people["outsider"])
    response = sync(api, plan.event, item("x", now))
    assert response.status_code == 400
    assert "event" in response.json()["errors"]


def test_the_service_refuses_non_organisers(plan, event, confirmed, now):
    _participant, token = confirmed["ana"]
    scan = {"token": token, "gate": "", "scanned_at": now, "device": ""}
    with pytest.raises(Forbidden):
        checkins.sync_scans(event, scans=[scan], by=plan.people["viewer"])
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"scans": []}, "scans"),
        ({"scans": "abc"}, "scans"),
        ({"scans": [{"token": "x"}]}, "scans"),  # no time
        ({"scans": [{"token": "x", "scanned_at": "2027-09-23T10:00:00"}]}, "scans"),  # no offset
        ({"scans": [{"token": "", "scanned_at": "2027-09-23T10:00:00Z"}]}, "scans"),
        (
            {"scans": [{"token": "x", "scanned_at": "2027-09-23T10:00:00Z", "gate": "g" * 61}]},
            "scans",
        ),
        ({"scans": [{"token": "x", "scanned_at": "2027-09-23T10:00:00Z"}] * 501}, "scans"),
        ({"event": "no-such-event"}, "event"),
    ],
)
def test_bad_sync_input_is_a_400_and_records_nothing(door, event, confirmed, now, change, error):
    _participant, token = confirmed["ana"]
    body = {"event": event.slug, "scans": [item(token, now)], **change}
    response = door.post(SYNC, body)
    assert response.status_code == 400
    assert error in response.json()["errors"]
    assert not CheckIn.objects.exists()


@pytest.mark.usefixtures("same_rate_window")
def test_sync_shares_the_check_in_rate_limit(door, event, confirmed, now, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "checkin", "1/min")
    _participant, token = confirmed["ana"]
    assert sync(door, event, item(token, now - timedelta(minutes=2))).status_code == 200
    response = sync(door, event, item(token, now - timedelta(minutes=1)))
    assert response.status_code == 429


def test_the_keys_carry_the_event_id_and_the_retired_keys(door, event, opened_yesterday):
    old = tickets.signing_key(event)
    tickets.rotate_key(event)
    type(old).objects.filter(pk=old.pk).update(retired_at=timezone.now())
    data = door.get(f"/api/v1/events/{event.slug}/ticket-keys/").json()
    assert data["event_id"] == event.pk
    assert data["retired_keys"] == [old.key_id]
    assert old.key_id not in [key["key_id"] for key in data["keys"]]


def test_cancelling_after_an_offline_scan_is_still_told_at_sync(door, event, confirmed, now):
    participant, token = confirmed["ana"]
    services.cancel_registration(participant.registration)
    data = sync(door, event, item(token, now - timedelta(minutes=1))).json()
    assert (data["results"][0]["result"], data["results"][0]["reason"]) == ("invalid", "cancelled")
