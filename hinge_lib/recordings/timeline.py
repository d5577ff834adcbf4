"""The time axis of a recording and its gaps: checked once, repaired openly, never guessed.

Shared by the readers (files) and the rep finder (frames built in code, for example by a
pose estimator that loses the person for a few frames).

- Time must be seconds, strictly increasing, at a frame rate a camera or motion-capture
  system has (`MIN_RATE_HZ` to `MAX_RATE_HZ` frames per second). A `pandas.TimedeltaIndex`
  or `DatetimeIndex` is turned into seconds from the first frame (and the repair is stated);
  text or any other index is an error.
- Gaps (``NaN`` angles) are never read as 0 degrees. A gap of at most `MAX_GAP_S` is filled
  by linear interpolation (or with the nearest value at the ends) and reported. A longer
  gap is left out: its frames are dropped, and the seconds not analysed are reported, so a
  rep that falls into it is not counted instead of being cut into a false one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_GAP_S = 0.25
MIN_RATE_HZ = 5.0
MAX_RATE_HZ = 2000.0
# 50 minutes at 100 frames per second. benchmarks/bench_recordings.py measured, for 300,000
# rows of a 4-column CSV: read 12 s and +131 MiB, analysis 6.5 s and +249 MiB, process peak
# 521 MiB (1,000,000 rows: 1.5 GiB, too much for a classroom kernel). Measured again on a
# shared, loaded machine after analyze_many's batch rewrite: read 28 s and +132 MiB, analysis
# 31 s and +542 MiB (analyze_many alone +506 MiB; the checks of what is not judged add about
# 30 MiB), process peak 815 MiB.
MAX_FRAMES = 300_000


@dataclass(frozen=True)
class Excluded:
    """A stretch of a recording left out of the analysis (seconds) and why."""

    start_s: float
    end_s: float
    reason: str

    def describe(self) -> str:
        """``"4.00-6.00 s (no knee angle)"``."""
        return f"{self.start_s:.2f}-{self.end_s:.2f} s ({self.reason})"


def index_seconds(index: pd.Index, label: str = "frames") -> tuple[np.ndarray, list[str]]:
    """Seconds of a frames index and the repairs made to get them.

    Numbers are taken as seconds; a ``TimedeltaIndex`` or ``DatetimeIndex`` becomes seconds
    from the first frame. Text, booleans or anything else raise ``ValueError``.

    Examples
    --------
    >>> t, notes = index_seconds(pd.to_timedelta([0, 40, 80], unit="ms"))
    >>> t.tolist(), notes[0].startswith("time index")
    ([0.0, 0.04, 0.08], True)
    """
    notes: list[str] = []
    if isinstance(index, (pd.TimedeltaIndex, pd.DatetimeIndex)):
        if index.hasnans:
            raise ValueError(f"{label}: the time index has missing values")
        seconds = ((index - index[0]) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)
        kind = "durations" if isinstance(index, pd.TimedeltaIndex) else "clock times"
        notes.append(f"time index of {kind} read as seconds from the first frame")
        return seconds, notes
    if index.dtype == bool or not pd.api.types.is_numeric_dtype(index.dtype):
        sample = ", ".join(repr(v) for v in list(index[:3]))
        raise ValueError(f"{label}: the index must be time in seconds (numbers); got "
                         f"{index.dtype} values such as {sample}")
    t = index.to_numpy(dtype=float)
    if not np.isfinite(t).all():
        raise ValueError(f"{label}: the time index has missing or infinite values")
    return t, notes


def check_rate(t: np.ndarray, label: str = "frames") -> float:
    """Frames per second of increasing times ``t`` (the index of a frames table);
    ``ValueError`` if no camera has that rate.

    Examples
    --------
    >>> check_rate(np.arange(0, 2, 0.01))
    100.0
    """
    if len(t) < 2:
        return float("nan")
    steps = np.diff(t)
    if not (steps > 0).all():
        i = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise ValueError(f"{label}: time goes from {t[i - 1]:g} to {t[i]:g} s at frame {i + 1}: "
                         "it must increase frame by frame")
    step = float(np.median(steps))
    rate = 1.0 / step
    if MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        return round(rate, 3)
    hint = ""
    if rate < MIN_RATE_HZ and MIN_RATE_HZ <= rate * 1000 <= MAX_RATE_HZ:
        hint = " The index looks like milliseconds: divide it by 1000."
    elif rate > MAX_RATE_HZ and MIN_RATE_HZ <= rate / 1000 <= MAX_RATE_HZ:
        hint = " The index looks like seconds / 1000: multiply it by 1000."
    raise ValueError(f"{label}: the time index steps by {step:g} s ({rate:.3g} frames per "
                     f"second); recordings have {MIN_RATE_HZ:g} to {MAX_RATE_HZ:g} frames per "
                     f"second.{hint}")


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` positions of every run of True in ``mask`` (stop excluded).

    Examples
    --------
    >>> runs(np.array([0, 1, 1, 0, 1], dtype=bool))
    [(1, 3), (4, 5)]
    """
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                    strict=True))


def repair_gaps(
    t: np.ndarray,
    columns: dict[str, np.ndarray],
    names: dict[str, str] | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray], list[str], list[Excluded]]:
    """Fill short gaps, drop long ones.

    Parameters
    ----------
    t : array of seconds, increasing.
    columns : ``{field: values}`` in degrees, ``NaN`` where an angle is missing.
    names : how to name each field in the notes (for example ``"'Knee' (knee)"``).

    Returns
    -------
    keep : boolean mask of the frames kept.
    filled : ``{field: values[keep]}`` without ``NaN``.
    notes : repairs in words.
    excluded : the stretches left out (`Excluded`), in time order.

    Examples
    --------
    >>> t = np.arange(10) / 10
    >>> hip = np.array([0, 1, np.nan, 3, 4, 5, 6, 7, 8, 9.0])
    >>> keep, filled, notes, excluded = repair_gaps(t, {"hip": hip})
    >>> float(filled["hip"][2]), excluded
    (2.0, [])
    """
    names = names or {}
    n = len(t)
    step = float(np.median(np.diff(t))) if n > 1 else 0.0
    drop = np.zeros(n, dtype=bool)
    reasons = np.full(n, "", dtype=object)
    notes: list[str] = []
    filled: dict[str, np.ndarray] = {}
    for field, values in columns.items():
        v = np.asarray(values, dtype=float)
        nan = np.isnan(v)
        if not nan.any():
            filled[field] = v
            continue
        label = names.get(field, field)
        if nan.all():
            raise ValueError(f"{label}: the column has no numbers")
        short = 0
        short_runs = 0
        out = v.copy()
        for a, b in runs(nan):
            if (b - a) * step > MAX_GAP_S + 1e-9:
                drop[a:b] = True
                reasons[a:b] = np.where(reasons[a:b] == "", f"no {field} angle",
                                        reasons[a:b] + f", no {field} angle")
            else:
                short += b - a
                short_runs += 1
        fill = nan & ~drop
        if fill.any():
            good = ~nan
            out[fill] = np.interp(t[fill], t[good], v[good])
            notes.append(f"{label}: {short} missing value(s) in {short_runs} short gap(s) "
                         f"(up to {MAX_GAP_S:g} s) filled by interpolation")
        filled[field] = out
    excluded = []
    for a, b in runs(drop):
        start = float(t[a - 1]) if a > 0 else float(t[a])
        end = float(t[b]) if b < n else float(t[b - 1])
        excluded.append(Excluded(start, end, str(reasons[a])))
    if excluded:
        total = sum(e.end_s - e.start_s for e in excluded)
        notes.append("not analysed (gaps longer than "
                     f"{MAX_GAP_S:g} s, {total:.2f} s in all): "
                     + "; ".join(e.describe() for e in excluded))
    keep = ~drop
    if keep.sum() < 2:
        raise ValueError("fewer than two frames have every angle: nothing left to analyse")
    return keep, {k: v[keep] for k, v in filled.items()}, notes, excluded


def breaks(t: np.ndarray) -> list[int]:
    """Positions ``i`` where the time jumps from ``t[i - 1]`` to ``t[i]`` by more than a gap
    that would have been filled (frames left out): reps are never found across them."""
    if len(t) < 3:
        return []
    steps = np.diff(t)
    limit = max(MAX_GAP_S, 2.5 * float(np.median(steps)))
    return (np.flatnonzero(steps > limit) + 1).tolist()


def segments(t: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` row positions of the stretches between `breaks` (stop excluded).

    Examples
    --------
    >>> segments(np.array([0.0, 0.1, 0.2, 1.0, 1.1]))
    [(0, 3), (3, 5)]
    """
    cuts = [0, *breaks(t), len(t)]
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def describe_spans(spans: Sequence[Excluded], sep: str = "; ") -> str:
    """``"4.00-6.00 s (no knee angle); 9.10-9.90 s (...)"`` (``sep`` between the spans)."""
    return sep.join(s.describe() for s in spans)
