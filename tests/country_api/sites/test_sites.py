"""Sites in the database: superadmins add and edit them (audited); the file never undoes it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlmodel import Session

from country_api.sites.models import Site
from country_api.sites.service import sync_sites
from gridcare.core.countries import load_country
from gridcare.core.db import make_engine, unit_of_work

Auth = Callable[..., dict[str, str]]


async def test_the_new_and_reconciled_lesotho_sites_are_searchable_by_either_spelling(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    sites = (await ls_client.get("/api/sites", headers=auth(role="viewer"))).json()
    by_code = {site["code"]: site for site in sites}
    assert {"MET", "BOB", "MAN"} <= set(by_code)
    assert by_code["BOB"]["district"] == "Thaba-Tseka"
    assert by_code["SEB"]["name"] == "Sebapala" and "Semonkong" in by_code["SEB"]["alt_names"]
    for q, code in [("semonkong", "SEB"), ("Tloha", "TLH"), ("letseng", "LSB"), ("nkau", "NKU")]:
        found = await ls_client.get("/api/sites", params={"q": q}, headers=auth(role="viewer"))
        assert [site["code"] for site in found.json()] == [code], q


async def test_a_superadmin_adds_and_edits_a_site_audited_and_others_may_not(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    new = {"code": "kao", "name": "Kao", "district": "Butha-Buthe", "meter_platform": "koios"}
    refused = await ls_client.post("/api/sites", json=new, headers=auth(role="onm"))
    assert refused.status_code == 403
    created = await ls_client.post("/api/sites", json=new, headers=auth())
    assert created.status_code == 201, created.text
    assert created.json()["code"] == "KAO" and created.json()["edited_by"] == "tester"
    again = await ls_client.post("/api/sites", json=new, headers=auth())
    assert again.status_code == 409
    bad_platform = await ls_client.post(
        "/api/sites", json={**new, "code": "KAP", "meter_platform": "nope"}, headers=auth()
    )
    assert bad_platform.status_code == 422
    assert bad_platform.json()["error"]["fields"][0]["field"] == "meter_platform"

    renamed = await ls_client.patch(
        "/api/sites/MAT", json={"name": "Ha Matsoaing", "active": False}, headers=auth()
    )
    assert renamed.status_code == 200
    body = renamed.json()
    assert body["name"] == "Ha Matsoaing" and body["active"] is False
    assert {"Matsoaing", "Matsieng"} <= set(body["alt_names"])
    customer = await ls_client.post(
        "/api/customers",
        json={"first_name": "A", "phone": "5812 3456", "site_code": "MAT"},
        headers=auth(),
    )
    assert customer.status_code == 422  # an inactive site registers no one
    registered = await ls_client.post(
        "/api/customers",
        json={"first_name": "A", "phone": "5812 3456", "site_code": "KAO"},
        headers=auth(),
    )
    assert registered.json()["account_number"] == "0001KAO"  # no redeploy needed
    audit = await ls_client.get("/api/mutations", params={"table": "sites"}, headers=auth())
    assert sorted((m["action"], m["record_id"]) for m in audit.json()["items"]) == [
        ("insert", "KAO"),
        ("update", "MAT"),
    ]


def test_the_start_up_sync_inserts_missing_sites_and_never_overwrites_edits(ls_db: str) -> None:
    country = load_country("ls")
    engine = make_engine(ls_db, pool_size=1)
    try:
        with unit_of_work(engine) as session:
            sync_sites(session=session, country=country)
            edited = session.get(Site, "SEB")
            assert edited is not None
            edited.name, edited.active, edited.edited_by = "Staff name", False, "someone"
            edited.edited_at = edited.created_at
            session.add(edited)
            session.delete(_get(session, "BOB"))
            untouched = _get(session, "TLH")
            untouched.name = "Old file name"
            session.add(untouched)
        with unit_of_work(engine) as session:
            sync_sites(session=session, country=country)
        with Session(engine) as session:
            assert (_get(session, "SEB").name, _get(session, "SEB").active) == ("Staff name", False)
            assert _get(session, "BOB").district == "Thaba-Tseka"  # inserted again
            tlh = _get(session, "TLH")
            assert tlh.name == "Tlhanyaku" and "Old file name" in tlh.alt_names
    finally:
        engine.dispose()


def _get(session: Session, code: str) -> Site:
    site = session.get(Site, code)
    assert site is not None
    return site


async def test_the_portal_config_lists_sites_added_in_the_portal(
    ls_client: httpx.AsyncClient, auth: Auth
) -> None:
    new = {"code": "KAO", "name": "Kao", "meter_platform": "koios"}
    assert (await ls_client.post("/api/sites", json=new, headers=auth())).status_code == 201
    await ls_client.patch("/api/sites/SEB", json={"active": False}, headers=auth())
    sites = (await ls_client.get("/api/config")).json()["sites"]
    assert [site["code"] for site in sites][:2] == ["MAK", "MAS"]  # the file's order first
    assert sites[-1] == {"code": "KAO", "name": "Kao", "meter_platform": "koios", "active": True}
    assert next(site for site in sites if site["code"] == "SEB")["active"] is False
