"""The contract and the generated layer: valid spec, faithful models, reproducible regeneration."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
import track17_client.models as generated_models
import track17_client_v2.models as generated_models_v2
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from tests.conftest import missing

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi.yaml"
SEED_WORDS_SHA256 = "cb60d74cc08772fac024e77afe3efa433d8791a77713045689cd16dae38072a7"
"""SHA-256 of the words of the contract's source text (17TRACK's v1 seed, 000_89c675a7c190a7c7),
joined by single spaces: taken from the source when the contract was written, so that the suite
needs nothing outside the repository to know the contract still says exactly what it said."""
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())


def test_contract_is_valid_openapi_3_0_3() -> None:
    validate(SPEC)
    assert SPEC["openapi"] == "3.0.3"


def test_contract_matches_its_source_word_for_word() -> None:
    """Restoring line breaks dropped nothing and invented nothing."""
    words = " ".join(SPEC_PATH.read_text().split())
    assert hashlib.sha256(words.encode()).hexdigest() == SEED_WORDS_SHA256


def test_contract_has_the_nine_operations_with_their_limits() -> None:
    operations = {path: item["post"] for path, item in SPEC["paths"].items()}
    assert sorted(operations) == sorted(
        [
            "/register",
            "/gettrackinfo",
            "/gettracklist",
            "/stoptrack",
            "/retrack",
            "/deletetrack",
            "/changecarrier",
            "/changeinfo",
            "/push",
        ]
    )
    for path, operation in operations.items():
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        if path != "/gettracklist":
            assert schema["maxItems"] == 40
        assert set(operation["responses"]) >= {"200", "401", "429", "500"}
    assert SPEC["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "17token"
    assert SPEC["components"]["schemas"]["TrackListRequest"]["properties"]["page_size"]["maximum"] == 40


# -- every generated model of both contracts round-trips ------------------------------------------


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


def _object_schemas(name: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(generated class name, schema) for an object schema and every inline object inside it,
    named the way openapi-python-client names them."""
    yield name, schema
    for prop, sub in schema.get("properties", {}).items():
        if sub.get("type") == "object":
            yield from _object_schemas(name + _pascal(prop), sub)
        elif sub.get("type") == "array" and sub["items"].get("type") == "object":
            yield from _object_schemas(name + _pascal(prop) + "Item", sub["items"])


def _all_model_schemas(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name, schema in spec["components"]["schemas"].items():
        if schema.get("type") != "array":  # a named array (getquota's empty body) is no model
            found.update(_object_schemas(name, schema))
    for item in spec["paths"].values():
        operation = item["post"]
        for code, response in operation["responses"].items():
            if "$ref" in response:
                component = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                schema = component["content"]["application/json"]["schema"]
                if "$ref" not in schema:  # an inline schema becomes a model of its own
                    name = f"{_pascal(operation['operationId'])}Response{code}"
                    found.update(_object_schemas(name, schema))
    return found


SPEC_V2: dict[str, Any] = yaml.safe_load((ROOT / "openapi-v2.4.yaml").read_text())
CONTRACTS = {"v1": (SPEC, generated_models), "v2.4": (SPEC_V2, generated_models_v2)}
MODEL_SCHEMAS = {
    (version, name): schema
    for version, (spec, _) in CONTRACTS.items()
    for name, schema in _all_model_schemas(spec).items()
}
MODEL_CLASSES = {
    (version, name): cls
    for version, (_, module) in CONTRACTS.items()
    for name, cls in inspect.getmembers(module, inspect.isclass)
    if hasattr(cls, "from_dict")
}


def test_the_v2_4_contract_is_valid_openapi_3_1_with_every_operation() -> None:
    validate(SPEC_V2)
    assert SPEC_V2["openapi"] == "3.1.0"
    operations = ["register", "changecarrier", "changeinfo", "stoptrack", "retrack", "deletetrack"]
    operations += ["gettracklist", "gettrackinfo", "push", "getquota", "getRealTimeTrackInfo"]
    assert sorted(SPEC_V2["paths"]) == sorted(f"/{name}" for name in operations)
    for path, item in SPEC_V2["paths"].items():
        schema = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        if schema.get("type") == "array":
            assert schema["maxItems"] == 40, path
        assert set(item["post"]["responses"]) >= {"200", "401", "429", "500"}
    assert SPEC_V2["servers"][0]["url"] == "https://api.17track.net/track/v2.4"
    assert SPEC_V2["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "17token"
    # Where public sources disagree, both forms are accepted, and the description says so.
    level = SPEC_V2["components"]["schemas"]["RealTimeItem"]["properties"]["cacheLevel"]
    assert {alt["type"] for alt in level["oneOf"]} == {"integer", "string"}
    assert "disagree" in SPEC_V2["info"]["description"]


def test_every_generated_model_has_a_schema_in_its_contract() -> None:
    assert set(MODEL_CLASSES) == set(MODEL_SCHEMAS)
    assert {version for version, _ in MODEL_CLASSES} == {"v1", "v2.4"}


_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


def _values(spec: dict[str, Any], schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """JSON values valid for one of a contract's schemas, extra unknown keys included."""
    if "$ref" in schema:
        return _values(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    if "oneOf" in schema:
        return st.one_of([_values(spec, alternative) for alternative in schema["oneOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1: [type, "null"]
        return st.one_of([_values(spec, {**schema, "type": alternative}) for alternative in kind])
    if kind == "null":
        return st.none()
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        extras = st.dictionaries(
            st.text(alphabet="xyzw_", min_size=1, max_size=6).filter(lambda key: key not in properties),
            st.one_of(st.integers(), _TEXT, st.booleans()),
            max_size=2,
        )
        return st.fixed_dictionaries(
            {name: _values(spec, sub) for name, sub in properties.items() if name in required},
            optional={name: _values(spec, sub) for name, sub in properties.items() if name not in required},
        ).flatmap(lambda fixed: extras.map(lambda extra: {**extra, **fixed}))
    if kind == "array":
        return st.lists(
            _values(spec, schema["items"]),
            max_size=schema.get("maxItems", 4) if schema.get("maxItems", 4) < 4 else 4,
        )
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -(2**31)), max_value=schema.get("maximum", 2**31))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 30))
    raise AssertionError(f"no strategy for {schema}")


@pytest.mark.parametrize("model", sorted(MODEL_SCHEMAS), ids=lambda model: f"{model[0]}-{model[1]}")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_model_round_trips(model: tuple[str, str], data: st.DataObject) -> None:
    spec = CONTRACTS[model[0]][0]
    payload = data.draw(_values(spec, MODEL_SCHEMAS[model]))
    parsed = MODEL_CLASSES[model].from_dict(payload)
    assert parsed.to_dict() == payload
    assert json.loads(json.dumps(parsed.to_dict())) == payload


def test_track_events_keep_every_field() -> None:
    from track17_client.models import TrackInfoResponse

    event = {"z": 2, "s": 201, "a": "Leipzig, DE", "c": "Departed", "d": "2026-01-05 10:00"}
    payload = {
        "code": 0,
        "data": {
            "accepted": [
                {
                    "number": "RR123456789CN",
                    "carrier": 3011,
                    "track": {"z0": event, "z1": [event, {**event, "z": 7}]},
                }
            ],
            "rejected": [],
        },
    }
    parsed = TrackInfoResponse.from_dict(payload)
    accepted = parsed.data.accepted[0]  # type: ignore[union-attr,index]
    assert accepted.track.z0.a == "Leipzig, DE"  # type: ignore[union-attr]
    assert accepted.track.z1[1].z == 7  # type: ignore[union-attr,index]
    assert parsed.to_dict() == payload


# -- regeneration --------------------------------------------------------------------------------


def _generator() -> str:
    candidate = Path(sys.executable).parent / "openapi-python-client"
    found = str(candidate) if candidate.exists() else shutil.which("openapi-python-client")
    if found is None or shutil.which("ruff", path=str(Path(found).parent)) is None:
        missing("openapi-python-client and ruff (generator-requirements.txt) are not installed")
        raise AssertionError("unreachable")
    return found


def test_a_new_optional_property_flows_through_after_regeneration(tmp_path: Path) -> None:
    generator = _generator()
    spec = yaml.safe_load(SPEC_PATH.read_text())
    item = spec["components"]["schemas"]["TrackInfoResponse"]["properties"]["data"]["properties"]["accepted"][
        "items"
    ]
    item["properties"]["origin_country"] = {"type": "string", "description": "Country of origin"}
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    output = tmp_path / "out" / "track17_client"
    env = {
        **os.environ,
        "PATH": f"{Path(generator).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    subprocess.run(
        [
            generator,
            "generate",
            "--path",
            str(tmp_path / "openapi.yaml"),
            "--config",
            str(ROOT / "generator_config.yaml"),
            "--custom-template-path",
            str(ROOT / "generator" / "templates"),
            "--meta",
            "none",
            "--output-path",
            str(output),
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=tmp_path,
    )
    check = (
        "import json, sys\n"
        "from track17_client.models import TrackInfoResponseDataAcceptedItem as Item\n"
        "payload = {'number': 'RR123456789CN', 'origin_country': 'CN'}\n"
        "item = Item.from_dict(payload)\n"
        "assert item.origin_country == 'CN', item\n"
        "assert 'origin_country' not in item.additional_properties\n"
        "assert item.to_dict() == payload\n"
        "print(json.dumps(item.to_dict()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(output.parent)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"number": "RR123456789CN", "origin_country": "CN"}
    # The committed client does not know the field: it lands in additional_properties.
    committed = importlib.import_module("track17_client.models").TrackInfoResponseDataAcceptedItem
    assert committed.from_dict({"number": "X", "origin_country": "CN"}).additional_properties == {
        "origin_country": "CN"
    }


def test_generated_client_reports_out_of_range_statuses_instead_of_crashing() -> None:
    """HTTPStatus(520) raises; the committed template fix keeps the response."""
    from track17_client.types import http_status

    assert http_status(520) == 520
    known = http_status(503)
    assert isinstance(known, HTTPStatus) and known.phrase == "Service Unavailable"


def test_generated_client_repr_hides_the_token() -> None:
    from track17_client import AuthenticatedClient

    client = AuthenticatedClient(
        base_url="http://127.0.0.1:1", token="s3cr3t-key", prefix="", auth_header_name="17token"
    )
    client.get_httpx_client()
    assert "s3cr3t-key" not in repr(client)
    client.get_httpx_client().close()
