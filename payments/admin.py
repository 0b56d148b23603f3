from django.contrib import admin

from payments.models import Payment, PaymentSettings, Refund, StripeEvent


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    readonly_fields = ["amount", "status", "reason", "stripe_refund_id", "failure", "created_at"]
    fields = readonly_fields


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["registration", "amount", "currency", "status", "created_at", "paid_at"]
    list_filter = ["status", "currency"]
    search_fields = ["registration__reference", "stripe_session_id", "payment_intent_id"]
    # Money moves only through Stripe and the webhook: the admin shows, it does not edit.
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [RefundInline]

    def has_add_permission(self, request):
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "object_id", "outcome", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "object_id"]
    readonly_fields = [field.name for field in StripeEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PaymentSettings)
class PaymentSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "hold_minutes", "offer_hours"]
