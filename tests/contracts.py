"""The two contracts as JSON Schema validators of the sandbox's answers, closed to undocumented keys."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from track17_facade.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent


class Contract:
    """One contract file, and the path prefix its operations are served under."""

    def __init__(self, file: str, prefix: str) -> None:
        self.spec: dict[str, Any] = yaml.safe_load((ROOT / file).read_text())
        self.prefix = prefix
        self.operations: dict[str, Any] = {
            path.strip("/"): item["post"] for path, item in self.spec["paths"].items()
        }
        # OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0's are close to draft 7.
        self.draft: type[jsonschema.protocols.Validator] = (
            jsonschema.Draft202012Validator
            if self.spec["openapi"].startswith("3.1")
            else jsonschema.Draft7Validator
        )

    def resolve(self, node: Any) -> Any:
        """``node`` with every ``$ref`` replaced by what it names (the contracts have no cycles)."""
        if isinstance(node, dict):
            if "$ref" in node:
                *_, section, name = node["$ref"].split("/")
                target = self.spec["components"][section][name]
                return self.resolve(
                    target["content"]["application/json"]["schema"] if section == "responses" else target
                )
            return {key: self.resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(value) for value in node]
        return node

    def validator(self, operation: str, status: int) -> jsonschema.protocols.Validator:
        """The closed schema of one operation's answer with ``status``."""
        responses = self.operations[operation]["responses"]
        declared = self.resolve(responses.get(str(status)) or responses["500"])
        schema = declared["content"]["application/json"]["schema"] if "content" in declared else declared
        return self.draft(_closed(schema))

    def check(self, sandbox: Sandbox) -> int:
        """Assert every answer the sandbox sent under this contract's prefix matches it; how many."""
        checked = 0
        for response in sandbox.responses:
            root, _, operation = response.path.rpartition("/")
            if root != self.prefix or operation not in self.operations or response.status == 404:
                continue
            body = json.loads(response.body)
            errors = list(self.validator(operation, response.status).iter_errors(body))
            assert not errors, f"{response.path} {response.status}: {errors[0].message} in {body}"
            checked += 1
        return checked


def _closed(schema: Any) -> Any:
    """The schema with no undocumented keys allowed, except 17TRACK's data.errors (v1)."""
    if isinstance(schema, dict):
        closed = {key: _closed(value) for key, value in schema.items()}
        if schema.get("type") == "object" and "properties" in schema:
            closed["additionalProperties"] = False
            if {"accepted", "rejected"} <= set(schema["properties"]):
                closed["properties"] = {**closed["properties"], "errors": {"type": "array"}}
        return closed
    if isinstance(schema, list):
        return [_closed(value) for value in schema]
    return schema


@cache
def v1() -> Contract:
    """openapi.yaml, served under /track/v1."""
    return Contract("openapi.yaml", "/track/v1")


@cache
def v2_4() -> Contract:
    """openapi-v2.4.yaml, served under /track/v2.4."""
    return Contract("openapi-v2.4.yaml", "/track/v2.4")
