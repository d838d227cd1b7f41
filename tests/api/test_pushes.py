"""Council pushes: PUT/GET /v1/placements/by-ref/{external_ref} and
POST /v1/placements/batch (idempotent upserts of placements with their
children, per-item isolation, Idempotency-Key, tenant and organisation
isolation, concurrent pushes for one child)."""
import concurrent.futures
import json
import uuid

import requests

from hearth_client import DEMO_COUNCIL, DEMO_COUNCIL_2, assert_problem

# Demo provider/setting pairs (services/providers/seed/002_demo_providers_settings.sql).
PROVIDER_A = "00000000-0000-4000-8000-0000000a0001"
SETTING_A = "00000000-0000-4000-8000-0000000b0001"   # a setting of PROVIDER_A
SETTING_OTHER = "00000000-0000-4000-8000-0000000b0003"  # a setting of provider ...a0003
WRITER = {"roles": "integration", "sub": "push-test"}


def run_id():
    return uuid.uuid4().hex[:10]


def payload(local_ref, start="2024-01-01", external=False, **overrides):
    body = {
        "child": {"local_ref": local_ref, "birth_month": "2012-05", "gender": "female",
                  "legal_status": "full_care_order"},
        "placement_type": "residential" if external else "fostering",
        "provision": "external" if external else "internal",
        "sourcing": "spot" if external else "in_house",
        "start_date": start,
        "weekly_cost_pence": 450000 if external else 45000,
    }
    if external:
        body.update(provider_id=PROVIDER_A, setting_id=SETTING_A)
    body.update(overrides)
    return body


def put(api, ref, body, **kw):
    kw = {**WRITER, **kw}
    return api.request("PUT", f"/v1/placements/by-ref/{ref}", json_body=body, **kw)


def batch(api, items, headers=None, **kw):
    kw = {**WRITER, **kw}
    return api.request("POST", "/v1/placements/batch", json_body={"items": items},
                       headers=headers, **kw)


def test_put_creates_then_updates_then_is_unchanged(api):
    ref, child_ref = f"P-{run_id()}", f"C-{run_id()}"
    resp = put(api, ref, payload(child_ref, external=True))
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["outcome"] == "created"
    placement, child = body["placement"], body["child"]
    assert placement["external_ref"] == ref and placement["child_id"] == child["id"]
    assert placement["provider_id"] == PROVIDER_A and placement["setting_id"] == SETTING_A
    assert placement["version"] == 1 and child["version"] == 1
    assert child["local_ref"] == child_ref and child["birth_month"] == "2012-05"
    assert placement["distance_miles"] is not None and placement["status"] == "active"
    assert resp.headers["Location"] == f"/v1/placements/{placement['id']}"
    assert resp.headers["ETag"] == '"1"'

    resp = put(api, ref, payload(child_ref, external=True, weekly_cost_pence=460000))
    assert resp.status_code == 200, resp.text
    assert resp.json()["outcome"] == "updated"
    second = resp.json()
    assert resp.json()["placement"]["version"] == 2
    assert resp.json()["placement"]["weekly_cost_pence"] == 460000
    assert resp.json()["child"]["version"] == 1
    assert resp.headers["ETag"] == '"2"'
    assert "Location" not in resp.headers

    resp = put(api, ref, payload(child_ref, external=True, weekly_cost_pence=460000))
    assert resp.status_code == 200, resp.text
    assert resp.json()["outcome"] == "unchanged"
    assert resp.json()["placement"]["version"] == 2
    assert resp.json()["placement"] == second["placement"]
    assert resp.json()["child"] == second["child"]

    got = api.get(f"/v1/placements/by-ref/{ref}", roles="viewer")
    assert got.status_code == 200
    assert got.json()["id"] == placement["id"] and got.json()["version"] == 2
    assert got.headers["ETag"] == '"2"'
    assert api.get(f"/v1/placements/{placement['id']}").json() == got.json()


def test_get_by_ref_unknown_or_malformed_is_404(api):
    assert_problem(api.get(f"/v1/placements/by-ref/none-{run_id()}"), 404, "not-found")
    assert_problem(api.get("/v1/placements/by-ref/" + "x" * 65), 404, "not-found")


def test_put_identical_body_changes_nothing(api):
    ref, child_ref = f"P-{run_id()}", f"C-{run_id()}"
    first = put(api, ref, payload(child_ref)).json()
    again = put(api, ref, payload(child_ref))
    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"
    assert again.json()["placement"] == first["placement"]
    assert again.json()["child"] == first["child"]


def test_put_updates_the_child(api):
    ref, child_ref = f"P-{run_id()}", f"C-{run_id()}"
    first = put(api, ref, payload(child_ref)).json()
    changed = payload(child_ref)
    changed["child"]["legal_status"] = "placement_order"
    resp = put(api, ref, changed)
    assert resp.status_code == 200, resp.text
    assert resp.json()["outcome"] == "updated"
    assert resp.json()["child"]["legal_status"] == "placement_order"
    assert resp.json()["child"]["version"] == 2
    assert resp.json()["placement"]["version"] == first["placement"]["version"]
    child = api.get(f"/v1/children/{first['child']['id']}").json()
    assert child["legal_status"] == "placement_order" and child["version"] == 2


def test_put_if_match(api):
    ref, child_ref = f"P-{run_id()}", f"C-{run_id()}"
    resp = put(api, ref, payload(child_ref), headers={"If-Match": '"1"'})
    assert_problem(resp, 412, "precondition-failed")
    assert put(api, ref, payload(child_ref)).status_code == 201
    resp = put(api, ref, payload(child_ref, weekly_cost_pence=1), headers={"If-Match": '"7"'})
    assert_problem(resp, 412, "precondition-failed")
    assert api.get(f"/v1/placements/by-ref/{ref}").json()["weekly_cost_pence"] == 45000
    resp = put(api, ref, payload(child_ref, weekly_cost_pence=1), headers={"If-Match": '"1"'})
    assert resp.status_code == 200 and resp.json()["placement"]["version"] == 2
    resp = put(api, ref, payload(child_ref), headers={"If-Match": "nonsense"})
    assert_problem(resp, 400, "validation", field="If-Match")


def test_put_bad_payloads_name_the_field(api):
    ref, child_ref = f"P-{run_id()}", f"C-{run_id()}"
    assert_problem(put(api, ref, payload(child_ref, placement_type="hotel")), 400, "validation",
                   field="placement_type")
    bad_child = payload(child_ref)
    bad_child["child"]["gender"] = "x"
    assert_problem(put(api, ref, bad_child), 400, "validation", field="child.gender")
    assert_problem(put(api, ref, payload(child_ref, end_date="2023-01-01", end_reason="planned")),
                   400, "validation", field="end_date")
    assert_problem(put(api, ref, payload(child_ref, colour="blue")), 400, "validation",
                   field="colour")
    assert_problem(put(api, ref, payload(child_ref, external_ref="other")), 400, "validation",
                   field="external_ref")
    assert_problem(put(api, ref, payload(child_ref, version=3)), 400, "validation", field="version")
    assert_problem(put(api, "x" * 65, payload(child_ref)), 400, "validation", field="external_ref")
    assert_problem(put(api, ref, payload(child_ref, external=True, provider_id=str(uuid.uuid4()),
                                       setting_id=None)),
                   400, "validation", field="provider_id")
    assert_problem(put(api, ref, payload(child_ref, external=True, setting_id=SETTING_OTHER)),
                   400, "validation", field="setting_id")
    assert_problem(api.get(f"/v1/placements/by-ref/{ref}"), 404, "not-found")
    # Nothing half-stored: the child of the failed pushes does not exist either.
    children = api.get("/v1/children", params={"limit": 500}).json()["items"]
    assert child_ref not in {c["local_ref"] for c in children}


def test_put_overlap_is_409_naming_start_date(api):
    child_ref = f"C-{run_id()}"
    assert put(api, f"P-{run_id()}", payload(child_ref, start="2024-01-01")).status_code == 201
    resp = put(api, f"P-{run_id()}", payload(child_ref, start="2024-06-01"))
    assert_problem(resp, 409, "conflict", field="start_date")


def test_push_roles(api):
    resp = put(api, f"P-{run_id()}", payload(f"C-{run_id()}"), roles="viewer")
    assert_problem(resp, 403, "forbidden")
    assert_problem(batch(api, [], roles="qa_officer"), 403, "forbidden")
    resp = put(api, f"P-{run_id()}", payload(f"C-{run_id()}"), roles="commissioner")
    assert resp.status_code == 201


def big_batch(prefix, n):
    """n placements, each with its own child; half internal with no provider,
    half external at a demo setting of its provider; start dates over 8 years."""
    items = []
    for i in range(n):
        start = f"{2018 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        item = payload(f"{prefix}-C{i}", start=start, external=i % 2 == 1)
        item["external_ref"] = f"{prefix}-P{i}"
        item["child"]["gender"] = ("female", "male", "other", "unknown")[i % 4]
        item["child"]["birth_month"] = f"{2008 + i % 10}-{1 + i % 12:02d}"
        items.append(item)
    return items


def test_batch_of_10000_then_repush_then_bad_items(api):
    prefix = f"B{run_id()}"
    items = big_batch(prefix, 10000)
    resp = batch(api, items)
    assert resp.status_code == 200, resp.text[:2000]
    results = resp.json()["results"]
    assert len(results) == 10000
    assert [r["external_ref"] for r in results] == [i["external_ref"] for i in items]
    assert {r["outcome"] for r in results} == {"created"}, [r for r in results if r["problem"]][:3]
    assert all(r["problem"] is None and r["version"] == 1 for r in results)
    ids = [r["id"] for r in results]
    assert len(set(ids)) == 10000

    again = batch(api, items)
    assert again.status_code == 200
    results = again.json()["results"]
    assert {r["outcome"] for r in results} == {"unchanged"}
    assert [r["id"] for r in results] == ids
    assert {r["version"] for r in results} == {1}
    for i in (0, 1, 4999, 9999):
        doc = api.get(f"/v1/placements/by-ref/{items[i]['external_ref']}").json()
        assert doc["version"] == 1 and doc["id"] == ids[i]
        assert (doc["provider_id"] is None) == (i % 2 == 0)

    # A batch with a few bad items: only those fail, each naming its field.
    ok_new = payload(f"{prefix}-Cnew", start="2020-01-01")
    ok_new["external_ref"] = f"{prefix}-Pnew"
    bad_enum = dict(big_batch(prefix + "x", 1)[0], placement_type="hotel")
    bad_dates = dict(big_batch(prefix + "y", 1)[0], start_date="2024-05-01",
                     end_date="2024-04-01", end_reason="planned")
    unknown_setting = dict(big_batch(prefix + "z", 2)[1], setting_id=str(uuid.uuid4()))
    overlap = payload(items[0]["child"]["local_ref"], start=items[0]["start_date"])
    overlap["child"] = items[0]["child"]
    overlap["external_ref"] = f"{prefix}-Poverlap"
    updated = dict(items[3], weekly_cost_pence=999)
    wrong_setting = dict(big_batch(prefix + "w", 2)[1], setting_id=SETTING_OTHER)
    not_object = "just a string"
    repeated = dict(ok_new)
    mixed = [ok_new, bad_enum, bad_dates, unknown_setting, overlap, updated, wrong_setting,
             not_object, repeated, items[5]]
    resp = batch(api, mixed)
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["outcome"] for r in results] == ["created", "error", "error", "error", "error",
                                               "updated", "error", "error", "error", "unchanged"]
    assert [r["external_ref"] for r in results[:7]] == [m["external_ref"] for m in mixed[:7]]
    assert results[7]["external_ref"] is None

    def named(index, field, status):
        problem = results[index]["problem"]
        assert problem["status"] == status, problem
        assert f"items[{index}].{field}" in [e["field"] for e in problem["errors"]], problem
        assert results[index]["id"] is None

    named(1, "placement_type", 400)
    named(2, "end_date", 400)
    named(3, "setting_id", 400)
    named(4, "start_date", 409)
    named(6, "setting_id", 400)
    assert results[7]["problem"]["errors"][0]["field"] == "items[7]"
    named(8, "external_ref", 400)
    assert results[5]["id"] == ids[3] and results[5]["version"] == 2
    assert api.get(f"/v1/placements/by-ref/{ok_new['external_ref']}").status_code == 200
    assert api.get(f"/v1/placements/by-ref/{items[3]['external_ref']}").json()[
        "weekly_cost_pence"] == 999
    for failed in (bad_enum, bad_dates, unknown_setting, overlap, wrong_setting):
        assert api.get(f"/v1/placements/by-ref/{failed['external_ref']}").status_code == 404


def test_batch_idempotency_key(api):
    prefix = f"I{run_id()}"
    items = big_batch(prefix, 3)
    key = {"Idempotency-Key": f"batch-{prefix}"}
    first = batch(api, items, headers=key)
    assert first.status_code == 200
    assert [r["outcome"] for r in first.json()["results"]] == ["created"] * 3
    replay = batch(api, items, headers=key)
    assert replay.status_code == 200
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert "ETag" not in replay.headers  # the batch answer is no one record
    assert replay.json() == first.json()  # "created" again: the first answer, nothing redone
    doc = api.get(f"/v1/placements/by-ref/{items[0]['external_ref']}").json()
    assert doc["id"] == first.json()["results"][0]["id"] and doc["version"] == 1
    children = api.get("/v1/placements", params={"child_id": doc["child_id"]}).json()["items"]
    assert len(children) == 1
    resp = batch(api, items[:2], headers=key)
    assert_problem(resp, 422, "idempotency-key-reused", field="Idempotency-Key")


def test_batch_limits_and_shape(api):
    resp = batch(api, [{}] * 10001)
    assert_problem(resp, 400, "validation", field="items")
    resp = api.request("POST", "/v1/placements/batch", json_body={"things": []}, **WRITER)
    body = assert_problem(resp, 400, "validation")
    assert {"things", "items"} <= {e["field"] for e in body["errors"]}
    resp = api.request("POST", "/v1/placements/batch", json_body={"items": {}}, **WRITER)
    assert_problem(resp, 400, "validation", field="items")
    resp = batch(api, [])
    assert resp.status_code == 200 and resp.json() == {"results": []}


def raw_batch(api, text, headers=None):
    return api.request("POST", "/v1/placements/batch", data=text.encode(),
                       headers={"Content-Type": "application/json", **(headers or {})}, **WRITER)


def test_batch_read_item_by_item_answers_as_the_whole_body(api):
    """The batch reads its items from the body's text one chunk at a time, while
    the database stores the chunk before: a body that does not parse is refused
    whole with the parser's own answer, wherever the bad item is, and nothing
    of the items before it is kept; a body the text reading does not take (a
    name spelled with an escape) is parsed whole and answered alike."""
    prefix = f"T{run_id()}"
    items = big_batch(prefix, 1200)
    good = [json.dumps(i) for i in items]
    # An item past the first chunks that is not JSON.
    bad = good[:1100] + ['{"external_ref": "x",}'] + good[1100:]
    resp = raw_batch(api, '{"items": [' + ", ".join(bad) + "]}")
    body = assert_problem(resp, 400, "validation", field="body")
    assert "is not valid JSON" in body["errors"][0]["message"], body
    assert api.get(f"/v1/placements/by-ref/{items[0]['external_ref']}").status_code == 404
    # A duplicate key inside an item names the key, as the whole parse does.
    dup = good[:700] + ['{"external_ref": "d", "external_ref": "e"}']
    resp = raw_batch(api, '{"items": [' + ",".join(dup) + "]}")
    assert_problem(resp, 400, "validation", field="external_ref")
    assert api.get(f"/v1/placements/by-ref/{items[0]['external_ref']}").status_code == 404
    # The same bad body under a key used for another body: still the parse's 400.
    key = {"Idempotency-Key": f"raw-{prefix}"}
    assert raw_batch(api, '{"items": [' + good[0] + "]}", headers=key).status_code == 200
    resp = raw_batch(api, '{"items": [' + ",".join(bad[1:]) + "]}", headers=key)
    assert_problem(resp, 400, "validation", field="body")
    # The name written with an escape, odd spacing: the same answers as plain text.
    resp = raw_batch(api, '{ "\\u0069tems" :\n[ ' + " ,\n".join(good[1:3]) + " ] }\n")
    assert resp.status_code == 200, resp.text[:500]
    assert [r["outcome"] for r in resp.json()["results"]] == ["created", "created"]
    resp = raw_batch(api, "{\"items\":[" + ",".join(good[:1200]) + "]}")
    assert resp.status_code == 200, resp.text[:500]
    outcomes = [r["outcome"] for r in resp.json()["results"]]
    assert outcomes == ["unchanged"] * 3 + ["created"] * 1197


def test_pushes_are_isolated_by_organisation_and_tenant(api, other_tenant):
    ref = f"P-{run_id()}"
    mine = put(api, ref, payload(f"C-{run_id()}")).json()["placement"]
    theirs = put(api, ref, payload(f"C-{run_id()}", start="2023-03-03"), org=DEMO_COUNCIL_2)
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["placement"]["id"] != mine["id"]
    assert theirs.json()["placement"]["org_id"] == DEMO_COUNCIL_2
    again = api.get(f"/v1/placements/by-ref/{ref}").json()
    assert again == api.get(f"/v1/placements/{mine['id']}").json()
    assert again["version"] == 1 and again["start_date"] == "2024-01-01"
    assert again["org_id"] == DEMO_COUNCIL
    # A batch of the other council with the same reference touches only its own.
    item = dict(payload(f"C-{run_id()}", start="2022-02-02"), external_ref=ref)
    res = batch(api, [item], org=DEMO_COUNCIL_2).json()["results"][0]
    assert res["id"] == theirs.json()["placement"]["id"] and res["outcome"] == "updated"
    assert api.get(f"/v1/placements/by-ref/{ref}").json()["version"] == 1
    # Another tenant sees nothing of it.
    other = api.token(roles="integration", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert_problem(api.get(f"/v1/placements/by-ref/{ref}", token=other), 404, "not-found")


def test_concurrent_overlapping_pushes_leave_one_standing(api):
    child_ref = f"C-{run_id()}"
    # The child exists with an old, ended placement that overlaps nothing.
    old = put(api, f"P-{run_id()}", payload(child_ref, start="2015-01-01", end_date="2015-12-31",
                                            end_reason="planned"))
    assert old.status_code == 201, old.text
    child_id = old.json()["child"]["id"]
    token = api.token(**WRITER)
    refs = [f"P-{run_id()}" for _ in range(8)]

    def push(i):
        body = payload(child_ref, start=f"2024-0{1 + i % 8}-01")
        with requests.Session() as s:
            return s.put(f"{api.base}/v1/placements/by-ref/{refs[i]}", data=json.dumps(body),
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json"}, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(push, range(8)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [409] * 7, [r.text for r in answers]
    for r in answers:
        if r.status_code == 409:
            assert "start_date" in [e["field"] for e in r.json()["errors"]]
    listed = api.get("/v1/placements", params={"child_id": child_id}).json()["items"]
    assert len(listed) == 2
    standing = [p for p in listed if p["external_ref"] in refs]
    assert len(standing) == 1
    winner = next(r for r in answers if r.status_code == 201)
    assert standing[0]["id"] == winner.json()["placement"]["id"]
