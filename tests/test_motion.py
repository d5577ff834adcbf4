"""read_motion: OpenSim/OpenCap/Sports2D .mot and Kinovea-style CSV, mapping and bad input."""

from __future__ import annotations

import contextlib
import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hinge_lib.recordings import readers as motion
from hinge_lib.recordings.readers import POSE_COLUMNS, read_motion
from hinge_lib.recordings.synthetic import synthetic_motion
from hinge_lib.recordings.writers import to_mot

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SQUAT = SAMPLES / "squats1_videoAndMocap.mot"
WALK = SAMPLES / "walking1_videoAndMocap.mot"
HINGE = SAMPLES / "hinge_synthetic.mot"
KINOVEA = SAMPLES / "kinovea_hinge.csv"

MOT_HEAD = "Coordinates\nversion=1\nnRows={n}\nnColumns={c}\ninDegrees={deg}\nendheader\n"


def raw_mot(path: Path) -> pd.DataFrame:
    """The .mot table as written, read independently of hinge_lib."""
    lines = path.read_text().splitlines()
    start = next(i for i, s in enumerate(lines) if s.strip() == "endheader") + 1
    table = pd.read_csv(path, sep="\t", skiprows=start)
    table.columns = [c.strip() for c in table.columns]
    return table


def mot(rows: list[list[float]], cols: list[str], deg: str = "yes", n: int | None = None) -> bytes:
    head = MOT_HEAD.format(n=len(rows) if n is None else n, c=len(cols), deg=deg)
    body = "\t".join(cols) + "\n" + "".join("\t".join(f"{v}" for v in r) + "\n" for r in rows)
    return (head + body).encode()


def simple_rows(n: int = 50, hip: float = 40.0, rate: float = 100.0) -> list[list[float]]:
    return [[i / rate, hip * math.sin(i / 10) ** 2, 0.5 * hip * math.sin(i / 10) ** 2, 5.0]
            for i in range(n)]


# ------------------------------------------------------------------ real OpenCap files


def test_squat_file_maps_opensim_coordinates_to_model_columns() -> None:
    frames = read_motion(SQUAT)
    raw = raw_mot(SQUAT)
    assert list(frames.columns) == list(POSE_COLUMNS)
    assert frames.index.name == "time"
    assert len(frames) == 801
    assert frames.index[0] == pytest.approx(0.0) and frames.index[-1] == pytest.approx(8.0)
    hip = (raw["hip_flexion_r"] + raw["hip_flexion_l"]) / 2
    knee = (raw["knee_angle_r"] + raw["knee_angle_l"]) / 2
    pairs = {"hip": hip, "knee": knee, "ankle": -raw["pelvis_tilt"] + knee - hip}
    for col, expected in pairs.items():
        np.testing.assert_allclose(frames[col].to_numpy(), expected.to_numpy(), atol=1e-9)
    offset = frames["lumbar"] - (-raw["lumbar_extension"].to_numpy())
    assert offset.std() < 1e-9 and offset.iloc[0] == pytest.approx(-4.8, abs=0.05)
    assert (frames["thoracic"] == 0).all() and (frames["neck"] == 0).all()
    assert frames.attrs["missing"] == ["thoracic", "neck"]
    assert frames.attrs["source_format"] == "opensim_mot"
    repairs = frames.attrs["repairs"]
    assert len(repairs) == 2 and repairs[0].startswith("ankle: shin tilt derived from pelvis_tilt")
    assert repairs[1].startswith("lumbar: +4.8 degrees while standing")
    assert "whole trunk" in frames.attrs["caveats"][0]
    assert "knee_angle_r_beta" in frames.attrs["ignored"]
    assert "ankle_angle_r" in frames.attrs["ignored"]


def test_the_model_pelvis_matches_the_recorded_pelvis() -> None:
    """shank = ankle, thigh = shank - knee, pelvis = thigh + hip (the model's chain)."""
    frames = read_motion(SQUAT)
    raw = raw_mot(SQUAT)
    model_pelvis = frames["ankle"] - frames["knee"] + frames["hip"]
    np.testing.assert_allclose(model_pelvis.to_numpy(), -raw["pelvis_tilt"].to_numpy(),
                               atol=1e-9)


def test_squat_bottom_signs_match_the_model() -> None:
    """At the bottom of a squat: hips and knees flexed, shin tilted forward, back rounded."""
    bottom = read_motion(SQUAT).loc[0.9:1.1].mean()
    assert bottom["hip"] > 80 and bottom["knee"] > 60 and bottom["ankle"] > 15
    assert bottom["lumbar"] > 20  # OpenSim lumbar_extension is negative (flexion) there


def test_walking_file_reads() -> None:
    frames = read_motion(WALK)
    assert len(frames) == 158 and frames.attrs["missing"] == ["thoracic", "neck"]


def test_bytes_and_path_give_the_same_frames() -> None:
    a = read_motion(SQUAT)
    b = read_motion(SQUAT.read_bytes(), name="upload.mot")
    pd.testing.assert_frame_equal(a, b)
    assert b.attrs["name"] == "upload.mot"


# ------------------------------------------------------------------ synthetic samples


def _load_sample_script():
    spec = importlib.util.spec_from_file_location("make_synthetic", SAMPLES / "make_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_bundled_synthetic_samples_are_reproducible() -> None:
    script = _load_sample_script()
    assert HINGE.read_text(encoding="utf-8") == script.hinge_mot_text()
    assert KINOVEA.read_text(encoding="utf-8") == script.kinovea_csv_text()


def test_synthetic_mot_round_trip() -> None:
    original = synthetic_motion("hinge", reps=6, seed=0)
    frames = read_motion(HINGE)
    assert frames.attrs["missing"] == []
    np.testing.assert_allclose(frames.to_numpy(), original.to_numpy(), atol=1e-4)
    np.testing.assert_allclose(frames.index.to_numpy(), original.index.to_numpy(), atol=1e-4)


def test_synthetic_motion_is_deterministic_and_validates() -> None:
    pd.testing.assert_frame_equal(synthetic_motion("squat", seed=3), synthetic_motion("squat",
                                                                                      seed=3))
    with pytest.raises(ValueError, match="kind"):
        synthetic_motion("cartwheel")


def test_kinovea_sample_converts_included_angles() -> None:
    frames = read_motion(KINOVEA)
    assert frames.attrs["source_format"] == "kinovea_csv"
    assert frames.attrs["missing"] == ["lumbar", "thoracic", "neck"]
    repairs = " ".join(frames.attrs["repairs"])
    assert "Hip angle" in repairs and "Knee angle" in repairs and "180 - value" in repairs
    truth = synthetic_motion("hinge", reps=3, rate_hz=30.0, seed=1, noise_deg=0.8)
    np.testing.assert_allclose(frames["hip"].to_numpy(), truth["hip"].to_numpy(), atol=0.06)
    np.testing.assert_allclose(frames["knee"].to_numpy(), truth["knee"].to_numpy(), atol=0.06)
    np.testing.assert_allclose(frames.index.to_numpy(), truth.index.to_numpy(), atol=1e-3)


# ------------------------------------------------------------------ format variants


def test_in_degrees_no_converts_rotations_but_not_translations() -> None:
    rows = [[i / 100, math.radians(60 * math.sin(i / 20) ** 2), 1.1, math.radians(10)]
            for i in range(60)]
    frames = read_motion(mot(rows, ["time", "hip_flexion_r", "pelvis_ty", "knee_angle_r"],
                             deg="no"), name="rad.mot")
    assert frames["knee"].iloc[0] == pytest.approx(10.0)
    assert frames["hip"].max() == pytest.approx(60 * max(math.sin(i / 20) ** 2
                                                         for i in range(60)), rel=1e-9)
    assert any("radians" in r for r in frames.attrs["repairs"])


def test_radians_labelled_as_degrees_is_an_error() -> None:
    rows = [[i / 100, 1.4 * math.sin(i / 20) ** 2, 1.0 * math.sin(i / 20) ** 2, 0.1]
            for i in range(80)]
    with pytest.raises(ValueError, match=r"rad.mot.*radians"):
        read_motion(mot(rows, ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"]),
                    name="rad.mot")


def test_standing_still_in_degrees_is_not_mistaken_for_radians() -> None:
    rows = [[i / 100, 1.0 + 0.2 * math.sin(i), 2.0, 3.0] for i in range(80)]
    frames = read_motion(mot(rows, ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"]),
                         name="still.mot")
    assert frames["hip"].mean() == pytest.approx(1.0, abs=0.1)


def test_degrees_labelled_as_radians_is_an_error() -> None:
    with pytest.raises(ValueError, match="look like degrees"):
        read_motion(mot(simple_rows(), ["time", "hip_flexion_r", "knee_angle_r",
                                        "ankle_angle_r"], deg="no"), name="x.mot")


def test_sports2d_angle_names() -> None:
    cols = ["time", "right ankle", "left ankle", "right knee", "left knee", "right hip",
            "left hip", "trunk", "right thigh"]
    rows = [[i / 30, 10, 12, 30, 34, 60, 64, 70, 20] for i in range(40)]
    frames = read_motion(mot(rows, cols), name="video_angles_person00.mot")
    assert frames["ankle"].iloc[0] == 11 and frames["knee"].iloc[0] == 32
    assert frames["hip"].iloc[0] == 62 and frames["lumbar"].iloc[0] == 0
    assert set(frames.attrs["ignored"]) == {"trunk", "right thigh"}


def test_kinovea_variants_semicolon_decimal_comma_ms_and_sides() -> None:
    text = "# exported\nTime (ms);Left knee (°);Right knee (°);Hip flexion;Distance (cm)\n"
    text += "".join(f"{i * 20};{10 + i},5;{12 + i},5;{20 + 2 * i},0;3,0\n" for i in range(30))
    frames = read_motion(text.encode(), name="k.csv")
    assert frames.index[1] == pytest.approx(0.02)
    assert frames["knee"].iloc[0] == pytest.approx(11.5)
    assert frames["hip"].iloc[3] == pytest.approx(26.0)
    assert "decimal commas" in frames.attrs["repairs"][0]
    assert frames.attrs["ignored"] == ["Distance (cm)"]


def test_kinovea_timecodes() -> None:
    text = "Time,Knee angle,Hip\n" + "".join(
        f"0:{i // 10:02d}.{i % 10}0,{170 - i},{160 - i}\n" for i in range(40))
    frames = read_motion(text.encode(), name="tc.csv")
    assert frames.index[11] == pytest.approx(1.1)
    assert frames["knee"].iloc[0] == pytest.approx(10.0)  # 180 - 170: included angle


@pytest.mark.parametrize("name", ["Hip", "hip flexion", "Right hip angle (deg)", "HIP_L"])
def test_accepted_hip_names(name: str) -> None:
    assert motion._match_name(name) == "hip"


@pytest.mark.parametrize("name", ["hip_adduction_r", "knee_angle_r_beta", "trunk", "pelvis_tilt",
                                  "lumbar_bending"])
def test_other_names_are_not_angles_of_the_model(name: str) -> None:
    assert motion._match_name(name) is None


# ------------------------------------------------------------------ bad input


def expect_error(data: bytes, name: str, *parts: str) -> str:
    with pytest.raises(ValueError) as info:
        read_motion(data, name=name)
    message = str(info.value)
    assert message.startswith(name)
    for part in parts:
        assert part in message, message
    return message


def test_empty_file() -> None:
    expect_error(b"", "e.mot", "empty")
    expect_error(b"  \n\n", "e.csv", "empty")


def test_binary_file() -> None:
    expect_error(b"Coordinates\n\x00\x01\x02junk", "b.mot", "line 2", "binary")


def test_not_utf8() -> None:
    expect_error(b"time,hip\n0,1\n0.1,\xff\xfe\n", "l.csv", "line 3", "UTF-8")


def test_missing_endheader() -> None:
    expect_error(b"Coordinates\nversion=1\ninDegrees=yes\n", "t.mot", "endheader")


def test_nothing_after_endheader() -> None:
    expect_error(MOT_HEAD.format(n=3, c=3, deg="yes").encode(), "h.mot", "nothing after")


def test_truncated_row_names_the_line() -> None:
    data = mot(simple_rows(10), ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"])
    cut = data[: data.rfind(b"\t")]
    expect_error(cut, "cut.mot", "line 17", "3 cells where the header has 4")


def test_fewer_rows_than_nrows() -> None:
    data = mot(simple_rows(10), ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"], n=20)
    expect_error(data, "short.mot", "nRows=20", "cut short")


def test_duplicated_column() -> None:
    data = mot(simple_rows(10), ["time", "hip_flexion_r", "hip_flexion_r", "ankle_angle_r"])
    expect_error(data, "dup.mot", "line 7", "appears twice", "columns 2 and 3")


def test_two_columns_for_one_angle() -> None:
    text = "time,Hip,Hip angle\n0,1,2\n0.1,2,3\n"
    expect_error(text.encode(), "two.csv", "more than one column", "hip")


def test_missing_time_column() -> None:
    expect_error(b"Hip,Knee\n1,2\n3,4\n", "nt.csv", "line 1", "no time column")
    data = mot(simple_rows(5), ["frame", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"])
    expect_error(data, "nt.mot", "no 'time' column")


def test_non_numeric_cell_names_line_and_column() -> None:
    data = mot(simple_rows(10), ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"])
    data = data.replace(b"\t5.0\n", b"\tabc\n", 4)
    message = expect_error(data, "bad.mot", "line 8", "column 4 ('ankle_angle_r')",
                           "'abc' is not a number")
    assert "Traceback" not in message


def test_infinite_cell() -> None:
    expect_error(b"time,hip\n0,1\n0.1,inf\n", "inf.csv", "line 3", "column 2", "finite")


def test_time_not_increasing() -> None:
    rows = simple_rows(10)
    rows[6][0] = rows[5][0]
    data = mot(rows, ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"])
    expect_error(data, "time.mot", "line 14", "must increase")


def test_short_nan_gap_is_interpolated_and_reported() -> None:
    rows = simple_rows(60)
    for r in rows[20:25]:
        r[1] = float("nan")
    data = mot(rows, ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"])
    frames = read_motion(data, name="gap.mot")
    assert not frames.isna().any().any()
    expected = np.interp(0.22, [0.19, 0.25], [rows[19][1], rows[25][1]])
    assert frames["hip"].iloc[22] == pytest.approx(expected)
    assert any("'hip_flexion_r' (hip)" in r and "5 missing" in r for r in frames.attrs["repairs"])


def test_empty_cells_at_the_edge_are_filled() -> None:
    text = "time,hip\n0,\n0.01,5\n0.02,6\n" + "".join(f"{0.03 + i / 100},{7 + i}\n"
                                                     for i in range(10))
    frames = read_motion(text.encode(), name="edge.csv")
    assert frames["hip"].iloc[0] == 5


def test_long_nan_gap_is_left_out_and_its_seconds_reported() -> None:
    rows = simple_rows(120)
    for r in rows[40:70]:
        r[2] = float("nan")
    data = mot(rows, ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r"])
    frames = read_motion(data, name="longgap.mot")
    assert len(frames) == 90 and np.isfinite(frames.to_numpy()).all()
    assert not ((frames.index > 0.395) & (frames.index < 0.695)).any()
    (span,) = frames.attrs["excluded"]
    assert (span.start_s, span.end_s) == (pytest.approx(0.39), pytest.approx(0.70))
    assert "no knee angle" in span.reason
    assert any("not analysed" in r and "0.39-0.70 s" in r for r in frames.attrs["repairs"])


def test_size_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(motion, "MAX_FILE_BYTES", 1000)
    expect_error(b"x" * 1001, "big.csv", "over the")
    path = tmp_path / "big.mot"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(ValueError, match="big.mot: 1001 bytes is over"):
        read_motion(path)


def test_default_size_limit_is_50_mb() -> None:
    assert motion.MAX_FILE_BYTES == 50 * 1024 * 1024


def test_unsupported_type_and_no_angles() -> None:
    expect_error(b"PK\x03\x04 zip", "x.xlsx", "unsupported file type")
    expect_error(b"time,speed\n0,1\n0.1,2\n", "s.csv", "no joint-angle column")
    expect_error(b"just some words\n", "w.csv", "expected a table")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such file"):
        read_motion(tmp_path / "nope.mot")


def test_single_row_is_an_error() -> None:
    expect_error(b"time,hip\n0,1\n", "one.csv", "at least two")


def test_angle_beyond_360_is_an_error() -> None:
    expect_error(b"time,knee\n0,170\n0.1,400\n", "k.csv", "line 3", "not a joint angle")


def test_to_mot_reads_back() -> None:
    frames = synthetic_motion("squat", reps=2, seed=5)
    again = read_motion(to_mot(frames).encode(), name="s.mot")
    np.testing.assert_allclose(again.to_numpy(), frames.to_numpy(), atol=1e-4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".mot", ".csv", ".txt"]))
def test_random_bytes_never_crash_with_anything_but_value_error(data: bytes, suffix: str) -> None:
    with contextlib.suppress(ValueError):
        read_motion(data, name="fuzz" + suffix)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="time,hipkne0123456789.-;\t\n:nNaA ", max_size=300))
def test_random_tables_never_crash_with_anything_but_value_error(text: str) -> None:
    try:
        frames = read_motion(text.encode(), name="fuzz.csv")
    except ValueError:
        return
    assert list(frames.columns) == list(POSE_COLUMNS)
    assert np.isfinite(frames.to_numpy()).all()


# ------------------------------------------------------------------ what each source measures


def test_opensim_trunk_places_the_body_but_the_lower_back_is_not_judged() -> None:
    from hinge_lib.recordings.reps import analyze_motion

    frames = read_motion(SQUAT)
    assert frames.attrs["unjudged"] == ["lumbar"]
    report = analyze_motion(frames)
    assert report.unjudged == ("lumbar",)
    assert not any("rounded_lower_back" in f for f in report.reps["faults"])
    assert "rounding of the lower back is not judged" in report.message
    assert report.reps["peak_lumbar"].min() > 20  # still measured: the whole trunk's bend


def test_the_report_says_which_ankle_the_balance_uses() -> None:
    caveats = " ".join(read_motion(SQUAT).attrs["caveats"])
    assert "Balance uses the shin's tilt worked out from pelvis tilt, hip and knee" in caveats
    assert "ankle angle differs from it by up to" in caveats
    no_pelvis = read_motion(mot(simple_rows(), ["time", "hip_flexion_r", "knee_angle_r",
                                                "ankle_angle_r"]), name="a.mot")
    assert any(c.startswith("Balance uses OpenSim's ankle angle")
               for c in no_pelvis.attrs["caveats"])


def test_a_kinovea_lower_back_column_gets_a_standing_baseline() -> None:
    truth = synthetic_motion("hinge", reps=2, rate_hz=30.0, seed=2, noise_deg=0.0)
    lines = ["Time (s),Hip,Knee,Lower back"]
    lines += [f"{t:.4f},{r.hip:.3f},{r.knee:.3f},{r.lumbar + 7.0:.3f}"
              for t, r in truth.iterrows()]
    frames = read_motion("\n".join(lines).encode(), name="k.csv")
    np.testing.assert_allclose(frames["lumbar"], truth["lumbar"], atol=0.1)
    assert any(r.startswith("lumbar: +7.0 degrees while standing")
               for r in frames.attrs["repairs"])


def test_a_shallow_gait2392_knee_without_ankles_is_read_as_flexion() -> None:
    from hinge_lib.recordings.reps import analyze_motion

    rows = [[i / 100, 60 * math.sin(i / 40) ** 2, -12 * math.sin(i / 40) ** 2, 0.9]
            for i in range(500)]
    frames = read_motion(mot(rows, ["time", "hip_flexion_r", "knee_angle_r", "pelvis_ty"]),
                         name="g.mot")
    assert frames["knee"].max() == pytest.approx(12.0, abs=0.1)
    assert any("gait2392" in r and "as the hip flexes" in r for r in frames.attrs["repairs"])
    faults = analyze_motion(frames).reps["faults"]
    assert not any("locked_knees" in f for f in faults)


def test_a_knee_that_barely_hyperextends_is_not_flipped() -> None:
    rows = [[i / 100, 60 * math.sin(i / 40) ** 2, -4 * math.sin(i / 40) ** 2] for i in range(300)]
    frames = read_motion(mot(rows, ["time", "hip_flexion_r", "knee_angle_r"]), name="h.mot")
    assert frames["knee"].min() == pytest.approx(-4.0, abs=0.1)


def test_the_pelvis_position_is_kept_for_the_feet_check() -> None:
    frames = read_motion(SQUAT)
    pelvis = frames.attrs["pelvis_m"]
    assert list(pelvis.columns) == ["tx", "ty", "tz"] and len(pelvis) == len(frames)
    assert "pelvis_ty" not in frames.attrs["ignored"]
