"""Speed of reading and analysing recordings (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_motion.py

- read_motion on the bundled OpenCap squat file (801 frames x 36 columns)
- analyze_motion on 60,000 synthetic frames (10 minutes at 100 Hz, about 170 hinge reps);
  the target is at most 1 s.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hinge_lib.recordings.readers import read_motion  # noqa: E402
from hinge_lib.recordings.reps import analyze_motion, find_reps  # noqa: E402
from hinge_lib.recordings.synthetic import synthetic_motion  # noqa: E402

SQUAT = ROOT / "data" / "samples" / "squats1_videoAndMocap.mot"


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    read_s = median_seconds(lambda: read_motion(SQUAT), 20)
    print(f"read_motion(squats1_videoAndMocap.mot, 801 frames): median {read_s * 1000:.1f} ms")
    frames = synthetic_motion("hinge", reps=200, seed=1).iloc[:60000]
    analyze_motion(frames)  # warm caches (data files, imports)
    find_s = median_seconds(lambda: find_reps(frames), 5)
    total_s = median_seconds(lambda: analyze_motion(frames), 5)
    reps = len(analyze_motion(frames).reps)
    print(f"find_reps(60,000 frames): median {find_s * 1000:.0f} ms")
    print(f"analyze_motion(60,000 frames, {reps} reps): median {total_s * 1000:.0f} ms "
          f"(target <= 1000 ms)")


if __name__ == "__main__":
    main()
