"""The secret addresses of personal calendar feeds.

A feed's token is derived from a random nonce with the site's secret key (like the registrations'
manage links), so the address can be shown again or emailed later; the database keeps the nonce
and the token's hash, never the token. Rotating draws a new nonce: the old address stops working.
Revoking deletes the row.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from events.models import hash_token


def new_nonce() -> str:
    return secrets.token_hex(16)


class FeedToken(models.Model):
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)

    # Set by subclasses: the salt that keeps the two kinds of token apart.
    salt = ""

    class Meta:
        abstract = True

    @property
    def pk_source(self) -> str:
        raise NotImplementedError

    @property
    def token(self) -> str:
        return salted_hmac(self.salt, f"{self.pk_source}:{self.nonce}").hexdigest()[:40]

    def renew(self) -> str:
        """A new nonce, hence a new token; the old token no longer matches any row."""
        self.nonce = new_nonce()
        self.created_at = timezone.now()
        token = self.token
        self.token_hash = hash_token(token)
        return token


class ParticipantFeed(FeedToken):
    """Everything a person registered for under one email address."""

    email = models.EmailField(_("email address"), unique=True)  # stored in lower case

    salt = "calendars.participant-feed"

    class Meta:
        verbose_name = _("participant calendar feed")
        verbose_name_plural = _("participant calendar feeds")

    def __str__(self):
        return self.email

    @property
    def pk_source(self) -> str:
        return self.email


class MemberFeed(FeedToken):
    """The events of a user's organisations, with their milestones."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )

    salt = "calendars.member-feed"

    class Meta:
        verbose_name = _("organiser calendar feed")
        verbose_name_plural = _("organiser calendar feeds")

    def __str__(self):
        return str(self.user)

    @property
    def pk_source(self) -> str:
        return str(self.user_id)
