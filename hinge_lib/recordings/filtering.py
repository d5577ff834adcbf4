"""Low-pass filtering over time, as biomechanics filters marker data.

`low_pass(values, t, cutoff_hz)` runs a second-order Butterworth filter forwards and backwards
(``scipy.signal.filtfilt``): fourth order in effect, and no time shift, so a peak stays where
it was. The cut-off comes from ``data/recording_limits.csv`` (``filter_cutoff_hz``, 6 Hz after
Winter 2009). ``NaN`` cells are never filtered through: each stretch without a hole is
filtered on its own, and stretches too short to filter are left as they are.
"""

from __future__ import annotations

import numpy as np

from hinge_lib.recordings.timeline import runs

ORDER = 2
#: Never filter closer than this share of the frame rate (the Nyquist limit is 0.5).
MAX_CUTOFF_SHARE = 0.4


def effective_cutoff(cutoff_hz: float, rate_hz: float) -> float:
    """The cut-off used at ``rate_hz`` frames per second: ``cutoff_hz``, lowered to 40 % of
    the frame rate for slow cameras.

    Examples
    --------
    >>> effective_cutoff(6.0, 30.0), effective_cutoff(6.0, 10.0)
    (6.0, 4.0)
    """
    return float(min(cutoff_hz, MAX_CUTOFF_SHARE * rate_hz))


def low_pass(values: np.ndarray, t: np.ndarray, cutoff_hz: float,
             breaks: np.ndarray | None = None) -> np.ndarray:
    """Zero-lag Butterworth low-pass of ``values`` (n,) or (n, k) sampled at times ``t`` (s).

    ``breaks``: row positions where a new stretch starts (for example where the detector
    jumped to another person); nothing is filtered across them, nor across ``NaN``.

    Examples
    --------
    >>> t = np.arange(200) / 100.0
    >>> slow = np.sin(2 * np.pi * 1.0 * t)
    >>> fast = 0.5 * np.sin(2 * np.pi * 30.0 * t)
    >>> out = low_pass(slow + fast, t, 6.0)
    >>> bool(np.abs(out - slow)[20:-20].max() < 0.05)
    True
    """
    from scipy.signal import butter, filtfilt

    x = np.asarray(values, dtype=float)
    if cutoff_hz <= 0:
        raise ValueError(f"cutoff_hz={cutoff_hz!r}: must be above 0")
    if len(t) < 2:
        return x.copy()
    rate = 1.0 / float(np.median(np.diff(t)))
    wn = effective_cutoff(cutoff_hz, rate) / (rate / 2.0)
    b, a = butter(ORDER, wn)
    pad = 3 * max(len(a), len(b))
    out = x.copy()
    flat = out.reshape(len(out), -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        good = ~np.isnan(col)
        for a0, b0 in runs(good):
            cuts = [a0, *(int(i) for i in (breaks if breaks is not None else ())
                          if a0 < i < b0), b0]
            for c0, c1 in zip(cuts[:-1], cuts[1:], strict=True):
                if c1 - c0 > pad:
                    col[c0:c1] = filtfilt(b, a, col[c0:c1])
    return out
