"""The course as the class app lists it: every numbered notebook in course order, with its
title, its self-check questions (read from the code without running it) and whether only
the instructor may open it (see hinge_lib.class_roles).

This module is imported by the Jupyter server (hinge_lib.serving), not by notebooks.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from hinge_lib.class_roles import instructor_pages

COURSE_NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"


@dataclass(frozen=True)
class CourseEntry:
    """One notebook of the course as the class index lists it."""

    file: str
    title: str
    self_checks: tuple[str, ...]
    #: Only the instructor may open it (the guide, answer keys: see hinge_lib.class_roles).
    instructor: bool = False


def course_entries(notebook_dir: str | os.PathLike) -> list[CourseEntry]:
    """The course notebooks in course order (by their number), with titles and self-checks.

    The title is the notebook's first level-1 heading (without a leading number such as
    ``5 ·``); the self-checks are the questions asked by ``selfcheck.question(id)`` (from the
    question bank) and ``selfcheck.*_question(...)`` calls, read from the code without
    running it.

    Examples
    --------
    >>> from pathlib import Path
    >>> entries = course_entries(Path(__file__).parent.parent / "notebooks")
    >>> entries[0].file
    '00-start-here.ipynb'
    """
    folder = Path(notebook_dir)
    for_instructor = instructor_pages(folder)
    entries = []
    for path in sorted(folder.glob(COURSE_NOTEBOOK_GLOB)):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        title, checks = path.stem, []
        for cell in notebook.get("cells", []):
            source = "".join(cell.get("source", []))
            if cell.get("cell_type") == "markdown" and title == path.stem:
                for line in source.splitlines():
                    if line.startswith("# "):
                        title = _TITLE_NUMBER.sub("", line[2:]).strip()
                        break
            elif cell.get("cell_type") == "code":
                checks.extend(_questions_in(source))
        entries.append(CourseEntry(path.name, title, tuple(checks),
                                   instructor=path.name in for_instructor))
    return entries


_TITLE_NUMBER = re.compile(r"^\d+\s*[·.:]\s*")


def _questions_in(source: str) -> list[str]:
    """Question texts of the self-check calls in one code cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "selfcheck"
            and (node.func.attr.endswith("_question") or node.func.attr == "question")
        ):
            first = node.args[0] if node.args else None
            text = _constant_text(first)
            if node.func.attr == "question":  # by id, from the question bank
                text = _bank_prompt(text)
            found.append(text if text else "a question about this notebook's figure")
    return found


def _bank_prompt(qid: str | None) -> str | None:
    """The prompt of question ``qid`` in the question bank (data/questions.yaml)."""
    if not qid:
        return None
    from hinge_lib.course import questions

    try:
        return str(questions.get(qid)["prompt"]).strip()
    except ValueError:
        return None


def _constant_text(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        return "".join(str(p) for p in parts) + "…"
    return None
