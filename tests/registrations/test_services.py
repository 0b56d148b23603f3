"""Registration services on the real database: ticket types, registering, the waiting list,
cancellation with promotion, and check-in at the door."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from events import services as planning
from registrations import checkins, services, tickets
from registrations.models import (
    CheckIn,
    CheckInResult,
    Participant,
    Registration,
    RegistrationStatus,
    TicketType,
)
from sportevents.errors import Conflict, Forbidden
from tests.factories import EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CONFIRMED = RegistrationStatus.CONFIRMED
PENDING = RegistrationStatus.PENDING_PAYMENT
WAITLISTED = RegistrationStatus.WAITLISTED
CANCELLED = RegistrationStatus.CANCELLED
NOON = datetime(2027, 3, 1, 12, tzinfo=UTC)


def ticket(event, lead, capacity, **fields) -> TicketType:
    return services.create_ticket_type(
        event, by=lead, name=fields.pop("name", f"{capacity} seats"), capacity=capacity, **fields
    )


def taken(ticket_type) -> int:
    ticket_type.refresh_from_db()
    return ticket_type.taken


def status(outcome_or_registration) -> str:
    registration = getattr(outcome_or_registration, "registration", outcome_or_registration)
    registration.refresh_from_db()
    return registration.status


def nothing_saved():
    return not Registration.objects.exists() and not Participant.objects.exists()


# Ticket types ------------------------------------------------------------------------------


def test_lead_organiser_creates_a_ticket_type_with_an_upper_case_currency(paid_ticket):
    assert paid_ticket.currency == "EUR"
    assert paid_ticket.price == Decimal("25.00")
    assert (paid_ticket.capacity, paid_ticket.taken) == (5, 0)
    assert not paid_ticket.is_free


@pytest.mark.parametrize("who", ["viewer", "pt", "outsider"])
def test_only_the_lead_organisers_create_ticket_types(plan, event, who):
    with pytest.raises(Forbidden):
        services.create_ticket_type(event, by=plan.people[who], name="Sneaky", capacity=5)
    assert not TicketType.objects.exists()


def test_partner_organiser_may_not_change_a_ticket_type(plan, free_ticket):
    with pytest.raises(Forbidden):
        services.update_ticket_type(free_ticket, by=plan.people["pt"], capacity=1000)
    assert TicketType.objects.get().capacity == 10


def test_update_refuses_a_capacity_below_the_seats_taken(lead, free_ticket, sign_up, person):
    sign_up(free_ticket, participants=[person(), person(), person()])
    with pytest.raises(ValidationError) as error:
        services.update_ticket_type(free_ticket, by=lead, capacity=2)
    assert "capacity" in error.value.message_dict
    free_ticket.refresh_from_db()
    assert (free_ticket.capacity, free_ticket.taken) == (10, 3)
    assert services.update_ticket_type(free_ticket, by=lead, capacity=3).capacity == 3


def test_database_refuses_more_seats_taken_than_capacity(free_ticket):
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketType.objects.filter(pk=free_ticket.pk).update(taken=F("capacity") + 1)
    assert taken(free_ticket) == 0


# Registering -------------------------------------------------------------------------------


def test_free_registration_is_confirmed_and_takes_a_seat(free_ticket, sign_up):
    outcome = sign_up(free_ticket, email=" Ana.Silva@Example.ORG ", name=" Ana Silva ")
    registration = outcome.registration
    assert registration.status == CONFIRMED
    assert (registration.name, registration.email) == ("Ana Silva", "ana.silva@example.org")
    assert (registration.seats, registration.is_group) == (1, False)
    assert registration.terms_accepted_at is not None
    assert outcome.waitlist_position is None
    assert taken(free_ticket) == 1
    assert services.find_registration(outcome.manage_token) == registration
    assert outcome.manage_token not in registration.manage_token_hash


def test_paid_registration_is_pending_payment_and_holds_its_seat(paid_ticket, sign_up):
    outcome = sign_up(paid_ticket)
    assert outcome.registration.status == PENDING
    assert taken(paid_ticket) == 1


def test_unknown_manage_token_finds_nothing(free_ticket, sign_up):
    sign_up(free_ticket)
    assert services.find_registration("not-a-token") is None


def test_sold_out_is_a_conflict_and_saves_nothing(event, lead, sign_up):
    two = ticket(event, lead, 2)
    sign_up(two)
    sign_up(two)
    with pytest.raises(Conflict) as error:
        sign_up(two, email="late@example.org")
    assert error.value.code == "full"
    assert not Registration.objects.filter(email="late@example.org").exists()
    assert Participant.objects.count() == 2
    assert taken(two) == 2


def test_group_that_does_not_fit_is_a_conflict_even_when_seats_are_left(
    event, lead, sign_up, person
):
    three = ticket(event, lead, 3)
    sign_up(three)
    with pytest.raises(Conflict) as error:
        sign_up(three, participants=[person(), person(), person()])
    assert error.value.code == "full"
    assert taken(three) == 1
    assert Registration.objects.count() == 1


def test_full_ticket_offers_the_waiting_list_with_positions_in_order(event, lead, sign_up):
    one = ticket(event, lead, 1)
    sign_up(one)
    first = sign_up(one, join_waiting_list=True)
    second = sign_up(one, join_waiting_list=True)
    assert (first.registration.status, first.waitlist_position) == (WAITLISTED, 1)
    assert (second.registration.status, second.waitlist_position) == (WAITLISTED, 2)
    assert taken(one) == 1


def test_joining_the_waiting_list_takes_a_seat_when_there_is_one(free_ticket, sign_up):
    outcome = sign_up(free_ticket, join_waiting_list=True)
    assert outcome.registration.status == CONFIRMED
    assert outcome.waitlist_position is None


def test_group_registration_gives_each_participant_a_ticket_and_takes_one_seat_each(
    free_ticket, sign_up, person
):
    outcome = sign_up(
        free_ticket,
        participants=[
            person(name="Mother", year_of_birth=1985, email="mother@example.org"),
            person(
                name="Child",
                year_of_birth=2016,
                guardian_name="Mother",
                guardian_email="mother@example.org",
                guardian_confirmed=True,
            ),
            person(name="Coach", year_of_birth=1970, role="coach", country="PT"),
        ],
    )
    registration = outcome.registration
    assert (registration.is_group, registration.seats) == (True, 3)
    participants = list(registration.participants.all())
    assert [p.name for p in participants] == ["Mother", "Child", "Coach"]
    assert len({p.ticket_id for p in participants}) == 3
    assert participants[1].email == ""  # the child's ticket goes to the buyer
    assert taken(free_ticket) == 3


def test_same_email_twice_for_one_ticket_type_is_a_conflict(free_ticket, sign_up):
    sign_up(free_ticket, email="ana@example.org")
    with pytest.raises(Conflict) as error:
        sign_up(free_ticket, email="ANA@example.org ")
    assert error.value.code == "already_registered"
    assert Registration.objects.count() == 1
    assert taken(free_ticket) == 1


def test_same_email_on_the_waiting_list_twice_is_a_conflict(event, lead, sign_up):
    one = ticket(event, lead, 1)
    sign_up(one)
    sign_up(one, email="ana@example.org", join_waiting_list=True)
    with pytest.raises(Conflict) as error:
        sign_up(one, email="ana@example.org", join_waiting_list=True)
    assert error.value.code == "already_registered"
    assert Registration.objects.filter(email="ana@example.org").count() == 1


def test_same_email_may_register_again_after_cancelling(free_ticket, sign_up):
    first = sign_up(free_ticket, email="ana@example.org")
    services.cancel_registration(first.registration)
    second = sign_up(free_ticket, email="ana@example.org")
    assert second.registration.status == CONFIRMED
    assert taken(free_ticket) == 1


def test_same_email_may_also_register_a_group_and_another_ticket_type(
    free_ticket, paid_ticket, sign_up, person
):
    sign_up(free_ticket, email="coach@example.org")
    group = sign_up(free_ticket, email="coach@example.org", participants=[person(), person()])
    other = sign_up(paid_ticket, email="coach@example.org")
    assert group.registration.is_group
    assert other.registration.status == PENDING
    assert taken(free_ticket) == 3


def test_registration_never_needs_either_optional_consent(free_ticket, sign_up):
    participant = sign_up(free_ticket).registration.participants.get()
    assert participant.survey_consent_at is None
    assert participant.survey_consent_version == ""
    assert participant.accessibility_consent_at is None
    assert participant.accessibility_needs == []


def test_survey_consent_records_its_time_and_text_version(free_ticket, sign_up, person):
    with time_machine.travel(NOON, tick=False):
        outcome = sign_up(free_ticket, participants=[person(survey_consent=True)])
    participant = outcome.registration.participants.get()
    assert participant.survey_consent_at == NOON
    assert participant.survey_consent_version == services.SURVEY_CONSENT_VERSION


def test_accessibility_needs_are_stored_with_their_consent(free_ticket, sign_up, person):
    with time_machine.travel(NOON, tick=False):
        outcome = sign_up(
            free_ticket,
            participants=[
                person(
                    accessibility_consent=True,
                    accessibility_needs=["step-free", "quiet-room"],
                    accessibility_note="Gluten-free meal",
                )
            ],
        )
    participant = outcome.registration.participants.get()
    assert participant.accessibility_consent_at == NOON
    assert participant.accessibility_needs == ["step-free", "quiet-room"]
    assert participant.accessibility_note == "Gluten-free meal"


@pytest.mark.parametrize(
    "needs",
    [{"accessibility_needs": ["sign-language"]}, {"accessibility_note": "Epilepsy"}],
)
def test_accessibility_needs_without_their_consent_are_refused(free_ticket, sign_up, person, needs):
    with pytest.raises(ValidationError) as error:
        sign_up(free_ticket, participants=[person(**needs)])
    assert "participants[0].accessibility_consent" in error.value.message_dict
    assert nothing_saved()
    assert taken(free_ticket) == 0


def test_database_refuses_accessibility_needs_without_consent(free_ticket, sign_up):
    registration = sign_up(free_ticket).registration
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(
            registration=registration,
            name="No consent",
            country="PT",
            year_of_birth=1990,
            accessibility_needs=["support-person"],
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(registration=registration).update(accessibility_note="Asthma")


# The guardian rule and age limits (ages count in the event's year: it starts in 2027) -----


def test_under_16_without_a_guardian_is_refused(free_ticket, sign_up, person):
    with pytest.raises(ValidationError) as error:
        sign_up(free_ticket, participants=[person(year_of_birth=2012)])
    assert "participants[0].guardian_name" in error.value.message_dict
    assert nothing_saved()


def test_under_16_needs_the_guardians_email_too(free_ticket, sign_up, person):
    with pytest.raises(ValidationError) as error:
        sign_up(
            free_ticket,
            participants=[person(year_of_birth=2012, guardian_name="Mum", guardian_confirmed=True)],
        )
    assert "participants[0].guardian_name" in error.value.message_dict
    assert nothing_saved()


def test_under_16_needs_the_guardians_confirmation(free_ticket, sign_up, person):
    child = person(year_of_birth=2012, guardian_name="Mum", guardian_email="mum@example.org")
    with pytest.raises(ValidationError) as error:
        sign_up(free_ticket, participants=[child])
    assert "participants[0].guardian_confirmed" in error.value.message_dict
    assert nothing_saved()


def test_under_16_with_a_confirming_guardian_is_registered(free_ticket, sign_up, person):
    child = person(
        year_of_birth=2012,
        guardian_name="Mum",
        guardian_email="mum@example.org",
        guardian_confirmed=True,
    )
    with time_machine.travel(NOON, tick=False):
        participant = sign_up(free_ticket, participants=[child]).registration.participants.get()
    assert (participant.guardian_name, participant.guardian_email) == ("Mum", "mum@example.org")
    assert participant.guardian_confirmed_at == NOON


def test_a_16_year_old_needs_no_guardian(free_ticket, sign_up, person):
    participant = sign_up(free_ticket, participants=[person(year_of_birth=2011)])
    assert participant.registration.participants.get().guardian_confirmed_at is None


def test_guardian_rule_applies_to_each_member_of_a_group(free_ticket, sign_up, person):
    with pytest.raises(ValidationError) as error:
        sign_up(free_ticket, participants=[person(), person(name="Kid", year_of_birth=2018)])
    assert "participants[1].guardian_name" in error.value.message_dict
    assert nothing_saved()
    assert taken(free_ticket) == 0


@pytest.mark.parametrize(
    ("year_of_birth", "accepted"),
    [(2010, False), (2009, True), (1992, True), (1991, False)],  # ages 17, 18, 35, 36
)
def test_ticket_type_age_range_is_enforced(event, lead, sign_up, person, year_of_birth, accepted):
    adults = ticket(event, lead, 10, min_age=18, max_age=35)
    if accepted:
        assert sign_up(adults, participants=[person(year_of_birth=year_of_birth)])
    else:
        with pytest.raises(ValidationError) as error:
            sign_up(adults, participants=[person(year_of_birth=year_of_birth)])
        assert "participants[0].year_of_birth" in error.value.message_dict
        assert nothing_saved()


# When registration is closed ---------------------------------------------------------------


def test_draft_event_takes_no_registrations(plan, lead, sign_up):
    draft = plan.event  # not published
    draft_ticket = ticket(draft, lead, 10)
    with pytest.raises(Conflict) as error:
        sign_up(draft_ticket, on=draft)
    assert error.value.code == "not_open"
    assert nothing_saved()


@pytest.mark.parametrize("status", ["cancelled", "completed"])
def test_cancelled_or_completed_event_takes_no_registrations(
    event, lead, free_ticket, sign_up, status
):
    with time_machine.travel(datetime(2027, 9, 24, 12, tzinfo=UTC), tick=False):
        planning.change_status(event, by=lead, status=status, reason="Storm warning")
        event.refresh_from_db()
        with pytest.raises(Conflict) as error:
            sign_up(free_ticket)
    assert error.value.code == "not_open"
    assert nothing_saved()


def test_ticket_off_sale_takes_no_registrations(lead, free_ticket, sign_up):
    services.update_ticket_type(free_ticket, by=lead, is_active=False)
    free_ticket.refresh_from_db()
    with pytest.raises(Conflict) as error:
        sign_up(free_ticket)
    assert error.value.code == "not_on_sale"
    assert nothing_saved()


@pytest.mark.parametrize(
    "window",
    [
        {"sales_start": NOON + timedelta(minutes=1)},
        {"sales_end": NOON},
        {"sales_start": NOON - timedelta(days=9), "sales_end": NOON - timedelta(seconds=1)},
    ],
    ids=["not-yet", "ended-exactly-now", "ended"],
)
def test_outside_the_sales_window_is_a_conflict(event, lead, sign_up, window):
    windowed = ticket(event, lead, 10, **window)
    with time_machine.travel(NOON, tick=False):
        with pytest.raises(Conflict) as error:
            sign_up(windowed)
    assert error.value.code == "not_on_sale"
    assert nothing_saved()
    assert taken(windowed) == 0


def test_inside_the_sales_window_registers(event, lead, sign_up):
    windowed = ticket(event, lead, 10, sales_start=NOON, sales_end=NOON + timedelta(days=1))
    with time_machine.travel(NOON, tick=False):
        assert sign_up(windowed).registration.status == CONFIRMED


def test_ticket_type_of_another_event_is_not_on_sale_here(catalogue, event, sign_up):
    other = EventFactory()
    organiser = MembershipFactory(organisation=other.lead).user
    foreign = ticket(other, organiser, 10)
    with pytest.raises(Conflict) as error:
        sign_up(foreign)
    assert error.value.code == "not_on_sale"
    assert nothing_saved()


# Bad input never saves a row --------------------------------------------------------------


def one(**fields) -> dict:
    """`participants` with one adult, changed by `fields`."""
    return {"participants": [{"name": "X", "country": "PT", "year_of_birth": 1990, **fields}]}


@pytest.mark.parametrize(
    ("change", "error_key"),
    [
        ({"accept_terms": False}, "accept_terms"),
        ({"participants": []}, "participants"),
        ({"email": "not-an-email"}, "email"),
        ({"name": "   "}, "name"),
        (one(country="XX"), "country"),
        (one(year_of_birth=1800), "year_of_birth"),
        (one(year_of_birth=3000), "year_of_birth"),
        (one(name=""), "name"),
        (one(role="boss"), "role"),
        (one(gender="robot"), "gender"),
        (one(email="not-an-email"), "email"),
    ],
    ids=[
        "no-terms",
        "nobody",
        "bad-email",
        "blank-name",
        "bad-country",
        "born-1800",
        "born-in-the-future",
        "participant-without-name",
        "unknown-role",
        "unknown-gender",
        "participant-bad-email",
    ],
)
def test_bad_input_is_refused_and_saves_nothing(free_ticket, sign_up, change, error_key):
    with pytest.raises(ValidationError) as error:
        sign_up(free_ticket, **change)
    assert any(error_key in key for key in error.value.message_dict)
    assert nothing_saved()
    assert taken(free_ticket) == 0


def test_bad_second_participant_of_a_group_saves_nothing(free_ticket, sign_up, person):
    with pytest.raises(ValidationError):
        sign_up(free_ticket, participants=[person(), person(country="XX")])
    assert nothing_saved()
    assert taken(free_ticket) == 0


def test_participant_field_errors_say_which_participant(free_ticket, sign_up, person):
    """BUG: the service's own checks name the participant (`participants[1].guardian_name`), but
    errors from the model's validation come back bare (`country`, `name`), so a group form cannot
    tell whose field is wrong, and a participant's `name` reads as the buyer's."""
    with pytest.raises(ValidationError) as error:
        sign_up(free_ticket, participants=[person(), person(name="", country="XX")])
    assert set(error.value.message_dict) == {"participants[1].name", "participants[1].country"}


def test_unknown_participant_field_is_a_programming_error(free_ticket, sign_up, person):
    with pytest.raises(TypeError):
        sign_up(free_ticket, participants=[person(is_vip=True)])
    assert nothing_saved()


# Cancelling and the waiting list ----------------------------------------------------------


def test_cancelling_frees_the_seat_and_revokes_the_tickets(free_ticket, sign_up, person):
    outcome = sign_up(free_ticket, participants=[person(), person()])
    with time_machine.travel(NOON, tick=False):
        promoted = services.cancel_registration(outcome.registration)
    assert promoted == []
    registration = outcome.registration
    registration.refresh_from_db()
    assert (registration.status, registration.cancelled_at) == (CANCELLED, NOON)
    assert {p.ticket_revoked_at for p in registration.participants.all()} == {NOON}
    assert taken(free_ticket) == 0


def test_cancelling_twice_is_a_conflict(free_ticket, sign_up):
    outcome = sign_up(free_ticket)
    services.cancel_registration(outcome.registration)
    with pytest.raises(Conflict) as error:
        services.cancel_registration(outcome.registration)
    assert error.value.code == "already_cancelled"
    assert taken(free_ticket) == 0


def test_freed_seat_goes_to_the_first_in_line_only(event, lead, sign_up):
    one = ticket(event, lead, 1)
    holder = sign_up(one)
    first = sign_up(one, join_waiting_list=True)
    second = sign_up(one, join_waiting_list=True)
    promoted = services.cancel_registration(holder.registration)
    assert promoted == [first.registration]
    assert status(first) == CONFIRMED
    assert status(second) == WAITLISTED
    assert services.waitlist_position(second.registration) == 1
    assert taken(one) == 1


def test_freed_paid_seat_makes_the_first_in_line_pending_payment(event, lead, sign_up):
    paid = ticket(event, lead, 1, price=Decimal("10"))
    holder = sign_up(paid)
    first = sign_up(paid, join_waiting_list=True)
    services.cancel_registration(holder.registration)
    assert status(first) == PENDING
    assert taken(paid) == 1


def test_two_freed_seats_promote_the_first_two_in_order(event, lead, sign_up):
    two = ticket(event, lead, 2)
    holders = [sign_up(two), sign_up(two)]
    waiting = [sign_up(two, join_waiting_list=True) for _ in range(3)]
    services.cancel_registration(holders[0].registration)
    services.cancel_registration(holders[1].registration)
    assert [status(w) for w in waiting] == [CONFIRMED, CONFIRMED, WAITLISTED]
    assert taken(two) == 2


def test_cancelling_a_waiting_registration_frees_no_seat_and_moves_the_line_up(
    event, lead, sign_up
):
    one = ticket(event, lead, 1)
    sign_up(one)
    first = sign_up(one, join_waiting_list=True)
    second = sign_up(one, join_waiting_list=True)
    assert services.cancel_registration(first.registration) == []
    assert status(second) == WAITLISTED
    assert services.waitlist_position(second.registration) == 1
    assert taken(one) == 1


def test_waiting_group_keeps_its_place_and_waiting_singles_behind_it_do_not_jump_it(
    event, lead, sign_up, person
):
    """One seat frees while a group of 3 is first in line: nobody is promoted, not even the
    single person behind the group; the group gets in once three seats are free."""
    three = ticket(event, lead, 3)
    holders = [sign_up(three) for _ in range(3)]
    group = sign_up(three, participants=[person(), person(), person()], join_waiting_list=True)
    single = sign_up(three, join_waiting_list=True)
    assert (group.waitlist_position, single.waitlist_position) == (1, 2)

    assert services.cancel_registration(holders[0].registration) == []
    assert (status(group), status(single)) == (WAITLISTED, WAITLISTED)
    assert taken(three) == 2

    services.cancel_registration(holders[1].registration)
    assert services.cancel_registration(holders[2].registration) == [group.registration]
    assert (status(group), status(single)) == (CONFIRMED, WAITLISTED)
    assert taken(three) == 3


def test_newcomer_does_not_take_a_seat_held_back_for_the_waiting_group(
    event, lead, sign_up, person
):
    """BUG: `register` takes any free seat without looking at the waiting list, so while a group
    waits for enough seats, a newcomer walks in ahead of the group and of the single person
    waiting behind it. The newcomer should join the back of the line."""
    three = ticket(event, lead, 3)
    holders = [sign_up(three) for _ in range(3)]
    group = sign_up(three, participants=[person(), person(), person()], join_waiting_list=True)
    single = sign_up(three, join_waiting_list=True)
    services.cancel_registration(holders[0].registration)

    newcomer = sign_up(three, join_waiting_list=True)

    assert newcomer.registration.status == WAITLISTED
    assert newcomer.waitlist_position == 3
    assert (status(group), status(single)) == (WAITLISTED, WAITLISTED)


def test_cancelling_the_waiting_group_at_the_head_promotes_the_single_behind_it(
    event, lead, sign_up, person
):
    """BUG: cancelling a waiting registration never promotes, but the group at the head of the
    line was what held back a free seat: the single person behind it should get that seat."""
    three = ticket(event, lead, 3)
    holders = [sign_up(three) for _ in range(3)]
    group = sign_up(three, participants=[person(), person(), person()], join_waiting_list=True)
    single = sign_up(three, join_waiting_list=True)
    services.cancel_registration(holders[0].registration)  # one seat free, the group waits

    promoted = services.cancel_registration(group.registration)

    assert promoted == [single.registration]
    assert status(single) == CONFIRMED
    assert taken(three) == 3


def test_group_larger_than_the_capacity_is_refused_rather_than_blocking_the_line(
    event, lead, sign_up, person
):
    """BUG: a group bigger than the whole capacity is put on the waiting list, where it can never
    be served and, being first in line, blocks everyone behind it for good."""
    two = ticket(event, lead, 2)
    holder = sign_up(two)
    with pytest.raises((Conflict, ValidationError)):
        sign_up(two, participants=[person(), person(), person()], join_waiting_list=True)
    single = sign_up(two, join_waiting_list=True)
    services.cancel_registration(holder.registration)
    assert status(single) == CONFIRMED


def test_raising_the_capacity_promotes_the_waiting_list(event, lead, sign_up):
    """BUG: new seats from a larger capacity go to whoever registers next, not to the people
    already waiting for them."""
    one = ticket(event, lead, 1)
    sign_up(one)
    waiting = [sign_up(one, join_waiting_list=True) for _ in range(3)]

    services.update_ticket_type(one, by=lead, capacity=3)

    assert [status(w) for w in waiting] == [CONFIRMED, CONFIRMED, WAITLISTED]
    assert taken(one) == 3


def test_waitlist_position_follows_the_order_of_promotion(event, lead, sign_up):
    """A request that read the clock first may save its row second (it waited for the capacity
    row's lock): positions follow (created_at, pk), as promotion does, so nobody shares one."""
    one = ticket(event, lead, 1)
    sign_up(one)
    with time_machine.travel(NOON + timedelta(seconds=1), tick=False):
        later_clock = sign_up(one, join_waiting_list=True)  # saved first
    with time_machine.travel(NOON, tick=False):
        earlier_clock = sign_up(one, join_waiting_list=True)  # read the clock first

    positions = [
        services.waitlist_position(earlier_clock.registration),
        services.waitlist_position(later_clock.registration),
    ]
    assert positions == [1, 2]
    # Promotion agrees: the earlier clock is first in line.
    services.cancel_registration(Registration.objects.get(status=CONFIRMED))
    assert (status(earlier_clock), status(later_clock)) == (CONFIRMED, WAITLISTED)


def test_organiser_cancels_a_registration_and_the_line_moves_up(plan, event, lead, sign_up):
    one = ticket(event, lead, 1)
    holder = sign_up(one)
    first = sign_up(one, join_waiting_list=True)
    assert services.cancel_by_organiser(holder.registration, by=plan.people["pt"]) == [
        first.registration
    ]
    assert status(holder) == CANCELLED


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_viewers_and_outsiders_may_not_cancel_registrations(plan, free_ticket, sign_up, who):
    outcome = sign_up(free_ticket)
    with pytest.raises(Forbidden):
        services.cancel_by_organiser(outcome.registration, by=plan.people[who])
    assert status(outcome) == CONFIRMED
    assert taken(free_ticket) == 1


# Check-in ----------------------------------------------------------------------------------


@pytest.fixture
def confirmed(free_ticket, sign_up):
    """A confirmed participant and their signed ticket."""
    participant = sign_up(free_ticket).registration.participants.get()
    return participant, tickets.sign(participant)


def scan(event, token, by, gate="North gate", at=None):
    return checkins.check_in(event, token=token, gate=gate, by=by, scanned_at=at)


def test_first_scan_is_valid_and_logged(event, lead, confirmed):
    participant, token = confirmed
    result = scan(event, token, lead, gate="  North gate ", at=NOON)
    assert (result.result, result.participant, result.previous) == ("valid", participant, None)
    logged = CheckIn.objects.get()
    assert (logged.result, logged.participant, logged.gate) == ("valid", participant, "North gate")
    assert (logged.scanned_by, logged.scanned_at, logged.event) == (lead, NOON, event)


def test_second_scan_is_already_with_the_first_scans_gate_and_time(event, plan, confirmed):
    participant, token = confirmed
    scan(event, token, plan.people["lead"], gate="North gate", at=NOON)
    again = scan(event, token, plan.people["pt"], gate="South gate", at=NOON + timedelta(hours=1))
    assert again.result == CheckInResult.ALREADY
    assert again.participant == participant
    assert (again.previous.gate, again.previous.scanned_at) == ("North gate", NOON)
    assert CheckIn.objects.filter(participant=participant, result="valid").count() == 1
    assert CheckIn.objects.filter(participant=participant, result="already").get().gate == (
        "South gate"
    )


def test_database_allows_one_valid_check_in_per_participant(event, confirmed):
    participant, _token = confirmed
    CheckIn.objects.create(event=event, participant=participant, result="valid")
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(event=event, participant=participant, result="valid")
    CheckIn.objects.create(event=event, participant=participant, result="already")


def test_cancelled_registrations_ticket_is_invalid_with_the_reason(event, lead, confirmed):
    participant, token = confirmed
    services.cancel_registration(participant.registration)
    result = scan(event, token, lead)
    assert (result.result, result.reason) == (CheckInResult.INVALID, "cancelled")
    assert result.reason_text == "This ticket was cancelled."
    logged = CheckIn.objects.get()
    assert (logged.result, logged.participant, logged.reason) == (
        "invalid",
        participant,
        result.reason,
    )


def test_revoked_ticket_is_invalid_even_if_the_registration_stands(event, lead, confirmed):
    participant, token = confirmed
    Participant.objects.filter(pk=participant.pk).update(ticket_revoked_at=timezone.now())
    result = scan(event, token, lead)
    assert (result.result, result.reason) == ("invalid", "cancelled")


def test_pending_payment_ticket_is_invalid(event, lead, paid_ticket, sign_up):
    participant = sign_up(paid_ticket).registration.participants.get()
    result = scan(event, tickets.sign(participant), lead)
    assert result.result == CheckInResult.INVALID
    assert result.reason == "not_confirmed"
    assert "not confirmed (Pending payment)" in result.reason_text


def test_waiting_list_ticket_is_invalid(event, lead, sign_up):
    one = ticket(event, lead, 1)
    sign_up(one)
    waiting = sign_up(one, join_waiting_list=True).registration.participants.get()
    result = scan(event, tickets.sign(waiting), lead)
    assert result.result == CheckInResult.INVALID
    assert result.reason == "not_confirmed"
    assert "waiting list" in result.reason_text
    assert CheckIn.objects.get().participant == waiting


@pytest.mark.parametrize(
    "garbage", ["", "hello", "a.b", "a.b.c", "!!!.???", "ÄÖÜ.ß", "x" * 500], ids=repr
)
def test_garbage_is_invalid_and_logged(event, lead, garbage):
    result = scan(event, garbage, lead)
    assert (result.result, result.participant) == ("invalid", None)
    assert result.reason == "unreadable"
    logged = CheckIn.objects.get()
    assert (logged.result, logged.reason, logged.participant) == ("invalid", result.reason, None)


def test_altered_ticket_is_invalid_as_forged(event, lead, confirmed):
    _participant, token = confirmed
    payload, signature = token.split(".")
    _claims, raw, _signature = tickets.read(token)
    other_ticket = tickets._b64(raw[:1] + bytes(16) + raw[17:])  # the ticket id zeroed
    other_signature = ("B" if signature[0] == "A" else "A") + signature[1:]
    for altered in (f"{other_ticket}.{signature}", f"{payload}.{other_signature}"):
        result = scan(event, altered, lead)
        assert result.result == CheckInResult.INVALID
        assert result.reason == "forged"
    assert CheckIn.objects.filter(result="invalid").count() == 2


def test_validly_signed_ticket_of_no_participant_is_unknown(event, lead, free_ticket, sign_up):
    registration = sign_up(free_ticket).registration
    ghost = Participant(registration=registration, name="Ghost", country="PT", year_of_birth=1990)
    result = scan(event, tickets.sign(ghost), lead)
    assert (result.result, result.reason) == ("invalid", "unknown")


def test_another_events_ticket_is_invalid_as_another_event(catalogue, event, lead, sign_up):
    other = EventFactory()
    organiser = MembershipFactory(organisation=other.lead).user
    foreign = ticket(other, organiser, 10)
    participant = sign_up(foreign, on=other).registration.participants.get()
    token = tickets.sign(participant)

    result = scan(event, token, lead)

    assert result.result == CheckInResult.INVALID
    assert result.reason == "other_event"
    assert scan(other, token, organiser).result == CheckInResult.VALID


def test_every_scan_is_logged_with_its_result_and_reason(event, lead, confirmed):
    _participant, token = confirmed
    results = [scan(event, t, lead).result for t in (token, token, "junk", token + "x")]
    assert results == ["valid", "already", "invalid", "invalid"]
    logged = list(CheckIn.objects.order_by("pk").values_list("result", "reason"))
    assert [result for result, _reason in logged] == results
    assert [reason for _result, reason in logged] == ["", "already", "unreadable", "forged"]


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_viewers_and_outsiders_may_not_check_in(plan, event, confirmed, who):
    _participant, token = confirmed
    with pytest.raises(Forbidden):
        scan(event, token, plan.people[who])
    assert not CheckIn.objects.exists()


def test_anonymous_may_not_check_in(event, confirmed):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Forbidden):
        scan(event, confirmed[1], AnonymousUser())
    assert not CheckIn.objects.exists()


def test_partner_organiser_of_the_event_may_check_in(plan, event, confirmed):
    participant, token = confirmed
    result = scan(event, token, plan.people["fi"], gate="Helsinki")
    assert (result.result, result.participant) == ("valid", participant)
    assert CheckIn.objects.get().scanned_by == plan.people["fi"]


def test_organiser_of_another_event_may_not_check_in_here(catalogue, event, confirmed):
    other = EventFactory()
    organiser = MembershipFactory(organisation=other.lead).user
    with pytest.raises(Forbidden):
        scan(event, confirmed[1], organiser)
