"""Concerns: every field and rule naming its field, escalation levels (never
lowered) and qa.concern.escalated written with the change, closing with an
outcome, LADO referrals, filters and CSV, roles, audited reads, tenant
isolation, and the concern naming a child: private to the raising council,
enforced by row-level security."""
import csv
import io
import subprocess
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, DEMO_COUNCIL, DEMO_COUNCIL_2, assert_problem
from records import as_role, psql

QA = {"roles": "qa_officer"}
DEMO_PROVIDER = "00000000-0000-4000-8000-0000000a0010"
DEMO_SETTING = "00000000-0000-4000-8000-0000000b0013"       # Pen y Lodge, of DEMO_PROVIDER
OTHER_SETTING = "00000000-0000-4000-8000-0000000b0001"      # of provider ...a0001
DEMO_CHILD = "00000000-0000-4000-8000-0000000e0003"         # of DEMO_COUNCIL
DEMO_PRIVATE_CONCERN = "00000000-0000-4000-8000-000000120004"


def concern(**extra):
    body = {"kind": "concern", "provider_id": DEMO_PROVIDER, "setting_id": DEMO_SETTING,
            "severity": "moderate", "summary": "Staffing below the agreed ratio at night."}
    body.update(extra)
    return body


def raise_concern(api, **kw):
    body = kw.pop("body", None) or concern()
    resp = api.post("/v1/concerns", body, **{**QA, **kw})
    assert resp.status_code == 201, resp.text
    return resp


def test_raise_read_escalate_and_close(api, stack_env):
    resp = raise_concern(api, body=concern(kind="allegation", severity="significant",
                                           lado_referral=True))
    c = resp.json()
    assert resp.headers["Location"] == f"/v1/concerns/{c['id']}" and resp.headers["ETag"] == '"1"'
    assert c["raised_by_org_id"] == DEMO_COUNCIL and c["status"] == "open"
    assert c["escalation_level"] == 0 and c["lado_referral"] is True and c["child_id"] is None
    # Shared: another council and a provider's user read it.
    assert api.get(resp.headers["Location"], org=DEMO_COUNCIL_2, roles="viewer").json() == c
    url = resp.headers["Location"]
    assert_problem(api.patch(url, {"status": "escalated"}, **QA), 400, "validation",
                   "escalation_level")
    assert_problem(api.patch(url, {"escalation_level": 4}, **QA), 400, "validation",
                   "escalation_level")
    resp = api.patch(url, {"status": "escalated", "escalation_level": 1}, **QA)
    assert resp.status_code == 200 and resp.json()["escalation_level"] == 1, resp.text
    resp = api.patch(url, {"escalation_level": 3}, headers={"If-Match": '"2"'}, **QA)
    assert resp.status_code == 200 and resp.json()["version"] == 3
    assert_problem(api.patch(url, {"escalation_level": 2}, **QA), 400, "validation",
                   "escalation_level")
    assert_problem(api.patch(url, {"status": "closed"}, **QA), 400, "validation", "outcome")
    resp = api.patch(url, {"status": "closed", "outcome": "Substantiated; staff member dismissed."},
                     **QA)
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    for fixed in ({"provider_id": DEMO_PROVIDER}, {"setting_id": None}, {"child_id": DEMO_CHILD},
                  {"raised_by_org_id": DEMO_COUNCIL_2}):
        assert_problem(api.patch(url, fixed, **QA), 400, "validation", next(iter(fixed)))
    rows = psql(stack_env, "SELECT type || '|' || coalesce(payload->>'escalation_level', '') || '|'"
                           " || coalesce(payload->>'previous_escalation_level', '-')"
                           f" FROM qa.outbox WHERE subject_id = '{c['id']}' ORDER BY seq")
    assert rows.splitlines() == [
        "qa.concern.created|0|-",
        "qa.concern.escalated|1|0", "qa.concern.updated|1|-",
        "qa.concern.escalated|3|1", "qa.concern.updated|3|-",
        "qa.concern.updated|3|-", "qa.concern.closed|3|-",
    ]


def test_raised_already_escalated_emits_escalated(api, stack_env):
    c = raise_concern(api, body=concern(status="escalated", escalation_level=2)).json()
    types = psql(stack_env, f"SELECT string_agg(type, ',' ORDER BY seq) FROM qa.outbox "
                            f"WHERE subject_id = '{c['id']}'")
    assert types == "qa.concern.escalated,qa.concern.created"


def test_bad_concerns_name_the_field(api):
    for change, field in [({"kind": "gossip"}, "kind"), ({"severity": "high"}, "severity"),
                          ({"summary": ""}, "summary"), ({"provider_id": str(uuid.uuid4())},
                                                         "provider_id"),
                          ({"setting_id": OTHER_SETTING}, "setting_id"),
                          ({"child_id": str(uuid.uuid4())}, "child_id"),
                          ({"lado_referral": "yes"}, "lado_referral"),
                          ({"escalation_level": -1}, "escalation_level"),
                          ({"status": "closed"}, "outcome"),
                          ({"raised_by_org_id": DEMO_COUNCIL}, "raised_by_org_id")]:
        assert_problem(api.post("/v1/concerns", concern(**change), **QA), 400, "validation", field)
    body = concern()
    del body["summary"]
    assert_problem(api.post("/v1/concerns", body, **QA), 400, "validation", "summary")


def test_a_concern_naming_a_child_is_private_to_its_council(api, stack_env):
    # Another council's child cannot be named: to Glanfor it is no child at all.
    assert_problem(api.post("/v1/concerns", concern(child_id=DEMO_CHILD), org=DEMO_COUNCIL_2, **QA),
                   400, "validation", "child_id")
    c = raise_concern(api, body=concern(child_id=DEMO_CHILD)).json()
    url = f"/v1/concerns/{c['id']}"
    assert c["child_id"] == DEMO_CHILD
    assert api.get(url).status_code == 200
    for org, roles in ((DEMO_COUNCIL_2, "qa_officer"), (DEMO_CONSORTIUM, "tenant_admin")):
        assert_problem(api.get(url, org=org, roles=roles), 404, "not-found")
        assert_problem(api.patch(url, {"severity": "low"}, org=org, roles=roles), 404)
        listed = api.get("/v1/concerns", params={"provider_id": DEMO_PROVIDER, "limit": 500},
                         org=org, roles=roles).json()["items"]
        assert c["id"] not in {i["id"] for i in listed}
        assert DEMO_PRIVATE_CONCERN not in {i["id"] for i in listed}
    mine = api.get("/v1/concerns", params={"provider_id": DEMO_PROVIDER, "limit": 500}).json()
    assert {c["id"], DEMO_PRIVATE_CONCERN} <= {i["id"] for i in mine["items"]}
    # The database holds the line whatever the query says.
    url_db = (f"host={stack_env['HEARTH_PG_SOCKET_DIR']} port={stack_env['HEARTH_PG_PORT']} "
              "dbname=hearth user=hearth_qa")
    out = subprocess.run(["psql", url_db, "-At", "-c",
                          "BEGIN; SELECT hearth.begin_request('00000000-0000-4000-8000-00000000d001', "
                          f"'{DEMO_COUNCIL_2}', 'probe', 'qa_officer', 'rid'); "
                          f"SELECT count(*) FROM qa.concerns WHERE id = '{c['id']}'; COMMIT"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[2] == "0"


def test_reads_are_audited(api, stack_env):
    c = raise_concern(api).json()
    rid = "audit-" + uuid.uuid4().hex
    assert api.get(f"/v1/concerns/{c['id']}", headers={"X-Request-Id": rid}).status_code == 200
    assert psql(stack_env, "SELECT method || '|' || resource || '|' || resource_id || '|' || status"
                           f" FROM audit.events WHERE request_id = '{rid}'") == \
        f"GET|concern|{c['id']}|200"
    rid = "audit-" + uuid.uuid4().hex
    assert api.get("/v1/concerns", headers={"X-Request-Id": rid}).status_code == 200
    assert psql(stack_env, f"SELECT resource FROM audit.events WHERE request_id = '{rid}'") == \
        "concern"


@pytest.mark.parametrize("roles, status", [
    ("qa_officer", 201), ("commissioner", 201), ("tenant_admin", 201),
    ("viewer", 403), ("provider", 403), ("integration", 403),
])
def test_who_raises(api, roles, status):
    assert api.post("/v1/concerns", concern(), roles=roles).status_code == status


def test_filters_pages_and_csv(api):
    provider = api.post("/v1/providers", {"name": unique("Concern provider"), "ownership": "private",
                                          "provider_types": ["fostering_agency"]}).json()["id"]
    made = [raise_concern(api, body=concern(provider_id=provider, setting_id=None, **b)).json()["id"]
            for b in ({"kind": "complaint", "severity": "low"},
                      {"kind": "allegation", "severity": "significant"},
                      {"kind": "compliment", "severity": "low", "status": "closed",
                       "outcome": "Thanked"})]

    def ids(**params):
        resp = api.get("/v1/concerns", params={"provider_id": provider, **params})
        assert resp.status_code == 200, resp.text
        return [i["id"] for i in resp.json()["items"]]

    assert ids() == made
    assert ids(kind="allegation") == [made[1]]
    assert ids(severity="low") == [made[0], made[2]]
    assert ids(status="closed") == [made[2]]
    assert ids(status="open", severity="low") == [made[0]]
    page = api.get("/v1/concerns", params={"provider_id": provider, "limit": 2}).json()
    rest = api.get("/v1/concerns", params={"provider_id": provider, "limit": 2,
                                           "cursor": page["next_cursor"]}).json()
    assert [i["id"] for i in page["items"] + rest["items"]] == made
    for bad, field in [({"kind": "gossip"}, "kind"), ({"severity": "x"}, "severity"),
                       ({"child_id": DEMO_CHILD}, "child_id")]:
        assert_problem(api.get("/v1/concerns", params=bad), 400, "validation", field)
    resp = api.get("/v1/concerns", params={"provider_id": provider}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["kind"] for r in rows] == ["complaint", "allegation", "compliment"]
    assert rows[2]["outcome"] == "Thanked"


def test_another_tenant_sees_no_concern(api, other_tenant):
    c = raise_concern(api).json()
    theirs = api.token(roles="qa_officer", org=other_tenant["org"], tenant=other_tenant["tenant"])
    assert_problem(api.get(f"/v1/concerns/{c['id']}", token=theirs), 404)
    assert api.get("/v1/concerns", token=theirs).json()["items"] == []
    assert_problem(api.post("/v1/concerns", concern(), token=theirs), 400, "validation",
                   "provider_id")


def test_seeded_demo_concerns(api):
    items = api.get("/v1/concerns", params={"provider_id": DEMO_PROVIDER}).json()["items"]
    seeded = {i["id"]: i for i in items if i["id"].startswith("00000000-0000-4000-8000-00000012")}
    allegation = seeded["00000000-0000-4000-8000-000000120001"]
    assert allegation["lado_referral"] and allegation["escalation_level"] == 2
    assert seeded[DEMO_PRIVATE_CONCERN]["child_id"] == DEMO_CHILD


# == a provider's own notifications (Reg 40) ==

@pytest.fixture(scope="module")
def provider_staff(api):
    """Organisations of DEMO_PROVIDER's and another provider's staff."""
    def org(provider):
        resp = api.post("/v1/organisations", {"kind": "provider", "name": unique("Staff"),
                                              "code": unique("P"), "provider_id": provider},
                        roles="tenant_admin")
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]
    return {"own": org(DEMO_PROVIDER), "other": org("00000000-0000-4000-8000-0000000a0001")}


def notification(**extra):
    return concern(**{"kind": "notifiable_event", "severity": "significant",
                      "summary": "Serious injury to a young person; police informed.", **extra})


def test_a_provider_raises_its_own_notifications(api, provider_staff, stack_env):
    own = {"org": provider_staff["own"], "roles": "provider"}
    resp = api.post("/v1/concerns", notification(), **own)
    assert resp.status_code == 201, resp.text
    n = resp.json()
    assert n["kind"] == "notifiable_event" and n["raised_by_org_id"] == provider_staff["own"]
    assert n["provider_id"] == DEMO_PROVIDER and n["setting_id"] == DEMO_SETTING
    # Without a setting: about the provider as a whole.
    assert api.post("/v1/concerns", notification(setting_id=None), **own).status_code == 201
    # It reads its own; councils and the consortium read it as shared intelligence.
    assert api.get(f"/v1/concerns/{n['id']}", **own).json() == n
    for org in (DEMO_COUNCIL_2, DEMO_CONSORTIUM):
        assert api.get(f"/v1/concerns/{n['id']}", org=org, roles="viewer").status_code == 200
    assert psql(stack_env, f"SELECT type FROM qa.outbox WHERE subject_id = '{n['id']}'") == \
        "qa.concern.created"


@pytest.mark.parametrize("roles", ["provider", "qa_officer"])
def test_a_provider_raises_nothing_else(api, provider_staff, roles):
    own = {"org": provider_staff["own"], "roles": roles}
    # Another provider (with its own setting): not its to notify about.
    assert_problem(api.post("/v1/concerns", notification(
        provider_id="00000000-0000-4000-8000-0000000a0001", setting_id=OTHER_SETTING), **own),
        403, "forbidden")
    # Its own provider with another provider's setting: no such setting of it.
    assert_problem(api.post("/v1/concerns", notification(setting_id=OTHER_SETTING), **own),
                   400, "validation", "setting_id")
    for kind in ("concern", "allegation", "whistleblowing", "complaint"):
        assert_problem(api.post("/v1/concerns", notification(kind=kind), **own), 400,
                       "validation", "kind")
    assert_problem(api.post("/v1/concerns", notification(child_id=DEMO_CHILD), **own), 400,
                   "validation", "child_id")


def test_the_provider_role_of_another_organisation_raises_nothing(api):
    for org in (DEMO_COUNCIL, DEMO_CONSORTIUM):
        assert_problem(api.post("/v1/concerns", notification(), org=org, roles="provider"),
                       403, "forbidden")


def test_a_provider_sees_only_what_it_raised(api, provider_staff):
    mine = api.post("/v1/concerns", notification(), org=provider_staff["own"],
                    roles="provider").json()
    theirs = api.post("/v1/concerns", notification(
        provider_id="00000000-0000-4000-8000-0000000a0001", setting_id=OTHER_SETTING),
        org=provider_staff["other"], roles="provider").json()
    about_it = raise_concern(api, body=concern(kind="whistleblowing")).json()
    listed = {i["id"] for i in api.get("/v1/concerns", params={"limit": 500},
                                       org=provider_staff["own"], roles="provider").json()["items"]}
    assert mine["id"] in listed and not {theirs["id"], about_it["id"]} & listed
    for hidden in (theirs["id"], about_it["id"], DEMO_PRIVATE_CONCERN):
        assert_problem(api.get(f"/v1/concerns/{hidden}", org=provider_staff["own"],
                               roles="viewer"), 404, "not-found")
    assert_problem(api.get(f"/v1/concerns/{mine['id']}", org=provider_staff["other"],
                           roles="provider"), 404, "not-found")
    # It works on none, not even its own (a recorder role changes nothing).
    assert_problem(api.patch(f"/v1/concerns/{mine['id']}", {"severity": "low"},
                             org=provider_staff["own"], roles="qa_officer"), 403, "forbidden")
    assert_problem(api.patch(f"/v1/concerns/{mine['id']}", {"severity": "low"},
                             org=provider_staff["own"], roles="provider"), 403, "forbidden")


def test_the_database_holds_the_provider_to_its_notifications(stack_env, provider_staff):
    tenant = "00000000-0000-4000-8000-00000000d001"
    values = {
        "another kind": f"('{tenant}', 'allegation', '{DEMO_PROVIDER}', 'low', 'x')",
        "another provider": f"('{tenant}', 'notifiable_event', "
                            "'00000000-0000-4000-8000-0000000a0001', 'low', 'x')",
    }
    for what, row in values.items():
        out = as_role(stack_env, "hearth_qa",
                      "INSERT INTO qa.concerns (tenant_id, kind, provider_id, severity, summary) "
                      f"VALUES {row}", tenant=tenant, org=provider_staff["own"])
        assert out.returncode != 0 and "row-level security" in out.stderr, what
    out = as_role(stack_env, "hearth_qa",
                  "INSERT INTO qa.concerns (tenant_id, kind, provider_id, severity, summary) "
                  f"VALUES ('{tenant}', 'notifiable_event', '{DEMO_PROVIDER}', 'low', 'x')",
                  tenant=tenant, org=provider_staff["own"])
    assert out.returncode == 0, out.stderr
    out = as_role(stack_env, "hearth_qa", "UPDATE qa.concerns SET severity = 'moderate' "
                  f"WHERE raised_by_org_id = '{provider_staff['own']}'", tenant=tenant,
                  org=provider_staff["own"])
    assert out.returncode != 0 and "row-level security" in out.stderr, out.stdout
    out = as_role(stack_env, "hearth_qa", "SELECT count(*) FROM qa.concerns WHERE raised_by_org_id "
                  f"<> '{provider_staff['own']}'", tenant=tenant, org=provider_staff["own"])
    assert out.returncode == 0 and out.stdout.split()[-2] == "0", out.stdout
