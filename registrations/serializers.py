"""The registration API's shapes: input serializers that check what a client sent (the rules are
the services'), and output serializers for ticket types, registrations, tickets and scans."""

from collections.abc import Mapping
from types import SimpleNamespace

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from events.models import Event
from events.serializers import AwareDateTimeField
from registrations import checkins
from registrations.ages import AgeGroup, age_group
from registrations.desks import Desk
from registrations.forms import ACCESSIBILITY_NEEDS, MAX_PARTICIPANTS
from registrations.models import (
    CheckInReason,
    CheckInResult,
    DataRequest,
    Gender,
    Participant,
    RefundPolicy,
    Registration,
    Role,
    TicketType,
)
from sportevents.api import validated
from sportevents.serializer_fields import CharField, CountryField, FieldsBuiltOnce

# Ticket types ------------------------------------------------------------------------------


class AllocationSerializer(serializers.Serializer):
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code of a partner country.")
    seats = serializers.IntegerField(min_value=0, max_value=1_000_000)
    taken = serializers.IntegerField(read_only=True)


class TicketTypeSerializer(serializers.ModelSerializer):
    """What a ticket costs, how many seats are left and whether it is on sale now."""

    seats_left = serializers.IntegerField(read_only=True)
    allocations = AllocationSerializer(
        many=True,
        read_only=True,
        help_text="Seats kept per partner country; when any, the ticket is for residents of "
        "those countries only.",
    )
    on_sale = serializers.SerializerMethodField(help_text="Active and within its sales window.")
    is_free = serializers.BooleanField(read_only=True)

    class Meta:
        model = TicketType
        fields = [
            "id",
            "name",
            "description",
            "price",
            "currency",
            "is_free",
            "capacity",
            "seats_left",
            "on_sale",
            "is_active",
            "sales_start",
            "sales_end",
            "min_age",
            "max_age",
            "refund_policy",
            "refund_days_before",
            "allocations",
        ]
        read_only_fields = fields

    def get_on_sale(self, ticket_type) -> bool:
        return ticket_type.on_sale(self.context.get("now"))


class TicketTypeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)
    price = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="0 (the default) for a free ticket; paid tickets wait for payment.",
    )
    currency = serializers.RegexField(
        r"^[A-Za-z]{3}$",
        required=False,
        help_text="ISO 4217 code, e.g. EUR or TRY (default EUR).",
        error_messages={"invalid": _("Give the three-letter code, such as EUR.")},
    )
    capacity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    sales_start = AwareDateTimeField(
        required=False, allow_null=True, help_text="ISO 8601 with offset; null: no limit."
    )
    sales_end = AwareDateTimeField(
        required=False, allow_null=True, help_text="ISO 8601 with offset; null: no limit."
    )
    min_age = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    max_age = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, help_text="On sale (default true).")
    refund_policy = serializers.ChoiceField(
        choices=RefundPolicy.choices,
        required=False,
        help_text="When a participant cancels a paid ticket: a full refund until "
        "`refund_days_before` days before the event, none, or the organisers decide.",
    )
    refund_days_before = serializers.IntegerField(min_value=0, max_value=365, required=False)
    allocations = AllocationSerializer(
        many=True,
        required=False,
        max_length=50,
        help_text="Seats kept per partner country (replaces the current ones; [] removes them).",
    )

    def validate_allocations(self, value: list) -> dict[str, int]:
        codes = [item["country"].upper() for item in value]
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError(_("Give each country once."))
        return {code: item["seats"] for code, item in zip(codes, value, strict=True)}

    def validate_currency(self, value: str) -> str:
        return value.upper()

    def validate(self, data):
        # Both ends given in one request: say which is wrong. A PATCH of one end is checked
        # against the stored other end by the model's constraints in the service.
        start, end = data.get("sales_start"), data.get("sales_end")
        if start and end and end <= start:
            raise serializers.ValidationError(
                {"sales_end": _("The sales end must be after the sales start.")}
            )
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError(
                {"max_age": _("The maximum age cannot be below the minimum age.")}
            )
        return data


# Registering -------------------------------------------------------------------------------


class PersonInputSerializer(serializers.Serializer):
    """Who takes part and the needs they ask staff to prepare: shared by registering and by
    changing the details at the manage link."""

    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(
        required=False, allow_blank=True, help_text="Without one, the ticket goes to the buyer."
    )
    country = CountryField(help_text="Country of residence (ISO 3166-1 alpha-2).")
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="Default: athlete."
    )
    accessibility_consent = serializers.BooleanField(
        required=False,
        help_text="Optional: to store the accessibility needs below (deleted after the event).",
    )
    accessibility_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=ACCESSIBILITY_NEEDS),
        required=False,
        max_length=len(ACCESSIBILITY_NEEDS),
        help_text="Only with accessibility_consent.",
    )
    accessibility_note = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="A short medical or dietary note; only with accessibility_consent.",
    )


class ParticipantInputSerializer(PersonInputSerializer):
    """One person who takes part. Optional fields left out take the registration's defaults."""

    year_of_birth = serializers.IntegerField(min_value=1900, max_value=2100)
    gender = serializers.ChoiceField(
        choices=Gender.choices, required=False, help_text="Default: undisclosed."
    )
    guardian_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    guardian_email = serializers.EmailField(required=False, allow_blank=True)
    guardian_confirmed = serializers.BooleanField(
        required=False,
        help_text="Under 16: the parent or guardian agrees that the child takes part.",
    )
    survey_consent = serializers.BooleanField(
        required=False, help_text="Optional: to the follow-up impact survey."
    )


def flatten_errors(errors: dict) -> dict:
    """`{"participants": {1: {"email": [...]}}}` → `{"participants[1].email": [...]}`: the keys
    the service uses for its own rules, so a client reads every participant error one way."""
    flat = {}
    for key, value in errors.items():
        if key != "participants" or not isinstance(value, dict | list):
            flat[key] = value
            continue
        if isinstance(value, list) and all(isinstance(message, str) for message in value):
            flat[key] = value  # the list as a whole: form data's participants are strings
            continue
        # DRF 3.18 gives the errors by index; older versions as a list, {} for a valid person.
        people = value.items() if isinstance(value, dict) else enumerate(value)
        for index, person in people:
            if isinstance(index, int) and isinstance(person, list):  # not a person: null
                flat[f"participants[{index}]"] = person
            elif isinstance(index, int):
                for name, messages in person.items():
                    flat[f"participants[{index}].{name}"] = messages
            else:  # the list as a whole: not a list, too short or too long
                flat.setdefault(key, []).extend(person)
    return flat


def _site_language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class RegistrationInputSerializer(serializers.Serializer):
    """The person who registers (the buyer), the ticket type and the participants, each of whom
    gets their own ticket. Participant errors come as `participants[<index>].<field>`."""

    ticket_type = serializers.PrimaryKeyRelatedField(
        queryset=TicketType.objects.none(), help_text="Id of one of the event's ticket types."
    )
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(
        help_text="Tickets and the link to manage the registration go here."
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="For our emails; default: the request's language (Accept-Language).",
    )
    accept_terms = serializers.BooleanField(help_text="Must be true.")
    join_waiting_list = serializers.BooleanField(
        required=False,
        default=False,
        help_text="If the ticket is full: join the waiting list instead of a 409.",
    )
    participants = ParticipantInputSerializer(many=True, min_length=1, max_length=MAX_PARTICIPANTS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.context.get("event")
        if event is not None:
            # Another event's ticket type is simply unknown here.
            self.fields["ticket_type"].queryset = event.ticket_types.with_allocation_flag()

    @property
    def errors(self):
        return flatten_errors(super().errors)

    def validate(self, data):
        return _registration_defaults(data)


def _registration_defaults(data: dict) -> dict:
    data.setdefault("language", _site_language())
    data["participants"] = [dict(person) for person in data["participants"]]
    return data


class _NeedsSerializer(Exception):
    pass


def _read(fields: dict, data) -> dict:
    # What Serializer.to_internal_value makes of `data` with these declared fields, by the
    # fields' own run_validation (the same values, defaults and skips); any error: the caller
    # hands the request to the serializer, which words it.
    if not isinstance(data, Mapping):
        raise _NeedsSerializer
    values = {}
    for name, field in fields.items():
        value = data.get(name, empty)
        if isinstance(field, serializers.ListSerializer):
            if not isinstance(value, list) or not (
                (field.min_length or 0) <= len(value) <= field.max_length
            ):
                raise _NeedsSerializer
            values[name] = [_read(type(field.child)._declared_fields, item) for item in value]
            continue
        try:
            values[name] = field.run_validation(value)
        except SkipField:
            pass
        except serializers.ValidationError:
            raise _NeedsSerializer from None
    return values


_REGISTRATION_FIELDS = {
    name: field
    for name, field in RegistrationInputSerializer._declared_fields.items()
    if name != "ticket_type"  # the event's own, read below
}


def registration_input(data, desk: Desk) -> dict:
    """What RegistrationInputSerializer validates `data` to, for the desk's event. A
    registration rush sends thousands of these a minute: valid input is read by the serializer's
    own fields without building it (its fields are copied for every instance, the participants'
    too), its ticket type from the desk, and the serializer itself answers only input it must
    refuse, with its errors (a 400)."""
    try:
        ticket_type_id = data.get("ticket_type") if isinstance(data, Mapping) else None
        if type(ticket_type_id) is not int:
            raise _NeedsSerializer
        values = _read(_REGISTRATION_FIELDS, data)
        ticket_type = desk.ticket_type(ticket_type_id)
        if ticket_type is None:
            raise _NeedsSerializer
    except _NeedsSerializer:
        return validated(RegistrationInputSerializer, data, context={"event": desk.event})
    return _registration_defaults({"ticket_type": ticket_type, **values})


# Registrations out -------------------------------------------------------------------------


class TicketTypeSummarySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = TicketType
        fields = ["id", "name"]
        read_only_fields = fields


class ParticipantSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    country = CountryField()
    # Optional addresses: "" when not given, which is not an email to a schema validator.
    email = serializers.CharField(read_only=True, help_text="Empty: the ticket goes to the buyer.")
    guardian_email = serializers.CharField(read_only=True)
    guardian_confirmed = serializers.SerializerMethodField()
    survey_consent = serializers.SerializerMethodField()
    accessibility_consent = serializers.SerializerMethodField()
    ticket_revoked = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "ticket_id",
            "name",
            "email",
            "country",
            "year_of_birth",
            "gender",
            "role",
            "guardian_name",
            "guardian_email",
            "guardian_confirmed",
            "survey_consent",
            "accessibility_consent",
            "accessibility_needs",
            "accessibility_note",
            "ticket_revoked",
        ]
        read_only_fields = fields

    def get_guardian_confirmed(self, participant) -> bool:
        return participant.guardian_confirmed_at is not None

    def get_survey_consent(self, participant) -> bool:
        return participant.survey_consent_at is not None

    def get_accessibility_consent(self, participant) -> bool:
        return participant.accessibility_consent_at is not None

    def get_ticket_revoked(self, participant) -> bool:
        return participant.ticket_revoked_at is not None


class RegistrationSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A registration as its organisers see it."""

    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    ticket_type = TicketTypeSummarySerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        model = Registration
        fields = [
            "reference",
            "event",
            "ticket_type",
            "name",
            "email",
            "language",
            "status",
            "status_label",
            "is_group",
            "seats",
            "created_at",
            "cancelled_at",
            "participants",
        ]
        read_only_fields = fields


class TicketSerializer(ParticipantSerializer):
    """A participant with their signed ticket: the code in the QR, and the QR as images."""

    ticket = serializers.SerializerMethodField(
        help_text="The signed ticket code; null unless the registration is confirmed."
    )
    qr_png = serializers.SerializerMethodField()
    qr_svg = serializers.SerializerMethodField()

    class Meta(ParticipantSerializer.Meta):
        fields = [*ParticipantSerializer.Meta.fields, "ticket", "qr_png", "qr_svg"]
        read_only_fields = fields

    def get_ticket(self, participant) -> str | None:
        return self.context.get("tickets", {}).get(participant.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_qr_png(self, participant) -> str | None:
        return self._qr(participant, "qr.png")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_qr_svg(self, participant) -> str | None:
        return self._qr(participant, "qr.svg")

    def _qr(self, participant, name: str) -> str | None:
        base = self.context.get("manage_url")
        if not base or participant.pk not in self.context.get("tickets", {}):
            return None
        return f"{base}tickets/{participant.ticket_id}/{name}"


class OwnRegistrationSerializer(RegistrationSerializer):
    """A registration as the person who made it sees it, at its manage link."""

    waitlist_position = serializers.SerializerMethodField(
        help_text="Place on the waiting list (1 = next); null unless waitlisted."
    )
    participants = TicketSerializer(many=True, read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "waitlist_position"]
        read_only_fields = fields

    def get_waitlist_position(self, registration) -> int | None:
        return self.context.get("waitlist_position")


class ParticipantChangeSerializer(PersonInputSerializer):
    """Changes to one participant; fields left out stay as they are. The year of birth and the
    ticket type cannot be changed here."""

    ticket_id = serializers.UUIDField(help_text="Which participant: their ticket id.")
    survey_consent = serializers.BooleanField(
        required=False, help_text="Only false: withdraws the consent to the follow-up survey."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "ticket_id":
                field.required = False


class RegistrationChangeSerializer(serializers.Serializer):
    """PATCH at the manage link: contact details and participants' details, all or nothing.
    A new email address gets the confirmation again. Errors on participants come as
    `participants[<index>].<field>`."""

    name = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(
        required=False, help_text="Tickets and messages go here; a new one gets them again."
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="For our emails."
    )
    participants = ParticipantChangeSerializer(
        many=True, required=False, max_length=MAX_PARTICIPANTS
    )

    @property
    def errors(self):
        return flatten_errors(super().errors)

    def validate(self, data):
        data["participants"] = [dict(person) for person in data.get("participants", [])]
        return data


class EraseInputSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="Must be true: erasure cannot be undone.")

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Confirm the erasure with true."))
        return value


# Data requests (an organisation's administrators) ------------------------------------------


class DataRequestInputSerializer(serializers.Serializer):
    email = serializers.EmailField(
        help_text="The person's email address: found where it is the buyer's, a participant's "
        "or a parent's or guardian's, in the events the organisation leads."
    )


class DataErasureInputSerializer(DataRequestInputSerializer):
    confirm = serializers.CharField(
        max_length=254, help_text="The same email address again: erasure cannot be undone."
    )

    def validate(self, data):
        if data["confirm"].strip().lower() != data["email"].strip().lower():
            raise serializers.ValidationError(
                {"confirm": _("Type the same email address to confirm the erasure.")}
            )
        return data


class DataErasureSerializer(serializers.Serializer):
    registrations = serializers.IntegerField(
        help_text="Registrations the person made, erased with everyone in them."
    )
    cancelled = serializers.IntegerField(
        help_text="Of those, the ones cancelled first (upcoming events): their seats went to "
        "the waiting list."
    )
    participants = serializers.IntegerField(
        help_text="The person's participants in other people's registrations, erased."
    )


class DataRequestSerializer(serializers.ModelSerializer):
    """One answered request: when, by whom, what was done. The address is not shown."""

    handled_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = DataRequest
        fields = ["handled_at", "handled_by", "action", "action_label", "registrations"]
        read_only_fields = fields


class RegistrationCreatedSerializer(RegistrationSerializer):
    """The new registration and the secret to manage it: shown once, keep it."""

    waitlist_position = serializers.SerializerMethodField(
        help_text="Place on the waiting list (1 = next); null unless waitlisted."
    )
    manage_token = serializers.SerializerMethodField(
        help_text="Secret for /registrations/manage/{token}/; shown only here and in the email."
    )

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "waitlist_position", "manage_token"]
        read_only_fields = fields

    def get_waitlist_position(self, registration) -> int | None:
        return self.context.get("waitlist_position")

    def get_manage_token(self, registration) -> str:
        return self.context["manage_token"]


_datetime = serializers.DateTimeField()


def registration_created(
    registration: Registration, *, manage_token: str, waitlist_position: int | None
) -> dict:
    """RegistrationCreatedSerializer's answer, written out: the busiest answer of a rush,
    without the serializers built for it (tests/registrations pins the two the same)."""
    ticket_type = registration.ticket_type
    return {
        "reference": registration.reference,
        "event": registration.event.slug,
        "ticket_type": {"id": ticket_type.pk, "name": ticket_type.name},
        "name": registration.name,
        "email": registration.email,
        "language": registration.language,
        "status": registration.status,
        "status_label": str(registration.get_status_display()),
        "is_group": registration.is_group,
        "seats": registration.seats,
        "created_at": _datetime.to_representation(registration.created_at),
        "cancelled_at": _datetime.to_representation(registration.cancelled_at),
        "participants": [_participant(person) for person in registration.participants.all()],
        "waitlist_position": waitlist_position,
        "manage_token": manage_token,
    }


def _participant(person: Participant) -> dict:
    return {
        "ticket_id": str(person.ticket_id),
        "name": person.name,
        "email": person.email,
        "country": str(person.country.code) if person.country else "",
        "year_of_birth": person.year_of_birth,
        "gender": person.gender,
        "role": person.role,
        "guardian_name": person.guardian_name,
        "guardian_email": person.guardian_email,
        "guardian_confirmed": person.guardian_confirmed_at is not None,
        "survey_consent": person.survey_consent_at is not None,
        "accessibility_consent": person.accessibility_consent_at is not None,
        "accessibility_needs": person.accessibility_needs,
        "accessibility_note": person.accessibility_note,
        "ticket_revoked": person.ticket_revoked_at is not None,
    }


# Signed tickets: keys for offline scanners -------------------------------------------------


class PublicKeySerializer(serializers.Serializer):
    key_id = serializers.CharField()
    public_key = serializers.CharField(help_text="The raw 32-byte Ed25519 key, base64url.")
    algorithm = serializers.ChoiceField(choices=["Ed25519"])


class TicketKeysSerializer(serializers.Serializer):
    """What a scanner needs to check tickets offline: never a private key."""

    event = serializers.CharField(help_text="The event's slug.")
    event_id = serializers.IntegerField(help_text="The event id that its tickets carry.")
    keys = PublicKeySerializer(many=True, help_text="Every key that verifies the event's tickets.")
    retired_keys = serializers.ListField(
        child=serializers.CharField(),
        help_text="Ids of keys that no longer verify: a ticket signed by one is `retired_key`.",
    )
    revoked = serializers.ListField(
        child=serializers.UUIDField(), help_text="Ids of cancelled or re-issued tickets."
    )
    generated_at = serializers.DateTimeField()


# Check-in ----------------------------------------------------------------------------------


class _EventInputSerializer(serializers.Serializer):
    event = serializers.SlugRelatedField(
        slug_field="slug", queryset=Event.objects.none(), help_text="The event's slug."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["event"].queryset = Event.objects.visible_to(request.user)


class CheckInInputSerializer(_EventInputSerializer):
    token = CharField(max_length=400, help_text="The code in the ticket's QR.")
    gate = CharField(max_length=60, required=False, allow_blank=True, default="")
    scanned_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="When an offline scanner read the ticket (ISO 8601 with offset); default now. "
        "Not in the future, nor before the event opened for registration.",
    )

    def validate(self, data):
        scanned_at = data.get("scanned_at")
        problem = scanned_at and checkins.scan_time_problem(data["event"], scanned_at)
        if problem:
            raise serializers.ValidationError({"scanned_at": problem})
        return data


# A live scan's own fields; the event is looked up by the door, and a live scan has no time.
_LIVE_SCAN_FIELDS = {
    name: field
    for name, field in CheckInInputSerializer._declared_fields.items()
    if name not in ("event", "scanned_at")
}


def live_scan(data) -> dict | None:
    """A live scan ({event, token, gate}) read by CheckInInputSerializer's own fields, without
    building it: the door sends hundreds a minute. None for anything else (a scan with its own
    time, input to refuse), which the serializer reads and words."""
    if not isinstance(data, Mapping) or data.get("scanned_at") is not None:
        return None
    if not (type(data.get("event")) is str and type(data.get("token")) is str):
        return None
    try:
        return {"event": data["event"], **_read(_LIVE_SCAN_FIELDS, data)}
    except _NeedsSerializer:
        return None


MAX_SYNCED_SCANS = 500


class SyncedScanInputSerializer(serializers.Serializer):
    token = CharField(max_length=400, help_text="The code in the ticket's QR.")
    gate = CharField(max_length=60, required=False, allow_blank=True, default="")
    scanned_at = AwareDateTimeField(help_text="When the scanner read the ticket (with offset).")
    device = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The scanner's own id; a scan sent again with the same device and time is "
        "recorded once.",
    )


class CheckInSyncInputSerializer(_EventInputSerializer):
    scans = SyncedScanInputSerializer(many=True, allow_empty=False, max_length=MAX_SYNCED_SCANS)


class PreviousScanSerializer(serializers.Serializer):
    scanned_at = serializers.DateTimeField()
    gate = serializers.CharField()
    device = serializers.CharField()


class ScanSerializer(serializers.Serializer):
    """The answer at the door. Who it is shows for valid and already; accessibility needs only
    when the participant consented to store them."""

    result = serializers.ChoiceField(choices=CheckInResult.choices)
    reason = serializers.ChoiceField(
        choices=[("", ""), *CheckInReason.choices],
        help_text="Why it is not green, as a stable code; empty when valid.",
    )
    reason_text = serializers.CharField(help_text="The reason in the request's language.")
    name = serializers.SerializerMethodField()
    reference = serializers.SerializerMethodField()
    ticket_type = serializers.SerializerMethodField()
    age_group = serializers.SerializerMethodField()
    age_group_label = serializers.SerializerMethodField()
    accessibility_needs = serializers.SerializerMethodField()
    accessibility_note = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField(help_text="The scan that counts, for already.")

    def _person(self, scan):
        if scan.result == CheckInResult.INVALID:
            return None
        return scan.participant

    def _consented(self, scan):
        person = self._person(scan)
        return person if person is not None and person.accessibility_consent_at else None

    def get_name(self, scan) -> str | None:
        person = self._person(scan)
        return person.name if person else None

    def get_reference(self, scan) -> str | None:
        person = self._person(scan)
        return person.registration.reference if person else None

    def get_ticket_type(self, scan) -> str | None:
        person = self._person(scan)
        return person.registration.ticket_type.name if person else None

    @extend_schema_field(serializers.ChoiceField(choices=AgeGroup.choices, allow_null=True))
    def get_age_group(self, scan):
        person = self._person(scan)
        return age_group(person.year_of_birth, self.context["event"]).value if person else None

    def get_age_group_label(self, scan) -> str | None:
        code = self.get_age_group(scan)
        return str(AgeGroup(code).label) if code else None

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=ACCESSIBILITY_NEEDS), allow_null=True
        )
    )
    def get_accessibility_needs(self, scan):
        person = self._consented(scan)
        return list(person.accessibility_needs) if person else None

    def get_accessibility_note(self, scan) -> str | None:
        person = self._consented(scan)
        return person.accessibility_note if person else None

    @extend_schema_field(PreviousScanSerializer(allow_null=True))
    def get_previous(self, scan):
        if scan.previous is None:
            return None
        return PreviousScanSerializer(scan.previous).data


def scan_answer(scan: checkins.Scan, event: Event) -> dict:
    """ScanSerializer's answer, written out: the door's busiest answer, without a serializer
    and its eleven fields copied for every scan (tests/registrations pins the two the same)."""
    person = None if scan.result == CheckInResult.INVALID else scan.participant
    consented = person if person is not None and person.accessibility_consent_at else None
    group = age_group(person.year_of_birth, event) if person else None
    previous = scan.previous
    return {
        "result": scan.result,
        "reason": scan.reason,
        "reason_text": str(scan.reason_text),
        "name": person.name if person else None,
        "reference": person.registration.reference if person else None,
        "ticket_type": person.registration.ticket_type.name if person else None,
        "age_group": group.value if group else None,
        "age_group_label": str(group.label) if group else None,
        "accessibility_needs": list(consented.accessibility_needs) if consented else None,
        "accessibility_note": consented.accessibility_note if consented else None,
        "previous": previous
        and {
            "scanned_at": _datetime.to_representation(previous.scanned_at),
            "gate": str(previous.gate),
            "device": str(previous.device),
        },
    }


class SyncedScanSerializer(ScanSerializer):
    """One scan of an offline batch, in the order sent, with its final answer: `refused` (not
    recorded, `detail` says why) when its time cannot be right. For a repeat, `previous` is the
    scan that counts; when this earlier scan took the green from a later one, `superseded` is
    that later scan."""

    result = serializers.ChoiceField(choices=[*CheckInResult.choices, ("refused", "refused")])
    scanned_at = serializers.DateTimeField()
    gate = serializers.CharField()
    device = serializers.CharField()
    detail = serializers.CharField(help_text="Why a refused scan was not recorded.")
    resent = serializers.BooleanField(help_text="This scan had arrived before; nothing changed.")
    superseded = serializers.SerializerMethodField()

    def to_representation(self, synced):
        scan = synced.scan or checkins.Scan(checkins.REFUSED)
        # The answer's fields come from the scan, the scanner's from what it sent.
        row = SimpleNamespace(
            **{name: getattr(scan, name) for name in ("reason", "participant", "previous")},
            reason_text=scan.reason_text,
            superseded=scan.superseded,
            result=synced.result,
            scanned_at=synced.scanned_at,
            gate=synced.gate,
            device=synced.device,
            detail=synced.refused,
            resent=synced.resent,
        )
        return super().to_representation(row)

    @extend_schema_field(PreviousScanSerializer(allow_null=True))
    def get_superseded(self, scan) -> dict | None:
        if scan.superseded is None:
            return None
        return PreviousScanSerializer(scan.superseded).data


class CheckInSyncSerializer(serializers.Serializer):
    results = SyncedScanSerializer(many=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="How many scans of the batch ended valid, already, invalid and refused.",
    )
