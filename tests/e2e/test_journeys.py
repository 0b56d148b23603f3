"""First journeys through the site in a real browser, each page checked with axe-core.

Locators go by role and label, as a screen reader user would: a control that cannot be found
that way is unlabelled. Texts from templates are looked up with gettext in the page's language,
so the tests keep passing when the template translations land; action names come translated
from catalogue/data/actions.json already.
"""

import json
import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from catalogue.loading import DATA_FILE
from catalogue.models import Action, Family
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD

ACTIONS = sorted(json.loads(DATA_FILE.read_text(encoding="utf-8")), key=lambda a: a["position"])
SPORT_EVENTS = next(a for a in ACTIONS if a["slug"] == Action.SPORT_EVENTS_SLUG)
# What the language switcher shows: each language's name in that language.
LANGUAGE_NAMES = {"de": "Deutsch", "tr": "Türkçe"}


def t(language: str, text: str) -> str:
    """A template string as the site shows it in `language` (English until it is translated)."""
    with translation.override(language):
        return translation.gettext(text)


def family_labels(language: str) -> list[str]:
    with translation.override(language):
        present = {a["family"] for a in ACTIONS}
        return [str(label) for code, label in Family.choices if code in present]


def expect_catalogue_page(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Key Action 2 catalogue"))
    expect(page.get_by_role("heading", level=2)).to_have_text(family_labels(language))
    expect(page.get_by_role("heading", level=3)).to_have_text(
        [a["name"][language] for a in ACTIONS]
    )


def expect_action_page(page: Page, language: str) -> None:
    expect(page).to_have_url(re.compile(rf"/catalogue/{SPORT_EVENTS['slug']}/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(SPORT_EVENTS["name"][language])
    expect(page.get_by_text(SPORT_EVENTS["summary"][language])).to_be_visible()


def expect_home_page(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Sport events that bring people together across Europe")
    )
    # The sport events action is featured on the home page, named in the visitor's language.
    expect(
        page.get_by_role("heading", level=2, name=SPORT_EVENTS["name"][language])
    ).to_be_visible()


def browse_home_catalogue_action(page: Page, language: str, snap) -> None:
    """From the home page through the main navigation to the sport events action."""
    expect_home_page(page, language)
    snap(f"home-{language}")
    assert_accessible(page)

    main_nav = page.get_by_role("banner").get_by_role("navigation")
    main_nav.get_by_role("link", name=t(language, "Catalogue"), exact=True).click()
    expect_catalogue_page(page, language)
    snap(f"catalogue-{language}")
    assert_accessible(page)

    page.get_by_role("link", name=SPORT_EVENTS["name"][language], exact=True).click()
    expect_action_page(page, language)
    snap(f"action-{language}")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["de", "tr"])
def test_catalogue_journey_in_english_then_in_the_chosen_language(
    page: Page, catalogue, snap, language
):
    page.goto("/")
    browse_home_catalogue_action(page, "en", snap)

    page.get_by_label(t("en", "Language"), exact=True).select_option(label=LANGUAGE_NAMES[language])
    page.get_by_role("button", name=t("en", "Change"), exact=True).click()
    # The switcher brings the visitor back to the page they were on, now in their language.
    expect_action_page(page, language)
    expect(page.get_by_label(t(language, "Language"), exact=True)).to_have_value(language)
    snap(f"switched-to-{language}")
    assert_accessible(page)

    page.get_by_role("link", name="sportevents", exact=True).click()
    browse_home_catalogue_action(page, language, snap)


def test_sign_up_log_out_and_log_in_again(page: Page, snap, django_user_model):
    name, email, password = "Ana Lima", "ana.lima@example.org", PASSWORD

    page.goto("/")
    page.get_by_role("link", name="Sign up", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    assert_accessible(page)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    snap("sign-up-filled")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("status")).to_contain_text(name)
    expect(page.get_by_label("Full name")).to_have_value(name)
    expect(page.get_by_text(email)).to_be_visible()
    snap("profile-after-sign-up")
    assert_accessible(page)
    assert django_user_model.objects.filter(email=email, full_name=name).exists()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="My account")).to_have_count(0)
    snap("logged-out")

    page.get_by_role("link", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_label("Full name")).to_have_value(name)
    snap("profile-after-log-in")


def test_wrong_credentials_show_an_error_that_does_not_tell_whether_the_email_exists(
    page: Page, user, snap
):
    errors = {}
    for case, email in (("known-email", user.email), ("unknown-email", "nobody@example.org")):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_role("textbox", name="Password", exact=True).fill("not-the-password")
        page.get_by_role("button", name="Log in", exact=True).click()

        expect(page).to_have_url(re.compile(r"/accounts/login/$"))
        alert = page.get_by_role("alert")
        expect(alert).to_be_visible()
        errors[case] = alert.inner_text().strip()
        expect(page.get_by_role("link", name="My account")).to_have_count(0)
        snap(f"login-error-{case}")
        assert_accessible(page)

    assert errors["known-email"] == errors["unknown-email"]
    assert not re.search(
        r"exist|unknown|not found|no account|registered|no user", errors["known-email"], re.I
    ), errors["known-email"]


def test_unknown_catalogue_slug_shows_the_not_found_page(page: Page, catalogue, snap):
    response = page.goto("/catalogue/no-such-action/")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(t("en", "Page not found"))
    expect(page.get_by_role("link", name=t("en", "Go to the home page"))).to_be_visible()
    snap("not-found")
    assert_accessible(page)


def test_filter_the_catalogue_by_sport_shows_only_sport_actions(page: Page, catalogue, snap):
    page.goto("/catalogue/")
    expect_catalogue_page(page, "en")

    page.get_by_label("Field", exact=True).select_option(label="Sport")
    page.get_by_role("button", name="Filter", exact=True).click()

    expect(page).to_have_url(re.compile(r"[?&]field=sport(&|$)"))
    expect(page.get_by_label("Field", exact=True)).to_have_value("sport")
    sport_actions = [a["name"]["en"] for a in ACTIONS if "sport" in a["fields"]]
    assert 0 < len(sport_actions) < len(ACTIONS)
    expect(page.get_by_role("heading", level=3)).to_have_text(sport_actions)
    expect(page.get_by_role("status")).to_have_text(f"{len(sport_actions)} actions")
    cards = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=3))
    expect(cards).to_have_count(len(sport_actions))
    for card in cards.all():
        expect(card).to_contain_text("Sport")
    snap("catalogue-filtered-by-sport")
    assert_accessible(page)
