"""What a pose means to a coach: the single-pose and many-pose entry points.

Both :func:`analyze` and :func:`analyze_many` run the same vectorised core
(:func:`compute`), so they never disagree.

Poses below the floor: the joint limits allow combinations (for example ankle -50 with
knee 155) that would put the hips, head or hands under the floor while the feet stand on
it. Such a pose cannot be done, but a coach sweeping sliders or reading a recording wants
the rest of the answer rather than a crash, so both entry points still compute it and say
so plainly: :func:`analyze` lists the points in ``Analysis.below_floor`` and adds a
sentence to ``Analysis.warnings`` (the explorer shows it); :func:`analyze_many` adds the
columns ``below_floor`` (bool), ``lowest_point`` and ``lowest_y_m`` and issues one
:class:`BelowFloorWarning` naming how many rows are affected.
"""

from __future__ import annotations

import warnings as _warnings
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from types import MappingProxyType

import numpy as np
import pandas as pd

from hinge_lib.model import catalog
from hinge_lib.model.body import Body
from hinge_lib.model.checks import (
    check_choice,
    check_column,
    check_number,
    column_as_floats,
)
from hinge_lib.model.dowel import CONTACTS, back_points, dowel_contacts
from hinge_lib.model.kinematics import HOLDS, joint_positions, segment_centres, support_codes
from hinge_lib.model.muscle_paths import GROUPS
from hinge_lib.model.muscles import (
    MuscleState,
    MuscleStates,
    hamstring_length_change_mm,
    muscle_columns,
)
from hinge_lib.model.patterns import (
    LOST_CONTACT_METRICS,
    PATTERNS,
    classify,
    fault_mask,
    fault_message,
    fault_rules,
    hinge_score,
)
from hinge_lib.model.pose import POSE_FIELDS, SUPPORTS, Pose, joint_limits
from hinge_lib.model.statics import statics

LOAD_RANGE_KG = (0.0, 300.0)

JOINTS: tuple[str, ...] = (
    "toe", "heel", "ankle", "knee", "hip", "sacrum", "lumbar_base", "lumbar_top", "neck",
    "shoulder", "elbow", "hands", "head", "vertex", "occiput", "upper_back", "load",
)
#: Labels for the four moments, naming where the lumbar one is taken.
MOMENT_LABELS: Mapping[str, str] = MappingProxyType({
    "ankle_moment_nm": "Ankle (plantarflexors)",
    "knee_moment_nm": "Knee (extensors)",
    "hip_moment_nm": "Hip (extensors)",
    "lumbar_moment_nm": "Lower back at L3/L4 (extensors)",
})
#: Body points that must stay on or above the floor (the feet define it; the load is
#: reported separately).
FLOOR_POINTS: tuple[str, ...] = tuple(j for j in JOINTS if j not in ("toe", "heel", "load"))
#: Plain names of those points, for messages.
POINT_NAMES: Mapping[str, str] = MappingProxyType({
    "ankle": "ankles", "knee": "knees", "hip": "hips", "sacrum": "sacrum",
    "lumbar_base": "lower back", "lumbar_top": "middle of the back", "neck": "base of the neck",
    "shoulder": "shoulders", "elbow": "elbows", "hands": "hands", "head": "head",
    "vertex": "top of the head", "occiput": "back of the head", "upper_back": "upper back",
})
#: Points of the front leg when half kneeling (NaN for the other supports).
FRONT_LEG: tuple[str, ...] = ("front_knee", "front_ankle", "front_heel", "front_toe")
MOMENTS: tuple[str, ...] = ("ankle_moment_nm", "knee_moment_nm", "hip_moment_nm",
                            "lumbar_moment_nm")


class BelowFloorWarning(UserWarning):
    """Some analysed poses put a body point below the floor (they cannot be done).

    Raised as a warning by :func:`analyze_many` (the ``below_floor`` column marks the rows);
    :func:`analyze` lists the same problem in ``Analysis.warnings``.

    Examples
    --------
    >>> issubclass(BelowFloorWarning, UserWarning)
    True
    """


@dataclass(frozen=True)
class Fault:
    """A fault seen in a pose.

    Attributes
    ----------
    code : str
        Internal code (for data and tests; learners see ``message`` and ``cue``).
    message : str
        What is wrong, with the number that shows it.
    cue : str
        The words a coach says to fix it.

    Examples
    --------
    >>> fault = analyze(Pose(hip=60, lumbar=40)).faults[0]
    >>> fault.code, bool(fault.cue)
    ('rounded_lower_back', True)
    """

    code: str
    message: str
    cue: str


@dataclass(frozen=True)
class Analysis:
    """Everything the model derives from one pose. Lengths in m, angles in degrees,
    moments in N m (both sides together; + = extensor, or plantarflexor at the ankle).
    ``lumbar_moment_nm`` is taken at L3/L4 (the navel level, see
    :mod:`hinge_lib.model.statics`). ``hinge_score`` is the hip's share of the hip + knee
    extensor moment (0..1); ``pattern`` is one of :data:`PATTERNS`. Made by :func:`analyze`;
    frozen, so a stored analysis never changes.

    Examples
    --------
    >>> a = analyze(Pose(knee=20, hip=80), load_kg=20)
    >>> a.pattern, a.balanced
    ('hinge', True)
    >>> a.hip_moment_nm > a.knee_moment_nm
    True
    """

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
    dowel: Mapping[str, bool]
    dowel_gaps_mm: Mapping[str, float]
    pattern: str
    hinge_score: float
    faults: tuple[Fault, ...]
    warnings: tuple[str, ...] = ()
    below_floor: tuple[str, ...] = ()
    front_leg: Mapping[str, tuple[float, float]] = _field(
        default_factory=lambda: MappingProxyType({}))
    #: Muscle group name -> :class:`~hinge_lib.model.muscles.MuscleState` (static model:
    #: no co-contraction beyond two-joint muscles, no activation timing).
    muscles: Mapping[str, MuscleState] = _field(
        default_factory=lambda: MappingProxyType({}))

    @property
    def on_or_above_floor(self) -> bool:
        """False when any body point would be below the floor (see ``below_floor``)."""
        return not self.below_floor

    @property
    def hamstring_length_change_mm(self) -> float:
        """Mean length change of the three hamstrings in mm, + = stretched relative to
        standing tall: ``muscles["hamstrings"].length_change_mm``, the same number. Worked
        out the first time it is read, from the hamstrings' paths alone unless the muscles
        have been read already."""
        return self.muscles.hamstring_length_change_mm

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
    balance_margin_m, balanced, the four moments,
    dowel_<contact>, gap_<contact>_m, pattern (index into PATTERNS), hinge_score,
    lowest_point (index into :data:`FLOOR_POINTS`), lowest_y_m, below_floor and
    fault_<code> for every rule in data/fault_rules.csv; with ``muscles`` also every key of
    :func:`~hinge_lib.model.muscles.muscle_columns` (hamstrings_length_change_mm among them;
    without, :func:`~hinge_lib.model.muscles.hamstring_length_change_mm` gives the same
    numbers for far less work).
    """
    points, axes = joint_positions(angles, body, hold)
    n = len(points["hip"])
    support = support_codes(angles, n)
    centres = segment_centres(points, body, support)
    out: dict[str, np.ndarray] = dict(points)
    out.update(statics(points, centres, body, load_kg, support))
    back = back_points(points, axes, angles["lumbar"], angles["thoracic"], body)
    out["sacrum"] = back["sacrum"]
    out["occiput"] = back["occiput"]
    out["upper_back"] = back["upper_back"]
    dowel = dowel_contacts(back, body.landmarks["dowel_tolerance_m"])
    out["dowel_line"] = dowel["line"]
    for contact in CONTACTS:
        out[f"dowel_{contact}"] = dowel[contact]
        out[f"gap_{contact}_m"] = dowel[f"gap_{contact}_m"]
    heights = np.array([out[name][:, 1] for name in FLOOR_POINTS])
    lowest = np.argmin(heights, axis=0)
    out["lowest_point"] = lowest
    out["lowest_y_m"] = heights[lowest, np.arange(heights.shape[1])]
    out["below_floor"] = out["lowest_y_m"] < 0.0
    trunk = points["shoulder"] - points["hip"]
    # Lean of the hip-to-shoulder line from vertical, + = forward. Taken relative to the
    # pelvis tilt so that it never wraps at +-180 degrees (a trunk folded past head-down
    # keeps counting up, 190 rather than -170).
    shank_deg = np.where(support > 0, 90.0, np.asarray(angles["ankle"], dtype=float))
    pelvis_deg = shank_deg - np.asarray(angles["knee"]) + np.asarray(angles["hip"])
    raw = np.degrees(np.arctan2(trunk[:, 0], trunk[:, 1]))
    out["trunk_angle_deg"] = pelvis_deg + (raw - pelvis_deg + 180.0) % 360.0 - 180.0
    kneeling = support > 0
    # The shin lies on the floor when kneeling: its tilt is 90 degrees, and the knee bend
    # that counts towards a squat is what goes past the right angle of upright kneeling.
    out["shin_angle_deg"] = np.where(kneeling, 90.0, np.asarray(angles["ankle"], dtype=float))
    out["support"] = support
    if muscles:  # analyze() reads them lazily (Analysis.muscles)
        out.update(muscle_columns(angles, body, out))
    knee_bend = np.where(kneeling, np.asarray(angles["knee"], dtype=float) - 90.0,
                         angles["knee"])
    pattern = classify(angles["hip"], knee_bend, angles["lumbar"], angles["thoracic"],
                       out["trunk_angle_deg"])
    out["pattern"] = pattern
    out["hinge_score"] = hinge_score(out["hip_moment_nm"], out["knee_moment_nm"])
    # Shin-tilt and locked-knee faults are about standing on the feet: not judged kneeling.
    metrics = {**angles, "shin_angle_deg": np.where(kneeling, np.nan, out["shin_angle_deg"]),
               "knee": np.where(kneeling, np.nan, angles["knee"]),
               **{k: out[k] for k in ("trunk_angle_deg", "balance_margin_m")},
               **lost_contact_metrics(out)}
    for code, hit in fault_mask(metrics, pattern).items():
        out[f"fault_{code}"] = hit
    return out


def lost_contact_metrics(out: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``<contact>_off_dowel_mm`` per contact: the dowel gap in mm where the contact is lost,
    0 where it holds (the metrics of the lost-contact rules in data/fault_rules.csv)."""
    return {metric: np.where(out[f"dowel_{contact}"], 0.0, out[f"gap_{contact}_m"] * 1000)
            for metric, contact in LOST_CONTACT_METRICS.items()}


def _point(array: np.ndarray) -> tuple[float, float]:
    """The first pose's point of an (n, 2) array, as plain floats."""
    x, y = array[0].tolist()
    return (x, y)


def _fault_value(metric: str, pose: Pose, r: Mapping[str, np.ndarray]) -> float:
    """The measured value a fault rule reads (its ``metric``) for the pose in row 0 of
    :func:`compute`'s result ``r``."""
    if metric in LOST_CONTACT_METRICS:
        return float(lost_contact_metrics(r)[metric][0])
    if metric in POSE_FIELDS:
        return float(getattr(pose, metric))
    return float(r[metric][0])


def analyze(pose: Pose | None = None, body: Body | None = None, load_kg: float = 0.0,
            hold: str = "hands") -> Analysis:
    """Analyse one pose for a body holding ``load_kg`` (kg) as ``hold``: "hands" (hanging
    from straight arms), "close" (a bar kept against the front of the legs), "chest" or
    "back". The pose says what the body rests on (``Pose.support``: feet or kneeling).
    Raises ``ValueError`` naming the field, value and allowed range. A pose that would put
    a body point below the floor is still analysed; ``below_floor`` names the points and
    ``warnings`` says so in a sentence.

    Examples
    --------
    >>> a = analyze(Pose(ankle=2, knee=20, hip=90), load_kg=16)
    >>> a.pattern, a.balanced, a.below_floor
    ('hinge', True, ())
    >>> analyze(Pose(ankle=-50, knee=155)).below_floor[:3]
    ('hands', 'vertex', 'elbow')
    >>> analyze(Pose(knee=90, support="tall_kneeling")).base_of_support[1]
    0.0
    """
    pose = Pose() if pose is None else pose
    if not isinstance(pose, Pose):
        raise ValueError(f"pose must be a hinge_lib.Pose; got {type(pose).__name__}")
    body = Body() if body is None else body
    load = _check_setup(body, load_kg, hold)
    angles = {f: np.array([getattr(pose, f)]) for f in POSE_FIELDS}
    angles["support"] = np.array([SUPPORTS.index(pose.support)])
    r = compute(angles, body, load, hold, muscles=False)
    joints = MappingProxyType({name: _point(r[name]) for name in JOINTS})
    (x0, y0), (x1, y1) = r["dowel_line"][0].tolist()
    faults = []
    for rule in fault_rules():
        code = rule["code"]
        if r[f"fault_{code}"][0]:
            value = _fault_value(rule["metric"], pose, r)
            faults.append(Fault(code, fault_message(code, value), catalog.cue_for(code)))
    warnings = []
    below = tuple(sorted((n for n in FLOOR_POINTS if joints[n][1] < 0),
                         key=lambda n: joints[n][1]))
    if below:
        warnings.append(below_floor_message(below, -joints[below[0]][1]))
    if not r["bar_on_legs"][0]:
        warnings.append(bar_off_legs_message(float(r["bar_gap_m"][0])))
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
        dowel_line=((x0, y0), (x1, y1)),
        trunk_angle_deg=float(r["trunk_angle_deg"][0]),
        shin_angle_deg=float(r["shin_angle_deg"][0]),
        com_x_m=float(r["com_x_m"][0]),
        com_y_m=float(r["com_y_m"][0]),
        base_of_support=_point(r["base_of_support"]),
        balanced=bool(r["balanced"][0]),
        balance_margin_m=float(r["balance_margin_m"][0]),
        ankle_moment_nm=float(r["ankle_moment_nm"][0]),
        knee_moment_nm=float(r["knee_moment_nm"][0]),
        hip_moment_nm=float(r["hip_moment_nm"][0]),
        lumbar_moment_nm=float(r["lumbar_moment_nm"][0]),
        dowel=MappingProxyType({c: bool(r[f"dowel_{c}"][0]) for c in CONTACTS}),
        dowel_gaps_mm=MappingProxyType({c: float(r[f"gap_{c}_m"][0]) * 1000 for c in CONTACTS}),
        pattern=PATTERNS[int(r["pattern"][0])],
        hinge_score=float(r["hinge_score"][0]),
        faults=tuple(faults),
        warnings=tuple(warnings),
        below_floor=below,
        muscles=MuscleStates(angles, body, {k: r[k] for k in MOMENTS}),
        front_leg=MappingProxyType(
            {name[len("front_"):]: _point(r[name]) for name in FRONT_LEG}
            if pose.support == "half_kneeling" else {}
        ),
    )


def below_floor_message(points: tuple[str, ...], depth_m: float) -> str:
    """The sentence shown when ``points`` (lowest first, names from :data:`FLOOR_POINTS`)
    would be below the floor, the lowest by ``depth_m`` metres."""
    names = [POINT_NAMES[p] for p in points]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"Not a real pose: the {listed} would be below the floor (the {names[0]} by "
        f"{depth_m * 100:.0f} cm). The feet stand on the floor, so bend less or change the "
        "ankle or knee until the whole body is above it."
    )


def bar_off_legs_message(gap_m: float) -> str:
    """The sentence shown when a bar held "close" cannot rest on the legs: out of the
    straight arms' reach (``gap_m`` > 0, the distance left in metres) or so far within it
    that the hands would pass below the front of the ankles."""
    if gap_m > 0:
        return (f"The straight arms cannot reach the legs: the bar stays {gap_m * 100:.0f} cm "
                "in front of them, so it is not kept close.")
    return ("The straight arms reach past the front of the ankles: the bar cannot stay on the "
            "legs here and would come to rest on the floor in front of the feet.")


BELOW_FLOOR_ACTIONS: tuple[str, ...] = ("warn", "flag", "raise")


def analyze_many(poses: pd.DataFrame, body: Body | None = None, load_kg: float = 0.0,
                 hold: str = "hands", below_floor: str = "warn",
                 muscles: bool = True) -> pd.DataFrame:
    """Analyse many poses at once: one row per pose (same index), one column per result.

    ``poses`` has columns among ankle, knee, hip, lumbar, thoracic, neck (degrees; a
    missing column means 0) and optionally support (one of :data:`SUPPORTS`, default
    "feet"). Output columns: the six angles, trunk_angle_deg, shin_angle_deg, com_x_m,
    com_y_m, support, heel_x_m, toe_x_m, base_back_x_m and base_front_x_m (the base of
    support's back and front edges), balanced, balance_margin_m, bar_on_legs and bar_gap_m
    (for ``hold="close"``: does the bar rest on the legs, and how far the hands stay from
    them when out of reach; see :func:`~hinge_lib.model.kinematics.joint_positions`), the
    four moments, hamstring_length_change_mm, <muscle>_length_change_mm,
    <muscle>_moment_nm, <muscle>_force_n, <muscle>_share_pct and <muscle>_effort_pct (force
    as a percentage of its maximum) for every group in :data:`GROUPS`, muscle_over_max,
    muscle_unmet_<joint>_nm, muscle_capacity_<joint>_nm (the most the modelled muscles make
    at that joint the way the pose needs, each at its maximum; see
    :func:`~hinge_lib.model.muscles.muscle_columns`), dowel_<contact>, dowel_gap_<contact>_mm,
    pattern, hinge_score, faults (tuple of codes), fault_<code>, below_floor (bool: some
    body point is under the floor), lowest_point (name of the lowest body point),
    lowest_y_m (its height; negative = below the floor) and <joint>_x_m / <joint>_y_m for
    every joint and for the front leg's points (:data:`FRONT_LEG`; NaN unless half
    kneeling). Bad values raise ``ValueError`` naming the rows.

    ``below_floor`` says what to do with rows that put a body point below the floor:
    "warn" (default) flags them and issues one :class:`BelowFloorWarning` for the call,
    "flag" only flags them (for sweeps over the joint ranges), "raise" raises
    ``ValueError`` naming the rows.

    ``muscles=False`` leaves out the muscle columns (<muscle>_length_change_mm,
    <muscle>_moment_nm, <muscle>_force_n, <muscle>_share_pct, <muscle>_effort_pct,
    muscle_over_max, muscle_unmet_<joint>_nm and muscle_capacity_<joint>_nm):
    sharing the moments among the muscles is most of the work, so this is about four times
    as fast for many poses. Every other column, hamstring_length_change_mm included, is
    the same to the last digit.

    Examples
    --------
    >>> import pandas as pd
    >>> out = analyze_many(pd.DataFrame({"hip": [0.0, 90.0], "knee": [0.0, 20.0]}))
    >>> list(out["pattern"]), list(out["below_floor"])
    (['upright', 'hinge'], [False, False])
    >>> quick = analyze_many(pd.DataFrame({"hip": [90.0]}), muscles=False)
    >>> "hamstrings_force_n" in quick, bool(quick["hamstring_length_change_mm"].iloc[0] > 0)
    (False, True)
    """
    if not isinstance(poses, pd.DataFrame):
        raise ValueError(f"poses must be a pandas DataFrame; got {type(poses).__name__}")
    body = Body() if body is None else body
    load = _check_setup(body, load_kg, hold)
    check_choice("below_floor", below_floor, BELOW_FLOOR_ACTIONS)
    if not isinstance(muscles, bool | np.bool_):
        raise ValueError(f"muscles must be True or False; got {muscles!r}")
    duplicated = sorted({str(c) for c in poses.columns[poses.columns.duplicated()]})
    if duplicated:
        raise ValueError(
            f"poses has the column(s) {', '.join(duplicated)} more than once; give each angle "
            "one column"
        )
    unknown = [c for c in poses.columns if c not in (*POSE_FIELDS, "support")]
    if unknown:
        raise ValueError(
            f"poses has unknown column(s) {unknown}; allowed: {', '.join(POSE_FIELDS)}, "
            "support"
        )
    limits = joint_limits()
    n = len(poses)
    angles = {}
    for field in POSE_FIELDS:
        if field in poses.columns:
            values = column_as_floats(field, poses[field], poses.index, "degrees")
            check_column(field, values, poses.index, *limits[field], "deg")
        else:
            values = np.zeros(n)
        angles[field] = values
    angles["support"] = _support_column(poses, n)
    r = compute(angles, body, load, hold, muscles=bool(muscles))
    cols: dict[str, np.ndarray] = dict(angles)
    for key in ("trunk_angle_deg", "shin_angle_deg", "com_x_m", "com_y_m"):
        cols[key] = r[key]
    cols["support"] = np.asarray(SUPPORTS, dtype=object)[angles["support"]]
    cols["heel_x_m"] = r["heel"][:, 0]
    cols["toe_x_m"] = r["toe"][:, 0]
    cols["base_back_x_m"] = r["base_of_support"][:, 0]
    cols["base_front_x_m"] = r["base_of_support"][:, 1]
    cols["balanced"] = r["balanced"]
    cols["balance_margin_m"] = r["balance_margin_m"]
    cols["bar_on_legs"] = r["bar_on_legs"]
    cols["bar_gap_m"] = r["bar_gap_m"]
    for key in MOMENTS:
        cols[key] = r[key]
    cols["hamstring_length_change_mm"] = (r["hamstrings_length_change_mm"] if muscles
                                          else hamstring_length_change_mm(angles, body))
    if muscles:
        for name in GROUPS:
            for part in ("length_change_mm", "moment_nm", "force_n", "share_pct",
                         "effort_pct"):
                cols[f"{name}_{part}"] = r[f"{name}_{part}"]
        cols["muscle_over_max"] = r["muscle_over_max"]
        for joint in ("ankle", "knee", "hip", "lumbar"):
            cols[f"muscle_unmet_{joint}_nm"] = r[f"muscle_unmet_{joint}_nm"]
        for joint in ("ankle", "knee", "hip", "lumbar"):
            cols[f"muscle_capacity_{joint}_nm"] = r[f"muscle_capacity_{joint}_nm"]
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
    cols["below_floor"] = r["below_floor"]
    cols["lowest_point"] = np.asarray(FLOOR_POINTS, dtype=object)[r["lowest_point"]]
    cols["lowest_y_m"] = r["lowest_y_m"]
    for name in (*JOINTS, *FRONT_LEG):
        cols[f"{name}_x_m"] = r[name][:, 0]
        cols[f"{name}_y_m"] = r[name][:, 1]
    below = np.flatnonzero(r["below_floor"])
    if len(below) and below_floor != "flag":
        shown = ", ".join(
            f"{poses.index[i]!r} ({cols['lowest_point'][i]} {-r['lowest_y_m'][i] * 100:.0f} cm "
            "below)" for i in below[:5]
        )
        more = f" and {len(below) - 5} more" if len(below) > 5 else ""
        text = (f"{len(below)} of {n} pose(s) put a body point below the floor, which no one "
                f"standing on flat feet can do: row {shown}{more}")
        if below_floor == "raise":
            raise ValueError(text)
        _warnings.warn(text + "; see the 'below_floor' column.", BelowFloorWarning,
                       stacklevel=2)
    return _frame(cols, poses.index)


def _frame(columns: dict[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    """A DataFrame of ``columns`` (in order) whose float columns are written once into one
    block: built from the dict, pandas would copy them run by run and then again to merge
    the runs, which for 100,000 poses is a good part of :func:`analyze_many`'s time."""
    names = list(columns)
    floats = [name for name in names if columns[name].dtype == np.float64]
    block = np.empty((len(floats), len(index)))
    for row, name in enumerate(floats):
        block[row] = columns[name]
    frame = pd.DataFrame(block.T, index=index, columns=floats, copy=False)
    for place, name in enumerate(names):
        if columns[name].dtype != np.float64:
            frame.insert(place, name, columns[name])
    return frame


def _support_column(poses: pd.DataFrame, n: int) -> np.ndarray:
    """Support codes (index into SUPPORTS) from the optional ``support`` column; kneeling rows
    must keep the ankle at 0, as :class:`Pose` requires."""
    if "support" not in poses.columns:
        return np.zeros(n, dtype=np.int64)
    column = poses["support"]
    known = column.isin(SUPPORTS).to_numpy()
    if not known.all():
        i = int(np.flatnonzero(~known)[0])
        raise ValueError(
            f"support must be one of {', '.join(repr(s) for s in SUPPORTS)}; row "
            f"{poses.index[i]!r} is {column.iloc[i]!r}"
        )
    codes = np.asarray(pd.Categorical(column, categories=SUPPORTS).codes, dtype=np.int64)
    if "ankle" in poses.columns:
        tilted = (codes > 0) & (poses["ankle"].to_numpy(dtype=float) != 0)
        if tilted.any():
            i = int(np.flatnonzero(tilted)[0])
            raise ValueError(
                f"ankle: row {poses.index[i]!r} kneels ({column.iloc[i]!r}) with ankle = "
                f"{poses['ankle'].iloc[i]:g} deg; the shins lie on the floor, so leave ankle at 0"
            )
    return codes


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
