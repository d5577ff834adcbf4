"""Made-up recordings with known answers, for examples, tests and benchmarks.

Every call with the same arguments gives the same numbers, so notebook outputs and test
results never depend on chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hinge_lib.model.body import Body
from hinge_lib.recordings.camera import view_point
from hinge_lib.recordings.keypoints import LANDMARKS
from hinge_lib.recordings.limits import limit
from hinge_lib.recordings.readers import POSE_COLUMNS

# Joint angles at the bottom of each synthetic rep (degrees) and the delay (s) before each
# joint starts to flex in the descent.
_SYNTHETIC: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "hinge": ({"ankle": 4.0, "knee": 18.0, "hip": 80.0, "lumbar": 4.0, "thoracic": 6.0,
               "neck": 0.0}, {"knee": 0.25}),
    "knees_first": ({"ankle": 12.0, "knee": 40.0, "hip": 70.0, "lumbar": 6.0,
                     "thoracic": 6.0, "neck": 0.0}, {"hip": 0.45}),
    "squat": ({"ankle": 25.0, "knee": 95.0, "hip": 100.0, "lumbar": 10.0, "thoracic": 5.0,
               "neck": 0.0}, {}),
    "still": ({c: 0.0 for c in POSE_COLUMNS}, {}),
}


def _eased(t: np.ndarray, kt: np.ndarray, kv: np.ndarray) -> np.ndarray:
    """Piecewise cosine-eased interpolation through keyframes (kt increasing)."""
    k = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, len(kt) - 2)
    span = kt[k + 1] - kt[k]
    x = np.clip((t - kt[k]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    return kv[k] + (kv[k + 1] - kv[k]) * (1.0 - np.cos(np.pi * x)) / 2.0


def synthetic_motion(
    kind: str = "hinge",
    reps: int = 6,
    rate_hz: float = 100.0,
    seed: int = 0,
    noise_deg: float = 0.6,
    partial_edges: bool = True,
) -> pd.DataFrame:
    """A deterministic made-up recording for examples, tests and benchmarks.

    ``kind``: ``"hinge"`` (hips lead, soft knees), ``"knees_first"`` (knees bend 0.45 s before
    the hips), ``"squat"`` or ``"still"`` (standing). Each rep: a pause at the top (0.6-1.4 s),
    a 1.2 s descent, a pause at the bottom (0.2-0.6 s) and a 1.0 s ascent, with Gaussian noise of
    ``noise_deg``. With ``partial_edges`` the recording starts in the middle of an extra rep's
    ascent and ends in the middle of another's descent (neither should be counted). Same
    arguments -> same numbers (``numpy.random.default_rng(seed)``).
    """
    if kind not in _SYNTHETIC:
        raise ValueError(f"kind={kind!r}: expected one of {sorted(_SYNTHETIC)}")
    if reps < 0 or rate_hz <= 0:
        raise ValueError("reps must be >= 0 and rate_hz > 0")
    bottom, delays = _SYNTHETIC[kind]
    rng = np.random.default_rng(seed)
    descent, ascent = 1.2, 1.0
    n_total = reps + (2 if partial_edges else 0)
    tops = rng.uniform(0.6, 1.4, n_total + 1)
    pauses = rng.uniform(0.2, 0.6, n_total)
    starts = []
    t0 = 0.0
    for i in range(n_total):
        t0 += tops[i]
        starts.append(t0)
        t0 += descent + pauses[i] + ascent
    t_end = t0 + tops[-1]
    if partial_edges:
        t_first = starts[0] + descent + pauses[0] + ascent / 2
        t_last = starts[-1] + descent / 2
    else:
        t_first, t_last = 0.0, t_end
    n = int(round((t_last - t_first) * rate_hz)) + 1
    t = t_first + np.arange(n) / rate_hz
    out = pd.DataFrame(index=pd.Index(np.round(t - t_first, 6), name="time"))
    for col in POSE_COLUMNS:
        kt, kv = [0.0], [0.0]
        d = delays.get(col, 0.0)
        for s, p in zip(starts, pauses, strict=True):
            kt += [s, s + d, s + descent, s + descent + p, s + descent + p + ascent]
            kv += [0.0, 0.0, bottom[col], bottom[col], 0.0]
        kt.append(t_end + 1.0)
        kv.append(0.0)
        clean = _eased(t, np.array(kt), np.array(kv))
        out[col] = clean + rng.normal(0.0, noise_deg, n) if noise_deg > 0 else clean
    out.attrs.update(missing=[], source_format="synthetic", repairs=[], ignored=[],
                     name=f"synthetic_{kind}")
    return out


def _keyframed(t: np.ndarray, keys: list[tuple[float, dict[str, float]]]) -> pd.DataFrame:
    """Pose columns (and ``ty``) eased through ``(time, {column: value})`` keyframes; columns
    missing from a keyframe keep their previous value (0 at the start)."""
    kt = np.array([k for k, _ in keys])
    out = {}
    for col in (*POSE_COLUMNS, "ty"):
        values, last = [], 0.0
        for _, v in keys:
            last = v.get(col, last)
            values.append(last)
        out[col] = _eased(t, kt, np.array(values))
    return pd.DataFrame(out, index=pd.Index(np.round(t, 6), name="time"))


def _hinge_keys(start: float) -> list[tuple[float, dict[str, float]]]:
    """One slow hinge rep from ``start``: 1.2 s down (knees 0.25 s after the hips), 0.4 s
    at the bottom, 1.0 s up."""
    down = {"hip": 80.0, "knee": 18.0, "ankle": 4.0}
    up = {"hip": 0.0, "knee": 0.0, "ankle": 0.0}
    return [(start, up), (start + 0.25, {"hip": 12.0}), (start + 1.2, down),
            (start + 1.6, down), (start + 2.6, up)]


def synthetic_session(event: str, rate_hz: float = 100.0, seed: int = 0) -> pd.DataFrame:
    """A made-up session of slow hinges with something a static model cannot judge in it.

    ``event``: ``"jump"`` (two hinges, then a countermovement jump at 7-8.5 s: a quick dip,
    0.45 s in the air with the pelvis 0.33 m above standing, knees straight and ankles
    pointed, and the landing), ``"swing"`` (six kettlebell-swing-like hinges, 0.45 s down and
    0.45 s up without pauses, 1-6.4 s), or ``"walk_through"`` (a hinge, then 3-6.5 s walking
    1.2 m away and back at about 0.7 m/s, then another hinge). The pelvis position (metres,
    ``ty`` up from the floor, ``tx`` forward) is in ``attrs["pelvis_m"]``, as `read_motion`
    keeps it from an OpenSim file (`writers.to_mot` writes it); angles carry Gaussian noise
    of 0.3 degrees (``numpy.random.default_rng(seed)``).
    """
    stand = 0.95
    if event == "jump":
        keys = [(0.0, {"ty": stand}), *_hinge_keys(0.5), *_hinge_keys(3.8),
                (7.0, {"ty": stand}), (7.35, {"hip": 50.0, "knee": 70.0, "ankle": 25.0,
                                               "ty": stand - 0.22}),
                (7.6, {"hip": 0.0, "knee": 0.0, "ankle": -30.0, "ty": stand + 0.06}),
                (7.82, {"ty": stand + 0.33}), (8.05, {"ankle": -30.0, "ty": stand + 0.06}),
                (8.3, {"hip": 40.0, "knee": 50.0, "ankle": 20.0, "ty": stand - 0.15}),
                (8.8, {"hip": 0.0, "knee": 0.0, "ankle": 0.0, "ty": stand}), (10.0, {})]
        walk = None
    elif event == "swing":
        keys = [(0.0, {"ty": stand})]
        for k in range(6):
            s = 1.0 + 0.9 * k
            keys += [(s, {"hip": 0.0, "knee": 0.0, "ankle": 0.0}),
                     (s + 0.45, {"hip": 85.0, "knee": 20.0, "ankle": 5.0})]
        keys += [(6.4, {"hip": 0.0, "knee": 0.0, "ankle": 0.0}), (8.0, {})]
        walk = None
    elif event == "walk_through":
        keys = [(0.0, {"ty": stand}), *_hinge_keys(0.4), *_hinge_keys(7.0), (10.0, {})]
        walk = (3.0, 4.75, 6.5, 1.2)
    else:
        raise ValueError(f"event={event!r}: expected 'jump', 'swing' or 'walk_through'")
    t = np.arange(int(round(keys[-1][0] * rate_hz)) + 1) / rate_hz
    frames = _keyframed(t, keys)
    rng = np.random.default_rng(seed)
    for col in ("ankle", "knee", "hip"):
        frames[col] += rng.normal(0.0, 0.3, len(t))
    tx = np.zeros(len(t))
    if walk is not None:
        a, mid, b, far = walk
        tx = _eased(t, np.array([0.0, a, mid, b, t[-1] + 1]), np.array([0, 0, far, 0, 0.0]))
    pelvis = pd.DataFrame({"tx": tx, "ty": frames.pop("ty").to_numpy()}, index=frames.index)
    frames.attrs.update(missing=[], source_format="synthetic", repairs=[], ignored=[],
                        name=f"synthetic_{event}", pelvis_m=pelvis)
    return frames


def keypoints_from_poses(
    frames: pd.DataFrame,
    body: Body | None = None,
    *,
    facing: str = "right",
    near_side: str | None = None,
    px_per_m: float = 400.0,
    origin_px: tuple[float, float] = (640.0, 900.0),
    far_shift_m: tuple[float, float] = (0.0, 0.0),
    visibility: tuple[float, float] | None = (0.95, 0.6),
    camera_roll_deg: float = 0.0,
    angle_off_side_deg: float = 0.0,
    camera_above_deg: float = 0.0,
    noise_px: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Keypoints a camera would see for model poses (for tests, examples and benchmarks).

    By default a perfect camera exactly side-on; ``angle_off_side_deg`` and
    ``camera_above_deg`` turn it (see `hinge_lib.recordings.camera.view_point`), and the two
    sides then lie apart by the shoulder and hip widths of data/recording_limits.csv (legs
    straight below the hips, ears a hip width apart).

    Parameters
    ----------
    frames : DataFrame
        Time index (s) and pose columns in degrees (missing columns count as 0).
    body : Body, optional
        Body proportions (default `Body()`).
    facing : {"right", "left"}
        Which way the person faces in the picture.
    near_side : {"left", "right"}, optional
        Side nearer the camera (default: the right side when facing right, as in a video that
        is not mirrored).
    px_per_m : float
        Picture scale in pixels per metre.
    origin_px : (float, float)
        Pixel position of the ankle joint's foot point on the floor.
    far_shift_m : (float, float)
        Where the far leg's points (hip down) lie relative to the near leg's (forward, up) in
        metres, as in a staggered stance; the far shoulder and ear sit 2 cm behind the near
        ones.
    visibility : (near, far) or None
        Visibility written for each side, or None for no visibility columns.
    camera_roll_deg : float
        Clockwise tilt of the simulated camera in degrees.
    angle_off_side_deg : float
        How far the camera is turned off side-on (degrees): towards the person's front when
        positive (90 = from the front), towards the back when negative (-90 = from behind).
    camera_above_deg : float
        How far above the horizontal the camera looks down at the person (degrees).
    noise_px, seed : float, int
        Standard deviation of Gaussian noise added to every coordinate (pixels), and the
        seed of ``numpy.random.default_rng`` (same arguments, same numbers).

    A pelvis position in ``frames.attrs["pelvis_m"]`` (as `synthetic_session` makes it)
    moves the whole body: forward by ``tx`` and up by as much as ``ty`` rises above its
    level at the start (feet in the air); the model itself keeps the feet on the floor.

    Returns
    -------
    DataFrame
        ``time`` column plus ``<landmark>_x``, ``<landmark>_y`` (pixels, y down) and, unless
        ``visibility`` is None, ``<landmark>_visibility``, for every name in `LANDMARKS`.

    Examples
    --------
    >>> angles = pd.DataFrame({"hip": [0.0]}, index=pd.Index([0.0], name="time"))
    >>> kp = keypoints_from_poses(angles)
    >>> bool(kp.loc[0, "right_shoulder_y"] < kp.loc[0, "right_hip_y"])
    True
    """
    from hinge_lib.model.kinematics import joint_positions

    if facing not in ("left", "right"):
        raise ValueError(f"facing={facing!r}: expected 'left' or 'right'")
    near_side = near_side or facing
    if near_side not in ("left", "right"):
        raise ValueError(f"near_side={near_side!r}: expected 'left' or 'right'")
    body = Body() if body is None else body
    if not -180.0 <= float(angle_off_side_deg) <= 180.0:
        raise ValueError(f"angle_off_side_deg={angle_off_side_deg!r}: allowed range -180 to 180")
    if not 0.0 <= float(camera_above_deg) <= 80.0:
        raise ValueError(f"camera_above_deg={camera_above_deg!r}: allowed range 0 to 80")
    n = len(frames)
    angles = {c: (frames[c].to_numpy(dtype=float) if c in frames.columns else np.zeros(n))
              for c in POSE_COLUMNS}
    p, axes = joint_positions(angles, body)
    pelvis = frames.attrs.get("pelvis_m")
    if isinstance(pelvis, pd.DataFrame) and len(pelvis) == n:
        shift = np.zeros((n, 2))
        if "tx" in pelvis:
            shift[:, 0] = pelvis["tx"].to_numpy(float)
        if "ty" in pelvis:
            ty = pelvis["ty"].to_numpy(float)
            shift[:, 1] = np.clip(ty - ty[0], 0.0, None)
        # points are (n, 2); the per-pose flags and gaps stay as they are
        p = {k: v + shift if np.ndim(v) == 2 else v for k, v in p.items()}
    head_r = 0.5 * body.segments["head_neck"].length_m * 0.5
    forward = -np.stack((-axes["head_neck"][:, 1], axes["head_neck"][:, 0]), axis=-1)
    model = {
        "ear": p["head"], "shoulder": p["shoulder"], "hip": p["hip"], "knee": p["knee"],
        "ankle": p["ankle"], "heel": p["heel"], "foot_index": p["toe"],
    }
    nose = p["head"] + head_r * forward
    sign = 1.0 if facing == "right" else -1.0
    roll = np.radians(camera_roll_deg)
    # a camera turned clockwise shows the scene turned anticlockwise
    rot = np.array([[np.cos(roll), -np.sin(roll)], [np.sin(roll), np.cos(roll)]])

    def to_px(xy_m: np.ndarray, across_m: float = 0.0) -> np.ndarray:
        seen = view_point(xy_m[:, 0], xy_m[:, 1], np.full(len(xy_m), across_m),
                          angle_off_side_deg, camera_above_deg)
        upright = np.column_stack(seen) * np.array([sign, 1.0])
        turned = upright @ rot.T
        return np.column_stack((origin_px[0] + px_per_m * turned[:, 0],
                                origin_px[1] - px_per_m * turned[:, 1]))

    out: dict[str, np.ndarray] = {"time": frames.index.to_numpy(dtype=float)}
    far_side = "left" if near_side == "right" else "right"
    shift = np.asarray(far_shift_m, dtype=float)
    points = {"nose": to_px(nose)}
    half = {"shoulder": limit("shoulder_width") / 2 * body.height_m}
    half.update({p: limit("hip_width") / 2 * body.height_m for p in model if p != "shoulder"})
    for part, xy in model.items():
        points[f"{near_side}_{part}"] = to_px(xy, half[part])
        offset = np.array([-0.02, 0.0]) if part in ("ear", "shoulder") else shift
        points[f"{far_side}_{part}"] = to_px(xy + offset, -half[part])
    rng = np.random.default_rng(seed)
    for name in LANDMARKS:
        xy = points[name] + (rng.normal(0.0, noise_px, points[name].shape) if noise_px > 0
                             else 0.0)
        out[f"{name}_x"] = xy[:, 0]
        out[f"{name}_y"] = xy[:, 1]
        if visibility is not None:
            v = visibility[1] if name.startswith(far_side) else visibility[0]
            out[f"{name}_visibility"] = np.full(n, float(v))
    return pd.DataFrame(out)
