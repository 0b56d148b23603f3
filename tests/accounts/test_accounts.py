import re

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token

from accounts.authentication import TokenAuthentication
from accounts.models import User
from accounts.tasks import send_password_reset_email
from outbox.models import Email
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Ana Sousa",
    "email": "Ana.Sousa@Example.org",
    "preferred_language": "es",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_sign_up_creates_the_account_logs_in_and_remembers_the_language(client, settings):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="ana.sousa@example.org")
    assert user.full_name == "Ana Sousa"
    assert user.preferred_language == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert client.get("/accounts/profile/").status_code == 200


def test_sign_up_refuses_a_taken_email_and_changes_nothing(client):
    UserFactory(email="ana.sousa@example.org")
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 400
    assert "exists already" in response.text
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password2", "something-else-entirely", "differ"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_sign_up_bad_input_is_a_form_error(client, field, value, message):
    response = client.post("/accounts/signup/", {**SIGNUP, field: value})
    assert response.status_code == 400
    assert message in response.text
    assert not User.objects.exists()


def test_sign_up_refuses_a_weak_password(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert "too short" in response.text
    assert not User.objects.exists()


def test_log_in_with_email_in_any_case(client):
    UserFactory(email="ana@example.org")
    response = client.post(
        "/accounts/login/", {"username": "ANA@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"


def test_wrong_credentials_give_the_same_error_for_known_and_unknown_addresses(client):
    UserFactory(email="ana@example.org")
    wrong_password = client.post(
        "/accounts/login/", {"username": "ana@example.org", "password": "x"}
    )
    unknown_email = client.post(
        "/accounts/login/", {"username": "bob@example.org", "password": "x"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert "Please enter a correct email address and password" in wrong_password.text
    errors = [r.context["form"].non_field_errors() for r in (wrong_password, unknown_email)]
    assert errors[0] == errors[1]


@pytest.mark.parametrize(
    "next_url", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"]
)
def test_unsafe_next_is_ignored_after_login(client, next_url):
    UserFactory(email="ana@example.org")
    response = client.post(
        f"/accounts/login/?next={next_url}",
        {"username": "ana@example.org", "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert response.url == "/accounts/profile/"


def test_safe_next_is_followed_after_login(client):
    UserFactory(email="ana@example.org")
    response = client.post(
        "/accounts/login/",
        {"username": "ana@example.org", "password": PASSWORD, "next": "/partners/"},
    )
    assert response.url == "/partners/"


def test_unsafe_next_is_ignored_after_sign_up(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "next": "https://evil.example.com/"})
    assert response.url == "/accounts/profile/"


def test_log_out_needs_post(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/profile/").status_code == 302


def test_profile_needs_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/accounts/profile/")


def test_profile_saves_name_and_language(client, user, settings):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/", {"full_name": "New Name", "preferred_language": "tr"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("New Name", "tr")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"


def test_profile_rejects_an_unknown_language(client, user):
    client.force_login(user)
    response = client.post("/accounts/profile/", {"full_name": "X", "preferred_language": "xx"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_a_logged_in_person_sees_their_profile_language(client):
    client.force_login(UserFactory(preferred_language="de"))
    assert '<html lang="de">' in client.get("/").text


def test_language_switcher_remembers_the_choice_on_the_profile(client, user, settings):
    client.force_login(user)
    response = client.post("/accounts/language/", {"language": "fr", "next": "/catalogue/"})
    assert response.status_code == 302
    assert response.url == "/catalogue/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    user.refresh_from_db()
    assert user.preferred_language == "fr"


def test_language_switcher_ignores_unknown_languages_and_unsafe_next(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/language/", {"language": "xx", "next": "https://evil.example.com/"}
    )
    assert response.status_code == 302
    assert "evil" not in response.url
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_password_reset_sends_a_working_link(client):
    UserFactory(email="ana@example.org")
    response = client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body).group(
        1
    )
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "another-long-passphrase-42"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    logged_in = client.post("/accounts/login/", {"username": "ana@example.org", "password": new})
    assert logged_in.status_code == 302


def test_the_password_reset_task_run_again_sends_nothing_more(client):
    UserFactory(email="ana@example.org")
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    [key] = Email.objects.values_list("key", flat=True)
    _kind, user_id, request_id = key.split(":")
    send_password_reset_email.delay(
        int(user_id), request_id, domain="testserver", protocol="http", language="en"
    )
    assert len(mail.outbox) == 1
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})  # asked again
    assert len(mail.outbox) == 2


def test_password_reset_for_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_api_token_for_good_credentials(api):
    UserFactory(email="ana@example.org")
    response = api.post("/api/v1/auth/token/", {"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.org"


def test_a_token_is_read_afresh_for_every_request(api):
    """accounts/authentication.py writes the token query out: a token deleted or a user
    deactivated between two requests is refused at the second, in the request's language."""
    user = UserFactory(email="ana@example.org")
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").json()["email"] == "ana@example.org"
    User.objects.filter(pk=user.pk).update(is_active=False)
    inactive = api.get("/api/v1/me/")
    assert (inactive.status_code, inactive.json()["detail"]) == (401, "User inactive or deleted.")
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert api.get("/api/v1/me/").status_code == 200
    token.delete()
    gone = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="de")
    assert gone.status_code == 401
    assert gone.json()["detail"] == "Ungültiges Token"  # DRF's own German
    assert gone["WWW-Authenticate"] == "Token"


def test_the_request_carries_the_user_and_token_it_was_authenticated_with(rf):
    user = UserFactory(email="ana@example.org")
    token = Token.objects.create(user=user)
    request = rf.get("/", HTTP_AUTHORIZATION=f"Token {token.key}")
    found_user, found_token = TokenAuthentication().authenticate(request)
    assert (found_user, found_user.email, found_user.is_active) == (user, user.email, True)
    assert (found_token.key, found_token.user, found_token.created) == (
        token.key,
        user,
        token.created,
    )


def test_api_token_refuses_bad_credentials_without_saying_why(api):
    UserFactory(email="ana@example.org")
    wrong = api.post("/api/v1/auth/token/", {"email": "ana@example.org", "password": "x"})
    unknown = api.post("/api/v1/auth/token/", {"email": "bob@example.org", "password": "x"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid"


def test_api_me_needs_authentication(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_api_me_updates_language_and_refuses_an_unknown_one(api, user):
    api.force_authenticate(user)
    assert api.patch("/api/v1/me/", {"preferred_language": "tr"}).status_code == 200
    bad = api.patch("/api/v1/me/", {"preferred_language": "xx"})
    assert bad.status_code == 400
    assert "preferred_language" in bad.json()["errors"]
    user.refresh_from_db()
    assert user.preferred_language == "tr"


def test_api_me_cannot_change_the_email(api, user):
    api.force_authenticate(user)
    api.patch("/api/v1/me/", {"email": "other@example.org"})
    user.refresh_from_db()
    assert user.email != "other@example.org"
