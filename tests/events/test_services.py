from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Invitation, Membership, Organisation, Role
from events.tasks import send_invitation_email
from outbox.models import Email
from sportevents.errors import Conflict, DomainError, Forbidden
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _create(creator, **extra):
    return services.create_organisation(
        creator=creator,
        name=extra.pop("name", "Porto Runners"),
        country=extra.pop("country", "PT"),
        kind=extra.pop("kind", "not-for-profit"),
        **extra,
    )


def test_creator_becomes_the_first_administrator(user):
    organisation = _create(user, sports=["running", "cycling"])
    assert organisation.slug == "porto-runners"
    assert organisation.memberships.get().user == user
    assert organisation.memberships.get().role == Role.ADMIN
    assert sorted(organisation.sport_codes) == ["cycling", "running"]


def test_same_name_gets_a_distinct_slug(user):
    first, second = _create(user), _create(user)
    assert (first.slug, second.slug) == ("porto-runners", "porto-runners-2")


def test_bad_country_or_kind_is_refused_and_nothing_is_saved(user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _create(user, country="XX")
    with pytest.raises(ValidationError):
        _create(user, kind="pirate-ship")
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_only_not_for_profits_and_public_bodies_may_lead(user):
    assert _create(user, kind="public-body").can_lead_events
    assert not _create(user, name="Acme", kind="company").can_lead_events


def test_update_needs_an_administrator(user, organisation):
    MembershipFactory(organisation=organisation, user=user, role=Role.ORGANISER)
    with pytest.raises(Forbidden):
        services.update_organisation(organisation, by=user, name="Taken over")
    organisation.refresh_from_db()
    assert organisation.name != "Taken over"


def test_update_replaces_sports(admin_membership):
    organisation = admin_membership.organisation
    services.update_organisation(organisation, by=admin_membership.user, sports=["football"])
    services.update_organisation(
        organisation, by=admin_membership.user, sports=["boccia", "football"]
    )
    assert sorted(organisation.sport_codes) == ["boccia", "football"]


def test_invitation_is_emailed_and_accepted_by_the_invited_address(
    admin_membership, django_capture_on_commit_callbacks
):
    organisation = admin_membership.organisation
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite_member(
            organisation, by=admin_membership.user, email="New.Member@Example.org", role="organiser"
        )
    assert invitation.email == "new.member@example.org"
    assert token not in invitation.token_hash  # only the hash is stored
    assert len(mail.outbox) == 1
    assert f"/invitations/{token}/" in mail.outbox[0].body
    assert organisation.name in mail.outbox[0].subject

    invitee = UserFactory(email="new.member@example.org")
    membership = services.accept_invitation(token, user=invitee)
    assert (membership.organisation, membership.role) == (organisation, Role.ORGANISER)
    with pytest.raises(DomainError):
        services.accept_invitation(token, user=invitee)


def test_the_invitation_task_run_again_sends_nothing_more_and_a_renewed_ones_sends_nothing(
    admin_membership, django_capture_on_commit_callbacks
):
    args = {"by": admin_membership.user, "email": "a@example.org", "role": "viewer"}
    with django_capture_on_commit_callbacks(execute=True):
        invitation, old_token = services.invite_member(admin_membership.organisation, **args)
    send_invitation_email.delay(invitation.pk, old_token)  # run again: already sent
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, new_token = services.invite_member(admin_membership.organisation, **args)
    assert len(mail.outbox) == 2 and f"/invitations/{new_token}/" in mail.outbox[1].body
    # A late task for the first token: its link no longer works, so it is not sent (the
    # records are deleted here so that only that check can stop it).
    Email.objects.all().delete()
    send_invitation_email.delay(invitation.pk, old_token)
    assert len(mail.outbox) == 2


def test_invitation_for_another_address_is_refused(admin_membership):
    _invitation, token = services.invite_member(
        admin_membership.organisation,
        by=admin_membership.user,
        email="a@example.org",
        role="viewer",
    )
    with pytest.raises(Forbidden):
        services.accept_invitation(token, user=UserFactory(email="b@example.org"))
    assert admin_membership.organisation.memberships.count() == 1


def test_expired_invitation_is_refused(admin_membership):
    _invitation, token = services.invite_member(
        admin_membership.organisation,
        by=admin_membership.user,
        email="a@example.org",
        role="viewer",
    )
    invitee = UserFactory(email="a@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        with pytest.raises(DomainError) as error:
            services.accept_invitation(token, user=invitee)
    assert error.value.code == "invitation_invalid"


def test_inviting_again_renews_the_one_open_invitation(admin_membership):
    args = {"by": admin_membership.user, "email": "a@example.org", "role": "viewer"}
    _first, old_token = services.invite_member(admin_membership.organisation, **args)
    _second, new_token = services.invite_member(
        admin_membership.organisation, **{**args, "role": "organiser"}
    )
    assert Invitation.objects.count() == 1
    assert services.find_invitation(old_token) is None
    assert services.find_invitation(new_token).role == "organiser"


def test_inviting_a_member_is_a_conflict(admin_membership):
    with pytest.raises(Conflict):
        services.invite_member(
            admin_membership.organisation,
            by=admin_membership.user,
            email=admin_membership.user.email.upper(),
            role="viewer",
        )


def test_only_administrators_invite(organisation):
    organiser = MembershipFactory(organisation=organisation, role=Role.ORGANISER)
    with pytest.raises(Forbidden):
        services.invite_member(organisation, by=organiser.user, email="a@example.org", role="admin")
    assert not Invitation.objects.exists()


def test_the_last_administrator_cannot_be_demoted_or_removed(admin_membership):
    with pytest.raises(Conflict):
        services.change_member_role(admin_membership, by=admin_membership.user, role=Role.VIEWER)
    with pytest.raises(Conflict):
        services.remove_member(admin_membership, by=admin_membership.user)
    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.ADMIN


def test_administrator_changes_roles_and_removes_members(admin_membership):
    other = MembershipFactory(organisation=admin_membership.organisation, role=Role.VIEWER)
    services.change_member_role(other, by=admin_membership.user, role=Role.ADMIN)
    other.refresh_from_db()
    assert other.role == Role.ADMIN
    # With two administrators, the first may now step down.
    services.change_member_role(admin_membership, by=admin_membership.user, role=Role.VIEWER)
    services.remove_member(admin_membership, by=other.user)
    assert not Membership.objects.filter(pk=admin_membership.pk).exists()


def test_a_member_may_leave_but_not_remove_others(admin_membership):
    viewer = MembershipFactory(organisation=admin_membership.organisation, role=Role.VIEWER)
    with pytest.raises(Forbidden):
        services.remove_member(admin_membership, by=viewer.user)
    services.remove_member(viewer, by=viewer.user)
    assert admin_membership.organisation.memberships.count() == 1


def test_unknown_role_is_refused(admin_membership):
    other = MembershipFactory(organisation=admin_membership.organisation)
    with pytest.raises(DomainError):
        services.change_member_role(other, by=admin_membership.user, role="emperor")
