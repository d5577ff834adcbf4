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

Gaps: angles that are missing (``NaN``) are never taken as 0. Short gaps are filled, longer ones
are left out (see :mod:`hinge_lib.recordings.timeline`), and the time is split there: a rep is
only found inside a stretch of frames without a hole, and the seconds left out are reported.

First mover: from the last standing frame before the rep (least depth), each joint's own travel
in the descent is its largest flexion up to the bottom minus its level while standing (the
median over the ``STILL_WINDOW_S`` before that frame, so one noisy frame does not set it). Its onset
is the first moment it has covered ``ONSET_FRACTION`` of that travel (at least ``ONSET_MIN_DEG``,
and at least ``ONSET_NOISE_SDS`` standard deviations of the joint's angle over the
``STILL_WINDOW_S`` before the rep, so that measurement noise, as in a filmed clip, does not
start a joint that hardly moves),
so a knee that starts early but travels few degrees is still seen to start first. If the hip and
knee onsets differ by no more than ``max(FIRST_MOVER_TOL_S, 10 % of the descent time)``
(descent time: from the first onset until 90 % of the rep's depth is reached, so a pause at
the top or the bottom does not widen the tolerance) the answer is ``"together"``; otherwise
the earlier joint (``"hips"`` or ``"knees"``). A joint that travels less than
``ONSET_MIN_DEG`` counts as moving last. ``"knees"`` adds the fault code ``knees_first``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hinge_lib.model import catalog
from hinge_lib.model.body import Body
from hinge_lib.model.pose import POSE_FIELDS
from hinge_lib.recordings import timeline
from hinge_lib.recordings.static_limits import (
    STATIC_METRICS,
    leave_out_not_judged,
    merge_spans,
    pelvis_spans,
    too_fast,
)

POSE_COLUMNS: tuple[str, ...] = POSE_FIELDS
SMOOTH_S = 0.15
MIN_DEPTH_DEG = 30.0
MIN_HIP_DEG = 20.0
MIN_DURATION_S = 0.6
ONSET_FRACTION = 0.15
ONSET_MIN_DEG = 3.0
FIRST_MOVER_TOL_S = 0.1
ONSET_NOISE_SDS = 3.0
STILL_WINDOW_S = 0.5
REP_COLUMNS: tuple[str, ...] = (
    "rep", "start_s", "bottom_s", "end_s", "peak_hip", "peak_knee", "peak_ankle",
    "peak_lumbar", "hinge_score", "pattern", "faults", "first_mover", "balanced_at_bottom",
)
#: Columns of `MotionReport.reps`: `REP_COLUMNS` (what the practice log keeps) and
#: ``static_at_bottom`` (False when the bottom was too fast for the static model).
REPORT_COLUMNS: tuple[str, ...] = (*REP_COLUMNS, "static_at_bottom")



def fault_words(code: str) -> str:
    """How a report names a fault: its name from data/faults.yaml, in lower case.

    Examples
    --------
    >>> fault_words("rounded_lower_back")
    'rounded lower back'
    """
    try:
        name = catalog.fault_name(code)
    except ValueError:
        return code.replace("_", " ")
    return name[:1].lower() + name[1:]


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


@dataclass(frozen=True)
class _Prepared:
    angles: pd.DataFrame
    notes: tuple[str, ...]
    excluded: tuple[timeline.Excluded, ...]


def _prepare(frames: pd.DataFrame) -> _Prepared:
    """Checked angles: time in seconds, gaps filled or left out, missing columns as 0."""
    if not isinstance(frames, pd.DataFrame):
        raise TypeError(f"frames must be a DataFrame of joint angles, got {type(frames).__name__}")
    lacking = [c for c in ("hip", "knee") if c not in frames.columns]
    if lacking:
        raise ValueError(f"frames: missing column(s) {lacking}; expected {list(POSE_COLUMNS)}; "
                         f"columns seen: {[str(c) for c in frames.columns]}")
    if len(frames) > timeline.MAX_FRAMES:
        raise ValueError(f"frames: {len(frames)} rows is over the limit of "
                         f"{timeline.MAX_FRAMES} frames; analyse the recording in parts")
    t, notes = timeline.index_seconds(frames.index)
    if len(t) > 1 and not (np.diff(t) > 0).all():
        raise ValueError("frames: the index must be time in seconds, strictly increasing")
    timeline.check_rate(t)
    present = [c for c in POSE_COLUMNS if c in frames.columns]
    values = {}
    for c in present:
        try:
            values[c] = frames[c].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"frames: column {c!r} must hold numbers (degrees); got dtype "
                             f"{frames[c].dtype}") from None
        if np.isinf(values[c]).any():
            raise ValueError(f"frames: column {c!r}: angles must be finite numbers")
    keep, filled, gap_notes, excluded = timeline.repair_gaps(t, values)
    angles = pd.DataFrame({c: filled[c] if c in filled else np.zeros(int(keep.sum()))
                           for c in POSE_COLUMNS}, index=pd.Index(t[keep], name="time"))
    known = [*frames.attrs.get("excluded", ())]
    return _Prepared(angles, tuple(notes + gap_notes), tuple(known + excluded))


def _check_frames(frames: pd.DataFrame) -> pd.DataFrame:
    return _prepare(frames).angles


_FOUND_COLUMNS = ("rep", "start_i", "bottom_i", "end_i", "start_s", "bottom_s", "end_s",
                  "peak_hip", "peak_knee", "peak_ankle", "peak_lumbar", "first_mover")


def _no_reps(reason: str = "") -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=object if c == "first_mover" else float)
                        for c in _FOUND_COLUMNS})
    out.attrs["reason"] = reason
    return out


def _jumps(t: np.ndarray) -> list[timeline.Excluded]:
    return [timeline.Excluded(float(t[i - 1]), float(t[i]), "no frames")
            for i in timeline.breaks(t)]


def find_reps(frames: pd.DataFrame) -> pd.DataFrame:
    """Complete repetitions in ``frames`` (time index in s, angle columns in degrees).

    Parameters
    ----------
    frames : DataFrame indexed by time (s) with at least ``hip`` and ``knee`` (degrees,
        flexion positive); ``NaN`` marks a missing angle (see the module documentation).

    Returns
    -------
    One row per rep with ``start_i, bottom_i, end_i`` (row positions in the frames once gaps
    are left out), ``start_s, bottom_s, end_s``, smoothed peaks ``peak_hip, peak_knee,
    peak_ankle, peak_lumbar`` (degrees) and ``first_mover``. ``attrs["reason"]`` explains an
    empty result; ``attrs["excluded"]`` lists the stretches of time left out.

    Examples
    --------
    >>> from hinge_lib.recordings.synthetic import synthetic_motion
    >>> len(find_reps(synthetic_motion("hinge", reps=3, seed=1)))
    3
    """
    prepared = _prepare(frames)
    angles = prepared.angles
    t = angles.index.to_numpy(dtype=float)
    cols = list(_FOUND_COLUMNS)
    empty = _no_reps()
    spans = list(prepared.excluded)
    seen = {(round(s.start_s, 6), round(s.end_s, 6)) for s in spans}
    spans += [j for j in _jumps(t) if (round(j.start_s, 6), round(j.end_s, 6)) not in seen]
    spans.sort(key=lambda s: s.start_s)
    empty.attrs["excluded"] = spans
    if len(t) < 5:
        empty.attrs["reason"] = "the recording is too short"
        return empty
    segments = timeline.segments(t)
    sm = {c: np.concatenate([_smooth(angles[c].to_numpy()[a:b], t[a:b], SMOOTH_S)
                             for a, b in segments])
          for c in ("hip", "knee", "ankle", "lumbar")}
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
    rows: list[dict] = []
    rejected: Counter[str] = Counter()
    for a, b in segments:
        _reps_in_segment(t, sm, depth, a, b, high, low, rows, rejected)
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
                                   "recording or by a stretch left out")
        else:
            out.attrs["reason"] = "the hips and knees never bent and straightened again"
        return out
    out = pd.DataFrame(rows)
    out.insert(0, "rep", np.arange(1, len(out) + 1))
    out = out[cols]
    out.attrs["reason"] = ""
    out.attrs["partial_reps_ignored"] = rejected["partial"]
    out.attrs["excluded"] = spans
    return out


def _reps_in_segment(t: np.ndarray, sm: dict[str, np.ndarray], depth_all: np.ndarray, a: int,
                     b: int, high: float, low: float, rows: list[dict],
                     rejected: Counter[str]) -> None:
    """Append the complete reps between rows ``a`` and ``b`` (a stretch without holes)."""
    depth = depth_all[a:b]
    state = np.where(depth > high, 1.0, np.where(depth < low, 0.0, np.nan))
    state = pd.Series(state).ffill().fillna(-1.0).to_numpy()
    prev = np.concatenate(([-1.0], state[:-1]))
    ups = np.flatnonzero((state == 1) & (prev != 1))
    downs = np.flatnonzero((state == 0) & (prev == 1))
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
        after = int(ups[k + 1]) if k + 1 < len(ups) else len(depth)
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
        start, bottom, end, rest = start + a, bottom + a, end + a, rest + a
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
            "first_mover": _first_mover(t, sm["hip"], sm["knee"], depth_all, rest, bottom),
        })


def _still(t: np.ndarray, signal: np.ndarray, start: int) -> tuple[float, float]:
    """(level, spread) of a joint angle over the `STILL_WINDOW_S` before a rep starts, in
    degrees: its median, and its SD about a straight line (a slow drift is movement, not
    noise). With fewer than 5 frames: the angle at ``start`` and 0."""
    first = int(np.searchsorted(t, t[start] - STILL_WINDOW_S))
    window = signal[first:start + 1]
    if len(window) < 5:
        return float(signal[start]), 0.0
    x = t[first:start + 1] - t[first:start + 1].mean()
    y = window - window.mean()
    slope = float(x @ y) / max(float(x @ x), 1e-12)  # least-squares line, in closed form
    return float(np.median(window)), float(np.sqrt(np.mean((y - slope * x) ** 2)))


def _onset(t: np.ndarray, signal: np.ndarray, start: int, bottom: int) -> float:
    """When a joint has covered ``ONSET_FRACTION`` of its own travel in the descent, and at
    least ``ONSET_NOISE_SDS`` times the angle's spread while standing before the rep (so a
    joint that hardly moves is not started by measurement noise)."""
    level, spread = _still(t, signal, start)
    seg = signal[start:bottom + 1] - level
    travel = float(seg.max())
    floor = max(ONSET_MIN_DEG, ONSET_NOISE_SDS * spread)
    if travel < floor:
        return np.inf
    moved = np.flatnonzero(seg >= max(ONSET_FRACTION * travel, floor))
    return float(t[start + moved[0]])


def _first_mover(t: np.ndarray, hip: np.ndarray, knee: np.ndarray, depth: np.ndarray,
                 start: int, bottom: int) -> str:
    seg = slice(start, bottom + 1)
    near = depth[start] + 0.9 * (depth[bottom] - depth[start])
    hip_on = _onset(t, hip, start, bottom)
    knee_on = _onset(t, knee, start, bottom)
    first = min(hip_on, knee_on)
    t_near = t[start + int(np.flatnonzero(depth[seg] >= near)[0])]
    descent_s = t_near - first if np.isfinite(first) else 0.0
    tol = max(FIRST_MOVER_TOL_S, 0.1 * descent_s)
    if np.isfinite(hip_on) and np.isfinite(knee_on) and abs(hip_on - knee_on) <= tol:
        return "together"
    return "hips" if hip_on < knee_on else "knees"


@dataclass(frozen=True, eq=False)
class MotionReport:
    """Result of `analyze_motion`.

    - ``frames``: per-frame analysis (columns of ``analyze_many``; the muscle columns only with
      ``analyze_motion(..., muscles=True)``), same time index as the input
    - ``reps``: one row per complete rep, columns `REPORT_COLUMNS` (times in s, peaks in degrees,
      ``faults`` a tuple of codes at the bottom plus ``knees_first``)
    - ``message``: a plain-language summary for the learner
    - ``notes``: what was repaired while reading or analysing (interpolated gaps, clipping)
    - ``missing``: pose columns the recording did not measure (analysed as 0)
    - ``excluded``: stretches of time left out of the analysis (`timeline.Excluded`)
    - ``caveats``: what the numbers mean for this source (also in ``message``)
    - ``ignored``: columns of the file that were not used
    - ``unknown``: pose columns the recording *cannot* measure (``frames.attrs["unknown"]``,
      e.g. the spine in a side-on video): analysed as 0 but their faults are not judged
    - ``not_judged``: stretches of time analysed but not judged (`timeline.Excluded`): the
      feet off the floor or moving along it; a rep that overlaps one is left out of ``reps``
      and counted in ``reps_not_judged``
    - ``too_fast``: stretches too fast for a static model (see `too_fast`); a rep whose bottom
      falls in one keeps its angles, pattern, faults and first mover (positions), but its
      balance and hinge score (which need the static moments) are not judged: its
      ``static_at_bottom`` column is False
    - ``unjudged``: pose columns analysed (they place the body) whose faults are not judged,
      because the recording measures something else under that name (``frames.attrs``)

    Examples
    --------
    >>> from hinge_lib.recordings.synthetic import synthetic_motion
    >>> report = analyze_motion(synthetic_motion("hinge", reps=3, seed=1))
    >>> len(report.reps), set(report.reps["pattern"])
    (3, {'hinge'})
    """

    frames: pd.DataFrame
    reps: pd.DataFrame
    message: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    body: Body = field(default_factory=Body)
    load_kg: float = 0.0
    hold: str = "hands"
    missing: tuple[str, ...] = ()
    excluded: tuple[timeline.Excluded, ...] = ()
    caveats: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    not_judged: tuple[timeline.Excluded, ...] = ()
    reps_not_judged: int = 0
    unjudged: tuple[str, ...] = ()
    too_fast: tuple[timeline.Excluded, ...] = ()

    @property
    def judged_in_full(self) -> bool:
        """True when reps were found and nothing in the recording was left out, not judged,
        too fast, or outside the promise for a phone clip (a report to show as good news)."""
        outside = any(c.startswith("Outside the promise") for c in self.caveats)
        return (not self.reps.empty and not self.not_judged and not self.too_fast
                and not self.excluded and not self.reps_not_judged and not outside)


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
    muscles: bool = False,
) -> MotionReport:
    """Analyse every frame of a recording and every complete rep in it.

    Parameters
    ----------
    frames : time index in s, columns ``ankle, knee, hip, lumbar, thoracic, neck`` in degrees
        (model conventions, as returned by `read_motion`; missing columns count as 0 and are
        named in the message; ``NaN`` marks a missing angle, never read as 0).
    body, load_kg, hold : passed to `analyze_many`.
    muscles : also put the muscle columns of `analyze_many` in ``frames`` (off by default:
        nothing in the report needs them, and sharing the moments among the muscles is most
        of the work for a long recording).

    Returns
    -------
    MotionReport. Angles outside the model's joint limits are clipped (said in ``notes``);
    stretches left out are in ``excluded`` and in the message. The whole recording is
    analysed in one vectorised call of `analyze_many`. Columns listed in
    ``frames.attrs["unknown"]`` (as `poses_from_keypoints` sets for the spine) are analysed
    as 0, but their faults are left out, their peaks are NaN and the message says they were
    not measured, so not judged.

    Examples
    --------
    >>> from hinge_lib.recordings.synthetic import synthetic_motion
    >>> analyze_motion(synthetic_motion("hinge", reps=2, seed=1)).message.split(".")[0]
    '2 repetitions found'
    """
    from hinge_lib.model.analysis import analyze_many
    from hinge_lib.model.patterns import fault_rules

    body = Body() if body is None else body
    attrs = frames.attrs if isinstance(frames, pd.DataFrame) else {}
    unknown = tuple(c for c in attrs.get("unknown", ()) if c in POSE_COLUMNS)
    prepared = _prepare(frames.drop(columns=[c for c in unknown if c in frames.columns])
                        if unknown else frames)
    missing = tuple(attrs.get("missing", ())) or tuple(
        c for c in POSE_COLUMNS if c not in frames.columns)
    angles, clipped = _clip_to_limits(prepared.angles)
    notes = [*attrs.get("repairs", []), *prepared.notes, *clipped]
    analysis = analyze_many(angles, body=body, load_kg=load_kg, hold=hold, muscles=muscles)
    lacking = [c for c in ("hip", "knee") if c in missing]
    if lacking:
        seen = attrs.get("columns_seen") or [str(c) for c in frames.columns]
        found = _no_reps(f"no {' or '.join(lacking)} angle found in the recording "
                         f"(columns seen: {', '.join(seen)})")
        excluded: list[timeline.Excluded] = list(prepared.excluded)
    else:
        angles.attrs["excluded"] = list(prepared.excluded)
        found = find_reps(angles)
        excluded = found.attrs.get("excluded", [])
    t = angles.index.to_numpy(dtype=float)
    feet_spans, feet_note = pelvis_spans(angles, attrs.get("pelvis_m"), body)
    if feet_note:
        notes.append(feet_note)
    not_judged = merge_spans([*attrs.get("not_judged", ()), *feet_spans])
    found, dropped = leave_out_not_judged(found, not_judged)
    fast = too_fast(t, analysis)
    unjudged = tuple(c for c in attrs.get("unjudged", ()) if c in POSE_COLUMNS)
    reps = _rep_table(found, analysis, unknown, unjudged)
    static = [not any(f.start_s <= b <= f.end_s for f in fast) for b in reps["bottom_s"]]
    reps["static_at_bottom"] = pd.Series(static, index=reps.index, dtype=bool)
    if not all(static):
        dynamic = {r["code"] for r in fault_rules() if r["metric"] in STATIC_METRICS}
        reps["faults"] = [codes if ok else tuple(c for c in codes if c not in dynamic)
                          for codes, ok in zip(reps["faults"], static, strict=True)]
    caveats = tuple(attrs.get("caveats", ()))
    ignored = tuple(attrs.get("ignored", ()))
    reason = found.attrs.get("reason", "")
    if found.empty and dropped:
        reason = (f"{dropped} rep{'s' if dropped != 1 else ''} fell in seconds the model cannot "
                  "judge (said below)")
    message = summarize(reps, reason=reason,
                        missing=[c for c in missing if c not in unknown],
                        excluded=excluded, caveats=caveats, ignored=ignored, unknown=unknown,
                        not_judged=not_judged, reps_not_judged=dropped, unjudged=unjudged,
                        too_fast=fast)
    return MotionReport(frames=analysis, reps=reps, message=message, notes=tuple(notes),
                        body=body, load_kg=float(load_kg), hold=hold, missing=missing,
                        excluded=tuple(excluded), caveats=caveats, ignored=ignored,
                        unknown=unknown, not_judged=tuple(not_judged), reps_not_judged=dropped,
                        unjudged=unjudged, too_fast=tuple(fast))


def _rep_table(found: pd.DataFrame, analysis: pd.DataFrame,
               unknown: tuple[str, ...] = (), unjudged: tuple[str, ...] = ()) -> pd.DataFrame:
    if found.empty:
        out = pd.DataFrame({c: pd.Series(dtype=float) for c in REP_COLUMNS})
        for c in ("pattern", "faults", "first_mover", "balanced_at_bottom"):
            out[c] = out[c].astype(object)
        out["rep"] = out["rep"].astype(int)
        return out
    from hinge_lib.model.patterns import fault_rules, rule_inputs

    at = analysis.iloc[found["bottom_i"].to_numpy()]
    not_judged = {r["code"] for r in fault_rules()
                  if set(rule_inputs(r)) & {*unknown, *unjudged}}
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
              excluded: list[timeline.Excluded] | tuple = (), caveats: tuple[str, ...] = (),
              ignored: tuple[str, ...] = (), unknown: list[str] | tuple = (),
              not_judged: list[timeline.Excluded] | tuple = (), reps_not_judged: int = 0,
              unjudged: list[str] | tuple = (),
              too_fast: list[timeline.Excluded] | tuple = ()) -> str:
    """Plain-language summary of a rep table (as in `MotionReport.message`).

    Says what was found, then everything the coach must know to trust it: the seconds left
    out, what the angles mean for this source, and what was not measured or not used.
    ``unknown`` columns could not be measured at all: nothing is said about them but that.
    """
    lines = []
    if reps.empty:
        lines.append(f"No repetitions found: {reason or 'no complete rep in the recording'}.")
    else:
        lines += _rep_lines(reps, judged_all=not unknown and not unjudged)
    if too_fast:
        peak = max(float(e.reason.rsplit("up to ", 1)[-1].split(" ")[0]) for e in too_fast)
        spans = "; ".join(f"{e.start_s:.2f}-{e.end_s:.2f} s" for e in too_fast)
        fast_reps = 0 if reps.empty else int((~reps["static_at_bottom"].astype(bool)).sum())
        which = (f"the balance and hinge score at the bottom of {fast_reps} rep"
                 f"{'s' if fast_reps != 1 else ''} are therefore not judged"
                 if fast_reps else "no rep's bottom falls in them")
        lines.append(f"Too fast for a static model ({spans}): the centre of mass accelerated "
                     f"at up to {peak:.1f} g, so the floor pushed with that much more or less "
                     f"than body weight; {which}.")
    if not_judged:
        total = sum(e.end_s - e.start_s for e in not_judged)
        left = (f"{reps_not_judged} rep{'s' if reps_not_judged != 1 else ''} in those seconds "
                f"{'was' if reps_not_judged == 1 else 'were'} not judged" if reps_not_judged
                else "nothing in those seconds was judged")
        lines.append(f"Not judged ({total:.2f} s): {timeline.describe_spans(not_judged)}; "
                     f"the model holds still poses with both feet flat, so {left}.")
    if excluded:
        total = sum(e.end_s - e.start_s for e in excluded)
        lines.append(f"Not analysed ({total:.2f} s): {timeline.describe_spans(excluded)}; a "
                     "rep in those seconds is not counted.")
    lines += list(caveats)
    if missing:
        lines.append(f"Not measured in this recording (taken as 0): {', '.join(missing)}.")
    if unknown:
        lines.append(f"Not measured, so not judged: {', '.join(unknown)}.")
        if {"lumbar", "thoracic"} & set(unknown):
            lines.append("The hip angle includes any rounding of the back, so a rounded back "
                         "can pass for a hinge: check the back by eye.")
    if unjudged:
        lines.append(f"Not judged (this recording measures something else under that name): "
                     f"{', '.join(unjudged)}.")
    if ignored:
        shown = ", ".join(ignored[:8]) + (f" and {len(ignored) - 8} more" if len(ignored) > 8
                                          else "")
        lines.append(f"Columns not used: {shown}.")
    return " ".join(lines)


def _rep_lines(reps: pd.DataFrame, judged_all: bool = True) -> list[str]:
    n = len(reps)
    lines = [f"{n} repetition{'s' if n != 1 else ''} found."]
    patterns = Counter(reps["pattern"])
    parts = [f"{k} in {v}" for k, v in patterns.most_common()]
    lines.append("Pattern at the bottom: " + ", ".join(parts) + ".")
    static = (reps["static_at_bottom"].astype(bool) if "static_at_bottom" in reps
              else pd.Series(True, index=reps.index))
    scores = reps.loc[static, "hinge_score"]
    if scores.empty:
        lines.append("Hinge score at the bottom: not judged (every bottom was too fast for "
                     "the static model).")
    else:
        low, high = scores.min(), scores.max()
        spread = f"from {low:.2f} to {high:.2f}; " if f"{low:.2f}" != f"{high:.2f}" else ""
        among = "" if static.all() else f" of the {len(scores)} reps slow enough to judge"
        lines.append(f"Hinge score at the bottom: {scores.mean():.2f} on average{among} "
                     f"({spread}1 = the hips do all the work).")
    movers = Counter(reps["first_mover"])
    lead = {"hips": "the hips led", "knees": "the knees led", "together": "hips and knees "
            "started together"}
    lines.append("Start of the descent: " + ", ".join(
        f"{lead[k]} in {v}" for k, v in movers.most_common()) + ".")
    faults = Counter(code for codes in reps["faults"] for code in codes)
    if faults:
        lines.append("Watch for: " + "; ".join(
            f"{fault_words(c)} ({v} of {n})" for c, v in faults.most_common()) + ".")
    elif judged_all:
        lines.append("No faults flagged at the bottom of any rep.")
    else:
        lines.append("No faults flagged at the bottom of any rep among those this recording "
                     "can show.")
    off = int((~reps["balanced_at_bottom"].astype(bool) & static).sum())
    if off:
        lines.append(f"Balance: the weight was outside the feet at the bottom of {off} rep(s).")
    return lines
