"""The change report of ``python3 run.py -s contract``, and the checks that gate a contract change.

    python generator/contract_check.py [--base REF] [--record]

For each contract (``openapi.yaml``, ``openapi-v2.4.yaml``), against its text at REF (default
``$CONTRACT_BASE``, else HEAD: the contract as last committed; CI sets ``CONTRACT_BASE`` to the
branch a change is to be merged into):

1. prints every change (``generator/contract_diff.py``), breaking or not, with the facade's
   modules and lines that touch it;
2. fails on a breaking change that ``CHANGELOG.md`` does not acknowledge: a version section that
   is not at REF, moves the major version (the minor while it is 0.x) and names the change (the
   field or path, in backquotes or not);
3. fails on a contract element (operation, request field, response field) that the facade neither
   covers nor lists in ``contract-exposure.yaml`` with why;
4. fails when a contract's SHA-256 differs from the one ``contract-hashes.yaml`` records while
   ``track17_facade/_version.py`` still says the recorded version. ``--record`` (run by
   ``nox -s generate``) writes the file once the version has moved.

What "the facade covers" means: a field is touched where the facade's hand-written modules (all
of ``track17_facade`` but the sandbox, the written ``_client.py`` and the field table
``_fields.py``) name it, found in their syntax trees, not by grep (docstrings and comments do not
count): an attribute of the field table (``F.V2TrackInfo.latest_status``: that field of that
object), a keyword or attribute of a generated model class (``RegisterItem(order_no=...)``), or,
in code that reads decoded JSON by hand, a string literal equal to the wire name. A module whose
name ends in ``_v1``/``_v2`` speaks for that version only. An operation is covered when the
facade imports its generated endpoint module, a webhook when the facade names its event
(``"TRACKING_UPDATED"`` for ``trackingUpdated``). The sandbox's lines are shown in the report (it
writes the contract's answers) but cover nothing.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract_diff import Change, Contract, diff, load, python_name

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = {"v1": ("openapi.yaml", "track17_client"), "v2": ("openapi-v2.4.yaml", "track17_client_v2")}
"""Version tag (the prefix of the field table's classes) to contract file and generated package."""
EXPOSURE = "contract-exposure.yaml"
HASHES = "contract-hashes.yaml"
CHANGELOG = "CHANGELOG.md"
VERSION_FILE = "track17_facade/_version.py"
_NOT_SCANNED = {"_client.py", "_fields.py"}
_TABLE_CLASS = re.compile(r"^V([12])([A-Z]\w*)$")


@dataclass(frozen=True)
class Site:
    """A place in the facade's code that touches a contract element."""

    path: str
    line: int
    covers: bool
    """False for the sandbox: shown, but it covers nothing."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" + ("" if self.covers else " (sandbox)")


def _table_wire_names(path: Path) -> dict[tuple[str, str], str]:
    """(class, attribute) -> wire name, read from the field table's source (``from_`` is
    ``"from"``, ``cache_level`` is ``"cacheLevel"``); empty where there is no table."""
    names: dict[tuple[str, str], str] = {}
    if not path.exists():
        return names
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(statement.target, ast.Name)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                ):
                    names[(node.name, statement.target.id)] = statement.value.value
    return names


def _lazy_endpoints(node: ast.AST) -> bool:
    """A call of ``_operations.endpoints`` naming a generated package's endpoint modules."""
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "endpoints"
        and len(node.args) > 1
        and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args)
    )


class FacadeScan:
    """Where the facade touches each operation and field, from its modules' syntax trees."""

    def __init__(self, root: Path) -> None:
        self.literals: dict[tuple[str, str], list[Site]] = defaultdict(list)
        """(version or "", string) -> sites: hand-read wire names."""
        self.members: dict[tuple[str, str], list[Site]] = defaultdict(list)
        """(version or "", python name) -> sites: attributes and keywords (generated models)."""
        self.table: dict[tuple[str, str, str], list[Site]] = defaultdict(list)
        """(version, class, wire name) -> sites: the field table's attributes."""
        self.endpoints: dict[tuple[str, str], list[Site]] = defaultdict(list)
        """(version, endpoint module) -> sites: imports of generated endpoints."""
        package = root / "track17_facade"
        self._wire = _table_wire_names(package / "_fields.py")
        for path in sorted(package.rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if path.name in _NOT_SCANNED and path.parent == package:
                continue
            self._scan(relative, path.read_text(), covers=path.relative_to(package).parts[0] != "sandbox")

    def _scan(self, relative: str, source: str, covers: bool) -> None:
        stem = Path(relative).stem
        version = "v1" if stem.endswith("_v1") else "v2" if stem.endswith("_v2") else ""
        tree = ast.parse(source, relative)
        docstrings = {
            id(body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and (body := node.body)
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        }
        docstrings |= {  # attribute docstrings: a bare string right after an assignment
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            site = Site(relative, getattr(node, "lineno", 0), covers)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                self.literals[(version, node.value)].append(site)
            elif isinstance(node, ast.Attribute):
                owner = node.value
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                match = _TABLE_CLASS.match(owner_name)
                if match:
                    wire = self._wire.get((owner_name, node.attr), node.attr)
                    self.table[(f"v{match[1]}", match[2], wire)].append(site)
                else:
                    self.members[(version, node.attr)].append(site)
            elif isinstance(node, ast.keyword) and node.arg:
                self.members[(version, node.arg)].append(site)
            elif isinstance(node, ast.ImportFrom) and node.module:
                self._import(node.module, [alias.name for alias in node.names], site)
            elif _lazy_endpoints(node):
                # endpoints("track17_client_v2.api.tracking", "register", ...): imported when called
                package, *names = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
                self._import(package, names, site)

    def _import(self, module: str, names: list[str], site: Site) -> None:
        for tag, (_, package) in CONTRACTS.items():
            if module.startswith(f"{package}.api."):
                parts = module.split(".")
                endpoints = [parts[3]] if len(parts) > 3 else names
                for endpoint in endpoints:
                    self.endpoints[(tag, endpoint)].append(site)

    def field_sites(self, version: str, schema: str, wire: str) -> list[Site]:
        """Every site that touches ``schema.wire`` of ``version``."""
        sites = list(self.table.get((version, schema, wire), []))
        for scope in (version, ""):
            sites += self.literals.get((scope, wire), [])
            sites += self.members.get((scope, python_name(wire)), [])
        return sorted(set(sites), key=lambda site: (site.path, site.line))

    def operation_sites(self, version: str, operation_id: str) -> list[Site]:
        """Every import of the generated endpoint of ``operation_id``; for a webhook, which has no
        endpoint, every literal of its event (``trackingUpdated``: ``"TRACKING_UPDATED"``)."""
        sites = list(self.endpoints.get((version, python_name(operation_id)), []))
        for scope in (version, ""):
            sites += self.literals.get((scope, python_name(operation_id).upper()), [])
        return sites


def _elements(tag: str, contract: Contract) -> dict[str, tuple[str, str, str]]:
    """Element key (as written in contract-exposure.yaml) -> (kind, schema or operationId, wire)."""
    found: dict[str, tuple[str, str, str]] = {}
    for key, operation_id in contract.operations.items():
        found[f"{tag} {key}"] = ("operation", operation_id, "")
    for schema, wire in contract.fields:
        for direction in sorted(contract.directions.get(schema, ())):
            found[f"{tag} {direction} {schema}.{wire}"] = (direction, schema, wire)
    return found


def coverage(
    tag: str, contract: Contract, scan: FacadeScan, exposure: dict[str, str]
) -> tuple[list[str], list[str]]:
    """(failures, notes): each element neither covered nor listed in the exposure file; each
    listed one the facade now certainly covers (an import of its endpoint, or a read through the
    field table of that very object: a name shared by other objects proves nothing)."""
    failures: list[str] = []
    notes: list[str] = []
    for key, (kind, schema, wire) in sorted(_elements(tag, contract).items()):
        sites = (
            scan.operation_sites(tag, schema) if kind == "operation" else scan.field_sites(tag, schema, wire)
        )
        covered = any(site.covers for site in sites)
        if not covered and key not in exposure:
            failures.append(f"{key} is not in the facade and not listed in {EXPOSURE} (list it, with why)")
        elif key in exposure and (kind == "operation" or scan.table.get((tag, schema, wire))) and covered:
            notes.append(f"{key} is listed in {EXPOSURE} but the facade now covers it: remove it there")
    return failures, notes


def stale_reads(change: Change, new: Contract, sites: list[Site]) -> list[str]:
    """The facade's sites that still name a field the new contract no longer has anywhere (a
    removal or a rename): what would read nothing at run time, acknowledged or not."""
    if change.kind not in ("field-removed", "field-renamed"):
        return []
    gone = change.names[0]
    if any(wire == gone for _, wire in new.fields):
        return []  # another object still has it: its reads may be of that one
    return [
        f"the facade still reads {gone!r}, which the contract no longer has, at {site}"
        for site in sites
        if site.covers
    ]


def _source_line(site: Site) -> str:
    line = (ROOT / site.path).read_text().splitlines()[site.line - 1].strip()
    return line if len(line) <= 90 else line[:87] + "..."


def _git_show(ref: str, name: str) -> str | None:
    # git from PATH, as a maintainer runs it; the revision is the maintainer's own argument.
    command = ["git", "show", f"{ref}:{name}"]
    shown = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    return shown.stdout if shown.returncode == 0 else None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _sections(changelog: str) -> dict[str, str]:
    """Version -> the text of its section, for every ``## [X.Y.Z]`` of a Keep a Changelog file."""
    found: dict[str, str] = {}
    parts = re.split(r"^## \[([^\]]+)\][^\n]*\n", changelog, flags=re.MULTILINE)
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        found[title] = body
    return found


def acknowledgement(changelog: str, base_changelog: str | None) -> tuple[str | None, str]:
    """(the new version section that may acknowledge breaking changes, its text), or (None, "")."""
    released = [v for v in _sections(base_changelog or "") if re.fullmatch(r"\d+\.\d+\.\d+", v)]
    last = max((_version(v) for v in released), default=(0, 0, 0))
    for title, body in _sections(changelog).items():
        if title in released or not re.fullmatch(r"\d+\.\d+\.\d+", title):
            continue
        new = _version(title)
        if (last[0] == 0 and new[:2] > last[:2]) or new[0] > last[0]:
            return title, body
    return None, ""


def _named(change: Change, text: str) -> bool:
    """Whether ``text`` names what changed: the field (its old name, for a rename) or the path."""
    return (
        bool(change.names) and re.search(rf"(?<![\w/]){re.escape(change.names[0])}(?!\w)", text) is not None
    )


def _current_version() -> str:
    match = re.search(r'__version__ = "([^"]+)"', (ROOT / VERSION_FILE).read_text())
    if match is None:
        raise SystemExit(f"{VERSION_FILE}: no __version__ found")
    return match[1]


def _hashes() -> dict[str, str]:
    return {name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest() for name, _ in CONTRACTS.values()}


def check_hashes(record: bool) -> list[str]:
    """The failures of the version check; with ``record``, write the file when it may."""
    version, hashes = _current_version(), _hashes()
    path = ROOT / HASHES
    recorded: dict[str, Any] = yaml.safe_load(path.read_text()) if path.exists() else {}
    changed = sorted(
        name for name, digest in hashes.items() if recorded.get("contracts", {}).get(name) != digest
    )
    if not changed:
        return []
    if recorded.get("version") == version:
        return [
            f"{', '.join(changed)} changed since version {version} was recorded in {HASHES}: move the "
            f"version in {VERSION_FILE} (and CHANGELOG.md), then `python3 run.py -s generate` records it"
        ]
    if record:
        header = "# Written by `nox -s generate`: each contract's SHA-256 at the version that ships it.\n"
        path.write_text(header + yaml.safe_dump({"version": version, "contracts": hashes}, sort_keys=False))
        print(f"{HASHES}: recorded {', '.join(changed)} at version {version}")
        return []
    return [
        f"{', '.join(changed)} changed at the new version {version}: `python3 run.py -s generate` records it"
    ]


def _known_revision(ref: str) -> bool:
    command = ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, check=False).returncode == 0  # noqa: S603


def run(base: str, record: bool = False) -> int:
    """Print the report and every failure; 1 when anything failed."""
    if not _known_revision(base):
        print(f"FAIL --base {base!r} is no revision of this repository (a branch, a tag or a commit)")
        return 1
    scan = FacadeScan(ROOT)
    exposure_path = ROOT / EXPOSURE
    exposure: dict[str, str] = (
        (yaml.safe_load(exposure_path.read_text()) or {}) if exposure_path.exists() else {}
    )
    changelog = (ROOT / CHANGELOG).read_text() if (ROOT / CHANGELOG).exists() else ""
    acknowledged_in, acknowledged = acknowledgement(changelog, _git_show(base, CHANGELOG))
    failures: list[str] = []
    known: set[str] = set()
    for tag, (name, _) in CONTRACTS.items():
        new = load(yaml.safe_load((ROOT / name).read_text()))
        base_text = _git_show(base, name)
        old = load(yaml.safe_load(base_text)) if base_text is not None else Contract()
        changes = diff(old, new)
        failures += [f"{name}: {problem}" for problem in new.problems]
        print(f"\n{name} against {base}: {len(changes) or 'no'} change(s)")
        for change in changes:
            print("  " + change.line())
            sites = (
                scan.operation_sites(
                    tag, (old.operations | new.operations)[change.element.removesuffix(" body")]
                )
                if not change.schema
                else [
                    site for wire in change.names[:1] for site in scan.field_sites(tag, change.schema, wire)
                ]
            )
            if change.kind == "operation-added" and not sites:
                print("      not in the facade yet: client.call_generated(<its endpoint>, ...) sends it")
            for site in sites[:12]:
                print(f"      touched at {site}: {_source_line(site)}")
            if len(sites) > 12:
                print(f"      ... and {len(sites) - 12} more")
            if change.breaking and not _named(change, acknowledged):
                where = (
                    f"the {acknowledged_in} section" if acknowledged_in else "a new major version's section"
                )
                failures.append(
                    f"{name}: breaking and not acknowledged ({where} in CHANGELOG.md does not name it): "
                    + change.line()
                )
            failures += [f"{name}: {line}" for line in stale_reads(change, new, sites)]
        known |= _elements(tag, new).keys()
        uncovered, notes = coverage(tag, new, scan, exposure)
        failures += [f"{name}: {line}" for line in uncovered]
        for note in notes:
            print(f"  note: {note}")
    for key in sorted(exposure.keys() - known):
        print(f"  note: {EXPOSURE} lists {key}, which no contract has: remove it there")
    failures += check_hashes(record)
    print()
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print("contract: every change acknowledged, every element covered or listed, version recorded")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    """Parse the arguments and run the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base",
        default=os.environ.get("CONTRACT_BASE", "HEAD"),
        help="the git revision to compare with (default: $CONTRACT_BASE, else HEAD)",
    )
    parser.add_argument("--record", action="store_true", help="record the hashes once the version moved")
    parser.add_argument("--record-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.record_only:
        failures = check_hashes(record=True)
        for failure in failures:
            print(f"warning: {failure}")
        return 0
    return run(args.base, args.record)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
