"""A side-on pose: six joint angles in degrees, 0 everywhere = standing tall.

Sign conventions (degrees):

- ``ankle``: forward tilt of the shank from vertical with the foot flat (dorsiflexion);
  positive = knee ahead of the ankle.
- ``knee``, ``hip``: flexion, 0 = straight. Hip flexion is the angle between thigh and pelvis.
- ``lumbar``, ``thoracic``, ``neck``: flexion relative to the neutral curves of standing;
  positive rounds (or tips the chin down), negative arches (or looks up).

``support`` says what the body rests on: ``"feet"`` (standing, feet flat; the default),
``"tall_kneeling"`` (both shins on the floor, knees down, toes pointed behind; knee 90 with
the hips over the knees is upright kneeling) or ``"half_kneeling"`` (one knee down as in tall
kneeling, the other foot planted flat in front). When kneeling the shins lie on the floor,
so ``ankle`` must stay 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache

from hinge_lib.model.checks import check_choice, check_number
from hinge_lib.model.tables import Column, DataFileError, read_csv

POSE_FIELDS: tuple[str, ...] = ("ankle", "knee", "hip", "lumbar", "thoracic", "neck")
SUPPORTS: tuple[str, ...] = ("feet", "tall_kneeling", "half_kneeling")


@cache
def joint_limits() -> dict[str, tuple[float, float]]:
    """Allowed range of each joint angle, from data/joint_limits.csv (published ranges of
    motion, at the upper end of their spread so real deep squats fit).

    Returns
    -------
    dict
        ``{field: (min_deg, max_deg)}`` in degrees, in :data:`POSE_FIELDS` order.

    Examples
    --------
    >>> low, high = joint_limits()["knee"]
    >>> low < 0 < high
    True
    """
    rows = read_csv(
        "joint_limits.csv",
        {
            "field": Column(choices=POSE_FIELDS),
            "min_deg": Column(float, low=-180, high=180),
            "max_deg": Column(float, low=-180, high=180),
            "source": Column(),
        },
        key="field",
    )
    limits = {}
    for row in rows:
        if not row["min_deg"] < 0 <= row["max_deg"]:
            raise DataFileError(
                f"data/joint_limits.csv, line {row['_line']}: the range of {row['field']} "
                "must contain 0 (standing tall) with min_deg < max_deg"
            )
        limits[row["field"]] = (row["min_deg"], row["max_deg"])
    missing = [f for f in POSE_FIELDS if f not in limits]
    if missing:
        raise DataFileError(f"data/joint_limits.csv: no row for {', '.join(missing)}")
    return {f: limits[f] for f in POSE_FIELDS}


@dataclass(frozen=True)
class Pose:
    """Joint angles in degrees (see the module docstring for signs) and what the body rests
    on. Validated on creation: a NaN, a non-number, an angle outside :func:`joint_limits`,
    an unknown support or a tilted shin while kneeling raises ``ValueError``.

    Examples
    --------
    >>> Pose(knee=20, hip=90).hip
    90.0
    >>> Pose(knee=90, hip=45, support="tall_kneeling").support
    'tall_kneeling'
    """

    ankle: float = 0.0
    knee: float = 0.0
    hip: float = 0.0
    lumbar: float = 0.0
    thoracic: float = 0.0
    neck: float = 0.0
    support: str = "feet"

    def __post_init__(self) -> None:
        limits = joint_limits()
        for field in POSE_FIELDS:
            value = check_number(field, getattr(self, field), *limits[field], "deg")
            object.__setattr__(self, field, value)
        check_choice("support", self.support, SUPPORTS)
        if self.support != "feet" and self.ankle != 0:
            raise ValueError(
                f"ankle = {self.ankle:g} deg is not allowed with support {self.support!r}: "
                "the shins lie on the floor, so leave ankle at 0"
            )

    def as_dict(self) -> dict[str, float | str]:
        """The six angles and the support as a plain dict."""
        return asdict(self)

    @property
    def angles(self) -> dict[str, float]:
        """The six angles only, ``{field: degrees}``."""
        return {f: getattr(self, f) for f in POSE_FIELDS}

    def replace(self, **changes: float | str) -> Pose:
        """A copy with some angles changed (validated again)."""
        return Pose(**{**self.as_dict(), **changes})
