"""The record of the emails the site sends: one row per logical email, found by its
idempotency key, so that a task run twice (a retry, a redelivery after a worker died, two
workers at once) sends it once. How a row moves is in `outbox/services.py`.

The row holds no personal data: no address, no subject, no body. The email is built from the
database when it is sent; the key names what it is about by primary key only
("registration:42:paid"), and the Message-ID is random, so once a row is gone (erasure, the
end of a survey's identity links, retention) nothing ties a message in a mailbox or a mail
server's log back to a person's records.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_message_id() -> str:
    """Drawn once per key: every attempt carries the same Message-ID, so a copy that arrives
    twice is recognisably one message (mail clients and some mailbox providers fold them)."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


# The outbox is an operator's record, read in the admin only: its labels are not translated.
class EmailStatus(models.TextChoices):
    PENDING = "pending", "pending"
    SENDING = "sending", "sending"
    SENT = "sent", "sent"
    FAILED = "failed", "failed"


class Email(models.Model):
    key = models.CharField("idempotency key", max_length=200, unique=True)
    status = models.CharField(
        "status", max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    message_id = models.CharField("Message-ID", max_length=255, default=new_message_id)
    created_at = models.DateTimeField("date created", default=timezone.now, db_index=True)
    # When the last attempt began; a "sending" row older than OUTBOX_CLAIM_TIMEOUT was left
    # by a worker that died.
    claimed_at = models.DateTimeField("last attempt", null=True, blank=True)
    sent_at = models.DateTimeField("date sent", null=True, blank=True)
    # The error's kind and SMTP code only: a server's text may quote the address.
    last_error = models.CharField("last error", max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "email"
        verbose_name_plural = "emails"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=EmailStatus.SENT, sent_at__isnull=False)
                | (~Q(status=EmailStatus.SENT) & Q(sent_at__isnull=True)),
                name="outbox_sent_has_sent_at",
            ),
        ]

    def __str__(self):
        return self.key
