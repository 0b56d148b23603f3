from django.contrib import admin

from registrations.models import (
    CheckIn,
    DataRequest,
    EventKey,
    Participant,
    Registration,
    TicketAllocation,
    TicketType,
)


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "currency", "capacity", "taken", "is_active"]
    list_filter = ["is_active", "currency"]
    search_fields = ["name", "event__slug"]
    readonly_fields = ["taken"]


@admin.register(TicketAllocation)
class TicketAllocationAdmin(admin.ModelAdmin):
    """Read here; changed on the ticket's page, which keeps the seats taken consistent."""

    list_display = ["ticket_type", "country", "seats", "taken"]
    list_select_related = ["ticket_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["name", "email", "country", "year_of_birth", "role", "ticket_revoked_at"]
    readonly_fields = ["ticket_revoked_at"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["reference", "name", "email", "event", "ticket_type", "seats", "status"]
    list_filter = ["status", "is_group"]
    search_fields = ["reference", "name", "email", "event__slug"]
    list_select_related = ["event", "ticket_type"]
    readonly_fields = ["manage_token_hash"]
    inlines = [ParticipantInline]


@admin.register(EventKey)
class EventKeyAdmin(admin.ModelAdmin):
    list_display = ["key_id", "event", "is_active", "created_at", "retired_at"]
    # The private key is never shown, not even here.
    exclude = ["private_key"]
    readonly_fields = ["key_id", "event", "created_at"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["scanned_at", "event", "participant", "result", "gate", "reason"]
    list_filter = ["result"]
    search_fields = ["participant__name", "event__slug", "gate"]
    list_select_related = ["event", "participant"]


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """The record of answered data requests: read only, it is the proof."""

    list_display = ["handled_at", "organisation", "handled_by", "action", "registrations"]
    list_filter = ["action"]
    list_select_related = ["organisation", "handled_by"]
    search_fields = ["email_hash", "organisation__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
