"""Answering a survey by its link, for apps: no login, the token is the credential. An unknown,
expired, closed or withdrawn link is one plain 404 that reveals nothing."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from sportevents.api import validated
from surveys import services
from surveys.serializers import (
    AnsweredSerializer,
    AnswersSerializer,
    SurveySerializer,
    WithdrawnSerializer,
    survey_data,
)

LANGUAGE = OpenApiParameter(
    "language",
    OpenApiTypes.STR,
    enum=[code for code, _name in settings.LANGUAGES],
    description="The language of the texts; by default the invitation's.",
)


def support_text() -> str:
    return _(
        "If you have been feeling low, stressed or lonely for a while, you do not have to deal "
        "with it alone: talk to someone you trust, or to your doctor. Many European countries "
        "have a free helpline for emotional support at 116 123. In an emergency, call 112."
    )


class SurveyLinkView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def invitation(self, token: str, *, withdrawing: bool = False):
        invitation = services.find_invitation(token)
        if invitation is None:
            raise NotFound()
        if withdrawing:
            return invitation
        if services.state_of(invitation) not in (services.State.OPEN, services.State.ANSWERED):
            raise NotFound()
        return invitation

    def language(self, request, invitation) -> str:
        asked = request.query_params.get("language")
        return asked if asked in dict(settings.LANGUAGES) else invitation.language


class SurveyView(SurveyLinkView):
    @extend_schema(
        summary="The survey of a survey link",
        parameters=[LANGUAGE],
        responses={200: SurveySerializer},
    )
    def get(self, request, token: str):
        """The wave's items in the language asked for, each with its answer options. Texts not
        officially translated are marked `translation: ours`."""
        invitation = self.invitation(token)
        language = self.language(request, invitation)
        with translation.override(language):
            return Response(survey_data(invitation, language))

    @extend_schema(
        summary="Answer the survey",
        request=AnswersSerializer,
        responses={201: AnsweredSerializer},
    )
    def post(self, request, token: str):
        """Send the answers once: 400 names the items with an unknown value, 409 if this link
        was answered already, 404 for an unknown, expired or withdrawn link."""
        invitation = self.invitation(token)
        answers = validated(AnswersSerializer, request.data)["answers"]
        response = services.submit_answers(invitation, answers, now=timezone.now())
        with translation.override(self.language(request, invitation)):
            return Response(
                {
                    "answered_at": response.submitted_at,
                    "message": _("Thank you for your answers."),
                    "support": support_text(),
                },
                status=status.HTTP_201_CREATED,
            )


class SurveyWithdrawView(SurveyLinkView):
    @extend_schema(summary="Leave the survey", request=None, responses={200: WithdrawnSerializer})
    def post(self, request, token: str):
        """Delete this respondent's answers, leave them out of every later summary and send no
        more invitations. Works with any link of theirs, expired ones too; repeating it changes
        nothing."""
        invitation = self.invitation(token, withdrawing=True)
        respondent = services.withdraw(invitation.respondent, now=timezone.now())
        return Response({"withdrawn_at": respondent.withdrawn_at})
