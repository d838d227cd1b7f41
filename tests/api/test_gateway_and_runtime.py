"""The foundation through the real gateway: health, readiness, authentication,
problem+json for every error the runtime or the gateway produces, request ids,
body limits, media types, strict JSON, and readiness across a database restart
and a database that stops answering."""
import time
import uuid

import requests

from hearth_client import assert_problem


def test_gateway_health_is_public(api):
    resp = api.get("/healthz", auth=False)
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"


def test_readiness_reports_the_database(api):
    resp = api.get("/readyz", auth=False)
    assert resp.status_code == 200
    assert resp.json() == {"status": "ready", "database": "ok"}


def test_no_token_is_401_problem_with_challenge(api):
    resp = api.get("/v1/organisations", auth=False)
    body = assert_problem(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "token" in body["detail"].lower()


def test_garbage_and_tampered_tokens_are_401(api):
    good = api.token()
    header, payload, signature = good.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    for bad in ("not-a-token", f"{header}.{flipped}.{signature}", f"{header}.{payload}.",
                good + "x"):
        resp = api.get("/v1/organisations", token=bad)
        assert_problem(resp, 401, "unauthorized")


def test_token_of_another_issuer_key_is_401(api):
    # A token minted with a key the services do not trust.
    import subprocess, tempfile, os
    with tempfile.TemporaryDirectory() as d:
        key = os.path.join(d, "other.pem")
        subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
                        key], check=True, capture_output=True)
        out = api.ctl("token", "--tenant", "00000000-0000-4000-8000-00000000d001",
                      "--org", "00000000-0000-4000-8000-00000000c002", "--roles", "viewer",
                      "--key", key)
        resp = api.get("/v1/organisations", token=out.stdout.strip())
        assert_problem(resp, 401, "unauthorized")


def test_unknown_path_is_404_problem(api):
    assert_problem(api.get("/v1/no-such-thing"), 404, "not-found")
    assert_problem(api.get("/v1/organisationsX"), 404, "not-found")
    # Inside a service's prefix, the service itself answers 404.
    assert_problem(api.get("/v1/organisations/" + str(uuid.uuid4()) + "/nope"), 404, "not-found")


def test_metrics_are_not_published(api):
    resp = api.get("/metrics", auth=False)
    assert_problem(resp, 404)


def test_wrong_method_is_405_with_allow(api):
    resp = api.request("DELETE", "/v1/organisations")
    assert_problem(resp, 405, "method-not-allowed")
    assert resp.headers["Allow"] == "GET, POST"
    resp = api.request("PUT", "/v1/organisations/" + str(uuid.uuid4()))
    assert_problem(resp, 405)
    assert set(resp.headers["Allow"].split(", ")) == {"GET", "PATCH"}


def test_oversized_body_is_413_problem(api):
    body = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    resp = api.request("POST", "/v1/organisations", data=body,
                       headers={"Content-Type": "application/json"}, roles="tenant_admin")
    assert_problem(resp, 413, "payload-too-large")


def test_request_id_round_trip_and_generation(api):
    resp = api.get("/v1/organisations", headers={"X-Request-Id": "trace-abc.123"})
    assert resp.status_code == 200
    assert resp.headers["X-Request-Id"] == "trace-abc.123"
    resp = api.get("/v1/no-such-thing", headers={"X-Request-Id": "trace-404"})
    assert resp.headers["X-Request-Id"] == "trace-404"
    assert resp.json()["request_id"] == "trace-404"
    generated = api.get("/v1/organisations").headers["X-Request-Id"]
    assert len(generated) >= 16
    # An unsafe id is replaced, never echoed.
    resp = api.get("/v1/organisations", headers={"X-Request-Id": "bad id<script>"})
    assert resp.headers["X-Request-Id"] != "bad id<script>"


def test_wrong_media_type_is_415(api):
    resp = api.request("POST", "/v1/organisations", data="kind=consortium",
                       headers={"Content-Type": "application/x-www-form-urlencoded"},
                       roles="tenant_admin")
    assert_problem(resp, 415, "unsupported-media-type")


def test_malformed_json_names_the_body(api):
    resp = api.request("POST", "/v1/organisations", data='{"kind": "consortium",',
                       headers={"Content-Type": "application/json"}, roles="tenant_admin")
    assert_problem(resp, 400, "validation", field="body")


def test_duplicate_keys_are_rejected_naming_the_key(api):
    resp = api.request("POST", "/v1/organisations",
                       data='{"kind": "consortium", "name": "A", "name": "B"}',
                       headers={"Content-Type": "application/json"}, roles="tenant_admin")
    assert_problem(resp, 400, "validation", field="name")


def test_invalid_utf8_is_rejected(api):
    resp = api.request("POST", "/v1/organisations", data=b'{"kind": "consortium", "name": "\xff"}',
                       headers={"Content-Type": "application/json"}, roles="tenant_admin")
    assert_problem(resp, 400, "validation", field="body")


def test_unknown_fields_and_wrong_types_are_named(api):
    resp = api.post("/v1/organisations", {"kind": "consortium", "name": 7, "colour": "red"},
                    roles="tenant_admin")
    body = assert_problem(resp, 400, "validation", field="colour")
    assert "name" in [e["field"] for e in body["errors"]]


def test_unknown_query_parameter_is_named(api):
    resp = api.get("/v1/organisations", params={"sort": "name"})
    assert_problem(resp, 400, "validation", field="sort")


def burst(api, count=64, width=16):
    """Concurrent requests wide enough to use every pooled connection."""
    from concurrent.futures import ThreadPoolExecutor
    token = api.token()
    def fetch(_):
        return requests.get(api.base + "/v1/organisations", timeout=30,
                            headers={"Authorization": f"Bearer {token}"}).status_code
    with ThreadPoolExecutor(max_workers=width) as pool:
        return list(pool.map(fetch, range(count)))


def test_readiness_follows_the_database_while_services_keep_running(api, stack_ctl):
    assert api.get("/readyz", auth=False).status_code == 200
    assert burst(api) == [200] * 64  # the pool now holds open connections
    stack_ctl("pg-stop")
    try:
        resp = api.get("/readyz", auth=False)
        assert_problem(resp, 503, "unavailable")
        assert int(resp.headers["Retry-After"]) > 0
        # A data request fails the same clean way: no crash, no hang.
        resp = api.get("/v1/organisations")
        assert_problem(resp, 503, "unavailable")
        assert api.get("/healthz", auth=False).status_code == 200
    finally:
        stack_ctl("pg-start")
    deadline = time.time() + 30
    while time.time() < deadline:
        if api.get("/readyz", auth=False).status_code == 200:
            break
        time.sleep(0.3)
    assert api.get("/readyz", auth=False).status_code == 200
    # Every pooled connection the restart cut is noticed and replaced on
    # checkout: a burst wider than the pool gets no error at all.
    statuses = burst(api)
    assert statuses == [200] * 64, statuses


def test_a_paused_database_gives_503_within_seconds_then_recovers(api, stack_ctl):
    """PostgreSQL stopped with SIGSTOP keeps its sockets open and the kernel keeps
    accepting bytes, so only the services' own deadlines end the wait: readiness
    and data requests answer 503 within seconds (the ping's connect timeout, the
    query timeout), never hang, and all is well again after SIGCONT."""
    assert burst(api) == [200] * 64  # idle pooled connections, as in production
    stack_ctl("pg-pause")
    try:
        for path, auth in (("/readyz", False), ("/v1/organisations", True),
                           ("/readyz", False), ("/v1/organisations", True)):
            started = time.monotonic()
            resp = api.get(path, auth=auth)
            took = time.monotonic() - started
            assert_problem(resp, 503, "unavailable")
            assert int(resp.headers["Retry-After"]) > 0
            assert took < 10, f"{path} answered after {took:.1f} s"
        assert api.get("/healthz", auth=False).status_code == 200
    finally:
        stack_ctl("pg-resume")
    deadline = time.time() + 30
    while time.time() < deadline:
        if api.get("/readyz", auth=False).status_code == 200:
            break
        time.sleep(0.3)
    assert api.get("/readyz", auth=False).status_code == 200
    # The connections that timed out are reset on checkout; the rest still work.
    statuses = burst(api)
    assert statuses == [200] * 64, statuses
