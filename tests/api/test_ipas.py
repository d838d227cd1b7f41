"""IPAs: immutable, server-numbered versions of a placement's agreement; the
placement's ipa_status (missing, current, reissue_required after a change of
cost or setting, current again after a new version)."""
import uuid

import pytest

from hearth_client import assert_problem
from test_placements import (DEMO_PROVIDER, new_council, new_placement, new_setting, psql)


@pytest.fixture(scope="module")
def council(api):
    return new_council(api)


def ipa_body(**overrides):
    body = {"issued_on": "2025-01-06", "effective_from": "2025-01-06", "weekly_fee_pence": 450000,
            "outcomes": [{"description": "Attends school every day", "measure": "Attendance %",
                          "target_date": "2025-07-01"}],
            "review_due": "2025-04-06"}
    body.update(overrides)
    return body


def status_of(api, council, pid):
    p = api.get(f"/v1/placements/{pid}", org=council).json()
    return p["ipa_status"], p["ipa_version"]


def test_versions_are_numbered_by_the_server_and_listed_oldest_first(api, council):
    p = new_placement(api, council)
    url = f"/v1/placements/{p['id']}/ipas"
    assert api.get(url, org=council).json() == {"items": [], "next_cursor": None}
    assert status_of(api, council, p["id"]) == ("missing", None)
    first = api.post(url, ipa_body(), org=council)
    assert first.status_code == 201, first.text
    assert first.json()["version_no"] == 1 and first.json()["placement_id"] == p["id"]
    assert first.headers["Location"] == f"{url}/{first.json()['id']}"
    assert api.get(first.headers["Location"], org=council).json() == first.json()
    second = api.post(url, ipa_body(weekly_fee_pence=460000, outcomes=[]), org=council).json()
    third = api.post(url, ipa_body(review_due=None), org=council).json()
    assert (second["version_no"], third["version_no"]) == (2, 3)
    assert status_of(api, council, p["id"]) == ("current", 3)
    items = api.get(url, org=council).json()["items"]
    assert [i["version_no"] for i in items] == [1, 2, 3]
    assert items[1]["weekly_fee_pence"] == 460000 and items[1]["outcomes"] == []
    page = api.get(url, params={"limit": 2}, org=council).json()
    assert [i["version_no"] for i in page["items"]] == [1, 2]
    rest = api.get(url, params={"limit": 2, "cursor": page["next_cursor"]}, org=council).json()
    assert [i["version_no"] for i in rest["items"]] == [3] and rest["next_cursor"] is None


def test_ipas_are_immutable(api, council, stack_env):
    p = new_placement(api, council)
    ipa = api.post(f"/v1/placements/{p['id']}/ipas", ipa_body(), org=council).json()
    resp = api.request("PATCH", f"/v1/placements/{p['id']}/ipas/{ipa['id']}",
                       json_body={"weekly_fee_pence": 1}, org=council, check_contract=False,
                       headers={"Content-Type": "application/merge-patch+json"})
    assert resp.status_code in (404, 405)
    denied = subprocess_denied(stack_env, f"UPDATE placements.ipas SET weekly_fee_pence = 1"
                                          f" WHERE id = '{ipa['id']}'")
    assert denied


def subprocess_denied(stack_env, sql):
    import subprocess
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c",
                          f"SET ROLE hearth_placements; {sql}"], capture_output=True, text=True)
    return out.returncode != 0 and "permission denied" in out.stderr


def test_cost_change_requires_reissue_until_a_new_version(api, council, stack_env):
    p = new_placement(api, council)
    url = f"/v1/placements/{p['id']}"
    # Without an IPA there is nothing to reissue: a cost change leaves it missing.
    api.patch(url, {"weekly_cost_pence": 455000}, org=council)
    assert status_of(api, council, p["id"]) == ("missing", None)
    api.post(f"{url}/ipas", ipa_body(), org=council)
    assert status_of(api, council, p["id"]) == ("current", 1)
    # A change elsewhere does not touch the agreement.
    api.patch(url, {"distance_reason": "Near school"}, org=council)
    assert status_of(api, council, p["id"]) == ("current", 1)
    resp = api.patch(url, {"weekly_cost_pence": 480000}, org=council)
    assert resp.json()["ipa_status"] == "reissue_required"
    api.patch(url, {"weekly_cost_pence": 490000}, org=council)
    events = psql(stack_env, "SELECT count(*) FROM placements.outbox WHERE type ="
                             f" 'placements.ipa.reissue_required' AND subject_id = '{p['id']}'")
    assert events == "1"  # only when the flag goes from false to true
    ipa = api.post(f"{url}/ipas", ipa_body(weekly_fee_pence=490000), org=council).json()
    assert ipa["version_no"] == 2
    assert status_of(api, council, p["id"]) == ("current", 2)
    issued = psql(stack_env, "SELECT type || '|' || subject_type FROM placements.outbox"
                             f" WHERE subject_id = '{ipa['id']}'")
    assert issued == "placements.ipa.issued|ipa"


def test_setting_change_requires_reissue(api, council):
    p = new_placement(api, council)
    url = f"/v1/placements/{p['id']}"
    api.post(f"{url}/ipas", ipa_body(), org=council)
    moved = new_setting(api, DEMO_PROVIDER, 51.5, -3.2)
    resp = api.patch(url, {"setting_id": moved}, org=council)
    assert resp.status_code == 200, resp.text
    assert resp.json()["ipa_status"] == "reissue_required"
    api.post(f"{url}/ipas", ipa_body(), org=council)
    assert status_of(api, council, p["id"]) == ("current", 2)


def test_validation_names_each_field(api, council):
    p = new_placement(api, council)
    url = f"/v1/placements/{p['id']}/ipas"
    cases = [
        (ipa_body(review_due="2025-01-05"), "review_due"),
        (ipa_body(weekly_fee_pence=-1), "weekly_fee_pence"),
        (ipa_body(issued_on="2025-02-30"), "issued_on"),
        (ipa_body(outcomes=[{"measure": "x"}]), "outcomes[0].description"),
        (ipa_body(outcomes=[{"description": "x", "target_date": "soon"}]), "outcomes[0].target_date"),
        (ipa_body(version_no=7), "version_no"),
        (ipa_body(placement_id=p["id"]), "placement_id"),
        ({"issued_on": "2025-01-06"}, "effective_from"),
        ({"issued_on": "2025-01-06"}, "weekly_fee_pence"),
    ]
    for body, field in cases:
        assert_problem(api.post(url, body, org=council), 400, "validation", field=field)


def test_unknown_or_foreign_placement_is_404(api, council):
    assert_problem(api.get(f"/v1/placements/{uuid.uuid4()}/ipas", org=council), 404, "not-found")
    assert_problem(api.post(f"/v1/placements/{uuid.uuid4()}/ipas", ipa_body(), org=council),
                   404, "not-found")
    theirs = new_placement(api, new_council(api))
    assert_problem(api.get(f"/v1/placements/{theirs['id']}/ipas", org=council), 404, "not-found")
    assert_problem(api.post(f"/v1/placements/{theirs['id']}/ipas", ipa_body(), org=council),
                   404, "not-found")
    assert_problem(api.post(f"/v1/placements/{theirs['id']}/ipas", ipa_body(), org=council,
                            roles="viewer"), 403, "forbidden")


def test_reads_are_audited(api, council, stack_env):
    p = new_placement(api, council)
    rid = "audit-" + uuid.uuid4().hex
    assert api.get(f"/v1/placements/{p['id']}/ipas", org=council,
                   headers={"X-Request-Id": rid}).status_code == 200
    row = psql(stack_env, "SELECT method || '|' || resource || '|' || coalesce(resource_id, '-')"
                          f" FROM audit.events WHERE request_id = '{rid}'")
    assert row == "GET|ipa|-"


def test_concurrent_posts_get_distinct_version_numbers(api, council):
    from concurrent.futures import ThreadPoolExecutor
    p = new_placement(api, council)
    url = f"/v1/placements/{p['id']}/ipas"
    token = api.token(org=council)

    def post(i):
        # Each thread its own session: requests.Session is not thread-safe.
        import requests
        resp = requests.post(api.base + url, json=ipa_body(weekly_fee_pence=1000 + i),
                             headers={"Authorization": f"Bearer {token}"}, timeout=60)
        return resp.status_code, resp.json().get("version_no")

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(post, range(6)))
    assert [s for s, _ in results] == [201] * 6
    assert sorted(v for _, v in results) == [1, 2, 3, 4, 5, 6]
    assert status_of(api, council, p["id"]) == ("current", 6)
