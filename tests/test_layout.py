"""The package shows its design: imports flow one way, data -> model -> recordings/view ->
widgets -> course -> notebooks, and the numeric model needs neither plotly nor ipywidgets."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hinge_lib"

# Which subpackages each layer may import (besides itself). Anything not listed is a higher
# layer. serving.py is a Jupyter server plug-in, outside the course's layers.
ALLOWED = {
    "model": set(),
    "recordings": {"model"},
    "view": {"model", "recordings"},
    "widgets": {"model", "recordings", "view"},
    "course": {"model", "recordings", "view", "widgets"},
}
HEAVY = {"plotly", "ipywidgets", "anywidget", "IPython"}


def package_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def layer_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 and parts[0] in ALLOWED else None


def imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in a module, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(("hinge_lib", *path.relative_to(PACKAGE).parent.parts))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append((node.lineno, module))
            # `from hinge_lib import view` imports a subpackage by name
            if module == "hinge_lib":
                names += [(node.lineno, f"hinge_lib.{a.name}") for a in node.names]
    return names


MODULES = package_modules()


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_module_imports_only_its_own_or_lower_layers(path):
    layer = layer_of(path)
    if layer is None:
        return
    allowed = ALLOWED[layer] | {layer}
    wrong = []
    for line, name in imported_names(path):
        parts = name.split(".")
        if parts[0] != "hinge_lib":
            continue
        if len(parts) == 1:
            wrong.append(f"line {line}: imports the whole package (import the submodule)")
        elif parts[1] in ALLOWED and parts[1] not in allowed:
            wrong.append(f"line {line}: {layer} imports the higher layer {name}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if layer_of(p) == "model"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_model_module_needs_no_plotting_or_widget_library(path):
    heavy = [
        f"line {line}: {name}"
        for line, name in imported_names(path)
        if name.split(".")[0] in HEAVY
    ]
    assert not heavy, "\n".join(heavy)


def test_importing_the_model_loads_no_plotting_or_widget_library():
    code = (
        "import sys, hinge_lib, hinge_lib.model, hinge_lib.recordings\n"
        "from hinge_lib import analyze, analyze_many, Pose, Body\n"
        "analyze(Pose(hip=40), Body())\n"
        f"print(sorted(m for m in {sorted(HEAVY)!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_every_subpackage_has_a_docstring_saying_its_job():
    for layer in ALLOWED:
        init = PACKAGE / layer / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 5, f"{init} needs a docstring saying what it holds"


def test_every_public_function_and_class_shows_a_runnable_example():
    """`pytest --doctest-modules` (part of the normal run) executes these examples."""
    import inspect

    import hinge_lib

    missing = []
    for name in hinge_lib.__all__:
        obj = getattr(hinge_lib, name)
        if inspect.ismodule(obj) or not callable(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        if "Examples\n--------" not in doc or ">>> " not in doc:
            missing.append(name)
    assert not missing, f"public names without an Examples section: {missing}"
