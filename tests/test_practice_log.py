"""PracticeLog: storage, progress, export, transactions, schema version, kill safety."""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from hinge_lib.model.body import Body
from hinge_lib.recordings import practice_log
from hinge_lib.recordings.practice_log import SCHEMA_VERSION, PracticeLog, default_db_path
from hinge_lib.recordings.reps import MotionReport, analyze_motion
from hinge_lib.recordings.synthetic import synthetic_motion

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hinge_report() -> MotionReport:
    return analyze_motion(synthetic_motion("hinge", reps=4, seed=1))


@pytest.fixture(scope="module")
def knees_report() -> MotionReport:
    return analyze_motion(synthetic_motion("knees_first", reps=3, seed=2))


@pytest.fixture()
def log(tmp_path: Path) -> PracticeLog:
    return PracticeLog(tmp_path / "log" / "practice.sqlite3")


def test_save_and_read_back(log: PracticeLog, hinge_report: MotionReport) -> None:
    body = Body(height_m=1.68, mass_kg=62.0, sex="female")
    sid = log.save_session(hinge_report, "hip hinge", dt.date(2025, 3, 4), body=body,
                           load_kg=16.0, notes="kettlebell",
                           created_at=dt.datetime(2025, 3, 4, 18, 0, tzinfo=dt.timezone.utc))
    sessions = log.sessions()
    assert sessions.index.tolist() == [sid]
    row = sessions.loc[sid]
    assert row["recorded_on"] == pd.Timestamp("2025-03-04")
    assert (row["exercise"], row["sex"], row["notes"]) == ("hip hinge", "female", "kettlebell")
    assert (row["height_m"], row["mass_kg"], row["load_kg"], row["rep_count"]) == (1.68, 62.0,
                                                                                   16.0, 4)
    assert row["created_at"] == "2025-03-04T18:00:00+00:00"
    reps = log.reps(sid)
    assert len(reps) == 4
    expected = hinge_report.reps
    pd.testing.assert_series_equal(reps["hinge_score"], expected["hinge_score"],
                                   check_names=False)
    assert reps["faults"].tolist() == expected["faults"].tolist()
    assert reps["first_mover"].tolist() == expected["first_mover"].tolist()
    assert reps["balanced_at_bottom"].dtype == bool


def test_defaults_come_from_the_report(log: PracticeLog) -> None:
    report = analyze_motion(synthetic_motion("hinge", reps=2, seed=4), load_kg=24.0,
                            body=Body(height_m=1.9, mass_kg=90.0))
    sid = log.save_session(report, "RDL", "2025-01-02")
    row = log.sessions().loc[sid]
    assert (row["load_kg"], row["height_m"]) == (24.0, 1.9)


def test_session_without_reps(log: PracticeLog) -> None:
    report = analyze_motion(synthetic_motion("still", reps=2, seed=1))
    sid = log.save_session(report, "stand", dt.date(2025, 1, 1))
    assert log.sessions().loc[sid, "rep_count"] == 0 and log.reps(sid).empty


def test_progress_per_week(log: PracticeLog, hinge_report: MotionReport,
                           knees_report: MotionReport) -> None:
    log.save_session(knees_report, "hip hinge", dt.date(2025, 3, 3))   # Monday, week 1
    log.save_session(hinge_report, "hip hinge", dt.date(2025, 3, 6))   # Thursday, week 1
    log.save_session(hinge_report, "hip hinge", dt.date(2025, 3, 18))  # week 3
    log.save_session(hinge_report, "squat", dt.date(2025, 3, 18))
    progress = log.progress(exercise="hip hinge")
    assert list(progress.columns) == ["sessions", "reps", "mean_hinge_score", "faults_per_rep"]
    assert progress.index.tolist() == [pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-17")]
    assert progress["sessions"].tolist() == [2, 1]
    assert progress["reps"].tolist() == [7, 4]
    week1 = pd.concat([knees_report.reps, hinge_report.reps])
    assert progress["mean_hinge_score"].iloc[0] == pytest.approx(week1["hinge_score"].mean())
    n_faults = sum(len(f) for f in week1["faults"])
    assert progress["faults_per_rep"].iloc[0] == pytest.approx(n_faults / 7)
    assert log.progress()["sessions"].sum() == 4
    assert log.progress(freq="M")["sessions"].tolist() == [4]


def test_progress_of_an_empty_log(log: PracticeLog) -> None:
    assert log.progress().empty


def test_export_csv(log: PracticeLog, hinge_report: MotionReport, tmp_path: Path) -> None:
    log.save_session(hinge_report, "hip hinge", dt.date(2025, 2, 1))
    paths = log.export_csv(tmp_path / "export")
    assert [p.name for p in paths] == ["sessions.csv", "reps.csv"]
    sessions = pd.read_csv(paths[0])
    reps = pd.read_csv(paths[1])
    assert sessions["recorded_on"].tolist() == ["2025-02-01"]
    assert len(reps) == 4 and "faults" in reps.columns


def test_delete_session(log: PracticeLog, hinge_report: MotionReport) -> None:
    a = log.save_session(hinge_report, "hip hinge", dt.date(2025, 2, 1))
    b = log.save_session(hinge_report, "hip hinge", dt.date(2025, 2, 2))
    log.delete_session(a)
    assert log.sessions().index.tolist() == [b]
    assert set(log.reps()["session_id"]) == {b}
    with pytest.raises(KeyError):
        log.delete_session(a)


def test_bad_arguments(log: PracticeLog, hinge_report: MotionReport) -> None:
    with pytest.raises(ValueError, match="recorded_on"):
        log.save_session(hinge_report, "hip hinge", "last tuesday")
    with pytest.raises(ValueError, match="exercise"):
        log.save_session(hinge_report, "  ", dt.date(2025, 1, 1))
    with pytest.raises(ValueError, match="load_kg"):
        log.save_session(hinge_report, "hinge", dt.date(2025, 1, 1), load_kg=-5)
    with pytest.raises(ValueError, match="lacks"):
        log.save_session(pd.DataFrame({"rep": [1]}), "hinge", dt.date(2025, 1, 1))
    assert log.sessions().empty


def test_failure_during_save_leaves_no_half_session(
    log: PracticeLog, hinge_report: MotionReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = log.save_session(hinge_report, "hip hinge", dt.date(2025, 1, 1))
    real_rows = practice_log._rep_rows

    def failing_rows(session_id: int, reps: pd.DataFrame):
        rows = real_rows(session_id, reps)
        yield next(rows)
        yield next(rows)
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(practice_log, "_rep_rows", failing_rows)
    with pytest.raises(RuntimeError, match="disk unplugged"):
        log.save_session(hinge_report, "hip hinge", dt.date(2025, 1, 2))
    assert log.sessions().index.tolist() == [kept]
    assert len(log.reps()) == 4
    with sqlite3.connect(log.path) as conn:
        assert conn.execute("SELECT count(*) FROM reps WHERE session_id != ?",
                            (kept,)).fetchone()[0] == 0


def test_bad_rep_value_rolls_back(log: PracticeLog, hinge_report: MotionReport) -> None:
    reps = hinge_report.reps.copy()
    reps["rep"] = [1, 2, 2, 3]  # duplicate key fails on the third insert
    with pytest.raises(sqlite3.IntegrityError):
        log.save_session(reps, "hip hinge", dt.date(2025, 1, 2))
    assert log.sessions().empty and log.reps().empty


def test_schema_version_is_recorded(log: PracticeLog) -> None:
    with sqlite3.connect(log.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    PracticeLog(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(ValueError, match="newer"):
        PracticeLog(path)


def test_other_files_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValueError, match="junk.sqlite3"):
        PracticeLog(junk)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(ValueError, match="not a practice log"):
        PracticeLog(other)
    with pytest.raises(ValueError, match="folder"):
        PracticeLog(tmp_path)


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HINGE_COACH_DB", str(tmp_path / "mine.sqlite3"))
    assert default_db_path() == tmp_path / "mine.sqlite3"
    monkeypatch.delenv("HINGE_COACH_DB")
    monkeypatch.setattr(practice_log.sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "hinge-coach" / "practice.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_db_path() == tmp_path / ".local" / "share" / "hinge-coach" / "practice.sqlite3"
    monkeypatch.setattr(practice_log.sys, "platform", "darwin")
    assert default_db_path().parent.parent.name == "Application Support"
    monkeypatch.setenv("HINGE_COACH_DB", str(tmp_path / "env.sqlite3"))
    log = PracticeLog()
    assert log.path == tmp_path / "env.sqlite3" and log.path.exists()


KILL_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, sys, time
    import pandas as pd
    from hinge_lib.recordings import practice_log
    from hinge_lib.recordings.practice_log import PracticeLog

    log = PracticeLog(sys.argv[1])
    row = dict(rep=1, start_s=0.0, bottom_s=1.0, end_s=2.0, peak_hip=80.0, peak_knee=20.0,
               peak_ankle=4.0, peak_lumbar=3.0, hinge_score=0.9, pattern="hinge",
               faults=(), first_mover="hips", balanced_at_bottom=True)
    def table(n):
        reps = pd.DataFrame([row] * n)
        reps["rep"] = range(1, n + 1)
        return reps
    for day in range(1, 4):
        log.save_session(table(5), "hip hinge", dt.date(2025, 1, day))
    real_rows = practice_log._rep_rows
    def slow_rows(session_id, reps):
        for i, r in enumerate(real_rows(session_id, reps)):
            if i == 20000:
                print("saving", flush=True)
                time.sleep(60)
            yield r
    practice_log._rep_rows = slow_rows
    log.save_session(table(40000), "hip hinge", dt.date(2025, 1, 9))
    print("finished", flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killed_during_save_keeps_earlier_sessions_and_no_half_session(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db)], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "saving"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    log = PracticeLog(db)
    sessions = log.sessions()
    assert len(sessions) == 3
    counts = log.reps().groupby("session_id").size()
    assert counts.to_dict() == dict.fromkeys(sessions.index, 5)
    assert (sessions["rep_count"] == 5).all()


# ------------------------------------------------------------------ damage, export safety


def _filled_log(path: Path, report: MotionReport) -> PracticeLog:
    log = PracticeLog(path)
    for day in range(1, 6):
        log.save_session(report, "hip hinge", dt.date(2025, 3, day), notes=f"day {day}",
                         created_at=dt.datetime(2025, 3, day, tzinfo=dt.timezone.utc))
    return log


@pytest.mark.slow
def test_a_flipped_byte_is_reported_or_harmless_never_a_partial_answer(
        tmp_path: Path, hinge_report: MotionReport) -> None:
    clean = tmp_path / "clean.sqlite3"
    original = _filled_log(clean, hinge_report)
    whole_sessions, whole_reps = original.sessions(), original.reps()
    data = clean.read_bytes()
    refused = harmless = 0
    for offset in range(100, len(data), 37):  # every 37th byte past the file header
        damaged = tmp_path / f"flip{offset}.sqlite3"
        damaged.write_bytes(data[:offset] + bytes([data[offset] ^ 0x55]) + data[offset + 1:])
        try:
            log = PracticeLog(damaged)
            sessions, reps = log.sessions(), log.reps()
        except ValueError as err:
            assert str(damaged) in str(err)
            refused += 1
            continue
        pd.testing.assert_frame_equal(sessions, whole_sessions)
        pd.testing.assert_frame_equal(reps, whole_reps)
        harmless += 1
        damaged.unlink()
    assert refused > 10 and refused + harmless == len(range(100, len(data), 37))


def test_damage_message_names_the_session(tmp_path: Path, hinge_report: MotionReport) -> None:
    path = tmp_path / "log.sqlite3"
    _filled_log(path, hinge_report)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM reps WHERE session_id = 3 AND rep = 2")
    conn.close()
    log = PracticeLog(path)
    with pytest.raises(ValueError, match=r"damaged: session 3 .*3 rep\(s\) stored, 4 expected"):
        log.reps()
    with pytest.raises(ValueError, match="session 3"):
        log.sessions()
    assert len(log.reps(1)) == 4  # an undamaged session on its own still reads


def test_a_version_1_log_is_upgraded_with_checksums(tmp_path: Path,
                                                    hinge_report: MotionReport) -> None:
    path = tmp_path / "v1.sqlite3"
    log = _filled_log(path, hinge_report)
    before = log.reps()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE sessions DROP COLUMN checksum")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    upgraded = PracticeLog(path)
    pd.testing.assert_frame_equal(upgraded.reps(), before)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert all(len(c) == 64 for (c,) in conn.execute("SELECT checksum FROM sessions"))
    conn.close()


def test_export_does_not_overwrite_without_being_asked(
        log: PracticeLog, hinge_report: MotionReport, tmp_path: Path) -> None:
    log.save_session(hinge_report, "hip hinge", "2025-03-03")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "reps.csv").write_text("my own notes\n")
    with pytest.raises(FileExistsError, match=r"reps.csv already exist"):
        log.export_csv(folder)
    assert (folder / "reps.csv").read_text() == "my own notes\n"
    assert not (folder / "sessions.csv").exists()
    paths = log.export_csv(folder, overwrite=True)
    assert len(pd.read_csv(paths[1])) == 4


@pytest.mark.parametrize("note", ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3*4", "@SUM(A1)",
                                  "\tTAB", "\rCR"])
def test_export_neutralises_cells_a_spreadsheet_would_run(
        log: PracticeLog, hinge_report: MotionReport, tmp_path: Path, note: str) -> None:
    log.save_session(hinge_report, note, "2025-03-03", notes=note)
    sessions_csv, reps_csv = log.export_csv(tmp_path / "out")
    with open(sessions_csv, newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row["notes"] == "'" + note
    stored = note.strip()
    expected = "'" + stored if stored.startswith(("=", "+", "-", "@")) else stored
    assert row["exercise"] == expected
    with open(reps_csv, newline="", encoding="utf-8") as f:
        assert {r["exercise"] for r in csv.DictReader(f)} == {expected}
    assert log.sessions().loc[1, "notes"] == note  # the log itself keeps the words
    assert (pd.read_csv(reps_csv)["peak_hip"] > 0).all()  # numbers stay numbers


def test_the_class_app_keeps_no_shared_default_log(tmp_path, monkeypatch, hinge_report):
    # the class app runs every student's page under one account: a default log would be
    # one file for the whole room, so it is refused and says where a log is kept instead
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("HINGE_COACH_DB", raising=False)
    monkeypatch.setenv(practice_log.CLASS_APP_VARIABLE, "1")
    with pytest.raises(ValueError, match="class app keeps no practice log") as refused:
        PracticeLog()
    assert "your own home folder" in str(refused.value)
    assert not any(tmp_path.rglob("*.sqlite3"))
    # a log the notebook names itself (its own temporary file) still works
    own = PracticeLog(tmp_path / "lesson.sqlite3")
    own.save_session(hinge_report, "hip hinge", recorded_on="2026-03-02")
    assert len(own.sessions()) == 1
    monkeypatch.setenv(practice_log.CLASS_APP_VARIABLE, "0")
    assert not practice_log.in_class_app()
