"""The API reference at /docs and the OpenAPI files at /openapi/, served by the
gateway from files built by deploy/docs/build.sh (make docs): what a client
generator or a browser fetches, byte for byte the repository's files, read-only.
The browser itself is driven in test_docs_browser.py."""
import pathlib

import pytest
import yaml

from hearth_client import assert_problem

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = [line.split()[0] for line in (ROOT / "deploy/services.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def get(api, path, **kw):
    return api.request("GET", path, auth=False, check_contract=False, **kw)


def test_docs_redirects_to_the_page(api):
    resp = api.session.get(api.base + "/docs", allow_redirects=False, timeout=10)
    assert resp.status_code == 301
    assert resp.headers["Location"] == "/docs/"


def test_the_page_is_served_with_a_policy_that_allows_only_this_gateway(api):
    resp = get(api, "/docs/")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    assert "swagger-ui-bundle.js" in resp.text
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # Every script and style the page names is local.
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css",
                  "services.js", "hearth-docs.js"):
        assert f'"{asset}"' in resp.text
        sub = get(api, "/docs/" + asset)
        assert sub.status_code == 200, asset
        assert sub.headers["Content-Type"].split(";")[0] in ("text/javascript", "text/css")
    assert "https://" not in get(api, "/docs/hearth-docs.js").text


def test_the_page_lists_every_service(api):
    listed = get(api, "/docs/services.js").text
    for name in SERVICES:
        assert f'"{name}"' in listed


@pytest.mark.parametrize("name", SERVICES + ["common"])
def test_each_openapi_file_is_served_as_in_the_repository(api, name):
    resp = get(api, f"/openapi/{name}.yaml")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/yaml")
    assert resp.content == (ROOT / f"openapi/{name}.yaml").read_bytes()
    doc = yaml.safe_load(resp.text)
    assert doc["openapi"].startswith("3.")
    if name != "common":
        # Calls made from the page go to this gateway.
        assert doc["servers"][0]["url"] == "/"


@pytest.mark.parametrize("path", ["/openapi/nothing.yaml", "/docs/nothing.js", "/openapi/../README.md",
                                  "/docs/%2e%2e/README.md", "/openapi/", "/docsx"])
def test_nothing_else_is_served(api, path):
    resp = get(api, path)
    assert resp.status_code in (403, 404), resp.text
    assert "# Hearth" not in resp.text


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_the_reference_is_read_only(api, method):
    for path in ("/docs/", "/openapi/providers.yaml"):
        resp = api.request(method, path, auth=False, check_contract=False, data="x")
        assert_problem(resp, 403)
