"""The respondent's pages at their survey link: no login. The survey in their language (the
language switcher overrides it), a thank-you page with neutral signposting, withdrawal, and a
friendly page for a link that is unknown, used, expired or withdrawn."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sportevents.errors import DomainError
from surveys import services
from surveys.forms import SurveyForm, WithdrawForm
from surveys.models import Invitation
from surveys.services import State

STATUS = {State.ANSWERED: 200, State.CLOSED: 410, State.NOT_YET: 200, State.WITHDRAWN: 410}


def language_for(request, invitation: Invitation | None) -> str:
    """The switcher's choice if the visitor made one, else the language of the invitation."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or invitation is None:
        return translation.get_language()
    return invitation.language


def _private(response):
    # The address is the key: out of search engines; the site's same-origin referrer policy
    # keeps it from other sites.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request, template: str, context: dict, *, language: str, status: int = 200):
    with translation.override(language):
        return _private(render(request, template, context, status=status))


def _unusable(request, invitation: Invitation | None, state: str | None, language: str):
    return _page(
        request,
        "surveys/link_status.html",
        {"state": state or "unknown", "invitation": invitation},
        language=language,
        status=STATUS.get(state, 404),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    invitation = services.find_invitation(token)
    language = language_for(request, invitation)
    state = services.state_of(invitation) if invitation else None
    if state != State.OPEN:
        return _unusable(request, invitation, state, language)
    wave = invitation.wave
    with translation.override(language):
        form = SurveyForm(
            request.POST if request.method == "POST" else None, wave=wave, language=language
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_answers(invitation, form.answers())
            except ValidationError as error:
                for code, messages in error.message_dict.items():
                    form.add_error(code if code in form.fields else None, messages)
            except DomainError:
                invitation.refresh_from_db()
                return _unusable(request, invitation, services.state_of(invitation), language)
            else:
                return redirect("surveys:thanks", token=token)
        sections = form.section_rows(language)
    return _page(
        request,
        "surveys/survey.html",
        {
            "invitation": invitation,
            "wave": wave,
            "event": wave.event,
            "form": form,
            "sections": sections,
            "question_count": form.question_count,
            "token": token,
        },
        language=language,
        status=400 if form.errors else 200,
    )


@never_cache
def thanks(request, token: str):
    invitation = services.find_invitation(token)
    language = language_for(request, invitation)
    state = services.state_of(invitation) if invitation else None
    if state == State.OPEN:
        return redirect("surveys:survey", token=token)
    if state != State.ANSWERED:
        return _unusable(request, invitation, state, language)
    return _page(
        request,
        "surveys/thanks.html",
        {"invitation": invitation, "event": invitation.wave.event, "token": token},
        language=language,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, token: str):
    """Open to any known link, expired or answered too: leaving must always be possible."""
    invitation = services.find_invitation(token)
    language = language_for(request, invitation)
    if invitation is None:
        return _unusable(request, None, None, language)
    if invitation.respondent.withdrawn_at is not None:
        return _unusable(request, invitation, State.WITHDRAWN, language)
    with translation.override(language):
        form = WithdrawForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            services.withdraw(invitation.respondent, now=timezone.now())
            return _page(
                request,
                "surveys/withdrawn.html",
                {"event": invitation.wave.event},
                language=language,
            )
    return _page(
        request,
        "surveys/withdraw.html",
        {
            "invitation": invitation,
            "event": invitation.wave.event,
            "form": form,
            "token": token,
            "survey_url": reverse("surveys:survey", args=[token]),
        },
        language=language,
        status=400 if form.errors else 200,
    )
