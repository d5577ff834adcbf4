"""Speed of the model: import time, one pose (standing, a hinge with the bar in the hands,
the same hinge with the bar kept close), and 100,000 poses at once (with every column,
without the muscle columns, and with a bar kept close to the legs).

Run with ``python3 tasks.py bench`` (or the venv's python directly). Prints medians;
nothing is asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd


def import_time_s(runs: int = 5) -> float:
    """Median wall time of ``import hinge_lib`` in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import hinge_lib; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(times)


def load_average() -> str:
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} (1, 5, 15 min)"


def main() -> None:
    print(f"machine: {load_average()}")
    print(f"import hinge_lib: median {import_time_s() * 1000:.0f} ms (5 fresh interpreters)")
    import hinge_lib

    rdl = hinge_lib.reference_pose("romanian_deadlift")
    cases = (("standing, no load", hinge_lib.Pose(), 0, "hands"),
             ("romanian deadlift, 30 kg, hold='hands'", rdl, 30, "hands"),
             ("romanian deadlift, 30 kg, hold='close'", rdl, 30, "close"))
    for label, pose, load, hold in cases:
        hinge_lib.analyze(pose, load_kg=load, hold=hold)
        times = []
        for _ in range(3000):
            start = time.perf_counter()
            hinge_lib.analyze(pose, load_kg=load, hold=hold)
            times.append(time.perf_counter() - start)
        print(f"analyze (one pose: {label}): median {statistics.median(times) * 1000:.3f} "
              f"ms, p90 {np.percentile(times, 90) * 1000:.3f} ms over 3000 calls")

    rng = np.random.default_rng(2026)
    limits = hinge_lib.joint_limits()
    poses = pd.DataFrame(
        {field: rng.uniform(low, high, 100_000) for field, (low, high) in limits.items()}
    )
    hinge_lib.analyze_many(poses.head(100), load_kg=30, below_floor="flag")
    for muscles, label in ((True, "every column"), (False, "muscles=False")):
        times = []
        for _ in range(15):
            start = time.perf_counter()
            hinge_lib.analyze_many(poses, load_kg=30, below_floor="flag", muscles=muscles)
            times.append(time.perf_counter() - start)
        print(f"analyze_many (100,000 poses, {label}): median "
              f"{statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms "
              "over 15 runs")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        hinge_lib.analyze_many(poses, load_kg=30, hold="close", below_floor="flag",
                               muscles=False)
        times.append(time.perf_counter() - start)
    print(f"analyze_many (100,000 poses, hold='close', muscles=False): median "
          f"{statistics.median(times) * 1000:.0f} ms over 5 runs")
    print(f"machine: {load_average()}")


if __name__ == "__main__":
    main()
