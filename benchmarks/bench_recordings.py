"""Big recordings: time and peak memory of reading, analysing and drawing (prints; asserts nothing).

    .venv/bin/python benchmarks/bench_recordings.py [--max-rows N]

- read_motion of Kinovea-style CSVs (time + three angles, about 21 bytes a row) up to the
  `MAX_FRAMES` limit (300,000 rows, 50 minutes at 100 frames per second; a 50 MB file holds
  about 2 million such rows, so the row limit is the one that applies); ``--max-rows 1000000``
  shows what a larger limit would cost
- analyze_motion of the frames read (one vectorised `analyze_many` call over every frame)
- plot_angles against the number of reps: time grows with the reps, not their square

Each size runs in a fresh process; memory is the growth of the process's peak resident size
(``ru_maxrss``) during each step, on top of the CSV text already in memory.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hinge_lib.recordings import readers, timeline  # noqa: E402
from hinge_lib.recordings.readers import MAX_FRAMES, read_motion  # noqa: E402
from hinge_lib.recordings.reps import analyze_motion  # noqa: E402
from hinge_lib.recordings.synthetic import synthetic_motion  # noqa: E402
from hinge_lib.view.recording_figures import plot_angles  # noqa: E402


def csv_bytes(rows: int) -> bytes:
    """A hinge recording of ``rows`` frames at 100 Hz as Kinovea-style CSV text."""
    frames = synthetic_motion("hinge", reps=rows // 330 + 2, rate_hz=100.0, seed=1,
                              noise_deg=0.5).iloc[:rows]
    table = np.column_stack([frames.index.to_numpy(), frames["hip"], frames["knee"],
                             frames["ankle"]])
    lines = ["time (s),Hip flexion,Knee flexion,Ankle"]
    lines += [f"{t:.2f},{h:.1f},{k:.1f},{a:.1f}" for t, h, k, a in table]
    return ("\n".join(lines) + "\n").encode()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_size(rows: int) -> None:
    """Read and analyse ``rows`` frames in this (fresh) process and print one table row."""
    data = csv_bytes(rows)
    before = peak_mib()
    start = time.perf_counter()
    frames = read_motion(data, name="big.csv")
    read_s = time.perf_counter() - start
    after_read = peak_mib()
    start = time.perf_counter()
    report = analyze_motion(frames)
    analyse_s = time.perf_counter() - start
    after_analyse = peak_mib()
    print(f"{rows:>10,} {len(data) / 1e6:>6.1f} {read_s:>7.2f} {after_read - before:>9.0f} "
          f"{analyse_s:>10.2f} {after_analyse - after_read:>12.0f} {len(report.reps):>6} "
          f"{after_analyse:>9.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rows", type=int, default=MAX_FRAMES)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        readers.MAX_FRAMES = timeline.MAX_FRAMES = max(args.one, MAX_FRAMES)
        one_size(args.one)
        return
    sizes = [n for n in (10_000, 100_000, 300_000, 1_000_000) if n <= args.max_rows]
    if args.max_rows > MAX_FRAMES:
        readers.MAX_FRAMES = timeline.MAX_FRAMES = args.max_rows
    print(f"MAX_FRAMES = {MAX_FRAMES:,}")
    print(f"{'rows':>10} {'MB':>6} {'read s':>7} {'+read MiB':>9} {'analyse s':>10} "
          f"{'+analyse MiB':>12} {'reps':>6} {'peak MiB':>9}", flush=True)
    for rows in sizes:
        subprocess.run([sys.executable, __file__, "--one", str(rows)], check=True)
    print()
    print(f"{'reps':>6} {'plot_angles s':>14} {'traces':>7}")
    for reps in (10, 100, 683, 2000):
        report = analyze_motion(synthetic_motion("hinge", reps=reps, rate_hz=25.0, seed=3))
        plot_angles(report)  # warm plotly's validators
        start = time.perf_counter()
        fig = plot_angles(report)
        seconds = time.perf_counter() - start
        print(f"{len(report.reps):>6} {seconds:>14.3f} {len(fig.data):>7}")


if __name__ == "__main__":
    main()
