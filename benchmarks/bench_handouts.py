"""Build time and size of the printable handouts (`python3 tasks.py handouts`).

    .venv/bin/python benchmarks/bench_handouts.py [--repeat N]

Builds every handout on A4 and US Letter into a temporary folder N times (default 3) in this
process and prints, per handout and paper, the pages, the file size and the median time to
read its data and set it; then the whole build's median wall-clock time and its first run
(which includes importing Typst and the model's first analyses).

Target: every handout on both papers in under 10 s on two cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hinge_lib.course import handouts  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    per: dict[tuple[str, str], list[float]] = {}
    pages: dict[tuple[str, str], tuple[int, int]] = {}
    totals = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(max(1, args.repeat)):
            started = time.perf_counter()
            for name in handouts.HANDOUTS:
                t = time.perf_counter()
                data = handouts.content(name)
                read_s = time.perf_counter() - t
                for paper in handouts.PAPERS:
                    t = time.perf_counter()
                    pdf = handouts.render(name, paper, data)
                    path = Path(folder, f"{name}-{paper}.pdf")
                    path.write_bytes(pdf)
                    per.setdefault((name, paper), []).append(
                        read_s / len(handouts.PAPERS) + time.perf_counter() - t)
                    pages[(name, paper)] = (handouts.page_count(pdf), len(pdf))
            totals.append(time.perf_counter() - started)
    print(f"{'handout':<24} {'paper':<7} {'pages':>5} {'size':>9} {'median s':>9}")
    for (name, paper), times in per.items():
        count, size = pages[(name, paper)]
        print(f"{name:<24} {paper:<7} {count:>5} {size / 1e3:>7.0f} kB "
              f"{statistics.median(times):>9.2f}")
    print(f"all {len(per)} PDFs, {sum(c for c, _ in pages.values())} pages: median "
          f"{statistics.median(totals):.2f} s per build, first build {totals[0]:.2f} s "
          f"({len(totals)} builds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
