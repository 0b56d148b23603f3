from django.contrib import admin
from django.db import models

from events.models import (
    AuditEntry,
    Event,
    EventPartner,
    EventSport,
    Invitation,
    Membership,
    Milestone,
    Organisation,
    OrganisationSport,
    Session,
    Sponsorship,
)


class OrganisationSportInline(admin.TabularInline):
    model = OrganisationSport
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "country", "kind", "looking_for_partners", "created_at"]
    list_filter = ["kind", "looking_for_partners", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationSportInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash"]


class EventSportInline(admin.TabularInline):
    model = EventSport
    extra = 0


class EventPartnerInline(admin.TabularInline):
    model = EventPartner
    extra = 0
    autocomplete_fields = ["organisation"]


class SponsorshipInline(admin.TabularInline):
    model = Sponsorship
    extra = 0
    autocomplete_fields = ["sponsor"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lead", "status", "starts_on", "ends_on", "objective"]
    list_filter = ["status", "objective", "action"]
    search_fields = ["slug", "search_text", "lead__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["lead"]
    inlines = [EventSportInline, EventPartnerInline, SponsorshipInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "venue", "kind", "starts_at", "ends_at"]
    list_filter = ["kind"]
    search_fields = ["title", "event__slug", "venue__name"]
    list_select_related = ["event", "venue"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "phase", "due_on", "done_on", "owner"]
    list_filter = ["phase"]
    search_fields = ["title", "event__slug"]
    list_select_related = ["event", "owner__organisation"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the services and never changed, not even by staff."""

    list_display = ["at", "event", "actor_kind", "actor", "object_type", "object_label", "action"]
    list_filter = ["action", "object_type", "actor_kind"]
    search_fields = ["event__slug", "object_label", "object_id"]
    list_select_related = ["event", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
