"""Who is asking: the instructor at the laptop running the class app, or a student.

The class app (``python3 tasks.py app --class``) has two roles and no accounts:

- **the instructor** is whoever uses the machine the app runs on: their browser connects
  from the loopback address (127.0.0.1 or ::1). No second code is printed for them, because
  lecturers mirror the terminal on the projector;
- **a student** is every other device in the room: it holds the class access code and
  nothing more.

Instructor pages are the instructor guide and any notebook holding an answer key (a cell
tagged ``answer-key`` or ``instructor-only``, or a call of ``answer_key_html``); the
learner's book leaves the same pages out. Students never reach them: the server answers
"not found", as for a page that does not exist.

Handlers use :func:`is_instructor_machine`, or inherit :class:`InstructorOnly` (every
request from a student gets 404), or wrap one method in :func:`instructor_only`. The check
reads the address of the connection itself, never a header a client can write
(X-Forwarded-For and the like), so the class app must not sit behind a proxy on the same
machine: every student would then look like the instructor.

This module is imported by the Jupyter server (hinge_lib.serving), not by notebooks.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Notebooks that are for the instructor whatever their cells hold.
INSTRUCTOR_NOTEBOOKS = frozenset({"12-instructor-guide.ipynb"})
#: Cell tags that mark an answer key (as the book's build reads them).
ANSWER_KEY_TAGS = frozenset({"answer-key", "instructor-only"})
_ANSWER_KEY_CALL = re.compile(r"\banswer_key_html\s*\(")


def is_instructor_address(address: str | None) -> bool:
    """True for the loopback addresses of this machine's own browser: 127.0.0.1, ::1 and
    the IPv4-mapped ::ffff:127.0.0.1. Other 127.x addresses are not what a browser uses and
    count as a student (safe side); anything unreadable is a student too."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip in (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


def peer_address(request: Any) -> str | None:
    """The address at the other end of a tornado request's connection (not from headers)."""
    context = getattr(getattr(request, "connection", None), "context", None)
    address = getattr(context, "address", None)
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None


def is_instructor_machine(request: Any) -> bool:
    """True if this tornado request comes from the machine the class app runs on."""
    return is_instructor_address(peer_address(request))


def instructor_only(method: Callable) -> Callable:
    """Decorate a handler method: students get 404, the instructor's machine goes through."""

    @functools.wraps(method)
    def wrapper(self, *args: Any, **kwargs: Any) -> Any:
        if not is_instructor_machine(self.request):
            from tornado import web

            raise web.HTTPError(404)
        return method(self, *args, **kwargs)

    return wrapper


class InstructorOnly:
    """Mixin for tornado handlers (put it first): every request from a student gets 404."""

    def prepare(self) -> Any:
        if not is_instructor_machine(self.request):  # type: ignore[attr-defined]
            from tornado import web

            raise web.HTTPError(404)
        return super().prepare()  # type: ignore[misc]


def is_answer_key_cell(cell: dict) -> bool:
    """True for a notebook cell (nbformat JSON) that holds an answer key."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    return bool(tags & ANSWER_KEY_TAGS) or (
        cell.get("cell_type") == "code" and bool(_ANSWER_KEY_CALL.search(source)))


def instructor_pages(notebook_dir: str | os.PathLike) -> frozenset[str]:
    """File names of the notebooks in ``notebook_dir`` that only the instructor may open."""
    found = set()
    for path in Path(notebook_dir).glob("*.ipynb"):
        if path.name in INSTRUCTOR_NOTEBOOKS:
            found.add(path.name)
            continue
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if any(is_answer_key_cell(cell) for cell in notebook.get("cells", [])):
            found.add(path.name)
    return frozenset(found)
