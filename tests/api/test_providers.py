"""Providers: the register every organisation of a tenant reads and
commissioners keep (API.md §3): create, read, filtered keyset lists, CSV,
merge-patch updates with If-Match, idempotent creates, strict validation,
roles, events and tenant isolation."""
import csv
import io
import subprocess
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_COUNCIL, DEMO_COUNCIL_2, assert_problem

SEEDED_PROVIDER = "00000000-0000-4000-8000-0000000a0001"
ALL_ROLES = ("tenant_admin", "commissioner", "qa_officer", "viewer", "provider", "integration")


def provider_body(**overrides):
    body = {"name": unique("Provider"), "legal_name": "Example Care Ltd",
            "company_number": "01234567", "provider_types": ["childrens_home"],
            "ownership": "private",
            "address": {"line1": "1 High Street", "town": "Cardiff", "postcode": "CF10 1AA"},
            "contact": {"name": "Sian Morgan", "email": "sian@example.org", "phone": "029 2018 0000"},
            "lead_org_id": DEMO_COUNCIL}
    body.update(overrides)
    return body


def new_provider(api, **overrides):
    resp = api.post("/v1/providers", provider_body(**overrides))
    assert resp.status_code == 201, resp.text
    return resp.json()


def list_all(api, params, **kw):
    """Every item of a filtered list, walking the pages."""
    items, cursor = [], None
    while True:
        page = api.get("/v1/providers", params={**params, **({"cursor": cursor} if cursor else {})},
                       **kw)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def psql(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def test_seeded_register_is_readable_by_every_role(api):
    for roles in ALL_ROLES:
        resp = api.get(f"/v1/providers/{SEEDED_PROVIDER}", roles=roles)
        assert resp.status_code == 200, resp.text
        assert resp.json()["name"] == "Willowbrook Care"
        assert resp.headers["ETag"] == f'"{resp.json()["version"]}"'
        listed = api.get("/v1/providers", params={"limit": 5}, roles=roles)
        assert listed.status_code == 200 and listed.json()["items"]
    seeded = list_all(api, {"limit": 500})
    demo = [p for p in seeded if p["id"].startswith("00000000-0000-4000-8000-0000000a")]
    assert len(demo) == 36
    assert {p["status"] for p in demo} == {"active", "suspended", "closed"}


def test_create_returns_201_location_etag_and_the_stored_document(api):
    body = provider_body(address={"line1": "2 Mill Lane", "line2": None, "town": "Newport",
                                  "postcode": "np20 1ab"},
                         provider_types=["fostering_agency", "childrens_home"])
    resp = api.post("/v1/providers", body)
    assert resp.status_code == 201, resp.text
    provider = resp.json()
    assert resp.headers["Location"] == f"/v1/providers/{provider['id']}"
    assert resp.headers["ETag"] == '"1"'
    assert provider["version"] == 1 and provider["status"] == "active"
    assert provider["name"] == body["name"]
    assert provider["provider_types"] == ["fostering_agency", "childrens_home"]
    assert provider["address"] == {"line1": "2 Mill Lane", "line2": None, "town": "Newport",
                                   "postcode": "NP20 1AB"}
    assert provider["contact"] == body["contact"]
    assert provider["lead_org_id"] == DEMO_COUNCIL
    fetched = api.get(resp.headers["Location"])
    assert fetched.json() == provider and fetched.headers["ETag"] == '"1"'
    # A minimal provider: only the required fields.
    minimal = new_provider(api, legal_name=None, company_number=None, address=None,
                           contact=None, lead_org_id=None)
    assert minimal["address"] is None and minimal["contact"] is None


def test_created_and_status_events_are_in_the_outbox(api, stack_env):
    provider = new_provider(api)
    path = f"/v1/providers/{provider['id']}"
    for status in ("suspended", "active", "closed"):
        assert api.patch(path, {"status": status}).status_code == 200
    api.patch(path, {"status": "closed"})  # no change: no event
    types = psql(stack_env, "SELECT string_agg(type, ',' ORDER BY seq) FROM "
                            f"providers.outbox WHERE subject_id = '{provider['id']}'")
    assert types.split(",") == [
        "providers.provider.created",
        "providers.provider.updated", "providers.provider.suspended",
        "providers.provider.updated", "providers.provider.reactivated",
        "providers.provider.updated", "providers.provider.closed"]


@pytest.mark.parametrize("roles", ["viewer", "qa_officer", "provider", "integration"])
def test_only_commissioners_and_tenant_admins_write(api, roles):
    assert_problem(api.post("/v1/providers", provider_body(), roles=roles), 403, "forbidden")
    assert_problem(api.patch(f"/v1/providers/{SEEDED_PROVIDER}", {"name": "X"}, roles=roles),
                   403, "forbidden")
    assert api.get(f"/v1/providers/{SEEDED_PROVIDER}", roles=roles).status_code == 200


def test_tenant_admin_may_write_too(api):
    resp = api.post("/v1/providers", provider_body(), roles="tenant_admin")
    assert resp.status_code == 201, resp.text
    patched = api.patch(resp.headers["Location"], {"ownership": "voluntary"}, roles="tenant_admin")
    assert patched.status_code == 200 and patched.json()["ownership"] == "voluntary"


def test_required_fields_are_named(api):
    body = assert_problem(api.post("/v1/providers", {}), 400, "validation")
    assert {"name", "provider_types", "ownership"} <= {e["field"] for e in body["errors"]}


@pytest.mark.parametrize("change, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": 12}, "name"),
    ({"legal_name": "y" * 201}, "legal_name"),
    ({"ownership": "public"}, "ownership"),
    ({"status": "deleted"}, "status"),
    ({"provider_types": []}, "provider_types"),
    ({"provider_types": "childrens_home"}, "provider_types"),
    ({"provider_types": ["childrens_home", "kennels"]}, "provider_types[1]"),
    ({"provider_types": ["childrens_home", "childrens_home"]}, "provider_types[1]"),
    ({"company_number": "sc123456"}, "company_number"),
    ({"company_number": "1234567"}, "company_number"),
    ({"company_number": "S1234567"}, "company_number"),
    ({"company_number": "0123456X"}, "company_number"),
    ({"charity_number": "9" * 21}, "charity_number"),
    ({"address": {"line1": "1 Road", "town": "Cardiff", "postcode": "CF10 1A"}}, "address.postcode"),
    ({"address": {"line1": "1 Road", "town": "Cardiff", "postcode": "123 ABC"}}, "address.postcode"),
    ({"address": {"line1": "1 Road", "postcode": "CF10 1AA"}}, "address.town"),
    ({"address": {"line1": "1 Road", "town": "Cardiff", "postcode": "CF10 1AA", "county": "X"}},
     "address.county"),
    ({"contact": {"email": "not-an-email"}}, "contact.email"),
    ({"contact": {"phone": "0" * 41}}, "contact.phone"),
    ({"lead_org_id": "council-1"}, "lead_org_id"),
    ({"framework": "x"}, "framework"),
    ({"id": str(uuid.uuid4())}, "id"),
    ({"version": 3}, "version"),
])
def test_bad_input_is_400_naming_the_field(api, change, field):
    assert_problem(api.post("/v1/providers", provider_body(**change)), 400, "validation",
                   field=field)


def test_scottish_and_llp_company_numbers_are_accepted(api):
    for number in ("SC123456", "OC301234", "00012345"):
        assert new_provider(api, company_number=number)["company_number"] == number


def test_lead_org_must_be_an_organisation_of_the_tenant(api, other_tenant):
    for lead in (str(uuid.uuid4()), other_tenant["org"]):
        resp = api.post("/v1/providers", provider_body(lead_org_id=lead))
        assert_problem(resp, 400, "validation", field="lead_org_id")
    provider = new_provider(api)
    resp = api.patch(f"/v1/providers/{provider['id']}", {"lead_org_id": other_tenant["org"]})
    assert_problem(resp, 400, "validation", field="lead_org_id")


def test_malformed_bodies(api):
    resp = api.post("/v1/providers", data='{"name": "A", "name": "B"}',
                    headers={"Content-Type": "application/json"})
    assert_problem(resp, 400, "validation")
    resp = api.post("/v1/providers", data="name=A", headers={"Content-Type": "text/plain"})
    assert_problem(resp, 415, "unsupported-media-type")


def test_idempotent_create_replays_and_rejects_another_body(api):
    key = str(uuid.uuid4())
    body = provider_body()
    first = api.post("/v1/providers", body, headers={"Idempotency-Key": key})
    again = api.post("/v1/providers", body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert [p["id"] for p in list_all(api, {"q": body["name"]})] == [first.json()["id"]]
    other = api.post("/v1/providers", {**body, "name": body["name"] + " Two"},
                     headers={"Idempotency-Key": key})
    assert_problem(other, 422, "idempotency-key-reused", field="Idempotency-Key")
    assert list_all(api, {"q": body["name"] + " Two"}) == []


def test_patch_with_if_match_stale_version_and_merge(api):
    provider = new_provider(api)
    path = f"/v1/providers/{provider['id']}"
    resp = api.patch(path, {"name": provider["name"] + " Renamed",
                            "address": {"postcode": "sa1 1aa"}, "contact": {"phone": None}},
                     headers={"If-Match": '"1"'})
    assert resp.status_code == 200, resp.text
    updated = resp.json()
    assert updated["version"] == 2 and resp.headers["ETag"] == '"2"'
    assert updated["name"] == provider["name"] + " Renamed"
    assert updated["address"] == {**provider["address"], "postcode": "SA1 1AA"}
    assert updated["contact"] == {**provider["contact"], "phone": None}
    stale = api.patch(path, {"name": "Lost update"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "precondition-failed")
    assert api.get(path).json() == updated
    same = api.patch(path, {"name": updated["name"]}, headers={"If-Match": '"2"'})
    assert same.status_code == 200 and same.json()["version"] == 2
    cleared = api.patch(path, {"legal_name": None, "address": None})
    assert cleared.json()["legal_name"] is None and cleared.json()["address"] is None
    assert cleared.json()["version"] == 3
    assert_problem(api.patch(path, {"name": None}), 400, "validation", field="name")
    assert_problem(api.patch(path, {"provider_types": []}), 400, "validation",
                   field="provider_types")
    assert_problem(api.patch(path, {"company_number": "12"}), 400, "validation",
                   field="company_number")
    assert_problem(api.patch(path, {"address": {"line1": "1 Road"}}), 400, "validation",
                   field="address.town")
    assert_problem(api.patch(path, {"name": "X"}, headers={"If-Match": "soon"}), 400,
                   field="If-Match")
    assert_problem(api.patch(f"/v1/providers/{uuid.uuid4()}", {"name": "X"}), 404, "not-found")
    assert_problem(api.get("/v1/providers/not-a-uuid"), 404, "not-found")


def test_pagination_walks_every_item_exactly_once(api):
    tag = unique("Paged")
    made = [new_provider(api, name=f"{tag} {i}")["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"q": tag, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/providers", params=params).json()
        assert len(page["items"]) <= 3
        seen += [p["id"] for p in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        new_provider(api, name=unique("Inserted between pages"))
    assert seen == made
    assert pages == 3
    bad = api.get("/v1/providers", params={"q": "other", "limit": 3, "cursor": "abc"})
    assert_problem(bad, 400, "validation", field="cursor")
    for limit in ("0", "501", "x"):
        assert_problem(api.get("/v1/providers", params={"limit": limit}), 400, field="limit")


def test_filters(api):
    tag = unique("Filter")
    home = new_provider(api, name=f"{tag} Maple Homes", provider_types=["childrens_home"])
    fostering = new_provider(api, name=f"{tag} maple fostering",
                             provider_types=["fostering_agency", "supported_accommodation"],
                             status="suspended")
    other = new_provider(api, name=f"{tag} Oak Care", provider_types=["other"], status="closed")

    def ids(**params):
        return [p["id"] for p in list_all(api, {"limit": 500, **params})]

    assert ids(q=tag) == [home["id"], fostering["id"], other["id"]]
    assert ids(q=f"{tag} MAPLE") == [home["id"], fostering["id"]]
    assert ids(q=f"{tag.upper()} oak") == [other["id"]]
    assert ids(q=tag, status="suspended") == [fostering["id"]]
    assert ids(q=tag, status="closed") == [other["id"]]
    assert ids(q=tag, provider_type="supported_accommodation") == [fostering["id"]]
    assert ids(q=tag, provider_type="childrens_home") == [home["id"]]
    assert ids(q=tag, provider_type="childrens_home", status="suspended") == []
    all_fostering = list_all(api, {"limit": 500, "provider_type": "fostering_agency"})
    assert all("fostering_agency" in p["provider_types"] for p in all_fostering)
    assert_problem(api.get("/v1/providers", params={"status": "gone"}), 400, field="status")
    assert_problem(api.get("/v1/providers", params={"provider_type": "kennels"}), 400,
                   field="provider_type")
    assert_problem(api.get("/v1/providers", params={"q": "x" * 201}), 400, field="q")
    assert_problem(api.get("/v1/providers", params={"name": "x"}), 400, field="name")


def test_q_is_plain_text_not_a_pattern(api):
    tag = unique("Wild")
    literal = new_provider(api, name=f"{tag} 100%_Care")
    new_provider(api, name=f"{tag} 100 and more Care")
    assert [p["id"] for p in list_all(api, {"q": f"{tag} 100%_"})] == [literal["id"]]
    assert list_all(api, {"q": f"{tag} %"}) == []
    assert list_all(api, {"q": f"{tag}_"}) == []
    backslash = new_provider(api, name=f"{tag} A\\B")
    assert [p["id"] for p in list_all(api, {"q": f"{tag.lower()} a\\b"})] == [backslash["id"]]


def test_q_of_one_or_two_characters_still_filters(api):
    # Shorter than a trigram: the index has nothing to look up, the match is
    # still the plain substring test.
    tag = unique("Short")
    made = new_provider(api, name=f"{tag} Æ Qv Care")
    for q in ("æ", "QV", "qV"):
        found = list_all(api, {"q": q, "limit": 500})
        assert made["id"] in [p["id"] for p in found]
        assert all(q.lower() in p["name"].lower() for p in found)


def test_q_folds_case_beyond_ascii_but_keeps_accents(api):
    tag = unique("Accent")
    cafe = new_provider(api, name=f"{tag} Café Étoile")
    plain = new_provider(api, name=f"{tag} Cafe Etoile")
    assert [p["id"] for p in list_all(api, {"q": f"{tag} CAFÉ éTOILE"})] == [cafe["id"]]
    assert [p["id"] for p in list_all(api, {"q": f"{tag} cafe"})] == [plain["id"]]
    assert [p["id"] for p in list_all(api, {"q": tag.upper()})] == [cafe["id"], plain["id"]]


def test_q_of_only_wildcard_characters_matches_them_literally(api):
    tag = unique("Literal")
    percent = new_provider(api, name=f"{tag} 50% Care")
    underscore = new_provider(api, name=f"{tag} Care_Homes")
    new_provider(api, name=f"{tag} Plain Care")
    for q, made in (("%", percent), ("_", underscore), ("% c", percent), ("e_h", underscore)):
        found = list_all(api, {"q": q, "limit": 500})
        assert made["id"] in [p["id"] for p in found]
        assert all(q.lower() in p["name"].lower() for p in found)
    assert [p["id"] for p in list_all(api, {"q": f"{tag} 50%"})] == [percent["id"]]
    # As LIKE wildcards these would match "50% Care" and "Plain Care".
    assert list_all(api, {"q": f"{tag}%Care"}) == []
    assert list_all(api, {"q": f"{tag} Plain_Care"}) == []


def test_q_pages_with_other_filters_and_an_empty_q(api):
    tag = unique("Pages")
    made = [new_provider(api, name=f"{tag} Home {i}", status="suspended" if i % 2 else "active")
            for i in range(5)]
    assert [p["id"] for p in list_all(api, {"q": tag, "limit": 2})] == [m["id"] for m in made]
    assert ([p["id"] for p in list_all(api, {"q": tag.lower(), "status": "suspended", "limit": 1})]
            == [made[1]["id"], made[3]["id"]])
    # An empty q is the empty substring: every provider, as without q.
    everything = api.get("/v1/providers", params={"q": "", "limit": 3}).json()["items"]
    unfiltered = api.get("/v1/providers", params={"limit": 3}).json()["items"]
    assert len(everything) == 3
    assert [p["id"] for p in everything] == [p["id"] for p in unfiltered]


def test_csv_list(api):
    tag = unique("Csv")
    made = new_provider(api, name=f'{tag} Care, "Quoted"',
                        provider_types=["childrens_home", "secure_home"])
    resp = api.get("/v1/providers", params={"q": tag}, headers={"Accept": "text/csv"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.text)))
    header = rows[0]
    assert header[:3] == ["id", "name", "legal_name"]
    assert {"provider_types", "address.postcode", "contact.email", "lead_org_id"} <= set(header)
    assert len(rows) == 2
    row = dict(zip(header, rows[1]))
    assert row["id"] == made["id"]
    assert row["name"] == f'{tag} Care, "Quoted"'
    assert f'"{tag} Care, ""Quoted"""' in resp.text
    assert row["provider_types"] == "childrens_home;secure_home"
    assert row["address.postcode"] == "CF10 1AA"
    assert row["version"] == "1"


def test_other_tenant_sees_nothing_of_ours(api, other_tenant):
    ours = new_provider(api, name=unique("Isolated Care"))
    token = other_tenant["admin_token"]
    path = f"/v1/providers/{ours['id']}"
    assert_problem(api.get(path, token=token), 404, "not-found")
    assert_problem(api.patch(path, {"name": "Hijack"}, token=token), 404, "not-found")
    assert_problem(api.get(f"/v1/providers/{SEEDED_PROVIDER}", token=token), 404, "not-found")
    assert api.get(path).json()["name"] == ours["name"]
    assert list_all(api, {"q": ours["name"]}, token=token) == []
    theirs = list_all(api, {"limit": 500}, token=token)
    assert not any(p["id"] in (ours["id"], SEEDED_PROVIDER) for p in theirs)
    # Their own register works, and stays out of ours.
    made = api.post("/v1/providers", provider_body(name=ours["name"], lead_org_id=None),
                    token=token)
    assert made.status_code == 201, made.text
    assert [p["id"] for p in list_all(api, {"q": ours["name"]}, token=token)] == [made.json()["id"]]
    assert [p["id"] for p in list_all(api, {"q": ours["name"]})] == [ours["id"]]
    assert_problem(api.get(f"/v1/providers/{made.json()['id']}"), 404)
    # A lead organisation of ours cannot be named from their tenant.
    resp = api.post("/v1/providers", provider_body(lead_org_id=DEMO_COUNCIL_2), token=token)
    assert_problem(resp, 400, "validation", field="lead_org_id")
