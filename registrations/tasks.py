"""Emails to participants, sent by Celery after the transaction commits, retried on failure,
each once (through the outbox, under a key that starts with `email_key(pk, "")`). A confirmed
registration's email carries the QR codes, the PDF tickets and the calendar."""

from email.mime.image import MIMEImage

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from events.ical import calendar_for
from outbox.tasks import EMAIL_TASK, send_once
from registrations import pdf, retention, tickets
from registrations.links import manage_token_for
from registrations.models import Registration, RegistrationStatus
from sportevents.mail import render_subject


def email_key(registration_id: int, what: str) -> str:
    """The outbox key of an email about a registration. They all start "registration:<pk>:",
    which erasure uses to forget them."""
    return f"registration:{registration_id}:{what}"


def _registration(pk: int) -> Registration | None:
    """The registration as it is now; None once it is gone or erased (nothing more is sent)."""
    return (
        Registration.objects.select_related("event", "ticket_type")
        .prefetch_related("participants", "event__sessions__venue")
        .filter(pk=pk, erased_at__isnull=True)
        .first()
    )


def _attach_tickets(message, registration: Registration, subject: str, body: str) -> None:
    """The PDF tickets, the calendar, and the QR codes inline in an HTML version of the text."""
    # The same tickets on paper: one page each, in the registration's language.
    message.attach(pdf.filename(registration), pdf.tickets_pdf(registration), "application/pdf")
    message.attach(
        f"{registration.event.slug}.ics",
        calendar_for([registration.event], name=registration.event.title),
        "text/calendar",
    )
    inline = []
    for participant in registration.participants.all():
        if participant.ticket_revoked_at is not None:
            continue
        image = MIMEImage(tickets.qr_png(tickets.sign(participant)), "png")
        cid = f"ticket-{participant.ticket_id}@sportevents"
        image.add_header("Content-ID", f"<{cid}>")
        image.add_header("Content-Disposition", "inline", filename=f"ticket-{participant.pk}.png")
        message.attach(image)
        inline.append({"name": participant.name, "cid": cid})
    html = render_to_string(
        "emails/tickets.html",
        {"registration": registration, "subject": subject, "body": body, "inline_tickets": inline},
    )
    message.attach_alternative(html, "text/html")
    message.mixed_subtype = "related"  # the images belong to the HTML part


def _message(registration: Registration, template: str) -> EmailMultiAlternatives:
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": registration.event,
            "manage_url": settings.SITE_URL
            + reverse("registrations:manage", args=[manage_token_for(registration)]),
            "position": registration.waitlist_position(),
        }
        subject = render_subject(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}.txt", context)
        message = EmailMultiAlternatives(subject, body, to=[registration.email])
        if registration.status == RegistrationStatus.CONFIRMED:
            _attach_tickets(message, registration, subject, body)
    return message


@shared_task(**EMAIL_TASK)
def send_registration_email(self, registration_id: int, occasion: str) -> None:
    """The registration as it stands (waiting, to pay, or confirmed with its tickets). The
    occasion tells the emails about one registration apart: "registered", "paid",
    "new-address:<when>"; each goes out once."""

    def build():
        registration = _registration(registration_id)
        return _message(registration, "registration") if registration is not None else None

    send_once(self, email_key(registration_id, occasion), build)


@shared_task(**EMAIL_TASK)
def send_promotion_email(self, registration_id: int) -> None:
    """A seat from the waiting list. Once per registration: nothing puts a registration back
    on the waiting list."""

    def build():
        registration = _registration(registration_id)
        if registration is None or not registration.holds_seats:
            return None
        return _message(registration, "promotion")

    send_once(self, email_key(registration_id, "promoted"), build)


@shared_task
def forget_accessibility_needs() -> int:
    """Daily (see CELERY_BEAT_SCHEDULE): accessibility needs are deleted after the event."""
    return retention.forget_accessibility_needs()


@shared_task
def erase_expired_personal_data() -> dict:
    """Daily (see CELERY_BEAT_SCHEDULE): each event's registrations are erased once its
    retention period is over."""
    return retention.erase_expired_personal_data()
