import pytest

from events import services
from events.models import Invitation, Membership, Organisation, OrganisationSport, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finder_data(db):
    lisbon = OrganisationFactory(name="Lisboa Move", country="PT", kind="not-for-profit")
    OrganisationSport.objects.create(organisation=lisbon, sport="running")
    OrganisationSport.objects.create(organisation=lisbon, sport="football")
    leipzig = OrganisationFactory(name="Stadt Leipzig", country="DE", kind="public-body")
    OrganisationSport.objects.create(organisation=leipzig, sport="cycling")
    OrganisationFactory(name="Quiet Club", country="PT", looking_for_partners=False)
    return lisbon, leipzig


def _names(response):
    return [o.name for o in response.context["organisations"]]


def test_partner_finder_lists_only_organisations_looking_for_partners(client, finder_data):
    response = client.get("/partners/")
    assert response.status_code == 200
    assert _names(response) == ["Lisboa Move", "Stadt Leipzig"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "PT"}, ["Lisboa Move"]),
        ({"kind": "public-body"}, ["Stadt Leipzig"]),
        ({"sport": "running"}, ["Lisboa Move"]),
        ({"sport": "running", "country": "DE"}, []),
        ({"q": "leip"}, ["Stadt Leipzig"]),
    ],
)
def test_partner_finder_filters(client, finder_data, params, expected):
    assert _names(client.get("/partners/", params)) == expected


def test_partner_finder_lists_an_organisation_once_whatever_its_sports(client, finder_data):
    OrganisationSport.objects.create(organisation=finder_data[0], sport="cycling")
    assert _names(client.get("/partners/")) == ["Lisboa Move", "Stadt Leipzig"]


@pytest.mark.parametrize("params", [{"country": "XX"}, {"kind": "pirates"}, {"sport": "quidditch"}])
def test_partner_finder_unknown_filter_is_a_400_with_a_message(client, finder_data, params):
    response = client.get("/partners/", params)
    assert response.status_code == 400
    assert "not known" in response.text


def test_partner_finder_query_count_is_flat(client, finder_data, django_assert_max_num_queries):
    for _ in range(10):
        org = OrganisationFactory()
        OrganisationSport.objects.create(organisation=org, sport="yoga")
    with django_assert_max_num_queries(3):
        client.get("/partners/")


def test_organisation_page_is_public(client, finder_data):
    response = client.get(f"/organisations/{finder_data[0].slug}/")
    assert response.status_code == 200
    assert "Lisboa Move" in response.text
    assert "Members" not in response.text


def test_create_organisation_on_the_web(client, user):
    client.force_login(user)
    response = client.post(
        "/organisations/new/",
        {
            "name": "Club Atlético Inclusivo",
            "country": "ES",
            "kind": "not-for-profit",
            "website": "club.example.org",
            "looking_for_partners": "on",
            "sports": ["boccia", "goalball"],
        },
    )
    organisation = Organisation.objects.get(name="Club Atlético Inclusivo")
    assert response.status_code == 302
    assert response.url == f"/organisations/{organisation.slug}/"
    assert organisation.website == "https://club.example.org"
    assert organisation.role_of(user) == Role.ADMIN
    assert sorted(organisation.sport_codes) == ["boccia", "goalball"]


def test_create_organisation_bad_input_changes_nothing(client, user):
    client.force_login(user)
    response = client.post("/organisations/new/", {"name": "", "country": "XX", "kind": "x"})
    assert response.status_code == 400
    assert not Organisation.objects.exists()


def test_create_organisation_needs_login(client):
    assert client.get("/organisations/new/").status_code == 302


def test_only_administrators_edit(client, organisation):
    organiser = MembershipFactory(organisation=organisation, role=Role.ORGANISER).user
    client.force_login(organiser)
    assert client.get(f"/organisations/{organisation.slug}/edit/").status_code == 403
    client.force_login(UserFactory())
    assert client.get(f"/organisations/{organisation.slug}/edit/").status_code == 403


def test_administrator_edits(client, admin_membership):
    organisation = admin_membership.organisation
    client.force_login(admin_membership.user)
    response = client.post(
        f"/organisations/{organisation.slug}/edit/",
        {"name": "Renamed", "country": "FR", "kind": "public-body", "sports": ["dance"]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.country.code) == ("Renamed", "FR")
    assert organisation.sport_codes == ["dance"]


def test_members_page_is_for_members_only(client, admin_membership):
    slug = admin_membership.organisation.slug
    client.force_login(UserFactory())
    assert client.get(f"/organisations/{slug}/members/").status_code == 403
    client.force_login(admin_membership.user)
    assert client.get(f"/organisations/{slug}/members/").status_code == 200


def test_administrator_invites_from_the_members_page(
    client, admin_membership, django_capture_on_commit_callbacks
):
    slug = admin_membership.organisation.slug
    client.force_login(admin_membership.user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/organisations/{slug}/members/", {"email": "coach@example.org", "role": "organiser"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert Invitation.objects.get().email == "coach@example.org"


def test_inviting_a_member_again_is_a_form_error(client, admin_membership):
    slug = admin_membership.organisation.slug
    client.force_login(admin_membership.user)
    response = client.post(
        f"/organisations/{slug}/members/",
        {"email": admin_membership.user.email, "role": "organiser"},
    )
    assert response.status_code == 400
    assert "already a member" in response.text


def test_viewer_cannot_invite(client, organisation):
    viewer = MembershipFactory(organisation=organisation, role=Role.VIEWER).user
    client.force_login(viewer)
    response = client.post(
        f"/organisations/{organisation.slug}/members/", {"email": "x@example.org", "role": "admin"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_last_administrator_demotion_shows_a_message(client, admin_membership):
    client.force_login(admin_membership.user)
    response = client.post(
        f"/organisations/{admin_membership.organisation.slug}/members/{admin_membership.pk}/",
        {"action": "role", "role": "viewer"},
        follow=True,
    )
    assert "at least one administrator" in response.text
    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.ADMIN


def test_membership_of_another_organisation_is_404(client, admin_membership):
    foreign = MembershipFactory()
    client.force_login(admin_membership.user)
    response = client.post(
        f"/organisations/{admin_membership.organisation.slug}/members/{foreign.pk}/",
        {"action": "remove"},
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_accepting_an_invitation_on_the_web(client, admin_membership):
    _invitation, token = services.invite_member(
        admin_membership.organisation,
        by=admin_membership.user,
        email="x@example.org",
        role="viewer",
    )
    anonymous = client.get(f"/invitations/{token}/")
    assert anonymous.status_code == 200
    assert "Log in to accept" in anonymous.text
    invitee = UserFactory(email="x@example.org")
    client.force_login(invitee)
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert admin_membership.organisation.role_of(invitee) == Role.VIEWER


def test_unknown_invitation_is_404(client):
    response = client.get("/invitations/not-a-token/")
    assert response.status_code == 404
    assert "no longer valid" in response.text
