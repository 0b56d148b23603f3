"""Writes with a rule in them: organisations, their members and invitations."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Invitation, Membership, Organisation, Role, hash_token
from events.tasks import send_invitation_email
from sportevents.choices import replace_choices
from sportevents.errors import Conflict, DomainError, Forbidden
from sportevents.slugs import save_with_unique_slug

ORGANISATION_FIELDS = (
    "name",
    "country",
    "kind",
    "website",
    "description",
    "looking_for_partners",
    "partner_interests",
)


def require_role(organisation: Organisation, user, *roles: str) -> Membership:
    membership = (
        Membership.objects.filter(organisation=organisation, user=user).first()
        if user.is_authenticated
        else None
    )
    if membership is None or (roles and membership.role not in roles):
        raise Forbidden(
            _("You do not have the rights to do this for %(name)s.") % {"name": organisation.name}
        )
    return membership


@transaction.atomic
def create_organisation(*, creator, sports=(), **fields) -> Organisation:
    """Create an organisation; its creator becomes its first administrator."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation(**fields)
    organisation.full_clean(exclude=["slug"])
    save_with_unique_slug(organisation, organisation.name, fallback="organisation")
    replace_choices(organisation, "sports", "sport", sports)
    Membership.objects.create(organisation=organisation, user=creator, role=Role.ADMIN)
    return organisation


@transaction.atomic
def update_organisation(organisation: Organisation, *, by, sports=None, **fields) -> Organisation:
    require_role(organisation, by, Role.ADMIN)
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise TypeError(f"unknown organisation field: {name}")
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if sports is not None:
        replace_choices(organisation, "sports", "sport", sports)
    return organisation


def invite_member(
    organisation: Organisation, *, by, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite someone by email (or renew their open invitation). Returns it and its secret token.

    The token is only in the email; the database keeps its hash.
    """
    require_role(organisation, by, Role.ADMIN)
    email = email.strip().lower()
    if organisation.memberships.filter(user__email=email).exists():
        raise Conflict(
            _("%(email)s is already a member.") % {"email": email}, code="already_member"
        )
    token = Invitation.new_token()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(organisation=organisation, email=email, accepted_at__isnull=True)
            .first()
        ) or Invitation(organisation=organisation, email=email)
        invitation.role = role
        invitation.invited_by = by
        invitation.set_token(token)
        invitation.save()
        transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk, token))
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(token: str, *, user) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_open:
        raise DomainError(
            _("This invitation is no longer valid. Ask the organisation to send a new one."),
            code="invitation_invalid",
        )
    if invitation.email != user.email.lower():
        raise Forbidden(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email},
            code="invitation_other_email",
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    if not created:
        raise Conflict(_("You are already a member of this organisation."), code="already_member")
    return membership


def _lock_admins(organisation: Organisation) -> int:
    # Lock the organisation row so two admins cannot demote each other at the same moment.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    return organisation.memberships.filter(role=Role.ADMIN).count()


@transaction.atomic
def change_member_role(membership: Membership, *, by, role: str) -> Membership:
    require_role(membership.organisation, by, Role.ADMIN)
    if role not in Role.values:
        raise DomainError(_("Unknown role."), code="invalid_role")
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and _lock_admins(membership.organisation) <= 1
    ):
        raise Conflict(_("An organisation needs at least one administrator."), code="last_admin")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by) -> None:
    if membership.user_id != by.pk:
        require_role(membership.organisation, by, Role.ADMIN)
    if membership.role == Role.ADMIN and _lock_admins(membership.organisation) <= 1:
        raise Conflict(_("An organisation needs at least one administrator."), code="last_admin")
    membership.delete()
