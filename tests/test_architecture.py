"""The package's layers, read from its source: reading (the webhook parser, the shipment store)
never imports sending (batching, the operation tables, the clients), and the rooms keep their size."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "track17_facade"

READING = ("track17_facade.webhooks", "track17_facade.shipments")
SENDING = (
    "track17_facade._batching",
    "track17_facade._operations",
    "track17_facade._api_v1",
    "track17_facade._api_v2",
    "track17_facade._base",
    "track17_facade._client",
    "track17_facade._async_client",
)
HOUSE_RULE = 400
"""The most lines a module of the store or the numbers has."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """The package's modules ``path`` imports when it runs: at the top and inside functions (a lazy
    import runs too), but not under ``if TYPE_CHECKING``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name.startswith("track17_facade")}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    # ``from package import module`` names a module; ``from module import name`` names no module
    return {name: {m for m in _imports(path) if m in modules} for name, path in modules.items()}


def _reached(graph: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module ``start`` imports, directly or not, each with the module that imports it."""
    via: dict[str, str] = {}
    todo = [start]
    while todo:
        current = todo.pop()
        for imported in graph[current]:
            if imported not in via and imported != start:
                via[imported] = current
                todo.append(imported)
    return via


def test_reading_never_imports_sending() -> None:
    graph = _graph()
    readers = [name for name in graph if name.startswith(READING)]
    assert "track17_facade.shipments._receiving" in readers and "track17_facade.webhooks" in readers
    crossings = []
    for reader in readers:
        via = _reached(graph, reader)
        for sender in SENDING:
            if sender in via:
                chain = [sender]
                while chain[-1] != reader:
                    chain.append(via[chain[-1]])
                crossings.append(" <- ".join(chain))
    assert crossings == []


def test_the_clients_do_import_the_sending_layer() -> None:
    """The graph is read right: what sends is seen to import what it needs."""
    via = _reached(_graph(), "track17_facade._client")
    assert {"track17_facade._batching", "track17_facade._base", "track17_facade.numbers"} <= set(via)


def test_the_store_and_the_numbers_keep_their_size() -> None:
    rooms = [*PACKAGE.glob("shipments/*.py"), PACKAGE / "numbers.py"]
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in rooms}
    assert "_store.py" in sizes
    assert {name: size for name, size in sizes.items() if size > HOUSE_RULE} == {}
