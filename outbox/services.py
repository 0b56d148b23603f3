"""Sending an email once, however often the task that sends it runs.

Celery gives every task at least once: a task is acknowledged only when it ends
(CELERY_TASK_ACKS_LATE), so one whose worker was killed runs again on another worker, and a
task that failed on SMTP is retried. Each email therefore has a stable idempotency key, chosen
by the task from what the email is about ("registration:42:paid"), and goes out through
`deliver`:

1. a row for the key already `sent`: nothing to do;
2. build the message from the database (None: nothing to send any more, no row);
3. claim the row with one conditional UPDATE (pending or failed, or "sending" for longer than
   OUTBOX_CLAIM_TIMEOUT) to `sending`, committed before the mail server is contacted: of two
   workers at once, exactly one claims it, the other is told to come back (`InProgress`);
4. hand the message to the email backend on a connection we opened, with the row's
   Message-ID;
5. mark the row `sent` as soon as the server has answered the message's DATA with "250",
   before saying goodbye (QUIT) to it; an error marks it `failed` and is raised for the task's
   retry.

The one window that no design closes (RFC 1047): the server has taken the message, and the
worker dies before step 5 commits. The server queues and delivers it; the row still says
"sending". It is that short: between the end of the message's DATA (the final ".") and one
UPDATE. What happens then is decided here: when the task runs again after OUTBOX_CLAIM_TIMEOUT
(a killed worker's task comes back after the broker's visibility timeout, which is longer),
the email is sent again, with the same Message-ID, and a warning is logged. A lost
confirmation or ticket is worse than a second copy that mail clients can fold; and a worker
that dies while talking to the server most likely died before the server took the message,
when sending again is simply right. OUTBOX_CLAIM_TIMEOUT must be longer than any one send can
take (EMAIL_TIMEOUT bounds each step of it), or a slow send could be taken over while it still
runs.

Call `deliver` outside any transaction (in a task): the claim has to be visible to other
workers before the mail server is contacted.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from smtplib import SMTPException, SMTPResponseException

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import Email, EmailStatus

log = logging.getLogger(__name__)


class Delivery(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"
    NOTHING_TO_SEND = "nothing to send"


class InProgress(Exception):
    """Another worker claimed this email less than OUTBOX_CLAIM_TIMEOUT ago and may be sending
    it right now; try again in `retry_in` seconds, when its claim has ended or gone stale."""

    def __init__(self, key: str, retry_in: float):
        super().__init__(f"{key} is being sent by another worker; try again in {retry_in:.0f} s")
        self.key = key
        self.retry_in = retry_in


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)


def deliver(key: str, build: Callable[[], EmailMessage | None]) -> Delivery:
    """Send the email `build` makes, once per `key`: raises
    `InProgress`, or the backend's error after recording it (see the module's docstring)."""
    if Email.objects.filter(key=key, status=EmailStatus.SENT).exists():
        return Delivery.ALREADY_SENT
    message = build()
    if message is None:
        return Delivery.NOTHING_TO_SEND
    if not message.recipients():
        log.warning("Email %s has no recipient: not sent", key)
        return Delivery.NOTHING_TO_SEND
    email, _created = Email.objects.get_or_create(key=key)
    now = timezone.now()
    claimed = (
        Email.objects.filter(pk=email.pk)
        .filter(
            Q(status__in=[EmailStatus.PENDING, EmailStatus.FAILED])
            | Q(status=EmailStatus.SENDING, claimed_at__lte=now - claim_timeout())
        )
        .update(status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        email.refresh_from_db()
        if email.status == EmailStatus.SENT:
            return Delivery.ALREADY_SENT
        since = now - (email.claimed_at or now)
        raise InProgress(key, retry_in=max(1.0, (claim_timeout() - since).total_seconds()))
    if email.status == EmailStatus.SENDING:
        log.warning(
            "Email %s was being sent at %s by a worker that stopped: sending it again. If the "
            "mail server had taken it, it arrives twice, with the same Message-ID.",
            key,
            email.claimed_at.isoformat(),
        )
    message.extra_headers["Message-ID"] = email.message_id
    _send(email, message, claimed_at=now)
    return Delivery.SENT


def _send(email: Email, message: EmailMessage, *, claimed_at: datetime) -> None:
    # Our own connection: the backend then leaves it open after the message, and the row is
    # marked sent before the QUIT exchange instead of after it.
    connection = get_connection()
    try:
        connection.open()
        connection.send_messages([message])
    except Exception as error:
        Email.objects.filter(pk=email.pk, status=EmailStatus.SENDING, claimed_at=claimed_at).update(
            status=EmailStatus.FAILED, last_error=describe(error)
        )
        log.warning("Email %s not sent (attempt %s): %s", email.key, email.attempts + 1, error)
        _close(connection)
        raise
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    _close(connection)


def _close(connection) -> None:
    try:
        connection.close()
    except (SMTPException, OSError) as error:  # the message went; only the goodbye failed
        log.info("Closing the mail server connection failed: %s", error)


def describe(error: Exception) -> str:
    """The error's kind and SMTP code: not its text, which may quote an address."""
    code = f" {error.smtp_code}" if isinstance(error, SMTPResponseException) else ""
    return f"{type(error).__name__}{code}"[:200]


# Forgetting -------------------------------------------------------------------------------


def forget_keys(keys: Iterable[str]) -> int:
    """Delete these keys' rows (the people they were about are erased or anonymous now)."""
    keys = list(keys)
    deleted = 0
    for start in range(0, len(keys), 500):
        deleted += Email.objects.filter(key__in=keys[start : start + 500]).delete()[0]
    return deleted


def forget_prefix(prefix: str) -> int:
    """Delete the rows of every key that starts with `prefix` ("registration:42:")."""
    if not prefix.endswith(":"):
        raise ValueError("A prefix ends with ':', or it would match other records' keys too.")
    return Email.objects.filter(key__startswith=prefix).delete()[0]


def forget_before(cutoff: datetime) -> int:
    """Retention: the rows made before `cutoff`. Their tasks and retries are long over, so no
    key among them can come again."""
    return Email.objects.filter(created_at__lt=cutoff).delete()[0]
