"""The outbox: an email goes out once per key however often it is delivered; a failure is
recorded and sent by the retry; a claim left by a dead worker is taken over with the same
Message-ID, one held by a live worker is left to it; the record holds no personal data and is
forgotten after its retention. (The same against a real worker that is killed:
test_worker_killed.py.)"""

import threading
from collections import Counter
from datetime import timedelta
from smtplib import SMTPDataError

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from outbox.integrity import every_email_went_out
from outbox.models import Email, EmailStatus
from outbox.services import Delivery, InProgress, deliver, forget_prefix
from outbox.tasks import forget_old_emails
from registrations import tasks
from tests.factories import UserFactory
from tests.registrations.test_race import at_once

pytestmark = pytest.mark.django_db


def message() -> EmailMessage:
    return EmailMessage("Your tickets", "See you at the start line.", to=["ana@example.org"])


def test_a_key_is_sent_once_however_often_it_is_delivered():
    built = []

    def build():
        built.append(True)
        return message()

    assert deliver("test:1", build) == Delivery.SENT
    assert deliver("test:1", build) == Delivery.ALREADY_SENT
    assert len(mail.outbox) == 1
    assert len(built) == 1  # an email sent already is not even built again
    row = Email.objects.get(key="test:1")
    assert (row.status, row.attempts) == (EmailStatus.SENT, 1)
    assert row.sent_at is not None
    assert mail.outbox[0].message()["Message-ID"] == row.message_id


def test_the_same_task_run_twice_sends_once_and_another_occasion_sends_again(registrations):
    [registration] = registrations(1)
    tasks.send_registration_email.delay(registration.pk, "registered")
    tasks.send_registration_email.delay(registration.pk, "registered")
    assert [m.to for m in mail.outbox] == [[registration.email]]
    tasks.send_registration_email.delay(registration.pk, "paid")
    assert len(mail.outbox) == 2
    assert sorted(Email.objects.values_list("key", flat=True)) == [
        f"registration:{registration.pk}:paid",
        f"registration:{registration.pk}:registered",
    ]


def test_each_email_has_its_own_random_message_id():
    deliver("test:a", message)
    deliver("test:b", message)
    first, second = Email.objects.order_by("key").values_list("message_id", flat=True)
    assert first != second
    assert first.startswith("<") and first.endswith("@127.0.0.1>")  # SITE_URL's host
    assert "test" not in first


def test_nothing_to_send_leaves_no_record():
    assert deliver("test:gone", lambda: None) == Delivery.NOTHING_TO_SEND
    assert deliver("test:nobody", lambda: EmailMessage("Hi", "Body", to=[])) == (
        Delivery.NOTHING_TO_SEND
    )
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_a_refused_email_is_recorded_as_failed_and_sent_by_the_next_try(smtp_backend, caplog):
    smtp_backend.refuse(1)
    with pytest.raises(SMTPDataError):
        deliver("test:refused", message)
    row = Email.objects.get(key="test:refused")
    assert (row.status, row.attempts, row.last_error) == (
        EmailStatus.FAILED,
        1,
        "SMTPDataError 451",
    )
    assert smtp_backend.messages == []
    assert "Email test:refused not sent (attempt 1)" in caplog.text

    assert deliver("test:refused", message) == Delivery.SENT
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 2, "")
    assert smtp_backend.message_ids() == Counter({row.message_id: 1})


def test_an_email_task_that_fails_is_retried_and_the_retry_sends_it(smtp_backend, registrations):
    [registration] = registrations(1)
    smtp_backend.refuse(1)
    with pytest.raises(Retry) as retry:  # the worker would run it again after `when` seconds
        tasks.send_registration_email.delay(registration.pk, "registered")
    assert isinstance(retry.value.exc, SMTPDataError)
    tasks.send_registration_email.delay(registration.pk, "registered")
    row = Email.objects.get()
    assert (row.status, row.attempts) == (EmailStatus.SENT, 2)
    assert smtp_backend.message_ids() == Counter({row.message_id: 1})
    assert smtp_backend.messages[0]["To"] == registration.email


def test_an_email_another_worker_is_sending_is_left_to_it(settings):
    settings.OUTBOX_CLAIM_TIMEOUT = 600
    Email.objects.create(
        key="test:busy",
        status=EmailStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(seconds=100),
    )
    with pytest.raises(InProgress) as busy:
        deliver("test:busy", message)
    assert 495 <= busy.value.retry_in <= 500  # when that claim goes stale
    assert mail.outbox == []
    assert Email.objects.get().attempts == 1


def test_a_task_whose_email_another_worker_holds_comes_back_when_that_claim_ends(
    settings, registrations
):
    settings.OUTBOX_CLAIM_TIMEOUT = 600
    [registration] = registrations(1)
    Email.objects.create(
        key=f"registration:{registration.pk}:registered",
        status=EmailStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(seconds=100),
    )
    with pytest.raises(Retry) as retry:
        tasks.send_registration_email.delay(registration.pk, "registered")
    assert 495 <= retry.value.when <= 500
    assert mail.outbox == []


def test_a_claim_left_by_a_dead_worker_is_taken_over_with_the_same_message_id(settings, caplog):
    settings.OUTBOX_CLAIM_TIMEOUT = 600
    row = Email.objects.create(
        key="test:orphan",
        status=EmailStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(seconds=601),
    )
    assert deliver("test:orphan", message) == Delivery.SENT
    assert mail.outbox[0].message()["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailStatus.SENT, 2)
    assert "was being sent" in caplog.text and "by a worker that stopped" in caplog.text


def test_the_record_holds_no_address_name_subject_or_body(registrations):
    [registration] = registrations(1)
    tasks.send_registration_email.delay(registration.pk, "registered")
    [sent] = mail.outbox
    record = str(list(Email.objects.values()))
    for personal in (registration.email, "Runner 1", sent.subject, sent.body[:40]):
        assert personal not in record


def test_the_record_is_forgotten_after_the_retention_period(settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=31), tick=False):
        deliver("test:old", message)
    with time_machine.travel(now - timedelta(days=29), tick=False):
        deliver("test:recent", message)
    assert forget_old_emails.delay().get() == 1
    assert list(Email.objects.values_list("key", flat=True)) == ["test:recent"]


def test_forgetting_by_prefix_takes_only_that_records_keys():
    for key in ("registration:4:registered", "registration:4:paid", "registration:41:paid"):
        deliver(key, message)
    assert forget_prefix("registration:4:") == 2
    assert list(Email.objects.values_list("key", flat=True)) == ["registration:41:paid"]
    with pytest.raises(ValueError, match="ends with ':'"):
        forget_prefix("registration:41")


def test_an_email_still_unsent_a_day_later_is_an_integrity_finding():
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        Email.objects.create(
            key="test:stuck", status=EmailStatus.FAILED, attempts=9, last_error="SMTPDataError 451"
        )
        deliver("test:fine", message)
    Email.objects.create(key="test:retrying", status=EmailStatus.FAILED, attempts=1)
    assert every_email_went_out() == [
        "Email test:stuck: failed after 9 attempts (SMTPDataError 451)."
    ]


def test_staff_read_the_outbox_and_nobody_changes_it(client):
    deliver("test:admin", message)
    row = Email.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/outbox/email/").status_code == 200
    page = client.get(f"/admin/outbox/email/{row.pk}/change/")
    assert page.status_code == 200 and "test:admin" in page.text
    assert client.get("/admin/outbox/email/add/").status_code == 403
    assert client.post(f"/admin/outbox/email/{row.pk}/change/", {"key": "x"}).status_code == 403
    assert client.post(f"/admin/outbox/email/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Email.objects.get().key == "test:admin"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Real concurrent transactions need PostgreSQL (set DATABASE_URL).",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round", range(4))
def test_two_workers_delivering_one_key_at_once_send_it_once(round):
    both_built = threading.Barrier(2)

    def build():
        both_built.wait(timeout=10)  # both are past "sent already?" before either claims
        return message()

    results = at_once(2, lambda i: deliver(f"test:race-{round}", build))
    outcomes = [str(r) if isinstance(r, Delivery) else type(r).__name__ for r in results]
    # The other finds it being sent, or sent already if the winner was that quick.
    assert sorted(outcomes) in (["InProgress", "sent"], ["already sent", "sent"])
    assert len(mail.outbox) == 1
    row = Email.objects.get()
    assert (row.status, row.attempts) == (EmailStatus.SENT, 1)
