import json

import pytest

from catalogue.loading import DATA_FILE
from catalogue.models import Action, Family

pytestmark = pytest.mark.django_db


def test_data_migration_loads_every_action_of_the_data_file(catalogue):
    entries = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert Action.objects.count() == len(entries) == 16
    assert set(Action.objects.values_list("family", flat=True)) == set(Family.values)
    platforms = Action.objects.filter(family=Family.ONLINE_PLATFORMS)
    assert platforms.count() == 3
    assert not platforms.filter(is_grant=True).exists()


def test_every_action_has_texts_in_every_language(catalogue, settings):
    codes = {code for code, _name in settings.LANGUAGES}
    for action in Action.objects.all():
        for texts in (action.name_i18n, action.summary_i18n, action.who_may_apply_i18n):
            assert {code for code, text in texts.items() if text.strip()} == codes, action.slug


def test_catalogue_page_groups_actions_by_family(client, catalogue):
    response = client.get("/catalogue/")
    assert response.status_code == 200
    families = response.context["families"]
    assert [f["code"] for f in families] == list(Family.values)
    assert sum(len(f["actions"]) for f in families) == 16
    assert "Cooperation Partnerships" in response.text


def test_catalogue_filters_by_field(client, catalogue):
    response = client.get("/catalogue/", {"field": "sport"})
    slugs = {a.slug for f in response.context["families"] for a in f["actions"]}
    assert Action.SPORT_EVENTS_SLUG in slugs
    assert "erasmus-mundus" not in slugs
    assert slugs == set(Action.objects.serving("sport").values_list("slug", flat=True))


def test_catalogue_unknown_filter_value_is_a_400_with_a_message(client, catalogue):
    response = client.get("/catalogue/", {"field": "quidditch"})
    assert response.status_code == 400
    assert "not known" in response.text


def test_action_page_shows_its_facts_and_official_link(client, catalogue):
    action = Action.objects.get(slug=Action.SPORT_EVENTS_SLUG)
    response = client.get(f"/catalogue/{action.slug}/")
    assert response.status_code == 200
    assert action.name_i18n["en"] in response.text
    assert action.guide_url in response.text


def test_action_page_in_the_visitors_language(client, catalogue, settings):
    action = Action.objects.get(slug=Action.SPORT_EVENTS_SLUG)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(f"/catalogue/{action.slug}/")
    assert action.name_i18n["fr"] in response.text
    assert '<html lang="fr">' in response.text


def test_unknown_action_is_a_404_page(client, catalogue):
    response = client.get("/catalogue/no-such-action/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_catalogue_page_query_count_does_not_grow_with_actions(
    client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        client.get("/catalogue/")


def test_api_lists_actions_with_fields_and_pagination(api, catalogue):
    response = api.get("/api/v1/actions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 16
    assert len(body["results"]) == 16
    first = body["results"][0]
    assert first["slug"] == "cooperation-partnerships"
    assert set(first) >= {"name", "summary", "family", "served_fields", "guide_url", "is_grant"}


def test_api_filters_actions_by_field(api, catalogue):
    body = api.get("/api/v1/actions/", {"field": "sport"}).json()
    assert Action.SPORT_EVENTS_SLUG in {a["slug"] for a in body["results"]}
    assert all("sport" in a["served_fields"] for a in body["results"])


def test_api_bad_filter_is_400_json(api, catalogue):
    response = api.get("/api/v1/actions/", {"field": "quidditch"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "field" in body["errors"]


def test_api_action_detail_speaks_the_requested_language(api, catalogue):
    response = api.get(f"/api/v1/actions/{Action.SPORT_EVENTS_SLUG}/", HTTP_ACCEPT_LANGUAGE="de")
    action = Action.objects.get(slug=Action.SPORT_EVENTS_SLUG)
    assert response.json()["name"] == action.name_i18n["de"]


def test_api_unknown_action_is_404_json(api, catalogue):
    response = api.get("/api/v1/actions/nope/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_api_catalogue_is_read_only(api, catalogue, user):
    api.force_authenticate(user)
    assert api.post("/api/v1/actions/", {"slug": "x"}).status_code == 405
