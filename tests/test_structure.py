"""The layout, measured from the code itself: econ's packages in one order with no upward import, no import
circle between modules, no crowded folder, and modules and functions small enough to read.

Reads the source as text (AST); imports nothing of the project.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lower packages first; a package may import only those before it (DESIGN.md "Layout").
ECON_ORDER = ("base", "io", "model", "serving", "evidence", "traffic", "chain", "risk", "portfolio", "cli")
CODE = ("econ", "profiles", "ui")
MAX_MODULES_PER_FOLDER = 15
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
MAX_PARAMETERS = 6


def sources() -> dict[str, Path]:
    """Dotted module name -> file, for econ, profiles, ui and app.py."""
    files = [p for d in CODE for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]
    out = {}
    for p in files:
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def imports(path: Path, modules: dict[str, Path], me: str) -> set[str]:
    """The project modules `path` imports (a name resolves to the longest module it starts with)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != me and not me.startswith(name + "."):
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    modules = sources()
    return {m: imports(p, modules, m) for m, p in modules.items()}


def econ_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "econ" and len(parts) > 1 and parts[1] in ECON_ORDER else None


def test_every_econ_package_is_in_the_order_and_holds_code():
    on_disk = {p.name for p in (ROOT / "econ").iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(ECON_ORDER)


def test_no_econ_package_imports_a_higher_one():
    upward = []
    for module, targets in graph().items():
        here = econ_package(module)
        for target in targets:
            there = econ_package(target)
            if here and there and ECON_ORDER.index(there) > ECON_ORDER.index(here):
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_econ_modules_import_their_packages_not_the_top_level():
    # `from econ import x` inside econ would make econ/__init__ a node every package depends on
    bad = [m for m, targets in graph().items() if econ_package(m) and "econ" in targets]
    assert bad == []


def test_no_import_circle_between_modules():
    g = graph()
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    circles = []

    def visit(v: str, path: list[str]) -> None:
        state[v] = 1
        for w in sorted(g[v]):
            if state.get(w) == 1:
                circles.append(" -> ".join(path[path.index(w):] + [w]))
            elif w not in state:
                visit(w, path + [w])
        state[v] = 2

    for v in sorted(g):
        if v not in state:
            visit(v, [v])
    assert circles == []


def test_no_folder_holds_more_than_fifteen_modules():
    folders: dict[Path, int] = {}
    for p in sources().values():
        if p.name != "__init__.py" and p.parent != ROOT:
            folders[p.parent] = folders.get(p.parent, 0) + 1
    crowded = {str(k.relative_to(ROOT)): n for k, n in folders.items() if n > MAX_MODULES_PER_FOLDER}
    assert crowded == {}


def test_modules_and_functions_stay_small():
    long_modules, long_functions, many_parameters = [], [], []
    for p in sources().values():
        text = p.read_text()
        name = str(p.relative_to(ROOT))
        if text.count("\n") > MAX_MODULE_LINES:
            long_modules.append(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.end_lineno - node.lineno >= MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}:{node.name}")
                a = node.args
                count = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs)
                count -= bool(a.args) and a.args[0].arg in ("self", "cls")
                if count > MAX_PARAMETERS:
                    many_parameters.append(f"{name}:{node.name} ({count})")
    assert (long_modules, long_functions, many_parameters) == ([], [], [])
