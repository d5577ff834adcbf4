"""Regenerate the synthetic sample recordings in this folder (deterministic).

    .venv/bin/python data/samples/make_synthetic.py

- hinge_synthetic.mot: six hip-hinge reps at 100 Hz with noise, pauses at the top and bottom and
  a cut-off rep at each end, written in the OpenSim .mot layout.
- kinovea_hinge.csv: three hinge reps at 30 frames per second in the style of a Kinovea angle
  export: time in milliseconds and included angles (180 = straight hip or knee).
- the export-shaped files described in README.md (gait2392 .mot, Sports2D angles, Kinovea with
  semicolons and decimal commas, Excel CSV and Excel "Unicode text", a recording with a gap).

All come from `hinge_lib.recordings.synthetic.synthetic_motion` with fixed seeds, so running this
again rewrites identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from hinge_lib.recordings.synthetic import synthetic_motion  # noqa: E402
from hinge_lib.recordings.writers import to_mot  # noqa: E402


def hinge_mot_text() -> str:
    """Text of hinge_synthetic.mot."""
    return to_mot(synthetic_motion("hinge", reps=6, rate_hz=100.0, seed=0), name="hinge")


def kinovea_csv_text() -> str:
    """Text of kinovea_hinge.csv."""
    frames = synthetic_motion("hinge", reps=3, rate_hz=30.0, seed=1, noise_deg=0.8)
    lines = ["Time (ms),Hip angle (°),Knee angle (°),Ankle (°)"]
    ms = np.round(frames.index.to_numpy() * 1000.0).astype(int)
    for t, hip, knee, ankle in zip(ms, frames["hip"], frames["knee"], frames["ankle"], strict=True):
        lines.append(f"{t},{180.0 - hip:.1f},{180.0 - knee:.1f},{ankle:.1f}")
    return "\n".join(lines) + "\n"


OPENSIM_NOTE = (
    "\nUnits are S.I. units (second, meters, Newtons, ...)\n"
    "If the header above contains a line with 'inDegrees', this indicates whether rotational "
    "values are in degrees (yes) or radians (no).\n\n"
)


def _table(columns: dict[str, np.ndarray], fmt: str, sep: str) -> list[str]:
    rows = np.column_stack(list(columns.values()))
    return [sep.join(fmt % v for v in row) for row in rows]


def gait2392_mot_bytes() -> bytes:
    """opensim_gait2392_squat.mot: three squats as OpenSim IK writes them for a gait2392 model:
    knee flexion negative, pelvis_tilt negative for a forward tilt, lumbar_extension measured
    from the model's zero (this person stands 6 degrees extended), ankle_angle 3 degrees off the
    shin tilt (the foot is not flat on the model's floor)."""
    f = synthetic_motion("squat", reps=3, rate_hz=100.0, seed=7, noise_deg=0.3)
    t = f.index.to_numpy()
    depth = (f["hip"] + f["knee"]).to_numpy() / 195.0
    zero = np.zeros(len(t))
    side = {}
    for s, sign in (("r", 1.0), ("l", -1.0)):
        side.update({
            f"hip_flexion_{s}": f["hip"].to_numpy() + sign * 0.8,
            f"hip_adduction_{s}": -3.0 + sign * 0.5 + 2.0 * depth,
            f"hip_rotation_{s}": 4.0 * sign + zero,
            f"knee_angle_{s}": -(f["knee"].to_numpy() - sign * 0.8),
            f"ankle_angle_{s}": f["ankle"].to_numpy() + 3.0,
            f"subtalar_angle_{s}": 1.5 * sign + zero,
            f"mtp_angle_{s}": zero.copy(),
        })
    cols = {
        "time": t,
        "pelvis_tilt": -(f["ankle"] - f["knee"] + f["hip"]).to_numpy(),
        "pelvis_list": 0.4 + zero, "pelvis_rotation": -1.2 + zero,
        "pelvis_tx": 0.02 - 0.18 * depth, "pelvis_ty": 0.93 - 0.35 * depth, "pelvis_tz": zero,
        **{k: side[k] for k in side if k.endswith("_r")},
        **{k: side[k] for k in side if k.endswith("_l")},
        "lumbar_extension": -f["lumbar"].to_numpy() + 6.0,
        "lumbar_bending": 0.3 + zero, "lumbar_rotation": -0.5 + zero,
    }
    head = (f"Coordinates\nversion=1\nnRows={len(t)}\nnColumns={len(cols)}\ninDegrees=yes\n"
            f"{OPENSIM_NOTE}endheader\n")
    body = "\t".join(cols) + "\n" + "\n".join(_table(cols, "%16.8f", "\t")) + "\n"
    return (head + body).encode("utf-8")


SPORTS2D_COLUMNS = ("right ankle", "left ankle", "right knee", "left knee", "right hip",
                    "left hip", "right shoulder", "left shoulder", "right elbow", "left elbow",
                    "right foot", "left foot", "right shank", "left shank", "right thigh",
                    "left thigh", "pelvis", "trunk", "shoulders", "head")


def sports2d_mot_bytes() -> bytes:
    """sports2d_hinge_angles.mot: three hinges in Sports2D's angle file layout: joint angles
    (its hip runs from the thigh to the hip-neck line, so it holds the spine's bend too) and
    segment angles from the horizontal."""
    f = synthetic_motion("hinge", reps=3, rate_hz=30.0, seed=5, noise_deg=0.5)
    t = f.index.to_numpy()
    ankle, knee, hip = (f[c].to_numpy() for c in ("ankle", "knee", "hip"))
    trunk_bend = (f["lumbar"] + f["thoracic"]).to_numpy()
    shank = 90.0 - ankle
    thigh = shank + knee
    trunk = 90.0 - (ankle - knee + hip + trunk_bend)
    cols = {"time": t}
    for s, sign in (("right", 1.0), ("left", -1.0)):
        cols[f"{s} ankle"] = ankle + 0.6 * sign
        cols[f"{s} knee"] = knee - 0.7 * sign
        cols[f"{s} hip"] = hip + trunk_bend + 0.5 * sign
    for s, sign in (("right", 1.0), ("left", -1.0)):
        cols[f"{s} shoulder"] = 10.0 + hip * 0.2 + sign
        cols[f"{s} elbow"] = 12.0 + sign + 0 * t
    for s, sign in (("right", 1.0), ("left", -1.0)):
        cols[f"{s} foot"] = 0.5 * sign + 0 * t
        cols[f"{s} shank"] = shank + 0.4 * sign
        cols[f"{s} thigh"] = thigh - 0.4 * sign
    cols.update({"pelvis": 2.0 + 0 * t, "trunk": trunk, "shoulders": 1.0 + 0 * t,
                 "head": trunk - 5.0})
    cols = {"time": t, **{name: cols[name] for name in SPORTS2D_COLUMNS}}
    head = ["Coordinates", "version=1", f"nRows={len(t)}", f"nColumns={len(cols)}",
            "inDegrees=yes", "", "Units are S.I. units (second, meters, Newtons, ...)",
            "If the header above contains a line with 'inDegrees', this indicates whether "
            "rotational values are in degrees (yes) or radians (no).", "", "endheader"]
    body = _table(cols, "%.6f", "\t")
    return ("\n".join([*head, "\t".join(cols), *body]) + "\n").encode("utf-8")


def kinovea_semicolon_bytes() -> bytes:
    """kinovea_knees_first_semicolon.csv: a Kinovea angle export from a computer set to a
    decimal-comma language: a comment line, quoted cells, semicolons, a separator at the end
    of every line, time in ms and included angles. The knees start early (knees first)."""
    f = synthetic_motion("knees_first", reps=3, rate_hz=30.0, seed=2, noise_deg=0.6)
    ms = np.round(f.index.to_numpy() * 1000.0).astype(int)
    lines = ['"# Kinovea - angles - clip IMG_2041.MOV"',
             '"Time (ms)";"Hip, right (°)";"Knee, right (°)";"Ankle, right (°)";']
    for t, hip, knee, ankle in zip(ms, f["hip"], f["knee"], f["ankle"], strict=True):
        cells = [str(t), *(f"{v:.1f}".replace(".", ",") for v in (180 - hip, 180 - knee, ankle))]
        lines.append(";".join(f'"{c}"' for c in cells) + ";")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def excel_decimal_comma_bytes() -> bytes:
    """excel_decimal_comma.csv: Excel "CSV UTF-8" from a decimal-comma language (byte-order
    mark, CRLF, semicolons). The first 2.5 s are a still stand typed as whole numbers, so the
    first decimal comma appears after row 60."""
    f = synthetic_motion("squat", reps=3, rate_hz=25.0, seed=8, noise_deg=0.0)
    f = f[f.index >= f.index[0]]
    lines = ["Time (s);Hip flexion;Knee flexion;Ankle;Lower back"]
    still = 63
    for i in range(still):
        lines.append(f"{i * 0.04:.2f};2;1;0;0".replace(".", ","))
    for i, (hip, knee, ankle, lumbar) in enumerate(zip(f["hip"], f["knee"], f["ankle"],
                                                       f["lumbar"], strict=True)):
        t = (still + i) * 0.04
        lines.append(";".join(f"{v:.2f}".replace(".", ",") for v in (t, hip + 2, knee + 1,
                                                                       ankle, lumbar)))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def excel_unicode_text_bytes() -> bytes:
    """excel_unicode_text.txt: Excel's "Unicode text": UTF-16 little-endian with a byte-order
    mark, tabs, CRLF, decimal points, explicit flexion columns."""
    f = synthetic_motion("hinge", reps=3, rate_hz=25.0, seed=4, noise_deg=0.5)
    lines = ["Time (s)\tHip flexion (°)\tKnee flexion (°)\tShin (°)\tNote"]
    for i, (t, hip, knee, ankle) in enumerate(zip(f.index, f["hip"], f["knee"], f["ankle"],
                                                  strict=True)):
        note = '"hold, then go"' if i == 0 else ""
        lines.append(f"{t:.2f}\t{hip:.2f}\t{knee:.2f}\t{ankle:.2f}\t{note}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-16-le")


def kinovea_gap_bytes() -> bytes:
    """kinovea_hinge_gap.csv: kinovea_hinge.csv's three reps with the person lost for 2 s
    (empty cells over the second rep's bottom) and for 3 frames (0.1 s) in the first rep."""
    lines = kinovea_csv_text().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        t = int(line.split(",")[0])
        if 6600 <= t < 8600 or 60 <= i < 63:
            line = f"{t},,,"
        out.append(line)
    return ("\n".join(out) + "\n").encode("utf-8")


EXPORTS = {
    "opensim_gait2392_squat.mot": gait2392_mot_bytes,
    "sports2d_hinge_angles.mot": sports2d_mot_bytes,
    "kinovea_knees_first_semicolon.csv": kinovea_semicolon_bytes,
    "excel_decimal_comma.csv": excel_decimal_comma_bytes,
    "excel_unicode_text.txt": excel_unicode_text_bytes,
    "kinovea_hinge_gap.csv": kinovea_gap_bytes,
}


def main() -> None:
    (HERE / "hinge_synthetic.mot").write_text(hinge_mot_text(), encoding="utf-8")
    (HERE / "kinovea_hinge.csv").write_text(kinovea_csv_text(), encoding="utf-8")
    for name, make in EXPORTS.items():
        (HERE / name).write_bytes(make())


if __name__ == "__main__":
    main()
