"""Risk: every rule alone and several together on fresh providers and
settings, a provider's risk including its settings' findings, as_at,
overrides and their expiry, the whole tenant in one answer, CSV, bad
parameters, roles, tenant isolation and the demo's Inadequate home."""
import csv
import datetime
import io
import json
import socket
import subprocess

import pytest
import requests

from conftest import unique
from hearth_client import DEMO_COUNCIL, DEMO_COUNCIL_2, DEMO_TENANT, assert_problem
from records import as_role
from service_process import ServiceProcess

QA = {"roles": "qa_officer"}
ADMIN = {"roles": "tenant_admin"}
PEN_Y_LODGE = "00000000-0000-4000-8000-0000000b0013"
DEMO_PROVIDER = "00000000-0000-4000-8000-0000000a0010"
TODAY = datetime.date.today()


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def month(offset):
    y, m = TODAY.year, TODAY.month + offset
    while m < 1:
        y, m = y - 1, m + 12
    while m > 12:
        y, m = y + 1, m - 12
    return f"{y:04d}-{m:02d}"


def psql(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def created(resp):
    assert resp.status_code == 201, resp.text
    return resp.json()


def new_provider(api):
    return created(api.post("/v1/providers", {"name": unique("Risk provider"),
                                              "ownership": "private",
                                              "provider_types": ["childrens_home"]}))["id"]


def new_setting(api, provider, setting_type="childrens_home"):
    return created(api.post("/v1/settings", {"provider_id": provider, "name": unique("Home"),
                                             "regulator": "ofsted",
                                             "setting_type": setting_type}))["id"]


def place(api, provider, setting, start, end=None, reason="planned"):
    child = created(api.post("/v1/children", {"local_ref": unique("C"), "birth_month": "2010-07",
                                              "gender": "male",
                                              "legal_status": "full_care_order"}))
    body = {"child_id": child["id"], "placement_type": "residential", "provision": "external",
            "provider_id": provider, "setting_id": setting, "start_date": start,
            "weekly_cost_pence": 450000}
    if end:
        body.update(end_date=end, end_reason=reason)
    created(api.post("/v1/placements", body))


def inspect(api, setting, word, on=None):
    created(api.post("/v1/inspections", {
        "setting_id": setting, "regulator": "ofsted", "inspection_type": "full",
        "inspected_on": on or day(-20),
        "judgements": {"overall_experiences_and_progress": word, "help_and_protection": word,
                       "leadership_and_management": word}}, **QA))


def concern(api, provider, setting, kind="concern", severity="moderate", **extra):
    return created(api.post("/v1/concerns", {"kind": kind, "provider_id": provider,
                                             "setting_id": setting, "severity": severity,
                                             "summary": "Reported at night.", **extra}, **QA))


def reg44(api, setting, mon, manager=True):
    return created(api.post("/v1/reg44-reports", {
        "setting_id": setting, "month": mon, "visited_on": f"{mon}-12",
        "visitor_name": "R. Independent", "registered_manager_in_post": manager}, **QA))


def stop(api, provider, setting):
    return created(api.post("/v1/placement-stops", {
        "provider_id": provider, "setting_id": setting, "reason": "Inadequate.",
        "effective_from": day(-3)}, **QA))


def plan(api, provider, setting, due):
    return created(api.post("/v1/action-plans", {
        "provider_id": provider, "setting_id": setting, "source": "other",
        "items": [{"action": "Fix the rota", "owner": "RM", "due_on": due}]}, **QA))


def risk(api, subject_type, subject_id, **query):
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    resp = api.get(f"/v1/risk/{subject_type}/{subject_id}" + (f"?{qs}" if qs else ""))
    assert resp.status_code == 200, resp.text
    return resp.json()


def rules(doc):
    return sorted(r["rule"] for r in doc["reasons"])


def home(api, setting_type="childrens_home", manager=True):
    """A fresh provider with one setting (Reg 44 reports for the last six
    months, so none is missing; the latest saying whether a registered
    manager is in post) and a child placed there."""
    provider = new_provider(api)
    setting = new_setting(api, provider, setting_type)
    place(api, provider, setting, day(-200))
    if setting_type == "childrens_home":
        for back in range(-6, 0):
            reg44(api, setting, month(back), manager=manager or back < -1)
    return provider, setting


# Each rule alone: (setup, rule, rag, source_type).
def setup_inspection_red(api, p, s):
    inspect(api, s, "inadequate")


def setup_inspection_amber(api, p, s):
    inspect(api, s, "requires_improvement")


def setup_latest_inspection_counts(api, p, s):
    inspect(api, s, "inadequate", on=day(-300))
    inspect(api, s, "good", on=day(-10))


def setup_stop(api, p, s):
    stop(api, p, s)


def setup_provider_stop(api, p, s):
    stop(api, p, None)


def setup_allegation(api, p, s):
    concern(api, p, s, kind="allegation", severity="low")


def setup_significant(api, p, s):
    concern(api, p, s, severity="significant")


def setup_moderate(api, p, s):
    concern(api, p, s, severity="moderate")


def setup_closed_concern(api, p, s):
    concern(api, p, s, severity="significant", status="closed", outcome="Unfounded.")


def setup_reg44_no_manager(api, p, s):
    """home(manager=False) made it: the latest report says no manager."""


def setup_overdue_item(api, p, s):
    plan(api, p, s, day(-1))


def setup_item_not_due(api, p, s):
    plan(api, p, s, day(5))


def setup_instability(api, p, s):
    for n in range(3):
        place(api, p, s, day(-100 - n), day(-30 - n), reason="breakdown_child")


def setup_planned_endings(api, p, s):
    for n in range(3):
        place(api, p, s, day(-100 - n), day(-30 - n), reason="planned")


CASES = [
    (setup_inspection_red, ["inspection_red"], "red"),
    (setup_inspection_amber, ["inspection_amber"], "amber"),
    (setup_latest_inspection_counts, [], "green"),
    (setup_stop, ["placement_stop"], "red"),
    (setup_provider_stop, ["placement_stop"], "red"),
    (setup_allegation, ["allegation_open"], "red"),
    (setup_significant, ["significant_concern_open"], "red"),
    (setup_moderate, ["moderate_concern_open"], "amber"),
    (setup_closed_concern, [], "green"),
    (setup_reg44_no_manager, ["reg44_no_registered_manager"], "amber"),
    (setup_overdue_item, ["action_items_overdue"], "amber"),
    (setup_item_not_due, [], "green"),
    (setup_instability, ["unplanned_endings"], "amber"),
    (setup_planned_endings, [], "green"),
]


@pytest.mark.parametrize("setup, fired, rag", CASES, ids=[c[0].__name__[6:] for c in CASES])
def test_each_rule_alone(api, setup, fired, rag):
    no_manager = setup is setup_reg44_no_manager
    provider, setting = home(api, manager=not no_manager)
    if not no_manager:
        assert risk(api, "setting", setting)["computed_rag"] == "green"
    setup(api, provider, setting)
    for subject_type, subject_id in (("setting", setting), ("provider", provider)):
        doc = risk(api, subject_type, subject_id)
        assert rules(doc) == fired, doc
        assert doc["computed_rag"] == rag and doc["rag"] == rag and doc["override"] is None
        assert doc["subject_type"] == subject_type and doc["subject_id"] == subject_id
        assert doc["as_at"] == TODAY.isoformat()
        for reason in doc["reasons"]:
            assert reason["rag"] == rag and reason["detail"]


def test_reg44_missing_fires_for_the_last_three_months_only(api):
    provider = new_provider(api)
    setting = new_setting(api, provider)
    place(api, provider, setting, day(-400))
    for back in range(-12, 0):
        if back != -2:
            reg44(api, setting, month(back))
    doc = risk(api, "setting", setting, as_at=f"{month(0)}-28")
    assert rules(doc) == ["reg44_missing"] and doc["rag"] == "amber"
    assert month(-2) in doc["reasons"][0]["detail"] and doc["reasons"][0]["source_id"] is None
    # Three months on, that month is no longer among the last three.
    later = risk(api, "setting", setting, as_at=f"{month(3)}-28")
    assert all(month(-2) not in r["detail"] for r in later["reasons"]), later


def test_several_rules_together_and_the_provider_includes_its_settings(api):
    provider, first = home(api)
    second = new_setting(api, provider, "fostering_service")
    inspect(api, first, "requires_improvement")
    concern(api, provider, first, kind="allegation", severity="significant")
    plan(api, provider, second, day(-2))
    concern(api, provider, None, severity="moderate")       # the provider's own
    one = risk(api, "setting", first)
    assert rules(one) == ["allegation_open", "inspection_amber", "significant_concern_open"]
    assert one["rag"] == "red"
    assert [r["rag"] for r in one["reasons"]] == ["red", "red", "amber"]   # worst first
    assert rules(risk(api, "setting", second)) == ["action_items_overdue"]
    whole = risk(api, "provider", provider)
    assert rules(whole) == ["action_items_overdue", "allegation_open", "inspection_amber",
                            "moderate_concern_open", "significant_concern_open"]
    assert whole["computed_rag"] == "red"
    sources = {(r["rule"], r["source_type"]) for r in whole["reasons"]}
    assert ("action_items_overdue", "action_plan") in sources
    assert ("inspection_amber", "inspection") in sources


def test_provider_endings_sum_over_its_settings(api):
    provider, first = home(api, "fostering_service")
    second = new_setting(api, provider, "fostering_service")
    place(api, provider, first, day(-90), day(-20), reason="breakdown_provider")
    place(api, provider, second, day(-90), day(-21), reason="breakdown_council")
    place(api, provider, None, day(-90), day(-22), reason="breakdown_child")
    assert rules(risk(api, "setting", first)) == []
    doc = risk(api, "provider", provider)
    assert rules(doc) == ["unplanned_endings"] and "3 unplanned endings" in \
        doc["reasons"][0]["detail"]
    # The threshold is the policy's.
    assert rules(risk(api, "provider", provider, as_at=day(400))) == []


def test_override_and_expiry(api, stack_env):
    provider, setting = home(api)
    concern(api, provider, setting, severity="moderate")
    body = {"subject_type": "setting", "subject_id": setting, "rag": "red",
            "reason": "Police intelligence about exploitation.", "expires_on": day(10)}
    o = created(api.post("/v1/risk/overrides", body, roles="commissioner"))
    assert o["rag"] == "red" and o["created_by_org_id"] == DEMO_COUNCIL
    assert api.get(f"/v1/risk/overrides/{o['id']}").json() == o
    doc = risk(api, "setting", setting)
    assert doc["rag"] == "red" and doc["computed_rag"] == "amber"
    assert doc["override"]["id"] == o["id"] and doc["override"]["reason"] == body["reason"]
    assert rules(doc) == ["moderate_concern_open"]     # reasons still every rule that fired
    # Expired on its expires_on: the computed RAG again.
    doc = risk(api, "setting", setting, as_at=day(10))
    assert doc["rag"] == "amber" and doc["override"] is None
    assert risk(api, "setting", setting, as_at=day(9))["rag"] == "red"
    # The latest unexpired override wins; the provider's is its own.
    o2 = created(api.post("/v1/risk/overrides", {**body, "rag": "green", "expires_on": day(5)},
                          **QA))
    assert risk(api, "setting", setting)["override"]["id"] == o2["id"]
    assert risk(api, "setting", setting, as_at=day(6))["override"]["id"] == o["id"]
    assert risk(api, "provider", provider)["override"] is None
    listed = api.get(f"/v1/risk/overrides?subject_id={setting}").json()["items"]
    assert [x["id"] for x in listed] == [o["id"], o2["id"]]
    assert psql(stack_env, "SELECT count(*) FROM audit.events WHERE resource = 'risk_override' "
                           f"AND resource_id = '{o['id']}' AND method = 'POST'") == "1"


@pytest.mark.parametrize("field, value", [
    ("subject_type", "council"), ("subject_id", "x"), ("rag", "blue"), ("reason", ""),
    ("expires_on", "2026-02-30"), ("expires_on", "2020-01-01"),
    ("subject_id", "00000000-0000-4000-8000-0000000fffff"), ("colour", "red")])
def test_bad_overrides_named(api, field, value):
    body = {"subject_type": "setting", "subject_id": PEN_Y_LODGE, "rag": "amber",
            "reason": "Soft intelligence.", "expires_on": day(30), field: value}
    assert_problem(api.post("/v1/risk/overrides", body, **QA), 400, "validation", field)


def test_override_roles(api):
    body = {"subject_type": "provider", "subject_id": DEMO_PROVIDER, "rag": "amber",
            "reason": "Soft intelligence.", "expires_on": day(30)}
    for roles in ("viewer", "provider", "integration"):
        assert_problem(api.post("/v1/risk/overrides", body, roles=roles), 403, "forbidden")


def test_whole_tenant_in_one_answer(api):
    provider, setting = home(api)
    inspect(api, setting, "inadequate")
    resp = api.get("/v1/risk")
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["as_at"] == TODAY.isoformat() and doc["next_cursor"] is None
    by_subject = {(i["subject_type"], i["subject_id"]): i for i in doc["items"]}
    assert by_subject[("setting", setting)]["rag"] == "red"
    assert by_subject[("provider", provider)]["rag"] == "red"
    order = [("red", "amber", "green").index(i["rag"]) for i in doc["items"]]
    assert order == sorted(order)
    settings = api.get("/v1/risk?subject_type=setting").json()["items"]
    assert settings and all(i["subject_type"] == "setting" for i in settings)
    assert ("setting", PEN_Y_LODGE) in by_subject
    resp = api.get("/v1/risk?subject_type=provider", headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert any(r["subject_id"] == provider and r["rag"] == "red" for r in rows)


@pytest.mark.parametrize("query, field", [
    ("subject_type=council", "subject_type"), ("as_at=2026-13-01", "as_at"),
    ("colour=red", "colour")])
def test_bad_parameters_named(api, query, field):
    assert_problem(api.get(f"/v1/risk?{query}"), 400, "validation", field)


def test_unknown_subjects_are_404(api, other_tenant):
    assert_problem(api.get(f"/v1/risk/council/{PEN_Y_LODGE}"), 404)
    assert_problem(api.get("/v1/risk/setting/not-a-uuid"), 404)
    assert_problem(api.get(f"/v1/risk/provider/{PEN_Y_LODGE}"), 404)
    assert_problem(api.get(f"/v1/risk/setting/{PEN_Y_LODGE}?as_at=soon"), 400, "validation",
                   "as_at")
    token = other_tenant["admin_token"]
    assert_problem(api.get(f"/v1/risk/setting/{PEN_Y_LODGE}", token=token), 404)
    assert api.get("/v1/risk", token=token).json()["items"] == []


def test_the_demo_inadequate_home_explained(api):
    doc = risk(api, "setting", PEN_Y_LODGE)
    assert doc["rag"] == "red" and doc["override"] is None
    fired = set(rules(doc))
    assert {"inspection_red", "placement_stop", "allegation_open", "significant_concern_open",
            "action_items_overdue"} <= fired, doc
    # Any role of the tenant reads it; a concern naming a child counts for its council only.
    other = api.get(f"/v1/risk/setting/{PEN_Y_LODGE}", org=DEMO_COUNCIL_2, roles="viewer")
    assert other.status_code == 200 and other.json()["rag"] == "red"
    held = risk(api, "setting", "00000000-0000-4000-8000-0000000b0001")
    assert held["override"] and held["rag"] == "amber"


def test_only_the_latest_inspection_and_reg44_report_count(api):
    """An earlier red inspection or no-manager report is superseded by a later
    one; as_at before the later one, the earlier fires again."""
    provider = new_provider(api)
    setting = new_setting(api, provider)
    place(api, provider, setting, day(-400))
    inspect(api, setting, "inadequate", on=day(-300))
    inspect(api, setting, "good", on=day(-20))
    for back in range(-12, 0):
        reg44(api, setting, month(back), manager=back != -6)
    assert rules(risk(api, "setting", setting)) == []
    before = risk(api, "setting", setting, as_at=day(-25))
    assert "inspection_red" in rules(before), before
    reason = next(r for r in before["reasons"] if r["rule"] == "inspection_red")
    assert reason["source_type"] == "inspection" and reason["rag"] == "red"


def test_a_placement_ended_mid_month_counts_for_that_month_only(api):
    """The Reg 44 rule looks at every month a child was placed, also one in
    which the placement ended; none is expected after it."""
    provider = new_provider(api)
    setting = new_setting(api, provider)
    place(api, provider, setting, day(-400), end=f"{month(-2)}-14")
    for back in range(-12, -2):
        reg44(api, setting, month(back))
    doc = risk(api, "setting", setting, as_at=f"{month(0)}-28")
    assert rules(doc) == ["reg44_missing"], doc
    assert doc["reasons"][0]["detail"].startswith(f"No Reg 44 report for {month(-2)} "), doc


def documents_from_risk_rows(stack_env, as_at, subject_type):
    """The risk documents as risk_rows() (qa 016, the SQL the scorecards
    read) derives them, row by row, for the demo council's view."""
    kind = f"'{subject_type}'" if subject_type else "NULL"
    out = as_role(stack_env, "hearth_qa",
                  f"SELECT coalesce(jsonb_agg(r), '[]') FROM "
                  f"qa.risk_rows(date '{as_at}', {kind}, NULL, NULL) r",
                  tenant=DEMO_TENANT, org=DEMO_COUNCIL)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout.split("\n")[2])
    docs = {}
    for r in rows:
        doc = docs.setdefault((r["subject_type"], r["subject_id"]), {
            "subject_type": r["subject_type"], "subject_id": r["subject_id"], "rag": r["rag"],
            "computed_rag": r["computed_rag"], "reasons": [],
            "override": None if r["override_id"] is None else {
                "id": r["override_id"], "rag": r["override_rag"],
                "reason": r["override_reason"], "expires_on": r["override_expires_on"],
                "created_by_org_id": r["override_created_by_org_id"],
                "created_at": r["override_created_at"]},
            "as_at": as_at})
        if r["rule"] is not None:
            doc["reasons"].append({"rule": r["rule"], "rag": r["reason_rag"],
                                   "detail": r["detail"], "source_type": r["source_type"],
                                   "source_id": r["source_id"]})
    return [d for rag in ("red", "amber", "green") for d in docs.values() if d["rag"] == rag]


@pytest.mark.parametrize("offset, subject_type", [
    (0, None), (0, "setting"), (0, "provider"), (-45, None), (-400, None)])
def test_the_answer_is_what_risk_rows_derives(api, stack_env, offset, subject_type):
    """/v1/risk joins the facts to their subjects, ranks and orders them in
    the service (risk_document.c, risk_parts.c); risk_rows() does the same in
    SQL. Every subject, rag, reason, its order and override agree, over the
    demo tenant and whatever the other tests have recorded in it."""
    provider, setting = home(api)
    inspect(api, setting, "requires_improvement")
    created(api.post("/v1/risk/overrides", {"subject_type": "provider", "subject_id": provider,
                                            "rag": "red", "reason": "Judged \"red\" by the panel",
                                            "expires_on": day(30)}, **QA))
    as_at = day(offset)
    query = f"/v1/risk?as_at={as_at}" + (f"&subject_type={subject_type}" if subject_type else "")
    resp = api.get(query)
    assert resp.status_code == 200, resp.text
    expected = documents_from_risk_rows(stack_env, as_at, subject_type)
    assert len(expected) > 10
    assert resp.json()["items"] == expected
    for doc in expected[:3] + expected[-3:]:
        one = api.get(f"/v1/risk/{doc['subject_type']}/{doc['subject_id']}?as_at={as_at}")
        assert one.status_code == 200, one.text
        assert one.json() == doc


def test_with_one_connection_the_whole_tenant_is_the_same_answer(api, stack_env):
    """A whole tenant's two halves go on two pooled connections that share one
    snapshot; when no second connection is free, both go in one statement on
    the first. A second hearth-qa beside the stack's, with a pool of one,
    always takes that way: its answer is the stack's, subject for subject."""
    provider, setting = home(api)
    inspect(api, setting, "inadequate")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    qa = ServiceProcess(stack_env, "qa", port=port, pidfile=False)
    qa.start(HEARTH_DB_POOL_SIZE="1")
    try:
        for query in (f"/v1/risk?as_at={day(0)}", f"/v1/risk?as_at={day(-45)}&subject_type=setting"):
            single = requests.get(f"http://127.0.0.1:{port}{query}", timeout=60,
                                  headers={"Authorization": f"Bearer {api.token()}"})
            assert single.status_code == 200, single.text
            both = api.get(query)
            assert both.status_code == 200, both.text
            assert len(single.json()["items"]) > 10
            assert single.json() == both.json()
    finally:
        qa.stop()


def test_a_whole_tenant_runs_its_two_halves_side_by_side(stack_env):
    """With one connection (the test above), GET /v1/risk reads
    risk_parts_apart() (qa 017): the planner must see the two halves as whole
    function scans under one Parallel Append, or a whole tenant costs their
    sum again. The plan, not a timing: the same on any machine with
    PostgreSQL's default parallel settings."""
    out = as_role(stack_env, "hearth_qa",
                  "EXPLAIN (COSTS OFF) SELECT * FROM qa.risk_parts_apart(current_date, NULL, "
                  "NULL, NULL)", tenant=DEMO_TENANT, org=DEMO_COUNCIL)
    assert out.returncode == 0, out.stderr
    plan = out.stdout
    assert "Gather" in plan and "Parallel Append" in plan, plan
    assert "Function Scan on risk_parts_placed" in plan, plan
    assert "Function Scan on risk_parts_records" in plan, plan
