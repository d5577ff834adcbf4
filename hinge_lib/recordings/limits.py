"""What a recording or a phone clip must satisfy to be judged, read from
``data/recording_limits.csv`` (each number with its source and reasoning).

`limit(name)` returns one value in the unit of its row; `PROMISE` words the promise for a
phone clip from the same numbers.
"""

from __future__ import annotations

from functools import cache

from hinge_lib.model.tables import Column, DataFileError, read_csv

#: name -> (unit, lowest and highest value the code accepts)
_EXPECTED: dict[str, tuple[str, float, float]] = {
    "filter_cutoff_hz": ("Hz", 1.0, 20.0),
    "shoulder_width": ("fraction of stature", 0.1, 0.4),
    "hip_width": ("fraction of stature", 0.1, 0.4),
    "promise_max_angle_off_side_deg": ("deg", 0.0, 60.0),
    "promise_min_person_height_px": ("px", 50.0, 4000.0),
    "promise_max_error_deg": ("deg", 0.5, 20.0),
    "promise_max_jitter_share": ("fraction of the person's height", 0.0005, 0.05),
    "max_frame_angle_off_side_deg": ("deg", 20.0, 90.0),
    "flight_height_m": ("m", 0.01, 0.3),
    "stepping_speed_m_s": ("m/s", 0.05, 2.0),
    "too_fast_com_accel_g": ("g", 0.02, 1.0),
}


@cache
def _table() -> dict[str, float]:
    rows = read_csv("recording_limits.csv", {"name": Column(), "value": Column(float),
                                             "unit": Column(), "source": Column(),
                                             "reasoning": Column()}, key="name")
    out = {}
    for row in rows:
        name = row["name"]
        where = f"data/recording_limits.csv, line {row['_line']}"
        if name not in _EXPECTED:
            raise DataFileError(f"{where}, column 'name': {name!r} is not one of "
                                f"{', '.join(_EXPECTED)}")
        unit, low, high = _EXPECTED[name]
        if row["unit"] != unit:
            raise DataFileError(f"{where}, column 'unit': {row['unit']!r}; expected {unit!r}")
        if not low <= row["value"] <= high:
            raise DataFileError(f"{where}, column 'value': {row['value']:g} is outside "
                                f"{low:g} to {high:g}")
        out[name] = float(row["value"])
    lacking = [n for n in _EXPECTED if n not in out]
    if lacking:
        raise DataFileError(f"data/recording_limits.csv: missing row(s) {', '.join(lacking)}")
    return out


def limit(name: str) -> float:
    """One value of data/recording_limits.csv, in the unit of its row.

    Examples
    --------
    >>> limit("promise_max_error_deg")
    5.0
    """
    table = _table()
    if name not in table:
        raise KeyError(f"{name!r}: expected one of {', '.join(table)}")
    return table[name]


def promise() -> str:
    """The promise for a phone clip, in words, from data/recording_limits.csv.

    Examples
    --------
    >>> promise().startswith("For a clip filmed within")
    True
    """
    return (f"For a clip filmed within {limit('promise_max_angle_off_side_deg'):g} degrees of "
            f"side-on, with the person at least {limit('promise_min_person_height_px'):g} "
            "pixels tall and keypoints that jitter by at most "
            f"{100 * limit('promise_max_jitter_share'):g} % of that height, the knee and hip "
            f"angles are within {limit('promise_max_error_deg'):g} degrees (RMS) and the first "
            "mover is right; clips filmed further off side-on are refused, smaller or shakier "
            "ones get a warning.")


def describe(*names: str) -> str:
    """``name: value`` lines for rows of data/recording_limits.csv.

    Examples
    --------
    >>> print(describe("flight_height_m", "promise_max_error_deg"))
    flight_height_m: 0.04
    promise_max_error_deg: 5
    """
    return "\n".join(f"{name}: {limit(name):g}" for name in names)
