"""Each muscle group's force as a share of its maximum isometric force, at every reference
position held still with its demonstration load (data/reference_positions.csv).

Prints one row per reference position, one column per muscle group, in per cent of the
group's maximum (both sides together, data/muscle_groups.csv); "-" for a group with no
sourced maximum. Over 100 means the static solution asks more of that group than it can
make. The last two columns are the hip moment the pose needs and the most the modelled hip
extensors make with each at its maximum (when the first is larger, no sharing rule could
hold the pose; the column is left out by a library without it). Run with the project's
Python; nothing is asserted.
"""

from __future__ import annotations

import hinge_lib
from hinge_lib.model.muscle_paths import GROUPS


def effort_table():
    """Percent of maximum force per group (columns) at each reference position (rows)."""
    table = hinge_lib.analyze_references()
    out = table[["load_kg", "hip", "trunk_angle_deg"]].copy()
    for name in GROUPS:
        out[name] = table[f"{name}_effort_pct"]
    out["hip_moment_nm"] = table["hip_moment_nm"]
    if "muscle_capacity_hip_nm" in table:
        out["hip_extensors_at_max_nm"] = table["muscle_capacity_hip_nm"]
    return out


def main() -> None:
    import pandas as pd

    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print("force as % of maximum isometric force, demo loads (default body 1.75 m, 75 kg)")
        print(effort_table().round(1).to_string(na_rep="-"))


if __name__ == "__main__":
    main()
