"""The class app: Voila serving the whole course folder to a room of students.

``python3 tasks.py app --class`` runs :func:`hinge_lib.serving.main` with ``class``, which
starts :func:`run_class_app`, with

- one access code for the class (generated per run, printed once, never logged);
- a warm pool of explorer kernels (Voila's preheat), so a student's first figure does not
  wait for a kernel to start and the notebook to run;
- idle kernels shut down (Jupyter's kernel culler) and a page's kernel shut down when the
  page is closed or reloaded in the same browser;
- a cap on the number of students' kernels, counted when a page is asked for, with a
  friendly page when it is reached, and the other limits of hinge_lib.class_limits (pages
  per browser, no "pool is empty" error, no culling while a page loads, frames-ahead
  rationing, half-sent request timeouts, a bound on connections, no log flood), called
  from the hooks marked "class limits hook";
- pages that say so when their kernel has gone, instead of sliders that silently stop;
- no file browser and no code: Voila executes only the course notebooks, and its kernel
  websocket accepts widget messages only;
- no practice log: the kernels run with $HINGE_CLASS_APP set, so PracticeLog() refuses the
  shared default file and the saving widgets say the class app keeps no log.
- instructor pages (the guide, answer keys) only for the laptop itself, whose pages' kernels
  also get $HINGE_CLASS_INSTRUCTOR (hinge_lib/class_roles.py);
- the room's answers to the self-checks, posted by the kernels, kept in SQLite in the state
  folder and shown on the instructor's dashboard (hinge_lib/class_room.py);
- no traceback or stderr on a page, tracebacks the kernels format cheaply, the access code
  kept out of the log (hinge_lib/class_guard.py); ``?template=`` and ``?theme=`` ignored; a
  logout page.

The requests' checks are in :mod:`hinge_lib.class_handlers`, the pages in
:mod:`hinge_lib.class_pages`, the kernel connection in :mod:`hinge_lib.serving`, which also
starts the app (``python -m hinge_lib.serving class``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
from pathlib import Path
from typing import Any

from traitlets import Bool, Integer, Unicode

from hinge_lib import class_join, class_limits, class_room
from hinge_lib.class_handlers import (
    API_PREFIX,
    EXPLORER_NOTEBOOK,
    SEAT_COOKIE,
    VIDEO_NOTEBOOK,
    _current_seat,
    _for_instructor,
    _instructor_kernel_env,
    class_handlers,
)
from hinge_lib.class_index import course_entries
from hinge_lib.recordings.practice_log import CLASS_APP_VARIABLE
from hinge_lib.widgets.room import ROOM_FILE_VARIABLE

#: The class app's connection (no stderr to the students' pages; hinge_lib/class_guard.py).
CLASS_CONNECTION_CLASS = "hinge_lib.class_guard.ClassKernelConnection"
#: Name of the Voila template for the class app (deploy/jupyter/voila/templates/hinge-class).
CLASS_TEMPLATE = "hinge-class"
#: Parts of the access code: letters and digits that are hard to confuse when read aloud.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_access_code() -> str:
    """A fresh access code for one class, such as ``'k7qm-x2rp-9dfa'`` (about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3)
    )



def classroom_app() -> type:
    """The Voila application of the class app (imported on demand)."""
    from jupyter_core.utils import ensure_async
    from jupyter_server._tz import utcnow
    from jupyter_server.log import log_request
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    handler = class_handlers()
    ClassLoginHandler = handler["ClassLoginHandler"]
    CourseVoilaHandler = handler["CourseVoilaHandler"]
    ClassLogoutHandler = handler["ClassLogoutHandler"]
    CourseKernelWebsocketHandler = handler["CourseKernelWebsocketHandler"]
    RootHandler, CourseHandler = handler["RootHandler"], handler["CourseHandler"]
    StatusHandler, KernelStateHandler = handler["StatusHandler"], handler["KernelStateHandler"]

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
            folder = Path(self.state_dir) if self.state_dir else class_room.default_state_dir()
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
            self._open_answers(folder)
            self._kernel_profile(folder)

        def _open_answers(self, folder: Path) -> None:
            """class_room hook: the answer store in the state ``folder``, and the key and
            address the kernels post answers with (in the environment every kernel inherits)."""
            self.answers = class_room.AnswerStore(folder / class_room.DB_NAME)
            self.answer_key = secrets.token_urlsafe(32)
            self.seat_cookie = SEAT_COOKIE
            host = "127.0.0.1" if self.ip in ("", "0.0.0.0", "::", "localhost") else self.ip
            self.own_address = host
            os.environ[class_room.ANSWER_KEY_VARIABLE] = self.answer_key
            # the room's pacing, read by the kernels (hinge_lib.widgets.room)
            self.room_file = folder / class_room.ROOM_FILE
            os.environ[ROOM_FILE_VARIABLE] = str(self.room_file)
            os.environ[class_room.ANSWER_URL_VARIABLE] = (
                f"http://{host}:{self.port}{self.base_url}{class_room.ANSWER_PATH}")

        def _kernel_profile(self, folder: Path) -> None:
            """class_guard hook: the kernels' IPython profile, in the state ``folder``, so a
            widget message a kernel cannot take costs it little."""
            from hinge_lib.class_guard import write_kernel_profile  # (it imports serving)

            os.environ["IPYTHONDIR"] = str(write_kernel_profile(folder))

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

    return ClassroomVoila


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
    app_class = classroom_app()
    app = app_class.instance(config=cfg)
    app.initialize([str(Path(notebook_dir).resolve()), *(extra_args or [])])
    app.token = new_access_code()
    app.start()

