"""The invitation to join an organisation, sent to the invited address."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare

from accounts.models import User
from events.models import Invitation, hash_token
from outbox.tasks import EMAIL_TASK, send_once
from sportevents.mail import render_subject


@shared_task(**EMAIL_TASK)
def send_invitation_email(self, invitation_id: int, token: str) -> None:
    """Once per issued token. An invitation renewed before this ran has a new token (and its
    own email): this one's link would not work, so it is not sent."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None or not constant_time_compare(invitation.token_hash, hash_token(token)):
        return
    key = f"member-invitation:{invitation.pk}:{invitation.created_at:%Y%m%dT%H%M%S%f}"
    send_once(self, key, lambda: _message(invitation, token))


def _message(invitation: Invitation, token: str) -> EmailMessage:
    # The invited person's language when they have an account, else the inviter's.
    invitee = User.objects.filter(email=invitation.email).only("preferred_language").first()
    inviter = invitation.invited_by
    language = (invitee or inviter).preferred_language if (invitee or inviter) else None
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "url": settings.SITE_URL + reverse("events:accept_invitation", args=[token]),
        }
        subject = render_subject("emails/invitation_subject.txt", context)
        body = render_to_string("emails/invitation.txt", context)
    return EmailMessage(subject, body, to=[invitation.email])
