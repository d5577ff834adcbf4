"""Recorded lifts you can trust: files shaped like real exports, and every way a recording can
mislead a coach (sign conventions, gaps, time units, unknown columns) either repaired and said,
or refused with a message that names what is wrong."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hinge_lib.recordings import readers
from hinge_lib.recordings.readers import MotionFileError, read_motion
from hinge_lib.recordings.reps import analyze_motion, find_reps
from hinge_lib.recordings.synthetic import synthetic_motion

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _sample_script():
    spec = importlib.util.spec_from_file_location("make_synthetic", SAMPLES / "make_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def mot(columns: dict[str, np.ndarray]) -> bytes:
    n = len(next(iter(columns.values())))
    head = f"Coordinates\nversion=1\nnRows={n}\nnColumns={len(columns)}\ninDegrees=yes\nendheader\n"
    rows = np.column_stack(list(columns.values()))
    body = "\n".join("\t".join(f"{v:.6f}" for v in row) for row in rows)
    return (head + "\t".join(columns) + "\n" + body + "\n").encode()


# ------------------------------------------------------------------ the export-shaped samples


@pytest.mark.parametrize("name", sorted(_sample_script().EXPORTS))
def test_bundled_export_samples_are_reproducible(name: str) -> None:
    assert (SAMPLES / name).read_bytes() == _sample_script().EXPORTS[name]()


def test_gait2392_squat_is_read_as_a_squat_not_a_hinge_with_locked_knees() -> None:
    frames = read_motion(SAMPLES / "opensim_gait2392_squat.mot")
    truth = synthetic_motion("squat", reps=3, rate_hz=100.0, seed=7, noise_deg=0.3)
    np.testing.assert_allclose(frames["knee"], truth["knee"], atol=1e-6)
    np.testing.assert_allclose(frames["ankle"], truth["ankle"], atol=1e-6)  # from the chain
    np.testing.assert_allclose(frames["lumbar"], truth["lumbar"], atol=0.1)  # baseline removed
    assert frames.attrs["repairs"][0].startswith("knee: 'knee_angle_r', 'knee_angle_l' bend to")
    assert "gait2392" in frames.attrs["repairs"][0]
    report = analyze_motion(frames)
    assert len(report.reps) == 3 and (report.reps["pattern"] == "squat").all()
    assert not any("locked_knees" in f for f in report.reps["faults"])
    assert report.reps["balanced_at_bottom"].all()
    assert "whole trunk's bend" in report.message


def test_gait2392_knee_going_both_ways_is_refused_naming_the_knee() -> None:
    t = np.arange(200) / 100
    bend = 60 * np.sin(t * 3) ** 2
    data = mot({"time": t, "hip_flexion_r": bend, "knee_angle_r": np.where(t < 1, -bend, bend)})
    with pytest.raises(MotionFileError, match=r"knee \('knee_angle_r'\) goes from -\d+ to \d+"):
        read_motion(data, name="both.mot")


def test_small_knee_bend_sign_is_decided_by_the_chain() -> None:
    t = np.arange(300) / 100
    hip = 70 * np.sin(t * 2) ** 2
    knee = 12 * np.sin(t * 2) ** 2  # a stiff-legged hinge: never past 15 degrees
    ankle = 2 + 3 * np.sin(t * 2) ** 2
    pelvis_tilt = -(ankle - knee + hip)
    data = mot({"time": t, "pelvis_tilt": pelvis_tilt, "hip_flexion_r": hip,
                "knee_angle_r": -knee, "ankle_angle_r": ankle})
    frames = read_motion(data, name="stiff.mot")
    np.testing.assert_allclose(frames["knee"], knee, atol=1e-5)
    assert any("matches the ankle angle" in r for r in frames.attrs["repairs"])
    positive = mot({"time": t, "pelvis_tilt": pelvis_tilt, "hip_flexion_r": hip,
                    "knee_angle_r": knee, "ankle_angle_r": ankle})
    np.testing.assert_allclose(read_motion(positive, name="p.mot")["knee"], knee, atol=1e-5)


def test_sports2d_angles_are_read_with_sports2d_conventions() -> None:
    frames = read_motion(SAMPLES / "sports2d_hinge_angles.mot")
    truth = synthetic_motion("hinge", reps=3, rate_hz=30.0, seed=5, noise_deg=0.5)
    assert frames.attrs["source_format"] == "sports2d_mot"
    np.testing.assert_allclose(frames["knee"], truth["knee"], atol=1e-5)
    np.testing.assert_allclose(frames["ankle"], truth["ankle"], atol=1e-5)  # not the shank
    np.testing.assert_allclose(frames["hip"], truth["hip"] + truth["lumbar"] + truth["thoracic"],
                               atol=1e-5)
    assert frames.attrs["missing"] == ["lumbar", "thoracic", "neck"]
    assert "right shank" in frames.attrs["ignored"] and "trunk" in frames.attrs["ignored"]
    report = analyze_motion(frames)
    assert len(report.reps) == 3
    assert "includes the spine's bend" in report.message
    assert any("from the horizontal" in n for n in report.notes)


def test_kinovea_semicolon_export_with_quotes_and_trailing_separators() -> None:
    frames = read_motion(SAMPLES / "kinovea_knees_first_semicolon.csv")
    truth = synthetic_motion("knees_first", reps=3, rate_hz=30.0, seed=2, noise_deg=0.6)
    np.testing.assert_allclose(frames["hip"], truth["hip"], atol=0.051)
    np.testing.assert_allclose(frames["knee"], truth["knee"], atol=0.051)
    np.testing.assert_allclose(frames.index, truth.index, atol=1e-3)
    assert frames.attrs["repairs"][0] == "decimal commas read as decimal points (first at line 3)"
    report = analyze_motion(frames)
    assert len(report.reps) == 3 and (report.reps["first_mover"] == "knees").all()


def test_excel_csv_with_the_first_decimal_comma_after_row_60() -> None:
    frames = read_motion(SAMPLES / "excel_decimal_comma.csv")
    assert frames.attrs["repairs"] == ["decimal commas read as decimal points (first at line 65)"]
    assert frames.index[64] == pytest.approx(2.56)
    assert frames["knee"].max() > 90  # "Knee flexion" read as flexion
    report = analyze_motion(frames)
    assert len(report.reps) == 3 and (report.reps["pattern"] == "squat").all()


def test_excel_unicode_text_is_utf16() -> None:
    frames = read_motion(SAMPLES / "excel_unicode_text.txt")
    truth = synthetic_motion("hinge", reps=3, rate_hz=25.0, seed=4, noise_deg=0.5)
    np.testing.assert_allclose(frames["hip"], truth["hip"], atol=0.006)
    np.testing.assert_allclose(frames["ankle"], truth["ankle"], atol=0.006)
    assert frames.attrs["repairs"] == ['read as UTF-16 text (Excel\'s "Unicode text")']
    assert frames.attrs["ignored"] == ["Note"]
    report = analyze_motion(frames)
    assert len(report.reps) == 3 and (report.reps["first_mover"] == "hips").all()
    assert "Columns not used: Note." in report.message


def test_a_two_second_gap_is_left_out_and_said_not_turned_into_zeros() -> None:
    frames = read_motion(SAMPLES / "kinovea_hinge_gap.csv")
    whole = read_motion(SAMPLES / "kinovea_hinge.csv")
    assert not ((frames.index > 6.57) & (frames.index < 8.6)).any()
    assert (frames["hip"] > -5).all() and np.isfinite(frames.to_numpy()).all()
    assert any("3 missing value(s) in 1 short gap(s)" in r for r in frames.attrs["repairs"])
    report = analyze_motion(frames)
    assert len(analyze_motion(whole).reps) == 3 and len(report.reps) == 2
    assert "Not analysed (2.03 s): 6.57-8.60 s" in report.message
    assert "not counted" in report.message
    assert [(e.start_s, e.end_s) for e in report.excluded] == [(pytest.approx(6.567),
                                                               pytest.approx(8.6))]


# ------------------------------------------------------------------ frames built in code


def test_nan_frames_from_a_pose_estimator_are_never_read_as_zero() -> None:
    frames = synthetic_motion("hinge", reps=4, seed=2)
    frames.iloc[100:105, :] = np.nan  # 0.05 s: filled
    bottom = int(np.argmax(frames["hip"].to_numpy()[400:800])) + 400
    frames.iloc[bottom - 100:bottom + 100, frames.columns.get_loc("hip")] = np.nan  # 2 s
    reps = find_reps(frames)
    assert len(reps) == 3
    (span,) = reps.attrs["excluded"]
    assert span.end_s - span.start_s == pytest.approx(2.01)
    report = analyze_motion(frames)
    assert len(report.reps) == 3 and "Not analysed (2.01 s)" in report.message
    assert any("5 missing value(s)" in n for n in report.notes)
    assert len(report.frames) == len(frames) - 200


def test_a_knee_that_starts_early_but_travels_little_is_the_first_mover() -> None:
    t = np.arange(0, 6, 0.01)

    def ease(start: float, stop: float, peak: float) -> np.ndarray:
        x = np.clip((t - start) / (stop - start), 0, 1)
        down = peak * (1 - np.cos(np.pi * x)) / 2
        y = np.clip((t - 3.5) / 1.0, 0, 1)
        return down * (1 - (1 - np.cos(np.pi * y)) / 2)

    frames = pd.DataFrame({"knee": ease(1.0, 2.4, 22.0), "hip": ease(1.45, 2.6, 85.0)},
                          index=pd.Index(t, name="time"))
    reps = find_reps(frames)
    assert reps["first_mover"].tolist() == ["knees"]
    # a fixed 10-degree onset would have called it "together": the knee reaches 10 degrees
    # only 0.02 s before the hips do
    knee_10 = t[np.argmax(frames["knee"].to_numpy() >= 10)]
    hip_10 = t[np.argmax(frames["hip"].to_numpy() >= 10)]
    assert abs(knee_10 - hip_10) <= 0.1


@pytest.mark.parametrize("index, note", [
    (pd.to_timedelta(np.arange(600) * 10, unit="ms"), "durations"),
    (pd.Timestamp("2025-03-01 10:00") + pd.to_timedelta(np.arange(600) * 10, unit="ms"),
     "clock times"),
])
def test_time_indexes_that_are_durations_or_clock_times_are_converted(index, note) -> None:
    frames = synthetic_motion("hinge", reps=2, seed=1).iloc[:600]
    frames.index = index
    report = analyze_motion(frames)
    assert report.frames.index[1] == pytest.approx(0.01)
    assert any(note in n for n in report.notes)


@pytest.mark.parametrize("index, words", [
    (pd.Index([f"frame {i}" for i in range(50)]), "must be time in seconds"),
    (pd.Index(np.arange(50) * 33.0), r"0.0303 frames per second.*looks like milliseconds"),
    (pd.Index(np.arange(50) * 1e-5), "1e[+]05 frames per second"),
])
def test_frames_with_a_time_index_no_camera_has_are_refused(index, words) -> None:
    frames = pd.DataFrame({"hip": np.linspace(0, 80, 50), "knee": 10.0}, index=index)
    with pytest.raises(ValueError, match=words):
        find_reps(frames)


def test_a_missing_hip_column_is_named_with_the_columns_seen() -> None:
    text = "Time (s),Knee,Angle 1,Angle 2\n" + "".join(
        f"{i / 25:.2f},{30 * np.sin(i / 20) ** 2:.2f},{i % 9},{i % 4}\n" for i in range(200))
    report = analyze_motion(read_motion(text.encode(), name="k.csv"))
    assert report.reps.empty
    assert report.message.startswith("No repetitions found: no hip angle found in the recording "
                                     "(columns seen: Time (s), Knee, Angle 1, Angle 2)")
    assert "Columns not used: Angle 1, Angle 2." in report.message


# ------------------------------------------------------------------ the CSV parser


def table(header: str, rows: list[str], name: str = "t.csv") -> pd.DataFrame:
    return read_motion((header + "\n" + "\n".join(rows) + "\n").encode(), name=name)


def rows_of(n: int, fmt: str, sep: str = ",") -> list[str]:
    return [fmt.format(t=i / 25, hip=60 * np.sin(i / 15) ** 2, knee=20 * np.sin(i / 15) ** 2,
                       sep=sep) for i in range(n)]


def test_quoted_names_and_decimal_commas_inside_quotes() -> None:
    def comma(x: float) -> str:
        return f"{x:.2f}".replace(".", ",")

    rows = [f'{i / 25:.2f},"{comma(20 + i / 10)}","{comma(10 + i / 20)}"' for i in range(80)]
    frames = table('time,"Hip, right","Knee, right"', rows)
    assert frames["hip"].iloc[10] == pytest.approx(21.0)
    assert frames["knee"].iloc[79] == pytest.approx(13.95)
    assert "decimal commas" in frames.attrs["repairs"][0]


def test_decimal_commas_first_seen_after_row_50_in_a_semicolon_file() -> None:
    rows = [f"{i};{i % 7};{i % 5}" for i in range(60)] + [
        f"{60 + i};{20 + i / 10:.1f};{5 + i / 10:.1f}".replace(".", ",") for i in range(40)]
    frames = table("time (ms);Hip flexion;Knee flexion",
                   [f"{int(r.split(';')[0]) * 40};" + r.split(";", 1)[1] for r in rows])
    assert frames["hip"].iloc[99] == pytest.approx(23.9)
    assert frames.attrs["repairs"][0] == "decimal commas read as decimal points (first at line 62)"


def test_a_column_mixing_decimal_points_and_commas_is_refused() -> None:
    rows = [f"{i / 25:.2f};{i}.5;{i}" for i in range(30)] + [f"{(30 + i) / 25:.2f};{i},5;{i}"
                                                            for i in range(30)]
    with pytest.raises(MotionFileError, match=r"mixes decimal points \(line 2\) and decimal "
                                              r"commas \(line 32\)"):
        table("time;Hip;Knee", rows)


def test_trailing_separators_on_every_line_are_ignored() -> None:
    frames = table("time,hip,knee,", rows_of(60, "{t:.2f},{hip:.2f},{knee:.2f},"))
    assert list(frames.attrs["columns_seen"]) == ["time", "hip", "knee"]
    assert frames["hip"].iloc[20] == pytest.approx(60 * np.sin(20 / 15) ** 2, abs=0.006)


def test_a_row_with_an_extra_value_names_its_line() -> None:
    rows = rows_of(30, "{t:.2f},{hip:.2f},{knee:.2f}")
    rows[7] += ",99"
    with pytest.raises(MotionFileError, match=r"t.csv, line 9: 4 cells where the header has 3"):
        table("time,hip,knee", rows)


def test_an_explicit_knee_flexion_column_is_flexion_even_above_90() -> None:
    rows = [f"{i / 25:.2f},{100 + 10 * np.sin(i / 9):.2f},{95 + 20 * np.sin(i / 9):.2f}"
            for i in range(100)]
    flexion = table("time,Hip flexion (deg),Knee flexion (deg)", rows)
    assert flexion["knee"].median() > 90 and not flexion.attrs["repairs"]
    included = table("time,Hip (deg),Knee (deg)", rows)
    assert included["knee"].median() < 90
    assert any("included angle" in r for r in included.attrs["repairs"])


# ------------------------------------------------------------------ the time axis in files


def hinge_rows(time_cells: list[str]) -> list[str]:
    return [f"{c},{60 * np.sin(i / 15) ** 2:.2f},{20 * np.sin(i / 15) ** 2:.2f}"
            for i, c in enumerate(time_cells)]


def test_seconds_column_holding_milliseconds_is_an_error() -> None:
    with pytest.raises(MotionFileError, match=r"column 1 \('Time \(s\)'\): the column is in "
                                              r"seconds but its rows are 40 apart.*milliseconds"):
        table("Time (s),Hip,Knee", hinge_rows([str(40 * i) for i in range(100)]))


def test_milliseconds_column_holding_seconds_is_an_error() -> None:
    with pytest.raises(MotionFileError, match=r"look like seconds"):
        table("Time (ms),Hip,Knee", hinge_rows([f"{i / 25:.2f}" for i in range(100)]))


def test_unlabelled_time_in_milliseconds_is_read_as_milliseconds_and_said() -> None:
    frames = table("time,Hip,Knee", hinge_rows([str(40 * i) for i in range(100)]))
    assert frames.index[1] == pytest.approx(0.04)
    assert "read as milliseconds" in frames.attrs["repairs"][0]


def test_frame_numbers_in_the_time_column_are_refused() -> None:
    with pytest.raises(MotionFileError, match="frame numbers"):
        table("time,Hip,Knee", hinge_rows([str(i) for i in range(100)]))


def test_clock_times_are_read_as_seconds_from_the_first_frame() -> None:
    cells = [str(pd.Timestamp("2025-03-01 10:00:00") + pd.Timedelta(milliseconds=40 * i))
             for i in range(100)]
    frames = table("Timestamp,Hip,Knee", hinge_rows(cells))
    assert frames.index[25] == pytest.approx(1.0)
    assert "clock times" in frames.attrs["repairs"][0]


def test_text_in_the_time_column_names_the_cell() -> None:
    cells = [f"{i / 25:.2f}" for i in range(100)]
    cells[5] = "start"
    with pytest.raises(MotionFileError, match=r"line 7, column 1 \('time'\): 'start' is not a"):
        table("time,Hip,Knee", hinge_rows(cells))


# ------------------------------------------------------------------ what the reader is given


@pytest.mark.parametrize("source, words", [
    (None, "got None"), (3, "got int 3"), (2.5, "got float 2.5"), (True, "got bool True"),
    (["a.csv"], "got list"),
])
def test_reader_given_something_that_is_not_a_file_says_what_it_got(source, words) -> None:
    with pytest.raises(MotionFileError, match=f"needs a file path or the file's bytes; {words}"):
        read_motion(source)


def test_reader_given_a_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(MotionFileError, match="is a folder"):
        read_motion(tmp_path)


def test_more_rows_than_the_frame_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_FRAMES", 50)
    with pytest.raises(MotionFileError, match="100 rows is over the limit of 50 frames"):
        table("time,Hip,Knee", hinge_rows([f"{i / 25:.2f}" for i in range(100)]))
