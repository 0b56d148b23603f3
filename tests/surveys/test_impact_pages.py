"""Impact pages: the organisers' page, publishing, the evidence export, the sponsors' pages with
their charts, PDF and CSV, and the public headline."""

import csv
import io

import pypdf
import pytest

from surveys.models import Snapshot, SnapshotScope
from surveys.snapshots import publish
from tests.surveys.conftest import improving
from tests.surveys.scene import Person

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def impact(event) -> str:
    return f"/events/{event.slug}/impact/"


def test_organiser_page_shows_the_summary_operational_counts_and_monitoring(
    client, completed, people, lead
):
    people(improving(30, invited=("t0", "t2")))
    people([Person(country="PT", role="coach")] * 6)
    client.force_login(lead)
    response = client.get(impact(completed))
    assert response.status_code == 200
    page = text(response)
    assert "Publish a snapshot" in page
    assert "Survey invitations and answers, per wave" in page
    assert "Registered, by country of residence" in page
    assert "<svg" in page and "<figcaption" in page
    assert 'aria-current="page"' in page


def test_partner_organisers_see_the_page_but_may_not_publish(client, completed, people, plan):
    people(improving(12))
    client.force_login(plan.people["pt"])
    assert "Publish a snapshot" not in text(client.get(impact(completed)))
    response = client.post(impact(completed) + "publish/")
    assert response.status_code == 403
    assert not Snapshot.objects.exists()


def test_publish_asks_first_then_publishes(client, completed, people, lead, sponsor_org):
    people(improving(12))
    client.force_login(lead)
    confirm = client.get(impact(completed) + "publish/")
    assert confirm.status_code == 200
    assert "cannot be changed" in text(confirm)
    assert not Snapshot.objects.exists()
    response = client.post(impact(completed) + "publish/", follow=True)
    assert "The snapshot is published" in text(response)
    assert Snapshot.objects.filter(scope=SnapshotScope.EVENT, event=completed).count() == 1
    again = client.post(impact(completed) + "publish/", follow=True)
    assert "already published" in text(again)
    assert Snapshot.objects.filter(scope=SnapshotScope.EVENT).count() == 1


def test_evidence_export_has_aggregates_only(client, completed, people, lead):
    people(improving(20, country="PT"))
    people([Person(country="FI", role="volunteer")] * 6)
    client.force_login(lead)
    response = client.get(impact(completed) + "evidence.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Subject", "Table", "Breakdown"]
    tables = {row[1] for row in rows[1:]}
    assert "Registered, by role" in tables and "Attended, by country of residence" in tables
    volunteers = [r for r in rows if r[1] == "Registered, by role" and r[3] == "Volunteer"]
    assert volunteers[0][5] == "5"  # six volunteers, rounded (operational threshold 5)


def published(completed, lead, people) -> Snapshot:
    people(improving(40))
    people(improving(12, country="PT"))
    return publish(completed, by=lead)


def test_sponsor_home_lists_the_sponsored_events_with_their_snapshots(
    client, completed, people, lead, sponsor
):
    snapshot = published(completed, lead, people)
    client.force_login(sponsor)
    page = text(client.get("/impact/"))
    assert completed.title in page
    assert f"/impact/snapshots/{snapshot.pk}/" in page
    assert "All sponsored events together" in page


def test_snapshot_page_has_charts_with_their_tables(client, completed, people, lead, sponsor):
    snapshot = published(completed, lead, people)
    client.force_login(sponsor)
    response = client.get(f"/impact/snapshots/{snapshot.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert page.count("<figure") >= 4
    assert page.count('role="img"') == page.count("<figure")
    assert "Wellbeing (WHO-5, 0–100) before and after" in page
    assert '<th scope="row">Türkiye</th>' in page
    assert "regression to the mean" in page


def test_snapshot_pdf_and_csv(client, completed, people, lead, sponsor):
    snapshot = published(completed, lead, people)
    client.force_login(sponsor)
    pdf = client.get(f"/impact/snapshots/{snapshot.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    content = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Move Together Week" in content and "Türkiye" in content
    assert "regression to the mean" in content
    figures = client.get(f"/impact/snapshots/{snapshot.pk}/figures.csv")
    rows = list(csv.reader(io.StringIO(figures.content.decode("utf-8-sig"))))
    country = [r for r in rows if r[1].startswith("People who took part, by country")]
    assert ["Türkiye", "People", "40", "40"] == country[0][3:7]


def test_a_formula_in_a_published_label_is_neutralised_in_the_csv(
    client, completed, people, lead, sponsor
):
    snapshot = published(completed, lead, people)
    completed.title_i18n = {"en": '=HYPERLINK("http://x")'}
    completed.save(update_fields=["title_i18n"])
    client.force_login(sponsor)
    figures = client.get(f"/impact/snapshots/{snapshot.pk}/figures.csv")
    first = list(csv.reader(io.StringIO(figures.content.decode("utf-8-sig"))))[1]
    assert first[0].startswith("'=")


def test_public_page_shows_the_published_headline_once_completed(client, completed, people, lead):
    assert "What the event changed" not in text(client.get(f"/events/{completed.slug}/"))
    published(completed, lead, people)
    page = text(client.get(f"/events/{completed.slug}/"))
    assert "What the event changed" in page
    assert "50 people took part, from 2 countries." in page
    assert "Wellbeing (WHO-5, 0–100) rose by" in page
    assert 'href="#impact-caveats"' in page


def test_public_headline_leaves_out_what_is_hidden(client, completed, people, lead):
    people(improving(9))
    people([Person()] * 6)
    publish(completed, by=lead)
    page = text(client.get(f"/events/{completed.slug}/"))
    assert "15 people took part" in page
    assert "Wellbeing" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/events/{slug}/impact/",
        "/events/{slug}/impact/publish/",
        "/events/{slug}/impact/evidence.csv",
        "/events/{slug}/registrations/",
        "/events/{slug}/registrations.csv",
    ],
)
def test_sponsors_get_no_organiser_page(client, completed, people, sponsor, path):
    people(improving(12))
    client.force_login(sponsor)
    assert client.get(path.format(slug=completed.slug)).status_code == 403
    assert client.post(path.format(slug=completed.slug)).status_code in (403, 405)
    assert not Snapshot.objects.exists()


def test_a_snapshot_of_an_event_not_sponsored_is_a_404(client, completed, people, lead, plan):
    snapshot = published(completed, lead, people)
    client.force_login(plan.people["outsider"])
    assert client.get(f"/impact/snapshots/{snapshot.pk}/").status_code == 404
    assert client.get(f"/impact/snapshots/{snapshot.pk}/report.pdf").status_code == 404
    client.logout()
    assert client.get(f"/impact/snapshots/{snapshot.pk}/").status_code == 302


def test_the_dashboard_links_to_the_impact_pages(client, completed, lead, sponsor, plan):
    client.force_login(lead)
    page = text(client.get("/dashboard/"))
    assert f'href="/events/{completed.slug}/impact/"' in page
    assert 'href="/impact/"' not in page
    client.force_login(sponsor)
    assert 'href="/impact/"' in text(client.get("/dashboard/"))
