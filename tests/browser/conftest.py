"""Playwright driving the system's Chromium against Django's live server.

Under CI=true a missing browser fails the run; elsewhere the browser tests are
skipped with the reason. Every page a test visits can be checked with axe-core.
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped browser test is a failure: CI must drive the browser."""
    report = yield
    skipped = report.skipped and not hasattr(report, "wasxfail")
    if IN_CI and skipped and item.get_closest_marker("browser") is not None:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI=true: a browser test may not be skipped ({reason})"
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM}"
        if IN_CI:
            pytest.fail(message + " (CI=true: browser tests must run)", pytrace=False)
        pytest.skip(message)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_url(live_server):
    return live_server.url


@pytest.fixture
def new_context(browser, live_server, client):
    """new_context(user=None, **options): a fresh browser context, signed in as `user`."""
    contexts = []

    def make(user=None, **options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        if user is not None:
            sign_in(context, user)
        contexts.append(context)
        return context

    def sign_in(context, user):
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        # Forget the cookie rather than log out: logging out would delete the session
        # the browser now holds.
        del client.cookies[settings.SESSION_COOKIE_NAME]

    make.sign_in = sign_in
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(new_context):
    """new_page(user=None, **context_options): a page in a fresh context."""

    def make(user=None, **options):
        return new_context(user, **options).new_page()

    return make


def axe_violations(page):
    """Run axe-core on the page as it is now; return its WCAG 2.2 A/AA violations."""
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return result["violations"]


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): zero axe-core violations for WCAG 2.2 A and AA."""

    def check(page):
        violations = axe_violations(page)
        summary = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ]
        assert violations == [], f"{page.url}: {json.dumps(summary, indent=1)}"

    return check


@pytest.fixture
def sign_in_again_in_another_tab():
    """sign_in_again_in_another_tab(context, user, password): sign out and in again in a
    second tab of `context`, which gives the session a new CSRF token."""

    def sign_in_again(context, user, password):
        other = context.new_page()
        other.goto("/reflections/")
        other.get_by_role("banner").get_by_role("button", name="Sign out").click()
        other.goto("/accounts/login/")
        other.get_by_label("Email address").fill(user.email)
        other.get_by_label("Password").fill(password)
        other.get_by_role("button", name="Sign in").click()
        expect(other.get_by_role("banner").get_by_role("button", name="Sign out")).to_be_visible()
        other.close()

    return sign_in_again
