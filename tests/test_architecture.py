"""Guards on the shape of the code, so the design the README draws stays the design the code has.

The import contracts themselves are in ``.importlinter`` (run by ``make contracts``); here they
are shown to bite, and the rules import-linter cannot express are checked: no import circles
between any two modules, no oversized modules or functions without a stated reason, no
optional-import fallbacks.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "goldenthread"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
#: a module or function longer than the limits says why, in its docstring, starting with this
REASON = "Long because"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _docstring(node: ast.AST) -> str:
    return ast.get_docstring(node) or ""  # type: ignore[arg-type]


def test_no_module_is_oversized_without_a_reason():
    long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES and REASON not in _docstring(ast.parse(text)):
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long, f"modules over {MAX_MODULE_LINES} lines with no '{REASON}' in their docstring: {long}"


def test_no_function_is_oversized_without_a_reason():
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES and REASON not in _docstring(node):
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}() {length} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines with no '{REASON}' in their docstring: {long}"


def test_no_optional_import_fallbacks():
    """Every dependency is installed by the project's own files; code never guesses whether a
    part of the product is there."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ExceptHandler) and "ImportError" in ast.unparse(node.type or ast.Name("_"))
    ]
    assert not found, f"except ImportError in {found}"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: the groups of modules that import each other in a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_strongly_connected_finds_a_circle():
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_circles():
    """No two modules import each other, directly or round a longer loop — including imports
    made inside functions, which only hide a circle. A package importing its own submodules
    (``__init__``) is not a circle."""
    import grimp

    graph = grimp.build_graph("goldenthread")
    imports = {
        module: {
            imported
            for imported in graph.find_modules_directly_imported_by(module)
            if not module.startswith(imported + ".")  # a submodule importing its package's __init__
        }
        for module in graph.modules
    }
    assert _strongly_connected(imports) == []


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory):
    """A copy of the source tree and the contracts, to break on purpose."""
    root = tmp_path_factory.mktemp("contracts")
    shutil.copytree(PACKAGE, root / "src" / "goldenthread", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", root / ".importlinter")
    return root


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def _break(root: Path, module: str, line: str) -> Path:
    path = root / "src" / Path(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = path.with_suffix("") / "__init__.py"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}  # noqa\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "module, line, contract",
    [
        ("goldenthread.assurance", "from django import db", "import no Django"),
        ("goldenthread.planfile.schema", "import goldenthread.plans.models", "import no Django"),
        ("goldenthread.web.views.plans", "import goldenthread.reports.board", "do not import each other"),
        ("goldenthread.plans.models", "import goldenthread.presenters.plan", "layered"),
        ("goldenthread.cycles.models", "import goldenthread.access.policy", "layered"),
    ],
)
def test_the_contracts_catch_a_forbidden_import(source_copy, module, line, contract):
    path = _break(source_copy, module, line)
    original = path.read_text(encoding="utf-8").replace(f"\n{line}  # noqa\n", "")
    try:
        result = _lint_imports(source_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0, result.stdout
    broken = result.stdout[result.stdout.index("Broken contracts") :]
    assert contract in broken, broken


def test_the_contracts_hold_on_the_code_as_it_is(source_copy):
    result = _lint_imports(source_copy)
    assert result.returncode == 0, result.stdout
