"""The participant's payment pages and the organisers' payments pages."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import Payment, PaymentSettings, PaymentStatus
from registrations import services
from registrations.models import RegistrationStatus
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def manage_url(outcome) -> str:
    return reverse("registrations:manage", args=[outcome.manage_token])


def test_the_manage_page_offers_to_pay_and_the_button_goes_to_stripe(
    client, paid_ticket, sign_up, fake_stripe
):
    outcome = sign_up(paid_ticket, language="de")
    page = client.get(manage_url(outcome)).content.decode()
    assert reverse("payments:pay", args=[outcome.manage_token]) in page
    assert "25.00 EUR" in page

    response = client.post(reverse("payments:pay", args=[outcome.manage_token]))

    assert response.status_code == 303
    payment = Payment.objects.get()
    assert response["Location"] == payment.checkout_url
    assert response["Location"].startswith(fake_stripe.url + "/pay/cs_test_")
    sent = fake_stripe.calls("POST", "/v1/checkout/sessions")[0]
    assert sent["idempotency_key"] == f"checkout-{payment.idempotency_key}"
    params = sent["params"]
    assert params["metadata"] == {
        "registration": outcome.registration.reference,
        "payment": str(payment.pk),
    }
    assert params["client_reference_id"] == outcome.registration.reference
    assert params["locale"] == "de"
    assert params["line_items"]["0"]["price_data"] == {
        "currency": "eur",
        "unit_amount": "2500",
        "product_data": {"name": f"Half marathon – {paid_ticket.event.title}"},
    }
    # No fixed list of methods: Stripe offers those enabled for the currency.
    assert "payment_method_types" not in params
    assert params["success_url"].endswith(
        reverse("payments:paid", args=[outcome.manage_token]) + "?session_id={CHECKOUT_SESSION_ID}"
    )
    assert params["cancel_url"].endswith(reverse("payments:not_paid", args=[outcome.manage_token]))


def test_paying_again_reuses_the_open_session(client, paid_ticket, sign_up, fake_stripe):
    outcome = sign_up(paid_ticket)
    url = reverse("payments:pay", args=[outcome.manage_token])
    first = client.post(url)["Location"]
    assert client.post(url)["Location"] == first
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1


def test_stripe_down_says_try_later_and_keeps_the_hold(client, paid_ticket, sign_up, fake_stripe):
    fake_stripe.down = True
    outcome = sign_up(paid_ticket)
    response = client.post(reverse("payments:pay", args=[outcome.manage_token]), follow=True)
    assert "cannot be reached" in response.content.decode()
    assert Payment.objects.get().status == PaymentStatus.FAILED
    fake_stripe.down = False
    assert client.post(reverse("payments:pay", args=[outcome.manage_token])).status_code == 303


def test_a_confirmed_registration_cannot_pay_again(client, paid_ticket, sign_up, pay):
    outcome = sign_up(paid_ticket)
    pay(outcome.registration)
    response = client.post(reverse("payments:pay", args=[outcome.manage_token]), follow=True)
    assert "not waiting for a payment" in response.content.decode()
    assert Payment.objects.count() == 1


def test_return_pages_speak_the_participants_language(client, paid_ticket, sign_up):
    outcome = sign_up(paid_ticket, language="de")
    for name in ("paid", "not_paid"):
        response = client.get(reverse(f"payments:{name}", args=[outcome.manage_token]))
        assert response.status_code == 200
        assert response["Content-Language"] == "de"
        assert '<html lang="de"' in response.content.decode()
    assert client.get(reverse("payments:paid", args=["nope"])).status_code == 404


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def test_organisers_see_payments_revenue_and_export_them(
    client, plan, event, lead, paid_ticket, sign_up, pay
):
    other = services.create_ticket_type(
        event, by=lead, name="=Gala", price=Decimal("10.00"), currency="CHF", capacity=5
    )
    pay(sign_up(paid_ticket).registration)
    pay(sign_up(paid_ticket).registration)
    pay(sign_up(other, name="=cmd|calc").registration)
    login(client, lead)

    page = client.get(reverse("payments:list", args=[event.slug])).content.decode()
    assert "50.00" in page and "CHF" in page

    response = client.get(reverse("payments:csv", args=[event.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert {row[1] for row in rows[1:]} >= {"'=cmd|calc"}
    assert {row[2] for row in rows[1:]} >= {"'=Gala"}


def test_payment_pages_are_for_the_events_organisers_only(client, plan, event):
    login(client, plan.people["outsider"])
    for name in ("payments:list", "payments:csv", "payments:settings"):
        assert client.get(reverse(name, args=[event.slug])).status_code == 403
    login(client, plan.people["viewer"])
    assert client.get(reverse("payments:settings", args=[event.slug])).status_code == 403


def test_organisers_set_the_hold_and_offer_times(client, event, lead, paid_ticket, sign_up):
    login(client, lead)
    url = reverse("payments:settings", args=[event.slug])
    assert client.post(url, {"hold_minutes": 5, "offer_hours": 24}).status_code == 400
    assert client.post(url, {"hold_minutes": 15, "offer_hours": 24}).status_code == 302
    assert PaymentSettings.objects.get(event=event).hold_minutes == 15
    registration = sign_up(paid_ticket).registration
    held = (registration.hold_expires_at - registration.created_at).total_seconds()
    assert 14 * 60 < held <= 15 * 60 + 1


def test_without_stripe_keys_paid_tickets_are_not_put_on_sale(settings, client, event, lead):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRETS = []
    login(client, lead)
    data = {"name": "Gala", "price": "12.50", "currency": "EUR", "capacity": 10, "is_active": "on"}
    response = client.post(reverse("registrations:ticket_type_create", args=[event.slug]), data)
    assert response.status_code == 400
    assert "Stripe keys" in response.content.decode()
    del data["is_active"]
    assert (
        client.post(
            reverse("registrations:ticket_type_create", args=[event.slug]), data
        ).status_code
        == 302
    )
    assert "not set up" in client.get(reverse("payments:list", args=[event.slug])).content.decode()


def test_without_stripe_keys_no_one_registers_for_a_paid_ticket(
    settings, paid_ticket, sign_up, free_ticket
):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRETS = []
    with pytest.raises(services.Conflict) as refused:
        sign_up(paid_ticket)
    assert refused.value.code == "payments_unavailable"
    assert sign_up(free_ticket).registration.status == RegistrationStatus.CONFIRMED


def test_organisers_choose_a_tickets_refund_policy_on_the_page_and_by_api(client, api, event, lead):
    login(client, lead)
    data = {
        "name": "Gala",
        "price": "12.50",
        "currency": "EUR",
        "capacity": 10,
        "is_active": "on",
        "refund_policy": "none",
        "refund_days_before": 0,
    }
    url = reverse("registrations:ticket_type_create", args=[event.slug])
    assert client.post(url, {**data, "refund_policy": "sometimes"}).status_code == 400
    assert client.post(url, data).status_code == 302
    assert event.ticket_types.get().refund_policy == "none"

    api.force_authenticate(lead)
    created = api.post(
        f"/api/v1/events/{event.slug}/ticket-types/",
        {"name": "Run", "price": "5", "capacity": 3, "refund_policy": "organiser"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["refund_policy"] == "organiser"
    refused = api.post(
        f"/api/v1/events/{event.slug}/ticket-types/",
        {"name": "Run 2", "capacity": 3, "refund_days_before": -1},
        format="json",
    )
    assert refused.status_code == 400
