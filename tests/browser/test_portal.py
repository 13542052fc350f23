"""The portal in headless Chromium against the real gateway and country APIs (demo data):
every page is screenshotted under test-output/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, nav
from tests.browser.platform import LS_ONLY, LS_ONLY_PASSWORD, Platform

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}


def test_log_in_per_country_and_switch_without_logging_out(page: Page, shot: Shot) -> None:
    log_in(page, "LS")
    expect(page.get_by_test_id("current-country")).to_have_text("Lesotho")
    # 1,400 demo customers, plus any that other browser tests registered before this one
    expect(page.get_by_test_id("customer-total")).to_have_text(re.compile(r"^1,4\d\d$"))
    expect(page.get_by_test_id("revenue-month")).not_to_have_text("…")
    shot(page, "dashboard-ls")
    page.set_viewport_size(PHONE)
    shot(page, "dashboard-ls-phone")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_label("Country").select_option("BN")
    expect(page.get_by_test_id("current-country")).to_have_text("Benin")
    expect(page.locator("header nav")).to_contain_text("Clients")  # Benin defaults to French
    expect(page.get_by_test_id("customer-total")).to_have_text("150")
    expect(page.get_by_test_id("revenue-month")).to_contain_text("F")
    shot(page, "dashboard-bn")


def test_a_country_without_a_role_is_refused_clearly_then_finance_records_and_reverses(
    page: Page, platform: Platform, shot: Shot
) -> None:
    page.goto("/")
    page.locator("select[name=country]").select_option("BN")
    page.locator("input[name=username]").fill(LS_ONLY)
    page.locator("input[name=password]").fill(LS_ONLY_PASSWORD)
    page.locator("form[aria-label=login] button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("aucun rôle dans ce pays (Benin)")
    shot(page, "login-refused")
    page.locator("select[name=country]").select_option("LS")
    page.locator("form[aria-label=login] button[type=submit]").click()
    expect(page.get_by_test_id("current-country")).to_have_text("Lesotho")
    expect(page.locator("header")).not_to_contain_text("Global")  # finance: no global view

    nav(page, "Payments")
    page.get_by_text("Manual payment").click()
    form = page.locator("form[aria-label='Manual payment']")
    form.locator("input[name=account_number]").fill(platform.ls_account)
    form.locator("input[name=amount]").fill("10")
    form.locator("input[name=reference]").fill("DESK-0001")
    form.get_by_role("button", name="Record").click()
    recorded = page.locator("table.payments tbody tr", has_text="DESK-0001")
    expect(recorded).to_contain_text("LSL 10.00")
    recorded.get_by_role("button", name="Reverse").click()
    recorded.get_by_placeholder("Reason for the reversal").fill("keyed twice")
    recorded.get_by_role("button", name="Confirm reversal").click()
    expect(page.locator("table.payments tbody tr", has_text="DESK-0001")).to_have_count(2)
    expect(page.locator("table.payments")).to_contain_text("reversal")
    shot(page, "payments-ls-finance")


def test_search_open_a_customer_edit_and_promote_a_meter(
    page: Page, platform: Platform, shot: Shot
) -> None:
    log_in(page, "LS")
    nav(page, "Customers")
    page.get_by_placeholder(re.compile("Search by name")).fill(platform.ls_customer_name)
    link = page.get_by_role("link", name=platform.ls_account)
    expect(link).to_be_visible()
    shot(page, "customers-search")
    link.click()

    expect(page.locator("h1")).to_contain_text(platform.ls_account)
    expect(page.get_by_test_id("balance")).to_contain_text("kWh")
    expect(
        page.get_by_test_id("consumption-chart").locator(".recharts-bar-rectangle").first
    ).to_be_visible()
    page.get_by_role("button", name="Hourly").click()
    expect(
        page.get_by_test_id("consumption-chart").locator(".recharts-bar-rectangle").first
    ).to_be_visible()
    for reference in ("BROWSER50", "BROWSER20", "BROWSER2"):  # seeded for this account
        expect(page.locator("table.payments")).to_contain_text(reference)

    page.locator("input[name=first_name]").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error")).to_be_visible()
    page.locator("input[name=phone]").fill("not a phone")
    page.locator("input[name=first_name]").fill("Palesa")
    page.get_by_role("button", name="Save").click()
    phone_error = page.locator("label", has=page.locator("input[name=phone]")).locator(
        ".field-error"
    )
    expect(phone_error).to_be_visible()
    shot(page, "customer-field-error")

    promotable = page.locator(
        "table.meters tbody tr", has=page.get_by_role("button", name="Make primary")
    )
    meter_id = promotable.first.locator("td").first.inner_text()
    promotable.first.get_by_role("button", name="Make primary").click()
    expect(page.get_by_test_id(f"meter-{meter_id}").locator(".badge")).to_have_text("primary")
    shot(page, "customer-ls")
    page.set_viewport_size(PHONE)
    shot(page, "customer-ls-phone")


def test_allocate_an_unmatched_sms(page: Page, platform: Platform, shot: Shot) -> None:
    log_in(page, "BN")
    nav(page, "Paiements")
    inbox = page.locator(".inbox tbody tr[data-testid^=sms-]")
    expect(inbox.first).to_be_visible()
    tab = page.get_by_role("tab", name=re.compile("Non rapprochés"))
    waiting = int(re.findall(r"\((\d+)\)", tab.inner_text())[0])
    first = inbox.first
    message = first.get_attribute("data-testid")
    first.get_by_placeholder("Compte").fill(platform.bn_account)
    first.get_by_role("button", name="Attribuer").click()
    expect(page.get_by_test_id(str(message))).to_have_count(0)
    expect(tab).to_have_text(re.compile(rf"\({waiting - 1}\)"))
    shot(page, "payments-bn")
    page.get_by_role("tab", name=re.compile("Non lus")).click()
    expect(page.locator(".inbox tbody tr").first).to_be_visible()
    shot(page, "sms-unparsed-bn")


def test_change_a_tariff_with_an_effective_date(page: Page, shot: Shot) -> None:
    log_in(page, "LS")
    nav(page, "Tariffs")
    expect(page.get_by_test_id("current-rate")).not_to_have_text("—")
    page.locator("input[name=rate_per_kwh]").fill("4.25")
    page.locator("input[name=effective_from]").fill("2026-01-01T06:00")
    page.locator("input[name=note]").fill("browser test")
    page.get_by_role("button", name="New rate").click()
    expect(page.get_by_test_id("current-rate")).to_contain_text("4.25")
    history = page.locator("table.tariff-history tbody tr", has_text="browser test")
    expect(history).to_contain_text("01/01/2026, 6:00")  # entered and shown in Lesotho time
    shot(page, "tariffs-ls")


def test_arpu_chart_reports_and_excel_download(page: Page, shot: Shot) -> None:
    log_in(page, "BN")
    nav(page, "Rapport E&M")
    expect(page.get_by_test_id("arpu-chart").locator(".recharts-line-curve")).to_be_visible()
    expect(
        page.get_by_test_id("customer-growth").locator(".recharts-line-curve").first
    ).to_be_visible()
    shot(page, "om-report-bn")
    with page.expect_download(timeout=30_000) as started:
        page.get_by_test_id("quarterly-xlsx").click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    assert path.read_bytes()[:2] == b"PK"  # an xlsx is a zip
    nav(page, "Finances")
    expect(
        page.get_by_test_id("revenue-by-site").locator(".recharts-bar-rectangle").first
    ).to_be_visible()
    shot(page, "financial-bn")


def test_global_view_with_one_country_down(page: Page, shot: Shot) -> None:
    log_in(page, "LS")
    nav(page, "Global")
    warning = page.get_by_test_id("partial-warning")
    expect(warning).to_contain_text("ZM")
    expect(page.get_by_test_id("global-zm")).to_contain_text("unavailable")
    expect(warning).to_contain_text("XOF")  # Benin's franc has no rate for these months
    expect(page.get_by_test_id("global-ls")).to_contain_text("$")
    expect(page.get_by_test_id("global-bn")).to_contain_text("no rate")
    expect(page.locator("table.fx-rates tbody tr").first).to_contain_text("LSL")
    shot(page, "global")


def test_finance_queues_given_up_credits_again_from_the_dashboard(
    page: Page, platform: Platform, shot: Shot
) -> None:
    with psycopg.connect(platform.ls_database_url, autocommit=True) as connection:
        connection.execute(
            "UPDATE credit_outbox SET status = 'dead', last_error = 'koios: HTTP 500'"
            " WHERE id = (SELECT min(id) FROM credit_outbox)"
        )
    log_in(page, "LS")
    retry = page.get_by_test_id("retry-dead")
    retry.get_by_role("button", name="Retry given-up credits").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Queue 1 given-up meter credit(s)")
    shot(page, "dashboard-retry-dead-confirm")
    page.get_by_role("alertdialog").get_by_role("button", name="Confirm").click()
    expect(retry.get_by_role("status")).to_have_text("1 credit(s) queued again.")
    with psycopg.connect(platform.ls_database_url) as connection:
        dead = connection.execute("SELECT count(*) FROM credit_outbox WHERE status = 'dead'")
        assert dead.fetchone() == (0,)


def test_the_messages_page_and_a_customers_messages(
    page: Page, platform: Platform, shot: Shot
) -> None:
    log_in(page, "LS")  # the seeded payments of ls_account queued receipts to its holder
    nav(page, "Messages")
    rows = page.locator("table.messages tbody tr[data-testid^=message-]")
    expect(rows.first).to_be_visible()
    page.locator("form[aria-label=Search] input[name=account_number]").fill(platform.ls_account)
    page.locator("form[aria-label=Search] select[name=kind]").select_option("receipt")
    page.locator("form[aria-label=Search] button[type=submit]").click()
    expect(rows.nth(2)).to_be_visible()  # 3 seeded receipts, more if other tests paid meanwhile
    expect(rows.first).to_contain_text("receipt")
    # queued, or handed over if a test before this one posted to the SMS gateway endpoint
    expect(rows.first).to_contain_text(re.compile("queued|handed over", re.IGNORECASE))
    shot(page, "messages-ls")
    page.set_viewport_size(PHONE)
    expect(page.locator("form[aria-label=Search] select[name=kind]")).to_be_visible()
    shot(page, "messages-ls-phone")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"/customers/{platform.ls_account}")
    expect(page.get_by_role("heading", name="Messages sent")).to_be_visible()
    expect(page.locator("table.messages tbody tr[data-testid^=message-]").nth(2)).to_be_visible()
    language = page.locator("select[name=language]")
    expect(language.locator("option")).to_have_count(3)  # all, Sesotho, English
    language.select_option("en")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved")
    language.select_option("")  # as seeded, for the other tests
    page.get_by_role("button", name="Save").click()
