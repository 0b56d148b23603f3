from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import services
from events.filters import OrganisationFilter
from events.forms import InvitationForm, OrganisationForm
from events.models import Membership, Organisation, Role
from sportevents.errors import DomainError, Forbidden


def get_organisation_for_member(user, slug: str, *roles: str) -> tuple[Organisation, Membership]:
    """The organisation if `user` holds one of `roles` in it (any role if none given): 404/403."""
    organisation = get_object_or_404(Organisation.objects.with_sports(), slug=slug)
    try:
        return organisation, services.require_role(organisation, user, *roles)
    except Forbidden as error:
        raise PermissionDenied(error.message) from error


def partner_finder(request):
    filterset = OrganisationFilter(
        request.GET, queryset=Organisation.objects.looking_for_partners().with_sports()
    )
    valid = filterset.is_valid()
    organisations = filterset.qs.distinct() if valid else Organisation.objects.none()
    return render(
        request,
        "events/partner_finder.html",
        {"filter": filterset, "organisations": organisations},
        status=200 if valid else 400,
    )


def organisation_detail(request, slug: str):
    organisation = get_object_or_404(Organisation.objects.with_sports(), slug=slug)
    role = organisation.role_of(request.user)
    return render(
        request, "events/organisation_detail.html", {"organisation": organisation, "role": role}
    )


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(creator=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(name)s has been created. You are its administrator.")
            % {"name": organisation.name},
        )
        return redirect(organisation)
    return render(
        request, "events/organisation_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def organisation_edit(request, slug: str):
    organisation, _membership = get_organisation_for_member(request.user, slug, Role.ADMIN)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.update_organisation(organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(organisation)
    return render(
        request,
        "events/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_members(request, slug: str):
    organisation, membership = get_organisation_for_member(request.user, slug)
    is_admin = membership.role == Role.ADMIN
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invite_member(organisation, by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error("email", error.message)
            else:
                messages.success(
                    request, _("An invitation is on its way to %(email)s.") % form.cleaned_data
                )
                return redirect("events:members", slug=slug)
    return render(
        request,
        "events/organisation_members.html",
        {
            "organisation": organisation,
            "is_admin": is_admin,
            "form": form,
            "memberships": organisation.memberships.select_related("user").order_by(
                "user__full_name"
            ),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True)
            if is_admin
            else [],
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def membership_change(request, slug: str, pk: int):
    organisation, _membership = get_organisation_for_member(request.user, slug)
    target = get_object_or_404(
        Membership.objects.select_related("organisation", "user"), pk=pk, organisation=organisation
    )
    try:
        if request.POST.get("action") == "remove":
            services.remove_member(target, by=request.user)
            messages.success(request, _("%(name)s is no longer a member.") % {"name": target.user})
        else:
            services.change_member_role(target, by=request.user, role=request.POST.get("role", ""))
            messages.success(
                request, _("The role of %(name)s has been changed.") % {"name": target.user}
            )
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    if target.user_id == request.user.pk and request.POST.get("action") == "remove":
        return redirect("accounts:profile")
    return redirect("events:members", slug=slug)


def accept_invitation(request, token: str):
    invitation = services.find_invitation(token)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.accept_invitation(token, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You are now a member of %(name)s.") % {"name": membership.organisation.name},
            )
            return redirect(membership.organisation)
    return render(
        request,
        "events/invitation.html",
        {"invitation": invitation if invitation and invitation.is_open else None},
        status=200 if invitation and invitation.is_open else 404,
    )
