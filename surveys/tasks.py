"""Beat tasks (see CELERY_BEAT_SCHEDULE); each is idempotent, so a repeated run sends nothing
twice."""

from celery import shared_task

from surveys import invitations, services


@shared_task
def send_survey_invitations() -> dict:
    created = invitations.create_invitations()
    return {"created": created, "sent": invitations.send_invitations()}


@shared_task
def send_survey_reminders() -> int:
    return invitations.send_reminders()


@shared_task
def close_survey_waves() -> int:
    return services.close_waves()
