"""The layering DESIGN.md promises, read from the source: no import cycles, ``indexer`` below
``searchapp``, Flask only in the web modules, click only in the CLI, modules of a readable size.

The graph comes from parsing every module with :mod:`ast`, so imports inside functions count
too (they run the moment the function does, and hide a cycle just as well). Imports under
``if TYPE_CHECKING:`` never run and are left out. ``from pkg import name`` is an import of the
submodule ``pkg.name`` when there is one, else of ``pkg`` itself. Importing ``pkg.mod`` also
runs ``pkg/__init__.py``, but that edge is left out on purpose: a package that re-exports its
submodules' names is not in a cycle with them unless one of them imports the package back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("indexer", "searchapp")
STAGES = ("extract", "recognise", "parse", "metadata", "analysis", "index")
MAX_LINES = 450
CLI_MODULES = frozenset({"indexer.cli", "searchapp.cli"})
# The Flask app and its blueprints; the library, the CLI and serving must work without Flask.
WEB_MODULES = frozenset(
    {
        "searchapp.webapp",
        "searchapp.webcontext",
        "searchapp.weberrors",
        "searchapp.webexport",
        "searchapp.web",
        "searchapp.api",
        "searchapp.auth",
    }
)
# Who may assemble the app: the package's create_app (which the CLI's serve calls).
APP_BUILDERS = frozenset({"searchapp", "searchapp.cli", "searchapp.serving"})
_TYPE_CHECKING = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING"})


@dataclass(frozen=True)
class Import:
    """One import statement's target: a project module, or the top-level name of a library."""

    source: str  # the importing module
    target: str
    line: int
    top_level: bool  # runs when the importing module is imported (not inside a function)
    internal: bool


def find_modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """``{dotted name: file}`` for every module of ``packages`` under ``root``."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "__pycache__" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _walk(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below ``node`` with whether it sits in a function, skipping TYPE_CHECKING."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and ast.unparse(child.test) in _TYPE_CHECKING:
            for branch in child.orelse:
                yield branch, in_function
                yield from _walk(branch, in_function)
            continue
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield child, inner
        yield from _walk(child, inner)


def _base(name: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from … import`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    parts = name.split(".") if is_package else name.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def _targets(node: ast.AST, name: str, is_package: bool, modules: set[str]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            dotted = alias.name
            while dotted not in modules and "." in dotted:
                dotted = dotted.rsplit(".", 1)[0]
            yield dotted
    elif isinstance(node, ast.ImportFrom):
        base = _base(name, is_package, node)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            yield sub if sub in modules else base


def imports_of(name: str, path: Path, modules: set[str]) -> list[Import]:
    """What module ``name`` (at ``path``) imports; library imports by their top-level name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node, in_function in _walk(tree):
        for target in _targets(node, name, is_package, modules):
            internal = target in modules
            found.append(
                Import(
                    name,
                    target if internal else target.split(".")[0],
                    getattr(node, "lineno", 0),
                    not in_function,
                    internal,
                )
            )
    return found


def import_graph(root: Path, packages: tuple[str, ...]) -> list[Import]:
    modules = find_modules(root, packages)
    names = set(modules)
    return [imp for name, path in modules.items() for imp in imports_of(name, path, names)]


def find_cycles(imports: list[Import]) -> list[list[Import]]:
    """One cycle (as the imports that close it) per group of mutually importing modules."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in imports:
        if imp.internal and imp.target != imp.source:
            edges.setdefault(imp.source, {}).setdefault(imp.target, imp)
    cycles = []
    for group in _strongly_connected(edges):
        if len(group) > 1:
            cycles.append(_cycle_in(min(group), group, edges))
    return cycles


def _strongly_connected(edges: dict[str, dict[str, Import]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the graph is small, but recursion limits are not ours)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while (member := stack.pop()) != node:
                        group.add(member)
                        on_stack.discard(member)
                    on_stack.discard(node)
                    groups.append(group | {node})
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, {})))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def _cycle_in(start: str, group: set[str], edges: dict[str, dict[str, Import]]) -> list[Import]:
    """The shortest way from ``start`` back to itself inside ``group`` (breadth first)."""
    came_by: dict[str, Import] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target, imp in sorted(edges.get(node, {}).items()):
                if target not in group or target in came_by:
                    continue
                came_by[target] = imp
                if target == start:
                    path = [imp]
                    while path[0].source != start:
                        path.insert(0, came_by[path[0].source])
                    return path
                following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a group with no cycle through it")


def describe(cycle: list[Import]) -> str:
    """``a → b → a (a:12, b:3)``: the modules and the lines that import the next one."""
    names = " → ".join([cycle[0].source, *(imp.target for imp in cycle)])
    lines = ", ".join(f"{imp.source}:{imp.line}" for imp in cycle)
    return f"{names} ({lines})"


def reachable(start: str, imports: list[Import]) -> set[str]:
    """Every module and library that importing ``start`` loads (top-level imports only)."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        if imp.top_level:
            edges.setdefault(imp.source, set()).add(imp.target)
    seen = {start}
    todo = [start]
    while todo:
        for target in edges.get(todo.pop(), set()) - seen:
            seen.add(target)
            todo.append(target)
    return seen


@pytest.fixture(scope="module")
def graph() -> list[Import]:
    return import_graph(ROOT, PACKAGES)


def test_no_import_cycles(graph: list[Import]) -> None:
    cycles = [describe(c) for c in find_cycles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_indexer_never_imports_searchapp_flask_or_click_outside_its_cli(
    graph: list[Import],
) -> None:
    wrong = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in graph
        if imp.source.split(".")[0] == "indexer"
        and (
            imp.target.split(".")[0] in ("searchapp", "flask")
            or (imp.target == "click" and imp.source not in CLI_MODULES)
        )
    ]
    assert not wrong


def test_flask_only_in_the_web_modules_and_click_only_in_the_cli(graph: list[Import]) -> None:
    wrong = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in graph
        if (imp.target == "flask" and imp.source not in WEB_MODULES)
        or (imp.target == "click" and imp.source not in CLI_MODULES)
    ]
    assert not wrong


@pytest.mark.parametrize("module", ["searchapp.search", "searchapp.cli", "searchapp"])
def test_the_library_and_the_cli_load_without_flask(graph: list[Import], module: str) -> None:
    assert "flask" not in reachable(module, graph)


def test_only_the_entry_points_assemble_the_app(graph: list[Import]) -> None:
    importers = {imp.source for imp in graph if imp.target == "searchapp.webapp"}
    assert importers <= APP_BUILDERS, sorted(importers - APP_BUILDERS)


def test_modules_stay_readable() -> None:
    long = {
        name: n
        for name, path in find_modules(ROOT, PACKAGES).items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_indexer_has_a_subpackage_per_stage() -> None:
    missing = [s for s in STAGES if not (ROOT / "indexer" / s / "__init__.py").is_file()]
    assert not missing


# -- the checker itself, on a package written for the purpose ---------------------------------
def _package(root: Path, files: dict[str, str]) -> list[Import]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(root, ("pkg",))


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/app.py": "from pkg import views\n",
            "pkg/views.py": "import os\n\ndef f():\n    from .helpers import g\n",
            "pkg/helpers.py": "def g():\n    from pkg.app import x\n",
        },
    )
    cycles = [describe(c) for c in find_cycles(graph)]
    assert cycles == [
        "pkg.app → pkg.views → pkg.helpers → pkg.app (pkg.app:1, pkg.views:4, pkg.helpers:2)"
    ]


def test_re_exports_and_type_checking_imports_are_not_cycles(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import A as A\nfrom .b import B as B\n",
            "pkg/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg\n",
            "pkg/b.py": "from pkg.a import A\n",
        },
    )
    assert find_cycles(graph) == []
    assert {(i.source, i.target) for i in graph if i.internal} == {
        ("pkg", "pkg.a"),
        ("pkg", "pkg.b"),
        ("pkg.b", "pkg.a"),
    }


def test_a_submodule_importing_its_package_back_is_a_cycle(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import A as A\n",
            "pkg/a.py": "from pkg import helper\n",  # a name of the package, not a submodule
        },
    )
    assert [describe(c) for c in find_cycles(graph)] == ["pkg → pkg.a → pkg (pkg:1, pkg.a:1)"]


def test_what_a_module_loads_counts_only_top_level_imports(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "def create():\n    from pkg import web\n",
            "pkg/web.py": "import flask\n",
        },
    )
    assert reachable("pkg", graph) == {"pkg"}
    assert reachable("pkg.web", graph) == {"pkg.web", "flask"}
