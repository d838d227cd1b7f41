"""Who an event alerts: computed from the placements on the event's day, never
broadcast. Each scenario has a provider, homes and councils of its own, so the
recipients are exact."""
import uuid

from alerts_support import alerts_of, days, record_inadequate, wait_for
from hearth_client import DEMO_CONSORTIUM
from records import new_council, new_home, new_home_provider, place


def test_an_inadequate_judgement_alerts_exactly_the_councils_with_a_child_there_that_day(api):
    provider = new_home_provider(api)
    home = new_home(api, provider)
    placed, second, ended, starting, elsewhere = (new_council(api) for _ in range(5))
    other_home = new_home(api, provider)
    place(api, placed, provider, home, days(-30))
    place(api, second, provider, home, days(0))
    place(api, ended, provider, home, days(-60), end=days(-1))
    place(api, starting, provider, home, days(1))
    place(api, elsewhere, provider, other_home, days(-30))
    inspection = record_inadequate(api, home)

    for org in (placed, second, DEMO_CONSORTIUM):
        got = wait_for(lambda: alerts_of(api, org, subject_id=home, kind="inadequate_judgement"), 1)
        assert len(got) == 1, (org, got)
        alert = got[0]
        assert alert["org_id"] == org and alert["severity"] == "critical"
        assert alert["status"] == "open" and alert["escalation_level"] == 0
        assert alert["subject_type"] == "setting"
        assert sorted(d["name"] for d in alert["deadlines"]) == ["decision", "visit"]
        assert all(d["met_at"] is None for d in alert["deadlines"])
    # The event is the inspection's qa.inspection.recorded: one source for all of them.
    assert inspection["setting_id"] == home
    for org in (ended, starting, elsewhere):
        assert alerts_of(api, org) == [], org


def test_a_provider_level_concern_reaches_councils_at_any_of_its_settings(api):
    provider = new_home_provider(api)
    home_a, home_b = new_home(api, provider), new_home(api, provider)
    at_a, at_b, none = new_council(api), new_council(api), new_council(api)
    place(api, at_a, provider, home_a, days(-5))
    place(api, at_b, provider, home_b, days(-5))
    resp = api.post("/v1/concerns", {"kind": "concern", "provider_id": provider,
                                     "severity": "significant", "summary": "Staffing",
                                     "status": "escalated", "escalation_level": 1},
                    roles="qa_officer")
    assert resp.status_code == 201, resp.text
    concern = resp.json()["id"]
    for org in (at_a, at_b, DEMO_CONSORTIUM):
        got = wait_for(lambda: alerts_of(api, org, subject_id=concern), 1)
        assert [a["kind"] for a in got] == ["concern_escalated"], (org, got)
    assert alerts_of(api, none) == []


def test_with_no_child_placed_only_the_consortium_team_is_alerted(api):
    provider = new_home_provider(api)
    home = new_home(api, provider)
    council = new_council(api)
    record_inadequate(api, home)
    got = wait_for(lambda: alerts_of(api, DEMO_CONSORTIUM, subject_id=home), 1)
    assert [a["kind"] for a in got] == ["inadequate_judgement"]
    assert alerts_of(api, council) == []


def test_an_alert_of_another_organisation_is_404(api):
    provider = new_home_provider(api)
    home = new_home(api, provider)
    council, other = new_council(api), new_council(api)
    place(api, council, provider, home, days(-3))
    record_inadequate(api, home)
    got = wait_for(lambda: alerts_of(api, council, subject_id=home), 1)
    assert len(got) == 1
    alert_id = got[0]["id"]
    mine = api.get(f"/v1/alerts/{alert_id}", org=council, roles="viewer")
    assert mine.status_code == 200 and mine.json() == got[0]
    assert mine.headers["ETag"] == f'"{got[0]["version"]}"'
    assert api.get(f"/v1/alerts/{alert_id}", org=other).status_code == 404
    assert api.get(f"/v1/alerts/{uuid.uuid4()}", org=council).status_code == 404


def test_the_readme_demo_inadequate_judgement_at_pen_y_lodge(api, stack_env):
    from records import psql

    home = "00000000-0000-4000-8000-0000000b0013"
    placed = psql(stack_env, "SELECT string_agg(DISTINCT p.org_id::text, ',') "
                             "FROM placements.placements p JOIN providers.organisations o "
                             "ON o.id = p.org_id AND o.kind = 'local_authority' "
                             f"WHERE p.setting_id = '{home}' AND p.start_date <= current_date "
                             "AND (p.end_date IS NULL OR p.end_date >= current_date)").split(",")
    assert len(placed) == 2
    record_inadequate(api, home)
    everyone = psql(stack_env, "SELECT string_agg(id::text, ',') FROM providers.organisations "
                               "WHERE tenant_id = '00000000-0000-4000-8000-00000000d001'").split(",")
    for org in everyone:
        want = 1 if org in placed or org == DEMO_CONSORTIUM else 0
        got = wait_for(lambda: alerts_of(api, org, subject_id=home, kind="inadequate_judgement"),
                       want, timeout=15 if want else 0)
        assert len(got) == want, (org, got)
        if want:
            assert {d["name"] for d in got[0]["deadlines"]} == {"visit", "decision"}
