"""The door on a phone: the scanner checks tickets online, keeps checking them with the public
keys when the network drops (green, red, amber for a repeat on this device), and sends the
queued scans when it comes back; a fake camera shows a QR code that the page reads."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import qrcode
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from events.models import Event
from registrations import services, tickets
from registrations.models import CheckIn, Participant, Registration
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, assert_accessible
from tests.e2e.test_planning_journeys import log_in
from tests.e2e.test_registration_journeys import published

PHONE = {"width": 390, "height": 844}


def _people(plan):
    """A published event with three confirmed people: Ana, Emre (whose ticket is then revoked)
    and Jonas; registration opened yesterday."""
    event, ticket_type = published(plan)
    outcome = services.register(
        event,
        ticket_type=ticket_type,
        name="Ana Sousa",
        email="ana@example.org",
        language="en",
        accept_terms=True,
        notify=False,
        participants=[
            {"name": name, "country": "PT", "year_of_birth": 1990}
            for name in ("Ana Sousa", "Emre Kaya", "Jonas Berg")
        ],
    )
    yesterday = timezone.now() - timedelta(days=1)
    Registration.objects.filter(pk=outcome.registration.pk).update(created_at=yesterday)
    Event.objects.filter(pk=event.pk).update(published_at=yesterday)
    ana, emre, jonas = outcome.registration.participants.order_by("pk")
    return event, ana, emre, jonas


def answer(page: Page):
    return page.locator(".scan-answer")


def check(page: Page, code: str) -> None:
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check the ticket").click()


def test_the_scanner_checks_tickets_offline_and_syncs_them_when_back_online(page: Page, plan, snap):
    event, ana, emre, jonas = _people(plan)
    codes = {person.name: tickets.sign(person) for person in (ana, emre, jonas)}
    page.set_viewport_size(PHONE)
    log_in(page, plan.people["lead"].email)
    page.goto(f"/events/{event.slug}/check-in/")
    expect(page.locator("[data-network]")).to_have_text("Online")
    # The keys for offline checks have arrived.
    page.wait_for_function(
        f"() => localStorage.getItem('sportevents:door:keys:{event.slug}') !== null"
    )
    page.get_by_label("Gate").fill("North")

    # Online: Jonas comes in; the answer comes from the API without reloading the page.
    check(page, codes["Jonas Berg"])
    expect(answer(page)).to_contain_text("Valid")
    expect(answer(page)).to_contain_text("Jonas Berg")
    expect(answer(page).locator(".scan--valid")).to_be_visible()
    assert CheckIn.objects.get().result == "valid"
    assert_accessible(page)
    snap("online valid")

    # Emre's ticket is revoked after the keys were loaded; the page learns it at its refresh.
    Participant.objects.filter(pk=emre.pk).update(ticket_revoked_at=timezone.now())
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        f"() => (localStorage.getItem('sportevents:door:keys:{event.slug}') || '')"
        f".includes('{emre.ticket_id}')"
    )

    page.context.set_offline(True)
    expect(page.locator("[data-network]")).to_contain_text("Offline")

    check(page, codes["Ana Sousa"])
    expect(answer(page)).to_contain_text("Valid (offline)")
    expect(answer(page).locator(".scan--valid")).to_be_visible()
    snap("offline valid")

    payload, signature = codes["Jonas Berg"].split(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    check(page, forged)
    expect(answer(page).locator(".scan--invalid")).to_be_visible()
    expect(answer(page)).to_contain_text("Forged or altered ticket")

    check(page, codes["Emre Kaya"])
    expect(answer(page).locator(".scan--invalid")).to_be_visible()
    expect(answer(page)).to_contain_text("This ticket was cancelled.")
    assert_accessible(page)
    snap("offline revoked red")

    # The same ticket twice on this device: amber.
    page.evaluate("code => window.sportevents.checkIn(code)", codes["Ana Sousa"])
    expect(answer(page).locator(".scan--already")).to_be_visible()
    expect(answer(page)).to_contain_text("Already scanned on this device")
    expect(page.locator("[data-queue]")).to_have_text("Waiting to be sent: 4")
    snap("offline queue")
    assert CheckIn.objects.count() == 1  # nothing reached the server

    page.context.set_offline(False)
    expect(page.locator("[data-sync-report]")).to_contain_text("Offline scans sent: 4.")
    expect(page.locator("[data-queue]")).to_be_hidden()
    expect(page.locator("[data-network]")).to_have_text("Online")
    # The scans table shows what the server now holds.
    expect(page.locator("table")).to_contain_text("Forged or altered ticket")
    snap("synced")

    rows = CheckIn.objects.exclude(pk=CheckIn.objects.order_by("pk").first().pk).order_by(
        "scanned_at"
    )
    assert [(row.participant, row.result, row.reason) for row in rows] == [
        (ana, "valid", ""),
        (None, "invalid", "forged"),
        (emre, "invalid", "cancelled"),
        (ana, "already", "already"),
    ]
    assert {row.gate for row in rows} == {"North"}
    assert len({row.device for row in rows}) == 1 and rows[0].device
    assert all(row.received_at > row.scanned_at for row in rows)


def test_a_duplicate_found_at_sync_is_shown_and_the_earlier_scan_counts(page: Page, plan):
    event, ana, _emre, _jonas = _people(plan)
    code = tickets.sign(ana)
    log_in(page, plan.people["lead"].email)
    page.goto(f"/events/{event.slug}/check-in/")
    page.wait_for_function(
        f"() => localStorage.getItem('sportevents:door:keys:{event.slug}') !== null"
    )
    page.get_by_label("Gate").fill("South")
    page.context.set_offline(True)
    check(page, code)
    expect(answer(page)).to_contain_text("Valid (offline)")

    # Meanwhile another phone, online, lets Ana in at the North gate.
    page.wait_for_timeout(50)
    other = page.context.browser.new_context(base_url=page.url.split("/events/")[0])
    other_page = other.new_page()
    other_page.set_default_timeout(TIMEOUT_MS)
    log_in(other_page, plan.people["pt"].email)
    other_page.goto(f"/events/{event.slug}/check-in/")
    other_page.get_by_label("Gate").fill("North")
    check(other_page, code)
    expect(answer(other_page)).to_contain_text("Valid")
    other.close()

    page.context.set_offline(False)
    report = page.locator("[data-sync-report]")
    expect(report).to_contain_text("Ana Sousa was scanned twice")
    expect(report).to_contain_text("at gate South counts")
    assert CheckIn.objects.get(result="valid").gate == "South"
    assert CheckIn.objects.get(result="already").gate == "North"


def _fake_camera_video(token: str, folder: Path) -> Path:
    """A few seconds of a QR code on a white page, as a Y4M video for Chromium's fake camera."""
    width, height = 640, 480
    qr = qrcode.make(token, box_size=4, border=4).get_image().convert("L")
    side = min(height - 40, qr.size[0])
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr.resize((side, side), Image.NEAREST), ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    path = folder / "qr.y4m"
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@pytest.fixture
def camera_page(browser, live_server, results_dir):
    """Opens a page in a Chromium of its own whose camera shows a QR code of the given text."""
    holder = {}

    def open_with(token: str) -> Page:
        video = _fake_camera_video(token, results_dir)
        holder["browser"] = browser.browser_type.launch(
            executable_path=str(CHROMIUM),
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
            headless=True,
        )
        context = holder["browser"].new_context(
            base_url=live_server.url, locale="en-GB", viewport=PHONE
        )
        context.grant_permissions(["camera"])
        context.set_default_timeout(TIMEOUT_MS)
        return context.new_page()

    yield open_with
    if "browser" in holder:
        holder["browser"].close()


def test_the_camera_reads_a_qr_code_and_checks_the_ticket_in(camera_page, plan, results_dir):
    event, ana, _emre, _jonas = _people(plan)
    page = camera_page(tickets.sign(ana))
    log_in(page, plan.people["lead"].email)
    page.goto(f"/events/{event.slug}/check-in/")
    page.get_by_role("button", name="Scan with camera").click()
    expect(answer(page)).to_contain_text("Ana Sousa", timeout=15_000)
    expect(answer(page).locator(".scan--valid")).to_be_visible()
    expect(page.get_by_role("button", name="Stop the camera")).to_be_visible()
    page.screenshot(path=str(results_dir / "camera.png"), full_page=True)
    # The code stays in front of the camera: it is not sent again and again.
    page.wait_for_timeout(1500)
    assert CheckIn.objects.filter(participant=ana).count() == 1
    page.get_by_role("button", name="Stop the camera").click()
    expect(page.get_by_role("button", name="Scan with camera")).to_be_visible()


def test_qr_helper_draws_a_readable_code(results_dir):
    """The fake camera's picture holds the code (so a failing camera test is the page's)."""

    path = _fake_camera_video("hello.world", results_dir)
    data = path.read_bytes()
    start = data.index(b"FRAME\n") + len(b"FRAME\n")
    luma = Image.frombytes("L", (640, 480), data[start : start + 640 * 480])
    assert zxingcpp.read_barcodes(luma)[0].text == "hello.world"
    assert re.match(rb"YUV4MPEG2 W640 H480", data)
