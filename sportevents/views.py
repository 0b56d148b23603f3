from django.conf import settings
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from catalogue.models import Action
from events.models import Organisation
from registrations.services import GUARDIAN_AGE, SURVEY_CONSENT_VERSION
from sportevents.pagecache import public_page
from surveys.models import SurveyPlan
from surveys.schedule import EXPERIENCE_DAYS, FOLLOW_UP_DAYS


@public_page()
def home(request):
    sport_events = Action.objects.filter(slug=Action.SPORT_EVENTS_SLUG).first()
    return render(
        request,
        "home.html",
        {
            "sport_events": sport_events,
            "action_count": Action.objects.count(),
            "partner_count": Organisation.objects.looking_for_partners().count(),
        },
    )


def _retention_rules() -> dict:
    """The figures the privacy pages state, read from where the rules live so they stay true."""
    shortest, longest = settings.PERSONAL_DATA_RETENTION_MONTHS_RANGE
    return {
        "retention_months": settings.PERSONAL_DATA_RETENTION_MONTHS,
        "retention_shortest": shortest,
        "retention_longest": longest,
        "follow_up_weeks": SurveyPlan._meta.get_field("follow_up_weeks").default,
        "experience_days": EXPERIENCE_DAYS,
        "follow_up_days": FOLLOW_UP_DAYS,
        "guardian_age": GUARDIAN_AGE,
        "survey_consent_version": SURVEY_CONSENT_VERSION,
    }


def privacy_notice(request):
    """What participants are told about their data: what, why, how long, their rights."""
    return render(request, "privacy_notice.html", _retention_rules())


def data_processing(request):
    """The same rules as one table per kind of data, for organisers and anyone who checks."""
    return render(request, "data_processing.html", _retention_rules())


def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, status: int, code: str, title: str, message: str):
    if _wants_json(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return error_response(
        request, 400, "bad_request", _("Bad request"), _("The request could not be understood.")
    )


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else _("You may not see this page.")
    return error_response(request, 403, "permission_denied", _("Not allowed"), detail)


def page_not_found(request, exception=None):
    return error_response(
        request, 404, "not_found", _("Page not found"), _("There is no page at this address.")
    )


def server_error(request):
    return error_response(
        request,
        500,
        "server_error",
        _("Error"),
        _("Something went wrong on our side. Please try again."),
    )
