from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sportevents import views

urlpatterns = [
    # First: an API request is resolved without trying every page's pattern before it.
    path("api/v1/", include("sportevents.api_urls")),
    path("", views.home, name="home"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("privacy/processing/", views.data_processing, name="data_processing"),
    path("accounts/", include("accounts.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("", include("events.urls")),
    path("", include("registrations.urls")),
    path("", include("payments.urls")),
    path("", include("calendars.urls")),
    path("", include("surveys.impact_urls")),
    path("", include("surveys.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon),
]

handler400 = "sportevents.views.bad_request"
handler403 = "sportevents.views.permission_denied"
handler404 = "sportevents.views.page_not_found"
handler500 = "sportevents.views.server_error"
