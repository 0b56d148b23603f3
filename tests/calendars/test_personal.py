"""Personal feeds: a participant's (every registration under their email address) and an
organisation member's (their organisations' events and milestones); their addresses, renewed and
revoked; and the pages where people get them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from calendars import services
from calendars.models import MemberFeed, ParticipantFeed
from calendars.tasks import send_participant_feed_email
from events import services as planning
from events.models import EventStatus
from registrations import services as registrations
from tests.calendars.conftest import read, uid
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FEED_URL = re.compile(r"http://127\.0\.0\.1(/calendar/u/[0-9a-f]+\.ics)")


def emailed_feed_path() -> str:
    return FEED_URL.search(mail.outbox[-1].body)[1]


# Participants ------------------------------------------------------------------------------


@pytest.fixture
def second_event(scene, catalogue):
    """Another published event of the same organisers, with a ticket type."""
    event = planning.create_event(
        by=scene.lead,
        lead=scene.event.lead,
        title_i18n={"en": "Autumn Swim"},
        objective="healthy-lifestyles",
        starts_on=scene.event.starts_on,
        ends_on=scene.event.ends_on,
    )
    event = planning.change_status(event, by=scene.lead, status=EventStatus.PUBLISHED)
    return registrations.create_ticket_type(event, by=scene.lead, name="Swim", capacity=1)


def test_the_feed_address_is_emailed_to_the_registrations_address(
    client, scene, register, django_capture_on_commit_callbacks
):
    outcome = register("Ana@Example.org")
    page = reverse("calendars:participant_page", args=[outcome.manage_token])
    assert client.get(page).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "send"}, follow=True)
    assert "We sent the address of your calendar to" in response.getvalue().decode()
    assert mail.outbox[-1].to == ["ana@example.org"]
    body = mail.outbox[-1].body
    assert "webcal://127.0.0.1/calendar/u/" in body
    assert "https://calendar.google.com/calendar/render?cid=webcal" in body
    # The page itself never shows the address: whoever holds a manage link may not own the inbox.
    assert "/calendar/u/" not in client.get(page).getvalue().decode()
    feed = client.get(emailed_feed_path())
    assert feed.status_code == 200
    assert feed["Cache-Control"] == "private, max-age=900"
    assert feed["X-Robots-Tag"] == "noindex, nofollow"


def test_the_feed_email_task_run_again_sends_nothing_more_and_a_renewal_sends_anew(
    scene, register, django_capture_on_commit_callbacks
):
    outcome = register("ana@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        feed = services.send_participant_feed(outcome.registration)
    send_participant_feed_email.delay(feed.pk, "en")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.send_participant_feed(outcome.registration)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].body != mail.outbox[1].body  # a new address


def test_personal_feed_holds_my_events_under_any_capitalisation_and_nobody_elses(
    client, scene, register, second_event, django_capture_on_commit_callbacks
):
    mine = register("ana@example.org")
    register("ANA@example.org", ticket_type=second_event)
    register("rui@example.org", ticket_type=second_event, join_waiting_list=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_participant_feed(mine.registration)
    feed = read(client.get(emailed_feed_path()).getvalue())
    events = {key for key in feed["by_uid"] if key.startswith("event-")}
    assert events == {uid(scene.event), uid(second_event.event)}
    assert all(item["status"] == "CONFIRMED" for item in feed["by_uid"].values())

    # Rui is only on the waiting list of the second event: tentative, and nothing of Ana's.
    rui = second_event.registrations.get(email="rui@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_participant_feed(rui)
    feed = read(client.get(emailed_feed_path()).getvalue())
    assert set(feed["by_uid"]) == {uid(second_event.event)}
    assert feed["by_uid"][uid(second_event.event)]["status"] == "TENTATIVE"


def test_a_cancelled_registration_stays_as_cancelled_with_a_higher_sequence(
    client, scene, register, django_capture_on_commit_callbacks
):
    outcome = register("ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_participant_feed(outcome.registration)
    path = emailed_feed_path()
    before = read(client.get(path).getvalue())["by_uid"]
    registrations.cancel_registration(outcome.registration)
    after = read(client.get(path).getvalue())["by_uid"]
    assert after.keys() == before.keys()
    for key, item in after.items():
        assert item["status"] == "CANCELLED"
        assert item["sequence"] > before[key]["sequence"]


def test_a_new_address_invalidates_the_old_and_a_revoked_one_is_a_plain_404(
    client, scene, register, django_capture_on_commit_callbacks
):
    outcome = register("ana@example.org")
    page = reverse("calendars:participant_page", args=[outcome.manage_token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "send"})
    old = emailed_feed_path()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"action": "send"})
    new = emailed_feed_path()
    assert new != old
    unknown = client.get("/calendar/u/" + "0" * 40 + ".ics")
    renewed = client.get(old)
    assert renewed.status_code == unknown.status_code == 404
    assert (
        renewed.getvalue() == unknown.getvalue()
    )  # nothing tells a renewed address from a made-up one
    assert client.get(new).status_code == 200
    client.post(page, {"action": "revoke"})
    assert not ParticipantFeed.objects.exists()
    revoked = client.get(new)
    assert revoked.status_code == 404
    assert revoked.getvalue() == unknown.getvalue()


def test_the_participant_page_needs_a_valid_manage_link(client, db):
    assert client.get("/calendar/mine/not-a-token/").status_code == 404
    assert client.post("/calendar/mine/not-a-token/", {"action": "send"}).status_code == 404
    assert not ParticipantFeed.objects.exists()


def test_the_token_is_bound_to_the_secret_key(client, scene, register, settings):
    outcome = register("ana@example.org")
    feed = services.send_participant_feed(outcome.registration)
    token = feed.token
    assert services.find_participant_feed(token) == feed
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert services.find_participant_feed(token) is None


# Organisation members ----------------------------------------------------------------------


def test_member_feed_holds_my_organisations_events_drafts_and_milestones(client, scene, catalogue):
    draft = planning.create_event(
        by=scene.lead,
        lead=scene.event.lead,
        title_i18n={"en": "Winter Walk"},
        objective="healthy-lifestyles",
        starts_on=scene.event.starts_on,
        ends_on=scene.event.ends_on,
    )
    feed = services.renew_member_feed(scene.lead)
    body = client.get(reverse("calendars:member", args=[feed.token])).getvalue()
    items = read(body)["by_uid"]
    assert uid(draft) in items and items[uid(draft)]["status"] == "TENTATIVE"
    assert uid(scene.sessions["pt"]) in items
    milestone = scene.event.milestones.order_by("due_on").first()
    item = items[uid(milestone)]
    assert item["all_day"] is True
    assert item["start"] == milestone.due_on.isoformat()
    assert item["summary"].startswith("Milestone: Venues booked")

    # A milestone marked done keeps its UID, says so and raises its SEQUENCE.
    planning.set_milestone_done(milestone, by=scene.lead, done=True)
    done = read(client.get(reverse("calendars:member", args=[feed.token])).getvalue())["by_uid"]
    assert done[uid(milestone)]["summary"].startswith("Done: Venues booked")
    assert done[uid(milestone)]["sequence"] > item["sequence"]

    # An outsider's feed holds none of it.
    outsider = services.renew_member_feed(scene.plan.people["outsider"])
    empty = read(client.get(reverse("calendars:member", args=[outsider.token])).getvalue())
    assert empty["by_uid"] == {}


def test_member_feed_runs_the_same_queries_for_one_event_or_many(
    client, scene, catalogue, django_assert_num_queries
):
    token = services.renew_member_feed(scene.lead).token
    url = reverse("calendars:member", args=[token])
    with django_assert_num_queries(
        7
    ) as one:  # feed, milestones, events, leads, sessions, venues, sports
        client.get(url)
    for number in range(3):
        planning.create_event(
            by=scene.lead,
            lead=scene.event.lead,
            title_i18n={"en": f"Extra {number}"},
            objective="healthy-lifestyles",
            starts_on=scene.event.starts_on,
            ends_on=scene.event.ends_on,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_member_page_makes_renews_and_turns_off_the_address(client, scene):
    page = reverse("calendars:member_page")
    assert client.get(page).status_code == 302  # log in first
    client.force_login(scene.lead)
    assert "Make my calendar address" in client.get(page).getvalue().decode()
    client.post(page, {"action": "renew"})
    first = MemberFeed.objects.get(user=scene.lead).token
    html = client.get(page).getvalue().decode()
    assert f"/calendar/o/{first}.ics" in html
    assert f"webcal://127.0.0.1/calendar/o/{first}.ics" in html
    client.post(page, {"action": "renew"})
    second = MemberFeed.objects.get(user=scene.lead).token
    assert second != first
    assert client.get(f"/calendar/o/{first}.ics").status_code == 404
    assert client.get(f"/calendar/o/{second}.ics").status_code == 200
    client.post(page, {"action": "revoke"})
    assert client.get(f"/calendar/o/{second}.ics").status_code == 404


def test_a_deactivated_users_feed_is_a_404(client, db):
    user = UserFactory()
    token = services.renew_member_feed(user).token
    user.is_active = False
    user.save()
    assert client.get(f"/calendar/o/{token}.ics").status_code == 404


# Subscribe links on the pages --------------------------------------------------------------


def test_event_page_offers_subscribe_links(client, scene):
    html = client.get(scene.event.get_absolute_url()).getvalue().decode()
    feed = f"127.0.0.1/events/{scene.event.slug}/calendar.ics"
    assert f'href="webcal://{feed}"' in html
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F" in html
    assert "https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2F" in html


def test_a_draft_page_offers_no_subscribe_links(client, plan):
    client.force_login(plan.people["lead"])
    html = client.get(plan.event.get_absolute_url()).getvalue().decode()
    assert "calendar.ics" not in html


def test_dashboard_links_to_the_members_calendar_page(client, scene):
    client.force_login(scene.lead)
    html = client.get(reverse("events:dashboard")).getvalue().decode()
    assert reverse("calendars:member_page") in html
