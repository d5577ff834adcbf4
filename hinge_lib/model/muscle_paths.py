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
_STEP_RAD = 1e-3  # central-difference step for moment arms


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
    placed = [_place(frames, it[1], it[2])[0] for it in items]
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


def _rot(angle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.cos(angle), np.sin(angle)


def _frames(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, tuple]:
    """Origin (n, 2) and rotation (cos, sin) of each body frame with the pelvis held still
    (hip at the origin, pelvis upright). Angles in degrees."""
    seg = body.segments
    hip = np.radians(np.asarray(angles["hip"], dtype=float))
    knee = np.radians(np.asarray(angles["knee"], dtype=float))
    ankle = np.radians(np.asarray(angles["ankle"], dtype=float))
    lumbar = np.radians(np.asarray(angles["lumbar"], dtype=float))
    n = max(len(np.atleast_1d(a)) for a in (hip, knee, ankle, lumbar))
    zero = np.zeros(n)
    hip, knee, ankle, lumbar = (np.broadcast_to(a, (n,)) for a in (hip, knee, ankle, lumbar))
    femur = hip
    tibia = hip - knee
    foot = tibia + ankle
    origin0 = np.stack((zero, zero), axis=-1)
    c_f, s_f = _rot(femur)
    knee_at = np.stack((s_f * seg["thigh"].length_m, -c_f * seg["thigh"].length_m), axis=-1)
    c_t, s_t = _rot(tibia)
    ankle_at = knee_at + np.stack((s_t * seg["shank"].length_m, -c_t * seg["shank"].length_m),
                                  axis=-1)
    top = np.stack((zero, zero + seg["pelvis"].length_m), axis=-1)
    return {
        "pelvis": (origin0, (np.ones(n), zero)),
        "pelvis_top": (top, (np.ones(n), zero)),
        "lumbar": (top, _rot(-lumbar)),
        "femur": (origin0, (c_f, s_f)),
        "tibia": (knee_at, (c_t, s_t)),
        "foot": (ankle_at, _rot(foot)),
    }


def _place(frames: dict[str, tuple], body_name: str, xy: np.ndarray) -> np.ndarray:
    origin, (c, s) = frames[body_name]
    return origin + np.stack((c * xy[0] - s * xy[1], s * xy[0] + c * xy[1]), axis=-1)


def _wrap_geometry(a: np.ndarray, b: np.ndarray, centre: np.ndarray, radius: float,
                   sign: int, pulley: bool = False) -> tuple[np.ndarray, ...]:
    """Path from ``a`` to ``b`` around a circle kept on side ``sign`` (+1: the centre on
    the left of the direction of travel). Returns (length, wrapped, entry angle, arc angle,
    straight length)."""
    ra = a - centre
    rb = b - centre
    da = np.maximum(np.hypot(ra[:, 0], ra[:, 1]), radius * (1 + 1e-9))
    db = np.maximum(np.hypot(rb[:, 0], rb[:, 1]), radius * (1 + 1e-9))
    alpha_a = np.arccos(radius / da)
    alpha_b = np.arccos(radius / db)
    phi_a = np.arctan2(ra[:, 1], ra[:, 0])
    phi_b = np.arctan2(rb[:, 1], rb[:, 0])
    entry = phi_a + sign * alpha_a
    leave = phi_b - sign * alpha_b
    arc = np.mod(sign * (leave - entry) + np.pi, 2 * np.pi) - np.pi
    wrapped = np.ones(len(arc), dtype=bool) if pulley else (arc > 0) & (arc < np.pi)
    tangents = np.sqrt(da**2 - radius**2) + np.sqrt(db**2 - radius**2)
    straight = np.hypot(*(b - a).T)
    length = np.where(wrapped, tangents + radius * np.where(wrapped, arc, 0.0), straight)
    return length, wrapped, entry, arc, straight


def _path_length(frames: dict[str, tuple], rows: tuple) -> np.ndarray:
    placed = [None if kind != "point" else _place(frames, name, xy)
              for kind, name, xy, _, _ in rows]
    total = 0.0
    i = 0
    while i < len(rows) - 1:
        if rows[i + 1][0] != "point":
            kind, name, xy, radius, sign = rows[i + 1]
            centre = _place(frames, name, xy)
            total = total + _wrap_geometry(placed[i], placed[i + 2], centre, radius, sign,
                                           kind == "pulley")[0]
            i += 2
        else:
            d = placed[i + 1] - placed[i]
            total = total + np.hypot(d[:, 0], d[:, 1])
            i += 1
    return total


def path_lengths(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, np.ndarray]:
    """Muscle-tendon length of every path in :data:`PATHS`, in metres, shape ``(n,)``."""
    frames = _frames(angles, body)
    return {m: _path_length(frames, rows) for m, rows in scaled_paths(body).items()}


def moment_arms(angles: Mapping[str, np.ndarray], body: Body) -> dict[str, dict[str, np.ndarray]]:
    """Moment arm (m) of every path at every joint it crosses: ``dL/dθ`` for flexion
    (dorsiflexion at the ankle), so positive = the muscle extends (plantarflexes) it."""
    out: dict[str, dict[str, np.ndarray]] = {m: {} for m in PATHS}
    step = np.degrees(_STEP_RAD)
    base = {k: np.asarray(angles[k], dtype=float) for k in JOINT_NAMES}
    by_joint: dict[str, list[str]] = {j: [] for j in JOINT_NAMES}
    for m in PATHS:
        for j in joints_crossed(m):
            by_joint[j].append(m)
    rows = scaled_paths(body)
    for joint, muscles in by_joint.items():
        if not muscles:
            continue
        up = _frames({**base, joint: base[joint] + step}, body)
        down = _frames({**base, joint: base[joint] - step}, body)
        for m in muscles:
            out[m][joint] = (_path_length(up, rows[m]) - _path_length(down, rows[m])) / (
                2 * _STEP_RAD)
    return out


def path_points(angles: Mapping[str, np.ndarray], body: Body, muscle: str) -> np.ndarray:
    """Drawing points of one path, shape ``(n, k, 2)`` in the pelvis-still frame (m).

    Each wrap contributes :data:`ARC_POINTS` points along its arc (all at the straight
    line's closest point when the path does not touch the circle), so ``k`` is fixed.
    """
    frames = _frames(angles, body)
    rows = scaled_paths(body)[muscle]
    placed = [None if kind != "point" else _place(frames, name, xy)
              for kind, name, xy, _, _ in rows]
    pieces = []
    for i, (kind, name, xy, radius, sign) in enumerate(rows):
        if kind == "point":
            pieces.append(placed[i][:, None, :])
            continue
        a, b = placed[i - 1], placed[i + 1]
        centre = _place(frames, name, xy)
        _, wrapped, entry, arc, _ = _wrap_geometry(a, b, centre, radius, sign,
                                                   kind == "pulley")
        t = np.linspace(0.0, 1.0, ARC_POINTS)
        theta = entry[:, None] + sign * np.where(wrapped, arc, 0.0)[:, None] * t
        on_arc = centre[:, None, :] + radius * np.stack((np.cos(theta), np.sin(theta)), -1)
        ab = b - a
        u = np.clip(np.einsum("nd,nd->n", centre - a, ab)
                    / np.maximum(np.einsum("nd,nd->n", ab, ab), 1e-12), 0, 1)
        near = (a + u[:, None] * ab)[:, None, :]
        pieces.append(np.where(wrapped[:, None, None], on_arc,
                               np.broadcast_to(near, on_arc.shape)))
    return np.concatenate(pieces, axis=1)
