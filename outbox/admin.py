"""The outbox is a record: staff read it (what went out, what failed and why), nobody edits it."""

from django.contrib import admin

from outbox.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["key", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["key", "message_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
