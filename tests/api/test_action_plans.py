"""Action plans: fields and rules naming their field, items given ids and
kept once written, done and not_done only with evidence, overdue_items and
the overdue filter, CSV, roles (a provider organisation answers its own
plans' items, status and evidence only, and sees no other provider's plans),
audit rows, tenant isolation; and qa.action_item.overdue, announced once
per item and due day by qa.announce_overdue_action_items()."""
import csv
import datetime
import io
import json
import socket
import subprocess
import time

import pytest

from conftest import unique
from hearth_client import DEMO_COUNCIL_2, assert_problem
from records import as_role
from service_process import ServiceProcess

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


# == qa.action_item.overdue: announced once by the periodic check ==

def announce(stack_env):
    """The background worker's call: the service role, no request context."""
    out = as_role(stack_env, "hearth_qa", "SELECT qa.announce_overdue_action_items()")
    assert out.returncode == 0, out.stderr
    return int(out.stdout)


def overdue_events(stack_env, plan_id):
    """The plan's qa.action_item.overdue events, read as the event consumer."""
    out = subprocess.run(
        ["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-At", "-c",
         "SET ROLE hearth_event_reader; "
         "SELECT tenant_id || '|' || coalesce(org_id::text, '-') || '|' || subject_type || '|' "
         "|| subject_id || '|' || payload::text FROM qa.outbox "
         f"WHERE type = 'qa.action_item.overdue' AND payload->>'plan_id' = '{plan_id}' "
         "ORDER BY seq"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return [line.split("|", 4) for line in out.stdout.splitlines() if "|" in line]


def test_overdue_items_are_announced_once(api, stack_env):
    done_late = {"action": "Fit window restrictors", "owner": "Estates", "due_on": PAST,
                 "status": "done", "evidence": "Invoice and photographs"}
    p = new_plan(api, body=plan(items=[plan()["items"][0], plan()["items"][1], done_late])).json()
    late, not_yet = p["items"][0], p["items"][1]
    closed = new_plan(api, body=plan(status="closed")).json()
    assert announce(stack_env) >= 1
    events = overdue_events(stack_env, p["id"])
    assert len(events) == 1
    tenant, org, subject_type, subject_id, payload = events[0]
    assert (tenant, org, subject_type, subject_id) == (
        "00000000-0000-4000-8000-00000000d001", "-", "action_item", late["id"])
    payload = json.loads(payload)
    assert payload == {"plan_id": p["id"], "item_id": late["id"], "provider_id": DEMO_PROVIDER,
                       "setting_id": DEMO_SETTING, "source": "other", "source_id": None,
                       "action": late["action"], "owner": late["owner"], "due_on": PAST,
                       "days_overdue": 10}
    assert not_yet["id"] not in {e[3] for e in events}
    assert overdue_events(stack_env, closed["id"]) == []
    # Once: a second run announces nothing, here or anywhere.
    assert announce(stack_env) == 0
    assert len(overdue_events(stack_env, p["id"])) == 1
    # Answered (done) items are never announced; a due day moved on and
    # passed again is a new lapse, announced once more.
    later = (TODAY - datetime.timedelta(days=2)).isoformat()
    resp = api.patch(f"/v1/action-plans/{p['id']}",
                     {"items": [dict(late, due_on=later), not_yet, p["items"][2]]}, **QA)
    assert resp.status_code == 200, resp.text
    assert announce(stack_env) == 1
    assert [json.loads(e[4])["due_on"] for e in overdue_events(stack_env, p["id"])] == [PAST,
                                                                                        later]
    assert announce(stack_env) == 0


def test_only_the_qa_role_announces(stack_env):
    for role in ("hearth_placements", "hearth_providers"):
        out = as_role(stack_env, role, "SELECT qa.announce_overdue_action_items()")
        assert out.returncode != 0 and "permission denied" in out.stderr, role
    out = as_role(stack_env, "hearth_qa", "SELECT count(*) FROM qa.action_item_announcements")
    assert out.returncode != 0 and "permission denied" in out.stderr


def test_the_qa_service_announces_overdue_items_by_itself(api, stack_env):
    # The service's own background check (HEARTH_QA_OVERDUE_CHECK_S), here a
    # second hearth-qa beside the stack's, checking every second: the item is
    # announced once without anyone calling, and the alerts service turns the
    # event into action_overdue alerts for the councils with children there.
    p = new_plan(api, body=plan(items=[plan()["items"][0]])).json()
    late = p["items"][0]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    qa = ServiceProcess(stack_env, "qa", port=port, pidfile=False)
    qa.start(HEARTH_QA_OVERDUE_CHECK_S="1")
    try:
        deadline = time.monotonic() + 15
        while not overdue_events(stack_env, p["id"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2.5)  # two more checks: still one event
        events = overdue_events(stack_env, p["id"])
    finally:
        qa.stop()
    assert [e[3] for e in events] == [late["id"]]
    deadline = time.monotonic() + 15
    alerts = 0
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c",
             "SELECT count(*) FROM alerts.alerts WHERE kind = 'action_overdue' "
             f"AND subject_id = '{late['id']}'"], capture_output=True, text=True, check=True)
        alerts = int(out.stdout)
        if alerts:
            break
        time.sleep(0.1)
    assert alerts >= 1
