"""Provider scorecards (/v1/scorecards, /v1/scorecards/{provider_id}): in a
tenant of their own, so every figure is exact: placement counts and
child-weeks in a period that cuts placements, the weekly cost weighted by the
days each cost applied (an IPA raising the fee mid-period counts at each
rate) against the tenant average of the same placement type (in-house
placements are not a provider's), unplanned endings, average length,
inspections with their trajectory, visits, open concerns, overdue action
items and the current RAG; every provider of the tenant in keyset pages; CSV;
the period checked per field; any role reads; another tenant sees nothing."""
import csv
import datetime
import io
import uuid

import pytest

from hearth_client import assert_problem
from records import OwnTenant

PERIOD = {"period_from": "2024-01-01", "period_to": "2024-12-31"}   # 366 days


@pytest.fixture(scope="module")
def world(api):
    t = OwnTenant(api)
    a, b = t.councils
    p1, p2, p3 = sorted(t.provider() for _ in range(3))
    s1, s1b, s2 = t.setting(p1), t.setting(p1), t.setting(p2)
    # P1, residential: all year at 7,000; and from mid-2023 to 30 June 2024
    # (182 days of the period, 366 days long) at 3,500, ended unplanned.
    t.place(a, p1, s1, "2024-01-01", weekly=7000)
    t.place(b, p1, s1b, "2023-07-01", "2024-06-30", "breakdown_provider", weekly=3500)
    # P1, fostering: 14 days at 2,000, ended as planned.
    t.place(a, p1, s1, "2024-03-01", "2024-03-14", placement_type="fostering", weekly=2000)
    # P2, residential: all year at 10,500; and one whose IPAs agree 7,000 from
    # 1 January and 14,000 from 1 July (its weekly_cost_pence says only 14,000).
    t.place(a, p2, s2, "2022-01-01", weekly=10500)
    raised = t.place(b, p2, s2, "2024-01-01", weekly=14000)
    for effective, fee in (("2024-01-01", 7000), ("2024-07-01", 14000)):
        t.post(f"/v1/placements/{raised}/ipas", {"issued_on": effective,
                                                 "effective_from": effective,
                                                 "weekly_fee_pence": fee}, org=b)
    # Outside the period, and in-house: counted nowhere here.
    t.place(a, p2, s2, "2025-02-01", weekly=99000)
    t.place(b, None, None, "2024-01-01", weekly=99000, provision="internal")
    # Inspections of S1: amber, then green in the period, then red after it.
    t.inspect(s1, "2023-05-01", "requires_improvement")
    t.inspect(s1, "2024-06-01", "good")
    t.inspect(s1, "2025-03-01", "inadequate")
    t.inspect(s2, "2024-02-01", "inadequate")
    t.visit(s1, "2023-12-01", "green")
    last_visit = t.visit(s1, "2024-05-10", "amber")
    t.visit(s1, "2025-01-05", "green")
    concern = {"kind": "concern", "provider_id": p1, "setting_id": s1, "severity": "low",
               "summary": "Late reports."}
    t.post("/v1/concerns", concern, roles="qa_officer")
    t.post("/v1/concerns", dict(concern, status="closed", outcome="Resolved."),
           roles="qa_officer")
    t.post("/v1/action-plans", {"provider_id": p1, "setting_id": s1, "source": "other", "items": [
        {"action": "Fix the rota", "owner": "Manager", "due_on": "2020-01-01"},
        {"action": "Train staff", "owner": "Manager", "due_on": "2020-01-01", "status": "done",
         "evidence": "Certificates"},
        {"action": "Paint", "owner": "Manager", "due_on": "2099-01-01"}]}, roles="qa_officer")
    return {"t": t, "P1": p1, "P2": p2, "P3": p3, "S1": s1, "S2": s2, "last_visit": last_visit}


def expected_costs():
    p1 = round((7000 * 366 + 3500 * 182) / (366 + 182))
    p2 = round((10500 * 366 + 7000 * 182 + 14000 * 184) / (366 + 366))
    tenant = round((7000 * 366 + 3500 * 182 + 10500 * 366 + 7000 * 182 + 14000 * 184)
                   / (366 + 182 + 366 + 366))
    return p1, p2, tenant


def test_one_provider_figures(world):
    t, p1 = world["t"], world["P1"]
    resp = t.get(f"/v1/scorecards/{p1}", params=PERIOD)
    assert resp.status_code == 200, resp.text
    s = resp.json()
    avg1, _, tenant_avg = expected_costs()
    assert (avg1, tenant_avg) == (5838, 8509)
    assert s["provider_id"] == p1 and s["period_from"] == "2024-01-01"
    assert s["period_to"] == "2024-12-31"
    assert s["placements"] == {"count": 3, "child_weeks": round((366 + 182 + 14) / 7, 1)}
    assert s["weekly_cost"] == {
        "residential": {"average_pence": avg1, "tenant_average_pence": tenant_avg,
                        "ratio": round(avg1 / tenant_avg, 2)},
        "fostering": {"average_pence": 2000, "tenant_average_pence": 2000, "ratio": 1.0},
    }
    assert s["unplanned_endings"] == 1
    assert s["average_length_days"] == (366 + 14) / 2
    [insp] = s["inspections"]
    assert insp["setting_id"] == world["S1"] and insp["inspected_on"] == "2024-06-01"
    assert insp["risk_band"] == "green" and insp["trajectory"] == "improving"
    assert insp["previous"]["risk_band"] == "amber"
    assert insp["previous"]["inspected_on"] == "2023-05-01"
    assert s["visits"]["count"] == 1
    assert s["visits"]["last"] == {"visit_id": world["last_visit"], "setting_id": world["S1"],
                                   "visited_on": "2024-05-10", "rag": "amber"}
    assert s["concerns"] == {"open": 1} and s["action_items"] == {"overdue": 1}
    # Today's risk: the latest inspection (2025, inadequate) is red.
    assert s["rag"] == "red"


def test_like_for_like_with_cost_changes(world):
    t = world["t"]
    _, avg2, tenant_avg = expected_costs()
    s = t.get(f"/v1/scorecards/{world['P2']}", params=PERIOD).json()
    assert avg2 == 10510
    assert s["weekly_cost"] == {"residential": {"average_pence": avg2,
                                                "tenant_average_pence": tenant_avg,
                                                "ratio": round(avg2 / tenant_avg, 2)}}
    assert s["placements"] == {"count": 2, "child_weeks": round(732 / 7, 1)}
    assert s["unplanned_endings"] == 0 and s["average_length_days"] is None
    [insp] = s["inspections"]
    assert insp["risk_band"] == "red" and insp["previous"] is None
    assert insp["trajectory"] is None
    assert s["visits"] == {"count": 0, "last": None}
    # A provider with nothing in the period is answered all the same.
    s = t.get(f"/v1/scorecards/{world['P3']}", params=PERIOD).json()
    assert s["placements"] == {"count": 0, "child_weeks": 0}
    assert s["weekly_cost"] == {} and s["inspections"] == [] and s["rag"] == "green"
    assert s["concerns"] == {"open": 0} and s["action_items"] == {"overdue": 0}
    # The period cuts: the first half of 2024 has P2's raised placement at 7,000 only.
    s = t.get(f"/v1/scorecards/{world['P2']}",
              params={"period_from": "2024-01-01", "period_to": "2024-06-30"}).json()
    assert s["weekly_cost"]["residential"]["average_pence"] == round((10500 + 7000) / 2)


def test_every_provider_in_pages_and_csv(world):
    t = world["t"]
    ids = [world["P1"], world["P2"], world["P3"]]
    first = t.get("/v1/scorecards", params={**PERIOD, "limit": 2}).json()
    assert [i["provider_id"] for i in first["items"]] == ids[:2]
    assert first["next_cursor"]
    rest = t.get("/v1/scorecards", params={**PERIOD, "limit": 2,
                                           "cursor": first["next_cursor"]}).json()
    assert [i["provider_id"] for i in rest["items"]] == ids[2:]
    assert rest["next_cursor"] is None
    one = t.get(f"/v1/scorecards/{world['P1']}", params=PERIOD).json()
    assert first["items"][0] == one
    # A cursor of this list does not serve another period.
    assert_problem(t.get("/v1/scorecards", params={"period_from": "2024-01-01",
                                                   "period_to": "2024-06-30",
                                                   "cursor": first["next_cursor"]}),
                   400, "validation", "cursor")
    resp = t.get("/v1/scorecards", params=PERIOD, headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["provider_id"] for r in rows] == ids
    avg1, _, tenant_avg = expected_costs()
    assert rows[0]["weekly_cost.residential.average_pence"] == str(avg1)
    assert rows[0]["weekly_cost.residential.tenant_average_pence"] == str(tenant_avg)
    assert rows[0]["weekly_cost.fostering.ratio"] in ("1.00", "1.0", "1")
    assert rows[0]["unplanned_endings"] == "1" and rows[0]["rag"] == "red"
    assert rows[0]["visits.last.visited_on"] == "2024-05-10"
    assert rows[2]["weekly_cost.residential.average_pence"] == ""


def test_default_period_is_the_12_months_to_today(world):
    t = world["t"]
    s = t.get(f"/v1/scorecards/{world['P1']}").json()
    today = datetime.date.fromisoformat(s["period_to"])
    assert abs((today - datetime.date.today()).days) <= 1
    try:
        year_before = today.replace(year=today.year - 1)
    except ValueError:                       # 29 February: 28 February of the year before
        year_before = datetime.date(today.year - 1, 2, 28)
    assert s["period_from"] == (year_before + datetime.timedelta(days=1)).isoformat()
    assert t.get("/v1/scorecards").status_code == 200


@pytest.mark.parametrize("params, field", [
    ({"period_from": "2024-02-30", "period_to": "2024-12-31"}, "period_from"),
    ({"period_from": "2024-01-01", "period_to": "31/12/2024"}, "period_to"),
    ({"period_from": "2024-01-01"}, "period_to"),
    ({"period_to": "2024-01-01"}, "period_from"),
    ({"period_from": "2024-06-01", "period_to": "2024-05-31"}, "period_to"),
    ({"period_from": "2021-01-01", "period_to": "2024-01-02"}, "period_to"),
    ({**PERIOD, "provider": "x"}, "provider"),
])
def test_bad_periods_name_the_field(world, params, field):
    t = world["t"]
    assert_problem(t.get("/v1/scorecards", params=params), 400, "validation", field)
    assert_problem(t.get(f"/v1/scorecards/{world['P1']}", params=params), 400, "validation",
                   field)


def test_bad_pages_and_unknown_providers(world):
    t = world["t"]
    assert_problem(t.get("/v1/scorecards", params={"limit": 0}), 400, "validation", "limit")
    assert_problem(t.get("/v1/scorecards", params={"cursor": "nope"}), 400, "validation",
                   "cursor")
    assert_problem(t.get("/v1/scorecards/limit"), 404, "not-found")
    assert_problem(t.get(f"/v1/scorecards/{uuid.uuid4()}"), 404, "not-found")
    # Exactly 36 months is answered.
    assert t.get(f"/v1/scorecards/{world['P1']}",
                 params={"period_from": "2021-01-01", "period_to": "2024-01-01"}).status_code == 200


@pytest.mark.parametrize("roles", ["viewer", "provider", "integration", "qa_officer",
                                   "commissioner", "tenant_admin"])
def test_any_role_of_the_tenant_reads(world, roles):
    t = world["t"]
    for org in (t.team, t.councils[1]):
        assert t.get(f"/v1/scorecards/{world['P1']}", params=PERIOD, roles=roles,
                     org=org).status_code == 200
        assert t.get("/v1/scorecards", params=PERIOD, roles=roles, org=org).status_code == 200


def test_another_tenant_sees_nothing(api, world, other_tenant):
    token = api.token(roles="viewer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert_problem(api.get(f"/v1/scorecards/{world['P1']}", params=PERIOD, token=token), 404,
                   "not-found")
    listed = api.get("/v1/scorecards", params={**PERIOD, "limit": 500}, token=token).json()
    assert not {world["P1"], world["P2"], world["P3"]} & {i["provider_id"] for i in listed["items"]}
    assert api.get("/v1/scorecards", params=PERIOD, auth=False).status_code == 401
