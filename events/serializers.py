from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.models import Action
from events.models import (
    ADMISSION_RATE_DEFAULT,
    ADMISSION_RATE_MAX,
    RETENTION_MAX,
    RETENTION_MIN,
    AuditEntry,
    Event,
    EventFormat,
    EventPartner,
    EventStatus,
    Invitation,
    Membership,
    Milestone,
    Objective,
    Organisation,
    OrganisationKind,
    PartnerRole,
    Phase,
    Role,
    Session,
    SessionKind,
    Sponsorship,
    SponsorTier,
    TargetGroup,
)
from events.readiness import readiness_of
from events.sports import Sport
from venues.models import Venue
from venues.serializers import VenueInputSerializer, VenueSummarySerializer

SportList = serializers.ListField(child=serializers.ChoiceField(choices=Sport.choices))


class OrganisationSerializer(serializers.ModelSerializer):
    country = CountryField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    sports = serializers.SerializerMethodField()
    can_lead_events = serializers.BooleanField(read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "url",
            "name",
            "country",
            "kind",
            "kind_label",
            "can_lead_events",
            "website",
            "description",
            "looking_for_partners",
            "partner_interests",
            "sports",
        ]

    @extend_schema_field(SportList)
    def get_sports(self, organisation) -> list[str]:
        return organisation.sport_codes


class OrganisationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    country = CountryField()
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    website = serializers.URLField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    looking_for_partners = serializers.BooleanField(required=False, default=False)
    partner_interests = serializers.CharField(required=False, allow_blank=True, default="")
    sports = serializers.ListField(
        child=serializers.ChoiceField(choices=Sport.choices), required=False, default=list
    )


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.ORGANISER)


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at"]


# Planning: events, partners, sessions, milestones, sponsors, venues ---------------------------

# Dates far from today only make sense as typos, and the default plan counts days back from the
# first day: keep arithmetic on them inside what Python's dates can hold.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def _within_calendar(value: date) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise serializers.ValidationError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()}
        )


class PlanningDateField(serializers.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(_within_calendar)
        super().__init__(**kwargs)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 moment that must carry its UTC offset: a bare local time is ambiguous."""

    default_error_messages = {
        "naive": _(
            "Give the time with its UTC offset, e.g. 2025-09-23T10:00:00+02:00 (or Z for UTC)."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(_within_calendar)
        super().__init__(**kwargs)

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class OrganisationSummarySerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = Organisation
        fields = ["slug", "name", "country"]
        read_only_fields = fields


def _language_texts(max_length=None, **kwargs):
    return serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=max_length),
        help_text='Text per language code, e.g. {"en": "...", "de": "..."}.',
        validators=[_known_languages],
        **kwargs,
    )


def _known_languages(texts: dict) -> None:
    unknown = set(texts) - {code for code, _name in settings.LANGUAGES}
    if unknown:
        raise serializers.ValidationError(
            _("Unknown language code: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )


def _texts_out():
    return serializers.DictField(child=serializers.CharField(), read_only=True)


class EventSerializer(serializers.ModelSerializer):
    """An event in lists: its texts in the request's language and in every language."""

    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail", lookup_field="slug")
    title = serializers.CharField(
        read_only=True, help_text="In the request's language (Accept-Language)."
    )
    action = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lead = OrganisationSummarySerializer(read_only=True)
    sports = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    objective_label = serializers.CharField(source="get_objective_display", read_only=True)
    title_i18n = _texts_out()
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), read_only=True
    )

    class Meta:
        model = Event
        fields = [
            "slug",
            "url",
            "title",
            "title_i18n",
            "default_language",
            "action",
            "lead",
            "sports",
            "objective",
            "objective_label",
            "target_groups",
            "starts_on",
            "ends_on",
            "status",
            "status_label",
            "cancellation_reason",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SportList)
    def get_sports(self, event) -> list[str]:
        return event.sport_codes


class ReadinessSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=EventFormat.choices)
    format_label = serializers.CharField()
    organisations = serializers.IntegerField(help_text="Partners counted for the format.")
    countries = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    overdue_count = serializers.SerializerMethodField()
    is_ready = serializers.BooleanField()

    def get_overdue_count(self, readiness) -> int:
        return len(readiness.overdue)


class PartnerSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = EventPartner
        fields = ["id", "organisation", "role", "role_label", "responsibilities"]
        read_only_fields = fields


class SponsorshipSerializer(serializers.ModelSerializer):
    sponsor = OrganisationSummarySerializer(read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)

    class Meta:
        model = Sponsorship
        fields = ["id", "sponsor", "tier", "tier_label"]
        read_only_fields = fields


class EventDetailSerializer(EventSerializer):
    """One event with its partners, sponsors and, for its organisations, its readiness."""

    description = serializers.CharField(read_only=True)
    description_i18n = _texts_out()
    partners = PartnerSerializer(many=True, read_only=True)
    sponsors = SponsorshipSerializer(source="sponsorships", many=True, read_only=True)
    readiness = serializers.SerializerMethodField(
        help_text="What the plan still lacks; null unless you belong to a partner organisation."
    )

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "description",
            "description_i18n",
            "partners",
            "sponsors",
            "readiness",
            "personal_data_retention_months",
            "waiting_room",
            "admission_rate",
        ]
        read_only_fields = fields

    @extend_schema_field(ReadinessSerializer(allow_null=True))
    def get_readiness(self, event):
        access = self.context.get("access")
        if access is None or not access.is_member:
            return None
        return ReadinessSerializer(readiness_of(event)).data


class EventUpdateInputSerializer(serializers.Serializer):
    title_i18n = _language_texts(max_length=200)
    description_i18n = _language_texts(required=False)
    default_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    objective = serializers.ChoiceField(choices=Objective.choices)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), required=False
    )
    starts_on = PlanningDateField()
    ends_on = PlanningDateField()
    sports = serializers.ListField(
        child=serializers.ChoiceField(choices=Sport.choices), required=False
    )
    action = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Action.objects.all(),
        required=False,
        help_text="The funding action's slug; default: not-for-profit sport events.",
    )
    personal_data_retention_months = serializers.IntegerField(
        min_value=RETENTION_MIN,
        max_value=RETENTION_MAX,
        required=False,
        help_text="Months after the event's last day until the registrations' personal data is "
        "erased (anonymous counts stay); default: the site's setting.",
    )
    waiting_room = serializers.BooleanField(
        required=False,
        help_text="Registration rushes wait in line beyond `admission_rate`; default false.",
    )
    admission_rate = serializers.IntegerField(
        min_value=1,
        max_value=ADMISSION_RATE_MAX,
        required=False,
        help_text="People the waiting room lets in to register per minute; "
        f"default {ADMISSION_RATE_DEFAULT}.",
    )


class EventInputSerializer(EventUpdateInputSerializer):
    lead = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text="Slug of the lead organisation (a not-for-profit or a public body).",
    )


class EventStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=EventStatus.choices, help_text="published, completed or cancelled."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to cancel."
    )

    def validate_status(self, value):
        if value == EventStatus.DRAFT:
            raise serializers.ValidationError(_("An event cannot go back to draft."))
        return value


def _partner_role(**kwargs):
    return serializers.ChoiceField(
        choices=PartnerRole.choices,
        validators=[_not_lead],
        help_text="partner or associate: an event has one lead, set when it is created.",
        **kwargs,
    )


def _not_lead(role: str) -> None:
    if role == PartnerRole.LEAD:
        raise serializers.ValidationError(_("An event has one lead organisation."))


class PartnerInputSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all()
    )
    role = _partner_role(default=PartnerRole.PARTNER)
    responsibilities = serializers.CharField(required=False, allow_blank=True, default="")


class PartnerUpdateInputSerializer(serializers.Serializer):
    role = _partner_role(required=False)
    responsibilities = serializers.CharField(required=False, allow_blank=True)


class SponsorshipInputSerializer(serializers.Serializer):
    sponsor = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    tier = serializers.ChoiceField(choices=SponsorTier.choices, default=SponsorTier.SPONSOR)


class SessionSerializer(serializers.ModelSerializer):
    """Times in UTC (`starts_at`) and at the venue (`local_start`, with the zone's offset)."""

    venue = VenueSummarySerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    timezone = serializers.CharField(source="venue.timezone", read_only=True)
    local_start = serializers.SerializerMethodField()
    local_end = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "venue",
            "starts_at",
            "ends_at",
            "timezone",
            "local_start",
            "local_end",
            "capacity",
            "languages",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_start(self, session) -> str:
        return session.local_start.isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_end(self, session) -> str:
        return session.local_end.isoformat()


class _EventScopedInput(serializers.Serializer):
    """An input whose related rows are looked up within one event (context["event"])."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.context.get("event")
        if event is not None:
            self.scope_to(event)

    def scope_to(self, event: Event) -> None:
        raise NotImplementedError


class SessionInputSerializer(_EventScopedInput):
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.none(),
        help_text="Id of a venue of one of the event's partner organisations.",
    )
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    starts_at = AwareDateTimeField(help_text="ISO 8601 with offset.")
    ends_at = AwareDateTimeField(help_text="ISO 8601 with offset.")
    capacity = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, required=False, allow_null=True
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        help_text='Language codes, e.g. ["en", "pt"].',
    )

    def scope_to(self, event: Event) -> None:
        # Only the partners' venues: another organisation's venue id is simply unknown here.
        self.fields["venue"].queryset = Venue.objects.filter(
            organisation__in=event.partners.values("organisation")
        ).select_related("organisation")


class MilestoneSerializer(serializers.ModelSerializer):
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    owner = OrganisationSummarySerializer(
        source="owner.organisation", read_only=True, help_text="The owning partner organisation."
    )
    done = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "phase",
            "phase_label",
            "title",
            "due_on",
            "owner",
            "done",
            "done_on",
            "overdue",
        ]
        read_only_fields = fields

    def get_done(self, milestone) -> bool:
        return milestone.done_on is not None

    def get_overdue(self, milestone) -> bool:
        return milestone.is_overdue()


@extend_schema_field(OpenApiTypes.STR)
class PartnerSlugField(serializers.SlugRelatedField):
    """A partner of the event, named by its organisation's slug."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="organisation__slug", **kwargs)


class MilestoneInputSerializer(_EventScopedInput):
    phase = serializers.ChoiceField(choices=Phase.choices)
    title = serializers.CharField(max_length=200)
    due_on = PlanningDateField()
    owner = PartnerSlugField(
        queryset=EventPartner.objects.none(),
        help_text="Slug of the owning partner organisation.",
    )
    done_on = PlanningDateField(required=False, allow_null=True)
    done = serializers.BooleanField(
        required=False, help_text="Shortcut: true marks it done today, false reopens it."
    )

    def scope_to(self, event: Event) -> None:
        self.fields["owner"].queryset = event.partners.select_related("organisation")

    def validate(self, data):
        if "done" in data and "done_on" in data:
            raise serializers.ValidationError({"done": _("Give either done or done_on, not both.")})
        return data


class VenueCreateInputSerializer(VenueInputSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text="Slug of the owning organisation.",
    )


class AuditChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text=_("The field, as the API names it; participants[1].email is the second one's.")
    )
    withheld = serializers.BooleanField(
        help_text=_("A personal field: it changed, and its values are not kept.")
    )
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)

    def to_representation(self, change: dict) -> dict:
        withheld = "before" not in change and "after" not in change
        return {
            "field": change.get("field", ""),
            "withheld": withheld,
            "before": change.get("before"),
            "after": change.get("after"),
        }


class AuditEntrySerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    object_type_label = serializers.CharField(source="get_object_type_display", read_only=True)
    actor_kind_label = serializers.CharField(source="get_actor_kind_display", read_only=True)
    actor = serializers.IntegerField(
        source="actor_id", read_only=True, allow_null=True, help_text=_("The account's id.")
    )
    actor_name = serializers.CharField(source="actor_label", read_only=True)
    changes = AuditChangeSerializer(many=True, read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor_kind",
            "actor_kind_label",
            "actor",
            "actor_name",
            "device",
            "object_type",
            "object_type_label",
            "object_id",
            "object_label",
            "action",
            "action_label",
            "changes",
        ]
        read_only_fields = fields
