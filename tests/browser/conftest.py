"""Playwright driving the system's Chromium against the live test server; no browser downloads."""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous code.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh page on the live server that records console errors and third-party requests."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(8000)
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    own_host = urlsplit(live_server.url).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc != own_host:
            page.foreign_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe_violations(page):
    """Runs axe-core (installed by `make install`) on the current page; returns its violations."""
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE} (run `make install` or `npm ci`)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)

    source = AXE.read_text(encoding="utf-8")

    def run() -> list[dict]:
        # Colours are measured as drawn: a slide still fading in would read as low contrast.
        page.evaluate(
            "() => Promise.all(document.getAnimations()"
            ".filter(a => a.effect.getTiming().iterations !== Infinity)"
            ".map(a => a.finished.catch(() => null)))"
        )
        # Evaluated by the browser's debugger, not as a <script> tag the page's CSP would refuse.
        page.evaluate(source)
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
        return page.evaluate("options => axe.run(document, options)", options)["violations"]

    return run


def describe_violations(violations: list[dict]) -> str:
    """One line per violation and element, readable in a failed assertion."""
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in violations
        for node in violation["nodes"]
    )
