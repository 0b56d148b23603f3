"""The respondent's pages at the survey link, the survey part of the registration's page and
of its confirmation email."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from surveys.models import Invitation, Respondent, Response
from tests.surveys.conftest import EVENT_START, links_in, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(register):
    register(language="fr")
    return Invitation.objects.get()


def url(invitation, name="survey"):
    return reverse(f"surveys:{name}", args=[token_of(invitation)])


def test_the_confirmation_page_and_email_offer_the_baseline(register, client):
    outcome = register()
    invitation = Invitation.objects.get()
    page = client.get(reverse("registrations:manage", args=[outcome.manage_token]))
    html = page.content.decode()
    assert "Answer the short baseline survey now" in html
    assert url(invitation) in html
    assert url(invitation, "withdraw") in html
    [message] = mail.outbox
    assert links_in(message.body) == [token_of(invitation)] * 2


def test_without_consent_there_is_no_offer(register, client):
    outcome = register(consent=False)
    html = client.get(reverse("registrations:manage", args=[outcome.manage_token])).content
    assert b"baseline survey" not in html
    assert not links_in(mail.outbox[0].body)


def test_the_survey_is_in_the_invitations_language_with_our_translation_marked(invitation, client):
    page = client.get(url(invitation))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="fr">' in html
    assert "Je me suis senti·e gai·e et de bonne humeur" in html
    assert "Our translation" in html or "traduction" in html
    assert "Psychiatric Centre North Zealand" in html
    assert html.count("<fieldset") == 13 and html.count("<legend") == 13
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_the_language_switcher_overrides_the_invitations_language(invitation, client):
    client.cookies["django_language"] = "de"
    html = client.get(url(invitation)).content.decode()
    assert "… war ich froh und guter Laune" in html
    assert "Our translation" not in html.split("Part 2")[0]  # WHO-5 in German is official


def test_answering_leads_to_the_thank_you_page_without_a_score(invitation, client):
    answers = {f"who5_{n}": "1" for n in range(1, 6)} | {"fewer_opportunities": ["economic"]}
    page = client.post(url(invitation), answers)
    assert page.status_code == 302 and page["Location"] == url(invitation, "thanks")
    response = Response.objects.get()
    assert response.who5 == 20 and response.fewer_opportunities is True
    thanks = client.get(page["Location"]).content.decode()
    assert "116 123" in thanks
    shown = re.sub(r'href="[^"]*"', "", thanks.split("<main")[1].split("</main>")[0])
    assert not re.search(r"\b20\b", shown)  # never the score


def test_an_empty_submission_is_an_answer_too(invitation, client):
    assert client.post(url(invitation), {}).status_code == 302
    assert Response.objects.get().answers == {}


def test_a_bad_value_comes_back_with_a_message_and_stores_nothing(invitation, client):
    page = client.post(url(invitation), {"who5_1": "9", "srh": "1"})
    assert page.status_code == 400
    assert b"field--error" in page.content
    assert not Response.objects.exists()


def test_a_used_link_says_so(invitation, client):
    client.post(url(invitation), {"srh": "1"})
    page = client.get(url(invitation))
    assert page.status_code == 200
    assert b"answered already" in page.content or b"d\xc3\xa9j\xc3\xa0" in page.content
    assert client.post(url(invitation), {"srh": "2"}).status_code == 200
    assert Response.objects.get().health_good is True


def test_an_expired_link_gets_a_friendly_page(invitation, client):
    with time_machine.travel(EVENT_START + timedelta(hours=1)):
        client.cookies["django_language"] = "en"
        page = client.get(url(invitation))
    assert page.status_code == 410
    assert b"This survey has closed" in page.content


def test_an_unknown_link_gets_a_friendly_404(client, db):
    page = client.get(reverse("surveys:survey", args=["0" * 40]))
    assert page.status_code == 404
    assert b"Survey link not valid" in page.content
    assert client.get(reverse("surveys:withdraw", args=["nonsense"])).status_code == 404


def test_withdrawal_asks_first_then_deletes(invitation, client):
    client.post(url(invitation), {"srh": "1"})
    client.cookies["django_language"] = "en"
    page = client.get(url(invitation, "withdraw"))
    assert page.status_code == 200 and b"Leave the survey" in page.content
    assert client.post(url(invitation, "withdraw"), {}).status_code == 400
    assert Response.objects.exists()
    page = client.post(url(invitation, "withdraw"), {"confirm": "on"})
    assert page.status_code == 200 and b"You have left the survey" in page.content
    assert Respondent.objects.get().withdrawn_at is not None
    assert not Response.objects.exists()
    assert client.get(url(invitation)).status_code == 410


def test_the_manage_page_offers_leaving_the_survey_after_answering(register, client):
    outcome = register()
    invitation = Invitation.objects.get()
    client.post(url(invitation), {"srh": "1"})
    html = client.get(reverse("registrations:manage", args=[outcome.manage_token])).content
    assert b"Answer the short baseline survey now" not in html
    assert url(invitation, "withdraw").encode() in html
