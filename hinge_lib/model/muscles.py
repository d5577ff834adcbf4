"""Muscles: the muscle groups' lengths, moment arms and forces.

The groups of data/muscle_groups.csv and data/muscle_paths.csv
(:mod:`hinge_lib.model.muscle_paths`): each pose's joint moments are shared among the groups
by one force per group acting at every joint it crosses
(:func:`~hinge_lib.model.force_sharing.solve_forces`). The
hamstring stretch the readout shows (``hamstring_length_change_mm``) is the hamstrings
group's length change: one number, from the same paths.

What the muscle model cannot say (see :data:`LIMITS_NOTE`): it is static (a pose held
still, no speed or momentum), it adds no co-contraction beyond what two-joint muscles
impose, and it knows nothing of activation timing or which muscle "fires first".

"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from hinge_lib.model.body import Body
from hinge_lib.model.force_sharing import pose_blocks, solve_forces
from hinge_lib.model.moment_arm_evidence import action_signs
from hinge_lib.model.muscle_paths import (
    ADDUCTOR_MAGNUS,
    BUNDLES,
    GROUPS,
    HAMSTRINGS,
    JOINT_NAMES,
    PATHS,
    compiled,
    geometry_arrays,
    geometry_rows,
    group_paths,
    joints_crossed,
    length_rows,
    moment_arms,
    path_group,
    path_table,
)
from hinge_lib.model.tables import Column, DataFileError, read_csv

# --- Muscle groups: lengths, moment arms and how they share the joint moments -------------

#: Joint-moment keys of :func:`hinge_lib.model.statics.statics`, in :data:`JOINT_NAMES` order.
MOMENT_KEYS: tuple[str, ...] = tuple(f"{j}_moment_nm" for j in JOINT_NAMES)
ACTIONS: tuple[str, ...] = ("extends", "flexes")
#: Display rule (a modelling choice, not a published threshold): a muscle counts as
#: "stretched" when its muscle-tendon unit is at least this fraction longer than standing.
STRETCH_FRACTION = 0.05
#: Stand-in size for a muscle with no sourced maximum force (it is alone on its side of its
#: joint, so its share does not depend on it).
_NOMINAL_FORCE_N = 1000.0

LIMITS_NOTE = (
    "Static model: muscle forces are the smallest sum of squared muscle stresses that holds "
    "the pose still against gravity. It cannot say anything about co-contraction beyond what "
    "two-joint muscles force on it, about timing or activation order, or about speed; forces "
    "come from one line per muscle group in the side view."
)


@dataclass(frozen=True)
class MuscleGroup:
    """One row of data/muscle_groups.csv."""

    name: str
    label: str
    main_joint: str
    action: str
    region: str
    max_force_n: float | None  # both sides together
    what_it_does: str


@dataclass(frozen=True)
class MuscleState:
    """What one muscle group does in a pose (both sides together).

    ``length_change_mm``: muscle-tendon length minus standing tall (+ = stretched);
    ``moment_nm``: moment it supplies at its main joint (+ = extensor, or plantarflexor at
    the ankle); ``joint_moments_nm``: the same at every joint it crosses; ``force_n``: its
    tension; ``share_pct``: its part of the moment that the
    modelled muscles pulling the same way supply at that joint; ``stretched``: longer than
    standing by at least :data:`STRETCH_FRACTION` of its standing length.
    """

    name: str
    label: str
    main_joint: str
    action: str
    length_change_mm: float
    moment_nm: float
    force_n: float
    share_pct: float
    stretched: bool
    what_it_does: str
    #: Moment (N m) its force makes at every joint it crosses (a two-joint muscle acts
    #: at both).
    joint_moments_nm: Mapping[str, float]
    #: Its force as a percentage of its maximum isometric force (data/muscle_groups.csv);
    #: over 100 the pose asks more than the group can make; NaN where no maximum is sourced.
    effort_pct: float = float("nan")


#: Label and plain words for each group made of several paths.
_BUNDLE_WORDS = {
    "hamstrings": ("hamstrings", "extend the hip and bend the knee"),
    "adductor_magnus": ("adductor magnus",
                        "pulls the thigh in and extends the hip, more so the more it is bent"),
}


@cache
def muscle_groups() -> dict[str, MuscleGroup]:
    """Rows of data/muscle_groups.csv for every path, and every group made of several paths
    (the hamstrings = their three heads, adductor magnus = its four bundles) with the sum of
    its paths' maximum forces."""
    names = tuple(p for p in PATHS)
    rows = read_csv(
        "muscle_groups.csv",
        {
            "muscle": Column(choices=names),
            "label": Column(),
            "main_joint": Column(choices=JOINT_NAMES),
            "action": Column(choices=ACTIONS),
            "region": Column(),
            "max_force_per_side_n": Column(float, required=False, low=1, high=20000),
            "what_it_does": Column(),
            "source": Column(),
        },
        key="muscle",
    )
    table = {}
    for row in rows:
        force = row["max_force_per_side_n"]
        table[row["muscle"]] = MuscleGroup(
            row["muscle"], row["label"], row["main_joint"], row["action"], row["region"],
            None if force is None else 2 * force, row["what_it_does"])
        crossed = joints_crossed(row["muscle"])
        if row["main_joint"] not in crossed:
            raise DataFileError(
                f"data/muscle_groups.csv, line {row['_line']}, column 'main_joint': "
                f"{row['muscle']} does not cross the {row['main_joint']} (its path crosses "
                f"{', '.join(crossed)})"
            )
    missing = [m for m in names if m not in table]
    if missing:
        raise DataFileError(f"data/muscle_groups.csv: no row for {', '.join(missing)}")
    for group, (label, does) in _BUNDLE_WORDS.items():
        parts = [table[p] for p in BUNDLES[group]]
        if any(p.max_force_n is None for p in parts):
            raise DataFileError(f"data/muscle_groups.csv: each path of the {label} needs "
                                "max_force_per_side_n")
        table[group] = MuscleGroup(group, label, "hip", "extends", "posterior chain",
                                   sum(p.max_force_n for p in parts), does)
    _check_moment_arms(table, rows)
    return table


def _check_moment_arms(table: dict[str, MuscleGroup], rows: list[dict]) -> None:
    """Every path must act the way its row says at its main joint, with a moment arm of
    5-150 mm standing tall in the reference body; else name the file, row and column.

    The adductor magnus bundles are checked as one group (the mean of their moment arms
    weighted by maximum force, as the solver uses them): its front bundles flex the standing
    hip and extend the bent one, so no single sign holds for each of them."""
    body = Body()
    zero = {j: np.zeros(1) for j in JOINT_NAMES}
    arms = moment_arms(zero, body)
    lines = {row["muscle"]: row["_line"] for row in rows}
    for name in ("adductor_magnus", *(p for p in PATHS if p not in ADDUCTOR_MAGNUS)):
        group = table[name]
        paths = group_paths(name)
        weight = np.array([table[p].max_force_n or 1.0 for p in paths])
        arm_mm = float(sum(w * arms[p][group.main_joint][0] for w, p in zip(
            weight / weight.sum(), paths, strict=True))) * 1000
        signed = arm_mm if group.action == "extends" else -arm_mm
        if not 5.0 <= signed <= 150.0:
            first = path_table()[paths[0]][0].line
            raise DataFileError(
                f"data/muscle_paths.csv, line {first}, column 'x_mm': the path of {name} gives "
                f"a moment arm of {arm_mm:.1f} mm at the {group.main_joint} standing tall, but "
                f"data/muscle_groups.csv, line {lines[paths[0]]}, column 'action' says it "
                f"{group.action} that joint (expected 5 to 150 mm that way)"
            )


@dataclass(frozen=True)
class _Plan:
    """How paths and crossings combine into groups, for one body (see :func:`_plan`)."""

    standing: np.ndarray  # (paths,) standing lengths, m
    length_mix: np.ndarray  # (paths, groups): group length = mean of its paths
    arm_mix: np.ndarray  # (crossings, joints * groups)
    rest: np.ndarray  # (groups,) standing length of each group, m
    size: np.ndarray  # (groups,) maximum force (or the nominal size), N
    max_force: np.ndarray  # (groups,) sourced maximum force, N (NaN where none)
    main: np.ndarray  # (groups,) index of the main joint
    acts: tuple[tuple[int, int], ...]  # (group, joint) pairs with a moment arm


def _group_of(path: str) -> int:
    return GROUPS.index(path_group(path))


@cache
def _plan(body: Body) -> _Plan:
    groups = muscle_groups()
    crossings = compiled(body).crossings
    zero = {j: np.zeros(1) for j in JOINT_NAMES}
    standing = geometry_arrays(zero, body)[0][0]
    n_paths, n_groups, n_joints = len(PATHS), len(GROUPS), len(JOINT_NAMES)
    # A group of several paths pulls with one force shared by its paths in proportion to
    # their maximum forces; its length is their mean.
    weight = {p: groups[p].max_force_n / groups[path_group(p)].max_force_n
              if path_group(p) in BUNDLES else 1.0 for p in PATHS}
    length_mix = np.zeros((n_paths, n_groups))
    arm_mix = np.zeros((len(crossings), n_joints * n_groups))
    for p, path in enumerate(PATHS):
        length_mix[p, _group_of(path)] = 1 / len(group_paths(path_group(path)))
    for c, (path, joint) in enumerate(crossings):
        arm_mix[c, JOINT_NAMES.index(joint) * n_groups + _group_of(path)] = weight[path]
    acts = tuple(sorted({(_group_of(p), JOINT_NAMES.index(j)) for p, j in crossings}))
    return _Plan(
        standing=standing, length_mix=length_mix, arm_mix=arm_mix,
        rest=standing @ length_mix,
        size=np.array([groups[g].max_force_n or _NOMINAL_FORCE_N for g in GROUPS]),
        max_force=np.array([groups[g].max_force_n or np.nan for g in GROUPS]),
        main=np.array([JOINT_NAMES.index(groups[g].main_joint) for g in GROUPS]),
        acts=acts,
    )


@dataclass(frozen=True)
class MuscleForces:
    """The muscle model's core for some poses (:func:`muscle_forces`), from which every
    column of :func:`muscle_columns` is made."""

    change: np.ndarray  # (n, groups) length change, m (+ = longer than standing tall)
    matrix: np.ndarray  # (n, joints, groups) moment arms, m (+ = extends)
    demand: np.ndarray  # (n, joints) joint moments, N m
    forces: np.ndarray  # (n, groups) forces, N
    unmet: np.ndarray  # (n, joints) what no modelled muscle supplies, N m


def muscle_forces(angles: Mapping[str, np.ndarray], body: Body,
                  moments: Mapping[str, np.ndarray]) -> MuscleForces:
    """Lengths, moment arms and the forces that share the joint ``moments`` (N m, keys
    ``<joint>_moment_nm``) for every pose of ``angles`` (degrees)."""
    plan = _plan(body)
    ang = {j: np.atleast_1d(np.asarray(angles[j], dtype=float)) for j in JOINT_NAMES}
    n = max(len(v) for v in ang.values())
    ang = {j: v if len(v) == n else np.broadcast_to(v, (n,)) for j, v in ang.items()}
    lengths = np.empty((len(PATHS), n))
    arm_rows = np.empty((len(plan.arm_mix), n))
    for block in pose_blocks(n):
        lengths[:, block], arm_rows[:, block] = geometry_rows(
            {j: v[block] for j, v in ang.items()}, body)
    change = _length_changes(lengths, PATHS, body, GROUPS).T
    matrix = (arm_rows.T @ plan.arm_mix).reshape(n, len(JOINT_NAMES), len(GROUPS))
    # A group never turns a joint against its anatomical action (data/moment_arm_evidence.csv):
    # where the hinge geometry's line crosses the joint centre (hamstrings past about 140 deg
    # of knee flexion) the group gets no moment arm there rather than a reversed one.
    matrix = np.where(matrix * action_signs() < 0, 0.0, matrix)
    demand = np.stack([np.asarray(moments[k], dtype=float) for k in MOMENT_KEYS], axis=-1)
    forces, unmet = solve_forces(matrix, demand, plan.size)
    return MuscleForces(change, matrix, demand, forces, unmet)


def muscle_columns(angles: Mapping[str, np.ndarray], body: Body,
                   moments: Mapping[str, np.ndarray],
                   solved: MuscleForces | None = None) -> dict[str, np.ndarray]:
    """Every muscle result as (n,) arrays, for :func:`hinge_lib.model.analysis.compute`
    (``solved``: the :func:`muscle_forces` of these poses, if already worked out).

    Keys, for each name in :data:`GROUPS`: ``<m>_length_change_mm`` (+ = stretched
    relative to standing tall), ``<m>_moment_nm`` (at its main joint, + = extensor or
    plantarflexor), ``<m>_force_n``, ``<m>_share_pct``, ``<m>_effort_pct`` (force as a
    percentage of its maximum isometric force; NaN where none is sourced), ``<m>_stretched``
    and ``<m>_at_<joint>_nm`` for every joint it crosses; ``muscle_over_max`` (some group
    would need more than its maximum); and ``muscle_unmet_<joint>_nm``: the
    part of each joint moment no modelled muscle supplies (for example a dorsiflexor
    moment at the ankle: the shin muscles are not modelled).
    """
    plan = _plan(body)
    solved = muscle_forces(angles, body, moments) if solved is None else solved
    change, matrix, demand = solved.change, solved.matrix, solved.demand
    forces, unmet = solved.forces, solved.unmet
    n_groups = len(GROUPS)
    contrib = matrix * forces[:, None, :]  # (n, joints, groups) moments in N m
    columns = np.arange(n_groups)
    moment = contrib[:, plan.main, columns]
    pos = np.maximum(contrib, 0.0).sum(axis=2)[:, plan.main]
    neg = np.minimum(contrib, 0.0).sum(axis=2)[:, plan.main]
    same_way = np.where(moment >= 0, pos, neg)
    share = 100.0 * np.divide(moment, same_way, out=np.zeros_like(moment),
                              where=np.abs(same_way) > 1e-9)
    stretched = change >= STRETCH_FRACTION * plan.rest
    effort = 100.0 * forces / plan.max_force
    # a group with no sourced maximum (effort NaN) is never over it
    out: dict[str, np.ndarray] = {"muscle_over_max": over_max(effort).any(axis=1)}
    capacity = _capacity(matrix, demand, plan.max_force)
    for g, name in enumerate(GROUPS):
        out[f"{name}_length_change_mm"] = change[:, g] * 1000.0
        out[f"{name}_moment_nm"] = moment[:, g]
        out[f"{name}_force_n"] = forces[:, g]
        out[f"{name}_share_pct"] = share[:, g]
        out[f"{name}_effort_pct"] = effort[:, g]
        out[f"{name}_stretched"] = stretched[:, g]
    for g, j in plan.acts:
        out[f"{GROUPS[g]}_at_{JOINT_NAMES[j]}_nm"] = contrib[:, j, g]
    for j, joint in enumerate(JOINT_NAMES):
        out[f"muscle_unmet_{joint}_nm"] = unmet[:, j]
        out[f"muscle_capacity_{joint}_nm"] = capacity[:, j]
    return out


def _capacity(matrix: np.ndarray, demand: np.ndarray, max_force: np.ndarray) -> np.ndarray:
    """(n, joints): the largest moment (N m, >= 0) the modelled muscles make at each joint
    in the direction the pose needs, every group that turns it that way at its maximum
    force; NaN where such a group has no sourced maximum. Each joint is taken alone (a
    two-joint muscle at its maximum also loads its other joint), so it is an upper bound:
    a demand above it is beyond the model's muscles whatever the sharing rule."""
    way = np.where(demand >= 0, 1.0, -1.0)[:, :, None]
    pull = np.maximum(matrix * way, 0.0)  # (n, joints, groups) in m
    missing = np.isnan(max_force)
    unknown = ((pull > 0) & missing).any(axis=2)
    capacity = pull @ np.where(missing, 0.0, max_force)
    return np.where(unknown, np.nan, capacity)


def _length_changes(lengths: np.ndarray, paths: tuple[str, ...], body: Body,
                    groups: tuple[str, ...]) -> np.ndarray:
    """Length change (m, + = longer than standing tall) of ``groups``, shape (groups, n),
    from the lengths of ``paths`` (one row each); a group of several paths is their mean,
    summed in one fixed order so that every caller gets the same number."""
    changes = lengths - _plan(body).standing[_path_rows(paths)][:, None]
    row = {p: i for i, p in enumerate(paths)}
    out = np.empty((len(groups), lengths.shape[1]))
    for g, group in enumerate(groups):
        parts = group_paths(group)
        total = changes[row[parts[0]]]
        for part in parts[1:]:
            total = total + changes[row[part]]
        np.divide(total, len(parts), out=out[g])
    return out


@cache
def _path_rows(paths: tuple[str, ...]) -> np.ndarray:
    """Index of each of ``paths`` in :data:`PATHS`."""
    return np.array([PATHS.index(p) for p in paths], dtype=np.intp)


def hamstring_length_change_mm(angles: Mapping[str, np.ndarray], body: Body) -> np.ndarray:
    """Mean length change of the hamstrings' three heads in mm, + = stretched relative to
    standing tall: the ``hamstrings_length_change_mm`` of :func:`muscle_columns` (the same
    numbers), from those three paths' lengths only and without sharing the moments, so it
    is cheap enough for every pose.

    Examples
    --------
    >>> import numpy as np
    >>> fold = {"ankle": np.zeros(2), "knee": np.zeros(2), "hip": np.array([0.0, 90.0]),
    ...         "lumbar": np.zeros(2)}
    >>> change = hamstring_length_change_mm(fold, Body())
    >>> float(abs(change[0])) < 1e-6, bool(change[1] > 50)
    (True, True)
    """
    ang = {j: np.asarray(angles[j], dtype=float) for j in JOINT_NAMES}
    lengths = length_rows(ang, body, HAMSTRINGS)
    return _length_changes(lengths, HAMSTRINGS, body, ("hamstrings",))[0] * 1000.0


class MuscleStates(Mapping):
    """Read-only mapping muscle group -> :class:`MuscleState` for one pose, computed the
    first time it is read (so an analysis that never looks at its muscles costs nothing
    extra). Angles in degrees, moments in N m, as for :func:`muscle_columns`."""

    def __init__(self, angles: Mapping[str, np.ndarray], body: Body,
                 moments: Mapping[str, np.ndarray]) -> None:
        self._args = (dict(angles), body, dict(moments))
        self._forces: MuscleForces | None = None
        self._states: dict[str, MuscleState] | None = None
        self._columns: dict[str, np.ndarray] = {}
        self._hamstrings: float | None = None

    def _solved(self) -> MuscleForces:
        if self._forces is None:
            self._forces = muscle_forces(*self._args)
        return self._forces

    def _load(self) -> dict[str, MuscleState]:
        if self._states is None:
            self._columns = muscle_columns(*self._args, solved=self._solved())
            self._states = muscle_states(self._columns)
        return self._states

    @property
    def effort_pct(self) -> dict[str, float]:
        """Each group's ``effort_pct`` (its force as a percentage of its maximum isometric
        force; NaN where none is sourced), without working out the rest of its state."""
        effort = 100.0 * self._solved().forces[0] / _plan(self._args[1]).max_force
        return dict(zip(GROUPS, effort.tolist(), strict=True))

    @property
    def hamstring_length_change_mm(self) -> float:
        """The hamstrings' ``length_change_mm`` (mm, + = stretched); before the forces are
        shared, from the three hamstring paths alone (:func:`hamstring_length_change_mm`:
        the same number, for less work)."""
        if self._forces is not None:
            return float(self._forces.change[0, GROUPS.index("hamstrings")] * 1000.0)
        if self._hamstrings is None:
            angles, body, _ = self._args
            self._hamstrings = float(hamstring_length_change_mm(angles, body)[0])
        return self._hamstrings

    @property
    def capacity_nm(self) -> dict[str, float]:
        """Per joint, the largest moment (N m) the modelled muscles could make in the
        direction this pose needs with every group that turns it that way at its maximum
        (see ``muscle_capacity_<joint>_nm`` of :func:`muscle_columns`); NaN at the lower
        back, whose muscles have no sourced maximum."""
        self._load()
        return {j: float(self._columns[f"muscle_capacity_{j}_nm"][0]) for j in JOINT_NAMES}

    @property
    def demand_nm(self) -> dict[str, float]:
        """The joint moments (N m) these muscles hold, as given."""
        return {j: float(np.atleast_1d(self._args[2][f"{j}_moment_nm"])[0])
                for j in JOINT_NAMES}

    def __getitem__(self, name: str) -> MuscleState:
        return self._load()[name]

    def __iter__(self):
        return iter(GROUPS)

    def __len__(self) -> int:
        return len(GROUPS)

    def __repr__(self) -> str:
        return f"MuscleStates({self._load()!r})"


def muscle_states(columns: Mapping[str, np.ndarray], row: int = 0) -> dict[str, MuscleState]:
    """The :class:`MuscleState` of every group for one row of :func:`muscle_columns`."""
    groups = muscle_groups()
    return {
        name: MuscleState(
            name=name,
            label=groups[name].label,
            main_joint=groups[name].main_joint,
            action=groups[name].action,
            length_change_mm=float(columns[f"{name}_length_change_mm"][row]),
            moment_nm=float(columns[f"{name}_moment_nm"][row]),
            force_n=float(columns[f"{name}_force_n"][row]),
            share_pct=float(columns[f"{name}_share_pct"][row]),
            stretched=bool(columns[f"{name}_stretched"][row]),
            effort_pct=float(columns[f"{name}_effort_pct"][row]),
            what_it_does=groups[name].what_it_does,
            joint_moments_nm={j: float(columns[f"{name}_at_{j}_nm"][row])
                              for j in JOINT_NAMES if f"{name}_at_{j}_nm" in columns},
        )
        for name in GROUPS
    }



#: Words for the muscles turning each joint (extending way, flexing way) in the strength
#: sentence.
_TURNERS = {"hip": ("hip extensor", "hip flexor"), "knee": ("knee extensor", "knee flexor"),
            "ankle": ("calf muscle", "shin muscle"),
            "lumbar": ("back extensor", "trunk flexor")}


def over_max(effort_pct: float | np.ndarray) -> np.bool_ | np.ndarray:
    """True where an effort (% of the group's maximum isometric force, scalar or array) is
    over the maximum; a group solved exactly at its maximum is not flagged for rounding,
    and a group with no sourced maximum (NaN) never is."""
    return np.asarray(effort_pct) > 100.0 + 1e-9


def over_max_message(states: Mapping[str, MuscleState],
                     capacity_nm: Mapping[str, float] | None = None,
                     demand_nm: Mapping[str, float] | None = None) -> str | None:
    """A sentence naming the groups a pose and load ask for more than their maximum
    isometric force (``effort_pct`` over 100), strongest demand first; None when every
    group is within its maximum.

    With ``capacity_nm`` and ``demand_nm`` (per joint, as :attr:`MuscleStates.capacity_nm`
    and :attr:`MuscleStates.demand_nm`; taken from ``states`` when it is a
    :class:`MuscleStates`) it also says whether the muscles could hold the pose at all:
    where the joint moment exceeds what every group turning that joint at its maximum makes,
    no sharing rule could; otherwise the overload comes from how the model shares force.
    """
    over = sorted((s for s in states.values() if over_max(s.effort_pct)),
                  key=lambda s: -s.effort_pct)
    if not over:
        return None
    if capacity_nm is None and isinstance(states, MuscleStates):
        capacity_nm, demand_nm = states.capacity_nm, states.demand_nm
    listed = ", ".join(f"{s.label} {s.effort_pct:.0f} %" for s in over)
    text = f"More than the modelled muscles can make: {listed} of maximum force."
    if capacity_nm is None or demand_nm is None:
        return text + (" Held still, this pose and load are beyond the model's strength; the "
                       "moment arms and the way the model shares force between muscles "
                       "decide these numbers as much as the load.")
    short = [j for j in JOINT_NAMES if capacity_nm[j] == capacity_nm[j]
             and abs(demand_nm[j]) > capacity_nm[j] + 1e-9]
    if short:
        gaps = "; ".join(
            f"with every modelled {_TURNERS[j][0 if demand_nm[j] >= 0 else 1]} at its maximum "
            f"they make {capacity_nm[j]:.0f} of the {abs(demand_nm[j]):.0f} N·m needed"
            for j in short)
        text += (f" Even {gaps}. Held still, this pose and load are beyond the model's "
                 "strength. That is the model's limit, not a verdict on the lifter: it leaves "
                 "out muscles, takes one maximum force for everybody and rests on moment arms "
                 "that are not all measured.")
    else:
        text += (" All of them together could make the moment at every joint, so the "
                 "overload comes from the model's rule for sharing force, not from a lack "
                 "of strength.")
    return text
