"""Inputs and outputs: every CSV download neutralises formulas, no email header carries a line
break someone typed, user text is escaped on every page that shows it, secrets are compared in
constant time and come from the environment. (No part of the product accepts file uploads.)"""

import ast
import csv
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import get_resolver

from events import services as planning
from events.models import Event
from sportevents.exports import CSV_EXPORTS
from tests.registrations.test_pages import form_data, register_url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "catalogue", "events", "venues", "registrations", "calendars", "surveys"]
APPS += ["sportevents", *[p.name for p in ROOT.iterdir() if (p / "apps.py").exists()]]
APPS = sorted(set(APPS))
FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


# CSV / formula injection ------------------------------------------------------------------


def _all_url_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        namespace = getattr(pattern, "namespace", None)
        if hasattr(pattern, "url_patterns"):
            inner = f"{prefix}{namespace}:" if namespace else prefix
            yield from _all_url_patterns(pattern, inner)
        else:
            yield f"{prefix}{pattern.name}", str(pattern.pattern)


def test_every_csv_download_is_listed_in_csv_exports():
    csv_routes = {name for name, route in _all_url_patterns() if ".csv" in route}
    missing = csv_routes - set(CSV_EXPORTS)
    assert not missing, (
        f"CSV downloads {sorted(missing)} are not in sportevents.exports.CSV_EXPORTS: write them "
        "with sportevents.exports.csv_response (or neutralise) and add them there, with a scene in "
        "CSV_SCENES below."
    )


def _registrations_csv(client, fixture):
    """Formulas in every text a participant types, then the organiser downloads the CSV."""
    fixture("sign_up")(
        fixture("free_ticket"),
        name=FORMULAS[0],
        email="-attack@example.org",
        participants=[fixture("person")(name=formula) for formula in FORMULAS[1:]],
    )
    client.force_login(fixture("lead"))
    return client.get(f"/events/{fixture('event').slug}/registrations.csv")


def _payments_csv(client, fixture):
    """Paid registrations whose buyer names and ticket name are formulas."""
    ticket = fixture("paid_ticket")
    ticket.name = FORMULAS[0]
    ticket.save()
    for formula in FORMULAS[1:]:
        fixture("pay")(fixture("sign_up")(ticket, name=formula).registration)
    client.force_login(fixture("lead"))
    return client.get(f"/events/{fixture('event').slug}/payments.csv")


def _formula_title(fixture):
    event = fixture("completed")
    event.title_i18n = {"en": FORMULAS[0]}
    event.save(update_fields=["title_i18n"])
    return event


def _impact_evidence_csv(client, fixture):
    from tests.surveys.conftest import improving

    fixture("people")(improving(20, country="PT"))
    event = _formula_title(fixture)
    client.force_login(fixture("plan").people["lead"])
    return client.get(f"/events/{event.slug}/impact/evidence.csv")


def _impact_snapshot_csv(client, fixture):
    from tests.surveys.test_impact_pages import published

    snapshot = published(fixture("completed"), fixture("plan").people["lead"], fixture("people"))
    _formula_title(fixture)
    client.force_login(fixture("sponsor"))
    return client.get(f"/impact/snapshots/{snapshot.pk}/figures.csv")


def _audit_csv(client, fixture):
    """Organisers type formulas into the texts the audit log keeps: titles, ticket names."""
    from registrations import services

    event, lead = fixture("event"), fixture("lead")
    planning.update_event(event, by=lead, title_i18n={"en": FORMULAS[0]})
    for formula in FORMULAS[1:]:
        services.create_ticket_type(event, by=lead, name=formula, capacity=5)
    client.force_login(fixture("plan").people["viewer"])
    return client.get(f"/events/{event.slug}/activity.csv")


# One scene per CSV download: what puts formulas into it and fetches it.
CSV_SCENES = {
    "registrations:csv": _registrations_csv,
    "payments:csv": _payments_csv,
    "impact:evidence": _impact_evidence_csv,
    "impact:snapshot_csv": _impact_snapshot_csv,
    "events:audit_csv": _audit_csv,
}


@pytest.mark.parametrize("name", CSV_EXPORTS)
def test_csv_downloads_neutralise_formulas_in_every_cell(client, request, name):
    assert name in CSV_SCENES, f"{name} has no scene in CSV_SCENES: its promise is untested."
    response = CSV_SCENES[name](client, request.getfixturevalue)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    neutralised = [cell for cell in cells if cell.startswith("'") and cell[1:2] in "=+-@\t\r"]
    assert neutralised, "the scene's formulas did not reach the file"
    dangerous = [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not dangerous


# Email header injection -------------------------------------------------------------------

INJECTED = "Evil\r\nBcc: victim@example.org\r\nX-Injected: yes"


def test_line_breaks_in_titles_and_names_never_reach_an_email_header(
    client, event, lead, free_ticket, django_capture_on_commit_callbacks
):
    # An organiser's title (the API and forms keep it as typed) and a participant's name.
    planning.update_event(event, by=lead, title_i18n={"en": f"Run {INJECTED}"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), form_data(free_ticket, name=INJECTED))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0].message()
    assert (
        message["Subject"] == "Your registration: Run Evil Bcc: victim@example.org X-Injected: yes"
    )
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert mail.outbox[0].recipients() == ["ana@example.org"]


@pytest.mark.parametrize(
    "email", ["ana@example.org\r\nBcc: victim@example.org", "ana@example.org\nCc: x@example.org"]
)
def test_an_email_address_with_a_line_break_is_a_form_error_not_a_500(
    client, api, event, free_ticket, email
):
    page = client.post(register_url(event), form_data(free_ticket, email=email))
    assert page.status_code == 400
    assert "Enter a valid email address." in page.content.decode()
    body = {
        "ticket_type": free_ticket.pk,
        "name": "Ana",
        "email": email,
        "language": "en",
        "accept_terms": True,
        "participants": [
            {"name": "Ana", "country": "PT", "year_of_birth": 1990, "role": "athlete"}
        ],
    }
    answer = api.post(f"/api/v1/events/{event.slug}/registrations/", body, format="json")
    assert answer.status_code == 400
    assert "email" in answer.json()["errors"]
    assert free_ticket.registrations.count() == 0
    assert mail.outbox == []


# HTML escaping ----------------------------------------------------------------------------

MARKER = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_user_text_is_escaped_on_every_page_that_shows_it(
    client, plan, event, lead, free_ticket, sign_up, person
):
    organisation = event.lead
    organisation.name = f"Club {MARKER}"
    organisation.description = MARKER
    organisation.save()
    Event.objects.filter(pk=event.pk).update(
        title_i18n={"en": f"Week {MARKER}"}, description_i18n={"en": MARKER}
    )
    venue = plan.venues["pt"]
    venue.name = f"Hall {MARKER}"
    venue.save()
    free_ticket.name = f"Run {MARKER}"
    free_ticket.save()
    outcome = sign_up(free_ticket, name=f"Buyer {MARKER}", participants=[person(name=MARKER)])

    public = [
        "/events/",
        f"/events/{event.slug}/",
        f"/events/{event.slug}/register/",
        f"/organisations/{organisation.slug}/",
        "/partners/",
        f"/registrations/{outcome.manage_token}/",
    ]
    organiser = [
        "/dashboard/",
        f"/events/{event.slug}/plan/",
        f"/events/{event.slug}/registrations/",
        f"/events/{event.slug}/ticket-types/",
        f"/events/{event.slug}/check-in/",
        f"/events/{event.slug}/activity/",
        "/venues/",
    ]
    for url in public + ["login", *organiser]:
        if url == "login":
            client.force_login(lead)
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert" in html, f"{url} does not show the text at all"


# Secrets ----------------------------------------------------------------------------------

SECRET_NAME = re.compile(r"(token|secret|signature|digest|hash|password)$", re.IGNORECASE)


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript | ast.Call):
        return _name(node.value if isinstance(node, ast.Subscript) else node.func)
    return None


def _source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_secrets_are_never_compared_with_equals():
    """`a == b` on a token stops at the first differing character: its time tells an attacker
    how much they got right. Use hmac.compare_digest/constant_time_compare, or look up by hash."""
    found = []
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                continue
            sides = [node.left, *node.comparators]
            if any(isinstance(side, ast.Constant) for side in sides):
                continue  # `token == ""`, `digest is None`-like checks leak nothing
            if any(SECRET_NAME.search(_name(side) or "") for side in sides):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not found, "\n".join(found)


def test_the_scan_for_secret_comparisons_finds_one():
    tree = ast.parse("if feed.token == token: pass")
    compare = next(node for node in ast.walk(tree) if isinstance(node, ast.Compare))
    assert SECRET_NAME.search(_name(compare.left))


SETTING_SECRET = re.compile(r"(SECRET|PASSWORD|_KEY|TOKEN)", re.IGNORECASE)


def test_secret_settings_come_only_from_the_environment():
    """A secret setting is read with env_str/...; the only literal is the development key,
    used with DEBUG alone (production refuses to start without SECRET_KEY)."""
    tree = ast.parse((ROOT / "sportevents" / "settings.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and SETTING_SECRET.search(target.id):
                literal = isinstance(node.value, ast.Constant) and node.value.value
                if literal and not str(literal).startswith("insecure-development-key"):
                    found.append(f"{target.id} = {node.value.value!r}")
    assert not found


def test_no_part_of_the_product_accepts_file_uploads():
    """No upload exists (so no image size or type limits are needed yet): no file fields, no
    request.FILES, no multipart parsers. Adding one fails here: then limit size and type."""
    found = []
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        for needle in ("FileField", "ImageField", "request.FILES", "MultiPartParser"):
            if needle in text:
                found.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not found
