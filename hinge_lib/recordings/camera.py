"""Where the camera stood: how far off side-on a clip was filmed, and how big the person is.

Seen exactly from the side, a person's two shoulders overlap in the picture. The further the
camera turns towards the front or the back, the further apart they appear: by
``width x sin(angle)``, where the width is the real shoulder width (``shoulder_width`` in
data/recording_limits.csv, a fraction of stature, after Winter 2009). The stature in pixels
comes from the lengths of shin, thigh and trunk in the picture, taken where each is longest (a
segment standing upright in the picture plane is not foreshortened whatever the camera's
turn). So, frame by frame::

    sin(angle) = shoulder spread / (shoulder_width x stature)

The hips are not used: a staggered stance sets one hip ahead of the other without any turn.

The estimate cannot tell the front from the back (both give 90 degrees) and assumes a level
camera at about hip height; a camera looking down from above shortens the upright lengths
and so reads a few degrees more. `view_point` gives the inverse: the picture a camera turned
by a known angle would show, for made-up keypoints (an orthographic camera: no perspective).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from hinge_lib.recordings.limits import limit


@cache
def segment_shares() -> float:
    """Shin + thigh + hip-to-shoulder length of the standing model, as a share of stature."""
    from hinge_lib.model.body import Body
    from hinge_lib.model.kinematics import joint_positions

    body = Body()
    zeros = {c: np.zeros(1) for c in ("ankle", "knee", "hip", "lumbar", "thoracic", "neck")}
    p, _ = joint_positions(zeros, body)
    total = sum(float(np.linalg.norm(p[b][0] - p[a][0]))
                for a, b in (("ankle", "knee"), ("knee", "hip"), ("hip", "shoulder")))
    return total / body.height_m


def stature_px(ankle: np.ndarray, knee: np.ndarray, hip: np.ndarray,
               shoulder: np.ndarray) -> float:
    """The person's standing height in pixels, from the 90th percentile of each segment's
    length in the picture (points (n, 2); NaN where absent). NaN if nothing was seen."""
    total = 0.0
    for a, b in ((ankle, knee), (knee, hip), (hip, shoulder)):
        length = np.linalg.norm(b - a, axis=1)
        length = length[np.isfinite(length)]
        if length.size == 0:
            return float("nan")
        total += float(np.percentile(length, 90))
    return total / segment_shares()


def angle_off_side(shoulder_spread: np.ndarray, height_px: float) -> np.ndarray:
    """Camera angle off side-on (degrees, 0 = side-on, 90 = front or back) for each frame,
    from the spread across the picture of the two shoulders (pixels).

    Examples
    --------
    >>> h = 500.0
    >>> w = limit("shoulder_width") * h
    >>> angle_off_side(np.array([0.0, w / 2, -w]), h).round(1).tolist()
    [0.0, 30.0, 90.0]
    """
    width = limit("shoulder_width") * height_px
    ratio = np.abs(shoulder_spread) / width
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arcsin(np.clip(ratio, 0.0, 1.0)))


def view_point(forward: np.ndarray, up: np.ndarray, across: np.ndarray, angle_deg: float,
               above_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Picture coordinates (right, up; metres) of body points seen by an orthographic camera
    turned ``angle_deg`` off side-on towards the person's front and raised ``above_deg``
    above the horizontal, looking at the person. ``forward``, ``up`` and ``across`` are
    metres along the person's facing direction, up, and towards the camera's side.

    Examples
    --------
    >>> x, y = view_point(np.array([1.0]), np.array([0.0]), np.array([0.0]), 60.0)
    >>> round(float(x[0]), 3), round(float(y[0]), 3)
    (0.5, 0.0)
    """
    th, ph = np.radians(angle_deg), np.radians(above_deg)
    right = np.array([np.cos(th), 0.0, -np.sin(th)])
    upward = np.array([-np.sin(th) * np.sin(ph), np.cos(ph), -np.cos(th) * np.sin(ph)])
    p = np.stack((forward, up, across), axis=-1)
    return p @ right, p @ upward
