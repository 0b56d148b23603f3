"""The participant's manage link: a secret derived from the registration's reference with the
site's secret key, so every email can carry it; the database keeps only its hash."""

import hashlib

from django.utils.crypto import salted_hmac


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def manage_token_for(registration) -> str:
    return salted_hmac("registration-manage-link", registration.reference).hexdigest()[:40]
