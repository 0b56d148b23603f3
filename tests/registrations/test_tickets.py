"""Signed tickets: Ed25519 tokens, their QR codes, key rotation, and keeping the private key in."""

import io
import uuid
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
import time_machine
import zxingcpp
from django.utils import timezone
from PIL import Image

from registrations import checkins, services, tickets
from registrations.models import EventKey
from tests.factories import EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2027, 9, 23, 12, tzinfo=UTC)


@pytest.fixture
def participant(free_ticket, sign_up):
    return sign_up(free_ticket).registration.participants.get()


@pytest.fixture
def token(participant):
    return tickets.sign(participant)


def swap_char(text: str, index: int) -> str:
    """`text` with one base64url character changed."""
    return text[:index] + ("B" if text[index] == "A" else "A") + text[index + 1 :]


def test_signed_ticket_verifies_with_the_events_public_keys(event, free_ticket, participant):
    with time_machine.travel(NOON, tick=False):
        token = tickets.sign(participant)
    claims = tickets.verify(token, tickets.public_keys(event))
    assert claims.ticket_id == participant.ticket_id
    assert (claims.event_id, claims.ticket_type_id) == (event.pk, free_ticket.pk)
    assert claims.issued_at == NOON
    assert claims.key_id == tickets.signing_key(event).key_id


def test_token_is_compact_enough_for_a_small_qr_code(token):
    assert len(token) < 140
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_event_gets_one_signing_key_on_first_use(event, participant):
    tickets.sign(participant)
    tickets.sign(participant)
    assert tickets.signing_key(event) == EventKey.objects.get(event=event)


def test_qr_png_decodes_to_the_token(token):
    png = tickets.qr_png(token)
    assert png.startswith(b"\x89PNG")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [code.text for code in decoded] == [token]


def test_qr_svg_is_valid_xml(token):
    root = ElementTree.fromstring(tickets.qr_svg(token))
    assert root.tag.endswith("svg")
    assert root.find(".//{http://www.w3.org/2000/svg}path") is not None


def test_altered_payload_is_a_bad_ticket(event, participant, token):
    payload, signature = token.split(".")
    _claims, raw, _signature = tickets.read(token)
    keys = tickets.public_keys(event)
    other_ticket = raw[:1] + uuid.uuid4().bytes + raw[17:]
    for altered in (tickets._b64(other_ticket), swap_char(payload, 3)):
        with pytest.raises(tickets.BadTicket):
            tickets.verify(f"{altered}.{signature}", keys)


def test_altered_signature_is_a_bad_ticket(event, token):
    payload, signature = token.split(".")
    keys = tickets.public_keys(event)
    for altered in (swap_char(signature, 0), swap_char(signature, 40), signature[:-4], ""):
        with pytest.raises(tickets.BadTicket):
            tickets.verify(f"{payload}.{altered}", keys)


@pytest.mark.parametrize(
    "garbage",
    ["", "no-dot", "a.b.c", "***.***", "Zm9v.YmFy", "ÄÖ.ÜÄ", " . "],
    ids=repr,
)
def test_garbage_is_a_bad_ticket(event, garbage):
    with pytest.raises(tickets.BadTicket):
        tickets.read(garbage)
    with pytest.raises(tickets.BadTicket):
        tickets.verify(garbage, tickets.public_keys(event))


def test_ticket_of_another_event_does_not_verify_with_this_events_keys(
    catalogue, event, sign_up, token
):
    other = EventFactory()
    organiser = MembershipFactory(organisation=other.lead).user
    foreign_type = services.create_ticket_type(other, by=organiser, name="Swim", capacity=5)
    foreign = tickets.sign(sign_up(foreign_type, on=other).registration.participants.get())

    with pytest.raises(tickets.BadTicket):
        tickets.verify(foreign, tickets.public_keys(event))
    assert tickets.verify(foreign, tickets.public_keys(other)).event_id == other.pk
    with pytest.raises(tickets.BadTicket):
        tickets.verify(token, tickets.public_keys(other))


def test_rotated_key_keeps_old_tickets_valid_until_it_is_retired(event, participant):
    old_token = tickets.sign(participant)
    old_key = tickets.signing_key(event)

    new_key = tickets.rotate_key(event)
    new_token = tickets.sign(participant)

    assert new_key.key_id != old_key.key_id
    assert tickets.signing_key(event) == new_key
    assert set(tickets.public_keys(event)) == {old_key.key_id, new_key.key_id}
    assert tickets.read(new_token)[0].key_id == new_key.key_id
    keys = tickets.public_keys(event)
    assert tickets.verify(old_token, keys).ticket_id == participant.ticket_id
    assert tickets.verify(new_token, keys).ticket_id == participant.ticket_id

    EventKey.objects.filter(pk=old_key.pk).update(retired_at=timezone.now())

    keys = tickets.public_keys(event)
    assert set(keys) == {new_key.key_id}
    with pytest.raises(tickets.BadTicket):
        tickets.verify(old_token, keys)
    assert tickets.verify(new_token, keys).ticket_id == participant.ticket_id


def test_ticket_signed_by_a_retired_key_is_refused_at_the_door(event, lead, participant):
    old_token = tickets.sign(participant)
    old_key = tickets.signing_key(event)
    tickets.rotate_key(event)
    assert checkins.check_in(event, token=old_token, gate="A", by=lead).result == "valid"
    EventKey.objects.filter(pk=old_key.pk).update(retired_at=timezone.now())
    again = checkins.check_in(event, token=old_token, gate="A", by=lead)
    assert again.result == "invalid"


def test_private_key_appears_in_no_public_keys_output(event, participant):
    tickets.sign(participant)
    tickets.rotate_key(event)
    tickets.sign(participant)
    public = tickets.public_keys(event)
    assert len(public) == 2
    for key in EventKey.objects.filter(event=event):
        private = bytes(key.private_key)
        assert len(private) == 32
        assert private not in public.values()
        for value in public.values():
            assert private not in value
            assert len(value) == 32
        assert private.hex() not in repr(public)
        assert public[key.key_id] == bytes(key.public_key)
