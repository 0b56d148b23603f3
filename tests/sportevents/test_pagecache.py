"""Public pages and API lists from the cache: served without queries, and an edit shows at once."""

from datetime import UTC, datetime

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client

from catalogue.models import Action
from events import services
from events.models import EventStatus
from sportevents import pagecache
from tests.factories import OrganisationFactory
from venues import services as venue_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(plan):
    return services.change_status(plan.event, by=plan.people["lead"], status=EventStatus.PUBLISHED)


def page(client, path: str, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_page_seen_before_is_served_without_a_query(client, published, django_assert_num_queries):
    page(client, "/")
    page(client, "/events/")
    with django_assert_num_queries(0):
        assert "Move Together Week" in page(client, "/events/")
        page(client, "/")


def test_each_language_has_its_own_page(client, published):
    assert "Move Together Week" in page(client, "/events/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Birlikte Hareket Haftası" in page(client, "/events/", HTTP_ACCEPT_LANGUAGE="tr")
    assert 'lang="en"' in page(client, "/events/", HTTP_ACCEPT_LANGUAGE="en")


def test_an_edited_title_shows_at_once_on_the_list_and_the_event_page(client, plan, published):
    detail = f"/events/{published.slug}/"
    assert "Move Together Week" in page(client, "/events/")
    assert "Move Together Week" in page(client, detail)
    services.update_event(published, by=plan.people["lead"], title_i18n={"en": "Move More Week"})
    assert "Move More Week" in page(client, "/events/")
    assert "Move More Week" in page(client, detail)


def test_a_published_event_shows_at_once_and_a_cancelled_one_says_so(client, plan):
    assert "Move Together Week" not in page(client, "/events/")
    services.change_status(plan.event, by=plan.people["lead"], status=EventStatus.PUBLISHED)
    assert "Move Together Week" in page(client, "/events/")
    services.change_status(
        plan.event, by=plan.people["lead"], status=EventStatus.CANCELLED, reason="Storm warning"
    )
    assert "Storm warning" in page(client, f"/events/{plan.event.slug}/")


def test_a_new_session_and_a_venue_change_show_at_once(client, plan, published):
    detail = f"/events/{published.slug}/"
    assert "Sunrise relay" not in page(client, detail)
    venue = plan.venues["pt"]
    services.add_session(
        published,
        by=plan.people["lead"],
        venue=venue,
        title="Sunrise relay",
        kind="competition",
        starts_at=datetime(2027, 9, 24, 7, tzinfo=UTC),
        ends_at=datetime(2027, 9, 24, 9, tzinfo=UTC),
    )
    assert "Sunrise relay" in page(client, detail)
    assert "Hearing loop" not in page(client, detail)
    venue_services.save_venue(venue, features=["hearing-loop"])
    assert "Hearing loop" in page(client, detail)


def test_the_home_page_counts_partner_seekers_at_once(client):
    assert "looking for partners" not in page(client, "/")
    OrganisationFactory(looking_for_partners=True)
    assert "1 organisation is looking for partners" in page(client, "/")


def test_a_catalogue_change_shows_at_once(client, catalogue):
    action = Action.objects.get(slug=Action.SPORT_EVENTS_SLUG)
    assert action.name in page(client, "/")
    action.name_i18n = {**action.name_i18n, "en": "Sport events for all Europe"}
    action.save()
    assert "Sport events for all Europe" in page(client, "/")


def test_every_visitor_gets_a_working_csrf_token_from_a_cached_page(published):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page(first, "/events/")
    html = page(second, "/events/")  # from the cache
    assert pagecache.CSRF_PLACEHOLDER not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(
        "/accounts/language/", {"language": "de", "next": "/events/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_signed_in_people_get_their_own_page(client, plan, published):
    detail = f"/events/{published.slug}/"
    assert "Planning page" not in page(client, detail)  # cached for visitors
    client.force_login(plan.people["lead"])
    html = page(client, detail)
    assert "Planning page" in html
    assert "Log out" in html


def test_a_page_with_a_message_waiting_is_rendered_for_its_visitor_only(rf):
    rendered = []

    @pagecache.public_page()
    def view(request):
        rendered.append(request)
        return HttpResponse(" ".join(str(m) for m in get_messages(request)) or "nothing")

    def visit(message: str = "") -> str:
        request = rf.get("/somewhere/")
        request.user = AnonymousUser()
        request._messages = CookieStorage(request)
        if message:
            messages.info(request, message)
        return view(request).content.decode()

    assert visit("Your data was erased.") == "Your data was erased."
    assert visit() == "nothing"
    assert visit() == "nothing"
    assert len(rendered) == 2  # the message was not kept, the page without it was


def test_drafts_stay_hidden_after_being_cached_for_members(client, plan):
    member = Client()
    member.force_login(plan.people["lead"])
    assert page(member, f"/events/{plan.event.slug}/")
    assert client.get(f"/events/{plan.event.slug}/").status_code == 404


def test_without_a_cache_every_page_is_rendered(client, published, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert pagecache.data_version() == ""
    assert "Move Together Week" in page(client, "/events/")
    assert "Move Together Week" in page(client, f"/events/{published.slug}/")


def test_the_api_lists_are_cached_and_follow_changes(api, plan, published):
    assert api.get("/api/v1/events/").json()["count"] == 1
    assert api.get("/api/v1/organisations/").json()["count"] == 3
    OrganisationFactory()
    assert api.get("/api/v1/organisations/").json()["count"] == 4
    services.change_status(
        published, by=plan.people["lead"], status=EventStatus.CANCELLED, reason="Storm"
    )
    assert api.get("/api/v1/events/").json()["results"][0]["status"] == "cancelled"


def test_the_api_lists_drafts_to_their_members_while_visitors_get_the_cached_list(api, plan):
    assert api.get("/api/v1/events/").json()["count"] == 0
    api.force_authenticate(plan.people["lead"])
    assert api.get("/api/v1/events/").json()["count"] == 1


def test_a_migration_forgets_every_page(catalogue):
    version = pagecache.data_version()
    call_command("migrate", verbosity=0)
    assert pagecache.data_version() != version


def test_a_change_inside_a_transaction_is_forgotten_again_when_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.public_data_changed()
    during = pagecache.data_version()
    for callback in callbacks:
        callback()
    assert pagecache.data_version() != during
    assert cache.get(pagecache.VERSION_KEY) == pagecache.data_version()
