"""When the feet were not flat and still: the seconds a static model with both feet flat on the
floor cannot judge.

Two sources say it. An OpenSim/OpenCap recording carries the pelvis position (``pelvis_ty``
up, ``pelvis_tx`` forward and ``pelvis_tz`` sideways, metres): with the feet flat the pelvis
is never higher than when standing straight, and it does not travel along the floor. A video
shows the heel, toes and ankle: they rise off the floor in a jump or a rise on the toes, and
travel along it when the person steps or walks. Thresholds: ``flight_height_m`` and
``stepping_speed_m_s`` of data/recording_limits.csv. Each stretch is a
`hinge_lib.recordings.timeline.Excluded` with its reason in words.
"""

from __future__ import annotations

import warnings

import numpy as np

from hinge_lib.recordings.filtering import low_pass
from hinge_lib.recordings.limits import limit
from hinge_lib.recordings.timeline import Excluded, runs

FLIGHT = ("the feet left the floor or the heels came up (a jump, a hop or a rise on the toes): "
          "the model keeps both feet flat")
STEPPING = ("the feet moved along the floor (stepping or walking): the model keeps the feet in "
            "one place")
#: Shortest stretch (s) reported for each reason: shorter blips are the detector's noise.
MIN_FLIGHT_S = 0.05
MIN_STEPPING_S = 0.2
#: Cut-off (Hz) of the low-pass applied to positions before their speed is taken.
SPEED_FILTER_HZ = 2.0


def spans_over(t: np.ndarray, mask: np.ndarray, min_s: float, reason: str) -> list[Excluded]:
    """Stretches where ``mask`` holds for at least ``min_s`` seconds, from the frame before to
    the frame after.

    Examples
    --------
    >>> t = np.arange(10) / 10
    >>> spans_over(t, t > 0.55, 0.2, "up")
    [Excluded(start_s=0.5, end_s=0.9, reason='up')]
    """
    out = []
    for a, b in runs(mask):
        if t[b - 1] - t[a] >= min_s:
            out.append(Excluded(float(t[max(a - 1, 0)]), float(t[min(b, len(t) - 1)]), reason))
    return out


def _speed(t: np.ndarray, xy: np.ndarray) -> np.ndarray:
    filled = np.where(np.isnan(xy), np.nanmedian(xy, axis=0), xy)
    smooth = low_pass(filled, t, SPEED_FILTER_HZ)
    step = np.gradient(smooth, t, axis=0)
    return np.linalg.norm(step.reshape(len(t), -1), axis=1)


def feet_spans_from_pelvis(t: np.ndarray, depth: np.ndarray, height_m: np.ndarray | None,
                           along_m: np.ndarray | None, model_along_m: np.ndarray,
                           ) -> tuple[list[Excluded], str]:
    """Flight and stepping from the pelvis of a motion-capture recording.

    ``depth``: hip + knee flexion (degrees), to find standing frames; ``height_m``: pelvis
    height (``pelvis_ty``); ``along_m``: (n, k) pelvis position along the floor
    (``pelvis_tx``, ``pelvis_tz``); ``model_along_m``: the model's hip position along the
    floor for the same angles with the feet still (metres). A hinge moves the pelvis back and
    forth with the feet still, so stepping is the pelvis moving along the floor faster than
    the model's hip does. Returns the stretches and a note on the pelvis height.
    """
    spans: list[Excluded] = []
    note = ""
    if len(t) < 10:
        return spans, note
    if height_m is not None and np.isfinite(height_m).sum() > 10:
        standing = depth <= np.nanpercentile(depth, 2) + 5.0
        level = float(np.nanmedian(height_m[standing]))
        rise = height_m - level
        spans += spans_over(t, rise > limit("flight_height_m"), MIN_FLIGHT_S, FLIGHT)
        note = (f"pelvis height (pelvis_ty) rose at most {float(np.nanmax(rise)):.2f} m above "
                "its standing level")
    if along_m is not None and np.isfinite(along_m).all(axis=-1).sum() > 10:
        extra = _speed(t, along_m) - _speed(t, model_along_m)
        spans += spans_over(t, extra > limit("stepping_speed_m_s"), MIN_STEPPING_S, STEPPING)
    return spans, note


def feet_spans_in_picture(t: np.ndarray, feet: dict[str, np.ndarray],
                          feet_vis: dict[str, np.ndarray], min_visibility: float,
                          px_per_m: float) -> list[Excluded]:
    """Flight and stepping from the keypoints of the nearer foot (``ankle``, ``heel``,
    ``foot_index``; pixels, y up) and the picture's scale in pixels per metre."""
    if len(t) < 5 or not np.isfinite(px_per_m):
        return []
    lows = [np.where(feet_vis[p] >= min_visibility, feet[p][:, 1], np.nan)
            for p in ("heel", "foot_index")]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames with neither heel nor toes
        low = np.nanmin(np.column_stack(lows), axis=1)
    low = np.where(np.isnan(low), feet["ankle"][:, 1], low)
    if not np.isfinite(low).any():
        return []
    floor = np.nanpercentile(low, 10)
    with np.errstate(invalid="ignore"):
        lifted = (low - floor) / px_per_m > limit("flight_height_m")
    spans = spans_over(t, lifted, MIN_FLIGHT_S, FLIGHT)
    x = feet["ankle"][:, :1]
    if np.isfinite(x).sum() > 5:
        fast = _speed(t, x) / px_per_m > limit("stepping_speed_m_s")
        spans += spans_over(t, fast, MIN_STEPPING_S, STEPPING)
    return spans
