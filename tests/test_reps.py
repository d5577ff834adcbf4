"""Rep finding and per-rep analysis of recordings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hinge_lib.model.body import Body
from hinge_lib.recordings.readers import read_motion
from hinge_lib.recordings.reps import REPORT_COLUMNS, MotionReport, analyze_motion, find_reps
from hinge_lib.recordings.synthetic import synthetic_motion

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


@pytest.fixture(scope="module")
def squat_report() -> MotionReport:
    return analyze_motion(read_motion(SAMPLES / "squats1_videoAndMocap.mot"))


def test_opencap_squats_give_five_squat_reps(squat_report: MotionReport) -> None:
    reps = squat_report.reps
    assert list(reps.columns) == list(REPORT_COLUMNS)
    assert len(reps) == 5
    assert reps["rep"].tolist() == [1, 2, 3, 4, 5]
    assert (reps["pattern"] == "squat").all()
    assert (reps["start_s"] < reps["bottom_s"]).all() and (reps["bottom_s"] < reps["end_s"]).all()
    assert (reps["end_s"].to_numpy()[:-1] <= reps["start_s"].to_numpy()[1:]).all()
    assert reps["peak_hip"].between(85, 115).all() and reps["peak_knee"].between(65, 95).all()
    assert reps["first_mover"].isin(["hips", "knees", "together"]).all()
    assert reps["balanced_at_bottom"].dtype == bool
    assert all(isinstance(f, tuple) for f in reps["faults"])
    assert squat_report.message.startswith("5 repetitions found.")
    assert "squat in 5" in squat_report.message


def test_frames_hold_the_analysis_of_every_frame(squat_report: MotionReport) -> None:
    frames = squat_report.frames
    assert len(frames) == 801
    for col in ("hip", "pattern", "hinge_score", "faults", "balanced", "hip_x_m", "hip_y_m"):
        assert col in frames.columns
    bottoms = frames.loc[squat_report.reps["bottom_s"], "pattern"]
    assert (bottoms == "squat").all()


def test_report_is_frozen(squat_report: MotionReport) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        squat_report.message = "changed"  # type: ignore[misc]


def test_walking_gives_no_reps_and_says_why() -> None:
    report = analyze_motion(read_motion(SAMPLES / "walking1_videoAndMocap.mot"))
    assert report.reps.empty
    assert list(report.reps.columns) == list(REPORT_COLUMNS)
    assert report.message.startswith("No repetitions found:")
    assert "hip" in report.message


def test_standing_still_gives_no_reps() -> None:
    report = analyze_motion(synthetic_motion("still", reps=4, seed=2, noise_deg=1.0))
    assert report.reps.empty
    assert report.message.startswith("No repetitions found:")


def test_perfectly_flat_recording() -> None:
    t = np.arange(0, 5, 0.01)
    flat = pd.DataFrame({"hip": 0.0, "knee": 0.0}, index=pd.Index(t, name="time"))
    assert find_reps(flat).empty


@pytest.mark.parametrize("seed", range(5))
def test_synthetic_hinge_six_reps_hips_first(seed: int) -> None:
    report = analyze_motion(synthetic_motion("hinge", reps=6, seed=seed))
    reps = report.reps
    assert len(reps) == 6
    assert (reps["first_mover"] == "hips").all()
    assert (reps["pattern"] == "hinge").all()
    assert not any("knees_first" in f for f in reps["faults"])


@pytest.mark.parametrize("seed", range(5))
def test_synthetic_knees_first(seed: int) -> None:
    reps = analyze_motion(synthetic_motion("knees_first", reps=6, seed=seed)).reps
    assert len(reps) == 6
    assert (reps["first_mover"] == "knees").all()
    assert all("knees_first" in f for f in reps["faults"])


def test_bundled_hinge_sample() -> None:
    report = analyze_motion(read_motion(SAMPLES / "hinge_synthetic.mot"))
    assert len(report.reps) == 6 and (report.reps["first_mover"] == "hips").all()


def test_kinovea_sample_three_reps() -> None:
    report = analyze_motion(read_motion(SAMPLES / "kinovea_hinge.csv"))
    assert len(report.reps) == 3 and (report.reps["first_mover"] == "hips").all()
    assert "lumbar" in report.message  # says what was not measured


def test_partial_reps_at_the_edges_are_ignored() -> None:
    frames = read_motion(SAMPLES / "squats1_videoAndMocap.mot")
    cut = frames.loc[0.8:6.9]  # starts at the first bottom, ends during the fifth descent
    reps = find_reps(cut)
    assert len(reps) == 3
    assert reps.attrs["partial_reps_ignored"] == 2


def test_noisier_and_slower_recordings() -> None:
    noisy = synthetic_motion("hinge", reps=6, seed=11, noise_deg=2.0)
    assert len(find_reps(noisy)) == 6
    video = synthetic_motion("squat", reps=4, seed=4, rate_hz=25.0)
    assert len(find_reps(video)) == 4


def test_shallow_bobbing_is_not_a_rep() -> None:
    t = np.arange(0, 10, 0.01)
    bob = pd.DataFrame({"hip": 8 * np.sin(t * 3) ** 2, "knee": 10 * np.sin(t * 3) ** 2},
                       index=pd.Index(t, name="time"))
    reps = find_reps(bob)
    assert reps.empty and "30" in reps.attrs["reason"]


def test_long_recording_finds_every_rep() -> None:
    frames = synthetic_motion("hinge", reps=120, seed=9)
    assert len(find_reps(frames)) == 120


def test_body_and_load_are_passed_on() -> None:
    frames = synthetic_motion("hinge", reps=2, seed=1)
    light = analyze_motion(frames)
    heavy = analyze_motion(frames, body=Body(height_m=1.6, mass_kg=60, sex="female"), load_kg=40)
    assert heavy.load_kg == 40 and heavy.body.sex == "female"
    assert not np.allclose(light.frames["hip_moment_nm"], heavy.frames["hip_moment_nm"])


def test_muscle_columns_only_when_asked_and_nothing_else_changes() -> None:
    frames = synthetic_motion("hinge", reps=2, seed=3)
    quick = analyze_motion(frames, load_kg=20)
    full = analyze_motion(frames, load_kg=20, muscles=True)
    assert "hamstrings_force_n" not in quick.frames
    assert "hamstrings_force_n" in full.frames and "hamstring_length_change_mm" in quick.frames
    pd.testing.assert_frame_equal(quick.frames, full.frames[quick.frames.columns],
                                  check_exact=True)
    pd.testing.assert_frame_equal(quick.reps, full.reps, check_exact=True)
    assert quick.message == full.message


def test_out_of_range_angles_are_clipped_and_noted() -> None:
    frames = synthetic_motion("squat", reps=2, seed=1)
    frames["hip"] = frames["hip"] * 1.5  # beyond the model's hip range
    report = analyze_motion(frames)
    assert any(note.startswith("hip:") and "clipped" in note for note in report.notes)
    assert len(report.reps) == 2


def test_reading_repairs_are_carried_into_notes() -> None:
    report = analyze_motion(read_motion(SAMPLES / "kinovea_hinge.csv"))
    assert any("included angle" in note for note in report.notes)


def test_bad_frames() -> None:
    with pytest.raises(TypeError):
        analyze_motion([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hip"):
        find_reps(pd.DataFrame({"knee": [1.0, 2.0]}))
    backwards = pd.DataFrame({"hip": [1.0, 2.0, 3.0], "knee": 0.0}, index=[0.2, 0.1, 0.3])
    with pytest.raises(ValueError, match="increasing"):
        find_reps(backwards)
    with pytest.raises(ValueError, match="finite"):
        find_reps(pd.DataFrame({"hip": [1.0, np.inf], "knee": 0.0}, index=[0.0, 0.1]))


def test_missing_columns_count_as_zero() -> None:
    frames = synthetic_motion("hinge", reps=3, seed=3)[["hip", "knee"]]
    report = analyze_motion(frames)
    assert len(report.reps) == 3
    assert (report.frames["lumbar"] == 0).all()


# ------------------------------------------------------------------ figures and upload widget


def test_plot_angles_shades_and_labels_each_rep(squat_report: MotionReport) -> None:
    from hinge_lib.view.recording_figures import plot_angles

    fig = plot_angles(squat_report)
    bands = next(t for t in fig.data if t.name == "reps")
    assert np.isnan(np.asarray(bands.x, dtype=float)).sum() == 5  # five closed bands, one trace
    labels = next(t for t in fig.data if t.name == "rep labels")
    assert list(labels.text) == [f"rep {i}: squat" for i in range(1, 6)]
    assert not fig.layout.shapes and not fig.layout.annotations
    assert fig.layout.xaxis.title.text == "time (s)"
    assert "degrees" in fig.layout.yaxis.title.text
    # the OpenCap squats turn round too fast at the bottom for the static model: shaded too
    assert {t.name for t in fig.data} == {"reps", "rep labels", "hip flexion", "knee flexion",
                                          "ankle (shin tilt)", "lumbar flexion",
                                          "too fast for a static model"}


def test_plot_angles_of_hundreds_of_reps_has_a_fixed_number_of_traces_and_says_what_it_capped(
) -> None:
    from hinge_lib.view import recording_figures as rf

    report = analyze_motion(synthetic_motion("hinge", reps=683, seed=3, rate_hz=50.0))
    assert len(report.reps) == 683
    fig = rf.plot_angles(report)
    assert len(fig.data) == 6
    bands = next(t for t in fig.data if t.name == "reps")
    assert np.isnan(np.asarray(bands.x, dtype=float)).sum() == rf.MAX_REPS_SHADED
    labels = next(t for t in fig.data if t.name == "rep labels")
    assert len(labels.text) == rf.MAX_REP_LABELS
    assert f"first {rf.MAX_REPS_SHADED} of 683 reps shaded" in fig.layout.title.text
    assert f"first {rf.MAX_REP_LABELS} reps labelled" in fig.layout.title.text
    assert all(len(t.x) <= rf.MAX_POINTS_PER_LINE + 10 for t in fig.data if "flexion" in t.name)


def test_plot_angles_leaves_out_unmeasured_columns() -> None:
    from hinge_lib.view.recording_figures import plot_angles

    report = analyze_motion(read_motion(SAMPLES / "kinovea_hinge.csv"))
    assert "lumbar" in report.missing
    assert "lumbar flexion" not in {t.name for t in plot_angles(report).data}


def test_rep_bottom_figures(squat_report: MotionReport) -> None:
    from hinge_lib.view.recording_figures import rep_bottom_figures

    figures = rep_bottom_figures(squat_report, max_reps=3)
    assert len(figures) == 3
    assert figures[0].layout.title.text.startswith("rep 1 at 0.94 s")


def test_plot_progress() -> None:
    from hinge_lib.view.recording_figures import plot_progress

    progress = pd.DataFrame({"sessions": [1, 2], "reps": [5, 9],
                             "mean_hinge_score": [0.7, 0.8], "faults_per_rep": [0.4, 0.1]},
                            index=pd.to_datetime(["2025-03-03", "2025-03-10"]))
    fig = plot_progress(progress)
    assert list(fig.data[1].y) == [0.7, 0.8] and list(fig.data[0].x) == ["2025-03-03",
                                                                          "2025-03-10"]


def test_check_upload_reports_errors_as_messages() -> None:
    from hinge_lib.view.recording_figures import check_upload

    html, report = check_upload(b"\x00\x01", "clip.mot")
    assert report is None and "binary" in html and "Traceback" not in html
    html, report = check_upload(b"time,hip\n0,<script>\n0.1,2\n", "x.csv")
    assert report is None and "<script>" not in html and "&lt;script&gt;" in html
    html, report = check_upload((SAMPLES / "hinge_synthetic.mot").read_bytes(), "mine.mot")
    assert report is not None and "6 repetitions found" in html


def test_upload_widget_keeps_working_after_a_bad_file() -> None:
    from hinge_lib.widgets.upload import upload_checker

    seen = []
    box = upload_checker(on_report=seen.append)
    upload, message, _ = box.children
    box.handle_upload({"new": ({"name": "bad.csv", "content": memoryview(b"nonsense")},)})
    assert "Could not use this file" in message.value
    good = (SAMPLES / "kinovea_hinge.csv").read_bytes()
    box.handle_upload({"new": ({"name": "k.csv", "content": memoryview(good)},)})
    assert "3 repetitions found" in message.value and len(seen) == 1
    assert ".mot" in upload.accept and ".csv" in upload.accept


def test_upload_box_states_the_real_limit_and_refuses_larger_files() -> None:
    import tornado.websocket

    from hinge_lib.widgets import upload as up

    # the page's message limit is tornado's default websocket_max_message_size
    assert tornado.websocket._default_max_message_size == up.SERVER_MESSAGE_LIMIT_BYTES
    assert up.UPLOAD_LIMIT_BYTES < up.SERVER_MESSAGE_LIMIT_BYTES
    box = up.upload_checker()
    upload, message, output = box.children
    assert upload.limit_bytes == up.UPLOAD_LIMIT_BYTES
    assert "10.4 MB" in message.value and "10.4 MB" not in up.UploadBox._esm
    assert "limit_bytes" in up.UploadBox._esm  # the browser checks before sending
    good = (SAMPLES / "kinovea_hinge.csv").read_bytes()
    box.handle_message(upload, {"event": "file", "name": "k.csv", "size": len(good)}, [good])
    assert "3 repetitions found" in message.value
    output.outputs = ({"output_type": "stream", "name": "stdout", "text": "old result"},)
    box.handle_message(upload, {"event": "start", "name": "huge.csv", "size": 12_000_000}, [])
    assert not output.outputs and "Reading huge.csv" in message.value  # old result cleared
    box.handle_message(upload, {"event": "too_big", "name": "huge.csv", "size": 12_000_000}, [])
    assert "over the 10.4 MB limit" in message.value and "huge.csv" in message.value
    box.handle_file("big.csv", b"x" * (up.UPLOAD_LIMIT_BYTES + 1))
    assert "over the 10.4 MB limit" in message.value
    box.handle_message(upload, {"event": "file", "name": "k.csv", "size": len(good)}, [good])
    assert "3 repetitions found" in message.value  # still working afterwards


def test_find_reps_and_the_upload_box_are_importable_from_the_package() -> None:
    import hinge_lib

    assert hinge_lib.find_reps is find_reps
    assert "find_reps" in hinge_lib.__all__ and "upload_checker" in hinge_lib.__all__
    from hinge_lib import upload_checker

    assert callable(upload_checker)


# ---------------------------------------------------------------- what a static model cannot judge


def session_report(event: str) -> MotionReport:
    """A made-up session read back from an OpenSim file with its pelvis position."""
    from hinge_lib.recordings.readers import read_motion_text
    from hinge_lib.recordings.synthetic import synthetic_session
    from hinge_lib.recordings.writers import to_mot

    return analyze_motion(read_motion_text(to_mot(synthetic_session(event)), f"{event}.mot"))


def test_a_jump_is_named_with_its_seconds_and_not_reported_as_a_squat() -> None:
    report = session_report("jump")
    flight = [e for e in report.not_judged if "feet left the floor" in e.reason]
    assert len(flight) == 1
    # the pelvis is more than 4 cm above standing from about 7.55 to 8.1 s
    assert 7.4 < flight[0].start_s < 7.65 and 8.0 < flight[0].end_s < 8.2
    assert report.reps_not_judged >= 1
    assert len(report.reps) == 2 and (report.reps["pattern"] == "hinge").all()
    assert (report.reps["end_s"] < 7.0).all()
    assert f"{flight[0].start_s:.2f}-{flight[0].end_s:.2f} s" in report.message
    assert "feet left the floor" in report.message
    assert "squat" not in report.message


def test_without_the_pelvis_the_jump_would_be_counted():
    # guards the test above: the jump's dip is a rep to the angles alone
    from hinge_lib.recordings.synthetic import synthetic_session

    frames = synthetic_session("jump")
    frames.attrs.pop("pelvis_m")
    assert len(analyze_motion(frames).reps) > 2


def test_a_fast_swing_keeps_its_angles_but_not_its_static_verdicts() -> None:
    report = session_report("swing")
    assert len(report.reps) == 6
    assert not report.reps["static_at_bottom"].any()
    assert report.too_fast and all(e.start_s >= 1.0 and e.end_s <= 6.5 for e in report.too_fast)
    assert "Too fast for a static model" in report.message
    assert "Hinge score at the bottom: not judged" in report.message
    assert not any("com_outside_base" in f for f in report.reps["faults"])
    assert "Balance:" not in report.message


def test_slow_hinges_are_not_too_fast() -> None:
    report = analyze_motion(synthetic_motion("hinge", reps=4, seed=2))
    assert report.too_fast == () and report.reps["static_at_bottom"].all()
    assert "Too fast" not in report.message


def test_walking_through_the_middle_is_named_and_the_reps_around_it_are_kept() -> None:
    report = session_report("walk_through")
    steps = [e for e in report.not_judged if "stepping or walking" in e.reason]
    assert steps and 2.9 < steps[0].start_s < 3.4 and 6.0 < steps[-1].end_s < 6.7
    assert len(report.reps) == 2
    assert "stepping or walking" in report.message


def test_the_opencap_squats_are_reported_too_fast_at_the_bottom(squat_report) -> None:
    # real bodyweight squats: the centre of mass turns round at 0.4-0.5 g at the bottom
    assert len(squat_report.reps) == 5
    assert not squat_report.reps["static_at_bottom"].any()
    assert "Too fast for a static model" in squat_report.message
    assert "Balance:" not in squat_report.message


def test_overlapping_stretches_are_merged_with_each_reason_once() -> None:
    from hinge_lib.recordings.reps import merge_spans
    from hinge_lib.recordings.timeline import Excluded

    spans = merge_spans([Excluded(2.0, 3.0, "b"), Excluded(0.0, 1.0, "a"),
                         Excluded(2.5, 4.0, "c"), Excluded(3.5, 3.8, "b")])
    assert spans == [Excluded(0.0, 1.0, "a"), Excluded(2.0, 4.0, "b; c")]


def test_the_first_mover_is_measured_from_the_standing_level_not_one_noisy_frame() -> None:
    frames = synthetic_motion("hinge", reps=3, seed=3, noise_deg=0.0, rate_hz=30.0)
    rng = np.random.default_rng(0)
    noisy = frames.copy()
    noisy["knee"] += rng.normal(0.0, 1.5, len(frames))  # a video's knee, after filtering
    assert analyze_motion(noisy).reps["first_mover"].tolist() == ["hips"] * 3


def test_the_angle_plot_shades_the_seconds_not_judged_and_too_fast() -> None:
    from hinge_lib.view.recording_figures import plot_angles

    names = [t.name for t in plot_angles(session_report("jump")).data]
    assert "not judged (feet)" in names and "too fast for a static model" in names
    plain = [t.name for t in plot_angles(analyze_motion(synthetic_motion("hinge", reps=2))).data]
    assert "not judged (feet)" not in plain and "too fast for a static model" not in plain
