"""Child-level isolation: children, placements and IPAs belong to the placing
organisation. Another council of the same tenant, another tenant and the
consortium's own team can neither read, list, count nor change them; a
provider organisation's users read the placements at their own provider, and
nothing else (no children, no IPAs, no writes)."""
import uuid

import pytest

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, DEMO_COUNCIL, DEMO_COUNCIL_2, assert_problem
from test_placements import DEMO_PROVIDER, new_child, new_placement

OTHER_PROVIDER = "00000000-0000-4000-8000-0000000a0002"
OTHER_PROVIDER_SETTING = "00000000-0000-4000-8000-0000000b0002"


@pytest.fixture(scope="module")
def records(api):
    """A child of the first demo council with a placement at the demo provider
    (with an IPA) and an earlier one at another provider."""
    child = new_child(api, DEMO_COUNCIL, local_ref=unique("ISO"), legal_status="remand")
    earlier = new_placement(api, DEMO_COUNCIL, child, placement_type="fostering",
                            provider_id=OTHER_PROVIDER, setting_id=OTHER_PROVIDER_SETTING,
                            start_date="2020-01-01", end_date="2020-06-30", end_reason="planned")
    here = new_placement(api, DEMO_COUNCIL, child, start_date="2020-07-01")
    ipa = api.post(f"/v1/placements/{here['id']}/ipas",
                   {"issued_on": "2020-07-01", "effective_from": "2020-07-01",
                    "weekly_fee_pence": 1000}, org=DEMO_COUNCIL)
    assert ipa.status_code == 201
    return {"child": child, "here": here["id"], "earlier": earlier["id"], "ipa": ipa.json()["id"]}


@pytest.fixture(scope="module")
def outsiders(api, other_tenant):
    return {
        "second council": api.token(org=DEMO_COUNCIL_2),
        "second council integration": api.token(org=DEMO_COUNCIL_2, roles="integration"),
        "consortium": api.token(org=DEMO_CONSORTIUM, roles="commissioner,tenant_admin"),
        "other tenant": api.token(org=other_tenant["org"], tenant=other_tenant["tenant"]),
    }


@pytest.fixture(scope="module")
def provider_staff(api):
    resp = api.post("/v1/organisations", {"kind": "provider", "name": unique("Provider staff"),
                                          "provider_id": DEMO_PROVIDER}, roles="tenant_admin")
    assert resp.status_code == 201, resp.text
    org = resp.json()["id"]
    return {"provider": api.token(org=org, roles="provider"),
            "commissioner": api.token(org=org, roles="commissioner,integration")}


def list_items(api, path, token, **params):
    """Every item of a list, following its cursors (other tests add records)."""
    items, cursor = [], None
    while True:
        query = {"limit": 500, **params, **({"cursor": cursor} if cursor else {})}
        resp = api.get(path, token=token, params=query)
        assert resp.status_code == 200, resp.text
        items += resp.json()["items"]
        cursor = resp.json()["next_cursor"]
        if not cursor:
            return items


def list_ids(api, path, token, **params):
    return {item["id"] for item in list_items(api, path, token, **params)}


def test_owner_sees_everything(api, records):
    assert api.get(f"/v1/children/{records['child']}").status_code == 200
    assert records["here"] in list_ids(api, "/v1/placements", api.token(), child_id=records["child"])


@pytest.mark.parametrize("who", ["second council", "second council integration", "consortium",
                                 "other tenant"])
def test_outsiders_can_neither_read_nor_list(api, records, outsiders, who):
    token = outsiders[who]
    for path in (f"/v1/children/{records['child']}", f"/v1/placements/{records['here']}",
                 f"/v1/placements/{records['earlier']}", f"/v1/placements/{records['here']}/ipas",
                 f"/v1/placements/{records['here']}/ipas/{records['ipa']}"):
        assert_problem(api.get(path, token=token), 404, "not-found")
    assert records["child"] not in list_ids(api, "/v1/children", token)
    assert list_ids(api, "/v1/children", token, legal_status="remand").isdisjoint({records["child"]})
    assert list_ids(api, "/v1/placements", token, child_id=records["child"]) == set()
    at_day = list_ids(api, "/v1/placements", token, active_on="2020-07-01")
    assert records["here"] not in at_day and records["earlier"] not in at_day
    assert records["here"] not in list_ids(api, "/v1/placements", token, provider_id=DEMO_PROVIDER)


@pytest.mark.parametrize("who", ["second council", "consortium", "other tenant"])
def test_outsiders_cannot_change_or_attach(api, records, outsiders, who):
    token = outsiders[who]
    assert_problem(api.patch(f"/v1/children/{records['child']}", {"gender": "other"}, token=token),
                   404, "not-found")
    assert_problem(api.patch(f"/v1/placements/{records['here']}", {"weekly_cost_pence": 1},
                             token=token), 404, "not-found")
    assert_problem(api.post(f"/v1/placements/{records['here']}/ipas",
                            {"issued_on": "2021-01-01", "effective_from": "2021-01-01",
                             "weekly_fee_pence": 1}, token=token), 404, "not-found")
    # Nor place the other council's child under their own organisation.
    resp = api.post("/v1/placements", {"child_id": records["child"], "placement_type": "fostering",
                                       "provision": "internal", "start_date": "2030-01-01"},
                    token=token)
    assert_problem(resp, 400, "validation", field="child_id")
    owner = api.get(f"/v1/children/{records['child']}").json()
    assert owner["gender"] == "female" and owner["version"] == 1


def test_consortium_lists_nothing(api, outsiders):
    token = outsiders["consortium"]
    assert list_ids(api, "/v1/children", token) == set()
    assert list_ids(api, "/v1/placements", token) == set()
    assert list_ids(api, "/v1/placements", token, status="active") == set()


def test_provider_staff_read_placements_at_their_provider_only(api, records, provider_staff):
    token = provider_staff["provider"]
    got = api.get(f"/v1/placements/{records['here']}", token=token)
    assert got.status_code == 200 and got.json()["provider_id"] == DEMO_PROVIDER
    assert_problem(api.get(f"/v1/placements/{records['earlier']}", token=token), 404, "not-found")
    listed = list_items(api, "/v1/placements", token)
    seen = {p["id"] for p in listed}
    assert records["here"] in seen and records["earlier"] not in seen
    assert {p["provider_id"] for p in listed} == {DEMO_PROVIDER}
    assert list_ids(api, "/v1/placements", token, provider_id=OTHER_PROVIDER) == set()
    # Never the children, nor the agreements.
    assert_problem(api.get(f"/v1/children/{records['child']}", token=token), 404, "not-found")
    assert list_ids(api, "/v1/children", token) == set()
    assert_problem(api.get(f"/v1/placements/{records['here']}/ipas", token=token), 404, "not-found")


def test_provider_staff_cannot_write(api, records, provider_staff):
    url = f"/v1/placements/{records['here']}"
    assert_problem(api.patch(url, {"weekly_cost_pence": 1}, token=provider_staff["provider"]), 403,
                   "forbidden")
    # Even with a writer's role the row is not theirs to change.
    assert_problem(api.patch(url, {"weekly_cost_pence": 1}, token=provider_staff["commissioner"]),
                   404, "not-found")
    assert_problem(api.post(f"{url}/ipas", {"issued_on": "2021-01-01", "effective_from": "2021-01-01",
                                            "weekly_fee_pence": 1},
                            token=provider_staff["commissioner"]), 404, "not-found")
    assert api.get(url).json()["version"] == 2  # the IPA's bookkeeping, nothing else


def test_only_a_local_authority_records_children(api, outsiders, provider_staff):
    body = {"local_ref": unique("NOPE"), "birth_month": "2015-01", "gender": "male",
            "legal_status": "s20"}
    for token in (outsiders["consortium"], provider_staff["commissioner"]):
        assert_problem(api.post("/v1/children", body, token=token), 403, "forbidden")
    assert api.post("/v1/children", body, token=outsiders["second council"]).status_code == 201


def test_malformed_ids_are_404(api):
    for path in ("/v1/children/not-a-uuid", "/v1/placements/123", "/v1/placements/x/ipas"):
        assert_problem(api.get(path), 404, "not-found")
    assert_problem(api.get(f"/v1/children/{uuid.uuid4()}"), 404, "not-found")
