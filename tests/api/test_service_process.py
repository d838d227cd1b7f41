"""The service as a process: configuration errors, graceful drain on SIGTERM,
Prometheus metrics on its own port, and the audit and outbox rows a write
leaves in the database."""
import json
import os
import signal
import socket
import subprocess
import time
import uuid

import requests

from hearth_client import ROOT

BINARY = str(ROOT / "build/bin/hearth-providers")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(stack_env, port):
    run = stack_env["HEARTH_RUN_DIR"]
    with open(os.path.join(run, "secrets", "cursor_secret")) as f:
        secret = f.read().strip()
    return {
        "PATH": os.environ["PATH"],
        "HEARTH_PORT": str(port),
        "HEARTH_DATABASE_URL": f"host={stack_env['HEARTH_PG_SOCKET_DIR']} "
                               f"port={stack_env['HEARTH_PG_PORT']} dbname=hearth user=hearth_providers",
        "HEARTH_JWT_KEYS_FILE": stack_env["HEARTH_JWT_KEYS_FILE"],
        "HEARTH_JWT_ISSUER": stack_env["HEARTH_JWT_ISSUER"],
        "HEARTH_JWT_AUDIENCE": stack_env["HEARTH_JWT_AUDIENCE"],
        "HEARTH_CURSOR_SECRET": secret,
        "HEARTH_DRAIN_TIMEOUT_S": "3",
    }


def psql(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def test_missing_and_invalid_settings_are_each_named(stack_env):
    env = {"PATH": os.environ["PATH"], "HEARTH_PORT": "99999", "HEARTH_DB_POOL_SIZE": "lots"}
    proc = subprocess.run([BINARY], env=env, capture_output=True, text=True, timeout=10)
    assert proc.returncode == 1
    lines = [l for l in proc.stderr.splitlines() if l.startswith("config: ")]
    named = " ".join(lines)
    for setting in ("HEARTH_PORT", "HEARTH_DB_POOL_SIZE", "HEARTH_DATABASE_URL",
                    "HEARTH_JWT_KEYS_FILE", "HEARTH_JWT_ISSUER", "HEARTH_CURSOR_SECRET"):
        assert setting in named, proc.stderr
    assert len(lines) == 7, proc.stderr


def test_sigterm_drains_and_exits_zero(stack_env):
    port = free_port()
    proc = subprocess.Popen([BINARY], env=service_env(stack_env, port), stderr=subprocess.PIPE,
                            text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if requests.get(base + "/readyz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert requests.get(base + "/readyz", timeout=2).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        logs = [json.loads(l) for l in proc.stderr.read().splitlines() if l.startswith("{")]
        assert any("drained" in l["msg"] for l in logs), logs
        assert all(l["service"] == "providers" for l in logs)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_metrics_on_the_service_port(api, stack_env):
    api.get("/v1/organisations")
    resp = requests.get(f"http://127.0.0.1:{stack_env['HEARTH_PORT_PROVIDERS']}/metrics", timeout=5)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    text = resp.text
    assert 'hearth_http_requests_total{service="providers",route="/v1/organisations",method="GET",status="200"}' in text
    assert "hearth_http_request_duration_seconds_bucket" in text
    assert 'hearth_db_pool_size{service="providers"} ' in text
    assert "hearth_auth_cache_hits_total" in text


def test_a_write_leaves_audit_and_outbox_rows(api, stack_env):
    request_id = "audit-" + uuid.uuid4().hex
    resp = api.post("/v1/organisations", {"kind": "consortium", "name": "Audited team"},
                    headers={"X-Request-Id": request_id}, roles="tenant_admin", sub="auditor-1")
    assert resp.status_code == 201
    org_id = resp.json()["id"]
    row = psql(stack_env, "SELECT method || '|' || path || '|' || resource || '|' || resource_id"
                          " || '|' || status || '|' || sub || '|' || service FROM audit.events"
                          f" WHERE request_id = '{request_id}'")
    assert row == f"POST|/v1/organisations|organisation|{org_id}|201|auditor-1|hearth_providers"
    event = psql(stack_env, "SELECT type || '|' || subject_type || '|' || (payload->>'name')"
                            f" FROM providers.outbox WHERE subject_id = '{org_id}'")
    assert event == "providers.organisation.created|organisation|Audited team"
    # The service's own role may add audit rows but never change or remove them.
    denied = subprocess.run(
        ["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c",
         f"SET ROLE hearth_providers; DELETE FROM audit.events WHERE request_id = '{request_id}'"],
        capture_output=True, text=True)
    assert denied.returncode != 0 and "permission denied" in denied.stderr


def test_service_answers_413_itself_past_its_body_limit(api, stack_env):
    # Straight to the service, past the gateway: Ulfius would truncate the body
    # at its limit and call the handler; the service must refuse it instead.
    base = f"http://127.0.0.1:{stack_env['HEARTH_PORT_PROVIDERS']}"
    headers = {"Authorization": f"Bearer {api.token(roles='tenant_admin')}",
               "Content-Type": "application/json"}
    limit = 1048576
    at_limit = b'{"kind": "consortium", "name": "' + b"x" * (limit - 34) + b'"}'
    assert len(at_limit) == limit
    resp = requests.post(base + "/v1/organisations", data=at_limit, headers=headers, timeout=30)
    assert resp.status_code == 400  # read whole, then refused for the long name
    assert [e["field"] for e in resp.json()["errors"]] == ["name"]
    resp = requests.post(base + "/v1/organisations", data=at_limit + b" ", headers=headers,
                         timeout=30)
    assert resp.status_code == 413
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert resp.json()["type"] == "/problems/payload-too-large"
