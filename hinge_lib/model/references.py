"""Published typical positions of the exercises the course compares.

The table is data/reference_positions.csv. Besides the joint angles it states, in columns
rather than only in the notes, the numbers its notes rely on: ``trunk_lean_deg`` (the
trunk's lean from vertical in the pose) and, for lifts that name a bar position,
``bar_height_m`` (the bar's height for the default :class:`~hinge_lib.model.body.Body`).
The tests recompute both from the pose, so the notes and the poses cannot drift apart.

Column ``range_basis`` says where each row's ranges (``<joint>_min`` / ``<joint>_max``) come
from: ``"measured"`` (a cited study measured these angles on people doing the lift),
``"coaching"`` (no study reporting the lift's angles at that moment was found; the ranges
are typical coaching values and the note names what was searched) or ``"definition"``
(standing, zero by the model's definition).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from hinge_lib.model.body import Body
from hinge_lib.model.kinematics import HOLDS
from hinge_lib.model.patterns import PATTERNS
from hinge_lib.model.pose import POSE_FIELDS, Pose, joint_limits
from hinge_lib.model.tables import Column, DataFileError, read_csv

_RANGES = ("ankle", "knee", "hip", "trunk")
#: Where a row's ranges come from (see the module docstring).
RANGE_BASES: tuple[str, ...] = ("measured", "coaching", "definition")


@cache
def _table() -> pd.DataFrame:
    columns = {
        "key": Column(),
        "name": Column(),
        "expected_pattern": Column(choices=PATTERNS),
        "hold": Column(choices=HOLDS),
        **{f: Column(float, low=-180, high=180) for f in POSE_FIELDS},
        "demo_load_kg": Column(float, low=0, high=300),
        "trunk_lean_deg": Column(float, low=-180, high=180),
        "bar_height_m": Column(float, required=False, low=0, high=2.5),
        **{f"{r}_{end}": Column(float, low=-180, high=180) for r in _RANGES
           for end in ("min", "max")},
        "range_basis": Column(choices=RANGE_BASES),
        "source": Column(),
    }
    rows = read_csv("reference_positions.csv", columns, key="key")
    limits = joint_limits()
    for row in rows:
        for field in POSE_FIELDS:
            low, high = limits[field]
            if not low <= row[field] <= high:
                raise DataFileError(
                    f"data/reference_positions.csv, line {row['_line']}, column {field!r}: "
                    f"{row[field]:g} is outside the joint limits {low:g} to {high:g}"
                )
        for r in _RANGES:
            if row[f"{r}_min"] > row[f"{r}_max"]:
                raise DataFileError(
                    f"data/reference_positions.csv, line {row['_line']}, column '{r}_min': "
                    "min is larger than max"
                )
    return pd.DataFrame(rows).drop(columns="_line").set_index("key")


def reference_positions() -> pd.DataFrame:
    """Typical positions of standing, the hinge lifts and the squats.

    Returns
    -------
    pandas.DataFrame
        Indexed by key (e.g. ``"romanian_deadlift"``): the six joint angles in degrees, the
        expected pattern, how the load is held, the demonstration load, the ranges across
        sources and the source of each row (data/reference_positions.csv).

    Examples
    --------
    >>> table = reference_positions()
    >>> "romanian_deadlift" in table.index and "back_squat" in table.index
    True
    """
    return _table().copy()


def reference_pose(key: str) -> Pose:
    """The typical :class:`Pose` of one reference position.

    Parameters
    ----------
    key : str
        A row of :func:`reference_positions`, e.g. ``"romanian_deadlift"``.

    Returns
    -------
    Pose
        Its joint angles; ``ValueError`` lists the known keys for an unknown one.

    Examples
    --------
    >>> reference_pose("standing").hip
    0.0
    >>> reference_pose("romanian_deadlift").hip > 45
    True
    """
    table = _table()
    if key not in table.index:
        raise ValueError(
            f"unknown reference position {key!r}; known: {', '.join(table.index)}"
        )
    row = table.loc[key]
    return Pose(**{f: float(row[f]) for f in POSE_FIELDS})


def analyze_references(load: str | float = "demo", body: Body | None = None) -> pd.DataFrame:
    """Analyse every reference position with its own way of holding the load.

    Parameters
    ----------
    load : "demo" or float
        ``"demo"`` uses each position's demonstration load (``demo_load_kg``); a number
        (kg) uses that load for all.
    body : Body, optional
        The person; the default :class:`Body` when omitted.

    Returns
    -------
    pandas.DataFrame
        :func:`hinge_lib.analyze_many` columns plus ``name``, ``expected_pattern``,
        ``hold`` and ``load_kg``, indexed by key.

    Examples
    --------
    >>> table = analyze_references(load=0)
    >>> table.loc["romanian_deadlift", "pattern"], table.loc["back_squat", "pattern"]
    ('hinge', 'squat')
    """
    from hinge_lib.model.analysis import analyze_many

    table = _table()
    parts = []
    for hold, rows in table.groupby("hold", sort=False):
        if load == "demo":
            for kg, same_load in rows.groupby("demo_load_kg", sort=False):
                part = analyze_many(same_load[list(POSE_FIELDS)], body, float(kg), str(hold))
                parts.append(part.assign(load_kg=float(kg)))
        else:
            kg = float(load)
            parts.append(analyze_many(rows[list(POSE_FIELDS)], body, kg, str(hold)).assign(
                load_kg=kg))
    result = pd.concat(parts).loc[table.index]
    extra = table[["name", "expected_pattern", "hold"]]
    return pd.concat([extra, result], axis=1)
