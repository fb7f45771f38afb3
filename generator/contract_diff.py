"""What changed between two versions of a contract, and whether it breaks users of track17.

    python generator/contract_diff.py OLD.yaml NEW.yaml

The model compared is what track17's users depend on: operations (path and method, and the
webhooks 17TRACK calls), and the fields of every object the SDK sends (request fields) or reads
(response fields, including pushes), each with its type, whether it is required and its enum
values. Objects are named as openapi-python-client names their models (a component schema by its
name, an inline object by its parent's name and its own), so a report speaks of the classes a
user sees.

Written here rather than taken from a package: the well-kept differ, oasdiff, is a Go binary
that cannot be installed here from PyPI, Debian or npm, and the Python and npm packages found
(openapi-lens, api-smart-diff, ...) are small one-person projects that either need Node or report
textual changes without a client's view of what breaks. The rules follow oasdiff's
(https://github.com/oasdiff/oasdiff/blob/main/docs/BREAKING-CHANGES.md), as they apply to a
client SDK:

- an operation removed: breaking (oasdiff ``api-removed-without-deprecation``); added: not.
- a request field removed: breaking (the generated model loses the argument users pass);
  added and optional: not; added and required: breaking (``new-required-request-property``);
  becoming required: breaking (``request-property-became-required``); becoming optional: not.
- a response field removed: breaking (``response-property-removed``: a reader of it gets
  nothing); added: not; becoming optional: breaking (``response-property-became-optional``).
- a type changed: breaking (``request-property-type-changed``, ``response-property-type-changed``),
  except a request field accepting more types or a response field giving fewer.
- an enum value removed from a request field: breaking (``request-property-enum-value-removed``);
  added to a response field: not breaking here, where oasdiff warns, because the facade's enums
  keep an unknown value (``track17_facade._lenient_enum``) instead of failing.
- a field removed and one of the same type added in the same object: reported once, as a probable
  rename, breaking.

- a bound of a request field or body made tighter (a lower ``maxItems`` or ``maximum``, a higher
  minimum): breaking (``request-property-max-decreased``, ``request-body-max-items-decreased``...);
  a looser one, or any change of an answer's bounds: not.

Not compared: descriptions and examples, and parameters (the contracts have one, the webhooks'
``sign`` header); a change there is read in the diff.
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Change", "Contract", "Field", "diff", "load", "model_name", "python_name"]

REQUEST, RESPONSE = "request", "response"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# Names as openapi-python-client 0.29.1 writes them (openapi_python_client/strings.py), copied
# rather than imported so that the report runs without the generator installed.
_DELIMITERS = r"\. _-"
_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def _words(value: str) -> list[str]:
    value = "".join(c for c in value if c.isidentifier() or c.isdecimal() or c in _DELIMITERS)
    if any(c.isupper() for c in value):
        value = " ".join(re.split("([A-Z]?[a-z]+)", value))
    return re.findall(rf"[^{re.escape(_DELIMITERS)}]+", value)


def pascal(name: str) -> str:
    """``name`` in PascalCase, as the generator writes class names (``track_info`` -> ``TrackInfo``)."""
    return "".join(word.capitalize() if not word.isupper() else word for word in _words(name))


def python_name(name: str) -> str:
    """The Python name the generator gives a wire field or a module (``cacheLevel`` -> ``cache_level``)."""
    snake = "_".join(_words(name)).lower()
    return f"{snake}_" if snake in _RESERVED or keyword.iskeyword(snake) else snake


def model_name(schema: str) -> str:
    """The generated class of a component schema or of an inline object named by ``Parent.prop``."""
    return pascal(schema)


@dataclass(frozen=True)
class Field:
    """One field of one object of a contract."""

    types: frozenset[str]
    """The JSON types it may take (``#Name`` for an object of that schema, ``array[...]``)."""
    required: bool
    """Whether the object must carry it."""
    enum: tuple[Any, ...] | None
    """Its allowed values, when the contract lists them."""
    limits: tuple[tuple[str, Any], ...] = ()
    """Its bounds (``maxItems``, ``maximum``, ``maxLength`` and their minimums), sorted by name."""


_LIMITS = ("maxItems", "maxLength", "maximum", "minItems", "minLength", "minimum")


def _limits(node: Any) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((key, node[key]) for key in _LIMITS if isinstance(node, Mapping) and key in node))


@dataclass
class Contract:
    """The parts of a contract the report compares."""

    operations: dict[str, str] = field(default_factory=dict)
    """``"POST /register"`` (or ``"webhook trackingUpdated"``) to its operationId."""
    fields: dict[tuple[str, str], Field] = field(default_factory=dict)
    """(object, wire name) to the field, for every object reachable from an operation."""
    directions: dict[str, set[str]] = field(default_factory=dict)
    """Object name to the directions it travels in: request (sent) and/or response (read)."""
    bodies: dict[str, tuple[tuple[str, Any], ...]] = field(default_factory=dict)
    """Operation to the bounds of its request body (``maxItems``: numbers per request)."""
    problems: list[str] = field(default_factory=list)
    """What could not be read (a dangling ``$ref``): the report fails on any."""


@dataclass(frozen=True)
class Change:
    """One difference between two contracts."""

    kind: str
    """operation-added, field-removed, field-renamed, type-changed, enum-values, ..."""
    element: str
    """``"POST /getpushlog"`` or ``"response TrackInfo.latest_status"``."""
    detail: str
    """What changed, in a few words."""
    breaking: bool
    """Whether users of track17 must change something."""
    names: tuple[str, ...] = ()
    """The wire names involved (looked up in the facade and the CHANGELOG)."""
    schema: str = ""
    """The object the field belongs to (empty for an operation)."""

    def line(self) -> str:
        """The change as one line of the report."""
        mark = "BREAKING    " if self.breaking else "non-breaking"
        return f"{mark} {self.element}: {self.detail}"


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    """``node`` with a local ``$ref`` followed (once per hop); a missing target is an error."""
    seen = 0
    while isinstance(node, Mapping) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise ValueError(f"unsupported $ref {ref!r}")
        target: Any = spec
        for part in ref[2:].split("/"):
            if not isinstance(target, Mapping) or part not in target:
                raise ValueError(f"$ref {ref!r} points at nothing")
            target = target[part]
        node, seen = target, seen + 1
    return node


def _ref_name(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, Mapping) else None
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return ref.rsplit("/", 1)[1]
    return None


def _types(spec: Mapping[str, Any], node: Any, owner: str) -> frozenset[str]:
    """The types a schema admits, objects named by their model."""
    if not isinstance(node, Mapping):
        return frozenset({"any"})
    named = _ref_name(node)
    if named is not None:
        return frozenset({f"#{model_name(named)}"})
    found: set[str] = set()
    for key in ("oneOf", "anyOf"):
        for branch in node.get(key, ()):
            found |= _types(spec, branch, owner)
    for branch in node.get("allOf", ()):
        found |= _types(spec, branch, owner)
    declared = node.get("type")
    for kind in [declared] if isinstance(declared, str) else list(declared or ()):
        if kind == "array":
            items = sorted(_types(spec, node.get("items", {}), owner + "Item"))
            found.add(f"array[{'|'.join(items)}]")
        elif kind == "object" and "properties" in node:
            found.add(f"#{owner}")
        else:
            found.add(str(kind))
    if node.get("nullable") is True:
        found.add("null")
    return frozenset(found or {"any"})


class _Walker:
    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self.contract = Contract()
        self._done: set[tuple[str, str]] = set()

    def schema(self, node: Any, name: str, direction: str) -> None:
        """Record the object ``node`` (named ``name``) and every object inside it."""
        named = _ref_name(node)
        if named is not None:
            name = model_name(named)
        if (name, direction) in self._done:
            return
        self._done.add((name, direction))
        try:
            node = _resolve(self.spec, node)
        except ValueError as exc:  # kept, so that everything else is still compared
            self.contract.problems.append(f"{name}: {exc}")
            return
        if not isinstance(node, Mapping):
            return
        for key in ("oneOf", "anyOf", "allOf"):
            for branch in node.get(key, ()):
                self.schema(branch, name, direction)
        if "items" in node:
            self.schema(node["items"], name + "Item", direction)
        properties = node.get("properties")
        if not isinstance(properties, Mapping):
            return
        self.contract.directions.setdefault(name, set()).add(direction)
        required = set(node.get("required", ()))
        for wire, sub in properties.items():
            owner = name + pascal(wire)
            resolved = _resolve(self.spec, sub)
            enum = resolved.get("enum") if isinstance(resolved, Mapping) else None
            self.contract.fields[(name, wire)] = Field(
                _types(self.spec, sub, owner),
                wire in required,
                tuple(enum) if enum else None,
                _limits(resolved),
            )
            self.schema(sub, owner, direction)

    def _resolved(self, node: Any, where: str) -> Any:
        try:
            return _resolve(self.spec, node)
        except ValueError as exc:
            self.contract.problems.append(f"{where}: {exc}")
            return {}

    def operation(self, key: str, operation: Mapping[str, Any], direction_of_body: str) -> None:
        operation_id = str(operation.get("operationId", key))
        self.contract.operations[key] = operation_id
        body = self._resolved(operation.get("requestBody", {}), f"{key} requestBody")
        for media in (body.get("content") or {}).values():
            self.schema(media.get("schema", {}), pascal(operation_id) + "Body", direction_of_body)
            if direction_of_body == REQUEST:
                self.contract.bodies[key] = _limits(self._resolved(media.get("schema", {}), f"{key} body"))
        for code, given in (operation.get("responses") or {}).items():
            response = self._resolved(given, f"{key} response {code}")
            for media in (response.get("content") or {}).values():
                self.schema(media.get("schema", {}), f"{pascal(operation_id)}Response{code}", RESPONSE)


def load(spec: Mapping[str, Any]) -> Contract:
    """The operations and fields of a parsed contract (a dangling ``$ref`` in ``problems``)."""
    walker = _Walker(spec)
    for path, item in (spec.get("paths") or {}).items():
        for method in _METHODS:
            if method in item:
                walker.operation(f"{method.upper()} {path}", item[method], REQUEST)
    for name, item in (spec.get("webhooks") or {}).items():
        for method in _METHODS:
            if method in item:
                # A push is sent by 17TRACK and read by the SDK: its body is a response here.
                walker.operation(f"webhook {name}", item[method], RESPONSE)
    return walker.contract


def _type_text(types: frozenset[str]) -> str:
    return "|".join(sorted(types))


def _field_changes(old: Contract, new: Contract) -> Iterator[Change]:
    schemas = {schema for schema, _ in old.fields} | {schema for schema, _ in new.fields}
    for schema in sorted(schemas):
        directions = old.directions.get(schema, set()) | new.directions.get(schema, set())
        request = REQUEST in directions
        side = "request" if request and RESPONSE not in directions else "response"
        if request and RESPONSE in directions:
            side = "request/response"
        before = {wire: f for (s, wire), f in old.fields.items() if s == schema}
        after = {wire: f for (s, wire), f in new.fields.items() if s == schema}
        removed = [wire for wire in before if wire not in after]
        added = [wire for wire in after if wire not in before]
        for wire in list(removed):
            twin = next((a for a in added if after[a].types == before[wire].types), None)
            if twin is not None:
                removed.remove(wire)
                added.remove(twin)
                yield Change(
                    "field-renamed",
                    f"{side} {schema}.{wire}",
                    f"removed, and {twin!r} of the same type ({_type_text(after[twin].types)}) added: "
                    "probably renamed",
                    True,
                    (wire, twin),
                    schema,
                )
        for wire in removed:
            yield Change("field-removed", f"{side} {schema}.{wire}", "removed", True, (wire,), schema)
        for wire in added:
            needed = after[wire].required
            detail = f"added ({'required' if needed else 'optional'}, {_type_text(after[wire].types)})"
            yield Change(
                "field-added", f"{side} {schema}.{wire}", detail, request and needed, (wire,), schema
            )
        for wire in before.keys() & after.keys():
            yield from _same_field(
                f"{side} {schema}.{wire}", wire, schema, before[wire], after[wire], directions
            )


def _same_field(
    element: str, wire: str, schema: str, was: Field, now: Field, directions: set[str]
) -> Iterator[Change]:
    request, response = REQUEST in directions, RESPONSE in directions
    if was.types != now.types:
        widened, narrowed = now.types > was.types, now.types < was.types
        breaking = (request and not widened) or (response and not narrowed)
        detail = f"type {_type_text(was.types)} -> {_type_text(now.types)}"
        yield Change("type-changed", element, detail, breaking, (wire,), schema)
    if was.required != now.required:
        breaking = (request and now.required) or (response and not now.required)
        detail = "now required" if now.required else "now optional"
        yield Change("required-changed", element, detail, breaking, (wire,), schema)
    yield from _limit_changes(element, wire, schema, was.limits, now.limits, request)
    old_values, new_values = set(was.enum or ()), set(now.enum or ())
    if was.enum is not None and now.enum is None:
        yield Change("enum-values", element, "no longer an enum", response, (wire,), schema)
    elif was.enum is None and now.enum is not None:
        yield Change(
            "enum-values", element, f"now an enum of {sorted(map(str, new_values))}", request, (wire,), schema
        )
    elif old_values != new_values:
        gone, new = sorted(map(str, old_values - new_values)), sorted(map(str, new_values - old_values))
        detail = ", ".join(
            filter(None, [f"values removed {gone}" if gone else "", f"values added {new}" if new else ""])
        )
        yield Change("enum-values", element, detail, bool(request and gone), (wire, *gone, *new), schema)


def diff(old: Contract, new: Contract) -> list[Change]:
    """Every change from ``old`` to ``new``, operations first."""
    changes = [
        Change("operation-removed", key, "removed", True, (key.split(" ", 1)[1],))
        for key in old.operations
        if key not in new.operations
    ]
    changes += [
        Change("operation-added", key, "added", False, (key.split(" ", 1)[1],))
        for key in new.operations
        if key not in old.operations
    ]
    for key in sorted(old.operations.keys() & new.operations.keys()):
        path = key.split(" ", 1)[1]
        changes += _limit_changes(
            f"{key} body", path, "", old.bodies.get(key, ()), new.bodies.get(key, ()), True
        )
    return changes + list(_field_changes(old, new))


def _limit_changes(
    element: str,
    wire: str,
    schema: str,
    was: tuple[tuple[str, Any], ...],
    now: tuple[tuple[str, Any], ...],
    sent: bool,
) -> list[Change]:
    """A tighter bound breaks what the SDK sends (a lower maximum, a higher minimum, a new one);
    an answer's bounds are only reported."""
    before, after = dict(was), dict(now)
    found = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key.startswith("max"):
            tighter = new is not None and (old is None or new < old)
        else:
            tighter = new is not None and (old is None or new > old)
        found.append(
            Change(
                "limit-changed",
                element,
                f"{key} {old} -> {new}",
                sent and tighter,
                (wire,),
                schema,
            )
        )
    return found


def main(argv: list[str]) -> int:
    """Print the changes between two contract files; exit 1 when one breaks users."""
    if len(argv) != 2:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    old, new = (load(yaml.safe_load(Path(arg).read_text())) for arg in argv)
    changes = diff(old, new)
    for change in changes:
        print(change.line())
    return 1 if any(change.breaking for change in changes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
