from django.contrib import admin

from venues.models import Venue, VenueFeature


class VenueFeatureInline(admin.TabularInline):
    model = VenueFeature
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "timezone", "organisation", "capacity"]
    list_filter = ["country"]
    search_fields = ["name", "city", "organisation__name"]
    autocomplete_fields = ["organisation"]
    inlines = [VenueFeatureInline]
