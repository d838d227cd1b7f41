"""Records the API tests make again and again, and the database the way an
operator reaches it: one place for each, so tests say only what is special
about their case."""
import subprocess

from conftest import unique

ADMIN = {"roles": "tenant_admin"}


def psql(stack_env, sql):
    """One statement as the database's admin role; its output, trimmed."""
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def as_role(stack_env, role, sql, tenant=None, org=None):
    """SQL as a service's own database role (trust auth on the test stack),
    inside a request context for `tenant` and `org` when given. The completed
    process: tests look at returncode, stdout and stderr."""
    url = (f"host={stack_env['HEARTH_PG_SOCKET_DIR']} port={stack_env['HEARTH_PG_PORT']} "
           f"dbname=hearth user={role}")
    if tenant:
        sql = (f"BEGIN; SELECT hearth.begin_request('{tenant}', '{org}', 'probe', "
               f"'commissioner', 'rid'); {sql}; COMMIT")
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
                          capture_output=True, text=True)


def new_org(api, kind="local_authority", provider=None, **fields):
    body = {"kind": kind, "name": unique("Org"), "code": unique("W06"), **fields}
    if provider:
        body["provider_id"] = provider
    resp = api.post("/v1/organisations", body, **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_council(api, **fields):
    """A council of the demo tenant of its own, so lists and counts are exact."""
    return new_org(api, "local_authority", centre={"lat": 51.5, "lon": -3.2}, **fields)


def new_home_provider(api, lead=None, **kw):
    """A provider of children's homes (optionally with its lead authority)."""
    body = {"name": unique("Home provider"), "ownership": "private",
            "provider_types": ["childrens_home"]}
    if lead:
        body["lead_org_id"] = lead
    resp = api.post("/v1/providers", body, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_home(api, provider, setting_type="childrens_home", regulator="ofsted", **kw):
    resp = api.post("/v1/settings", {"provider_id": provider, "name": unique("Home"),
                                     "regulator": regulator, "setting_type": setting_type}, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def place(api, council, provider, setting, start, end=None, gender="female"):
    """A new child of `council` placed at the setting from `start` (to `end`)."""
    child = api.post("/v1/children", {"local_ref": unique("C"), "birth_month": "2011-03",
                                      "gender": gender, "legal_status": "full_care_order"},
                     org=council)
    assert child.status_code == 201, child.text
    body = {"child_id": child.json()["id"], "placement_type": "residential",
            "provision": "external", "provider_id": provider, "setting_id": setting,
            "start_date": start, "weekly_cost_pence": 400000}
    if end:
        body.update(end_date=end, end_reason="planned")
    resp = api.post("/v1/placements", body, org=council)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]
