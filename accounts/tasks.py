"""The password reset email, sent by Celery like every other email: retried while the mail
server fails, once however often the task runs."""

from celery import shared_task
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from outbox.tasks import EMAIL_TASK, send_once
from sportevents.mail import render_subject


@shared_task(**EMAIL_TASK)
def send_password_reset_email(
    self, user_id: int, request_id: str, *, domain: str, protocol: str, language: str
) -> None:
    """One email per reset request (`request_id`). The link's token is made here, not in the
    request, so no working reset link waits in the broker's queue."""
    send_once(
        self,
        f"password-reset:{user_id}:{request_id}",
        lambda: _message(user_id, domain=domain, protocol=protocol, language=language),
    )


def _message(user_id: int, *, domain: str, protocol: str, language: str) -> EmailMessage | None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        subject = render_subject("emails/password_reset_subject.txt", context)
        body = render_to_string("emails/password_reset.txt", context)
    return EmailMessage(subject, body, to=[user.email])
