"""Stripe for tests, loaded for every test (tests/conftest.py): `fake_stripe`, the local fake
Stripe server the app talks to; `deliver(event)`, a webhook post signed as Stripe signs it;
`pay(registration)`, a checkout paid and its completed event delivered."""

import json

import pytest
import stripe
from django.urls import reverse

from tests.payments.fake_stripe import FakeStripe

SECRET = "whsec_test_sportevents"  # tests/environment.py


@pytest.fixture
def fake_stripe(settings):
    server = FakeStripe().start()
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def signed(stripe_event: dict, *, secret: str = SECRET, timestamp: int | None = None) -> tuple:
    payload = json.dumps(stripe_event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return payload, header


@pytest.fixture
def deliver(client):
    """Post an event to the webhook, signed with the test secret (or as told)."""

    def deliver(
        stripe_event: dict, *, secret: str = SECRET, timestamp=None, header=None, body=None
    ):
        payload, signature = signed(stripe_event, secret=secret, timestamp=timestamp)
        return client.post(
            reverse("payments:stripe_webhook"),
            data=body if body is not None else payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header if header is not None else signature,
        )

    return deliver


@pytest.fixture
def pay(fake_stripe, deliver):
    """A registration's checkout, paid, and Stripe's completed event delivered."""
    from payments import checkout

    def pay(registration, *, payment_status: str = "paid"):
        payment = checkout.start_checkout(registration)
        session = fake_stripe.complete(payment.stripe_session_id, payment_status=payment_status)
        response = deliver(fake_stripe.event("checkout.session.completed", session))
        assert response.status_code == 200, response.content
        payment.refresh_from_db()
        return payment

    return pay
