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

This module is imported by the Jupyter server, not by notebooks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import html
import json
import os
import re
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets import Bool, Integer, Unicode

from hinge_lib import class_join, class_limits, class_room
from hinge_lib.class_index import COURSE_NOTEBOOK_GLOB as COURSE_NOTEBOOK_GLOB
from hinge_lib.class_index import CourseEntry, course_entries
from hinge_lib.class_roles import is_instructor_machine
from hinge_lib.recordings.practice_log import CLASS_APP_VARIABLE, CLASS_INSTRUCTOR_VARIABLE

#: Import path of the connection class, as the servers' options take it.
CONNECTION_CLASS = "hinge_lib.serving.NoDelayKernelConnection"
#: The class app's connection (no stderr to the students' pages; hinge_lib/class_guard.py).
CLASS_CONNECTION_CLASS = "hinge_lib.class_guard.ClassKernelConnection"
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


def _without_query_argument(uri: str, name: str) -> str:
    """``uri`` without the query argument ``name``.

    >>> _without_query_argument("/voila/render/a.ipynb?x=1&hinge-seat-check=1", SEAT_CHECK)
    '/voila/render/a.ipynb?x=1'
    """
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(uri)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k != name])
    return urlunsplit(parts._replace(query=query))


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


# ---------------------------------------------------------------- the class app
#
# ``python3 tasks.py app --class`` runs :func:`main` with ``class``: Voila serving the whole
# course folder to a room of students, with
#
# - one access code for the class (generated per run, printed once, never logged);
# - a warm pool of explorer kernels (Voila's preheat), so a student's first figure does not
#   wait for a kernel to start and the notebook to run;
# - idle kernels shut down (Jupyter's kernel culler) and a page's kernel shut down when the
#   page is closed or reloaded in the same browser;
# - a cap on the number of students' kernels, counted when a page is asked for, with a
#   friendly page when it is reached, and the other limits of hinge_lib.class_limits (pages
#   per browser, no "pool is empty" error, no culling while a page loads, frames-ahead
#   rationing, half-sent request timeouts, a bound on connections, no log flood), called
#   from the hooks marked "class limits hook";
# - pages that say so when their kernel has gone, instead of sliders that silently stop;
# - no file browser and no code: Voila executes only the course notebooks, and its kernel
#   websocket accepts widget messages only;
# - no practice log: the kernels run with $HINGE_CLASS_APP set, so PracticeLog() refuses the
#   shared default file and the saving widgets say the class app keeps no log.
# - instructor pages (the guide, answer keys) only for the laptop itself, whose pages' kernels
#   also get $HINGE_CLASS_INSTRUCTOR (hinge_lib/class_roles.py);
# - the room's answers to the self-checks, posted by the kernels, kept in SQLite in the state
#   folder and shown on the instructor's dashboard (hinge_lib/class_room.py);
# - no traceback or stderr on a page, the access code kept out of the log
#   (hinge_lib/class_guard.py); ``?template=`` and ``?theme=`` ignored; a logout page.

EXPLORER_NOTEBOOK = "10-pose-explorer.ipynb"
#: The video checker: served by the class app only with ``--with-video`` (it decodes every
#: upload on the instructor's computer, and each page takes seconds of a core to open).
VIDEO_NOTEBOOK = "14-film-your-hinge.ipynb"
#: Name of the Voila template for the class app (deploy/jupyter/voila/templates/hinge-class).
CLASS_TEMPLATE = "hinge-class"
API_PREFIX = "hinge/api"
#: Query arguments Voila would take to swap the page's template or theme (and skip the
#: warm pool); the class app drops them.
PAGE_OVERRIDES = ("template", "theme")
SEAT_COOKIE = "hinge-seat"
#: Query parameter of the one redirect that hands a browser its seat cookie.
SEAT_CHECK = "hinge-seat-check"
#: Parts of the access code: letters and digits that are hard to confuse when read aloud.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

_current_seat: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "hinge_seat", default=None
)
#: True while a page asked for from the instructor's laptop starts its kernel.
_for_instructor: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "hinge_for_instructor", default=False
)


def _instructor_kernel_env(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``start_kernel`` arguments; a page of the instructor's laptop gets its kernel marked
    with $HINGE_CLASS_INSTRUCTOR (its widgets may then read files on the laptop)."""
    if not _for_instructor.get():
        return kwargs
    env = dict(kwargs.get("env") or os.environ)
    env[CLASS_INSTRUCTOR_VARIABLE] = "1"
    return {**kwargs, "env": env}


def new_access_code() -> str:
    """A fresh access code for one class, such as ``'k7qm-x2rp-9dfa'`` (about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3)
    )


def _page(title: str, body: str, *, refresh_s: int | None = None) -> str:
    """A small self-contained HTML page in the course's look (no external files)."""
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{refresh}
<title>{html.escape(title)} · Hip Hinge Coach</title>
<style>
body {{font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
      line-height: 1.5; color: #1d2733;}}
h1 {{font-size: 1.5em;}} a {{color: #0b62a4;}} .note {{color: #4b5866;}}
li {{margin: .4em 0;}} details {{margin: .2em 0 .6em 0;}} summary {{cursor: pointer;}}
.error {{border-left: 4px solid #b3261e; padding: .4em .8em; background: #fbeaea;}}
input, button {{font-size: 1em; padding: .3em .6em;}}
</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
{body}
</main></body></html>
"""


def course_index_html(entries: list[CourseEntry], base_url: str = "/",
                      instructor: bool = False) -> str:
    """The class index page: every notebook in course order, with its self-checks.

    Instructor pages are listed (marked "instructor only") only when ``instructor`` is true.
    """
    items = []
    for entry in entries:
        if entry.instructor and not instructor:
            continue
        link = html.escape(f"{base_url}voila/render/{entry.file}")
        number = html.escape(entry.file[:2])
        checks = ""
        if entry.self_checks:
            questions = "".join(f"<li>{html.escape(q)}</li>" for q in entry.self_checks)
            n = len(entry.self_checks)
            checks = (f"<details><summary>{n} self-check{'s' if n != 1 else ''}</summary>"
                      f"<ol>{questions}</ol></details>")
        mark = " <em>(instructor only)</em>" if entry.instructor else ""
        items.append(f'<li value="{int(entry.file[:2])}"><a href="{link}">{number} · '
                     f"{html.escape(entry.title)}</a>{mark}{checks}</li>")
    body = (
        '<p class="note">Open a notebook to read it and use its figures and self-checks. '
        "The code is hidden and runs on the instructor's computer. Each page is yours alone; "
        "reloading a page starts it afresh.</p>\n"
        f'<ol class="course" start="0">{"".join(items)}</ol>'
        # class_room hook: the one page where a student may give a nickname
        f'<p class="note">The instructor sees answers by number. <a href="'
        f'{html.escape(base_url)}hinge/api/nickname">Give yourself a nickname</a> '
        "(optional).</p>"
    )
    return _page("Course index", body)


def full_page_html(students: int, limit: int) -> str:
    body = (
        f"<p>The class app is serving {students} pages, the most it was started for "
        f"({limit}). Your page has not been opened yet, so nothing is lost.</p>"
        "<p>This page tries again by itself every 20 seconds. If it keeps appearing, ask your "
        "instructor: closing unused tabs frees places, and the instructor can allow more "
        "with <code>--max-kernels</code>.</p>"
    )
    return _page("The class is full for a moment", body, refresh_s=20)


def seat_full_html(pages: int) -> str:
    body = (
        f"<p>This browser already has {pages} course pages open, the most one student may "
        "hold at once in the class app. Nothing is lost: close a course tab you no longer "
        "use, and this page tries again by itself every 20 seconds.</p>"
    )
    return _page("Too many pages open in this browser", body, refresh_s=20)


def no_cookie_html() -> str:
    body = (
        "<p>The class app gives every browser its own pages with a small cookie, and this "
        "browser did not keep it. Allow cookies for this address (or leave private mode "
        "that blocks them) and open the class address again.</p>"
    )
    return _page("This browser refuses the class app's cookie", body)


def video_off_html(base_url: str) -> str:
    body = ("<p>The video lesson analyses every upload on the instructor's computer, so in "
            "the class app it opens only when the instructor switches it on "
            "(<code>--with-video</code>). Ask your instructor, or open it later in "
            "JupyterLab on your own computer.</p>"
            f'<p><a href="{html.escape(base_url)}course">Go to the course index</a></p>')
    return _page("The video lesson is switched off for this class", body)


def not_in_course_html(path: str, base_url: str) -> str:
    body = (f"<p>There is no course notebook called <code>{html.escape(path)}</code>.</p>"
            f'<p><a href="{html.escape(base_url)}course">Go to the course index</a></p>')
    return _page("Page not found", body)


def logged_out_html(base_url: str) -> str:
    body = ("<p>You have left the course on this device. To come back, open the class "
            "address again or type the access code your instructor gives you.</p>"
            f'<p><a href="{html.escape(base_url)}login">Type the access code</a></p>')
    return _page("You have left the course", body)


def error_html(status: int, base_url: str) -> str:
    """The page for an address the class app cannot serve (no details, no traceback)."""
    body = ("<p>The course server could not open this address.</p>"
            f'<p><a href="{html.escape(base_url)}course">Go to the course index</a></p>')
    return _page(f"Error {status}", body)


def login_html(next_url: str, error: str | None, xsrf_field: str = "") -> str:
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = (
        f"{problem}<p>Type the access code your instructor gives you (it is also the part after "
        "<code>token=</code> in the class address).</p>"
        '<form method="post" action="?next=' + html.escape(next_url, quote=True) + '">'
        + xsrf_field +
        '<label for="code">Access code</label> '
        '<input id="code" name="password" type="password" autocomplete="off" autofocus> '
        '<button type="submit">Open the course</button></form>'
    )
    return _page("Hip Hinge Coach: class access", body)


def _classroom_classes() -> dict[str, type]:
    """Tornado handlers and the Voila application of the class app (imported on demand)."""
    from jupyter_core.utils import ensure_async
    from jupyter_server._tz import utcnow
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.log import log_request
    from tornado import web
    from tornado.escape import url_escape
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler
    from voila.voila_identity_provider import VoilaLoginHandler

    class ClassLoginHandler(VoilaLoginHandler):
        """The login page students see without (or with a wrong) access code."""

        def _render(self, message=None):
            error = None
            if message and message.get("error"):
                error = ("That access code is not right. Check it with your instructor and "
                         "type it again (letters and digits, with the dashes).")
            next_url = self.get_argument("next", default=self.base_url)
            self.write(login_html(url_escape(next_url, plus=False), error,
                                  self.xsrf_form_html()))

    class CourseHandler(JupyterHandler):
        @web.authenticated
        def get(self, path: str = "") -> None:
            app = self.settings["hinge_class"]
            self.set_header("Cache-Control", "no-cache")
            self.finish(course_index_html(app.entries, self.base_url,
                                          instructor=is_instructor_machine(self.request)))

    class ClassLogoutHandler(JupyterHandler):
        """Leaving the course: forget this browser's login and say how to come back."""

        def get(self) -> None:
            self.identity_provider.clear_login_cookie(self)
            self.clear_cookie(SEAT_COOKIE)
            self.set_header("Cache-Control", "no-cache")
            self.finish(logged_out_html(self.base_url))

    class RootHandler(JupyterHandler):
        @web.authenticated
        def get(self) -> None:
            self.redirect(f"{self.base_url}voila/render/{EXPLORER_NOTEBOOK}")

    class StatusHandler(JupyterHandler):
        """How many kernels run, how many belong to students, the pool and the cap (JSON)."""

        @web.authenticated
        def get(self) -> None:
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-cache")
            self.finish(json.dumps(self.settings["hinge_class"].status()))

    class KernelStateHandler(JupyterHandler):
        """Does a page's kernel still run? 200 if so, 410 if it was shut down or died."""

        @web.authenticated
        async def get(self, kernel_id: str) -> None:
            app = self.settings["hinge_class"]
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-cache")
            alive = await app.kernel_alive(kernel_id)
            self.set_status(200 if alive else 410)
            self.finish(json.dumps({"alive": alive}))

    class PlainErrors:
        """Mixin: errors answered with the class app's own small page. Jupyter's error page
        fails to render under Voila (no static path, or no login yet when an address cannot
        even be decoded, e.g. %ff), which put a traceback in the log for every such request."""

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(error_html(status_code, self.base_url))

    class CourseVoilaHandler(PlainErrors, TornadoVoilaHandler):
        """Renders course notebooks only, one kernel per browser and notebook, up to the cap."""

        @web.authenticated
        async def get(self, path=None):
            app = self.settings["hinge_class"]
            if path == VIDEO_NOTEBOOK and not app.with_video:
                self.set_status(403)
                self.finish(video_off_html(self.base_url))
                return
            if path not in app.files or (path in app.instructor_files
                                         and not is_instructor_machine(self.request)):
                self.set_status(404)  # an instructor page looks like no page to a student
                self.finish(not_in_course_html(path or "", self.base_url))
                return
            for name in PAGE_OVERRIDES:  # the class page and its warm pool, whatever is asked
                self.request.arguments.pop(name, None)
                self.request.query_arguments.pop(name, None)
            seat = self.get_cookie(SEAT_COOKIE)
            if not seat or len(seat) > 64:
                # class limits hook: a page is served to a browser that keeps its seat cookie
                # (else every cookie-less request would be a new student with a new kernel)
                if self.get_argument(SEAT_CHECK, None) is not None:
                    self.set_status(400)
                    self.finish(no_cookie_html())
                    return
                self.set_cookie(SEAT_COOKIE, secrets.token_urlsafe(16), httponly=True,
                                samesite="Strict")
                uri = self.request.uri or "/"
                self.redirect(f"{uri}{'&' if '?' in uri else '?'}{SEAT_CHECK}=1")
                return
            if self.get_argument(SEAT_CHECK, None) is not None:  # kept: back to the plain URL
                self.redirect(_without_query_argument(self.request.uri or "/", SEAT_CHECK))
                return
            await app.release_seat(seat, path)
            place = f"{seat}\n{path}"
            # class limits hook: the place is counted now, before its kernel starts
            refused = app.guard.seats.admit(place, set(app.running_places()))
            if refused is not None:
                self.set_status(503)
                self.set_header("Retry-After", "20")
                self.finish(full_page_html(app.student_count(), app.max_kernels)
                            if refused == "full" else seat_full_html(app.kernels_per_seat))
                return
            self._notebook = path
            token = _current_seat.set(place)
            role = _for_instructor.set(is_instructor_machine(self.request))
            try:
                await super().get(path)
            finally:
                _current_seat.reset(token)
                _for_instructor.reset(role)
                app.guard.seats.done(place)
                if place in app._seats:  # class limits hook: sent; the page connects next
                    app.guard.loads.page_sent(app._seats[place])
                if getattr(self, "_claimed", False):
                    app.guard.seats.release_warm(path)

        def should_use_rendered_notebook(self, notebook_data, pool_size, *args):
            # class limits hook: a warm kernel is claimed at once; when every one is claimed
            # the page starts its own kernel (Voila's page shows meanwhile), never "pool empty"
            app = self.settings["hinge_class"]
            notebook = getattr(self, "_notebook", "")
            if not super().should_use_rendered_notebook(notebook_data, pool_size, *args):
                return False
            self._claimed = app.guard.seats.claim_warm(notebook, pool_size)
            return self._claimed

    class CourseKernelWebsocketHandler(PlainErrors, VoilaKernelWebsocketHandler):
        """The kernel websocket; that of a page opened on the laptop is the instructor's."""

        async def get(self, kernel_id):
            app = self.settings["hinge_class"]
            if kernel_id in app.instructor_kernels and not is_instructor_machine(self.request):
                raise web.HTTPError(404)
            return await super().get(kernel_id)

    class ClassroomVoila(Voila):
        """Voila serving the course folder to a class (see the module documentation)."""

        name = "hinge-class"
        max_kernels = Integer(40, config=True, help="Most students' kernels at once.")
        kernels_per_seat = Integer(class_limits.ClassLimits.kernels_per_seat, config=True,
                                   help="Most pages one browser may hold at once.")
        max_connections = Integer(0, config=True, help="Most open connections (0: from the "
                                  "open-file limit).")
        with_video = Bool(False, config=True, help="Serve the video lesson (notebook 14).")
        videos_at_once = Integer(2, config=True, help="Most video analyses running at once.")
        announce = Bool(True, config=True, help="Print the students' address when ready.")
        state_dir = Unicode("", config=True, help="Folder of the answer store (default: "
                            "hinge_lib.class_room.default_state_dir()).")

        def initialize(self, argv=None):
            class_join.quiet_startup(self.log)  # class_join hook: no start-up noise
            super().initialize(argv)
            self.devices = class_join.DeviceLog()  # class_join hook: who reached the app
            self.entries = course_entries(self.root_dir)
            self.files = {entry.file for entry in self.entries
                          if self.with_video or entry.file != VIDEO_NOTEBOOK}
            self.instructor_files = {entry.file for entry in self.entries if entry.instructor}
            #: kernels of pages opened on the laptop: their websocket is the instructor's only
            self.instructor_kernels: set[str] = set()
            if self.with_video:  # the kernels count the analyses running (video_upload)
                import tempfile

                from hinge_lib.widgets.video_upload import (
                    VIDEO_SLOT_DIR_VARIABLE,
                    VIDEO_SLOTS_VARIABLE,
                )

                self._video_slots = tempfile.TemporaryDirectory(prefix="hinge-video-")
                os.environ[VIDEO_SLOT_DIR_VARIABLE] = self._video_slots.name
                os.environ[VIDEO_SLOTS_VARIABLE] = str(self.videos_at_once)
            if EXPLORER_NOTEBOOK not in self.files:
                raise ValueError(f"{EXPLORER_NOTEBOOK} is not in {self.root_dir}")
            self._student_kernels: dict[str, str] = {}  # kernel id -> "seat\nnotebook"
            self._seats: dict[str, str] = {}  # "seat\nnotebook" -> kernel id
            self.limits = class_limits.ClassLimits(kernels_per_seat=self.kernels_per_seat,
                                                   max_connections=self.max_connections)
            self.guard = class_limits.ClassGuard(self.limits, self.max_kernels)
            self._open_answers()

        def _open_answers(self) -> None:
            """class_room hook: the answer store, and the key and address the kernels post
            answers with (in the environment every kernel inherits)."""
            folder = Path(self.state_dir) if self.state_dir else class_room.default_state_dir()
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
            self.answers = class_room.AnswerStore(folder / class_room.DB_NAME)
            self.answer_key = secrets.token_urlsafe(32)
            self.seat_cookie = SEAT_COOKIE
            host = "127.0.0.1" if self.ip in ("", "0.0.0.0", "::", "localhost") else self.ip
            self.own_address = host
            os.environ[class_room.ANSWER_KEY_VARIABLE] = self.answer_key
            os.environ[class_room.ANSWER_URL_VARIABLE] = (
                f"http://{host}:{self.port}{self.base_url}{class_room.ANSWER_PATH}")

        def seat_of_kernel(self, kernel_id: str) -> str | None:
            """The browser session (seat cookie) owning a student's kernel; None for the
            instructor's kernels and unknown ids."""
            place = self._student_kernels.get(kernel_id)
            if place is None or kernel_id in self.instructor_kernels:
                return None
            return place.split("\n", 1)[0]

        def init_settings(self):
            settings = super().init_settings()
            settings["hinge_class"] = self
            settings["hinge_limits"] = self.guard
            # access log with token= scrubbed; class_join hook: notes other devices
            settings["log_function"] = class_join.counting_log(log_request, self.devices)
            self.identity_provider.login_handler_class = ClassLoginHandler
            km = self.kernel_manager
            started = km.start_kernel

            async def start_kernel(*args, **kwargs):
                kernel_id = await ensure_async(started(*args, **_instructor_kernel_env(kwargs)))
                if _for_instructor.get():
                    self.instructor_kernels.add(kernel_id)
                self._record(kernel_id)
                return kernel_id

            # Instance attributes: the handlers call these, the pool's own starts do not.
            km.start_kernel = start_kernel
            pooled = getattr(km, "get_rendered_notebook", None)
            if pooled is not None:

                async def get_rendered_notebook(notebook_name, *args, **kwargs):
                    for _ in range(600):  # claims keep an entry for this request; in case
                        if km._pools.get(notebook_name):
                            break
                        await asyncio.sleep(0.1)
                    await _first_ready(km._pools.get(notebook_name, []))
                    result = await pooled(notebook_name, *args, **kwargs)
                    kernel_id = result[2]
                    # A kernel that waited in the pool is new to its student: without this
                    # the culler could take it before the page connects.
                    with contextlib.suppress(KeyError):
                        km.get_kernel(kernel_id).last_activity = utcnow()
                    self._record(kernel_id)
                    return result

                km.get_rendered_notebook = get_rendered_notebook
            culled = km.cull_kernel_if_idle

            async def cull_kernel_if_idle(kernel_id):
                # class limits hook: never cull a kernel whose page is still loading
                if self.guard.loads.loading(kernel_id):
                    with contextlib.suppress(KeyError):
                        km.get_kernel(kernel_id).last_activity = utcnow()
                    return None
                return await culled(kernel_id)

            km.cull_kernel_if_idle = cull_kernel_if_idle
            return settings

        def _record(self, kernel_id: str) -> None:
            key = _current_seat.get()
            if key is None:
                return
            self._student_kernels[kernel_id] = key
            self._seats[key] = kernel_id
            self.guard.loads.handed_out(kernel_id)  # class limits hook: loading until connected

        def running_places(self) -> list[str]:
            """The places ("seat\nnotebook") whose kernel runs."""
            self.student_count()
            return list(self._seats)

        def student_count(self) -> int:
            running = set(self.kernel_manager.list_kernel_ids())
            for kernel_id in [k for k in self._student_kernels if k not in running]:
                key = self._student_kernels.pop(kernel_id)
                if self._seats.get(key) == kernel_id:
                    del self._seats[key]
            return len(self._student_kernels)

        def status(self) -> dict[str, Any]:
            km = self.kernel_manager
            pools = getattr(km, "_pools", {})
            students = self.student_count()
            server = getattr(self.app, "hinge_server", None)
            return {
                "kernels": len(km.list_kernel_ids()),
                "students": students,
                "pool": sum(len(pool) for pool in pools.values()),
                "max_kernels": self.max_kernels,
                # class limits: what was held back (see hinge_lib.class_limits)
                "arriving": sum(self.guard.seats.pending.values()),
                "connections_closed": getattr(server, "evicted", 0),
                "connections_refused": getattr(server, "refused", 0),
                "frames_ahead_requests_dropped": self.guard.dropped_wanted,
            }

        async def release_seat(self, seat: str, notebook: str) -> None:
            """Shut down the kernel this browser had for this notebook (a reload or a copy)."""
            kernel_id = self._seats.pop(f"{seat}\n{notebook}", None)
            if kernel_id and kernel_id in self.kernel_manager.list_kernel_ids():
                self._student_kernels.pop(kernel_id, None)
                with contextlib.suppress(Exception):
                    await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id, now=True))

        async def kernel_alive(self, kernel_id: str) -> bool:
            km = self.kernel_manager
            if kernel_id not in km.list_kernel_ids():
                return False
            with contextlib.suppress(Exception):
                if await ensure_async(km.get_kernel(kernel_id).is_alive()):
                    return True
            # it died: free its place now rather than when the culler finds it
            self._student_kernels.pop(kernel_id, None)
            with contextlib.suppress(Exception):
                await ensure_async(km.shutdown_kernel(kernel_id, now=True))
            return False

        def init_handlers(self):
            handlers = []
            for pattern, handler, *rest in super().init_handlers():
                if handler is TornadoVoilaTreeHandler or "/voila/api/contents" in pattern:
                    continue  # no file browser, no contents listing
                if handler is TornadoVoilaHandler:
                    handler = CourseVoilaHandler
                if pattern.rstrip("/").endswith("/logout"):
                    handler, rest = ClassLogoutHandler, []
                if handler is VoilaKernelWebsocketHandler:
                    handler = CourseKernelWebsocketHandler
                handlers.append((pattern, handler, *rest))
            base = self.server_url  # ends with "/"
            return [
                *class_join.join_handlers(base, self),  # class_join hook: the join page
                *class_room.room_handlers(base, self),  # class_room hook: answers, dashboard
                (base, RootHandler),
                (base + "course/?", CourseHandler),
                (base + "voila/tree(.*)", CourseHandler),
                (base + API_PREFIX + "/status", StatusHandler),
                (base + API_PREFIX + r"/kernel/([\w-]+)", KernelStateHandler),
                *handlers,
            ]

        def listen(self):
            # class limits hook: timeouts for half-sent requests and a bound on connections
            files = class_limits.raise_open_file_limit()
            bound = class_limits.connection_bound(self.limits, files, self.max_kernels)
            self.app.listen = class_limits.guarded_listen(self.app, self.limits, bound)
            super().listen()

        def launch_browser(self):
            import threading
            import webbrowser

            url = f"{self.connection_url}?token={self.token}" if self.token else self.connection_url
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

        def start(self):
            import tornado.ioloop

            from hinge_lib.class_guard import hide_in_log

            hide_in_log(self.token, self.log)
            if self.announce:
                tornado.ioloop.IOLoop.current().add_callback(self._announce)
            class_limits.guard_the_log(self.log, self.limits.log_repeats_per_minute)  # hook
            super().start()

        def _announce(self) -> None:
            host = self.ip if self.ip not in ("", "0.0.0.0", "::") else lan_address()
            # class_join hook: only what the instructor needs
            print(class_join.announcement(host, self.port, self.base_url, self.token,
                                          max_kernels=self.max_kernels), flush=True)
            if self.ip in ("", "0.0.0.0", "::", "127.0.0.1", "localhost"):
                # loopback is what makes a browser the instructor's (hinge_lib/class_roles.py)
                print("Instructor guide and answer keys, in a browser on this computer only: "
                      f"http://127.0.0.1:{self.port}{self.base_url}course\n", flush=True)
            else:
                print(f"Instructor pages need --ip 0.0.0.0 (this computer's browser reaches "
                      f"them at 127.0.0.1; {self.ip} alone does not listen there).\n",
                      flush=True)

    return {"ClassroomVoila": ClassroomVoila, "ClassLoginHandler": ClassLoginHandler}


async def _first_ready(pool: list) -> None:
    """Put a warm kernel that has finished running the notebook first in its pool.

    Voila hands out the oldest pool entry even while its notebook is still running; a page
    given such a kernel under load could show the figure with sliders that never answered
    (seen on a busy 2-core machine). Here the handed-out kernel has always finished: the
    first finished entry moves to the front, or, if none has, the oldest one is waited for.
    """

    def finished(entry) -> bool:
        return (entry.done() and not entry.cancelled() and entry.exception() is None
                and entry.result()["task"].done())

    if not pool:
        return
    for i, entry in enumerate(pool):
        if finished(entry):
            pool.insert(0, pool.pop(i))
            return
    with contextlib.suppress(Exception):
        content = await pool[0]
        await asyncio.shield(content["task"])


def lan_address() -> str:
    """This computer's address on the local network (no packet is sent); 127.0.0.1 if none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


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


def class_config(*, pool: int, cull_after: int, max_kernels: int, open_browser: bool,
                 ip: str, port: int, kernels_per_seat: int = 4, max_connections: int = 0,
                 with_video: bool = False, videos_at_once: int = 2,
                 state_dir: str | os.PathLike = "") -> Any:
    """The Jupyter configuration of the class app (a traitlets Config)."""
    from traitlets.config import Config

    if cull_after < 10:
        raise ValueError(f"cull_after={cull_after}: must be at least 10 seconds")
    if max_kernels < 1:
        raise ValueError(f"max_kernels={max_kernels}: must be at least 1")
    if not 1 <= kernels_per_seat <= 20:
        raise ValueError(f"kernels_per_seat={kernels_per_seat}: must be between 1 and 20")
    if not 1 <= videos_at_once <= 10:
        raise ValueError(f"videos_at_once={videos_at_once}: must be between 1 and 10")
    if max_connections and not 16 <= max_connections <= 1_000_000:
        raise ValueError(f"max_connections={max_connections}: must be 0 (automatic) or "
                         "16 to 1000000")
    if not 0 <= pool <= 20:
        raise ValueError(f"pool={pool}: must be between 0 and 20")
    if not 0 <= port <= 65535:
        raise ValueError(f"port={port}: must be between 0 and 65535")
    cfg = Config()
    cfg.Voila.ip = ip
    cfg.Voila.port = port
    cfg.Voila.open_browser = open_browser
    cfg.Voila.kernel_websocket_connection_class = CLASS_CONNECTION_CLASS
    cfg.NoDelayKernelConnection.compress = True  # students' devices share the room's network
    # (tracebacks and stderr are kept off the pages by the connection: class_guard.py)
    cfg.ClassroomVoila.max_kernels = max_kernels
    cfg.ClassroomVoila.kernels_per_seat = kernels_per_seat
    cfg.ClassroomVoila.max_connections = max_connections
    cfg.ClassroomVoila.with_video = with_video
    cfg.ClassroomVoila.videos_at_once = videos_at_once
    cfg.ClassroomVoila.state_dir = str(state_dir or "")
    cfg.VoilaConfiguration.template = CLASS_TEMPLATE
    cfg.VoilaConfiguration.show_tracebacks = False
    cfg.VoilaConfiguration.allow_template_override = "NO"
    cfg.VoilaConfiguration.allow_theme_override = "NO"
    cfg.VoilaConfiguration.preheat_kernel = pool > 0
    cfg.VoilaConfiguration.default_pool_size = 0
    # a warm pool for the explorer only: that is where a class starts
    cfg.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": 0},
        EXPLORER_NOTEBOOK: {"pool_size": pool},
    }
    cfg.VoilaKernelManager.fill_delay = 0.5
    cfg.MappingKernelManager.cull_idle_timeout = cull_after
    cfg.MappingKernelManager.cull_interval = max(5, min(60, cull_after // 4))
    cfg.MappingKernelManager.cull_connected = True
    # a kernel that dies is not restarted: its widgets would be gone anyway; the page says so
    cfg.KernelManager.autorestart = False
    return cfg


def run_class_app(notebook_dir: str | os.PathLike, template_root: str | os.PathLike, *,
                  ip: str = "127.0.0.1", port: int = 8866, pool: int = 4,
                  cull_after: int = 1200, max_kernels: int = 40, open_browser: bool = True,
                  kernels_per_seat: int = 4, max_connections: int = 0,
                  with_video: bool = False, videos_at_once: int = 2,
                  state_dir: str | os.PathLike = "",
                  extra_args: list[str] | None = None) -> None:
    """Start the class app and serve until stopped (Ctrl-C or SIGTERM)."""
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(Path(template_root).resolve()), os.environ.get("JUPYTER_PATH")) if p
    )
    cfg = class_config(pool=pool, cull_after=cull_after, max_kernels=max_kernels,
                       open_browser=open_browser, ip=ip, port=port,
                       kernels_per_seat=kernels_per_seat, max_connections=max_connections,
                       with_video=with_video, videos_at_once=videos_at_once,
                       state_dir=state_dir)
    # the kernels inherit this: no shared practice log for the room (see PracticeLog)
    os.environ[CLASS_APP_VARIABLE] = "1"
    app_class = _classroom_classes()["ClassroomVoila"]
    app = app_class.instance(config=cfg)
    app.initialize([str(Path(notebook_dir).resolve()), *(extra_args or [])])
    app.token = new_access_code()
    app.start()


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
