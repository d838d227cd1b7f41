"""The Hearth image run as docker-compose.yml declares it (tests/image/run.sh):
every service of deploy/services.txt and the gateway from the image, as the
non-root user, on a read-only root filesystem, passing the compose health
checks, answering a smoke subset of the API tests through the gateway, and
stopping cleanly on their stop signals. Every answer is checked against the
OpenAPI files, as in tests/api."""
import pathlib
import subprocess
import time
import uuid

import pytest
import requests
import yaml

from compose_podman import ROOT, listed_services
from hearth_client import DEMO_COUNCIL, assert_problem

HEARTH_UID = 10001
SERVICES = [name for name, _ in listed_services()]
# Demo provider and one of its settings (services/providers/seed/).
PROVIDER_A = "00000000-0000-4000-8000-0000000a0001"
SETTING_A = "00000000-0000-4000-8000-0000000b0001"
WRITER = {"roles": "integration", "sub": "image-test"}


def long_running(stack):
    return list(stack.running)


def placement(local_ref, external_ref=None, external=False):
    body = {
        "child": {"local_ref": local_ref, "birth_month": "2012-05", "gender": "female",
                  "legal_status": "full_care_order"},
        "placement_type": "residential" if external else "fostering",
        "provision": "external" if external else "internal",
        "sourcing": "spot" if external else "in_house",
        "start_date": "2024-01-01",
        "weekly_cost_pence": 450000 if external else 45000,
    }
    if external:
        body.update(provider_id=PROVIDER_A, setting_id=SETTING_A)
    if external_ref:
        body["external_ref"] = external_ref
    return body


def test_compose_runs_every_listed_service_with_its_password(stack):
    commands = {tuple(s.get("command") or ()): n for n, s in stack.config.items()}
    migrate_env = stack.config["migrate"].get("environment") or {}
    for name in SERVICES:
        assert (name,) in commands, f"docker-compose.yml has no service running `{name}`"
        var = f"HEARTH_DB_PASSWORD_{name.upper()}_FILE"
        assert var in migrate_env, f"migrate does not set the password of hearth_{name} ({var})"
        assert var in (stack.config[commands[(name,)]].get("environment") or {})
    assert set(stack.running) == {commands[(n,)] for n in SERVICES} | {"gateway"}


def test_services_log_in_with_the_passwords_migrate_set(stack):
    # Like the postgres image, the test's server refuses a TCP login without
    # the role's password: the services' readiness proves migrate set them.
    port = stack.environment(SERVICES[0])["HEARTH_DB_PORT"]
    out = subprocess.run(["/usr/lib/postgresql/15/bin/psql", "-XAtc", "SELECT 1", "-d",
                          f"host=127.0.0.1 port={port} dbname=hearth user=hearth_{SERVICES[0]}"],
                         capture_output=True, text=True, env={"PGPASSWORD": "wrong"}, timeout=30)
    assert out.returncode != 0 and "password authentication failed" in out.stderr, out.stderr


def test_image_runs_as_the_hearth_user(stack):
    user = subprocess.run(["podman", "image", "inspect", "-f", "{{.Config.User}}",
                           stack.config["gateway"]["image"]], capture_output=True, text=True)
    assert user.stdout.strip() == f"{HEARTH_UID}:{HEARTH_UID}"


@pytest.mark.parametrize("name", SERVICES + ["gateway"])
def test_every_process_runs_as_uid_10001(stack, name):
    top = subprocess.run(["podman", "top", stack.container(name), "hpid", "args"],
                         capture_output=True, text=True, check=True)
    rows = [line.split(None, 1) for line in top.stdout.splitlines()[1:] if line.strip()]
    assert rows, top.stdout
    commands = " ".join(args for _, args in rows)
    assert ("nginx" in commands) if name == "gateway" else (f"hearth-{name}" in commands), commands
    for hpid, args in rows:
        status = pathlib.Path(f"/proc/{hpid}/status").read_text()
        ids = {line.split(":")[0]: line.split()[1:] for line in status.splitlines()
               if line.startswith(("Uid:", "Gid:"))}
        assert ids["Uid"] == [str(HEARTH_UID)] * 4, (args, ids)
        assert ids["Gid"] == [str(HEARTH_UID)] * 4, (args, ids)


@pytest.mark.parametrize("name", SERVICES + ["gateway"])
def test_root_filesystem_is_read_only_but_tmp_is_writable(stack, name):
    assert stack.config[name].get("read_only") is True
    c = stack.container(name)
    ro = subprocess.run(["podman", "inspect", "-f", "{{.HostConfig.ReadonlyRootfs}}", c],
                        capture_output=True, text=True, check=True)
    assert ro.stdout.strip() == "true"
    for path in ("/usr/share/hearth/probe", "/var/tmp/probe", "/run/probe", "/home/probe"):
        out = subprocess.run(["podman", "exec", c, "sh", "-c", f": > {path}"],
                             capture_output=True, text=True)
        assert out.returncode != 0, f"{path} is writable in {name}"
    out = subprocess.run(["podman", "exec", c, "sh", "-c", "echo ok > /tmp/probe && cat /tmp/probe"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == "ok\n", out.stderr


@pytest.mark.parametrize("name", SERVICES + ["gateway"])
def test_compose_healthcheck_passes(stack, name):
    argv = stack.healthcheck(name)
    assert argv, f"{name} declares no healthcheck"
    result = stack.run_healthcheck(name)
    assert result.returncode == 0, (argv, result.stderr)


def test_healthcheck_fails_when_nothing_answers(stack):
    # The same command against a port nothing listens on: the check can fail.
    argv = [a.replace(f":{stack.gateway_port}/", ":1/") for a in stack.healthcheck("gateway")]
    out = subprocess.run(["podman", "exec", stack.container("gateway"), *argv],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0


def test_gateway_health_and_readiness(api):
    resp = api.get("/healthz", auth=False)
    assert resp.status_code == 200
    resp = api.get("/readyz", auth=False)
    assert resp.status_code == 200, resp.text
    assert resp.headers.get("X-Request-Id")


def test_the_image_serves_the_api_reference(api):
    # Built into the image at /usr/share/hearth/docs; the gateway serves it.
    resp = api.get("/docs/", auth=False, check_contract=False)
    assert resp.status_code == 200
    assert "swagger-ui-bundle.js" in resp.text
    for name in SERVICES:
        spec = api.get(f"/openapi/{name}.yaml", auth=False, check_contract=False)
        assert spec.status_code == 200, name
        assert spec.text.startswith("openapi: 3.")


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_is_ready_on_its_own_port(stack, name):
    resp = requests.get(f"http://127.0.0.1:{stack.ports[name]}/readyz", timeout=10)
    assert resp.status_code == 200, resp.text


def test_authenticated_read_through_the_gateway(api):
    assert_problem(api.get("/v1/organisations", auth=False), 401)
    resp = api.get("/v1/organisations")
    assert resp.status_code == 200, resp.text
    assert DEMO_COUNCIL in {o["id"] for o in resp.json()["items"]}


def simple_reads(name):
    """GET paths of a service's OpenAPI file that take no path or required
    query parameter."""
    path = ROOT / "openapi" / f"{name}.yaml"
    if not path.exists():
        return []
    doc = yaml.safe_load(path.read_text())
    out = []
    for template, item in (doc.get("paths") or {}).items():
        op = item.get("get")
        if not op or "{" in template or not template.startswith("/v1/"):
            continue
        params = (op.get("parameters") or []) + (item.get("parameters") or [])
        if not any(isinstance(p, dict) and p.get("required") for p in params):
            out.append(template)
    return out


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_answers_an_authenticated_read(api, name):
    reads = simple_reads(name)
    if not reads:
        pytest.skip(f"openapi/{name}.yaml lists no parameterless read")
    seen = []
    for roles in ("commissioner", "tenant_admin"):
        for path in reads[:3]:
            resp = api.get(path, roles=roles)
            if resp.status_code == 200:
                return
            seen.append((roles, path, resp.status_code))
    pytest.fail(f"no read of {name} answered 200: {seen}")


def test_a_write_then_reading_it_back(api):
    ref, child = f"IMG-{uuid.uuid4().hex[:10]}", f"IMGC-{uuid.uuid4().hex[:8]}"
    resp = api.request("PUT", f"/v1/placements/by-ref/{ref}",
                       json_body=placement(child, external=True), **WRITER)
    assert resp.status_code == 201, resp.text
    created = resp.json()["placement"]
    assert created["provider_id"] == PROVIDER_A and created["version"] == 1
    got = api.get(f"/v1/placements/by-ref/{ref}", roles="viewer")
    assert got.status_code == 200 and got.json()["id"] == created["id"]
    assert got.headers["ETag"] == '"1"'


def test_a_batch_push(api):
    prefix = f"IMGB-{uuid.uuid4().hex[:8]}"
    items = [placement(f"{prefix}-C{i}", f"{prefix}-P{i}", external=i % 2 == 1) for i in range(6)]
    resp = api.request("POST", "/v1/placements/batch", json_body={"items": items}, **WRITER)
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["external_ref"] for r in results] == [i["external_ref"] for i in items]
    assert {r["outcome"] for r in results} == {"created"}, results
    again = api.request("POST", "/v1/placements/batch", json_body={"items": items}, **WRITER)
    assert {r["outcome"] for r in again.json()["results"]} == {"unchanged"}
    doc = api.get(f"/v1/placements/by-ref/{prefix}-P3").json()
    assert doc["id"] == results[3]["id"] and doc["setting_id"] == SETTING_A


# Last: it stops the stack.
def test_containers_stop_cleanly_on_their_stop_signal(stack):
    for name in reversed(long_running(stack)):
        grace = stack.config[name].get("stop_grace_period", "10s")
        started = time.monotonic()
        out = stack.stop(name)
        took = time.monotonic() - started
        assert out.returncode == 0, out.stderr
        status, code = stack.state(name)
        assert status == "exited" and code == 0, \
            f"{name} ended with exit code {code} after {took:.1f} s (grace {grace})"
