"""How fast a student's answer reaches the instructor's dashboard in the class app, and how
fast the students' sliders answer meanwhile.

A class app is started on 127.0.0.1 with its own state folder; ``--students`` plain clients
(each from 127.0.0.2, as a classmate's device, see tests/class_client.py) open the first
notebook and, at once,

- answer its first choice question ``--answers`` times each: pick an option and press Check
  over the kernel websocket, as the page does;
- drag the Hip slider of its pose task: a new value every 0.3 s (a hand, not a machine),
  timed from sending the value to the figure's frame for it coming back, also while its
  answer travels. Each page asks for frames ahead when opened, as a page's figure does, and
  the students start together :data:`SETTLE_S` after the last page opened.

Meanwhile the instructor's dashboard is open: a client (a process of its own) asks for the
tally exactly as the dashboard page does (``/instructor/api/tally?after=N``, answered when
the tally changes).

Printed:

- answer to dashboard, p50/p95 (s): from the Check press to the dashboard's request
  returning a tally that counts it (the kernel grades, posts to the app, the app stores it
  and answers the waiting request);
- students' slider to figure, p50/p95 (ms), with the room answering and the dashboard open;
- tally answers received, and the load average of the machine before and after.

Run: ``python3 benchmarks/bench_class_dashboard.py`` (``--students 30 --answers 4``).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CHECK = "00-arrow-key"
#: Seconds every page is left alone after the last one opened (frames sent ahead settle).
SETTLE_S = 5.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def watch_tally(url: str, out) -> None:
    """The dashboard, in a process of its own: one waiting ``?after=N`` request at a time,
    as the page keeps; puts (arrival time, state of the timed question) on ``out``."""
    version = -1
    while True:
        try:
            with urllib.request.urlopen(f"{url}?after={version}", timeout=60) as resp:
                tally = json.loads(resp.read())
        except OSError:
            return  # the app stopped at the end of the run
        now = time.monotonic()  # (system-wide: comparable with the students' process)
        version = tally["version"]
        entry = next(e for e in tally["checks"] if e["id"] == CHECK)
        out.put((now, (entry["answered"], tuple(o["count"] for o in entry["options"]))))


class TallyWatch:
    """What the dashboard has seen: when each state of the timed question first arrived."""

    def __init__(self, url: str) -> None:
        self.seen: dict[tuple, float] = {}
        self.received = 0
        self.lock = threading.Lock()
        self.queue = multiprocessing.Queue()
        self.process = multiprocessing.Process(target=watch_tally, args=(url, self.queue),
                                               daemon=True)
        self.process.start()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            at, key = self.queue.get()
            with self.lock:
                self.received += 1
                self.seen.setdefault(key, at)

    def states(self) -> set[tuple]:
        with self.lock:
            return set(self.seen)

    def first_new(self, before: set[tuple], pressed: float) -> float | None:
        """When the dashboard first showed a state not in ``before``, after ``pressed``."""
        with self.lock:
            new = [t for k, t in self.seen.items() if k not in before and t >= pressed]
        return min(new) if new else None


class Hand:
    """A student's hand on the pose task's Hip slider: moves it by one and times the
    figure's frame for the new value coming back from the kernel."""

    def __init__(self, socket, widgets: dict) -> None:
        self.socket = socket
        self.hip = next(c for c, s in widgets.items() if s["_model_name"] == "IntSliderModel"
                        and s.get("description") == "Hip")
        self.figure = next(c for c, s in widgets.items()
                           if "hip" in (s.get("controls") or {}))
        self.value, self.moves = widgets[self.hip]["value"], 0

    def ask_ahead(self) -> None:
        """What a page's figure does once shown: ask for frames ahead."""
        self.socket.comm(self.figure, {"method": "custom",
                                       "content": {"kind": "wanted", "slider": None}})

    async def move(self, slider_ms: list[float]) -> None:
        from class_client import _decode

        self.value += 1 if self.moves % 2 == 0 else -1
        self.moves += 1
        sent = time.perf_counter()
        self.socket.update(self.hip, {"value": self.value})
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(self.socket.conn.read_message(),
                                             deadline - time.monotonic())
            except asyncio.TimeoutError:
                return
            if raw is None:
                return
            # only the figure's messages are decoded (frames sent ahead are large)
            if isinstance(raw, str) and (self.figure not in raw or '"frame"' not in raw):
                continue
            msg = _decode(raw)
            frame = msg["content"].get("data", {}).get("state", {}).get("frame", {})
            if frame.get("controls", {}).get("hip") == self.value:
                slider_ms.append((time.perf_counter() - sent) * 1000)
                return


class Everyone:
    """Lets the students start together, once every page is open."""

    def __init__(self, n: int) -> None:
        self.waiting, self.go = n, asyncio.Event()

    async def ready(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            print(f"all pages open after {time.monotonic() - STARTED:.0f} s", flush=True)
            self.go.set()
        await self.go.wait()


STARTED = time.monotonic()
#: Students whose page's widgets did not arrive in five tries (printed).
NOT_SERVED: list[int] = []
PAGES = concurrent.futures.ThreadPoolExecutor(max_workers=64)


async def student(app, watch: TallyWatch, answers: int, delays: list[float],
                  slider_ms: list[float], index: int, room: Everyone) -> None:
    from class_client import KernelSocket, opener
    from hinge_lib.course import questions
    from test_class_dashboard import _first_notebook
    from test_classroom import page_kernel_id

    browser = opener()
    loop = asyncio.get_running_loop()
    url = f"{app.base}voila/render/{_first_notebook()}?token={app.code}"
    # (own threads: tornado resolves the websocket's address in the default executor)
    body = await loop.run_in_executor(PAGES, lambda: browser.open(url, timeout=300).read())
    kernel_id = page_kernel_id(body.decode())
    socket = await KernelSocket.open(app.base, kernel_id, app.code)
    q = questions.get(CHECK)
    for _ in range(5):  # on a loaded machine a state can miss the client's wait: ask again
        widgets = await socket.widgets()
        states = widgets.values()
        if (any(s.get("_options_labels") == q["options"] for s in states)
                and any("hip" in (s.get("controls") or {}) for s in states)
                and any(s.get("description") == "Hip" for s in states)):
            break
    else:
        NOT_SERVED.append(index)  # its page's widgets never all arrived: said, not hidden
        await room.ready()
        socket.close()
        return
    hand = Hand(socket, widgets)
    hand.ask_ahead()
    (radio,) = [c for c, s in widgets.items() if s["_model_name"] == "RadioButtonsModel"
                and s.get("_options_labels") == q["options"]]
    (box,) = [s for s in widgets.values() if f"IPY_MODEL_{radio}" in s.get("children", [])]
    (button,) = [c.removeprefix("IPY_MODEL_") for c in box["children"]
                 if widgets[c.removeprefix("IPY_MODEL_")]["_model_name"] == "ButtonModel"]
    await room.ready()
    await asyncio.sleep(SETTLE_S + index * 0.1)  # students are not in lockstep
    for n in range(answers):
        socket.update(radio, {"index": (index + n) % len(q["options"])})
        for _ in range(2):
            await hand.move(slider_ms)
            await asyncio.sleep(0.3)
        before = watch.states()
        pressed = time.monotonic()
        socket.click(button)
        while time.monotonic() - pressed < 30:  # dragging on while the answer travels
            seen = watch.first_new(before, pressed)
            if seen is not None:
                delays.append(seen - pressed)
                break
            await hand.move(slider_ms)
            await asyncio.sleep(0.3)
        for _ in range(2 + index % 3):
            await hand.move(slider_ms)
            await asyncio.sleep(0.3)
    socket.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--answers", type=int, default=4)
    args = parser.parse_args(argv)
    from browser import stop_process
    from hinge_lib import class_room
    from test_classroom import start_class_app

    load_before = os.getloadavg()

    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    app = start_class_app(folder, "--pool", "0", "--max-kernels", str(args.students + 2),
                          "--state", str(folder / "state"))
    try:
        watch = TallyWatch(app.base + class_room.TALLY_PATH)
        delays: list[float] = []
        slider_ms: list[float] = []

        async def everyone() -> None:
            room = Everyone(args.students)
            await asyncio.gather(*(student(app, watch, args.answers, delays, slider_ms, i,
                                           room) for i in range(args.students)))

        asyncio.run(everyone())
        # concurrent answers can land in one poll: a delay is counted only when the tally
        # changed after its press, so a few answers of a burst may be missed, never invented
        print(f"students {args.students} ({len(NOT_SERVED)} whose page's widgets did not "
              f"arrive), answers timed {len(delays)} of {args.students * args.answers}")
        print("answer to dashboard, each (s):", " ".join(f"{d:.2f}" for d in sorted(delays)))
        print(f"answer to dashboard: p50 {percentile(delays, 50):.3f} s, "
              f"p95 {percentile(delays, 95):.3f} s")
        print(f"students' slider to figure: p50 {percentile(slider_ms, 50):.0f} ms, "
              f"p95 {percentile(slider_ms, 95):.0f} ms ({len(slider_ms)} moves)")
        print(f"tally answers received by the dashboard: {watch.received}")
        print(f"run: {time.monotonic() - STARTED:.0f} s")
        print("load average (1, 5, 15 min) before: "
              + " ".join(f"{x:.2f}" for x in load_before)
              + "; after: " + " ".join(f"{x:.2f}" for x in os.getloadavg())
              + f"; cores: {os.cpu_count()}")
    finally:
        stop_process(app.proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
