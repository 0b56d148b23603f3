from datetime import date, timedelta

import factory

from accounts.models import User
from catalogue.models import Action
from events.models import (
    Event,
    EventPartner,
    EventStatus,
    Membership,
    Objective,
    Organisation,
    OrganisationKind,
    PartnerRole,
    Role,
)
from venues.models import Venue

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Sport Club {n}")
    slug = factory.Sequence(lambda n: f"sport-club-{n}")
    country = "PT"
    kind = OrganisationKind.NOT_FOR_PROFIT
    looking_for_partners = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ORGANISER


class EventFactory(factory.django.DjangoModelFactory):
    """A published event with its lead organisation as lead partner, without the default plan
    (services.create_event makes that). Needs the `catalogue` fixture for its action."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    action = factory.LazyFunction(lambda: Action.objects.get(slug=Action.SPORT_EVENTS_SLUG))
    lead = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"event-{n}")
    title_i18n = factory.LazyAttribute(lambda event: {"en": f"Event {event.slug}"})
    search_text = factory.LazyAttribute(
        lambda event: " ".join(event.title_i18n.values()).casefold()
    )
    objective = Objective.HEALTHY_LIFESTYLES
    starts_on = date(2027, 9, 23)
    ends_on = factory.LazyAttribute(lambda event: event.starts_on + timedelta(days=7))
    status = EventStatus.PUBLISHED

    @factory.post_generation
    def lead_partner(obj, create, extracted, **kwargs):
        if create:
            EventPartner.objects.create(event=obj, organisation=obj.lead, role=PartnerRole.LEAD)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Sports hall {n}")
    address = "Rua do Desporto 1"
    city = "Lisboa"
    country = "PT"
    timezone = "Europe/Lisbon"
