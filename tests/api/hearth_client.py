"""A small HTTP client for the API tests: every response goes through the
OpenAPI contract check, and tokens come from `hearthctl token`, exactly as a
developer would mint them."""
import json
import os
import shlex
import pathlib
import subprocess
import urllib.parse

import requests

from openapi_check import OpenApiContract

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONTRACT = OpenApiContract()

DEMO_TENANT = "00000000-0000-4000-8000-00000000d001"
DEMO_CONSORTIUM = "00000000-0000-4000-8000-00000000c001"
DEMO_COUNCIL = "00000000-0000-4000-8000-00000000c002"
DEMO_COUNCIL_2 = "00000000-0000-4000-8000-00000000c003"


def load_stack_env():
    """The stack started by tests/api/run.sh describes itself in a file."""
    path = os.environ.get("HEARTH_TEST_STACK_ENV")
    if not path:
        raise RuntimeError("run the API tests through `make api-test` or `make test`")
    env = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            # Written with bash's printf %q: undo its quoting the way a shell would.
            words = shlex.split(value)
            env[key.strip()] = words[0] if words else ""
    return env


class Api:
    def __init__(self, base_url, stack_env):
        self.base = base_url.rstrip("/")
        self.stack_env = stack_env
        self.session = requests.Session()
        self._tokens = {}

    def ctl(self, *args, check=True):
        env = dict(os.environ)
        env.update(self.stack_env)
        return subprocess.run([str(ROOT / "build/bin/hearthctl"), *args], env=env, check=check,
                              capture_output=True, text=True)

    def token(self, roles="commissioner", org=DEMO_COUNCIL, tenant=DEMO_TENANT, sub="test-user",
              ttl=3600):
        key = (roles, org, tenant, sub, ttl)
        if key not in self._tokens:
            out = self.ctl("token", "--tenant", tenant, "--org", org, "--roles", roles,
                           "--sub", sub, "--ttl", str(ttl))
            self._tokens[key] = out.stdout.strip()
        return self._tokens[key]

    def forge_token(self, **claims):
        """A correctly signed token with exactly these claims over the usual ones,
        for tests that play an attacker holding a valid key's token with odd
        contents (no roles, unknown roles, an organisation that does not exist).
        A claim given as None is left out."""
        import time

        import jwt  # Debian's python3-jwt

        now = int(time.time())
        body = {"iss": self.stack_env["HEARTH_JWT_ISSUER"], "aud": self.stack_env["HEARTH_JWT_AUDIENCE"],
                "sub": "forged", "tenant": DEMO_TENANT, "org": DEMO_COUNCIL,
                "roles": ["commissioner"], "iat": now, "exp": now + 600}
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        key = pathlib.Path(self.stack_env["HEARTH_JWT_PRIVATE_KEY_FILE"]).read_text()
        return jwt.encode(body, key, algorithm="ES256",
                          headers={"kid": self.stack_env["HEARTH_JWT_PEM_KID"]})

    def request(self, method, path, *, token=None, json_body=None, data=None, headers=None,
                params=None, check_contract=True, **token_args):
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        hdrs = dict(headers or {})
        if token is None and token_args.get("auth", True):
            token = self.token(**{k: v for k, v in token_args.items() if k != "auth"})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            data = json.dumps(json_body)
            hdrs.setdefault("Content-Type", "application/json")
        resp = self.session.request(method, url, data=data, headers=hdrs, timeout=60)
        if check_contract:
            CONTRACT.check(method, urllib.parse.urlparse(url).path, resp.status_code,
                           resp.headers.get("Content-Type"), resp.text)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, json_body=body, **kw)

    def patch(self, path, body=None, **kw):
        kw.setdefault("headers", {})
        kw["headers"].setdefault("Content-Type", "application/merge-patch+json")
        return self.request("PATCH", path, json_body=body, **kw)


def assert_problem(resp, status, type_slug=None, field=None):
    """A problem+json answer with this status, type and (optionally) a named field."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text}"
    assert resp.headers["Content-Type"].startswith("application/problem+json"), resp.headers
    body = resp.json()
    assert body["status"] == status
    if type_slug:
        assert body["type"] == f"/problems/{type_slug}", body
    if field:
        fields = [e["field"] for e in body.get("errors", [])]
        assert field in fields, f"{field!r} not named in {fields}: {body}"
    assert "request_id" in body or resp.headers.get("X-Request-Id")
    return body
