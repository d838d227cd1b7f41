"""What an organisation does with its own alert: acknowledge, meet a deadline,
resolve. Each is audited, announced in the alerts outbox, and 404 for another
organisation's alert."""
import pytest

from alerts_support import alerts_of, days, record_inadequate, wait_for
from hearth_client import assert_problem
from records import new_council, new_home, new_home_provider, place, psql


@pytest.fixture
def alert(api):
    provider = new_home_provider(api)
    home = new_home(api, provider)
    council = new_council(api)
    place(api, council, provider, home, days(-2))
    record_inadequate(api, home)
    got = wait_for(lambda: alerts_of(api, council, subject_id=home), 1)
    assert len(got) == 1, got
    return {"council": council, "alert": got[0]}


def outbox_types(stack_env, alert_id):
    return psql(stack_env, f"SELECT string_agg(type, ',' ORDER BY seq) FROM alerts.outbox "
                           f"WHERE subject_id = '{alert_id}'").split(",")


def audit_count(stack_env, alert_id):
    return int(psql(stack_env, f"SELECT count(*) FROM audit.events "
                               f"WHERE resource = 'alert' AND resource_id = '{alert_id}'"))


def test_acknowledge_then_meet_then_resolve(api, alert, stack_env):
    org, a = alert["council"], alert["alert"]
    base = f"/v1/alerts/{a['id']}"
    resp = api.post(f"{base}/acknowledge", {"note": "Visiting today"}, org=org)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "acknowledged" and body["acknowledged_at"]
    assert body["version"] == a["version"] + 1 and resp.headers["ETag"] == f'"{body["version"]}"'
    assert_problem(api.post(f"{base}/acknowledge", {}, org=org), 409, "conflict")

    resp = api.post(f"{base}/deadlines/visit/met", {"note": "Visited"}, org=org)
    assert resp.status_code == 200, resp.text
    visit = [d for d in resp.json()["deadlines"] if d["name"] == "visit"][0]
    assert visit["met_at"] and resp.json()["version"] == body["version"] + 1
    assert_problem(api.post(f"{base}/deadlines/visit/met", {}, org=org), 409, "conflict")
    assert_problem(api.post(f"{base}/deadlines/nothing/met", {}, org=org), 404, "not-found")
    assert_problem(api.post(f"{base}/deadlines/decision/met", {"met_at": "2999-01-01T00:00:00Z"},
                            org=org), 400, "validation", "met_at")

    resp = api.post(f"{base}/resolve", {"resolution": "Child safe to stay"}, org=org)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "resolved" and resp.json()["resolved_at"]
    assert_problem(api.post(f"{base}/resolve", {"resolution": "again"}, org=org), 409, "conflict")
    assert api.get(base, org=org).json() == resp.json()

    assert outbox_types(stack_env, a["id"]) == [
        "alerts.alert.created", "alerts.alert.acknowledged", "alerts.alert.deadline_met",
        "alerts.alert.resolved"]
    row = psql(stack_env, f"SELECT org_id, subject_type, payload->>'status' FROM alerts.outbox "
                          f"WHERE subject_id = '{a['id']}' ORDER BY seq DESC LIMIT 1")
    assert row == f"{org}|alert|resolved"
    assert audit_count(stack_env, a["id"]) == 3


def test_bodies_are_checked_and_roles_enforced(api, alert):
    org, a = alert["council"], alert["alert"]
    base = f"/v1/alerts/{a['id']}"
    assert_problem(api.post(f"{base}/acknowledge", {"nope": 1}, org=org), 400, "validation", "nope")
    assert_problem(api.post(f"{base}/resolve", {}, org=org), 400, "validation", "resolution")
    assert_problem(api.post(f"{base}/deadlines/visit/met", {"met_at": "yesterday"}, org=org),
                   400, "validation", "met_at")
    assert_problem(api.post(f"{base}/acknowledge", {}, org=org, roles="viewer"), 403, "forbidden")
    assert api.get(base, org=org).json()["status"] == "open"


def test_another_organisation_cannot_touch_it(api, alert, other_tenant):
    a = alert["alert"]
    other = new_council(api)
    for path, body in (("acknowledge", {}), ("resolve", {"resolution": "x"}),
                       ("deadlines/visit/met", {})):
        assert_problem(api.post(f"/v1/alerts/{a['id']}/{path}", body, org=other), 404)
        assert_problem(api.post(f"/v1/alerts/{a['id']}/{path}", body, org=other_tenant["org"],
                                tenant=other_tenant["tenant"]), 404)
    assert alerts_of(api, other) == []
    assert alerts_of(api, other_tenant["org"], tenant=other_tenant["tenant"]) == []
