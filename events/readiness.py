"""An event's format, derived from its partners and venues, and what it still lacks.

Programme Guide formats: European local events type I (3–5 organisations from 3–5 countries,
at least one local event in each country), type II (6 or more organisations from as many
countries, a local event in each), one European-wide event (10 or more organisations from 10 or
more countries, one event in the applicant's country). Readiness warns; it never blocks.
Works on prefetched partners, sessions with venues, milestones and the survey plan: no
queries of its own.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries as country_names

from events.models import EventFormat, PartnerRole
from registrations.retention import add_months, erasure_day
from surveys.models import SurveyPlan
from surveys.schedule import FOLLOW_UP_DAYS


@dataclass
class Readiness:
    format: str
    organisations: int
    countries: list[str]
    warnings: list[str] = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def format_label(self) -> str:
        return EventFormat(self.format).label

    @property
    def is_ready(self) -> bool:
        return not self.warnings


def _name(code: str) -> str:
    return str(country_names.name(code)) or code


def derive_format(
    n_organisations: int, n_countries: int, venue_countries: set[str], lead_country: str
) -> str:
    if n_organisations >= 10 and n_countries >= 10 and venue_countries <= {lead_country}:
        return EventFormat.EUROPEAN_WIDE
    if n_organisations >= 6 and n_countries >= 6:
        return EventFormat.LOCAL_TYPE_II
    if n_countries >= 3 and n_organisations >= 3:
        return EventFormat.LOCAL_TYPE_I
    return EventFormat.LOCAL


def readiness_of(event, today=None) -> Readiness:
    today = today or timezone.localdate()
    partners = [p for p in event.partners.all() if p.role != PartnerRole.ASSOCIATE]
    partner_countries = sorted({str(p.organisation.country) for p in partners})
    sessions = list(event.sessions.all())
    venue_countries = {str(s.venue.country) for s in sessions}
    lead_country = str(event.lead.country)
    fmt = derive_format(len(partners), len(partner_countries), venue_countries, lead_country)
    result = Readiness(fmt, len(partners), partner_countries)

    if fmt in (EventFormat.LOCAL_TYPE_I, EventFormat.LOCAL_TYPE_II):
        label = _("Type I") if fmt == EventFormat.LOCAL_TYPE_I else _("Type II")
        for code in partner_countries:
            if code not in venue_countries:
                result.warnings.append(
                    _(
                        "%(format)s needs a local event in each partner country: "
                        "none yet in %(country)s."
                    )
                    % {"format": label, "country": _name(code)}
                )
        if fmt == EventFormat.LOCAL_TYPE_I and len(partners) > 5:
            result.warnings.append(
                _(
                    "Type I takes 3 to 5 organisations; with %(n)s from fewer than 6 countries, "
                    "add partners from other countries to reach type II."
                )
                % {"n": len(partners)}
            )
    elif fmt == EventFormat.EUROPEAN_WIDE:
        if not sessions:
            result.warnings.append(
                _(
                    "A European-wide event takes place in the lead organisation's country: "
                    "no session planned yet in %(country)s."
                )
                % {"country": _name(lead_country)}
            )
    else:
        # Fewer than 3 countries: a local event, not yet a Programme Guide format.
        missing = 3 - len(partner_countries)
        result.warnings.append(
            ngettext(
                "European local events need organisations from at least 3 countries: "
                "add a partner from %(n)s more country.",
                "European local events need organisations from at least 3 countries: "
                "add partners from %(n)s more countries.",
                missing,
            )
            % {"n": missing}
        )
    if not sessions:
        result.warnings.append(_("The programme has no session yet."))
    if not event.sports.all():
        result.warnings.append(_("Choose the sports of the event."))
    retention = _retention_warning(event)
    if retention:
        result.warnings.append(retention)
    result.overdue = [m for m in event.milestones.all() if m.is_overdue(today)]
    if result.overdue:
        result.warnings.append(
            ngettext(
                "%(n)s milestone is overdue.", "%(n)s milestones are overdue.", len(result.overdue)
            )
            % {"n": len(result.overdue)}
        )
    return result


def follow_up_closes(event) -> date:
    """The last day of the follow-up survey (surveys/schedule.py), from the event's plan or the
    plan's defaults: the day after the event, the plan's weeks, then the wave's days."""
    try:
        weeks = event.survey_plan.follow_up_weeks
    except ObjectDoesNotExist:  # no plan yet: it will be made with the defaults
        weeks = SurveyPlan._meta.get_field("follow_up_weeks").default
    return event.ends_on + timedelta(days=1, weeks=weeks) + timedelta(days=FOLLOW_UP_DAYS)


def _retention_warning(event) -> str:
    """Personal data erased before the follow-up survey closes: the participants who have not
    answered it by then can no longer be invited or reminded, and the before/after measure
    loses them."""
    closes = follow_up_closes(event)
    erased = erasure_day(event)
    if erased >= closes:
        return ""
    months = event.personal_data_retention_months
    while add_months(event.ends_on, months) < closes:
        months += 1
    return _(
        "Personal data is erased on %(erased)s, before the follow-up survey closes on "
        "%(closes)s: participants could no longer be invited to it. Keep personal data for at "
        "least %(months)s months after the event."
    ) % {
        "erased": date_format(erased, "DATE_FORMAT"),
        "closes": date_format(closes, "DATE_FORMAT"),
        "months": months,
    }


PLANNING_PREFETCH = (
    "partners__organisation",
    "sessions__venue",
    "milestones__owner__organisation",
    "sports",
    "survey_plan",
)
