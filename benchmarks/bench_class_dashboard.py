"""How fast a student's answer reaches the instructor's dashboard in the class app.

A class app is started on 127.0.0.1 with its own state folder; ``--students`` plain clients
(each from 127.0.0.2, as a classmate's device, see tests/class_client.py) open the first
notebook and answer its first choice question ``--answers`` times each: pick an option and
press Check over the kernel websocket, as the page does. Meanwhile the instructor's tally
(``/instructor/api/tally``, what the dashboard reads) is polled every 50 ms.

Printed:

- answer to tally, p50/p95 (s): from the Check press to the tally counting it (the kernel
  grades, posts to the app, the app stores it);
- on the dashboard, p95 bound (s): that plus the dashboard's poll interval
  (hinge_lib.class_dashboard.POLL_MS) and the p95 time of one tally request;
- one tally request, p50/p95 (ms), with the class answering.

Run: ``python3 benchmarks/bench_class_dashboard.py`` (``--students 10 --answers 4``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CHECK = "00-arrow-key"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class TallyWatch:
    """Polls the tally every 50 ms; remembers when each answered count was first seen."""

    def __init__(self, url: str) -> None:
        self.url, self.seen, self.request_s, self.running = url, {}, [], True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while self.running:
            start = time.monotonic()
            with urllib.request.urlopen(self.url, timeout=30) as resp:
                tally = json.loads(resp.read())
            now = time.monotonic()
            self.request_s.append(now - start)
            entry = next(e for e in tally["checks"] if e["id"] == CHECK)
            key = (entry["answered"], tuple(o["count"] for o in entry["options"]))
            self.seen.setdefault(key, now)
            time.sleep(0.05)


async def student(app, watch: TallyWatch, answers: int, delays: list[float],
                  index: int) -> None:
    from class_client import KernelSocket, opener
    from hinge_lib.course import questions
    from test_class_dashboard import _first_notebook
    from test_classroom import page_kernel_id

    browser = opener()
    loop = asyncio.get_running_loop()
    url = f"{app.base}voila/render/{_first_notebook()}?token={app.code}"
    body = await loop.run_in_executor(None, lambda: browser.open(url, timeout=300).read())
    kernel_id = page_kernel_id(body.decode())
    socket = await KernelSocket.open(app.base, kernel_id, app.code)
    widgets = await socket.widgets()
    q = questions.get(CHECK)
    (radio,) = [c for c, s in widgets.items() if s["_model_name"] == "RadioButtonsModel"
                and s.get("_options_labels") == q["options"]]
    (box,) = [s for s in widgets.values() if f"IPY_MODEL_{radio}" in s.get("children", [])]
    (button,) = [c.removeprefix("IPY_MODEL_") for c in box["children"]
                 if widgets[c.removeprefix("IPY_MODEL_")]["_model_name"] == "ButtonModel"]
    for n in range(answers):
        socket.update(radio, {"index": (index + n) % len(q["options"])})
        await socket.read_for(0.5)
        before = dict(watch.seen)
        pressed = time.monotonic()
        socket.click(button)
        while time.monotonic() - pressed < 30:
            new = [t for k, t in watch.seen.items() if k not in before and t >= pressed]
            if new:
                delays.append(min(new) - pressed)
                break
            await asyncio.sleep(0.02)
        await socket.read_for(1.0 + index % 3 * 0.3)
    socket.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--answers", type=int, default=4)
    args = parser.parse_args(argv)
    from browser import stop_process
    from hinge_lib import class_room
    from hinge_lib.class_dashboard import POLL_MS
    from test_classroom import start_class_app

    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    app = start_class_app(folder, "--pool", "0", "--max-kernels", str(args.students + 2),
                          "--state", str(folder / "state"))
    try:
        watch = TallyWatch(app.base + class_room.TALLY_PATH)
        delays: list[float] = []

        async def everyone() -> None:
            await asyncio.gather(*(student(app, watch, args.answers, delays, i)
                                   for i in range(args.students)))

        asyncio.run(everyone())
        watch.running = False
        # concurrent answers can land in one poll: a delay is counted only when the tally
        # changed after its press, so a few answers of a burst may be missed, never invented
        print(f"students {args.students}, answers timed {len(delays)} of "
              f"{args.students * args.answers}")
        p95 = percentile(delays, 95)
        request_p95 = percentile(watch.request_s, 95)
        print("answer to tally, each (s):", " ".join(f"{d:.2f}" for d in sorted(delays)))
        print(f"answer to tally: p50 {percentile(delays, 50):.3f} s, p95 {p95:.3f} s")
        print(f"on the dashboard (p95 bound): {p95 + POLL_MS / 1000 + request_p95:.3f} s")
        print(f"one tally request: p50 {percentile(watch.request_s, 50) * 1000:.1f} ms, "
              f"p95 {request_p95 * 1000:.1f} ms ({len(watch.request_s)} requests)")
    finally:
        stop_process(app.proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
