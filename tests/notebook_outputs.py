"""Store the expected text of the notebook cells that nbval checks, and nothing else.

Notebooks are committed clean (no widget state, no execution counts, no outputs) with one
exception: a code cell tagged ``nbval-check-output`` (cell metadata, so learners never see
a test marker in the code) keeps its text output and its execution count, because that
stored text is what ``pytest --nbval-lax`` compares a fresh run against.

A code cell that only checks (imports, assignments and ``assert`` statements, nothing shown)
is tagged ``remove-cell`` and stored collapsed: the book leaves it out and JupyterLab shows it
folded, while nbval still runs it.

Run ``python3 tasks.py outputs`` after changing a notebook or the data it prints;
``--tags-only`` converts the older ``# NBVAL_CHECK_OUTPUT`` comment markers into tags and
tags the checking cells, without running anything.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
MARK = "# NBVAL_CHECK_OUTPUT"  # the older comment marker, converted by tag_cells()
CHECK_TAG = "nbval-check-output"
HIDDEN_TAG = "remove-cell"
TEXT_TYPES = ("text/plain", "text/html")


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and (CHECK_TAG in tags(cell) or MARK in cell.source)


def is_check_only(source: str) -> bool:
    """True for a cell that only checks: at least one ``assert``, otherwise only imports
    and assignments, so it shows nothing to the reader."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    allowed = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.Assert)
    return (any(isinstance(n, ast.Assert) for n in body)
            and all(isinstance(n, allowed) for n in body))


def tag_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Turn ``# NBVAL_CHECK_OUTPUT`` lines into the ``nbval-check-output`` tag, and tag and
    fold every check-only cell (see :func:`is_check_only`)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell_tags = tags(cell)
        if MARK in cell.source:
            lines = [ln for ln in cell.source.splitlines() if ln.strip() != MARK]
            cell.source = "\n".join(lines).strip("\n")
            if CHECK_TAG not in cell_tags:
                cell_tags.append(CHECK_TAG)
        if is_check_only(cell.source):
            if HIDDEN_TAG not in cell_tags:
                cell_tags.append(HIDDEN_TAG)
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        if cell_tags:
            cell.metadata["tags"] = cell_tags
    return nb


def keep_text(outputs: list) -> list:
    """The outputs a checked cell keeps: printed text and plain/HTML results."""
    kept = []
    for out in outputs:
        if out.output_type == "stream" and out.name == "stdout":
            kept.append(out)
        elif out.output_type in ("execute_result", "display_data"):
            data = {k: v for k, v in out.data.items() if k in TEXT_TYPES}
            if data:
                out.data = data
                out.metadata = {}
                kept.append(out)
    return kept


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop widget state and every output but checked text.

    A checked cell keeps its execution count too: nbval treats a cell with outputs and no
    count as never run.
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if is_checked(cell):
            cell.outputs = keep_text(cell.outputs)
        else:
            cell.execution_count = None
            cell.outputs = []
    return nb


def refresh(path: Path) -> None:
    nb = tag_cells(nbformat.read(path, as_version=4))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(clean(nb), path)


def main(paths: list[str]) -> None:
    tags_only = "--tags-only" in paths
    paths = [p for p in paths if p != "--tags-only"]
    targets = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in targets:
        if tags_only:
            print(f"tagging {path}")
            nb = nbformat.read(path, as_version=4)
            nbformat.write(tag_cells(nb), path)
            continue
        print(f"refreshing {path.relative_to(ROOT) if path.is_absolute() else path}")
        refresh(path.resolve())


if __name__ == "__main__":
    main(sys.argv[1:])
