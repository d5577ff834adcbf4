"""Muscle-tendon paths in the side view: lengths and moment arms, vectorised over poses.

Each muscle group is a polyline through attachment points fixed to the bones
(data/muscle_paths.csv, after the Rajagopal et al. 2016 model), optionally wrapping
around a circle (a condyle, the patella, or a pulley standing for the spine), scaled
with the body: thigh points with the thigh length, shank points with the shank
length, pelvis, foot and trunk points with stature.

Body frames (x forward, y up when standing tall, metres): ``pelvis`` and ``femur`` have
their origin at the hip joint centre, ``tibia`` at the knee, ``foot`` at the ankle,
``pelvis_top`` and ``lumbar`` at the lumbar joint (the top of the model's pelvis
segment). Lengths depend only on the joint angles a muscle crosses; a moment arm is
``dL/dθ`` of its length with respect to that joint's flexion (dorsiflexion at the
ankle), so a positive moment arm means the muscle *extends* the joint (plantarflexes
the ankle), as for the joint moments of :mod:`hinge_lib.model.statics`.

What this cannot say: the paths are a side-view simplification of three-dimensional
muscles, each group pulls along one line, and muscles are strings (no bulging, no
force-length or activation properties).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np

from hinge_lib.model.body import Body
from hinge_lib.model.tables import Column, DataFileError, read_csv

#: Muscle groups, in a fixed order (posterior chain, front of the thigh, calf, trunk).
GROUPS: tuple[str, ...] = (
    "gluteus_maximus",
    "hamstrings",
    "adductor_magnus",
    "rectus_femoris",
    "vasti",
    "gastrocnemius",
    "soleus",
    "erector_spinae",
    "rectus_abdominis",
)
#: The three hamstrings, drawn and computed as separate paths and reported as their mean.
HAMSTRINGS: tuple[str, ...] = ("semimembranosus", "semitendinosus", "biceps_femoris_long_head")
#: The four bundles of adductor magnus (Rajagopal et al. 2016: proximal, middle, distal and
#: ischial), drawn and computed as separate paths and reported as one group.
ADDUCTOR_MAGNUS: tuple[str, ...] = (
    "adductor_magnus_proximal",
    "adductor_magnus_middle",
    "adductor_magnus_distal",
    "adductor_magnus_ischial",
)
#: Groups made of several paths (one force for the group, shared by its paths in proportion
#: to their maximum forces); every other group is one path of its own name.
BUNDLES: dict[str, tuple[str, ...]] = {"hamstrings": HAMSTRINGS,
                                       "adductor_magnus": ADDUCTOR_MAGNUS}
#: Every path in data/muscle_paths.csv.
PATHS: tuple[str, ...] = (
    "gluteus_maximus",
    *HAMSTRINGS,
    *ADDUCTOR_MAGNUS,
    "rectus_femoris",
    "vasti",
    "gastrocnemius",
    "soleus",
    "erector_spinae",
    "rectus_abdominis",
)


def group_paths(group: str) -> tuple[str, ...]:
    """The paths of a group in :data:`GROUPS` (its bundles, or the one path of its name)."""
    return BUNDLES.get(group, (group,))


def path_group(path: str) -> str:
    """The group in :data:`GROUPS` a path of :data:`PATHS` belongs to."""
    return next((g for g, paths in BUNDLES.items() if path in paths), path)


#: Joints in the order of the model's moments (statics.MOMENTS without the suffix).
JOINT_NAMES: tuple[str, ...] = ("ankle", "knee", "hip", "lumbar")
BODIES: tuple[str, ...] = ("lumbar", "pelvis_top", "pelvis", "femur", "tibia", "foot")
#: Position of each body along the chain; a path crosses the joints between its first
#: and last body.
_CHAIN_INDEX = {"lumbar": 0, "pelvis_top": 1, "pelvis": 1, "femur": 2, "tibia": 3, "foot": 4}
_JOINT_BETWEEN = {0: "lumbar", 1: "hip", 2: "knee", 3: "ankle"}
SCALES: tuple[str, ...] = ("height", "thigh", "shank")
SIDES: tuple[str, ...] = ("front", "back")
#: Points used to draw each wrap arc (fixed, so drawings keep their size).
ARC_POINTS = 5
_ARC_STEPS = np.linspace(0.0, 1.0, ARC_POINTS)
#: Sign turning a joint's flexion into counter-clockwise turning of the body beyond it, in
#: the frame where the pelvis is held still (the lumbar segment tips forward = clockwise).
_TURN_SIGN = {"lumbar": -1.0, "hip": 1.0, "knee": -1.0, "ankle": 1.0}


@dataclass(frozen=True)
class PathRow:
    """One point, wrap circle or pulley of a path, in mm in its body frame (unscaled).

    A wrap circle bends the path only when the straight line would cut it; a pulley always
    guides the path round it on its side (a constant moment arm about its centre).
    ``z_mm`` (points only, optional): how far the point lies out of the side view (+ =
    towards the outside of the body), for paths that run partly across the body; a path
    gives it for all its points or for none, and then has no wrap."""

    kind: str
    body: str
    x_mm: float
    y_mm: float
    radius_mm: float | None
    side: str | None
    scale_with: str
    reference_mm: float
    line: int
    z_mm: float | None = None


@cache
def path_table() -> dict[str, tuple[PathRow, ...]]:
    """Rows of data/muscle_paths.csv per path, in order, checked for sense.

    Raises :class:`DataFileError` naming file, line and column when a path is missing,
    starts or ends with a wrap, has two wraps in a row, or a wrap without a radius.
    """
    rows = read_csv(
        "muscle_paths.csv",
        {
            "muscle": Column(choices=PATHS),
            "order": Column(float, low=1, high=50),
            "kind": Column(choices=("point", "wrap", "pulley")),
            "body": Column(choices=BODIES),
            "x_mm": Column(float, low=-500, high=500),
            "y_mm": Column(float, low=-500, high=500),
            "radius_mm": Column(float, required=False, low=1, high=150),
            "side": Column(required=False, choices=SIDES),
            "scale_with": Column(choices=SCALES),
            "reference_mm": Column(float, low=100, high=2300),
            "z_mm": Column(float, required=False, low=-300, high=300),
            "source": Column(),
        },
    )
    paths: dict[str, list[tuple[float, PathRow]]] = {}
    for row in rows:
        line = row["_line"]
        if row["kind"] != "point":
            for column in ("radius_mm", "side"):
                if row[column] is None:
                    raise DataFileError(
                        f"data/muscle_paths.csv, line {line}, column {column!r}: "
                        "a wrap needs a radius and a side"
                    )
        orders = [o for o, _ in paths.get(row["muscle"], [])]
        if row["order"] in orders:
            raise DataFileError(
                f"data/muscle_paths.csv, line {line}, column 'order': duplicate order "
                f"{row['order']:g} for {row['muscle']}"
            )
        paths.setdefault(row["muscle"], []).append(
            (row["order"], PathRow(row["kind"], row["body"], row["x_mm"], row["y_mm"],
                                   row["radius_mm"], row["side"], row["scale_with"],
                                   row["reference_mm"], line, row["z_mm"]))
        )
    missing = [m for m in PATHS if m not in paths]
    if missing:
        raise DataFileError(f"data/muscle_paths.csv: no rows for {', '.join(missing)}")
    table = {}
    for muscle in PATHS:
        ordered = tuple(r for _, r in sorted(paths[muscle], key=lambda item: item[0]))
        kinds = [r.kind for r in ordered]
        if kinds[0] != "point" or kinds[-1] != "point" or kinds.count("point") < 2:
            raise DataFileError(
                f"data/muscle_paths.csv, line {ordered[0].line}, column 'kind': the path of "
                f"{muscle} must start and end with a point"
            )
        for first, second in zip(ordered, ordered[1:], strict=False):
            if first.kind != "point" and second.kind != "point":
                raise DataFileError(
                    f"data/muscle_paths.csv, line {second.line}, column 'kind': two wraps "
                    f"in a row in {muscle}"
                )
        depth = [r.z_mm is not None for r in ordered]
        if any(depth) and not (all(depth) and kinds.count("point") == len(kinds)):
            raise DataFileError(
                f"data/muscle_paths.csv, line {ordered[0].line}, column 'z_mm': the path of "
                f"{muscle} must give z_mm for every point or for none, and a path with "
                "z_mm has no wrap"
            )
        bodies = [_CHAIN_INDEX[r.body] for r in ordered if r.kind == "point"]
        if bodies != sorted(bodies) and bodies != sorted(bodies, reverse=True):
            raise DataFileError(
                f"data/muscle_paths.csv, line {ordered[0].line}, column 'body': the points of "
                f"{muscle} must go along the chain in one direction"
            )
        table[muscle] = ordered
    return table


@cache
def joints_crossed(muscle: str) -> tuple[str, ...]:
    """Joints a path crosses, e.g. ``("hip", "knee")`` for a hamstring."""
    idx = [_CHAIN_INDEX[r.body] for r in path_table()[muscle] if r.kind == "point"]
    lo, hi = min(idx), max(idx)
    return tuple(_JOINT_BETWEEN[i] for i in range(lo, hi))


def _scale(row: PathRow, body: Body) -> float:
    seg = body.segments
    if row.scale_with == "thigh":
        size = seg["thigh"].length_m
    elif row.scale_with == "shank":
        size = seg["shank"].length_m
    else:
        size = body.height_m
    return size / (row.reference_mm / 1000.0)


@cache
def scaled_paths(body: Body) -> dict[str, tuple[tuple[str, str, np.ndarray, float, int], ...]]:
    """Each path as (kind, body, xy in m, radius in m, side sign) rows scaled for ``body``.

    Femur points are turned so that the source model's knee lies straight below the hip
    (1.1 deg) and tibia points so that its ankle lies straight below the knee.
    """
    out = {}
    for muscle, rows in path_table().items():
        items = []
        for row in rows:
            k = _scale(row, body)
            xy = np.array([row.x_mm, row.y_mm]) / 1000.0
            if row.body == "femur":
                xy = _turn(xy, _FEMUR_TURN)
            elif row.body == "tibia":
                xy = _turn(xy, _TIBIA_TURN)
            radius = (row.radius_mm or 0.0) / 1000.0 * k
            items.append((row.kind, row.body, xy * k, radius, 0))
        out[muscle] = tuple(_with_sides(items, rows, body))
    return out


def _turn(xy: np.ndarray, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([c * xy[0] - s * xy[1], s * xy[0] + c * xy[1]])


# Knee at (-8.1, -408.0) mm from the hip in the source femur; ankle at (-1.9, -396.5) mm
# from the knee in the source tibia: turn both so the segment runs straight down.
_FEMUR_TURN = float(np.arctan2(8.1, 408.0))
_TIBIA_TURN = float(np.arctan2(1.9, 396.5))


def _with_sides(items: list, rows: tuple[PathRow, ...], body: Body) -> list:
    """Fill in each wrap's turning sign from its side and the standing path direction."""
    standing = {f: np.zeros(1) for f in JOINT_NAMES}
    frames, _ = _frames(standing, body)
    placed = [_place(frames[it[1]], it[2])[:, 0] for it in items]
    out = []
    for i, (it, row) in enumerate(zip(items, rows, strict=True)):
        if it[0] == "point":
            out.append(it)
            continue
        d = placed[i + 1] - placed[i - 1]
        # "back": the path passes behind the circle, so the centre is ahead (+x) of it.
        ahead = 1.0 if row.side == "back" else -1.0
        sign = np.sign(-d[1] * ahead)
        out.append((it[0], it[1], it[2], it[3], int(sign) or 1))
    return out


def _cos_sin(angle_rad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cosine and sine in single precision (as in kinematics.axis: far faster, error well
    under a micrometre on these lengths), returned as float64."""
    a = np.asarray(angle_rad, dtype=np.float32)
    return np.cos(a).astype(float), np.sin(a).astype(float)


class Frame(NamedTuple):
    """A body frame seen from the pelvis-still frame: the body's point (x, y) lies at
    ``origin + x * x_axis + y * y_axis``. Each is (2, n), x and y over the poses, or (2, 1)
    for a frame that does not move with the joints."""

    origin: np.ndarray
    x_axis: np.ndarray
    y_axis: np.ndarray


_STILL = Frame(np.zeros((2, 1)), np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]))


def _frames(angles: Mapping[str, np.ndarray], body: Body
            ) -> tuple[dict[str, Frame], np.ndarray]:
    """Each body frame with the pelvis held still (hip at the origin, pelvis upright), and
    the joint centres (4, 2, n) in :data:`JOINT_NAMES` order. Degrees in."""
    seg = body.segments
    deg = [np.atleast_1d(np.asarray(angles[j], dtype=float)) for j in JOINT_NAMES]
    n = max(len(v) for v in deg)
    ankle, knee, hip, lumbar = np.radians(
        np.array([v if len(v) == n else np.broadcast_to(v, (n,)) for v in deg]))
    # the turn of the femur, tibia, foot and lumbar frames, all four in one call
    cos, sin = _cos_sin(np.array((hip, hip - knee, hip - knee + ankle, -lumbar)))
    x_axes = np.stack((cos, sin), axis=1)  # (4, 2, n)
    y_axes = np.stack((-sin, cos), axis=1)
    thigh, shank, pelvis = seg["thigh"].length_m, seg["shank"].length_m, seg["pelvis"].length_m
    knee_at = -thigh * y_axes[0]  # down the femur's long axis
    ankle_at = knee_at - shank * y_axes[1]
    top = np.array([[0.0], [pelvis]])
    frames = {
        "pelvis": _STILL,
        "pelvis_top": _STILL._replace(origin=top),
        "lumbar": Frame(top, x_axes[3], y_axes[3]),
        "femur": Frame(_STILL.origin, x_axes[0], y_axes[0]),
        "tibia": Frame(knee_at, x_axes[1], y_axes[1]),
        "foot": Frame(ankle_at, x_axes[2], y_axes[2]),
    }
    joints = np.zeros((len(JOINT_NAMES), 2, n))
    joints[JOINT_NAMES.index("ankle")] = ankle_at
    joints[JOINT_NAMES.index("knee")] = knee_at
    joints[JOINT_NAMES.index("lumbar"), 1] = pelvis
    return frames, joints


def _place(frame: Frame, xy: np.ndarray) -> np.ndarray:
    """The point ``xy`` (m) of a body frame in the pelvis-still frame, (2, n)."""
    return frame.origin + frame.x_axis * xy[0] + frame.y_axis * xy[1]


def _tangent(cx, cy, px, py, radius: float, turn: float):
    """Point where a line from P touches the circle, on the side given by ``turn``
    (+1 entry / -1 exit for anticlockwise travel); no trigonometry."""
    vx, vy = px - cx, py - cy
    d2 = np.maximum(vx * vx + vy * vy, radius * radius * (1 + 1e-12))
    along = radius * radius / d2
    across = turn * radius * np.sqrt(d2 - radius * radius) / d2
    return cx + along * vx - across * vy, cy + along * vy + across * vx, np.sqrt(d2 - radius**2)


def _wrap(placed: np.ndarray, ends: np.ndarray, radius: np.ndarray, sign: np.ndarray,
          pulley: np.ndarray):
    """Paths round circles: from the point ``a`` to the point ``b`` round the circle centred
    on ``mid`` (``ends`` (W, 3): rows of ``placed`` (2, K, n)), kept on side ``sign`` (+1:
    the centre left of the direction of travel); ``radius``, ``sign``, ``pulley`` (W, 1).
    Returns length, wrapped mask and the signed arc angle (W, n), and the x and y of the
    points where the path touches each circle, (2, W, n): entry first, then exit."""
    a, mid, b = ends[:, 0], ends[:, 1], ends[:, 2]
    cx, cy = placed[:, mid]
    start = placed[:, np.array((a, b))]  # (2, 2, W, n): lines from a (entry) and b (exit)
    tx, ty, run = _tangent(cx, cy, start[0], start[1], radius,
                           np.array((sign, -sign)))
    (e1, x1), (e2, x2) = tx - cx, ty - cy
    arc = sign * np.arctan2(e1 * x2 - e2 * x1, e1 * x1 + e2 * x2)
    wrapped = (arc > 0) | pulley
    straight = np.hypot(*(start[:, 1] - start[:, 0]))
    length = np.where(wrapped, run[0] + run[1] + radius * arc, straight)
    return length, wrapped, (tx, ty), arc


_JOINT_INDEX = {"lumbar": 0, "hip": 1, "knee": 2, "ankle": 3}


def _crosses(k: int, first: int, second: int) -> bool:
    return min(first, second) <= k < max(first, second)


@dataclass(frozen=True)
class Compiled:
    """Every path of one body as index arrays, so all paths are evaluated together.

    Points (attachment points and wrap centres) are stored per body frame; ``E`` below is
    all placed points followed by every wrap's entry and exit tangent points.
    """

    blocks: tuple[tuple[str, np.ndarray], ...]  # (body, (k, 2) local points) per frame
    seg: np.ndarray  # (S, 2) point indices of straight pieces
    seg_depth: np.ndarray  # (S,) out-of-side-view offset between a piece's ends, m
    deep_segs: np.ndarray  # indices of the pieces with an offset
    seg_to_path: np.ndarray  # (S, M) 0/1
    wrap_ends: np.ndarray  # (W, 3) point indices: before, centre, after
    wrap_radius: np.ndarray  # (W,)
    wrap_sign: np.ndarray  # (W,)
    wrap_pulley: np.ndarray  # (W,) bool
    wrap_to_path: np.ndarray  # (W, M) 0/1
    crossings: tuple[tuple[str, str], ...]  # (path, joint) per crossing
    cross_joint: np.ndarray  # (C,) index into JOINT_NAMES
    cross_turn: np.ndarray  # (C,)
    cross_straight: np.ndarray  # (C, 2) indices into E (fixed end, moving end)
    cross_wrapped: np.ndarray  # (C, 2) indices into E used while the wrap holds
    cross_wrap: np.ndarray  # (C,) wrap index, or W (never wrapped)
    cross_depth: np.ndarray  # (C,) out-of-side-view offset of the crossing piece, m
    draw: tuple[tuple[tuple[str, int], ...], ...]  # per path: ("point", i) or ("wrap", w)
    draw_index: np.ndarray  # every path's drawing points, in order, as rows of D below
    draw_ends: tuple[int, ...]  # where each path's drawing points end in draw_index
    n_points: int  # placed points (the first rows of E)
    may_wrap: np.ndarray  # (C',) crossings whose line differs while their wrap holds
    # The lines whose turning effect gives a moment arm, (C + C') rows: every crossing's
    # straight line, then the line of each of may_wrap while its wrap holds.
    line_pairs: np.ndarray  # (C + C', 2) indices into E (fixed end, moving end)
    line_joint: np.ndarray  # (C + C',) index into JOINT_NAMES
    line_turn: np.ndarray  # (C + C',)
    line_depth: np.ndarray  # (C + C',) m


@cache
def compiled(body: Body, paths: tuple[str, ...] = PATHS) -> Compiled:
    """The index arrays of :class:`Compiled` for ``body`` (cached), for ``paths`` (names from
    :data:`PATHS`, in that order; default all). Each path's numbers do not depend on which
    other paths are compiled with it."""
    rows_by_path = scaled_paths(body)
    local: dict[str, list[np.ndarray]] = {b: [] for b in BODIES}
    where: list[list[tuple[str, int]]] = []
    for muscle in paths:
        spots = []
        for _kind, name, xy, _, _ in rows_by_path[muscle]:
            local[name].append(xy)
            spots.append((name, len(local[name]) - 1))
        where.append(spots)
    offset, blocks = {}, []
    start = 0
    for b in BODIES:
        if local[b]:
            offset[b] = start
            blocks.append((b, np.array(local[b], dtype=float)))
            start += len(local[b])
    n_points = start
    index = [[offset[b] + i for b, i in spots] for spots in where]
    chain_of = [[_CHAIN_INDEX[rows_by_path[m][r][1]] for r in range(len(rows_by_path[m]))]
                for m in paths]
    seg, seg_path, wraps, wrap_path, radius, sign, pulley = [], [], [], [], [], [], []
    crossings, c_joint, c_turn, c_straight, c_wrapped, c_wrap = [], [], [], [], [], []
    seg_depth, c_depth = [], []
    n_wraps = sum(1 for m in paths for r in rows_by_path[m] if r[0] != "point")

    def order(k: int, p: tuple[int, int], q: tuple[int, int]) -> list[int]:
        """(fixed end, moving end) of a piece from p to q, each (E index, chain index)."""
        q_moves = (q[1] > k) if k > 0 else (q[1] <= k)
        return [p[0], q[0]] if q_moves else [q[0], p[0]]

    draw = tuple(
        tuple(("point", index[m][r]) if rows_by_path[muscle][r][0] == "point" else
              ("wrap", sum(1 for mm in paths[:m] for q in rows_by_path[mm] if q[0] != "point")
               + sum(1 for q in rows_by_path[muscle][:r] if q[0] != "point"))
              for r in range(len(rows_by_path[muscle])))
        for m, muscle in enumerate(paths))
    w = 0
    for m, muscle in enumerate(paths):
        rows = rows_by_path[muscle]
        idx, chain = index[m], chain_of[m]
        joints = joints_crossed(muscle)
        z = [(r.z_mm or 0.0) / 1000.0 * _scale(r, body) for r in path_table()[muscle]]
        i = 0
        while i < len(rows) - 1:
            if rows[i + 1][0] == "point":
                seg.append((idx[i], idx[i + 1]))
                seg_depth.append(z[i + 1] - z[i])
                seg_path.append(m)
                for joint in joints:
                    k = _JOINT_INDEX[joint]
                    if _crosses(k, chain[i], chain[i + 1]):
                        pair = order(k, (idx[i], chain[i]), (idx[i + 1], chain[i + 1]))
                        crossings.append((muscle, joint))
                        c_joint.append(JOINT_NAMES.index(joint))
                        c_turn.append(_TURN_SIGN[joint])
                        c_straight.append(pair)
                        c_wrapped.append(pair)
                        c_wrap.append(n_wraps)
                        c_depth.append(z[i + 1] - z[i])
                i += 1
                continue
            kind, _, _, r, sg = rows[i + 1]
            wraps.append((idx[i], idx[i + 1], idx[i + 2]))
            wrap_path.append(m)
            radius.append(r)
            sign.append(sg)
            pulley.append(kind == "pulley")
            entry, leave = n_points + w, n_points + n_wraps + w
            for joint in joints:
                k = _JOINT_INDEX[joint]
                straight = order(k, (idx[i], chain[i]), (idx[i + 2], chain[i + 2]))
                if _crosses(k, chain[i], chain[i + 1]):
                    wrapped = order(k, (idx[i], chain[i]), (entry, chain[i + 1]))
                elif _crosses(k, chain[i + 1], chain[i + 2]):
                    wrapped = order(k, (leave, chain[i + 1]), (idx[i + 2], chain[i + 2]))
                else:
                    continue
                crossings.append((muscle, joint))
                c_joint.append(JOINT_NAMES.index(joint))
                c_turn.append(_TURN_SIGN[joint])
                c_straight.append(straight)
                c_wrapped.append(wrapped)
                c_wrap.append(w)
                c_depth.append(0.0)
            w += 1
            i += 2
    n_paths = len(paths)
    may_wrap = np.flatnonzero(np.array(c_wrap, dtype=int) < n_wraps)
    all_crossings = np.arange(len(crossings))
    straight = np.array(c_straight, dtype=int).reshape(-1, 2)
    seg_to_path = np.zeros((len(seg), n_paths))
    seg_to_path[np.arange(len(seg)), seg_path] = 1.0
    wrap_to_path = np.zeros((len(wraps), n_paths))
    wrap_to_path[np.arange(len(wraps)), wrap_path] = 1.0
    return Compiled(
        blocks=tuple(blocks), seg=np.array(seg, dtype=int).reshape(-1, 2), seg_to_path=seg_to_path,
        seg_depth=np.array(seg_depth), deep_segs=np.flatnonzero(np.array(seg_depth) != 0),
        cross_depth=np.array(c_depth),
        wrap_ends=np.array(wraps, dtype=int).reshape(-1, 3), wrap_radius=np.array(radius),
        wrap_sign=np.array(sign, dtype=float), wrap_pulley=np.array(pulley, dtype=bool),
        wrap_to_path=wrap_to_path, crossings=tuple(crossings),
        cross_joint=np.array(c_joint, dtype=int), cross_turn=np.array(c_turn),
        cross_straight=np.array(c_straight, dtype=int),
        cross_wrapped=np.array(c_wrapped, dtype=int), cross_wrap=np.array(c_wrap, dtype=int),
        draw=draw, n_points=n_points, **_draw_rows(draw, n_points),
        may_wrap=may_wrap,
        line_pairs=np.concatenate((straight, np.array(c_wrapped, dtype=int)[may_wrap])),
        line_joint=np.array(c_joint, dtype=int)[np.r_[all_crossings, may_wrap]],
        line_turn=np.array(c_turn)[np.r_[all_crossings, may_wrap]],
        line_depth=np.array(c_depth)[np.r_[all_crossings, may_wrap]],
    )


def _draw_rows(draw: tuple[tuple[tuple[str, int], ...], ...], n_points: int
               ) -> dict[str, object]:
    """``draw_index`` and ``draw_ends`` of :class:`Compiled`: D is the placed points, then
    the :data:`ARC_POINTS` points of every wrap's arc, wrap after wrap."""
    index: list[int] = []
    ends = []
    for items in draw:
        for kind, i in items:
            index.extend([i] if kind == "point" else
                         range(n_points + i * ARC_POINTS, n_points + (i + 1) * ARC_POINTS))
        ends.append(len(index))
    return {"draw_index": np.array(index, dtype=np.intp), "draw_ends": tuple(ends)}


def _placed_rows(c: Compiled, frames: dict[str, Frame]):
    """Every point of ``c`` placed, (2, K, n) (x and y rows: picking points is a plain
    copy), and the :func:`_wrap` results of every wrap."""
    n = frames["femur"].x_axis.shape[-1]
    placed = np.empty((2, c.n_points, n))
    start = 0
    for name, pts in c.blocks:
        frame = frames[name]
        rows = slice(start, start + len(pts))
        from_origin = frame.origin[:, None] + frame.x_axis[:, None] * pts[:, :1]
        np.add(from_origin, frame.y_axis[:, None] * pts[:, 1:], out=placed[:, rows])
        start += len(pts)
    wrap = _wrap(placed, c.wrap_ends, c.wrap_radius[:, None], c.wrap_sign[:, None],
                 c.wrap_pulley[:, None])
    return placed, wrap


#: The last single pose placed, as (key, result) of :func:`_placed_pose`: an explorer redraw
#: places the same pose twice (once to share the forces, once to draw the paths).
_LAST_PLACED: tuple = (None, None)


def _placed_pose(c: Compiled, angles: Mapping[str, np.ndarray], body: Body):
    """(frames, joint centres, :func:`_placed_rows`) of ``angles``; a single pose asked for
    again with the same compiled paths is not placed again. Callers must not change the
    arrays they get."""
    global _LAST_PLACED
    values = [np.asarray(angles[j], dtype=float) for j in JOINT_NAMES]
    key = None
    if all(v.size == 1 for v in values):
        key = (id(c), *(float(v.reshape(-1)[0]) for v in values))
        last_key, last = _LAST_PLACED
        if last_key == key:
            return last
    frames, joints = _frames(angles, body)
    result = (frames, joints, _placed_rows(c, frames))
    if key is not None:
        _LAST_PLACED = (key, result)
    return result


def _placed(rows):
    """:func:`_placed_rows`'s result with poses first: (n, K) points and (n, W) wraps."""
    placed, (length, wrapped, (tx, ty), arc) = rows

    def t(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a.T)

    return t(placed[0]), t(placed[1]), (t(length), t(wrapped), (t(tx[0]), t(ty[0])),
                                        (t(tx[1]), t(ty[1])), t(arc))


def _lengths(c: Compiled, px: np.ndarray, py: np.ndarray, wrap_length: np.ndarray
             ) -> np.ndarray:
    """Path lengths (paths, n) in m from placed points and wrap lengths, one row each."""
    pieces = np.hypot(px[c.seg[:, 1]] - px[c.seg[:, 0]], py[c.seg[:, 1]] - py[c.seg[:, 0]])
    # Pieces running partly across the body: the offset out of the side view does not change
    # with flexion (every joint turns about an axis across the body).
    deep = c.deep_segs
    pieces[deep] = np.sqrt(pieces[deep] ** 2 + c.seg_depth[deep, None] ** 2)
    # Each path has at most two straight pieces and one wrap, so these sums come out the
    # same in any order.
    return c.seg_to_path.T @ pieces + c.wrap_to_path.T @ wrap_length


def length_rows(angles: Mapping[str, np.ndarray], body: Body,
                paths: tuple[str, ...] = PATHS) -> np.ndarray:
    """Lengths (m) of ``paths`` only, shape ``(len(paths), n)``, without moment arms: the
    same numbers as :func:`geometry_rows` gives for them, for less work."""
    c = compiled(body, paths)
    (px, py), (wl, *_) = _placed_pose(c, angles, body)[2]
    return _lengths(c, px, py, wl)


def geometry_rows(angles: Mapping[str, np.ndarray], body: Body
                  ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`geometry_arrays` with one row per path or crossing: lengths
    ``(len(PATHS), n)`` and moment arms ``(C, n)``, in m."""
    c = compiled(body)
    _, joints, ((px, py), (wl, wrapped, (tx, ty), _)) = _placed_pose(c, angles, body)
    lengths = _lengths(c, px, py, wl)
    touching = (tx.shape[0] * tx.shape[1], px.shape[1])  # (2 W, n)
    # E: the placed points, then every wrap's entry and every wrap's exit point
    ex = np.concatenate((px, tx.reshape(touching)))
    ey = np.concatenate((py, ty.reshape(touching)))
    jx, jy = joints[:, 0], joints[:, 1]

    # The turning effect about its joint of every line of Compiled.line_pairs.
    pair, joint = c.line_pairs, c.line_joint
    fx, fy = ex[pair[:, 0]], ey[pair[:, 0]]
    qx, qy = ex[pair[:, 1]], ey[pair[:, 1]]
    ux, uy = qx - fx, qy - fy
    # The line's full length (its offset across the body included): a piece that runs
    # partly across the body turns the joint less for its tension.
    norm = np.maximum(np.sqrt(ux * ux + uy * uy + c.line_depth[:, None] ** 2), 1e-12)
    lines = c.line_turn[:, None] * ((qx - jx[joint]) * uy - (qy - jy[joint]) * ux) / norm
    arms = lines[:len(c.crossings)]
    w = c.may_wrap  # the others keep their straight line
    arms[w] = np.where(wrapped[c.cross_wrap[w]], lines[len(c.crossings):], arms[w])
    return lengths, arms


def geometry_arrays(angles: Mapping[str, np.ndarray], body: Body
                    ) -> tuple[np.ndarray, np.ndarray]:
    """All paths at once: lengths ``(n, len(PATHS))`` in m and moment arms ``(n, C)`` in m
    for the crossings listed in ``compiled(body).crossings``."""
    lengths, arms = geometry_rows(angles, body)
    return lengths.T, arms.T


def path_geometry(angles: Mapping[str, np.ndarray], body: Body
                  ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Lengths (m) of every path in :data:`PATHS` and moment arms (m) at every joint each
    crosses, arrays of shape ``(n,)``. A moment arm is ``dL/dθ`` for flexion
    (dorsiflexion at the ankle): positive = the muscle extends (plantarflexes) the joint;
    it is the turning effect about the joint of the path's line where the path passes from
    one side of the joint to the other."""
    lengths, arm_cols = geometry_arrays(angles, body)
    out_lengths = {m: lengths[:, i] for i, m in enumerate(PATHS)}
    out_arms: dict[str, dict[str, np.ndarray]] = {m: {} for m in PATHS}
    for col, (muscle, joint) in enumerate(compiled(body).crossings):
        out_arms[muscle][joint] = arm_cols[:, col]
    return out_lengths, out_arms


def path_lengths(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, np.ndarray]:
    """Muscle-tendon length of every path in :data:`PATHS`, in metres, shape ``(n,)``."""
    return path_geometry(angles, body)[0]


def moment_arms(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, dict[str, np.ndarray]]:
    """Moment arm (m) of every path at every joint it crosses (see :func:`path_geometry`)."""
    return path_geometry(angles, body)[1]


def all_path_points(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, np.ndarray]:
    """:func:`path_points` of every path in :data:`PATHS`, all evaluated together."""
    c = compiled(body)
    px, py, (_, wrapped, entry, _, arc) = _placed(_placed_pose(c, angles, body)[2])
    a, mid, b = c.wrap_ends[:, 0], c.wrap_ends[:, 1], c.wrap_ends[:, 2]
    cx, cy = px[:, mid], py[:, mid]
    start = np.arctan2(entry[1] - cy, entry[0] - cx)
    theta = start[..., None] + (c.wrap_sign * np.where(wrapped, arc, 0.0))[..., None] * _ARC_STEPS
    r = c.wrap_radius[:, None]
    arc_x, arc_y = cx[..., None] + r * np.cos(theta), cy[..., None] + r * np.sin(theta)
    abx, aby = px[:, b] - px[:, a], py[:, b] - py[:, a]
    u = np.clip(((cx - px[:, a]) * abx + (cy - py[:, a]) * aby)
                / np.maximum(abx * abx + aby * aby, 1e-12), 0, 1)
    near_x, near_y = (px[:, a] + u * abx)[..., None], (py[:, a] + u * aby)[..., None]
    keep = wrapped[..., None]
    arc_x = np.where(keep, arc_x, near_x)
    arc_y = np.where(keep, arc_y, near_y)
    arcs = (len(px), arc_x.shape[1] * arc_x.shape[2])  # (n, W * ARC_POINTS)
    points = np.concatenate((px, arc_x.reshape(arcs)), axis=1)  # D of Compiled.draw_index
    points = np.stack((points, np.concatenate((py, arc_y.reshape(arcs)), axis=1)), axis=-1)
    drawn = points[:, c.draw_index]
    return {muscle: drawn[:, start:end]
            for muscle, start, end in zip(PATHS, (0, *c.draw_ends), c.draw_ends, strict=False)}


def path_points(angles: Mapping[str, np.ndarray], body: Body, muscle: str) -> np.ndarray:
    """Drawing points of one path, shape ``(n, k, 2)`` in the pelvis-still frame (m).

    Each wrap or pulley contributes :data:`ARC_POINTS` points along its arc (all at the
    straight line's closest point when the path does not touch the circle), so ``k`` is
    fixed.
    """
    return all_path_points(angles, body)[muscle]
