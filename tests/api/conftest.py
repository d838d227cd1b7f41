"""Fixtures for the API tests: the stack that tests/api/run.sh started (real
nginx gateway, real services, a throwaway PostgreSQL), a contract-checked
client, and a second tenant for isolation tests."""
import json
import os
import subprocess
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from hearth_client import Api, ROOT, load_stack_env  # noqa: E402


@pytest.fixture(scope="session")
def stack_env():
    return load_stack_env()


@pytest.fixture(scope="session")
def api(stack_env):
    return Api(stack_env["HEARTH_GATEWAY_URL"], stack_env)


@pytest.fixture(scope="session")
def stack_ctl(stack_env):
    """Run a stack operation (pg-stop, pg-start) through the local runner's code."""
    def run(action):
        subprocess.run([str(ROOT / "tests/api/stack.sh"), action], check=True,
                       env={**os.environ, **stack_env}, capture_output=True, text=True)
    return run


@pytest.fixture(scope="session")
def other_tenant(api):
    """A second tenant with one council, created the way an admin would: the
    tenant and its consortium team by hearthctl, the council through the API."""
    slug = "iso-" + uuid.uuid4().hex[:10]
    out = api.ctl("tenant", "create", "--name", "Isolation test consortium", "--slug", slug,
                  "--json")
    created = json.loads(out.stdout)
    tenant_id, team = created["tenant_id"], created["organisation_id"]
    admin = api.token(roles="tenant_admin", org=team, tenant=tenant_id, sub="iso-admin")
    resp = api.post("/v1/organisations", {"kind": "local_authority", "name": "Other Council",
                                          "code": "E06999999", "centre": {"lat": 52.4, "lon": -1.5}},
                    token=admin)
    assert resp.status_code == 201, resp.text
    return {"tenant": tenant_id, "org": resp.json()["id"], "team": team, "admin_token": admin}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
