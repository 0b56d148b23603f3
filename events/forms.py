import unicodedata
from datetime import UTC
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from catalogue.models import Action
from events.models import (
    ADMISSION_RATE_DEFAULT,
    ADMISSION_RATE_MAX,
    RETENTION_MAX,
    RETENTION_MIN,
    Event,
    EventPartner,
    EventStatus,
    Milestone,
    Objective,
    Organisation,
    PartnerRole,
    Phase,
    Role,
    Session,
    SessionKind,
    SponsorTier,
    TargetGroup,
)
from events.services.organisations import ORGANISATION_FIELDS
from events.sports import Sport
from venues.models import Feature, Venue
from venues.services import VENUE_FIELDS
from venues.timezones import all_zones, zones_for


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    sports = forms.MultipleChoiceField(
        label=_("Sports"),
        choices=Sport.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "partner_interests": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("sports", self.instance.sport_codes)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ORGANISER)


# Planning --------------------------------------------------------------------------------


def plausible_year(value) -> None:
    """Dates far from now are typing mistakes; near date.min/max they would also overflow."""
    if not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Enter a date between the years 2000 and 2100."))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    """An event's details, with a title and description field per site language.

    The service takes the texts as {"en": ..., "de": ...}; `service_fields()` builds them.
    """

    lead = forms.ModelChoiceField(
        label=_("Lead organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Only a not-for-profit organisation or a public body may lead."),
    )
    default_language = forms.ChoiceField(
        label=_("Default language"),
        choices=settings.LANGUAGES,
        help_text=_("Visitors whose language has no title see this one."),
    )
    objective = forms.ChoiceField(label=_("Main objective"), choices=Objective.choices)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sports = forms.MultipleChoiceField(
        label=_("Sports"),
        choices=Sport.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput, validators=[plausible_year])
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput, validators=[plausible_year])
    action = forms.ModelChoiceField(
        label=_("Funding action"), queryset=Action.objects.all(), empty_label=None
    )
    personal_data_retention_months = forms.IntegerField(
        label=_("Keep the participants' personal data for (months after the event)"),
        min_value=RETENTION_MIN,
        max_value=RETENTION_MAX,
        required=False,
        help_text=_(
            "Then their names, email addresses and other personal details are erased; the "
            "anonymous counts stay. Accessibility needs are deleted the day after the event."
        ),
    )
    waiting_room = forms.BooleanField(
        label=_("Use a waiting room when registration opens"),
        required=False,
        help_text=_(
            "For a rush: people beyond the admission rate wait in line, in the order they came, "
            "and the page lets them in when it is their turn. Leave it off for most events."
        ),
    )
    admission_rate = forms.IntegerField(
        label=_("People let in per minute"),
        required=False,
        min_value=1,
        max_value=ADMISSION_RATE_MAX,
        initial=ADMISSION_RATE_DEFAULT,
    )

    def __init__(self, *args, leads=None, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=False,
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        if leads is None:
            del self.fields["lead"]
        else:
            self.fields["lead"].queryset = leads
            if len(leads) == 1:
                self.fields["lead"].initial = leads[0].pk
        self.fields["admission_rate"].help_text = _(
            "Each person let in has %(minutes)s minutes to send the form. A change applies to "
            "those who arrive after it."
        ) % {"minutes": settings.WAITING_ROOM_PASS_MINUTES}
        self.fields["default_language"].initial = _site_language()
        self.fields["action"].initial = Action.objects.filter(slug=Action.SPORT_EVENTS_SLUG).first()
        retention = self.fields["personal_data_retention_months"]
        retention.initial = settings.PERSONAL_DATA_RETENTION_MONTHS
        if event is not None:
            self.initial.update(
                {
                    "default_language": event.default_language,
                    "objective": event.objective,
                    "target_groups": event.target_groups,
                    "sports": event.sport_codes,
                    "starts_on": event.starts_on,
                    "ends_on": event.ends_on,
                    "action": event.action_id,
                    "personal_data_retention_months": event.personal_data_retention_months,
                    "waiting_room": event.waiting_room,
                    "admission_rate": event.admission_rate,
                }
            )
            for code, _name in settings.LANGUAGES:
                self.initial[f"title_{code}"] = event.title_i18n.get(code, "")
                self.initial[f"description_{code}"] = event.description_i18n.get(code, "")

    @property
    def languages(self):
        """(name, title field, description field, is the default) for each site language."""
        default = self["default_language"].value()
        return [
            (name, self[f"title_{code}"], self[f"description_{code}"], code == default)
            for code, name in settings.LANGUAGES
        ]

    @property
    def aliases(self) -> dict[str, str]:
        language = self.data.get(self.add_prefix("default_language")) or "en"
        return {
            "title_i18n": f"title_{language}",
            "description_i18n": f"description_{language}",
        }

    def service_fields(self) -> dict:
        data = self.cleaned_data
        texts = {
            kind: {
                code: data[f"{kind}_{code}"].strip()
                for code, _name in settings.LANGUAGES
                if data.get(f"{kind}_{code}", "").strip()
            }
            for kind in ("title", "description")
        }
        fields = {
            "title_i18n": texts["title"],
            "description_i18n": texts["description"],
            "default_language": data["default_language"],
            "objective": data["objective"],
            "target_groups": data["target_groups"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "action": data["action"],
            "sports": data["sports"],
            "waiting_room": data["waiting_room"],
        }
        # Left empty: the event keeps what it has (a new one: the default).
        for name in ("personal_data_retention_months", "admission_rate"):
            if data.get(name) is not None:
                fields[name] = data[name]
        return fields


def _site_language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(PartnerRole.PARTNER, PartnerRole.PARTNER.label)]
        + [(PartnerRole.ASSOCIATE, PartnerRole.ASSOCIATE.label)],
    )
    responsibilities = forms.CharField(
        label=_("Responsibilities"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            partnerships__event=event
        ).order_by("country", "name")
        self.fields["organisation"].label_from_instance = _organisation_label


class SponsorForm(forms.Form):
    sponsor = forms.ModelChoiceField(label=_("Sponsor"), queryset=Organisation.objects.none())
    tier = forms.ChoiceField(label=_("Tier"), choices=SponsorTier.choices)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = Organisation.objects.exclude(
            sponsorships__event=event
        ).order_by("name")
        self.fields["sponsor"].label_from_instance = _organisation_label


def _organisation_label(organisation: Organisation) -> str:
    return f"{organisation.name} ({organisation.country.name})"


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (EventStatus.PUBLISHED, _("Publish")),
            (EventStatus.COMPLETED, _("Mark as completed")),
            (EventStatus.CANCELLED, _("Cancel the event")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason for cancellation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Participants read it on the event page."),
    )


# Languages a session may be held in: those of the programme countries that Django knows.
SESSION_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "is",
    "it", "lt", "lv", "mk", "nb", "nl", "pl", "pt", "ro", "sk", "sl", "sr", "sv", "tr",
)  # fmt: skip


def _sort_key(text) -> str:
    """Alphabetical order that puts "Çekçe" with the C's and "İngilizce" with the I's."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _language_choices():
    return sorted(
        ((code, get_language_info(code)["name_translated"]) for code in SESSION_LANGUAGES),
        key=lambda choice: _sort_key(choice[1]),
    )


class SessionForm(forms.Form):
    """A programme session. Start and end are typed as the clock shows them at the venue."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.none(),
        help_text=_("Each venue's time zone is shown next to its name."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts (local time at the venue)"),
        widget=LocalDateTimeInput,
        validators=[plausible_year],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends (local time at the venue)"),
        widget=LocalDateTimeInput,
        validators=[plausible_year],
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, venues, session: Session | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["venue"].label_from_instance = _venue_label
        if session is not None:
            self.initial.update(
                {
                    "title": session.title,
                    "kind": session.kind,
                    "venue": session.venue_id,
                    # Shown as the wall clock at the venue, without a zone.
                    "starts_at": session.local_start.replace(tzinfo=None),
                    "ends_at": session.local_end.replace(tzinfo=None),
                    "capacity": session.capacity,
                    "languages": session.languages,
                }
            )

    def clean(self):
        data = super().clean()
        venue = data.get("venue")
        if venue is None:
            return data
        zone = ZoneInfo(venue.timezone)
        for name in ("starts_at", "ends_at"):
            if data.get(name) is None:
                continue
            # The field made the typed value aware in the site's zone; take the typed clock
            # time back and place it in the venue's zone instead.
            wall_clock = timezone.make_naive(data[name])
            moment = wall_clock.replace(tzinfo=zone)
            if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall_clock:
                self.add_error(
                    name,
                    _(
                        "%(time)s does not exist in %(zone)s: the clocks go forward then. "
                        "Choose another time."
                    )
                    % {"time": wall_clock.strftime("%H:%M"), "zone": venue.timezone},
                )
                continue
            data[name] = moment
        return data


def _venue_label(venue: Venue) -> str:
    return f"{venue.name}, {venue.city} ({venue.country.name}) — {venue.timezone}"


class MilestoneForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Due date"), widget=DateInput, validators=[plausible_year])
    owner = forms.ModelChoiceField(
        label=_("Owning partner"), queryset=EventPartner.objects.none(), empty_label=None
    )
    done_on = forms.DateField(
        label=_("Date done"), required=False, widget=DateInput, validators=[plausible_year]
    )

    def __init__(self, *args, owners=None, milestone: Milestone | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None:
            # Only the lead hands a milestone to another partner.
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].label_from_instance = lambda partner: _organisation_label(
                partner.organisation
            )
        if milestone is None:
            del self.fields["done_on"]
        else:
            self.initial.update(
                {
                    "phase": milestone.phase,
                    "title": milestone.title,
                    "due_on": milestone.due_on,
                    "owner": milestone.owner_id,
                    "done_on": milestone.done_on,
                }
            )


class VenueForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Owning organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=120)
    country = CountryField().formfield(label=_("Country"))
    timezone = forms.CharField(
        label=_("Time zone"),
        required=False,
        widget=forms.Select,
        help_text=_(
            "Leave it on “from the country” when the country has one time zone: it is filled in."
        ),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
    )
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1)
    features = forms.MultipleChoiceField(
        label=_("Accessibility"),
        choices=Feature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations=None, venue: Venue | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        if venue is not None:
            self.initial.update({name: getattr(venue, name) for name in VENUE_FIELDS})
            self.initial["country"] = str(venue.country)
            self.initial["features"] = venue.feature_codes
        # The zones offered: the country's (as typed, else as saved), or all when unknown.
        country = self.data.get(self.add_prefix("country")) or self.initial.get("country")
        zones = list(zones_for(country)) if country else []
        current = self.data.get(self.add_prefix("timezone")) or self.initial.get("timezone")
        if current and current not in zones and current in all_zones():
            zones.append(current)
        self.fields["timezone"].widget.choices = [("", _("From the country"))] + [
            (zone, zone.replace("_", " ")) for zone in (zones or sorted(all_zones()))
        ]

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in VENUE_FIELDS}
        fields["features"] = self.cleaned_data["features"]
        return fields
