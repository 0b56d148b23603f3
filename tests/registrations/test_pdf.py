"""PDF tickets: one page per participant, with the details a person needs at the door, and a QR
code that a scanner reads back to a ticket we signed."""

import io
from zoneinfo import ZoneInfo

import pypdf
import pytest
import zxingcpp
from django.utils import translation

from registrations import pdf, tickets

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")


def read_pdf(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def decoded_qr(page) -> str:
    images = list(page.images)
    assert len(images) == 1, "one QR code a page"
    found = zxingcpp.read_barcodes(images[0].image)
    assert found, "the QR code in the PDF cannot be read"
    return found[0].text


def test_one_page_per_participant_with_their_details_and_a_valid_qr(
    with_session, free_ticket, sign_up, person
):
    outcome = sign_up(
        free_ticket,
        participants=[
            person(
                name="Ayşe Yılmaz", accessibility_consent=True, accessibility_needs=["step-free"]
            ),
            person(name="Jürgen Groß", country="DE", role="volunteer"),
        ],
    )
    registration = outcome.registration
    with translation.override("en"):
        reader = read_pdf(pdf.tickets_pdf(registration))
    assert len(reader.pages) == 2
    people = list(registration.participants.all())
    for page, participant in zip(reader.pages, people, strict=True):
        text = page.extract_text()
        for expected in (
            participant.name,
            registration.reference,
            "Move Together Week",
            "Fun run 5 km",  # the ticket type
            "09:00–12:00",  # local time at the venue ...
            "Europe/Lisbon",  # ... with its zone
            plan_venue_name(with_session),
        ):
            assert expected in text, expected
        claims = tickets.verify(decoded_qr(page), tickets.public_keys(with_session))
        assert claims.ticket_id == participant.ticket_id
    assert "Step-free access" in reader.pages[0].extract_text()
    assert "Volunteer" in reader.pages[1].extract_text()
    assert "/registrations/" not in reader.pages[0].extract_text(), "no secret link on paper"


def plan_venue_name(event) -> str:
    return event.sessions.get().venue.name


def test_revoked_tickets_are_left_out(event, free_ticket, sign_up, person):
    outcome = sign_up(free_ticket, participants=[person(name="Ana"), person(name="Rui")])
    registration = outcome.registration
    registration.participants.filter(name="Rui").update(ticket_revoked_at=registration.created_at)
    reader = read_pdf(pdf.tickets_pdf(registration))
    assert len(reader.pages) == 1
    assert "Ana" in reader.pages[0].extract_text()


def test_in_the_registrations_language(with_session, free_ticket, sign_up):
    registration = sign_up(free_ticket).registration
    with translation.override("de"):
        text = read_pdf(pdf.tickets_pdf(registration)).pages[0].extract_text()
    assert "Ayşe Yılmaz" in text
    assert "23. September 2027" in text  # the German date format
