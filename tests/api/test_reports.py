"""Reports: sufficiency, spend and stability (API.md §4), checked against
figures worked out by hand on data each module creates in a council of its
own, plus scope (council, consortium, provider), isolation, CSV, validation
and audit.

The council's centre is (52.0, -3.0) with a 3-mile radius. Settings lie due
north of it, so the great-circle distance is R * dlat exactly (up to float
noise far below the one-decimal rounding the `is_local` rule applies): one at
exactly 3.0 miles (at the radius: local), one at 1 mile (local), one at 3.06
miles (shown as 3.1: not local). The boundary case therefore never depends on
the last bits of a float.

The day of the sufficiency report is D = 2026-06-15; children's ages on D:
c1 born 2021-06 (5, first day of the band), c2 2021-07 (4), c3 2010-06 (16),
c4 2008-06 (18), c5 2014-01 (12), c6 2014-01, c7 2015-05.

placement  child type         provision provider  setting  dates                      weekly
P1         c1    fostering    internal  -         -        2026-01-01 ..              70000
P2         c2    fostering    external  A         at 3.0   2026-06-15 .. (starts on D) 100000
P3         c3    residential  external  B         at 3.06  2025-01-01 .. 2026-06-15 (ends on D) 350000
P4         c4    residential  external  A         at 1.0   2026-03-01 ..              123457
P5         c5    residential  internal  -         -        2026-02-01 ..              none
P6         c6    residential  external  A         at 1.0   2026-01-01 .. 2026-06-14 (day before D) 200000
P7         c6    fostering    internal  -         -        2026-06-16 .. (day after D) 90001
P8         c7    fostering    internal  -         -        2025-01-01 .. 2026-05-31   80000
Stability children (as_at 2026-05-31, window 2025-06-01 .. 2026-05-31):
c8: starts 2025-05-31 (outside), 2025-06-01, 2025-10-01, 2026-05-31 -> 3;
c9: starts 2025-07-01, 2025-09-01 -> 2.
"""
import csv
import io
import math
import subprocess
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, DEMO_COUNCIL_2, assert_problem

D = "2026-06-15"
CENTRE = {"lat": 52.0, "lon": -3.0}
EARTH_MILES = 3958.8


def north_of_centre(miles):
    return {"lat": CENTRE["lat"] + math.degrees(miles / EARTH_MILES), "lon": CENTRE["lon"]}


def psql(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def created(resp):
    assert resp.status_code == 201, resp.text
    return resp.json()


def new_child(api, org, birth_month, gender, legal_status):
    return created(api.post("/v1/children", {"local_ref": unique("R"), "birth_month": birth_month,
                                             "gender": gender, "legal_status": legal_status},
                            org=org))


def new_placement(api, org, child, placement_type, provision, start, end=None, end_reason=None,
                  provider=None, setting=None, weekly=None):
    body = {"child_id": child["id"], "external_ref": unique("P"),
            "placement_type": placement_type, "provision": provision, "start_date": start}
    if end:
        body.update(end_date=end, end_reason=end_reason or "planned")
    if provider:
        body.update(provider_id=provider, setting_id=setting)
    if weekly is not None:
        body["weekly_cost_pence"] = weekly
    return created(api.post("/v1/placements", body, org=org))


@pytest.fixture(scope="module")
def world(api):
    """A council of its own with the data described at the top of this file."""
    org = created(api.post("/v1/organisations", {
        "kind": "local_authority", "name": unique("Report Council"), "code": unique("W06"),
        "centre": CENTRE, "local_radius_miles": 3}, roles="tenant_admin"))
    org_id = org["id"]
    prov = {}
    for key in ("A", "B"):
        prov[key] = created(api.post("/v1/providers", {"name": unique(f"Report Provider {key}"),
                                                       "provider_types": ["childrens_home"],
                                                       "ownership": "private"}))
    settings = {}
    for key, owner, miles in (("at", "A", 3.0), ("near", "A", 1.0), ("far", "B", 3.06)):
        settings[key] = created(api.post("/v1/settings", {
            "provider_id": prov[owner]["id"], "name": unique(f"Home {key}"), "regulator": "ciw",
            "setting_type": "childrens_home", "location": north_of_centre(miles)}))
    c = {
        "c1": new_child(api, org_id, "2021-06", "female", "s20"),
        "c2": new_child(api, org_id, "2021-07", "male", "full_care_order"),
        "c3": new_child(api, org_id, "2010-06", "female", "s20"),
        "c4": new_child(api, org_id, "2008-06", "other", "remand"),
        "c5": new_child(api, org_id, "2014-01", "unknown", "s20"),
        "c6": new_child(api, org_id, "2014-01", "male", "s20"),
        "c7": new_child(api, org_id, "2015-05", "female", "other"),
        "c8": new_child(api, org_id, "2012-03", "male", "full_care_order"),
        "c9": new_child(api, org_id, "2012-04", "female", "s20"),
    }
    A, B = prov["A"]["id"], prov["B"]["id"]
    s = {k: v["id"] for k, v in settings.items()}
    p = {
        "P1": new_placement(api, org_id, c["c1"], "fostering", "internal", "2026-01-01",
                            weekly=70000),
        "P2": new_placement(api, org_id, c["c2"], "fostering", "external", D, provider=A,
                            setting=s["at"], weekly=100000),
        "P3": new_placement(api, org_id, c["c3"], "residential", "external", "2025-01-01", D,
                            provider=B, setting=s["far"], weekly=350000),
        "P4": new_placement(api, org_id, c["c4"], "residential", "external", "2026-03-01",
                            provider=A, setting=s["near"], weekly=123457),
        "P5": new_placement(api, org_id, c["c5"], "residential", "internal", "2026-02-01"),
        "P6": new_placement(api, org_id, c["c6"], "residential", "external", "2026-01-01",
                            "2026-06-14", provider=A, setting=s["near"], weekly=200000),
        "P7": new_placement(api, org_id, c["c6"], "fostering", "internal", "2026-06-16",
                            weekly=90001),
        "P8": new_placement(api, org_id, c["c7"], "fostering", "internal", "2025-01-01",
                            "2026-05-31", weekly=80000),
    }
    q = [new_placement(api, org_id, c["c8"], "residential", "external", start, end, reason,
                       provider=A, setting=s["near"])
         for start, end, reason in (("2025-05-31", "2025-05-31", "planned"),
                                    ("2025-06-01", "2025-09-30", "breakdown_provider"),
                                    ("2025-10-01", "2026-05-30", "breakdown_child"),
                                    ("2026-05-31", "2026-05-31", "returned_home"))]
    r = [new_placement(api, org_id, c["c9"], "fostering", "internal", start, end)
         for start, end in (("2025-07-01", "2025-08-01"), ("2025-09-01", "2025-12-01"))]
    return {"org": org_id, "providers": prov, "settings": settings, "children": c,
            "placements": p, "stability": q, "pairs": r}


def get(api, path, org, params, **kw):
    return api.get(path, org=org, params=params, **kw)


def csv_rows(resp):
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(resp.text)))


# ---- sufficiency -------------------------------------------------------------

def test_distance_rule_at_the_radius_is_local(api, world):
    org, p = world["org"], world["placements"]
    at = api.get(f"/v1/placements/{p['P2']['id']}", org=org).json()
    far = api.get(f"/v1/placements/{p['P3']['id']}", org=org).json()
    assert (at["distance_miles"], at["is_local"]) == (3.0, True)
    assert (far["distance_miles"], far["is_local"]) == (3.1, False)


def test_sufficiency_counts_and_percentages(api, world):
    resp = get(api, "/v1/reports/sufficiency", world["org"], {"as_at": D}, roles="viewer")
    assert resp.status_code == 200, resp.text
    rep = resp.json()
    assert rep["as_at"] == D
    assert rep["scope"] == {"kind": "organisation", "org_id": world["org"]}
    assert rep["by_type"] == [
        {"placement_type": "fostering", "total": 2, "internal": 1, "external": 1,
         "internal_pct": 50.0, "external_pct": 50.0, "local": 1, "local_pct": 50.0},
        {"placement_type": "residential", "total": 3, "internal": 1, "external": 2,
         "internal_pct": 33.3, "external_pct": 66.7, "local": 1, "local_pct": 33.3},
    ]
    assert rep["totals"] == {"total": 5, "internal": 2, "external": 3, "internal_pct": 40.0,
                             "external_pct": 60.0, "local": 2, "local_pct": 40.0}

    def rows(table, key):
        return [(r["placement_type"], r["provision"], r[key], r["count"], r["pct"])
                for r in rep[table]]

    assert rows("by_gender", "gender") == [
        ("fostering", "internal", "female", 1, 100.0),
        ("fostering", "external", "male", 1, 100.0),
        ("residential", "internal", "unknown", 1, 100.0),
        ("residential", "external", "female", 1, 50.0),
        ("residential", "external", "other", 1, 50.0),
    ]
    assert rows("by_legal_status", "legal_status") == [
        ("fostering", "internal", "s20", 1, 100.0),
        ("fostering", "external", "full_care_order", 1, 100.0),
        ("residential", "internal", "s20", 1, 100.0),
        ("residential", "external", "s20", 1, 50.0),
        ("residential", "external", "remand", 1, 50.0),
    ]
    assert rows("by_age_band", "age_band") == [
        ("fostering", "internal", "5-9", 1, 100.0),
        ("fostering", "external", "0-4", 1, 100.0),
        ("residential", "internal", "10-15", 1, 100.0),
        ("residential", "external", "16-17", 1, 50.0),
        ("residential", "external", "18+", 1, 50.0),
    ]


def test_sufficiency_on_an_empty_day_has_empty_tables(api, world):
    rep = get(api, "/v1/reports/sufficiency", world["org"], {"as_at": "2000-01-01"}).json()
    assert rep["by_type"] == rep["by_gender"] == rep["by_age_band"] == []
    assert rep["totals"]["total"] == 0 and rep["totals"]["local_pct"] is None


def test_sufficiency_csv_has_one_row_per_table_line(api, world):
    rows = csv_rows(get(api, "/v1/reports/sufficiency", world["org"], {"as_at": D},
                        headers={"Accept": "text/csv"}))
    assert [r["table"] for r in rows] == (["by_type"] * 2 + ["by_gender"] * 5 +
                                          ["by_legal_status"] * 5 + ["by_age_band"] * 5 +
                                          ["totals"])
    assert all(r["as_at"] == D for r in rows)
    assert rows[1]["placement_type"] == "residential" and rows[1]["external_pct"] == "66.7"
    assert rows[1]["count"] == "" and rows[1]["gender"] == ""
    assert (rows[2]["gender"], rows[2]["count"], rows[2]["pct"]) == ("female", "1", "100.0")
    assert rows[-1]["total"] == "5" and rows[-1]["placement_type"] == ""


# ---- spend -------------------------------------------------------------------

JUNE = {"from": "2026-06-01", "to": "2026-06-30"}


def test_spend_by_placement_type_pro_rates_at_the_period_edges(api, world):
    rep = get(api, "/v1/reports/spend", world["org"], {**JUNE, "group_by": "placement_type"}).json()
    assert (rep["from"], rep["to"], rep["group_by"]) == ("2026-06-01", "2026-06-30",
                                                         "placement_type")
    assert rep["scope"] == {"kind": "organisation", "org_id": world["org"]}
    # fostering: P1 30 days 300000; P2 16 days 228571.43 -> 228571; P7 15 days
    # 192859.29 -> 192859. residential: P3 15 days 750000; P4 30 days
    # 529101.43 -> 529101; P5 30 days, no cost; P6 14 days 400000. P8 ended
    # before the period.
    assert rep["items"] == [
        {"placement_type": "fostering", "placements": 3, "days": 61, "spend_pence": 721430,
         "uncosted_placements": 0},
        {"placement_type": "residential", "placements": 4, "days": 89, "spend_pence": 1679101,
         "uncosted_placements": 1},
    ]
    assert rep["total_pence"] == 2400531


def test_spend_by_provider_has_an_in_house_group(api, world):
    rep = get(api, "/v1/reports/spend", world["org"], {**JUNE, "group_by": "provider"}).json()
    prov = world["providers"]
    assert rep["items"] == [
        {"provider_id": prov["A"]["id"], "provider_name": prov["A"]["name"], "placements": 3,
         "days": 60, "spend_pence": 1157672, "uncosted_placements": 0},
        {"provider_id": prov["B"]["id"], "provider_name": prov["B"]["name"], "placements": 1,
         "days": 15, "spend_pence": 750000, "uncosted_placements": 0},
        {"provider_id": None, "provider_name": "in-house", "placements": 3, "days": 75,
         "spend_pence": 492859, "uncosted_placements": 1},
    ]
    assert rep["total_pence"] == 2400531


def test_spend_by_child(api, world):
    c = world["children"]
    rep = get(api, "/v1/reports/spend", world["org"], {**JUNE, "group_by": "child"}).json()
    got = [(i["child_id"], i["local_ref"], i["placements"], i["days"], i["spend_pence"])
           for i in rep["items"]]
    assert got == [
        (c["c3"]["id"], c["c3"]["local_ref"], 1, 15, 750000),
        (c["c6"]["id"], c["c6"]["local_ref"], 2, 29, 592859),
        (c["c4"]["id"], c["c4"]["local_ref"], 1, 30, 529101),
        (c["c1"]["id"], c["c1"]["local_ref"], 1, 30, 300000),
        (c["c2"]["id"], c["c2"]["local_ref"], 1, 16, 228571),
        (c["c5"]["id"], c["c5"]["local_ref"], 1, 30, 0),
    ]
    assert rep["total_pence"] == 2400531


def test_spend_single_day_period(api, world):
    # On D alone: P1 10000, P2 14286 (14285.71), P3 50000, P4 17637 (17636.71), P5 none.
    rep = get(api, "/v1/reports/spend", world["org"],
              {"from": D, "to": D, "group_by": "placement_type"}).json()
    assert [(i["placements"], i["days"], i["spend_pence"]) for i in rep["items"]] == [
        (2, 2, 24286), (3, 3, 67637)]


def test_spend_csv(api, world):
    rows = csv_rows(get(api, "/v1/reports/spend", world["org"], {**JUNE, "group_by": "provider"},
                        headers={"Accept": "text/csv"}))
    assert list(rows[0].keys()) == ["from", "to", "provider_id", "provider_name", "placements",
                                    "days", "spend_pence", "uncosted_placements"]
    assert [(r["provider_name"], r["spend_pence"]) for r in rows][-1] == ("in-house", "492859")
    assert rows[-1]["provider_id"] == "" and rows[0]["from"] == "2026-06-01"
    rows = csv_rows(get(api, "/v1/reports/spend", world["org"], {**JUNE, "group_by": "child"},
                        headers={"Accept": "text/csv"}))
    assert rows[0]["local_ref"] == world["children"]["c3"]["local_ref"]
    assert rows[0]["spend_pence"] == "750000"


# ---- stability ---------------------------------------------------------------

def test_stability_counts_three_starts_in_the_window(api, world):
    rep = get(api, "/v1/reports/stability", world["org"], {"as_at": "2026-05-31"}).json()
    c8 = world["children"]["c8"]
    q = world["stability"]
    assert rep["period"] == {"from": "2025-06-01", "to": "2026-05-31"}
    assert rep["threshold"] == 3 and rep["children"] == 1
    assert rep["by_organisation"][0]["org_id"] == world["org"]
    assert rep["by_organisation"][0]["children"] == 1
    assert len(rep["items"]) == 1
    item = rep["items"][0]
    assert (item["child_id"], item["local_ref"], item["placements"]) == (c8["id"],
                                                                         c8["local_ref"], 3)
    assert item["starts"] == [
        {"placement_id": q[i]["id"], "start_date": q[i]["start_date"],
         "end_date": q[i]["end_date"], "end_reason": q[i]["end_reason"],
         "placement_type": "residential"} for i in (1, 2, 3)]
    # A day later the first start leaves the window: two remain, nobody counts.
    rep = get(api, "/v1/reports/stability", world["org"], {"as_at": "2026-06-01"}).json()
    assert rep["children"] == 0 and rep["items"] == [] and rep["by_organisation"] == []


def test_stability_csv(api, world):
    rows = csv_rows(get(api, "/v1/reports/stability", world["org"], {"as_at": "2026-05-31"},
                        headers={"Accept": "text/csv"}))
    assert [r["table"] for r in rows] == ["by_organisation", "items"]
    assert rows[0]["org_id"] == world["org"] and rows[0]["children"] == "1"
    assert rows[1]["child_id"] == world["children"]["c8"]["id"]
    assert rows[1]["start_dates"] == "2025-06-01;2025-10-01;2026-05-31"
    assert rows[1]["end_reasons"] == "breakdown_provider;breakdown_child;returned_home"


# ---- scope and isolation -----------------------------------------------------

def test_consortium_sees_the_tenant_in_aggregate_without_child_ids(api, world):
    cons = {"org": DEMO_CONSORTIUM, "roles": "viewer"}
    child_ids = [c["id"] for c in world["children"].values()]
    suff = api.get("/v1/reports/sufficiency", params={"as_at": D}, **cons)
    assert suff.status_code == 200, suff.text
    rep = suff.json()
    assert rep["scope"]["kind"] == "tenant"
    # The tenant's figures are the sum of every organisation's own.
    orgs = api.get("/v1/organisations", params={"limit": 500}).json()["items"]
    assert len(orgs) < 500
    summed = {"total": 0, "internal": 0, "external": 0, "local": 0}
    for o in orgs:
        # A closed council can no longer ask for its own report (its tokens are
        # refused); the councils other tests closed placed no children.
        if o["kind"] != "local_authority" or o["status"] != "active":
            continue
        theirs = get(api, "/v1/reports/sufficiency", o["id"], {"as_at": D}).json()["totals"]
        for k in summed:
            summed[k] += theirs[k]
    assert {k: rep["totals"][k] for k in summed} == summed
    assert summed["total"] >= 5
    spend = api.get("/v1/reports/spend", params={**JUNE, "group_by": "provider"}, **cons)
    assert spend.status_code == 200
    mine = [i for i in spend.json()["items"]
            if i["provider_id"] == world["providers"]["B"]["id"]]
    assert mine and mine[0]["spend_pence"] == 750000  # provider B serves only this council
    stab = api.get("/v1/reports/stability", params={"as_at": "2026-05-31"}, **cons)
    assert stab.status_code == 200
    assert "items" not in stab.json()
    assert any(o["org_id"] == world["org"] and o["children"] == 1
               for o in stab.json()["by_organisation"])
    for resp in (suff, spend, stab):
        assert "child_id" not in resp.text
        assert not any(cid in resp.text for cid in child_ids)
    csv_text = api.get("/v1/reports/stability", params={"as_at": "2026-05-31"},
                       headers={"Accept": "text/csv"}, **cons).text
    assert not any(cid in csv_text for cid in child_ids)
    assert_problem(api.get("/v1/reports/spend", params={**JUNE, "group_by": "child"}, **cons),
                   403, "forbidden")


def test_provider_organisation_gets_403(api, world):
    staff = created(api.post("/v1/organisations", {
        "kind": "provider", "name": unique("Provider staff"),
        "provider_id": world["providers"]["A"]["id"]}, roles="tenant_admin"))
    for path, params in (("/v1/reports/sufficiency", {"as_at": D}),
                         ("/v1/reports/spend", {**JUNE, "group_by": "provider"}),
                         ("/v1/reports/stability", {"as_at": D})):
        assert_problem(api.get(path, params=params, org=staff["id"], roles="provider"),
                       403, "forbidden")


def test_other_councils_and_tenants_never_appear(api, world, other_tenant):
    # Another council of the same tenant and a council of another tenant each
    # place a child on D; this council's figures stay exactly as worked out.
    for token_args in ({"org": DEMO_COUNCIL_2},
                       {"org": other_tenant["org"], "tenant": other_tenant["tenant"]}):
        child = created(api.post("/v1/children", {"local_ref": unique("ISO"),
                                                  "birth_month": "2015-01", "gender": "male",
                                                  "legal_status": "s20"}, **token_args))
        created(api.post("/v1/placements", {"child_id": child["id"],
                                            "external_ref": unique("ISO"),
                                            "placement_type": "fostering",
                                            "provision": "internal", "start_date": D,
                                            "weekly_cost_pence": 7000}, **token_args))
    rep = get(api, "/v1/reports/sufficiency", world["org"], {"as_at": D}).json()
    assert rep["totals"]["total"] == 5
    spend = get(api, "/v1/reports/spend", world["org"], {**JUNE, "group_by": "child"}).json()
    assert spend["total_pence"] == 2400531 and len(spend["items"]) == 6
    # The other tenant's council sees its own placement only; the demo
    # consortium's tenant figures never include the other tenant's council.
    theirs = api.get("/v1/reports/sufficiency", params={"as_at": D}, org=other_tenant["org"],
                     tenant=other_tenant["tenant"]).json()
    assert theirs["totals"]["total"] == 1
    stab = api.get("/v1/reports/stability", params={"as_at": D}, org=DEMO_CONSORTIUM).json()
    assert other_tenant["org"] not in str(stab)


def test_consortium_of_another_tenant_cannot_borrow_a_tenant(api, other_tenant):
    # A token naming the demo consortium's id under another tenant is not a
    # consortium there: no report.
    resp = api.get("/v1/reports/sufficiency", params={"as_at": D}, org=DEMO_CONSORTIUM,
                   tenant=other_tenant["tenant"])
    assert_problem(resp, 403, "forbidden")


# ---- validation and audit ----------------------------------------------------

@pytest.mark.parametrize("path,params,field", [
    ("/v1/reports/sufficiency", {}, "as_at"),
    ("/v1/reports/sufficiency", {"as_at": "2026-02-30"}, "as_at"),
    ("/v1/reports/sufficiency", {"as_at": "15/06/2026"}, "as_at"),
    ("/v1/reports/sufficiency", {"as_at": D, "org_id": str(uuid.uuid4())}, "org_id"),
    ("/v1/reports/stability", {"as_at": ""}, "as_at"),
    ("/v1/reports/stability", {"as_at": D, "limit": "5"}, "limit"),
    ("/v1/reports/spend", {"to": "2026-06-30", "group_by": "child"}, "from"),
    ("/v1/reports/spend", {"from": "2026-06-01", "group_by": "child"}, "to"),
    ("/v1/reports/spend", {**JUNE}, "group_by"),
    ("/v1/reports/spend", {**JUNE, "group_by": "setting"}, "group_by"),
    ("/v1/reports/spend", {"from": "2026-06-30", "to": "2026-06-01", "group_by": "child"}, "to"),
    ("/v1/reports/spend", {"from": "2020-01-01", "to": "2023-01-02", "group_by": "child"}, "to"),
])
def test_bad_parameters_are_named(api, world, path, params, field):
    assert_problem(get(api, path, world["org"], params), 400, "validation", field=field)


def test_three_years_exactly_is_allowed(api, world):
    resp = get(api, "/v1/reports/spend", world["org"],
               {"from": "2023-06-30", "to": "2026-06-30", "group_by": "placement_type"})
    assert resp.status_code == 200, resp.text


def test_every_report_request_is_audited(api, world, stack_env):
    for name, path, params in (("sufficiency", "/v1/reports/sufficiency", {"as_at": D}),
                               ("spend", "/v1/reports/spend", {**JUNE, "group_by": "child"}),
                               ("stability", "/v1/reports/stability", {"as_at": D})):
        rid = "audit-" + uuid.uuid4().hex
        assert get(api, path, world["org"], params, sub="analyst-3",
                   headers={"X-Request-Id": rid}).status_code == 200
        row = psql(stack_env, "SELECT method || '|' || path || '|' || resource || '|' ||"
                              " coalesce(resource_id, '-') || '|' || status || '|' || sub ||"
                              f" '|' || org_id FROM audit.events WHERE request_id = '{rid}'")
        assert row == f"GET|{path}|report.{name}|-|200|analyst-3|{world['org']}"
    rid = "audit-" + uuid.uuid4().hex
    resp = api.get("/v1/reports/spend", params={**JUNE, "group_by": "child"},
                   org=DEMO_CONSORTIUM, headers={"X-Request-Id": rid})
    assert_problem(resp, 403, "forbidden")
    assert psql(stack_env, "SELECT resource || '|' || status FROM audit.events"
                           f" WHERE request_id = '{rid}'") == "report.spend|403"
