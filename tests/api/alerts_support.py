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
