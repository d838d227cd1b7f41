"""Limits before work, on the service port (past the gateway, which has its own
body limits): a body over its route's limit, or without a valid token, is
refused from its headers alone, before any of it is sent; a batch's items and
nesting are bounded before it is parsed; batches per tenant are capped."""
import json
import socket
import time
import uuid

import requests

from hearth_client import CONTRACT, DEMO_COUNCIL_2, assert_problem

WRITER = {"roles": "integration", "sub": "limits-test"}
MB = 1024 * 1024


class RawResponse:
    def __init__(self, status, headers, body):
        self.status_code = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def read_response(sock):
    """One HTTP/1.1 response from a socket; interim 1xx answers are returned too."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = requests.structures.CaseInsensitiveDict(
        (k.strip(), v.strip()) for k, _, v in (l.partition(":") for l in lines[1:]))
    length = int(headers.get("Content-Length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return RawResponse(status, headers, rest[:length])


def send_head(port, method, path, headers):
    """Connect and send a request's headers only; the body is never sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    return sock


def closed_by_server(sock):
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def placements_port(stack_env):
    return int(stack_env["HEARTH_PORT_PLACEMENTS"])


def checked(method, path, resp):
    CONTRACT.check(method, path, resp.status_code, resp.headers.get("Content-Type"),
                   resp.body.decode())
    return resp


def test_body_over_the_route_limit_is_413_before_it_is_sent(api, stack_env):
    token = api.token(**WRITER)
    # 2 MB announced to a 1 MB route: answered from the headers.
    sock = send_head(placements_port(stack_env), "POST", "/v1/placements", {
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        "Content-Length": str(2 * MB), "X-Request-Id": "limit-before-body-1"})
    with sock:
        resp = checked("POST", "/v1/placements", read_response(sock))
        assert_problem(resp, 413, "payload-too-large")
        assert "1048576 bytes" in resp.json()["detail"]
        assert resp.headers["X-Request-Id"] == "limit-before-body-1"
        assert closed_by_server(sock)  # the body is never read
    # The batch route's own limit (32 MB), the same way.
    sock = send_head(placements_port(stack_env), "POST", "/v1/placements/batch", {
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        "Content-Length": str(33 * MB)})
    with sock:
        resp = checked("POST", "/v1/placements/batch", read_response(sock))
        assert_problem(resp, 413, "payload-too-large")
        assert "33554432 bytes" in resp.json()["detail"]


def test_large_body_without_a_valid_token_is_401_before_it_is_sent(api, stack_env):
    for auth in (None, "Bearer not-a-token", f"Bearer {api.token(**WRITER)}x"):
        headers = {"Content-Type": "application/json", "Content-Length": str(30 * MB)}
        if auth:
            headers["Authorization"] = auth
        sock = send_head(placements_port(stack_env), "POST", "/v1/placements/batch", headers)
        with sock:
            resp = checked("POST", "/v1/placements/batch", read_response(sock))
            assert_problem(resp, 401, "unauthorized")
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")
            assert closed_by_server(sock)


def test_wrong_media_type_is_415_before_the_body(api, stack_env):
    sock = send_head(placements_port(stack_env), "POST", "/v1/placements/batch", {
        "Authorization": f"Bearer {api.token(**WRITER)}", "Content-Type": "text/plain",
        "Content-Length": str(10 * MB)})
    with sock:
        assert_problem(checked("POST", "/v1/placements/batch", read_response(sock)), 415,
                       "unsupported-media-type")


def test_chunked_body_past_the_limit_is_413(api, stack_env):
    base = f"http://127.0.0.1:{placements_port(stack_env)}"

    def pieces():
        yield b'{"child_id": "' + b"x" * (MB // 2)
        yield b"x" * (MB // 2)
        yield b"x" * (MB // 4) + b'"}'

    resp = requests.post(base + "/v1/placements", data=pieces(), timeout=30, headers={
        "Authorization": f"Bearer {api.token(**WRITER)}", "Content-Type": "application/json"})
    assert_problem(resp, 413, "payload-too-large")
    # Under the limit, chunked is read whole and reaches the validator.
    resp = requests.post(base + "/v1/placements", data=iter([b'{"child_id": ', b'"nope"}']),
                         timeout=30, headers={"Authorization": f"Bearer {api.token(**WRITER)}",
                                              "Content-Type": "application/json"})
    assert_problem(resp, 400, "validation", field="child_id")


def test_batch_items_and_nesting_are_bounded_before_parsing(api):
    # Far more items than allowed, each cheap for the text and costly for a parser.
    body = '{"items": [' + ",".join(["{}"] * 200000) + "]}"
    resp = api.request("POST", "/v1/placements/batch", data=body,
                       headers={"Content-Type": "application/json"}, **WRITER)
    problem = assert_problem(resp, 400, "validation", field="items")
    assert "at most 10000 items" in problem["errors"][0]["message"]
    # Nesting inside an item: named by the top-level member holding it.
    deep = {"items": [{"external_ref": "deep", "child": {"local_ref": [[[[[["x"]]]]]]}}]}
    resp = api.request("POST", "/v1/placements/batch", json_body=deep, **WRITER)
    problem = assert_problem(resp, 400, "validation", field="items")
    assert "nested more than 8 levels" in problem["errors"][0]["message"]
    # Many values inside few items (a bound on the whole body, not only on items).
    wide = '{"items": [{"x": [' + ",".join(["0"] * 700000) + "]}]}"
    resp = api.request("POST", "/v1/placements/batch", data=wide,
                       headers={"Content-Type": "application/json"}, **WRITER)
    problem = assert_problem(resp, 400, "validation", field="body")
    assert "JSON values" in problem["errors"][0]["message"]


def test_every_json_route_bounds_depth_and_values(api):
    deep = '{"name": ' + "[" * 40 + "]" * 40 + "}"
    resp = api.request("POST", "/v1/organisations", data=deep,
                       headers={"Content-Type": "application/json"}, roles="tenant_admin")
    problem = assert_problem(resp, 400, "validation", field="name")
    assert "nested more than 32 levels" in problem["errors"][0]["message"]
    many = '{"name": [' + ",".join(["{}"] * 150000) + "]}"
    resp = api.request("POST", "/v1/organisations", data=many,
                       headers={"Content-Type": "application/json"}, roles="tenant_admin")
    assert_problem(resp, 400, "validation", field="body")


def hold_batch(port, token):
    """A batch admitted and waiting for its body: 100 Continue proves the
    service claimed its slot (headers checked, no body read yet)."""
    sock = send_head(port, "POST", "/v1/placements/batch", {
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
        "Content-Length": "13", "Expect": "100-continue"})
    interim = read_response(sock)
    assert interim.status_code == 100
    return sock


def test_batches_per_tenant_are_capped_with_retry_after(api, stack_env):
    port = placements_port(stack_env)
    token = api.token(**WRITER)
    # The same tenant, another council and another client: the cap is the tenant's.
    other = api.token(org=DEMO_COUNCIL_2, roles="integration", sub=f"limits-{uuid.uuid4().hex[:6]}")
    held = [hold_batch(port, token), hold_batch(port, other)]
    try:
        resp = checked("POST", "/v1/placements/batch", read_response(send_head(
            port, "POST", "/v1/placements/batch", {
                "Authorization": f"Bearer {token}", "Content-Type": "application/json",
                "Content-Length": "13"})))
        problem = assert_problem(resp, 429, "too-many-requests")
        assert int(resp.headers["Retry-After"]) >= 1
        assert "2 batch requests" in problem["detail"]
        # Other routes of the tenant are not held up.
        assert api.get("/v1/placements", params={"limit": 1}, **WRITER).status_code == 200
        # A held batch that completes answers normally and gives its slot back.
        held[0].sendall(b'{"items": []}')
        done = read_response(held[0])
        assert done.status_code == 200 and json.loads(done.body) == {"results": []}
    finally:
        for sock in held:
            sock.close()
    # Both slots come back (the closed one once the service sees the close).
    deadline = time.time() + 10
    while True:
        probes = []
        try:
            for _ in range(2):
                sock = send_head(port, "POST", "/v1/placements/batch", {
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json",
                    "Content-Length": "13", "Expect": "100-continue"})
                probes.append(sock)
                statuses = [read_response(sock).status_code]
                if statuses != [100]:
                    break
        finally:
            for sock in probes:
                sock.close()
        if (len(probes) == 2 and statuses == [100]) or time.time() > deadline:
            break
        time.sleep(0.05)
    assert len(probes) == 2 and statuses == [100]
