"""Placements: create, read, list with every filter, pagination, CSV,
If-Match, idempotent replay, the rules that name a field (dates, end reasons,
external provision, provider/setting/child references, overlapping dates,
read-only fields), distance and locality computed on read, and the events the
database writes for started, ended, changed and IPA reissue."""
import csv
import io
import math
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_COUNCIL, DEMO_TENANT, assert_problem
from records import psql

ADMIN = {"roles": "tenant_admin"}
DEMO_PROVIDER = "00000000-0000-4000-8000-0000000a0001"
DEMO_SETTING = "00000000-0000-4000-8000-0000000b0001"        # of DEMO_PROVIDER
OTHER_DEMO_SETTING = "00000000-0000-4000-8000-0000000b0002"  # of provider ...a0002
EARTH_RADIUS_MILES = 3958.8


def haversine_miles(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def new_council(api, lat=52.0, lon=-2.0, radius=10):
    """A council of the demo tenant of its own, so lists and counts are exact."""
    resp = api.post("/v1/organisations", {"kind": "local_authority", "name": unique("Council"),
                                          "code": unique("W06"), "centre": {"lat": lat, "lon": lon},
                                          "local_radius_miles": radius}, **ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_provider(api):
    resp = api.post("/v1/providers", {"name": unique("Provider"), "provider_types": ["childrens_home"],
                                      "ownership": "private"})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_setting(api, provider_id, lat=None, lon=None):
    body = {"provider_id": provider_id, "name": unique("Home"), "regulator": "ciw",
            "setting_type": "childrens_home"}
    if lat is not None:
        body["location"] = {"lat": lat, "lon": lon}
    resp = api.post("/v1/settings", body)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def new_child(api, org, **overrides):
    body = {"local_ref": unique("C"), "birth_month": "2012-05", "gender": "female",
            "legal_status": "full_care_order"}
    body.update(overrides)
    resp = api.post("/v1/children", body, org=org)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def placement_body(child, **overrides):
    body = {"child_id": child, "placement_type": "residential", "provision": "external",
            "provider_id": DEMO_PROVIDER, "setting_id": DEMO_SETTING, "sourcing": "spot",
            "start_date": "2025-01-06", "weekly_cost_pence": 450000,
            "contributions": {"social_care_pence": 400000, "education_pence": 50000}}
    body.update(overrides)
    return body


def new_placement(api, org, child=None, **overrides):
    child = child or new_child(api, org)
    resp = api.post("/v1/placements", placement_body(child, **overrides), org=org)
    assert resp.status_code == 201, resp.text
    return resp.json()


@pytest.fixture(scope="module")
def council(api):
    return new_council(api)


def test_create_returns_201_location_etag_and_derived_fields(api, council):
    child = new_child(api, council)
    resp = api.post("/v1/placements", placement_body(child, external_ref="REF-1-" + child[:8]),
                    org=council)
    assert resp.status_code == 201, resp.text
    p = resp.json()
    assert resp.headers["Location"] == f"/v1/placements/{p['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert p["org_id"] == council and p["child_id"] == child
    assert p["status"] == "active" and p["ipa_status"] == "missing" and p["ipa_version"] is None
    assert p["contributions"] == {"social_care_pence": 400000, "education_pence": 50000,
                                  "health_pence": None}
    got = api.get(resp.headers["Location"], org=council)
    assert got.status_code == 200 and got.json() == p
    assert got.headers["ETag"] == '"1"'


def test_external_ref_defaults_to_the_id_and_is_unique(api, council):
    p = new_placement(api, council)
    assert p["external_ref"] == p["id"]
    ref = unique("REF")
    new_placement(api, council, external_ref=ref)
    resp = api.post("/v1/placements", placement_body(new_child(api, council), external_ref=ref),
                    org=council)
    assert_problem(resp, 409, "conflict", field="external_ref")


def test_internal_fostering_needs_no_provider(api, council):
    p = new_placement(api, council, placement_type="fostering", provision="internal",
                      provider_id=None, setting_id=None, sourcing="in_house")
    assert p["provider_id"] is None and p["distance_miles"] is None and p["is_local"] is None


def test_rules_name_the_field(api, council):
    child = new_child(api, council)
    cases = [
        ({"end_date": "2025-01-01", "end_reason": "planned"}, "end_date"),
        ({"end_date": "2025-02-01"}, "end_reason"),
        ({"end_reason": "planned"}, "end_reason"),
        ({"provider_id": None, "setting_id": None}, "provider_id"),
        ({"provider_id": str(uuid.uuid4()), "setting_id": None}, "provider_id"),
        ({"setting_id": str(uuid.uuid4())}, "setting_id"),
        ({"setting_id": OTHER_DEMO_SETTING}, "setting_id"),
        ({"child_id": str(uuid.uuid4())}, "child_id"),
        ({"weekly_cost_pence": -1}, "weekly_cost_pence"),
        ({"weekly_cost_pence": 12.5}, "weekly_cost_pence"),
        ({"contributions": {"health_pence": -5}}, "contributions.health_pence"),
        ({"placement_type": "hotel"}, "placement_type"),
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"distance_miles": 3.0}, "distance_miles"),
        ({"is_local": True}, "is_local"),
        ({"status": "active"}, "status"),
        ({"ipa_status": "current"}, "ipa_status"),
        ({"org_id": council}, "org_id"),
        ({"colour": "blue"}, "colour"),
    ]
    for overrides, field in cases:
        resp = api.post("/v1/placements", placement_body(child, **overrides), org=council)
        assert_problem(resp, 400, "validation", field=field)
    resp = api.post("/v1/placements", {"provision": "internal"}, org=council)
    body = assert_problem(resp, 400, "validation")
    assert {"child_id", "placement_type", "start_date"} <= {e["field"] for e in body["errors"]}


def test_a_child_of_another_council_is_a_bad_child_id(api, council):
    theirs = new_child(api, new_council(api))
    resp = api.post("/v1/placements", placement_body(theirs), org=council)
    assert_problem(resp, 400, "validation", field="child_id")


def test_overlapping_dates_are_409_naming_the_other_placement(api, council):
    child = new_child(api, council)
    first = new_placement(api, council, child, start_date="2025-01-01", end_date="2025-03-31",
                          end_reason="planned")
    resp = api.post("/v1/placements", placement_body(child, start_date="2025-03-31"), org=council)
    body = assert_problem(resp, 409, "conflict", field="start_date")
    assert "end_date" in {e["field"] for e in body["errors"]}
    assert first["id"] in body["detail"]
    # The next day is fine: ranges are inclusive of both ends.
    second = new_placement(api, council, child, start_date="2025-04-01")
    # Moving the first one's end into the second is the same conflict, by PATCH.
    resp = api.patch(f"/v1/placements/{first['id']}", {"end_date": "2025-04-02"}, org=council)
    body = assert_problem(resp, 409, "conflict", field="end_date")
    assert second["id"] in body["detail"]


def test_patch_if_match_and_no_op(api, council):
    p = new_placement(api, council)
    url = f"/v1/placements/{p['id']}"
    resp = api.patch(url, {"weekly_cost_pence": 460000}, headers={"If-Match": '"1"'}, org=council)
    assert resp.status_code == 200 and resp.json()["version"] == 2
    assert resp.headers["ETag"] == '"2"'
    assert resp.json()["contributions"]["education_pence"] == 50000
    resp = api.patch(url, {"weekly_cost_pence": 470000}, headers={"If-Match": '"1"'}, org=council)
    assert_problem(resp, 412, "precondition-failed")
    resp = api.patch(url, {"weekly_cost_pence": 460000}, org=council)
    assert resp.status_code == 200 and resp.json()["version"] == 2
    resp = api.patch(url, {"contributions": {"education_pence": None}}, org=council)
    assert resp.json()["contributions"] == {"social_care_pence": 400000, "education_pence": None,
                                            "health_pence": None}
    resp = api.patch(url, {"status": "ended"}, org=council)
    assert_problem(resp, 400, "validation", field="status")
    resp = api.patch(url, {"end_date": "2024-01-01", "end_reason": "planned"}, org=council)
    assert_problem(resp, 400, "validation", field="end_date")
    resp = api.patch(url, {"end_date": "2025-06-01"}, org=council)
    assert_problem(resp, 400, "validation", field="end_reason")


def test_ending_sets_status_ended(api, council):
    p = new_placement(api, council, start_date="2024-01-01")
    resp = api.patch(f"/v1/placements/{p['id']}",
                     {"end_date": "2024-06-30", "end_reason": "breakdown_provider"}, org=council)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "ended" and resp.json()["end_reason"] == "breakdown_provider"


def test_idempotent_replay(api, council):
    body = placement_body(new_child(api, council))
    key = "k-" + uuid.uuid4().hex
    first = api.post("/v1/placements", body, headers={"Idempotency-Key": key}, org=council)
    assert first.status_code == 201
    again = api.post("/v1/placements", body, headers={"Idempotency-Key": key}, org=council)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    other = api.post("/v1/placements", {**body, "weekly_cost_pence": 1}, org=council,
                     headers={"Idempotency-Key": key})
    assert_problem(other, 422, "idempotency-key-reused")


def test_writers_only(api, council):
    body = placement_body(new_child(api, council))
    for roles in ("viewer", "qa_officer", "provider", "tenant_admin"):
        assert_problem(api.post("/v1/placements", body, org=council, roles=roles), 403, "forbidden")
    assert api.post("/v1/placements", body, org=council, roles="integration").status_code == 201


def test_list_filters_pagination_and_csv(api):
    org = new_council(api)
    other_provider = new_provider(api)
    other_setting = new_setting(api, other_provider, 52.01, -2.0)
    a = new_child(api, org)
    ended = new_placement(api, org, a, start_date="2024-01-01", end_date="2024-12-31",
                          end_reason="planned")
    active = new_placement(api, org, a, start_date="2025-01-01")
    internal = new_placement(api, org, placement_type="fostering", provision="internal",
                             provider_id=None, setting_id=None, start_date="2023-05-01")
    elsewhere = new_placement(api, org, provider_id=other_provider, setting_id=other_setting,
                              placement_type="supported_accommodation", start_date="2025-02-01")

    def ids(**params):
        resp = api.get("/v1/placements", params={**params, "limit": 500}, org=org)
        assert resp.status_code == 200, resp.text
        return {p["id"] for p in resp.json()["items"]}

    everything = {ended["id"], active["id"], internal["id"], elsewhere["id"]}
    assert ids() == everything
    assert ids(child_id=a) == {ended["id"], active["id"]}
    assert ids(provider_id=other_provider) == {elsewhere["id"]}
    assert ids(setting_id=DEMO_SETTING) == {ended["id"], active["id"]}
    assert ids(placement_type="fostering") == {internal["id"]}
    assert ids(provision="internal") == {internal["id"]}
    assert ids(status="ended") == {ended["id"]}
    assert ids(status="active") == everything - {ended["id"]}
    assert ids(active_on="2024-12-31") == {ended["id"], internal["id"]}
    assert ids(active_on="2025-01-01") == {active["id"], internal["id"]}
    assert ids(active_on="2025-02-01") == {active["id"], internal["id"], elsewhere["id"]}
    assert ids(active_on="2023-04-30") == set()
    for bad in ({"status": "open"}, {"active_on": "2025-13-01"}, {"child_id": "x"},
                {"colour": "red"}):
        assert_problem(api.get("/v1/placements", params=bad, org=org), 400, "validation",
                       field=next(iter(bad)))

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/placements", params=params, org=org).json()
        seen += [p["id"] for p in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 2 and len(seen) == 4 and set(seen) == everything
    resp = api.get("/v1/placements", params={"status": "active", "cursor": cursor or "x"}, org=org)
    assert_problem(resp, 400, "validation", field="cursor")

    resp = api.get("/v1/placements", headers={"Accept": "text/csv"}, org=org)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert {r["id"] for r in rows} == everything
    by_id = {r["id"]: r for r in rows}
    assert by_id[ended["id"]]["end_reason"] == "planned"
    assert by_id[ended["id"]]["status"] == "ended"
    assert by_id[active["id"]]["contributions.education_pence"] == "50000"


def test_active_pages_keep_keyset_order(api):
    # The page is walked in (created_at, id) order from the organisation's
    # index and cut at the page size; ended placements in between are skipped.
    org = new_council(api)
    made = []
    for i in range(7):
        child = new_child(api, org)
        ended = i % 3 == 1
        made.append((new_placement(api, org, child, start_date=f"2024-0{i + 1}-01",
                                   **({"end_date": "2024-12-31", "end_reason": "planned"}
                                      if ended else {}))["id"], ended))
    seen, cursor = [], None
    while True:
        params = {"status": "active", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/placements", params=params, org=org)
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) <= 2
        seen += [p["id"] for p in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == [pid for pid, ended in made if not ended]
    listed = api.get("/v1/placements", params={"limit": 500}, org=org).json()["items"]
    assert [p["id"] for p in listed] == [pid for pid, _ in made]


def test_distance_and_locality_from_centre_and_setting(api):
    radius = 10
    org = new_council(api, 52.0, -2.0, radius)
    provider = new_provider(api)
    near = new_setting(api, provider, 52.05, -2.07)
    far = new_setting(api, provider, 52.3, -2.4)
    # Exactly the radius due north: one degree of latitude is R*pi/180 miles.
    edge = new_setting(api, provider, 52.0 + radius / (EARTH_RADIUS_MILES * math.pi / 180), -2.0)
    nowhere = new_setting(api, provider)
    for setting, local in ((near, True), (far, False), (edge, True)):
        p = new_placement(api, org, provider_id=provider, setting_id=setting)
        loc = api.get(f"/v1/settings/{setting}").json()["location"]
        expected = round(haversine_miles(52.0, -2.0, loc["lat"], loc["lon"]), 1)
        assert p["distance_miles"] == expected, (p["distance_miles"], expected)
        assert p["is_local"] is local
    p = new_placement(api, org, provider_id=provider, setting_id=nowhere)
    assert p["distance_miles"] is None and p["is_local"] is None
    # Computed on read: moving the setting moves the distance at once.
    resp = api.patch(f"/v1/settings/{nowhere}", {"location": {"lat": 52.0, "lon": -2.0}})
    assert resp.status_code == 200, resp.text
    got = api.get(f"/v1/placements/{p['id']}", org=org).json()
    assert got["distance_miles"] == 0.0 and got["is_local"] is True


def test_events_started_changed_ended_and_reissue(api, council, stack_env):
    p = new_placement(api, council, start_date="2024-02-01")
    url = f"/v1/placements/{p['id']}"
    assert api.post(f"{url}/ipas", {"issued_on": "2024-02-01", "effective_from": "2024-02-01",
                                    "weekly_fee_pence": 450000}, org=council).status_code == 201
    assert api.patch(url, {"weekly_cost_pence": 470000}, org=council).status_code == 200
    assert api.patch(url, {"distance_reason": "Sibling nearby"}, org=council).status_code == 200
    resp = api.patch(url, {"end_date": "2024-08-31", "end_reason": "breakdown_child"}, org=council)
    assert resp.status_code == 200
    rows = psql(stack_env, "SELECT type || '|' || coalesce(payload->>'end_reason', '-') || '|' ||"
                           " (payload->>'ipa_status') || '|' || org_id || '|' || tenant_id"
                           f" FROM placements.outbox WHERE subject_id = '{p['id']}' ORDER BY seq")
    tail = f"|{council}|{DEMO_TENANT}"
    assert rows.splitlines() == [
        "placements.placement.started|-|missing" + tail,
        "placements.placement.changed|-|reissue_required" + tail,
        "placements.ipa.reissue_required|-|reissue_required" + tail,
        "placements.placement.changed|-|reissue_required" + tail,
        "placements.placement.ended|breakdown_child|reissue_required" + tail,
    ]
    # A PATCH that changes nothing emits nothing.
    assert api.patch(url, {"end_reason": "breakdown_child"}, org=council).status_code == 200
    count = psql(stack_env, f"SELECT count(*) FROM placements.outbox WHERE subject_id = '{p['id']}'")
    assert count == "5"


def test_reads_and_lists_are_audited(api, council, stack_env):
    p = new_placement(api, council)
    rid = "audit-" + uuid.uuid4().hex
    assert api.get(f"/v1/placements/{p['id']}", org=council,
                   headers={"X-Request-Id": rid}).status_code == 200
    row = psql(stack_env, "SELECT method || '|' || resource || '|' || resource_id || '|' || status"
                          f" || '|' || org_id FROM audit.events WHERE request_id = '{rid}'")
    assert row == f"GET|placement|{p['id']}|200|{council}"
    rid = "audit-" + uuid.uuid4().hex
    assert api.get("/v1/placements", org=council, headers={"X-Request-Id": rid}).status_code == 200
    row = psql(stack_env, "SELECT method || '|' || path || '|' || resource || '|' ||"
                          f" coalesce(resource_id, '-') FROM audit.events WHERE request_id = '{rid}'")
    assert row == "GET|/v1/placements|placement|-"


def test_seeded_demo_placements(api):
    items = api.get("/v1/placements", params={"limit": 500}, org=DEMO_COUNCIL).json()["items"]
    seeded = [p for p in items if p["id"].startswith("00000000-0000-4000-8000-0000000f")]
    assert len(seeded) >= 15
    assert {p["status"] for p in seeded} == {"active", "ended"}
    assert {p["provision"] for p in seeded} == {"internal", "external"}
    assert {True, False} <= {p["is_local"] for p in seeded}
    assert any(p["ipa_status"] == "reissue_required" for p in seeded)
    assert any(p["end_reason"] and p["end_reason"].startswith("breakdown") for p in seeded)
