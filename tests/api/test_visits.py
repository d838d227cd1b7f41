"""Visits (/v1/visits): every field, the status rules, filters, pages and CSV,
roles (recorders write, the visiting organisation alone changes its visit),
audit and tenant isolation; and the due list (/v1/visits/due): last completed
visit plus the interval of the setting's current RAG, across month ends, a
never-visited setting due from its first placement, the caller's own
settings for a council and every council's for the consortium team."""
import csv
import io

import pytest

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, assert_problem
from records import new_home as new_setting, new_home_provider as new_provider, place, psql

QA = {"roles": "qa_officer"}
ADMIN = {"roles": "tenant_admin"}


def new_council(api):
    resp = api.post("/v1/organisations", {"kind": "local_authority", "name": unique("Council"),
                                          "code": unique("W06"), "centre": {"lat": 51.5, "lon": -3.2}},
                    **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def visit(api, org, setting, **fields):
    body = {"setting_id": setting, "kind": "planned", "notice": "announced"}
    body.update(fields)
    resp = api.post("/v1/visits", body, org=org, **QA)
    assert resp.status_code == 201, resp.text
    return resp.json()


@pytest.fixture(scope="module")
def world(api):
    """Council A with children at S1 (since 2025-02-10), S2 (since 2025-09-15,
    never visited), S3 (since 2024-05-01); council B with a child at S4.
    S1 last visited 2025-11-30 (red, after a green one in August); S3 visited
    2025-08-31 amber; S4 visited by B. S5 has no child placed."""
    w = {k: new_council(api) for k in ("A", "B")}
    w["P"] = new_provider(api)
    for s in ("S1", "S2", "S3", "S4", "S5"):
        w[s] = new_setting(api, w["P"])
    place(api, w["A"], w["P"], w["S1"], "2025-02-10")
    place(api, w["A"], w["P"], w["S2"], "2025-09-15")
    place(api, w["A"], w["P"], w["S2"], "2025-01-01", end="2025-06-30")
    place(api, w["A"], w["P"], w["S3"], "2024-05-01")
    place(api, w["B"], w["P"], w["S4"], "2025-03-01")
    visit(api, w["A"], w["S1"], status="completed", visited_on="2025-08-01", rag="green")
    visit(api, w["B"], w["S1"], status="completed", visited_on="2025-11-30", rag="red",
          kind="responsive", notice="unannounced")
    visit(api, w["A"], w["S1"], scheduled_for="2026-03-01")
    visit(api, w["A"], w["S3"], status="completed", visited_on="2025-08-31", rag="amber")
    visit(api, w["B"], w["S4"], status="completed", visited_on="2025-12-31", rag="green")
    return w


def test_record_read_and_complete(api, world, stack_env):
    resp = api.post("/v1/visits", {"setting_id": world["S5"], "kind": "planned",
                                   "notice": "unannounced", "scheduled_for": "2026-02-01",
                                   "visited_by": "J. Evans"}, org=world["A"], **QA)
    assert resp.status_code == 201, resp.text
    v = resp.json()
    assert resp.headers["Location"] == f"/v1/visits/{v['id']}" and resp.headers["ETag"] == '"1"'
    assert v["status"] == "scheduled" and v["org_id"] == world["A"]
    assert v["provider_id"] == world["P"] and v["rag"] is None and v["visited_on"] is None
    url = resp.headers["Location"]
    assert api.get(url, roles="viewer").json() == v
    assert api.get(url, roles="provider").json() == v
    for patch, field in [({"status": "completed"}, "visited_on"),
                         ({"status": "completed", "visited_on": "2026-02-02"}, "rag"),
                         ({"rag": "red"}, "rag"),
                         ({"scheduled_for": None}, "scheduled_for"),
                         ({"setting_id": world["S1"]}, "setting_id"),
                         ({"org_id": world["B"]}, "org_id"),
                         ({"provider_id": world["P"]}, "provider_id")]:
        assert_problem(api.patch(url, patch, org=world["A"], **QA), 400, "validation", field)
    done = {"status": "completed", "visited_on": "2026-02-02", "rag": "amber",
            "findings": "Staffing stable; records good."}
    # only the visiting organisation changes its visit
    assert_problem(api.patch(url, done, org=world["B"], **QA), 404, "not-found")
    assert_problem(api.patch(url, done, org=world["A"], headers={"If-Match": '"7"'}, **QA),
                   412, "precondition-failed")
    resp = api.patch(url, done, org=world["A"], headers={"If-Match": '"1"'}, **QA)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "completed" and resp.json()["version"] == 2
    assert resp.json()["rag"] == "amber"
    audit = psql(stack_env, "SELECT string_agg(method || ' ' || status, ',' ORDER BY id) "
                            f"FROM audit.events WHERE resource_id = '{v['id']}'")
    assert audit == "POST 201,PATCH 200"


def test_bad_visits_name_the_field(api, world):
    base = {"setting_id": world["S1"], "kind": "planned", "notice": "announced",
            "scheduled_for": "2026-01-01"}
    cases = [
        ({k: v for k, v in base.items() if k != "kind"}, "kind"),
        ({k: v for k, v in base.items() if k != "notice"}, "notice"),
        ({k: v for k, v in base.items() if k != "scheduled_for"}, "scheduled_for"),
        (dict(base, kind="social"), "kind"),
        (dict(base, notice="maybe"), "notice"),
        (dict(base, rag="purple", status="completed", visited_on="2026-01-01"), "rag"),
        (dict(base, status="completed"), "visited_on"),
        (dict(base, status="completed", visited_on="2026-01-01"), "rag"),
        (dict(base, status="cancelled", rag="red"), "rag"),
        (dict(base, status="done"), "status"),
        (dict(base, visited_on="2026-02-30"), "visited_on"),
        (dict(base, setting_id="00000000-0000-4000-8000-00000000ffff"), "setting_id"),
        (dict(base, provider_id=world["P"]), "provider_id"),
        (dict(base, org_id=world["A"]), "org_id"),
        (dict(base, findings=""), "findings"),
        (dict(base, child_id=world["A"]), "child_id"),
    ]
    for body, field in cases:
        assert_problem(api.post("/v1/visits", body, org=world["A"], **QA), 400, "validation", field)


def test_roles(api, world):
    body = {"setting_id": world["S1"], "kind": "planned", "notice": "announced",
            "scheduled_for": "2026-01-01"}
    for roles in ("viewer", "provider", "integration"):
        assert_problem(api.post("/v1/visits", body, roles=roles), 403, "forbidden")
    for roles in ("qa_officer", "commissioner", "tenant_admin"):
        assert api.post("/v1/visits", body, roles=roles).status_code == 201


def test_filters_pages_and_csv(api, world):
    s1 = api.get("/v1/visits", params={"setting_id": world["S1"]}, roles="viewer").json()["items"]
    assert [v["visited_on"] or v["scheduled_for"] for v in s1][:3] == \
        ["2025-08-01", "2025-11-30", "2026-03-01"]
    got = api.get("/v1/visits", params={"setting_id": world["S1"], "org_id": world["B"]}).json()
    assert [v["visited_on"] for v in got["items"]] == ["2025-11-30"]
    got = api.get("/v1/visits", params={"provider_id": world["P"], "kind": "responsive"}).json()
    assert [v["setting_id"] for v in got["items"]] == [world["S1"]]
    got = api.get("/v1/visits", params={"provider_id": world["P"], "from": "2025-08-31",
                                        "to": "2025-12-31"}).json()
    assert sorted(v["visited_on"] for v in got["items"]) == ["2025-08-31", "2025-11-30",
                                                             "2025-12-31"]
    seen, cursor = [], None
    while True:
        params = {"provider_id": world["P"], "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/v1/visits", params=params).json()
        seen += [v["id"] for v in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    everything = api.get("/v1/visits", params={"provider_id": world["P"], "limit": 500}).json()
    assert seen == [v["id"] for v in everything["items"]] and len(seen) >= 5
    for params, field in [({"kind": "x"}, "kind"), ({"from": "2025-13-01"}, "from"),
                          ({"org_id": "nope"}, "org_id"), ({"status": "completed"}, "status")]:
        assert_problem(api.get("/v1/visits", params=params), 400, "validation", field)
    resp = api.get("/v1/visits", params={"setting_id": world["S1"], "org_id": world["B"]},
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert len(rows) == 1 and rows[0]["rag"] == "red" and rows[0]["org_id"] == world["B"]


def test_other_tenant_sees_nothing(api, world, other_tenant):
    token = api.token(roles="qa_officer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    v = api.get("/v1/visits", params={"setting_id": world["S1"]}).json()["items"][0]
    assert_problem(api.get(f"/v1/visits/{v['id']}", token=token), 404, "not-found")
    assert api.get("/v1/visits", params={"setting_id": world["S1"]}, token=token).json()["items"] == []
    assert_problem(api.post("/v1/visits", {"setting_id": world["S1"], "kind": "planned",
                                           "notice": "announced", "scheduled_for": "2026-01-01"},
                            token=token), 400, "validation", "setting_id")


def due(api, org, as_at, **kw):
    resp = api.get("/v1/visits/due", params={"as_at": as_at}, org=org, **kw)
    assert resp.status_code == 200, resp.text
    assert resp.json()["as_at"] == as_at and resp.json()["next_cursor"] is None
    return {d["setting_id"]: d for d in resp.json()["items"]}


def test_due_list_of_a_council(api, world):
    got = due(api, world["A"], "2026-02-28", roles="viewer")
    assert set(got) == {world["S1"], world["S2"], world["S3"]}
    s1, s2, s3 = got[world["S1"]], got[world["S2"]], got[world["S3"]]
    # red on 30 November: 3 months on is 28 February (month end), due that day, not overdue
    assert (s1["last_visit_on"], s1["current_rag"], s1["interval_months"], s1["due_on"],
            s1["overdue"]) == ("2025-11-30", "red", 3, "2026-02-28", False)
    # never visited: green interval, due from its first active placement's start
    assert (s2["last_visit_on"], s2["current_rag"], s2["interval_months"], s2["due_on"],
            s2["overdue"]) == (None, None, 12, "2025-09-15", True)
    assert s2["placements"] == 1
    # amber on 31 August: due 28 February
    assert (s3["interval_months"], s3["due_on"], s3["overdue"]) == (6, "2026-02-28", False)
    got = due(api, world["A"], "2026-03-01")
    assert got[world["S1"]]["overdue"] and got[world["S3"]]["overdue"]
    # as at a day before the red visit, the green one in August is the last
    got = due(api, world["A"], "2025-11-29")
    assert (got[world["S1"]]["last_visit_on"], got[world["S1"]]["interval_months"],
            got[world["S1"]]["due_on"]) == ("2025-08-01", 12, "2026-08-01")


def test_due_list_of_the_consortium_and_csv(api, world):
    team = due(api, DEMO_CONSORTIUM, "2026-02-28")
    assert {world["S1"], world["S2"], world["S3"], world["S4"]} <= set(team)
    assert team[world["S4"]]["due_on"] == "2026-12-31"
    assert set(due(api, world["B"], "2026-02-28")) == {world["S4"]}
    resp = api.get("/v1/visits/due", params={"as_at": "2026-02-28"}, org=world["A"],
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["setting_id"] for r in rows] == [world["S2"]] + sorted([world["S1"], world["S3"]])
    assert rows[0]["overdue"] == "true" and rows[0]["last_visit_on"] == ""
    for params, field in [({"as_at": "2026-02-30"}, "as_at"), ({"org_id": world["A"]}, "org_id")]:
        assert_problem(api.get("/v1/visits/due", params=params), 400, "validation", field)
