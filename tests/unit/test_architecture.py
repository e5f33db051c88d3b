"""The code's structure holds: no import cycle between any two modules (function-level imports and re-exports
through a package's __init__ included), and every asset body stays a few lines over pure functions."""

import ast
import inspect
import textwrap

import grimp
import pytest

from pipelines.definitions import ASSET_MODULES
from dagster import AssetsDefinition, AssetChecksDefinition

ROOT_PACKAGES = ("leadflow", "pipelines", "assets", "warehouse", "dedupe", "schemas")
MAX_ASSET_BODY_LINES = 20


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_between_modules():
    graph = grimp.build_graph(*ROOT_PACKAGES, include_external_packages=False)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    package = tmp_path / "cyclepkg"
    package.mkdir()
    (package / "__init__.py").write_text("from cyclepkg.a import x\n")
    (package / "a.py").write_text("x = 1\n\ndef f():\n    from cyclepkg import b\n")
    (package / "b.py").write_text("from cyclepkg import x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("cyclepkg", include_external_packages=False)) == [
        ["cyclepkg", "cyclepkg.a", "cyclepkg.b"]]


def _asset_functions():
    for module in ASSET_MODULES:
        for value in vars(module).values():
            if isinstance(value, (AssetsDefinition, AssetChecksDefinition)) and value.node_def is not None:
                yield f"{module.__name__}.{value.node_def.name}", value.op.compute_fn.decorated_fn


@pytest.mark.parametrize("name, function", list(_asset_functions()))
def test_asset_bodies_are_a_few_lines(name, function):
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    statements = definition.body[1:] if ast.get_docstring(definition) else definition.body
    lines = source.splitlines()[statements[0].lineno - 1:statements[-1].end_lineno]
    code = [line for line in lines if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= MAX_ASSET_BODY_LINES, f"{name}: {len(code)} lines of code"
