"""Payment pages: going to Stripe's checkout, the pages Stripe sends the participant back to,
the webhook, and the organisers' payments, refunds and settings."""

import csv
import logging

from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events.views.helpers import form_view, posted, show_message
from payments import checkout, config, holds, refunds, webhooks
from payments.forms import PaymentSettingsForm, RefundForm
from payments.models import Payment, PaymentStatus, Refund
from registrations import services
from registrations.views.common import get_event_for_editor, require_lead_editor
from registrations.views.organiser import _iso, neutralise
from sportevents.errors import DomainError

log = logging.getLogger(__name__)


def _registration(token: str):
    registration = services.find_registration(token)
    if registration is None:
        raise Http404
    return registration


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# The participant ---------------------------------------------------------------------------


@never_cache
@require_POST
def pay(request, token: str):
    """Off to Stripe's payment page (303), or back to the registration with the reason."""
    registration = _registration(token)
    try:
        payment = checkout.start_checkout(registration)
    except DomainError as error:
        show_message(request, error)
        return redirect("registrations:manage", token=token)
    return _see_other(payment)


def _see_other(payment: Payment) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = payment.checkout_url
    return response


def _return_page(request, token: str, template: str) -> HttpResponse:
    registration = _registration(token)
    # In the participant's language: Stripe sends them back without the site's cookies mattering.
    with translation.override(registration.language):
        response = render(
            request,
            template,
            {
                "registration": registration,
                "event": registration.event,
                "token": token,
                "payments_on": config.configured(),
            },
        )
        response["Content-Language"] = registration.language
    return _private(response)


@never_cache
def paid(request, token: str):
    """Stripe's success page: the payment is confirmed by the webhook, maybe a moment later."""
    return _return_page(request, token, "payments/paid.html")


@never_cache
def not_paid(request, token: str):
    """Stripe's cancel page: the seats stay held until the hold expires."""
    return _return_page(request, token, "payments/not_paid.html")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = webhooks.verify(request.body, request.headers.get("Stripe-Signature"))
    except webhooks.Unverified:
        return HttpResponse("unverified", status=400, content_type="text/plain")
    try:
        outcome = webhooks.process(event)
    except OperationalError as error:
        # A lock held too long (or the database away): Stripe retries later.
        log.warning("Stripe event %s deferred: %s", event["id"], error)
        response = HttpResponse("busy, retry", status=503, content_type="text/plain")
        response["Retry-After"] = "30"
        return response
    return HttpResponse(outcome, content_type="text/plain")


# The organisers ----------------------------------------------------------------------------


def event_payments(event):
    return (
        Payment.objects.for_event(event)
        .exclude(status=PaymentStatus.OPEN, stripe_session_id__isnull=True)
        .select_related("registration__ticket_type")
        .prefetch_related("refunds")
        .order_by("-created_at", "-pk")
    )


def revenue(event) -> list[dict]:
    """Per ticket type and currency: paid, refunded, net."""
    paid = {
        (row["registration__ticket_type__name"], row["currency"]): row
        for row in Payment.objects.for_event(event)
        .paid()
        .values("registration__ticket_type__name", "currency")
        .annotate(payments=Count("pk"), paid=Sum("amount"))
        .order_by()
    }
    back = {
        (row["payment__registration__ticket_type__name"], row["payment__currency"]): row["total"]
        for row in Refund.objects.filter(payment__registration__event=event)
        .exclude(status="failed")
        .values("payment__registration__ticket_type__name", "payment__currency")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    rows = []
    for (name, currency), row in sorted(paid.items()):
        refunded = back.get((name, currency), 0)
        rows.append(
            {
                "ticket_type": name,
                "currency": currency,
                "payments": row["payments"],
                "paid": row["paid"],
                "refunded": refunded,
                "net": row["paid"] - refunded,
            }
        )
    return rows


@login_required
def payment_list(request, slug: str):
    event, access = get_event_for_editor(request.user, slug)
    return render(
        request,
        "payments/payment_list.html",
        {
            "event": event,
            "access": access,
            "payments": event_payments(event),
            "revenue": revenue(event),
            "settings": holds.settings_for(event.pk),
            "payments_on": config.configured(),
        },
    )


@login_required
def payments_csv(request, slug: str):
    event, _access = get_event_for_editor(request.user, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-payments.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Reference"),
            _("Registered by"),
            _("Ticket"),
            _("Payment status"),
            _("Amount"),
            _("Currency"),
            _("Refunded"),
            _("Date paid (UTC)"),
            _("Stripe payment"),
            _("Refunds"),
        ]
    )
    for payment in event_payments(event):
        registration = payment.registration
        writer.writerow(
            neutralise(value)
            for value in [
                registration.reference,
                registration.name,
                registration.ticket_type.name,
                payment.get_status_display(),
                payment.amount,
                payment.currency,
                sum((r.amount for r in payment.refunds.all() if r.status != "failed"), 0),
                _iso(payment.paid_at),
                payment.payment_intent_id,
                "; ".join(
                    f"{r.amount} {r.get_status_display()} ({r.get_reason_display()})"
                    for r in payment.refunds.all()
                ),
            ]
        )
    return response


@login_required
def refund(request, slug: str, pk: int):
    event, access = get_event_for_editor(request.user, slug)
    require_lead_editor(access)
    payment = get_object_or_404(
        Payment.objects.for_event(event).select_related("registration__ticket_type"), pk=pk
    )
    left = payment.amount - payment.refunded
    form = RefundForm(posted(request), left=left, currency=payment.currency)
    return form_view(
        request,
        form,
        template="payments/refund_form.html",
        context={"event": event, "payment": payment, "left": left},
        save=lambda: refunds.refund_by_organiser(
            payment,
            by=request.user,
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
        ),
        success=lambda made: (
            _("A refund of %(amount)s %(currency)s is on its way.")
            % {"amount": made.amount, "currency": payment.currency}
        ),
        next=reverse("payments:list", args=[event.slug]),
    )


@login_required
def payment_settings(request, slug: str):
    event, access = get_event_for_editor(request.user, slug)
    require_lead_editor(access)
    instance = holds.settings_for(event.pk)
    form = PaymentSettingsForm(posted(request), instance=instance)
    return form_view(
        request,
        form,
        template="payments/settings_form.html",
        context={"event": event},
        save=form.save,
        success=_("Saved."),
        next=reverse("payments:list", args=[event.slug]),
    )
