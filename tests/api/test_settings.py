"""Settings: the registered homes, fostering services and supported
accommodation of the tenant's providers (API.md §3): create, read, filters,
keyset pages, CSV, merge patches with If-Match, idempotent creates, the URN
rule (unique per regulator within a tenant), cross-field rules, roles and
tenant isolation."""
import csv
import io
import subprocess
import uuid

import pytest

from conftest import unique
from hearth_client import assert_problem

SEEDED_PROVIDER = "00000000-0000-4000-8000-0000000a0001"
SEEDED_SETTING = "00000000-0000-4000-8000-0000000b0001"
ALL_ROLES = ("tenant_admin", "commissioner", "qa_officer", "viewer", "provider", "integration")


def new_provider(api, token=None, **overrides):
    body = {"name": unique("Setting Owner"), "provider_types": ["childrens_home"],
            "ownership": "private"}
    body.update(overrides)
    resp = api.post("/v1/providers", body, token=token)
    assert resp.status_code == 201, resp.text
    return resp.json()


def new_urn():
    return "SC" + uuid.uuid4().hex[:6].upper()


def setting_body(provider_id, **overrides):
    body = {"provider_id": provider_id, "name": unique("Rowan House"), "regulator": "ofsted",
            "urn": new_urn(), "setting_type": "childrens_home", "registered_places": 4,
            "address": {"line1": "3 Orchard Close", "town": "Gloucester", "postcode": "GL1 2AB"},
            "location": {"lat": 51.8642, "lon": -2.2382}, "host_authority_code": "E10000013",
            "registered_manager": {"name": "Helen Shaw", "in_post_since": "2021-04-01",
                                   "absent_since": None}}
    body.update(overrides)
    return body


@pytest.fixture(scope="module")
def owner(api):
    return new_provider(api)


def new_setting(api, provider_id, token=None, **overrides):
    resp = api.post("/v1/settings", setting_body(provider_id, **overrides), token=token)
    assert resp.status_code == 201, resp.text
    return resp.json()


def list_all(api, params, **kw):
    items, cursor = [], None
    while True:
        page = api.get("/v1/settings", params={**params, **({"cursor": cursor} if cursor else {})},
                       **kw)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def ids(api, token=None, **params):
    return [s["id"] for s in list_all(api, {"limit": 500, **params}, token=token)]


def test_seeded_settings_are_readable_by_every_role(api):
    for roles in ALL_ROLES:
        resp = api.get(f"/v1/settings/{SEEDED_SETTING}", roles=roles)
        assert resp.status_code == 200, resp.text
        assert resp.json()["provider_id"] == SEEDED_PROVIDER
        assert resp.json()["regulator"] == "ciw"
    seeded = [s for s in list_all(api, {"limit": 500})
              if s["id"].startswith("00000000-0000-4000-8000-0000000b")]
    assert 50 <= len(seeded) <= 70
    assert {"ofsted", "ciw"} <= {s["regulator"] for s in seeded}
    assert {"active", "suspended", "closed"} <= {s["status"] for s in seeded}


def test_create_returns_201_location_etag_and_the_stored_document(api, owner):
    body = setting_body(owner["id"], address={"line1": "3 Orchard Close", "town": "Gloucester",
                                              "postcode": "gl12ab"})
    resp = api.post("/v1/settings", body)
    assert resp.status_code == 201, resp.text
    setting = resp.json()
    assert resp.headers["Location"] == f"/v1/settings/{setting['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert setting["version"] == 1 and setting["status"] == "active"
    for field in ("provider_id", "name", "regulator", "urn", "setting_type", "registered_places",
                  "location", "host_authority_code", "registered_manager"):
        assert setting[field] == body[field], field
    assert setting["address"] == {"line1": "3 Orchard Close", "line2": None, "town": "Gloucester",
                                  "postcode": "GL1 2AB"}
    assert api.get(resp.headers["Location"]).json() == setting
    minimal = new_setting(api, owner["id"], urn=None, registered_places=None, address=None,
                          location=None, host_authority_code=None, registered_manager=None,
                          setting_type="fostering_service")
    assert minimal["location"] is None and minimal["registered_manager"] is None


@pytest.mark.parametrize("roles", ["viewer", "qa_officer", "provider", "integration"])
def test_only_commissioners_and_tenant_admins_write(api, owner, roles):
    assert_problem(api.post("/v1/settings", setting_body(owner["id"]), roles=roles),
                   403, "forbidden")
    assert_problem(api.patch(f"/v1/settings/{SEEDED_SETTING}", {"name": "X"}, roles=roles),
                   403, "forbidden")
    assert api.get("/v1/settings", params={"provider_id": owner["id"]},
                   roles=roles).status_code == 200


def test_tenant_admin_may_write_too(api, owner):
    resp = api.post("/v1/settings", setting_body(owner["id"]), roles="tenant_admin")
    assert resp.status_code == 201, resp.text


def test_required_fields_are_named(api):
    body = assert_problem(api.post("/v1/settings", {}), 400, "validation")
    assert {"provider_id", "name", "regulator", "setting_type"} <= {e["field"] for e in body["errors"]}
    body = assert_problem(api.post("/v1/settings", setting_body(str(uuid.uuid4()),
                                                                registered_manager={})), 400)
    assert "registered_manager.name" in {e["field"] for e in body["errors"]}


@pytest.mark.parametrize("change, field", [
    ({"name": ""}, "name"),
    ({"name": "n" * 201}, "name"),
    ({"regulator": "estyn"}, "regulator"),
    ({"setting_type": "hotel"}, "setting_type"),
    ({"status": "open"}, "status"),
    ({"urn": ""}, "urn"),
    ({"urn": "U" * 41}, "urn"),
    ({"urn": 123456}, "urn"),
    ({"registered_places": -1}, "registered_places"),
    ({"registered_places": 10001}, "registered_places"),
    ({"registered_places": 2.5}, "registered_places"),
    ({"location": {"lat": 90.5, "lon": 0}}, "location.lat"),
    ({"location": {"lat": -91, "lon": 0}}, "location.lat"),
    ({"location": {"lat": 51.5, "lon": 180.01}}, "location.lon"),
    ({"location": {"lat": 51.5}}, "location.lon"),
    ({"location": {"lat": "51.5", "lon": -3}}, "location.lat"),
    ({"address": {"line1": "1 Road", "town": "Swansea", "postcode": "SA99"}}, "address.postcode"),
    ({"address": {"line1": "1 Road", "town": "Swansea", "postcode": "S1 1AAA"}}, "address.postcode"),
    ({"host_authority_code": "W" * 41}, "host_authority_code"),
    ({"registered_manager": {"name": "A", "in_post_since": "2021-02-30"}},
     "registered_manager.in_post_since"),
    ({"registered_manager": {"name": "A", "absent_since": "soon"}}, "registered_manager.absent_since"),
    ({"registered_manager": {"name": "A", "in_post_since": "2022-05-01",
                             "absent_since": "2022-04-30"}}, "registered_manager.absent_since"),
    ({"regulator": "none"}, "urn"),
    ({"provider_id": "provider-1"}, "provider_id"),
    ({"inspected": True}, "inspected"),
])
def test_bad_input_is_400_naming_the_field(api, owner, change, field):
    body = {**setting_body(owner["id"]), **change}
    assert_problem(api.post("/v1/settings", body), 400, "validation", field=field)


def test_unregulated_setting_has_no_urn(api, owner):
    setting = new_setting(api, owner["id"], regulator="none", urn=None, setting_type="other")
    assert setting["urn"] is None
    resp = api.patch(f"/v1/settings/{setting['id']}", {"urn": "SC000001"})
    assert_problem(resp, 400, "validation", field="urn")


def test_unknown_provider_is_400_naming_provider_id(api, owner):
    resp = api.post("/v1/settings", setting_body(str(uuid.uuid4())))
    assert_problem(resp, 400, "validation", field="provider_id")
    setting = new_setting(api, owner["id"])
    resp = api.patch(f"/v1/settings/{setting['id']}", {"provider_id": str(uuid.uuid4())})
    assert_problem(resp, 400, "validation", field="provider_id")


def test_duplicate_urn_is_409_naming_the_existing_setting(api, owner):
    urn = new_urn()
    first = new_setting(api, owner["id"], urn=urn)
    resp = api.post("/v1/settings", setting_body(owner["id"], urn=urn))
    body = assert_problem(resp, 409, "conflict", field="urn")
    assert first["id"] in body["detail"]
    assert any(first["id"] in e["message"] for e in body["errors"] if e["field"] == "urn")
    # The same number with another regulator is another registration.
    other = new_setting(api, owner["id"], urn=urn, regulator="ciw")
    assert other["urn"] == urn
    # Moving a setting onto a taken URN names the holder too.
    third = new_setting(api, owner["id"])
    resp = api.patch(f"/v1/settings/{third['id']}", {"urn": urn})
    body = assert_problem(resp, 409, "conflict", field="urn")
    assert first["id"] in body["detail"]
    assert api.get(f"/v1/settings/{third['id']}").json()["urn"] == third["urn"]


def test_idempotent_create_replays_and_rejects_another_body(api, owner):
    key = str(uuid.uuid4())
    body = setting_body(owner["id"])
    first = api.post("/v1/settings", body, headers={"Idempotency-Key": key})
    again = api.post("/v1/settings", body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert ids(api, urn=body["urn"]) == [first.json()["id"]]
    other = api.post("/v1/settings", {**body, "urn": new_urn()}, headers={"Idempotency-Key": key})
    assert_problem(other, 422, "idempotency-key-reused", field="Idempotency-Key")


def test_patch_with_if_match_stale_version_and_merge(api, owner, stack_env):
    setting = new_setting(api, owner["id"])
    path = f"/v1/settings/{setting['id']}"
    resp = api.patch(path, {"registered_places": 5, "location": {"lat": 51.9},
                            "registered_manager": {"absent_since": "2025-10-01"}},
                     headers={"If-Match": '"1"'})
    assert resp.status_code == 200, resp.text
    updated = resp.json()
    assert updated["version"] == 2 and resp.headers["ETag"] == '"2"'
    assert updated["registered_places"] == 5
    assert updated["location"] == {"lat": 51.9, "lon": setting["location"]["lon"]}
    assert updated["registered_manager"] == {**setting["registered_manager"],
                                             "absent_since": "2025-10-01"}
    assert_problem(api.patch(path, {"name": "Lost"}, headers={"If-Match": '"1"'}),
                   412, "precondition-failed")
    assert api.get(path).json() == updated
    # The merged document is checked: an absence before the stored start date.
    resp = api.patch(path, {"registered_manager": {"absent_since": "2020-01-01"}})
    assert_problem(resp, 400, "validation", field="registered_manager.absent_since")
    resp = api.patch(path, {"registered_manager": {"in_post_since": "2025-10-02"}})
    assert_problem(resp, 400, "validation", field="registered_manager.absent_since")
    assert_problem(api.patch(path, {"location": {"lon": 200}}), 400, field="location.lon")
    assert_problem(api.patch(path, {"regulator": None}), 400, field="regulator")
    closed = api.patch(path, {"status": "closed", "registered_manager": None})
    assert closed.json()["status"] == "closed" and closed.json()["registered_manager"] is None
    assert closed.json()["version"] == 3
    assert api.get(path).status_code == 200
    types = subprocess.run(
        ["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c",
         "SELECT string_agg(type, ',' ORDER BY seq) FROM providers.outbox "
         f"WHERE subject_id = '{setting['id']}'"],
        check=True, capture_output=True, text=True).stdout.strip()
    assert types.split(",") == ["providers.setting.created", "providers.setting.updated",
                                "providers.setting.updated", "providers.setting.closed"]
    assert_problem(api.patch(f"/v1/settings/{uuid.uuid4()}", {"name": "X"}), 404, "not-found")


def test_pagination_walks_every_item_exactly_once(api):
    provider = new_provider(api)
    made = [new_setting(api, provider["id"])["id"] for _ in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"provider_id": provider["id"], "limit": 3,
                  **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/settings", params=params).json()
        assert len(page["items"]) <= 3
        seen += [s["id"] for s in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        new_setting(api, new_provider(api)["id"])
    assert seen == made
    assert pages == 3
    page = api.get("/v1/settings", params={"provider_id": provider["id"], "limit": 3}).json()
    resp = api.get("/v1/settings", params={"provider_id": provider["id"], "status": "active",
                                           "limit": 3, "cursor": page["next_cursor"]})
    assert_problem(resp, 400, "validation", field="cursor")


def test_filters(api):
    provider = new_provider(api)
    pid = provider["id"]
    home = new_setting(api, pid)
    wales = new_setting(api, pid, regulator="ciw", urn="SIN-" + uuid.uuid4().hex[:8],
                        setting_type="supported_accommodation", status="suspended")
    fostering = new_setting(api, pid, setting_type="fostering_service", status="closed",
                            urn=None)
    assert ids(api, provider_id=pid) == [home["id"], wales["id"], fostering["id"]]
    assert ids(api, provider_id=pid, regulator="ciw") == [wales["id"]]
    assert ids(api, provider_id=pid, regulator="ofsted") == [home["id"], fostering["id"]]
    assert ids(api, urn=home["urn"]) == [home["id"]]
    assert ids(api, urn=wales["urn"], regulator="ciw") == [wales["id"]]
    assert ids(api, urn=wales["urn"], regulator="ofsted") == []
    assert ids(api, provider_id=pid, setting_type="fostering_service") == [fostering["id"]]
    assert ids(api, provider_id=pid, status="suspended") == [wales["id"]]
    assert ids(api, provider_id=pid, status="closed", setting_type="childrens_home") == []
    assert all(s["regulator"] == "ciw" for s in list_all(api, {"limit": 500, "regulator": "ciw"}))
    assert ids(api, provider_id=str(uuid.uuid4())) == []
    for name, bad in (("provider_id", "abc"), ("regulator", "estyn"), ("setting_type", "hotel"),
                      ("status", "open"), ("urn", "x" * 201), ("q", "rowan")):
        assert_problem(api.get("/v1/settings", params={name: bad}), 400, "validation", field=name)


def test_csv_list(api):
    provider = new_provider(api)
    made = new_setting(api, provider["id"], name='Rowan House, "East"')
    resp = api.get("/v1/settings", params={"provider_id": provider["id"]},
                   headers={"Accept": "text/csv"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.text)))
    header = rows[0]
    assert header[:3] == ["id", "provider_id", "name"]
    assert {"urn", "address.postcode", "location.lat", "registered_manager.name",
            "registered_manager.in_post_since"} <= set(header)
    assert len(rows) == 2
    row = dict(zip(header, rows[1]))
    assert row["id"] == made["id"] and row["name"] == 'Rowan House, "East"'
    assert '"Rowan House, ""East"""' in resp.text
    assert row["address.postcode"] == "GL1 2AB"
    assert float(row["location.lat"]) == 51.8642
    assert row["registered_manager.in_post_since"] == "2021-04-01"
    assert row["registered_manager.absent_since"] == ""


def test_other_tenant_sees_nothing_of_ours(api, owner, other_tenant):
    ours = new_setting(api, owner["id"])
    token = other_tenant["admin_token"]
    path = f"/v1/settings/{ours['id']}"
    assert_problem(api.get(path, token=token), 404, "not-found")
    assert_problem(api.patch(path, {"name": "Hijack"}, token=token), 404, "not-found")
    assert_problem(api.get(f"/v1/settings/{SEEDED_SETTING}", token=token), 404, "not-found")
    assert api.get(path).json() == ours
    assert ids(api, token=token, provider_id=owner["id"]) == []
    assert ids(api, token=token, urn=ours["urn"]) == []
    assert not set(ids(api, token=token)) & {ours["id"], SEEDED_SETTING}
    # A setting of theirs may not hang off our provider: the key carries the tenant.
    resp = api.post("/v1/settings", setting_body(owner["id"]), token=token)
    assert_problem(resp, 400, "validation", field="provider_id")
    # URNs are unique per tenant: they may register the same URN in their own tenant.
    theirs_provider = new_provider(api, token=token)
    theirs = new_setting(api, theirs_provider["id"], token=token, urn=ours["urn"])
    assert theirs["urn"] == ours["urn"]
    assert ids(api, token=token, urn=ours["urn"]) == [theirs["id"]]
    assert ids(api, urn=ours["urn"]) == [ours["id"]]
    assert_problem(api.get(f"/v1/settings/{theirs['id']}"), 404, "not-found")
    # ... and a duplicate there names only their own setting.
    dup = api.post("/v1/settings", setting_body(theirs_provider["id"], urn=ours["urn"]), token=token)
    body = assert_problem(dup, 409, "conflict", field="urn")
    assert theirs["id"] in body["detail"] and ours["id"] not in body["detail"]
