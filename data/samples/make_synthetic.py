"""Regenerate the synthetic sample recordings in this folder (deterministic).

    .venv/bin/python data/samples/make_synthetic.py

- hinge_synthetic.mot: six hip-hinge reps at 100 Hz with noise, pauses at the top and bottom and
  a cut-off rep at each end, written in the OpenSim .mot layout.
- kinovea_hinge.csv: three hinge reps at 30 frames per second in the style of a Kinovea angle
  export: time in milliseconds and included angles (180 = straight hip or knee).

Both come from `hinge_lib.motion.synthetic_motion` with fixed seeds, so running this again
rewrites identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:
    sys.path.insert(0, str(HERE.parents[1]))

from hinge_lib.recordings.readers import synthetic_motion, to_mot  # noqa: E402


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


def main() -> None:
    (HERE / "hinge_synthetic.mot").write_text(hinge_mot_text(), encoding="utf-8")
    (HERE / "kinovea_hinge.csv").write_text(kinovea_csv_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
