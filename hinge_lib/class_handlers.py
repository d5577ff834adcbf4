"""The class app's requests: who may open what, and the limits applied when a page is asked for.

- a course page is served only for a course notebook (an instructor page only to the laptop
  itself, see :mod:`hinge_lib.class_roles`), to a browser that keeps its seat cookie, and
  within the caps of :mod:`hinge_lib.class_limits` (marked "class limits hook");
- the kernel websocket of a page opened on the laptop is the instructor's alone;
- ``?template=`` and ``?theme=`` are ignored; errors get a small page, never a traceback;
- the login, course index, logout, status and kernel-state requests.

The handlers are made by :func:`class_handlers` (Voila is imported on demand) and routed by
:mod:`hinge_lib.class_app`.
"""

from __future__ import annotations

import contextvars
import json
import os
import secrets
from typing import Any

from hinge_lib.class_pages import (
    course_index_html,
    error_html,
    full_page_html,
    logged_out_html,
    login_html,
    no_cookie_html,
    not_in_course_html,
    seat_full_html,
    video_off_html,
)
from hinge_lib.class_roles import is_instructor_machine
from hinge_lib.recordings.practice_log import CLASS_INSTRUCTOR_VARIABLE

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


def class_handlers() -> dict[str, type]:
    """The class app's tornado handlers, by name (imported on demand)."""
    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web
    from tornado.escape import url_escape
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
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

    return {cls.__name__: cls for cls in (
        ClassLoginHandler, CourseHandler, ClassLogoutHandler, RootHandler, StatusHandler,
        KernelStateHandler, CourseVoilaHandler, CourseKernelWebsocketHandler)}
