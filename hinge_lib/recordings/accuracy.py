"""How close angles read from a filmed hinge come to the truth, on keypoints made from the
model (no marker-based motion capture is available here; see
benchmarks/bench_video_accuracy.py, which prints the whole table).

`filmed_accuracy(height_px, noise_px, angle_deg, filtered)` draws made-up hinge, knees-first
and squat reps (`synthetic_motion`, 30 frames/s, spine neutral) as a camera turned
``angle_deg`` off side-on and 5 degrees above the hips would see them, with ``noise_px`` of
Gaussian jitter and short occlusions of the nearer leg, reads them back with
`poses_from_keypoints` and reports knee and hip errors (degrees), first movers right, the
estimated camera angle and the jitter the filter took out. Same arguments, same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hinge_lib.recordings.keypoints import KeypointError, poses_from_keypoints
from hinge_lib.recordings.reps import analyze_motion
from hinge_lib.recordings.synthetic import keypoints_from_poses, synthetic_motion

KINDS = ("hinge", "knees_first", "squat")
CAMERA_ABOVE_DEG = 5.0
STATURE_M = 1.75
DROP_SHARE = 0.03


def truth_motions(seed: int) -> dict[str, pd.DataFrame]:
    out = {}
    for kind in KINDS:
        frames = synthetic_motion(kind, reps=3, rate_hz=30.0, seed=seed, noise_deg=0.0)
        frames[["lumbar", "thoracic"]] = 0.0
        out[kind] = frames
    return out


def occlude(kp: pd.DataFrame, rng: np.random.Generator, near: str = "right") -> pd.DataFrame:
    """Lose the nearer side's knee, ankle, heel or toes for 2-4 frames at a time."""
    kp = kp.copy()
    n = len(kp)
    for _ in range(int(DROP_SHARE * n / 3)):
        part = rng.choice(["knee", "ankle", "heel", "foot_index"])
        start = int(rng.integers(0, n - 4))
        rows = kp.index[start:start + int(rng.integers(2, 5))]
        kp.loc[rows, [f"{near}_{part}_x", f"{near}_{part}_y"]] = np.nan
        kp.loc[rows, f"{near}_{part}_visibility"] = 0.0
    return kp


def filmed_accuracy(height_px: float, noise_px: float, angle_deg: float, filtered: bool = True,
                    seed: int = 1) -> dict:
    """One row of the error table (see the module documentation): ``knee_rms``, ``knee_max``,
    ``hip_rms``, ``hip_max`` (degrees), ``first_mover_right`` (``"right/all"``),
    ``angle_estimated`` (degrees), ``jitter_measured_px`` and ``refused`` (motions refused);
    about 3 s per row (tests/test_keypoints.py checks a row without jitter).
    """
    truths = truth_motions(seed)
    truth_movers = truth_first_movers(seed)
    errors = {"knee": [], "hip": []}
    right = total = 0
    angles = []
    jitter = []
    refused = 0
    for k, (kind, truth) in enumerate(truths.items()):
        rng = np.random.default_rng(seed * 100 + k)
        kp = keypoints_from_poses(truth, px_per_m=height_px / STATURE_M, noise_px=noise_px,
                                  seed=seed * 100 + k, angle_off_side_deg=angle_deg,
                                  camera_above_deg=CAMERA_ABOVE_DEG)
        kp = occlude(kp, rng)
        try:
            poses = poses_from_keypoints(kp, filter_hz="auto" if filtered else None,
                                         max_angle_off_side_deg=90.0)
        except KeypointError:
            refused += 1
            continue
        angles.append(poses.attrs["camera_angle_deg"])
        jitter.append(poses.attrs["jitter_px"])
        for col in errors:
            errors[col].append(poses[col].to_numpy() - truth.loc[poses.index, col].to_numpy())
        movers = analyze_motion(poses).reps["first_mover"].tolist()
        want = truth_movers[kind]
        total += len(want)
        right += sum(a == b for a, b in zip(movers, want, strict=False)) if len(movers) == len(
            want) else 0
    row = {"height_px": height_px, "noise_px": noise_px, "angle_deg": angle_deg,
           "filter": "6 Hz" if filtered else "none"}
    for col, parts in errors.items():
        e = np.concatenate(parts) if parts else np.array([])
        row[f"{col}_rms"] = float(np.sqrt(np.mean(e**2))) if e.size else float("nan")
        row[f"{col}_max"] = float(np.max(np.abs(e))) if e.size else float("nan")
    row["first_mover_right"] = f"{right}/{total}"
    row["angle_estimated"] = float(np.mean(angles)) if angles else float("nan")
    row["jitter_measured_px"] = float(np.nanmean(jitter)) if filtered and jitter else float("nan")
    row["refused"] = refused
    return row




_MOVERS: dict[int, dict[str, list[str]]] = {}


def truth_first_movers(seed: int) -> dict[str, list[str]]:
    """First mover of every rep of `truth_motions`, from the true angles."""
    if seed not in _MOVERS:
        _MOVERS[seed] = {k: analyze_motion(v).reps["first_mover"].tolist()
                         for k, v in truth_motions(seed).items()}
    return _MOVERS[seed]


def accuracy_line(row: dict) -> str:
    """One row of `filmed_accuracy` in words."""
    return (f"{row['angle_deg']:>2.0f} deg off side-on: knee {row['knee_rms']:.1f} deg RMS, hip "
            f"{row['hip_rms']:.1f} deg RMS, first mover right in {row['first_mover_right']}, "
            f"angle read as {row['angle_estimated']:.0f} deg")
