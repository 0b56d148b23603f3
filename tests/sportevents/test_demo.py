import pytest
from django.core.management import call_command

from accounts.models import User
from events.models import Event, EventFormat, Milestone, Session, Sponsorship
from events.readiness import PLANNING_PREFETCH, readiness_of
from sportevents.demo import DEMO_PASSWORD, LOGINS
from sportevents.demo.planning import PARK_RUN_SLUG, WEEK_OF_SPORT_SLUG

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (User, Event, Session, Milestone, Sponsorship)]


def test_seed_demo_is_idempotent_and_prints_every_login(catalogue, capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    out = capsys.readouterr().out
    for login in LOGINS:
        assert login.email in out
    assert DEMO_PASSWORD in out
    for login in LOGINS:
        assert User.objects.get(email=login.email).check_password(DEMO_PASSWORD)


def test_demo_has_a_type_one_project_across_four_countries_and_time_zones(catalogue):
    call_command("seed_demo")
    event = Event.objects.prefetch_related(*PLANNING_PREFETCH).get(slug=WEEK_OF_SPORT_SLUG)
    readiness = readiness_of(event)
    assert readiness.format == EventFormat.LOCAL_TYPE_I
    assert set(readiness.countries) >= {"PT", "DE", "TR", "FI"}
    zones = {s.venue.timezone for s in event.sessions.all()}
    offsets = {s.local_start.utcoffset() for s in event.sessions.all()}
    assert len(zones) == 4 and len(offsets) >= 3
    assert len(readiness.overdue) >= 1
    assert event.sponsorships.exists()
    assert event.status == "published"
    single = Event.objects.prefetch_related(*PLANNING_PREFETCH).get(slug=PARK_RUN_SLUG)
    assert len(readiness_of(single).countries) == 1
