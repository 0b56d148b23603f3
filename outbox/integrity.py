"""What must hold for the outbox (see sportevents/integrity.py): every email goes out."""

from datetime import timedelta

from django.utils import timezone

from outbox.models import Email, EmailStatus

# Longer than an email task's retries (minutes) and the broker's redelivery of a task whose
# worker died (CELERY_VISIBILITY_TIMEOUT, an hour): an email still unsent after this is stuck.
GIVEN_UP_AFTER = timedelta(days=1)


def every_email_went_out() -> list[str]:
    """An email not sent a day after it was first tried failed all its retries, or its task
    was lost: someone has to look (the admin's outbox shows the key and the last error)."""
    rows = (
        Email.objects.exclude(status=EmailStatus.SENT)
        .filter(created_at__lt=timezone.now() - GIVEN_UP_AFTER)
        .order_by("pk")
        .values_list("key", "status", "attempts", "last_error")
    )
    return [
        f"Email {key}: {status} after {attempts} attempts" + (f" ({error})." if error else ".")
        for key, status, attempts, error in rows
    ]


CHECKS = [every_email_went_out]
