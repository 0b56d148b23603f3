from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from events.models import Invitation
from sportevents.mail import render_subject


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
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
    send_mail(subject, body, None, [invitation.email])
