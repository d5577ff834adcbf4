"""OpenSim conventions a reader must settle: the knee's sign (gait2392 or Rajagopal), the
trunk's standing baseline, and which ankle the balance uses; and the reader's error.

Used by :mod:`hinge_lib.recordings.readers` (see its documentation for the rules).
"""

from __future__ import annotations

import numpy as np

MIN_STANDING_S = 0.3
STANDING_DEG = 5.0
_KNEE_SIGN_DEG = 15.0
_BASELINE_MIN_DEG = 2.0
#: A knee moving only within +-15 deg is read as negative flexion when it goes past -5 deg,
#: stays under +5 and moves against the hip with a correlation of at least 0.7.
_KNEE_SHALLOW_DEG = 5.0
_KNEE_HIP_CORRELATION = 0.7


class MotionFileError(ValueError):
    """A recording could not be read; the message names the file, line and column."""


def _fail(name: str, message: str, line: int | None = None, column: str | None = None) -> None:
    where = name
    if line is not None:
        where += f", line {line}"
    if column is not None:
        where += f", column {column}"
    raise MotionFileError(f"{where}: {message}")


def _mean_sides(block: list[np.ndarray]) -> np.ndarray:
    stack = np.column_stack(block)
    with np.errstate(all="ignore"):
        counts = (~np.isnan(stack)).sum(axis=1)
        return np.where(counts > 0, np.nansum(stack, axis=1) / np.maximum(counts, 1), np.nan)


def _knee_sign(label: str, knees: dict[str, np.ndarray], hips: dict[str, np.ndarray],
               pelvis: np.ndarray | None, ankles: dict[str, np.ndarray], repairs: list[str],
               ) -> float:
    """+1 when ``knee_angle`` is flexion, -1 for the gait2392 convention (flexion negative)."""
    values = np.concatenate(list(knees.values()))
    values = values[~np.isnan(values)]
    if values.size == 0:
        return 1.0
    lo, hi = np.percentile(values, [2, 98])
    names = ", ".join(repr(k) for k in knees)
    if lo < -_KNEE_SIGN_DEG and hi > _KNEE_SIGN_DEG:
        _fail(label, f"the knee ({names}) goes from {lo:.0f} to {hi:.0f} degrees: flexion cannot "
              "be both; check the model's knee convention (gait2392: flexion negative, "
              "Rajagopal/OpenCap: flexion positive)")
    if lo < -_KNEE_SIGN_DEG:
        repairs.append(f"knee: {names} bend to {lo:.0f} degrees and never past "
                       f"+{_KNEE_SIGN_DEG:.0f}: read as the gait2392 convention (flexion "
                       "negative) and the sign flipped")
        return -1.0
    if hi > _KNEE_SIGN_DEG or not hips:
        return 1.0
    if pelvis is None or not ankles:
        return _knee_sign_by_hip(knees, hips, lo, hi, names, repairs)
    # small knee movement: let the chain decide when it can
    errors = {}
    for sign in (1.0, -1.0):
        shin = []
        for side, knee in knees.items():
            hip = hips.get(side.replace("knee_angle", "hip_flexion"))
            ankle = ankles.get(side.replace("knee_angle", "ankle_angle"))
            if hip is None or ankle is None:
                continue
            shin.append(-pelvis + sign * knee - hip - ankle)
        if not shin:
            return 1.0
        errors[sign] = float(np.sqrt(np.nanmean(np.concatenate(shin) ** 2)))
    if errors[-1.0] < 0.5 * errors[1.0]:
        repairs.append(f"knee: {names} read as the gait2392 convention (flexion negative): "
                       f"with that sign the shin from pelvis_tilt, hip and knee matches the "
                       f"ankle angle ({errors[-1.0]:.1f} against {errors[1.0]:.1f} degrees)")
        return -1.0
    return 1.0


def _knee_sign_by_hip(knees: dict[str, np.ndarray], hips: dict[str, np.ndarray], lo: float,
                      hi: float, names: str, repairs: list[str]) -> float:
    """A knee that barely bends, without the chain to check it: in a squat or a hinge the knee
    flexes as the hip flexes, so a knee that only goes negative, and does so as the hip
    flexes, is read as the gait2392 convention."""
    if not (lo < -_KNEE_SHALLOW_DEG and hi < _KNEE_SHALLOW_DEG):
        return 1.0
    knee = _mean_sides(list(knees.values()))
    hip = _mean_sides(list(hips.values()))
    both = ~(np.isnan(knee) | np.isnan(hip))
    if both.sum() < 10 or np.std(knee[both]) == 0 or np.std(hip[both]) == 0:
        return 1.0
    r = float(np.corrcoef(knee[both], hip[both])[0, 1])
    if r > -_KNEE_HIP_CORRELATION:
        return 1.0
    repairs.append(f"knee: {names} bend only to {lo:.0f} degrees, and they go negative as the "
                   f"hip flexes (correlation {r:.2f}): read as the gait2392 convention (flexion "
                   "negative) and the sign flipped")
    return -1.0


def _lumbar_baseline(t: np.ndarray, hip: np.ndarray | None, knee: np.ndarray | None,
                     lumbar: np.ndarray, repairs: list[str]) -> np.ndarray:
    """``lumbar`` minus its median while standing (hip and knee near their straightest)."""
    if hip is None or knee is None or len(t) < 3:
        repairs.append("lumbar: measured from the model's zero (no hip and knee to find "
                       "standing frames)")
        return lumbar
    depth = hip + knee
    standing = depth <= np.percentile(depth, 2) + STANDING_DEG
    step = float(np.median(np.diff(t)))
    if standing.sum() * step < MIN_STANDING_S or np.percentile(depth, 2) > 20.0:
        repairs.append("lumbar: measured from the model's zero; the recording has no "
                       f"{MIN_STANDING_S:g} s of standing to measure the person's own posture")
        return lumbar
    baseline = float(np.median(lumbar[standing]))
    if abs(baseline) < _BASELINE_MIN_DEG:
        return lumbar
    repairs.append(f"lumbar: {baseline:+.1f} degrees while standing ({standing.sum()} frames) "
                   "subtracted, so 0 is this person's standing trunk")
    return lumbar - baseline


def _ankle_caveat(source: str, shin_gap: float | None) -> str:
    """Which ankle the balance verdict uses (OpenSim files)."""
    if source.startswith("shin from"):
        gap = ("" if shin_gap is None else
               f"; OpenSim's own ankle angle differs from it by up to {shin_gap:.0f} degrees here "
               "(it equals the shin's tilt only with the foot flat)")
        return ("Balance uses the shin's tilt worked out from pelvis tilt, hip and knee, so the "
                f"model's pelvis tilts as the recorded one{gap}.")
    return ("Balance uses OpenSim's ankle angle as the shin's tilt (no pelvis_tilt column to "
            "work the shin out from): it is the shin's tilt only with the foot flat.")
