"""Sessions for track17: `nox` runs what CI runs; `nox -s demo` runs the main job.

Sessions:
    spec             validate openapi.yaml and openapi-v2.4.yaml
    generate         regenerate generated/track17_client and generated/track17_client_v2 from the contracts,
                     and track17_facade/_client.py from track17_facade/_async_client.py
    check_generated  regenerate into a temporary directory and fail with a diff if generated/ differs
    contract         spec and check_generated, then the change report against the last commit
                     (`-- --base REF`), the CHANGELOG, exposure and version checks
    check_twins      fail with a diff if track17_facade/_client.py is not what generator/unasync.py writes,
                     or track17_facade/_fields.py not what generator/contract_fields.py writes
    lint             ruff check and ruff format --check
    typecheck        mypy --strict on track17_facade and tests
    tests            pytest, on every CPython 3.11+ found on this machine
    demo             the quickstart against the embedded sandbox
    bench            the benchmark suite, writes bench/results.json (BENCH_SMOKE=1: small mode)
    bench_smoke      the benchmark suite in its small mode, as CI runs it
    month            30 sandbox days of production with every fault, checked, drawn into docs/images/month.png
    docs             serve the documentation site at http://127.0.0.1:8000
    docs_build       build the documentation site strictly (no broken link or reference)
    screenshots      the sandbox page's and the site's screenshots in docs/images (Chromium)
"""

from __future__ import annotations

import difflib
import filecmp
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import nox
from nox.command import CommandFailed

ROOT = Path(__file__).parent
# contract, generator settings, package: one generated package per API version
CONTRACTS = (
    ("openapi.yaml", "generator_config.yaml", "track17_client"),
    ("openapi-v2.4.yaml", "generator_config_v2.yaml", "track17_client_v2"),
)
GENERATOR_REQUIREMENTS = ROOT / "generator-requirements.txt"
"""The generator's whole toolchain, pinned with hashes (compiled from generator-requirements.in)."""
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
SUPPORTED_MINORS = ("3.11", "3.12", "3.13", "3.14")
_QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "1"}  # Material's notice about its successor, at every build
BENCH_ONLY = ("matplotlib>=3.8", "playwright>=1.49")
"""What only the benchmarks need (bench/pacing.png), never a dependency of the package."""

nox.options.sessions = [
    "contract",  # spec and check_generated, and the change report
    "check_twins",
    "lint",
    "typecheck",
    "tests",
    "docs_build",
    "bench_smoke",
]
nox.options.reuse_existing_virtualenvs = True


def _works(python: str) -> bool:
    try:
        return subprocess.run([python, "--version"], capture_output=True, check=False).returncode == 0
    except OSError:
        return False


def _find_interpreters() -> list[str]:
    """Every supported CPython on PATH or installed by pyenv (whose shims hide inactive versions).

    The directories of pyenv-installed interpreters are put on PATH so that nox finds them by
    version, which keeps session names short (tests-3.12).
    """
    found: list[str] = []
    pyenv_versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for minor in SUPPORTED_MINORS:
        on_path = shutil.which(f"python{minor}")
        if on_path and _works(on_path):
            found.append(minor)
            continue
        for candidate in sorted(pyenv_versions.glob(f"{minor}.*/bin/python{minor}"), reverse=True):
            if _works(str(candidate)):
                os.environ["PATH"] = f"{candidate.parent}{os.pathsep}{os.environ['PATH']}"
                found.append(minor)
                break
    return found


PYTHONS = _find_interpreters()


def _install_project(session: nox.Session, *groups: str, extras: str = "sandbox,redis,cli,store") -> None:
    session.install("-e", f".[{extras}]")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


def _install_generator(session: nox.Session) -> None:
    session.install("--require-hashes", "-r", str(GENERATOR_REQUIREMENTS))


def _spec(session: nox.Session) -> None:
    session.run("python", "generator/spec_check.py", *[contract for contract, _, _ in CONTRACTS])


def _generate(session: nox.Session, contract: str, config: str, output: Path) -> None:
    """Generate one package; any warning of the generator fails it (a warning there means a part
    of the contract it could not read, whose module it then leaves out)."""
    session.run(
        "openapi-python-client",
        "generate",
        "--fail-on-warning",
        "--path",
        str(ROOT / contract),
        "--config",
        str(ROOT / config),
        "--custom-template-path",
        str(ROOT / "generator" / "templates"),
        "--meta",
        "none",
        "--overwrite",
        "--output-path",
        str(output),
        silent=True,
    )


def _modules(package: Path) -> set[str]:
    return {path.relative_to(package).as_posix() for path in package.rglob("*.py")}


def _check_modules(session: nox.Session, contract: str, fresh: Path, package: str) -> None:
    """Fail if the fresh generation lacks the module of an operation or object the contract holds."""
    session.run("python", "generator/check_modules.py", contract, str(fresh), package)


def _tree_diff(expected: Path, actual: Path, package: str) -> list[str]:
    """A unified diff of two directory trees, ignoring byte-code caches."""
    lines: list[str] = []

    def walk(cmp: filecmp.dircmp[str], rel: Path) -> None:
        for name in sorted(cmp.left_only):
            lines.append(f"only in regenerated output: {rel / name}\n")
        for name in sorted(cmp.right_only):
            if name != "__pycache__":
                lines.append(f"only in generated/ (hand-added?): {rel / name}\n")
        for name in sorted(cmp.diff_files):
            fresh = (Path(cmp.left) / name).read_text().splitlines(keepends=True)
            committed = (Path(cmp.right) / name).read_text().splitlines(keepends=True)
            lines.extend(
                difflib.unified_diff(committed, fresh, f"generated/{rel / name}", f"regenerated/{rel / name}")
            )
        for name, sub in sorted(cmp.subdirs.items()):
            if name != "__pycache__":
                walk(sub, rel / name)

    walk(filecmp.dircmp(expected, actual, ignore=["__pycache__"]), Path(package))
    return lines


@nox.session
def spec(session: nox.Session) -> None:
    """Validate both contracts against the OpenAPI schema of their version (3.0 and 3.1)."""
    session.install("openapi-spec-validator")
    _spec(session)


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate every package under generated/ from its contract; fail, writing nothing, on an
    invalid contract, any warning of the generator, or a module it left out while the contract
    still holds what it held."""
    _install_generator(session)
    session.install("openapi-spec-validator")
    _spec(session)
    with tempfile.TemporaryDirectory() as tmp:
        for contract, config, package in CONTRACTS:
            _generate(session, contract, config, Path(tmp) / package)
            _check_modules(session, contract, Path(tmp) / package, package)
        for contract, _, package in CONTRACTS:
            target = ROOT / "generated" / package
            for module in sorted(_modules(target) - _modules(Path(tmp) / package)):
                session.log(f"generated/{package}/{module} deleted: {contract} no longer holds it")
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(Path(tmp) / package, target)
            session.log(f"generated/{package} written from {contract}")
    session.run("python", "generator/contract_fields.py")
    session.log("track17_facade/_fields.py written from both contracts")
    session.run("python", "generator/bulk_methods.py")
    session.log("the bulk methods of track17_facade/_async_client.py written from generator/bulk_methods.py")
    session.run("python", "generator/unasync.py")
    session.log("track17_facade/_client.py written from track17_facade/_async_client.py")
    session.run("python", "generator/contract_check.py", "--record-only")
    session.log("review `git diff`, then `python3 run.py -s contract`, and commit.")


def _check_generated(session: nox.Session) -> None:
    diff: list[str] = []
    for contract, config, package in CONTRACTS:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / package
            _generate(session, contract, config, fresh)
            _check_modules(session, contract, fresh, package)
            diff += _tree_diff(fresh, ROOT / "generated" / package, package)
    if diff:
        session.error(
            "generated/ differs from a fresh generation (was it edited by hand, or was a "
            "contract changed without `nox -s generate`?):\n" + "".join(diff)
        )
    session.log("generated/ matches a fresh generation from both contracts")


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail with a diff if generated/ is not exactly what the pinned generator writes, or if the
    generation warns or leaves out a module of an operation or object the contract holds."""
    _install_generator(session)
    session.install("pyyaml")
    _check_generated(session)


@nox.session
def contract(session: nox.Session) -> None:
    """Everything a contract change must pass: both contracts valid, generated/ what they
    generate, and the change report against the contract as last committed (`-- --base REF`):
    it fails on a breaking change CHANGELOG.md does not acknowledge, an element the facade
    neither covers nor lists in contract-exposure.yaml, and a contract changed at the same
    version (see docs/guides/generated.md)."""
    _install_generator(session)
    session.install("openapi-spec-validator")
    _spec(session)
    try:  # the report first: what changed is worth reading even when generated/ is stale
        session.run("python", "generator/contract_check.py", *session.posargs)
    except CommandFailed:
        _check_generated(session)
        session.error("the contract check failed: see FAIL above")
    _check_generated(session)


@nox.session
def check_twins(session: nox.Session) -> None:
    """Fail with a diff if the clients' bulk methods are not what generator/bulk_methods.py writes
    from its table, the synchronous client not what generator/unasync.py writes from the
    asyncio one (the only hand-written client), or the field table not what
    generator/contract_fields.py writes from the contracts."""
    _install_generator(session)
    checks = (
        ("_async_client.py", "generator/bulk_methods.py", "edit the table in generator/bulk_methods.py"),
        ("_client.py", "generator/unasync.py", "edit _async_client.py"),
        ("_fields.py", "generator/contract_fields.py", "it follows the contracts: never edit it"),
    )
    for name, script, advice in checks:
        committed = ROOT / "track17_facade" / name
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / name
            session.run("python", script, str(fresh))
            diff = list(
                difflib.unified_diff(
                    committed.read_text().splitlines(keepends=True),
                    fresh.read_text().splitlines(keepends=True),
                    f"track17_facade/{name}",
                    f"{script}'s output",
                )
            )
        if diff:
            session.error(
                f"track17_facade/{name} differs from what {script} writes ({advice}, then "
                "`nox -s generate`):\n" + "".join(diff)
            )
        session.log(f"track17_facade/{name} matches {script}'s output")


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check of the hand-written code."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over track17_facade and the tests."""
    _install_project(session, "typecheck")
    session.run("mypy")


ONE_INTERPRETER = ("tests/test_site.py",)
"""Test modules whose result no interpreter can change, run by the first interpreter's tests
session only (tests-3.11 where it is found): the documentation site as Chromium shows it (the
HTML, CSS and JavaScript that mkdocs writes, the same pages whichever interpreter ran it, and
built again by docs_build). Everything that runs the package's code runs on every interpreter."""


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite over loopback HTTP against the sandbox (and a real redis-server); the
    modules of ``ONE_INTERPRETER`` on the first interpreter only, when no arguments are given."""
    _install_project(session, "test")
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))  # the regeneration test
    _install_generator(session)
    left: list[str] = []
    if not session.posargs and PYTHONS and session.python != PYTHONS[0]:
        left = [f"--ignore={module}" for module in ONE_INTERPRETER]
        session.log(f"{', '.join(ONE_INTERPRETER)}: run by tests-{PYTHONS[0]} only")
    session.run("pytest", *left, *session.posargs)
    if not session.posargs:  # the Django shop, under pytest-django with its own settings
        session.run("pytest", "-c", "examples/django_shop/pytest.ini", "examples/django_shop")


@nox.session
def demo(session: nox.Session) -> None:
    """Register a few hundred numbers on the embedded sandbox and show what the SDK does."""
    _install_project(session, extras="sandbox,cli,store")
    session.run("python", "examples/demo.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Serve the documentation site at http://127.0.0.1:8000 (rebuilt as you edit)."""
    _install_project(session, "docs")
    session.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *session.posargs, env=_QUIET_MKDOCS)


@nox.session
def docs_build(session: nox.Session) -> None:
    """Build the documentation site strictly: a broken link or reference fails it."""
    _install_project(session, "docs")
    with tempfile.TemporaryDirectory() as site:
        session.run("mkdocs", "build", "--strict", "--site-dir", site, env=_QUIET_MKDOCS)


@nox.session
def screenshots(session: nox.Session) -> None:
    """Screenshots of the sandbox's web page and of the documentation site, from the system's
    Chromium."""
    _install_project(session, extras="sandbox")
    session.install("playwright>=1.49", *nox.project.dependency_groups(PYPROJECT, "docs"))
    session.run("python", "-m", "docs.screenshots")
    session.run("python", "-m", "docs.site_screenshots")  # the site's pages at 1280 and 390 px


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmark suite; writes bench/results.json. BENCH_SMOKE=1 runs a small, fast version."""
    _install_project(session)
    session.install(*BENCH_ONLY)
    session.run("python", "-m", "bench", *session.posargs)


@nox.session
def month(session: nox.Session) -> None:
    """A month in production, simulated (bench/month.py): 5,000 numbers, a real receiver on
    PostgreSQL, sync through Redis, every fault; fails if the store lost anything. Not in CI's
    sessions: the suite runs its short version (tests/test_month.py)."""
    _install_project(session)
    session.install(*BENCH_ONLY)
    session.run("python", "-m", "bench.month", *session.posargs)


@nox.session
def bench_smoke(session: nox.Session) -> None:
    """The benchmark suite in its small mode, so that it cannot rot (figures are not judged)."""
    _install_project(session)
    session.install(*BENCH_ONLY)
    session.run("python", "-m", "bench", "--smoke")
