"""Check every response the API tests see against the OpenAPI files.

The files in openapi/ are the machine-readable contract. A response passes when
its path and method are described, its status is listed for that operation, its
media type is listed for that status, and a JSON body validates against the
listed schema (JSON Schema 2020-12, $refs across files resolved). Gateway
answers for paths no service owns are checked against the shared Problem schema.
"""
import json
import pathlib
import re

import yaml
from jsonschema import Draft202012Validator, RefResolver

ROOT = pathlib.Path(__file__).resolve().parents[2]
OPENAPI_DIR = ROOT / "openapi"


class ContractError(AssertionError):
    pass


class OpenApiContract:
    def __init__(self, directory=OPENAPI_DIR):
        self.store = {}
        self.operations = []  # (regex, method, operation, file uri)
        for path in sorted(directory.glob("*.yaml")):
            doc = yaml.safe_load(path.read_text())
            uri = path.as_uri()
            self.store[uri] = doc
            for template, item in (doc.get("paths") or {}).items():
                regex = re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", template) + "$")
                for method, op in item.items():
                    if method in ("get", "post", "put", "patch", "delete"):
                        self.operations.append((regex, method.upper(), op, uri, template))
        self.common_uri = (directory / "common.yaml").as_uri()

    def _resolve(self, obj, uri):
        """Follow a $ref (possibly into another file); return (object, its file uri)."""
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            file_part, _, pointer = ref.partition("#")
            target_uri = uri if not file_part else (OPENAPI_DIR / file_part).as_uri()
            node = self.store[target_uri]
            for part in pointer.strip("/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            obj, uri = node, target_uri
        return obj, uri

    def _validate_schema(self, schema, uri, instance, what):
        resolver = RefResolver(base_uri=uri, referrer=self.store[uri], store=self.store)
        validator = Draft202012Validator(schema, resolver=resolver)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            raise ContractError(
                f"{what}: response does not match the OpenAPI schema at "
                f"{'/'.join(map(str, first.path)) or '(root)'}: {first.message}")

    def find(self, method, path):
        for regex, m, op, uri, template in self.operations:
            if m == method and regex.match(path):
                return op, uri, template
        return None, None, None

    def check(self, method, path, status, content_type, body_text):
        what = f"{method} {path} -> {status}"
        ctype = (content_type or "").split(";")[0].strip()
        op, uri, _ = self.find(method, path.split("?")[0])
        if op is None:
            # Only gateway-made problems may come from undescribed paths.
            if status < 400:
                raise ContractError(f"{what}: path and method are not in any OpenAPI file")
            problem, puri = self._resolve(
                {"$ref": "common.yaml#/components/schemas/Problem"}, self.common_uri)
            if ctype != "application/problem+json":
                raise ContractError(f"{what}: error answered as {ctype!r}, not problem+json")
            self._validate_schema(problem, puri, json.loads(body_text), what)
            return
        responses = op.get("responses", {})
        response = responses.get(str(status)) or responses.get("default")
        if response is None:
            # Answers any endpoint may give (gateway limits, rate limiting, outages).
            if status in (413, 429, 502, 503, 504) and ctype == "application/problem+json":
                problem, puri = self._resolve(
                    {"$ref": "common.yaml#/components/schemas/Problem"}, self.common_uri)
                self._validate_schema(problem, puri, json.loads(body_text), what)
                return
            raise ContractError(f"{what}: status {status} is not documented for this operation")
        response, ruri = self._resolve(response, uri)
        content = response.get("content")
        if not content:
            return
        if ctype not in content:
            raise ContractError(f"{what}: media type {ctype!r} not documented ({list(content)})")
        schema = content[ctype].get("schema")
        if schema is None or not ctype.endswith("json"):
            return
        self._validate_schema(schema, ruri, json.loads(body_text), what)
