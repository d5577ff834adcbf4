"""Made-up recordings with known answers, for examples, tests and benchmarks.

Every call with the same arguments gives the same numbers, so notebook outputs and test
results never depend on chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
