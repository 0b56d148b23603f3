"""Confirmation and promotion emails: sent after commit, in the participant's language, with
the tickets' QR codes and the programme as an .ics attachment."""

import io
from datetime import datetime
from email.mime.image import MIMEImage
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from django.core import mail
from icalendar import Calendar
from PIL import Image

from outbox.models import Email, EmailStatus
from registrations import services, tasks, tickets
from sportevents.errors import Conflict
from tests.mail import files_of

pytestmark = pytest.mark.django_db


def test_confirmation_email_carries_the_link_the_tickets_and_the_calendar(
    with_session, free_ticket, sign_up, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sign_up(
            free_ticket,
            email="ana@example.org",
            language="fr",
            participants=[person(name="Ana"), person(name="Rui")],
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert f"/registrations/{outcome.manage_token}/" in message.body
    assert "Move Together Week" in message.subject or "Semaine" in message.subject
    # The QR codes are inline in the HTML version, each referenced by its Content-ID.
    html = message.alternatives[0].content
    images = [a for a in message.attachments if isinstance(a, MIMEImage)]
    assert len(images) == 2
    for image in images:
        assert image["Content-Disposition"].startswith("inline")
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    assert "Ana" in html and "Rui" in html
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].get_payload(decode=True))))
    claims = tickets.verify(decoded[0].text, tickets.public_keys(with_session))
    assert claims.ticket_id in {p.ticket_id for p in outcome.registration.participants.all()}
    files = files_of(message)
    assert [a[2] for a in files] == ["application/pdf", "text/calendar"]
    ics = files[1]
    calendar = Calendar.from_ical(ics[1])
    # The event as an all-day item, then its session (the same items as the event's feed).
    events = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("session-")]
    assert len(events) == 1
    assert events[0]["DTSTART"].dt == datetime(2027, 9, 25, 9, tzinfo=ZoneInfo("Europe/Lisbon"))
    assert calendar.walk("VTIMEZONE"), "every TZID needs its VTIMEZONE"


def test_nothing_is_sent_when_the_registration_fails(
    free_ticket, sign_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(free_ticket, email="same@example.org")
        with pytest.raises(Conflict):
            sign_up(free_ticket, email="same@example.org")
    assert len(mail.outbox) == 1


def test_waiting_list_email_then_promotion_email(
    event, lead, sign_up, django_capture_on_commit_callbacks
):
    tiny = services.create_ticket_type(event, by=lead, name="Clinic", capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(tiny, email="first@example.org")
        second = sign_up(tiny, email="second@example.org", join_waiting_list=True)
    assert "waiting list" in mail.outbox[1].body
    assert "position 1" in mail.outbox[1].body
    assert not mail.outbox[1].attachments
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(first.registration)
    promotion = mail.outbox[2]
    assert promotion.to == ["second@example.org"]
    assert "first on the waiting list" in promotion.body
    assert [a for a in promotion.attachments if isinstance(a, MIMEImage)]
    second.registration.refresh_from_db()
    assert second.registration.status == "confirmed"


def test_an_email_task_that_runs_again_sends_nothing_more(
    event, lead, sign_up, django_capture_on_commit_callbacks
):
    """A task runs again when its worker died before acknowledging it (or Redis gave it to a
    second worker): the outbox has it as sent."""
    tiny = services.create_ticket_type(event, by=lead, name="Clinic", capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(tiny, email="first@example.org")
        second = sign_up(tiny, email="second@example.org", join_waiting_list=True)
        services.cancel_registration(first.registration)
    assert [m.to for m in mail.outbox] == [
        ["first@example.org"],
        ["second@example.org"],
        ["second@example.org"],
    ]
    tasks.send_registration_email.delay(first.registration.pk, "registered")
    tasks.send_registration_email.delay(second.registration.pk, "registered")
    tasks.send_promotion_email.delay(second.registration.pk)
    assert len(mail.outbox) == 3
    assert Email.objects.filter(status=EmailStatus.SENT).count() == 3


def test_demo_loading_sends_no_email(catalogue, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert mail.outbox == []


def test_plain_text_emails_are_not_html_escaped(
    event, free_ticket, sign_up, django_capture_on_commit_callbacks
):
    type(event).objects.filter(pk=event.pk).update(title_i18n={"en": "Run & Fun <5 km>"})
    event.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(free_ticket, language="en")
    message = mail.outbox[-1]
    assert "Run & Fun <5 km>" in message.subject
    assert "&amp;" not in message.subject and "&amp;" not in message.body
