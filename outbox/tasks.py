"""Celery's side of the outbox: the options every email task shares, the call that sends its
email once, and the daily retention job."""

from collections.abc import Callable
from datetime import timedelta
from smtplib import SMTPException

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from outbox import services
from outbox.services import Delivery, InProgress

# For @shared_task(**EMAIL_TASK): a task that sends one email gets itself as `self` (for
# `send_once`), and is retried with growing pauses while the mail server fails or is away.
EMAIL_TASK = {
    "bind": True,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "max_retries": 8,
}


def send_once(task: Task, key: str, build: Callable[[], EmailMessage | None]) -> Delivery:
    """`services.deliver` for a task: when another worker holds the email, the task comes back
    once that claim has ended (sent: nothing more to do) or gone stale (taken over)."""
    try:
        return services.deliver(key, build)
    except InProgress as busy:
        raise task.retry(exc=busy, countdown=busy.retry_in) from None


@shared_task
def forget_old_emails() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the record is kept OUTBOX_RETENTION_DAYS."""
    return services.forget_before(timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS))
