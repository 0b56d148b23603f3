from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts import services
from accounts.forms import ProfileForm, SignUpForm


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _remember_language(response, language: str) -> None:
    """The language cookie with the flags Django's own language switch gives it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.sign_up(
            email=data["email"],
            full_name=data["full_name"],
            password=data["password1"],
            preferred_language=data["preferred_language"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.full_name}
        )
        response = redirect(_safe_next(request, "accounts:profile"))
        _remember_language(response, user.preferred_language)
        return response
    return render(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        _remember_language(response, request.user.preferred_language)
        return response
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships},
        status=400 if form.errors else 200,
    )


@require_POST
def switch_language(request):
    """Django's set_language, and the choice is remembered on the person's profile too."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_preferred_language(request.user, language)
    return response
