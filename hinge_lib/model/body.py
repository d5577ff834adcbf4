"""A body scaled from height, mass and sex with de Leva's (1996) segment table.

Why de Leva rather than Dempster or Winter: it comes from living young adults (Zatsiorsky
and Seluyanov's scans) instead of a few elderly cadavers, it gives separate male and female
values, and it splits the trunk into upper, middle and lower parts that stand in for the
thoracic, lumbar and pelvic regions a hinge is about.

Segment lengths are de Leva's reference lengths scaled by stature (length / reference
stature x ``height_m``), so limbs keep his proportions. His segments do not tile the
standing height: the head's lower end (cervicale, C7) lies above the trunk's upper end
(suprasternale), and the ankle's height is added from Winter (2009). That gap between the
end of the chain and the top of the head (about 2.4 % of stature for men, 5.4 % for women)
is given to the head-neck segment alone, so standing tall reaches exactly ``height_m``.
The head's centre of mass keeps de Leva's distance below the vertex.

The arms hang from the shoulder joint centre, not from the top of the trunk chain
(suprasternale): standing tall it sits one de Leva upper arm above Winter's (2009) elbow
height (0.630 H), below Winter's acromion (0.818 H), on the line of the thoracic segment
(data/landmarks.csv). ``Body.landmarks["shoulder_drop_m"]`` is its distance below the top
of the thoracic segment; it moves with the upper trunk.
Masses are fractions of ``mass_kg``; both legs and both arms are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hinge_lib.model.checks import check_choice, check_number
from hinge_lib.model.tables import Column, DataFileError, read_csv

SEXES = ("male", "female")
HEIGHT_RANGE_M = (1.0, 2.3)
MASS_RANGE_KG = (25.0, 250.0)

#: Segments of the vertical chain, from the floor up (names as in data/segments.csv).
CHAIN = ("shank", "thigh", "pelvis", "lumbar", "thoracic", "head_neck")
ALL_SEGMENTS = (*CHAIN, "foot", "upper_arm", "forearm", "hand")


@dataclass(frozen=True)
class Segment:
    """One segment: length (m), mass of the segment on both sides together (kg), and where
    its centre of mass lies as a fraction of its length from its ``com_from`` end."""

    name: str
    length_m: float
    mass_kg: float
    com_fraction: float
    com_from: str


@dataclass(frozen=True)
class Body:
    """A person, scaled from de Leva's (1996) segment table.

    Parameters
    ----------
    height_m : float
        Stature in metres.
    mass_kg : float
        Body mass in kilograms.
    sex : {"male", "female"}
        Picks de Leva's male or female proportions.

    Raises ``ValueError`` naming the field, the value and the allowed range.

    Examples
    --------
    >>> body = Body(1.70, 62, "female")
    >>> round(body.segments["thigh"].length_m / body.height_m, 3)  # de Leva: 368.5 / 1735
    0.212
    >>> Body(height_m=3.1)
    Traceback (most recent call last):
    ...
    ValueError: height_m ...
    """

    height_m: float = 1.75
    mass_kg: float = 75.0
    sex: str = "male"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "height_m", check_number("height_m", self.height_m, *HEIGHT_RANGE_M, "m")
        )
        object.__setattr__(
            self, "mass_kg", check_number("mass_kg", self.mass_kg, *MASS_RANGE_KG, "kg")
        )
        check_choice("sex", self.sex, SEXES)

    @property
    def segments(self) -> dict[str, Segment]:
        """Scaled segments by name (see :data:`ALL_SEGMENTS`)."""
        return _scaled(self.height_m, self.mass_kg, self.sex)[0]

    @property
    def landmarks(self) -> dict[str, float]:
        """Scaled landmark distances in metres (ankle height, heel and toe positions, back
        depth, knee height when kneeling, the shoulder joint's drop below the top of the
        thoracic segment, Winter's standing acromion and elbow heights) and curve angles in
        degrees, from data/landmarks.csv."""
        return _scaled(self.height_m, self.mass_kg, self.sex)[1]


_SEGMENT_COLUMNS = {
    "segment": Column(choices=ALL_SEGMENTS),
    "sex": Column(choices=SEXES),
    "length_mm": Column(float, low=1, high=1000),
    "mass_fraction": Column(float, low=0, high=1),
    "com_fraction": Column(float, low=0, high=1),
    "com_measured_from": Column(),
    "reference_stature_mm": Column(float, low=1000, high=2300),
    "source": Column(),
}
_LANDMARK_COLUMNS = {
    "name": Column(),
    "value": Column(float),
    "unit": Column(),
    "source": Column(),
}
_LANDMARKS_NEEDED = {
    "ankle_height": "fraction of stature",
    "heel_to_ankle": "fraction of foot length",
    "sacrum_depth": "fraction of stature",
    "lumbar_lordosis_deg": "deg",
    "thoracic_kyphosis_deg": "deg",
    "dowel_contact_tolerance_mm": "mm",
    "kneeling_knee_height": "fraction of stature",
    "elbow_height": "fraction of stature",
    "acromion_height": "fraction of stature",
}


@cache
def segment_table() -> dict[tuple[str, str], dict]:
    """Rows of data/segments.csv keyed by (segment, sex); checks every segment is present
    and that the masses add up to the whole body."""
    rows = read_csv("segments.csv", _SEGMENT_COLUMNS)
    table: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["segment"], row["sex"])
        if key in table:
            raise DataFileError(f"data/segments.csv, line {row['_line']}: duplicate {key}")
        table[key] = row
    for sex in SEXES:
        missing = [s for s in ALL_SEGMENTS if (s, sex) not in table]
        if missing:
            raise DataFileError(f"data/segments.csv: no {sex} row for {', '.join(missing)}")
        total = sum(
            table[(s, sex)]["mass_fraction"] * (1 if s in CHAIN[2:] else 2) for s in ALL_SEGMENTS
        )
        if abs(total - 1.0) > 0.002:
            raise DataFileError(
                f"data/segments.csv: {sex} mass fractions add up to {total:.4f}, not 1"
            )
    return table


@cache
def landmark_table() -> dict[str, dict]:
    """Rows of data/landmarks.csv keyed by name, with the units the model relies on checked."""
    rows = {row["name"]: row for row in read_csv("landmarks.csv", _LANDMARK_COLUMNS, key="name")}
    for name, unit in _LANDMARKS_NEEDED.items():
        if name not in rows:
            raise DataFileError(f"data/landmarks.csv: missing row {name!r}")
        if rows[name]["unit"] != unit:
            raise DataFileError(
                f"data/landmarks.csv, line {rows[name]['_line']}, column 'unit': "
                f"{name} must be in {unit!r}, got {rows[name]['unit']!r}"
            )
    return rows


@cache
def _scaled(height_m: float, mass_kg: float, sex: str) -> tuple[dict[str, Segment], dict]:
    table = segment_table()
    marks = {name: row["value"] for name, row in landmark_table().items()}
    ankle_height = marks["ankle_height"] * height_m
    raw = {}
    for name in ALL_SEGMENTS:
        row = table[(name, sex)]
        raw[name] = row["length_mm"] / row["reference_stature_mm"] * height_m
    below_head = sum(raw[name] for name in CHAIN if name != "head_neck")
    head_neck = height_m - ankle_height - below_head
    if head_neck < raw["head_neck"]:
        raise DataFileError(
            "data/segments.csv: the chain below the head is longer than the stature allows"
        )
    segments = {}
    for name in ALL_SEGMENTS:
        row = table[(name, sex)]
        both_sides = 1 if name in CHAIN[2:] else 2
        length, com_fraction = raw[name], row["com_fraction"]
        if name == "head_neck":
            # The gap goes to the lower (neck) end: the centre of mass stays where de Leva
            # puts it, measured from the vertex.
            length, com_fraction = head_neck, com_fraction * raw[name] / head_neck
        segments[name] = Segment(
            name=name,
            length_m=length,
            mass_kg=row["mass_fraction"] * mass_kg * both_sides,
            com_fraction=com_fraction,
            com_from=row["com_measured_from"],
        )
    shoulder_height = marks["elbow_height"] * height_m + raw["upper_arm"]
    suprasternale = height_m - head_neck
    drop = suprasternale - shoulder_height
    if not 0.0 <= drop <= raw["thoracic"] or shoulder_height >= marks["acromion_height"] * height_m:
        raise DataFileError(
            "data/landmarks.csv: elbow_height plus the upper arm puts the shoulder joint at "
            f"{shoulder_height / height_m:.3f} of stature for {sex} bodies; it must lie on the "
            f"thoracic segment ({(suprasternale - raw['thoracic']) / height_m:.3f} to "
            f"{suprasternale / height_m:.3f}) and below acromion_height"
        )
    foot = segments["foot"].length_m
    heel = marks["heel_to_ankle"] * foot
    landmarks = {
        "ankle_height_m": ankle_height,
        "heel_x_m": -heel,
        "toe_x_m": foot - heel,
        "back_depth_m": marks["sacrum_depth"] * height_m,
        "lumbar_lordosis_deg": marks["lumbar_lordosis_deg"],
        "thoracic_kyphosis_deg": marks["thoracic_kyphosis_deg"],
        "dowel_tolerance_m": marks["dowel_contact_tolerance_mm"] / 1000.0,
        "kneeling_knee_height_m": marks["kneeling_knee_height"] * height_m,
        "shoulder_drop_m": drop,
        "acromion_height_m": marks["acromion_height"] * height_m,
        "elbow_height_m": marks["elbow_height"] * height_m,
    }
    return segments, landmarks
