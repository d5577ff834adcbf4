"""The dowel test: does a straight rod along the back touch head, upper back and sacrum?

Model of the back surface. In neutral standing the back of the head, the upper back
(half way up the thoracic segment) and the sacrum lie on one straight line, a back depth
(data/landmarks.csv) behind the spine; that is what "neutral" means for the drill. The
lower back is hollow: its mid-point lies in front of that line by the sagitta of the
lumbar curve, an arc bent by the standing lordosis. Flexing the lumbar spine flattens
the arc (the hollow fills and then bulges); flexing the thoracic spine deepens the
kyphosis, so the upper back bulges further out.

The rod rests on the back: it is the straight line through two of the four back points
with no point behind it, chosen to leave the smallest total gap at the three contacts.
A contact holds when its gap is at most the tolerance in data/landmarks.csv.
"""

from __future__ import annotations

import numpy as np

from hinge_lib.model.body import Body
from hinge_lib.model.force_sharing import pose_blocks
from hinge_lib.model.kinematics import back_normal, xy

CONTACTS = ("head", "upper_back", "sacrum")
# Back points in chain order: sacrum, lumbar hollow, upper back, head.
_PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
_CONTACT_INDEX = {"sacrum": 0, "upper_back": 2, "head": 3}
#: For each pair of :data:`_PAIRS`, the two other back points (in chain order), and which of
#: them are contacts (the lumbar hollow is not: it only has to stay in front of the rod).
_FIRST, _SECOND = np.array(_PAIRS).T
_OTHERS = np.array([sorted({0, 1, 2, 3} - set(pair)) for pair in _PAIRS])
_OTHER_IS_CONTACT = np.isin(_OTHERS, list(_CONTACT_INDEX.values()))


def _sagitta(chord: float, bend_rad: np.ndarray) -> np.ndarray:
    """Height of a circular arc of the given chord that turns through ``bend_rad``."""
    return chord / 2.0 * np.tan(bend_rad / 4.0)


def back_points(
    points: dict[str, np.ndarray], axes: dict[str, np.ndarray], lumbar_deg: np.ndarray,
    thoracic_deg: np.ndarray, body: Body,
) -> dict[str, np.ndarray]:
    """Sacrum, lower-back hollow, upper back and back of the head, shape ``(n, 2)`` each."""
    seg = body.segments
    marks = body.landmarks
    depth = marks["back_depth_m"]
    lordosis = np.radians(marks["lumbar_lordosis_deg"])
    kyphosis = np.radians(marks["thoracic_kyphosis_deg"])
    lumbar_len = seg["lumbar"].length_m
    thoracic_len = seg["thoracic"].length_m

    sacrum = points["hip"] + depth * back_normal(axes["pelvis"])
    hollow_depth = depth - _sagitta(lumbar_len, lordosis - np.radians(lumbar_deg))
    hollow = (points["lumbar_base"] + points["lumbar_top"]) / 2 + hollow_depth[:, None] * (
        back_normal(axes["lumbar"])
    )
    bulge = _sagitta(thoracic_len, kyphosis + np.radians(thoracic_deg)) - _sagitta(
        thoracic_len, kyphosis
    )
    upper_back = (points["lumbar_top"] + points["neck"]) / 2 + (depth + bulge)[:, None] * (
        back_normal(axes["thoracic"])
    )
    occiput = points["head"] + depth * back_normal(axes["head_neck"])
    return {"sacrum": sacrum, "lumbar_hollow": hollow, "upper_back": upper_back,
            "occiput": occiput}


def dowel_contacts(back: dict[str, np.ndarray], tolerance_m: float) -> dict[str, np.ndarray]:
    """Rest a straight rod on the back points and measure the gap at each contact.

    Returns ``gap_<contact>_m`` (n,) gaps, ``<contact>`` (n,) bools and ``line`` (n, 2, 2)
    the rod's end points (from below the sacrum to above the head). Many poses are worked
    on in blocks (:func:`~hinge_lib.model.force_sharing.pose_blocks`), so that every
    candidate rod's arrays stay in the processor's cache; no pose's numbers depend on it.
    """
    blocks = pose_blocks(len(back["sacrum"]))
    if len(blocks) == 1:
        return _rest_rod(back, tolerance_m)
    parts = [_rest_rod({name: points[block] for name, points in back.items()}, tolerance_m)
             for block in blocks]
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _rest_rod(back: dict[str, np.ndarray], tolerance_m: float) -> dict[str, np.ndarray]:
    """:func:`dowel_contacts` for one block of poses."""
    order = ("sacrum", "lumbar_hollow", "upper_back", "occiput")
    xs = np.array([back[name][:, 0] for name in order])  # (4, n)
    ys = np.array([back[name][:, 1] for name in order])
    n = xs.shape[1]
    # Every candidate rod (a pair of back points) at once: (pairs, n) arrays, and for the
    # two other points of each pair (pairs, 2, n) how far they lie behind the rod.
    first, second = _FIRST, _SECOND
    out_x, out_y = _outward(xs[second] - xs[first], ys[second] - ys[first])
    behind = ((xs[_OTHERS] - xs[first, None]) * out_x[:, None]
              + (ys[_OTHERS] - ys[first, None]) * out_y[:, None])
    valid = (behind <= 1e-9).all(axis=1)
    # the rod that leaves the smallest total gap at the contacts it does not rest on
    gap_sum = (np.where(_OTHER_IS_CONTACT[:, 0, None], behind[:, 0], 0.0)
               + np.where(_OTHER_IS_CONTACT[:, 1, None], behind[:, 1], 0.0))
    costs = np.where(valid, -gap_sum, np.inf)
    best = np.argmin(costs, axis=0)
    cols = np.arange(n)
    x0, y0 = xs[first[best], cols], ys[first[best], cols]
    out_x, out_y = out_x[best, cols], out_y[best, cols]
    gaps = -((xs - x0) * out_x + (ys - y0) * out_y)
    result: dict[str, np.ndarray] = {}
    for name, k in _CONTACT_INDEX.items():
        gap = np.maximum(gaps[k], 0.0)
        result[f"gap_{name}_m"] = gap
        result[name] = gap <= tolerance_m
    # Rod ends: project the sacrum and the head onto the rod and reach 8 cm beyond each.
    dir_x, dir_y = out_y, -out_x
    s0 = (xs[0] - x0) * dir_x + (ys[0] - y0) * dir_y - 0.08
    s1 = (xs[3] - x0) * dir_x + (ys[3] - y0) * dir_y + 0.08
    ends = xy(s0, s1)  # (n, 2): along the rod from the first point
    result["line"] = xy(x0[:, None] + ends * dir_x[:, None], y0[:, None] + ends * dir_y[:, None])
    return result


def _outward(dx: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit normal pointing out of the back for a rod running ``(dx, dy)`` up the back."""
    length = np.maximum(np.sqrt(dx * dx + dy * dy), 1e-9)
    return -dy / length, dx / length
