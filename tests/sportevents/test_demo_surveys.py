"""The demo's survey data: a completed, sponsored event with paired answers and no identity
links left, and an open baseline survey for the demo participant."""

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count

from events.models import Sponsorship
from sportevents.demo import demo_survey_link
from sportevents.demo.registrations import AUTUMN_WALK_SLUG
from surveys import services
from surveys.models import Invitation, Respondent, RespondentLink, Response, Snapshot, Wave

pytestmark = pytest.mark.django_db


def test_the_completed_walk_has_paired_answers_and_no_links(catalogue, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    walk = {"wave__event__slug": AUTUMN_WALK_SLUG}
    assert Sponsorship.objects.filter(
        event__slug=AUTUMN_WALK_SLUG, sponsor__name="Bright Energy Foundation"
    ).exists()
    assert not Wave.objects.filter(event__slug=AUTUMN_WALK_SLUG, closed_at__isnull=True).exists()
    assert not RespondentLink.objects.filter(respondent__event__slug=AUTUMN_WALK_SLUG).exists()
    counts = dict(Response.objects.filter(**walk).values_list("wave__kind").annotate(n=Count("id")))
    assert counts["t0"] >= 200 and 100 <= counts["t2"] < counts["t0"] and counts["t1"] >= 50
    paired = Respondent.objects.filter(
        event__slug=AUTUMN_WALK_SLUG, responses__wave__kind="t0"
    ).filter(responses__wave__kind="t2")
    assert paired.count() >= 100
    means = {
        kind: Response.objects.filter(**walk, wave__kind=kind, respondent__in=paired).aggregate(
            m=Avg("who5")
        )["m"]
        for kind in ("t0", "t2")
    }
    assert 3 <= means["t2"] - means["t0"] <= 9
    assert Response.objects.filter(**walk, wave__kind="t0", fewer_opportunities=True).count() >= 20

    sponsor = Snapshot.objects.filter(scope="sponsor", sponsor__name="Bright Energy Foundation")
    assert sponsor.count() == 1
    assert Snapshot.objects.filter(scope="event", event__slug=AUTUMN_WALK_SLUG).count() == 1

    link = demo_survey_link()
    assert link and link in capsys.readouterr().out
    invitation = services.find_invitation(link.rstrip("/").rsplit("/", 1)[1])
    assert services.state_of(invitation) == services.State.OPEN
    assert Invitation.objects.filter(pk=invitation.pk).count() == 1
