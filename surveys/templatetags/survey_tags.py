"""The survey part of the registration's page and confirmation email: the baseline survey to
answer now, and leaving the survey. Read only: the offer is made by `services.offer_baseline`."""

from django import template
from django.urls import reverse

from surveys import invitations, services
from surveys.models import Invitation, RespondentLink, WaveKind

register = template.Library()


def survey_rows(registration) -> list[dict]:
    links = RespondentLink.objects.filter(
        participant__registration=registration, respondent__withdrawn_at__isnull=True
    ).select_related("participant", "respondent")
    rows = []
    for link in links:
        found = list(
            Invitation.objects.filter(respondent=link.respondent)
            .select_related("wave", "respondent")
            .order_by("-wave__opens_at")
        )
        if not found:
            continue
        baseline = next((i for i in found if i.wave.kind == WaveKind.BASELINE), None)
        open_baseline = baseline and services.state_of(baseline) == services.State.OPEN
        latest = services.token_of(found[0])
        rows.append(
            {
                "name": link.participant.name,
                "answer_token": services.token_of(baseline) if open_baseline else "",
                "withdraw_token": latest,
            }
        )
    return rows


@register.inclusion_tag("surveys/_manage_box.html")
def survey_box(registration):
    rows = survey_rows(registration)
    return {"rows": rows, "several": len(rows) > 1}


@register.simple_tag
def survey_email_lines(registration) -> list[dict]:
    """[{name, survey_url, withdraw_url}] for the baseline surveys open to answer now."""
    return [
        {
            "name": row["name"],
            "survey_url": invitations.survey_url(row["answer_token"]),
            "withdraw_url": invitations.withdraw_url(row["withdraw_token"]),
        }
        for row in survey_rows(registration)
        if row["answer_token"]
    ]


@register.simple_tag
def survey_path(token: str) -> str:
    return reverse("surveys:survey", args=[token])
