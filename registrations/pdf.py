"""PDF tickets: one A4 page per participant, to print or keep on a phone.

Each page has what the person needs at the door and on the way there: the event, the ticket
type, the name, the reference, the signed QR code (large enough for a scanner to read from paper),
the code in text for typing, and the programme in each venue's local time with its address and
accessibility. The secret manage link is not printed: a paper ticket gets passed around.

Drawn with fpdf2 (pure Python) in DejaVu Sans, shipped in registrations/fonts/ with its licence,
so Turkish and German letters come out the same on every server.
"""

import io
from pathlib import Path

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from events.models import Session
from events.views.display import session_time
from registrations import tickets
from registrations.forms import need_labels
from registrations.models import Participant, Registration

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
MARGIN = 15  # mm
QR_SIZE = 75  # mm: about 1.5 mm a module, read from paper at arm's length
TEXT_WIDTH = 100  # mm left of the QR code
INK, MUTED, RULE = (20, 20, 20), (90, 90, 90), (200, 200, 200)
FOOTER_SPACE = 32  # mm kept free at the bottom of each page for the hints


def _new_document(registration: Registration) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    # One page per participant: the programme is cut short rather than spill onto a second page.
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(_("Tickets %(reference)s") % {"reference": registration.reference})
    pdf.set_subject(registration.event.title)
    pdf.set_lang(get_language() or "en")
    pdf.set_creator("sportevents")
    return pdf


def _text(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, color=INK, width=0):
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(width, size * 0.45, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fact(pdf: FPDF, label: str, value: str, *, size: float = 12) -> None:
    _text(pdf, label, size=8, color=MUTED, width=TEXT_WIDTH)
    _text(pdf, value, size=size, bold=True, width=TEXT_WIDTH)
    pdf.ln(2)


def _rule(pdf: FPDF) -> None:
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
    pdf.ln(3)


def _dates(event) -> str:
    start = formats.date_format(event.starts_on, "DATE_FORMAT")
    if event.ends_on == event.starts_on:
        return start
    return f"{start} – {formats.date_format(event.ends_on, 'DATE_FORMAT')}"


def _by_venue(sessions: list[Session]) -> list[tuple[object, list[Session]]]:
    venues: dict[int, tuple[object, list[Session]]] = {}
    for session in sessions:
        venues.setdefault(session.venue_id, (session.venue, []))[1].append(session)
    return list(venues.values())


def _session_line(session: Session) -> str:
    time = session_time(session)
    day = formats.date_format(time.day, "D j M Y")
    end = time.end
    if time.end_day:
        end = f"{formats.date_format(time.end_day, 'D j M')} {time.end}"
    offset = time.offset if not time.end_offset else f"{time.offset}/{time.end_offset}"
    return f"{day}, {time.start}–{end} ({session.venue.timezone}, {offset})  {session.title}"


def _room_left(pdf: FPDF, lines: int = 1) -> bool:
    return pdf.get_y() + lines * 5 < pdf.h - MARGIN - FOOTER_SPACE


def _programme(pdf: FPDF, sessions: list[Session]) -> None:
    _text(pdf, _("Programme"), size=13, bold=True)
    _text(pdf, _("Times are local at each venue, with the time zone."), size=8, color=MUTED)
    pdf.ln(2)
    if not sessions:
        _text(pdf, _("The programme is not published yet."))
        return
    shown = 0
    for venue, items in _by_venue(sessions):
        if not _room_left(pdf, 4):
            break
        _text(pdf, f"{venue.name}, {venue.city}", size=10.5, bold=True)
        _text(pdf, venue.full_address, size=9, color=MUTED)
        features = venue.feature_labels
        accessibility = (
            _("Accessibility: %(features)s") % {"features": ", ".join(features)}
            if features
            else _("No accessibility information for this venue yet.")
        )
        _text(pdf, accessibility, size=9, color=MUTED)
        pdf.ln(1)
        for session in items:
            if not _room_left(pdf):
                break
            _text(pdf, _session_line(session), size=9.5)
            shown += 1
        pdf.ln(2)
    if shown < len(sessions):
        _text(
            pdf,
            _("%(count)s more sessions: see the programme on the event's page.")
            % {"count": len(sessions) - shown},
            size=9,
            color=MUTED,
        )


def _footer(pdf: FPDF) -> None:
    pdf.set_y(pdf.h - MARGIN - FOOTER_SPACE + 6)
    _rule(pdf)
    _text(
        pdf,
        _(
            "Show the QR code at the entrance, on paper or on your phone. Each ticket lets one "
            "person in."
        ),
        size=9,
    )
    pdf.ln(1)
    _text(
        pdf,
        _(
            "To change or cancel the registration, or to download or erase your data, open the "
            "private link in your confirmation email. The link is not printed here: keep this "
            "ticket to yourself, and the link too."
        ),
        size=9,
        color=MUTED,
    )


def _page(
    pdf: FPDF,
    registration: Registration,
    participant: Participant,
    code: str,
    sessions: list[Session],
    number: int,
    total: int,
) -> None:
    event = registration.event
    pdf.add_page()
    _text(
        pdf,
        _("Ticket %(number)s of %(total)s · reference %(reference)s")
        % {"number": number, "total": total, "reference": registration.reference},
        size=8,
        color=MUTED,
    )
    pdf.ln(1)
    _text(pdf, event.title, size=20, bold=True)
    _text(pdf, _dates(event), size=11, color=MUTED)
    pdf.ln(3)
    _rule(pdf)
    top = pdf.get_y()
    pdf.image(
        io.BytesIO(tickets.qr_png(code)),
        x=pdf.w - MARGIN - QR_SIZE,
        y=top,
        w=QR_SIZE,
        h=QR_SIZE,
        alt_text=_("QR code of the ticket for %(name)s") % {"name": participant.name},
    )
    _fact(pdf, _("Participant"), participant.name, size=16)
    _fact(pdf, _("Ticket"), registration.ticket_type.name)
    _fact(pdf, _("Takes part as"), participant.get_role_display())
    _fact(pdf, _("Reference"), registration.reference)
    if participant.accessibility_consent_at and participant.accessibility_needs:
        _fact(
            pdf,
            _("Accessibility needs you told us"),
            ", ".join(need_labels(participant.accessibility_needs)),
            size=10,
        )
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE + 2))
    _text(pdf, _("Ticket code, to type in if the QR code cannot be read:"), size=7, color=MUTED)
    _text(pdf, code, size=7, color=MUTED)
    pdf.ln(3)
    _rule(pdf)
    _programme(pdf, sessions)
    _footer(pdf)


def tickets_pdf(registration: Registration) -> bytes:
    """All valid tickets of a confirmed registration, one page each, in the active language."""
    event = registration.event
    people = [p for p in registration.participants.all() if p.ticket_revoked_at is None]
    sessions = list(
        Session.objects.filter(event=event)
        .select_related("venue")
        .prefetch_related("venue__features")
        .order_by("starts_at", "pk")
    )
    key = tickets.signing_key(event)
    pdf = _new_document(registration)
    for number, participant in enumerate(people, start=1):
        participant.registration = registration
        code = tickets.sign(participant, key=key)
        _page(pdf, registration, participant, code, sessions, number, len(people))
    return bytes(pdf.output())


def filename(registration: Registration) -> str:
    return f"tickets-{registration.reference}.pdf"
