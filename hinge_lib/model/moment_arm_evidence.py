"""Which way each muscle group turns each joint, and where its moment arm is measured.

data/moment_arm_evidence.csv has one row per muscle group and joint it crosses: the
anatomical action (``extends`` or ``flexes``; at the ankle ``extends`` means plantarflexes),
which no pose may reverse, and the range of joint angles (degrees, the model's conventions:
flexion positive, ankle dorsiflexion positive) over which a published measurement backs the
path geometry's moment arm. Outside that range, or where a row gives no range, the moment
arm is the geometry's extrapolation: the model computes it but says it is not known from
measurements there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from hinge_lib.model.muscle_paths import GROUPS, JOINT_NAMES, group_paths, joints_crossed
from hinge_lib.model.tables import Column, DataFileError, read_csv

ACTIONS: dict[str, float] = {"extends": 1.0, "flexes": -1.0}
_JOINT_WORDS = {"lumbar": "lower back"}


@dataclass(frozen=True)
class MomentArmEvidence:
    """A group's action at one joint and the angles (deg) a published measurement covers."""

    group: str
    joint: str
    action: str
    low_deg: float | None
    high_deg: float | None
    source: str


def group_joints(group: str) -> tuple[str, ...]:
    """Joints a muscle group crosses (a group of several paths: those of its first path)."""
    return joints_crossed(group_paths(group)[0])


@cache
def moment_arm_evidence() -> dict[tuple[str, str], MomentArmEvidence]:
    """Rows of data/moment_arm_evidence.csv keyed by (group, joint), checked for sense: one
    row for every joint each group crosses, a range given as both ends or neither."""
    rows = read_csv(
        "moment_arm_evidence.csv",
        {
            "group": Column(choices=GROUPS),
            "joint": Column(choices=JOINT_NAMES),
            "action": Column(choices=tuple(ACTIONS)),
            "low_deg": Column(float, required=False, low=-90, high=180),
            "high_deg": Column(float, required=False, low=-90, high=180),
            "source": Column(),
        },
    )
    where = "data/moment_arm_evidence.csv"
    out: dict[tuple[str, str], MomentArmEvidence] = {}
    for row in rows:
        line, key = row["_line"], (row["group"], row["joint"])
        low, high = row["low_deg"], row["high_deg"]
        if (low is None) != (high is None) or (low is not None and low > high):
            raise DataFileError(f"{where}, line {line}, column 'high_deg': {high!r} does not "
                                f"close a range starting at {low!r}")
        if row["joint"] not in group_joints(row["group"]):
            raise DataFileError(f"{where}, line {line}, column 'joint': {row['group']} does "
                                f"not cross the {row['joint']}")
        if key in out:
            raise DataFileError(f"{where}, line {line}, column 'joint': a second row for "
                                f"{row['group']} at the {row['joint']}")
        out[key] = MomentArmEvidence(*key, row["action"], low, high, row["source"])
    missing = [f"{g} at the {j}" for g in GROUPS for j in group_joints(g) if (g, j) not in out]
    if missing:
        raise DataFileError(f"{where}: no row for {', '.join(missing)}")
    return out


@cache
def action_signs() -> np.ndarray:
    """(joints, groups) array: +1 where a group extends (plantarflexes) a joint, -1 where it
    flexes it, 0 where it does not cross it; order of JOINT_NAMES and GROUPS."""
    signs = np.zeros((len(JOINT_NAMES), len(GROUPS)))
    for (group, joint), row in moment_arm_evidence().items():
        signs[JOINT_NAMES.index(joint), GROUPS.index(group)] = ACTIONS[row.action]
    return signs


def moment_arm_is_measured(group: str, joint: str, angle_deg: float) -> bool:
    """True when ``group``'s moment arm at ``joint`` at ``angle_deg`` (deg) lies in a range a
    published measurement covers; False where it is the path geometry's extrapolation."""
    row = moment_arm_evidence().get((group, joint))
    if row is None or row.low_deg is None or row.high_deg is None:
        return False
    return row.low_deg - 1e-9 <= angle_deg <= row.high_deg + 1e-9


def unmeasured_moment_arms(angles_deg: Mapping[str, float],
                           groups: tuple[str, ...] | None = None) -> list[tuple[str, str, float]]:
    """(group, joint, angle in deg) for every joint a group crosses whose moment arm at this
    pose no published measurement covers; ``groups`` limits the check (e.g. to the groups
    carrying force), in the order given."""
    out = []
    for group in groups if groups is not None else GROUPS:
        for joint in group_joints(group):
            angle = float(angles_deg[joint])
            if not moment_arm_is_measured(group, joint, angle):
                out.append((group, joint, angle))
    return out


def unmeasured_message(missing: list[tuple[str, str, float]],
                       labels: Mapping[str, str]) -> str | None:
    """One sentence naming the moment arms a pose takes beyond published measurements (with
    ``labels`` the words a coach reads for each group); None when there are none."""
    if not missing:
        return None
    listed = ", ".join(f"{labels.get(g, g)} at the {_JOINT_WORDS.get(j, j)} ({a:.0f} deg)"
                       for g, j, a in missing)
    return (f"Not known from measurements: the moment arms of {listed}. No published curve "
            "this model was checked against covers these angles, so the forces that rest on "
            "them are the model's own extrapolation.")
