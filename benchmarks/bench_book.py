"""Build time and size of the course website (`python3 tasks.py book`).

    .venv/bin/python benchmarks/bench_book.py [--instructor]

Runs the real command into a temporary folder (it sets up the `book` extra if needed,
executes every notebook and builds the site) and prints:

1. the wall-clock time of the whole command, and the build's own split (executing the
   notebooks, jupyter-book);
2. the size of the site: total, the one shared plotly.js, the downloadable notebooks
   (`_sources`), the theme's other static files and the pages themselves, the largest pages;
3. for comparison, the size the site would have if every page with a figure carried its
   own copy of plotly.js (what plotly's `notebook` renderer does).

Targets: the learner's edition builds in under 5 minutes on two cores and stays under
20 MB, with plotly.js stored once.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def size(paths) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instructor", action="store_true", help="the instructor's edition")
    args, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        out = Path(tmp) / "site"
        cmd = [sys.executable, str(ROOT / "tasks.py"), "book", "--out", str(out)]
        if args.instructor:
            cmd.append("--instructor")
        started = time.monotonic()
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        took = time.monotonic() - started
        if result.returncode != 0:
            print(result.stdout[-3000:] + result.stderr[-3000:])
            print("error: the book build failed")
            return 1
        summary = next((line for line in result.stdout.splitlines()
                        if "'s edition:" in line), "")
        site = Path(result.stdout.strip().splitlines()[-1]).parent
        files = [p for p in site.rglob("*") if p.is_file()]
        total = size(files)
        plotly_js = site / "_static" / "plotly.min.js"
        sources = size((site / "_sources").rglob("*"))
        static = size((site / "_static").rglob("*")) - plotly_js.stat().st_size
        pages = sorted(site.glob("*.html"), key=lambda p: p.stat().st_size, reverse=True)
        with_figures = [p for p in pages if "plotly-graph-div" in p.read_text("utf-8")]

        edition = "instructor's" if args.instructor else "learner's"
        print(f"course website, {edition} edition")
        print(f"  whole command (set-up check, execute, build, check): {took:.0f} s")
        match = re.search(r"executed in (\d+) s, built in (\d+) s", summary)
        if match:
            print(f"  executing the notebooks: {match.group(1)} s; jupyter-book: "
                  f"{match.group(2)} s")
        print(f"  site size: {mb(total)} in {len(files)} files")
        print(f"    plotly.min.js (once):        {mb(plotly_js.stat().st_size)}")
        print(f"    notebooks to download:       {mb(sources)}")
        print(f"    theme, search, other static: {mb(static + size([site / 'searchindex.js']))}")
        print(f"    {len(pages)} pages:                   {mb(size(pages))}")
        for page in pages[:3]:
            print(f"      {page.name}: {page.stat().st_size / 1e3:.0f} kB")
        inlined = total + plotly_js.stat().st_size * (len(with_figures) - 1)
        print(f"  with plotly.js inlined in each of the {len(with_figures)} pages with figures "
              f"it would be {mb(inlined)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
