"""Customer lifecycle in the portal, at phone size: an agent registers a customer (API: the
registration wizard is another change), fees are paid by SMS, O&M commissions with a meter,
the agent has the contract signed on screen and downloads it, O&M replaces the meter and
follows the site's pipeline, the agent deactivates the customer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, nav
from tests.browser.platform import (
    LS_AGENT,
    LS_AGENT_PASSWORD,
    LS_ONM,
    LS_ONM_PASSWORD,
    SMS_GATEWAY_KEY,
    Platform,
)

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
SITE = "TOS"


def register_by_api(platform: Platform) -> str:
    with httpx.Client(base_url=platform.url, timeout=10) as client:
        login = client.post(
            "/auth/login",
            json={"username": LS_AGENT, "password": LS_AGENT_PASSWORD, "country": "LS"},
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        answer = client.post(
            "/api/ls/customers",
            json={
                "first_name": "Mpho",
                "last_name": "Letsie",
                "phone": "5877 6655",
                "site_code": SITE,
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 201, answer.text
        number: str = answer.json()["account_number"]
        return number


def pay_by_sms(platform: Platform, account: str, amount: str, txn: str) -> str:
    remark = f"{account[:-3]} {account[-3:]}"
    content = (
        f"{txn} Confirmed. on 10/4/2026 at 9:00 AM\nM{amount} received from 26658776655. "
        f"New M-Pesa balance is M500.00.\nReference: 987654321\nRemark: {remark}"
    )
    answer = httpx.post(
        f"{platform.ls_api_url}/api/sms/incoming",
        json={"messages": [{"id": txn, "from": "MPESA", "content": content}]},
        headers={"X-Gateway-Key": SMS_GATEWAY_KEY},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    outcome: str = answer.json()["results"][0]["outcome"]
    return outcome


def open_customer(page: Page, account: str) -> None:
    page.goto(f"/customers/{account}")
    expect(page.get_by_test_id("onboarding")).to_be_visible()


def test_customer_lifecycle_at_phone_size(
    page: Page, platform: Platform, shot: Shot, tmp_path: Path
) -> None:
    account = register_by_api(platform)
    assert pay_by_sms(platform, account, "1000.00", f"FEES{account}") == "fee"

    # O&M commissions the account on a phone.
    page.set_viewport_size(PHONE)
    log_in(page, "LS", LS_ONM, LS_ONM_PASSWORD)
    open_customer(page, account)
    expect(page.get_by_test_id("stage")).to_have_text("Readyboard fee paid")
    form = page.get_by_test_id("commission-form")
    form.locator("input[name=meter_id]").fill(f"SM-{account}")
    form.locator("input[name=latitude]").fill("123")
    form.locator("input[name=longitude]").fill("28.21")
    form.get_by_role("button", name="Commission").click()
    expect(form.locator(".field-error")).to_contain_text(re.compile("90|less"))
    form.locator("input[name=latitude]").fill("-29.61")
    form.locator("input[name=breaker_amps]").fill("20")
    form.locator("input[name=connection_point]").fill("P-17")
    form.get_by_role("button", name="Commission").click()
    expect(page.get_by_test_id("stage")).to_have_text("Commissioned")
    expect(page.get_by_test_id(f"meter-SM-{account}")).to_contain_text("primary")
    shot(page, "onboarding-commissioned-phone")

    # The site's pipeline: the count links to the accounts sitting there.
    page.goto(f"/pipeline?site={SITE}")
    page.get_by_test_id("count-commissioned").click()
    expect(page.get_by_test_id("stage-accounts")).to_contain_text(account)
    shot(page, "pipeline-phone")
    page.set_viewport_size({"width": 1280, "height": 860})
    shot(page, "pipeline-desktop")

    # O&M replaces the faulty meter from the meters page.
    page.set_viewport_size(PHONE)
    nav_to_meters(page)
    page.locator("input[name=q]").fill(f"SM-{account}")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_test_id(f"meter-SM-{account}")
    row.get_by_role("button", name="Replace").click()
    row.locator("input[name=serial]").fill(f"SM2-{account}")
    row.get_by_role("button", name="Replace").click()
    expect(row).to_contain_text("decommissioned")
    page.locator("input[name=q]").fill(account)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id(f"meter-SM2-{account}")).to_contain_text("primary")
    shot(page, "meters-phone")
    page.get_by_role("button", name="Sign out").click()

    # The agent has the contract signed on the phone's screen, and downloads it.
    log_in(page, "LS", LS_AGENT, LS_AGENT_PASSWORD)
    open_customer(page, account)
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 80)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 22, box["y"] + 80 + (-1) ** step * 25)
    page.mouse.up()
    page.get_by_role("button", name="Keep the signed contract").click()
    signed = page.locator("[data-testid^=signed-]").first
    expect(signed).to_contain_text(LS_AGENT)
    with page.expect_download() as waiting:
        signed.get_by_role("button", name=re.compile("PDF")).click()
    saved = tmp_path / "signed.pdf"
    waiting.value.save_as(saved)
    with psycopg.connect(platform.ls_database_url) as connection:
        stored = connection.execute(
            "SELECT c.pdf FROM contracts c JOIN accounts a ON a.id = c.account_id"
            " WHERE a.account_number = %s",
            (account,),
        ).fetchone()
    assert stored is not None and saved.read_bytes() == bytes(stored[0])
    shot(page, "contract-signed-phone")

    # Deactivation asks what happens to the meters.
    deactivate = page.get_by_test_id("deactivate")
    deactivate.locator("summary").click()
    button = deactivate.get_by_role("button", name="Deactivate customer")
    expect(button).to_be_disabled()
    deactivate.get_by_label("Keep the meters for a new customer").check()
    shot(page, "deactivate-phone")
    button.click()
    expect(page.get_by_test_id("stage")).to_have_text("Decommissioned")
    page.set_viewport_size({"width": 1280, "height": 860})
    shot(page, "customer-decommissioned-desktop")


def nav_to_meters(page: Page) -> None:
    nav(page, "Meters")
    expect(page.get_by_test_id("meters-table")).to_be_visible()
