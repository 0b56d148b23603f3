from django.contrib import admin
from django.db import models

from catalogue.models import Action, ActionField


class ActionFieldInline(admin.TabularInline):
    model = ActionField
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["__str__", "family", "position", "is_grant"]
    list_filter = ["family", "is_grant", "fields__field"]
    search_fields = ["slug"]
    ordering = ["position"]
    inlines = [ActionFieldInline]
