"""Organisations: the first resource, and the conventions every resource shares
(201 + Location + ETag, Idempotency-Key, If-Match, merge patch, keyset pages,
CSV, roles, tenant isolation)."""
import csv
import io
import uuid

from conftest import unique
from hearth_client import DEMO_COUNCIL, assert_problem

ADMIN = {"roles": "tenant_admin"}


def new_org(api, **overrides):
    body = {"kind": "local_authority", "name": unique("Council"), "code": unique("E06"),
            "centre": {"lat": 52.0, "lon": -2.0}}
    body.update(overrides)
    resp = api.post("/v1/organisations", body, **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp


def test_seeded_demo_council_is_readable_by_any_role(api):
    for roles in ("viewer", "commissioner", "qa_officer", "provider", "integration"):
        resp = api.get(f"/v1/organisations/{DEMO_COUNCIL}", roles=roles)
        assert resp.status_code == 200
        assert resp.json()["kind"] == "local_authority"
        assert resp.headers["ETag"] == f'"{resp.json()["version"]}"'


def test_create_returns_201_location_etag_and_defaults(api):
    resp = new_org(api)
    org = resp.json()
    assert resp.headers["Location"] == f"/v1/organisations/{org['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert org["version"] == 1 and org["status"] == "active"
    assert org["local_radius_miles"] == 20
    assert api.get(resp.headers["Location"]).json() == org


def test_forbidden_write_is_403(api):
    resp = api.post("/v1/organisations", {"kind": "consortium", "name": "X"}, roles="commissioner")
    assert_problem(resp, 403, "forbidden")
    resp = api.patch(f"/v1/organisations/{DEMO_COUNCIL}", {"name": "X"}, roles="viewer")
    assert_problem(resp, 403, "forbidden")


def test_validation_names_each_field(api):
    resp = api.post("/v1/organisations", {"kind": "parish", "name": "",
                                          "centre": {"lat": 91, "lon": 0},
                                          "local_radius_miles": -1}, **ADMIN)
    body = assert_problem(resp, 400, "validation")
    named = {e["field"] for e in body["errors"]}
    assert {"kind", "name", "centre.lat", "local_radius_miles"} <= named
    resp = api.post("/v1/organisations", {"name": "No kind"}, **ADMIN)
    assert_problem(resp, 400, "validation", field="kind")
    resp = api.post("/v1/organisations", {"kind": "provider", "name": "Staff"}, **ADMIN)
    assert_problem(resp, 400, "validation", field="provider_id")
    resp = api.post("/v1/organisations", {"kind": "provider", "name": "Staff",
                                          "provider_id": str(uuid.uuid4())}, **ADMIN)
    assert_problem(resp, 400, "validation", field="provider_id")


def test_duplicate_code_is_409_naming_code(api):
    code = unique("W06")
    new_org(api, code=code)
    resp = api.post("/v1/organisations", {"kind": "local_authority", "name": "Twin", "code": code},
                    **ADMIN)
    assert_problem(resp, 409, "conflict", field="code")


def test_idempotent_create_replays_and_rejects_another_body(api):
    key = str(uuid.uuid4())
    body = {"kind": "consortium", "name": unique("Team")}
    first = api.post("/v1/organisations", body, headers={"Idempotency-Key": key}, **ADMIN)
    again = api.post("/v1/organisations", body, headers={"Idempotency-Key": key}, **ADMIN)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["Location"] == first.headers["Location"]
    listed = api.get("/v1/organisations", params={"kind": "consortium", "limit": 500}).json()
    assert sum(1 for o in listed["items"] if o["name"] == body["name"]) == 1
    other = api.post("/v1/organisations", {**body, "name": "Different"},
                     headers={"Idempotency-Key": key}, **ADMIN)
    assert_problem(other, 422, "idempotency-key-reused", field="Idempotency-Key")


def test_patch_with_if_match_and_stale_version(api):
    org = new_org(api).json()
    path = f"/v1/organisations/{org['id']}"
    resp = api.patch(path, {"name": "Renamed Council", "centre": {"lat": 51.5}},
                     headers={"If-Match": '"1"'}, **ADMIN)
    assert resp.status_code == 200, resp.text
    assert resp.json()["name"] == "Renamed Council"
    assert resp.json()["centre"] == {"lat": 51.5, "lon": -2.0}
    assert resp.json()["version"] == 2 and resp.headers["ETag"] == '"2"'
    stale = api.patch(path, {"name": "Lost update"}, headers={"If-Match": '"1"'}, **ADMIN)
    assert_problem(stale, 412, "precondition-failed")
    assert api.get(path).json()["name"] == "Renamed Council"
    # The same values again change nothing and bump no version.
    same = api.patch(path, {"name": "Renamed Council"}, headers={"If-Match": '"2"'}, **ADMIN)
    assert same.json()["version"] == 2
    # null clears an optional field; clearing a required one is refused.
    cleared = api.patch(path, {"code": None}, **ADMIN)
    assert cleared.json()["code"] is None and cleared.json()["version"] == 3
    assert_problem(api.patch(path, {"name": None}, **ADMIN), 400, "validation", field="name")
    assert_problem(api.patch(path, {"id": str(uuid.uuid4())}, **ADMIN), 400, field="id")
    assert_problem(api.patch(path, {"name": "X"}, headers={"If-Match": "yesterday"}, **ADMIN),
                   400, field="If-Match")


def test_status_change_closes_without_deleting(api):
    org = new_org(api).json()
    resp = api.patch(f"/v1/organisations/{org['id']}", {"status": "closed"}, **ADMIN)
    assert resp.json()["status"] == "closed"
    assert api.get(f"/v1/organisations/{org['id']}").status_code == 200


def test_pagination_walks_every_item_once(api):
    made = {new_org(api).json()["id"] for _ in range(7)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"kind": "local_authority", "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/organisations", params=params).json()
        assert len(page["items"]) <= 3
        seen += [o["id"] for o in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        # An insert between pages must not shift or repeat anything.
        new_org(api, kind="consortium")
    assert made <= set(seen)
    assert len(seen) == len(set(seen))
    assert pages >= 3


def test_cursor_is_bound_to_its_list(api):
    for _ in range(3):
        new_org(api)
    page = api.get("/v1/organisations", params={"limit": 1}).json()
    assert page["next_cursor"]
    resp = api.get("/v1/organisations", params={"limit": 1, "kind": "consortium",
                                                "cursor": page["next_cursor"]})
    assert_problem(resp, 400, "validation", field="cursor")
    resp = api.get("/v1/organisations", params={"cursor": page["next_cursor"][:-3] + "abc"})
    assert_problem(resp, 400, "validation", field="cursor")
    for bad in ("0", "501", "ten"):
        assert_problem(api.get("/v1/organisations", params={"limit": bad}), 400, field="limit")
    assert_problem(api.get("/v1/organisations", params={"kind": "parish"}), 400, field="kind")


def test_csv_list(api):
    new_org(api, name='Council, "Quoted"')
    resp = api.get("/v1/organisations", headers={"Accept": "text/csv"}, params={"limit": 500})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.text)))
    assert rows[0][:3] == ["id", "kind", "name"]
    assert any(r[2] == 'Council, "Quoted"' for r in rows[1:])


def test_other_tenant_sees_nothing_of_ours(api, other_tenant):
    token = other_tenant["admin_token"]
    assert_problem(api.get(f"/v1/organisations/{DEMO_COUNCIL}", token=token), 404, "not-found")
    assert_problem(api.patch(f"/v1/organisations/{DEMO_COUNCIL}", {"name": "Hijack"}, token=token),
                   404, "not-found")
    listed = api.get("/v1/organisations", params={"limit": 500}, token=token).json()
    assert {o["id"] for o in listed["items"]} == {other_tenant["team"], other_tenant["org"]}
    ours = api.get("/v1/organisations", params={"limit": 500}).json()
    assert other_tenant["org"] not in [o["id"] for o in ours["items"]]
    assert_problem(api.get(f"/v1/organisations/{other_tenant['org']}"), 404)
