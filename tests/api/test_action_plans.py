"""Action plans: fields and rules naming their field, items given ids and
kept once written, done and not_done only with evidence, overdue_items and
the overdue filter, CSV, roles (a provider organisation answers its own
plans' items, status and evidence only, and sees no other provider's plans),
audit rows, tenant isolation."""
import csv
import datetime
import io
import subprocess

import pytest

from conftest import unique
from hearth_client import DEMO_COUNCIL_2, assert_problem

QA = {"roles": "qa_officer"}
ADMIN = {"roles": "tenant_admin"}
DEMO_PROVIDER = "00000000-0000-4000-8000-0000000a0010"
DEMO_SETTING = "00000000-0000-4000-8000-0000000b0013"       # Pen y Lodge, of DEMO_PROVIDER
OTHER_SETTING = "00000000-0000-4000-8000-0000000b0001"      # of provider ...a0001
DEMO_INSPECTION = "00000000-0000-4000-8000-000000100002"
TODAY = datetime.date.today()
PAST = (TODAY - datetime.timedelta(days=10)).isoformat()
FUTURE = (TODAY + datetime.timedelta(days=30)).isoformat()


def psql(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def plan(provider=DEMO_PROVIDER, setting=DEMO_SETTING, **extra):
    body = {"provider_id": provider, "setting_id": setting, "source": "other",
            "items": [{"action": "Recruit a night manager", "owner": "Registered manager",
                       "due_on": PAST},
                      {"action": "Refresh restraint training", "owner": "Training lead",
                       "due_on": FUTURE}]}
    body.update(extra)
    return body


def new_plan(api, **kw):
    resp = api.post("/v1/action-plans", kw.pop("body", None) or plan(), **{**QA, **kw})
    assert resp.status_code == 201, resp.text
    return resp


@pytest.fixture(scope="module")
def provider_org(api):
    resp = api.post("/v1/organisations", {"kind": "provider", "name": unique("Staff"),
                                          "code": unique("P"), "provider_id": DEMO_PROVIDER},
                    **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_open_read_and_overdue(api):
    resp = new_plan(api)
    p = resp.json()
    assert resp.headers["Location"] == f"/v1/action-plans/{p['id']}"
    assert resp.headers["ETag"] == '"1"' and p["status"] == "open"
    assert p["overdue_items"] == 1 and len(p["items"]) == 2
    for item in p["items"]:
        assert item["status"] == "open" and item["evidence"] is None
        assert item["id"] and item["updated_at"]
    assert api.get(resp.headers["Location"], org=DEMO_COUNCIL_2, roles="viewer").json() == p


def test_item_done_needs_evidence_and_only_changed_items_move(api):
    p = new_plan(api).json()
    url = f"/v1/action-plans/{p['id']}"
    items = [dict(i) for i in p["items"]]
    items[0]["status"] = "done"
    assert_problem(api.patch(url, {"items": items}, **QA), 400, "validation", "items[0].evidence")
    items[0]["evidence"] = "Manager appointed 3 March; contract on file."
    resp = api.patch(url, {"items": items}, headers={"If-Match": '"1"'}, **QA)
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert got["version"] == 2 and got["overdue_items"] == 0
    assert got["items"][0]["status"] == "done" and got["items"][0]["evidence"].startswith("Manager")
    assert got["items"][1] == p["items"][1]          # untouched: same updated_at
    # A new item joins; an existing one cannot be dropped or invented.
    grown = got["items"] + [{"action": "Audit rotas", "owner": "RI", "due_on": FUTURE}]
    resp = api.patch(url, {"items": grown}, **QA)
    assert resp.status_code == 200 and len(resp.json()["items"]) == 3, resp.text
    assert_problem(api.patch(url, {"items": grown[:1]}, **QA), 400, "validation", "items")
    ghost = [{**grown[0], "id": "00000000-0000-4000-8000-0000000fffff"}]
    assert_problem(api.patch(url, {"items": ghost}, **QA), 400, "validation", "items")
    assert_problem(api.patch(url, {"items": [{**grown[1], "status": "not_done"}] + grown[1:]},
                             **QA), 400, "validation", "items[0].evidence")
    assert_problem(api.patch(url, {"items": grown}, headers={"If-Match": '"1"'}, **QA), 412)


@pytest.mark.parametrize("field,value", [
    ("provider_id", "not-a-uuid"), ("source", "rumour"), ("items", []), ("items", "x"),
    ("status", "done"), ("setting_id", OTHER_SETTING), ("provider_id",
                                                        "00000000-0000-4000-8000-00000000ffff"),
    ("overdue_items", 3), ("colour", "red")])
def test_bad_fields_named(api, field, value):
    assert_problem(api.post("/v1/action-plans", plan(**{field: value}), **QA), 400,
                   "validation", field)


@pytest.mark.parametrize("item,field", [
    ({"owner": "x", "due_on": PAST}, "items[0].action"),
    ({"action": "x", "owner": "x", "due_on": "2025-02-30"}, "items[0].due_on"),
    ({"action": "x", "owner": "x", "due_on": PAST, "status": "late"}, "items[0].status"),
    ({"action": "x", "owner": "x", "due_on": PAST, "status": "done"}, "items[0].evidence"),
    ({"action": "x", "owner": "x", "due_on": PAST, "size": 1}, "items[0].size")])
def test_bad_items_named(api, item, field):
    assert_problem(api.post("/v1/action-plans", plan(items=[item]), **QA), 400, "validation",
                   field)


def test_source_id_required_unless_other(api):
    assert_problem(api.post("/v1/action-plans", plan(source="inspection"), **QA), 400,
                   "validation", "source_id")
    resp = new_plan(api, body=plan(source="inspection", source_id=DEMO_INSPECTION))
    assert resp.json()["source_id"] == DEMO_INSPECTION


def test_filters_and_csv(api):
    mine = new_plan(api, body=plan(setting=None)).json()
    calm = new_plan(api, body=plan(items=[{"action": "a", "owner": "o", "due_on": FUTURE}]))
    calm = calm.json()

    def ids(query):
        resp = api.get(f"/v1/action-plans?{query}&limit=500")
        assert resp.status_code == 200, resp.text
        return {p["id"] for p in resp.json()["items"]}
    assert mine["id"] in ids("overdue=true") and calm["id"] not in ids("overdue=true")
    assert calm["id"] in ids("overdue=false") and mine["id"] not in ids("overdue=false")
    assert mine["id"] in ids(f"provider_id={DEMO_PROVIDER}&status=open")
    assert mine["id"] not in ids(f"setting_id={DEMO_SETTING}")
    assert mine["id"] not in ids("status=closed")
    for bad in ("overdue=yes", "status=done", "setting_id=1", "colour=red"):
        assert_problem(api.get(f"/v1/action-plans?{bad}"), 400, "validation", bad.split("=")[0])
    resp = api.get("/v1/action-plans?overdue=true&limit=500", headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert any(r["id"] == mine["id"] and r["overdue_items"] == "1" for r in rows)


def test_roles(api):
    assert_problem(api.post("/v1/action-plans", plan(), roles="viewer"), 403, "forbidden")
    assert_problem(api.post("/v1/action-plans", plan(), roles="provider"), 403, "forbidden")
    p = new_plan(api, roles="commissioner").json()
    assert_problem(api.patch(f"/v1/action-plans/{p['id']}", {"status": "closed"},
                             roles="viewer"), 403, "forbidden")
    # A council's user holding the provider role is not a provider organisation.
    assert_problem(api.patch(f"/v1/action-plans/{p['id']}", {"status": "closed"},
                             roles="provider"), 403, "forbidden")
    resp = api.patch(f"/v1/action-plans/{p['id']}", {"status": "closed"}, **ADMIN)
    assert resp.status_code == 200 and resp.json()["status"] == "closed"


def test_provider_answers_its_own_items_only(api, provider_org, stack_env):
    p = new_plan(api).json()
    other = new_plan(api, body=plan(provider="00000000-0000-4000-8000-0000000a0001",
                                    setting=OTHER_SETTING)).json()
    url = f"/v1/action-plans/{p['id']}"
    as_provider = {"org": provider_org, "roles": "provider"}
    items = [dict(i) for i in p["items"]]
    items[0].update(status="done", evidence="Night manager started on Monday.")
    resp = api.patch(url, {"items": items}, **as_provider)
    assert resp.status_code == 200, resp.text
    assert resp.json()["items"][0]["status"] == "done"
    # Anything else: 403, and nothing stored.
    changed = [dict(i) for i in resp.json()["items"]]
    changed[1]["due_on"] = "2030-01-01"
    assert_problem(api.patch(url, {"items": changed}, **as_provider), 403, "forbidden")
    assert_problem(api.patch(url, {"status": "closed"}, **as_provider), 403, "forbidden")
    added = resp.json()["items"] + [{"action": "x", "owner": "y", "due_on": FUTURE}]
    assert_problem(api.patch(url, {"items": added}, **as_provider), 403, "forbidden")
    assert api.get(url).json()["version"] == 2
    # Another provider's plan does not exist for it.
    assert_problem(api.get(f"/v1/action-plans/{other['id']}", **as_provider), 404)
    assert_problem(api.patch(f"/v1/action-plans/{other['id']}", {"status": "closed"},
                             **as_provider), 404)
    # Nor does it open one, whatever roles its token holds.
    assert_problem(api.post("/v1/action-plans", plan(), org=provider_org, roles="qa_officer"),
                   403, "forbidden")
    listed = api.get("/v1/action-plans?limit=500", **as_provider).json()["items"]
    assert listed and all(x["provider_id"] == DEMO_PROVIDER for x in listed)
    assert psql(stack_env, "SELECT count(*) FROM audit.events WHERE resource = 'action_plan' "
                           f"AND resource_id = '{p['id']}' AND method = 'PATCH' "
                           "AND status = 200") == "1"


def test_idempotent_create(api):
    key = {"Idempotency-Key": unique("plan")}
    first = api.post("/v1/action-plans", plan(), headers=key, **QA)
    again = api.post("/v1/action-plans", plan(), headers=key, **QA)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"


def test_tenant_isolation(api, other_tenant):
    p = new_plan(api).json()
    token = other_tenant["admin_token"]
    assert_problem(api.get(f"/v1/action-plans/{p['id']}", token=token), 404)
    assert all(x["id"] != p["id"]
               for x in api.get("/v1/action-plans?limit=500", token=token).json()["items"])
    assert_problem(api.post("/v1/action-plans", plan(), token=token), 400, "validation",
                   "provider_id")
