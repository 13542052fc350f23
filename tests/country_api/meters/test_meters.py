import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from country_api.customers.models import Account
from country_api.meters.models import Meter, MeterAssignment, MeterPlatform, MeterRole
from tests.country_api.customers.factories import Auth, ls_engine, post_customer, post_meter

__all__ = ["ls_engine"]


async def roles(client: httpx.AsyncClient, auth: Auth, account: str) -> dict[str, str]:
    answer = await client.get(
        "/api/meters", params={"account_number": account}, headers=auth(role="viewer")
    )
    assert answer.status_code == 200, answer.text
    return {item["meter_id"]: item["role"] for item in answer.json()["items"]}


async def test_registered_meter_is_active_on_the_account(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    answer = await post_meter(ls_client, auth, "SM-1", "0001mak", platform="sparkmeter")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["status"], body["role"], body["platform"]) == ("active", "primary", "sparkmeter")
    assert body["account_number"] == "0001MAK"
    listed = await ls_client.get(
        "/api/meters", params={"account_number": "0001MAK"}, headers=auth(role="viewer")
    )
    assert listed.json()["total"] == 1
    [item] = listed.json()["items"]
    assert (item["meter_id"], item["role"], item["status"], item["platform"]) == (
        "SM-1",
        "primary",
        "active",
        "sparkmeter",
    )


async def test_a_second_primary_is_refused_with_409(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    assert (await post_meter(ls_client, auth, "SM-1", "0001MAK")).status_code == 201
    second = await post_meter(ls_client, auth, "SM-2", "0001MAK", role="primary")
    assert second.status_code == 409
    assert "primary" in second.json()["error"]["message"]
    assert await roles(ls_client, auth, "0001MAK") == {"SM-1": "primary"}
    check = await post_meter(ls_client, auth, "SM-2", "0001MAK", role="check", platform="onemeter")
    assert check.status_code == 201
    assert await roles(ls_client, auth, "0001MAK") == {"SM-1": "primary", "SM-2": "check"}


async def test_promotion_demotes_the_old_primary_in_one_transaction(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    await post_meter(ls_client, auth, "SM-1", "0001MAK")
    await post_meter(ls_client, auth, "SM-2", "0001MAK", role="check")
    await post_meter(ls_client, auth, "SM-3", "0001MAK", role="backup")
    answer = await ls_client.patch(
        "/api/meters/SM-2/role", json={"role": "primary"}, headers=auth(role="onm")
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == "primary"
    assert await roles(ls_client, auth, "0001MAK") == {
        "SM-1": "check",
        "SM-2": "primary",
        "SM-3": "backup",
    }
    alone = await ls_client.patch("/api/meters/SM-2/role", json={"role": "backup"}, headers=auth())
    assert alone.status_code == 409  # the only primary of an active account
    assert "replacement_meter_id" in alone.json()["error"]["message"]
    demote = await ls_client.patch(
        "/api/meters/SM-2/role",
        json={"role": "backup", "replacement_meter_id": "SM-1"},
        headers=auth(),
    )
    assert demote.status_code == 200, demote.text
    assert await roles(ls_client, auth, "0001MAK") == {
        "SM-1": "primary",
        "SM-2": "backup",
        "SM-3": "backup",
    }
    all_meters = await ls_client.get("/api/meters", headers=auth())
    assert all_meters.json()["total"] == 3


async def test_role_history_is_kept_as_ended_assignments(
    ls_client: httpx.AsyncClient, auth: Auth, ls_engine: Engine
) -> None:
    await post_customer(ls_client, auth)
    await post_meter(ls_client, auth, "SM-1", "0001MAK")
    await post_meter(ls_client, auth, "SM-2", "0001MAK", role="check")
    await ls_client.patch("/api/meters/SM-2/role", json={"role": "primary"}, headers=auth())
    with Session(ls_engine) as session:
        history = session.exec(
            select(Meter.meter_id, MeterAssignment.role, MeterAssignment.ended_at)
            .join(Meter, col(Meter.id) == col(MeterAssignment.meter_pk))
            .order_by(col(MeterAssignment.id))
        ).all()
    assert [(m, r, ended is None) for m, r, ended in history] == [
        ("SM-1", "primary", False),
        ("SM-2", "check", False),
        ("SM-1", "check", True),
        ("SM-2", "primary", True),
    ]
    ended = {m: e for m, _, e in history if e is not None}
    assert ended["SM-1"] == ended["SM-2"]


async def test_the_database_itself_allows_one_open_primary_per_account(
    ls_client: httpx.AsyncClient, auth: Auth, ls_engine: Engine
) -> None:
    created = await post_customer(ls_client, auth)
    with Session(ls_engine) as session:
        account = session.exec(
            select(Account).where(Account.account_number == created["account_number"])
        ).one()
        meters = [Meter(meter_id=f"DB-{n}", platform=MeterPlatform.LEGACY) for n in (1, 2)]
        session.add_all(meters)
        session.flush()
        assert account.id is not None
        for meter in meters:
            assert meter.id is not None
            session.add(
                MeterAssignment(meter_pk=meter.id, account_id=account.id, role=MeterRole.PRIMARY)
            )
        with pytest.raises(IntegrityError, match="one_primary_per_account"):
            session.flush()


async def test_decommissioning_ends_the_assignment(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    await post_customer(ls_client, auth)
    await post_meter(ls_client, auth, "SM-1", "0001MAK")
    alone = await ls_client.post("/api/meters/SM-1/decommission", headers=auth(role="onm"))
    assert alone.status_code == 409  # the only primary of an active account
    answer = await ls_client.post(
        "/api/meters/SM-1/decommission",
        json={"replacement_meter_id": "SM-9", "replacement_platform": "sparkmeter"},
        headers=auth(role="onm"),
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["role"]) == ("decommissioned", None)
    assert await roles(ls_client, auth, "0001MAK") == {"SM-9": "primary"}
    reuse = await post_meter(ls_client, auth, "SM-1", "0001MAK")
    assert reuse.status_code == 409
    replacement = await post_meter(ls_client, auth, "SM-2", "0001MAK", role="check")
    assert replacement.status_code == 201


async def test_meter_input_errors(ls_client: httpx.AsyncClient, auth: Auth) -> None:
    await post_customer(ls_client, auth)
    await post_customer(ls_client, auth, first_name="Other")
    bad_platform = await post_meter(ls_client, auth, "SM-1", "0001MAK", platform="acme")
    assert bad_platform.status_code == 422
    assert bad_platform.json()["error"]["fields"][0]["field"] == "platform"
    bad_role = await post_meter(ls_client, auth, "SM-1", "0001MAK", role="boss")
    assert bad_role.json()["error"]["fields"][0]["field"] == "role"
    unknown_account = await post_meter(ls_client, auth, "SM-1", "0404MAK")
    assert unknown_account.status_code == 422
    assert unknown_account.json()["error"]["fields"][0]["field"] == "account_number"
    await post_meter(ls_client, auth, "SM-1", "0001MAK")
    elsewhere = await post_meter(ls_client, auth, "SM-1", "0002MAK", role="check")
    assert elsewhere.status_code == 409
    assert "0001MAK" in elsewhere.json()["error"]["message"]
    missing = await ls_client.patch("/api/meters/NOPE/role", json={"role": "check"}, headers=auth())
    assert missing.status_code == 404
    unknown = await ls_client.get(
        "/api/meters", params={"account_number": "0404MAK"}, headers=auth()
    )
    assert unknown.status_code == 404
    viewer = await ls_client.patch(
        "/api/meters/SM-1/role", json={"role": "check"}, headers=auth(role="viewer")
    )
    assert viewer.status_code == 403
