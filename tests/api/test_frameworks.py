"""Frameworks: weights, tiers and lots (server-named, matched by code on
update), validation naming each field, pagination, If-Match, idempotent create,
CSV, roles and tenant isolation. The helpers here are shared by
test_members.py and test_ranking.py."""
import csv
import io
import uuid

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, DEMO_COUNCIL, assert_problem

ADMIN = {"roles": "tenant_admin"}

LOTS = [{"code": "L1", "title": "Standard fostering", "service_type": "fostering"},
        {"code": "L2", "title": "Complex needs fostering", "service_type": "fostering"},
        {"code": "R1", "title": "Residential", "service_type": "residential"}]


def framework_body(**overrides):
    body = {"name": unique("Framework"), "vehicle": "framework", "lead_org_id": DEMO_CONSORTIUM,
            "start_date": "2026-04-01", "end_date": "2030-03-31",
            "weights": {"quality_pct": 50, "commercial_pct": 50},
            "lots": [dict(lot) for lot in LOTS], "status": "active"}
    body.update(overrides)
    return body


def new_framework(api, **overrides):
    resp = api.post("/v1/frameworks", framework_body(**overrides), **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()


def lot_id(framework, code):
    return next(lot["id"] for lot in framework["lots"] if lot["code"] == code)


def new_provider(api, name=None):
    body = {"name": name or unique("Provider"), "provider_types": ["fostering_agency"],
            "ownership": "private", "lead_org_id": DEMO_COUNCIL}
    resp = api.post("/v1/providers", body, roles="commissioner")
    assert resp.status_code == 201, resp.text
    return resp.json()


def add_member(api, framework, provider_id, code="L1", **extra):
    resp = api.post(f"/v1/frameworks/{framework['id']}/members",
                    {"provider_id": provider_id, "lot_id": lot_id(framework, code), **extra},
                    **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_create_names_lots_and_answers_201_location_etag(api):
    resp = api.post("/v1/frameworks", framework_body(tier_sizes=[5, 10]), **ADMIN)
    assert resp.status_code == 201, resp.text
    fw = resp.json()
    assert resp.headers["Location"] == f"/v1/frameworks/{fw['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert fw["weights"] == {"quality_pct": 50, "commercial_pct": 50}
    assert fw["tier_sizes"] == [5, 10]
    assert [(lot["code"], lot["title"], lot["service_type"]) for lot in fw["lots"]] == \
        [(lot["code"], lot["title"], lot["service_type"]) for lot in LOTS]
    assert len({lot["id"] for lot in fw["lots"]}) == 3
    assert all(uuid.UUID(lot["id"]) for lot in fw["lots"])
    got = api.get(resp.headers["Location"], roles="viewer")
    assert got.status_code == 200 and got.json() == fw


def test_defaults_draft_no_lots_no_tiers(api):
    body = framework_body()
    for key in ("lots", "status", "end_date", "lead_org_id"):
        del body[key]
    resp = api.post("/v1/frameworks", body, **ADMIN)
    assert resp.status_code == 201, resp.text
    fw = resp.json()
    assert fw["status"] == "draft" and fw["lots"] == [] and fw["tier_sizes"] is None
    assert fw["end_date"] is None and fw["lead_org_id"] is None


def test_validation_names_each_field(api):
    cases = [
        ({"weights": {"quality_pct": 60, "commercial_pct": 50}}, "weights"),
        ({"weights": {"quality_pct": 101, "commercial_pct": -1}}, "weights.quality_pct"),
        ({"weights": {"quality_pct": 50.5, "commercial_pct": 49.5}}, "weights.quality_pct"),
        ({"end_date": "2026-03-31"}, "end_date"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"vehicle": "dynamic_purchasing"}, "vehicle"),
        ({"tier_sizes": [5, 0]}, "tier_sizes[1]"),
        ({"tier_sizes": []}, "tier_sizes"),
        ({"tier_sizes": [5, "ten"]}, "tier_sizes[1]"),
        ({"lots": [LOTS[0], dict(LOTS[1], code="L1")]}, "lots[1].code"),
        ({"lots": [dict(LOTS[0], service_type="hotel")]}, "lots[0].service_type"),
        ({"lots": [dict(LOTS[0], id=str(uuid.uuid4()))]}, "lots[0].id"),
        ({"lots": [{"code": "X"}]}, "lots[0].title"),
        ({"status": "open"}, "status"),
        ({"lead_org_id": str(uuid.uuid4())}, "lead_org_id"),
        ({"colour": "blue"}, "colour"),
    ]
    for override, field in cases:
        resp = api.post("/v1/frameworks", framework_body(**override), **ADMIN)
        assert_problem(resp, 400, "validation", field=field)
    resp = api.post("/v1/frameworks", {"name": "No vehicle"}, **ADMIN)
    body = assert_problem(resp, 400, "validation")
    assert {"vehicle", "start_date", "weights"} <= {e["field"] for e in body["errors"]}


def test_roles_commissioner_and_viewer_cannot_write(api):
    fw = new_framework(api)
    for roles in ("commissioner", "viewer", "qa_officer"):
        assert_problem(api.post("/v1/frameworks", framework_body(), roles=roles), 403, "forbidden")
        assert_problem(api.patch(f"/v1/frameworks/{fw['id']}", {"name": "X"}, roles=roles),
                       403, "forbidden")
    for roles in ("commissioner", "viewer", "provider"):
        assert api.get(f"/v1/frameworks/{fw['id']}", roles=roles).status_code == 200


def test_patch_weights_name_and_etag(api):
    fw = new_framework(api)
    path = f"/v1/frameworks/{fw['id']}"
    resp = api.patch(path, {"weights": {"quality_pct": 60, "commercial_pct": 40},
                            "tier_sizes": [5, 10]}, headers={"If-Match": '"1"'}, **ADMIN)
    assert resp.status_code == 200, resp.text
    assert resp.json()["weights"] == {"quality_pct": 60, "commercial_pct": 40}
    assert resp.json()["version"] == 2 and resp.headers["ETag"] == '"2"'
    assert resp.json()["lots"] == fw["lots"]
    # Merged weights must still add up to 100.
    resp = api.patch(path, {"weights": {"quality_pct": 70}}, **ADMIN)
    assert_problem(resp, 400, "validation", field="weights")
    resp = api.patch(path, {"end_date": "2020-01-01"}, **ADMIN)
    assert_problem(resp, 400, "validation", field="end_date")
    # Stale If-Match: 412, nothing changed.
    resp = api.patch(path, {"name": "Stale"}, headers={"If-Match": '"1"'}, **ADMIN)
    assert_problem(resp, 412, "precondition-failed")
    # The same data again bumps nothing; null clears tier_sizes.
    same = api.patch(path, {"weights": {"quality_pct": 60, "commercial_pct": 40}}, **ADMIN)
    assert same.json()["version"] == 2
    cleared = api.patch(path, {"tier_sizes": None}, **ADMIN).json()
    assert cleared["tier_sizes"] is None and cleared["version"] == 3


def test_patch_lots_match_by_code(api):
    fw = new_framework(api)
    path = f"/v1/frameworks/{fw['id']}"
    before = {lot["code"]: lot["id"] for lot in fw["lots"]}
    lots = [{"code": "L1", "title": "Standard fostering (renamed)", "service_type": "fostering"},
            {"code": "R1", "title": "Residential", "service_type": "residential"},
            {"code": "S1", "title": "Supported accommodation 16+",
             "service_type": "supported_accommodation"}]
    resp = api.patch(path, {"lots": lots}, **ADMIN)
    assert resp.status_code == 200, resp.text
    after = resp.json()
    assert [lot["code"] for lot in after["lots"]] == ["L1", "R1", "S1"]
    assert lot_id(after, "L1") == before["L1"] and lot_id(after, "R1") == before["R1"]
    assert lot_id(after, "S1") not in before.values()
    assert after["lots"][0]["title"] == "Standard fostering (renamed)"
    assert after["version"] == fw["version"] + 1
    assert api.get(path).json() == after
    # Sending the lots back as read (with ids) changes nothing.
    same = api.patch(path, {"lots": after["lots"]}, **ADMIN)
    assert same.status_code == 200 and same.json()["version"] == after["version"]
    # An id that is not the id of the lot with that code is refused.
    swapped = [dict(after["lots"][0], id=after["lots"][1]["id"])] + after["lots"][1:]
    assert_problem(api.patch(path, {"lots": swapped}, **ADMIN), 400, "validation", field="lots")
    dup = [lots[0], dict(lots[1], code="L1")]
    assert_problem(api.patch(path, {"lots": dup}, **ADMIN), 400, "validation",
                   field="lots[1].code")


def test_dropping_a_referenced_lot_is_409_naming_lots(api):
    fw = new_framework(api)
    provider = new_provider(api)
    add_member(api, fw, provider["id"], "L2")
    path = f"/v1/frameworks/{fw['id']}"
    keep = [lot for lot in fw["lots"] if lot["code"] != "L2"]
    resp = api.patch(path, {"lots": keep}, **ADMIN)
    assert_problem(resp, 409, "conflict", field="lots")
    assert api.get(path).json()["lots"] == fw["lots"]
    # An unreferenced lot can go.
    keep = [lot for lot in fw["lots"] if lot["code"] != "R1"]
    resp = api.patch(path, {"lots": keep}, **ADMIN)
    assert resp.status_code == 200 and [lot["code"] for lot in resp.json()["lots"]] == ["L1", "L2"]


def test_status_change_and_unknown_framework(api):
    fw = new_framework(api, status="draft")
    resp = api.patch(f"/v1/frameworks/{fw['id']}", {"status": "closed"}, **ADMIN)
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    assert_problem(api.get(f"/v1/frameworks/{uuid.uuid4()}"), 404, "not-found")
    assert_problem(api.get("/v1/frameworks/not-a-uuid"), 404, "not-found")
    assert_problem(api.patch(f"/v1/frameworks/{uuid.uuid4()}", {"name": "X"}, **ADMIN),
                   404, "not-found")


def test_idempotent_create(api):
    key = str(uuid.uuid4())
    body = framework_body()
    first = api.post("/v1/frameworks", body, headers={"Idempotency-Key": key}, **ADMIN)
    again = api.post("/v1/frameworks", body, headers={"Idempotency-Key": key}, **ADMIN)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["Location"] == first.headers["Location"]
    other = api.post("/v1/frameworks", framework_body(), headers={"Idempotency-Key": key}, **ADMIN)
    assert_problem(other, 422, "idempotency-key-reused")


def test_pagination_is_complete_and_filters_apply(api):
    made = {new_framework(api, vehicle="pseudo_dps")["id"] for _ in range(5)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"vehicle": "pseudo_dps", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/frameworks", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 2
        seen += [f["id"] for f in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert made <= set(seen) and len(seen) == len(set(seen)) and pages >= 3
    assert all(f["vehicle"] == "pseudo_dps"
               for f in api.get("/v1/frameworks", params={"vehicle": "pseudo_dps"}).json()["items"])
    assert_problem(api.get("/v1/frameworks", params={"vehicle": "x"}), 400, "validation",
                   field="vehicle")
    assert_problem(api.get("/v1/frameworks", params={"colour": "x"}), 400, "validation",
                   field="colour")
    resp = api.get("/v1/frameworks", params={"status": "draft", "cursor": cursor or "abc"})
    assert_problem(resp, 400, "validation", field="cursor")


def test_csv(api):
    fw = new_framework(api, vehicle="approved_list", name=unique("CSV, \"quoted\""))
    resp = api.get("/v1/frameworks", params={"vehicle": "approved_list", "limit": 500},
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    row = next(r for r in rows if r["id"] == fw["id"])
    assert row["name"] == fw["name"] and row["weights.quality_pct"] == "50"


def test_isolation_other_tenant_sees_nothing(api, other_tenant):
    fw = new_framework(api)
    token = other_tenant["admin_token"]
    assert_problem(api.get(f"/v1/frameworks/{fw['id']}", token=token), 404, "not-found")
    assert_problem(api.patch(f"/v1/frameworks/{fw['id']}", {"name": "Mine"}, token=token),
                   404, "not-found")
    listed = api.get("/v1/frameworks", params={"limit": 500}, token=token).json()["items"]
    assert fw["id"] not in {f["id"] for f in listed}
    # Our organisation cannot lead their framework.
    body = framework_body(lead_org_id=DEMO_CONSORTIUM)
    assert_problem(api.post("/v1/frameworks", body, token=token), 400, "validation",
                   field="lead_org_id")
    assert api.get(f"/v1/frameworks/{fw['id']}").json()["name"] == fw["name"]
