"""Children: pseudonymous records of the placing organisation. Create, read,
list, filters, pagination, CSV, If-Match, idempotent replay, the birth-month
rule, the local_ref conflict, events and audited reads."""
import csv
import datetime
import io
import uuid

import pytest

from conftest import unique
from hearth_client import assert_problem
from test_placements import new_council, psql


@pytest.fixture(scope="module")
def council(api):
    return new_council(api)


def child_body(**overrides):
    body = {"local_ref": unique("C"), "birth_month": "2013-09", "gender": "male",
            "legal_status": "s20"}
    body.update(overrides)
    return body


def months_ago(n):
    today = datetime.date.today()
    index = today.year * 12 + today.month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def test_create_read_and_events(api, council, stack_env):
    body = child_body()
    resp = api.post("/v1/children", body, org=council)
    assert resp.status_code == 201, resp.text
    child = resp.json()
    assert resp.headers["Location"] == f"/v1/children/{child['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert {k: child[k] for k in body} == body
    assert child["org_id"] == council and child["version"] == 1
    got = api.get(resp.headers["Location"], org=council)
    assert got.status_code == 200 and got.json() == child
    event = psql(stack_env, "SELECT type || '|' || (payload->>'local_ref') FROM placements.outbox"
                            f" WHERE subject_id = '{child['id']}'")
    assert event == f"placements.child.created|{body['local_ref']}"


def test_validation_names_each_field(api, council):
    resp = api.post("/v1/children", {"local_ref": "", "birth_month": "2013-13", "gender": "boy",
                                     "legal_status": "care"}, org=council)
    body = assert_problem(resp, 400, "validation")
    assert {"local_ref", "birth_month", "gender", "legal_status"} <= {e["field"] for e in body["errors"]}
    resp = api.post("/v1/children", {"gender": "male"}, org=council)
    body = assert_problem(resp, 400, "validation")
    assert {"local_ref", "birth_month", "legal_status"} <= {e["field"] for e in body["errors"]}
    for bad in (months_ago(-1), "2013-09-01", "2013-9"):
        resp = api.post("/v1/children", child_body(birth_month=bad), org=council)
        assert_problem(resp, 400, "validation", field="birth_month")
    # Only the future is refused: the age limit is the placements' (history loads).
    for ok in (months_ago(0), months_ago(25 * 12 + 1), "1998-05"):
        assert api.post("/v1/children", child_body(birth_month=ok), org=council).status_code == 201
    for field in ("id", "org_id", "version", "created_at", "name", "date_of_birth"):
        resp = api.post("/v1/children", child_body(**{field: "x"}), org=council)
        assert_problem(resp, 400, "validation", field=field)


def test_local_ref_is_unique_per_organisation(api, council):
    ref = unique("DUP")
    assert api.post("/v1/children", child_body(local_ref=ref), org=council).status_code == 201
    resp = api.post("/v1/children", child_body(local_ref=ref), org=council)
    body = assert_problem(resp, 409, "conflict", field="local_ref")
    assert ref in body["detail"]
    # Another organisation may use the same reference for its own child.
    other = new_council(api)
    assert api.post("/v1/children", child_body(local_ref=ref), org=other).status_code == 201


def test_patch_if_match_no_op_and_conflict(api, council, stack_env):
    child = api.post("/v1/children", child_body(), org=council).json()
    url = f"/v1/children/{child['id']}"
    resp = api.patch(url, {"legal_status": "full_care_order"}, headers={"If-Match": '"1"'},
                     org=council)
    assert resp.status_code == 200 and resp.json()["version"] == 2
    assert resp.json()["legal_status"] == "full_care_order"
    assert_problem(api.patch(url, {"gender": "female"}, headers={"If-Match": '"1"'}, org=council),
                   412, "precondition-failed")
    same = api.patch(url, {"legal_status": "full_care_order"}, org=council)
    assert same.status_code == 200 and same.json()["version"] == 2
    assert_problem(api.patch(url, {"birth_month": months_ago(-2)}, org=council), 400, "validation",
                   field="birth_month")
    assert_problem(api.patch(url, {"local_ref": None}, org=council), 400, "validation",
                   field="local_ref")
    taken = api.post("/v1/children", child_body(), org=council).json()["local_ref"]
    assert_problem(api.patch(url, {"local_ref": taken}, org=council), 409, "conflict",
                   field="local_ref")
    types = psql(stack_env, f"SELECT string_agg(type, ',' ORDER BY seq) FROM placements.outbox"
                            f" WHERE subject_id = '{child['id']}'")
    assert types == "placements.child.created,placements.child.updated"


def test_writers_only(api, council):
    for roles in ("viewer", "qa_officer", "provider", "tenant_admin"):
        assert_problem(api.post("/v1/children", child_body(), org=council, roles=roles), 403,
                       "forbidden")
    assert api.post("/v1/children", child_body(), org=council, roles="integration").status_code == 201
    # Every role of the organisation reads.
    assert api.get("/v1/children", org=council, roles="viewer").status_code == 200


def test_idempotent_replay(api, council):
    body = child_body()
    key = "k-" + uuid.uuid4().hex
    first = api.post("/v1/children", body, headers={"Idempotency-Key": key}, org=council)
    again = api.post("/v1/children", body, headers={"Idempotency-Key": key}, org=council)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = api.post("/v1/children", child_body(), headers={"Idempotency-Key": key}, org=council)
    assert_problem(other, 422, "idempotency-key-reused")


def test_list_filters_pagination_and_csv(api):
    org = new_council(api)
    made = [api.post("/v1/children", child_body(gender=g, legal_status=s), org=org).json()
            for g, s in (("female", "s20"), ("male", "s20"), ("female", "remand"),
                         ("unknown", "placement_order"), ("other", "s20"))]

    def ids(**params):
        resp = api.get("/v1/children", params={**params, "limit": 500}, org=org)
        assert resp.status_code == 200, resp.text
        return [c["id"] for c in resp.json()["items"]]

    assert ids() == [c["id"] for c in made]  # oldest first
    assert set(ids(gender="female")) == {made[0]["id"], made[2]["id"]}
    assert set(ids(legal_status="s20")) == {made[0]["id"], made[1]["id"], made[4]["id"]}
    assert ids(gender="female", legal_status="s20") == [made[0]["id"]]
    assert ids(local_ref=made[3]["local_ref"]) == [made[3]["id"]]
    assert ids(local_ref="nobody") == []
    assert_problem(api.get("/v1/children", params={"gender": "boy"}, org=org), 400, "validation",
                   field="gender")
    assert_problem(api.get("/v1/children", params={"limit": 0}, org=org), 400, "validation",
                   field="limit")

    seen, cursor = [], None
    while True:
        page = api.get("/v1/children", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                       org=org).json()
        assert len(page["items"]) <= 2
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [c["id"] for c in made]

    resp = api.get("/v1/children", headers={"Accept": "text/csv"}, org=org)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.text)))
    assert rows[0] == ["id", "org_id", "local_ref", "birth_month", "gender", "legal_status",
                       "version", "created_at", "updated_at"]
    assert [r[0] for r in rows[1:]] == [c["id"] for c in made]
    assert rows[1][3] == "2013-09"


def test_reads_and_lists_are_audited(api, council, stack_env):
    child = api.post("/v1/children", child_body(), org=council).json()
    rid = "audit-" + uuid.uuid4().hex
    assert api.get(f"/v1/children/{child['id']}", org=council, sub="reader-7",
                   headers={"X-Request-Id": rid}).status_code == 200
    row = psql(stack_env, "SELECT method || '|' || path || '|' || resource || '|' || resource_id"
                          " || '|' || status || '|' || sub || '|' || org_id FROM audit.events"
                          f" WHERE request_id = '{rid}'")
    assert row == f"GET|/v1/children/{child['id']}|child|{child['id']}|200|reader-7|{council}"
    rid = "audit-" + uuid.uuid4().hex
    assert api.get("/v1/children", org=council, params={"gender": "male"},
                   headers={"X-Request-Id": rid}).status_code == 200
    row = psql(stack_env, "SELECT method || '|' || path || '|' || resource || '|' ||"
                          " coalesce(resource_id, '-') || '|' || status FROM audit.events"
                          f" WHERE request_id = '{rid}'")
    assert row == "GET|/v1/children|child|-|200"
    # A miss is audited too: someone asked for a child record.
    rid = "audit-" + uuid.uuid4().hex
    missing = str(uuid.uuid4())
    assert_problem(api.get(f"/v1/children/{missing}", org=council, headers={"X-Request-Id": rid}),
                   404, "not-found")
    assert psql(stack_env, f"SELECT status FROM audit.events WHERE request_id = '{rid}'") == "404"


def test_seeded_demo_children(api):
    items = api.get("/v1/children", params={"limit": 500}).json()["items"]
    seeded = [c for c in items if c["id"].startswith("00000000-0000-4000-8000-0000000e")]
    assert len(seeded) >= 10
    assert all(c["local_ref"].startswith("ABH-") for c in seeded)
