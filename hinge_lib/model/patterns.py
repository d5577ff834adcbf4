"""Pattern (upright / hinge / squat), hinge score and faults, vectorised over many poses.

Thresholds and their reasoning live in data/pattern_thresholds.csv and
data/fault_rules.csv; this module only applies them.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from hinge_lib.model.tables import Column, DataFileError, read_csv

PATTERNS: tuple[str, ...] = ("upright", "hinge", "squat")
_METRICS = ("lumbar", "thoracic", "neck", "knee", "hip", "ankle", "shin_angle_deg",
            "trunk_angle_deg", "balance_margin_m")


@cache
def pattern_thresholds() -> dict[str, float]:
    """Named thresholds of data/pattern_thresholds.csv."""
    rows = read_csv(
        "pattern_thresholds.csv",
        {"name": Column(), "value": Column(float), "unit": Column(), "source": Column(),
         "reasoning": Column()},
        key="name",
    )
    values = {row["name"]: row["value"] for row in rows}
    needed = ("upright_max_hip_deg", "upright_max_knee_deg", "squat_min_knee_to_hip_ratio",
              "hinge_score_softening_nm")
    missing = [n for n in needed if n not in values]
    if missing:
        raise DataFileError(f"data/pattern_thresholds.csv: missing {', '.join(missing)}")
    return values


@cache
def fault_rules() -> tuple[dict, ...]:
    """Rows of data/fault_rules.csv, in file order."""
    rows = read_csv(
        "fault_rules.csv",
        {
            "code": Column(),
            "metric": Column(choices=_METRICS),
            "comparison": Column(choices=(">", "<")),
            "threshold": Column(float),
            "unit": Column(),
            "only_in_pattern": Column(required=False, choices=PATTERNS),
            "message": Column(),
            "source": Column(),
            "reasoning": Column(),
        },
        key="code",
    )
    return tuple(rows)


def classify(hip: np.ndarray, knee: np.ndarray) -> np.ndarray:
    """Pattern index per pose (0 upright, 1 hinge, 2 squat; see :data:`PATTERNS`).

    Upright while both hip and knee flexion stay under their thresholds; otherwise a squat
    when the knees bend at least ``squat_min_knee_to_hip_ratio`` times as much as the hips,
    else a hinge.
    """
    t = pattern_thresholds()
    upright = (hip < t["upright_max_hip_deg"]) & (knee < t["upright_max_knee_deg"])
    squat = knee >= t["squat_min_knee_to_hip_ratio"] * np.maximum(hip, 1.0)
    return np.where(upright, 0, np.where(squat, 2, 1))


def hinge_score(hip_moment: np.ndarray, knee_moment: np.ndarray) -> np.ndarray:
    """Hip's share of the hip + knee extensor moment, 0..1 (flexor moments count as 0)."""
    soft = pattern_thresholds()["hinge_score_softening_nm"]
    hip_ext = np.maximum(hip_moment, 0.0)
    knee_ext = np.maximum(knee_moment, 0.0)
    return (hip_ext + soft / 2) / (hip_ext + knee_ext + soft)


def fault_mask(metrics: dict[str, np.ndarray], pattern: np.ndarray) -> dict[str, np.ndarray]:
    """For each fault code, a boolean array: does the pose show that fault?"""
    out = {}
    for rule in fault_rules():
        value = metrics[rule["metric"]]
        hit = value > rule["threshold"] if rule["comparison"] == ">" else value < rule["threshold"]
        if rule["only_in_pattern"]:
            hit &= pattern == PATTERNS.index(rule["only_in_pattern"])
        out[rule["code"]] = hit
    return out


def fault_message(code: str, value: float) -> str:
    """Plain-language description of one fault at the measured ``value``."""
    rule = next(r for r in fault_rules() if r["code"] == code)
    return rule["message"].format(
        value=value,
        abs_value=abs(value),
        abs_value_cm=abs(value) * 100,
        threshold=rule["threshold"],
        abs_threshold=abs(rule["threshold"]),
    )
