"""Privacy proof: unique markers in every personal and health field of the people behind a
snapshot never reach a sponsor, whatever page, export or API answer they open."""

import io
import json

import pypdf
import pytest

from registrations.models import Participant, Registration
from surveys.models import Response, Snapshot
from surveys.snapshots import publish
from tests.surveys.conftest import improving
from tests.surveys.scene import Person

pytestmark = pytest.mark.django_db

MARKERS = {
    "participant_name": "Zqxname7401",
    "participant_email": "zqxmail7402@example.org",
    "buyer_name": "Zqxbuyer7403",
    "buyer_email": "zqxbuyer7404@example.org",
    "guardian": "Zqxguardian7405",
    "guardian_email": "zqxguardian7406@example.org",
    "note": "Zqxnote7407 insulin",
    "answer": "Zqxanswer7408 I feel",
}


@pytest.fixture
def seeded(completed, people, lead, sponsor_org):
    people(improving(30))
    people(
        [
            Person(
                name=MARKERS["participant_name"],
                email=MARKERS["participant_email"],
                guardian=MARKERS["guardian"],
                note=MARKERS["note"],
                year_of_birth=2013,
                answers={"t0": {"who5": 12}, "t2": {"who5": 88}},
            )
        ]
    )
    person = Participant.objects.get(name=MARKERS["participant_name"])
    person.guardian_email = MARKERS["guardian_email"]
    person.accessibility_needs = ["step-free"]
    person.save()
    Registration.objects.filter(pk=person.registration_id).update(
        name=MARKERS["buyer_name"], email=MARKERS["buyer_email"]
    )
    Response.objects.filter(respondent__link__participant=person).update(
        answers={"comment": MARKERS["answer"], "who5_items": [0, 1, 1, 0, 1]}
    )
    publish(completed, by=lead)
    return person


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def _everything_a_sponsor_can_open(client, api, event, sponsor) -> dict[str, str]:
    client.force_login(sponsor)
    api.force_authenticate(sponsor)
    seen = {"home": client.get("/impact/").content.decode()}
    seen["public"] = client.get(f"/events/{event.slug}/").content.decode()
    seen["api list"] = json.dumps(api.get("/api/v1/snapshots/").json())
    for snapshot in Snapshot.objects.all():
        base = f"/impact/snapshots/{snapshot.pk}/"
        seen[base] = client.get(base).content.decode()
        seen[base + "csv"] = client.get(base + "figures.csv").content.decode("utf-8-sig")
        seen[base + "pdf"] = _pdf_text(client.get(base + "report.pdf").content)
        seen[base + "api"] = json.dumps(api.get(f"/api/v1/snapshots/{snapshot.pk}/").json())
    for path in (
        f"/events/{event.slug}/impact/",
        f"/events/{event.slug}/impact/evidence.csv",
        f"/events/{event.slug}/registrations.csv",
    ):
        seen[path] = client.get(path).content.decode()
    seen["api live"] = json.dumps(api.get(f"/api/v1/events/{event.slug}/impact/").json())
    return seen


def test_no_personal_or_health_field_reaches_a_sponsor(client, api, completed, seeded, sponsor):
    seen = _everything_a_sponsor_can_open(client, api, completed, sponsor)
    assert len(seen) >= 12
    assert "Move Together Week" in seen["home"]  # the pages did render
    for where, content in seen.items():
        for field, marker in MARKERS.items():
            assert marker.split()[0].lower() not in content.lower(), (field, where)


def test_the_person_is_counted_but_not_recognisable(client, api, completed, seeded, sponsor):
    seen = _everything_a_sponsor_can_open(client, api, completed, sponsor)
    snapshot = Snapshot.objects.filter(scope="event").get()
    # The only child (under 16) is one person: their age group shows as "<10", never 1.
    ages = next(t for t in snapshot.tables["tables"] if t["key"] == "reach_age_group")
    child = next(row for row in ages["rows"] if row["key"] == "under-16")
    assert child["cells"][0]["value"] is None
    assert "Under 16" in seen[f"/impact/snapshots/{snapshot.pk}/"]
    # A WHO-5 score of one person (12 or 88) appears nowhere as a minimum or maximum.
    assert '"min' not in json.dumps(snapshot.tables) and '"max' not in json.dumps(snapshot.tables)
