"""Framework members and scores: admitting a provider to a lot, suspending,
reinstating and removing it with a reason and a kept history, the lot of
another framework, duplicates, roles, tenant isolation, the scores of members
(created, then replaced), and the providers list filter framework_id."""
import csv
import io
import uuid

from conftest import unique
from hearth_client import assert_problem
from test_frameworks import ADMIN, add_member, lot_id, new_framework, new_provider


def members_path(fw):
    return f"/v1/frameworks/{fw['id']}/members"


def test_add_member_201_location_and_history(api):
    fw = new_framework(api)
    provider = new_provider(api)
    resp = api.post(members_path(fw), {"provider_id": provider["id"],
                                       "lot_id": lot_id(fw, "L2"), "joined_on": "2026-04-01"},
                    **ADMIN)
    assert resp.status_code == 201, resp.text
    member = resp.json()
    assert resp.headers["Location"] == f"{members_path(fw)}/{provider['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert member["framework_id"] == fw["id"] and member["lot_id"] == lot_id(fw, "L2")
    assert member["status"] == "active" and member["joined_on"] == "2026-04-01"
    assert member["left_on"] is None and member["reason"] is None
    assert [(h["status"], h["reason"]) for h in member["history"]] == [("active", None)]
    assert api.get(resp.headers["Location"], roles="viewer").json() == member


def test_suspend_reinstate_remove_keep_history(api):
    fw = new_framework(api)
    provider = new_provider(api)
    add_member(api, fw, provider["id"])
    path = f"{members_path(fw)}/{provider['id']}"

    resp = api.patch(path, {"status": "suspended"}, **ADMIN)
    assert_problem(resp, 400, "validation", field="reason")
    resp = api.patch(path, {"status": "removed"}, **ADMIN)
    assert_problem(resp, 400, "validation", field="reason")

    resp = api.patch(path, {"status": "suspended", "reason": "Inadequate judgement"},
                     headers={"If-Match": '"1"'}, **ADMIN)
    assert resp.status_code == 200, resp.text
    m = resp.json()
    assert m["status"] == "suspended" and m["reason"] == "Inadequate judgement"
    assert m["version"] == 2 and resp.headers["ETag"] == '"2"'
    assert [h["status"] for h in m["history"]] == ["active", "suspended"]

    # A stale version is refused; the member is unchanged.
    assert_problem(api.patch(path, {"status": "active"}, headers={"If-Match": '"1"'}, **ADMIN),
                   412, "precondition-failed")

    # Reinstating needs no reason and clears the suspension's.
    m = api.patch(path, {"status": "active"}, **ADMIN).json()
    assert m["status"] == "active" and m["reason"] is None

    m = api.patch(path, {"status": "removed", "reason": "Left the market"}, **ADMIN).json()
    assert m["status"] == "removed" and m["reason"] == "Left the market"
    assert m["left_on"] is not None

    # Reinstating a removed member is allowed and clears left_on.
    m = api.patch(path, {"status": "active", "reason": "Re-admitted after appeal"}, **ADMIN).json()
    assert m["status"] == "active" and m["left_on"] is None
    assert m["reason"] == "Re-admitted after appeal"
    assert [(h["status"], h["reason"]) for h in m["history"]] == [
        ("active", None), ("suspended", "Inadequate judgement"), ("active", None),
        ("removed", "Left the market"), ("active", "Re-admitted after appeal")]
    assert api.get(path).json() == m

    # Removal with an explicit leaving date; not before joining.
    m = api.patch(path, {"status": "removed", "reason": "Contract ended",
                         "left_on": "2027-03-31"}, **ADMIN).json()
    assert m["left_on"] == "2027-03-31"
    assert_problem(api.patch(path, {"left_on": "2000-01-01"}, **ADMIN), 400, "validation",
                   field="left_on")
    # The path names the member: provider_id cannot change.
    assert_problem(api.patch(path, {"provider_id": str(uuid.uuid4())}, **ADMIN), 400,
                   "validation", field="provider_id")


def test_lot_of_another_framework_is_400_naming_lot_id(api):
    fw = new_framework(api)
    other = new_framework(api)
    provider = new_provider(api)
    resp = api.post(members_path(fw), {"provider_id": provider["id"],
                                       "lot_id": lot_id(other, "L1")}, **ADMIN)
    assert_problem(resp, 400, "validation", field="lot_id")
    resp = api.post(members_path(fw), {"provider_id": provider["id"],
                                       "lot_id": str(uuid.uuid4())}, **ADMIN)
    assert_problem(resp, 400, "validation", field="lot_id")
    # Moving a member to another framework's lot is refused the same way.
    add_member(api, fw, provider["id"])
    resp = api.patch(f"{members_path(fw)}/{provider['id']}", {"lot_id": lot_id(other, "L2")},
                     **ADMIN)
    assert_problem(resp, 400, "validation", field="lot_id")


def test_duplicate_member_409_and_unknown_provider_400(api):
    fw = new_framework(api)
    provider = new_provider(api)
    add_member(api, fw, provider["id"])
    resp = api.post(members_path(fw), {"provider_id": provider["id"],
                                       "lot_id": lot_id(fw, "L2")}, **ADMIN)
    assert_problem(resp, 409, "conflict", field="provider_id")
    resp = api.post(members_path(fw), {"provider_id": str(uuid.uuid4()),
                                       "lot_id": lot_id(fw, "L1")}, **ADMIN)
    assert_problem(resp, 400, "validation", field="provider_id")
    resp = api.post(members_path(fw), {"provider_id": provider["id"]}, **ADMIN)
    assert_problem(resp, 400, "validation", field="lot_id")
    resp = api.post(members_path(fw), {"provider_id": provider["id"], "lot_id": lot_id(fw, "L1"),
                                       "status": "suspended"}, **ADMIN)
    assert_problem(resp, 400, "validation", field="reason")
    resp = api.post(f"/v1/frameworks/{uuid.uuid4()}/members",
                    {"provider_id": provider["id"], "lot_id": lot_id(fw, "L1")}, **ADMIN)
    assert_problem(resp, 404, "not-found")


def test_list_filters_pages_and_csv(api):
    fw = new_framework(api)
    ids = [new_provider(api)["id"] for _ in range(5)]
    for i, pid in enumerate(ids):
        add_member(api, fw, pid, "L1" if i < 3 else "R1")
    api.patch(f"{members_path(fw)}/{ids[0]}", {"status": "suspended", "reason": "Audit"}, **ADMIN)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = api.get(members_path(fw), params=params).json()
        seen += [m["provider_id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    in_l1 = api.get(members_path(fw), params={"lot_id": lot_id(fw, "L1")}).json()["items"]
    assert [m["provider_id"] for m in in_l1] == ids[:3]
    active_l1 = api.get(members_path(fw), params={"lot_id": lot_id(fw, "L1"),
                                                  "status": "active"}).json()["items"]
    assert [m["provider_id"] for m in active_l1] == ids[1:3]
    assert_problem(api.get(members_path(fw), params={"status": "gone"}), 400, "validation",
                   field="status")
    resp = api.get(members_path(fw), headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["provider_id"] for r in rows] == ids and rows[0]["reason"] == "Audit"
    assert_problem(api.get(f"/v1/frameworks/{uuid.uuid4()}/members"), 404, "not-found")


def test_roles_commissioner_and_viewer_cannot_write_members_or_scores(api):
    fw = new_framework(api)
    provider = new_provider(api)
    add_member(api, fw, provider["id"])
    body = {"provider_id": new_provider(api)["id"], "lot_id": lot_id(fw, "L1")}
    score = {"provider_id": provider["id"], "lot_id": lot_id(fw, "L1"), "period": "2026",
             "quality_score": 80, "commercial_score": 70}
    for roles in ("commissioner", "viewer"):
        assert_problem(api.post(members_path(fw), body, roles=roles), 403, "forbidden")
        assert_problem(api.patch(f"{members_path(fw)}/{provider['id']}",
                                 {"status": "suspended", "reason": "x"}, roles=roles),
                       403, "forbidden")
        assert_problem(api.post(f"/v1/frameworks/{fw['id']}/scores", score, roles=roles),
                       403, "forbidden")
        assert api.get(members_path(fw), roles=roles).status_code == 200


def test_scores_created_then_replaced(api):
    fw = new_framework(api)
    provider = new_provider(api)
    add_member(api, fw, provider["id"], "L1")
    path = f"/v1/frameworks/{fw['id']}/scores"
    body = {"provider_id": provider["id"], "lot_id": lot_id(fw, "L1"), "period": "2026",
            "quality_score": 82.5, "commercial_score": 70,
            "inputs": {"quality": {"inspection": 30, "outcomes": 52.5}, "price_per_week": 1234}}
    resp = api.post(path, body, **ADMIN)
    assert resp.status_code == 201, resp.text
    score = resp.json()
    assert resp.headers["Location"] == f"{path}/{score['id']}"
    assert score["quality_score"] == 82.5 and score["commercial_score"] == 70
    assert score["inputs"] == body["inputs"] and score["version"] == 1
    assert api.get(resp.headers["Location"]).json() == score
    # The same provider, lot and period again replaces the score.
    resp = api.post(path, {**body, "quality_score": 85.0}, **ADMIN)
    assert resp.status_code == 200, resp.text
    assert resp.json()["id"] == score["id"] and resp.json()["version"] == 2
    assert resp.json()["quality_score"] == 85.0 and resp.headers["ETag"] == '"2"'
    # Identical again: nothing changes.
    same = api.post(path, {**body, "quality_score": 85.0}, **ADMIN)
    assert same.status_code == 200 and same.json()["version"] == 2
    # Another period is another score.
    q1 = api.post(path, {**body, "period": "2027-Q1"}, **ADMIN)
    assert q1.status_code == 201 and q1.json()["id"] != score["id"]
    listed = api.get(path, params={"period": "2026"}).json()["items"]
    assert [s["id"] for s in listed] == [score["id"]]
    listed = api.get(path, params={"provider_id": provider["id"]}).json()["items"]
    assert len(listed) == 2
    rows = list(csv.DictReader(io.StringIO(api.get(path, headers={"Accept": "text/csv"}).text)))
    assert {r["period"] for r in rows} == {"2026", "2027-Q1"}
    assert_problem(api.get(path, params={"period": "FY2026"}), 400, "validation", field="period")
    assert_problem(api.get(path, params={"lot_id": "x"}), 400, "validation", field="lot_id")


def test_score_validation(api):
    fw = new_framework(api)
    other = new_framework(api)
    member = new_provider(api)
    outsider = new_provider(api)
    add_member(api, fw, member["id"], "L1")
    path = f"/v1/frameworks/{fw['id']}/scores"
    good = {"provider_id": member["id"], "lot_id": lot_id(fw, "L1"), "period": "2026",
            "quality_score": 80, "commercial_score": 70}
    cases = [
        ({"quality_score": 80.25}, "quality_score"),
        ({"commercial_score": 100.5}, "commercial_score"),
        ({"quality_score": -1}, "quality_score"),
        ({"period": "26"}, "period"),
        ({"period": "2026-Q5"}, "period"),
        ({"inputs": [1, 2]}, "inputs"),
        ({"lot_id": lot_id(other, "L1")}, "lot_id"),
        ({"lot_id": lot_id(fw, "L2")}, "provider_id"),
        ({"provider_id": outsider["id"]}, "provider_id"),
        ({"weighted_score": 3}, "weighted_score"),
    ]
    for override, field in cases:
        resp = api.post(path, {**good, **override}, **ADMIN)
        assert_problem(resp, 400, "validation", field=field)
    assert_problem(api.post(f"/v1/frameworks/{uuid.uuid4()}/scores", good, **ADMIN),
                   404, "not-found")
    key = str(uuid.uuid4())
    first = api.post(path, good, headers={"Idempotency-Key": key}, **ADMIN)
    again = api.post(path, good, headers={"Idempotency-Key": key}, **ADMIN)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()


def test_providers_filter_framework_id_lists_active_members(api):
    fw = new_framework(api)
    active, suspended, removed = (new_provider(api, unique("FwFilter")) for _ in range(3))
    outsider = new_provider(api)
    for p in (active, suspended, removed):
        add_member(api, fw, p["id"])
    base = members_path(fw)
    api.patch(f"{base}/{suspended['id']}", {"status": "suspended", "reason": "x"}, **ADMIN)
    api.patch(f"{base}/{removed['id']}", {"status": "removed", "reason": "y"}, **ADMIN)
    listed = api.get("/v1/providers", params={"framework_id": fw["id"], "limit": 500})
    assert listed.status_code == 200, listed.text
    assert [p["id"] for p in listed.json()["items"]] == [active["id"]]
    assert outsider["id"] not in [p["id"] for p in listed.json()["items"]]
    assert_problem(api.get("/v1/providers", params={"framework_id": "nope"}), 400, "validation",
                   field="framework_id")


def test_isolation_other_tenant(api, other_tenant):
    fw = new_framework(api)
    provider = new_provider(api)
    add_member(api, fw, provider["id"])
    score = {"provider_id": provider["id"], "lot_id": lot_id(fw, "L1"), "period": "2026",
             "quality_score": 80, "commercial_score": 70}
    assert api.post(f"/v1/frameworks/{fw['id']}/scores", score, **ADMIN).status_code == 201
    token = other_tenant["admin_token"]
    base = members_path(fw)
    assert_problem(api.get(base, token=token), 404, "not-found")
    assert_problem(api.get(f"{base}/{provider['id']}", token=token), 404, "not-found")
    assert_problem(api.patch(f"{base}/{provider['id']}", {"status": "suspended", "reason": "x"},
                             token=token), 404, "not-found")
    assert_problem(api.post(base, {"provider_id": provider["id"], "lot_id": lot_id(fw, "L2")},
                            token=token), 404, "not-found")
    assert_problem(api.get(f"/v1/frameworks/{fw['id']}/scores", token=token), 404, "not-found")
    assert_problem(api.post(f"/v1/frameworks/{fw['id']}/scores", score, token=token),
                   404, "not-found")
    listed = api.get("/v1/providers", params={"framework_id": fw["id"]}, token=token).json()
    assert listed["items"] == []
    assert api.get(f"{base}/{provider['id']}").json()["status"] == "active"


def test_closed_framework_admits_no_one(api):
    fw = new_framework(api)
    kept = new_provider(api)
    add_member(api, fw, kept["id"])
    closed = api.patch(f"/v1/frameworks/{fw['id']}", {"status": "closed"}, **ADMIN)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = new_provider(api)
    resp = api.post(members_path(fw), {"provider_id": late["id"], "lot_id": lot_id(fw, "L1")},
                    **ADMIN)
    assert_problem(resp, 409, "conflict")
    assert "closed" in resp.json()["detail"]
    # The members it had are still there, history and all.
    listed = api.get(members_path(fw)).json()["items"]
    assert [m["provider_id"] for m in listed] == [kept["id"]]
