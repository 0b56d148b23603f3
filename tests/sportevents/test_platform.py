import os
import time

import pytest
from django.apps import apps
from django.contrib import admin

from sportevents.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_home_page_has_landmarks_skip_link_and_the_eu_label(client, catalogue):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'href="#main"' in html
    assert "Co-funded by the European Union" in html
    assert "Not-for-profit European sport events" in html


def test_unknown_page_is_a_404_page_and_unknown_api_path_is_json(client):
    page = client.get("/no/such/page/")
    assert page.status_code == 404
    assert "Page not found" in page.text
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"


def test_api_root_schema_and_docs_are_served_without_internet(client):
    assert client.get("/api/v1/").status_code == 200
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/actions/" in paths
    assert "/api/v1/organisations/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.text
    assert "cdn" not in docs.text.lower()


def test_every_model_of_ours_is_in_the_admin():
    ours = {"accounts", "catalogue", "events", "venues", "registrations", "surveys", "outbox"}
    inlines = {inline.model for ma in admin.site._registry.values() for inline in ma.inlines}
    missing = [
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in ours
        and model not in admin.site._registry
        and model not in inlines
    ]
    assert missing == []


def test_admin_pages_open_for_staff(client, catalogue, admin_membership):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    for url in (
        "/admin/",
        "/admin/catalogue/action/",
        "/admin/events/organisation/",
        "/admin/accounts/user/",
        f"/admin/events/organisation/{admin_membership.organisation.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (run by .ci/run)")
@pytest.mark.django_db(transaction=True)
def test_invitation_email_travels_through_redis_to_a_real_worker(settings, mailoutbox):
    """With REDIS_URL, tasks leave the process: a Celery worker takes them from Redis."""
    from celery.contrib.testing.worker import start_worker

    from events import services
    from tests.factories import MembershipFactory

    admin_membership = MembershipFactory(role="admin")
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo"):
            services.invite_member(
                admin_membership.organisation,
                by=admin_membership.user,
                email="coach@example.org",
                role="organiser",
            )
            deadline = time.monotonic() + 20
            while not mailoutbox and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        celery_app.conf.task_always_eager = True
    assert [m.to for m in mailoutbox] == [["coach@example.org"]]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/organisations/?q=a%00b", None),
        ("get", "/events/?q=%00", None),
        ("post", "/api/v1/auth/token/", '{"email": "a\\u0000@example.org", "password": "x"}'),
    ],
)
def test_nul_bytes_are_refused_with_a_400(client, method, path, body):
    kwargs = {"data": body, "content_type": "application/json"} if body else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_percent_encoded_nul_in_a_form_body_is_refused(client):
    response = client.post(
        "/api/v1/events/",
        "objective=healthy-lifestyles&action=%7D%00x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
