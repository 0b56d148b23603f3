"""Who may do what with an event, decided in one place for pages and API alike.

- Administrators and organisers of the lead organisation edit everything of the event.
- Administrators and organisers of a partner organisation edit their own country's venues,
  sessions and milestones.
- Viewers, and every member of a partner organisation, read the event while it is a draft.
- Everyone reads published, completed and cancelled events.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from events.models import Event, EventPartner, PartnerRole, Role
from sportevents.errors import Forbidden

EDITING_ROLES = (Role.ADMIN, Role.ORGANISER)


@dataclass(frozen=True)
class EventAccess:
    is_member: bool = False  # belongs to the lead or a partner organisation
    edits_all: bool = False  # lead administrator or organiser
    countries: frozenset[str] = field(default_factory=frozenset)  # partner countries they edit
    organisation_ids: frozenset[int] = field(default_factory=frozenset)  # orgs they edit for

    @property
    def edits_anything(self) -> bool:
        return self.edits_all or bool(self.countries)

    def edits_country(self, country) -> bool:
        return self.edits_all or str(country) in self.countries


def access_for(user, event: Event) -> EventAccess:
    if not user.is_authenticated:
        return EventAccess()
    # One query: the event's partners the user is a member of, with both roles.
    rows = (
        EventPartner.objects.filter(event=event, organisation__memberships__user=user)
        .order_by()
        .values_list(
            "organisation_id", "organisation__country", "role", "organisation__memberships__role"
        )
    )
    if not rows:
        return EventAccess()
    editing = [row[:3] for row in rows if row[3] in EDITING_ROLES]
    return EventAccess(
        is_member=True,
        edits_all=any(role == PartnerRole.LEAD for _org, _country, role in editing),
        countries=frozenset(str(country) for _org, country, _role in editing),
        organisation_ids=frozenset(org for org, _country, _role in editing),
    )


def can_view(user, event: Event) -> bool:
    return event.is_public or access_for(user, event).is_member


def require_lead_editor(user, event: Event) -> EventAccess:
    access = access_for(user, event)
    if not access.edits_all:
        raise Forbidden(_("Only the lead organisation's organisers may change this."))
    return access


def require_country_editor(user, event: Event, country) -> EventAccess:
    access = access_for(user, event)
    if not access.edits_country(country):
        raise Forbidden(
            _("You may only change the part of the event in your own organisation's country.")
        )
    return access
