"""Who may act at all, tried as an attacker would: a token is correctly signed,
but its roles, its organisation or what that organisation is are not what the
holder needs. Every route refuses with 403 problem+json; nothing is read.

Covers: an organisation's kind and provider cannot change (so a tenant admin
cannot turn the consortium team into a provider's staff and read every
council's placements); a token with no known role is served nothing; a token
naming an absent, foreign or closed organisation is served nothing; a closed
provider organisation loses sight of its provider's placements in the
database itself."""

import pytest

from conftest import unique
from hearth_client import DEMO_CONSORTIUM, DEMO_COUNCIL, DEMO_TENANT, assert_problem
from records import as_role
from test_placements import DEMO_PROVIDER, new_child, new_council, new_placement

ADMIN = {"roles": "tenant_admin"}

# A read on every service, each from a different route family.
READS = ["/v1/organisations", "/v1/providers", "/v1/settings", "/v1/frameworks",
         "/v1/contracts", "/v1/children", "/v1/placements",
         "/v1/reports/sufficiency?as_at=2026-01-01"]


def service_psql(stack_env, service, sql, check=True):
    """SQL as a service's own database role."""
    out = as_role(stack_env, f"hearth_{service}", sql)
    if check:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def council_placement(api):
    """A council of its own with a child placed at the demo provider."""
    council = new_council(api)
    child = new_child(api, council, local_ref=unique("AUTHZ"))
    placement = new_placement(api, council, child, start_date="2025-01-06")
    return {"council": council, "placement": placement["id"]}


# ---- an organisation is what it was created as ---------------------------------

@pytest.mark.parametrize("patch, field", [
    ({"kind": "provider", "provider_id": DEMO_PROVIDER}, "kind"),
    ({"kind": "provider"}, "kind"),
    ({"provider_id": DEMO_PROVIDER}, "provider_id"),
    ({"kind": None}, "kind"),
])
def test_kind_and_provider_cannot_change(api, patch, field, council_placement):
    own = f"/v1/organisations/{DEMO_CONSORTIUM}"
    before = api.get(own, org=DEMO_CONSORTIUM, **ADMIN).json()
    resp = api.patch(own, patch, org=DEMO_CONSORTIUM, **ADMIN)
    assert_problem(resp, 400, "validation", field)
    after = api.get(own, org=DEMO_CONSORTIUM, **ADMIN).json()
    assert after["kind"] == "consortium" and after["provider_id"] is None
    assert after["version"] == before["version"]
    # The attack it would have enabled: the team reading a council's placements.
    listed = api.get("/v1/placements", org=DEMO_CONSORTIUM, roles="tenant_admin,commissioner",
                     params={"limit": 500})
    assert listed.status_code == 200
    assert council_placement["placement"] not in {p["id"] for p in listed.json()["items"]}


def test_a_provider_organisation_keeps_its_provider(api):
    org = api.post("/v1/organisations", {"kind": "provider", "name": unique("Staff"),
                                         "provider_id": DEMO_PROVIDER}, **ADMIN).json()
    other = api.post("/v1/providers", {"name": unique("Other"), "provider_types": ["other"],
                                       "ownership": "private"}).json()
    assert_problem(api.patch(f"/v1/organisations/{org['id']}", {"provider_id": other["id"]}, **ADMIN),
                   400, "validation", "provider_id")
    assert_problem(api.patch(f"/v1/organisations/{org['id']}", {"kind": "local_authority",
                                                                "provider_id": None}, **ADMIN),
                   400, "validation", "kind")
    # Other fields still change.
    renamed = api.patch(f"/v1/organisations/{org['id']}", {"name": "Renamed staff"}, **ADMIN)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed staff"


def test_the_database_refuses_a_change_of_kind_on_any_path(stack_env):
    for sql in (f"UPDATE providers.organisations SET kind = 'provider', "
                f"provider_id = '{DEMO_PROVIDER}' WHERE id = '{DEMO_CONSORTIUM}'",
                f"UPDATE providers.organisations SET provider_id = '{DEMO_PROVIDER}' "
                f"WHERE id = '{DEMO_COUNCIL}'"):
        out = service_psql(stack_env, "providers",
                           f"BEGIN; SELECT set_config('hearth.tenant_id', '{DEMO_TENANT}', true); "
                           f"{sql}; COMMIT", check=False)
        assert out.returncode != 0
        assert "cannot change" in out.stderr


# ---- roles ---------------------------------------------------------------------------

@pytest.mark.parametrize("roles", [[], ["superuser"], ["admin", "root"], None],
                         ids=["empty", "unknown", "several unknown", "absent"])
@pytest.mark.parametrize("path", READS)
def test_a_token_with_no_known_role_is_served_nothing(api, roles, path):
    token = api.forge_token(roles=roles)
    body = assert_problem(api.get(path, token=token), 403, "forbidden")
    assert "role" in body["detail"]


def test_a_token_with_no_known_role_cannot_write(api):
    token = api.forge_token(roles=["owner"])
    assert_problem(api.post("/v1/providers", {"name": unique("P"), "provider_types": ["other"],
                                              "ownership": "private"}, token=token),
                   403, "forbidden")


def test_a_known_role_beside_unknown_ones_is_served(api):
    token = api.forge_token(roles=["superuser", "viewer"])
    assert api.get("/v1/providers", token=token).status_code == 200


# ---- the organisation must exist, in the token's tenant, and be active ---------

def test_a_token_for_an_organisation_that_does_not_exist_is_refused(api):
    token = api.forge_token(org="00000000-0000-4000-8000-0000deadbeef", roles=["tenant_admin"])
    for path in READS:
        assert_problem(api.get(path, token=token), 403, "forbidden")
    assert_problem(api.post("/v1/organisations", {"kind": "local_authority", "name": "Rogue"},
                            token=token), 403, "forbidden")


def test_a_token_naming_another_tenants_organisation_is_refused(api, other_tenant):
    # The other tenant's council, claimed for the demo tenant, and the reverse.
    for tenant, org in ((DEMO_TENANT, other_tenant["org"]),
                        (other_tenant["tenant"], DEMO_COUNCIL)):
        token = api.forge_token(tenant=tenant, org=org, roles=["commissioner"])
        assert_problem(api.get("/v1/providers", token=token), 403, "forbidden")
        assert_problem(api.get("/v1/placements", token=token), 403, "forbidden")


def test_a_closed_organisation_is_refused_and_reopened_served(api):
    org = api.post("/v1/organisations", {"kind": "local_authority", "name": unique("Closing")},
                   **ADMIN).json()
    token = api.token(org=org["id"], roles="commissioner")
    assert api.get("/v1/children", token=token).status_code == 200
    closed = api.patch(f"/v1/organisations/{org['id']}", {"status": "closed"}, **ADMIN)
    assert closed.status_code == 200
    for path in READS:
        assert_problem(api.get(path, token=token), 403, "forbidden")
    assert_problem(api.post("/v1/children", {"local_ref": unique("C"), "birth_month": "2015-01",
                                             "gender": "female", "legal_status": "s20"},
                            token=token), 403, "forbidden")
    reopened = api.patch(f"/v1/organisations/{org['id']}", {"status": "active"}, **ADMIN)
    assert reopened.status_code == 200
    assert api.get("/v1/children", token=token).status_code == 200


def test_a_closed_provider_organisation_loses_its_providers_placements(api, stack_env,
                                                                      council_placement):
    org = api.post("/v1/organisations", {"kind": "provider", "name": unique("Staff"),
                                         "provider_id": DEMO_PROVIDER}, **ADMIN).json()
    staff = api.token(org=org["id"], roles="provider")
    seen = api.get(f"/v1/placements/{council_placement['placement']}", token=staff)
    assert seen.status_code == 200
    assert api.patch(f"/v1/organisations/{org['id']}", {"status": "closed"}, **ADMIN).status_code == 200
    assert_problem(api.get(f"/v1/placements/{council_placement['placement']}", token=staff),
                   403, "forbidden")
    # In the database itself: the policy helper names no provider for a closed
    # organisation, whatever opened the transaction.
    out = service_psql(stack_env, "placements",
                       f"BEGIN; SELECT set_config('hearth.tenant_id', '{DEMO_TENANT}', true), "
                       f"set_config('hearth.org_id', '{org['id']}', true); "
                       f"SELECT coalesce(placements.current_provider()::text, 'none'), "
                       f"(SELECT count(*) FROM placements.placements); COMMIT")
    assert "none|0" in out.stdout.split("\n")


# ---- bootstrapping a tenant needs no token for an organisation that does not exist

def test_tenant_create_makes_the_team_whose_admin_runs_the_tenant(api):
    slug = "boot-" + unique("t").split("-")[1]
    text = api.ctl("tenant", "create", "--name", "Bootstrap consortium", "--slug", slug).stdout
    lines = text.strip().splitlines()
    assert lines[0].startswith("tenant ") and lines[1].startswith("organisation ")
    tenant, team = lines[0].split()[1], lines[1].split()[1]
    admin = api.token(tenant=tenant, org=team, roles="tenant_admin")
    got = api.get(f"/v1/organisations/{team}", token=admin)
    assert got.status_code == 200
    assert got.json()["kind"] == "consortium" and got.json()["name"] == "Bootstrap consortium"
    council = api.post("/v1/organisations", {"kind": "local_authority", "name": "First Council"},
                       token=admin)
    assert council.status_code == 201
    # The same slug again creates nothing.
    again = api.ctl("tenant", "create", "--name", "Again", "--slug", slug, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
