"""The room's pacing as a student's kernel sees it (only in the class app).

The class app (:mod:`hinge_lib.class_room`) writes the instructor's pacing to a small JSON
file in its private state folder and names the file in the kernels' environment
(:data:`ROOM_FILE_VARIABLE`). Only the app writes it, when the instructor sends the room
something from the laptop; a student's page can send its kernel widget messages only, so
no student can change it. The explorer reads it:

- while the room is **paused**, a change of a slider (or of any control that moves the
  figure) is put back at once and the pause message is shown instead, so the pause holds in
  the kernel and not only on the page;
- a **starting pose** sent by the instructor is offered by a "Take the starting pose"
  button beside each figure; nothing moves until the student presses it.

Reading costs one ``os.stat`` per call: the file is parsed again only when it has changed.
Anywhere else (JupyterLab, the book, a hub) the variable is unset and nothing happens.
"""

from __future__ import annotations

import json
import os
from typing import Any

#: Environment variable naming the room file (set by the class app for its kernels).
ROOM_FILE_VARIABLE = "HINGE_CLASS_ROOM_FILE"
#: What a paused explorer says when the instructor gave no message.
DEFAULT_PAUSE_MESSAGE = "Eyes on the instructor for a moment."

_cache: dict[str, Any] = {"key": None, "room": {}}


def in_class_app() -> bool:
    """True in a kernel of the class app (the room file is named)."""
    return bool(os.environ.get(ROOM_FILE_VARIABLE))


def room_state() -> dict[str, Any]:
    """The room's pacing: ``paused`` (bool), ``message`` (str), ``pose`` (a reference
    position key or ""), ``at`` (when the instructor sent it, s since the epoch); ``{}``
    outside the class app or if the file cannot be read."""
    path = os.environ.get(ROOM_FILE_VARIABLE)
    if not path:
        return {}
    try:
        stat = os.stat(path)
    except OSError:
        return {}
    key = (path, stat.st_ino, stat.st_mtime_ns, stat.st_size)  # (each write: a new file)
    if key != _cache["key"]:
        try:
            with open(path, encoding="utf-8") as file:
                room = json.load(file)
        except (OSError, ValueError):
            return {}
        _cache["key"], _cache["room"] = key, room if isinstance(room, dict) else {}
    return _cache["room"]


def paused() -> str | None:
    """The pause message while the instructor holds the room, else None."""
    room = room_state()
    if not room.get("paused"):
        return None
    return str(room.get("message") or DEFAULT_PAUSE_MESSAGE)


def starting_pose() -> str:
    """The reference position the instructor offers as a starting pose, or ""."""
    return str(room_state().get("pose") or "")
