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
#: Every path in data/muscle_paths.csv.
PATHS: tuple[str, ...] = (
    "gluteus_maximus",
    *HAMSTRINGS,
    "adductor_magnus",
    "rectus_femoris",
    "vasti",
    "gastrocnemius",
    "soleus",
    "erector_spinae",
    "rectus_abdominis",
)
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
#: Sign turning a joint's flexion into counter-clockwise turning of the body beyond it, in
#: the frame where the pelvis is held still (the lumbar segment tips forward = clockwise).
_TURN_SIGN = {"lumbar": -1.0, "hip": 1.0, "knee": -1.0, "ankle": 1.0}


@dataclass(frozen=True)
class PathRow:
    """One point, wrap circle or pulley of a path, in mm in its body frame (unscaled).

    A wrap circle bends the path only when the straight line would cut it; a pulley always
    guides the path round it on its side (a constant moment arm about its centre)."""

    kind: str
    body: str
    x_mm: float
    y_mm: float
    radius_mm: float | None
    side: str | None
    scale_with: str
    reference_mm: float
    line: int


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
                                   row["reference_mm"], line))
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
    frames = _frames(standing, body)
    placed = [np.array([float(v[0]) for v in _place(frames, it[1], it[2])]) for it in items]
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


Frame = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # origin x, y; cos, sin


def _frames(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, Frame]:
    """Origin and rotation of each body frame with the pelvis held still (hip at the
    origin, pelvis upright), plus the joint centres under ``"joint:<name>"``. Degrees in."""
    seg = body.segments
    rad = {j: np.radians(np.atleast_1d(np.asarray(angles[j], dtype=float)))
           for j in JOINT_NAMES}
    n = max(len(v) for v in rad.values())
    rad = {j: np.broadcast_to(v, (n,)) for j, v in rad.items()}
    zero, one = np.zeros(n), np.ones(n)
    c_f, s_f = _cos_sin(rad["hip"])
    c_t, s_t = _cos_sin(rad["hip"] - rad["knee"])
    c_a, s_a = _cos_sin(rad["hip"] - rad["knee"] + rad["ankle"])
    c_l, s_l = _cos_sin(-rad["lumbar"])
    thigh, shank, pelvis = seg["thigh"].length_m, seg["shank"].length_m, seg["pelvis"].length_m
    knee_x, knee_y = s_f * thigh, -c_f * thigh
    ankle_x, ankle_y = knee_x + s_t * shank, knee_y - c_t * shank
    top_y = zero + pelvis
    return {
        "pelvis": (zero, zero, one, zero),
        "pelvis_top": (zero, top_y, one, zero),
        "lumbar": (zero, top_y, c_l, s_l),
        "femur": (zero, zero, c_f, s_f),
        "tibia": (knee_x, knee_y, c_t, s_t),
        "foot": (ankle_x, ankle_y, c_a, s_a),
        "joint:lumbar": (zero, top_y, one, zero),
        "joint:hip": (zero, zero, one, zero),
        "joint:knee": (knee_x, knee_y, one, zero),
        "joint:ankle": (ankle_x, ankle_y, one, zero),
    }


def _place(frames: dict[str, Frame], body_name: str, xy: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    ox, oy, c, s = frames[body_name]
    return ox + c * xy[0] - s * xy[1], oy + s * xy[0] + c * xy[1]


def _tangent(cx, cy, px, py, radius: float, turn: float):
    """Point where a line from P touches the circle, on the side given by ``turn``
    (+1 entry / -1 exit for anticlockwise travel); no trigonometry."""
    vx, vy = px - cx, py - cy
    d2 = np.maximum(vx * vx + vy * vy, radius * radius * (1 + 1e-12))
    along = radius * radius / d2
    across = turn * radius * np.sqrt(d2 - radius * radius) / d2
    return cx + along * vx - across * vy, cy + along * vy + across * vx, np.sqrt(d2 - radius**2)


def _wrap(a, b, centre, radius: float, sign: int, pulley: bool):
    """Path from ``a`` to ``b`` round a circle kept on side ``sign`` (+1: the centre left of
    the direction of travel). Returns length, wrapped mask, entry point, exit point and the
    signed arc angle (all arrays)."""
    cx, cy = centre
    ex, ey, ta = _tangent(cx, cy, a[0], a[1], radius, sign)
    xx, xy, tb = _tangent(cx, cy, b[0], b[1], radius, -sign)
    e1, e2, x1, x2 = ex - cx, ey - cy, xx - cx, xy - cy
    arc = sign * np.arctan2(e1 * x2 - e2 * x1, e1 * x1 + e2 * x2)
    wrapped = np.ones(arc.shape, dtype=bool) if pulley else (arc > 0)
    straight = np.hypot(b[0] - a[0], b[1] - a[1])
    length = np.where(wrapped, ta + tb + radius * arc, straight)
    return length, wrapped, (ex, ey), (xx, xy), arc


_JOINT_INDEX = {"lumbar": 0, "hip": 1, "knee": 2, "ankle": 3}


def _crosses(k: int, first: int, second: int) -> bool:
    return min(first, second) <= k < max(first, second)


def _geometry(frames: dict[str, Frame], rows: tuple, joints: tuple[str, ...]):
    """Length of a path and its moment arm at each of ``joints`` (analytic: the turning
    effect of the path's line where it crosses from one side of the joint to the other)."""
    placed = [None if kind != "point" else _place(frames, name, xy)
              for kind, name, xy, _, _ in rows]
    chain = [_CHAIN_INDEX[r[1]] for r in rows]
    total = 0.0
    crossing: dict[str, tuple] = {}
    i = 0
    while i < len(rows) - 1:
        if rows[i + 1][0] == "point":
            seg = (placed[i], placed[i + 1], chain[i], chain[i + 1])
            d = (seg[1][0] - seg[0][0], seg[1][1] - seg[0][1])
            total = total + np.hypot(d[0], d[1])
            for joint in joints:
                if _crosses(_JOINT_INDEX[joint], chain[i], chain[i + 1]):
                    crossing[joint] = (None, seg)
            i += 1
            continue
        kind, name, xy, radius, sign = rows[i + 1]
        a, b = placed[i], placed[i + 2]
        length, wrapped, entry, leave, _ = _wrap(a, b, _place(frames, name, xy), radius, sign,
                                                 kind == "pulley")
        total = total + length
        for joint in joints:
            k = _JOINT_INDEX[joint]
            if _crosses(k, chain[i], chain[i + 1]):
                crossing[joint] = (wrapped, (a, entry, chain[i], chain[i + 1]),
                                   (a, b, chain[i], chain[i + 2]))
            elif _crosses(k, chain[i + 1], chain[i + 2]):
                crossing[joint] = (wrapped, (leave, b, chain[i + 1], chain[i + 2]),
                                   (a, b, chain[i], chain[i + 2]))
        i += 2
    arms = {}
    for joint, found in crossing.items():
        if found[0] is None:
            arms[joint] = _arm(frames, joint, found[1])
        else:
            wrapped, seg, straight = found
            arms[joint] = np.where(wrapped, _arm(frames, joint, seg),
                                   _arm(frames, joint, straight))
    return total, arms


def _arm(frames: dict[str, Frame], joint: str, seg: tuple) -> np.ndarray:
    """dL/d(flexion) of a segment from ``p`` to ``q`` that crosses ``joint``."""
    p, q, cp, cq = seg
    k = _JOINT_INDEX[joint]
    # The body beyond the joint turns: higher in the chain for hip, knee and ankle, the
    # lumbar segment (lowest index) for the lumbar joint.
    q_moves = (cq > k) if k > 0 else (cq <= k)
    if not q_moves:
        p, q = q, p
    ux, uy = q[0] - p[0], q[1] - p[1]
    norm = np.maximum(np.hypot(ux, uy), 1e-12)
    jx, jy = frames[f"joint:{joint}"][:2]
    return _TURN_SIGN[joint] * ((q[0] - jx) * uy - (q[1] - jy) * ux) / norm


def path_geometry(angles: Mapping[str, np.ndarray], body: Body
                  ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Lengths (m) of every path in :data:`PATHS` and moment arms (m) at every joint each
    crosses, arrays of shape ``(n,)``. A moment arm is ``dL/dθ`` for flexion
    (dorsiflexion at the ankle): positive = the muscle extends (plantarflexes) the joint."""
    frames = _frames(angles, body)
    lengths, arms = {}, {}
    for muscle, rows in scaled_paths(body).items():
        lengths[muscle], arms[muscle] = _geometry(frames, rows, joints_crossed(muscle))
    return lengths, arms


def path_lengths(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, np.ndarray]:
    """Muscle-tendon length of every path in :data:`PATHS`, in metres, shape ``(n,)``."""
    return path_geometry(angles, body)[0]


def moment_arms(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, dict[str, np.ndarray]]:
    """Moment arm (m) of every path at every joint it crosses (see :func:`path_geometry`)."""
    return path_geometry(angles, body)[1]


def all_path_points(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, np.ndarray]:
    """:func:`path_points` of every path in :data:`PATHS` (one set of frames for all)."""
    frames = _frames(angles, body)
    return {m: _points(frames, rows) for m, rows in scaled_paths(body).items()}


def path_points(angles: Mapping[str, np.ndarray], body: Body, muscle: str) -> np.ndarray:
    """Drawing points of one path, shape ``(n, k, 2)`` in the pelvis-still frame (m).

    Each wrap or pulley contributes :data:`ARC_POINTS` points along its arc (all at the
    straight line's closest point when the path does not touch the circle), so ``k`` is
    fixed.
    """
    return _points(_frames(angles, body), scaled_paths(body)[muscle])


def _points(frames: dict[str, Frame], rows: tuple) -> np.ndarray:
    placed = [None if kind != "point" else np.stack(_place(frames, name, xy), axis=-1)
              for kind, name, xy, _, _ in rows]
    pieces = []
    for i, (kind, name, xy, radius, sign) in enumerate(rows):
        if kind == "point":
            pieces.append(placed[i][:, None, :])
            continue
        a, b = placed[i - 1], placed[i + 1]
        centre = np.stack(_place(frames, name, xy), axis=-1)
        _, wrapped, entry, _, arc = _wrap(a.T, b.T, centre.T, radius, sign, kind == "pulley")
        start = np.arctan2(entry[1] - centre[:, 1], entry[0] - centre[:, 0])
        t = np.linspace(0.0, 1.0, ARC_POINTS)
        theta = start[:, None] + sign * np.where(wrapped, arc, 0.0)[:, None] * t
        on_arc = centre[:, None, :] + radius * np.stack((np.cos(theta), np.sin(theta)), -1)
        ab = b - a
        u = np.clip(np.einsum("nd,nd->n", centre - a, ab)
                    / np.maximum(np.einsum("nd,nd->n", ab, ab), 1e-12), 0, 1)
        near = (a + u[:, None] * ab)[:, None, :]
        pieces.append(np.where(wrapped[:, None, None], on_arc,
                               np.broadcast_to(near, on_arc.shape)))
    return np.concatenate(pieces, axis=1)
