"""The tenant's alert rules (/v1/alert-rules) and calendar (/v1/calendar/holidays),
and the working-day clock every deadline is computed with."""
import pytest

from hearth_client import assert_problem
from records import psql

KINDS = ["action_overdue", "concern_escalated", "inadequate_judgement", "ipa_reissue_required",
         "placement_instability", "placement_stop", "placement_stop_overridden",
         "reg44_missing", "registration_changed"]


def test_every_kind_has_its_default(api, other_tenant):
    token = api.token(roles="viewer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    resp = api.get("/v1/alert-rules", token=token)
    assert resp.status_code == 200, resp.text
    items = resp.json()["items"]
    assert [r["kind"] for r in items] == KINDS
    inadequate = next(r for r in items if r["kind"] == "inadequate_judgement")
    assert inadequate == {
        "kind": "inadequate_judgement", "enabled": True, "severity": "critical",
        "deadlines": {"visit": {"clock": "working_days", "amount": 0},
                      "decision": {"clock": "hours", "amount": 24}},
        "escalation": {"enabled": True, "max_level": 3}, "version": 0, "updated_at": None}
    stop = api.get("/v1/alert-rules/placement_stop", token=token)
    assert stop.json()["deadlines"] == {"acknowledge": {"clock": "working_days", "amount": 1}}
    assert stop.headers["ETag"] == '"0"'
    assert_problem(api.get("/v1/alert-rules/no_such_kind", token=token), 404, "not-found")


def test_an_admin_changes_a_rule_of_its_own_tenant_only(api, other_tenant):
    admin = other_tenant["admin_token"]
    path = "/v1/alert-rules/placement_stop"
    resp = api.patch(path, {"severity": "critical", "escalation": {"max_level": 2},
                            "deadlines": {"call": {"clock": "hours", "amount": 2}}},
                     token=admin, headers={"If-Match": '"0"'})
    assert resp.status_code == 200, resp.text
    rule = resp.json()
    assert rule["severity"] == "critical" and rule["escalation"] == {"enabled": True, "max_level": 2}
    assert rule["deadlines"] == {"acknowledge": {"clock": "working_days", "amount": 1},
                                 "call": {"clock": "hours", "amount": 2}}
    assert rule["version"] == 1 and resp.headers["ETag"] == '"1"'
    assert_problem(api.patch(path, {"enabled": False}, token=admin, headers={"If-Match": '"0"'}),
                   412, "precondition-failed")
    resp = api.patch(path, {"deadlines": {"call": None}}, token=admin)
    assert resp.json()["deadlines"] == {"acknowledge": {"clock": "working_days", "amount": 1}}
    assert resp.json()["version"] == 2
    # The demo tenant keeps its own: the default, as seed-demo stored it.
    demo = api.get(path).json()
    assert demo["version"] == 1 and demo["severity"] == "high"
    assert demo["deadlines"] == {"acknowledge": {"clock": "working_days", "amount": 1}}
    viewer = api.token(roles="commissioner", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert_problem(api.patch(path, {"enabled": False}, token=viewer), 403, "forbidden")


@pytest.mark.parametrize("patch, field", [
    ({"severity": "dire"}, "severity"),
    ({"enabled": "yes"}, "enabled"),
    ({"escalation": {"max_level": 4}}, "escalation.max_level"),
    ({"deadlines": {"Bad Name": {"clock": "hours", "amount": 1}}}, "deadlines.Bad Name"),
    ({"deadlines": {"soon": {"clock": "minutes", "amount": 1}}}, "deadlines.soon"),
    ({"kind": "placement_stop"}, "kind"),
    ({"unknown": 1}, "unknown"),
])
def test_a_bad_rule_is_400_naming_the_field(api, other_tenant, patch, field):
    assert_problem(api.patch("/v1/alert-rules/reg44_missing", patch,
                             token=other_tenant["admin_token"]), 400, "validation", field)


def test_holidays_are_seeded_listed_and_added(api, other_tenant):
    token = api.token(roles="viewer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    resp = api.get("/v1/calendar/holidays", params={"from": "2025-12-01", "to": "2026-01-31"},
                   token=token)
    assert resp.status_code == 200, resp.text
    assert [(h["date"], h["scope"]) for h in resp.json()["items"]] == [
        ("2025-12-25", "national"), ("2025-12-26", "national"), ("2026-01-01", "national")]
    every = api.get("/v1/calendar/holidays", params={"limit": 500}, token=token).json()["items"]
    assert len(every) == 32 and every[0]["date"] == "2025-01-01"
    page = api.get("/v1/calendar/holidays", params={"limit": 2}, token=token).json()
    more = api.get("/v1/calendar/holidays", params={"limit": 2, "cursor": page["next_cursor"]},
                   token=token).json()
    assert [h["date"] for h in page["items"] + more["items"]] == [h["date"] for h in every[:4]]
    csv = api.get("/v1/calendar/holidays", params={"to": "2025-01-01"}, token=token,
                  headers={"Accept": "text/csv"})
    assert csv.text.splitlines()[0] == "id,date,name,scope,created_at"

    admin = other_tenant["admin_token"]
    resp = api.post("/v1/calendar/holidays", {"date": "2026-07-10", "name": "County show"},
                    token=admin)
    assert resp.status_code == 201, resp.text
    assert resp.json()["scope"] == "tenant" and resp.headers["Location"].endswith(resp.json()["id"])
    assert_problem(api.post("/v1/calendar/holidays", {"date": "2026-07-10", "name": "Again"},
                            token=admin), 409, "conflict")
    assert_problem(api.post("/v1/calendar/holidays", {"date": "2026-12-25", "name": "Xmas"},
                            token=admin), 409, "conflict")
    assert_problem(api.post("/v1/calendar/holidays", {"date": "2026-02-30", "name": "x"},
                            token=admin), 400, "validation", "date")
    assert_problem(api.post("/v1/calendar/holidays", {"date": "2026-07-11", "name": "x"},
                            token=token), 403, "forbidden")
    # Another tenant does not see it.
    demo = api.get("/v1/calendar/holidays", params={"from": "2026-07-10", "to": "2026-07-10"})
    assert demo.json()["items"] == []


# (instant, working days after, expected end): Europe/London, 17:00 close.
CLOCKS = [
    ("2026-01-14 10:00+00", 0, "2026-01-14 17:00:00+00"),   # a Wednesday, winter
    ("2026-01-14 16:59+00", 0, "2026-01-14 17:00:00+00"),
    ("2026-01-14 17:00+00", 0, "2026-01-15 17:00:00+00"),   # at the close: next day
    ("2026-01-14 18:30+00", 0, "2026-01-15 17:00:00+00"),   # after hours
    ("2026-01-14 10:00+00", 1, "2026-01-15 17:00:00+00"),
    ("2026-01-16 18:00+00", 0, "2026-01-19 17:00:00+00"),   # Friday evening: Monday
    ("2026-01-17 09:00+00", 0, "2026-01-19 17:00:00+00"),   # Saturday
    ("2026-01-18 09:00+00", 1, "2026-01-20 17:00:00+00"),   # Sunday, next working day
    ("2025-12-24 12:00+00", 1, "2025-12-29 17:00:00+00"),   # over 25-26 Dec and the weekend
    ("2025-12-25 09:00+00", 0, "2025-12-29 17:00:00+00"),
    ("2025-12-31 17:30+00", 0, "2026-01-02 17:00:00+00"),   # over 1 Jan 2026
    ("2026-04-02 18:00+01", 0, "2026-04-07 16:00:00+00"),   # over Good Friday and Easter Monday
    ("2026-04-03 10:00+01", 1, "2026-04-08 16:00:00+00"),
    ("2026-03-27 18:00+00", 0, "2026-03-30 16:00:00+00"),   # Friday before the clocks go forward
    ("2026-03-29 01:30+00", 0, "2026-03-30 16:00:00+00"),   # the night they change
    ("2026-10-23 18:00+01", 0, "2026-10-26 17:00:00+00"),   # Friday before they go back
    ("2026-10-25 01:30+00", 0, "2026-10-26 17:00:00+00"),
    ("2026-10-26 16:30+00", 0, "2026-10-26 17:00:00+00"),   # 16:30 GMT is before the close
    ("2026-06-10 16:30+00", 0, "2026-06-11 16:00:00+00"),   # 16:30 UTC is 17:30 BST: after it
]


def test_working_day_ends_in_europe_london(stack_env):
    values = ", ".join(f"('{at}'::timestamptz, {n})" for at, n, _ in CLOCKS)
    got = psql(stack_env, "SET TIME ZONE 'UTC'; SELECT string_agg("
                          "alerts.working_day_end(NULL, v.at, v.n)::text, ';' ORDER BY v.ord) "
                          f"FROM (SELECT at, n, row_number() OVER () AS ord "
                          f"FROM (VALUES {values}) AS t (at, n)) v")
    got = got.splitlines()[-1].split(";")
    assert list(zip([c[0] for c in CLOCKS], got)) == [(c[0], c[2]) for c in CLOCKS]


def test_a_tenant_holiday_moves_its_own_clock_only(stack_env, api):
    tenant = psql(stack_env, "SELECT id FROM hearth.tenants WHERE slug <> 'demo' ORDER BY created_at DESC LIMIT 1")
    psql(stack_env, f"INSERT INTO alerts.holidays (tenant_id, day, name) "
                    f"VALUES ('{tenant}', '2027-06-16', 'Local day') ON CONFLICT DO NOTHING")
    got = psql(stack_env, "SET TIME ZONE 'UTC'; SELECT "
                          f"alerts.working_day_end('{tenant}', '2027-06-16 09:00+01', 0)::text || ';' || "
                          "alerts.working_day_end(NULL, '2027-06-16 09:00+01', 0)::text")
    assert got.splitlines()[-1] == "2027-06-17 16:00:00+00;2027-06-16 16:00:00+00"
