"""What a pose means to a coach: the single-pose and many-pose entry points.

Both :func:`analyze` and :func:`analyze_many` run the same vectorised core
(:func:`compute`), so they never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from types import MappingProxyType

import numpy as np
import pandas as pd

from hinge_lib.model import catalog
from hinge_lib.model.body import Body
from hinge_lib.model.checks import check_choice, check_column, check_number
from hinge_lib.model.dowel import CONTACTS, back_points, dowel_contacts
from hinge_lib.model.kinematics import HOLDS, joint_positions, segment_centres
from hinge_lib.model.muscle_paths import GROUPS
from hinge_lib.model.muscles import (
    MuscleState,
    MuscleStates,
    hamstring_length_change_mm,
    muscle_columns,
)
from hinge_lib.model.patterns import (
    PATTERNS,
    classify,
    fault_mask,
    fault_message,
    fault_rules,
    hinge_score,
)
from hinge_lib.model.pose import POSE_FIELDS, Pose, joint_limits
from hinge_lib.model.statics import statics

LOAD_RANGE_KG = (0.0, 300.0)

JOINTS: tuple[str, ...] = (
    "toe", "heel", "ankle", "knee", "hip", "sacrum", "lumbar_base", "lumbar_top", "neck",
    "shoulder", "elbow", "hands", "head", "vertex", "occiput", "upper_back", "load",
)
MOMENTS: tuple[str, ...] = ("ankle_moment_nm", "knee_moment_nm", "hip_moment_nm",
                            "lumbar_moment_nm")


@dataclass(frozen=True)
class Fault:
    """A fault seen in a pose: its code, what is wrong (with the number) and the cue."""

    code: str
    message: str
    cue: str


@dataclass(frozen=True)
class Analysis:
    """Everything the model derives from one pose. Lengths in m, angles in degrees,
    moments in N m (both sides together; + = extensor, or plantarflexor at the ankle)."""

    pose: Pose
    body: Body
    load_kg: float
    hold: str
    joints: Mapping[str, tuple[float, float]]
    dowel_line: tuple[tuple[float, float], tuple[float, float]]
    trunk_angle_deg: float
    shin_angle_deg: float
    com_x_m: float
    com_y_m: float
    base_of_support: tuple[float, float]
    balanced: bool
    balance_margin_m: float
    ankle_moment_nm: float
    knee_moment_nm: float
    hip_moment_nm: float
    lumbar_moment_nm: float
    hamstring_length_change_mm: float
    dowel: Mapping[str, bool]
    dowel_gaps_mm: Mapping[str, float]
    pattern: str
    hinge_score: float
    faults: tuple[Fault, ...]
    warnings: tuple[str, ...] = ()
    #: Muscle group name -> :class:`~hinge_lib.model.muscles.MuscleState` (static model:
    #: no co-contraction beyond two-joint muscles, no activation timing).
    muscles: Mapping[str, MuscleState] = _field(
        default_factory=lambda: MappingProxyType({}))

    @property
    def fault_codes(self) -> tuple[str, ...]:
        """Codes of the faults, in catalogue order."""
        return tuple(f.code for f in self.faults)


def _check_setup(body: Body, load_kg: object, hold: object) -> float:
    if not isinstance(body, Body):
        raise ValueError(f"body must be a hinge_lib.Body; got {type(body).__name__}")
    check_choice("hold", hold, HOLDS)
    return check_number("load_kg", load_kg, *LOAD_RANGE_KG, "kg")


def compute(angles: Mapping[str, np.ndarray], body: Body, load_kg: float, hold: str,
            muscles: bool = True) -> dict[str, np.ndarray]:
    """The vectorised core: every result as an array over poses (angles already checked).

    Keys: ``<joint>`` (n, 2) points for every name in :data:`JOINTS`, ``dowel_line``
    (n, 2, 2), and (n,) arrays trunk_angle_deg, shin_angle_deg, com_x_m, com_y_m,
    balance_margin_m, balanced, the four moments, hamstring_length_change_mm,
    dowel_<contact>, gap_<contact>_m, pattern (index into PATTERNS), hinge_score and
    fault_<code> for every rule in data/fault_rules.csv.
    """
    points, axes = joint_positions(angles, body, hold)
    centres = segment_centres(points, body)
    out: dict[str, np.ndarray] = dict(points)
    out.update(statics(points, centres, body, load_kg))
    back = back_points(points, axes, angles["lumbar"], angles["thoracic"], body)
    out["sacrum"] = back["sacrum"]
    out["occiput"] = back["occiput"]
    out["upper_back"] = back["upper_back"]
    dowel = dowel_contacts(back, body.landmarks["dowel_tolerance_m"])
    out["dowel_line"] = dowel["line"]
    for contact in CONTACTS:
        out[f"dowel_{contact}"] = dowel[contact]
        out[f"gap_{contact}_m"] = dowel[f"gap_{contact}_m"]
    trunk = points["shoulder"] - points["hip"]
    out["trunk_angle_deg"] = np.degrees(np.arctan2(trunk[:, 0], trunk[:, 1]))
    out["shin_angle_deg"] = np.asarray(angles["ankle"], dtype=float)
    out["hamstring_length_change_mm"] = hamstring_length_change_mm(angles["hip"], angles["knee"])
    if muscles:  # analyze() reads them lazily (Analysis.muscles)
        out.update(muscle_columns(angles, body, out))
    pattern = classify(angles["hip"], angles["knee"])
    out["pattern"] = pattern
    out["hinge_score"] = hinge_score(out["hip_moment_nm"], out["knee_moment_nm"])
    metrics = {**angles, **{k: out[k] for k in ("shin_angle_deg", "trunk_angle_deg",
                                               "balance_margin_m")}}
    for code, hit in fault_mask(metrics, pattern).items():
        out[f"fault_{code}"] = hit
    return out


def _point(array: np.ndarray) -> tuple[float, float]:
    return (float(array[0, 0]), float(array[0, 1]))


def analyze(pose: Pose | None = None, body: Body | None = None, load_kg: float = 0.0,
            hold: str = "hands") -> Analysis:
    """Analyse one pose for a body holding ``load_kg`` (kg) as ``hold``: "hands" (hanging
    from straight arms), "close" (a bar kept against the front of the legs), "chest" or
    "back". Raises ``ValueError`` naming the field, value and allowed range."""
    pose = Pose() if pose is None else pose
    if not isinstance(pose, Pose):
        raise ValueError(f"pose must be a hinge_lib.Pose; got {type(pose).__name__}")
    body = Body() if body is None else body
    load = _check_setup(body, load_kg, hold)
    angles = {f: np.array([getattr(pose, f)]) for f in POSE_FIELDS}
    r = compute(angles, body, load, hold, muscles=False)
    joints = MappingProxyType({name: _point(r[name]) for name in JOINTS})
    line = r["dowel_line"][0]
    faults = []
    metrics = {**pose.as_dict(), "shin_angle_deg": pose.ankle,
               "trunk_angle_deg": float(r["trunk_angle_deg"][0]),
               "balance_margin_m": float(r["balance_margin_m"][0])}
    for rule in fault_rules():
        code = rule["code"]
        if r[f"fault_{code}"][0]:
            value = metrics[rule["metric"]]
            faults.append(Fault(code, fault_message(code, value), catalog.cue_for(code)))
    warnings = []
    if joints["load"][1] < 0 and load > 0:
        warnings.append(
            f"The load would sit {-joints['load'][1] * 100:.0f} cm below the floor: "
            "a real lifter stops where the weight touches down."
        )
    return Analysis(
        pose=pose,
        body=body,
        load_kg=load,
        hold=hold,
        joints=joints,
        dowel_line=((float(line[0, 0]), float(line[0, 1])), (float(line[1, 0]),
                                                               float(line[1, 1]))),
        trunk_angle_deg=float(r["trunk_angle_deg"][0]),
        shin_angle_deg=float(pose.ankle),
        com_x_m=float(r["com_x_m"][0]),
        com_y_m=float(r["com_y_m"][0]),
        base_of_support=(float(r["heel"][0, 0]), float(r["toe"][0, 0])),
        balanced=bool(r["balanced"][0]),
        balance_margin_m=float(r["balance_margin_m"][0]),
        ankle_moment_nm=float(r["ankle_moment_nm"][0]),
        knee_moment_nm=float(r["knee_moment_nm"][0]),
        hip_moment_nm=float(r["hip_moment_nm"][0]),
        lumbar_moment_nm=float(r["lumbar_moment_nm"][0]),
        hamstring_length_change_mm=float(r["hamstring_length_change_mm"][0]),
        dowel=MappingProxyType({c: bool(r[f"dowel_{c}"][0]) for c in CONTACTS}),
        dowel_gaps_mm=MappingProxyType({c: float(r[f"gap_{c}_m"][0]) * 1000 for c in CONTACTS}),
        pattern=PATTERNS[int(r["pattern"][0])],
        hinge_score=float(r["hinge_score"][0]),
        faults=tuple(faults),
        warnings=tuple(warnings),
        muscles=MuscleStates(angles, body, {k: r[k] for k in MOMENTS}),
    )


def analyze_many(poses: pd.DataFrame, body: Body | None = None, load_kg: float = 0.0,
                 hold: str = "hands") -> pd.DataFrame:
    """Analyse many poses at once: one row per pose (same index), one column per result.

    ``poses`` has columns among ankle, knee, hip, lumbar, thoracic, neck (degrees; a
    missing column means 0). Output columns: the six angles, trunk_angle_deg,
    shin_angle_deg, com_x_m, com_y_m, heel_x_m, toe_x_m, balanced, balance_margin_m, the
    four moments, hamstring_length_change_mm, <muscle>_length_change_mm, <muscle>_moment_nm,
    <muscle>_force_n and <muscle>_share_pct for every group in :data:`GROUPS`,
    muscle_unmet_<joint>_nm (see
    :func:`~hinge_lib.model.muscles.muscle_columns`), dowel_<contact>, dowel_gap_<contact>_mm,
    pattern, hinge_score, faults (tuple of codes), fault_<code> and <joint>_x_m /
    <joint>_y_m for every joint. Bad values raise ``ValueError`` naming the rows.
    """
    if not isinstance(poses, pd.DataFrame):
        raise ValueError(f"poses must be a pandas DataFrame; got {type(poses).__name__}")
    body = Body() if body is None else body
    load = _check_setup(body, load_kg, hold)
    unknown = [c for c in poses.columns if c not in POSE_FIELDS]
    if unknown:
        raise ValueError(
            f"poses has unknown column(s) {unknown}; allowed: {', '.join(POSE_FIELDS)}"
        )
    limits = joint_limits()
    n = len(poses)
    angles = {}
    for field in POSE_FIELDS:
        if field in poses.columns:
            try:
                values = poses[field].to_numpy(dtype=float)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{field}: column must hold numbers (degrees); got dtype {poses[field].dtype}"
                ) from None
            check_column(field, values, poses.index, *limits[field], "deg")
        else:
            values = np.zeros(n)
        angles[field] = values
    r = compute(angles, body, load, hold)
    cols: dict[str, np.ndarray] = dict(angles)
    for key in ("trunk_angle_deg", "shin_angle_deg", "com_x_m", "com_y_m"):
        cols[key] = r[key]
    cols["heel_x_m"] = r["heel"][:, 0]
    cols["toe_x_m"] = r["toe"][:, 0]
    cols["balanced"] = r["balanced"]
    cols["balance_margin_m"] = r["balance_margin_m"]
    for key in MOMENTS:
        cols[key] = r[key]
    cols["hamstring_length_change_mm"] = r["hamstring_length_change_mm"]
    for name in GROUPS:
        for part in ("length_change_mm", "moment_nm", "force_n", "share_pct"):
            cols[f"{name}_{part}"] = r[f"{name}_{part}"]
    for joint in ("ankle", "knee", "hip", "lumbar"):
        cols[f"muscle_unmet_{joint}_nm"] = r[f"muscle_unmet_{joint}_nm"]
    for contact in CONTACTS:
        cols[f"dowel_{contact}"] = r[f"dowel_{contact}"]
    for contact in CONTACTS:
        cols[f"dowel_gap_{contact}_mm"] = r[f"gap_{contact}_m"] * 1000
    cols["pattern"] = np.asarray(PATTERNS, dtype=object)[r["pattern"]]
    cols["hinge_score"] = r["hinge_score"]
    codes = [rule["code"] for rule in fault_rules()]
    cols["faults"] = _fault_tuples([r[f"fault_{c}"] for c in codes], codes, n)
    for code in codes:
        cols[f"fault_{code}"] = r[f"fault_{code}"]
    for name in JOINTS:
        cols[f"{name}_x_m"] = r[name][:, 0]
        cols[f"{name}_y_m"] = r[name][:, 1]
    return pd.DataFrame(cols, index=poses.index)


def _fault_tuples(hits: list[np.ndarray], codes: list[str], n: int) -> np.ndarray:
    """Tuple of fault codes per row, built per distinct combination (not per row)."""
    mask = np.zeros(n, dtype=np.int64)
    for bit, hit in enumerate(hits):
        mask |= hit.astype(np.int64) << bit
    present = np.flatnonzero(np.bincount(mask, minlength=1 << len(codes)))
    table = np.empty(1 << len(codes), dtype=object)
    for combo in present:
        table[combo] = tuple(c for bit, c in enumerate(codes) if combo >> bit & 1)
    return table[mask]
