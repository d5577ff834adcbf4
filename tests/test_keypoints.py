"""Side-on keypoints -> the model's joint angles (hinge_lib.recordings.keypoints).

Keypoints are made from known model poses by forward kinematics (`keypoints_from_poses`), so
every angle recovered can be compared with the angle that made it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hinge_lib
from hinge_lib.model.body import Body
from hinge_lib.recordings.keypoint_tools import compare_angles, read_trc
from hinge_lib.recordings.keypoints import LANDMARKS, KeypointError, poses_from_keypoints
from hinge_lib.recordings.limits import limit
from hinge_lib.recordings.practice_log import PracticeLog
from hinge_lib.recordings.readers import read_motion
from hinge_lib.recordings.reps import analyze_motion
from hinge_lib.recordings.synthetic import keypoints_from_poses, synthetic_motion

MEASURED = ["ankle", "knee", "hip", "neck"]


def straight_spine(kind: str = "hinge", reps: int = 3, rate_hz: float = 30.0) -> pd.DataFrame:
    """A synthetic recording whose spine stays neutral (what the trunk line can show)."""
    frames = synthetic_motion(kind, reps=reps, rate_hz=rate_hz, noise_deg=0.0)
    frames[["lumbar", "thoracic"]] = 0.0
    return frames


def max_error(poses: pd.DataFrame, truth: pd.DataFrame, cols=MEASURED) -> float:
    return float((poses[cols] - truth.loc[poses.index, cols]).abs().to_numpy().max())


@settings(max_examples=40, deadline=None)
@given(
    ankle=st.floats(-20, 35), knee=st.floats(0, 120), hip=st.floats(-10, 120),
    neck=st.floats(-40, 40), facing=st.sampled_from(["left", "right"]),
    px_per_m=st.floats(150, 900),
)
def test_angles_of_any_pose_are_recovered_from_its_keypoints(ankle, knee, hip, neck, facing,
                                                             px_per_m):
    truth = pd.DataFrame({"ankle": [ankle, ankle + 1], "knee": [knee, knee + 1],
                          "hip": [hip, hip + 1], "neck": [neck, neck + 1]},
                         index=pd.Index([0.0, 0.04], name="time"))
    poses = poses_from_keypoints(keypoints_from_poses(truth, facing=facing, px_per_m=px_per_m))
    assert max_error(poses, truth) < 0.01
    assert poses.attrs["facing"] == facing


def test_angles_survive_pixel_noise_within_a_few_degrees():
    truth = straight_spine()
    kp = keypoints_from_poses(truth, px_per_m=500.0)
    rng = np.random.default_rng(4)
    for name in LANDMARKS:
        for axis in ("x", "y"):
            kp[f"{name}_{axis}"] += rng.normal(0.0, 1.0, len(kp))
    poses = poses_from_keypoints(kp)
    assert max_error(poses, truth, ["ankle", "knee", "hip"]) < 3.0
    typical = (poses[["ankle", "knee", "hip"]] - truth[["ankle", "knee", "hip"]]).abs().mean()
    assert (typical < 0.6).all()
    assert poses.attrs["swaps_fixed"] == 0


def test_result_has_the_model_columns_and_a_time_index_like_read_motion():
    truth = straight_spine()
    poses = poses_from_keypoints(keypoints_from_poses(truth))
    assert list(poses.columns) == list(hinge_lib.POSE_FIELDS)
    assert poses.index.name == "time"
    np.testing.assert_allclose(poses.index.to_numpy(), truth.index.to_numpy())
    assert poses.attrs["source_format"] == "keypoints"


def test_the_spine_is_unknown_not_zero():
    poses = poses_from_keypoints(keypoints_from_poses(straight_spine()))
    assert poses[["lumbar", "thoracic"]].isna().all().all()
    assert poses.attrs["unknown"] == ["lumbar", "thoracic"]
    assert any("spine not measured" in r for r in poses.attrs["repairs"])
    assert any("spine" in c for c in poses.attrs["cannot_measure"])


def test_a_rounded_back_counts_as_hip_bend_as_documented():
    # 25 deg of hip flexion plus a strongly rounded back: the trunk line tips further forward
    truth = pd.DataFrame({"hip": [25.0, 25.0], "knee": [15.0, 15.0], "lumbar": [40.0, 40.0],
                          "thoracic": [30.0, 30.0]}, index=pd.Index([0.0, 0.1], name="time"))
    poses = poses_from_keypoints(keypoints_from_poses(truth))
    assert poses["hip"].iloc[0] > 25.0 + 30.0


@pytest.mark.parametrize("facing", ["left", "right"])
@pytest.mark.parametrize("near", ["left", "right"])
def test_facing_and_nearer_side_are_found_from_the_keypoints(facing, near):
    truth = straight_spine()
    kp = keypoints_from_poses(truth, facing=facing, near_side=near, far_shift_m=(0.05, 0.0))
    poses = poses_from_keypoints(kp, filter_hz=None)
    assert poses.attrs["facing"] == facing
    assert poses.attrs["side"] == near
    assert max_error(poses, truth) < 0.01


def test_without_visibility_the_side_facing_the_camera_is_used_and_said():
    truth = straight_spine()
    kp = keypoints_from_poses(truth, facing="left", visibility=None,
                              far_shift_m=(0.3, 0.0))
    assert not any(c.endswith("_visibility") for c in kp.columns)
    poses = poses_from_keypoints(kp, filter_hz=None)
    assert poses.attrs["side"] == "left"
    assert any("no visibility columns" in r for r in poses.attrs["repairs"])
    assert max_error(poses, truth) < 0.01


def test_facing_and_side_can_be_given():
    truth = straight_spine()
    kp = keypoints_from_poses(truth, facing="right", near_side="left")
    poses = poses_from_keypoints(kp, facing="right", side="left")
    assert (poses.attrs["facing"], poses.attrs["side"]) == ("right", "left")
    assert any("(given)" in r for r in poses.attrs["repairs"])


def test_left_right_swaps_between_frames_are_repaired():
    truth = straight_spine()
    # far leg 25 cm behind, far side seen less clearly: a swap would switch legs
    kp = keypoints_from_poses(truth, far_shift_m=(-0.25, 0.0))
    swapped = kp.copy()
    rows = np.r_[20:26, 70:71, 130:140]
    for part in ("hip", "knee", "ankle", "heel", "foot_index"):
        for suffix in ("x", "y", "visibility"):
            a, b = f"left_{part}_{suffix}", f"right_{part}_{suffix}"
            swapped.loc[rows, [a, b]] = kp.loc[rows, [b, a]].to_numpy()
    poses = poses_from_keypoints(swapped, filter_hz=None)
    assert poses.attrs["swaps_fixed"] == 3
    assert max_error(poses, truth) < 0.01
    assert poses.attrs["frames_unusable"] == 0


def test_swapped_points_would_otherwise_change_the_angles():
    # guards the test above: the swap there is not harmless by construction
    truth = straight_spine()
    kp = keypoints_from_poses(truth, far_shift_m=(-0.25, 0.0))
    far = kp.copy()
    for part in ("shoulder", "hip", "knee", "ankle"):
        for suffix in ("x", "y"):
            far[f"right_{part}_{suffix}"] = kp[f"left_{part}_{suffix}"]
    assert max_error(poses_from_keypoints(far, side="right"), truth) > 1.0


def test_a_person_facing_the_camera_is_not_read_as_side_on():
    truth = straight_spine()
    kp = keypoints_from_poses(truth)
    front = kp.index < 150
    kp.loc[front, "left_shoulder_x"] = kp.loc[front, "right_shoulder_x"] + 180.0
    poses = poses_from_keypoints(kp, filter_hz=None)  # a sudden turn: exact frame count
    assert poses.attrs["frames_not_side_on"] == 150
    assert poses.index[0] == pytest.approx(kp.loc[150, "time"])
    assert any("not side-on" in r for r in poses.attrs["repairs"])


def test_a_person_who_turns_round_is_followed():
    truth = straight_spine()
    right = keypoints_from_poses(truth, facing="right")
    left = keypoints_from_poses(truth, facing="left")
    kp = pd.concat([right.iloc[:180], left.iloc[180:]])
    poses = poses_from_keypoints(kp, filter_hz=None)
    assert poses.attrs["turns"] == 1
    assert max_error(poses, truth) < 0.01


def test_short_gaps_are_filled_and_reported():
    truth = straight_spine()
    kp = keypoints_from_poses(truth)
    kp.loc[40:41, [c for c in kp.columns if c != "time"]] = np.nan
    poses = poses_from_keypoints(kp)
    assert len(poses) == len(truth)
    assert poses.attrs["frames_unusable"] == 2
    assert any("filled by interpolation" in r for r in poses.attrs["repairs"])
    assert max_error(poses, truth) < 1.0


def test_low_visibility_frames_count_as_unusable():
    truth = straight_spine()
    kp = keypoints_from_poses(truth)
    kp.loc[50, "right_knee_visibility"] = 0.2
    poses = poses_from_keypoints(kp)
    assert poses.attrs["frames_unusable"] == 1
    assert poses_from_keypoints(kp, min_visibility=0.1).attrs["frames_unusable"] == 0


def test_a_long_gap_splits_the_recording_and_the_longest_stretch_is_kept():
    truth = straight_spine()
    kp = keypoints_from_poses(truth)
    kp.loc[60:80, [c for c in kp.columns if c.endswith("_visibility")]] = 0.0
    poses = poses_from_keypoints(kp)
    assert len(poses.attrs["stretches"]) == 2
    assert poses.index[0] == pytest.approx(kp.loc[81, "time"])
    assert poses.index[-1] == pytest.approx(kp["time"].iloc[-1])
    assert any("longest usable stretch" in r for r in poses.attrs["repairs"])


def test_a_jump_to_another_person_splits_the_recording():
    truth = straight_spine()
    kp = keypoints_from_poses(truth)
    later = kp.index >= 250
    for name in LANDMARKS:
        kp.loc[later, f"{name}_x"] += 900.0
    poses = poses_from_keypoints(kp)
    assert len(poses.attrs["stretches"]) == 2
    assert any("jumped 1 time" in r for r in poses.attrs["repairs"])
    assert poses.index[-1] < kp.loc[250, "time"]


def test_a_level_camera_is_assumed_and_a_known_tilt_can_be_taken_out():
    truth = straight_spine()
    kp = keypoints_from_poses(truth, camera_roll_deg=6.0)
    level = poses_from_keypoints(kp, filter_hz=None)
    assert any("camera assumed level" in r for r in level.attrs["repairs"])
    shift = (level["ankle"] - truth["ankle"]).to_numpy()
    np.testing.assert_allclose(np.abs(shift), 6.0, atol=0.01)
    assert max_error(level, truth, ["knee", "hip"]) < 0.01
    assert max_error(poses_from_keypoints(kp, camera_roll_deg=6.0, filter_hz=None), truth) < 0.01


def test_without_ears_the_neck_is_unknown_too():
    kp = keypoints_from_poses(straight_spine())
    kp = kp.drop(columns=[c for c in kp.columns if "_ear_" in c])
    poses = poses_from_keypoints(kp)
    assert poses["neck"].isna().all()
    assert "neck" in poses.attrs["unknown"]


def test_the_hinge_or_squat_call_still_stands():
    for kind, pattern in (("hinge", "hinge"), ("squat", "squat")):
        truth = straight_spine(kind)
        report = analyze_motion(poses_from_keypoints(keypoints_from_poses(truth)))
        assert len(report.reps) == 3
        assert set(report.reps["pattern"]) == {pattern}


def test_rep_analysis_leaves_spine_faults_out_and_does_not_imply_a_neutral_back():
    truth = synthetic_motion("hinge", reps=3, rate_hz=30.0, noise_deg=0.0)
    truth["lumbar"] = truth["hip"] * 0.45  # about 36 degrees of rounding at the bottom
    direct = analyze_motion(truth)
    assert all("rounded_lower_back" in f for f in direct.reps["faults"])
    report = analyze_motion(poses_from_keypoints(keypoints_from_poses(truth)))
    assert len(report.reps) == 3
    judged = {code for codes in report.reps["faults"] for code in codes}
    assert not judged & {"rounded_lower_back", "arched_lower_back", "rounded_upper_back"}
    assert report.reps["peak_lumbar"].isna().all()
    assert report.unknown == ("lumbar", "thoracic")
    assert "No faults flagged at the bottom of any rep." not in report.message
    assert "Not measured, so not judged: lumbar, thoracic" in report.message
    assert "check the back by eye" in report.message
    assert "taken as 0" not in report.message


def test_a_video_session_with_unknown_spine_is_saved_to_the_practice_log(tmp_path):
    report = analyze_motion(poses_from_keypoints(keypoints_from_poses(straight_spine())))
    log = PracticeLog(tmp_path / "log.sqlite3")
    sid = log.save_session(report, "hip hinge", recorded_on=dt.date(2026, 1, 5))
    saved = log.reps(sid)
    assert len(saved) == 3
    assert saved["peak_lumbar"].isna().all()


def test_sports2d_trc_files_are_read_into_keypoints(tmp_path):
    truth = straight_spine()
    kp = keypoints_from_poses(truth, visibility=None, far_shift_m=(0.02, 0.0))
    names = {"right_hip": "RHip", "right_knee": "RKnee", "right_ankle": "RAnkle",
             "right_heel": "RHeel", "right_foot_index": "RBigToe", "right_shoulder": "RShoulder",
             "left_hip": "LHip", "left_knee": "LKnee", "left_ankle": "LAnkle",
             "left_heel": "LHeel", "left_foot_index": "LBigToe", "left_shoulder": "LShoulder",
             "nose": "Nose"}
    lines = ["PathFileType\t4\t(X/Y/Z)\tdemo.trc",
             "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate",
             f"30\t30\t{len(kp)}\t{len(names)}\tpx\t30",
             "Frame#\tTime\t" + "\t\t\t".join(names.values()) + "\t\t",
             "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, len(names) + 1))]
    for i, row in kp.iterrows():
        cells = [str(i + 1), f"{row['time']:.6f}"]
        for key in names:
            cells += [f"{row[key + '_x']:.4f}", f"{-row[key + '_y']:.4f}", "0"]
        lines.append("\t".join(cells))
    path = tmp_path / "demo.trc"
    path.write_text("\n".join(lines) + "\n")
    read = read_trc(path)
    assert read.attrs["name"] == "demo.trc"
    poses = poses_from_keypoints(read, filter_hz=None)
    assert max_error(poses, truth, ["ankle", "knee", "hip"]) < 0.01
    assert poses["neck"].isna().all()  # Sports2D's marker set here has no ears


def test_a_file_that_is_not_a_trc_is_refused_with_its_name(tmp_path):
    path = tmp_path / "notes.trc"
    path.write_text("hello\n")
    with pytest.raises(ValueError, match="notes.trc: not a .trc marker file"):
        read_trc(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda kp: kp.drop(columns=["time"]), "no 'time' column"),
        (lambda kp: kp.assign(time=kp["time"][::-1].to_numpy()), "must increase row by row"),
        (lambda kp: kp.assign(right_hip_x="a"), "'right_hip_x' must hold numbers"),
        (lambda kp: kp.assign(right_knee_visibility=1.5), "right_knee_visibility = 1.5"),
        (lambda kp: kp.drop(columns=[c for c in kp.columns if "_hip_" in c]),
         "no hip keypoints on either side"),
        (lambda kp: kp.drop(columns=["left_knee_y"]), "'left_knee_x' has no partner"),
        (lambda kp: kp.assign(**{c: 0.1 for c in kp.columns if c.endswith("visibility")}),
         "no usable stretch of frames"),
        (lambda kp: kp.iloc[:1], "at least two frames"),
        (lambda kp: kp.drop(columns=[c for c in kp.columns if "nose" in c or "heel" in c]),
         "cannot tell which way the person faces"),
    ],
)
def test_bad_keypoint_tables_get_a_clear_message(change, message):
    kp = keypoints_from_poses(straight_spine(reps=1))
    with pytest.raises(ValueError, match=message):
        poses_from_keypoints(change(kp))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"facing": "up"}, "facing='up'"), ({"side": "near"}, "side='near'"),
     ({"min_visibility": 2}, "min_visibility=2"), ({"max_gap_s": -1}, "max_gap_s=-1"),
     ({"camera_roll_deg": 90}, "camera_roll_deg=90")],
)
def test_bad_options_are_refused_naming_the_option(kwargs, message):
    kp = keypoints_from_poses(straight_spine(reps=1))
    with pytest.raises(ValueError, match=message):
        poses_from_keypoints(kp, **kwargs)


def test_keypoint_errors_are_value_errors_and_not_a_data_frame_is_a_type_error():
    assert issubclass(KeypointError, ValueError)
    with pytest.raises(TypeError, match="keypoints must be a DataFrame"):
        poses_from_keypoints([1, 2, 3])


def test_body_size_changes_pixels_but_not_angles():
    truth = straight_spine(reps=1)
    small = keypoints_from_poses(truth, Body(height_m=1.5, mass_kg=50, sex="female"))
    tall = keypoints_from_poses(truth, Body(height_m=2.0, mass_kg=100))
    assert (small["right_shoulder_y"] > tall["right_shoulder_y"]).all()
    assert max_error(poses_from_keypoints(small, filter_hz=None), truth) < 0.01
    assert max_error(poses_from_keypoints(tall, filter_hz=None), truth) < 0.01


def test_poses_from_keypoints_is_importable_from_hinge_lib():
    assert hinge_lib.poses_from_keypoints is poses_from_keypoints



KINOVEA = Path(__file__).resolve().parent.parent / "data" / "samples" / "kinovea_hinge.csv"


def test_video_angles_can_be_checked_against_angles_measured_by_hand():
    hand = read_motion(KINOVEA)
    truth = hand.copy()
    truth[["lumbar", "thoracic", "neck"]] = 0.0
    kp = keypoints_from_poses(truth, px_per_m=300.0, noise_px=1.5, seed=2)
    table = compare_angles(poses_from_keypoints(kp), hand)
    assert list(table.index) == ["ankle", "knee", "hip"]
    assert (table["frames"] == len(hand)).all()
    assert (table["mean_abs_difference"] < 2.0).all()
    assert (table["largest_difference"] >= table["mean_abs_difference"]).all()
    shifted = hand.copy()
    shifted["hip"] += 5.0
    offset = compare_angles(poses_from_keypoints(kp), shifted).loc["hip", "mean_difference"]
    assert offset == pytest.approx(-5.0, abs=0.5)


def test_recordings_that_do_not_overlap_cannot_be_compared():
    hand = read_motion(KINOVEA)
    later = hand.set_axis(hand.index + 100.0)
    with pytest.raises(ValueError, match="do not overlap in time"):
        compare_angles(hand, later)


def test_noise_in_made_up_keypoints_is_repeatable():
    truth = straight_spine(reps=1)
    a = keypoints_from_poses(truth, noise_px=2.0, seed=5)
    b = keypoints_from_poses(truth, noise_px=2.0, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(keypoints_from_poses(truth))


# ---------------------------------------------------------------- camera, filter and the promise


def filmed(angle: float = 0.0, **kwargs) -> pd.DataFrame:
    truth = straight_spine("squat", rate_hz=30.0)
    return keypoints_from_poses(truth, angle_off_side_deg=angle, **kwargs)


@pytest.mark.parametrize("angle", [0.0, 10.0, 20.0, -20.0])
def test_clips_inside_the_promise_are_read_with_their_estimated_angle(angle):
    truth = straight_spine("squat", rate_hz=30.0)
    poses = poses_from_keypoints(filmed(angle, camera_above_deg=5.0))
    assert abs(poses.attrs["camera_angle_deg"] - abs(angle)) <= 10.0
    assert max_error(poses, truth, ["knee", "hip"]) < 3.0
    report = analyze_motion(poses)
    assert f"Camera about {poses.attrs['camera_angle_deg']:.0f} degrees off side-on" in (
        report.message)


@pytest.mark.parametrize("angle", [35.0, -35.0, 42.0])
def test_clips_beyond_the_promise_are_refused_with_the_angle(angle):
    with pytest.raises(KeypointError, match=r"not filmed from the side: the camera was about "
                       r"(3\d|4\d|5\d) degrees off side-on") as err:
        poses_from_keypoints(filmed(angle))
    assert f"within {limit('promise_max_angle_off_side_deg'):g} degrees of side-on" in str(
        err.value)


@pytest.mark.parametrize("angle,above", [(50.0, 0.0), (90.0, 0.0), (-90.0, 0.0), (70.0, 30.0),
                                         (-75.0, 15.0)])
def test_clips_from_the_front_or_behind_say_so(angle, above):
    with pytest.raises(KeypointError, match=r"not filmed from the side: the person's front or "
                       r"back is turned to the camera \(camera about \d+ degrees off side-on"):
        poses_from_keypoints(filmed(angle, camera_above_deg=above))


def test_a_turned_camera_is_undone_and_would_otherwise_bend_the_knee_less():
    truth = straight_spine("squat", rate_hz=30.0)
    kp = filmed(30.0)
    poses = poses_from_keypoints(kp, max_angle_off_side_deg=90.0)
    assert max_error(poses, truth, ["knee", "hip"]) < 2.0
    assert any("1 / cos of the angle" in r for r in poses.attrs["repairs"])
    side_on = filmed(0.0)
    squeezed = side_on.copy()
    for name in LANDMARKS:  # what the camera shows without the widths: x shortened only
        squeezed[f"{name}_x"] = 640 + (side_on[f"{name}_x"] - 640) * np.cos(np.radians(30))
    plain = poses_from_keypoints(squeezed, filter_hz=None)
    assert plain["knee"].max() < truth["knee"].max() - 5.0


def test_the_filter_takes_out_jitter_and_says_so():
    truth = straight_spine("squat", rate_hz=30.0)
    kp = filmed(0.0, px_per_m=250.0, noise_px=5.0, seed=4)
    raw = poses_from_keypoints(kp, filter_hz=None)
    smooth = poses_from_keypoints(kp)
    rms = {k: float(np.sqrt(((p[["knee", "hip"]] - truth.loc[p.index, ["knee", "hip"]]) ** 2)
                            .to_numpy().mean())) for k, p in (("raw", raw), ("smooth", smooth))}
    assert rms["smooth"] < 0.7 * rms["raw"]
    assert any("low-pass filtered at 6 Hz" in r for r in smooth.attrs["repairs"])
    assert 2.0 < smooth.attrs["jitter_px"] < 5.0
    assert np.isnan(raw.attrs["jitter_px"])


def test_a_small_or_shaky_person_is_analysed_with_a_warning():
    small = poses_from_keypoints(filmed(0.0, px_per_m=150.0))
    assert small.attrs["person_height_px"] == pytest.approx(150 * 1.75, rel=0.03)
    assert any("pixels tall in the picture" in c for c in small.attrs["caveats"])
    shaky = poses_from_keypoints(filmed(0.0, px_per_m=300.0, noise_px=6.0, seed=1))
    assert any("keypoints jitter by" in c for c in shaky.attrs["caveats"])
    steady = poses_from_keypoints(filmed(0.0, px_per_m=300.0, noise_px=1.0, seed=1))
    assert not any(c.startswith("Outside the promise") for c in steady.attrs["caveats"])


def test_a_knee_label_swapped_alone_is_repaired():
    truth = straight_spine()
    truth["knee"] = 16.0 + 0.0 * truth["knee"]
    truth["hip"] = 20.0 + 0.0 * truth["hip"]
    kp = keypoints_from_poses(truth, far_shift_m=(-0.25, 0.0))
    swapped = kp.copy()
    rows = np.r_[60:62]
    for suffix in ("x", "y", "visibility"):
        a, b = f"left_knee_{suffix}", f"right_knee_{suffix}"
        swapped.loc[rows, [a, b]] = kp.loc[rows, [b, a]].to_numpy()
    poses = poses_from_keypoints(swapped, filter_hz=None)
    assert poses.attrs["swaps_fixed"] == 1
    assert max_error(poses, truth, ["knee"]) < 0.01


def test_feet_in_the_air_and_walking_in_a_clip_are_named():
    from hinge_lib.recordings.synthetic import synthetic_session

    jump = analyze_motion(poses_from_keypoints(keypoints_from_poses(
        synthetic_session("jump", rate_hz=30.0), px_per_m=300.0, noise_px=1.0)))
    flight = [e for e in jump.not_judged if "feet left the floor" in e.reason]
    assert len(flight) == 1 and 7.4 < flight[0].start_s < 7.7 and 8.0 < flight[0].end_s < 8.3
    assert len(jump.reps) == 2
    walk = analyze_motion(poses_from_keypoints(keypoints_from_poses(
        synthetic_session("walk_through", rate_hz=30.0), px_per_m=300.0, noise_px=1.0)))
    assert any("stepping or walking" in e.reason and 2.9 < e.start_s < 3.5
               for e in walk.not_judged)
    assert len(walk.reps) == 2
    still = analyze_motion(poses_from_keypoints(keypoints_from_poses(
        straight_spine(rate_hz=30.0), px_per_m=300.0, noise_px=1.0)))
    assert still.not_judged == ()


@pytest.mark.slow
def test_the_error_table_row_without_jitter_is_exact_and_spoiled_rows_are_not():
    from hinge_lib.recordings.accuracy import accuracy_line, filmed_accuracy

    clean = filmed_accuracy(600, 0.0, 0.0, filtered=False)
    assert clean["knee_rms"] < 0.5 and clean["hip_rms"] < 0.5  # only the occluded frames
    assert clean["first_mover_right"] == "9/9" and clean["refused"] == 0
    shaky = filmed_accuracy(250, 5.0, 0.0, filtered=False)
    assert shaky["knee_rms"] > 5.0
    assert accuracy_line(clean).startswith(" 0 deg off side-on: knee")
