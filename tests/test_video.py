"""Keypoints from video files (hinge_lib.recordings.video) and what happens with bad files.

Tests marked with the ``video`` fixture need the optional extra (MediaPipe 0.10.21, OpenCV).
On Python 3.13 and newer MediaPipe 0.10.21 has no wheels, so they are skipped with that reason;
on Python 3.9 to 3.12 a missing extra is a failure that says how to install it.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hinge_lib
from hinge_lib.recordings import video
from hinge_lib.recordings.keypoints import LANDMARKS, poses_from_keypoints
from hinge_lib.recordings.reps import analyze_motion

ROOT = Path(__file__).resolve().parent.parent
CLIP = ROOT / "data" / "samples" / "video" / "sports2d-demo.mp4"


@pytest.fixture(scope="session")
def cv2():
    """OpenCV from the video extra; skip (Python 3.13+) or fail (extra missing) with why."""
    ok, why = video.video_support()
    if not ok:
        if sys.version_info >= (3, 13):
            pytest.skip(f"video tests skipped: {why}")
        pytest.fail(f"video tests need the video extra: {why}", pytrace=False)
    import cv2 as module

    return module


@pytest.fixture(scope="module")
def demo(cv2):
    """Keypoints of the bundled Sports2D clip, with every progress report kept."""
    calls = []
    table = video.keypoints_from_video(CLIP, progress=lambda *a: calls.append(a))
    return table, calls


def write_video(path: Path, cv2, frames: int = 20, size=(160, 120), fourcc="MJPG") -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10.0, size)
    assert writer.isOpened()
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), 40 + 5 * i, dtype=np.uint8))
    writer.release()
    return path


# ---------------------------------------------------------------- without the extra


def test_importing_hinge_lib_does_not_load_mediapipe_or_opencv():
    code = ("import sys, hinge_lib; f = hinge_lib.keypoints_from_video; "
            "print('mediapipe' in sys.modules, 'cv2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_keypoints_from_video_is_importable_from_hinge_lib():
    assert hinge_lib.keypoints_from_video is video.keypoints_from_video


def test_without_the_extra_the_message_names_the_file_and_the_install_command(monkeypatch):
    monkeypatch.setattr(video, "video_support",
                        lambda: (False, f"the video extra is not installed; {video.EXTRA_HINT}"))
    with pytest.raises(video.VideoExtraMissing) as err:
        video.keypoints_from_video("my-lift.mp4")
    assert "my-lift.mp4: cannot read videos" in str(err.value)
    assert "pip install -e .[video]" in str(err.value)


def test_newer_pythons_are_told_why_videos_cannot_be_read(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 13, 0, "final", 0))
    ok, why = video.video_support()
    assert not ok
    assert "no wheels for Python 3.13" in why


@pytest.mark.parametrize(("degrees", "shape", "corner"),
                         [(0, (2, 3), 1), (90, (3, 2), 4), (180, (2, 3), 6), (270, (3, 2), 3)])
def test_frames_are_turned_upright_by_the_phone_rotation(degrees, shape, corner):
    frame = np.arange(1, 7).reshape(2, 3)
    upright = video.rotate_frame(frame, degrees)
    assert upright.shape == shape
    assert upright[0, 0] == corner


def test_the_text_progress_shows_frames_speed_and_time_left():
    out = io.StringIO()
    show = video.text_progress(out, every_s=0.0)
    show(10, 100, 25.0, 3.6)
    show(100, 100, 25.0, 0.0)
    text = out.getvalue()
    assert "10/100 frames  25.0 frames/s  4 s left" in text
    assert text.endswith("\n")


def test_bad_options_are_refused_before_anything_is_read():
    with pytest.raises(ValueError, match="min_detection_confidence=2"):
        video.keypoints_from_video(CLIP, min_detection_confidence=2)
    with pytest.raises(ValueError, match="end_s"):
        video.keypoints_from_video(CLIP, start_s=3.0, end_s=1.0)


# ---------------------------------------------------------------- the bundled clip


@pytest.mark.video
def test_the_demo_clip_gives_a_keypoint_table_with_real_timestamps(demo):
    table, _ = demo
    assert table.attrs["frames_total"] == len(table) == 230
    assert (table.attrs["width"], table.attrs["height"]) == (1768, 994)
    t = table["time"].to_numpy()
    assert t[0] == pytest.approx(0.0)
    np.testing.assert_allclose(np.diff(t), 1 / 30, atol=1e-3)
    for name in LANDMARKS:
        for suffix in ("x", "y", "visibility"):
            assert f"{name}_{suffix}" in table.columns
    seen = table["right_hip_x"].notna()
    assert seen.sum() > 200
    assert table.loc[seen, "right_hip_x"].between(-200, 2000).all()


@pytest.mark.video
def test_the_demo_clip_report_names_frames_without_a_person_and_the_switch(demo):
    table, _ = demo
    notes = " ".join(table.attrs["notes"])
    assert table.attrs["frames_without_person"] > 0
    assert "no person found in" in notes
    assert table.attrs["person_jumps"], "the tracker switches from the box to the walker"
    assert "another person" in notes


@pytest.mark.video
def test_progress_reports_every_frame_with_speed_and_time_left(demo):
    _, calls = demo
    done = [c[0] for c in calls]
    assert done == list(range(1, 231))
    assert {c[1] for c in calls} == {230}
    assert all(c[2] > 0 for c in calls)
    assert calls[-1][3] == 0.0


@pytest.mark.video
def test_the_demo_clip_has_no_reps_and_the_reasons_are_given(demo):
    table, _ = demo
    poses = poses_from_keypoints(table)
    repairs = " ".join(poses.attrs["repairs"])
    assert "not side-on" in repairs  # the person on the box faces the camera at first
    assert "jumped" in repairs  # then the tracker switches to the walker
    report = analyze_motion(poses)
    assert report.reps.empty
    assert report.message.startswith("No repetitions found: ")
    assert "check the back by eye" in report.message


@pytest.mark.video
def test_part_of_a_video_can_be_analysed(cv2):
    table = video.keypoints_from_video(CLIP, progress=False, start_s=1.0, end_s=2.0)
    assert table["time"].iloc[0] == pytest.approx(1.0, abs=0.05)
    assert table["time"].iloc[-1] <= 2.0 + 1e-6
    assert 25 <= len(table) <= 32


@pytest.mark.video
def test_frames_can_be_fetched_as_small_pictures(cv2):
    pictures = video.video_frames(CLIP, [0.5, 2.0], width=240)
    assert sorted(pictures) == [0.5, 2.0]
    assert pictures[0.5].shape == (135, 240, 3)
    assert video.jpeg_data_uri(pictures[2.0]).startswith("data:image/jpeg;base64,/9j/")


def set_rotation_90(path: Path) -> None:
    """Mark an MP4's video track as "display turned 90 degrees clockwise", as phones do for
    portrait videos (the tkhd box's transformation matrix)."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"tkhd")
    while pos >= 0:
        version = data[pos + 4]
        matrix = pos + 8 + (32 if version == 1 else 20) + 16
        if struct.unpack(">I", data[matrix + 36:matrix + 40])[0]:  # the track with a width
            data[matrix:matrix + 36] = struct.pack(">9i", 0, 65536, 0, -65536, 0, 0, 0, 0,
                                                   1 << 30)
            path.write_bytes(bytes(data))
            return
        pos = data.find(b"tkhd", pos + 4)
    raise AssertionError("no video track header found")


@pytest.mark.video
def test_a_portrait_phone_video_is_turned_upright_by_its_rotation_metadata(cv2, tmp_path):
    # a phone stores the frames turned and says how to turn them back: make such a file from
    # the first second of the demo, then compare its keypoints with the original's
    cap = cv2.VideoCapture(str(CLIP))
    path = tmp_path / "portrait.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (994, 1768))
    for _ in range(45):
        ok, frame = cap.read()
        writer.write(np.ascontiguousarray(np.rot90(frame, k=1)))
    writer.release()
    cap.release()
    set_rotation_90(path)
    info = video.video_info(path)
    assert (info["rotation"], info["width"], info["height"]) == (90, 1768, 994)
    turned = video.keypoints_from_video(path, progress=False)
    assert "turned 90 degrees" in turned.attrs["notes"][0]
    straight = video.keypoints_from_video(CLIP, progress=False, end_s=turned["time"].iloc[-1])
    both = turned["right_hip_x"].notna() & straight["right_hip_x"].notna()
    assert both.sum() > 30
    for axis in ("x", "y"):
        gap = (turned.loc[both, f"right_hip_{axis}"] - straight.loc[both, f"right_hip_{axis}"])
        assert gap.abs().median() < 15.0, axis


def slow_down_second_half(path: Path) -> None:
    """Give an MP4 a variable frame rate: the second half of its frames last twice as long
    (rewrites the track's time-to-sample box, stts, and the sizes of the boxes holding it;
    the file's moov box must come after its media data, as OpenCV writes it)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"stts") - 4
    size, _, _, entries = struct.unpack(">I4sII", data[at:at + 16])
    assert entries == 1
    count, delta = struct.unpack(">II", data[at + 16:at + 24])
    half = count // 2
    box = struct.pack(">I4sIIIIII", 32, b"stts", 0, 2, half, delta, count - half, 2 * delta)
    assert data.find(b"moov") > data.find(b"mdat")
    grow = len(box) - size
    pos, end = 0, len(data)
    while pos < end:  # walk down the boxes that hold stts, growing each
        box_size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if pos < at < pos + box_size and kind in (b"moov", b"trak", b"mdia", b"minf", b"stbl"):
            data[pos:pos + 4] = struct.pack(">I", box_size + grow)
            pos, end = pos + 8, pos + box_size
            continue
        pos += box_size
    data[at:at + size] = box
    path.write_bytes(bytes(data))


@pytest.mark.video
def test_a_variable_frame_rate_video_keeps_each_frames_real_time(cv2, tmp_path):
    cap = cv2.VideoCapture(str(CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 30)
    path = tmp_path / "phone.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (884, 497))
    for _ in range(24):
        writer.write(cv2.resize(cap.read()[1], (884, 497), interpolation=cv2.INTER_AREA))
    writer.release()
    cap.release()
    slow_down_second_half(path)
    table = video.keypoints_from_video(path, progress=False)
    steps = np.diff(table["time"].to_numpy())
    assert steps[:10] == pytest.approx(np.full(10, 1 / 30), abs=2e-3)
    assert steps[12:] == pytest.approx(np.full(len(steps) - 12, 2 / 30), abs=2e-3)
    assert any("frame rate varies" in note for note in table.attrs["notes"])


# ---------------------------------------------------------------- bad files


@pytest.mark.video
def test_a_missing_file_is_named(cv2, tmp_path):
    with pytest.raises(video.VideoError, match="gone.mp4: no such file"):
        video.keypoints_from_video(tmp_path / "gone.mp4", progress=False)


@pytest.mark.video
def test_an_empty_file_is_named(cv2, tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(video.VideoError, match="empty.mp4: the file is empty"):
        video.keypoints_from_video(path, progress=False)


@pytest.mark.parametrize(("content", "looks_like"), [
    (b"time,hip\n0,1\n", "a text file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "a PNG picture"),
])
@pytest.mark.video
def test_a_file_that_is_not_a_video_says_what_it_looks_like(cv2, tmp_path, content, looks_like):
    path = tmp_path / "lift.mp4"
    path.write_bytes(content)
    with pytest.raises(video.VideoError, match=f"lift.mp4: not a video \\(it looks like "
                                               f"{looks_like}\\)"):
        video.keypoints_from_video(path, progress=False)


@pytest.mark.video
def test_a_damaged_video_is_named_and_the_learner_told_what_to_do(cv2, tmp_path):
    path = tmp_path / "cut.mp4"
    path.write_bytes(CLIP.read_bytes()[:3000])
    with pytest.raises(video.VideoError) as err:
        video.keypoints_from_video(path, progress=False)
    text = str(err.value)
    assert text.startswith("cut.mp4: ")
    assert "cut short or damaged" in text


@pytest.mark.video
def test_frames_that_cannot_be_decoded_name_the_codec_and_what_to_do(cv2, tmp_path):
    # the container (ftyp, moov) is intact; every frame's data is zeroed
    data = bytearray(CLIP.read_bytes())
    mdat = data.find(b"mdat")
    data[mdat + 8:] = bytes(len(data) - mdat - 8)
    path = tmp_path / "blank.mp4"
    path.write_bytes(bytes(data))
    with pytest.raises(video.VideoError) as err:
        video.keypoints_from_video(path, progress=False)
    text = str(err.value)
    assert text.startswith("blank.mp4: no frame could be decoded (codec VP90)")
    assert "convert it as H.264 MP4" in text


@pytest.mark.video
def test_garbage_behind_a_video_header_is_refused(cv2, tmp_path):
    path = tmp_path / "odd.mov"
    path.write_bytes(b"\x00\x00\x00\x18ftypqt  " + bytes(range(256)) * 40)
    with pytest.raises(video.VideoError, match="odd.mov: "):
        video.keypoints_from_video(path, progress=False)


@pytest.mark.video
def test_a_video_without_a_person_says_so(cv2, tmp_path):
    path = write_video(tmp_path / "wall.avi", cv2)
    with pytest.raises(video.VideoError, match="wall.avi: no person was found in any of the "
                                               "20 frames"):
        video.keypoints_from_video(path, progress=False)


@pytest.mark.video
def test_video_info_reads_size_rate_and_codec(cv2, tmp_path):
    path = write_video(tmp_path / "wall.avi", cv2)
    info = video.video_info(path)
    assert (info["width"], info["height"], info["rotation"]) == (160, 120, 0)
    assert info["fps"] == pytest.approx(10.0)
    assert info["codec"] == "MJPG"


# ---------------------------------------------------------------- the widgets


def test_the_progress_bar_shows_frames_speed_and_time_left():
    from hinge_lib.widgets.video_upload import video_progress

    bar = video_progress()
    bar(50, 200, 31.25, 4.8)
    assert (bar.bar.value, bar.bar.max) == (50, 200)
    assert bar.label.value == "50 of 200 frames, 31.2 frames/s, about 5 s left"
    bar(200, 200, 31.0, 0.0)
    assert bar.bar.bar_style == "success"


def test_the_checker_shows_a_missing_extra_as_a_message(monkeypatch):
    from hinge_lib.widgets.video_upload import video_checker

    monkeypatch.setattr(video, "video_support",
                        lambda: (False, f"the video extra is not installed; {video.EXTRA_HINT}"))
    box = video_checker()
    box.check_upload("squat.mov", b"\x00\x00\x00\x18ftypqt  ")
    assert "squat.mov: cannot read videos" in box.message.value
    assert "pip install -e .[video]" in box.message.value
    assert box.last_result() is None


@pytest.mark.video
def test_the_checker_shows_a_bad_file_as_a_message_and_keeps_the_log(cv2, tmp_path):
    from hinge_lib.recordings.practice_log import PracticeLog
    from hinge_lib.widgets.video_upload import video_checker

    log = PracticeLog(tmp_path / "log.sqlite3")
    box = video_checker(log=log)
    box.check_upload("holiday.mp4", b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert "holiday.mp4: not a video (it looks like a PNG picture)" in box.message.value
    box.check_path("")
    assert "Type the path" in box.message.value
    box.save()
    assert log.sessions().empty


@pytest.mark.video
def test_the_checker_analyses_a_video_path_and_saves_it_to_the_log(cv2, tmp_path):
    from hinge_lib.recordings.practice_log import PracticeLog
    from hinge_lib.widgets.video_upload import video_checker

    log = PracticeLog(tmp_path / "log.sqlite3")
    box = video_checker(log=log)
    box.check_path(str(CLIP))
    result = box.last_result()
    assert result is not None, box.message.value
    assert result.report.reps.empty
    assert "sports2d-demo.mp4: 230 frames read" in box.message.value
    box.save()
    assert "Saved as session" in box.saved_message.value
    sessions = log.sessions()
    assert len(sessions) == 1
    assert "spine not measured" in sessions["notes"].iloc[0]


@pytest.mark.video
def test_the_checker_opens_the_learners_own_log_only_when_saving(cv2, tmp_path, monkeypatch):
    from hinge_lib.recordings.practice_log import PracticeLog
    from hinge_lib.widgets.video_upload import video_checker

    own = tmp_path / "data" / "practice.sqlite3"
    monkeypatch.setenv("HINGE_COACH_DB", str(own))
    box = video_checker(log=PracticeLog)  # as notebook 14 does
    box.check_path(str(CLIP))
    assert box.last_result() is not None, box.message.value
    assert not own.exists()  # nothing made before anything is saved
    box.save()
    assert f"in {own}" in box.saved_message.value
    assert len(PracticeLog(own).sessions()) == 1
    # a log that cannot be opened is a message, not a traceback
    monkeypatch.setenv("HINGE_COACH_DB", str(tmp_path))  # a folder, not a file
    box = video_checker(log=PracticeLog)
    box.check_path(str(CLIP))
    box.save()
    assert "Not saved:" in box.saved_message.value and "is a folder" in box.saved_message.value


def test_the_video_notebook_is_skipped_with_the_reason_on_newer_pythons():
    import conftest

    class Item:
        def __init__(self, name):
            self.path = ROOT / "notebooks" / name
            self.marks = []

        def add_marker(self, mark):
            self.marks.append(mark)

    items = [Item("14-film-your-hinge.ipynb"), Item("11-check-a-recorded-lift.ipynb")]
    conftest.mark_notebooks(items, (3, 12, 0))
    assert [m.name for m in items[0].marks] == ["notebook", "video"]
    assert [m.name for m in items[1].marks] == ["notebook"]
    for item in items:
        item.marks.clear()
    conftest.mark_notebooks(items, (3, 13, 0))
    video_nb = next(i for i in items if i.path.name.startswith("14"))
    other = next(i for i in items if i.path.name.startswith("11"))
    assert "no wheels for Python 3.13" in video_nb.marks[-1].kwargs["reason"]
    assert [m.name for m in other.marks] == ["notebook"]


def test_in_the_class_app_the_checker_says_no_log_is_kept_and_saves_nothing(tmp_path,
                                                                             monkeypatch):
    import ipywidgets as widgets

    from hinge_lib.recordings.practice_log import CLASS_APP_NOTE, CLASS_APP_VARIABLE, PracticeLog
    from hinge_lib.widgets.video_upload import video_checker

    log = PracticeLog(tmp_path / "log.sqlite3")
    monkeypatch.setenv(CLASS_APP_VARIABLE, "1")
    box = video_checker(log=log)

    def parts(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from parts(child)

    shown = list(parts(box))
    buttons = [w.description for w in shown if isinstance(w, widgets.Button)]
    assert "Save to practice log" not in buttons and "Analyse" not in buttons  # no path box
    assert not any(isinstance(w, widgets.Text) for w in shown)
    assert "class app keeps no practice log" in box.saved_message.value
    assert CLASS_APP_NOTE.split(":")[0] in box.saved_message.value
    box.save()
    assert log.sessions().empty


@pytest.mark.video
def test_the_real_clip_reports_its_camera_angle_size_and_jitter(demo):
    table, _ = demo
    poses = poses_from_keypoints(table)
    # the walker is filmed side-on; 230 frames at 1768 x 994
    assert 0.0 <= poses.attrs["camera_angle_deg"] <= 30.0
    assert 300 < poses.attrs["person_height_px"] < 550
    assert 1.0 < poses.attrs["jitter_px"] < 6.0
    assert any("low-pass filtered at 6 Hz" in r for r in poses.attrs["repairs"])
    report = analyze_motion(poses)
    assert f"Camera about {poses.attrs['camera_angle_deg']:.0f} degrees off side-on" in (
        report.message)
    # the walker's seconds are named as not judged: the feet move along the floor
    assert any("stepping or walking" in e.reason for e in report.not_judged)
    assert "Not analysed" in report.message  # the seconds before the usable stretch


@pytest.mark.video
def test_the_real_clip_is_refused_when_its_camera_angle_is_beyond_a_stricter_promise(demo):
    table, _ = demo
    angle = poses_from_keypoints(table).attrs["camera_angle_deg"]
    with pytest.raises(ValueError, match="not filmed from the side"):
        poses_from_keypoints(table, max_angle_off_side_deg=angle - 1.0)


def test_a_report_with_seconds_not_judged_is_not_shown_in_the_green_box():
    from hinge_lib.recordings.keypoints import KeypointError
    from hinge_lib.recordings.synthetic import (
        keypoints_from_poses,
        synthetic_motion,
        synthetic_session,
    )
    from hinge_lib.view import palette
    from hinge_lib.widgets.video_upload import describe_problem, report_box

    clean = synthetic_motion("hinge", reps=3, rate_hz=30.0, seed=1, noise_deg=0.0)
    clean[["lumbar", "thoracic"]] = 0.0
    good = analyze_motion(poses_from_keypoints(keypoints_from_poses(clean, px_per_m=300.0)))
    assert good.judged_in_full and palette.GOOD in report_box(good)
    jump = analyze_motion(poses_from_keypoints(keypoints_from_poses(
        synthetic_session("jump", rate_hz=30.0), px_per_m=300.0)))
    assert not jump.judged_in_full
    assert palette.GOOD not in report_box(jump) and "feet left the floor" in report_box(jump)
    with pytest.raises(KeypointError) as err:
        poses_from_keypoints(keypoints_from_poses(clean, angle_off_side_deg=-90.0))
    shown = describe_problem(err.value, "behind.mp4")
    assert "not filmed from the side" in shown
