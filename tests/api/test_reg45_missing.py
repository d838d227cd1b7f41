"""/v1/reg45-reviews/missing: in a tenant of its own, the children's homes
with a child placed on as_at whose latest Reg 45 review ended more than
reg45_max_months before, or that never had one while a child has been there
longer; with the councils concerned and the last period_to; the policy's
months; CSV; bad inputs; roles; another tenant sees nothing."""
import csv
import io

import pytest

from hearth_client import assert_problem
from records import OwnTenant

URL = "/v1/reg45-reviews/missing"


@pytest.fixture(scope="module")
def homes(api):
    t = OwnTenant(api)
    a, b = t.councils
    p1, p2 = t.provider(), t.provider()
    h1, h2, h3 = t.setting(p1), t.setting(p1), t.setting(p2)
    fostering = t.setting(p2, setting_type="fostering_service")
    empty = t.setting(p2)
    # H1: a child of A since 2024-01-01 and one of B that left in June; last
    # review to 2024-05-31, so due by 2024-11-30.
    t.place(a, p1, h1, "2024-01-01")
    t.place(b, p1, h1, "2023-01-01", "2024-06-30")
    # H2: children of A and B; last review to 2024-09-30 (received 5 October):
    # due by 2025-03-30. An older one must not count.
    t.place(a, p1, h2, "2022-01-01")
    t.place(b, p1, h2, "2024-02-01")
    # H3: never reviewed, a child there since 2024-08-01: due by 2025-02-01.
    t.place(a, p2, h3, "2024-08-01")
    # Not children's homes, or nobody placed: never listed.
    t.place(a, p2, fostering, "2015-01-01")
    t.place(a, p2, empty, "2015-01-01", "2016-01-01")
    for setting, start, end, received in ((h1, "2023-12-01", "2024-05-31", "2024-06-10"),
                                          (h2, "2023-10-01", "2024-03-31", "2024-04-05"),
                                          (h2, "2024-04-01", "2024-09-30", "2024-10-05")):
        t.post("/v1/reg45-reviews", {"setting_id": setting, "period_from": start,
                                     "period_to": end, "received_on": received},
               roles="qa_officer")
    return {"t": t, "a": a, "b": b, "P1": p1, "P2": p2, "H1": h1, "H2": h2, "H3": h3}


def missing(homes, as_at, **kw):
    resp = homes["t"].get(URL, params={"as_at": as_at}, **kw)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["as_at"] == as_at and body["next_cursor"] is None
    return body["items"]


def test_overdue_and_never_reviewed_homes(homes):
    a, b = homes["a"], homes["b"]
    assert missing(homes, "2024-11-30") == []
    assert missing(homes, "2024-12-01") == [
        {"setting_id": homes["H1"], "provider_id": homes["P1"], "last_period_to": "2024-05-31",
         "due_on": "2024-11-30", "councils": [{"org_id": a, "placements": 1}]}]
    items = missing(homes, "2025-04-01")
    assert [(i["setting_id"], i["last_period_to"], i["due_on"]) for i in items] == [
        (homes["H1"], "2024-05-31", "2024-11-30"),
        (homes["H3"], None, "2025-02-01"),
        (homes["H2"], "2024-09-30", "2025-03-30"),
    ]
    assert items[2]["councils"] == sorted([{"org_id": a, "placements": 1},
                                           {"org_id": b, "placements": 1}],
                                          key=lambda c: c["org_id"])


def test_a_review_counts_once_received(homes):
    a, b = homes["a"], homes["b"]
    # H2's review to 2024-09-30 came on 2024-10-05: the day before, its last
    # known one ended 2024-03-31 and the next was due by 2024-09-30.
    assert missing(homes, "2024-10-04") == [
        {"setting_id": homes["H2"], "provider_id": homes["P1"], "last_period_to": "2024-03-31",
         "due_on": "2024-09-30", "councils": sorted([{"org_id": a, "placements": 1},
                                                     {"org_id": b, "placements": 1}],
                                                    key=lambda c: c["org_id"])}]
    assert missing(homes, "2024-10-05") == []
    # Before H1's first review came (2024-06-10) it had none, and a child
    # placed there on the day had been there since 2023-01-01.
    [h1] = missing(homes, "2024-06-09")
    assert (h1["setting_id"], h1["last_period_to"], h1["due_on"]) == \
        (homes["H1"], None, "2023-07-01")
    assert {c["org_id"] for c in h1["councils"]} == {a, b}


def test_the_policy_sets_the_months(api, homes):
    t = homes["t"]
    policy = t.get("/v1/qa-policy").json()
    body = {k: policy[k] for k in policy if k not in ("version", "updated_at")}
    resp = api.request("PUT", "/v1/qa-policy", json_body=dict(body, reg45_max_months=3),
                       token=t.token("tenant_admin", t.team))
    assert resp.status_code == 200, resp.text
    try:
        items = missing(homes, "2025-01-15")
        assert {(i["setting_id"], i["due_on"]) for i in items} == {
            (homes["H1"], "2024-08-31"), (homes["H2"], "2024-12-30"), (homes["H3"], "2024-11-01")}
    finally:
        resp = api.request("PUT", "/v1/qa-policy", json_body=dict(body, reg45_max_months=6),
                           token=t.token("tenant_admin", t.team))
        assert resp.status_code == 200, resp.text


def test_csv(homes):
    resp = homes["t"].get(URL, params={"as_at": "2024-12-01"}, headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.text)))
    assert rows[0] == ["setting_id", "provider_id", "last_period_to", "due_on", "councils"]
    assert rows[1][:4] == [homes["H1"], homes["P1"], "2024-05-31", "2024-11-30"]


@pytest.mark.parametrize("params, field", [
    ({"as_at": "2024-02-30"}, "as_at"), ({"as_at": "soon"}, "as_at"),
    ({"setting_id": "x"}, "setting_id"),
])
def test_bad_inputs_name_the_field(homes, params, field):
    assert_problem(homes["t"].get(URL, params=params), 400, "validation", field)


@pytest.mark.parametrize("roles", ["viewer", "provider", "integration", "qa_officer",
                                   "commissioner", "tenant_admin"])
def test_any_role_reads(homes, roles):
    t = homes["t"]
    for org in (t.team, homes["b"]):
        assert len(missing(homes, "2024-12-01", roles=roles, org=org)) == 1


def test_another_tenant_sees_nothing_of_these_homes(api, homes, other_tenant):
    token = api.token(roles="viewer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    resp = api.get(URL, params={"as_at": "2025-04-01"}, token=token)
    assert resp.status_code == 200
    assert not {homes["H1"], homes["H2"], homes["H3"]} & {i["setting_id"]
                                                           for i in resp.json()["items"]}
    assert api.get(URL, auth=False).status_code == 401
