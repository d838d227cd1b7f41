"""The foundation through the real gateway: health, readiness, authentication,
problem+json for every error the runtime or the gateway produces (requests
nginx itself refuses included), request ids,
body limits, media types, strict JSON, and readiness across a database restart
and a database that stops answering."""
import json
import socket
import time
import urllib.parse
import uuid

import pytest

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


def raw_request(api, data):
    """Send bytes as they are (no client library would send these) and return
    (status, headers with lower-case names, body) of the gateway's answer."""
    url = urllib.parse.urlsplit(api.base)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, v in
               (line.split(":", 1) for line in lines[1:] if ":" in line)}
    return status, headers, body


def request_bytes(target=b"/v1/organisations", method=b"GET", version=b"HTTP/1.1", headers=b"",
                  body=b""):
    return (method + b" " + target + b" " + version + b"\r\nHost: localhost\r\n" + headers +
            b"Connection: close\r\n\r\n" + body)


# Requests nginx refuses before any service sees them: each must still be an
# RFC 9457 problem, never nginx's HTML page.
GATEWAY_REFUSALS = {
    "nul byte in the path": (request_bytes(b"/v1/organisations%00"), 400),
    "nul byte in a path with its own error pages": (request_bytes(b"/readyz%00"), 400),
    "path escaping the root": (request_bytes(b"/../../etc/passwd"), 400),
    "lower-case method": (request_bytes(method=b"get"), 400),
    "malformed protocol": (request_bytes(version=b"HTTP/1.1x"), 400),
    "unsupported HTTP version": (request_bytes(version=b"HTTP/9.9"), 505),
    "CONNECT": (request_bytes(b"localhost:443", method=b"CONNECT"), 400),
    "over-long URI": (request_bytes(b"/v1/organisations?q=" + b"a" * 20000), 414),
    "over-large header": (request_bytes(headers=b"X-Big: " + b"a" * 20000 + b"\r\n"), 431),
    "over-large headers together": (request_bytes(headers=b"".join(
        b"X-H%d: %s\r\n" % (i, b"a" * 8000) for i in range(10))), 431),
    "header name with a space": (request_bytes(headers=b"Bad Header: x\r\n"), 400),
    "two Host headers": (request_bytes(headers=b"Host: other\r\n"), 400),
    "unknown Transfer-Encoding": (request_bytes(method=b"POST",
                                                headers=b"Transfer-Encoding: gzip\r\n"), 501),
    "Transfer-Encoding with Content-Length": (request_bytes(
        method=b"POST", headers=b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        body=b"0\r\n\r\n"), 400),
    "invalid chunked body": (request_bytes(
        method=b"POST", headers=b"Transfer-Encoding: chunked\r\n", body=b"zz\r\n"), 400),
    "invalid Content-Length": (request_bytes(method=b"POST",
                                             headers=b"Content-Length: abc\r\n"), 400),
    "path with an extension nginx knows": (request_bytes(b"/index.html"), 404),
    "the gateway's internal problem page": (request_bytes(b"/_gateway/problems/400"), 404),
}


@pytest.mark.parametrize("case", GATEWAY_REFUSALS)
def test_requests_nginx_refuses_get_problem_json(api, case):
    data, expected = GATEWAY_REFUSALS[case]
    status, headers, body = raw_request(api, data)
    assert status == expected, (status, body[:200])
    assert headers.get("content-type") == "application/problem+json", (headers, body[:200])
    problem = json.loads(body)
    assert problem["status"] == expected
    assert problem["type"].startswith("/problems/") and problem["title"], problem
    assert problem["request_id"] == headers.get("x-request-id"), (problem, headers)
    assert headers.get("x-content-type-options") == "nosniff"
