"""The room's answers: a store on the instructor's laptop, a tally, and the instructor's view.

The class app (:mod:`hinge_lib.serving`) records what each student's page answered to the
course's self-checks, so the instructor can see the room on the projector:

- **who posts**: a student's page never posts an answer itself. Its kernel does, when the
  student presses a self-check's Check button (:mod:`hinge_lib.course.class_report`): an HTTP
  POST to ``/hinge/api/answer`` on this machine, carrying the app's answer key (a random
  secret put in the kernels' environment, shown on no page) and the kernel's id. The app
  files the answer under the browser session (seat cookie) that owns that kernel, so a
  browser can neither post nor post for another; requests from another machine get 404;
- **how much**: answers per browser session are rationed (:data:`ANSWERS_PER_S`, bursts of
  :data:`ANSWER_BURST`), far above a student pressing Check, so one page cannot flood it;
- **who is who**: students are numbered in the order they first answer; a nickname is
  optional, plain text of at most :data:`NICKNAME_MAX` characters, escaped wherever shown;
- **where**: SQLite in the app's state folder (:func:`default_state_dir`, or ``--state``),
  one row per student and self-check (the latest answer), the seat cookie stored only as a
  hash. Each start of the app is a new class (new access code, new cookies): the dashboard
  shows the current run; earlier runs stay in the file until :func:`delete_answers`
  (``python -m hinge_lib.class_room delete``) removes it;
- **who reads**: the dashboard ``/instructor/dashboard``, the tally as JSON
  ``/instructor/api/tally`` (``?after=N`` waits for a change past version N: the dashboard
  hears of an answer as soon as it is stored) and as CSV ``/instructor/api/tally.csv`` are
  served only to the laptop itself (:mod:`hinge_lib.class_roles`); students get 404;
- **pacing**: the instructor sets a banner (plain text, an optional link to a course page
  section, an optional starting pose) and a pause (``/instructor/api/room``, laptop only,
  with the page's XSRF token); students' pages read it from ``/hinge/api/room`` every 2 s
  and show it (the class page template). The app also writes it to ``room.json`` in the
  state folder, which the students' kernels read (:mod:`hinge_lib.widgets.room`): a paused
  kernel puts slider changes back, and the explorers offer the starting pose on a button.
  Only the app writes that file, so no student can lift the pause or send a pose. It
  starts empty at every start of the app.

This module is imported by the Jupyter server, not by notebooks.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import html
import io
import json
import os
import secrets
import sqlite3
import sys
import threading
import time
import unicodedata
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from hinge_lib.class_limits import SeatMeters
from hinge_lib.class_roles import InstructorOnly, is_instructor_machine, peer_address
from hinge_lib.course.class_report import (  # the kernels' side: where and how they post
    ANSWER_KEY_HEADER as ANSWER_KEY_HEADER,
)
from hinge_lib.course.class_report import ANSWER_KEY_VARIABLE as ANSWER_KEY_VARIABLE
from hinge_lib.course.class_report import ANSWER_URL_VARIABLE as ANSWER_URL_VARIABLE

ANSWER_PATH = "hinge/api/answer"
NICKNAME_PATH = "hinge/api/nickname"
DASHBOARD_PATH = "instructor/dashboard"
TALLY_PATH = "instructor/api/tally"
#: The room's pacing: students' pages read it, the instructor sets it.
ROOM_PATH = "hinge/api/room"
PACE_PATH = "instructor/api/room"
#: Longest banner text, in characters.
BANNER_MAX = 200
DB_NAME = "class-answers.sqlite3"
#: The room's pacing as the kernels read it (hinge_lib.widgets.room), in the state folder.
ROOM_FILE = "room.json"
#: Longest nickname, in characters.
NICKNAME_MAX = 24
#: Answers per browser session: sustained rate (per second) and burst.
ANSWERS_PER_S = 1.0
ANSWER_BURST = 30
#: Longest wait of the dashboard's request for a change of the tally, in s.
TALLY_WAIT_S = 25.0
#: Largest answer request body, in bytes (a pose is a few angles and a stick figure).
MAX_BODY = 16384
EXPORT_NOTE = ("Counts per self-check from the class app on this laptop; "
               "nothing was sent anywhere.")


def default_state_dir() -> Path:
    """The class app's state folder: ``$XDG_STATE_HOME/hinge-class`` (else
    ``~/.local/state/hinge-class``)."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "hinge-class"


def _plain_text(text: Any) -> str:
    """``text`` with control and format characters dropped and spaces collapsed."""
    kept = "".join(ch for ch in str(text) if not unicodedata.category(ch).startswith("C"))
    return " ".join(kept.split())


def clean_nickname(text: Any) -> str:
    """A nickname as plain text: control characters dropped, spaces collapsed.

    Raises ValueError naming the field if it is longer than :data:`NICKNAME_MAX` characters.

    Examples
    --------
    >>> clean_nickname("  Sam\\u0000  <b>K</b> ")
    'Sam <b>K</b>'
    """
    text = _plain_text(text)
    if len(text) > NICKNAME_MAX:
        raise ValueError(f"nickname: {len(text)} characters; at most {NICKNAME_MAX} allowed")
    return text


def _seat_hash(seat: str) -> str:
    return hashlib.sha256(seat.encode("utf-8")).hexdigest()[:24]


def course_checks() -> list[dict[str, Any]]:
    """The self-checks and pose tasks of the course, in course order (the question bank)."""
    from hinge_lib.course import questions

    return questions.all_questions()


class AnswerStore:
    """The room's answers in SQLite (see the module documentation). ``run`` names this start
    of the app; the tally covers it only. ``version`` counts the changes (answers and
    nicknames) since the app started: the dashboard waits for it to move."""

    def __init__(self, path: str | os.PathLike, run: str | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.run = run or f"{time.strftime('%Y-%m-%d %H:%M:%S')} {uuid.uuid4().hex[:6]}"
        self._lock = threading.Lock()
        self.version = 0
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        os.chmod(self.path, 0o600)
        self.db.executescript("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS students (
                run TEXT, seat TEXT, number INTEGER, nickname TEXT DEFAULT '',
                PRIMARY KEY (run, seat));
            CREATE TABLE IF NOT EXISTS answers (
                run TEXT, seat TEXT, check_id TEXT, choice TEXT, ok INTEGER, pose TEXT,
                faults TEXT, at REAL, PRIMARY KEY (run, seat, check_id));
        """)

    def _number(self, seat_hash: str) -> int:
        row = self.db.execute("SELECT number FROM students WHERE run=? AND seat=?",
                              (self.run, seat_hash)).fetchone()
        if row:
            return int(row[0])
        (count,) = self.db.execute("SELECT COUNT(*) FROM students WHERE run=?",
                                   (self.run,)).fetchone()
        self.db.execute("INSERT INTO students (run, seat, number) VALUES (?, ?, ?)",
                        (self.run, seat_hash, count + 1))
        return count + 1

    def record(self, seat: str, check_id: str, ok: bool, choice: Any = None,
               pose: dict[str, float] | None = None, faults: list[str] | None = None,
               figure: list | None = None) -> int:
        """Keep this browser session's latest answer to ``check_id``; its student number.
        ``pose``: joint angles (degrees); ``figure``: the body's polylines (m)."""
        with self._lock:
            seat_hash = _seat_hash(seat)
            number = self._number(seat_hash)
            self.db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.run, seat_hash, check_id, json.dumps(choice), int(bool(ok)),
                 json.dumps({"angles": pose, "figure": figure}) if pose is not None else None,
                 json.dumps(faults or []),
                 time.time()))
            self.version += 1
            return number

    def set_nickname(self, seat: str, nickname: Any) -> int:
        """Give this browser session a nickname (see :func:`clean_nickname`); its number."""
        name = clean_nickname(nickname)
        with self._lock:
            seat_hash = _seat_hash(seat)
            number = self._number(seat_hash)
            self.db.execute("UPDATE students SET nickname=? WHERE run=? AND seat=?",
                            (name, self.run, seat_hash))
            self.version += 1
            return number

    def tally(self, checks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Per self-check in course order: answered, passed, count per option (choice
        questions), every current pose (pose tasks) and the faults most often flagged."""
        with self._lock:
            version = self.version
            students = {seat: (number, nickname) for seat, number, nickname in self.db.execute(
                "SELECT seat, number, nickname FROM students WHERE run=?", (self.run,))}
            rows = self.db.execute(
                "SELECT seat, check_id, choice, ok, pose, faults FROM answers WHERE run=? "
                "ORDER BY at", (self.run,)).fetchall()
        by_check: dict[str, list[tuple]] = {}
        for row in rows:
            by_check.setdefault(row[1], []).append(row)
        out = []
        for q in checks if checks is not None else course_checks():
            answers = by_check.get(q["id"], [])
            entry: dict[str, Any] = {
                "id": q["id"], "notebook": q.get("notebook", ""), "kind": q["kind"],
                "prompt": q.get("prompt", ""), "answered": len(answers),
                "passed": sum(int(a[3]) for a in answers)}
            if q.get("options"):
                counts = [0] * len(q["options"])
                for a in answers:
                    choice = json.loads(a[2])
                    for i in choice if isinstance(choice, list) else [choice]:
                        if isinstance(i, int) and 0 <= i < len(counts):
                            counts[i] += 1
                entry["options"] = [{"text": str(text), "count": n}
                                    for text, n in zip(q["options"], counts, strict=True)]
            if q["kind"] == "pose":
                faults: Counter[str] = Counter()
                entry["poses"] = []
                for a in answers:
                    number, nickname = students.get(a[0], (0, ""))
                    flagged = json.loads(a[5] or "[]")
                    faults.update(flagged)
                    drawn = json.loads(a[4] or "{}")
                    entry["poses"].append({"student": number, "nickname": nickname,
                                           "ok": bool(a[3]), "pose": drawn.get("angles"),
                                           "figure": drawn.get("figure") or [],
                                           "faults": flagged})
                entry["faults"] = [{"fault": f, "count": n} for f, n in faults.most_common(5)]
            out.append(entry)
        return {"run": self.run, "version": version, "students": len(students),
                "checks": out}

    def csv_text(self, checks: list[dict[str, Any]] | None = None) -> str:
        """The tally's counts as CSV, one row per self-check (and per option)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([f"# {EXPORT_NOTE} Run: {self.run}"])
        writer.writerow(["check", "notebook", "kind", "answered", "passed", "option", "count"])
        for entry in self.tally(checks)["checks"]:
            base = [entry["id"], entry["notebook"], entry["kind"], entry["answered"],
                    entry["passed"]]
            options = entry.get("options") or [{"text": "", "count": ""}]
            for option in options:
                writer.writerow([*base, option["text"], option["count"]])
        return buffer.getvalue()

    def close(self) -> None:
        self.db.close()


def delete_answers(state_dir: str | os.PathLike | None = None) -> list[Path]:
    """Delete the answer store (and SQLite's side files) from the state folder; the paths
    removed."""
    folder = Path(state_dir) if state_dir is not None else default_state_dir()
    removed = []
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal"):
        path = folder / name
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def starting_poses() -> dict[str, str]:
    """The starting poses the instructor may send the room: reference position key ->
    its name (data/reference_positions.csv)."""
    from hinge_lib.model.references import reference_positions

    table = reference_positions()
    names = table["name"] if "name" in table.columns else table.index
    return {str(key): str(name) for key, name in zip(table.index, names, strict=True)}


def write_room(path: str | os.PathLike, room: dict[str, Any]) -> None:
    """Write the room's pacing for the kernels (private file, replaced in one step)."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(room, file)
    os.replace(part, path)


def pacing(body: dict[str, Any], notebooks: set[str],
           poses: dict[str, str] | None = None) -> dict[str, Any]:
    """The room's pacing from the instructor's request, checked: ``banner`` (plain text),
    ``notebook`` (a course page every student may open, or "" for no link), ``section``
    (an anchor on it), ``pose`` (a key of ``poses``, the starting poses, or "" for none),
    ``paused`` (sliders locked) and ``message`` (shown while paused).
    ValueError naming the field otherwise.

    Examples
    --------
    >>> pacing({"banner": "Look at the knee", "notebook": "a.ipynb", "section": "Knees"},
    ...        {"a.ipynb"})["link"]
    'voila/render/a.ipynb#Knees'
    """
    texts = {}
    for field in ("banner", "message"):
        text = _plain_text(body.get(field) or "")
        if len(text) > BANNER_MAX:
            raise ValueError(f"{field}: {len(text)} characters; at most {BANNER_MAX} allowed")
        texts[field] = text
    notebook = str(body.get("notebook") or "")
    if notebook and notebook not in notebooks:
        raise ValueError(f"notebook: {notebook[:60]!r} is not a course page students may open")
    section = str(body.get("section") or "")
    if not all(ch.isalnum() or ch in "-_." for ch in section) or len(section) > 80:
        raise ValueError(f"section: {section[:60]!r} must be an anchor of letters, digits "
                         "and - _ . (at most 80)")
    link = f"voila/render/{notebook}" + (f"#{section}" if section else "") if notebook else ""
    pose = str(body.get("pose") or "")
    if pose and pose not in (poses or {}):
        raise ValueError(f"pose: {pose[:60]!r} is not a reference position; choose one of "
                         f"{', '.join(sorted(poses or {}))}")
    return {"banner": texts["banner"], "link": link, "pose": pose,
            "pose_name": (poses or {}).get(pose, ""), "paused": bool(body.get("paused")),
            "message": texts["message"] or "Eyes on the instructor for a moment.",
            "at": time.time()}


def validate_answer(body: dict[str, Any], checks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The fields of a kernel's answer, checked; ValueError naming the field otherwise."""
    check_id = body.get("check")
    if check_id not in checks:
        raise ValueError(f"check: {str(check_id)[:40]!r} is not a self-check of the course")
    q = checks[check_id]
    choice = body.get("choice")
    n = len(q.get("options") or [])
    values = choice if isinstance(choice, list) else [choice]
    if n and not all(v is None or (isinstance(v, int) and 0 <= v < n) for v in values):
        raise ValueError(f"choice: {str(choice)[:40]} must be option numbers 0 to {n - 1}")
    if not n:
        choice = None
    pose = body.get("pose")
    if pose is not None and not (isinstance(pose, dict) and len(pose) <= 12 and all(
            isinstance(k, str) and len(k) <= 24 and isinstance(v, (int, float))
            and -360 <= v <= 360 for k, v in pose.items())):
        raise ValueError("pose: must map at most 12 joint names to angles in degrees "
                         "(-360 to 360)")
    figure = body.get("figure")
    if figure is not None and not (isinstance(figure, list) and len(figure) <= 12 and all(
            isinstance(line, list) and len(line) <= 40 and all(
                isinstance(point, list) and len(point) == 2 and all(
                    isinstance(v, (int, float)) and -5 <= v <= 5 for v in point)
                for point in line) for line in figure)):
        raise ValueError("figure: must be at most 12 lines of at most 40 [x, y] points in m "
                         "(-5 to 5)")
    faults = body.get("faults") or []
    if not (isinstance(faults, list) and len(faults) <= 20
            and all(isinstance(f, str) and len(f) <= 40 for f in faults)):
        raise ValueError("faults: must be at most 20 fault names")
    return {"check_id": check_id, "ok": bool(body.get("ok")), "choice": choice,
            "pose": pose if q["kind"] == "pose" else None, "faults": faults,
            "figure": figure if q["kind"] == "pose" else None}


# ---------------------------------------------------------------- handlers (tornado)


def room_handlers(base: str, app: Any) -> list[tuple]:
    """The class app's answer, nickname and instructor routes (``base`` ends with "/").

    ``app`` is the class app: it has ``answers`` (an :class:`AnswerStore`), ``answer_key``,
    ``own_address`` (where its kernels post from), ``seat_of_kernel(kernel_id)``, the
    seat cookie's name ``seat_cookie``, the course pages ``files`` and
    ``instructor_files`` and ``room_file``, where the kernels read the room's pacing.
    """
    import datetime

    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web
    from tornado.locks import Condition

    checks = {q["id"]: q for q in course_checks()}
    meters = SeatMeters(ANSWERS_PER_S, ANSWER_BURST)
    room = {"banner": "", "link": "", "pose": "", "pose_name": "", "paused": False,
            "message": "", "at": 0.0}
    poses = starting_poses()
    write_room(app.room_file, room)  # a new start of the app: nothing paused, no pose

    class AnswerHandler(web.RequestHandler):
        """A kernel posts its student's answer (this machine only, with the answer key)."""

        def check_xsrf_cookie(self) -> None:  # no browser posts here: the key is the check
            return None

        def post(self) -> None:
            if not (is_instructor_machine(self.request)
                    or peer_address(self.request) == app.own_address):
                raise web.HTTPError(404)  # kernels post from this machine
            key = self.request.headers.get(ANSWER_KEY_HEADER, "")
            if not hmac.compare_digest(key.encode(), app.answer_key.encode()):
                raise web.HTTPError(403)
            if len(self.request.body) > MAX_BODY:
                raise web.HTTPError(413)
            try:
                body = json.loads(self.request.body)
                seat = app.seat_of_kernel(str(body.get("kernel", "")))
                if seat is None:
                    raise web.HTTPError(403)
                if not meters.allow(seat):
                    raise web.HTTPError(429)
                answer = validate_answer(body, checks)
            except (ValueError, AttributeError) as err:
                self.set_status(400)
                self.finish({"error": str(err)})
                return
            number = app.answers.record(seat, **answer)
            changed.notify_all()  # the dashboard's waiting request answers now
            self.finish({"student": number})

    class NicknameHandler(JupyterHandler):
        """A student's browser sets its own nickname (optional; plain text), with the form
        this handler shows (linked from the course index)."""

        def _form(self, note: str = "") -> None:
            from hinge_lib.class_pages import _page

            body = (f"{note}<p>The instructor's dashboard shows students by number; with a "
                    f"nickname (at most {NICKNAME_MAX} characters) the instructor may show it "
                    "too. Leave it empty to stay a number.</p>"
                    f'<form method="post">{self.xsrf_form_html()}'
                    f'<label>Nickname <input name="nickname" maxlength="{NICKNAME_MAX}">'
                    "</label> <button>Save</button></form>")
            self.set_header("Cache-Control", "no-store")
            self.finish(_page("Your nickname", body))

        @web.authenticated
        def get(self) -> None:
            if not self.get_cookie(app.seat_cookie):  # not yet on a page: its seat now
                self.set_cookie(app.seat_cookie, secrets.token_urlsafe(16), httponly=True,
                                samesite="Strict")
            self._form()

        @web.authenticated
        def post(self) -> None:
            seat = self.get_cookie(app.seat_cookie)
            if not seat:
                raise web.HTTPError(403)
            if not meters.allow(seat):
                raise web.HTTPError(429)
            try:
                number = app.answers.set_nickname(seat, self.get_body_argument("nickname", ""))
            except ValueError as err:
                self.set_status(400)
                self._form(f'<p class="error">{html.escape(str(err))}</p>')
                return
            changed.notify_all()
            self._form(f"<p>Saved: you are student {number}.</p>")

    changed = Condition()
    cached = {"version": -1, "json": ""}

    def tally_json() -> str:
        """The tally as JSON, worked out once per change of the store."""
        if cached["version"] != app.answers.version:
            tally = app.answers.tally(list(checks.values()))
            cached["version"], cached["json"] = tally["version"], json.dumps(tally)
        return cached["json"]

    class TallyHandler(InstructorOnly, web.RequestHandler):
        """The tally as JSON. With ``?after=N`` the answer waits (up to :data:`TALLY_WAIT_S`)
        until the store has moved past version N: the dashboard learns of a new answer as
        soon as it is stored, without asking again and again."""

        async def get(self) -> None:
            try:
                after = int(self.get_argument("after", "-1"))
            except ValueError:
                raise web.HTTPError(400) from None
            if after == app.answers.version:  # (another run's version: answer now)
                await changed.wait(timeout=datetime.timedelta(seconds=TALLY_WAIT_S))
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "application/json")
            self.finish(tally_json())

    class TallyCsvHandler(InstructorOnly, web.RequestHandler):
        def get(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/csv; charset=utf-8")
            self.set_header("Content-Disposition", 'attachment; filename="class-tally.csv"')
            self.finish(app.answers.csv_text(list(checks.values())))

    class DashboardHandler(InstructorOnly, web.RequestHandler):
        def get(self) -> None:
            from hinge_lib.class_dashboard import dashboard_html

            self.xsrf_token  # noqa: B018 (sets the _xsrf cookie the page's requests send back)
            self.set_header("Cache-Control", "no-store")
            self.finish(dashboard_html(base, sorted(students_may_open()), poses))

    def students_may_open() -> set[str]:
        return set(app.files) - set(app.instructor_files)

    class RoomHandler(JupyterHandler):
        """The room's pacing, for students' pages (banner, link, paused)."""

        @web.authenticated
        def get(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.finish(dict(room, link=base + room["link"] if room["link"] else ""))

    class PaceHandler(InstructorOnly, web.RequestHandler):
        """The instructor sets the room's pacing (JSON, with the page's XSRF token)."""

        def post(self) -> None:
            self.check_xsrf_cookie()
            try:
                room.update(pacing(json.loads(self.request.body or b"{}"),
                                   students_may_open(), poses))
            except (ValueError, AttributeError) as err:
                self.set_status(400)
                self.finish({"error": str(err)})
                return
            write_room(app.room_file, room)  # the kernels hold the pause and offer the pose
            self.finish(room)

    return [
        (base + ANSWER_PATH, AnswerHandler),
        (base + NICKNAME_PATH, NicknameHandler),
        (base + TALLY_PATH, TallyHandler),
        (base + TALLY_PATH + r"\.csv", TallyCsvHandler),
        (base + DASHBOARD_PATH + "/?", DashboardHandler),
        (base + ROOM_PATH, RoomHandler),
        (base + PACE_PATH, PaceHandler),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hinge_lib.class_room",
                                     description="The class app's answer store.")
    sub = parser.add_subparsers(dest="command", required=True)
    delete = sub.add_parser("delete", help="delete every stored answer (after class)")
    delete.add_argument("--state", default=None,
                        help=f"the app's state folder (default {default_state_dir()})")
    args = parser.parse_args(argv)
    removed = delete_answers(args.state)
    folder = args.state or default_state_dir()
    print(f"deleted {', '.join(map(str, removed))}" if removed
          else f"no answers stored in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
