import pytest

from events.models import Invitation, Membership, Organisation, OrganisationSport, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Sofia Sport for All",
    "country": "BG",
    "kind": "not-for-profit",
    "sports": ["running"],
}


def test_list_and_filter_organisations(api):
    lisbon = OrganisationFactory(name="Lisboa Move", country="PT")
    OrganisationSport.objects.create(organisation=lisbon, sport="running")
    OrganisationSport.objects.create(organisation=lisbon, sport="rowing")
    OrganisationFactory(name="Quiet", country="PT", looking_for_partners=False)
    body = api.get("/api/v1/organisations/").json()
    assert body["count"] == 2
    found = api.get(
        "/api/v1/organisations/", {"looking_for_partners": "true", "country": "PT"}
    ).json()
    assert [o["name"] for o in found["results"]] == ["Lisboa Move"]
    assert found["results"][0]["sports"] == ["rowing", "running"]
    by_sport = api.get("/api/v1/organisations/", {"sport": "running"}).json()
    assert by_sport["count"] == 1


@pytest.mark.parametrize("params", [{"country": "XX"}, {"sport": "nope"}, {"kind": "x"}])
def test_bad_filter_is_400(api, params):
    response = api.get("/api/v1/organisations/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_list_query_count_is_flat(api, django_assert_max_num_queries):
    for _ in range(15):
        OrganisationSport.objects.create(organisation=OrganisationFactory(), sport="yoga")
    with django_assert_max_num_queries(3):
        assert api.get("/api/v1/organisations/").status_code == 200


def test_create_needs_authentication(api):
    assert api.post("/api/v1/organisations/", NEW, format="json").status_code == 401
    assert not Organisation.objects.exists()


def test_create_makes_the_caller_administrator(api, user):
    api.force_authenticate(user)
    response = api.post("/api/v1/organisations/", NEW, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "sofia-sport-for-all"
    assert response.json()["sports"] == ["running"]
    assert Organisation.objects.get().role_of(user) == Role.ADMIN


def test_create_bad_input_lists_the_fields_and_saves_nothing(api, user):
    api.force_authenticate(user)
    response = api.post(
        "/api/v1/organisations/", {**NEW, "country": "XX", "sports": ["quidditch"]}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"country", "sports"}
    assert not Organisation.objects.exists()


def test_update_by_administrator_and_refusal_for_others(api, admin_membership):
    slug = admin_membership.organisation.slug
    api.force_authenticate(UserFactory())
    refused = api.patch(f"/api/v1/organisations/{slug}/", {"name": "X"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    api.force_authenticate(admin_membership.user)
    response = api.patch(f"/api/v1/organisations/{slug}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


def test_members_are_visible_to_members_only(api, admin_membership):
    slug = admin_membership.organisation.slug
    api.force_authenticate(UserFactory())
    assert api.get(f"/api/v1/organisations/{slug}/members/").status_code == 403
    api.force_authenticate(admin_membership.user)
    body = api.get(f"/api/v1/organisations/{slug}/members/").json()
    assert [m["email"] for m in body["results"]] == [admin_membership.user.email]


def test_invite_through_the_api(api, admin_membership):
    slug = admin_membership.organisation.slug
    api.force_authenticate(admin_membership.user)
    response = api.post(
        f"/api/v1/organisations/{slug}/invitations/",
        {"email": "coach@example.org", "role": "organiser"},
        format="json",
    )
    assert response.status_code == 201
    assert "token" not in response.json()
    again = api.post(
        f"/api/v1/organisations/{slug}/invitations/",
        {"email": admin_membership.user.email},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_member"
    assert Invitation.objects.count() == 1


def test_membership_changes_are_scoped_and_guarded(api, admin_membership):
    foreign = MembershipFactory()
    api.force_authenticate(admin_membership.user)
    assert api.patch(f"/api/v1/memberships/{foreign.pk}/", {"role": "viewer"}).status_code == 404
    assert api.delete(f"/api/v1/memberships/{foreign.pk}/").status_code == 404
    last_admin = api.patch(f"/api/v1/memberships/{admin_membership.pk}/", {"role": "viewer"})
    assert last_admin.status_code == 409
    assert last_admin.json()["code"] == "last_admin"
    other = MembershipFactory(organisation=admin_membership.organisation, role=Role.VIEWER)
    assert (
        api.patch(f"/api/v1/memberships/{other.pk}/", {"role": "organiser"}).json()["role"]
        == "organiser"
    )
    assert api.delete(f"/api/v1/memberships/{other.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=other.pk).exists()
