"""Placement stops: issue (against a provider or one of its settings), the
rules of lifting (lifted_on and lift_reason, lifting is final), filters and
CSV, roles, events and audit; the acknowledgements: exactly the councils with
a child placed at the provider or setting on effective_from plus the lead
authority, once per organisation, councils and the consortium team only, a
stop in force only; tenant isolation; and qa_api.stop_in_force(), the question
the placements service asks."""
import csv
import io
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, DEMO_TENANT, assert_problem
from records import as_role, new_home as new_setting, new_home_provider as new_provider, place, psql

QA = {"roles": "qa_officer"}
ADMIN = {"roles": "tenant_admin"}
DEMO_STOP = "00000000-0000-4000-8000-000000110001"
DEMO_COUNCIL_A = "00000000-0000-4000-8000-00000000c002"
DEMO_COUNCIL_C = "00000000-0000-4000-8000-00000000c004"


def new_council(api):
    resp = api.post("/v1/organisations", {"kind": "local_authority", "name": unique("Council"),
                                          "code": unique("W06"), "centre": {"lat": 51.5, "lon": -3.2}},
                    **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def stop_body(provider, setting=None, **extra):
    body = {"provider_id": provider, "reason": "Inadequate judgement", "effective_from": "2026-03-01"}
    if setting:
        body["setting_id"] = setting
    body.update(extra)
    return body


@pytest.fixture(scope="module")
def world(api):
    """Provider P (lead authority L) with settings S1 and S2 and, on 2026-03-01:
    council A with a child at S1 (and another whose placement ended that very
    day, still active on it), B with a child at S2, C whose child left S1 the
    day before, D whose child arrives at S1 the day after."""
    w = {k: new_council(api) for k in ("A", "B", "C", "D", "L")}
    w["P"] = new_provider(api, lead=w["L"])
    w["S1"], w["S2"] = new_setting(api, w["P"]), new_setting(api, w["P"])
    place(api, w["A"], w["P"], w["S1"], "2025-06-01")
    place(api, w["A"], w["P"], w["S1"], "2025-01-01", end="2026-03-01")
    place(api, w["B"], w["P"], w["S2"], "2026-02-01")
    place(api, w["C"], w["P"], w["S1"], "2025-01-01", end="2026-02-28")
    place(api, w["D"], w["P"], w["S1"], "2026-03-02")
    return w


def test_issue_read_and_lift(api, world, stack_env):
    resp = api.post("/v1/placement-stops", stop_body(world["P"], world["S1"]), org=world["A"], **QA)
    assert resp.status_code == 201, resp.text
    s = resp.json()
    assert resp.headers["Location"] == f"/v1/placement-stops/{s['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert s["status"] == "in_force" and s["issued_by_org_id"] == world["A"]
    assert s["setting_id"] == world["S1"] and s["lifted_on"] is None and s["lift_reason"] is None
    assert api.get(resp.headers["Location"], roles="provider").json() == s
    url = resp.headers["Location"]
    for patch, field in [({"status": "lifted"}, "lifted_on"),
                         ({"status": "lifted", "lifted_on": "2026-04-01"}, "lift_reason"),
                         ({"lifted_on": "2026-04-01"}, "lifted_on"),
                         ({"status": "lifted", "lifted_on": "2026-02-01", "lift_reason": "x"},
                          "lifted_on"),
                         ({"provider_id": world["P"]}, "provider_id"),
                         ({"setting_id": None}, "setting_id"),
                         ({"issued_by_org_id": world["B"]}, "issued_by_org_id")]:
        assert_problem(api.patch(url, patch, **QA), 400, "validation", field)
    resp = api.patch(url, {"status": "lifted", "lifted_on": "2026-05-01",
                           "lift_reason": "Monitoring visit found improvement"},
                     headers={"If-Match": '"1"'}, **QA)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "lifted" and resp.json()["version"] == 2
    assert_problem(api.patch(url, {"status": "in_force", "lifted_on": None, "lift_reason": None},
                             **QA), 400, "validation", "status")
    rows = psql(stack_env, f"SELECT type || '|' || (payload->>'status') FROM qa.outbox "
                           f"WHERE subject_id = '{s['id']}' ORDER BY seq")
    assert rows.splitlines() == ["qa.placement_stop.issued|in_force",
                                 "qa.placement_stop.updated|lifted",
                                 "qa.placement_stop.lifted|lifted"]
    audit = psql(stack_env, "SELECT string_agg(method || ' ' || status, ',' ORDER BY id) "
                            f"FROM audit.events WHERE resource_id = '{s['id']}'")
    assert audit == "POST 201,PATCH 200"


def test_bad_stops_name_the_field(api, world):
    other_provider = new_provider(api)
    other_setting = new_setting(api, other_provider)
    for body, field in [
            (stop_body(str(uuid.uuid4())), "provider_id"),
            (stop_body(world["P"], other_setting), "setting_id"),
            (stop_body(world["P"], str(uuid.uuid4())), "setting_id"),
            (stop_body(world["P"], reason=""), "reason"),
            (stop_body(world["P"], effective_from="2026-02-30"), "effective_from"),
            (stop_body(world["P"], status="paused"), "status"),
            (stop_body(world["P"], lifted_on="2026-04-01"), "lifted_on"),
            (stop_body(world["P"], status="lifted", lifted_on="2026-04-01"), "lift_reason"),
            (stop_body(world["P"], issued_by_org_id=world["A"]), "issued_by_org_id")]:
        assert_problem(api.post("/v1/placement-stops", body, **QA), 400, "validation", field)
    body = stop_body(world["P"])
    del body["reason"]
    assert_problem(api.post("/v1/placement-stops", body, **QA), 400, "validation", "reason")
    # A past stop may be recorded lifted.
    resp = api.post("/v1/placement-stops", stop_body(world["P"], status="lifted",
                                                     lifted_on="2026-03-10", lift_reason="Done"),
                    **QA)
    assert resp.status_code == 201 and resp.json()["status"] == "lifted"


@pytest.mark.parametrize("roles, status", [
    ("qa_officer", 201), ("commissioner", 201), ("tenant_admin", 201),
    ("viewer", 403), ("provider", 403), ("integration", 403),
])
def test_who_issues(api, world, roles, status):
    resp = api.post("/v1/placement-stops", stop_body(world["P"], world["S2"]), roles=roles)
    assert resp.status_code == status, resp.text


def test_filters_pages_and_csv(api, world):
    provider = new_provider(api)
    setting = new_setting(api, provider)
    made = [api.post("/v1/placement-stops", b, **QA).json()["id"] for b in (
        stop_body(provider), stop_body(provider, setting),
        stop_body(provider, status="lifted", lifted_on="2026-03-02", lift_reason="Done"))]

    def ids(**params):
        resp = api.get("/v1/placement-stops", params={"provider_id": provider, **params})
        assert resp.status_code == 200, resp.text
        return [s["id"] for s in resp.json()["items"]]

    assert ids() == made
    assert ids(setting_id=setting) == [made[1]]
    assert ids(status="in_force") == made[:2]
    assert ids(status="lifted") == [made[2]]
    page = api.get("/v1/placement-stops", params={"provider_id": provider, "limit": 2}).json()
    rest = api.get("/v1/placement-stops", params={"provider_id": provider, "limit": 2,
                                                  "cursor": page["next_cursor"]}).json()
    assert [s["id"] for s in page["items"] + rest["items"]] == made
    assert_problem(api.get("/v1/placement-stops", params={"status": "paused"}), 400, "validation",
                   "status")
    resp = api.get("/v1/placement-stops", params={"provider_id": provider},
                   headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["id"] for r in rows] == made and rows[2]["lift_reason"] == "Done"


def acks(api, stop, **kw):
    resp = api.get(f"/v1/placement-stops/{stop}/acknowledgements", **kw)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_the_councils_that_must_acknowledge(api, world):
    at_setting = api.post("/v1/placement-stops", stop_body(world["P"], world["S1"]), **QA).json()
    whole = api.post("/v1/placement-stops", stop_body(world["P"]), **QA).json()
    got = acks(api, at_setting["id"], roles="viewer")
    assert got["stop_id"] == at_setting["id"] and got["next_cursor"] is None
    assert {i["org_id"]: i["grounds"] for i in got["items"]} == {
        world["A"]: ["child_placed"], world["L"]: ["lead_authority"]}
    assert got["outstanding"] == 2
    assert all(i["must_acknowledge"] and not i["acknowledged"] for i in got["items"])
    got = acks(api, whole["id"])
    assert {i["org_id"]: i["grounds"] for i in got["items"]} == {
        world["A"]: ["child_placed"], world["B"]: ["child_placed"],
        world["L"]: ["lead_authority"]}
    # Computed on each read: a child placed at S1 on the day by the lead
    # authority makes it due on both grounds.
    place(api, world["L"], world["P"], world["S1"], "2026-02-15")
    got = acks(api, at_setting["id"])
    assert {i["org_id"]: i["grounds"] for i in got["items"]}[world["L"]] == [
        "child_placed", "lead_authority"]


def test_acknowledging_once_per_organisation(api, world, stack_env):
    stop = api.post("/v1/placement-stops", stop_body(world["P"], world["S2"]), **QA).json()
    url = f"/v1/placement-stops/{stop['id']}/acknowledgements"
    assert acks(api, stop["id"])["outstanding"] == 2      # B (child) and L (lead)
    resp = api.post(url, {"note": "Child seen today; safe to stay."}, org=world["B"],
                    sub="b-officer", **QA)
    assert resp.status_code == 201, resp.text
    a = resp.json()
    assert resp.headers["Location"] == f"{url}/{world['B']}"
    assert a["org_id"] == world["B"] and a["acknowledged_by"] == "b-officer"
    assert a["stop_id"] == stop["id"] and a["note"].startswith("Child seen")
    assert api.get(resp.headers["Location"], roles="viewer").json() == a
    assert_problem(api.post(url, {}, org=world["B"], **QA), 409, "conflict")
    # The consortium team may acknowledge too; it is listed, not required.
    assert api.post(url, {}, org=DEMO_CONSORTIUM, roles="commissioner").status_code == 201
    got = acks(api, stop["id"])
    by_org = {i["org_id"]: i for i in got["items"]}
    assert got["outstanding"] == 1
    assert by_org[world["B"]]["acknowledged"] and by_org[world["B"]]["acknowledged_by"] == "b-officer"
    assert not by_org[world["L"]]["acknowledged"] and by_org[world["L"]]["acknowledged_at"] is None
    assert by_org[DEMO_CONSORTIUM]["must_acknowledge"] is False
    assert by_org[DEMO_CONSORTIUM]["grounds"] == [] and by_org[DEMO_CONSORTIUM]["acknowledged"]
    assert psql(stack_env, "SELECT string_agg(method || ' ' || status, ',') FROM audit.events "
                           f"WHERE path = '{url}' AND org_id = '{world['B']}' "
                           "AND status = 201") == "POST 201"
    assert_problem(api.get(f"{url}/{world['L']}"), 404, "not-found")
    assert_problem(api.post(url, {"note": ""}, org=world["L"], **QA), 400, "validation", "note")
    assert_problem(api.post(url, {"seen": True}, org=world["L"], **QA), 400, "validation", "seen")


def test_who_acknowledges_and_what(api, world):
    stop = api.post("/v1/placement-stops", stop_body(world["P"]), **QA).json()
    url = f"/v1/placement-stops/{stop['id']}/acknowledgements"
    staff = api.post("/v1/organisations", {"kind": "provider", "name": unique("Staff"),
                                           "provider_id": world["P"]}, **ADMIN).json()["id"]
    assert_problem(api.post(url, {}, org=staff, **QA), 403, "forbidden")
    assert_problem(api.post(url, {}, org=world["A"], roles="viewer"), 403, "forbidden")
    assert_problem(api.post(url, {}, org=world["A"], roles="provider"), 403, "forbidden")
    assert_problem(api.post(f"/v1/placement-stops/{uuid.uuid4()}/acknowledgements", {}, **QA),
                   404, "not-found")
    assert_problem(api.post("/v1/placement-stops/nope/acknowledgements", {}, **QA), 404)
    assert_problem(api.get(f"/v1/placement-stops/{uuid.uuid4()}/acknowledgements"), 404)
    assert_problem(api.get(f"{url}", params={"limit": 5}), 400, "validation", "limit")
    lifted = api.patch(f"/v1/placement-stops/{stop['id']}",
                       {"status": "lifted", "lifted_on": "2026-03-05", "lift_reason": "Done"}, **QA)
    assert lifted.status_code == 200
    assert_problem(api.post(url, {}, org=world["A"], **QA), 409, "conflict")


def test_another_tenant_sees_no_stop(api, world, other_tenant):
    stop = api.post("/v1/placement-stops", stop_body(world["P"]), **QA).json()
    theirs = api.token(roles="qa_officer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert_problem(api.get(f"/v1/placement-stops/{stop['id']}", token=theirs), 404)
    assert_problem(api.get(f"/v1/placement-stops/{stop['id']}/acknowledgements", token=theirs), 404)
    assert_problem(api.post(f"/v1/placement-stops/{stop['id']}/acknowledgements", {},
                            token=theirs), 404)
    assert_problem(api.post("/v1/placement-stops", stop_body(world["P"]), token=theirs), 400,
                   "validation", "provider_id")
    assert api.get("/v1/placement-stops", token=theirs).json()["items"] == []


def test_stop_in_force_answers_the_placements_service(api, world, stack_env):
    provider = new_provider(api)
    s1, s2 = new_setting(api, provider), new_setting(api, provider)
    at_s1 = api.post("/v1/placement-stops", stop_body(provider, s1, effective_from="2026-03-01"),
                     **QA).json()["id"]

    def ask(setting, day, tenant=DEMO_TENANT):
        out = as_role(stack_env, "hearth_placements", tenant=DEMO_TENANT, org=world["A"], sql=
                      f"SELECT coalesce(qa_api.stop_in_force('{tenant}', '{provider}', "
                      f"'{setting}', '{day}')::text, '-')")
        assert out.returncode == 0, out.stderr
        return out.stdout.split()[2]

    assert ask(s1, "2026-03-01") == at_s1
    assert ask(s1, "2027-01-01") == at_s1
    assert ask(s1, "2026-02-28") == "-"
    assert ask(s2, "2026-03-01") == "-"
    whole = api.post("/v1/placement-stops", stop_body(provider, effective_from="2026-02-01"),
                     **QA).json()["id"]
    assert ask(s2, "2026-03-01") == whole
    assert ask(s1, "2026-03-01") == whole          # the earliest in force
    api.patch(f"/v1/placement-stops/{whole}", {"status": "lifted", "lifted_on": "2026-02-20",
                                                "lift_reason": "Resolved"}, **QA)
    assert ask(s2, "2026-03-01") == "-" and ask(s1, "2026-03-01") == at_s1
    out = as_role(stack_env, "hearth_placements", tenant=DEMO_TENANT, org=world["A"], sql=
                  f"SELECT qa_api.stop_in_force('11111111-1111-4111-8111-111111111111', "
                  f"'{provider}', '{s1}', '2026-03-01')")
    assert out.returncode != 0 and "own tenant" in out.stderr
    out = as_role(stack_env, "hearth_qa", tenant=DEMO_TENANT, org=world["A"], sql=
                  f"SELECT qa_api.stop_in_force('{DEMO_TENANT}', '{provider}', '{s1}', '2026-03-01')")
    assert out.returncode != 0 and "permission denied" in out.stderr


def test_seeded_demo_stop_has_one_council_still_to_acknowledge(api):
    stop = api.get(f"/v1/placement-stops/{DEMO_STOP}").json()
    assert stop["status"] == "in_force"
    got = acks(api, DEMO_STOP)
    by_org = {i["org_id"]: i for i in got["items"]}
    assert set(by_org) == {DEMO_COUNCIL_A, DEMO_COUNCIL_C}
    assert by_org[DEMO_COUNCIL_A]["acknowledged"] and not by_org[DEMO_COUNCIL_C]["acknowledged"]
    assert got["outstanding"] == 1
