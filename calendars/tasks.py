"""The personal feed's address, sent to the email address it covers."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from calendars.feeds import participant_calendar_name
from calendars.links import subscribe_links
from calendars.models import ParticipantFeed
from sportevents.mail import render_subject

RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 8}


@shared_task(**RETRY)
def send_participant_feed_email(feed_id: int, language: str) -> None:
    feed = ParticipantFeed.objects.filter(pk=feed_id).first()
    if feed is None:  # revoked before the mail went out
        return
    with translation.override(language):
        links = subscribe_links(
            reverse("calendars:participant", args=[feed.token]), name=participant_calendar_name()
        )
        context = {"links": links}
        subject = render_subject("calendars/feed_email_subject.txt", context)
        body = render_to_string("calendars/feed_email.txt", context)
    EmailMultiAlternatives(subject, body, to=[feed.email]).send()
