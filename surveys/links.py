"""Survey links: a signature of (pseudonym, wave) with the site's secret key, so each email and
reminder can carry the same link without the database keeping it; only its SHA-256 is stored.
The link needs no login; it expires with its invitation (`Invitation.expires_at`, kept on the
server, so no one can stretch it by editing the link)."""

import hashlib

from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_LENGTH = 40  # hex characters: 160 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(pseudonym: str, wave_id: int) -> str:
    return salted_hmac(
        "survey-invitation", f"{pseudonym}:{wave_id}", algorithm="sha256"
    ).hexdigest()[:TOKEN_LENGTH]


def well_formed(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and all(c in "0123456789abcdef" for c in token)


def matches(token: str, token_hash: str) -> bool:
    """Constant-time comparison of a presented link with a stored hash."""
    return constant_time_compare(hash_token(token), token_hash)
