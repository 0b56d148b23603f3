"""Planning writes: events, partners, venues, programme sessions, milestones, sponsors."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalogue.models import Action
from events import audit
from events.audit import Actor
from events.models import (
    AuditAction,
    Event,
    EventPartner,
    EventStatus,
    Milestone,
    Organisation,
    PartnerRole,
    Phase,
    Session,
    Sponsorship,
    TargetGroup,
)
from events.permissions import (
    EDITING_ROLES,
    access_for,
    require_country_editor,
    require_lead_editor,
)
from events.services.organisations import require_role
from sportevents.choices import replace_choices
from sportevents.errors import Conflict, DomainError, Forbidden
from sportevents.slugs import save_with_unique_slug
from venues import services as venue_services
from venues.models import Venue

EVENT_FIELDS = (
    "title_i18n",
    "description_i18n",
    "default_language",
    "objective",
    "target_groups",
    "starts_on",
    "ends_on",
    "action",
    "personal_data_retention_months",
    "waiting_room",
    "admission_rate",
)

# The plan every new event starts with: (phase, title, days relative to first or last day).
DEFAULT_PLAN = [
    (Phase.PREPARATION, gettext_noop("Venues booked"), "start", -90),
    (Phase.PREPARATION, gettext_noop("Communication plan ready"), "start", -60),
    (Phase.PREPARATION, gettext_noop("Registration open"), "start", -45),
    (Phase.PREPARATION, gettext_noop("Volunteers trained"), "start", -14),
    (Phase.ORGANISATION, gettext_noop("Event day"), "start", 0),
    (Phase.FOLLOW_UP, gettext_noop("Follow-up survey sent"), "end", 84),
    (Phase.FOLLOW_UP, gettext_noop("Final report submitted"), "end", 120),
]


def _default_title(title: str, language: str) -> str:
    # Stored once, in the event's default language, as if an organiser had typed it.
    with translation.override(language):
        return _(title)


# Events ----------------------------------------------------------------------------------


# Dates far outside a plausible planning horizon would overflow date arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check_year(errors: dict, field: str, value) -> None:
    if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
        errors[field] = _("Choose a date between the years %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }


def _clean_event(event: Event) -> None:
    errors: dict = {}
    _check_year(errors, "starts_on", event.starts_on)
    _check_year(errors, "ends_on", event.ends_on)
    if errors:
        raise ValidationError(errors)
    if not any(text.strip() for text in event.title_i18n.values()):
        raise ValidationError({"title_i18n": _("Give the event a title.")})
    if not (event.title_i18n.get(event.default_language) or "").strip():
        raise ValidationError({"title_i18n": _("Give the title in the event's default language.")})
    unknown = set(event.target_groups) - set(TargetGroup.values)
    if unknown:
        raise ValidationError({"target_groups": _("Unknown target group.")})
    if event.starts_on and event.ends_on and event.ends_on < event.starts_on:
        raise ValidationError({"ends_on": _("The last day is before the first day.")})
    event.full_clean(exclude=["slug", "search_text"])
    event.search_text = " ".join(
        [*event.title_i18n.values(), *event.description_i18n.values()]
    ).casefold()


def _check_dates_fit_sessions(event: Event) -> None:
    for session in event.sessions.select_related("venue"):
        if not _fits(event, session.venue, session.starts_at, session.ends_at):
            raise ValidationError(
                {
                    "starts_on": _("The session “%(title)s” would fall outside the event's dates.")
                    % {"title": session.title}
                }
            )


@transaction.atomic
def create_event(
    *, by, lead: Organisation, sports=(), action: Action | None = None, **fields
) -> Event:
    """Create a draft event led by `lead`, with the lead as first partner and a default plan."""
    require_role(lead, by, *EDITING_ROLES)
    if not lead.can_lead_events:
        raise DomainError(
            _(
                "Only a not-for-profit organisation or a public body may lead a sport event; "
                "%(name)s is registered as “%(kind)s”. Add it as a partner instead."
            )
            % {"name": lead.name, "kind": lead.get_kind_display()},
            code="lead_not_eligible",
        )
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    action = action or Action.objects.get(slug=Action.SPORT_EVENTS_SLUG)
    event = Event(lead=lead, action=action, **fields)
    _clean_event(event)
    save_with_unique_slug(event, f"{event.title} {event.starts_on.year}", fallback="event")
    replace_choices(event, "sports", "sport", sports)
    lead_partner = EventPartner.objects.create(
        event=event, organisation=lead, role=PartnerRole.LEAD
    )
    Milestone.objects.bulk_create(
        Milestone(
            event=event,
            phase=phase,
            title=_default_title(title, event.default_language),
            due_on=(event.starts_on if anchor == "start" else event.ends_on) + timedelta(days=days),
            owner=lead_partner,
        )
        for phase, title, anchor, days in DEFAULT_PLAN
    )
    actor = Actor.of(by)
    audit.record(
        event, AuditAction.CREATED, event, actor=actor, changes=audit.created(_event_values(event))
    )
    for milestone in event.milestones.select_related("owner__organisation"):
        audit.record(
            event,
            AuditAction.CREATED,
            milestone,
            actor=actor,
            changes=audit.created(audit.values(milestone, MILESTONE_FIELDS)),
        )
    return event


def _event_values(event: Event) -> dict:
    return {
        **audit.values(event, EVENT_FIELDS),
        "sports": sorted(event.sports.values_list("sport", flat=True)),
    }


@transaction.atomic
def update_event(event: Event, *, by, sports=None, **fields) -> Event:
    require_lead_editor(by, event)
    before = _event_values(event)
    dates = (event.starts_on, event.ends_on)
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"unknown event field: {name}")
        setattr(event, name, value)
    _clean_event(event)
    _check_dates_fit_sessions(event)
    if (event.starts_on, event.ends_on) != dates:
        event.sequence += 1  # calendars replace their copy only when SEQUENCE rises
    event.save()
    if sports is not None:
        replace_choices(event, "sports", "sport", sports)
    changes = audit.diff(before, _event_values(event))
    if changes:
        audit.record(event, AuditAction.CHANGED, event, actor=Actor.of(by), changes=changes)
    return event


# draft → published → completed; draft or published → cancelled (with a reason).
TRANSITIONS = {
    EventStatus.PUBLISHED: {EventStatus.DRAFT},
    EventStatus.COMPLETED: {EventStatus.PUBLISHED},
    EventStatus.CANCELLED: {EventStatus.DRAFT, EventStatus.PUBLISHED},
}
STATUS_ACTIONS = {
    EventStatus.PUBLISHED: AuditAction.PUBLISHED,
    EventStatus.COMPLETED: AuditAction.COMPLETED,
    EventStatus.CANCELLED: AuditAction.CANCELLED,
}


@transaction.atomic
def change_status(event: Event, *, by, status: str, reason: str = "") -> Event:
    require_lead_editor(by, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if status not in TRANSITIONS:
        raise DomainError(_("Unknown status."), code="invalid_status")
    if event.status not in TRANSITIONS[status]:
        raise Conflict(
            _("An event with the status “%(current)s” cannot become “%(new)s”.")
            % {"current": event.get_status_display(), "new": EventStatus(status).label},
            code="invalid_transition",
        )
    if status == EventStatus.CANCELLED and not reason.strip():
        raise ValidationError(
            {"reason": _("Say why the event is cancelled; participants will read it.")}
        )
    if status == EventStatus.COMPLETED and event.starts_on > timezone.localdate():
        raise Conflict(_("An event can be completed only once it has started."), code="not_started")
    before = audit.values(event, ("status", "cancellation_reason"))
    event.status = status
    if status == EventStatus.PUBLISHED:
        event.published_at = timezone.now()
    if status == EventStatus.CANCELLED:
        event.cancellation_reason = reason.strip()
    event.sequence += 1
    event.save(
        update_fields=["status", "published_at", "cancellation_reason", "sequence", "updated_at"]
    )
    audit.record(
        event,
        STATUS_ACTIONS[status],
        event,
        actor=Actor.of(by),
        changes=audit.diff(before, audit.values(event, ("status", "cancellation_reason"))),
    )
    return event


def _lock(event: Event) -> None:
    # Two organisers adding the same partner at once: the second waits, then sees the first.
    Event.objects.select_for_update().filter(pk=event.pk).first()


# Partners and sponsors -------------------------------------------------------------------

PARTNER_FIELDS = ("organisation", "role", "responsibilities")


@transaction.atomic
def add_partner(
    event: Event,
    *,
    by,
    organisation: Organisation,
    role: str = PartnerRole.PARTNER,
    responsibilities: str = "",
) -> EventPartner:
    require_lead_editor(by, event)
    _lock(event)
    if role == PartnerRole.LEAD:
        raise DomainError(_("An event has one lead organisation."), code="one_lead")
    if role not in PartnerRole.values:
        raise DomainError(_("Unknown partner role."), code="invalid_role")
    if event.partners.filter(organisation=organisation).exists():
        raise Conflict(
            _("%(name)s is already a partner of this event.") % {"name": organisation.name},
            code="already_partner",
        )
    partner = EventPartner.objects.create(
        event=event, organisation=organisation, role=role, responsibilities=responsibilities
    )
    audit.record(
        event,
        AuditAction.CREATED,
        partner,
        actor=Actor.of(by),
        changes=audit.created(audit.values(partner, PARTNER_FIELDS)),
    )
    return partner


@transaction.atomic
def update_partner(
    partner: EventPartner, *, by, role: str | None = None, responsibilities: str | None = None
) -> EventPartner:
    require_lead_editor(by, partner.event)
    before = audit.values(partner, PARTNER_FIELDS)
    if role is not None and role != partner.role:
        if PartnerRole.LEAD in (role, partner.role):
            raise DomainError(_("The lead organisation cannot be changed here."), code="one_lead")
        if role not in PartnerRole.values:
            raise DomainError(_("Unknown partner role."), code="invalid_role")
        partner.role = role
    if responsibilities is not None:
        partner.responsibilities = responsibilities
    partner.save()
    changes = audit.diff(before, audit.values(partner, PARTNER_FIELDS))
    if changes:
        audit.record(
            partner.event_id, AuditAction.CHANGED, partner, actor=Actor.of(by), changes=changes
        )
    return partner


@transaction.atomic
def remove_partner(partner: EventPartner, *, by) -> None:
    require_lead_editor(by, partner.event)
    if partner.role == PartnerRole.LEAD:
        raise DomainError(_("The lead organisation cannot be removed."), code="one_lead")
    if partner.milestones.exists():
        raise Conflict(
            _("%(name)s still owns milestones. Give them to another partner first.")
            % {"name": partner.organisation.name},
            code="owns_milestones",
        )
    if Session.objects.filter(
        event=partner.event, venue__organisation=partner.organisation
    ).exists():
        raise Conflict(
            _("Sessions take place at venues of %(name)s. Move or delete them first.")
            % {"name": partner.organisation.name},
            code="has_sessions",
        )
    audit.record(
        partner.event_id,
        AuditAction.DELETED,
        partner,
        actor=Actor.of(by),
        changes=audit.deleted(audit.values(partner, PARTNER_FIELDS)),
    )
    partner.delete()


@transaction.atomic
def add_sponsor(event: Event, *, by, sponsor: Organisation, tier: str) -> Sponsorship:
    require_lead_editor(by, event)
    _lock(event)
    if event.sponsorships.filter(sponsor=sponsor).exists():
        raise Conflict(
            _("%(name)s already sponsors this event.") % {"name": sponsor.name},
            code="already_sponsor",
        )
    sponsorship = Sponsorship(event=event, sponsor=sponsor, tier=tier)
    sponsorship.full_clean()
    sponsorship.save()
    audit.record(
        event,
        AuditAction.CREATED,
        sponsorship,
        actor=Actor.of(by),
        changes=audit.created(audit.values(sponsorship, ("sponsor", "tier"))),
        label=sponsor.name,
    )
    return sponsorship


@transaction.atomic
def remove_sponsor(sponsorship: Sponsorship, *, by) -> None:
    require_lead_editor(by, sponsorship.event)
    audit.record(
        sponsorship.event_id,
        AuditAction.DELETED,
        sponsorship,
        actor=Actor.of(by),
        changes=audit.deleted(audit.values(sponsorship, ("sponsor", "tier"))),
        label=sponsorship.sponsor.name,
    )
    sponsorship.delete()


# Venues ----------------------------------------------------------------------------------


def create_venue(*, by, organisation: Organisation, features=(), **fields) -> Venue:
    require_role(organisation, by, *EDITING_ROLES)
    return venue_services.save_venue(Venue(organisation=organisation), features=features, **fields)


@transaction.atomic
def update_venue(venue: Venue, *, by, features=None, **fields) -> Venue:
    require_role(venue.organisation, by, *EDITING_ROLES)
    place = _place(venue)
    before = _venue_values(venue)
    if (
        "country" in fields
        and str(fields["country"]) != str(venue.country)
        and venue.sessions.exists()
    ):
        raise Conflict(
            _("Sessions take place at this venue; it cannot move to another country."),
            code="venue_in_use",
        )
    venue = venue_services.save_venue(venue, features=features, **fields)
    for session in venue.sessions.select_related("event"):
        if not _fits(session.event, venue, session.starts_at, session.ends_at):
            raise ValidationError(
                {
                    "timezone": _(
                        "In this time zone the session “%(title)s” would fall outside "
                        "its event's dates."
                    )
                    % {"title": session.title}
                }
            )
    if _place(venue) != place:
        # Every session there moved, as far as a calendar is concerned.
        venue.sessions.update(sequence=F("sequence") + 1, updated_at=timezone.now())
    changes = audit.diff(before, _venue_values(venue))
    if changes:
        # A venue belongs to its organisation: the events that use it see the change.
        for event_id in sorted(set(venue.sessions.values_list("event_id", flat=True))):
            audit.record(event_id, AuditAction.CHANGED, venue, actor=Actor.of(by), changes=changes)
    return venue


def _venue_values(venue: Venue) -> dict:
    return {
        **audit.values(venue, venue_services.VENUE_FIELDS),
        "features": sorted(venue.features.values_list("feature", flat=True)),
    }


def _place(venue: Venue) -> tuple:
    return (
        venue.name,
        venue.address,
        venue.postcode,
        venue.city,
        str(venue.country),
        venue.timezone,
        venue.latitude,
        venue.longitude,
    )


# Sessions --------------------------------------------------------------------------------

SESSION_FIELDS = ("venue", "title", "kind", "starts_at", "ends_at", "capacity", "languages")


def _fits(event: Event, venue: Venue, starts_at: datetime, ends_at: datetime) -> bool:
    """A session lies within the event's days, counted in the venue's local time."""
    zone = ZoneInfo(venue.timezone)
    first, last = (
        starts_at.astimezone(zone).date(),
        (ends_at - timedelta(microseconds=1)).astimezone(zone).date(),
    )
    return event.starts_on <= first and last <= event.ends_on


def _clean_session(session: Session) -> None:
    errors: dict = {}
    _check_year(errors, "starts_at", session.starts_at)
    _check_year(errors, "ends_at", session.ends_at)
    if errors:
        raise ValidationError(errors)
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("The session ends before it starts.")
    unknown = set(session.languages or []) - set(LANG_INFO)
    if unknown:
        errors["languages"] = _("Unknown language code: %(codes)s.") % {
            "codes": ", ".join(sorted(map(str, unknown)))
        }
    if errors:
        raise ValidationError(errors)
    session.full_clean(exclude=["event"])
    if not session.event.partners.filter(organisation_id=session.venue.organisation_id).exists():
        raise ValidationError(
            {
                "venue": _("The venue belongs to %(name)s, which is not a partner of this event.")
                % {"name": session.venue.organisation.name}
            }
        )
    if not _fits(session.event, session.venue, session.starts_at, session.ends_at):
        raise ValidationError(
            {
                "starts_at": _(
                    "The session must take place between %(first)s and %(last)s "
                    "(local time at the venue)."
                )
                % {
                    "first": date_format(session.event.starts_on),
                    "last": date_format(session.event.ends_on),
                }
            }
        )


def _check_venue_free(session: Session) -> None:
    # Lock the venue row: two organisers booking the same slot wait for each other here.
    Venue.objects.select_for_update().filter(pk=session.venue_id).first()
    clash = (
        Session.objects.filter(
            venue_id=session.venue_id, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
        )
        .exclude(pk=session.pk)
        .select_related("event")
        .first()
    )
    if clash:
        zone = ZoneInfo(session.venue.timezone)
        raise Conflict(
            _("%(venue)s is already booked from %(start)s to %(end)s for “%(title)s”.")
            % {
                "venue": session.venue.name,
                "start": timezone.localtime(clash.starts_at, zone).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(clash.ends_at, zone).strftime("%H:%M"),
                "title": clash.title,
            },
            code="venue_double_booked",
        )


@transaction.atomic
def add_session(event: Event, *, by, venue: Venue, **fields) -> Session:
    require_country_editor(by, event, venue.country)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    session = Session(event=event, venue=venue, **fields)
    _clean_session(session)
    _check_venue_free(session)
    session.save()
    audit.record(
        event,
        AuditAction.CREATED,
        session,
        actor=Actor.of(by),
        changes=audit.created(audit.values(session, SESSION_FIELDS)),
    )
    return session


@transaction.atomic
def update_session(session: Session, *, by, **fields) -> Session:
    require_country_editor(by, session.event, session.venue.country)
    before = audit.values(session, SESSION_FIELDS)
    place_and_time = (session.venue_id, session.starts_at, session.ends_at)
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise TypeError(f"unknown session field: {name}")
        setattr(session, name, value)
    if (session.venue_id, session.starts_at, session.ends_at) != place_and_time:
        session.sequence += 1
    # Moving it to a venue in another country needs the right to edit that country too.
    require_country_editor(by, session.event, session.venue.country)
    _clean_session(session)
    _check_venue_free(session)
    session.save()
    changes = audit.diff(before, audit.values(session, SESSION_FIELDS))
    if changes:
        audit.record(
            session.event_id, AuditAction.CHANGED, session, actor=Actor.of(by), changes=changes
        )
    return session


@transaction.atomic
def delete_session(session: Session, *, by) -> None:
    require_country_editor(by, session.event, session.venue.country)
    audit.record(
        session.event_id,
        AuditAction.DELETED,
        session,
        actor=Actor.of(by),
        changes=audit.deleted(audit.values(session, SESSION_FIELDS)),
    )
    session.delete()
    _touch(session.event_id)


# Milestones ------------------------------------------------------------------------------

MILESTONE_FIELDS = ("phase", "title", "due_on", "owner", "done_on")


def _require_milestone_editor(by, event: Event, owner: EventPartner) -> None:
    access = access_for(by, event)
    if not (access.edits_all or owner.organisation_id in access.organisation_ids):
        raise Forbidden(
            _("Only the lead organisation or the owning partner may change this milestone.")
        )


def _clean_milestone(milestone: Milestone) -> None:
    if milestone.owner.event_id != milestone.event_id:
        raise ValidationError({"owner": _("The owner must be a partner of this event.")})
    milestone.full_clean()


@transaction.atomic
def add_milestone(event: Event, *, by, owner: EventPartner, **fields) -> Milestone:
    _require_milestone_editor(by, event, owner)
    milestone = Milestone(event=event, owner=owner, **fields)
    _clean_milestone(milestone)
    milestone.save()
    audit.record(
        event,
        AuditAction.CREATED,
        milestone,
        actor=Actor.of(by),
        changes=audit.created(audit.values(milestone, MILESTONE_FIELDS)),
    )
    return milestone


@transaction.atomic
def update_milestone(milestone: Milestone, *, by, **fields) -> Milestone:
    _require_milestone_editor(by, milestone.event, milestone.owner)
    before = audit.values(milestone, MILESTONE_FIELDS)
    previous_owner_id = milestone.owner_id
    due_and_done = (milestone.due_on, milestone.done_on)
    for name, value in fields.items():
        if name not in MILESTONE_FIELDS:
            raise TypeError(f"unknown milestone field: {name}")
        setattr(milestone, name, value)
    if (milestone.due_on, milestone.done_on) != due_and_done:
        milestone.sequence += 1
    if milestone.owner_id != previous_owner_id:
        # Handing a milestone to another partner is the lead's decision.
        require_lead_editor(by, milestone.event)
    _clean_milestone(milestone)
    milestone.save()
    changes = audit.diff(before, audit.values(milestone, MILESTONE_FIELDS))
    if changes:
        audit.record(
            milestone.event_id, AuditAction.CHANGED, milestone, actor=Actor.of(by), changes=changes
        )
    return milestone


def set_milestone_done(milestone: Milestone, *, by, done: bool) -> Milestone:
    return update_milestone(milestone, by=by, done_on=timezone.localdate() if done else None)


@transaction.atomic
def delete_milestone(milestone: Milestone, *, by) -> None:
    require_lead_editor(by, milestone.event)
    audit.record(
        milestone.event_id,
        AuditAction.DELETED,
        milestone,
        actor=Actor.of(by),
        changes=audit.deleted(audit.values(milestone, MILESTONE_FIELDS)),
    )
    milestone.delete()
    _touch(milestone.event_id)


def _touch(event_id: int) -> None:
    # A removal leaves no row to date it: the event's date carries the feeds' Last-Modified.
    Event.objects.filter(pk=event_id).update(updated_at=timezone.now())
