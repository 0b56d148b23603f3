"""Stripe's client from the settings, and amounts in Stripe's smallest currency units."""

from decimal import Decimal

import stripe
from django.conf import settings

from registrations.services import paid_tickets_enabled

# Currencies without decimals in Stripe's API (an amount of 500 JPY is sent as 500).
ZERO_DECIMAL = {
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
    "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
}  # fmt: skip
THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}


def configured() -> bool:
    return paid_tickets_enabled()


def client() -> stripe.StripeClient:
    options = {}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    # Retries reuse the request's idempotency key, so they never pay or refund twice.
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, max_network_retries=2, **options)


def _exponent(currency: str) -> int:
    currency = currency.upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def to_minor(amount: Decimal, currency: str) -> int:
    return int((amount * (10 ** _exponent(currency))).to_integral_value())


def from_minor(value: int, currency: str) -> Decimal:
    return Decimal(value) / (10 ** _exponent(currency))
