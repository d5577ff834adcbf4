"""Centre of mass, balance and static net joint moments, vectorised over many poses.

Moments are for both sides together, in newton metres, for a pose held still (gravity
only). Sign: positive = the muscles that must hold the pose are the extensors (hip,
knee, lumbar) or the plantarflexors (ankle). The moment at a joint is the gravitational
moment of everything above it: the feet stand on the floor, so every other segment and
the load hang on the chain from the ankles up.

The "lumbar" moment is taken at the bottom of the lumbar segment (``lumbar_base``): the top
of de Leva's lower trunk, the omphalion (navel), which lies at about the L3/L4 disc. It is
the moment the back extensors resist at L3/L4, not at the lumbosacral joint (L5/S1).
"""

from __future__ import annotations

import numpy as np

from hinge_lib.model.body import Body

GRAVITY = 9.81  # m/s^2

#: Segments supported by each joint (everything above it in the chain).
ABOVE = {
    "ankle": ("shank", "thigh", "pelvis", "lumbar", "thoracic", "head_neck", "arms"),
    "knee": ("thigh", "pelvis", "lumbar", "thoracic", "head_neck", "arms"),
    "hip": ("pelvis", "lumbar", "thoracic", "head_neck", "arms"),
    "lumbar": ("lumbar", "thoracic", "head_neck", "arms"),
}
ARMS = ("upper_arm", "forearm", "hand")


def statics(
    points: dict[str, np.ndarray],
    centres: dict[str, np.ndarray],
    body: Body,
    load_kg: float,
    support: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Whole-body centre of mass (with the load), balance and the four joint moments.

    Returns arrays of shape ``(n,)``: com_x_m, com_y_m, balance_margin_m (distance of
    the centre of mass inside the base of support, ``points["base_of_support"]``;
    negative = outside), balanced, and
    ankle_moment_nm, knee_moment_nm, hip_moment_nm, lumbar_moment_nm (at L3/L4).
    """
    seg = body.segments
    names = list(centres)
    masses = {name: seg[name].mass_kg for name in names}
    # Moments of mass about x = 0 and y = 0 (kg m) of every segment, (segments, 2, n), in
    # one product; and the mass of each group.
    moments = (np.array([masses[name] for name in names])[:, None, None]
               * np.array([centres[name].T for name in names]))
    mx = dict(zip(names, moments[:, 0], strict=True))
    group_mass = {name: masses[name] for name in names}
    group_mx = dict(mx)
    group_mass["arms"] = sum(masses[a] for a in ARMS) + load_kg
    group_mx["arms"] = sum(mx[a] for a in ARMS) + load_kg * points["load"][:, 0]

    out: dict[str, np.ndarray] = {}
    total_mass = body.mass_kg + load_kg
    com_x, com_y = (sum(moments) + load_kg * points["load"].T) / total_mass
    out["com_x_m"] = com_x
    out["com_y_m"] = com_y
    back, front = points["base_of_support"][:, 0], points["base_of_support"][:, 1]
    margin = np.minimum(com_x - back, front - com_x)
    out["balance_margin_m"] = margin
    out["balanced"] = margin >= 0.0

    for joint, key in (("ankle", "ankle"), ("knee", "knee"), ("hip", "hip"),
                       ("lumbar", "lumbar_base")):
        names = ABOVE[joint]
        m = sum(group_mass[g] for g in names)
        m_x = sum(group_mx[g] for g in names)
        # Gravitational moment of the supported mass about the joint, forward = +.
        forward = GRAVITY * (m_x - m * points[key][:, 0])
        out[f"{joint}_moment_nm"] = -forward if joint == "knee" else forward
    # Kneeling: the shins rest on the floor, so the ankles hold nothing up.
    kneeling = np.zeros(len(com_x), bool) if support is None else np.asarray(support) > 0
    out["ankle_moment_nm"] = np.where(kneeling, 0.0, out["ankle_moment_nm"])
    return out
