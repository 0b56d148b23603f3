"""The personal feed's address, sent to the email address it covers."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from calendars.feeds import participant_calendar_name
from calendars.links import subscribe_links
from calendars.models import ParticipantFeed
from outbox.tasks import EMAIL_TASK, send_once
from sportevents.mail import render_subject


@shared_task(**EMAIL_TASK)
def send_participant_feed_email(self, feed_id: int, language: str) -> None:
    """The feed's current address, once per renewal: when it was renewed again before this
    ran, the older address no longer works and only the newest goes out."""
    feed = ParticipantFeed.objects.filter(pk=feed_id).first()
    if feed is None:  # revoked before the mail went out
        return
    key = f"participant-feed:{feed.pk}:{feed.created_at:%Y%m%dT%H%M%S%f}"
    send_once(self, key, lambda: _message(feed, language))


def _message(feed: ParticipantFeed, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        links = subscribe_links(
            reverse("calendars:participant", args=[feed.token]), name=participant_calendar_name()
        )
        context = {"links": links}
        subject = render_subject("calendars/feed_email_subject.txt", context)
        body = render_to_string("calendars/feed_email.txt", context)
    return EmailMultiAlternatives(subject, body, to=[feed.email])
