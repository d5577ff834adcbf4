"""Python-side cost of one explorer update: the analysis plus the in-place trace update.

    .venv/bin/python benchmarks/bench_explorer.py [--updates N] [--strict]

Prints median and 90th percentile in milliseconds for: the analysis alone, building the
trace data, and a whole update (a slider value set in Python, which runs the analysis,
sends one live-figure frame and rewrites the readout).
The budget for a whole update is 2 ms; with --strict the script exits 1 above it. The
machine's load average is printed before and after (other work on the machine slows it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_MS = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn: Callable[[int], object], n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(label: str, ms: list[float]) -> tuple[float, float]:
    med, p90 = statistics.median(ms), percentile(ms, 90)
    print(f"{label:<38} median {med:6.2f} ms   p90 {p90:6.2f} ms   (n={len(ms)})")
    return med, p90


def load_average() -> str:
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} (1, 5, 15 min)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--strict", action="store_true", help="exit 1 if over budget")
    args = parser.parse_args()

    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.body import Body
    from hinge_lib.model.pose import Pose
    from hinge_lib.view import figures as drawing
    from hinge_lib.widgets.explorer import explore

    print(f"machine: {load_average()}")
    body = Body()
    hips = [20 + (i % 90) for i in range(args.updates)]
    poses = [Pose(ankle=5, knee=20, hip=h, lumbar=(h % 30) - 10) for h in hips]
    for p in poses[:20]:  # warm caches
        drawing.trace_data(analyze(p, body, load_kg=16, hold="hands"))

    analysis_ms = timed(lambda i: analyze(poses[i], body, load_kg=16, hold="hands"), args.updates)
    analyses = [analyze(p, body, load_kg=16, hold="hands") for p in poses]
    traces_ms = timed(lambda i: drawing.trace_data(analyses[i]), args.updates)
    readout_ms = timed(lambda i: drawing.readout_html(analyses[i]), args.updates)

    ex = explore(load_kg=16)
    ex.sliders["knee"].value = 20
    ex.sliders["ankle"].value = 5
    for i in range(20):
        ex.sliders["hip"].value = 1 + i

    def one_update(i: int) -> None:
        ex.sliders["hip"].value = hips[i]  # hips change every step, so no update is skipped

    update_ms = timed(one_update, args.updates)

    ex.ghost.value = "back_squat"
    ghost_ms = timed(one_update, args.updates)

    print("Pose explorer, Python side of one update")
    report("analyze()", analysis_ms)
    report("drawing.trace_data()", traces_ms)
    report("drawing.readout_html()", readout_ms)
    med, p90 = report("whole update (slider -> figure+readout)", update_ms)
    report("whole update with a ghost shown", ghost_ms)
    verdict = "within" if med <= BUDGET_MS else "OVER"
    print(f"budget {BUDGET_MS:.0f} ms per update: median {verdict} budget")
    print(f"machine: {load_average()}")
    return 1 if args.strict and med > BUDGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
