"""When an event's retention period ends, its registrations' personal data is erased
(registrations.retention) and the survey keeps to its own rules: the pseudonymous answers stay
and the impact summary does not move; the tie between pseudonym and person goes when the last
wave closes; an erased person is not invited again."""

from datetime import UTC, datetime

import time_machine

from events import services as planning
from registrations import retention
from registrations.models import Participant
from surveys import invitations
from surveys import services as survey_services
from surveys.models import Respondent, RespondentLink, Response
from surveys.summary import event_summary
from tests.surveys import scene
from tests.surveys.conftest import improving

ERASURE_DAY = datetime(2027, 10, 30, 4, tzinfo=UTC)  # one month after 30 September 2027


def test_the_answers_and_the_summary_stay_the_links_go_by_the_survey_rules(completed, lead, people):
    planning.update_event(completed, by=lead, personal_data_retention_months=1)
    people(improving(12))
    before = event_summary(completed)
    answers = Response.objects.count()
    assert RespondentLink.objects.count() == 12

    with time_machine.travel(ERASURE_DAY):
        assert retention.erase_expired_personal_data()["registrations"] == 12

    assert not Participant.objects.filter(registration__event=completed).exclude(name="").exists()
    assert Response.objects.count() == answers
    assert not Respondent.objects.filter(withdrawn_at__isnull=False).exists()
    assert event_summary(completed) == before
    # The links are the survey's: they go when its waves are closed, as for everyone.
    assert RespondentLink.objects.count() == 12
    with time_machine.travel(ERASURE_DAY):
        survey_services.close_waves()
    assert RespondentLink.objects.count() == 0
    assert Response.objects.count() == answers


def test_an_erased_person_is_not_invited_any_more(completed, lead):
    planning.update_event(completed, by=lead, personal_data_retention_months=1)
    waves = scene.waves(completed, closed=False)
    scene.build(completed, [scene.Person(name="Ayşe", email="ayse@example.org")], made_waves=waves)
    assert list(invitations.eligible(waves["t2"])) != []
    with time_machine.travel(ERASURE_DAY):
        retention.erase_expired_personal_data()
    assert list(invitations.eligible(waves["t2"])) == []
