"""Issuing, rotating and revoking the secret addresses of personal calendar feeds.

A participant's feed covers every registration under their email address. Registering needs no
proof of the address, so whoever holds one manage link could otherwise read all the events of
that address: the feed's address is therefore only ever sent *to* the address, by email.
An organiser is logged in and sees their own address on their page.
"""

from django.db import transaction
from django.utils.crypto import constant_time_compare

from calendars.models import MemberFeed, ParticipantFeed
from calendars.tasks import send_participant_feed_email
from events.models import hash_token


def _normalised(email: str) -> str:
    return email.strip().lower()


# Participants ----------------------------------------------------------------------------


def participant_feed_of(email: str) -> ParticipantFeed | None:
    return ParticipantFeed.objects.filter(email=_normalised(email)).first()


@transaction.atomic
def send_participant_feed(registration) -> ParticipantFeed:
    """A new address for the registration's email (the old one stops working), emailed to it."""
    feed = (
        ParticipantFeed.objects.select_for_update()
        .filter(email=_normalised(registration.email))
        .first()
    ) or ParticipantFeed(email=_normalised(registration.email))
    feed.renew()
    feed.save()
    language = registration.language
    transaction.on_commit(lambda: send_participant_feed_email.delay(feed.pk, language))
    return feed


def revoke_participant_feed(registration) -> bool:
    deleted, _rows = ParticipantFeed.objects.filter(email=_normalised(registration.email)).delete()
    return bool(deleted)


def find_participant_feed(token: str) -> ParticipantFeed | None:
    feed = ParticipantFeed.objects.filter(token_hash=hash_token(token)).first()
    # The hash matched; the derivation must too (a nonce from an older secret key does not).
    return feed if feed is not None and constant_time_compare(feed.token, token) else None


# Organisation members --------------------------------------------------------------------


@transaction.atomic
def renew_member_feed(user) -> MemberFeed:
    """Issue the user's feed address, or replace it: the old address stops working."""
    feed = MemberFeed.objects.select_for_update().filter(user=user).first() or MemberFeed(user=user)
    feed.renew()
    feed.save()
    return feed


def revoke_member_feed(user) -> bool:
    deleted, _rows = MemberFeed.objects.filter(user=user).delete()
    return bool(deleted)


def find_member_feed(token: str) -> MemberFeed | None:
    feed = (
        MemberFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), user__is_active=True)
        .first()
    )
    return feed if feed is not None and constant_time_compare(feed.token, token) else None
