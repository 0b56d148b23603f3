from django.contrib import admin

from calendars.models import MemberFeed, ParticipantFeed


@admin.register(ParticipantFeed)
class ParticipantFeedAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at"]


@admin.register(MemberFeed)
class MemberFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "created_at"]
