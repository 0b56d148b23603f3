"""An event's format, derived from its partners and venues, and what it still lacks.

Programme Guide formats: European local events type I (3–5 organisations from 3–5 countries,
at least one local event in each country), type II (6 or more organisations from as many
countries, a local event in each), one European-wide event (10 or more organisations from 10 or
more countries, one event in the applicant's country). Readiness warns; it never blocks.
Works on prefetched partners, sessions with venues and milestones: no queries of its own.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries as country_names

from events.models import EventFormat, PartnerRole


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
    result.overdue = [m for m in event.milestones.all() if m.is_overdue(today)]
    if result.overdue:
        result.warnings.append(
            ngettext(
                "%(n)s milestone is overdue.", "%(n)s milestones are overdue.", len(result.overdue)
            )
            % {"n": len(result.overdue)}
        )
    return result


PLANNING_PREFETCH = (
    "partners__organisation",
    "sessions__venue",
    "milestones__owner__organisation",
    "sports",
)
