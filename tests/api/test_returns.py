"""Reg 44 reports and Reg 45 reviews: fields and validation naming the field,
one Reg 44 report per home and month (409), filters, CSV, roles (a provider
organisation submits for its own settings only; recorders for any), tenant
isolation; and /v1/reg44-reports/missing across month ends: each children's
home with a child placed on any day of a month (a placement that ended
mid-month included) and no report by the due day, with the councils
concerned, in keyset pages."""
import csv
import io

import pytest

from hearth_client import DEMO_CONSORTIUM, DEMO_COUNCIL, assert_problem
from records import new_home as new_setting, new_home_provider as new_provider, new_org, place, psql

QA = {"roles": "qa_officer"}
ADMIN = {"roles": "tenant_admin"}


def report(setting, month, **extra):
    body = {"setting_id": setting, "month": month, "visited_on": f"{month}-12",
            "visitor_name": "R. Independent", "registered_manager_in_post": True}
    body.update(extra)
    return body


@pytest.fixture(scope="module")
def world(api):
    """Provider P (staff organisation PO) with homes H1, H2 and a fostering
    setting F; provider Q (staff QO) with home H3. Council A has a child at
    H1 from 2025-10-20 to 2025-12-10 (ended mid-December); council B a child
    at H1 from 2025-12-01 on, and at H2 only in November 2025; A has a child
    at F through the period (not a home: never expected)."""
    w = {"P": new_provider(api), "Q": new_provider(api)}
    w["PO"] = new_org(api, "provider", w["P"])
    w["QO"] = new_org(api, "provider", w["Q"])
    w["A"], w["B"] = new_org(api), new_org(api)
    w["H1"], w["H2"] = new_setting(api, w["P"]), new_setting(api, w["P"])
    w["F"] = new_setting(api, w["P"], "fostering_service")
    w["H3"] = new_setting(api, w["Q"])
    place(api, w["A"], w["P"], w["H1"], "2025-10-20", end="2025-12-10")
    place(api, w["B"], w["P"], w["H1"], "2025-12-01")
    place(api, w["B"], w["P"], w["H2"], "2025-11-01", end="2025-11-30")
    place(api, w["A"], w["P"], w["F"], "2025-01-01")
    return w


def test_provider_submits_its_own_report(api, world, stack_env):
    body = report(world["H1"], "2025-10", received_on="2025-11-05", children_safeguarded="yes",
                  recommendations=[{"text": "Refresh the missing-from-care protocol.",
                                    "status": "open"}], summary="A settled month.")
    resp = api.post("/v1/reg44-reports", body, org=world["PO"], roles="provider")
    assert resp.status_code == 201, resp.text
    r = resp.json()
    assert resp.headers["Location"] == f"/v1/reg44-reports/{r['id']}"
    assert r["month"] == "2025-10" and r["provider_id"] == world["P"]
    assert r["submitted_by_org_id"] == world["PO"] and r["wellbeing_promoted"] == "not_stated"
    assert r["recommendations"][0]["status"] == "open"
    assert api.get(resp.headers["Location"], roles="viewer").json() == r
    # a second for the same home and month: 409 naming month, by anyone
    again = api.post("/v1/reg44-reports", report(world["H1"], "2025-10"), **QA)
    assert_problem(again, 409, "conflict", "month")
    # another provider's home: 403; a council's viewer: 403
    assert_problem(api.post("/v1/reg44-reports", report(world["H3"], "2025-10"), org=world["PO"],
                            roles="provider"), 403, "forbidden")
    assert_problem(api.post("/v1/reg44-reports", report(world["H3"], "2025-11"), roles="provider"),
                   403, "forbidden")
    assert_problem(api.post("/v1/reg44-reports", report(world["H3"], "2025-11"), roles="viewer"),
                   403, "forbidden")
    audit = psql(stack_env, "SELECT string_agg(method || ' ' || status, ',' ORDER BY id) "
                            f"FROM audit.events WHERE resource_id = '{r['id']}'")
    assert audit == "POST 201"


def test_bad_reports_name_the_field(api, world):
    base = report(world["H2"], "2025-09")
    cases = [
        ({k: v for k, v in base.items() if k != "visitor_name"}, "visitor_name"),
        ({k: v for k, v in base.items() if k != "registered_manager_in_post"},
         "registered_manager_in_post"),
        (dict(base, month="2025-13"), "month"),
        (dict(base, month="2025-9"), "month"),
        (dict(base, visited_on="2025-10-01"), "visited_on"),
        (dict(base, received_on="2025-09-01"), "received_on"),
        (dict(base, children_safeguarded="maybe"), "children_safeguarded"),
        (dict(base, recommendations=[{"text": "x"}]), "recommendations[0].status"),
        (dict(base, recommendations=[{"text": "x", "status": "closed"}]),
         "recommendations[0].status"),
        (dict(base, setting_id=world["F"]), "setting_id"),
        (dict(base, setting_id="00000000-0000-4000-8000-00000000ffff"), "setting_id"),
        (dict(base, provider_id=world["P"]), "provider_id"),
        (dict(base, registered_manager_in_post="yes"), "registered_manager_in_post"),
    ]
    for body, field in cases:
        assert_problem(api.post("/v1/reg44-reports", body, **QA), 400, "validation", field)


def test_list_filters_and_csv(api, world, other_tenant):
    assert api.post("/v1/reg44-reports", report(world["H3"], "2025-12"), org=world["QO"],
                    roles="provider").status_code == 201
    got = api.get("/v1/reg44-reports", params={"setting_id": world["H3"]}, roles="provider").json()
    assert [r["month"] for r in got["items"]] == ["2025-12"]
    got = api.get("/v1/reg44-reports", params={"setting_id": world["H3"], "month": "2025-11"}).json()
    assert got["items"] == []
    assert_problem(api.get("/v1/reg44-reports", params={"month": "2025-1"}), 400, "validation",
                   "month")
    resp = api.get("/v1/reg44-reports", params={"setting_id": world["H3"]},
                   headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert resp.status_code == 200 and [r["month"] for r in rows] == ["2025-12"]
    token = api.token(roles="viewer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert api.get("/v1/reg44-reports", params={"setting_id": world["H3"]},
                   token=token).json()["items"] == []


def missing_pages(api, as_at, limit=500, **kw):
    """Every page of the missing list on as_at, following next_cursor."""
    pages, params = [], {"as_at": as_at, "limit": limit}
    while True:
        resp = api.get("/v1/reg44-reports/missing", params=params, **kw)
        assert resp.status_code == 200, resp.text
        assert resp.json()["as_at"] == as_at
        pages.append(resp.json()["items"])
        if resp.json()["next_cursor"] is None:
            return pages
        params = {**params, "cursor": resp.json()["next_cursor"]}


def missing(api, as_at, **kw):
    return {(m["setting_id"], m["month"]): m for page in missing_pages(api, as_at, **kw)
            for m in page}


def test_missing_reports_across_month_ends(api, world):
    ours = {world["H1"], world["H2"], world["H3"], world["F"]}
    # 2025-11-10 is November's due day for October: not yet missing on it
    got = {k: v for k, v in missing(api, "2025-11-10").items() if k[0] in ours}
    assert got == {}
    # December 11: November is due on 10 December; H1 had A's child, H2 B's
    got = {k: v for k, v in missing(api, "2025-12-11", roles="viewer").items() if k[0] in ours}
    assert set(got) == {(world["H1"], "2025-11"), (world["H2"], "2025-11")}
    assert got[(world["H1"], "2025-11")]["councils"] == [{"org_id": world["A"], "placements": 1}]
    assert got[(world["H1"], "2025-11")]["due_on"] == "2025-12-10"
    assert got[(world["H2"], "2025-11")]["councils"] == [{"org_id": world["B"], "placements": 1}]
    # January 11: December adds H1 with A (left 10 December) and B (arrived 1st)
    got = {k: v for k, v in missing(api, "2026-01-11").items() if k[0] in ours}
    assert set(got) == {(world["H1"], "2025-11"), (world["H2"], "2025-11"),
                        (world["H1"], "2025-12")}
    assert [c["org_id"] for c in got[(world["H1"], "2025-12")]["councils"]] == \
        sorted([world["A"], world["B"]])
    # a report received arrives and the month is no longer missing
    assert api.post("/v1/reg44-reports", report(world["H1"], "2025-11", received_on="2026-01-12"),
                    org=world["PO"], roles="provider").status_code == 201
    assert (world["H1"], "2025-11") in missing(api, "2026-01-11")
    assert (world["H1"], "2025-11") not in missing(api, "2026-01-12")
    resp = api.get("/v1/reg44-reports/missing", params={"as_at": "2026-01-12", "limit": 500},
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = [r for r in csv.DictReader(io.StringIO(resp.text)) if r["setting_id"] in ours]
    assert {(r["setting_id"], r["month"]) for r in rows} == {(world["H2"], "2025-11"),
                                                            (world["H1"], "2025-12")}
    for params, field in [({"as_at": "2026-02-30"}, "as_at"), ({"month": "2025-11"}, "month")]:
        assert_problem(api.get("/v1/reg44-reports/missing", params=params), 400, "validation",
                       field)


def test_missing_reports_are_keyset_pages(api, world):
    # the same list, a page at a time: oldest month first, then by setting,
    # each pair once, the last page's cursor null
    whole = [m for page in missing_pages(api, "2026-01-11") for m in page]
    keys = [(m["month"], m["setting_id"]) for m in whole]
    assert len(keys) >= 3 and keys == sorted(keys) and len(set(keys)) == len(keys)
    pages = missing_pages(api, "2026-01-11", limit=2)
    assert all(len(page) == 2 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 2
    assert [m for page in pages for m in page] == whole
    first = api.get("/v1/reg44-reports/missing", params={"as_at": "2026-01-11"}).json()
    assert first["items"] == whole[:50]
    assert (first["next_cursor"] is None) == (len(whole) <= 50)
    resp = api.get("/v1/reg44-reports/missing", params={"as_at": "2026-01-11", "limit": 1},
                   headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert resp.status_code == 200 and [(r["month"], r["setting_id"]) for r in rows] == \
        [(whole[0]["month"], whole[0]["setting_id"])]
    # a cursor belongs to its as_at; limits are 1-500
    cursor = api.get("/v1/reg44-reports/missing",
                     params={"as_at": "2026-01-11", "limit": 1}).json()["next_cursor"]
    assert cursor is not None
    assert_problem(api.get("/v1/reg44-reports/missing",
                           params={"as_at": "2026-01-12", "cursor": cursor}),
                   400, "validation", "cursor")
    assert_problem(api.get("/v1/reg44-reports/missing",
                           params={"as_at": "2026-01-11", "cursor": "not-a-cursor"}),
                   400, "validation", "cursor")
    for limit in ("0", "501", "x"):
        assert_problem(api.get("/v1/reg44-reports/missing",
                               params={"as_at": "2026-01-11", "limit": limit}),
                       400, "validation", "limit")


def test_reg45_reviews(api, world):
    body = {"setting_id": world["H1"], "period_from": "2025-04-01", "period_to": "2025-09-30",
            "received_on": "2025-10-15", "summary": "Quality of care review, spring and summer."}
    resp = api.post("/v1/reg45-reviews", body, org=world["PO"], roles="provider")
    assert resp.status_code == 201, resp.text
    r = resp.json()
    assert r["provider_id"] == world["P"] and r["submitted_by_org_id"] == world["PO"]
    assert api.get(resp.headers["Location"]).json() == r
    assert_problem(api.post("/v1/reg45-reviews", body, **QA), 409, "conflict", "period_from")
    assert_problem(api.post("/v1/reg45-reviews", dict(body, setting_id=world["H3"]),
                            org=world["PO"], roles="provider"), 403, "forbidden")
    for bad, field in [(dict(body, period_to="2025-03-01"), "period_to"),
                       (dict(body, period_from="2025-04-31"), "period_from"),
                       (dict(body, setting_id=world["F"]), "setting_id"),
                       ({k: v for k, v in body.items() if k != "period_to"}, "period_to")]:
        assert_problem(api.post("/v1/reg45-reviews", bad, **QA), 400, "validation", field)
    got = api.get("/v1/reg45-reviews", params={"setting_id": world["H1"]}, roles="viewer").json()
    assert [x["id"] for x in got["items"]] == [r["id"]]


def test_demo_data_has_one_missing_month_and_an_overdue_visit(api):
    """The demo (services/qa/seed/004): Pen y Lodge's report of three months
    ago never came, and its last visit (red, five months ago) is overdue."""
    import datetime
    pen_y_lodge = "00000000-0000-4000-8000-0000000b0013"
    today = datetime.date.today()
    y, m = today.year, today.month - 3
    if m < 1:
        y, m = y - 1, m + 12
    got = [k for k in missing(api, today.isoformat(), org=DEMO_CONSORTIUM) if k[0] == pen_y_lodge]
    assert got == [(pen_y_lodge, f"{y:04d}-{m:02d}")]
    reports = api.get("/v1/reg44-reports", params={"setting_id": pen_y_lodge, "limit": 500}).json()
    assert len(reports["items"]) >= 10
    resp = api.get("/v1/visits/due", org=DEMO_COUNCIL)
    assert resp.status_code == 200, resp.text
    row = next(d for d in resp.json()["items"] if d["setting_id"] == pen_y_lodge)
    assert row["current_rag"] == "red" and row["interval_months"] == 3 and row["overdue"]
