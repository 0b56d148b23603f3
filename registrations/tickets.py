"""Signed tickets: a compact Ed25519-signed token in a QR code, verifiable with the public key.

Token: base64url(payload) "." base64url(signature); payload (29 bytes) = version (1) | ticket
uuid (16) | event id (4) | ticket type id (4) | issued at, Unix seconds (4), followed by the key
id as text. Anyone holding the event's public keys can check a ticket offline; the private key
never leaves the server.
"""

import base64
import io
import secrets
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import qrcode
import qrcode.image.svg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from registrations.models import EventKey

VERSION = 1
HEADER = struct.Struct(">B16sIII")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TicketClaims:
    ticket_id: uuid.UUID
    event_id: int
    ticket_type_id: int
    issued_at: datetime
    key_id: str


class BadTicket(Exception):
    """The token is not a ticket we signed: malformed, altered, unknown or retired key."""


def signing_key(event) -> EventKey:
    """The event's active key, created on first use."""
    key = EventKey.objects.filter(event=event, is_active=True).first()
    if key:
        return key
    private = Ed25519PrivateKey.generate()
    try:
        with transaction.atomic():
            return EventKey.objects.create(
                event=event,
                key_id=secrets.token_hex(4),
                private_key=private.private_bytes(
                    serialization.Encoding.Raw,
                    serialization.PrivateFormat.Raw,
                    serialization.NoEncryption(),
                ),
                public_key=private.public_key().public_bytes(
                    serialization.Encoding.Raw, serialization.PublicFormat.Raw
                ),
            )
    except IntegrityError:  # another request created it at the same moment
        return EventKey.objects.get(event=event, is_active=True)


def rotate_key(event) -> EventKey:
    """A new signing key; tickets signed by the old one stay valid until it is retired."""
    EventKey.objects.filter(event=event, is_active=True).update(is_active=False)
    return signing_key(event)


def sign(participant, *, key: EventKey | None = None, now: datetime | None = None) -> str:
    registration = participant.registration
    key = key or signing_key(registration.event)
    issued = int((now or timezone.now()).timestamp())
    payload = (
        HEADER.pack(
            VERSION,
            participant.ticket_id.bytes,
            registration.event_id,
            registration.ticket_type_id,
            issued,
        )
        + key.key_id.encode()
    )
    private = Ed25519PrivateKey.from_private_bytes(bytes(key.private_key))
    return f"{_b64(payload)}.{_b64(private.sign(payload))}"


def read(token: str) -> tuple[TicketClaims, bytes, bytes]:
    """Parse without verifying: the claims, the signed bytes and the signature."""
    try:
        payload_text, signature_text = token.strip().split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
        version, ticket, event_id, ticket_type_id, issued = HEADER.unpack_from(payload)
        key_id = payload[HEADER.size :].decode("ascii")
    except (ValueError, struct.error, UnicodeDecodeError) as error:
        raise BadTicket("malformed") from error
    if version != VERSION or not key_id:
        raise BadTicket("malformed")
    claims = TicketClaims(
        uuid.UUID(bytes=ticket),
        event_id,
        ticket_type_id,
        datetime.fromtimestamp(issued, tz=UTC),
        key_id,
    )
    return claims, payload, signature


def verify(token: str, public_keys: dict[str, bytes]) -> TicketClaims:
    """Check the signature against the event's valid public keys {key id: raw public key}."""
    claims, payload, signature = read(token)
    public = public_keys.get(claims.key_id)
    if public is None:
        raise BadTicket("unknown key")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, payload)
    except InvalidSignature as error:
        raise BadTicket("bad signature") from error
    return claims


def public_keys(event) -> dict[str, bytes]:
    keys = (
        EventKey.objects.filter(event=event, retired_at__isnull=True)
        .order_by()
        .values_list("key_id", "public_key")
    )
    return {key_id: bytes(public) for key_id, public in keys}


def qr_png(token: str) -> bytes:
    image = qrcode.make(token, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(token: str) -> bytes:
    image = qrcode.make(token, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
