"""Answering by survey link through the API: the items, validation, 409 and 404."""

from datetime import timedelta

import pytest
import time_machine

from surveys.models import Invitation, Respondent, Response
from tests.surveys.conftest import EVENT_START, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(register):
    register(language="tr")
    return token_of(Invitation.objects.get())


def test_the_survey_in_the_invitations_language_or_the_one_asked(api, token):
    body = api.get(f"/api/v1/surveys/{token}/").json()
    assert body["wave"] == "t0" and body["language"] == "tr"
    assert body["instrument_version"] == "2026.1"
    who5 = body["sections"][0]
    assert who5["code"] == "who5" and who5["translation"] == "ours"
    assert who5["items"][0]["options"][0] == {"value": 5, "label": "Her zaman"}
    barriers = body["sections"][-1]["items"][0]
    assert barriers["multiple"] is True
    assert barriers["exclusive"] == ["none", "prefer-not-to-say"]
    german = api.get(f"/api/v1/surveys/{token}/?language=de").json()
    assert german["sections"][0]["translation"] == "official"


def test_answers_are_stored_once(api, token):
    answers = {"who5_1": 5, "who5_2": 5, "who5_3": 5, "who5_4": 5, "who5_5": "5", "lonely": None}
    reply = api.post(f"/api/v1/surveys/{token}/", {"answers": answers}, format="json")
    assert reply.status_code == 201, reply.json()
    assert "116 123" in reply.json()["support"]
    assert set(reply.json()) == {"answered_at", "message", "support"}  # never the score
    assert Response.objects.get().who5 == 100
    again = api.post(f"/api/v1/surveys/{token}/", {"answers": {}}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "answered"


def test_bad_answers_get_a_400_per_item_and_store_nothing(api, token):
    reply = api.post(
        f"/api/v1/surveys/{token}/",
        {"answers": {"who5_1": 7, "fewer_opportunities": ["none", "economic"], "x": 1}},
        format="json",
    )
    assert reply.status_code == 400
    assert set(reply.json()["errors"]) == {"who5_1", "fewer_opportunities", "x"}
    assert api.post(f"/api/v1/surveys/{token}/", {"answers": []}, format="json").status_code == 400
    assert not Response.objects.exists()


def test_unknown_and_expired_links_are_a_plain_404(api, token):
    for bad in ("0" * 40, "short"):
        assert api.get(f"/api/v1/surveys/{bad}/").status_code == 404
    with time_machine.travel(EVENT_START + timedelta(days=1)):
        assert api.get(f"/api/v1/surveys/{token}/").status_code == 404
        reply = api.post(f"/api/v1/surveys/{token}/", {"answers": {}}, format="json")
    assert reply.status_code == 404
    assert reply.json()["code"] == "not_found"


def test_withdrawing_by_the_api(api, token):
    api.post(f"/api/v1/surveys/{token}/", {"answers": {"srh": 1}}, format="json")
    reply = api.post(f"/api/v1/surveys/{token}/withdraw/")
    assert reply.status_code == 200 and reply.json()["withdrawn_at"]
    assert not Response.objects.exists()
    assert Respondent.objects.get().withdrawn_at is not None
    assert api.get(f"/api/v1/surveys/{token}/").status_code == 404
    assert api.post(f"/api/v1/surveys/{token}/withdraw/").status_code == 200
    assert api.post(f"/api/v1/surveys/{'0' * 40}/withdraw/").status_code == 404


def test_the_schema_documents_the_survey_endpoints_and_their_errors(api, db):
    schema = api.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/surveys/{token}/"]["post"]
    assert {"201", "400", "404", "409"} <= set(post["responses"])
    assert "/api/v1/surveys/{token}/withdraw/" in schema["paths"]
