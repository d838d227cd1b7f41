"""Each built-in kind from its source event, for exactly its recipients."""
import uuid

from alerts_support import alerts_of, days, wait_for
from hearth_client import DEMO_CONSORTIUM
from records import as_role, new_council, new_home, new_home_provider, place, psql


def kinds_of(api, org, subject):
    return sorted(a["kind"] for a in alerts_of(api, org, subject_id=subject))


def test_a_placement_stop_alerts_the_councils_that_must_acknowledge(api):
    lead, placed, absent = new_council(api), new_council(api), new_council(api)
    provider = new_home_provider(api, lead=lead)
    home = new_home(api, provider)
    place(api, placed, provider, home, days(-10))
    resp = api.post("/v1/placement-stops", {"provider_id": provider, "setting_id": home,
                                            "reason": "Inadequate judgement",
                                            "effective_from": days(0)},
                    roles="qa_officer", org=placed)
    assert resp.status_code == 201, resp.text
    stop = resp.json()["id"]
    for org in (placed, lead):
        got = wait_for(lambda: alerts_of(api, org, subject_id=stop), 1)
        assert [a["kind"] for a in got] == ["placement_stop"], (org, got)
        assert [d["name"] for d in got[0]["deadlines"]] == ["acknowledge"]
        assert got[0]["severity"] == "high"
    assert alerts_of(api, absent) == []
    acks = api.get(f"/v1/placement-stops/{stop}/acknowledgements").json()["items"]
    assert sorted(i["org_id"] for i in acks if i["must_acknowledge"]) == sorted([placed, lead])

    # Placing there anyway: the consortium team and the stop's issuer are told.
    other = new_council(api)
    child = api.post("/v1/children", {"local_ref": "C-" + uuid.uuid4().hex[:8],
                                      "birth_month": "2012-01", "gender": "male",
                                      "legal_status": "s20"}, org=other).json()["id"]
    resp = api.post("/v1/placements", {"child_id": child, "placement_type": "residential",
                                       "provision": "external", "provider_id": provider,
                                       "setting_id": home, "start_date": days(0),
                                       "weekly_cost_pence": 400000,
                                       "stop_override_reason": "Sibling already placed there"},
                    org=other)
    assert resp.status_code == 201, resp.text
    for org in (DEMO_CONSORTIUM, placed):
        got = wait_for(lambda: [a for a in alerts_of(api, org, subject_id=stop)
                                if a["kind"] == "placement_stop_overridden"], 1)
        assert len(got) == 1, (org, got)
    assert [a["kind"] for a in alerts_of(api, other)] == []


def test_child_level_kinds_reach_the_placing_council_only(api):
    council, neighbour = new_council(api), new_council(api)
    provider = new_home_provider(api)
    home = new_home(api, provider)
    neighbour_child = place(api, neighbour, provider, home, days(-100))
    placement = place(api, council, provider, home, days(-200), end=days(-150))
    child = api.get(f"/v1/placements/{placement}", org=council).json()["child_id"]

    def start(n_from, n_to=None):
        body = {"child_id": child, "placement_type": "residential", "provision": "external",
                "provider_id": provider, "setting_id": home, "start_date": days(n_from),
                "weekly_cost_pence": 400000}
        if n_to is not None:
            body.update(end_date=days(n_to), end_reason="breakdown_child")
        resp = api.post("/v1/placements", body, org=council)
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]

    second = start(-140, -100)
    assert alerts_of(api, council, subject_id=second) == []
    third = start(-90)
    got = wait_for(lambda: alerts_of(api, council, subject_id=third), 1)
    assert [a["kind"] for a in got] == ["placement_instability"]
    # With an IPA in place, a change of cost needs a new one.
    ipa = api.post(f"/v1/placements/{third}/ipas", {
        "issued_on": days(-90), "effective_from": days(-90), "weekly_fee_pence": 400000,
        "outcomes": [{"description": "Attends school", "measure": "Attendance %",
                      "target_date": days(90)}], "review_due": days(90)}, org=council)
    assert ipa.status_code == 201, ipa.text
    resp = api.patch(f"/v1/placements/{third}", {"weekly_cost_pence": 450000}, org=council)
    assert resp.status_code == 200, resp.text
    got = wait_for(lambda: [a for a in alerts_of(api, council, subject_id=third)
                            if a["kind"] == "ipa_reissue_required"], 1)
    assert len(got) == 1
    assert alerts_of(api, neighbour) == []
    assert alerts_of(api, DEMO_CONSORTIUM, subject_id=third) == []
    assert neighbour_child


def test_a_registration_change_alerts_the_councils_there_and_the_team(api):
    council, elsewhere = new_council(api), new_council(api)
    provider = new_home_provider(api)
    home, other_home = new_home(api, provider), new_home(api, provider)
    place(api, council, provider, home, days(-5))
    place(api, elsewhere, provider, other_home, days(-5))
    current = api.get(f"/v1/settings/{home}").json()
    resp = api.patch(f"/v1/settings/{home}", {"status": "suspended"},
                     headers={"If-Match": f'"{current["version"]}"'})
    assert resp.status_code == 200, resp.text
    for org in (council, DEMO_CONSORTIUM):
        got = wait_for(lambda: alerts_of(api, org, subject_id=home), 1)
        assert [a["kind"] for a in got] == ["registration_changed"], (org, got)
    assert alerts_of(api, elsewhere) == []


def test_missing_reg44_reports_alert_once_per_home_and_month(api, stack_env):
    # The demo tenant is seeded for the check; Pen y Lodge's report of three
    # months ago never came (its councils had children there that month).
    home = "00000000-0000-4000-8000-0000000b0013"
    got = wait_for(lambda: alerts_of(api, "00000000-0000-4000-8000-00000000c002",
                                     subject_id=home, kind="reg44_missing"), 1)
    assert got and all(a["subject_type"] == "setting" for a in got)
    # Run the check twice more (other tests' tenants may have homes due too):
    # the second run finds everything alerted already.
    for expected_new in (None, "0"):
        again = as_role(stack_env, "hearth_alerts", "SELECT alerts.check_reg44(current_date)")
        assert again.returncode == 0, again.stderr
        if expected_new:
            assert again.stdout.strip() == expected_new
    dupes = psql(stack_env, "SELECT count(*) FROM (SELECT org_id, subject_id, source_event_id "
                            "FROM alerts.alerts WHERE kind = 'reg44_missing' "
                            "GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
    assert dupes == "0"
