"""Headless Chromium (Debian's package, at /usr/bin/chromium) driven by Playwright against
a live server holding the demo data. Without Chromium these tests skip with the reason;
under ITUTRACKER_REQUIRE_SERVICES=1 that skip is a failure. Each test saves screenshots in
test-artifacts/ (ignored by git)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ITUTRACKER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install chromium")
    # Playwright's synchronous API runs an event loop in this thread, and Django refuses
    # database calls from a thread with a running loop. The calls here are the test's own
    # setup, made one at a time, so the guard can be lifted for this module.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_site(live_server, transactional_db, demo_data):
    """The live server, with the reference and demo data quickstart loads."""
    return live_server.url


@pytest.fixture
def page(browser, demo_site, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.screenshot_as = lambda name: tab.screenshot(
        path=ARTIFACTS / f"{request.node.name}-{name}.png", full_page=True
    )
    yield tab
    context.close()
