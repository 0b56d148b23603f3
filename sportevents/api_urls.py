from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, TokenView
from catalogue.api import ActionViewSet
from events.api import MembershipViewSet, OrganisationViewSet

app_name = "api"

router = DefaultRouter()
router.register("actions", ActionViewSet, basename="action")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("memberships", MembershipViewSet, basename="membership")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
