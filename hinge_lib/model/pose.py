"""A side-on pose: six joint angles in degrees, 0 everywhere = standing tall.

Sign conventions (degrees):

- ``ankle``: forward tilt of the shank from vertical with the foot flat (dorsiflexion);
  positive = knee ahead of the ankle.
- ``knee``, ``hip``: flexion, 0 = straight. Hip flexion is the angle between thigh and pelvis.
- ``lumbar``, ``thoracic``, ``neck``: flexion relative to the neutral curves of standing;
  positive rounds (or tips the chin down), negative arches (or looks up).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache

from hinge_lib.model.checks import check_number
from hinge_lib.model.tables import Column, DataFileError, read_csv

POSE_FIELDS: tuple[str, ...] = ("ankle", "knee", "hip", "lumbar", "thoracic", "neck")


@cache
def joint_limits() -> dict[str, tuple[float, float]]:
    """Allowed range of each pose field in degrees, ``{field: (min_deg, max_deg)}``,
    from data/joint_limits.csv (published ranges of motion, widened to admit real squats)."""
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
    """Joint angles in degrees (see the module docstring for signs). Validated on creation:
    a NaN, a non-number or an angle outside :func:`joint_limits` raises ``ValueError``."""

    ankle: float = 0.0
    knee: float = 0.0
    hip: float = 0.0
    lumbar: float = 0.0
    thoracic: float = 0.0
    neck: float = 0.0

    def __post_init__(self) -> None:
        limits = joint_limits()
        for field in POSE_FIELDS:
            value = check_number(field, getattr(self, field), *limits[field], "deg")
            object.__setattr__(self, field, value)

    def as_dict(self) -> dict[str, float]:
        """The six angles as a plain dict."""
        return asdict(self)

    def replace(self, **changes: float) -> Pose:
        """A copy with some angles changed (validated again)."""
        return Pose(**{**self.as_dict(), **changes})
