"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test in tests/e2e is marked `browser` (`pytest -m "not browser"` leaves them out). Without
/usr/bin/chromium they are skipped with a reason (run `.ci/ensure-chromium`), except under CI=1,
where a missing browser is an error: CI must not pass by skipping.

Helpers for the tests:
- `page`: a fresh browser context and page per test; relative URLs go to the live server.
- `assert_accessible(page)`: axe-core on the current page; fails on serious or critical violations.
- `snap("step")`: a full-page screenshot into test-results/<test>/NN-step.png. A failing test
  leaves test-results/<test>/failure.png as well.

The pages are served with the production Content Security Policy (tests run with DEBUG off). Any
violation the browser reports (an inline script or style, an eval, a foreign host) fails the test
that caused it: the `page` fixture listens to `securitypolicyviolation` events and to the console.
"""

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The live server listens on the loopback address only (not "localhost", which may be ::1).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    # Without these Chromium keeps calling Google hosts this machine cannot reach.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
E2E_DIR = Path(__file__).parent
FAILING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000
# Runs in every document before its own scripts: keeps the page's CSP violation reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}` +
    ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees every collected item, not only this folder's.
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Remembered so that the page fixture can take a screenshot of a failed test at teardown.
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


_call_failed = pytest.StashKey[bool]()


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing, so the browser tests cannot run; "
            "install it with .ci/ensure-chromium."
        )
        if os.environ.get("CI") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def results_dir(request) -> Path:
    """test-results/<test name>/, emptied at the start of the test."""
    name = _slug(request.node.name)
    folder = Path(request.config.rootpath) / "test-results" / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


@pytest.fixture
def page(browser, live_server, results_dir, request) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    violations: list[str] = []
    context.on(
        "console",
        lambda message: (
            violations.append(f"{message.page.url if message.page else ''}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page = context.new_page()
    page.csp_violations = lambda: violations + _reported_violations(context)
    page.csp_console = violations
    yield page
    found = page.csp_violations()
    if request.node.stash.get(_call_failed, False):
        try:
            page.screenshot(path=str(results_dir / "failure.png"), full_page=True)
        except Exception as error:  # The page may have crashed: the test's own error matters.
            print(f"No failure screenshot: {error}")
    context.close()
    if found:
        pytest.fail(
            "Content Security Policy violations:\n" + "\n".join(dict.fromkeys(found)),
            pytrace=False,
        )


def _reported_violations(context) -> list[str]:
    """The violations each open page's listener kept (pages navigated away keep none: the
    console listener covers those)."""
    found = []
    for open_page in context.pages:
        try:
            found += open_page.evaluate("() => window.__cspViolations || []")
        except Exception:  # a closed or crashed page has nothing more to say
            continue
    return found


@pytest.fixture
def snap(page, results_dir) -> Callable[[str], Path]:
    """Save a full-page screenshot of one journey step: snap("catalogue")."""
    counter = {"n": 0}

    def take(step: str) -> Path:
        counter["n"] += 1
        path = results_dir / f"{counter['n']:02d}-{_slug(step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def axe_violations(page, *, impacts=FAILING_IMPACTS) -> list[dict]:
    """Run axe-core on the page (all its WCAG and best-practice rules); return the violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern: an
        # injected <script> element would be (rightly) refused as inline code.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], iframes: false})"
    )
    return [v for v in results["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    __tracebackhide__ = True
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"{len(violations)} serious or critical accessibility violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )
