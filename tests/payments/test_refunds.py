"""Refunds: a cancellation refunds what the ticket's policy gives back, through Stripe's Refund
API with an idempotency key; organisers refund in part; statuses reach both sides."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from payments import refunds, tasks
from payments.models import Refund, RefundReason, RefundStatus
from registrations import services
from sportevents.errors import Conflict, Forbidden
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Move Together Week starts on 23 September 2027; 14 days before is 9 September.
BEFORE = datetime.fromisoformat("2027-09-09T20:00:00+00:00")
AFTER = datetime.fromisoformat("2027-09-10T08:00:00+00:00")


@pytest.fixture
def ticket(event, lead):
    def ticket(policy="full-until", days=14):
        return services.create_ticket_type(
            event,
            by=lead,
            name=f"Race {policy}",
            price=Decimal("25.00"),
            currency="EUR",
            capacity=10,
            refund_policy=policy,
            refund_days_before=days,
        )

    return ticket


@pytest.mark.parametrize(
    ("policy", "moment", "refunded"),
    [
        ("full-until", BEFORE, Decimal("25.00")),
        ("full-until", AFTER, None),
        ("none", BEFORE, None),
        ("organiser", BEFORE, None),
    ],
)
def test_cancelling_refunds_according_to_the_policy(
    ticket, sign_up, pay, fake_stripe, policy, moment, refunded
):
    with time_machine.travel(moment, tick=False):
        registration = sign_up(ticket(policy)).registration
        payment = pay(registration)
        mail.outbox.clear()
        services.cancel_registration(registration)

    made = list(Refund.objects.all())
    if refunded is None:
        assert made == []
        assert not fake_stripe.calls("POST", "/v1/refunds")
        assert mail.outbox == []
        return
    [refund] = made
    assert (refund.amount, refund.reason, refund.status) == (
        refunded,
        RefundReason.CANCELLED,
        RefundStatus.SUCCEEDED,
    )
    assert refund.stripe_refund_id.startswith("re_test_")
    [sent] = fake_stripe.calls("POST", "/v1/refunds")
    assert sent["idempotency_key"] == f"refund-{refund.idempotency_key}"
    assert sent["params"]["payment_intent"] == payment.payment_intent_id
    assert sent["params"]["metadata"]["refund"] == str(refund.pk)
    assert "refund" in mail.outbox[0].subject.lower()


def test_the_cancel_page_says_what_comes_back(client, ticket, sign_up, pay):
    with time_machine.travel(BEFORE, tick=False):
        outcome = sign_up(ticket())
        pay(outcome.registration)
        page = client.get(reverse("registrations:cancel", args=[outcome.manage_token]))
        assert "You get 25.00 EUR back" in page.content.decode()
    with time_machine.travel(AFTER, tick=False):
        page = client.get(reverse("registrations:cancel", args=[outcome.manage_token]))
        assert "not refunded" in page.content.decode()


def test_organisers_refund_in_part_up_to_what_was_paid(plan, lead, ticket, sign_up, pay):
    payment = pay(sign_up(ticket("organiser")).registration)

    first = refunds.refund_by_organiser(payment, by=lead, amount=Decimal("10.00"), note="late")
    second = refunds.refund_by_organiser(payment, by=lead, amount=Decimal("15.00"))
    with pytest.raises(Conflict) as refused:
        refunds.refund_by_organiser(payment, by=lead, amount=Decimal("0.01"))
    assert refused.value.code == "refund_too_large"
    with pytest.raises(Forbidden):
        refunds.refund_by_organiser(payment, by=plan.people["pt"], amount=Decimal("1"))

    assert [r.status for r in Refund.objects.order_by("pk")] == [RefundStatus.SUCCEEDED] * 2
    assert {first.pk, second.pk} == set(Refund.objects.values_list("pk", flat=True))
    payment.refresh_from_db()
    assert payment.refunded == Decimal("25.00")


def test_the_refund_page_refunds_and_refuses_too_much(client, event, lead, ticket, sign_up, pay):
    outcome = sign_up(ticket("organiser"))
    payment = pay(outcome.registration)
    assert client.login(email=lead.email, password=PASSWORD)
    url = reverse("payments:refund", args=[event.slug, payment.pk])

    assert client.post(url, {"amount": "30"}).status_code == 400
    assert client.post(url, {"amount": "7.50"}).status_code == 302
    assert Refund.objects.get().amount == Decimal("7.50")
    # Both sides see it.
    listing = client.get(reverse("payments:list", args=[event.slug])).content.decode()
    assert "7.50 EUR — Refunded" in listing
    client.logout()
    manage = client.get(reverse("registrations:manage", args=[outcome.manage_token]))
    assert "−7.50 EUR" in manage.content.decode()


def test_a_refund_stripe_did_not_take_is_sent_again_once(ticket, sign_up, pay, fake_stripe, lead):
    payment = pay(sign_up(ticket()).registration)
    fake_stripe.down = True
    refund = refunds.refund_by_organiser(payment, by=lead, amount=Decimal("5"))
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_refund_id) == (RefundStatus.PENDING, None)

    fake_stripe.down = False
    Refund.objects.filter(pk=refund.pk).update(created_at=refund.created_at.replace(year=2020))
    assert tasks.retry_refunds.delay().get() == 1
    assert tasks.retry_refunds.delay().get() == 0
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    # The same key each time: had the first request gone through, Stripe would answer with it.
    keys = {r["idempotency_key"] for r in fake_stripe.calls("POST", "/v1/refunds")}
    assert keys == {f"refund-{refund.idempotency_key}"}
    assert len(fake_stripe.refunds) == 1


def test_a_refund_stripe_refuses_is_marked_failed(ticket, sign_up, pay, fake_stripe, lead):
    payment = pay(sign_up(ticket()).registration)
    fake_stripe.refunds["re_elsewhere"] = {
        "id": "re_elsewhere",
        "amount": 2500,
        "payment_intent": payment.payment_intent_id,
        "status": "succeeded",
    }
    refund = refunds.refund_by_organiser(payment, by=lead, amount=Decimal("5"))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    assert "greater than unrefunded" in refund.failure


def test_charge_refunded_records_dashboard_refunds_and_is_idempotent(
    ticket, sign_up, pay, fake_stripe, deliver, lead
):
    payment = pay(sign_up(ticket()).registration)
    ours = refunds.refund_by_organiser(payment, by=lead, amount=Decimal("5"))
    fake_stripe.refunds["re_dashboard"] = {
        "id": "re_dashboard",
        "amount": 300,
        "payment_intent": payment.payment_intent_id,
        "status": "succeeded",
        "metadata": {},
    }
    event = fake_stripe.event("charge.refunded", fake_stripe.charge(payment.payment_intent_id))
    for _ in range(3):
        deliver(event)
    deliver(fake_stripe.event("charge.refunded", fake_stripe.charge(payment.payment_intent_id)))

    assert Refund.objects.count() == 2
    dashboard = Refund.objects.get(stripe_refund_id="re_dashboard")
    assert (dashboard.amount, dashboard.reason) == (Decimal("3.00"), RefundReason.STRIPE)
    ours.refresh_from_db()
    assert ours.status == RefundStatus.SUCCEEDED
    payment.refresh_from_db()
    assert payment.refunded == Decimal("8.00")
