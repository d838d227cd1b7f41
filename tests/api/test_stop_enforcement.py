"""The placements service enforces QA's placement stops (API.md §5, migration
010 of placements): a new placement at a provider or setting with a stop in
force on its start_date, by POST, PUT by reference or a batch item, is 409
/problems/placement-stop-in-force naming the stop; with stop_override_reason
it is stored with the reason and the stop, audited, and announced as
placements.placement.stop_overridden. A stop against one setting leaves the
provider's other settings open; a stop effective after the start date, a
lifted stop, another tenant's stop and the update of an existing placement
never block."""
import uuid

import pytest

from conftest import unique
from hearth_client import assert_problem
from records import psql

QA = {"roles": "qa_officer"}
ADMIN = {"roles": "tenant_admin"}
EFFECTIVE = "2026-03-01"


def put(api, ref, body, **kw):
    return api.request("PUT", f"/v1/placements/by-ref/{ref}", json_body=body, **kw)


def new_council(api, token=None):
    kw = {"token": token} if token else ADMIN
    resp = api.post("/v1/organisations", {"kind": "local_authority", "name": unique("Council"),
                                          "code": unique("W06"), "centre": {"lat": 51.5, "lon": -3.2}},
                    **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_provider(api, **kw):
    resp = api.post("/v1/providers", {"name": unique("Stopped provider"), "ownership": "private",
                                      "provider_types": ["childrens_home"]}, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_setting(api, provider, **kw):
    resp = api.post("/v1/settings", {"provider_id": provider, "name": unique("Home"),
                                     "regulator": "ofsted", "setting_type": "childrens_home"}, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def issue_stop(api, provider, setting=None, effective_from=EFFECTIVE, **kw):
    body = {"provider_id": provider, "reason": "Inadequate judgement",
            "effective_from": effective_from}
    if setting:
        body["setting_id"] = setting
    resp = api.post("/v1/placement-stops", body, **{**QA, **kw})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_child(api, council, **kw):
    resp = api.post("/v1/children", {"local_ref": unique("C"), "birth_month": "2011-03",
                                     "gender": "female", "legal_status": "full_care_order"},
                    org=council, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def placement(api, council, provider, setting, start=EFFECTIVE, **extra):
    body = {"child_id": new_child(api, council), "placement_type": "residential",
            "provision": "external", "provider_id": provider, "setting_id": setting,
            "start_date": start, "weekly_cost_pence": 400000}
    body.update(extra)
    return body


def push(provider, setting, start=EFFECTIVE, **extra):
    body = {"child": {"local_ref": unique("C"), "birth_month": "2011-03", "gender": "male",
                      "legal_status": "s20"},
            "placement_type": "residential", "provision": "external", "sourcing": "spot",
            "provider_id": provider, "setting_id": setting, "start_date": start,
            "weekly_cost_pence": 400000}
    body.update(extra)
    return body


def assert_refused(problem, stop, field="stop_override_reason"):
    assert problem["type"] == "/problems/placement-stop-in-force", problem
    assert problem["status"] == 409
    assert stop in problem["detail"], problem
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert stop in errors[field], problem


def assert_overridden(stack_env, council, placement_id, stop, reason, rid=None):
    """Stored with the stop and the reason, announced, and the write audited."""
    row = psql(stack_env, "SELECT overridden_stop_id || '|' || stop_override_reason FROM "
                          f"placements.placements WHERE id = '{placement_id}'")
    assert row == f"{stop}|{reason}"
    events = psql(stack_env,
                  "SELECT payload->>'stop_id' || '|' || (payload->>'placement_id') || '|' ||"
                  " (payload->>'org_id') || '|' || (payload->>'reason') || '|' || org_id"
                  " FROM placements.outbox WHERE type = 'placements.placement.stop_overridden'"
                  f" AND subject_id = '{placement_id}'")
    assert events.splitlines() == [f"{stop}|{placement_id}|{council}|{reason}|{council}"]
    if rid:
        audit = psql(stack_env, "SELECT resource || '|' || status || '|' || org_id FROM audit.events"
                                f" WHERE request_id = '{rid}' AND resource_id = '{placement_id}'")
        assert audit == f"placement|201|{council}"


@pytest.fixture(scope="module")
def world(api):
    """Provider P with settings S1 (a stop on S1 alone) and S2; provider Q with
    a stop on the whole provider; council A places."""
    w = {"A": new_council(api), "P": new_provider(api), "Q": new_provider(api)}
    w["S1"], w["S2"] = new_setting(api, w["P"]), new_setting(api, w["P"])
    w["QS"] = new_setting(api, w["Q"])
    w["stop_S1"] = issue_stop(api, w["P"], w["S1"])
    w["stop_Q"] = issue_stop(api, w["Q"])
    return w


def test_post_refused_names_the_stop(api, world, stack_env):
    for setting, stop in ((world["S1"], world["stop_S1"]), (world["QS"], world["stop_Q"])):
        provider = world["P"] if setting == world["S1"] else world["Q"]
        body = placement(api, world["A"], provider, setting, start="2026-05-01")
        resp = api.post("/v1/placements", body, org=world["A"])
        assert_refused(assert_problem(resp, 409, "placement-stop-in-force", "stop_override_reason"),
                       stop)
        stored = psql(stack_env, "SELECT count(*) FROM placements.placements"
                                 f" WHERE child_id = '{body['child_id']}'")
        assert stored == "0"


def test_post_override_is_stored_announced_and_audited(api, world, stack_env):
    reason = "Sibling already placed there; safeguarding lead agreed."
    rid = "override-" + uuid.uuid4().hex
    resp = api.post("/v1/placements",
                    placement(api, world["A"], world["P"], world["S1"], stop_override_reason=reason),
                    org=world["A"], headers={"X-Request-Id": rid})
    assert resp.status_code == 201, resp.text
    assert "stop_override_reason" not in resp.json()
    assert_overridden(stack_env, world["A"], resp.json()["id"], world["stop_S1"], reason, rid)


def test_put_refused_then_overridden(api, world, stack_env):
    ref = unique("REF")
    body = push(world["Q"], world["QS"])
    resp = put(api, ref, body, org=world["A"])
    assert_refused(assert_problem(resp, 409, "placement-stop-in-force"), world["stop_Q"])
    assert api.get(f"/v1/placements/by-ref/{ref}", org=world["A"]).status_code == 404
    rid = "override-" + uuid.uuid4().hex
    resp = put(api, ref, {**body, "stop_override_reason": "Emergency placement tonight."},
               org=world["A"], headers={"X-Request-Id": rid})
    assert resp.status_code == 201, resp.text
    assert resp.json()["outcome"] == "created"
    pid = resp.json()["placement"]["id"]
    assert_overridden(stack_env, world["A"], pid, world["stop_Q"], "Emergency placement tonight.",
                      rid)
    # Pushed again without the reason: an update of an existing placement, never blocked.
    resp = put(api, ref, {**body, "weekly_cost_pence": 410000}, org=world["A"])
    assert resp.status_code == 200, resp.text
    assert resp.json()["outcome"] == "updated"
    resp = put(api, ref, {**body, "weekly_cost_pence": 410000}, org=world["A"])
    assert resp.json()["outcome"] == "unchanged"


def test_batch_refuses_only_the_stopped_items(api, world, stack_env):
    items = [
        {**push(world["P"], world["S1"]), "external_ref": unique("B")},            # refused
        {**push(world["P"], world["S2"]), "external_ref": unique("B")},            # open setting
        {**push(world["Q"], world["QS"], stop_override_reason="Court ordered."),
         "external_ref": unique("B")},                                             # overridden
        {**push(world["Q"], world["QS"]), "external_ref": unique("B")},            # refused
    ]
    rid = "batch-" + uuid.uuid4().hex
    resp = api.post("/v1/placements/batch", {"items": items}, org=world["A"],
                    headers={"X-Request-Id": rid})
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["outcome"] for r in results] == ["error", "created", "created", "error"]
    assert_refused(results[0]["problem"], world["stop_S1"], "items[0].stop_override_reason")
    assert_refused(results[3]["problem"], world["stop_Q"], "items[3].stop_override_reason")
    assert_overridden(stack_env, world["A"], results[2]["id"], world["stop_Q"], "Court ordered.",
                      rid)
    plain = psql(stack_env, "SELECT coalesce(overridden_stop_id::text, '-') FROM"
                            f" placements.placements WHERE id = '{results[1]['id']}'")
    assert plain == "-"


def test_setting_stop_leaves_other_settings_open_and_provider_stop_covers_all(api, world):
    resp = api.post("/v1/placements", placement(api, world["A"], world["P"], world["S2"]),
                    org=world["A"])
    assert resp.status_code == 201, resp.text
    other = new_setting(api, world["Q"])
    resp = api.post("/v1/placements", placement(api, world["A"], world["Q"], other),
                    org=world["A"])
    assert_refused(assert_problem(resp, 409, "placement-stop-in-force"), world["stop_Q"])
    # The whole provider, with no setting named.
    resp = api.post("/v1/placements", placement(api, world["A"], world["Q"], None),
                    org=world["A"])
    assert_refused(assert_problem(resp, 409, "placement-stop-in-force"), world["stop_Q"])


def test_a_reason_without_a_stop_is_not_kept(api, world, stack_env):
    resp = api.post("/v1/placements",
                    placement(api, world["A"], world["P"], world["S2"],
                              stop_override_reason="Just in case."), org=world["A"])
    assert resp.status_code == 201, resp.text
    row = psql(stack_env, "SELECT coalesce(stop_override_reason, '-') FROM placements.placements"
                          f" WHERE id = '{resp.json()['id']}'")
    assert row == "-"


def test_override_reason_is_validated(api, world):
    for bad, field in (("", "stop_override_reason"), ("x" * 501, "stop_override_reason"),
                       (5, "stop_override_reason")):
        resp = api.post("/v1/placements",
                        placement(api, world["A"], world["P"], world["S1"], stop_override_reason=bad),
                        org=world["A"])
        assert_problem(resp, 400, "validation", field)


def test_start_before_effective_from_is_not_blocked(api, world):
    resp = api.post("/v1/placements",
                    placement(api, world["A"], world["P"], world["S1"], start="2026-02-28"),
                    org=world["A"])
    assert resp.status_code == 201, resp.text
    resp = put(api, unique("REF"), push(world["Q"], world["QS"], start="2026-02-28"),
               org=world["A"])
    assert resp.status_code == 201, resp.text


def test_a_lifted_stop_does_not_block(api, world):
    provider = new_provider(api)
    setting = new_setting(api, provider)
    stop = issue_stop(api, provider)
    resp = api.post("/v1/placements", placement(api, world["A"], provider, setting),
                    org=world["A"])
    assert_refused(assert_problem(resp, 409, "placement-stop-in-force"), stop)
    lifted = api.patch(f"/v1/placement-stops/{stop}",
                       {"status": "lifted", "lifted_on": "2026-04-01", "lift_reason": "Improved."},
                       **QA)
    assert lifted.status_code == 200, lifted.text
    resp = api.post("/v1/placements", placement(api, world["A"], provider, setting),
                    org=world["A"])
    assert resp.status_code == 201, resp.text


def test_updating_an_existing_placement_is_never_blocked(api, world, stack_env):
    provider = new_provider(api)
    setting = new_setting(api, provider)
    resp = api.post("/v1/placements", placement(api, world["A"], provider, setting),
                    org=world["A"])
    assert resp.status_code == 201, resp.text
    url = f"/v1/placements/{resp.json()['id']}"
    issue_stop(api, provider)
    resp = api.patch(url, {"weekly_cost_pence": 420000, "start_date": "2026-06-01"},
                     org=world["A"])
    assert resp.status_code == 200, resp.text
    resp = api.patch(url, {"end_date": "2026-07-01", "end_reason": "planned"}, org=world["A"])
    assert resp.status_code == 200, resp.text
    # A reason on an update would be kept nowhere: named, not ignored.
    resp = api.patch(url, {"stop_override_reason": "Not needed."}, org=world["A"])
    assert_problem(resp, 400, "validation", "stop_override_reason")


def test_another_tenants_stop_never_applies(api, world, other_tenant, stack_env):
    """A stop recorded in another tenant against the very provider id this
    tenant places at (QA's table holds no reference across tenants, so only
    the tenant check keeps it out) never blocks this tenant's placements."""
    provider = new_provider(api)
    setting = new_setting(api, provider)
    psql(stack_env, "INSERT INTO qa.placement_stops (tenant_id, provider_id, reason,"
                    " effective_from, issued_by_org_id) VALUES"
                    f" ('{other_tenant['tenant']}', '{provider}', 'Theirs', '2020-01-01',"
                    f" '{other_tenant['team']}')")
    resp = api.post("/v1/placements", placement(api, world["A"], provider, setting),
                    org=world["A"])
    assert resp.status_code == 201, resp.text
    resp = put(api, unique("REF"), push(provider, setting), org=world["A"])
    assert resp.status_code == 201, resp.text
    # Their own stop binds them: this tenant's is not theirs to see.
    stop = issue_stop(api, provider)
    resp = api.post("/v1/placements", placement(api, world["A"], provider, setting),
                    org=world["A"])
    assert_refused(assert_problem(resp, 409, "placement-stop-in-force"), stop)
