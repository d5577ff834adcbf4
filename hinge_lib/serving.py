"""Serving the course: a kernel connection that delivers each widget message at once.

Every slider move travels browser -> server -> kernel and back as a few small websocket
messages. Jupyter's server leaves Nagle's algorithm on for the kernel websocket, so when it
writes two small messages in a row the second waits until the browser acknowledges the first,
and browsers delay that acknowledgement by up to 40 ms. Measured under Voila in Chromium on
the course machine: a one-trace figure took about 60 ms from key press to redraw, of which
about 40 ms was this wait; with the option below it took about 24 ms.

:class:`NoDelayKernelConnection` is Jupyter's own connection with ``TCP_NODELAY`` switched on
when the websocket opens; nothing else changes. ``python3 tasks.py course`` and
``python3 tasks.py app`` start JupyterLab and Voila with it, and so do the browser tests.
Start them by hand with the options in :data:`VOILA_OPTIONS` / :data:`LAB_OPTIONS`.

The class app (``python -m hinge_lib.serving class``, :mod:`hinge_lib.class_app`) uses it
too, with its limits hooks and the checks of :mod:`hinge_lib.class_guard`; :func:`main` is
the command line of the class app, its network check and the presenter copy.

This module is imported by the Jupyter server, not by notebooks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets import Bool

from hinge_lib import class_join, class_limits, class_room
from hinge_lib.class_app import CLASS_CONNECTION_CLASS as CLASS_CONNECTION_CLASS
from hinge_lib.class_app import CLASS_TEMPLATE as CLASS_TEMPLATE
from hinge_lib.class_app import class_config as class_config
from hinge_lib.class_app import lan_address as lan_address
from hinge_lib.class_app import new_access_code as new_access_code
from hinge_lib.class_app import run_class_app
from hinge_lib.class_handlers import EXPLORER_NOTEBOOK as EXPLORER_NOTEBOOK
from hinge_lib.class_handlers import SEAT_COOKIE
from hinge_lib.class_handlers import _for_instructor as _for_instructor
from hinge_lib.class_handlers import _instructor_kernel_env as _instructor_kernel_env
from hinge_lib.class_index import COURSE_NOTEBOOK_GLOB as COURSE_NOTEBOOK_GLOB
from hinge_lib.class_index import course_entries as course_entries
from hinge_lib.class_pages import course_index_html as course_index_html
from hinge_lib.class_pages import full_page_html as full_page_html
from hinge_lib.class_pages import login_html as login_html
from hinge_lib.class_pages import video_off_html as video_off_html

#: Import path of the connection class, as the servers' options take it.
CONNECTION_CLASS = "hinge_lib.serving.NoDelayKernelConnection"
#: Command-line options for ``voila`` and ``jupyter lab``.
VOILA_OPTIONS: tuple[str, ...] = (f"--Voila.kernel_websocket_connection_class={CONNECTION_CLASS}",)
LAB_OPTIONS: tuple[str, ...] = (
    f"--ServerApp.kernel_websocket_connection_class={CONNECTION_CLASS}",
)


#: permessage-deflate settings when compression is on: the JSON of the live figure's frames
#: shrinks 3-9 times (a slider's frames sent ahead: ~480 kB to ~55 kB); memory level 5 keeps
#: each connection's compressor near 64 kB.
COMPRESSION = {"compression_level": 6, "mem_level": 5}


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's kernel websocket connection, sending small messages without delay and, when
    ``compress`` is set (the class app, the hub), compressing them for a room's network."""

    compress = Bool(False, config=True,
                    help="Compress messages (permessage-deflate) when the browser offers it.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.compress:
            # The handler asks this during the websocket handshake, which comes after the
            # connection is made; the server-wide setting would also need a dict on its
            # command line, which the hub's spawner cannot pass.
            self.websocket_handler.get_compression_options = lambda: dict(COMPRESSION)

    def connect(self) -> Any:
        send_without_delay(self.websocket_handler)
        guard = _class_guard(self.websocket_handler)  # class limits hook: the page has loaded
        if guard is not None:
            guard.loads.connected(self.kernel_id)
        return super().connect()

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        guard = _class_guard(self.websocket_handler)  # class limits hook: frames-ahead ration
        if guard is not None and not guard.allow_message(
                self.websocket_handler.get_cookie(SEAT_COOKIE), incoming_msg):
            return
        super().handle_incoming_message(incoming_msg)


def _class_guard(handler: Any) -> class_limits.ClassGuard | None:
    """The class app's limits, if this server is the class app."""
    return getattr(handler, "settings", {}).get("hinge_limits")


def send_without_delay(handler: Any) -> bool:
    """Switch Nagle's algorithm off on an open tornado websocket; True if it was done.

    A handler whose socket is already gone (the page closed while connecting) is left alone.
    """
    if getattr(handler, "ws_connection", None) is None:
        return False
    with contextlib.suppress(OSError, AttributeError):
        handler.set_nodelay(True)
        return True
    return False


def presenter_notebook(explorer: str | os.PathLike, target: str | os.PathLike) -> Path:
    """Write the projector's page: the explorer notebook's ``explore()`` cell alone, with
    the call switched to ``explore(presenter=True)``.

    The prose and every other cell are left out, so the page is the figure, the controls
    and the readout (issue: the prose filled the first 580 px of a 1024 x 768 projector).
    Raises ValueError if the notebook has no such call.
    """
    notebook = json.loads(Path(explorer).read_text(encoding="utf-8"))
    kept = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", []))
        new = re.sub(r"\bexplore\(\s*\)", "explore(presenter=True)", source)
        if new != source:
            cell["source"] = new.splitlines(keepends=True)
            kept.append(cell)
    notebook["cells"] = kept
    changed = len(kept)
    if not changed:
        raise ValueError(f"{explorer}: no `explore()` call to switch to presenter mode")
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    return out

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hinge_lib.serving",
        description="Serve the course to a class (`class`) or the explorer for a projector "
                    "(`presenter`).",
    )
    sub = parser.add_subparsers(dest="mode", required=True)
    room = sub.add_parser("class", help="the whole course for a room of students")
    room.add_argument("--notebooks", required=True, help="the course's notebooks folder")
    room.add_argument("--templates", required=True,
                      help="folder holding voila/templates/hinge-class")
    room.add_argument("--ip", default="127.0.0.1")
    room.add_argument("--port", type=int, default=8866)
    room.add_argument("--pool", type=int, default=4, help="warm explorer kernels (default 4)")
    room.add_argument("--cull-after", type=int, default=1200,
                      help="shut a kernel down after this many idle seconds (default 1200)")
    room.add_argument("--max-kernels", type=int, default=40,
                      help="most students' pages at once (default 40)")
    room.add_argument("--kernels-per-seat", type=int, default=4,
                      help="most pages one browser may hold at once (default 4)")
    room.add_argument("--max-connections", type=int, default=0,
                      help="most open connections (default: from the open-file limit)")
    room.add_argument("--with-video", action="store_true",
                      help="serve the video lesson (14); off by default")
    room.add_argument("--videos-at-once", type=int, default=2,
                      help="with --with-video: most video analyses at once (default 2)")
    room.add_argument("--state", default="",
                      help="folder of the answer store (default "
                           f"{class_room.default_state_dir()})")
    room.add_argument("--no-browser", action="store_true")
    check = sub.add_parser("check", help="can another device reach this laptop? "
                                          "(class_join.run_check)")
    check.add_argument("--ip", default="0.0.0.0")
    check.add_argument("--port", type=int, default=8866)
    check.add_argument("--wait", type=float, default=300.0,
                       help="seconds to wait for a phone (default 300)")
    present = sub.add_parser("presenter", help="write the presenter copy of the explorer")
    present.add_argument("--explorer", required=True)
    present.add_argument("--out", required=True)
    args, extra = parser.parse_known_args(argv)
    if args.mode == "check":  # class_join hook
        if extra:
            parser.error(f"unknown options {extra}")
        return 0 if class_join.run_check(ip=args.ip, port=args.port, wait_s=args.wait) else 1
    if args.mode == "presenter":
        if extra:
            parser.error(f"unknown options {extra}")
        print(presenter_notebook(args.explorer, args.out))
        return 0
    try:
        run_class_app(args.notebooks, args.templates, ip=args.ip, port=args.port,
                      pool=args.pool, cull_after=args.cull_after, max_kernels=args.max_kernels,
                      open_browser=not args.no_browser, kernels_per_seat=args.kernels_per_seat,
                      max_connections=args.max_connections, with_video=args.with_video,
                      videos_at_once=args.videos_at_once, state_dir=args.state,
                      extra_args=extra)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
