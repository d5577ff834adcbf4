"""What a static model with both feet flat cannot judge in a recording, and which reps that
leaves out.

- `pelvis_spans`: the feet off the floor or moving along it, from a recorded pelvis position
  (:mod:`hinge_lib.recordings.feet`);
- `too_fast`: the centre of mass accelerating at more than ``too_fast_com_accel_g`` of
  data/recording_limits.csv;
- `merge_spans`, `leave_out_not_judged`: stretches joined, and the reps overlapping them left
  out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hinge_lib.model.body import Body
from hinge_lib.model.pose import POSE_FIELDS as POSE_COLUMNS
from hinge_lib.recordings import timeline

#: Low-pass cut-off (Hz) of the centre of mass before its acceleration is checked: a lift's
#: movement lies below it, the frame-to-frame noise of measured angles above it.
SPEED_CHECK_HZ = 2.0
GRAVITY = 9.81
#: Fault metrics that hold only for a pose held still (balance over the feet): not judged at
#: the bottom of a rep that was too fast for the static model.
STATIC_METRICS = ("balance_margin_m",)


def pelvis_spans(angles: pd.DataFrame, pelvis: object, body: Body,
                  ) -> tuple[list[timeline.Excluded], str]:
    """Flight and stepping from the recorded pelvis position (``attrs["pelvis_m"]``)."""
    from hinge_lib.model.kinematics import joint_positions
    from hinge_lib.recordings.feet import feet_spans_from_pelvis

    if not isinstance(pelvis, pd.DataFrame) or pelvis.empty or len(angles) < 10:
        return [], ""
    t = angles.index.to_numpy(dtype=float)
    tp = pelvis.index.to_numpy(dtype=float)

    def at(col: str) -> np.ndarray | None:
        return np.interp(t, tp, pelvis[col].to_numpy(dtype=float)) if col in pelvis else None

    along = [v for v in (at("tx"), at("tz")) if v is not None]
    points, _ = joint_positions({c: angles[c].to_numpy(dtype=float) for c in POSE_COLUMNS},
                                body)
    depth = (angles["hip"] + angles["knee"]).to_numpy(dtype=float)
    return feet_spans_from_pelvis(t, depth, at("ty"),
                                  np.column_stack(along) if along else None,
                                  points["hip"][:, :1])


def too_fast(t: np.ndarray, analysis: pd.DataFrame) -> list[timeline.Excluded]:
    """Stretches where the model's centre of mass (relative to the feet) accelerates at more
    than ``too_fast_com_accel_g`` of data/recording_limits.csv: too fast for a static model.

    The centre of mass is low-pass filtered at `SPEED_CHECK_HZ` (zero lag) before it is
    differentiated twice; each stretch of time without a hole is checked on its own.
    """
    from hinge_lib.recordings.filtering import low_pass
    from hinge_lib.recordings.limits import limit

    if len(t) < 10 or "com_x_m" not in analysis.columns:
        return []
    com = analysis[["com_x_m", "com_y_m"]].to_numpy(dtype=float)
    accel = np.zeros(len(t))
    for a, b in timeline.segments(t):
        if b - a < 10:
            continue
        smooth = low_pass(com[a:b], t[a:b], SPEED_CHECK_HZ)
        second = np.gradient(np.gradient(smooth, t[a:b], axis=0), t[a:b], axis=0)
        accel[a:b] = np.linalg.norm(second, axis=1) / GRAVITY
    fast = accel > limit("too_fast_com_accel_g")
    out = []
    for a, b in timeline.runs(fast):
        peak = float(accel[a:b].max())
        out.append(timeline.Excluded(
            float(t[max(a - 1, 0)]), float(t[min(b, len(t) - 1)]),
            f"too fast for a static model: the centre of mass accelerated at up to "
            f"{peak:.1f} g"))
    return out


def merge_spans(spans: list[timeline.Excluded]) -> list[timeline.Excluded]:
    """Overlapping stretches joined into one, their reasons listed once each, in time order."""
    out: list[timeline.Excluded] = []
    for span in sorted(spans, key=lambda e: e.start_s):
        if out and span.start_s <= out[-1].end_s:
            last = out[-1]
            reasons = last.reason.split("; ")
            reason = last.reason if span.reason in reasons else f"{last.reason}; {span.reason}"
            out[-1] = timeline.Excluded(last.start_s, max(last.end_s, span.end_s), reason)
        else:
            out.append(span)
    return out


def leave_out_not_judged(found: pd.DataFrame, spans: list[timeline.Excluded],
                          ) -> tuple[pd.DataFrame, int]:
    """Reps that overlap a stretch not judged are left out; returns (kept, how many left)."""
    if found.empty or not spans:
        return found, 0
    start = found["start_s"].to_numpy(float)
    end = found["end_s"].to_numpy(float)
    hit = np.zeros(len(found), dtype=bool)
    for span in spans:
        hit |= (start < span.end_s) & (end > span.start_s)
    if not hit.any():
        return found, 0
    kept = found[~hit].copy()
    kept["rep"] = np.arange(1, len(kept) + 1)
    kept.attrs = dict(found.attrs)
    return kept, int(hit.sum())


def not_judged_summary(report: object, name: str) -> str:
    """A few lines on what a `MotionReport` could not judge: reps judged and left out, reps
    whose bottom was too fast, each stretch not judged, and the first stretch too fast."""
    reps = report.reps
    fast = int((~reps["static_at_bottom"].astype(bool)).sum()) if len(reps) else 0
    lines = [f"{name}: {len(reps)} reps judged, {report.reps_not_judged} left out, {fast} with "
             "a bottom too fast to judge balance"]
    lines += [f"   not judged: {span.describe()}" for span in report.not_judged]
    if report.too_fast:
        lines.append(f"   too fast: {len(report.too_fast)} stretches, the first "
                     f"{report.too_fast[0].describe()}")
    return "\n".join(lines)
