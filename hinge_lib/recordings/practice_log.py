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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from hinge_lib.model.body import Body

SCHEMA_VERSION = 1
APP_FOLDER = "hinge-coach"
DB_NAME = "practice.sqlite3"
REP_FIELDS: tuple[str, ...] = (
    "rep", "start_s", "bottom_s", "end_s", "peak_hip", "peak_knee", "peak_ankle",
    "peak_lumbar", "hinge_score", "pattern", "faults", "first_mover", "balanced_at_bottom",
)
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
    created_at TEXT NOT NULL
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
    """A practice log in a SQLite file (see the module documentation for the schema)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        if self.path.is_dir():
            raise ValueError(f"{self.path}: is a folder; give the path of a database file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            self._migrate(conn)

    def __repr__(self) -> str:
        return f"PracticeLog({str(self.path)!r})"

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=10.0)
        except sqlite3.Error as err:
            raise ValueError(f"{self.path}: cannot open the practice log ({err})") from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            yield conn
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.IntegrityError):
                raise
            raise ValueError(f"{self.path}: not a readable practice log ({err})") from None
        finally:
            conn.close()

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
        with conn:
            conn.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; "
                               "COMMIT;")

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
            cur = conn.execute(
                "INSERT INTO sessions (recorded_on, exercise, height_m, mass_kg, sex, load_kg, "
                "notes, rep_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", session)
            session_id = int(cur.lastrowid)
            conn.executemany(
                f"INSERT INTO reps (session_id, {', '.join(REP_FIELDS)}) "
                f"VALUES (?, {', '.join('?' for _ in REP_FIELDS)})",
                _rep_rows(session_id, reps))
        return session_id

    def delete_session(self, session_id: int) -> None:
        """Remove a session and its reps (``KeyError`` if there is no such session)."""
        with self._connect() as conn, conn:
            cur = conn.execute("DELETE FROM sessions WHERE id = ?", (int(session_id),))
            if cur.rowcount == 0:
                raise KeyError(f"no session with id {session_id} in {self.path}")

    # ------------------------------------------------------------------ reading

    def sessions(self) -> pd.DataFrame:
        """All sessions, oldest first, indexed by ``id``."""
        with self._connect() as conn:
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
        with self._connect() as conn:
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

    def export_csv(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write ``sessions.csv`` and ``reps.csv`` into ``folder``; returns their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        sessions = self.sessions().reset_index()
        sessions["recorded_on"] = sessions["recorded_on"].dt.strftime("%Y-%m-%d")
        reps = self.reps()
        reps["recorded_on"] = reps["recorded_on"].dt.strftime("%Y-%m-%d")
        reps["faults"] = reps["faults"].map(" ".join)
        paths = [folder / "sessions.csv", folder / "reps.csv"]
        sessions.to_csv(paths[0], index=False)
        reps.to_csv(paths[1], index=False)
        return paths


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
