"""Turn 2-D body keypoints seen from the side into the model's joint angles.

`poses_from_keypoints(keypoints)` works with keypoints from any tool (MediaPipe Pose through
`keypoints_from_video`, Sports2D ``.trc`` files through `read_trc`, or points clicked by
hand). It uses numpy and pandas only.

The keypoint table
------------------
One row per video frame: a ``time`` column in seconds, then ``<landmark>_x`` and
``<landmark>_y`` in pixels (x to the right, y **down**, as in an image), and optionally
``<landmark>_visibility`` (0 to 1, how sure the detector is that the point is visible).
Landmark names follow MediaPipe Pose: ``nose`` and, for each side, ``left_``/``right_`` +
``ear``, ``shoulder``, ``hip``, ``knee``, ``ankle``, ``heel``, ``foot_index`` (the toes).
Cells may be empty (``NaN``) where nothing was found. Other columns are ignored.

What is measured, and how (degrees, model conventions, see `hinge_lib.model.pose`)
-------------------------------------------------------------------------------------
Each segment's tilt from vertical is the direction of the line between two keypoints, with
"forward" the way the person faces:

- ``ankle`` = tilt of the shin (ankle -> knee); positive = knee ahead of the ankle
- ``knee`` = shin tilt - thigh tilt (knee -> hip); 0 = straight
- ``hip`` = trunk-line tilt (hip -> shoulder) - thigh tilt: the angle between the thigh and
  the straight line from hip to shoulder
- ``neck`` = head tilt - trunk-line tilt; + = chin towards the chest. The head's line runs
  to the ear from the top of the upper back, placed on the trunk line above the shoulder by
  the model's proportions (`neck_above_shoulder`)
- ``lumbar`` and ``thoracic`` are **unknown** (``NaN``): hip and shoulder points cannot
  separate pelvis, lower back and upper back. Because hip flexion is measured against the
  trunk line, a rounded back counts as hip bend, so a round-back bend can look like a good
  hinge. The spine was not measured; judge rounding by eye on the video.

Assumptions and repairs (each one is reported in ``attrs``):

- The camera is level: straight down in the image is taken as vertical. A phone tilted by
  5 degrees tilts every segment by 5 degrees and so shifts the ankle angle by 5 degrees
  (knee and hip, being differences, are not affected). Pass ``camera_roll_deg`` if the tilt
  is known (positive = the phone turned clockwise, so that the scene appears turned
  anticlockwise in the picture).
- Facing direction: the toes ahead of the heels and the nose in front of the line from
  shoulder to ear, counted over half a second around every frame, so a person who turns
  round is followed; pass ``facing="left"`` or ``"right"`` to set it.
- Nearer side: the side whose shoulder, hip, knee and ankle the detector saw more clearly
  (higher visibility, over the same half second). Without visibility columns: the right side
  when the person faces right in the picture and the left side when facing left, which holds
  for videos that are not mirrored (some front cameras mirror). Pass ``side`` to set it.
- Left/right swaps: detectors sometimes swap the labels of the two legs (or of the two
  shoulders and ears) for a few frames. Frame by frame, the labelling that keeps each point
  closer to where it was in the previous frame is kept; each swap repaired is counted.
- Unusable frames: a frame is unusable when one of the nearer side's shoulder, hip, knee or
  ankle is missing or has visibility under ``min_visibility``, or when the person is not
  side-on: the camera's angle off side-on, estimated in that frame from how far apart the
  two shoulders and the two hips appear (`hinge_lib.recordings.camera`), is over
  ``max_frame_angle_off_side_deg`` (data/recording_limits.csv): the chest or back is turned to
  the camera. Gaps of unusable frames up to
  ``max_gap_s`` are filled by linear interpolation of the angles; longer gaps, and jumps of
  the hip by more than one trunk length from one frame to the next (the detector switched to
  another person), split the recording into stretches. The longest stretch is returned; the
  others are listed in ``attrs["stretches"]`` and the seconds left out in
  ``attrs["excluded"]`` (the report names them).
- Filtering: every keypoint is low-pass filtered over time (zero-lag Butterworth, cut-off
  ``filter_cutoff_hz`` of data/recording_limits.csv, 6 Hz) before any angle is measured, as
  biomechanics filters marker data; the jitter it took out is reported.
- The promise (`hinge_lib.recordings.limits.promise`): a clip whose camera angle off side-on
  is estimated beyond ``promise_max_angle_off_side_deg`` is refused with that reason; a person
  shorter in the picture than ``promise_min_person_height_px`` gets a warning in the report.
- Feet: the model keeps both feet flat in one place. Seconds where the heel and toes rise
  above the floor by more than ``flight_height_m`` (a jump, a hop, a rise on the toes) or the
  ankle moves along the floor faster than ``stepping_speed_m_s`` (stepping, walking) are
  listed in ``attrs["not_judged"]``, and a rep in them is not judged.

A side view cannot measure, whatever the detector: rounding or arching of the spine, knees
caving in or pushed out, stance width, turning of the pelvis or trunk, left-right
differences (only the nearer side is used), and forces (fast swings need more than
positions). These are listed in ``attrs["cannot_measure"]``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

from hinge_lib.model.body import Body
from hinge_lib.model.pose import POSE_FIELDS
from hinge_lib.recordings.camera import angle_off_side, stature_px
from hinge_lib.recordings.feet import feet_spans_in_picture
from hinge_lib.recordings.filtering import effective_cutoff, low_pass
from hinge_lib.recordings.limits import limit, promise
from hinge_lib.recordings.timeline import Excluded

POSE_COLUMNS: tuple[str, ...] = POSE_FIELDS
SIDE_PARTS: tuple[str, ...] = ("ear", "shoulder", "hip", "knee", "ankle", "heel", "foot_index")
LANDMARKS: tuple[str, ...] = (
    "nose", *(f"{side}_{part}" for side in ("left", "right") for part in SIDE_PARTS))
#: Keypoints of the nearer side that every usable frame needs.
REQUIRED_PARTS: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle")
#: Pose columns a side view of hip and shoulder points cannot measure.
SPINE_COLUMNS: tuple[str, ...] = ("lumbar", "thoracic")
MIN_VISIBILITY = 0.5
MAX_GAP_S = 0.1
#: A jump of the hip by more than this many trunk lengths between two frames ends a stretch.
MAX_JUMP_TRUNKS = 1.0
#: Facing direction and nearer side are decided over a window of this many seconds.
TURN_WINDOW_S = 0.5
#: From this camera angle off side-on (degrees) forward distances are stretched back by
#: 1 / cos(angle) and the trunk line is moved onto the body's midline; below it the estimate's
#: own spread is larger than the correction.
MIDLINE_FROM_DEG = 5.0
CANNOT_MEASURE: tuple[str, ...] = (
    "the spine's curve (lower and upper back): hip flexion is measured between the thigh and "
    "the hip-shoulder line, so a rounded back counts as hip bend; judge rounding by eye",
    "knees caving in or pushed out (needs a front view)",
    "stance width and foot turn-out (needs a front view)",
    "turning of the pelvis or trunk",
    "differences between left and right (only the nearer side is used)",
    "forces and loads in fast movements such as swings (positions only)",
)
_LEGS = ("hip", "knee", "ankle", "heel", "foot_index")
_UPPER = ("ear", "shoulder")


_FILM_AGAIN = ("Film again from the side (the phone level, at about hip height, square to the "
               "person's side), with the whole body in the picture.")


class KeypointError(ValueError):
    """The keypoint table cannot be turned into poses; the message says which column."""


def _column(keypoints: pd.DataFrame, name: str) -> np.ndarray | None:
    if name not in keypoints.columns:
        return None
    try:
        return pd.to_numeric(keypoints[name], errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise KeypointError(f"keypoints: column {name!r} must hold numbers "
                            f"(pixels or visibility 0-1)") from None


def _points(keypoints: pd.DataFrame, name: str, n: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """(xy array (n, 2) with NaN where absent, visibility (n,), visibility column present)."""
    x = _column(keypoints, f"{name}_x")
    y = _column(keypoints, f"{name}_y")
    if (x is None) != (y is None):
        have, lack = (f"{name}_x", f"{name}_y") if x is not None else (f"{name}_y", f"{name}_x")
        raise KeypointError(f"keypoints: column {have!r} has no partner {lack!r}")
    xy = np.full((n, 2), np.nan) if x is None else np.column_stack((x, y))
    if np.isinf(xy).any():
        row = int(np.argwhere(np.isinf(xy))[0][0])
        raise KeypointError(f"keypoints: {name} has an infinite coordinate in row {row}")
    vis = _column(keypoints, f"{name}_visibility")
    has_vis = vis is not None
    if vis is None:
        vis = np.where(np.isnan(xy).any(axis=1), 0.0, 1.0)
    else:
        bad = (vis < 0) | (vis > 1)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise KeypointError(f"keypoints: {name}_visibility = {vis[row]:g} in row {row}; "
                                "allowed range 0 to 1")
        vis = np.where(np.isnan(vis) | np.isnan(xy).any(axis=1), 0.0, vis)
    return xy, vis, has_vis


def _tilt(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Tilt from vertical (degrees) of the line lower -> upper; points in model axes
    (x forward, y up). Positive = the upper end ahead of the lower end."""
    d = upper - lower
    return np.degrees(np.arctan2(d[:, 0], d[:, 1]))


@cache
def neck_above_shoulder() -> float:
    """How far the top of the upper back (where the head tilts) sits above the shoulder
    joint, as a share of the hip-to-shoulder distance, for a standing model body.

    >>> 0.05 < neck_above_shoulder() < 0.2
    True
    """
    from hinge_lib.model.kinematics import joint_positions

    p, _ = joint_positions({field: np.zeros(1) for field in POSE_FIELDS}, Body())
    drop = np.linalg.norm(p["neck"][0] - p["shoulder"][0])
    return float(drop / np.linalg.norm(p["shoulder"][0] - p["hip"][0]))


def _wrap(deg: np.ndarray) -> np.ndarray:
    return (deg + 180.0) % 360.0 - 180.0


def _fix_swaps(left: dict[str, np.ndarray], right: dict[str, np.ndarray],
               lvis: dict[str, np.ndarray], rvis: dict[str, np.ndarray],
               parts: Sequence[str], min_px: float) -> int:
    """Swap left and right ``parts`` in place where that keeps points continuous.

    A frame is swapped when the crossed labelling moves the points less than half as far as
    the given one, and by at least ``min_px`` pixels per point less (so two sides lying on
    top of each other are never swapped for noise). Returns the number of swapped runs."""
    present = [p for p in parts if not (np.isnan(left[p]).all() or np.isnan(right[p]).all())]
    if not present:
        return 0
    L = np.stack([left[p] for p in present], axis=1)  # (n, k, 2)
    R = np.stack([right[p] for p in present], axis=1)
    n = L.shape[0]
    ref_l = ref_r = None
    swapped = np.zeros(n, dtype=bool)
    for i in range(n):
        ok = ~(np.isnan(L[i]).any(axis=1) | np.isnan(R[i]).any(axis=1))
        if not ok.any():
            continue
        if ref_l is not None:
            both = ok & ~(np.isnan(ref_l).any(axis=1) | np.isnan(ref_r).any(axis=1))
            if both.any():
                same = (np.linalg.norm(L[i, both] - ref_l[both], axis=1).sum()
                        + np.linalg.norm(R[i, both] - ref_r[both], axis=1).sum())
                cross = (np.linalg.norm(L[i, both] - ref_r[both], axis=1).sum()
                         + np.linalg.norm(R[i, both] - ref_l[both], axis=1).sum())
                if cross < 0.5 * same and same - cross > min_px * 2 * both.sum():
                    L[i], R[i] = R[i].copy(), L[i].copy()
                    swapped[i] = True
        ref_l, ref_r = L[i].copy(), R[i].copy()
    if swapped.any():
        for p in present:
            left[p][swapped], right[p][swapped] = right[p][swapped], left[p][swapped].copy()
            lvis[p][swapped], rvis[p][swapped] = rvis[p][swapped], lvis[p][swapped].copy()
    # count runs of swapped frames, not frames
    return int(np.sum(np.diff(np.concatenate(([0], swapped.astype(np.int8)))) == 1))


def _window_sum(x: np.ndarray, t: np.ndarray, width_s: float) -> np.ndarray:
    """Sum of ``x`` over a centred window of ``width_s`` seconds around every frame."""
    n = len(x)
    dt = float(np.median(np.diff(t))) if n > 1 else 1.0
    half = max(int(round(width_s / max(dt, 1e-9) / 2)), 0)
    c = np.concatenate(([0.0], np.cumsum(np.nan_to_num(x))))
    i = np.arange(n)
    return c[np.minimum(i + half + 1, n)] - c[np.maximum(i - half, 0)]


def _jump_rows(pts: dict[str, dict[str, np.ndarray]]) -> np.ndarray:
    """Rows where the mid-hip jumps by more than `MAX_JUMP_TRUNKS` trunk lengths from the row
    before (another person, or the track lost): the filter does not smooth across them."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames with no hip at all
        hip = np.nanmean(np.stack([pts[s]["hip"] for s in ("left", "right")]), axis=0)
        trunk = np.nanmax(np.stack([np.linalg.norm(pts[s]["shoulder"] - pts[s]["hip"], axis=1)
                                    for s in ("left", "right")]), axis=0)
        step = np.linalg.norm(np.diff(hip, axis=0), axis=1)
        size = np.fmax(trunk[1:], trunk[:-1])
        return np.flatnonzero(step > MAX_JUMP_TRUNKS * size) + 1


def _stature(points: dict[str, np.ndarray], seen: dict[str, np.ndarray],
             min_visibility: float) -> float:
    """Standing height in pixels from one side's clearly seen shin, thigh and trunk."""
    clear = (np.column_stack([seen[p] for p in REQUIRED_PARTS]) >= min_visibility).all(axis=1)
    parts = [np.where(clear[:, None], points[p], np.nan)
             for p in ("ankle", "knee", "hip", "shoulder")]
    return stature_px(*parts)


def _refuse_if_turned(label: str, frame_angle: np.ndarray, n: int) -> None:
    """Raise the 'not filmed from the side' error when most frames face the camera."""
    turned = frame_angle > limit("max_frame_angle_off_side_deg")
    if not np.isfinite(frame_angle).any() or turned.sum() * 2 < n:
        return
    angle = float(np.nanmedian(frame_angle))
    raise KeypointError(
        f"{label}: not filmed from the side: the person's front or back is turned to the "
        f"camera (camera about {angle:.0f} degrees off side-on, estimated from how far apart "
        f"the two shoulders appear) in {int(turned.sum())} of {n} frames. " + _FILM_AGAIN)


def _cutoff(filter_hz: float | str | None) -> float | None:
    if filter_hz is None:
        return None
    if isinstance(filter_hz, str):
        if filter_hz != "auto":
            raise ValueError(f"filter_hz={filter_hz!r}: expected 'auto', None or a number of Hz")
        return limit("filter_cutoff_hz")
    if not 0.5 <= float(filter_hz) <= 20.0:
        raise ValueError(f"filter_hz={filter_hz!r}: allowed range 0.5 to 20 Hz")
    return float(filter_hz)


def _promise_caveats(camera_deg: float, height_px: float, jitter_px: float) -> list[str]:
    """What the report says about the camera, the person's size and the jitter, against the
    promise (data/recording_limits.csv)."""
    error = f"{limit('promise_max_error_deg'):g}"
    promised = limit("promise_max_angle_off_side_deg")
    out = [f"Camera about {camera_deg:.0f} degrees off side-on (estimated from how far apart the "
           "two shoulders appear; on made-up keypoints the estimate came within 5 degrees); "
           f"the course's promise holds within {promised:g} degrees."]
    tall = limit("promise_min_person_height_px")
    if np.isfinite(height_px) and height_px < tall:
        out.append(f"Outside the promise: the person is about {height_px:.0f} pixels tall in "
                   f"the picture and the promise needs at least {tall:g}, so the angles can be "
                   f"off by more than {error} degrees. Film closer or at a higher resolution.")
    share = limit("promise_max_jitter_share")
    if np.isfinite(jitter_px) and np.isfinite(height_px) and jitter_px > share * height_px:
        out.append(f"Outside the promise: the keypoints jitter by {jitter_px:.1f} pixels from "
                   f"frame to frame (the promise allows {share * height_px:.1f} for a person "
                   f"this size), so the first mover can be wrong and the angles off by more "
                   f"than {error} degrees. More light, a steadier phone or filming closer helps.")
    return out

def _check_table(keypoints: pd.DataFrame) -> np.ndarray:
    if not isinstance(keypoints, pd.DataFrame):
        raise TypeError(f"keypoints must be a DataFrame, got {type(keypoints).__name__}")
    if "time" in keypoints.columns:
        t = _column(keypoints, "time")
    elif keypoints.index.name == "time":
        t = keypoints.index.to_numpy(dtype=float)
    else:
        raise KeypointError("keypoints: no 'time' column (seconds)")
    if len(t) < 2:
        raise KeypointError(f"keypoints: {len(t)} row(s); a recording needs at least two frames")
    if not np.isfinite(t).all():
        row = int(np.flatnonzero(~np.isfinite(t))[0])
        raise KeypointError(f"keypoints: time in row {row} is not a finite number")
    steps = np.diff(t)
    if (steps <= 0).any():
        row = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise KeypointError(f"keypoints: time goes from {t[row - 1]:g} to {t[row]:g} s in row "
                            f"{row}; it must increase row by row")
    return t


def poses_from_keypoints(
    keypoints: pd.DataFrame,
    *,
    facing: str = "auto",
    side: str = "auto",
    min_visibility: float = MIN_VISIBILITY,
    max_gap_s: float = MAX_GAP_S,
    camera_roll_deg: float = 0.0,
    filter_hz: float | str | None = "auto",
    max_angle_off_side_deg: float | None = None,
) -> pd.DataFrame:
    """Joint angles of the model from 2-D side-view keypoints (see the module docs).

    Parameters
    ----------
    keypoints : DataFrame
        One row per frame: ``time`` (s), ``<landmark>_x``, ``<landmark>_y`` (pixels, y down)
        and optional ``<landmark>_visibility`` (0-1), MediaPipe landmark names.
    facing : {"auto", "left", "right"}
        Which way the person faces in the picture; ``"auto"`` works it out.
    side : {"auto", "left", "right"}
        The person's side nearer the camera; ``"auto"`` works it out.
    min_visibility : float
        Frames where a needed point of the nearer side is less visible are unusable (0-1).
    max_gap_s : float
        Longest gap of unusable frames (s) filled by interpolation.
    camera_roll_deg : float
        Known clockwise tilt of the camera in degrees (0 = level, the default assumption).
    filter_hz : float, "auto" or None
        Cut-off (Hz) of the zero-lag Butterworth low-pass applied to every keypoint over time
        (`hinge_lib.recordings.filtering`); ``"auto"`` takes ``filter_cutoff_hz`` of
        data/recording_limits.csv (6 Hz), ``None`` leaves the keypoints unfiltered.
    max_angle_off_side_deg : float, optional
        Refuse clips estimated further off side-on than this (degrees); default: the
        promise, ``promise_max_angle_off_side_deg`` of data/recording_limits.csv.

    Returns
    -------
    DataFrame
        Indexed by ``time`` (s), columns ``ankle, knee, hip, lumbar, thoracic, neck`` in
        degrees (model conventions). ``lumbar`` and ``thoracic`` are NaN (not measured);
        ``neck`` is NaN when no ear was found. ``attrs``: ``missing`` and ``unknown`` (columns
        not measured), ``facing`` and ``side`` (in most frames), ``turns`` (changes of
        facing), ``swaps_fixed``, ``stretch`` (first and last
        time kept), ``stretches`` (all usable stretches), ``frames_total``,
        ``frames_unusable``, ``repairs`` (what was assumed or changed, in words),
        ``cannot_measure``, ``source_format`` (``"keypoints"``) and ``name``; and what the
        promise for a phone clip needs: ``camera_angle_deg`` (estimated angle off side-on),
        ``person_height_px`` (standing height in the picture), ``jitter_px`` (RMS of what the
        filter took out), ``filter_hz``, ``caveats`` (shown in the report) and
        ``not_judged`` (stretches, as `hinge_lib.recordings.timeline.Excluded`, where the
        feet left the floor or moved along it).

    Raises
    ------
    ValueError
        (`KeypointError`) for a missing time column, time not increasing, non-numeric cells,
        visibility outside 0-1, missing landmarks, or no usable stretch of frames.

    Examples
    --------
    >>> from hinge_lib.recordings.synthetic import keypoints_from_poses
    >>> angles = pd.DataFrame({"hip": [0.0, 60.0], "knee": [0.0, 20.0], "ankle": [0.0, 5.0]},
    ...                       index=pd.Index([0.0, 0.5], name="time"))
    >>> poses = poses_from_keypoints(keypoints_from_poses(angles, facing="left"))
    >>> poses.loc[0.5, ["ankle", "knee", "hip"]].round(1).tolist()
    [5.0, 20.0, 60.0]
    >>> poses.attrs["facing"], poses.attrs["unknown"]
    ('left', ['lumbar', 'thoracic'])
    """
    for name, value, allowed in (("facing", facing, ("auto", "left", "right")),
                                 ("side", side, ("auto", "left", "right"))):
        if value not in allowed:
            raise ValueError(f"{name}={value!r}: expected one of {', '.join(allowed)}")
    if not 0.0 <= float(min_visibility) <= 1.0:
        raise ValueError(f"min_visibility={min_visibility!r}: allowed range 0 to 1")
    if not 0.0 <= float(max_gap_s) <= 2.0:
        raise ValueError(f"max_gap_s={max_gap_s!r}: allowed range 0 to 2 s")
    if not -45.0 <= float(camera_roll_deg) <= 45.0:
        raise ValueError(f"camera_roll_deg={camera_roll_deg!r}: allowed range -45 to 45 deg")
    cutoff = _cutoff(filter_hz)
    refuse_deg = (limit("promise_max_angle_off_side_deg") if max_angle_off_side_deg is None
                  else float(max_angle_off_side_deg))
    if not 0.0 <= refuse_deg <= 90.0:
        raise ValueError(f"max_angle_off_side_deg={max_angle_off_side_deg!r}: allowed range "
                         "0 to 90 deg")
    t = _check_table(keypoints)
    n = len(t)
    label = str(keypoints.attrs.get("name", "keypoints"))
    repairs: list[str] = []

    # ---- points in upright axes: x to the right of the picture, y up
    roll = np.radians(float(camera_roll_deg))
    # the picture shows the scene turned anticlockwise by the roll: turn it back clockwise
    rot = np.array([[np.cos(roll), np.sin(roll)], [-np.sin(roll), np.cos(roll)]])
    pts: dict[str, dict[str, np.ndarray]] = {"left": {}, "right": {}}
    vis: dict[str, dict[str, np.ndarray]] = {"left": {}, "right": {}}
    has_vis = False
    for s in ("left", "right"):
        for part in SIDE_PARTS:
            xy, v, hv = _points(keypoints, f"{s}_{part}", n)
            pts[s][part] = (xy * np.array([1.0, -1.0])) @ rot.T
            vis[s][part] = v
            has_vis |= hv
    nose_xy, nose_v, _ = _points(keypoints, "nose", n)
    nose = (nose_xy * np.array([1.0, -1.0])) @ rot.T
    lacking = [f"{s}_{p}" for p in REQUIRED_PARTS for s in ("left", "right")
               if np.isnan(pts[s][p]).all()]
    lacking_pairs = [p for p in REQUIRED_PARTS
                     if f"left_{p}" in lacking and f"right_{p}" in lacking]
    if lacking_pairs:
        raise KeypointError(
            f"{label}: no {', '.join(lacking_pairs)} keypoints on either side (expected "
            f"columns such as left_{lacking_pairs[0]}_x and left_{lacking_pairs[0]}_y)")
    if camera_roll_deg:
        repairs.append(f"camera tilt of {camera_roll_deg:g} degrees taken out")
    else:
        repairs.append("camera assumed level: straight down in the picture is taken as "
                       "vertical (a tilted phone shifts the ankle angle by the tilt)")

    # ---- left/right swaps (ignored below a tenth of a trunk length per point)
    trunks = np.concatenate([np.linalg.norm(pts[s]["shoulder"] - pts[s]["hip"], axis=1)
                             for s in ("left", "right")])
    trunks = trunks[np.isfinite(trunks)]
    min_px = 0.1 * float(np.median(trunks)) if trunks.size else 0.0
    swaps = _fix_swaps(pts["left"], pts["right"], vis["left"], vis["right"], _LEGS, min_px)
    swaps += _fix_swaps(pts["left"], pts["right"], vis["left"], vis["right"], _UPPER, min_px)
    for part in ("knee", "ankle"):  # one joint's labels swapped on its own
        swaps += _fix_swaps(pts["left"], pts["right"], vis["left"], vis["right"], (part,),
                            min_px)
    if swaps:
        repairs.append(f"left and right labels swapped back in {swaps} run(s) of frames")

    # ---- low-pass over time (zero lag), and how much jitter it took out
    jitter = float("nan")
    if cutoff is not None:
        taken = []
        cuts = _jump_rows(pts)
        for s in ("left", "right"):
            for part in SIDE_PARTS:
                raw = pts[s][part]
                pts[s][part] = low_pass(raw, t, cutoff, cuts)
                if part in REQUIRED_PARTS:
                    seen = vis[s][part] >= min_visibility
                    taken.append((raw - pts[s][part])[seen])
        nose = low_pass(nose, t, cutoff, cuts)
        rest = np.concatenate(taken) if taken else np.zeros((0, 2))
        rest = rest[np.isfinite(rest).all(axis=1)]
        jitter = float(np.sqrt(np.mean(rest**2))) if len(rest) else float("nan")
        used = effective_cutoff(cutoff, 1.0 / float(np.median(np.diff(t))))
        repairs.append(f"keypoints low-pass filtered at {used:g} Hz (Butterworth, zero lag, "
                       f"scipy.signal.filtfilt); it took out {jitter:.1f} px of jitter (RMS)")

    # ---- the camera's angle off side-on, frame by frame, and the person's size
    with np.errstate(all="ignore"):  # the shorter side: a mislabelled point only lengthens
        sides = [_stature(pts[s], vis[s], min_visibility) for s in ("left", "right")]
        height_px = float(np.nanmin(sides)) if np.isfinite(sides).any() else float("nan")
    frame_angle = angle_off_side(pts["left"]["shoulder"][:, 0] - pts["right"]["shoulder"][:, 0],
                                 height_px)

    # ---- facing direction, frame by frame (+1 = faces right in the picture)
    with np.errstate(invalid="ignore"):
        votes = []
        for s in ("left", "right"):
            votes.append(np.sign(pts[s]["foot_index"][:, 0] - pts[s]["heel"][:, 0]))
            # nose on the front side of the shoulder -> ear line (holds for a tilted head)
            axis_ = pts[s]["ear"] - pts[s]["shoulder"]
            ahead = nose - pts[s]["ear"]
            votes.append(np.sign(axis_[:, 1] * ahead[:, 0] - axis_[:, 0] * ahead[:, 1]))
        vote_table = np.column_stack(votes)
    per_frame = np.nansum(vote_table, axis=1)
    if facing == "auto":
        if not (per_frame != 0).any():
            _refuse_if_turned(label, frame_angle, n)
            raise KeypointError(
                f"{label}: cannot tell which way the person faces (needs nose and ear, or heel "
                "and foot_index keypoints); pass facing='left' or facing='right'")
        overall = 1.0 if np.sum(np.sign(per_frame)) >= 0 else -1.0
        window = _window_sum(per_frame, t, TURN_WINDOW_S)
        sign = np.where(window > 0, 1.0, np.where(window < 0, -1.0, overall))
        how = "toes ahead of heels, nose in front of the ears"
    else:
        sign = np.full(n, 1.0 if facing == "right" else -1.0)
        how = "given"
    facing = "right" if (sign > 0).sum() >= (sign < 0).sum() else "left"
    turns = int(np.sum(np.diff(sign) != 0))
    if turns:
        repairs.append(f"facing right in {int((sign > 0).sum())} frames and left in "
                       f"{int((sign < 0).sum())} (turned {turns} time(s); {how})")
    else:
        repairs.append(f"facing {facing} in the picture ({how})")

    # ---- nearer side, frame by frame (True = left)
    if side == "auto":
        if has_vis:
            score = sum(vis["left"][p] - vis["right"][p] for p in REQUIRED_PARTS)
            window = _window_sum(score, t, TURN_WINDOW_S)
            tie = float(np.sum(score)) > 0
            near_left = np.where(window > 0, True, np.where(window < 0, False, tie))
            how = "the side the detector saw more clearly"
        else:
            near_left = sign < 0
            how = ("no visibility columns: the side turned to the camera when facing that "
                   "way, as in a video that is not mirrored")
    else:
        near_left = np.full(n, side == "left")
        how = "given"
    side = "left" if near_left.sum() * 2 >= n else "right"
    if 0 < near_left.sum() < n:
        repairs.append(f"left side nearer the camera in {int(near_left.sum())} frames, right "
                       f"side in {int(n - near_left.sum())} ({how})")
    else:
        repairs.append(f"{side} side nearer the camera ({how})")
    mirror = np.column_stack((sign, np.ones(n)))
    pick = near_left[:, None]
    near = {p: np.where(pick, pts["left"][p], pts["right"][p]) * mirror for p in SIDE_PARTS}
    near_vis = {p: np.where(near_left, vis["left"][p], vis["right"][p]) for p in SIDE_PARTS}
    side_on = frame_angle[frame_angle <= limit("max_frame_angle_off_side_deg")]
    turn_deg = float(np.median(side_on)) if side_on.size else 0.0
    stretch_x = np.ones(2)
    if turn_deg >= MIDLINE_FROM_DEG:
        # a camera turned by turn_deg sees forward distances shortened by cos(turn_deg)
        stretch_x = np.array([1.0 / np.cos(np.radians(turn_deg)), 1.0])
        near = {p: v * stretch_x for p, v in near.items()}
        repairs.append(f"camera about {turn_deg:.0f} degrees off side-on: forward distances "
                       f"in the picture stretched by {stretch_x[0]:.3f} (1 / cos of the angle) "
                       "to undo the foreshortening")
    far_ear = np.where(pick, pts["right"]["ear"], pts["left"]["ear"]) * mirror * stretch_x
    no_ear = np.isnan(near["ear"]).any(axis=1)
    near["ear"] = np.where(no_ear[:, None], far_ear, near["ear"])
    near_vis["ear"] = np.where(no_ear, np.where(near_left, vis["right"]["ear"],
                                                vis["left"]["ear"]), near_vis["ear"])

    # ---- usable frames
    needed = np.column_stack([near_vis[p] for p in REQUIRED_PARTS])
    usable = (needed >= min_visibility).all(axis=1) & ~np.isnan(
        np.column_stack([near[p] for p in REQUIRED_PARTS])).any(axis=1)
    trunk_len = np.linalg.norm(near["shoulder"] - near["hip"], axis=1)
    with np.errstate(invalid="ignore"):
        turned = frame_angle > limit("max_frame_angle_off_side_deg")
    turned_count = int((usable & turned).sum())
    usable &= ~turned
    shank = _tilt(near["ankle"], near["knee"])
    thigh = _tilt(near["knee"], near["hip"])
    trunk = _tilt(near["hip"], near["shoulder"])
    if turn_deg >= MIDLINE_FROM_DEG:
        # the near shoulder lies further out than the near hip, which a turned camera shows
        # as a lean: move both onto the body's midline, the hip by its share of the
        # shoulders' offset (the far hip is not used: a staggered stance moves it)
        far_sh = np.where(pick, pts["right"]["shoulder"], pts["left"]["shoulder"]) * mirror
        offset = (near["shoulder"] - far_sh * stretch_x) / 2
        share = limit("hip_width") / limit("shoulder_width")
        mid_trunk = _tilt(near["hip"] - share * offset, near["shoulder"] - offset)
        trunk = np.where(np.isnan(mid_trunk), trunk, mid_trunk)
    # the head tilts about the top of the upper back, which sits above the shoulder joint on
    # the trunk line (the model's landmarks): measure it from there
    neck_joint = near["shoulder"] + neck_above_shoulder() * (near["shoulder"] - near["hip"])
    head = _tilt(neck_joint, near["ear"])
    ear_ok = ~np.isnan(near["ear"]).any(axis=1) & (near_vis["ear"] >= min_visibility)
    angles = {
        "ankle": shank,
        "knee": _wrap(shank - thigh),
        "hip": _wrap(trunk - thigh),
        "neck": np.where(ear_ok, _wrap(head - trunk), np.nan),
    }

    # ---- stretches: split at long gaps and at jumps of the hip (another person)
    hip_px = near["hip"] * mirror  # as in the picture (facing may change between frames)
    typical = float(np.nanmedian(trunk_len[usable])) if usable.any() else np.nan
    breaks = np.zeros(n, dtype=bool)  # True at i: frame i starts a new stretch
    idx = np.flatnonzero(usable)
    jumps = 0
    if len(idx) > 1:
        step = np.linalg.norm(hip_px[idx[1:]] - hip_px[idx[:-1]], axis=1)
        size = np.maximum(trunk_len[idx[1:]], trunk_len[idx[:-1]])
        scale_change = np.maximum(trunk_len[idx[1:]], trunk_len[idx[:-1]]) / np.maximum(
            np.minimum(trunk_len[idx[1:]], trunk_len[idx[:-1]]), 1e-9)
        jump = (step > MAX_JUMP_TRUNKS * size) | (scale_change > 1.5)
        gap = t[idx[1:]] - t[idx[:-1]] - (np.median(np.diff(t)) if n > 1 else 0)
        long_gap = gap > max_gap_s + 1e-9
        breaks[idx[1:][jump | long_gap]] = True
        jumps = int(jump.sum())
    stretches: list[tuple[int, int]] = []  # (first, last) usable frame positions
    start = None
    prev = None
    for i in idx:
        if start is None or breaks[i]:
            if start is not None:
                stretches.append((start, prev))
            start = i
        prev = i
    if start is not None:
        stretches.append((start, prev))
    stretches = [(a, b) for a, b in stretches if b > a]
    if not stretches:
        if turned_count and turned_count >= int(usable.sum()):
            _refuse_if_turned(label, frame_angle, n)
        why = (f"no frame shows the {side} side's {', '.join(REQUIRED_PARTS)} with visibility "
               f"of at least {min_visibility:g}") if not usable.any() else (
            "no two usable frames in a row")
        raise KeypointError(f"{label}: no usable stretch of frames ({why})")
    a, b = max(stretches, key=lambda ab: (t[ab[1]] - t[ab[0]], -ab[0]))
    camera_deg = turn_deg
    if camera_deg > refuse_deg:
        raise KeypointError(
            f"{label}: not filmed from the side: the camera was about {camera_deg:.0f} degrees "
            f"off side-on (estimated from how far apart the two shoulders appear; "
            f"{turned_count} of {n} frames face the camera or turn their back to it). "
            f"{promise()} " + _FILM_AGAIN)
    keep = slice(a, b + 1)
    t_keep = t[keep]
    ok = usable[keep]
    out = pd.DataFrame(index=pd.Index(t_keep, name="time", dtype=float))
    filled = int((~ok).sum())
    for col in ("ankle", "knee", "hip", "neck"):
        v = angles[col][keep]
        good = ok & ~np.isnan(v)
        if col == "neck" and good.sum() < 2:
            out[col] = np.nan
            continue
        out[col] = np.where(good, v, np.interp(t_keep, t_keep[good], v[good]))
    for col in SPINE_COLUMNS:
        out[col] = np.nan
    out = out[list(POSE_COLUMNS)]
    if filled:
        repairs.append(f"{filled} unusable frame(s) inside short gaps (up to {max_gap_s:g} s) "
                       "filled by interpolation")
    unusable = int(n - usable.sum())
    if unusable - turned_count:
        repairs.append(f"{unusable - turned_count} of {n} frames unusable (the nearer side's "
                       f"shoulder, hip, knee or ankle missing or with visibility under "
                       f"{min_visibility:g})")
    if turned_count:
        repairs.append(f"{turned_count} of {n} frames show the person turned towards or away "
                       f"from the camera (more than "
                       f"{limit('max_frame_angle_off_side_deg'):g} degrees off side-on), not "
                       "side-on: not used")
    if jumps:
        repairs.append(f"the tracked body jumped {jumps} time(s) by more than a trunk length "
                       "between frames (the detector switched to another person or lost "
                       "track)")
    if len(stretches) > 1 or (a, b) != (0, n - 1):
        repairs.append(f"analysed the longest usable stretch, {t[a]:.2f} to {t[b]:.2f} s "
                       f"({b - a + 1} of {n} frames; {len(stretches)} stretch(es) found)")
    unknown = list(SPINE_COLUMNS) + (["neck"] if out["neck"].isna().all() else [])
    caveats = _promise_caveats(camera_deg, height_px, jitter)
    px_per_m = height_px / Body().height_m
    feet = ("ankle", "heel", "foot_index")
    not_judged = feet_spans_in_picture(t_keep, {p: near[p][keep] for p in feet},
                                       {p: near_vis[p][keep] for p in feet[1:]},
                                       min_visibility, px_per_m)
    left_out = "not used: the person not seen clearly from the side, or another person"
    excluded = ([Excluded(float(t[0]), float(t[a]), left_out)] if a > 0 else []) + (
        [Excluded(float(t[b]), float(t[-1]), left_out)] if b < n - 1 else [])
    repairs.append("spine not measured: hip flexion is the angle between thigh and the "
                   "hip-shoulder line, so rounding of the back is counted as hip bend")
    out.attrs.update(
        missing=list(unknown), unknown=list(unknown), facing=facing, side=side,
        turns=turns, swaps_fixed=swaps, frames_not_side_on=turned_count,
        stretch=(float(t[a]), float(t[b])),
        stretches=[(float(t[s0]), float(t[s1])) for s0, s1 in stretches],
        frames_total=n, frames_unusable=unusable, trunk_length_px=typical,
        repairs=repairs, cannot_measure=list(CANNOT_MEASURE), ignored=[],
        camera_angle_deg=camera_deg, person_height_px=height_px, jitter_px=jitter,
        filter_hz=cutoff, caveats=caveats, excluded=excluded, not_judged=sorted(not_judged,
                                                             key=lambda e: e.start_s),
        source_format="keypoints", name=label,
    )
    return out
