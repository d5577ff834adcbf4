"""Bad input raises ValueError naming the field, the value and the allowed range."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hinge_lib import Body, Pose, analyze, analyze_many, joint_limits, reference_pose


@pytest.mark.parametrize("field", ["ankle", "knee", "hip", "lumbar", "thoracic", "neck"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 1000.0, -1000.0])
def test_pose_angle_out_of_range_or_not_finite(field: str, bad: float) -> None:
    low, high = joint_limits()[field]
    with pytest.raises(ValueError) as error:
        Pose(**{field: bad})
    text = str(error.value)
    assert field in text
    assert f"{low:g} to {high:g}" in text
    assert str(bad) in text or f"{bad:g}" in text


@pytest.mark.parametrize("bad", ["45", None, [45], True, object(), np.True_, 1 + 0j,
                                 np.complex128(30 + 1j)])
def test_pose_angle_of_the_wrong_type(bad: object) -> None:
    with pytest.raises(ValueError, match=r"hip must be a number .*allowed range"):
        Pose(hip=bad)  # type: ignore[arg-type]


def test_squat_depth_ankle_angles_are_allowed() -> None:
    for ankle in (35, 40, 45):
        assert Pose(ankle=ankle, knee=120, hip=110).ankle == ankle


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"height_m": 0.3}, "height_m"),
        ({"height_m": math.nan}, "height_m"),
        ({"height_m": "tall"}, "height_m"),
        ({"mass_kg": -5}, "mass_kg"),
        ({"mass_kg": math.inf}, "mass_kg"),
        ({"sex": "robot"}, "sex"),
        ({"sex": None}, "sex"),
    ],
)
def test_body_bad_values(kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Body(**kwargs)


@pytest.mark.parametrize("load", [-1.0, math.nan, 1e6, "20", None])
def test_bad_load(load: object) -> None:
    with pytest.raises(ValueError, match=r"load_kg.*(range|number)"):
        analyze(reference_pose("romanian_deadlift"), load_kg=load)  # type: ignore[arg-type]


def test_bad_hold_and_wrong_objects() -> None:
    expected = "hold must be one of 'hands', 'close', 'chest', 'back'; got 'head'"
    with pytest.raises(ValueError, match=expected):
        analyze(Pose(), hold="head")
    with pytest.raises(ValueError, match="pose must be a hinge_lib.Pose"):
        analyze({"hip": 40})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="body must be a hinge_lib.Body"):
        analyze(Pose(), body="tall")  # type: ignore[arg-type]


def test_analyze_many_names_the_offending_rows() -> None:
    frame = pd.DataFrame({"hip": [10.0, 500.0, 20.0, np.nan]}, index=["a", "b", "c", "d"])
    with pytest.raises(ValueError) as error:
        analyze_many(frame)
    text = str(error.value)
    assert "hip" in text and "'b' (500)" in text and "'d' (nan)" in text
    assert "2 row(s)" in text and "-30 to 135" in text


def test_analyze_many_refuses_text_unknown_columns_and_non_frames() -> None:
    with pytest.raises(ValueError, match="knee: column must hold numbers"):
        analyze_many(pd.DataFrame({"knee": ["bent", "straight"]}))
    with pytest.raises(ValueError, match="unknown column"):
        analyze_many(pd.DataFrame({"elbow": [1.0]}))
    with pytest.raises(ValueError, match="DataFrame"):
        analyze_many([{"hip": 10}])  # type: ignore[arg-type]


def test_analyze_many_fills_missing_columns_with_zero_and_keeps_the_index() -> None:
    frame = pd.DataFrame({"hip": [0.0, 90.0]}, index=pd.Index([0.5, 1.0], name="time"))
    out = analyze_many(frame)
    assert list(out.index) == [0.5, 1.0]
    assert (out["knee"] == 0).all()
    assert list(out["pattern"]) == ["upright", "hinge"]


def test_analyze_many_of_no_rows() -> None:
    out = analyze_many(pd.DataFrame({"hip": []}, dtype=float))
    assert len(out) == 0
    assert "pattern" in out.columns


@pytest.mark.parametrize("huge", [10**400, -(10**400)])
def test_pose_angle_too_large_for_a_float_is_a_clear_value_error(huge: int) -> None:
    with pytest.raises(ValueError, match=r"hip = about -?1e\+400 deg is out of range "
                                         r"\(allowed range -30 to 135 deg\)"):
        Pose(hip=huge)


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (pd.Series([True, False]), r"hip: column must hold numbers \(degrees\), not True/False; "
                                   r"row 0 is True"),
        (pd.Series([1 + 2j, 3]), r"hip: column must hold numbers \(degrees\), not complex "
                                 r"numbers; row 0 is \(1\+2j\)"),
        (pd.Series([30.0, True], dtype=object), r"hip: column must hold numbers \(degrees\); "
                                                r"row 1 is True of type bool"),
        (pd.Series([30.0, 2j], dtype=object), r"row 1 is 2j of type complex"),
        (pd.Series([30, 10**400], dtype=object), r"hip: row 1 is about 1e\+400, far too large"),
    ],
)
def test_analyze_many_refuses_what_pose_refuses(column: pd.Series, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        analyze_many(pd.DataFrame({"hip": column}))


def test_analyze_many_refuses_a_duplicated_column() -> None:
    frame = pd.DataFrame([[10.0, 20.0, 5.0]], columns=["hip", "knee", "hip"])
    with pytest.raises(ValueError, match="poses has the column.s. hip more than once"):
        analyze_many(frame)


def test_analyze_many_accepts_integer_and_nullable_float_columns() -> None:
    frame = pd.DataFrame({"hip": np.array([0, 90], dtype=np.int64),
                          "knee": pd.array([0.0, 20.0], dtype="Float64")})
    out = analyze_many(frame)
    assert list(out["pattern"]) == ["upright", "hinge"]
    with pytest.raises(ValueError, match=r"knee: 1 row\(s\) .* not finite: row 1 \(nan\)"):
        analyze_many(frame.assign(knee=pd.array([0.0, None], dtype="Float64")))


# ------------------------------------------------------------------ hostile inputs elsewhere


def test_explore_checks_the_pose_load_and_hold_it_starts_with() -> None:
    from hinge_lib import explore

    with pytest.raises(ValueError, match=r"hip = about 1e\+400 deg is out of range"):
        explore({"hip": 10**400})
    with pytest.raises(ValueError, match=r"hip must be a number .*got '45'"):
        explore({"hip": "45"})
    with pytest.raises(ValueError, match=r"load_kg = -1 kg is out of range \(allowed range 0 to"):
        explore(load_kg=-1)
    with pytest.raises(ValueError, match=r"hold must be one of 'hands', .*; got 'mouth'"):
        explore(hold="mouth")


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"frames": 10**7}, r"frames = 1e\+07 is out of range \(allowed range 2 to 300\)"),
    ({"frames": 1}, r"frames = 1 is out of range"),
    ({"frames": "many"}, r"frames must be a number"),
    ({"interval_ms": 0}, r"interval_ms = 0 ms is out of range \(allowed range 20 to 5000 ms\)"),
])
def test_animate_has_a_ceiling_on_frames(kwargs: dict, expected: str) -> None:
    from hinge_lib import animate

    with pytest.raises(ValueError, match=expected):
        animate("standing", ["romanian_deadlift"], **kwargs)


def test_read_motion_refuses_odd_paths_with_their_reason(tmp_path) -> None:
    import os

    from hinge_lib.recordings.readers import MotionFileError, read_motion

    long_path = "a" * 5000 + ".mot"
    with pytest.raises(MotionFileError, match="cannot open .*File name too long") as err:
        read_motion(long_path)
    assert len(str(err.value)) < 400  # the name is cut in the middle, not printed whole
    with pytest.raises(MotionFileError, match=r"/dev/zero is not a saved file \(a device"):
        read_motion("/dev/zero")
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.csv"
        os.mkfifo(fifo)
        with pytest.raises(MotionFileError, match="pipe.csv is not a saved file"):
            read_motion(fifo)  # opening a FIFO would wait for a writer for ever
    with pytest.raises(MotionFileError, match="no such file"):
        read_motion(tmp_path / "missing.csv")


def test_read_motion_refuses_a_huge_single_line(tmp_path) -> None:
    from hinge_lib.recordings.readers import MAX_LINE_CHARS, MotionFileError, read_motion

    one_line = tmp_path / "one-line.csv"
    one_line.write_text("time,hip," + "9" * (45 * 2**20) + "\n")
    with pytest.raises(MotionFileError, match=r"one-line.csv, line 1: \d+ characters on one "
                                              rf"line \(the most is {MAX_LINE_CHARS}\)"):
        read_motion(one_line)
    with pytest.raises(MotionFileError, match=r"line 3: 200001 characters"):
        read_motion(b"time,hip\n0,1\n0.1," + b"2" * 199_997 + b"\n", name="wide.csv")


@pytest.mark.parametrize("content", [["event", "start"], "file", None, 7,
                                     {"event": "start", "size": "big"},
                                     {"event": "start", "size": -5}, {"event": "hack"}])
def test_the_upload_box_refuses_messages_its_page_never_sends(content: object) -> None:
    from hinge_lib.widgets.upload import upload_checker

    box = upload_checker()
    box.handle_message(None, content, [])
    assert "does not understand" in box.children[1].value
    box.handle_message(None, {"event": "start", "name": "a.csv", "size": 10}, [])
    assert "Reading a.csv" in box.children[1].value
