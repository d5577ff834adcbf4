"""Cost of the muscle model: 100,000 poses at once, one pose, and the explorer's muscle layer.

Run directly (``.venv/bin/python benchmarks/bench_muscles.py``) or with ``python3 tasks.py
bench``. Prints medians of a few runs; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import time

import numpy as np
import pandas as pd

from hinge_lib import Body, analyze, analyze_many, explore, reference_pose
from hinge_lib.model.analysis import compute
from hinge_lib.model.muscle_paths import JOINT_NAMES, geometry_arrays
from hinge_lib.model.muscles import muscle_columns

N = 100_000


def median_s(function, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
    rng = np.random.default_rng(0)
    poses = pd.DataFrame({
        "ankle": rng.uniform(-10, 35, N), "knee": rng.uniform(0, 130, N),
        "hip": rng.uniform(0, 120, N), "lumbar": rng.uniform(-10, 40, N),
        "thoracic": rng.uniform(-10, 30, N), "neck": rng.uniform(-20, 20, N),
    })
    body = Body()
    angles = {c: poses[c].to_numpy() for c in poses.columns}
    out = compute(angles, body, 40.0, "hands")
    moments = {k: out[k] for k in ("ankle_moment_nm", "knee_moment_nm", "hip_moment_nm",
                                   "lumbar_moment_nm")}
    joints = {j: angles[j] for j in JOINT_NAMES}
    analyze_many(poses.head(10), load_kg=40, below_floor="flag")  # warm the caches

    t_geo = median_s(lambda: geometry_arrays(joints, body))
    t_all = median_s(lambda: muscle_columns(angles, body, moments))
    t_many = median_s(lambda: analyze_many(poses, load_kg=40, below_floor="flag"))
    t_quick = median_s(lambda: analyze_many(poses, load_kg=40, below_floor="flag",
                                            muscles=False))
    print(f"path lengths and moment arms, {N:,} poses: median {t_geo * 1000:.0f} ms")
    print(f"muscle_columns (lengths, arms, force sharing), {N:,} poses: "
          f"median {t_all * 1000:.0f} ms ({t_all / N * 1e6:.1f} us per pose)")
    print(f"analyze_many with the muscle columns, {N:,} poses: median {t_many * 1000:.0f} ms")
    print(f"analyze_many(..., muscles=False), {N:,} poses: median {t_quick * 1000:.0f} ms "
          f"(the muscles are {(t_many - t_quick) / t_many:.0%} of the full call)")

    pose = reference_pose("romanian_deadlift")
    plain = median_s(lambda: analyze(pose, load_kg=30), runs=300)
    with_muscles = median_s(lambda: dict(analyze(pose, load_kg=30).muscles), runs=300)
    print(f"analyze, one pose: median {plain * 1000:.2f} ms; reading .muscles as well: "
          f"{with_muscles * 1000:.2f} ms")

    ex = explore("romanian_deadlift", load_kg=30, hold="close")
    steps = iter(range(100_000))

    def move() -> None:
        ex.sliders["hip"].value = 60 + next(steps) % 40  # redraws at once (no event loop)

    for on in (False, True, False, True):
        ex.anatomy.value = on
        t = median_s(move, runs=200)
        size = len(json.dumps({"state": {"frame": ex.figure.frame}}))
        print(f"explorer update (Python side), muscle layer {'on ' if on else 'off'}: "
              f"median {t * 1000:.2f} ms; figure message {size} bytes of JSON")
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
