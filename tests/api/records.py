"""Records the API tests make again and again, and the database the way an
operator reaches it: one place for each, so tests say only what is special
about their case."""
import json
import subprocess
import uuid

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


class OwnTenant:
    """A tenant of a test's own, made the way an admin makes one, with two
    councils: counts and averages over the whole tenant are then exact."""

    def __init__(self, api):
        self.api = api
        out = api.ctl("tenant", "create", "--name", "Scorecard consortium",
                      "--slug", "sc-" + uuid.uuid4().hex[:10], "--json")
        created = json.loads(out.stdout)
        self.id, self.team = created["tenant_id"], created["organisation_id"]
        self.councils = [self.org("local_authority") for _ in range(2)]

    def token(self, roles="commissioner", org=None):
        return self.api.token(roles=roles, org=org or self.team, tenant=self.id)

    def post(self, path, body, roles="commissioner", org=None):
        resp = self.api.post(path, body, token=self.token(roles, org or self.councils[0]))
        assert resp.status_code == 201, resp.text
        return resp.json()

    def get(self, path, roles="viewer", org=None, **kw):
        return self.api.get(path, token=self.token(roles, org), **kw)

    def org(self, kind, **fields):
        body = {"kind": kind, "name": unique("Org"), "code": unique("W06"), **fields}
        if kind == "local_authority":
            body["centre"] = {"lat": 51.5, "lon": -3.2}
        resp = self.api.post("/v1/organisations", body, token=self.token("tenant_admin"))
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]

    def provider(self):
        return self.post("/v1/providers", {"name": unique("Provider"), "ownership": "private",
                                           "provider_types": ["childrens_home"]})["id"]

    def setting(self, provider, setting_type="childrens_home"):
        return self.post("/v1/settings", {"provider_id": provider, "name": unique("Home"),
                                          "regulator": "ofsted",
                                          "setting_type": setting_type})["id"]

    def place(self, council, provider, setting, start, end=None, end_reason="planned",
              placement_type="residential", weekly=None, provision="external"):
        child = self.post("/v1/children", {"local_ref": unique("C"), "birth_month": "2010-03",
                                           "gender": "male", "legal_status": "s20"},
                          org=council)
        body = {"child_id": child["id"], "placement_type": placement_type,
                "provision": provision, "start_date": start}
        if provider:
            body.update(provider_id=provider, setting_id=setting)
        if weekly is not None:
            body["weekly_cost_pence"] = weekly
        if end:
            body.update(end_date=end, end_reason=end_reason)
        return self.post("/v1/placements", body, org=council)["id"]

    def inspect(self, setting, on, word):
        self.post("/v1/inspections", {
            "setting_id": setting, "regulator": "ofsted", "inspection_type": "full",
            "inspected_on": on,
            "judgements": {"overall_experiences_and_progress": word,
                           "help_and_protection": word, "leadership_and_management": word}},
            roles="qa_officer")

    def visit(self, setting, on, rag):
        return self.post("/v1/visits", {"setting_id": setting, "kind": "planned",
                                        "notice": "announced", "status": "completed",
                                        "visited_on": on, "visited_by": "A. Officer",
                                        "findings": "Seen.", "rag": rag}, roles="qa_officer")["id"]
