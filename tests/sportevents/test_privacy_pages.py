"""The privacy notice and the data-processing summary: linked from every page's footer, and
stating the retention rules as the code applies them."""

import pytest

from registrations.services import SURVEY_CONSENT_VERSION

pytestmark = pytest.mark.django_db


def test_every_page_links_to_both(client):
    text = client.get("/").text
    assert 'href="/privacy/"' in text
    assert 'href="/privacy/processing/"' in text


@pytest.mark.parametrize(
    ("url", "bounds"),
    [("/privacy/", "between 1 and 120"), ("/privacy/processing/", "(1–120)")],
)
def test_they_state_the_retention_rules_as_configured(client, settings, url, bounds):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 18
    response = client.get(url)
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert "18 months" in text  # the site's default for new events
    assert bounds in text  # each event chooses within these
    assert "day after the event" in text  # accessibility needs
    assert "12 weeks" in text or "(12 unless" in text  # the follow-up survey's default
    assert "28 days" in text  # how long the follow-up wave stays open
    assert "last survey closes" in text  # when the pseudonym's tie goes


def test_the_notice_names_the_consent_texts_version(client):
    assert SURVEY_CONSENT_VERSION in client.get("/privacy/").text
