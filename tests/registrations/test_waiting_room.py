"""The waiting room for registration rushes: arrivals beyond the event's admission rate wait in
line and go in in the order they came, on the web page and through the API.

The line is in whatever the cache is: Redis with REDIS_URL (the Lua script), process memory
otherwise. The clock is frozen with time-machine and moved by hand: a turn comes when the clock
says so, with nothing running in the background.
"""

import itertools
import re
import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from events.models import Event
from registrations import waiting_room
from registrations.models import Registration
from registrations.views.waiting_room import COOKIE
from tests.registrations.test_api import body, registrations_url
from tests.registrations.test_pages import form_data, register_url

pytestmark = pytest.mark.django_db

START = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)
HEADER = "Waiting-Room-Pass"


def turn_on(event: Event, rate: int) -> Event:
    Event.objects.filter(pk=event.pk).update(waiting_room=True, admission_rate=rate)
    event.refresh_from_db()
    return event


@pytest.fixture
def room(event):
    """The event's waiting room on at one person a minute, its line empty; the clock frozen at
    START (move it with `room.clock.shift(seconds)`)."""
    cache.clear()  # rate limits of earlier tests
    waiting_room.forget(event)
    turn_on(event, 1)
    with time_machine.travel(START, tick=False) as clock:
        event.clock = clock
        yield event
    waiting_room.forget(event)


def position_on(page) -> int:
    return int(re.search(r"You are number (\d+) in line", page.content.decode())[1])


# The line itself --------------------------------------------------------------------------


def test_arrivals_beyond_the_rate_are_admitted_in_arrival_order(room):
    at = START.timestamp()
    people = [waiting_room.admit(room, None, at=at + n / 10) for n in range(6)]
    assert [p.place.number for p in people] == [1, 2, 3, 4, 5, 6]
    assert people[0].admitted
    assert [p.place.position(at + 1) for p in people] == [0, 1, 2, 3, 4, 5]
    for minute in range(1, 6):
        now = at + minute * 60
        admitted = [p.place.number for p in people if p.place.is_admitted(now)]
        assert admitted == list(range(1, minute + 2)), minute  # one more each minute, in order


def test_within_the_rate_nobody_waits(event):
    waiting_room.forget(event)
    turn_on(event, 60)
    at = START.timestamp()
    arrivals = [waiting_room.admit(event, None, at=at + n * 1.5) for n in range(10)]
    assert all(arrival.admitted for arrival in arrivals)
    waiting_room.forget(event)


def test_a_burst_is_spaced_by_the_rate(event):
    waiting_room.forget(event)
    turn_on(event, 120)  # one every half second
    at = START.timestamp()
    places = [waiting_room.admit(event, None, at=at).place for _ in range(20)]
    # The first few go in together (turns within GRACE_SECONDS); the rest half a second apart.
    assert [p.is_admitted(at) for p in places] == [True] * 5 + [False] * 15
    gaps = [round(b.admit_at - a.admit_at, 3) for a, b in itertools.pairwise(places)]
    assert gaps == [0.5] * 19
    assert places[-1].position(at) == 15
    waiting_room.forget(event)


def test_simultaneous_arrivals_on_several_servers_get_distinct_places_in_one_line(room):
    """Threads stand for app servers: each takes its place through its own connection."""
    at = START.timestamp()
    places, barrier = [], threading.Barrier(12)

    def arrive():
        barrier.wait()
        places.append(waiting_room.join(room, at=at))

    threads = [threading.Thread(target=arrive) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(p.number for p in places) == list(range(1, 13))
    by_number = sorted(places, key=lambda p: p.number)
    assert [p.position(at) for p in by_number] == list(range(12))


def test_a_rate_change_applies_to_those_who_come_after_it(room):
    at = START.timestamp()
    first, second = (waiting_room.join(room, at=at) for _ in range(2))
    turn_on(room, 6)  # one every ten seconds now
    third, fourth = (waiting_room.join(room, at=at) for _ in range(2))
    assert second.admit_at == first.admit_at + 60
    assert third.admit_at == second.admit_at + 60  # the turn already promised stays
    assert fourth.admit_at == third.admit_at + 10


def test_a_pass_lasts_its_minutes_from_the_turn(room, settings):
    settings.WAITING_ROOM_PASS_MINUTES = 5
    at = START.timestamp()
    first = waiting_room.admit(room, None, at=at)
    token = first.place.token()
    ends = first.place.admit_at + 5 * 60
    assert waiting_room.admit(room, token, at=ends - 1).place == first.place
    renewed = waiting_room.admit(room, token, at=ends)
    assert renewed.issued and renewed.place.number == 2


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: signing.dumps(  # a better place, signed with another key
            ["move-together-week", 1, 0, 60000], salt=waiting_room.SALT, key="guessed-key"
        ),
        lambda token: "not-a-pass",
    ],
    ids=["altered-signature", "forged", "garbage"],
)
def test_a_forged_or_altered_pass_is_refused(room, tamper):
    waiting_room.admit(room, None, at=START.timestamp())  # someone is in: the next one waits
    late = waiting_room.admit(room, None, at=START.timestamp()).place
    with pytest.raises(waiting_room.InvalidPass):
        waiting_room.admit(room, tamper(late.token()))


def test_a_pass_for_another_event_is_refused(room):
    other = waiting_room.Place("another-event", 1, START.timestamp() - 10, 60)
    with pytest.raises(waiting_room.InvalidPass):
        waiting_room.admit(room, other.token())


# The web page -----------------------------------------------------------------------------


def test_a_second_visitor_waits_on_the_line_page_and_gets_in_when_the_turn_comes(
    room, client, free_ticket, django_capture_on_commit_callbacks
):
    first = client.__class__()
    assert first.get(register_url(room)).status_code == 200  # the form: straight in
    page = client.get(register_url(room))
    assert page.status_code == 200
    html = page.content.decode()
    assert position_on(page) == 1
    assert "Estimated wait: less than a minute." in html
    assert 'role="status" aria-live="polite"' in html
    assert 'name="accept_terms"' not in html  # no form yet
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+; url=', html)
    assert 'src="/static/js/waiting-room.js"' in html
    assert "no-store" in page["Cache-Control"]

    room.clock.shift(58)
    page = client.get(register_url(room))
    assert 'name="accept_terms"' in page.content.decode()  # the form, with the same cookie
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(register_url(room), form_data(free_ticket))
    assert sent.status_code == 302
    assert Registration.objects.get().email == "ana@example.org"


def test_reloading_keeps_the_place_and_takes_no_second_one(room, client, free_ticket):
    client.__class__().get(register_url(room))
    pages = [client.get(register_url(room)) for _ in range(3)]
    assert [position_on(page) for page in pages] == [1, 1, 1]
    # Only the first visit set the cookie; the next newcomer is third in the whole line.
    assert [COOKIE in page.cookies for page in pages] == [True, False, False]
    newcomer = client.__class__().get(register_url(room))
    assert position_on(newcomer) == 2


def test_the_cookie_is_signed_httponly_and_scoped_to_the_events_registration(
    room, client, free_ticket
):
    client.get(register_url(room))
    cookie = client.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == register_url(room)
    # Admitted now (the turn is GRACE_SECONDS old): the pass's half hour, less those seconds.
    assert cookie["max-age"] == 30 * 60 - waiting_room.GRACE_SECONDS


def test_a_tampered_cookie_gives_no_pass_only_a_place_at_the_back(room, client, free_ticket):
    client.__class__().get(register_url(room))  # the one admitted this minute
    client.get(register_url(room))
    room.clock.shift(60)  # the turn has come: the cookie is a pass now
    good = client.cookies[COOKIE].value
    forged = signing.dumps(["x", 1, 0, 60000], salt=waiting_room.SALT, key="guess")
    for bad in (good[:-1] + ("A" if good[-1] != "A" else "B"), forged):
        client.cookies[COOKIE] = bad
        page = client.get(register_url(room))
        assert 'name="accept_terms"' not in page.content.decode()
        assert position_on(page) >= 1
    assert client.post(register_url(room), form_data(free_ticket)).status_code == 429
    assert not Registration.objects.exists()


def test_a_form_sent_before_the_turn_is_not_taken(room, client, free_ticket):
    client.__class__().get(register_url(room))
    page = client.post(register_url(room), form_data(free_ticket))
    assert page.status_code == 429
    assert int(page["Retry-After"]) == 58
    assert "Your form was not sent" in page.content.decode()
    assert position_on(page) == 1
    assert not Registration.objects.exists()


def test_the_room_stands_only_while_registration_is_open(room, client):
    page = client.get(register_url(room))  # no ticket on sale yet
    assert "Registration is not open for this event" in page.content.decode()
    assert COOKIE not in page.cookies
    assert waiting_room.join(room, at=START.timestamp()).number == 1  # nobody took a place


def test_with_the_room_off_the_form_shows_and_no_place_is_taken(room, client, free_ticket):
    Event.objects.filter(pk=room.pk).update(waiting_room=False)
    for _ in range(3):
        page = client.get(register_url(room))
        assert 'name="accept_terms"' in page.content.decode()
    assert COOKIE not in client.cookies
    assert waiting_room.join(room, at=START.timestamp()).number == 1


def test_the_status_says_where_the_visitor_stands_without_the_database(
    room, client, free_ticket, django_assert_num_queries
):
    status_url = register_url(room) + "waiting-room.json"
    client.__class__().get(register_url(room))
    for _ in range(2):  # two more ahead of this visitor
        client.__class__().get(register_url(room))
    client.get(register_url(room))
    with django_assert_num_queries(0):
        answer = client.get(status_url).json()
    assert answer == {
        "state": "waiting",
        "position": 3,
        "wait_seconds": 178,
        "check_after": 20,
        "message": "You are number 3 in line. Estimated wait: about 3 minutes.",
    }
    room.clock.shift(178)
    assert client.get(status_url).json()["state"] == "admitted"
    assert client.__class__().get(status_url).json()["state"] == "none"


def test_the_line_page_speaks_the_visitors_language(room, client, free_ticket):
    client.__class__().get(register_url(room))
    page = client.get(register_url(room), HTTP_ACCEPT_LANGUAGE="de")
    assert '<html lang="de">' in page.content.decode()


# The API --------------------------------------------------------------------------------


def test_an_api_client_beyond_the_rate_gets_429_with_its_position_then_gets_in(
    room, api, free_ticket
):
    first = api.post(registrations_url(room), body(free_ticket), format="json")
    assert first.status_code == 201
    assert first[HEADER]  # a pass, good for more requests until it ends
    queued = api.post(
        registrations_url(room), body(free_ticket, email="bo@example.org"), format="json"
    )
    assert queued.status_code == 429
    answer = queued.json()
    assert answer["code"] == "waiting_room"
    assert answer["position"] == 1
    assert answer["retry_after"] == int(queued["Retry-After"]) == 58
    assert answer["waiting_room_pass"] == queued[HEADER]
    assert Registration.objects.count() == 1

    again = api.post(
        registrations_url(room),
        body(free_ticket, email="bo@example.org"),
        format="json",
        headers={HEADER: answer["waiting_room_pass"]},
    )
    assert again.status_code == 429 and again.json()["position"] == 1  # the same place
    room.clock.shift(58)
    done = api.post(
        registrations_url(room),
        body(free_ticket, email="bo@example.org"),
        format="json",
        headers={HEADER: answer["waiting_room_pass"]},
    )
    assert done.status_code == 201, done.content
    assert HEADER not in done  # the pass it holds is not given again


def test_a_refused_request_keeps_the_pass_it_was_given(room, api, free_ticket):
    refused = api.post(registrations_url(room), body(free_ticket, name=""), format="json")
    assert refused.status_code == 400
    fixed = api.post(
        registrations_url(room), body(free_ticket), format="json", headers={HEADER: refused[HEADER]}
    )
    assert fixed.status_code == 201


def test_an_altered_api_pass_is_a_400_and_registers_nobody(room, api, free_ticket):
    api.post(registrations_url(room), body(free_ticket, email="first@example.org"), format="json")
    queued = api.post(registrations_url(room), body(free_ticket), format="json")
    room.clock.shift(60)
    token = queued[HEADER]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    answer = api.post(
        registrations_url(room), body(free_ticket), format="json", headers={HEADER: altered}
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_waiting_room_pass"
    assert Registration.objects.count() == 1


def test_with_the_room_off_the_api_ignores_the_header(room, api, free_ticket):
    Event.objects.filter(pk=room.pk).update(waiting_room=False)
    answer = api.post(
        registrations_url(room), body(free_ticket), format="json", headers={HEADER: "whatever"}
    )
    assert answer.status_code == 201
    assert HEADER not in answer


def test_the_schema_documents_the_waiting_room(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    create = schema["paths"]["/api/v1/events/{slug}/registrations/"]["post"]
    assert any(p["name"] == HEADER and p["in"] == "header" for p in create["parameters"])
    queued = create["responses"]["429"]
    assert set(queued["headers"]) == {HEADER, "Retry-After"}
    reference = queued["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][reference]["properties"]
    assert {"position", "retry_after", "waiting_room_pass"} <= set(fields)
    assert HEADER in create["responses"]["201"]["headers"]
    event = schema["components"]["schemas"]["PatchedEventUpdateInputRequest"]["properties"]
    assert {"waiting_room", "admission_rate"} <= set(event)


def test_one_address_cannot_fill_the_line_with_new_places(room, client, free_ticket, monkeypatch):
    """Opening the page without the cookie again and again takes a place each time: those count
    against the address's registration rate. Reloading with the place counts nothing."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "registration", "3/min")
    fresh = [client.__class__().get(register_url(room)) for _ in range(3)]
    assert [page.status_code for page in fresh] == [200, 200, 200]
    refused = client.__class__().get(register_url(room))
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) <= 60
    assert COOKIE not in refused.cookies  # no place was taken
    holder = client.__class__()
    holder.cookies[COOKIE] = fresh[-1].cookies[COOKIE].value
    assert [position_on(holder.get(register_url(room))) for _ in range(5)] == [2] * 5
    other = client.__class__(REMOTE_ADDR="198.51.100.7").get(register_url(room))
    assert position_on(other) == 3  # the refused visit took no place
