"""Browser fixtures: the running platform and headless Chromium, closed when the package ends
(sync Playwright runs an event loop; left open it would block the async tests after it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.platform import ADMIN, ADMIN_PASSWORD, Platform, running_platform
from tests.support.databases import DatabaseFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="package")
def platform(databases: DatabaseFactory) -> Iterator[Platform]:
    with running_platform(databases) as running:
        yield running


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium);"
            " it is missing on this machine",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, platform: Platform) -> Iterator[Page]:
    context = browser.new_context(
        base_url=platform.url, viewport={"width": 1280, "height": 860}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def shot() -> Callable[[Page, str], Path]:
    """Saves a full-page screenshot under test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _save(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _save


def log_in(page: Page, country: str, username: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
    page.goto("/")
    page.locator("select[name=country]").select_option(country)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form[aria-label=login] button[type=submit]").click()
    expect(page.get_by_test_id("current-country")).to_be_visible()


def nav(page: Page, label: str) -> None:
    page.locator("header nav").get_by_role("link", name=re.compile(f"^{re.escape(label)}$")).click()
