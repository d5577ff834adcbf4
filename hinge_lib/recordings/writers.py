"""Writing pose frames back out as files other tools read (OpenSim-style ``.mot``)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd


def to_mot(frames: pd.DataFrame, *, name: str = "hinge") -> str:
    """Write pose frames as OpenSim-style ``.mot`` text (degrees) that `read_motion` reads back.

    Uses OpenSim names where they exist (``hip_flexion_r`` ... ``lumbar_extension`` with its
    sign flipped); thoracic and neck are written under their own names. A pelvis position in
    ``frames.attrs["pelvis_m"]`` (columns ``tx``, ``ty``, ``tz`` in metres, as `read_motion`
    keeps it) is written as ``pelvis_tx`` ... .
    """
    t = frames.index.to_numpy(dtype=float)
    pelvis = frames.attrs.get("pelvis_m")
    moves = ({f"pelvis_{k}": pelvis[k].to_numpy(float) for k in ("tx", "ty", "tz")
              if k in pelvis} if isinstance(pelvis, pd.DataFrame) else {})
    cols = {**moves,
        "hip_flexion_r": frames["hip"].to_numpy(float),
        "hip_flexion_l": frames["hip"].to_numpy(float),
        "knee_angle_r": frames["knee"].to_numpy(float),
        "knee_angle_l": frames["knee"].to_numpy(float),
        "ankle_angle_r": frames["ankle"].to_numpy(float),
        "ankle_angle_l": frames["ankle"].to_numpy(float),
        "lumbar_extension": -frames["lumbar"].to_numpy(float),
        "thoracic": frames["thoracic"].to_numpy(float),
        "neck": frames["neck"].to_numpy(float),
    }
    buf = io.StringIO()
    buf.write(f"{name}\nversion=1\nnRows={len(t)}\nnColumns={len(cols) + 1}\ninDegrees=yes\n")
    buf.write("endheader\n")
    buf.write("time\t" + "\t".join(cols) + "\n")
    table = np.column_stack([t, *cols.values()])
    for row in table:
        buf.write("\t".join(f"{x:.4f}" for x in row) + "\n")
    return buf.getvalue()
