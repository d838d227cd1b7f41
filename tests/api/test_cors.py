"""CORS at the gateway: the origins HEARTH_CORS_ORIGINS allows (tests/api/run.sh
allows https://app.example.test) get Access-Control-* headers on every answer
and their preflights answered; any other origin gets none, and its preflight a
403 problem. Requests without an Origin are unchanged."""
import os
import pathlib
import subprocess

import pytest

from hearth_client import assert_problem
from records import unique

ROOT = pathlib.Path(__file__).resolve().parents[2]
ALLOWED = "https://app.example.test"
EXPOSED = {"etag", "location", "x-request-id", "retry-after"}


def exposed(resp):
    return {h.strip().lower() for h in resp.headers.get("Access-Control-Expose-Headers", "").split(",") if h.strip()}


def test_an_allowed_origin_reads_with_cors_headers(api):
    resp = api.get("/v1/organisations", headers={"Origin": ALLOWED})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert exposed(resp) == EXPOSED
    assert "Origin" in resp.headers["Vary"]
    # Bearer tokens, not cookies: credentials are never invited.
    assert "Access-Control-Allow-Credentials" not in resp.headers


def test_an_allowed_origin_sees_the_headers_on_errors_too(api):
    # A browser can only read a 401 or 404 problem if the CORS headers are on it.
    resp = api.get("/v1/organisations", auth=False, headers={"Origin": ALLOWED})
    assert_problem(resp, 401, "unauthorized")
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    resp = api.get("/v1/nothing-here", headers={"Origin": ALLOWED})
    assert_problem(resp, 404)
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_a_write_from_an_allowed_origin_exposes_location_and_etag(api):
    resp = api.post("/v1/organisations", {"kind": "local_authority", "name": unique("Cors Council"),
                                          "code": unique("W06")},
                    roles="tenant_admin", headers={"Origin": ALLOWED})
    assert resp.status_code == 201, resp.text
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert resp.headers["Location"] and resp.headers["ETag"]
    assert {"location", "etag"} <= exposed(resp)


@pytest.mark.parametrize("origin", [
    "https://evil.example",
    "https://app.example.test.evil.example",
    "http://app.example.test",          # another scheme is another origin
    "https://app.example.test:8443",    # and so is another port
    "null",
])
def test_another_origin_gets_no_cors_headers(api, origin):
    resp = api.get("/v1/organisations", headers={"Origin": origin})
    # The request itself is served (CORS is the browser's rule), but nothing
    # lets a page of that origin read the answer.
    assert resp.status_code == 200
    assert "Access-Control-Allow-Origin" not in resp.headers
    assert "Access-Control-Expose-Headers" not in resp.headers


def test_no_origin_no_cors_headers(api):
    resp = api.get("/v1/organisations")
    assert resp.status_code == 200
    assert not [h for h in resp.headers if h.lower().startswith("access-control-")]
    assert "Vary" not in resp.headers or "Origin" not in resp.headers["Vary"]


def preflight(api, origin, method="PATCH", headers="authorization, content-type, if-match, idempotency-key",
              path="/v1/providers/00000000-0000-4000-8000-000000000001"):
    return api.request("OPTIONS", path, auth=False, check_contract=False, headers={
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    })


def test_a_preflight_from_an_allowed_origin_is_answered_by_the_gateway(api):
    resp = preflight(api, ALLOWED)
    assert resp.status_code == 204
    assert resp.text == ""
    assert resp.headers["Access-Control-Allow-Origin"] == ALLOWED
    methods = {m.strip() for m in resp.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= methods
    allowed = {h.strip().lower() for h in resp.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "if-match", "idempotency-key"} <= allowed
    assert int(resp.headers["Access-Control-Max-Age"]) > 0
    # No token needed: a preflight never carries one.
    assert "WWW-Authenticate" not in resp.headers


def test_a_preflight_for_any_service_path_is_answered(api):
    for path in ("/v1/placements/batch", "/v1/risk", "/v1/organisations"):
        assert preflight(api, ALLOWED, method="POST", path=path).status_code == 204


def test_a_preflight_from_another_origin_is_refused(api):
    resp = preflight(api, "https://evil.example")
    body = assert_problem(resp, 403, "forbidden")
    assert "origin" in body["detail"].lower()
    assert "Access-Control-Allow-Origin" not in resp.headers
    assert "Access-Control-Allow-Methods" not in resp.headers


def test_a_plain_options_request_is_not_a_preflight(api):
    # Without Access-Control-Request-Method it goes to the service as before.
    resp = api.request("OPTIONS", "/v1/organisations", check_contract=False, headers={"Origin": ALLOWED})
    assert resp.status_code != 204
    assert "Access-Control-Allow-Methods" not in resp.headers


@pytest.mark.parametrize("bad", ["*", "https://app.example.org/", "https://app.example.org/path",
                                 "app.example.org", "ftp://app.example.org", "https://a b"])
def test_the_gateway_refuses_to_start_with_a_bad_origin(tmp_path, bad):
    # An origin list nginx would match wrongly (a wildcard, a path) stops the
    # render with a message naming the setting, before nginx ever starts.
    tmp_path.chmod(0o755)
    temp = tmp_path / "body"
    temp.mkdir()
    temp.chmod(0o777)
    env = dict(os.environ, HEARTH_CORS_ORIGINS=f"https://ok.example {bad}", HEARTH_GATEWAY_CHECK="0",
               HEARTH_GATEWAY_TEMP_DIR=str(temp))
    done = subprocess.run([str(ROOT / "deploy/gateway/render.sh"), str(tmp_path / "gw"),
                           str(ROOT / "deploy/services.txt")], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "HEARTH_CORS_ORIGINS" in done.stderr
