"""Staff see the survey machinery; answers and the identity links are not browsable here."""

from django.contrib import admin

from surveys.models import (
    Invitation,
    Respondent,
    RespondentLink,
    Response,
    Snapshot,
    SurveyPlan,
    Wave,
)


@admin.register(SurveyPlan)
class SurveyPlanAdmin(admin.ModelAdmin):
    list_display = ["event", "follow_up_weeks", "experience_wave"]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["event", "kind", "instrument_version", "opens_at", "closes_at", "closed_at"]
    list_filter = ["kind"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["scope", "event", "sponsor", "published_at"]
    readonly_fields = ["tables", "instrument_versions", "waves"]


class CountsOnly(admin.ModelAdmin):
    """Health answers and who gave them are special-category data: no one browses them."""

    def has_view_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Respondent, RespondentLink, Invitation, Response):
    admin.site.register(model, CountsOnly)
