"""Forms of the registration pages. They check what a person typed; the rules (capacity, ages,
guardians, consents) are the services' and come back onto these forms as errors."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registrations.models import (
    AccessibilityNeed,
    Gender,
    RefundPolicy,
    RegistrationStatus,
    Role,
    TicketType,
)

MAX_PARTICIPANTS = 20  # one registration: a family, a team, a youth group
CURRENCY = re.compile(r"[A-Z]{3}")


ACCESSIBILITY_NEEDS = AccessibilityNeed.choices


def need_labels(codes) -> list[str]:
    labels = dict(ACCESSIBILITY_NEEDS)
    return [str(labels.get(code, code)) for code in codes]


def price_label(ticket_type: TicketType) -> str:
    if ticket_type.is_free:
        return str(_("Free"))
    return f"{ticket_type.price} {ticket_type.currency}"


def seats_label(ticket_type: TicketType) -> str:
    seats = ticket_type.seats_left
    if seats:
        return ngettext("%(count)s seat left", "%(count)s seats left", seats) % {"count": seats}
    return str(_("full: waiting list"))


def _site_language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _country_choices():
    return [("", pgettext_lazy("no country chosen", "Choose a country"))] + list(countries)


# Registering -------------------------------------------------------------------------------


class GroupSizeForm(forms.Form):
    """The first step of a group registration: how many forms of participants to show."""

    participants = forms.TypedChoiceField(
        label=_("How many people do you register?"),
        choices=[(n, n) for n in range(1, MAX_PARTICIPANTS + 1)],
        coerce=int,
        help_text=_("A family, a team or a youth group: each person gets their own ticket."),
    )


class TicketTypeChoice(forms.ModelChoiceField):
    def label_from_instance(self, ticket_type):
        return f"{ticket_type.name} — {price_label(ticket_type)} — {seats_label(ticket_type)}"


class ContactForm(forms.Form):
    """The person who registers (the buyer): where the tickets and our messages go. Shared by
    registering and by changing the details at the manage link."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the tickets and the link to manage the registration here."),
    )
    language = forms.ChoiceField(
        label=_("Language for our emails"), choices=settings.LANGUAGES, required=True
    )

    def contact_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "email", "language")}


class RegistrationForm(ContactForm):
    """The person who registers (the buyer), the ticket type, the terms and the waiting list."""

    field_order = ["ticket_type", "name", "email", "language"]

    ticket_type = TicketTypeChoice(
        label=_("Ticket"),
        queryset=TicketType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of the event and the processing of these details for it."),
        error_messages={"required": _("Accept the terms to register.")},
    )
    join_waiting_list = forms.BooleanField(
        label=_("If the ticket is full, put me on the waiting list."),
        required=False,
        help_text=_("The first in line gets the next free seat; we tell you by email."),
    )

    def __init__(self, *args, ticket_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ticket_type"]
        field.queryset = TicketType.objects.with_allocation_flag().filter(
            pk__in=[t.pk for t in ticket_types]
        )
        # The choices are the rows the view loaded: no second query to draw them.
        field.choices = [(t.pk, field.label_from_instance(t)) for t in ticket_types]
        if len(ticket_types) == 1:
            field.initial = ticket_types[0].pk
        self.fields["language"].initial = _site_language()

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "ticket_type": data["ticket_type"],
            **self.contact_fields(),
            "accept_terms": data["accept_terms"],
            "join_waiting_list": data["join_waiting_list"],
        }


class PersonForm(forms.Form):
    """Who takes part and the needs they ask staff to prepare: shared by registering and by
    changing the details at the manage link, with the same labels and messages."""

    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("Without one, the ticket goes to the person who registers."),
    )
    country = forms.ChoiceField(label=_("Country of residence"), choices=_country_choices)
    role = forms.ChoiceField(label=_("Takes part as"), choices=Role.choices, initial=Role.ATHLETE)
    accessibility_consent = forms.BooleanField(
        label=_(
            "Yes, store this participant's accessibility needs and the note below so that "
            "the staff can prepare; they are deleted after the event."
        ),
        required=False,
    )
    accessibility_needs = forms.MultipleChoiceField(
        label=_("Accessibility needs"),
        choices=ACCESSIBILITY_NEEDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accessibility_note = forms.CharField(
        label=_("A short medical or dietary note for staff"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    PERSON = ("name", "email", "country", "role")

    def person_fields(self):
        return [self[name] for name in self.PERSON]

    def accessibility_fields(self) -> dict:
        data = self.cleaned_data
        fields = {"accessibility_consent": data["accessibility_consent"]}
        # Needs are special-category data: without their own consent they are not even sent.
        if data["accessibility_consent"]:
            fields["accessibility_needs"] = data["accessibility_needs"]
            fields["accessibility_note"] = data["accessibility_note"].strip()
        return fields


class ParticipantForm(PersonForm):
    """One person who takes part, with the two optional consents and the guardian if under 16."""

    field_order = [
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
    ]

    year_of_birth = forms.IntegerField(
        label=_("Year of birth"),
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("Not given"))] + Gender.choices,
        required=False,
    )
    guardian_name = forms.CharField(
        label=_("Name of the parent or guardian"), max_length=150, required=False
    )
    guardian_email = forms.EmailField(
        label=_("Email address of the parent or guardian"), required=False
    )
    guardian_confirmed = forms.BooleanField(
        label=_(
            "I am the child's parent or guardian, or the parent or guardian agrees that "
            "the child takes part."
        ),
        required=False,
    )
    survey_consent = forms.BooleanField(
        label=_(
            "Yes, this participant may be asked a few questions now and some weeks after the event."
        ),
        required=False,
    )

    # Grouped on the page, each group in a fieldset with its legend.
    PERSON = ("name", "email", "country", "year_of_birth", "gender", "role")
    GUARDIAN = ("guardian_name", "guardian_email", "guardian_confirmed")

    def guardian_fields(self):
        return [self[name] for name in self.GUARDIAN]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        person = {name: data[name] for name in self.PERSON if name != "gender"}
        if data["gender"]:
            person["gender"] = data["gender"]
        person.update(
            guardian_name=data["guardian_name"].strip(),
            guardian_email=data["guardian_email"],
            guardian_confirmed=data["guardian_confirmed"],
            survey_consent=data["survey_consent"],
            **self.accessibility_fields(),
        )
        return person


def typed_values(form: forms.Form) -> dict:
    """What was typed into a bound form, as initial values for an unbound copy of it."""
    return {name: form[name].value() for name in form.fields}


class BaseParticipantFormSet(forms.BaseFormSet):
    def initial_form_count(self):
        # Nothing here is an existing row: a participant left blank is skipped, not required.
        return 0

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            if index == 0:
                del form.fields["DELETE"]  # the first participant is always there
            else:
                form.fields["DELETE"].label = _("Leave this participant out")

    def with_one_more(self) -> "BaseParticipantFormSet":
        """The participants as typed, unbound (no errors shown yet), and one empty form more."""
        more = type(self)(prefix=self.prefix, initial=[typed_values(f) for f in self.forms])
        more.extra = min(len(self.forms), MAX_PARTICIPANTS - 1)
        return more

    def to_register(self) -> list[ParticipantForm]:
        """The participants to send, in order: not left out, and not left entirely blank."""
        # The first is always sent (it is always validated); none at all if the page was forged.
        return self.forms[:1] + [
            form
            for form in self.forms[1:]
            if form.has_changed() and not self._should_delete_form(form)
        ]


ParticipantFormSet = forms.formset_factory(
    ParticipantForm,
    formset=BaseParticipantFormSet,
    extra=0,
    min_num=1,  # the first participant is always validated: no "at least one form" message
    max_num=MAX_PARTICIPANTS,
    validate_max=True,
    absolute_max=MAX_PARTICIPANTS,
    can_delete=True,
)


# Changing the details at the manage link --------------------------------------------------


class ContactChangeForm(ContactForm):
    def __init__(self, *args, registration, **kwargs):
        kwargs["initial"] = {
            "name": registration.name,
            "email": registration.email,
            "language": registration.language,
        }
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "A new address gets the confirmation with the tickets again."
        )


class ParticipantChangeForm(PersonForm):
    """A participant's details. The survey consent can only be withdrawn here: its box shows
    only while the consent is given. Unticking the accessibility consent deletes the needs."""

    survey_consent = forms.BooleanField(
        label=_(
            "Yes, this participant may be asked a few questions now and some weeks after the event."
        ),
        help_text=_("Untick to withdraw the consent: we record when, and ask nothing more."),
        required=False,
    )

    def __init__(self, *args, participant, **kwargs):
        kwargs["initial"] = {
            "name": participant.name,
            "email": participant.email,
            "country": participant.country.code,
            "role": participant.role,
            "survey_consent": participant.survey_consent_at is not None,
            "accessibility_consent": participant.accessibility_consent_at is not None,
            "accessibility_needs": list(participant.accessibility_needs),
            "accessibility_note": participant.accessibility_note,
        }
        super().__init__(*args, **kwargs)
        self.participant = participant
        if participant.survey_consent_at is None:
            del self.fields["survey_consent"]
        self.fields["accessibility_consent"].help_text = _(
            "Untick to withdraw the consent: the needs and the note are deleted."
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "ticket_id": self.participant.ticket_id,
            **{name: data[name] for name in self.PERSON},
            **self.accessibility_fields(),
        }
        if "survey_consent" in self.fields:
            fields["survey_consent"] = data["survey_consent"]
        return fields


class BaseParticipantChangeFormSet(forms.BaseFormSet):
    """One form per stored participant, in their order, whatever count the page sends."""

    def __init__(self, *args, participants, **kwargs):
        self.participants = list(participants)
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        return len(self.participants)

    def initial_form_count(self):
        return len(self.participants)

    def get_form_kwargs(self, index):
        return {"participant": self.participants[index]}


ParticipantChangeFormSet = forms.formset_factory(
    ParticipantChangeForm, formset=BaseParticipantChangeFormSet, extra=0
)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, erase our personal data. I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


# Data requests (an organisation's administrators) ------------------------------------------


class DataRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person"),
        help_text=_(
            "Found where it is the address of the person who registered, of a participant or "
            "of a parent or guardian, in the events your organisation leads."
        ),
    )


class DataErasureForm(DataRequestForm):
    """The erasure's confirmation: the address typed a second time."""

    email = forms.EmailField(widget=forms.HiddenInput)
    confirm = forms.CharField(
        label=_("To confirm, type the email address again"),
        max_length=254,
        required=False,
    )

    def clean(self):
        data = super().clean()
        typed = (data.get("confirm") or "").strip().lower()
        if data.get("email") and typed != data["email"].strip().lower():
            self.add_error("confirm", _("Type the same email address to confirm the erasure."))
        return data


# Organiser pages ---------------------------------------------------------------------------


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, email address or reference"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses"))] + RegistrationStatus.choices,
        required=False,
    )
    ticket_type = forms.ModelChoiceField(
        label=_("Ticket"),
        queryset=TicketType.objects.none(),
        required=False,
        empty_label=_("All tickets"),
    )
    country = forms.ChoiceField(
        label=_("Participant's country"),
        choices=lambda: [("", _("All countries"))] + list(countries),
        required=False,
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles"))] + Role.choices, required=False
    )

    def __init__(self, *args, ticket_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ticket_type"]
        field.queryset = TicketType.objects.filter(pk__in=[t.pk for t in ticket_types])
        field.choices = [("", field.empty_label)] + [(t.pk, t.name) for t in ticket_types]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TicketTypeForm(forms.Form):
    """A ticket type's details. The sales window is typed in the event's time zone."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = forms.DecimalField(
        label=_("Price"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        help_text=_("0 for a free ticket. Paid tickets wait for payment before they are valid."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        min_length=3,
        initial="EUR",
        help_text=_("Three-letter code, such as EUR, TRY or CHF."),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1_000_000)
    sales_start = forms.DateTimeField(
        label=_("Sales start"), required=False, widget=LocalDateTimeInput
    )
    sales_end = forms.DateTimeField(label=_("Sales end"), required=False, widget=LocalDateTimeInput)
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0, max_value=120)
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)
    refund_policy = forms.ChoiceField(
        label=_("Refunds when a participant cancels"),
        choices=RefundPolicy.choices,
        initial=RefundPolicy.FULL_UNTIL,
        required=False,
        help_text=_("For paid tickets. Organisers can always refund in full or in part."),
    )
    refund_days_before = forms.IntegerField(
        label=_("Full refund until this many days before the event"),
        min_value=0,
        max_value=365,
        initial=14,
        required=False,
    )

    def __init__(
        self,
        *args,
        zone: str = "UTC",
        ticket_type: TicketType | None = None,
        partner_countries: list[str] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(zone)
        for name in ("sales_start", "sales_end"):
            self.fields[name].help_text = _("Time in %(zone)s. Leave empty for no limit.") % {
                "zone": zone
            }
        if ticket_type is not None:
            for name in self.fields:
                value = getattr(ticket_type, name)
                if isinstance(value, datetime):
                    value = timezone.localtime(value, self.zone).replace(tzinfo=None)
                self.initial[name] = value
        self._add_allocation_fields(partner_countries, ticket_type)

    def _add_allocation_fields(self, codes, ticket_type: TicketType | None) -> None:
        """One optional number per partner country: the seats kept for its residents."""
        kept = (
            {str(a.country): a.seats for a in ticket_type.allocations.all()} if ticket_type else {}
        )
        names = dict(countries)
        for code in codes:
            name = f"allocation_{code}"
            self.fields[name] = forms.IntegerField(
                label=_("Seats kept for residents of %(country)s") % {"country": names[code]},
                required=False,
                min_value=0,
                max_value=1_000_000,
            )
            self.initial[name] = kept.get(code)
        if codes:
            self.fields[f"allocation_{codes[-1]}"].help_text = _(
                "Optional. Once seats are kept for any country, the ticket is for residents of "
                "those countries only, each up to its seats; each country has its own waiting list."
            )

    def _in_zone(self, value):
        # Read as the clock at the event shows it, not in the server's zone.
        if value is None:
            return None
        return timezone.make_aware(value.replace(tzinfo=None), self.zone)

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not CURRENCY.fullmatch(currency):
            raise forms.ValidationError(_("Give the three-letter code, such as EUR."))
        return currency

    def clean_refund_policy(self):
        return self.cleaned_data["refund_policy"] or RefundPolicy.FULL_UNTIL

    def clean_refund_days_before(self):
        days = self.cleaned_data["refund_days_before"]
        return 14 if days is None else days

    def clean_sales_start(self):
        return self._in_zone(self.cleaned_data["sales_start"])

    def clean_sales_end(self):
        return self._in_zone(self.cleaned_data["sales_end"])

    def clean(self):
        data = super().clean()
        start, end = data.get("sales_start"), data.get("sales_end")
        if start and end and end <= start:
            self.add_error("sales_end", _("The sales end must be after the sales start."))
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("The maximum age cannot be below the minimum age."))
        data["allocations"] = {
            name.removeprefix("allocation_"): data.pop(name) or 0
            for name in list(data)
            if name.startswith("allocation_")
        }
        return data


class CheckInForm(forms.Form):
    token = forms.CharField(
        label=_("Ticket code"),
        max_length=400,
        help_text=_("Scan the QR code, or type or paste the code printed under it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
    gate = forms.CharField(label=_("Gate"), max_length=60, required=False)
