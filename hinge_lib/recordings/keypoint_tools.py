"""Keypoints from other tools, and video angles checked against angles measured another way.

`read_trc` reads a Sports2D / OpenSim ``.trc`` marker file into the keypoint table that
`hinge_lib.recordings.keypoints.poses_from_keypoints` reads; `compare_angles` says how far the
angles from a video lie from angles measured another way (for example by hand in Kinovea).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from hinge_lib.recordings.keypoints import KeypointError


def read_trc(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Sports2D / OpenSim ``.trc`` marker file into a keypoint table.

    Sports2D writes pixel coordinates (or metres) with names such as ``RHip``, ``LKnee``,
    ``RBigToe``, ``Nose``; OpenSim's y axis points up, so y is turned to point down as in an
    image. Markers are renamed to MediaPipe's names where a match exists (``RBigToe`` ->
    ``right_foot_index``, ``REar`` -> ``right_ear``); others are ignored. Units do not matter
    for the angles.

    Parameters
    ----------
    path : str or PathLike
        The ``.trc`` file.

    Returns
    -------
    DataFrame
        ``time`` (s) and ``<landmark>_x``, ``<landmark>_y`` columns (no visibility).

    Examples
    --------
    >>> import tempfile
    >>> text = ("PathFileType\\t4\\t(X/Y/Z)\\tdemo.trc\\n"
    ...         "DataRate\\tCameraRate\\tNumFrames\\tNumMarkers\\tUnits\\n30\\t30\\t1\\t1\\tpx\\n"
    ...         "Frame#\\tTime\\tRHip\\t\\t\\n\\t\\tX1\\tY1\\tZ1\\n1\\t0.0\\t10\\t-20\\t0\\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     trc = Path(folder) / "demo.trc"
    ...     _ = trc.write_text(text)
    ...     read_trc(trc)[["time", "right_hip_x", "right_hip_y"]].values.tolist()
    [[0.0, 10.0, 20.0]]
    """
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise KeypointError(f"{label}: no such file: {path}")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    head = next((i for i, s in enumerate(lines[:20]) if s.split("\t")[:2] == ["Frame#", "Time"]),
                None)
    if head is None or head + 2 >= len(lines):
        raise KeypointError(f"{label}: not a .trc marker file (no 'Frame#<tab>Time' header row)")
    names = lines[head].split("\t")
    markers = [(j, names[j].strip()) for j in range(2, len(names)) if names[j].strip()]
    rows = [s.split("\t") for s in lines[head + 2:] if s.strip()]
    width = 2 + 3 * len(markers)
    try:
        table = np.array([[float(c) if c.strip() else np.nan for c in r[:width]]
                          + [np.nan] * (width - len(r)) for r in rows], dtype=float)
    except ValueError:
        raise KeypointError(f"{label}: a cell after the header is not a number") from None
    out: dict[str, np.ndarray] = {"time": table[:, 1]}
    for j, name in markers:
        key = _trc_name(name)
        if key is None or f"{key}_x" in out:
            continue
        out[f"{key}_x"] = table[:, j]
        out[f"{key}_y"] = -table[:, j + 1]
    result = pd.DataFrame(out)
    result.attrs["name"] = label
    return result


_TRC_PARTS = {"hip": "hip", "knee": "knee", "ankle": "ankle", "heel": "heel",
              "bigtoe": "foot_index", "shoulder": "shoulder", "ear": "ear"}


def _trc_name(marker: str) -> str | None:
    key = marker.strip().lower().replace("_", "").replace(" ", "")
    if key == "nose":
        return "nose"
    for prefix, side in (("right", "right"), ("left", "left"), ("r", "right"), ("l", "left")):
        if key.startswith(prefix) and key[len(prefix):] in _TRC_PARTS:
            return f"{side}_{_TRC_PARTS[key[len(prefix):]]}"
    return None


def compare_angles(
    measured: pd.DataFrame,
    reference: pd.DataFrame,
    columns: Sequence[str] = ("ankle", "knee", "hip"),
) -> pd.DataFrame:
    """How far angles from a video lie from angles measured another way (e.g. by hand).

    ``measured`` and ``reference`` are pose tables indexed by time in seconds (as returned by
    `poses_from_keypoints` and `read_motion`, e.g. of a Kinovea export of the same clip with
    the same time origin). ``measured`` is interpolated at the reference's times inside the
    time both cover.

    Parameters
    ----------
    measured, reference : DataFrame
        Time index (s) and angle columns in degrees.
    columns : sequence of str
        Angles to compare (columns missing or not measured in either table are skipped).

    Returns
    -------
    DataFrame
        One row per angle: ``frames`` compared, ``mean_difference`` (measured minus
        reference, degrees: a steady offset), ``mean_abs_difference``, ``rms_difference`` and
        ``largest_difference`` (degrees).

    Examples
    --------
    >>> t = pd.Index([0.0, 0.5, 1.0], name="time")
    >>> a = pd.DataFrame({"hip": [0.0, 40.0, 80.0]}, index=t)
    >>> b = pd.DataFrame({"hip": [2.0, 42.0, 82.0]}, index=t)
    >>> float(compare_angles(a, b, ["hip"]).loc["hip", "mean_difference"])
    -2.0
    """
    t_m = measured.index.to_numpy(dtype=float)
    t_r = reference.index.to_numpy(dtype=float)
    inside = (t_r >= t_m.min()) & (t_r <= t_m.max()) if len(t_m) else np.zeros(len(t_r), bool)
    if not inside.any():
        raise ValueError(
            f"the two recordings do not overlap in time (video {t_m.min():.2f}-{t_m.max():.2f} "
            f"s, reference {t_r.min():.2f}-{t_r.max():.2f} s): use the same time origin")
    rows = {}
    for col in columns:
        if col not in measured.columns or col not in reference.columns:
            continue
        m = measured[col].to_numpy(dtype=float)
        if np.isnan(m).all() or col in reference.attrs.get("missing", ()):
            continue
        diff = np.interp(t_r[inside], t_m, m) - reference[col].to_numpy(dtype=float)[inside]
        rows[col] = {"frames": int(inside.sum()), "mean_difference": float(diff.mean()),
                     "mean_abs_difference": float(np.abs(diff).mean()),
                     "rms_difference": float(np.sqrt(np.mean(diff**2))),
                     "largest_difference": float(np.abs(diff).max())}
    if not rows:
        raise ValueError(f"no angle among {list(columns)} is measured in both recordings")
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "angle"
    return out
