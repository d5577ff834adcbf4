"""Notebooks teach; the library computes. Code cells call hinge_lib: they define no functions
or classes, run no loops and build no plotly figures by hand."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

LOGIC = {
    ast.FunctionDef: "defines a function",
    ast.AsyncFunctionDef: "defines a function",
    ast.ClassDef: "defines a class",
    ast.Lambda: "uses a lambda",
    ast.For: "runs a for loop",
    ast.AsyncFor: "runs a for loop",
    ast.While: "runs a while loop",
    ast.ListComp: "runs a loop (list comprehension)",
    ast.SetComp: "runs a loop (set comprehension)",
    ast.DictComp: "runs a loop (dict comprehension)",
    ast.GeneratorExp: "runs a loop (generator expression)",
}
# Building a figure by hand: plotly's graph objects, express and subplots.
PLOTLY_MODULES = {"plotly.graph_objects", "plotly.express", "plotly.subplots", "plotly"}


def code_cells(path: Path) -> list[tuple[int, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            source = cell["source"]
            cells.append((i, "".join(source) if isinstance(source, list) else source))
    return cells


def parse_cell(source: str) -> ast.Module:
    # IPython magics and shell escapes are not Python; the course needs none, but tolerate them
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def logic_in(source: str) -> list[str]:
    found = []
    for node in ast.walk(parse_cell(source)):
        for kind, what in LOGIC.items():
            if isinstance(node, kind):
                found.append(f"line {node.lineno}: {what}")
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            )
            plotly = sorted(n for n in names if n in PLOTLY_MODULES)
            if plotly:
                found.append(f"line {node.lineno}: imports {plotly[0]} to build a figure")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_code_cells_only_call_the_library(path):
    problems = [
        f"cell {i}, {problem}" for i, source in code_cells(path) for problem in logic_in(source)
    ]
    assert not problems, "move this logic into hinge_lib:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f():\n    return 1", "defines a function"),
        ("class A:\n    pass", "defines a class"),
        ("f = lambda x: x", "uses a lambda"),
        ("for i in range(3):\n    print(i)", "runs a for loop"),
        ("while False:\n    pass", "runs a while loop"),
        ("[x for x in 'ab']", "list comprehension"),
        ("import plotly.graph_objects as go", "imports plotly.graph_objects"),
        ("from plotly import express as px", "imports plotly"),
        ("from plotly.subplots import make_subplots", "imports plotly.subplots"),
    ],
)
def test_the_rule_catches_each_kind_of_logic(source, expected):
    assert any(expected in problem for problem in logic_in(source))


def test_the_rule_allows_plain_library_calls():
    cell = (
        "from hinge_lib import analyze, Pose\n"
        "%matplotlib inline\n"
        "a = analyze(Pose(hip=80))\n"
        "print(f'hip moment {a.hip_moment_nm:.0f} N m')\n"
        "assert a.pattern == 'hinge'"
    )
    assert logic_in(cell) == []


# ---------------------------------------------------------------- what learners see

from notebook_outputs import CHECK_TAG, HIDDEN_TAG, is_check_only  # noqa: E402


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_learners_see_no_test_markers_and_check_cells_are_folded(path):
    """Test machinery lives in cell metadata: nbval's output check is a tag, and a cell that
    only checks (asserts, nothing shown) is tagged for removal from the book and folded."""
    for i, cell in enumerate(_cells(path)):
        source = "".join(cell["source"])
        assert "NBVAL_" not in source, f"cell {i}: test marker in the text learners read"
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if is_check_only(source):
            assert HIDDEN_TAG in tags, f"cell {i} only checks: tag it {HIDDEN_TAG!r}"
            assert cell["metadata"].get("jupyter", {}).get("source_hidden"), f"cell {i}"
        if cell.get("outputs"):
            assert CHECK_TAG in tags, f"cell {i} stores output but nbval does not check it"


def test_the_check_only_rule():
    assert is_check_only("import x\ny = x.f()\nassert y > 0")
    assert not is_check_only("y = 1\nprint(y)\nassert y")  # shows something
    assert not is_check_only("x = 1")  # checks nothing
    assert not is_check_only("assert (")  # not Python
