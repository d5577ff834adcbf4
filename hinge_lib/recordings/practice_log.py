"""A local practice log: analysed sessions and their reps in one SQLite file.

`PracticeLog(path=None)` opens (or creates) the database. The default file is
`default_db_path()`: ``$HINGE_COACH_DB`` if set, otherwise ``hinge-coach/practice.sqlite3`` in
the user's data folder (``$XDG_DATA_HOME`` or ``~/.local/share`` on Linux,
``~/Library/Application Support`` on macOS, ``%LOCALAPPDATA%`` or ``%APPDATA%`` on Windows).

Schema (version `SCHEMA_VERSION`, kept in ``PRAGMA user_version``):

- ``sessions(id, recorded_on, exercise, height_m, mass_kg, sex, load_kg, notes, rep_count,
  created_at)``; ``recorded_on`` is an ISO date given by the caller, ``created_at`` an ISO
  timestamp (UTC, or given by the caller).
- ``reps(session_id, rep, start_s, bottom_s, end_s, peak_hip, peak_knee, peak_ankle,
  peak_lumbar, hinge_score, pattern, faults, first_mover, balanced_at_bottom)``; ``faults`` is a
  space-separated list of fault codes; deleting a session deletes its reps.

Each save is one transaction: the session row and all its reps are committed together or not at
all, so a crash or a killed process never leaves half a session, and never touches sessions
saved before. Opening a file written with a newer schema raises ``ValueError``.

In the class app (``python3 tasks.py app --class``) every student's page runs on the
instructor's computer under one user account, so a default log there would be one file shared
by the whole room. The class app marks its kernels with ``$HINGE_CLASS_APP`` and
``PracticeLog()`` without a path then refuses with `CLASS_APP_NOTE`; the saving widgets say the
same instead of offering a save button. A log is kept per student where each one has their
own account: their own computer, or a JupyterHub (a file in their home folder).

Damage is never answered with part of the log: opening runs SQLite's ``PRAGMA
integrity_check``, and every session row keeps a ``checksum`` (SHA-256 of the session and all
its reps, schema version 2) that every read verifies. A damaged file (flipped bytes, a cut
copy) raises ``ValueError`` saying what is damaged instead of returning fewer reps. A file
that is not a regular file, is empty or shorter than an SQLite header (a log cut to nothing)
is refused the same way rather than opened as a new, empty log.

Every read runs in one transaction, so a reader never sees another program's save half done
(reps without their session) and never calls that damage. Trouble that is not damage gets its
own words and an ``OSError``: a full disk (``errno.ENOSPC``: nothing was saved, the log is as it
was), a log kept busy by another program for longer than `BUSY_TIMEOUT_S` (``TimeoutError``),
a read-only file or folder (``PermissionError``) and disk I/O errors (``errno.EIO``).

`PracticeLog.export_csv` refuses to overwrite files unless asked to, and writes text cells
that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) with a leading apostrophe, so they stay text. Both files are written to
temporary files beside them first and moved into place only once both are complete, so a full
disk leaves the folder as it was (and nothing half-written that blocks the next export).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from hinge_lib.model.body import Body
from hinge_lib.recordings.reps import REP_COLUMNS

SCHEMA_VERSION = 2
#: How long a read or save waits for another program's save to finish, in seconds.
BUSY_TIMEOUT_S = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"
APP_FOLDER = "hinge-coach"
DB_NAME = "practice.sqlite3"
REP_FIELDS: tuple[str, ...] = REP_COLUMNS
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SESSION_FIELDS: tuple[str, ...] = (
    "id", "recorded_on", "exercise", "height_m", "mass_kg", "sex", "load_kg", "notes",
    "rep_count", "created_at",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    recorded_on TEXT NOT NULL,
    exercise TEXT NOT NULL,
    height_m REAL NOT NULL,
    mass_kg REAL NOT NULL,
    sex TEXT NOT NULL,
    load_kg REAL NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    rep_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    checksum TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS reps (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    rep INTEGER NOT NULL,
    start_s REAL, bottom_s REAL, end_s REAL,
    peak_hip REAL, peak_knee REAL, peak_ankle REAL, peak_lumbar REAL,
    hinge_score REAL,
    pattern TEXT,
    faults TEXT NOT NULL DEFAULT '',
    first_mover TEXT,
    balanced_at_bottom INTEGER,
    PRIMARY KEY (session_id, rep)
);
CREATE INDEX IF NOT EXISTS sessions_by_date ON sessions(recorded_on);
"""


#: Set (to "1") in the kernels of the class app; see the module documentation.
CLASS_APP_VARIABLE = "HINGE_CLASS_APP"
CLASS_APP_NOTE = (
    "The class app keeps no practice log: it runs on the instructor's computer for the whole "
    "room, so nothing is saved for you here. To keep your sessions, open the course in "
    "JupyterLab on your own computer or on your institution's hub; the log is then a file in "
    "your own home folder (hinge-coach/practice.sqlite3 in your data folder)."
)


def in_class_app() -> bool:
    """True in a kernel of the class app (``$HINGE_CLASS_APP`` set by hinge_lib.serving)."""
    return os.environ.get(CLASS_APP_VARIABLE, "") not in ("", "0")


#: Set (to "1") by the class app in the kernels of pages opened on the instructor's laptop
#: itself (see hinge_lib.class_roles); such pages may read files on that laptop.
CLASS_INSTRUCTOR_VARIABLE = "HINGE_CLASS_INSTRUCTOR"


def at_instructor_laptop() -> bool:
    """True in a class-app kernel of a page the instructor opened on the laptop itself."""
    return in_class_app() and os.environ.get(CLASS_INSTRUCTOR_VARIABLE, "") not in ("", "0")


def default_db_path() -> Path:
    """Where the log lives unless a path is given (see the module documentation)."""
    env = os.environ.get("HINGE_COACH_DB")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        root = Path(base) if base else home / "AppData" / "Local"
    elif sys.platform == "darwin":
        root = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        root = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return root / APP_FOLDER / DB_NAME


def _as_date(value: dt.date | str) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError(f"recorded_on={value!r}: expected a date such as datetime.date(2025, 3, 1) "
                     "or '2025-03-01'")


class PracticeLog:
    """A practice log in a SQLite file (see the module documentation for the schema).

    Parameters
    ----------
    path : str or os.PathLike, optional
        The database file; by default a file in the user's data folder
        (:func:`default_db_path`), refused in the class app (`CLASS_APP_NOTE`). Opening checks
        the file's integrity and refuses a damaged one with a ``ValueError`` rather than
        returning part of it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from hinge_lib.recordings.synthetic import synthetic_motion
    >>> from hinge_lib.recordings.reps import analyze_motion
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> log = PracticeLog(folder / "log.sqlite")
    >>> report = analyze_motion(synthetic_motion("hinge", reps=2))
    >>> session = log.save_session(report, exercise="hip hinge", recorded_on="2026-03-02")
    >>> len(log.sessions()), len(log.reps(session))
    (1, 2)
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is None and in_class_app():
            raise ValueError(CLASS_APP_NOTE)
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        if self.path.is_dir():
            raise ValueError(f"{self.path}: is a folder; give the path of a database file")
        self._refuse_what_is_not_a_log_file()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            self._check_integrity(conn)
            self._migrate(conn)

    def _refuse_what_is_not_a_log_file(self) -> None:
        """``ValueError`` for a device, a pipe, an empty file or one without an SQLite header.

        SQLite would open an empty (or 1-byte) file as a new log, so a log cut to nothing
        would quietly start again from zero.
        """
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return
        except OSError as err:
            raise ValueError(f"{self.path}: cannot open the practice log ({err.strerror})"
                             ) from None
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{self.path}: is not a regular file (a device, a pipe or a "
                             "socket); give the path of a practice log file")
        if info.st_size < len(SQLITE_HEADER):
            raise ValueError(f"{self.path}: the practice log is damaged: the file holds only "
                             f"{info.st_size} byte(s), so it was cut short or is not a log; "
                             "nothing was read. Restore a backup, or move the file away to "
                             "start a new log.")
        with open(self.path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
        if head != SQLITE_HEADER:
            raise ValueError(f"{self.path}: not a readable practice log (it does not start "
                             "like an SQLite database); nothing was read.")

    def _check_integrity(self, conn: sqlite3.Connection) -> None:
        """``PRAGMA integrity_check``; ``ValueError`` naming what is damaged."""
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)").fetchall()]
        if problems != ["ok"]:
            raise ValueError(f"{self.path}: the practice log is damaged ({'; '.join(problems)}); "
                             "nothing was read from it. Restore a backup, or move the file away "
                             "to start a new log.")

    def _verify(self, conn: sqlite3.Connection, session_ids: list[int] | None = None) -> None:
        """Check every (or the given) session against its checksum and rep count."""
        query = f"SELECT {', '.join(SESSION_FIELDS)}, checksum FROM sessions"
        args: tuple = ()
        if session_ids is not None:
            query += f" WHERE id IN ({', '.join('?' for _ in session_ids)})"
            args = tuple(session_ids)
        sessions = conn.execute(query, args).fetchall()
        reps: dict[int, list[tuple]] = {}
        rep_query = f"SELECT session_id, {', '.join(REP_FIELDS)} FROM reps"
        if session_ids is not None:
            rep_query += f" WHERE session_id IN ({', '.join('?' for _ in session_ids)})"
        for row in conn.execute(rep_query + " ORDER BY session_id, rep", args):
            reps.setdefault(row[0], []).append(tuple(row[1:]))
        known = {row[0] for row in sessions}
        orphans = sorted(set(reps) - known)
        if orphans:
            raise ValueError(f"{self.path}: the practice log is damaged: reps stored for "
                             f"session(s) {orphans} that do not exist; nothing was read.")
        for row in sessions:
            session, stored = tuple(row[:-1]), row[-1]
            rows = reps.get(session[0], [])
            if _has_bytes(row) or any(_has_bytes(r) for r in rows):
                raise ValueError(
                    f"{self.path}: the practice log is damaged: session {session[0]} holds "
                    "raw bytes where text or numbers were saved; nothing was read. Restore a "
                    "backup, or delete that session.")
            if len(rows) != session[SESSION_FIELDS.index("rep_count")] or stored != _checksum(
                    session, rows):
                raise ValueError(
                    f"{self.path}: the practice log is damaged: session {session[0]} "
                    f"(recorded on {session[1]!r}) does not match its checksum "
                    f"({len(rows)} rep(s) stored, {session[-2]!r} expected); nothing was read. "
                    "Restore a backup, or delete that session.")

    def __repr__(self) -> str:
        return f"PracticeLog({str(self.path)!r})"

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as err:
            raise _not_damage(self.path, err) or ValueError(
                f"{self.path}: cannot open the practice log ({err})") from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            yield conn
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.IntegrityError):
                raise
            raise _not_damage(self.path, err) or ValueError(
                f"{self.path}: not a readable practice log ({err})") from None
        except UnicodeDecodeError:  # SQLite's own message quoted damaged text
            raise ValueError(f"{self.path}: not a readable practice log (its table "
                             "definitions are damaged); nothing was read.") from None
        finally:
            conn.close()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one read transaction: every query sees the same saved state."""
        with self._connect() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.rollback()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ValueError(
                f"{self.path}: this practice log has schema version {version}, newer than the "
                f"version {SCHEMA_VERSION} this hinge_lib understands; update hinge_lib or "
                "use another file"
            )
        if version == SCHEMA_VERSION:
            return
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 and tables - {"sessions", "reps"}:
            raise ValueError(f"{self.path}: an SQLite file that is not a practice log "
                             f"(tables {sorted(tables)})")
        if version == 1:
            conn.execute("BEGIN")
            conn.execute("ALTER TABLE sessions ADD COLUMN checksum TEXT NOT NULL DEFAULT ''")
            ids = [r[0] for r in conn.execute("SELECT id FROM sessions")]
            for session_id in ids:
                conn.execute("UPDATE sessions SET checksum = ? WHERE id = ?",
                             (self._checksum_of(conn, session_id), session_id))
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.commit()
            return
        with conn:
            conn.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; "
                               "COMMIT;")

    @staticmethod
    def _checksum_of(conn: sqlite3.Connection, session_id: int) -> str:
        session = conn.execute(f"SELECT {', '.join(SESSION_FIELDS)} FROM sessions WHERE id = ?",
                               (session_id,)).fetchone()
        rows = conn.execute(f"SELECT {', '.join(REP_FIELDS)} FROM reps WHERE session_id = ? "
                            "ORDER BY rep", (session_id,)).fetchall()
        return _checksum(tuple(session), [tuple(r) for r in rows])

    # ------------------------------------------------------------------ writing

    def save_session(
        self,
        report: Any,
        exercise: str,
        recorded_on: dt.date | str,
        body: Body | None = None,
        load_kg: float | None = None,
        notes: str = "",
        created_at: dt.datetime | None = None,
    ) -> int:
        """Store a `MotionReport` (or anything with a ``reps`` DataFrame); returns the new id.

        ``recorded_on`` (the day of the lift) is required; ``body`` and ``load_kg`` default to
        the report's. Everything is written in one transaction.
        """
        reps = report.reps if hasattr(report, "reps") else report
        if not isinstance(reps, pd.DataFrame):
            raise ValueError("report must be a MotionReport or a DataFrame of reps")
        lacking = [c for c in REP_FIELDS if c not in reps.columns]
        if lacking:
            raise ValueError(f"the rep table lacks column(s) {lacking}")
        if not isinstance(exercise, str) or not exercise.strip() or len(exercise) > 100:
            raise ValueError(f"exercise={exercise!r}: give a short name such as 'hip hinge'")
        if not isinstance(notes, str) or len(notes) > 5000:
            raise ValueError("notes must be text of at most 5000 characters")
        body = body if body is not None else getattr(report, "body", None) or Body()
        load = float(load_kg if load_kg is not None else getattr(report, "load_kg", 0.0))
        if not 0.0 <= load <= 1000.0:
            raise ValueError(f"load_kg={load}: expected 0 to 1000 kg")
        stamp = (created_at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        session = (_as_date(recorded_on), exercise.strip(), float(body.height_m),
                   float(body.mass_kg), str(body.sex), load, notes, len(reps), stamp)
        with self._connect() as conn, conn:
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute(
                "INSERT INTO sessions (recorded_on, exercise, height_m, mass_kg, sex, load_kg, "
                "notes, rep_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", session)
            session_id = int(cur.lastrowid)
            rows = list(_rep_rows(session_id, reps))
            conn.executemany(
                f"INSERT INTO reps (session_id, {', '.join(REP_FIELDS)}) "
                f"VALUES (?, {', '.join('?' for _ in REP_FIELDS)})", rows)
            conn.execute("UPDATE sessions SET checksum = ? WHERE id = ?",
                         (self._checksum_of(conn, session_id), session_id))
        return session_id

    def delete_session(self, session_id: int) -> None:
        """Remove a session and its reps (``KeyError`` if there is no such session)."""
        with self._connect() as conn, conn:
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute("DELETE FROM sessions WHERE id = ?", (int(session_id),))
            if cur.rowcount == 0:
                raise KeyError(f"no session with id {session_id} in {self.path}")

    # ------------------------------------------------------------------ reading

    def sessions(self) -> pd.DataFrame:
        """All sessions, oldest first, indexed by ``id``."""
        with self._reading() as conn:
            self._verify(conn)
            rows = conn.execute(
                f"SELECT {', '.join(SESSION_FIELDS)} FROM sessions ORDER BY recorded_on, id"
            ).fetchall()
        out = pd.DataFrame(rows, columns=list(SESSION_FIELDS))
        out["recorded_on"] = pd.to_datetime(out["recorded_on"])
        return out.set_index("id")

    def reps(self, session_id: int | None = None) -> pd.DataFrame:
        """Reps of one session, or of all sessions (with ``session_id`` and ``recorded_on``).

        ``faults`` comes back as a tuple of codes, ``balanced_at_bottom`` as bool.
        """
        query = (f"SELECT r.session_id, s.recorded_on, s.exercise, "
                 f"{', '.join('r.' + f for f in REP_FIELDS)} FROM reps r "
                 "JOIN sessions s ON s.id = r.session_id")
        args: tuple = ()
        if session_id is not None:
            query += " WHERE r.session_id = ?"
            args = (int(session_id),)
        query += " ORDER BY s.recorded_on, r.session_id, r.rep"
        with self._reading() as conn:
            self._verify(conn, None if session_id is None else [int(session_id)])
            rows = conn.execute(query, args).fetchall()
        out = pd.DataFrame(rows, columns=["session_id", "recorded_on", "exercise", *REP_FIELDS])
        out["recorded_on"] = pd.to_datetime(out["recorded_on"])
        out["faults"] = pd.Series([tuple(f.split()) for f in out["faults"]], dtype=object,
                                  index=out.index)
        out["balanced_at_bottom"] = out["balanced_at_bottom"].astype(bool)
        return out

    def progress(self, freq: str = "W", exercise: str | None = None) -> pd.DataFrame:
        """Per period with at least one session: ``sessions``, ``reps``, ``mean_hinge_score``
        and ``faults_per_rep`` (fault codes per rep), indexed by the period's first day.

        ``freq`` is a pandas period alias: ``"W"`` weeks (Monday to Sunday), ``"M"`` months,
        ``"D"`` days. Only the sessions of ``exercise`` if given.
        """
        sessions = self.sessions()
        reps = self.reps()
        if exercise is not None:
            sessions = sessions[sessions["exercise"] == exercise]
            reps = reps[reps["exercise"] == exercise]
        cols = ["sessions", "reps", "mean_hinge_score", "faults_per_rep"]
        if sessions.empty:
            out = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
            out.index = pd.DatetimeIndex([], name="period")
            return out
        periods_s = sessions["recorded_on"].dt.to_period(freq)
        periods_r = reps["recorded_on"].dt.to_period(freq)
        n_faults = reps["faults"].map(len)
        out = pd.DataFrame({
            "sessions": sessions.groupby(periods_s).size(),
            "reps": reps.groupby(periods_r).size(),
            "mean_hinge_score": reps["hinge_score"].groupby(periods_r).mean(),
            "faults_per_rep": n_faults.groupby(periods_r).sum()
            / reps.groupby(periods_r).size(),
        })
        out["reps"] = out["reps"].fillna(0).astype(int)
        out["sessions"] = out["sessions"].fillna(0).astype(int)
        out.index = out.index.to_timestamp(how="start")
        out.index.name = "period"
        return out[cols].sort_index()

    def export_csv(self, folder: str | os.PathLike[str], overwrite: bool = False) -> list[Path]:
        """Write ``sessions.csv`` and ``reps.csv`` into ``folder``; returns their paths.

        Existing files are not replaced unless ``overwrite=True`` (``FileExistsError``, a
        message naming them, otherwise). Text cells that a spreadsheet would run as a formula
        get a leading apostrophe (see the module documentation).
        """
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"{folder}: is a file; give a folder to export into")
        paths = [folder / "sessions.csv", folder / "reps.csv"]
        existing = [str(p) for p in paths if p.exists()]
        if existing and not overwrite:
            raise FileExistsError(f"{', '.join(existing)} already exist(s); nothing was written. "
                                  "Choose another folder or pass overwrite=True.")
        sessions = self.sessions().reset_index()
        sessions["recorded_on"] = sessions["recorded_on"].dt.strftime("%Y-%m-%d")
        reps = self.reps()
        reps["recorded_on"] = reps["recorded_on"].dt.strftime("%Y-%m-%d")
        reps["faults"] = reps["faults"].map(" ".join)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write_all_or_nothing({paths[0]: _text_safe(sessions), paths[1]: _text_safe(reps)})
        except OSError as err:
            raise type(err)(err.errno, f"{folder}: could not export the practice log "
                            f"({err.strerror or err}); nothing was written and files already "
                            "there are unchanged") from None
        return paths


def _text_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting like a formula get a leading apostrophe (CSV injection).

    Examples
    --------
    >>> _text_safe(pd.DataFrame({"notes": ["=1+1", "fine", "-2 kg"]}))["notes"].tolist()
    ["'=1+1", 'fine', "'-2 kg"]
    """
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def _write_all_or_nothing(tables: dict[Path, pd.DataFrame]) -> None:
    """Write each table as CSV to a temporary file beside its target, then move all into place.

    If any write fails (a full disk), every temporary file is removed and no target is touched.
    """
    written: dict[Path, Path] = {}
    try:
        for target, table in tables.items():
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                            dir=target.parent)
            written[target] = Path(name)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                table.to_csv(out, index=False, lineterminator="\r\n")
                out.flush()
                os.fsync(out.fileno())
        for target, temporary in written.items():
            os.replace(temporary, target)
    finally:
        for temporary in written.values():
            temporary.unlink(missing_ok=True)


def _has_bytes(row: tuple) -> bool:
    """True if a stored row holds raw bytes (SQLite BLOB): the log never saves any."""
    return any(isinstance(value, bytes) for value in row)


#: SQLite result codes that are trouble with the disk or another program, not damage.
_NOT_DAMAGE = {
    "SQLITE_FULL": (OSError, errno.ENOSPC, "the disk is full; nothing was saved and the log is "
                    "as it was. Free some space and try again"),
    "SQLITE_BUSY": (TimeoutError, errno.EBUSY, "another program kept the log busy for more than "
                    f"{BUSY_TIMEOUT_S:g} s; nothing was changed. Try again"),
    "SQLITE_LOCKED": (TimeoutError, errno.EBUSY, "the log is locked by another program; "
                      "nothing was changed. Try again"),
    "SQLITE_READONLY": (PermissionError, errno.EACCES, "the log (or its folder) cannot be "
                        "written; nothing was saved"),
    "SQLITE_CANTOPEN": (OSError, errno.EIO, "cannot open the file (check the folder exists "
                        "and may be written)"),
    "SQLITE_IOERR": (OSError, errno.EIO, "the disk reported an input/output error; nothing "
                     "was changed. Try again, and check the disk"),
}
_NOT_DAMAGE_WORDS = {"database or disk is full": "SQLITE_FULL",
                     "database is locked": "SQLITE_BUSY",
                     "database table is locked": "SQLITE_LOCKED",
                     "readonly database": "SQLITE_READONLY",
                     "unable to open database": "SQLITE_CANTOPEN",
                     "disk i/o error": "SQLITE_IOERR"}


def _not_damage(path: Path, err: sqlite3.Error) -> OSError | None:
    """The ``OSError`` for an SQLite error that says nothing about the file's contents, or None.

    Examples
    --------
    >>> error = sqlite3.OperationalError("database or disk is full")
    >>> full = _not_damage(Path("log.sqlite3"), error)
    >>> full.errno == errno.ENOSPC, str(full)[:40]
    (True, '[Errno 28] log.sqlite3: the disk is full')
    >>> _not_damage(Path("log.sqlite3"), sqlite3.DatabaseError("file is not a database")) is None
    True
    """
    name = str(getattr(err, "sqlite_errorname", "") or "")
    if not name:
        name = next((code for words, code in _NOT_DAMAGE_WORDS.items()
                     if words in str(err).lower()), "")
    for code, (kind, number, words) in _NOT_DAMAGE.items():
        if name == code or name.startswith(code + "_"):
            return kind(number, f"{path}: {words}")
    return None


def _checksum(session: tuple, reps: list[tuple]) -> str:
    """SHA-256 of a session row and its rep rows, as stored."""
    text = json.dumps([list(session), [list(r) for r in reps]], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rep_rows(session_id: int, reps: pd.DataFrame) -> Iterator[tuple]:
    """Database rows for the reps of one session."""
    for rec in reps.loc[:, list(REP_FIELDS)].itertuples(index=False):
        row = rec._asdict()
        faults = row["faults"]
        if isinstance(faults, str):
            faults = faults.split()
        yield (
            session_id, int(row["rep"]),
            *(None if pd.isna(row[k]) else float(row[k])
              for k in ("start_s", "bottom_s", "end_s", "peak_hip", "peak_knee", "peak_ankle",
                        "peak_lumbar", "hinge_score")),
            None if row["pattern"] is None else str(row["pattern"]),
            " ".join(str(code) for code in faults),
            None if row["first_mover"] is None else str(row["first_mover"]),
            int(bool(row["balanced_at_bottom"])),
        )
