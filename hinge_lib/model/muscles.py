"""Hamstring length change from hip and knee flexion (data/muscle_model.csv).

The table gives, for each two-joint hamstring (semimembranosus, semitendinosus, biceps
femoris long head), how many millimetres the muscle-tendon unit lengthens per degree of
hip flexion and shortens per degree of knee flexion (constant moment arms). The model
reports the mean of the three, in millimetres relative to standing tall: positive = the
hamstrings are stretched. Values are for an average adult and are not scaled by height.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from hinge_lib.model.tables import Column, DataFileError, read_csv

MUSCLES = ("semimembranosus", "semitendinosus", "biceps_femoris_long_head")


@cache
def hamstring_coefficients() -> tuple[float, float]:
    """Mean (mm per degree of hip flexion, mm per degree of knee flexion) of the hamstrings."""
    rows = read_csv(
        "muscle_model.csv",
        {
            "muscle": Column(choices=MUSCLES),
            "c_hip_per_deg": Column(float, low=0, high=5),
            "c_knee_per_deg": Column(float, low=-5, high=0),
            "length_unit": Column(choices=("mm change from standing",)),
            "source": Column(),
        },
        key="muscle",
    )
    if {row["muscle"] for row in rows} != set(MUSCLES):
        raise DataFileError(f"data/muscle_model.csv: needs one row for each of {MUSCLES}")
    hip = float(np.mean([row["c_hip_per_deg"] for row in rows]))
    knee = float(np.mean([row["c_knee_per_deg"] for row in rows]))
    return hip, knee


def hamstring_length_change_mm(hip_deg: np.ndarray, knee_deg: np.ndarray) -> np.ndarray:
    """Mean hamstring length change in mm versus standing (+ = stretched)."""
    per_hip, per_knee = hamstring_coefficients()
    return per_hip * np.asarray(hip_deg) + per_knee * np.asarray(knee_deg)
