"""Find the repetitions in a recording and say, rep by rep, what a coach would notice.

`find_reps(frames)` works on the angles alone; `analyze_motion(frames, ...)` adds the model's
analysis of every frame (one vectorised call of `analyze_many`) and returns a `MotionReport`.

How reps are found (all angles in degrees, times in seconds):

1. hip and knee flexion are smoothed with a centred moving average of ``SMOOTH_S`` (applied
   twice, a triangular window), and summed into a *depth* signal (0 = standing tall).
2. The standing level is the 2nd percentile of depth and the deepest level the 98th. Hysteresis
   thresholds sit above the standing level: a rep is *entered* when depth passes
   ``max(MIN_DEPTH_DEG, 40 % of the range)`` and *left* when it falls back under
   ``max(MIN_DEPTH_DEG / 2, 20 % of the range)``, so noise and pauses at the top or the bottom
   cannot split or invent reps.
3. A rep starts where depth leaves the standing level before the entry (by 5 % of the rep's
   depth, at least 3 degrees) and ends where it comes back to the standing level after it. The
   bottom is the deepest frame in between.
4. A rep is kept only if it is complete (the recording neither starts nor ends inside it), lasts
   at least ``MIN_DURATION_S`` and the hips flex by at least ``MIN_HIP_DEG`` (walking bends the
   knees but barely moves the average of the two hips, so it yields no reps). A recording whose
   depth range is under ``MIN_DEPTH_DEG`` or whose hip range is under ``MIN_HIP_DEG`` has no reps.

First mover: from the last standing frame before the rep (least depth), the onset of a joint is
the first moment it has flexed by ``ONSET_DEG`` more than in that frame. If the hip and knee
onsets differ by no more than ``max(FIRST_MOVER_TOL_S, 10 % of the descent time)`` (descent
time: from the start until 90 % of the rep's depth is reached, so a pause at the bottom does not
widen the tolerance) the answer is ``"together"``; otherwise the earlier joint (``"hips"`` or
``"knees"``). A joint that never reaches its onset counts as moving last. ``"knees"`` adds the
fault code ``knees_first`` to the rep.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hinge_lib.model.body import Body

POSE_COLUMNS: tuple[str, ...] = ("ankle", "knee", "hip", "lumbar", "thoracic", "neck")
SMOOTH_S = 0.15
MIN_DEPTH_DEG = 30.0
MIN_HIP_DEG = 20.0
MIN_DURATION_S = 0.6
ONSET_DEG = 10.0
FIRST_MOVER_TOL_S = 0.1
REP_COLUMNS: tuple[str, ...] = (
    "rep", "start_s", "bottom_s", "end_s", "peak_hip", "peak_knee", "peak_ankle",
    "peak_lumbar", "hinge_score", "pattern", "faults", "first_mover", "balanced_at_bottom",
)

_FAULT_WORDS = {
    "rounded_lower_back": "the lower back rounded",
    "arched_lower_back": "the lower back arched",
    "rounded_upper_back": "the upper back rounded",
    "knees_forward": "the knees travelled far forward",
    "head_up": "the head tipped up",
    "com_outside_base": "the weight moved outside the feet",
    "locked_knees": "the knees were locked straight",
    "knees_first": "the knees bent before the hips moved back",
}


def _smooth(x: np.ndarray, t: np.ndarray, width_s: float) -> np.ndarray:
    """Centred moving average over ``width_s`` seconds, applied twice (edges use what exists)."""
    n = len(x)
    if n < 3:
        return x.astype(float)
    dt = float(np.median(np.diff(t)))
    half = max(int(round(width_s / dt / 2)), 0)
    if half == 0:
        return x.astype(float)
    i = np.arange(n)
    lo = np.maximum(i - half, 0)
    hi = np.minimum(i + half + 1, n)
    out = x.astype(float)
    for _ in range(2):
        c = np.concatenate(([0.0], np.cumsum(out)))
        out = (c[hi] - c[lo]) / (hi - lo)
    return out


def _check_frames(frames: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frames, pd.DataFrame):
        raise TypeError(f"frames must be a DataFrame of joint angles, got {type(frames).__name__}")
    lacking = [c for c in ("hip", "knee") if c not in frames.columns]
    if lacking:
        raise ValueError(f"frames: missing column(s) {lacking}; expected {list(POSE_COLUMNS)}")
    t = frames.index.to_numpy(dtype=float)
    if len(t) > 1 and not (np.diff(t) > 0).all():
        raise ValueError("frames: the index must be time in seconds, strictly increasing")
    out = frames.reindex(columns=list(POSE_COLUMNS)).astype(float).fillna(0.0)
    if not np.isfinite(out.to_numpy()).all():
        raise ValueError("frames: angles must be finite numbers")
    return out


def find_reps(frames: pd.DataFrame) -> pd.DataFrame:
    """Complete repetitions in ``frames`` (time index in s, angle columns in degrees).

    Returns one row per rep with ``start_i, bottom_i, end_i`` (row positions),
    ``start_s, bottom_s, end_s``, smoothed peaks ``peak_hip, peak_knee, peak_ankle,
    peak_lumbar`` (degrees) and ``first_mover``. ``attrs["reason"]`` explains an empty result.
    """
    angles = _check_frames(frames)
    t = angles.index.to_numpy(dtype=float)
    cols = ["rep", "start_i", "bottom_i", "end_i", "start_s", "bottom_s", "end_s",
            "peak_hip", "peak_knee", "peak_ankle", "peak_lumbar", "first_mover"]
    empty = pd.DataFrame({c: pd.Series(dtype=object if c == "first_mover" else float)
                          for c in cols})
    if len(t) < 5:
        empty.attrs["reason"] = "the recording is too short"
        return empty
    sm = {c: _smooth(angles[c].to_numpy(), t, SMOOTH_S) for c in ("hip", "knee", "ankle",
                                                                  "lumbar")}
    depth = sm["hip"] + sm["knee"]
    base = float(np.percentile(depth, 2))
    span = float(np.percentile(depth, 98)) - base
    if span < MIN_DEPTH_DEG:
        empty.attrs["reason"] = (f"hips and knees together never bent more than "
                                 f"{max(span, 0):.0f} degrees from standing (a rep needs "
                                 f"{MIN_DEPTH_DEG:.0f})")
        return empty
    hip_span = float(np.percentile(sm["hip"], 98) - np.percentile(sm["hip"], 2))
    if hip_span < MIN_HIP_DEG:
        empty.attrs["reason"] = (f"the knees bent but the hips flexed by only {hip_span:.0f} "
                                 f"degrees (as in walking); a rep needs at least "
                                 f"{MIN_HIP_DEG:.0f} degrees of hip flexion")
        return empty
    high = base + max(MIN_DEPTH_DEG, 0.4 * span)
    low = base + max(MIN_DEPTH_DEG / 2, 0.2 * span)
    state = np.where(depth > high, 1.0, np.where(depth < low, 0.0, np.nan))
    state = pd.Series(state).ffill().fillna(-1.0).to_numpy()
    prev = np.concatenate(([-1.0], state[:-1]))
    ups = np.flatnonzero((state == 1) & (prev != 1))
    downs = np.flatnonzero((state == 0) & (prev == 1))
    rows = []
    rejected: Counter[str] = Counter()
    for k, u in enumerate(ups):
        if prev[u] == -1:
            rejected["partial"] += 1
            continue
        later = downs[downs > u]
        if len(later) == 0:
            rejected["partial"] += 1
            continue
        dn = int(later[0])
        before = int(downs[downs < u][-1]) if (downs < u).any() else 0
        after = int(ups[k + 1]) if k + 1 < len(ups) else len(t)
        bottom = u + int(np.argmax(depth[u:dn]))
        pre = depth[before:u + 1]
        level = float(pre.min())
        tol = max(0.05 * (depth[bottom] - level), 3.0)
        start = before + int(np.flatnonzero(pre <= level + tol)[-1])
        rest = before + int(np.argmin(pre))
        post = depth[dn:after]
        level_after = float(post.min())
        tol_after = max(0.05 * (depth[bottom] - level_after), 3.0)
        end = bottom + int(np.flatnonzero(depth[bottom:after] <= level_after + tol_after)[0])
        if t[end] - t[start] < MIN_DURATION_S:
            rejected["short"] += 1
            continue
        seg = slice(start, end + 1)
        if sm["hip"][seg].max() - sm["hip"][start] < MIN_HIP_DEG:
            rejected["hip"] += 1
            continue
        rows.append({
            "start_i": start, "bottom_i": bottom, "end_i": end,
            "start_s": t[start], "bottom_s": t[bottom], "end_s": t[end],
            "peak_hip": float(sm["hip"][seg].max()), "peak_knee": float(sm["knee"][seg].max()),
            "peak_ankle": float(sm["ankle"][seg].max()),
            "peak_lumbar": float(sm["lumbar"][seg].max()),
            "first_mover": _first_mover(t, sm["hip"], sm["knee"], depth, rest, bottom),
        })
    if not rows:
        out = empty
        if rejected["hip"]:
            out.attrs["reason"] = ("the knees bent but the hips hardly flexed (as in walking); "
                                   f"a rep needs at least {MIN_HIP_DEG:.0f} degrees of hip "
                                   "flexion")
        elif rejected["short"]:
            out.attrs["reason"] = (f"the dips were shorter than {MIN_DURATION_S} s, too quick "
                                   "for a lift")
        elif rejected["partial"]:
            out.attrs["reason"] = ("the only bending was cut off by the start or the end of the "
                                   "recording")
        else:
            out.attrs["reason"] = "the hips and knees never bent and straightened again"
        return out
    out = pd.DataFrame(rows)
    out.insert(0, "rep", np.arange(1, len(out) + 1))
    out.attrs["reason"] = ""
    out.attrs["partial_reps_ignored"] = rejected["partial"]
    return out[cols]


def _first_mover(t: np.ndarray, hip: np.ndarray, knee: np.ndarray, depth: np.ndarray,
                 start: int, bottom: int) -> str:
    seg = slice(start, bottom + 1)
    near = depth[start] + 0.9 * (depth[bottom] - depth[start])
    descent_s = t[start + int(np.flatnonzero(depth[seg] >= near)[0])] - t[start]
    onsets = []
    for sig in (hip, knee):
        moved = np.flatnonzero(sig[seg] - sig[start] >= ONSET_DEG)
        onsets.append(t[start + moved[0]] if len(moved) else np.inf)
    hip_on, knee_on = onsets
    tol = max(FIRST_MOVER_TOL_S, 0.1 * descent_s)
    if np.isfinite(hip_on) and np.isfinite(knee_on) and abs(hip_on - knee_on) <= tol:
        return "together"
    return "hips" if hip_on < knee_on else "knees"


@dataclass(frozen=True, eq=False)
class MotionReport:
    """Result of `analyze_motion`.

    - ``frames``: per-frame analysis (columns of ``analyze_many``), same time index as the input
    - ``reps``: one row per complete rep, columns `REP_COLUMNS` (times in s, peaks in degrees,
      ``faults`` a tuple of codes at the bottom plus ``knees_first``)
    - ``message``: a plain-language summary for the learner
    - ``notes``: what was repaired while reading or analysing (interpolated gaps, clipping)
    - ``missing``: pose columns the recording did not measure (analysed as 0)
    - ``unknown``: pose columns the recording *cannot* measure (``frames.attrs["unknown"]``,
      e.g. the spine in a side-on video); faults that depend on them are not judged
    """

    frames: pd.DataFrame
    reps: pd.DataFrame
    message: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    body: Body = field(default_factory=Body)
    load_kg: float = 0.0
    hold: str = "hands"
    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def _clip_to_limits(angles: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    from hinge_lib.model.pose import joint_limits

    notes = []
    out = angles.copy()
    for col, (lo, hi) in joint_limits().items():
        v = out[col].to_numpy()
        bad = (v < lo) | (v > hi)
        if bad.any():
            out[col] = np.clip(v, lo, hi)
            notes.append(f"{col}: {int(bad.sum())} frame(s) outside the model's range "
                         f"{lo:g}..{hi:g} degrees were clipped to it")
    return out, notes


def analyze_motion(
    frames: pd.DataFrame,
    body: Body | None = None,
    load_kg: float = 0.0,
    hold: str = "hands",
) -> MotionReport:
    """Analyse every frame of a recording and every complete rep in it.

    ``frames``: time index in s, columns ``ankle, knee, hip, lumbar, thoracic, neck`` in degrees
    (model conventions, as returned by `read_motion`; missing columns count as 0). Angles
    outside the model's joint limits are clipped (reported in ``notes``). The whole recording
    is analysed in one vectorised call of `analyze_many`. Columns listed in
    ``frames.attrs["unknown"]`` (as `poses_from_keypoints` sets for the spine) are analysed
    as 0 but their faults are left out, their peaks are NaN and the summary says they were
    not measured.
    """
    from hinge_lib.model.analysis import analyze_many

    body = Body() if body is None else body
    angles = _check_frames(frames)
    missing = tuple(frames.attrs.get("missing", ())) or tuple(
        c for c in POSE_COLUMNS if c not in frames.columns)
    unknown = tuple(c for c in frames.attrs.get("unknown", ()) if c in POSE_COLUMNS)
    angles, notes = _clip_to_limits(angles)
    notes = [*frames.attrs.get("repairs", []), *notes]
    analysis = analyze_many(angles, body=body, load_kg=load_kg, hold=hold)
    found = find_reps(angles)
    reps = _rep_table(found, analysis, unknown)
    message = summarize(reps, reason=found.attrs.get("reason", ""),
                        missing=[c for c in missing if c not in unknown], unknown=unknown)
    return MotionReport(frames=analysis, reps=reps, message=message, notes=tuple(notes),
                        body=body, load_kg=float(load_kg), hold=hold, missing=missing,
                        unknown=unknown)


def _rep_table(found: pd.DataFrame, analysis: pd.DataFrame,
               unknown: tuple[str, ...] = ()) -> pd.DataFrame:
    if found.empty:
        out = pd.DataFrame({c: pd.Series(dtype=float) for c in REP_COLUMNS})
        for c in ("pattern", "faults", "first_mover", "balanced_at_bottom"):
            out[c] = out[c].astype(object)
        out["rep"] = out["rep"].astype(int)
        return out
    from hinge_lib.model.patterns import fault_rules

    at = analysis.iloc[found["bottom_i"].to_numpy()]
    not_judged = {r["code"] for r in fault_rules() if r["metric"] in unknown}
    faults = []
    for codes, mover in zip(at["faults"], found["first_mover"], strict=True):
        codes = tuple(c for c in codes if c not in not_judged)
        faults.append(codes + ("knees_first",) if mover == "knees" else codes)
    out = pd.DataFrame({
        "rep": found["rep"].to_numpy(int),
        "start_s": found["start_s"].to_numpy(float),
        "bottom_s": found["bottom_s"].to_numpy(float),
        "end_s": found["end_s"].to_numpy(float),
        "peak_hip": found["peak_hip"].to_numpy(float),
        "peak_knee": found["peak_knee"].to_numpy(float),
        "peak_ankle": found["peak_ankle"].to_numpy(float),
        "peak_lumbar": (np.full(len(found), np.nan) if "lumbar" in unknown
                        else found["peak_lumbar"].to_numpy(float)),
        "hinge_score": at["hinge_score"].to_numpy(float),
        "pattern": at["pattern"].astype(object).to_numpy(),
        "faults": pd.Series(faults, dtype=object).to_numpy(),
        "first_mover": found["first_mover"].astype(object).to_numpy(),
        "balanced_at_bottom": at["balanced"].to_numpy(bool),
    })
    out.attrs["bottom_i"] = found["bottom_i"].tolist()
    return out


def summarize(reps: pd.DataFrame, reason: str = "", missing: list[str] | tuple = (),
              unknown: list[str] | tuple = ()) -> str:
    """Plain-language summary of a rep table (as in `MotionReport.message`); ``unknown``
    columns were not measured at all, so nothing is said about them except that."""
    not_judged = ""
    if unknown:
        not_judged = f" Not measured, so not judged: {', '.join(unknown)}."
        if {"lumbar", "thoracic"} & set(unknown):
            not_judged += (" The hip angle includes any rounding of the back, so a rounded "
                           "back can pass for a hinge: check the back by eye.")
    if reps.empty:
        return (f"No repetitions found: {reason or 'no complete rep in the recording'}."
                + not_judged)
    n = len(reps)
    lines = [f"{n} repetition{'s' if n != 1 else ''} found."]
    patterns = Counter(reps["pattern"])
    parts = [f"{k} in {v}" for k, v in patterns.most_common()]
    lines.append("Pattern at the bottom: " + ", ".join(parts) + ".")
    low, high = reps["hinge_score"].min(), reps["hinge_score"].max()
    spread = f"from {low:.2f} to {high:.2f}; " if f"{low:.2f}" != f"{high:.2f}" else ""
    lines.append(f"Hinge score at the bottom: {reps['hinge_score'].mean():.2f} on average "
                 f"({spread}1 = the hips do all the work).")
    movers = Counter(reps["first_mover"])
    lead = {"hips": "the hips led", "knees": "the knees led", "together": "hips and knees "
            "started together"}
    lines.append("Start of the descent: " + ", ".join(
        f"{lead[k]} in {v}" for k, v in movers.most_common()) + ".")
    faults = Counter(code for codes in reps["faults"] for code in codes)
    if faults:
        lines.append("Watch for: " + "; ".join(
            f"{_FAULT_WORDS.get(c, c.replace('_', ' '))} ({v} of {n})"
            for c, v in faults.most_common()) + ".")
    elif unknown:
        lines.append("No faults flagged at the bottom of any rep among those this recording "
                     "can show.")
    else:
        lines.append("No faults flagged at the bottom of any rep.")
    off = int((~reps["balanced_at_bottom"].astype(bool)).sum())
    if off:
        lines.append(f"Balance: the weight was outside the feet at the bottom of {off} rep(s).")
    if missing:
        lines.append(f"Not measured in this recording (taken as 0): {', '.join(missing)}.")
    return " ".join(lines) + not_judged
