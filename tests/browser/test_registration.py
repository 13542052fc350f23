"""Registration in the portal at phone size: the wizard, a small CSV import, the sites page.
Screenshots under test-output/screenshots/registration-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, nav

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
CSV = (
    "first_name,last_name,phone,site_code,village,gender,category\n"
    "Lineo,Browserimport,5899 0001,MAK,Ha Ntsi,F,household\n"
    "Tumelo,Browserimport,5899 0002,Semonkong,,male,Productive use\n"
    "Karabo,Browserimport,12ab,XYZ,,,\n"
)


def test_register_a_customer_on_a_phone(page: Page, shot: Shot) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "LS")
    nav(page, "New customer")
    person = page.locator("form[aria-label=Person]")
    person.locator("input[name=first_name]").fill("Nthati")
    person.locator("input[name=last_name]").fill("Wizardtest")
    person.locator("select[name=gender]").select_option("female")
    person.locator("input[name=phone]").fill("5877 1234")
    person.locator("input[name=national_id]").fill("LS-WIZ-1")
    person.locator("select[name=category]").select_option("business")
    shot(page, "registration-1-person-phone")
    person.get_by_role("button", name="Continue").click()

    place = page.locator("form[aria-label=Place]")
    place.locator("select[name=site_code]").select_option("SEB")
    place.locator("input[name=village]").fill("Ha Sebapala")
    place.locator("input[name=latitude]").fill("-30.1")
    place.locator("input[name=longitude]").fill("27.9")
    place.locator("input[name=rooms]").fill("2")
    shot(page, "registration-2-place-phone")
    place.get_by_role("button", name="Continue").click()

    expect(page.locator(".summary")).to_contain_text("Ha Sebapala")
    expect(page.get_by_text("No existing customer looks like this person.")).to_be_visible()
    shot(page, "registration-3-confirm-phone")
    page.get_by_role("button", name="Register", exact=True).click()
    number = page.get_by_test_id("new-account-number")
    expect(number).to_have_text(re.compile(r"^\d{4}SEB$"))
    shot(page, "registration-4-done-phone")

    page.get_by_role("button", name="Register another").click()
    person = page.locator("form[aria-label=Person]")
    expect(person.locator("input[name=first_name]")).to_have_value("")
    person.locator("input[name=first_name]").fill("Someone")
    person.locator("input[name=last_name]").fill("Else")
    person.locator("input[name=national_id]").fill("ls-wiz-1")  # the same national id
    person.get_by_role("button", name="Continue").click()
    page.locator("form[aria-label=Place]").get_by_role("button", name="Continue").click()
    duplicates = page.get_by_test_id("duplicates")
    expect(duplicates).to_contain_text("Wizardtest")
    expect(duplicates).to_contain_text("same national id")
    expect(page.get_by_role("button", name="Register anyway")).to_be_visible()
    shot(page, "registration-5-duplicate-phone")


def test_import_a_small_csv_dry_run_then_valid_rows(page: Page, shot: Shot, tmp_path: Path) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "LS")
    nav(page, "Import customers")
    sheet = tmp_path / "field-team.csv"
    sheet.write_text(CSV, encoding="utf-8")
    page.locator("input[name=file]").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the file").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("site_code")
    expect(page.get_by_test_id("rows-read")).to_have_text("3")
    expect(page.get_by_test_id("rows-valid")).to_have_text("2")
    shot(page, "registration-import-dry-run-phone")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Nothing was imported")).to_be_visible()
    page.get_by_label("Import only the valid rows (partial)").check()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_test_id("rows-created")).to_have_text("2")
    expect(page.get_by_text("2 customers imported.")).to_be_visible()
    shot(page, "registration-import-done-phone")

    page.get_by_role("button", name="Import", exact=True).click()  # the same file again
    expect(page.get_by_test_id("rows-created")).to_have_text("0")


def test_sites_for_a_superadmin(page: Page, shot: Shot) -> None:
    log_in(page, "LS")
    nav(page, "Sites")
    expect(page.get_by_test_id("site-BOB")).to_contain_text("Thaba-Tseka")
    page.get_by_placeholder("Search code, name or other spelling").fill("semonkong")
    expect(page.locator("table.site-list tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("site-SEB")).to_contain_text("Sebapala")
    page.get_by_placeholder("Search code, name or other spelling").fill("")
    shot(page, "registration-sites")
    page.set_viewport_size(PHONE)
    shot(page, "registration-sites-phone")
