"""The alerts API (/v1/alerts): the caller's organisation's alerts only,
through the gateway, checked against openapi/alerts.yaml."""
import uuid

from hearth_client import assert_problem


def test_a_council_without_alerts_lists_none(api, other_tenant):
    token = api.token(roles="viewer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    resp = api.get("/v1/alerts", token=token)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"items": [], "next_cursor": None}
    assert resp.headers["X-Request-Id"]


def test_an_unknown_alert_is_404_and_a_bad_filter_400(api):
    assert_problem(api.get(f"/v1/alerts/{uuid.uuid4()}"), 404, "not-found")
    assert_problem(api.get("/v1/alerts", params={"status": "sleeping"}), 400, "validation",
                   "status")
    assert_problem(api.get("/v1/alerts", params={"overdue": "maybe"}), 400, "validation",
                   "overdue")


def test_alerts_need_a_token(api):
    resp = api.get("/v1/alerts", auth=False)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
