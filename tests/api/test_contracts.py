"""Contracts: block, framework call-off, spot and DPS contracts with providers,
the contracts register (CSV of every contract of £5,000 a year or more), the
rules between kind, places, framework and lot, roles and tenant isolation."""
import csv
import io
import uuid

import pytest

from conftest import unique
from hearth_client import assert_problem
from records import psql

WRITER = {"roles": "commissioner"}


def new_provider(api, token=None, **overrides):
    body = {"name": unique("Contract Test Homes"), "provider_types": ["childrens_home"],
            "ownership": "private"}
    body.update(overrides)
    resp = api.post("/v1/providers", body, token=token,
                    **({} if token else WRITER))
    assert resp.status_code == 201, resp.text
    return resp.json()


@pytest.fixture(scope="module")
def provider(api):
    return new_provider(api)


def contract_body(pid, /, **overrides):
    body = {"provider_id": pid, "kind": "spot", "reference": unique("SPOT"),
            "title": "Spot placement, single bed", "start_date": "2026-04-01",
            "end_date": "2027-03-31", "annual_value_pence": 250000}
    body.update(overrides)
    return body


def new_contract(api, pid, /, token=None, **overrides):
    resp = api.post("/v1/contracts", contract_body(pid, **overrides), token=token,
                    **({} if token else WRITER))
    assert resp.status_code == 201, resp.text
    return resp


def listed_ids(api, token=None, **params):
    """Every id of a filtered list, walking all pages."""
    ids, cursor = [], None
    while True:
        query = dict(params, limit=500)
        if cursor:
            query["cursor"] = cursor
        resp = api.get("/v1/contracts", params=query, token=token)
        assert resp.status_code == 200, resp.text
        ids += [c["id"] for c in resp.json()["items"]]
        cursor = resp.json()["next_cursor"]
        if cursor is None:
            return ids


def test_create_returns_201_location_etag_defaults_and_provider_name(api, provider):
    resp = new_contract(api, provider["id"], kind="block", places=4,
                        reference=unique("BLK"), annual_value_pence=104000000)
    c = resp.json()
    assert resp.headers["Location"] == f"/v1/contracts/{c['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert c["version"] == 1 and c["status"] == "draft"
    assert c["provider_id"] == provider["id"]
    assert c["provider_name"] == provider["name"]
    assert c["places"] == 4 and c["annual_value_pence"] == 104000000
    assert c["framework_id"] is None and c["lot_id"] is None
    got = api.get(resp.headers["Location"], roles="viewer")
    assert got.status_code == 200 and got.json() == c
    assert got.headers["ETag"] == '"1"'


def test_value_above_32_bits_is_kept_exactly(api, provider):
    c = new_contract(api, provider["id"], annual_value_pence=3_000_000_000).json()
    assert c["annual_value_pence"] == 3_000_000_000


def test_open_ended_contract_has_null_end_date(api, provider):
    body = contract_body(provider["id"])
    del body["end_date"]
    resp = api.post("/v1/contracts", body, **WRITER)
    assert resp.status_code == 201, resp.text
    assert resp.json()["end_date"] is None


def test_bad_inputs_name_the_field(api):
    pid = new_provider(api)["id"]
    cases = [
        ({"kind": "lease"}, "kind"),
        ({"annual_value_pence": -1}, "annual_value_pence"),
        ({"annual_value_pence": 12.5}, "annual_value_pence"),
        ({"annual_value_pence": "500000"}, "annual_value_pence"),
        ({"start_date": "2026-04-01", "end_date": "2026-03-31"}, "end_date"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"provider_id": str(uuid.uuid4())}, "provider_id"),
        ({"provider_id": "not-a-uuid"}, "provider_id"),
        ({"lot_id": str(uuid.uuid4())}, "framework_id"),
        ({"framework_id": str(uuid.uuid4())}, "framework_id"),
        ({"kind": "block"}, "places"),
        ({"kind": "spot", "places": 2}, "places"),
        ({"kind": "block", "places": 0}, "places"),
        ({"reference": ""}, "reference"),
        ({"status": "cancelled"}, "status"),
        ({"provider_name": "Someone"}, "provider_name"),
        ({"colour": "red"}, "colour"),
    ]
    for overrides, field in cases:
        resp = api.post("/v1/contracts", contract_body(pid, **overrides), **WRITER)
        assert_problem(resp, 400, "validation", field=field)
    for field in ("provider_id", "kind", "reference", "title", "start_date", "annual_value_pence"):
        body = contract_body(pid)
        del body[field]
        assert_problem(api.post("/v1/contracts", body, **WRITER), 400, "validation", field=field)
    # None of the refused bodies left anything behind.
    assert listed_ids(api, provider_id=pid) == []


def test_duplicate_reference_is_409_naming_reference(api, provider):
    ref = unique("DUP")
    new_contract(api, provider["id"], reference=ref)
    resp = api.post("/v1/contracts", contract_body(provider["id"], reference=ref), **WRITER)
    assert_problem(resp, 409, "conflict", field="reference")


def test_framework_and_lot_must_belong_together(api, provider):
    """A lot of another framework is refused naming lot_id."""
    def framework(name):
        body = {"name": name, "vehicle": "framework", "start_date": "2026-01-01",
                "end_date": "2029-12-31", "weights": {"quality_pct": 60, "commercial_pct": 40},
                "lots": [{"code": "L1", "title": "Residential", "service_type": "residential"}]}
        resp = api.post("/v1/frameworks", body, roles="tenant_admin")
        if resp.status_code == 404:
            pytest.skip("frameworks are not served yet")
        assert resp.status_code == 201, resp.text
        return resp.json()

    first, second = framework(unique("Framework A")), framework(unique("Framework B"))
    lot_a, lot_b = first["lots"][0]["id"], second["lots"][0]["id"]
    ok = new_contract(api, provider["id"], kind="framework_call_off", framework_id=first["id"],
                      lot_id=lot_a).json()
    assert ok["framework_id"] == first["id"] and ok["lot_id"] == lot_a
    resp = api.post("/v1/contracts", contract_body(provider["id"], kind="framework_call_off",
                                                   framework_id=first["id"], lot_id=lot_b),
                    **WRITER)
    assert_problem(resp, 400, "validation", field="lot_id")
    resp = api.patch(f"/v1/contracts/{ok['id']}", {"lot_id": lot_b}, **WRITER)
    assert_problem(resp, 400, "validation", field="lot_id")
    resp = api.post("/v1/contracts", contract_body(provider["id"], framework_id=first["id"]),
                    **WRITER)
    assert_problem(resp, 400, "validation", field="framework_id")  # spot under a framework


def test_patch_with_if_match_stale_version_and_status_verbs(api, provider):
    c = new_contract(api, provider["id"]).json()
    path = f"/v1/contracts/{c['id']}"
    resp = api.patch(path, {"status": "active", "title": "Spot placement, renewed"},
                     headers={"If-Match": '"1"'}, **WRITER)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "active" and resp.json()["version"] == 2
    assert resp.headers["ETag"] == '"2"'
    stale = api.patch(path, {"status": "terminated"}, headers={"If-Match": '"1"'}, **WRITER)
    assert_problem(stale, 412, "precondition-failed")
    assert api.get(path).json()["status"] == "active"
    same = api.patch(path, {"title": "Spot placement, renewed"}, headers={"If-Match": '"2"'},
                     **WRITER)
    assert same.status_code == 200 and same.json()["version"] == 2
    # The merged document is checked as a whole: end before start, block without places.
    assert_problem(api.patch(path, {"end_date": "2020-01-01"}, **WRITER), 400, field="end_date")
    assert_problem(api.patch(path, {"kind": "block"}, **WRITER), 400, field="places")
    block = api.patch(path, {"kind": "block", "places": 3}, **WRITER)
    assert block.status_code == 200 and block.json()["places"] == 3
    assert_problem(api.patch(path, {"kind": "spot"}, **WRITER), 400, field="places")
    spot = api.patch(path, {"kind": "spot", "places": None}, **WRITER)
    assert spot.status_code == 200 and spot.json()["places"] is None
    assert_problem(api.patch(path, {"annual_value_pence": 1.5}, **WRITER), 400,
                   field="annual_value_pence")
    assert_problem(api.patch(path, {"provider_id": str(uuid.uuid4())}, **WRITER), 400,
                   field="provider_id")
    ended = api.patch(path, {"status": "terminated"}, **WRITER)
    assert ended.json()["status"] == "terminated"
    assert api.get(path).status_code == 200  # never deleted
    assert_problem(api.patch(f"/v1/contracts/{uuid.uuid4()}", {"title": "X"}, **WRITER), 404)


def test_idempotent_create_replays_and_rejects_another_body(api, provider):
    key = str(uuid.uuid4())
    body = contract_body(provider["id"])
    first = api.post("/v1/contracts", body, headers={"Idempotency-Key": key}, **WRITER)
    again = api.post("/v1/contracts", body, headers={"Idempotency-Key": key}, **WRITER)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    refs = [c for c in api.get("/v1/contracts", params={"provider_id": provider["id"],
                                                        "limit": 500}).json()["items"]
            if c["reference"] == body["reference"]]
    assert len(refs) == 1
    other = api.post("/v1/contracts", {**body, "title": "Another"},
                     headers={"Idempotency-Key": key}, **WRITER)
    assert_problem(other, 422, "idempotency-key-reused", field="Idempotency-Key")


def test_pagination_walks_every_item_once(api):
    p = new_provider(api)
    made = {new_contract(api, p["id"]).json()["id"] for _ in range(7)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"provider_id": p["id"], "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/contracts", params=params).json()
        assert len(page["items"]) <= 3
        seen += [c["id"] for c in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        new_contract(api, new_provider(api)["id"])  # inserts elsewhere shift nothing
    assert set(seen) == made and len(seen) == 7 and pages == 3


def test_each_filter(api):
    p, q = new_provider(api), new_provider(api)
    block = new_contract(api, p["id"], kind="block", places=2, annual_value_pence=500000,
                         status="active").json()
    below = new_contract(api, p["id"], kind="spot", annual_value_pence=499999).json()
    dps = new_contract(api, p["id"], kind="dps_call_off", annual_value_pence=500001,
                       status="expired").json()
    elsewhere = new_contract(api, q["id"], kind="other", annual_value_pence=0).json()
    assert set(listed_ids(api, provider_id=p["id"])) == {block["id"], below["id"], dps["id"]}
    assert listed_ids(api, provider_id=q["id"]) == [elsewhere["id"]]
    assert listed_ids(api, provider_id=p["id"], kind="dps_call_off") == [dps["id"]]
    assert listed_ids(api, provider_id=p["id"], status="active") == [block["id"]]
    assert listed_ids(api, provider_id=p["id"], status="draft") == [below["id"]]
    # min_annual_value_pence is inclusive: exactly £5,000 is in the register.
    assert set(listed_ids(api, provider_id=p["id"], min_annual_value_pence=500000)) == \
        {block["id"], dps["id"]}
    assert listed_ids(api, provider_id=p["id"], min_annual_value_pence=500001) == [dps["id"]]
    assert listed_ids(api, provider_id=q["id"], min_annual_value_pence=0) == [elsewhere["id"]]
    everyone = set(listed_ids(api, min_annual_value_pence=500000))
    assert {block["id"], dps["id"]} <= everyone and below["id"] not in everyone
    for name, bad in (("kind", "lease"), ("status", "open"), ("provider_id", "abc"),
                      ("min_annual_value_pence", "-1"), ("min_annual_value_pence", "12.5"),
                      ("min_annual_value_pence", "£5000"), ("max_annual_value_pence", "1")):
        assert_problem(api.get("/v1/contracts", params={name: bad}), 400, "validation",
                       field=name)


def test_contracts_register_csv(api):
    p = new_provider(api, name=unique('Hafan "Cartref" Care, Ltd'))
    big = new_contract(api, p["id"], title='Residential block, North "Lot 2"', kind="block",
                       places=6, annual_value_pence=156000000).json()
    edge = new_contract(api, p["id"], annual_value_pence=500000).json()
    small = new_contract(api, p["id"], annual_value_pence=499999).json()
    resp = api.get("/v1/contracts", params={"min_annual_value_pence": 500000, "limit": 500},
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.text)))
    header = rows[0]
    assert header[:7] == ["id", "reference", "title", "provider_id", "provider_name", "kind",
                          "status"]
    records = [dict(zip(header, r)) for r in rows[1:]]
    assert all(len(r) == len(header) for r in rows)
    by_id = {r["id"]: r for r in records}
    assert big["id"] in by_id and edge["id"] in by_id and small["id"] not in by_id
    assert all(int(r["annual_value_pence"]) >= 500000 for r in records)
    assert by_id[big["id"]]["title"] == 'Residential block, North "Lot 2"'
    assert by_id[big["id"]]["provider_name"] == p["name"]
    assert by_id[big["id"]]["places"] == "6"
    assert by_id[big["id"]]["annual_value_pence"] == "156000000"
    assert by_id[edge["id"]]["places"] == ""


def test_roles_viewer_and_qa_officer_cannot_write(api, provider):
    c = new_contract(api, provider["id"]).json()
    for roles in ("viewer", "qa_officer", "provider", "integration"):
        resp = api.post("/v1/contracts", contract_body(provider["id"]), roles=roles)
        assert_problem(resp, 403, "forbidden")
        resp = api.patch(f"/v1/contracts/{c['id']}", {"status": "active"}, roles=roles)
        assert_problem(resp, 403, "forbidden")
        assert api.get(f"/v1/contracts/{c['id']}", roles=roles).status_code == 200
    assert api.get(f"/v1/contracts/{c['id']}").json()["status"] == "draft"
    admin = api.post("/v1/contracts", contract_body(provider["id"]), roles="tenant_admin")
    assert admin.status_code == 201, admin.text


def test_other_tenant_sees_nothing_of_ours(api, other_tenant, provider):
    ours = new_contract(api, provider["id"], annual_value_pence=900000).json()
    theirs_token = api.token(roles="commissioner", org=other_tenant["org"],
                             tenant=other_tenant["tenant"], sub="iso-commissioner")
    token = other_tenant["admin_token"]
    assert_problem(api.get(f"/v1/contracts/{ours['id']}", token=token), 404, "not-found")
    assert_problem(api.patch(f"/v1/contracts/{ours['id']}", {"status": "terminated"},
                             token=token), 404, "not-found")
    assert ours["id"] not in listed_ids(api, token=token)
    assert listed_ids(api, token=token, provider_id=provider["id"]) == []
    assert ours["id"] not in listed_ids(api, token=token, min_annual_value_pence=500000)
    # Their contract cannot point at our provider: it is no provider of theirs.
    resp = api.post("/v1/contracts", contract_body(provider["id"]), token=theirs_token)
    assert_problem(resp, 400, "validation", field="provider_id")
    # With their own provider it works, and we do not see it.
    their_provider = new_provider(api, token=theirs_token)
    theirs = new_contract(api, their_provider["id"], token=theirs_token).json()
    assert_problem(api.get(f"/v1/contracts/{theirs['id']}"), 404)
    assert theirs["id"] not in listed_ids(api)
    # A reference is unique per tenant, not across tenants.
    again = api.post("/v1/contracts", contract_body(their_provider["id"],
                                                    reference=ours["reference"]),
                     token=theirs_token)
    assert again.status_code == 201, again.text
    assert api.get(f"/v1/contracts/{ours['id']}").json()["status"] == "draft"


def test_events_created_updated_and_status_verbs(api, stack_env, provider):
    c = new_contract(api, provider["id"]).json()
    path = f"/v1/contracts/{c['id']}"
    api.patch(path, {"title": "Renamed"}, **WRITER)
    api.patch(path, {"title": "Renamed"}, **WRITER)  # no change: no event
    for status in ("active", "expired", "terminated", "draft"):
        assert api.patch(path, {"status": status}, **WRITER).status_code == 200
    types = psql(stack_env, "SELECT string_agg(type, ',' ORDER BY seq) FROM providers.outbox "
                            f"WHERE subject_id = '{c['id']}'")
    assert types.split(",") == [
        "providers.contract.created", "providers.contract.updated",
        "providers.contract.updated", "providers.contract.activated",
        "providers.contract.updated", "providers.contract.expired",
        "providers.contract.updated", "providers.contract.terminated",
        "providers.contract.updated"]
    subject = psql(stack_env, "SELECT DISTINCT subject_type || '|' || (payload->>'reference') "
                              f"FROM providers.outbox WHERE subject_id = '{c['id']}'")
    assert subject == f"contract|{c['reference']}"


def test_seeded_demo_register(api):
    """The demo consortium's register: seeded contracts with provider names,
    the £5,000 boundary included, a £4,800 short break left out."""
    resp = api.get("/v1/contracts", params={"min_annual_value_pence": 500000, "limit": 500},
                   headers={"Accept": "text/csv"}, roles="viewer")
    assert resp.status_code == 200
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(resp.text))}
    assert rows["SV-BLK-2025-001"]["provider_name"] == "Willowbrook Care"
    assert rows["SV-BLK-2025-001"]["places"] == "4"
    assert rows["SV-BLK-2025-001"]["title"] == "Residential block, 4 beds (Aberhafren)"
    assert rows["SV-SPT-2025-017"]["annual_value_pence"] == "500000"
    assert "SV-SPT-2026-016" not in rows and "SV-OTH-2024-022" not in rows
    block = api.get("/v1/contracts/00000000-0000-4000-8000-00000ec00001").json()
    assert block["kind"] == "block" and block["status"] == "active"
    call_off = api.get("/v1/contracts/00000000-0000-4000-8000-00000ec00007").json()
    assert call_off["kind"] == "framework_call_off"
    assert call_off["framework_id"] == "00000000-0000-4000-8000-0000000f0001"
    assert call_off["lot_id"] == "00000000-0000-4000-8000-0000000f1001"
