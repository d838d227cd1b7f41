"""The explainable ranking of a framework lot for a period: order, ranks, tiers
and weighted scores computed from the framework's current weights, with the
tie-breaks of API.md §3 and the members left out listed with the reason."""
import csv
import io
import uuid

from conftest import unique
from hearth_client import assert_problem
from test_frameworks import ADMIN, add_member, lot_id, new_framework, new_provider

# (name suffix, status, quality, commercial) for lot L1, period 2026.
# None scores: an active member without a score for the period.
MEMBERS = [
    ("Alder", "active", 82.0, 70.0),     # 50/50: 76.00   60/40: 77.20
    ("Birch", "active", 70.0, 90.0),     # 50/50: 80.00   60/40: 78.00
    ("Cedar", "active", 90.0, 62.0),     # 50/50: 76.00 (ties Alder; higher quality)
    ("Damson", "active", 75.5, 60.5),    # 50/50: 68.00   60/40: 69.50
    ("elm", "active", 75.5, 60.5),       # ties Damson on both: name (case-blind) decides
    ("Fir", "suspended", 99.0, 99.0),    # excluded: suspended
    ("Gorse", "active", None, None),     # excluded: no score for period
    ("Hazel", "active", 50.0, 50.0),     # 50.00 both ways
]

# Expected (name suffix, weighted score) in rank order.
EXPECTED_50_50 = [("Birch", 80.0), ("Cedar", 76.0), ("Alder", 76.0), ("Damson", 68.0),
                  ("elm", 68.0), ("Hazel", 50.0)]
EXPECTED_60_40 = [("Cedar", 78.8), ("Birch", 78.0), ("Alder", 77.2), ("Damson", 69.5),
                  ("elm", 69.5), ("Hazel", 50.0)]


def build(api, tier_sizes=None):
    """A framework with the MEMBERS in lot L1, one more in L2 (never ranked in
    L1), and their 2026 scores; returns (framework, {suffix: provider})."""
    fw = new_framework(api, tier_sizes=tier_sizes)
    tag = unique("Rank")
    providers = {}
    for suffix, status, quality, commercial in MEMBERS:
        p = new_provider(api, f"{suffix} {tag}")
        providers[suffix] = p
        add_member(api, fw, p["id"], "L1")
        if quality is not None:
            resp = api.post(f"/v1/frameworks/{fw['id']}/scores",
                            {"provider_id": p["id"], "lot_id": lot_id(fw, "L1"), "period": "2026",
                             "quality_score": quality, "commercial_score": commercial}, **ADMIN)
            assert resp.status_code == 201, resp.text
        if status != "active":
            resp = api.patch(f"/v1/frameworks/{fw['id']}/members/{p['id']}",
                             {"status": status, "reason": "Placement stop"}, **ADMIN)
            assert resp.status_code == 200, resp.text
    other_lot = new_provider(api, f"Other lot {tag}")
    add_member(api, fw, other_lot["id"], "L2")
    api.post(f"/v1/frameworks/{fw['id']}/scores",
             {"provider_id": other_lot["id"], "lot_id": lot_id(fw, "L2"), "period": "2026",
              "quality_score": 100, "commercial_score": 100}, **ADMIN)
    # A score of another period must not count.
    api.post(f"/v1/frameworks/{fw['id']}/scores",
             {"provider_id": providers["Gorse"]["id"], "lot_id": lot_id(fw, "L1"),
              "period": "2025", "quality_score": 100, "commercial_score": 100}, **ADMIN)
    return fw, providers


def ranking(api, fw, **kw):
    resp = api.get(f"/v1/frameworks/{fw['id']}/ranking",
                   params={"lot_id": lot_id(fw, "L1"), "period": "2026"}, **kw)
    assert resp.status_code == 200, resp.text
    return resp.json()


def assert_ranked(body, providers, expected, tiers):
    by_id = {p["id"]: suffix for suffix, p in providers.items()}
    got = [(by_id[i["provider_id"]], i["weighted_score"]) for i in body["items"]]
    assert got == expected
    assert [i["rank"] for i in body["items"]] == list(range(1, len(expected) + 1))
    assert [i["tier"] for i in body["items"]] == tiers
    for item in body["items"]:
        assert item["provider_name"] == providers[by_id[item["provider_id"]]]["name"]


def test_ranking_order_ties_exclusions_and_weights(api):
    fw, providers = build(api)
    body = ranking(api, fw, roles="viewer")
    assert body["framework_id"] == fw["id"] and body["lot_id"] == lot_id(fw, "L1")
    assert body["period"] == "2026"
    assert body["weights"] == {"quality_pct": 50, "commercial_pct": 50}
    assert_ranked(body, providers, EXPECTED_50_50, [None] * 6)
    alder = next(i for i in body["items"] if i["provider_id"] == providers["Alder"]["id"])
    assert alder["quality_score"] == 82.0 and alder["commercial_score"] == 70.0
    assert alder["explanation"] == "0.50 × 82.0 + 0.50 × 70.0 = 76.00"
    excluded = {e["provider_id"]: e["reason"] for e in body["excluded"]}
    assert excluded == {providers["Fir"]["id"]: "suspended",
                        providers["Gorse"]["id"]: "no score for period"}

    # The same scores under 60/40: re-read after changing the weights.
    resp = api.patch(f"/v1/frameworks/{fw['id']}",
                     {"weights": {"quality_pct": 60, "commercial_pct": 40}}, **ADMIN)
    assert resp.status_code == 200, resp.text
    body = ranking(api, fw)
    assert body["weights"] == {"quality_pct": 60, "commercial_pct": 40}
    assert_ranked(body, providers, EXPECTED_60_40, [None] * 6)
    cedar = body["items"][0]
    assert cedar["explanation"] == "0.60 × 90.0 + 0.40 × 62.0 = 78.80"

    # Reinstating the suspended member ranks it.
    api.patch(f"/v1/frameworks/{fw['id']}/members/{providers['Fir']['id']}",
              {"status": "active"}, **ADMIN)
    body = ranking(api, fw)
    assert body["items"][0]["provider_id"] == providers["Fir"]["id"]
    assert body["items"][0]["weighted_score"] == 99.0
    assert [e["reason"] for e in body["excluded"]] == ["no score for period"]


def test_tiers_follow_tier_sizes(api):
    for sizes, tiers in (([2, 3], [1, 1, 2, 2, 2, 3]), ([1], [1, 2, 2, 2, 2, 2]),
                         ([10], [1] * 6), ([1, 1, 1], [1, 2, 3, 4, 4, 4])):
        fw, providers = build(api, tier_sizes=sizes)
        body = ranking(api, fw)
        assert body["tier_sizes"] == sizes
        assert_ranked(body, providers, EXPECTED_50_50, tiers)


def test_removed_members_are_not_ranked_or_listed(api):
    fw, providers = build(api)
    api.patch(f"/v1/frameworks/{fw['id']}/members/{providers['Birch']['id']}",
              {"status": "removed", "reason": "Left"}, **ADMIN)
    body = ranking(api, fw)
    assert [i["rank"] for i in body["items"]] == [1, 2, 3, 4, 5]
    ids = {i["provider_id"] for i in body["items"]} | {e["provider_id"] for e in body["excluded"]}
    assert providers["Birch"]["id"] not in ids


def test_ranking_csv(api):
    fw, providers = build(api, tier_sizes=[3])
    resp = api.get(f"/v1/frameworks/{fw['id']}/ranking",
                   params={"lot_id": lot_id(fw, "L1"), "period": "2026"},
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["rank"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [r["tier"] for r in rows] == ["1", "1", "1", "2", "2", "2"]
    assert rows[0]["provider_id"] == providers["Birch"]["id"]
    assert float(rows[0]["weighted_score"]) == 80.0
    assert rows[0]["explanation"] == "0.50 × 70.0 + 0.50 × 90.0 = 80.00"


def test_ranking_parameters(api):
    fw = new_framework(api)
    other = new_framework(api)
    path = f"/v1/frameworks/{fw['id']}/ranking"
    assert_problem(api.get(path, params={"period": "2026"}), 400, "validation", field="lot_id")
    assert_problem(api.get(path, params={"lot_id": lot_id(fw, "L1")}), 400, "validation",
                   field="period")
    assert_problem(api.get(path, params={"lot_id": lot_id(fw, "L1"), "period": "FY26"}),
                   400, "validation", field="period")
    assert_problem(api.get(path, params={"lot_id": lot_id(other, "L1"), "period": "2026"}),
                   400, "validation", field="lot_id")
    assert_problem(api.get(path, params={"lot_id": lot_id(fw, "L1"), "period": "2026",
                                         "sort": "name"}), 400, "validation", field="sort")
    empty = api.get(path, params={"lot_id": lot_id(fw, "L1"), "period": "2026"}).json()
    assert empty["items"] == [] and empty["excluded"] == []
    assert_problem(api.get(f"/v1/frameworks/{uuid.uuid4()}/ranking",
                           params={"lot_id": lot_id(fw, "L1"), "period": "2026"}),
                   404, "not-found")


def test_ranking_isolation(api, other_tenant):
    fw, _ = build(api)
    resp = api.get(f"/v1/frameworks/{fw['id']}/ranking",
                   params={"lot_id": lot_id(fw, "L1"), "period": "2026"},
                   token=other_tenant["admin_token"])
    assert_problem(resp, 404, "not-found")


DEMO_FOSTERING = "00000000-0000-4000-8000-0000000f0001"
DEMO_FOSTERING_STANDARD = "00000000-0000-4000-8000-0000000f1001"
DEMO_RESIDENTIAL = "00000000-0000-4000-8000-0000000f0002"
DEMO_RESIDENTIAL_HOMES = "00000000-0000-4000-8000-0000000f2001"


def test_demo_frameworks_rank_out_of_the_box(api):
    resp = api.get(f"/v1/frameworks/{DEMO_FOSTERING}/ranking",
                   params={"lot_id": DEMO_FOSTERING_STANDARD, "period": "2026"}, roles="viewer")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["weights"] == {"quality_pct": 50, "commercial_pct": 50}
    assert len(body["items"]) == 5
    weighted = [i["weighted_score"] for i in body["items"]]
    assert weighted == sorted(weighted, reverse=True)
    assert sorted(e["reason"] for e in body["excluded"]) == ["no score for period", "suspended"]
    suspended = next(e for e in body["excluded"] if e["reason"] == "suspended")
    member = api.get(f"/v1/frameworks/{DEMO_FOSTERING}/members/{suspended['provider_id']}").json()
    assert [h["status"] for h in member["history"]] == ["active", "suspended"]
    assert member["reason"]

    body = api.get(f"/v1/frameworks/{DEMO_RESIDENTIAL}/ranking",
                   params={"lot_id": DEMO_RESIDENTIAL_HOMES, "period": "2026"}).json()
    assert body["weights"] == {"quality_pct": 60, "commercial_pct": 40}
    assert [i["tier"] for i in body["items"]] == [1] * 5 + [2] * 5
    assert body["excluded"] == []
