"""Telling the class app what a student answered (only when the course runs in the class app).

When a self-check's Check button is pressed in a page of the class app, the page's kernel
posts the verdict to the app on this machine (``hinge_lib.class_room`` keeps it for the
instructor's dashboard). The app gives its kernels the address and a secret key in their
environment; anywhere else (JupyterLab, the book, a hub) :func:`report` does nothing.

The post runs in a background thread with a short timeout and never raises: a self-check
works the same whether or not the app hears of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import urllib.request
from typing import Any

#: Environment set by the class app (the names hinge_lib.class_room uses).
ANSWER_KEY_VARIABLE = "HINGE_CLASS_ANSWER_KEY"
ANSWER_URL_VARIABLE = "HINGE_CLASS_ANSWER_URL"
ANSWER_KEY_HEADER = "X-Hinge-Answer-Key"


def kernel_id() -> str | None:
    """The id of the kernel this code runs in (from its connection file), or None."""
    try:
        from ipykernel.connect import get_connection_file

        name = os.path.basename(get_connection_file())
    except Exception:  # not in a kernel
        return None
    found = re.match(r"kernel-([\w-]+)\.json$", name)
    return found.group(1) if found else None


def report(check_id: str, ok: bool, choice: Any = None,
           pose: dict[str, float] | None = None, faults: list[str] | None = None,
           figure: list[list[list[float]]] | None = None) -> bool:
    """Post one answer to the class app in the background; False if not in the class app.

    ``choice`` is the option number (or list of numbers) picked; ``pose`` the joint angles
    in degrees of a pose task; ``faults`` the fault codes the model flagged; ``figure`` the
    body's polylines as the course draws them ([[x, y], ...] in m, x forward of the ankle,
    y up from the floor).
    """
    url, key = os.environ.get(ANSWER_URL_VARIABLE), os.environ.get(ANSWER_KEY_VARIABLE)
    kernel = kernel_id()
    if not (url and key and kernel):
        return False
    body = json.dumps({"kernel": kernel, "check": check_id, "ok": bool(ok), "choice": choice,
                       "pose": pose, "faults": faults or [], "figure": figure}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        ANSWER_KEY_HEADER: key, "Content-Type": "application/json"})

    def send() -> None:
        # if it fails, the dashboard misses one answer; the student's check still works
        with contextlib.suppress(Exception):
            urllib.request.urlopen(request, timeout=3).close()

    threading.Thread(target=send, daemon=True).start()
    return True
