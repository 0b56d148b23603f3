"""The participant's self-service in a real browser, at the manage link: download the PDF
tickets, change a name, download the data, erase it; axe checks every page on the way."""

import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import zxingcpp
from playwright.sync_api import Page, expect

from events import services as event_services
from registrations import services, tickets
from registrations.models import Registration
from tests.e2e.conftest import assert_accessible

LISBON = ZoneInfo("Europe/Lisbon")


def registered(plan):
    lead = plan.people["lead"]
    event = event_services.change_status(plan.event, by=lead, status="published")
    event_services.add_session(
        event,
        by=lead,
        venue=plan.venues["pt"],
        title="Fun run",
        kind="competition",
        starts_at=datetime(2027, 9, 25, 9, tzinfo=LISBON),
        ends_at=datetime(2027, 9, 25, 12, tzinfo=LISBON),
    )
    ticket = services.create_ticket_type(event, by=lead, name="Festival pass", capacity=20)
    outcome = services.register(
        event,
        ticket_type=ticket,
        name="Ayşe Yılmaz",
        email="ayse@example.org",
        language="en",
        accept_terms=True,
        notify=False,
        participants=[
            {
                "name": "Ayşe Yılmaz",
                "country": "TR",
                "year_of_birth": 1990,
                "accessibility_consent": True,
                "accessibility_needs": ["step-free"],
            },
            {"name": "Jonas Müller", "country": "DE", "year_of_birth": 1988, "role": "volunteer"},
        ],
    )
    return event, outcome


def test_participant_downloads_the_pdf_changes_a_name_downloads_and_erases_the_data(
    page: Page, plan, snap, results_dir
):
    event, outcome = registered(plan)
    page.goto(f"/registrations/{outcome.manage_token}/")
    assert_accessible(page)
    snap("manage page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF ticket").click()
    download = download_info.value
    assert download.suggested_filename == f"tickets-{outcome.registration.reference}.pdf"
    saved = results_dir / download.suggested_filename
    download.save_as(saved)
    reader = pypdf.PdfReader(io.BytesIO(saved.read_bytes()))
    assert len(reader.pages) == 2
    assert "Jonas Müller" in reader.pages[1].extract_text()
    qr = zxingcpp.read_barcodes(next(iter(reader.pages[0].images)).image)
    claims = tickets.verify(qr[0].text, tickets.public_keys(event))
    assert claims.ticket_id == outcome.registration.participants.get(country="TR").ticket_id

    page.get_by_role("link", name="Change the details").click()
    expect(page.get_by_role("heading", name="Change the details")).to_be_visible()
    assert_accessible(page)
    snap("change form")
    second = page.get_by_role("group", name="Participant 2")
    second.get_by_role("textbox", name=re.compile("^Name")).fill("Jonas Schmidt")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Jonas Schmidt")).to_be_visible()
    assert_accessible(page)
    snap("changed")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert {p["name"] for p in data["participants"]} == {"Ayşe Yılmaz", "Jonas Schmidt"}

    page.get_by_role("link", name="Erase my data").click()
    assert_accessible(page)
    page.get_by_role("button", name="Erase my data").click()
    expect(page.get_by_text("Tick the box to confirm the erasure.")).to_be_visible()
    assert_accessible(page)
    snap("erase refused without the tick")
    page.get_by_label(re.compile("^Yes, erase our personal data")).check()
    page.get_by_role("button", name="Erase my data").click()
    expect(page.get_by_text("Your personal data is erased.")).to_be_visible()
    snap("erased")
    registration = Registration.objects.get()
    assert registration.erased_at is not None and registration.status == "cancelled"
    assert not registration.participants.exclude(name="").exists()
    response = page.goto(f"/registrations/{outcome.manage_token}/")
    assert response.status == 404
