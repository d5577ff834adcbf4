"""Store the expected text of the notebook cells that nbval checks, and nothing else.

Notebooks are committed clean (no widget state, no execution counts, no outputs) with one
exception: a code cell marked ``# NBVAL_CHECK_OUTPUT`` keeps its text output and its
execution count, because that stored text is what ``pytest --nbval-lax`` compares a fresh
run against.

Run ``python3 tasks.py outputs`` after changing a notebook or the data it prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
MARK = "# NBVAL_CHECK_OUTPUT"
TEXT_TYPES = ("text/plain", "text/html")


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and MARK in cell.source


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
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(clean(nb), path)


def main(paths: list[str]) -> None:
    targets = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in targets:
        print(f"refreshing {path.relative_to(ROOT) if path.is_absolute() else path}")
        refresh(path.resolve())


if __name__ == "__main__":
    main(sys.argv[1:])
