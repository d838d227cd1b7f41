"""The sufficiency report's kept counts (placements 030/031) against the
report computed from the rows (004's computation, kept as
placements.sufficiency_doc_from_rows), after every kind of change a
placement, its child, its setting or its organisation can go through: POST,
PATCH of dates, ending, reopening, a move to another provider and setting, a
change of type and provision, the child's attributes, PUT by reference, a
batch push and its re-push with changes, a setting's new location, an
organisation's new centre and radius, and (as the database's owner) multi-row
UPDATE and DELETE.

After each change, for a spread of days (before anything, each boundary, far
after): the document of the kept counts equals the one from the rows, byte
for byte, in both scopes (this council; the whole tenant); the API answers
that document to the council and to the consortium team; no kept count
differs from the rows' (sufficiency_open_drift, every tenant); and the
service's role, in a council's request, reads only that council's counts.
"""
import json
import math
import re
import subprocess
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, DEMO_TENANT
from records import as_role

CENTRE = {"lat": 52.3, "lon": -3.4}
EARTH_MILES = 3958.8
DAYS = ["2015-01-01", "2024-12-31", "2025-01-01", "2025-06-30", "2025-07-01", "2026-01-15",
        "2026-02-28", "2026-03-01", "2027-06-01", "2035-01-01"]
WRITER = {"roles": "integration", "sub": "counts-test"}


def north_of_centre(miles):
    return {"lat": CENTRE["lat"] + math.degrees(miles / EARTH_MILES), "lon": CENTRE["lon"]}


def admin(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-v", "ON_ERROR_STOP=1",
                          "-At", "-c", sql], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def ok(resp, status=(200, 201)):
    assert resp.status_code in status, resp.text
    return resp.json()


def org_scope(org):
    return json.dumps({"kind": "organisation", "org_id": org})


def tenant_scope():
    return json.dumps({"kind": "tenant", "tenant_id": DEMO_TENANT})


def assert_counts_match(api, stack_env, org):
    """The kept counts and the rows agree for `org` and for the tenant."""
    assert admin(stack_env, "SELECT count(*) FROM placements.sufficiency_open_drift(NULL)") == "0"
    own = f"'{DEMO_TENANT}', '{org}', '{org_scope(org)}'"
    whole = f"'{DEMO_TENANT}', NULL, '{tenant_scope()}'"
    rows = admin(stack_env, f"""
        SELECT json_agg(json_build_object(
            'day', d,
            'same', placements.sufficiency_doc(d, {own})::text
                  = placements.sufficiency_doc_from_rows(d, {own})::text
                AND placements.sufficiency_doc(d, {whole})::text
                  = placements.sufficiency_doc_from_rows(d, {whole})::text,
            'org', placements.sufficiency_doc_from_rows(d, {own}),
            'tenant', placements.sufficiency_doc_from_rows(d, {whole})))
        FROM unnest('{{{",".join(DAYS)}}}'::date[]) AS d""")
    for day in json.loads(rows):
        assert day["same"], day["day"]
        for who, want in ((org, day["org"]), (DEMO_CONSORTIUM, day["tenant"])):
            got = ok(api.get("/v1/reports/sufficiency", org=who, roles="viewer",
                             params={"as_at": day["day"]}))
            assert got == want, (day["day"], who)
    return json.loads(rows)


@pytest.fixture(scope="module")
def world(api):
    org = ok(api.post("/v1/organisations", {
        "kind": "local_authority", "name": unique("Counts Council"), "code": unique("W07"),
        "centre": CENTRE, "local_radius_miles": 4}, roles="tenant_admin"))["id"]
    prov = [ok(api.post("/v1/providers", {"name": unique(f"Counts Provider {i}"),
                                          "provider_types": ["childrens_home"],
                                          "ownership": "private"}))["id"] for i in range(2)]
    settings = {}
    for key, owner, miles in (("near", 0, 1.0), ("far", 0, 9.0), ("other", 1, 2.0)):
        settings[key] = ok(api.post("/v1/settings", {
            "provider_id": prov[owner], "name": unique(f"Counts Home {key}"), "regulator": "ciw",
            "setting_type": "childrens_home", "location": north_of_centre(miles)}))["id"]
    return {"org": org, "providers": prov, "settings": settings, "children": {},
            "placements": {}}


def new_child(api, world, key, birth_month, gender, legal_status):
    world["children"][key] = ok(api.post("/v1/children", {
        "local_ref": unique("CC"), "birth_month": birth_month, "gender": gender,
        "legal_status": legal_status}, org=world["org"]))
    return world["children"][key]


def new_placement(api, world, key, child, placement_type, start, end=None, setting=None):
    body = {"child_id": world["children"][child]["id"], "external_ref": unique("CP"),
            "placement_type": placement_type, "provision": "internal", "start_date": start}
    if end:
        body.update(end_date=end, end_reason="planned")
    if setting:
        body.update(provision="external", provider_id=world["providers"][0],
                    setting_id=world["settings"][setting])
    world["placements"][key] = ok(api.post("/v1/placements", body, org=world["org"]))
    return world["placements"][key]


def patch(api, world, path, body, as_council=True, **kw):
    if as_council:
        kw["org"] = world["org"]
    current = ok(api.get(path, **kw))
    return ok(api.patch(path, body, headers={"If-Match": f'"{current["version"]}"'}, **kw))


def patch_placement(api, world, key, body):
    world["placements"][key] = patch(api, world, f"/v1/placements/{world['placements'][key]['id']}",
                                     body)


def push_item(ref, child_ref, birth_month="2013-04", gender="female", legal="s20", **fields):
    item = {"external_ref": ref,
            "child": {"local_ref": child_ref, "birth_month": birth_month, "gender": gender,
                      "legal_status": legal},
            "placement_type": "fostering", "provision": "internal", "sourcing": "in_house",
            "start_date": "2025-03-01"}
    item.update(fields)
    return item


def test_created_placements(api, stack_env, world):
    new_child(api, world, "a", "2021-06", "female", "s20")
    new_child(api, world, "b", "2010-02", "male", "full_care_order")
    new_child(api, world, "c", "2008-07", "other", "remand")
    new_child(api, world, "d", "2016-11", "unknown", "placement_order")
    new_placement(api, world, "open", "a", "fostering", "2025-01-01")
    new_placement(api, world, "near", "b", "residential", "2025-07-01", setting="near")
    new_placement(api, world, "ended", "c", "residential", "2024-01-01", "2025-06-30",
                  setting="far")
    new_placement(api, world, "future", "d", "fostering", "2027-01-01")
    days = assert_counts_match(api, stack_env, world["org"])
    # The council's own figures are there (the test is not comparing nothing).
    by_day = {d["day"]: d["org"] for d in days}
    assert by_day["2025-07-01"]["totals"]["total"] == 2
    assert by_day["2025-07-01"]["totals"]["local"] == 1
    assert by_day["2027-06-01"]["totals"]["total"] == 3


def test_dates_changed_ended_and_reopened(api, stack_env, world):
    patch_placement(api, world, "open", {"start_date": "2026-03-01"})
    patch_placement(api, world, "near", {"end_date": "2026-02-28", "end_reason": "planned"})
    patch_placement(api, world, "ended", {"end_date": None, "end_reason": None})
    patch_placement(api, world, "future", {"start_date": "2025-06-30"})
    assert_counts_match(api, stack_env, world["org"])


def test_moved_to_another_provider_and_setting_and_type(api, stack_env, world):
    s = world["settings"]
    patch_placement(api, world, "ended", {"provider_id": world["providers"][1],
                                          "setting_id": s["other"]})
    patch_placement(api, world, "open", {"provision": "external",
                                         "provider_id": world["providers"][0],
                                         "setting_id": s["far"], "placement_type": "residential"})
    assert_counts_match(api, stack_env, world["org"])


def test_child_attributes_changed(api, stack_env, world):
    for key, body in (("a", {"gender": "male", "birth_month": "2019-01"}),
                      ("c", {"legal_status": "s20"}), ("b", {"birth_month": "2009-12"})):
        world["children"][key] = patch(api, world, f"/v1/children/{world['children'][key]['id']}",
                                       body)
    assert_counts_match(api, stack_env, world["org"])


def test_put_by_reference(api, stack_env, world):
    ref, child_ref = unique("CPUT"), unique("CPUTC")
    ok(api.request("PUT", f"/v1/placements/by-ref/{ref}", org=world["org"], **WRITER,
                   json_body={k: v for k, v in push_item(ref, child_ref).items()
                              if k != "external_ref"}))
    assert_counts_match(api, stack_env, world["org"])
    changed = push_item(ref, child_ref, birth_month="2004-05", gender="other", legal="remand",
                        placement_type="residential", provision="external", sourcing="spot",
                        provider_id=world["providers"][0], setting_id=world["settings"]["near"])
    del changed["external_ref"]
    body = ok(api.request("PUT", f"/v1/placements/by-ref/{ref}", org=world["org"], **WRITER,
                          json_body=changed))
    assert body["outcome"] == "updated"
    assert_counts_match(api, stack_env, world["org"])


def test_batch_push_and_changed_re_push(api, stack_env, world):
    tag = uuid.uuid4().hex[:8]
    s = world["settings"]
    items = [push_item(f"CB{tag}-{i}", f"CB{tag}C-{i}",
                       birth_month=f"{2006 + i % 12}-{1 + i % 12:02d}",
                       gender=("female", "male", "other", "unknown")[i % 4],
                       start_date=f"{2024 + i % 3}-{1 + i % 12:02d}-01",
                       **({"provision": "external", "placement_type": "residential",
                           "sourcing": "spot", "provider_id": world["providers"][0],
                           "setting_id": s["near" if i % 4 == 1 else "far"]} if i % 2 else {}))
             for i in range(60)]
    for item in items[::5]:
        item.update(end_date="2026-12-31", end_reason="planned")
    resp = ok(api.post("/v1/placements/batch", {"items": items}, org=world["org"], **WRITER))
    assert {r["outcome"] for r in resp["results"]} == {"created"}
    assert_counts_match(api, stack_env, world["org"])
    # Again with changes: some end, some reopen, some children change, some move.
    for i, item in enumerate(items):
        if i % 5 == 0:
            item.pop("end_date")
            item.pop("end_reason")
        elif i % 7 == 0:
            item.update(end_date="2026-12-15", end_reason="planned")
        if i % 3 == 0:
            item["child"]["legal_status"] = "interim_care_order"
            item["child"]["birth_month"] = "2011-09"
        if i % 2 and i % 11 == 0:
            item.update(provider_id=world["providers"][1], setting_id=s["other"])
    resp = ok(api.post("/v1/placements/batch", {"items": items}, org=world["org"], **WRITER))
    assert "updated" in {r["outcome"] for r in resp["results"]}
    assert "error" not in {r["outcome"] for r in resp["results"]}
    assert_counts_match(api, stack_env, world["org"])


def test_setting_moved_and_radius_changed(api, stack_env, world):
    far = world["settings"]["far"]
    patch(api, world, f"/v1/settings/{far}", {"location": north_of_centre(2.5)},
          as_council=False)
    assert_counts_match(api, stack_env, world["org"])
    patch(api, world, f"/v1/organisations/{world['org']}",
          {"local_radius_miles": 1.5,
           "centre": {"lat": CENTRE["lat"] + 0.01, "lon": CENTRE["lon"]}},
          as_council=False, roles="tenant_admin")
    assert_counts_match(api, stack_env, world["org"])


def test_owner_updates_and_deletes(api, stack_env, world):
    org = world["org"]
    # Several rows in one statement, dates and keys at once.
    admin(stack_env, f"""
        UPDATE placements.placements SET placement_type = 'other', start_date = start_date - 30
        WHERE org_id = '{org}' AND external_ref LIKE 'CB%' AND end_date IS NULL
          AND random() < 2""")
    assert_counts_match(api, stack_env, org)
    admin(stack_env, f"""
        DELETE FROM placements.placements p
        WHERE p.org_id = '{org}' AND p.external_ref LIKE 'CB%-1_'
          AND NOT EXISTS (SELECT 1 FROM placements.ipas i WHERE i.placement_id = p.id)""")
    assert_counts_match(api, stack_env, org)


def test_a_council_reads_only_its_own_counts(stack_env, world):
    org = world["org"]
    out = as_role(stack_env, "hearth_placements",
                  "SELECT count(*) FILTER (WHERE org_id = hearth.current_org()), "
                  "count(*) FILTER (WHERE org_id <> hearth.current_org()) "
                  "FROM placements.sufficiency_open", tenant=DEMO_TENANT, org=org)
    assert out.returncode == 0, out.stderr
    own, others = re.search(r"^(\d+)\|(\d+)$", out.stdout, re.M).groups()
    assert int(own) > 0 and int(others) == 0
    # Other councils' counts exist in the tenant all the same.
    assert int(admin(stack_env, f"SELECT count(DISTINCT org_id) FROM placements.sufficiency_open "
                                f"WHERE tenant_id = '{DEMO_TENANT}'")) > 1
