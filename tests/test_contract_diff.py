"""The contract change report: what it calls breaking, what it finds in the facade, what it asks of
the CHANGELOG and the exposure file (small contract pairs, no network, no generation)."""

from __future__ import annotations

import copy
import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generator"))


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "generator" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


differ = _load("contract_diff")
check = _load("contract_check")
spec_check = _load("spec_check")
modules = _load("check_modules")
V2 = yaml.safe_load((ROOT / "openapi-v2.4.yaml").read_text())


@pytest.fixture(scope="module")
def scan() -> Any:
    """The facade as it is: scanned once for the whole module."""
    return check.FacadeScan(ROOT)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    return list(differ.diff(differ.load(old), differ.load(new)))


def _edited(spec: dict[str, Any], schema: str, edit: Any) -> dict[str, Any]:
    changed = copy.deepcopy(spec)
    edit(changed["components"]["schemas"][schema])
    return changed


def _rename_latest_status(schema: dict[str, Any]) -> None:
    schema["properties"]["status"] = schema["properties"].pop("latest_status")


def test_the_same_contract_has_no_change() -> None:
    assert _changes(V2, V2) == []


def test_a_renamed_response_field_is_a_breaking_probable_rename_the_facade_reads(scan: Any) -> None:
    [change] = _changes(V2, _edited(V2, "TrackInfo", _rename_latest_status))
    assert change.kind == "field-renamed" and change.breaking
    assert change.element == "response TrackInfo.latest_status"
    assert change.names == ("latest_status", "status")
    sites = scan.field_sites("v2", "TrackInfo", "latest_status")
    assert "track17_facade/_decoders_v2.py" in {site.path for site in sites if site.covers}
    # Its docstring mentions do not count, and the v1 reader never reads a v2 name.
    assert "track17_facade/webhooks.py" not in {site.path for site in sites}
    assert "track17_facade/_decoders_v1.py" not in {site.path for site in sites}
    # Acknowledged or not, a read of a name the contract no longer has fails the check.
    renamed = differ.load(_edited(V2, "TrackInfo", _rename_latest_status))
    [stale] = [line for line in check.stale_reads(change, renamed, sites) if "_decoders_v2.py" in line]
    assert stale.startswith("the facade still reads 'latest_status', which the contract no longer has, at ")


def test_a_removed_field_with_no_twin_is_a_removal() -> None:
    def drop(schema: dict[str, Any]) -> None:
        del schema["properties"]["sub_status"]

    [change] = _changes(V2, _edited(V2, "LatestStatus", drop))
    assert (change.kind, change.element, change.breaking) == (
        "field-removed",
        "response LatestStatus.sub_status",
        True,
    )


def test_a_new_operation_is_non_breaking_and_named_as_not_in_the_facade(scan: Any) -> None:
    new = copy.deepcopy(V2)
    new["paths"]["/getpushlog"] = copy.deepcopy(V2["paths"]["/getquota"])
    new["paths"]["/getpushlog"]["post"]["operationId"] = "getPushLog"
    [change] = _changes(V2, new)
    assert (change.kind, change.element, change.breaking) == ("operation-added", "POST /getpushlog", False)
    failures, _ = check.coverage("v2", differ.load(new), scan, _exposure())
    assert failures == [
        "v2 POST /getpushlog is not in the facade and not listed in contract-exposure.yaml "
        "(list it, with why)"
    ]


def test_an_added_optional_field_passes_as_non_breaking_and_a_required_one_breaks() -> None:
    def add(required: bool) -> Any:
        def edit(schema: dict[str, Any]) -> None:
            schema["properties"]["customer_name"] = {"type": "string"}
            if required:
                schema["required"].append("customer_name")

        return edit

    [optional] = _changes(V2, _edited(V2, "RegisterItem", add(False)))
    assert (optional.element, optional.breaking) == ("request RegisterItem.customer_name", False)
    assert "optional" in optional.detail
    [required] = _changes(V2, _edited(V2, "RegisterItem", add(True)))
    assert required.breaking and "required" in required.detail


def test_fewer_numbers_per_request_break_the_batching_and_name_the_operation(scan: Any) -> None:
    new = copy.deepcopy(V2)
    new["paths"]["/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]["maxItems"] = 20
    [change] = _changes(V2, new)
    assert (change.element, change.detail, change.breaking) == (
        "POST /register body",
        "maxItems 40 -> 20",
        True,
    )
    assert change.names == ("/register",)
    assert {site.path for site in scan.operation_sites("v2", "register")} == {"track17_facade/_api_v2.py"}

    def page_from_2(schema: dict[str, Any]) -> None:
        schema["properties"]["page_no"]["minimum"] = 2

    [tighter] = _changes(V2, _edited(V2, "TrackListRequest", page_from_2))
    assert (tighter.kind, tighter.breaking) == ("limit-changed", True)


def _body(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def test_types_required_ness_and_enums_follow_oasdiffs_rules() -> None:
    base: dict[str, Any] = {
        "openapi": "3.1.0",
        "paths": {
            "/a": {
                "post": {
                    "operationId": "a",
                    "requestBody": _body("In"),
                    "responses": {"200": _body("Out")},
                }
            }
        },
        "components": {
            "schemas": {
                "In": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["x", "y"]}}},
                "Out": {
                    "type": "object",
                    "required": ["n"],
                    "properties": {"n": {"type": "integer"}, "s": {"type": "string", "enum": ["p"]}},
                },
            }
        },
    }

    def verdict(edit: Any) -> list[tuple[str, bool]]:
        new = copy.deepcopy(base)
        edit(new["components"]["schemas"])
        return [(change.kind, change.breaking) for change in _changes(base, new)]

    def widen_request(s: Any) -> None:
        s["In"]["properties"]["kind"]["type"] = ["string", "null"]

    def widen_response(s: Any) -> None:
        s["Out"]["properties"]["n"]["type"] = ["integer", "null"]

    def drop_request_value(s: Any) -> None:
        s["In"]["properties"]["kind"]["enum"] = ["x"]

    def add_response_value(s: Any) -> None:
        s["Out"]["properties"]["s"]["enum"] = ["p", "q"]

    def response_optional(s: Any) -> None:
        s["Out"]["required"] = []

    def request_required(s: Any) -> None:
        s["In"]["required"] = ["kind"]

    assert verdict(widen_request) == [("type-changed", False)]
    assert verdict(widen_response) == [("type-changed", True)]
    assert verdict(drop_request_value) == [("enum-values", True)]
    assert verdict(add_response_value) == [("enum-values", False)]
    assert verdict(response_optional) == [("required-changed", True)]
    assert verdict(request_required) == [("required-changed", True)]


def test_a_dangling_ref_names_the_reference_and_its_line_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "openapi-v2.4.yaml"
    text = (ROOT / "openapi-v2.4.yaml").read_text()
    broken.write_text(text.replace("schemas/LatestStatus'", "schemas/LatestStatsu'", 1))
    problem = spec_check.problem(broken)
    line = next(n for n, t in enumerate(broken.read_text().splitlines(), 1) if "LatestStatsu" in t)
    ref = "'#/components/schemas/LatestStatsu'"
    assert problem == f"openapi-v2.4.yaml: $ref {ref} points at nothing (line {line})"
    assert spec_check.problem(ROOT / "openapi-v2.4.yaml") is None


def test_the_scan_reads_the_field_table_attributes_and_generated_model_keywords(tmp_path: Path) -> None:
    package = tmp_path / "track17_facade"
    package.mkdir()
    (package / "_decoders_v2.py").write_text(
        '"""Mentions "latest_status" in a docstring only."""\n'
        "from track17_facade import _fields as F\n"
        "from track17_client_v2.api.tracking import get_quota\n"
        "status = info.get(F.V2TrackInfo.latest_status)\n"
        "item = RegisterItem(order_no=1)\n"
    )
    (package / "_fields.py").write_text('class V2TrackInfo:\n    misc_info = "misc_info"\n')
    scan = check.FacadeScan(tmp_path)
    [read] = scan.field_sites("v2", "TrackInfo", "latest_status")
    assert (read.path, read.line) == ("track17_facade/_decoders_v2.py", 4)
    assert scan.field_sites("v2", "LatestStatus", "latest_status") == []  # another object's field
    assert [s.line for s in scan.field_sites("v2", "RegisterItem", "order_no")] == [5]
    assert scan.field_sites("v2", "TrackInfo", "misc_info") == []  # the table itself covers nothing
    assert [s.line for s in scan.operation_sites("v2", "getQuota")] == [3]
    assert scan.operation_sites("v1", "getQuota") == []


def _exposure() -> dict[str, str]:
    loaded: dict[str, str] = yaml.safe_load((ROOT / "contract-exposure.yaml").read_text())
    return loaded


@pytest.mark.parametrize("tag", ["v1", "v2"])
def test_every_element_of_todays_contracts_is_covered_or_listed_with_why(tag: str, scan: Any) -> None:
    name = check.CONTRACTS[tag][0]
    contract = differ.load(yaml.safe_load((ROOT / name).read_text()))
    failures, _ = check.coverage(tag, contract, scan, _exposure())
    assert failures == []
    assert all(len(why) > 20 for why in _exposure().values())


def test_a_breaking_change_is_acknowledged_only_under_a_new_major_version_naming_it() -> None:
    base = "## [Unreleased]\n\n## [0.2.0] - 2026-12-05\n\nFirst.\n"
    [change] = _changes(V2, _edited(V2, "TrackInfo", _rename_latest_status))

    def acknowledged(changelog: str) -> bool:
        _, text = check.acknowledgement(changelog, base)
        return bool(check._named(change, text))

    rename = "### Changed\n\n- `latest_status` is now `status` in TrackInfo.\n"
    assert acknowledged(f"## [Unreleased]\n\n## [0.3.0] - 2027-01-01\n\n{rename}\n## [0.2.0] - 2026-12-05\n")
    assert acknowledged(f"## [1.0.0] - 2027-01-01\n\n{rename}\n## [0.2.0] - 2026-12-05\n")
    assert not acknowledged(f"## [0.2.1] - 2027-01-01\n\n{rename}\n## [0.2.0] - 2026-12-05\n")
    assert not acknowledged(f"## [Unreleased]\n\n{rename}\n## [0.2.0] - 2026-12-05\n")
    assert not acknowledged("## [0.3.0] - 2027-01-01\n\n- TrackInfo's sub_status changed.\n\n## [0.2.0]\n")


@pytest.mark.parametrize(
    ("name", "package"), [("openapi.yaml", "track17_client"), ("openapi-v2.4.yaml", "track17_client_v2")]
)
def test_generate_knows_every_module_a_contract_calls_for(name: str, package: str) -> None:
    """Each module of generated/ is one the contract calls for, so ``generate`` refuses to lose any
    of them while the contract still holds its object or operation."""
    spec = yaml.safe_load((ROOT / name).read_text())
    expected = set(modules.expected_modules(spec))
    root = ROOT / "generated" / package
    generated = {
        path.relative_to(root).as_posix() for path in root.glob("*/**/*.py") if path.name != "__init__.py"
    }
    assert generated == expected


def test_a_typo_that_makes_the_generator_drop_a_model_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        (ROOT / "openapi-v2.4.yaml").read_text().replace("schemas/LatestStatus'", "schemas/LatestStatsu'", 1)
    )
    (tmp_path / "openapi-v2.4.yaml").write_text(text)
    shutil.copytree(ROOT / "generated" / "track17_client_v2", tmp_path / "out")
    (tmp_path / "out" / "models" / "track_info.py").unlink()  # what the generator leaves out
    assert modules.main(str(tmp_path / "openapi-v2.4.yaml"), str(tmp_path / "out"), "track17_client_v2") == 1
    assert capsys.readouterr().out.splitlines() == [
        f"missing generated/track17_client_v2/models/track_info.py: object TrackInfo is still in {tmp_path}"
        "/openapi-v2.4.yaml",
        "the generation of track17_client_v2 is incomplete; nothing was written",
    ]
