"""The pages added for onboarding, meters and messages, as a Benin agent sees them: in French,
on a phone. Every page is screenshotted under test-output/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
PAGES = {
    "/customers/new": "Nouveau client",
    "/customers/import": "Importer des clients",
    "/pipeline": "Parcours",
    "/meters": "Compteurs",
    "/messages": "Messages",
    "/sites": "Sites",
}
ENGLISH_LEAKS = ("Search", "Register", "Continue", "Account", "Status", "Loading")


def test_the_new_pages_are_french_for_benin_on_a_phone(page: Page, shot: Shot) -> None:
    log_in(page, "BN")
    page.set_viewport_size(PHONE)
    for path, heading in PAGES.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        main = page.locator("main").inner_text()
        leaks = [word for word in ENGLISH_LEAKS if f"{word} " in main or main.endswith(word)]
        assert leaks == [], f"{path} shows English to a Benin agent: {leaks}"
        shot(page, f"bn-phone{path.replace('/', '-')}")
