"""The tenant's QA policy (/v1/qa-policy): the defaults for a tenant without
one, PUT by tenant_admin only, validation naming fields, If-Match, audit, and
tenant isolation. Writes go to a tenant of their own so the demo tenant keeps
the defaults the other QA tests rely on."""

from hearth_client import assert_problem
from records import psql

DEFAULTS = {"visit_interval_months": {"red": 3, "amber": 6, "green": 12}, "reg44_due_days": 10,
            "instability_endings": 3, "reg45_max_months": 6}


def put(api, body, token, **kw):
    return api.request("PUT", "/v1/qa-policy", json_body=body, token=token, **kw)


def test_a_tenant_without_a_policy_has_the_defaults(api, other_tenant):
    for token in (api.token(roles="viewer"),
                  api.token(roles="provider", org=other_tenant["org"],
                            tenant=other_tenant["tenant"])):
        resp = api.get("/v1/qa-policy", token=token)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert {k: body[k] for k in DEFAULTS} == DEFAULTS
        assert body["version"] == 0 and body["updated_at"] is None
        assert resp.headers["ETag"] == '"0"'
    assert_problem(api.get("/v1/qa-policy", params={"x": "1"}), 400, "validation", "x")


def test_put_sets_the_policy_for_its_tenant_only(api, other_tenant, stack_env):
    admin = other_tenant["admin_token"]
    body = {"visit_interval_months": {"red": 2, "amber": 4, "green": 9}, "reg44_due_days": 7,
            "instability_endings": 2, "reg45_max_months": 6}
    resp = put(api, body, admin, headers={"If-Match": '"0"'})
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert {k: got[k] for k in body} == body and got["version"] == 1
    assert resp.headers["ETag"] == '"1"' and got["updated_at"]
    viewer = api.token(roles="viewer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert api.get("/v1/qa-policy", token=viewer).json() == got
    # the demo tenant is untouched
    demo = api.get("/v1/qa-policy", roles="viewer").json()
    assert demo["visit_interval_months"] == DEFAULTS["visit_interval_months"]
    # stale If-Match: 412, nothing stored
    body2 = dict(body, reg44_due_days=12)
    assert_problem(put(api, body2, admin, headers={"If-Match": '"0"'}), 412, "precondition-failed")
    assert_problem(put(api, body2, admin, headers={"If-Match": "nonsense"}), 400, "validation",
                   "If-Match")
    assert api.get("/v1/qa-policy", token=viewer).json()["reg44_due_days"] == 7
    resp = put(api, body2, admin, headers={"If-Match": '"1"'})
    assert resp.status_code == 200 and resp.json()["version"] == 2
    # the same policy again changes nothing
    resp = put(api, body2, admin)
    assert resp.status_code == 200 and resp.json()["version"] == 2
    audit = psql(stack_env, "SELECT string_agg(method || ' ' || status, ',' ORDER BY id) "
                            "FROM audit.events WHERE resource = 'qa_policy' "
                            f"AND tenant_id = '{other_tenant['tenant']}'")
    assert audit == "PUT 200,PUT 200,PUT 200"


def test_only_tenant_admin_puts(api, other_tenant):
    for roles in ("qa_officer", "commissioner", "viewer", "provider"):
        token = api.token(roles=roles, org=other_tenant["org"], tenant=other_tenant["tenant"])
        assert_problem(put(api, DEFAULTS, token), 403, "forbidden")


def test_bad_policies_name_the_field(api, other_tenant):
    admin = other_tenant["admin_token"]
    iv = DEFAULTS["visit_interval_months"]
    cases = [
        ({k: v for k, v in DEFAULTS.items() if k != "reg44_due_days"}, "reg44_due_days"),
        (dict(DEFAULTS, visit_interval_months={"red": 3, "amber": 6}), "visit_interval_months.green"),
        (dict(DEFAULTS, visit_interval_months=dict(iv, red=0)), "visit_interval_months.red"),
        (dict(DEFAULTS, visit_interval_months=dict(iv, red=7)), "visit_interval_months.red"),
        (dict(DEFAULTS, visit_interval_months=dict(iv, amber=13)), "visit_interval_months.amber"),
        (dict(DEFAULTS, visit_interval_months=dict(iv, blue=1)), "visit_interval_months.blue"),
        (dict(DEFAULTS, reg44_due_days=-1), "reg44_due_days"),
        (dict(DEFAULTS, reg44_due_days="10"), "reg44_due_days"),
        (dict(DEFAULTS, instability_endings=0), "instability_endings"),
        (dict(DEFAULTS, reg45_max_months=25), "reg45_max_months"),
        (dict(DEFAULTS, version=3), "version"),
        (dict(DEFAULTS, extra=1), "extra"),
    ]
    for body, field in cases:
        assert_problem(put(api, body, admin), 400, "validation", field)
