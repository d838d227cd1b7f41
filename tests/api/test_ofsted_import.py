"""`hearthctl import ofsted-providers`: Ofsted's provider file (the made-up
samples in tests/api/data, in the published file's columns) imported into a
fresh tenant's settings, then everything checked through the API and the
database: registration status and places updated, inspections recorded with
source regulator_feed, the QA vocabulary and the derived risk band; audit rows
and events as the API writes them; a second import records nothing; a later
file with an Inadequate judgement records exactly one inspection and one
qa.inspection.recorded event with risk_band red; bad rows reported by line,
never half written; unknown URNs listed, not created; another tenant's
setting with the same URN untouched; a file without a required column
refused whole; --dry-run writes nothing."""
import json
import subprocess
import time
import uuid

import pytest

from hearth_client import ROOT

DATA = ROOT / "tests/api/data"
FIRST = DATA / "ofsted-providers-2026-01.csv"
LATER = DATA / "ofsted-providers-2026-03.csv"


def admin_sql(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-v",
                          "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.split("\n")


def new_tenant(api, label):
    created = json.loads(api.ctl("tenant", "create", "--name", f"Ofsted import {label}", "--slug",
                                 f"ofsted-{label}-{uuid.uuid4().hex[:8]}", "--json").stdout)
    tenant, team = created["tenant_id"], created["organisation_id"]
    return {"tenant": tenant, "team": team,
            "token": api.token(roles="commissioner", org=team, tenant=tenant, sub="ofsted-test")}


def new_setting(api, t, provider, urn, setting_type="childrens_home", places=None):
    body = {"provider_id": provider, "name": f"Home {urn}", "regulator": "ofsted", "urn": urn,
            "setting_type": setting_type}
    if places is not None:
        body["registered_places"] = places
    resp = api.post("/v1/settings", body, token=t["token"])
    assert resp.status_code == 201, resp.text
    return resp.json()


def run_import(api, t, path, *extra):
    out = api.ctl("import", "ofsted-providers", str(path), "--tenant", t["tenant"], "--json",
                  *extra, check=False)
    return out.returncode, (json.loads(out.stdout) if out.stdout.strip() else None), out.stderr


@pytest.fixture(scope="module")
def tenant(api):
    """A fresh tenant with one Ofsted setting per case of the sample file."""
    t = new_tenant(api, "a")
    resp = api.post("/v1/providers", {"name": "Sample provider", "ownership": "private",
                                      "provider_types": ["childrens_home", "fostering_agency"]},
                    token=t["token"])
    assert resp.status_code == 201, resp.text
    provider = resp.json()["id"]
    t["provider"] = provider
    t["settings"] = {
        "SC900001": new_setting(api, t, provider, "SC900001", places=3),
        "SC900002": new_setting(api, t, provider, "SC900002", places=5),
        "1900003": new_setting(api, t, provider, "1900003", "fostering_service"),
        "SC900004": new_setting(api, t, provider, "SC900004", places=6),
        "SC900005": new_setting(api, t, provider, "SC900005", places=1),
        "SC900006": new_setting(api, t, provider, "SC900006", places=2),
        "SC900007": new_setting(api, t, provider, "SC900007", "supported_accommodation", places=2),
    }
    return t


@pytest.fixture(scope="module")
def twin(api):
    """Another tenant holding a setting under the same URN as the sample's first."""
    t = new_tenant(api, "b")
    resp = api.post("/v1/providers", {"name": "Twin provider", "ownership": "private",
                                      "provider_types": ["childrens_home"]}, token=t["token"])
    assert resp.status_code == 201, resp.text
    t["setting"] = new_setting(api, t, resp.json()["id"], "SC900001", places=9)
    return t


@pytest.fixture(scope="module")
def first_import(api, tenant, twin):
    return run_import(api, tenant, FIRST)


def inspections_of(api, t, setting_id):
    resp = api.get("/v1/inspections", params={"setting_id": setting_id}, token=t["token"])
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def setting(api, t, setting_id):
    resp = api.get(f"/v1/settings/{setting_id}", token=t["token"])
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_the_summary_counts_and_lists_every_row(tenant, first_import):
    rc, summary, stderr = first_import
    assert rc == 1, stderr  # some rows were bad; the good ones are written
    assert summary["tenant_id"] == tenant["tenant"] and summary["dry_run"] is False
    assert summary["rows_read"] == 8  # the blank row is not a row
    assert summary["settings_matched"] == 4
    assert summary["settings_updated"] == 2 and summary["settings_unchanged"] == 2
    assert summary["inspections_recorded"] == 3
    assert summary["inspections_already_recorded"] == 0
    assert summary["unknown_urns"] == [{"line": 8, "urn": "SC999999"}]
    bad = {b["line"]: b for b in summary["bad_rows"]}
    assert sorted(bad) == [9, 10, 12], summary["bad_rows"]
    assert bad[9]["urn"] == "SC900005" and 'Places: "six"' in bad[9]["reason"]
    assert bad[10]["urn"] == "SC900006" and "How well children" in bad[10]["reason"]
    assert '"7"' in bad[10]["reason"]
    # Refused by the QA vocabulary, in its own words.
    assert bad[12]["urn"] == "SC900007"
    assert "judgements.overall_experiences_and_progress" in bad[12]["reason"]
    assert "supported accommodation" in bad[12]["reason"]
    assert {(u["urn"], u["status"], u["registered_places"]) for u in summary["updated"]} == {
        ("SC900001", "active", 4), ("SC900002", "suspended", 5)}
    assert {(r["urn"], r["inspected_on"], r["risk_band"]) for r in summary["recorded"]} == {
        ("SC900001", "2025-03-12", "green"), ("SC900002", "2025-02-03", "amber"),
        ("1900003", "2025-01-20", "green")}


def test_settings_carry_the_registers_status_and_places(api, tenant, first_import):
    s = tenant["settings"]
    alder = setting(api, tenant, s["SC900001"]["id"])
    assert alder["registered_places"] == 4 and alder["status"] == "active"
    assert alder["version"] == s["SC900001"]["version"] + 1
    birch = setting(api, tenant, s["SC900002"]["id"])
    assert birch["status"] == "suspended" and birch["registered_places"] == 5
    # No places in the file: the register's silence changes nothing.
    cedar = setting(api, tenant, s["1900003"]["id"])
    assert cedar == s["1900003"]
    assert setting(api, tenant, s["SC900004"]["id"]) == s["SC900004"]
    # Bad rows leave nothing behind, not even the part that was good: the
    # supported-accommodation row's places (8) are not applied.
    for urn in ("SC900005", "SC900006", "SC900007"):
        assert setting(api, tenant, s[urn]["id"]) == s[urn]
        assert inspections_of(api, tenant, s[urn]["id"]) == []


def test_inspections_are_in_the_qa_vocabulary_from_the_regulator_feed(api, tenant, first_import):
    s = tenant["settings"]
    [alder] = inspections_of(api, tenant, s["SC900001"]["id"])
    assert alder["source"] == "regulator_feed" and alder["regulator"] == "ofsted"
    assert alder["inspection_type"] == "full" and alder["inspected_on"] == "2025-03-12"
    assert alder["published_on"] == "2025-04-09"
    assert alder["provider_id"] == tenant["provider"]
    assert alder["judgements"] == {"overall_experiences_and_progress": "good",
                                   "help_and_protection": "good",
                                   "leadership_and_management": "good"}
    assert alder["risk_band"] == "green"
    [birch] = inspections_of(api, tenant, s["SC900002"]["id"])
    assert birch["judgements"] == {"overall_experiences_and_progress": "requires_improvement",
                                   "help_and_protection": "requires_improvement",
                                   "leadership_and_management": "good"}
    assert birch["risk_band"] == "amber"
    [cedar] = inspections_of(api, tenant, s["1900003"]["id"])
    assert set(cedar["judgements"].values()) == {"outstanding"}
    assert cedar["published_on"] == "2025-02-14"
    assert inspections_of(api, tenant, s["SC900004"]["id"]) == []
    # The unknown URN was not created.
    resp = api.get("/v1/settings", params={"urn": "SC999999"}, token=tenant["token"])
    assert resp.status_code == 200 and resp.json()["items"] == []


def test_audit_rows_and_events_are_the_apis(stack_env, tenant, first_import):
    s = tenant["settings"]
    alder, birch = s["SC900001"]["id"], s["SC900002"]["id"]
    rows = admin_sql(stack_env, f"""
        SELECT service, method, path, resource, status, sub, org_id = '{tenant["team"]}',
               request_id LIKE 'ofsted-import:%'
        FROM audit.events WHERE tenant_id = '{tenant["tenant"]}' AND method <> 'POST'
        ORDER BY id""")
    assert rows[:2] == [
        f"hearth_providers|PATCH|/v1/settings/{alder}|setting|200|"
        "hearthctl import ofsted-providers|t|t",
        f"hearth_providers|PATCH|/v1/settings/{birch}|setting|200|"
        "hearthctl import ofsted-providers|t|t"]
    assert admin_sql(stack_env, f"""
        SELECT count(*), count(DISTINCT resource_id), min(service)
        FROM audit.events WHERE tenant_id = '{tenant["tenant"]}' AND path = '/v1/inspections'
          AND sub = 'hearthctl import ofsted-providers'""")[0] == "3|3|hearth_qa"
    events = admin_sql(stack_env, f"""
        BEGIN; SET LOCAL ROLE hearth_event_reader;
        SELECT string_agg(type, ',' ORDER BY seq) FROM providers.outbox
        WHERE tenant_id = '{tenant["tenant"]}' AND subject_id = '{birch}'
          AND type <> 'providers.setting.created';
        SELECT string_agg(payload->>'risk_band', ',' ORDER BY payload->>'risk_band')
        FROM qa.outbox WHERE tenant_id = '{tenant["tenant"]}' AND type = 'qa.inspection.recorded';
        COMMIT""")
    assert "providers.setting.updated,providers.setting.suspended" in events
    assert "amber,green,green" in events


def test_a_second_import_records_nothing(api, stack_env, tenant, first_import):
    def counts():
        return admin_sql(stack_env, f"""
            SELECT (SELECT count(*) FROM audit.events WHERE tenant_id = '{tenant["tenant"]}'),
                   (SELECT count(*) FROM qa.outbox WHERE tenant_id = '{tenant["tenant"]}'),
                   (SELECT count(*) FROM providers.outbox
                    WHERE tenant_id = '{tenant["tenant"]}')""")[0]
    before = counts()
    rc, summary, _ = run_import(api, tenant, FIRST)
    assert rc == 1 and summary["settings_updated"] == 0 and summary["settings_unchanged"] == 4
    assert summary["inspections_recorded"] == 0
    assert summary["inspections_already_recorded"] == 3 and summary["differing"] == []
    assert [b["line"] for b in summary["bad_rows"]] == [9, 10, 12]
    assert counts() == before
    assert len(inspections_of(api, tenant, tenant["settings"]["SC900001"]["id"])) == 1


def test_a_later_inadequate_judgement_records_one_red_inspection(api, stack_env, tenant,
                                                                first_import):
    rc, summary, stderr = run_import(api, tenant, LATER)
    assert rc == 0, stderr
    assert summary["rows_read"] == 3 and summary["bad_rows"] == [] and summary["unknown_urns"] == []
    assert summary["inspections_recorded"] == 1 and summary["settings_updated"] == 0
    [note] = summary["recorded"]
    assert (note["urn"], note["inspected_on"], note["risk_band"]) == ("SC900001", "2026-01-20",
                                                                       "red")
    alder = tenant["settings"]["SC900001"]["id"]
    resp = api.get("/v1/inspections", params={"setting_id": alder, "risk_band": "red"},
                   token=tenant["token"])
    [red] = resp.json()["items"]
    assert red["id"] == note["inspection_id"] and red["source"] == "regulator_feed"
    assert red["judgements"] == {"overall_experiences_and_progress": "inadequate",
                                 "help_and_protection": "requires_improvement",
                                 "leadership_and_management": "inadequate"}
    # Exactly one event for it, as the alerts service will read it.
    rows = admin_sql(stack_env, f"""
        BEGIN; SET LOCAL ROLE hearth_event_reader;
        SELECT count(*), min(subject_type), min(payload->>'risk_band'),
               min(payload->>'setting_id'), min(payload->>'source')
        FROM qa.outbox WHERE tenant_id = '{tenant["tenant"]}'
          AND type = 'qa.inspection.recorded' AND subject_id = '{red["id"]}';
        COMMIT""")
    assert f"1|inspection|red|{alder}|regulator_feed" in rows
    # ... and turns it into an inadequate_judgement alert: here for the
    # consortium team alone, since no council has a child at the home.
    alerts = "0"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        alerts = admin_sql(stack_env, f"""
            SELECT count(*) || '|' || coalesce(min(a.severity), '-') FROM alerts.alerts a
            JOIN qa.outbox e ON e.id = a.source_event_id
            WHERE a.kind = 'inadequate_judgement' AND e.subject_id = '{red["id"]}'""")[0]
        if not alerts.startswith("0|"):
            break
        time.sleep(0.1)
    assert alerts == "1|critical", alerts
    rc, again, _ = run_import(api, tenant, LATER)
    assert rc == 0 and again["inspections_recorded"] == 0


def test_another_tenants_setting_with_the_same_urn_is_untouched(api, twin, first_import):
    assert setting(api, twin, twin["setting"]["id"]) == twin["setting"]
    assert inspections_of(api, twin, twin["setting"]["id"]) == []


def test_a_dry_run_reports_and_writes_nothing(api, stack_env):
    t = new_tenant(api, "dry")
    resp = api.post("/v1/providers", {"name": "Dry provider", "ownership": "private",
                                      "provider_types": ["childrens_home"]}, token=t["token"])
    home = new_setting(api, t, resp.json()["id"], "SC900001", places=3)
    rc, summary, _ = run_import(api, t, FIRST, "--dry-run")
    assert rc == 1 and summary["dry_run"] is True
    assert summary["settings_updated"] == 1 and summary["inspections_recorded"] == 1
    assert summary["recorded"][0]["risk_band"] == "green"
    assert "inspection_id" not in summary["recorded"][0]
    assert setting(api, t, home["id"]) == home
    assert inspections_of(api, t, home["id"]) == []
    assert admin_sql(stack_env, f"SELECT count(*) FROM qa.outbox "
                                f"WHERE tenant_id = '{t['tenant']}'")[0] == "0"


def test_a_file_without_a_required_column_is_refused_whole(api, tenant, tmp_path):
    text = FIRST.read_bytes().replace(b",Places,", b",Beds,")
    path = tmp_path / "no-places.csv"
    path.write_bytes(text)
    rc, summary, stderr = run_import(api, tenant, path)
    assert rc == 1 and summary is None
    assert 'the file has no column "Places"; nothing was imported' in stderr
    broken = tmp_path / "open-quote.csv"
    broken.write_bytes(FIRST.read_bytes() + b'x,"SC900001,never closed\r\n')
    rc, summary, stderr = run_import(api, tenant, broken)
    assert rc == 1 and summary is None
    assert "line 13: a quoted field is not closed" in stderr


def test_the_text_summary_names_lines_and_urns(api, tenant, first_import):
    out = api.ctl("import", "ofsted-providers", str(FIRST), "--tenant", tenant["tenant"],
                  check=False)
    assert out.returncode == 1
    assert "rows read: 8" in out.stdout
    assert "unknown URNs: 1 (not created)" in out.stdout and "line 8  URN SC999999" in out.stdout
    assert "bad rows: 3 (skipped)" in out.stdout
    assert "line 9  URN SC900005: Places: \"six\"" in out.stdout
    out = api.ctl("import", "ofsted-providers", str(FIRST), "--tenant", str(uuid.uuid4()),
                  check=False)
    assert out.returncode == 1 and "there is no tenant" in out.stderr
