"""The planning scene the service, page and API tests share (loaded by tests/conftest.py).

A draft led from Türkiye with partners in Portugal and Finland, a venue in each country, and a
member per role. Everything is made through the services, as an organiser would.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from accounts.models import User
from events import services
from events.models import Event, EventPartner, Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from venues.models import Venue


def member(organisation: Organisation, role: str = Role.ORGANISER) -> User:
    return MembershipFactory(organisation=organisation, role=role).user


@dataclass
class Plan:
    event: Event
    people: dict[str, User]  # lead, viewer (of the lead), pt, fi, outsider
    partners: dict[str, EventPartner]  # pt, fi (the lead is event.lead)
    venues: dict[str, Venue]  # tr, pt, fi

    def __iter__(self):
        # `event, people, venues = plan`: what most tests need, in one line.
        return iter((self.event, self.people, self.venues))


@pytest.fixture
def plan(catalogue) -> Plan:
    lead = OrganisationFactory(name="Istanbul Sport for All", country="TR")
    lisbon = OrganisationFactory(name="Lisboa Move", slug="lisboa-move", country="PT")
    helsinki = OrganisationFactory(name="Helsinki Liikkuu", slug="helsinki", country="FI")
    people = {
        "lead": member(lead),
        "viewer": member(lead, Role.VIEWER),
        "pt": member(lisbon),
        "fi": member(helsinki),
        "outsider": UserFactory(),
    }
    event = services.create_event(
        by=people["lead"],
        lead=lead,
        title_i18n={"en": "Move Together Week", "tr": "Birlikte Hareket Haftası"},
        objective="social-inclusion",
        starts_on=date(2027, 9, 23),
        ends_on=date(2027, 9, 30),
        sports=["running"],
    )
    partners = {
        "pt": services.add_partner(event, by=people["lead"], organisation=lisbon),
        "fi": services.add_partner(event, by=people["lead"], organisation=helsinki),
    }
    venues = {
        "tr": services.create_venue(
            by=people["lead"],
            organisation=lead,
            name="Maçka Park",
            address="Maçka",
            city="Istanbul",
            country="TR",
        ),
        "pt": services.create_venue(
            by=people["pt"],
            organisation=lisbon,
            name="Parque das Nações",
            address="Av. D. João II",
            city="Lisboa",
            country="PT",
            timezone="Europe/Lisbon",
            notes="Key at the desk",
        ),
        "fi": services.create_venue(
            by=people["fi"],
            organisation=helsinki,
            name="Kaisaniemi",
            address="Kaisaniemenkatu",
            city="Helsinki",
            country="FI",
        ),
    }
    return Plan(event=event, people=people, partners=partners, venues=venues)
