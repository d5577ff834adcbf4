"""Forward kinematics of the side-on body, vectorised over many poses.

Coordinates in metres: x forward (the person faces +x), y up, the floor at y = 0, the
ankle joint centre at x = 0. Every function takes angle arrays of shape ``(n,)`` in
degrees and returns point arrays of shape ``(n, 2)``.

Segment tilts from vertical (positive = top of the segment forward):
shank = ankle; thigh = ankle - knee; pelvis = thigh + hip; lumbar = pelvis + lumbar;
thoracic = lumbar + thoracic; head-neck = thoracic + neck.

Kneeling (``support`` codes 1 and 2, see :data:`hinge_lib.model.pose.SUPPORTS`): the shins
lie level on the floor (shank tilt 90 degrees, knee in front of the ankle), the knee joint
centre at x = 0 a kneecap's height above the floor, the feet pointed behind with the toes
on the floor. Half kneeling adds a front foot planted flat under a front knee bent about a
right angle (points ``front_knee``, ``front_ankle``, ``front_heel``, ``front_toe``): it
widens the base of support forward to the front toe. The weighed chain is the kneeling leg
carrying both legs' masses, so the knee moment is the kneeling leg's as if it held the
whole body; hip and back moments do not depend on the legs.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np

from hinge_lib.model.body import Body
from hinge_lib.model.tables import Column, DataFileError, read_csv

HOLDS: tuple[str, ...] = ("hands", "close", "chest", "back")

Points = dict[str, np.ndarray]


@cache
def hold_table() -> dict[str, dict]:
    """Where each way of holding a load puts it (data/holds.csv)."""
    rows = read_csv(
        "holds.csv",
        {
            "hold": Column(choices=HOLDS),
            "segment": Column(required=False, choices=("thoracic", "legs")),
            "fraction_along": Column(float, required=False, low=0, high=1),
            "forward_offset": Column(float, required=False, low=-0.3, high=0.3),
            "upper_arm_side_fraction": Column(float, required=False, low=0.1, high=1),
            "forearm_side_fraction": Column(float, required=False, low=0.1, high=1),
            "slide_ratio": Column(float, required=False, low=0.05, high=1),
            "source": Column(),
        },
        key="hold",
    )
    table = {row["hold"]: row for row in rows}
    missing = [h for h in HOLDS if h not in table]
    if missing:
        raise DataFileError(f"data/holds.csv: no row for {', '.join(missing)}")
    for hold in ("chest", "back"):
        if table[hold]["fraction_along"] is None or table[hold]["forward_offset"] is None:
            raise DataFileError(f"data/holds.csv, line {table[hold]['_line']}: needs a position")
    if table["close"]["forward_offset"] is None or table["close"]["slide_ratio"] is None:
        raise DataFileError(f"data/holds.csv, line {table['close']['_line']}: needs an offset "
                            "and a slide ratio")
    return table


def axis(tilt_rad: np.ndarray) -> np.ndarray:
    """Unit vectors along segments tilted ``tilt_rad`` from vertical (towards the top end).

    Sine and cosine are taken in single precision (vectorised by the CPU, about twenty
    times faster here); the error, below 1e-6 of a segment length, is far under a
    micrometre.
    """
    tilt = np.asarray(tilt_rad, dtype=np.float32)
    out = np.empty((*tilt.shape, 2))
    out[..., 0] = np.sin(tilt)
    out[..., 1] = np.cos(tilt)
    return out


def length(vectors: np.ndarray, keepdims: bool = False) -> np.ndarray:
    """Euclidean length along the last axis: the same numbers as ``np.linalg.norm(vectors,
    axis=-1)`` (the square root of the summed squares), without its checks, which cost
    more than the sum itself for a single pose."""
    return np.sqrt(np.add.reduce(vectors * vectors, axis=-1, keepdims=keepdims))


def xy(x: np.ndarray, y: np.ndarray | float) -> np.ndarray:
    """Points (..., 2) from their x (...) and y (the same shape, or a number): the numbers
    of ``np.stack((x, y), axis=-1)``, put in place directly."""
    out = np.empty((*np.shape(x), 2))
    out[..., 0] = x
    out[..., 1] = y
    return out


def back_normal(along: np.ndarray) -> np.ndarray:
    """Unit vectors pointing out of the back of segments whose :func:`axis` is ``along``."""
    return xy(-along[..., 1], along[..., 0])


def front_normal(along: np.ndarray) -> np.ndarray:
    """Unit vectors pointing out of the front of segments whose :func:`axis` is ``along``
    (the opposite of :func:`back_normal`)."""
    return xy(along[..., 1], -along[..., 0])


def support_codes(angles: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """Index into :data:`~hinge_lib.model.pose.SUPPORTS` per pose (0 = feet when absent)."""
    codes = angles.get("support")
    return np.zeros(n, dtype=np.int64) if codes is None else np.asarray(codes, dtype=np.int64)


def segment_tilts(angles: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Tilt of every segment from vertical in radians (see the module docstring)."""
    ankle = np.asarray(angles["ankle"], dtype=float)
    kneeling = support_codes(angles, len(ankle)) > 0
    shank = np.where(kneeling, np.pi / 2, np.radians(ankle))
    thigh = shank - np.radians(angles["knee"])
    pelvis = thigh + np.radians(angles["hip"])
    lumbar = pelvis + np.radians(angles["lumbar"])
    thoracic = lumbar + np.radians(angles["thoracic"])
    head_neck = thoracic + np.radians(angles["neck"])
    return {
        "shank": shank,
        "thigh": thigh,
        "pelvis": pelvis,
        "lumbar": lumbar,
        "thoracic": thoracic,
        "head_neck": head_neck,
    }


def _feet(body: Body) -> np.ndarray:
    """Ankle, heel and toe for each support code, (3 points, supports, 2) in metres.

    Standing: foot flat from heel to toe. Kneeling: shin level on the floor, the foot
    pointed behind along the floor, toes down, heel turned up over the ankle.
    """
    seg, marks = body.segments, body.landmarks
    shank_len, foot_len = seg["shank"].length_m, seg["foot"].length_m
    heel_len = -marks["heel_x_m"]
    knee_y = marks["kneeling_knee_height_m"]
    standing = [[0.0, marks["ankle_height_m"]], [marks["heel_x_m"], 0.0],
                [marks["toe_x_m"], 0.0]]
    kneeling = [[-shank_len, knee_y], [-shank_len, knee_y + heel_len],
                [-shank_len - (foot_len - heel_len), 0.0]]
    return np.array([standing, kneeling, kneeling]).transpose(1, 0, 2)


def joint_positions(
    angles: Mapping[str, np.ndarray], body: Body, hold: str = "hands"
) -> tuple[Points, dict[str, np.ndarray]]:
    """Joint centres and landmarks for every pose, plus each segment's :func:`axis`.

    Returns points named toe, heel, ankle, knee, hip, lumbar_base, lumbar_top, neck,
    shoulder, elbow, wrist, hands, head, vertex, load, the front leg's front_knee,
    front_ankle, front_heel and front_toe (half kneeling; NaN otherwise) and
    base_of_support (n, 2): the back and front edges' x, bar_on_legs (n,) bool: False when
    a bar held "close" cannot rest on the legs (True for the other holds) and bar_gap_m
    (n,): how far the hands then stay from the legs when out of reach (0 otherwise).
    ``angles`` may hold ``support`` codes (see the module docstring). The shoulder joint
    centre sits on the thoracic segment below its top (``Body.landmarks``). The arms hang
    straight down from the shoulders for ``hold="hands"``; for "close" they stay straight
    but rest the bar on the front of the legs (:func:`bar_on_legs`); for "chest" and
    "back" the hands reach the load and the elbows bend: below the shoulder-hand line for
    "chest"; for "back" the wide grip is seen foreshortened side-on (data/holds.csv) and
    the elbows sit behind the trunk.
    """
    seg = body.segments
    marks = body.landmarks
    tilts = segment_tilts(angles)
    # every segment's axis in one go (a single pose pays numpy's call cost once)
    stacked = axis(np.array(list(tilts.values())))
    axes = dict(zip(tilts, stacked, strict=True))
    n = stacked.shape[1]
    zeros = np.zeros(n)
    support = support_codes(angles, n)
    p: Points = {"bar_gap_m": zeros, "bar_on_legs": np.ones(n, dtype=bool)}
    shank_len = seg["shank"].length_m
    # ankle, heel and toe (n, 2) each, for each pose's support
    p["ankle"], p["heel"], p["toe"] = (point[support] for point in _feet(body))
    p["knee"] = p["ankle"] + shank_len * axes["shank"]
    p["hip"] = p["knee"] + seg["thigh"].length_m * axes["thigh"]
    # Half kneeling: the front foot is planted flat under a front knee bent about a right
    # angle (front shin vertical, front thigh from the hip to that knee; both keep their
    # lengths). NaN for the other supports.
    half = (support == 2)[:, None]
    if half.any():
        thigh_len = seg["thigh"].length_m
        rise = np.clip(marks["ankle_height_m"] + shank_len - p["hip"][:, 1], -thigh_len,
                       thigh_len)
        front_knee = p["hip"] + np.stack((np.sqrt(thigh_len**2 - rise**2), rise), axis=-1)
        front = {
            "front_knee": front_knee,
            "front_ankle": front_knee - np.array([0.0, shank_len]),
            "front_heel": np.stack((front_knee[:, 0] + marks["heel_x_m"], zeros), axis=-1),
            "front_toe": np.stack((front_knee[:, 0] + marks["toe_x_m"], zeros), axis=-1),
        }
        for name, point in front.items():
            p[name] = np.where(half, point, np.nan)
    else:
        for name in ("front_knee", "front_ankle", "front_heel", "front_toe"):
            p[name] = np.full((n, 2), np.nan)
    # Base of support (back edge x, front edge x): heel to toe standing, toe to knee tall
    # kneeling, back toe to front toe half kneeling.
    front = np.where(support == 0, p["toe"][:, 0],
                     np.where(support == 1, p["knee"][:, 0], p["front_toe"][:, 0]))
    back = np.where(support == 0, p["heel"][:, 0], p["toe"][:, 0])
    p["base_of_support"] = xy(back, front)
    p["lumbar_base"] = p["hip"] + seg["pelvis"].length_m * axes["pelvis"]
    p["lumbar_top"] = p["lumbar_base"] + seg["lumbar"].length_m * axes["lumbar"]
    p["neck"] = p["lumbar_top"] + seg["thoracic"].length_m * axes["thoracic"]
    # The shoulder joint centre: on the thoracic line, below its top (data/landmarks.csv).
    p["shoulder"] = p["neck"] - marks["shoulder_drop_m"] * axes["thoracic"]
    head_axis = axes["head_neck"]
    p["vertex"] = p["neck"] + seg["head_neck"].length_m * head_axis
    head = seg["head_neck"]
    p["head"] = p["vertex"] - head.com_fraction * head.length_m * head_axis

    upper, fore, hand = seg["upper_arm"].length_m, seg["forearm"].length_m, seg["hand"]
    grip = hand.com_fraction * hand.length_m
    if hold in ("hands", "close"):
        down = np.array([0.0, -1.0])  # broadcast over the poses
        p["elbow"] = p["shoulder"] + upper * down
        p["wrist"] = p["elbow"] + fore * down
        p["hands"] = p["wrist"] + grip * down
        if hold == "close":
            row = hold_table()["close"]
            p["hands"], p["bar_gap_m"], p["bar_on_legs"] = bar_on_legs(
                p, axes, row["forward_offset"] * body.height_m, upper + fore + grip,
                row["slide_ratio"])
            # Straight arms reach the bar exactly; where the bar stopped short of their
            # reach, the elbows bend (behind the arm, as elbows do).
            to_bar = p["hands"] - p["shoulder"]
            span = length(to_bar, keepdims=True)
            p["elbow"] = p["shoulder"] + upper * to_bar / np.maximum(span, 1e-12)
            bent = np.flatnonzero(span[:, 0] < upper + fore + grip - 1e-9)
            if len(bent):
                p["elbow"][bent] = _elbow(p["shoulder"][bent], p["hands"][bent], upper,
                                          fore + grip, back_normal(axes["thoracic"][bent]))
            along = p["hands"] - p["elbow"]
            along /= np.maximum(length(along, keepdims=True), 1e-12)
            p["wrist"] = p["elbow"] + fore * along
        p["load"] = p["hands"]
    else:
        row = hold_table()[hold]
        spine_point = p["lumbar_top"] + row["fraction_along"] * seg["thoracic"].length_m * (
            axes["thoracic"]
        )
        forward = -back_normal(axes["thoracic"])
        p["load"] = spine_point + row["forward_offset"] * body.height_m * forward
        p["hands"] = p["load"]
        # Seen side-on, a wide grip foreshortens the arms (data/holds.csv): for the bar on
        # the back this puts the elbows behind the trunk, pointing down towards the hips,
        # so the forearms never pass through it. At the chest the elbows hang lowest.
        upper_seen = upper * (row["upper_arm_side_fraction"] or 1.0)
        fore_share = row["forearm_side_fraction"] or 1.0
        if hold == "back":
            prefer = -axes["thoracic"]
        else:
            prefer = np.broadcast_to(np.array([0.0, -1.0]), p["shoulder"].shape)
        p["elbow"] = _elbow(p["shoulder"], p["hands"], upper_seen, (fore + grip) * fore_share,
                            prefer)
        reach = p["hands"] - p["elbow"]
        reach /= length(reach, keepdims=True)
        p["wrist"] = p["elbow"] + fore * fore_share * reach
    return p, axes


#: Points on the arc drawn around the front of the knee between the thigh and shin lines.
_KNEE_ARC_POINTS = 3
_KNEE_ARC_STEPS = np.arange(1, _KNEE_ARC_POINTS + 1) / (_KNEE_ARC_POINTS + 1)


def front_of_legs(p: Points, axes: dict[str, np.ndarray], offset: float) -> np.ndarray:
    """The front of the legs seen side-on, from the hip down to the floor, (n, k, 2).

    The thigh and shin lines moved ``offset`` (m) forward, joined round the front of the
    knee by an arc of that radius (so a bent knee leaves no gap), then straight down from
    the front of the ankle to the floor.
    """
    # the front of the thigh and of the shin, and the arc between them round the knee
    fronts = front_normal(np.array((axes["thigh"], axes["shank"])))  # (2, n, 2)
    front_thigh, front_shin = fronts
    start, end = np.arctan2(fronts[..., 1], fronts[..., 0])
    turn = (end - start + np.pi) % (2 * np.pi) - np.pi
    arc_angle = start[:, None] + turn[:, None] * _KNEE_ARC_STEPS
    n, k = len(start), _KNEE_ARC_POINTS
    outline = np.empty((n, k + 5, 2))
    outline[:, 0] = p["hip"] + offset * front_thigh
    outline[:, 1] = p["knee"] + offset * front_thigh
    outline[:, 2:k + 2] = p["knee"][:, None, :] + offset * xy(np.cos(arc_angle),
                                                              np.sin(arc_angle))
    outline[:, k + 2] = p["knee"] + offset * front_shin
    outline[:, k + 3] = p["ankle"] + offset * front_shin
    outline[:, k + 4] = xy(outline[:, k + 3, 0], 0.0)  # straight down to the floor
    return outline


#: Samples per piece of the legs' outline when the close bar's slide is traced.
_SLIDE_SAMPLES = 8
_SLIDE_STEPS = (np.arange(_SLIDE_SAMPLES) / _SLIDE_SAMPLES)[None, None, :, None]
#: Index on the traced path of the front of the knee, where the thigh's piece ends.
_KNEE_FRONT = _SLIDE_SAMPLES


def bar_on_legs(
    p: Points, axes: dict[str, np.ndarray], offset: float, arm: float, slide_ratio: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where a bar kept against the legs by straight arms rests: the bar (n, 2), the gap
    (n,) in metres between the hands and the legs when they are out of reach (else 0), and
    whether the bar rests on the legs (n,) bool.

    The bar slides down the front of the legs (:func:`front_of_legs`) from the hip until
    the arms (length ``arm``, shoulder to grip) are straight. Down the thigh nothing holds
    it. From the front of the knee on, where sliding further would take the hands away from
    the shoulders by less than ``slide_ratio`` metres per metre of leg (the shin running
    nearly square to the arms, as when it folds back under a deep knee bend), the arms'
    pull holds the bar against the shin and the elbows take up the rest: the bar stops
    where the distance travelled down the legs at ``slide_ratio`` brings the reach to
    ``arm``. In numbers: it stops at the first point where the larger of the farthest
    reach on the thigh so far and ``max over points s' from the knee on, up to s, of
    (distance(s') + slide_ratio * (s - s'))`` reaches ``arm``. Past the knee that curve
    climbs at least ``slide_ratio`` per metre of leg and moves at most as fast as the
    shoulders, so the bar moves along the legs at most ``1 / slide_ratio`` times as fast
    as the shoulders. On the straight thigh the distance from the shoulders only rises
    through ``arm`` at a slant, as the shoulders sit within a trunk's length of the hip
    (over the sliders' range the bar moves at most about 1.6 times as fast as they do
    there). The legs do not move when only the hip bends, so nothing else moves the bar:
    it never jumps. When the
    whole outline down to the floor is within reach even so, the bar rests on the floor in
    front of the ankles (``False``: it is not on the legs). Out of reach, the arms point
    at the nearest point of the legs and the gap says how far the hands stay from it.
    """
    shoulder = p["shoulder"]
    outline = front_of_legs(p, axes, offset)
    pieces = outline[:, :-1, None] + _SLIDE_STEPS * (outline[:, 1:] - outline[:, :-1])[:, :, None]
    n = len(shoulder)
    path = np.concatenate((pieces.reshape(n, -1, 2), outline[:, -1:]), axis=1)
    along = np.zeros(path.shape[:2])  # distance along the path from the hip, m
    np.cumsum(length(path[:, 1:] - path[:, :-1]), axis=1, out=along[:, 1:])
    reach = length(path - shoulder[:, None])
    on_thigh = np.maximum.accumulate(reach[:, :_KNEE_FRONT], axis=1)
    from_knee = slide_ratio * along[:, _KNEE_FRONT:] + np.maximum.accumulate(
        reach[:, _KNEE_FRONT:] - slide_ratio * along[:, _KNEE_FRONT:], axis=1)
    held = np.concatenate(
        (on_thigh, np.maximum(on_thigh[:, -1:], from_knee)), axis=1)
    over = held >= arm
    reaches = over.any(axis=1)
    at_hip = over[:, 0]
    rows = np.arange(n)
    k = np.clip(np.argmax(over, axis=1), 1, path.shape[1] - 1)
    below, above = held[rows, k - 1], held[rows, k]
    point_below, point_above = path[rows, k - 1], path[rows, k]
    frac = np.clip((arm - below) / np.maximum(above - below, 1e-12), 0.0, 1.0)
    frac = np.where(at_hip, 0.0, frac)
    k_from = np.where(at_hip, 0, k - 1)
    bar = path[rows, k_from] + frac[:, None] * (point_above - path[rows, k_from])
    # Where the straight arms themselves stop the bar, place it exactly at arm's length.
    start, step = point_below - shoulder, point_above - point_below
    qa = np.maximum(np.einsum("nd,nd->n", step, step), 1e-12)
    qb = 2 * np.einsum("nd,nd->n", start, step)
    qc = np.einsum("nd,nd->n", start, start) - arm**2
    t = (-qb + np.sqrt(np.maximum(qb**2 - 4 * qa * qc, 0.0))) / (2 * qa)
    taut = ((above <= reach[rows, k]) & (below <= reach[rows, k - 1])
            & ~at_hip & (t >= 0) & (t <= 1))
    bar = np.where(taut[:, None], point_below + t[:, None] * step, bar)
    bar = np.where(reaches[:, None], bar, path[:, -1])
    gap = np.zeros(n)
    away = np.flatnonzero(reach.min(axis=1) > arm)
    if len(away):
        # Out of reach: point at the nearest point of the outline (no real pose gets here).
        a = outline[away, :-1] - shoulder[away, None]
        d = outline[away, 1:] - outline[away, :-1]
        t = np.clip(-np.einsum("nkd,nkd->nk", a, d)
                    / np.maximum(np.einsum("nkd,nkd->nk", d, d), 1e-12), 0.0, 1.0)
        nearest = a + t[..., None] * d
        dist = length(nearest)
        best = np.argmin(dist, axis=1)
        target = nearest[np.arange(len(away)), best]
        gap[away] = dist[np.arange(len(away)), best] - arm
        bar[away] = shoulder[away] + arm * target / dist[np.arange(len(away)), best, None]
        reaches[away] = False
    return bar, gap, reaches


def _elbow(shoulder: np.ndarray, hand: np.ndarray, upper: float, lower: float,
           prefer: np.ndarray) -> np.ndarray:
    """Elbow of a two-link arm from shoulder to hand, bent towards ``prefer`` (n, 2): of the
    two possible elbows, the one further along that direction from the shoulder."""
    span = hand - shoulder
    span_len = length(span, keepdims=True)
    dist = np.clip(span_len, abs(upper - lower) + 1e-6, upper + lower - 1e-6)
    unit = span / np.maximum(span_len, 1e-9)
    cos_a = np.clip((upper**2 + dist**2 - lower**2) / (2 * upper * dist), -1.0, 1.0)
    sin_a = np.sqrt(1.0 - cos_a**2)
    candidates = []
    for sign in (1.0, -1.0):
        rot = np.concatenate(
            (
                unit[:, :1] * cos_a - sign * unit[:, 1:] * sin_a,
                sign * unit[:, :1] * sin_a + unit[:, 1:] * cos_a,
            ),
            axis=-1,
        )
        candidates.append(shoulder + upper * rot)
    first, second = candidates
    first_further = np.einsum("nd,nd->n", first - second, prefer) >= 0
    return np.where(first_further[:, None], first, second)


def segment_centres(p: Points, body: Body, support: np.ndarray | None = None
                    ) -> dict[str, np.ndarray]:
    """Centre of mass of every segment (both sides together), shape ``(n, 2)`` each.
    ``support`` codes as in :func:`support_codes` (absent = standing on the feet)."""
    seg = body.segments
    ankle_height = body.landmarks["ankle_height_m"]

    def along(start: str, end: str, name: str) -> np.ndarray:
        return p[start] + seg[name].com_fraction * (p[end] - p[start])

    foot = seg["foot"]
    foot_x = p["heel"][:, 0] + foot.com_fraction * foot.length_m
    standing_foot = xy(foot_x, ankle_height / 2)
    kneeling_foot = (p["ankle"] + p["toe"]) / 2
    kneeling = (np.zeros(len(foot_x), bool) if support is None else support > 0)[:, None]
    centres = {
        "foot": np.where(kneeling, kneeling_foot, standing_foot),
        "shank": along("knee", "ankle", "shank"),
        "thigh": along("hip", "knee", "thigh"),
        "pelvis": along("lumbar_base", "hip", "pelvis"),
        "lumbar": along("lumbar_top", "lumbar_base", "lumbar"),
        "thoracic": along("neck", "lumbar_top", "thoracic"),
        "head_neck": along("vertex", "neck", "head_neck"),
        "upper_arm": along("shoulder", "elbow", "upper_arm"),
        "forearm": along("elbow", "wrist", "forearm"),
    }
    hand = seg["hand"]
    hand_axis = p["hands"] - p["wrist"]
    hand_len = np.maximum(length(hand_axis, keepdims=True), 1e-9)
    centres["hand"] = p["wrist"] + hand_axis / hand_len * hand.com_fraction * hand.length_m
    return centres
