"""The shape of the code: arrows point one way, nothing imports a view, modules stay readable.

STYLE.md: views call queries, figures and operations; those call models and rules;
nothing imports a view; a module past about 600 lines has outgrown one reader's head.
These tests read the source with :mod:`ast`, so they need neither an app nor a database,
and each failure names every offender.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tracker"
MAX_LINES = 800


@dataclass(frozen=True)
class Import:
    """One import statement: the module that imports, the module imported, and where."""

    importer: str
    imported: str
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def tracker_modules() -> dict[str, Path]:
    """Every module of the tracker package by its dotted name, migrations left out."""
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[Import]:
    """Every tracker module that ``name`` imports, at module level or inside a function.

    ``from tracker.x import y`` counts as importing ``tracker.x.y`` when that is a module,
    and ``tracker.x`` otherwise. Imports only for type checking count too: they still
    say which way the arrows point.
    """
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield Import(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    yield Import(name, submodule, node.lineno)
                elif base in known:
                    yield Import(name, base, node.lineno)


def import_graph() -> dict[str, list[Import]]:
    modules = tracker_modules()
    known = set(modules)
    return {
        name: [edge for edge in imports_of(name, path, known) if edge.imported != name]
        for name, path in modules.items()
    }


def cycles_in(graph: dict[str, list[Import]]) -> list[list[Import]]:
    """Cycles of imports: for each tangle of modules that import each other, the shortest
    cycle through each module caught in it, each cycle once."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(module: str) -> None:
        # Tarjan's strongly connected components.
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for edge in graph[module]:
            if edge.imported not in index:
                connect(edge.imported)
                low[module] = min(low[module], low[edge.imported])
            elif edge.imported in on_stack:
                low[module] = min(low[module], index[edge.imported])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            connect(module)
    cycles: list[list[Import]] = []
    seen: set[frozenset[Import]] = set()
    for group in groups:
        for module in sorted(group):
            chain = shortest_cycle(graph, group, module)
            if frozenset(chain) not in seen:
                seen.add(frozenset(chain))
                cycles.append(chain)
    return cycles


def shortest_cycle(graph: dict[str, list[Import]], group: set[str], start: str) -> list[Import]:
    """The shortest chain of imports within ``group`` from ``start`` back to ``start``."""
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for edge in graph[module]:
            if edge.imported == start:
                return [*paths[module], edge]
            if edge.imported in group and edge.imported not in paths:
                paths[edge.imported] = [*paths[module], edge]
                queue.append(edge.imported)
    raise AssertionError(f"no cycle through {start}")


def describe(chain: list[Import]) -> str:
    steps = [chain[0].importer] + [f"{edge.imported} (line {edge.line})" for edge in chain]
    return " -> ".join(steps)


def is_view_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last.endswith("_views") or name in ("tracker.public.views", "tracker.manage.views")


def blueprint_package(view: str) -> str:
    return view.rsplit(".", 1)[0]


def registers_views(edge: Import) -> bool:
    """True for a blueprint package importing its own view modules to register their routes.

    A view module takes the blueprint object from its package, so this import closes a
    loop by design (Flask's pattern; the package imports its views last, once the
    blueprint exists). It is the one import of a view that is allowed, and the one
    loop that is not counted as a cycle.
    """
    return is_view_module(edge.imported) and edge.importer == blueprint_package(edge.imported)


def test_no_import_cycle_among_tracker_modules():
    graph = {
        module: [edge for edge in edges if not registers_views(edge)]
        for module, edges in import_graph().items()
    }
    cycles = cycles_in(graph)
    assert not cycles, (
        "Import cycles in tracker/ (each shown as a chain of imports):\n"
        + "\n".join(f"  {describe(chain)}" for chain in cycles)
    )


def test_nothing_imports_a_view_module_but_its_blueprint_package():
    offenders = [
        f"  {edge.importer} imports {edge.imported} (line {edge.line})"
        for edges in import_graph().values()
        for edge in edges
        if is_view_module(edge.imported) and not registers_views(edge)
    ]
    assert not offenders, "Only a blueprint's package may import its views:\n" + "\n".join(
        offenders
    )


def test_no_module_is_longer_than_800_lines():
    offenders = []
    for path in tracker_modules().values():
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            offenders.append(f"  {path.relative_to(ROOT)}: {lines} lines")
    assert not offenders, (
        f"Modules over {MAX_LINES} lines (split them by what they own):\n" + "\n".join(offenders)
    )


def test_the_import_walk_sees_function_level_and_relative_imports(tmp_path):
    # The checks above are only as good as the walk: an import inside a function, a
    # relative import and ``from package import module`` must all be edges.
    package = tmp_path / "tracker"
    package.mkdir()
    (package / "__init__.py").write_text("from . import a\n")
    (package / "a.py").write_text("def later():\n    from tracker import b\n")
    (package / "b.py").write_text("from .a import later\n")
    known = {"tracker", "tracker.a", "tracker.b"}

    def edges(name: str, file: str) -> list[tuple[str, str]]:
        found = imports_of(name, package / file, known)
        return [(edge.importer, edge.imported) for edge in found]

    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert edges("tracker", "__init__.py") == [("tracker", "tracker.a")]
        assert edges("tracker.a", "a.py") == [("tracker.a", "tracker.b")]
        assert edges("tracker.b", "b.py") == [("tracker.b", "tracker.a")]
    finally:
        ROOT = saved
    graph = {
        "tracker.a": [Import("tracker.a", "tracker.b", 2)],
        "tracker.b": [Import("tracker.b", "tracker.a", 1)],
    }
    assert [describe(chain) for chain in cycles_in(graph)] == [
        "tracker.a -> tracker.b (line 2) -> tracker.a (line 1)"
    ]
