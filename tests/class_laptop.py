"""The instructor's laptop running the class app, for the security tests.

`start_laptop` starts the class app next to private files, with kernels that log every file
they open or list (tests/kernel_audit/sitecustomize.py); conftest.py's ``laptop`` fixture
gives each test file its own. `Device` is a browser on one machine, `touched` reads the
kernels' file log. `sweep` drives every widget of a share of the students' pages with paths
on the laptop: the sweep is split into `SWEEP_PARTS` test files
(tests/test_class_security_sweep_N.py) so that parallel test workers share it.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import async_run
from class_client import KernelSocket, opener
from hinge_lib import class_roles, serving
from test_classroom import NOTEBOOKS, ClassApp, page_kernel_id, start_class_app

AUDIT = Path(__file__).resolve().parent / "kernel_audit"
#: the widget sweep runs in this many test files, one share of the pages each
SWEEP_PARTS = 3
#: traits of a widget that say how it looks, not what it does (never set to a path)
BAIT_KEYS_SKIPPED = {"layout", "style", "tabbable", "tooltip", "description_allow_html"}


class Device:
    """One browser on one machine: its own cookies, its own source address."""

    def __init__(self, app, source: str | None = None) -> None:
        self.app = app
        self.opener = opener(source) if source else opener()

    def get(self, path: str, **params: str) -> tuple[int, str, str]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with self.opener.open(self.app.base + path + query, timeout=180) as resp:
                return resp.status, resp.geturl(), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, err.geturl(), err.read().decode("utf-8", "replace")

    def page(self, notebook: str) -> str:
        """Open a course page with the access code; return its kernel id."""
        status, _, body = self.get(f"voila/render/{notebook}", token=self.app.code)
        assert status == 200, (notebook, status, body[:300])
        return page_kernel_id(body)

    def leave(self, kernel_id: str) -> None:
        """Close the page: its unload request ends the kernel."""
        req = urllib.request.Request(f"{self.app.base}voila/api/shutdown/{kernel_id}"
                                     f"?token={self.app.code}", method="POST", data=b"")
        with contextlib.suppress(urllib.error.HTTPError), self.opener.open(req, timeout=60):
            pass


def start_laptop(folder: Path) -> Iterator[ClassApp]:
    """The instructor's laptop: private files next to the class app, whose kernels log every
    file they touch. Yields the app (with ``private`` and ``file_log``) and stops it after."""
    from browser import stop_process

    private = folder / "private"
    private.mkdir()
    (private / "notes.txt").write_text("marks of the class\n")
    write_clip(private / "clip.mp4")
    file_log = folder / "files.jsonl"
    app = start_class_app(folder, "--pool", "1", "--cull-after", "600", "--max-kernels", "4",
                          "--with-video",  # the instructor has turned the video lesson on
                          env={"PYTHONPATH": str(AUDIT), "HINGE_TEST_FILE_LOG": str(file_log)})
    app.private = private
    app.file_log = file_log
    yield app
    stop_process(app.proc)


def write_clip(path: Path) -> None:
    """A short real video (or, without OpenCV, bytes with a video's name)."""
    try:
        import cv2
        import numpy as np
    except ImportError:
        path.write_bytes(b"\0" * 4096)
        return
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 64))
    for i in range(20):
        out.write(np.full((64, 64, 3), i * 10, np.uint8))
    out.release()


def touched(app, since: float, inside: Path) -> list[dict]:
    """File events of the kernels after ``since`` on paths inside ``inside``."""
    if not app.file_log.exists():
        return []
    found = []
    for line in app.file_log.read_text().splitlines():
        with contextlib.suppress(ValueError):
            event = json.loads(line)
            if event["t"] >= since and Path(event["path"]).is_relative_to(inside):
                found.append(event)
    return found


def students_pages() -> list[str]:
    """Every course page a student can open, in course order."""
    instructor = class_roles.instructor_pages(NOTEBOOKS)
    return [e.file for e in serving.course_entries(NOTEBOOKS) if e.file not in instructor]


def sweep_part(part: int) -> list[str]:
    """The pages of one part of the sweep: every `SWEEP_PARTS`-th page from ``part`` on."""
    return students_pages()[part::SWEEP_PARTS]


def baits(app) -> list[str]:
    """Paths on the laptop a page's text boxes are set to: a file, a folder, a new file."""
    private = app.private
    return [str(private / "clip.mp4"), str(private), str(private / "new.sqlite3"),
            str(private / "notes.txt")]


async def drive_every_widget(app, kernel_id: str) -> int:
    """Set each text-like value of every widget of a page to each bait in turn and click
    every button, as the page's own widget manager could; return how many widgets there
    were. After each bait the kernel must have handled every update and click, and the
    timers they started, before the next bait (or the page's close) goes out."""
    socket = await KernelSocket.open(app.base, kernel_id, app.code)
    widgets = await socket.widgets()
    for bait in baits(app):
        for comm_id, state in widgets.items():
            text = {k: bait for k, v in state.items() if isinstance(v, str)
                    and not k.startswith("_") and k not in BAIT_KEYS_SKIPPED
                    and not v.startswith("IPY_MODEL_")}
            if text and state["_model_name"] not in ("HTMLModel", "HTMLMathModel",
                                                     "LabelModel"):
                socket.update(comm_id, text)
        for comm_id, state in widgets.items():
            if state["_model_name"] == "ButtonModel":
                socket.click(comm_id)
        await socket.settle()
    socket.close()
    return len(widgets)


def sweep(app, part: int) -> dict[str, int]:
    """Drive every widget of the pages of ``part`` from a student's device; fail naming the
    page if a kernel touched a path under the laptop's private folder. Returns page ->
    widgets driven."""
    student = Device(app)
    driven: dict[str, int] = {}
    for notebook in sweep_part(part):
        kernel_id = student.page(notebook)
        since = time.time()
        driven[notebook] = async_run.run(drive_every_widget(app, kernel_id))
        student.leave(kernel_id)
        assert touched(app, since, app.private) == [], notebook
    return driven
