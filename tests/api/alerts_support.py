"""What the alerts tests share: waiting for the consumer, and recording the
events that make alerts."""
import datetime
import itertools
import time

QA = {"roles": "qa_officer"}
OFSTED_FULL = ["overall_experiences_and_progress", "help_and_protection",
               "leadership_and_management"]
_days = itertools.count(1)


def inspection(setting, judgements):
    """An Ofsted full inspection on a day no other alerts test uses."""
    n = next(_days)
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=n)
    return {"setting_id": setting, "regulator": "ofsted", "inspection_type": "full",
            "inspected_on": day.isoformat(), "judgements": judgements}


def today():
    return datetime.date.today()


def days(n):
    return (today() + datetime.timedelta(days=n)).isoformat()


def alerts_of(api, org, tenant=None, **params):
    kw = {"org": org}
    if tenant:
        kw["tenant"] = tenant
    resp = api.get("/v1/alerts", params={"limit": 500, **params}, roles="viewer", **kw)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def wait_for(fetch, count, timeout=15.0):
    """Poll `fetch` until it returns at least `count` items (or the time is up),
    then return what it returns: the caller asserts on exactly that."""
    deadline = time.monotonic() + timeout
    items = fetch()
    while len(items) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        items = fetch()
    return items


def record_inadequate(api, setting, **kw):
    body = inspection(setting, {f: "inadequate" for f in OFSTED_FULL})
    resp = api.post("/v1/inspections", body, **{**QA, **kw})
    assert resp.status_code == 201, resp.text
    assert resp.json()["risk_band"] == "red"
    return resp.json()


def new_tenant_with_home(api, councils=1):
    """A tenant of its own: its team, `councils` councils each with a child
    placed at one home since a month ago. Returns the ids and an admin token."""
    import json
    import uuid

    from records import new_home, new_home_provider, place

    slug = "alerts-" + uuid.uuid4().hex[:10]
    made = json.loads(api.ctl("tenant", "create", "--name", "Alerts test consortium",
                              "--slug", slug, "--json").stdout)
    tenant, team = made["tenant_id"], made["organisation_id"]
    admin = {"roles": "tenant_admin", "org": team, "tenant": tenant}
    orgs = []
    for i in range(councils):
        resp = api.post("/v1/organisations", {"kind": "local_authority", "name": f"Council {i}",
                                              "code": f"E0{i}{uuid.uuid4().hex[:6]}",
                                              "centre": {"lat": 52.4, "lon": -1.5}}, **admin)
        assert resp.status_code == 201, resp.text
        orgs.append(resp.json()["id"])
    commissioner = {"roles": "commissioner", "org": orgs[0], "tenant": tenant}
    provider = new_home_provider(api, **commissioner)
    home = new_home(api, provider, **commissioner)
    for org in orgs:
        place_in(api, tenant, org, provider, home, days(-30))
    return {"tenant": tenant, "team": team, "councils": orgs, "provider": provider,
            "home": home, "admin": admin}


def place_in(api, tenant, council, provider, home, start):
    import uuid

    kw = {"org": council, "tenant": tenant}
    child = api.post("/v1/children", {"local_ref": "C-" + uuid.uuid4().hex[:8],
                                      "birth_month": "2011-03", "gender": "female",
                                      "legal_status": "full_care_order"}, **kw)
    assert child.status_code == 201, child.text
    resp = api.post("/v1/placements", {"child_id": child.json()["id"],
                                       "placement_type": "residential", "provision": "external",
                                       "provider_id": provider, "setting_id": home,
                                       "start_date": start, "weekly_cost_pence": 400000}, **kw)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def red_event_sql(t):
    """An INSERT of a red inspection's event into qa.outbox, as qa would write it."""
    payload = ('{"setting_id": "%s", "provider_id": "%s", "risk_band": "red", '
               '"regulator": "ofsted", "inspected_on": "2026-01-05"}' % (t["home"], t["provider"]))
    return (f"INSERT INTO qa.outbox (tenant_id, type, subject_type, subject_id, payload) "
            f"VALUES ('{t['tenant']}', 'qa.inspection.recorded', 'inspection', "
            f"gen_random_uuid(), '{payload}'::jsonb)")
