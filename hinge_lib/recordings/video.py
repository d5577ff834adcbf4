"""Body keypoints from a video file, on this computer, with MediaPipe Pose.

`keypoints_from_video(path)` streams the video frame by frame with OpenCV (frames are never
all held in memory), runs MediaPipe Pose on each frame and returns the keypoint table that
`poses_from_keypoints` reads: ``time`` (s, from each frame's own timestamp, so phone videos
with a variable frame rate keep their real timing), ``frame`` (0-based), and
``<landmark>_x``, ``<landmark>_y`` (pixels of the upright picture, y down) and
``<landmark>_visibility`` for the landmarks in `LANDMARKS`. Frames with no person have
empty cells.

Needs the optional ``video`` extra (``pip install -e .[video]``): MediaPipe 0.10.21, the last
release whose wheel carries the pose model, used with model complexity 1, the only one that
runs without downloading a model; it exists for Python 3.9 to 3.12. Nothing is uploaded and
nothing is downloaded.

What is reported in ``attrs`` (and in words in ``attrs["notes"]``): frames with no person,
frames where the needed landmarks were seen only faintly (visibility under
``MIN_VISIBILITY`` on both sides), and jumps of the tracked body by more than a trunk length
between frames. MediaPipe Pose follows one person; a jump usually means it switched to
someone else, which is how a second person in the picture shows up.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hinge_lib.recordings.keypoints import LANDMARKS, MAX_JUMP_TRUNKS, MIN_VISIBILITY

if TYPE_CHECKING:  # pragma: no cover
    from hinge_lib.model.body import Body
    from hinge_lib.recordings.reps import MotionReport

#: (frames done, frames expected or 0 if unknown, frames per second, seconds left or NaN)
ProgressCallback = Callable[[int, int, float, float], None]
EXTRA_HINT = ("install the video extra: `pip install -e .[video]` in the project folder "
              "(`python3 tasks.py test` installs it too)")
MODEL_COMPLEXITY = 1
_MAGIC = (
    (4, b"ftyp", "MP4/MOV"), (0, b"RIFF", "AVI"), (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM"),
    (0, b"\x00\x00\x01\xba", "MPEG"), (0, b"FLV", "FLV"), (0, b"\x30\x26\xb2\x75", "WMV"),
)
_NOT_VIDEO = (
    (b"\x89PNG", "a PNG picture"), (b"\xff\xd8\xff", "a JPEG picture"), (b"GIF8", "a GIF"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"),
)


class VideoError(ValueError):
    """A video could not be read or held nothing usable; the message names the file."""


class VideoExtraMissing(ImportError):
    """The optional video extra (MediaPipe, OpenCV) is not installed."""


def video_support() -> tuple[bool, str]:
    """(can videos be read here, why not): checks the Python version and the extra.

    Examples
    --------
    >>> ok, why = video_support()
    >>> isinstance(ok, bool) and isinstance(why, str)
    True
    """
    if tuple(sys.version_info[:2]) >= (3, 13):
        return False, (f"MediaPipe 0.10.21 has no wheels for Python "
                       f"{sys.version_info[0]}.{sys.version_info[1]} "
                       "(only 3.9 to 3.12); use Python 3.12 or older to read videos")
    try:
        import cv2  # noqa: F401
        import mediapipe  # noqa: F401
    except ImportError as err:
        return False, f"the video extra is not installed ({err}); {EXTRA_HINT}"
    return True, ""


def _require_extra(label: str):
    ok, why = video_support()
    if not ok:
        raise VideoExtraMissing(f"{label}: cannot read videos: {why}")
    import cv2
    import mediapipe as mp

    return cv2, mp


def _sniff(path: Path) -> tuple[str | None, str | None]:
    """(container name if the first bytes look like a video, what else it looks like)."""
    with path.open("rb") as f:
        head = f.read(64)
    for offset, magic, name in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return name, None
    for magic, what in _NOT_VIDEO:
        if head.startswith(magic):
            return None, what
    try:
        head.decode("utf-8")
        return None, "a text file"
    except UnicodeDecodeError:
        return None, None


def rotate_frame(frame: np.ndarray, degrees: int, cv2=None) -> np.ndarray:
    """Turn a decoded frame upright by its rotation metadata (0, 90, 180 or 270 degrees
    clockwise, as phones record it).

    Examples
    --------
    >>> frame = np.zeros((2, 3, 3), dtype=np.uint8)
    >>> rotate_frame(frame, 90).shape
    (3, 2, 3)
    """
    turns = (int(round(degrees / 90.0)) % 4)
    if turns == 0:
        return frame
    return np.ascontiguousarray(np.rot90(frame, k=-turns, axes=(0, 1)))


def text_progress(stream=None, every_s: float = 0.5) -> ProgressCallback:
    """A progress callback that writes one updating line, e.g.
    ``video: 120/230 frames  34.1 frames/s  3 s left`` (at most every ``every_s``)."""
    out = stream if stream is not None else sys.stderr
    last = [0.0]

    def show(done: int, total: int, fps: float, left: float) -> None:
        now = time.monotonic()
        final = total > 0 and done >= total
        if not final and now - last[0] < every_s:
            return
        last[0] = now
        of = f"/{total}" if total else ""
        rest = f"  {left:.0f} s left" if np.isfinite(left) else ""
        out.write(f"\rvideo: {done}{of} frames  {fps:.1f} frames/s{rest}   ")
        if final:
            out.write("\n")
        out.flush()

    return show


def _open(path: str | os.PathLike[str], cv2) -> tuple:
    path = Path(path)
    label = path.name
    if not path.exists():
        raise VideoError(f"{label}: no such file: {path}")
    if not path.is_file():
        raise VideoError(f"{label}: is a folder, not a video file")
    if path.stat().st_size == 0:
        raise VideoError(f"{label}: the file is empty (0 bytes); record or copy it again")
    container, other = _sniff(path)
    if container is None and other is not None:
        raise VideoError(f"{label}: not a video (it looks like {other}); choose a video file "
                         "such as .mp4 or .mov")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        if container is None:
            raise VideoError(f"{label}: not a video file OpenCV can open; choose a video such "
                             "as .mp4 or .mov")
        raise VideoError(f"{label}: a {container} file that cannot be opened: it may be cut "
                         "short or damaged; copy it from the phone again")
    return cap, label, container


def _fourcc(cap, cv2) -> str:
    code = int(cap.get(cv2.CAP_PROP_FOURCC))
    text = code.to_bytes(4, "little").decode("ascii", errors="replace").strip("\x00 ")
    return text if text.isprintable() else ""


def video_info(path: str | os.PathLike[str]) -> dict:
    """Frame size (upright), frame rate, frame count, duration, rotation and codec of a video.

    Raises `VideoError` for a file that is not a readable video and `VideoExtraMissing`
    without the video extra.
    """
    cv2, _ = _require_extra(Path(path).name)
    cap, label, container = _open(path, cv2)
    try:
        return _info(cap, cv2, label, container)
    finally:
        cap.release()


def _info(cap, cv2, label: str, container: str | None) -> dict:
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    rotation = int(round(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0)) % 360
    w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if rotation in (90, 270):
        w, h = h, w
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    count = max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 0)
    return {"name": label, "width": w, "height": h, "fps": fps, "frame_count": count,
            "duration_s": count / fps if fps > 0 else float("nan"), "rotation": rotation,
            "codec": _fourcc(cap, cv2), "container": container or "unknown"}


def _undecodable(label: str, info: dict) -> VideoError:
    codec = f" (codec {info['codec']})" if info.get("codec") else ""
    return VideoError(
        f"{label}: no frame could be decoded{codec}. The file may be cut short or damaged, or "
        "use a codec this OpenCV cannot decode (HEVC/H.265 from some phones is a common "
        "case): export or convert it as H.264 MP4 and try again")


def keypoints_from_video(
    path: str | os.PathLike[str],
    *,
    progress: ProgressCallback | bool | None = True,
    start_s: float = 0.0,
    end_s: float | None = None,
    min_detection_confidence: float = 0.5,
    min_tracking_confidence: float = 0.5,
    max_side_px: int = 1280,
) -> pd.DataFrame:
    """Body keypoints of the person in a video, frame by frame (see the module docs).

    Parameters
    ----------
    path : str or PathLike
        A video file (.mp4, .mov, .avi, .mkv, .webm ... whatever OpenCV's FFmpeg decodes).
    progress : callable, bool or None
        ``True`` writes a text progress line to stderr; ``False``/``None`` stays quiet; a
        callable is called as ``progress(done, total, frames_per_s, seconds_left)`` (a notebook
        passes a progress-bar widget here).
    start_s, end_s : float
        Analyse only this part of the video (seconds).
    min_detection_confidence, min_tracking_confidence : float
        MediaPipe Pose thresholds (0-1).
    max_side_px : int
        Frames larger than this are shrunk before detection (coordinates stay in the
        original pixels); MediaPipe looks at a 256-pixel picture anyway.

    Returns
    -------
    DataFrame
        ``time``, ``frame`` and ``<landmark>_x/_y/_visibility`` columns; ``attrs`` holds the
        video's ``name``, ``width``, ``height`` (upright), ``fps``, ``rotation``, ``codec``,
        ``frames_total``, ``frames_without_person``, ``frames_low_visibility``,
        ``person_jumps`` (times in s) and ``notes`` (all of it in words).

    Raises
    ------
    VideoExtraMissing
        Without the video extra (the message says how to install it).
    VideoError
        (a ValueError) for a missing, empty, non-video, damaged or undecodable file, or when
        no person was found in any frame; the message names the file.

    Examples
    --------
    >>> keypoints_from_video("no-such-clip.mp4")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hinge_lib.recordings.video.Video...: no-such-clip.mp4: ...
    """
    label = Path(path).name
    for name, value in (("min_detection_confidence", min_detection_confidence),
                        ("min_tracking_confidence", min_tracking_confidence)):
        if not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name}={value!r}: allowed range 0 to 1")
    if start_s < 0 or (end_s is not None and end_s <= start_s):
        raise ValueError(f"start_s={start_s!r}, end_s={end_s!r}: need 0 <= start_s < end_s")
    if not 64 <= int(max_side_px) <= 8192:
        raise ValueError(f"max_side_px={max_side_px!r}: allowed range 64 to 8192")
    cv2, mp = _require_extra(label)
    cap, label, container = _open(path, cv2)
    report = text_progress() if progress is True else (progress or None)
    try:
        info = _info(cap, cv2, label, container)
        if start_s > 0:
            cap.set(cv2.CAP_PROP_POS_MSEC, start_s * 1000.0)
        table, times, frames_read, clock_note = _track(
            cap, cv2, mp, info, report, start_s, end_s, min_detection_confidence,
            min_tracking_confidence, int(max_side_px))
    finally:
        cap.release()
    if frames_read == 0:
        if start_s > 0:
            raise VideoError(f"{label}: no frames after {start_s:g} s (the video lasts "
                             f"{info['duration_s']:.1f} s)")
        raise _undecodable(label, info)
    return _table(label, info, table, times, frames_read, clock_note)


def _track(cap, cv2, mp, info: dict, report: ProgressCallback | None, start_s: float,
           end_s: float | None, det: float, trk: float, max_side: int):
    names = [lm.name.lower() for lm in mp.solutions.pose.PoseLandmark]
    wanted = [names.index(n) for n in LANDMARKS]
    fps = info["fps"]
    total = info["frame_count"]
    if total and fps > 0:
        first = int(round(start_s * fps))
        last = total if end_s is None else min(total, int(np.ceil(end_s * fps)))
        total = max(last - first, 0)
    rows: list[np.ndarray] = []
    times: list[float] = []
    clock_note = ""
    started = time.monotonic()
    w, h = info["width"], info["height"]
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=MODEL_COMPLEXITY,
                                smooth_landmarks=True, enable_segmentation=False,
                                min_detection_confidence=det,
                                min_tracking_confidence=trk) as pose:
        i = 0
        while True:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            ms = cap.get(cv2.CAP_PROP_POS_MSEC)
            t = ms / 1000.0 if ms is not None and np.isfinite(ms) else np.nan
            if times and not (t > times[-1]):
                # the container gave no usable timestamp: count frames instead
                step = 1.0 / fps if fps > 0 else 1.0 / 30.0
                t = times[-1] + step
                clock_note = ("some frames had no timestamp; their time was counted from the "
                              "frame rate")
            if end_s is not None and t > end_s + 1e-9:
                break
            times.append(t)
            frame = rotate_frame(frame, info["rotation"])
            fh, fw = frame.shape[:2]
            big = max(fh, fw)
            small = frame if big <= max_side else cv2.resize(
                frame, (int(round(fw * max_side / big)), int(round(fh * max_side / big))),
                interpolation=cv2.INTER_AREA)
            found = pose.process(cv2.cvtColor(small, cv2.COLOR_BGR2RGB)).pose_landmarks
            row = np.full(3 * len(wanted), np.nan)
            if found is not None:
                marks = found.landmark
                for k, j in enumerate(wanted):
                    row[3 * k] = marks[j].x * fw
                    row[3 * k + 1] = marks[j].y * fh
                    row[3 * k + 2] = marks[j].visibility
            rows.append(row)
            i += 1
            if report is not None:
                spent = time.monotonic() - started
                rate = i / spent if spent > 0 else 0.0
                left = (total - i) / rate if total and rate > 0 else float("nan")
                report(i, max(total, i) if total else 0, rate, max(left, 0.0))
        if w == 0 or h == 0:
            info["width"], info["height"] = (fw, fh) if rows else (0, 0)
    return rows, times, len(rows), clock_note


def _table(label: str, info: dict, rows: list[np.ndarray], times: list[float],
           frames_read: int, clock_note: str) -> pd.DataFrame:
    data = np.vstack(rows)
    cols: dict[str, np.ndarray] = {"time": np.asarray(times, dtype=float),
                                   "frame": np.arange(frames_read)}
    for k, name in enumerate(LANDMARKS):
        cols[f"{name}_x"] = data[:, 3 * k]
        cols[f"{name}_y"] = data[:, 3 * k + 1]
        cols[f"{name}_visibility"] = data[:, 3 * k + 2]
    out = pd.DataFrame(cols)
    t = out["time"].to_numpy()
    nobody = np.isnan(data).all(axis=1)
    needed = [f"{s}_{p}" for p in ("shoulder", "hip", "knee", "ankle") for s in ("left", "right")]
    vis = out[[f"{n}_visibility" for n in needed]].to_numpy()
    faint_side = [(vis[:, i::2] < MIN_VISIBILITY).any(axis=1) for i in (0, 1)]
    faint = ~nobody & faint_side[0] & faint_side[1]
    jumps = _jumps(out, nobody)
    if nobody.all():
        raise VideoError(f"{label}: no person was found in any of the {frames_read} frames. "
                         "Film from the side with the whole body in the picture, in good "
                         "light, one person at a time")
    notes = [f"{frames_read} frames read ({info['width']}x{info['height']} pixels"
             + (f", {info['fps']:.1f} frames/s" if info["fps"] > 0 else "")
             + (f", turned {info['rotation']} degrees as the phone recorded it"
                if info["rotation"] else "") + ")"]
    if len(t) > 2:
        steps = np.diff(t)
        if steps.max() > 1.5 * np.median(steps):
            notes.append("the frame rate varies: the real time of each frame is used")
    if clock_note:
        notes.append(clock_note)
    if nobody.any():
        notes.append(f"no person found in {int(nobody.sum())} frame(s)"
                     + _where(t, nobody))
    if faint.any():
        notes.append(f"{int(faint.sum())} frame(s) where shoulders, hips, knees or ankles were "
                     f"seen only faintly (visibility under {MIN_VISIBILITY:g} on both sides)"
                     + _where(t, faint))
    if len(jumps):
        notes.append("the tracked body jumped by more than a trunk length at "
                     + ", ".join(f"{x:.2f} s" for x in jumps[:5])
                     + (" ..." if len(jumps) > 5 else "")
                     + ": probably another person came into the picture (MediaPipe Pose "
                       "follows one person at a time)")
    out.attrs.update(
        name=label, width=info["width"], height=info["height"], fps=info["fps"],
        rotation=info["rotation"], codec=info["codec"], frames_total=frames_read,
        frames_without_person=int(nobody.sum()), frames_low_visibility=int(faint.sum()),
        person_jumps=[float(x) for x in jumps], notes=notes,
        source_format="video (MediaPipe Pose 0.10.21, model complexity 1)",
    )
    return out


def _where(t: np.ndarray, mask: np.ndarray) -> str:
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    spans = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))
    text = ", ".join(f"{t[a]:.2f}-{t[b]:.2f} s" if b > a else f"{t[a]:.2f} s"
                     for a, b in spans[:4])
    return f" ({text}{' ...' if len(spans) > 4 else ''})"


def _jumps(table: pd.DataFrame, nobody: np.ndarray) -> np.ndarray:
    """Times where the mid-hip moved more than a trunk length since the last frame with a
    person (the tracker switched people)."""
    hip = np.column_stack([(table[f"left_hip_{a}"] + table[f"right_hip_{a}"]).to_numpy() / 2
                           for a in ("x", "y")])
    sho = np.column_stack([(table[f"left_shoulder_{a}"] + table[f"right_shoulder_{a}"])
                           .to_numpy() / 2 for a in ("x", "y")])
    idx = np.flatnonzero(~nobody & ~np.isnan(hip).any(axis=1) & ~np.isnan(sho).any(axis=1))
    if len(idx) < 2:
        return np.array([])
    trunk = np.linalg.norm(sho[idx] - hip[idx], axis=1)
    step = np.linalg.norm(np.diff(hip[idx], axis=0), axis=1)
    jump = step > MAX_JUMP_TRUNKS * np.maximum(trunk[1:], trunk[:-1])
    return table["time"].to_numpy()[idx[1:][jump]]


def video_frames(path: str | os.PathLike[str], times: Sequence[float],
                 width: int = 480) -> dict[float, np.ndarray]:
    """Upright RGB pictures (``uint8``, ``width`` pixels wide) of the frames nearest ``times``
    (s), read in one pass through the video; for drawing keypoints over a few frames."""
    cv2, _ = _require_extra(Path(path).name)
    cap, label, container = _open(path, cv2)
    wanted = sorted({float(x) for x in times})
    out: dict[float, np.ndarray] = {}
    try:
        info = _info(cap, cv2, label, container)
        prev_t, prev = None, None
        k = 0
        while k < len(wanted):
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            while k < len(wanted) and t >= wanted[k] - 1e-6:
                pick = frame
                if prev is not None and abs(prev_t - wanted[k]) < abs(t - wanted[k]):
                    pick = prev
                out[wanted[k]] = _picture(pick, info["rotation"], width, cv2)
                k += 1
            prev_t, prev = t, frame
        for rest in wanted[k:]:
            if prev is not None:
                out[rest] = _picture(prev, info["rotation"], width, cv2)
    finally:
        cap.release()
    if not out:
        raise _undecodable(label, info)
    return out


def _picture(frame: np.ndarray, rotation: int, width: int, cv2) -> np.ndarray:
    frame = rotate_frame(frame, rotation)
    h, w = frame.shape[:2]
    small = cv2.resize(frame, (width, max(int(round(h * width / w)), 1)),
                       interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_BGR2RGB)


def jpeg_data_uri(picture: np.ndarray, quality: int = 80) -> str:
    """An RGB picture as a ``data:image/jpeg;base64,...`` address (for plotly images)."""
    import base64

    cv2, _ = _require_extra("picture")
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(picture, cv2.COLOR_RGB2BGR),
                           [int(cv2.IMWRITE_JPEG_QUALITY), int(quality)])
    if not ok:
        raise ValueError("the picture could not be encoded as JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


@dataclass(frozen=True, eq=False)
class VideoCheck:
    """Everything `check_video` found: the keypoint table, the poses read from it and the
    rep analysis (`MotionReport`), plus ``notes`` in words (video, then poses)."""

    path: Path
    keypoints: pd.DataFrame
    poses: pd.DataFrame
    report: MotionReport

    @property
    def notes(self) -> list[str]:
        return [*self.keypoints.attrs.get("notes", []), *self.poses.attrs.get("repairs", [])]

    @property
    def cannot_measure(self) -> list[str]:
        return list(self.poses.attrs.get("cannot_measure", []))


def check_video(
    path: str | os.PathLike[str],
    *,
    body: Body | None = None,
    load_kg: float = 0.0,
    progress: ProgressCallback | bool | None = True,
    **options,
) -> VideoCheck:
    """Video -> keypoints -> poses -> reps, faults and summary, in one call.

    ``options`` go to `keypoints_from_video` (``start_s``, ``end_s`` ...) or, for ``facing``,
    ``side``, ``min_visibility``, ``max_gap_s``, ``camera_roll_deg``, ``filter_hz`` and
    ``max_angle_off_side_deg``, to `poses_from_keypoints`. Raises what those raise
    (`VideoError`, `VideoExtraMissing`, `KeypointError`), each naming the file.
    """
    from hinge_lib.recordings.keypoints import poses_from_keypoints
    from hinge_lib.recordings.reps import analyze_motion

    pose_keys = ("facing", "side", "min_visibility", "max_gap_s", "camera_roll_deg",
                 "filter_hz", "max_angle_off_side_deg")
    pose_options = {k: options.pop(k) for k in pose_keys if k in options}
    keypoints = keypoints_from_video(path, progress=progress, **options)
    poses = poses_from_keypoints(keypoints, **pose_options)
    report = analyze_motion(poses, body=body, load_kg=load_kg)
    return VideoCheck(path=Path(path), keypoints=keypoints, poses=poses, report=report)
