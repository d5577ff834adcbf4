"""A class arriving at the class app (``python3 tasks.py app --class``), on 127.0.0.1 only.

For each class size N, a fresh class app is started and N students arrive, evenly spread over
``--arrival`` seconds (one minute by default). A few of them (``--browsers``) are real headless
Chromium pages (Debian's /usr/bin/chromium through Playwright); the rest are plain clients
that do what a page does on the wire: load the page over HTTP, open the kernel websocket, fetch
the widget states and move the Hip slider. Every student moves the slider 20 times.

Reported for each N:

- students served (page loaded and slider answered) and what failed;
- time to first figure, p50/p95: browsers from navigation to the drawn stick figure; plain
  clients from the request to the kernel answering on the websocket with the figure's state
  (the server's share of a first figure: no browser drawing);
- slider-to-figure latency, p50/p95: browsers from the key press to the redrawn figure (from
  frames sent ahead once the kernel has worked them out, as a student sees it); plain
  clients from sending the slider's new value to the figure's frame for it coming back (the
  kernel's round trip). Plain clients also ask for frames ahead as a page does, so the
  server does that work for every student;
- peak memory of the app and all its kernels (resident set, from /proc), total and per
  student (peak minus the idle app with its warm pool, divided by N);
- kernels left ``--leave-wait`` seconds after everyone has left (pages closed without saying
  goodbye, so only the culler, with ``--cull-after``, can clean up).

The load of the machine is printed with the results: the browsers run on the same cores as
the server, which a real class does not do. Run it on a quiet machine for the headline
figures (``python3 benchmarks/bench_classroom.py``); ``--quick`` runs a small class.

Two harder modes:

- ``--burst``: everyone arrives in the same second, each in a real browser (unless
  ``--browsers`` says otherwise), so the first figure is timed as students see it. Error pages
  (HTTP 5xx other than the class-full 503) are counted; there should be none. The app culls
  idle kernels after its own 20 minutes here (a page still being drawn by a crowded test
  machine is not taken away), so the kernels left after everyone has gone are not a measure
  of the culler in this mode.
- misbehaving clients, beside the class: ``--half-sent N`` keeps N connections open that
  each send half a request's headers (opened again when the app closes them), and
  ``--ahead-loop`` runs one page that asks for frames ahead in a loop. Printed: what the app
  closed and dropped, the loop's kernel's share of a core, the students' slider times and
  the size of the app's log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]
MOVES = 20
BODY = 0  # unused argument of BODY_D_JS (kept so the calls read like the tests')
# the explorer's stick figure: the body path of its live SVG figure (as tests/browser.py)
BODY_D_JS = """(_) => { const p = document.querySelector(
  ".hinge-explorer .hinge-live-svg path.hinge-layer[data-name='body']");
  return p ? p.getAttribute('d') : null; }"""


@dataclass
class Result:
    kind: str  # "browser" or "client"
    ok: bool = False
    first_s: float | None = None
    slider_ms: list[float] = field(default_factory=list)
    failure: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(parts[1]), []).append(int(entry))
            rss[int(entry)] = int(parts[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total / 1e6


class PeakMemory:
    """Samples :func:`tree_rss_mb` of a process twice a second in the background:
    ``idle_mb`` when started, ``peak_mb`` the highest seen until :meth:`stop`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.idle_mb = self.peak_mb = tree_rss_mb(pid)
        self._done = asyncio.Event()
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while not self._done.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            await asyncio.sleep(0.5)

    async def stop(self) -> None:
        self._done.set()
        await self._task


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---------------------------------------------------------------- the app


class App:
    def __init__(self, n: int, args: argparse.Namespace, folder: Path) -> None:
        self.out = folder / f"app-{n}.out"
        self.err = folder / f"app-{n}.err"
        cmd = [sys.executable, "-m", "hinge_lib.serving", "class",
               "--notebooks", str(ROOT / "notebooks"),
               "--templates", str(ROOT / "deploy" / "jupyter"), "--port", str(free_port()),
               "--pool", str(args.pool), "--cull-after", str(args.cull_after),
               "--max-kernels", str(args.max_kernels or n + 10), "--no-browser",
               *(["--max-connections", str(args.max_connections)] if args.max_connections
                 else [])]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
        with open(self.out, "wb") as o, open(self.err, "wb") as e:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=o, stderr=e, env=env,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            found = re.search(r"^(http://\S+)$", self.out.read_text(), re.M)
            if found:
                self.url = found.group(1)
                self.base, self.code = self.url.split("?token=")
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("the class app did not start:\n" + self.err.read_text())

    def status(self) -> dict:
        for attempt in range(5):  # a connection closed in a flood is tried again
            try:
                with urllib.request.urlopen(f"{self.base}hinge/api/status?token={self.code}",
                                            timeout=30) as resp:
                    return json.loads(resp.read())
            except OSError:
                if attempt == 4:
                    raise
                time.sleep(2)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue


# ---------------------------------------------------------------- a plain client


def _message(msg_type: str, content: dict, metadata: dict | None = None) -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": msg_type, "session": "bench",
              "username": "student", "date": "2026-01-01T00:00:00Z", "version": "5.3"}
    return msg_id, json.dumps({"header": header, "parent_header": {},
                               "metadata": metadata or {}, "content": content,
                               "channel": "shell", "buffers": []})


def _decode(raw: str | bytes) -> dict:
    """A kernel message from Jupyter's JSON websocket format (binary when it has buffers)."""
    if isinstance(raw, str):
        return json.loads(raw)
    count = int.from_bytes(raw[:4], "big")
    offsets = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(count)]
    end = offsets[1] if count > 1 else len(raw)
    return json.loads(raw[offsets[0]:end])


async def open_explorer(app: App, result: Result) -> tuple | None:
    """Load the explorer's page over HTTP (keeping cookies, as a browser), open its kernel
    websocket and fetch the widget states; ``(ws, states, until, kernel id)`` or None (the
    failure is in ``result``)."""
    from tornado import httpclient, websocket

    started = time.perf_counter()
    # every student is a device of its own: no shared queue of 10 connections (tornado's
    # default), which in a burst would time the benchmark's own queue, not the app
    httpclient.AsyncHTTPClient.configure(None, max_clients=1000)
    http = httpclient.AsyncHTTPClient()
    cookies: dict[str, str] = {}
    url = f"{app.base}?token={app.code}"
    page = ""
    for _ in range(6):  # follow redirects by hand, keeping cookies
        response = await http.fetch(url, follow_redirects=False, raise_error=False,
                                    connect_timeout=300, request_timeout=300,
                                    headers={"Cookie": "; ".join(f"{k}={v}"
                                                                 for k, v in cookies.items())})
        for header in response.headers.get_list("Set-Cookie"):
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";")[0]
        if response.code in (301, 302, 303):
            location = response.headers["Location"]
            url = location if location.startswith("http") else app.base + location.lstrip("/")
            continue
        if response.code != 200:
            result.failure = f"page HTTP {response.code}"
            return None
        page = response.body.decode()
        break
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page)
    if not found:
        result.failure = "page without a kernel"
        return None
    kernel_id = found.group(1)
    ws = await websocket.websocket_connect(
        f"{app.base.replace('http', 'ws')}api/kernels/{kernel_id}/channels?token={app.code}",
        max_message_size=64 * 1024 * 1024, compression_options={})  # as a browser offers

    async def until(match, timeout: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            raw = await asyncio.wait_for(ws.read_message(), left)
            if raw is None:
                raise ConnectionError("websocket closed")
            msg = _decode(raw)
            if match(msg):
                return msg

    comm_id = uuid.uuid4().hex
    # ipywidgets' control comm: the widget states in one reply, as a page gets them
    _, opening = _message("comm_open", {"comm_id": comm_id, "target_name":
                                        "jupyter.widget.control", "data": {}},
                          {"version": "1.0.0"})
    await ws.write_message(opening)
    _, asking = _message("comm_msg", {"comm_id": comm_id,
                                      "data": {"method": "request_states"}})
    await ws.write_message(asking)
    reply = await until(lambda m: m["header"]["msg_type"] == "comm_msg"
                        and m["content"].get("comm_id") == comm_id)
    result.first_s = time.perf_counter() - started
    return ws, reply["content"]["data"]["states"], until, kernel_id


def _figure_of(states: dict) -> str:
    """The model id of the explorer's live figure."""
    return next(model for model, s in states.items()
                if "hip" in s.get("state", {}).get("controls", {}))


def _wanted(figure: str, slider: str | None) -> str:
    """A frames-ahead request, as the page's figure sends it."""
    return _message("comm_msg", {"comm_id": figure, "data": {
        "method": "custom", "content": {"kind": "wanted", "slider": slider}}})[1]


async def plain_student(app: App, result: Result, moves: int) -> None:
    opened = await open_explorer(app, result)
    if opened is None:
        return
    ws, states, until, _ = opened
    try:
        hip = next(model for model, s in states.items()
                   if s.get("model_name") == "IntSliderModel"
                   and s.get("state", {}).get("description") == "Hip")
        figure = _figure_of(states)
        # as the page's figure does once shown: ask the kernel for frames ahead (it works
        # them out while idle and sends them; this client reads and drops them)
        await ws.write_message(_wanted(figure, None))
        value = states[hip]["state"]["value"]
        for i in range(moves):
            value += 1 if i % 2 == 0 else -1
            _, update = _message("comm_msg", {"comm_id": hip, "data": {
                "method": "update", "state": {"value": value}, "buffer_paths": []}})
            sent = time.perf_counter()
            await ws.write_message(update)
            # the figure's new frame, for this value, back from the kernel
            await until(lambda m, value=value: m["header"]["msg_type"] == "comm_msg"
                        and m["content"].get("comm_id") == figure
                        and (m["content"].get("data", {}).get("state", {}).get("frame", {})
                             .get("controls", {}).get("hip")) == value)
            result.slider_ms.append((time.perf_counter() - sent) * 1000)
            await asyncio.sleep(0.3)  # a student's hand, not a machine gun
        result.ok = True
    finally:
        ws.close()  # leave without saying goodbye: only the culler cleans up


# ---------------------------------------------------------------- misbehaving clients


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kernel_pid(kernel_id: str) -> int | None:
    """Process id of the kernel with this id (found by its connection file's name)."""
    for entry in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            parts = entry.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ipykernel_launcher" in parts and any(kernel_id.encode() in p for p in parts):
            return int(entry.parent.name)
    return None


async def half_sent_connections(host: str, port: int, count: int, stop: asyncio.Event,
                                stats: dict) -> None:
    """``count`` connections that each send half a request's headers and then wait; one
    closed by the app is opened again, so ``count`` stay open as far as the app allows."""

    async def one() -> None:
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(host, int(port))
            except OSError:
                stats["refused"] += 1
                await asyncio.sleep(0.5)
                continue
            stats["opened"] += 1
            try:
                writer.write(b"GET / HTTP/1.1\r\nHost: class\r\n")  # never finished
                await writer.drain()
                await reader.read(100)  # returns when the app closes it
                stats["closed_by_app"] += 1
            except OSError:
                stats["closed_by_app"] += 1
            finally:
                writer.close()

    tasks = [asyncio.create_task(one()) for _ in range(count)]
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def half_sent_process(target: str, count: int) -> subprocess.Popen:
    """:func:`half_sent_connections` in a process of its own (so this one's clients are not
    slowed by it), stopped with SIGTERM; it then prints its counts as JSON."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 1024 if hard == resource.RLIM_INFINITY else min(hard, count + 1024)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # inherited by the child
    return subprocess.Popen([sys.executable, __file__, "--half-sent-to", target,
                             "--half-sent", str(count)], stdout=subprocess.PIPE, text=True)


def run_half_sent(target: str, count: int) -> int:
    """The body of :func:`half_sent_process`."""
    host, port = target.rsplit(":", 1)
    stats = {"opened": 0, "closed_by_app": 0, "refused": 0}

    async def run() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await half_sent_connections(host, int(port), count, stop, stats)

    asyncio.run(run())
    print(json.dumps(stats), flush=True)
    return 0


async def frames_ahead_loop(app: App, stop: asyncio.Event, stats: dict) -> None:
    """A page (plain client) that asks for frames ahead in a loop as fast as it can, for a
    new view and for slider after slider; reports its kernel's CPU time while it ran."""
    result = Result("loop")
    opened = await open_explorer(app, result)
    if opened is None:
        stats["failure"] = result.failure
        return
    ws, states, _, kernel_id = opened
    figure = _figure_of(states)
    pid = kernel_pid(kernel_id)
    started, cpu_before = time.perf_counter(), cpu_seconds(pid) if pid else 0.0

    async def drain() -> None:
        while await ws.read_message() is not None:
            stats["messages_back"] += 1

    reading = asyncio.create_task(drain())
    sliders = [None, "hip", "knee", "ankle", "lumbar"]
    while not stop.is_set():
        await ws.write_message(_wanted(figure, sliders[stats["sent"] % len(sliders)]))
        stats["sent"] += 1
        await asyncio.sleep(0.001)
    if pid:
        stats["kernel_core_share"] = ((cpu_seconds(pid) - cpu_before)
                                      / (time.perf_counter() - started))
    reading.cancel()
    ws.close()


# ---------------------------------------------------------------- a browser


async def browser_student(app: App, browser, result: Result, moves: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        started = time.perf_counter()
        response = await page.goto(app.url, wait_until="domcontentloaded", timeout=300_000)
        if response is None or response.status != 200:
            result.failure = f"page HTTP {response.status if response else '?'}"
            return
        await page.wait_for_function(f"() => ({BODY_D_JS})({BODY})", timeout=300_000)
        result.first_s = time.perf_counter() - started
        handle = page.locator(".widget-slider").filter(
            has=page.locator(".widget-label", has_text="Hip")).first.locator(".noUi-handle")
        for i in range(moves):
            before = await page.evaluate(BODY_D_JS, BODY)
            await handle.focus()
            sent = time.perf_counter()
            await handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
            await page.wait_for_function(
                f"(old) => {{ const d = ({BODY_D_JS})({BODY}); return d && d !== old; }}",
                arg=before, timeout=60_000, polling="raf")
            result.slider_ms.append((time.perf_counter() - sent) * 1000)
            await asyncio.sleep(0.3)
        result.ok = True
    finally:
        await context.close()


# ---------------------------------------------------------------- one class


async def one_class(n: int, args: argparse.Namespace, folder: Path) -> dict:
    app = App(n, args, folder)
    try:
        deadline = time.monotonic() + 300
        while app.status()["kernels"] < args.pool and time.monotonic() < deadline:
            await asyncio.sleep(1)
        await asyncio.sleep(3)  # let the warm pool finish running the notebook
        memory = PeakMemory(app.proc.pid)
        in_browser = {k * n // args.browsers for k in range(min(args.browsers, n))}
        results = [Result("browser" if i in in_browser else "client") for i in range(n)]
        playwright = browser = None
        if any(r.kind == "browser" for r in results):
            from playwright.async_api import async_playwright

            playwright = await async_playwright().start()
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                       args=CHROMIUM_ARGS)

        async def arrive(i: int, result: Result) -> None:
            await asyncio.sleep(i * args.arrival / n)
            try:
                if result.kind == "browser":
                    await browser_student(app, browser, result, MOVES)
                else:
                    await plain_student(app, result, MOVES)
            except Exception as err:  # a failed student is a result, not a crash
                result.failure = result.failure or f"{type(err).__name__}: {err}"[:120]

        stop = asyncio.Event()
        troubles: list[asyncio.Task] = []
        idle: dict = {}
        loop = {"sent": 0, "messages_back": 0}
        attacker = None
        if args.half_sent:
            attacker = half_sent_process(app.base.split("//")[1].rstrip("/"), args.half_sent)
            await asyncio.sleep(args.half_sent / 200 + 2)  # opened before the class arrives
        if args.ahead_loop:
            troubles.append(asyncio.create_task(frames_ahead_loop(app, stop, loop)))
            await asyncio.sleep(3)
        load_before = os.getloadavg()[0]
        await asyncio.gather(*(arrive(i, r) for i, r in enumerate(results)))
        load_after = os.getloadavg()[0]
        stop.set()
        await asyncio.gather(*troubles, return_exceptions=True)
        if attacker is not None:
            attacker.send_signal(signal.SIGTERM)
            out, _ = attacker.communicate(timeout=60)
            idle = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        app_status = app.status()
        await memory.stop()
        if browser is not None:
            await browser.close()
            await playwright.stop()
        left_at = time.monotonic()
        while time.monotonic() - left_at < args.leave_wait:
            await asyncio.sleep(5)
        status = app.status()
        served = [r for r in results if r.ok]
        firsts = [r.first_s for r in served if r.first_s is not None]
        sliders = [ms for r in served for ms in r.slider_ms]
        b_first = [r.first_s for r in served if r.kind == "browser" and r.first_s]
        b_slider = [ms for r in served if r.kind == "browser" for ms in r.slider_ms]
        c_first = [r.first_s for r in served if r.kind == "client" and r.first_s]
        c_slider = [ms for r in served if r.kind == "client" for ms in r.slider_ms]
        failures: dict[str, int] = {}
        for r in results:
            if not r.ok:
                failures[r.failure or "unknown"] = failures.get(r.failure or "unknown", 0) + 1
        return {
            "students": n, "served": len(served),
            "browsers": sum(r.kind == "browser" for r in results),
            "first_p50_s": percentile(firsts, 50), "first_p95_s": percentile(firsts, 95),
            "browser_first_p50_s": percentile(b_first, 50),
            "browser_first_p95_s": percentile(b_first, 95),
            "client_first_p50_s": percentile(c_first, 50),
            "client_first_p95_s": percentile(c_first, 95),
            "slider_p50_ms": percentile(sliders, 50), "slider_p95_ms": percentile(sliders, 95),
            "browser_slider_p50_ms": percentile(b_slider, 50),
            "browser_slider_p95_ms": percentile(b_slider, 95),
            "client_slider_p50_ms": percentile(c_slider, 50),
            "client_slider_p95_ms": percentile(c_slider, 95),
            "idle_app_mb": memory.idle_mb, "peak_mb": memory.peak_mb,
            "per_student_mb": (memory.peak_mb - memory.idle_mb) / n,
            "kernels_left": status["kernels"], "students_left": status["students"],
            "leave_wait_s": args.leave_wait, "cull_after_s": args.cull_after,
            "failures": failures, "load_before": load_before, "load_after": load_after,
            "error_pages": sum(r.failure.startswith("page HTTP 5") and "503" not in r.failure
                               for r in results),
            "full_pages": sum("503" in r.failure for r in results),
            "slider_max_ms": max(sliders) if sliders else None,
            "half_sent": dict(idle) if args.half_sent else None,
            "ahead_loop": dict(loop) if args.ahead_loop else None,
            "app_status": app_status,
            "log_bytes": app.out.stat().st_size + app.err.stat().st_size,
        }
    finally:
        app.stop()


def fmt(value, unit: str = "", digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", default="10,20,30",
                        help="class sizes, comma-separated (default 10,20,30)")
    parser.add_argument("--browsers", type=int, default=None,
                        help="real browsers per class (default 3; with --burst, everyone)")
    parser.add_argument("--arrival", type=float, default=60.0, help="seconds to arrive in")
    parser.add_argument("--burst", action="store_true",
                        help="everyone arrives in the same second, each in a real browser "
                             "unless --browsers says otherwise")
    parser.add_argument("--half-sent", type=int, default=0, metavar="N",
                        help="misbehaving: N idle connections that send half a request's "
                             "headers, kept open throughout")
    parser.add_argument("--max-connections", type=int, default=0,
                        help="the app's bound on open connections (default: its own, from "
                             "the open-file limit; 600 is what a 1,024-file desktop gets)")
    parser.add_argument("--ahead-loop", action="store_true",
                        help="misbehaving: one page asking for frames ahead in a loop")
    parser.add_argument("--pool", type=int, default=4)
    parser.add_argument("--cull-after", type=int, default=None,
                        help="seconds before an idle kernel is shut down (default 30, so that "
                             "leftover kernels are seen going; with --burst the app's own 1200: "
                             "a page drawn slowly on a crowded test machine is not culled "
                             "before it is drawn)")
    parser.add_argument("--leave-wait", type=float, default=120.0)
    parser.add_argument("--max-kernels", type=int, default=0, help="default: N + 10")
    parser.add_argument("--quick", action="store_true",
                        help="a class of 4 (1 browser), arriving in 10 s, 30 s after leaving")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--half-sent-to", help=argparse.SUPPRESS)  # the attacker's process
    args = parser.parse_args(argv)
    if args.half_sent_to:
        return run_half_sent(args.half_sent_to, args.half_sent)
    if args.quick:
        args.students, args.browsers, args.arrival, args.leave_wait = "4", 1, 10.0, 30.0
        args.cull_after, args.pool = 10, 2
    sizes = [int(s) for s in args.students.split(",")]
    if args.cull_after is None:
        args.cull_after = 1200 if args.burst else 30
    if args.burst:
        args.arrival = 0.0
        if args.browsers is None:
            args.browsers = max(sizes)
    if args.browsers is None:
        args.browsers = 3
    if not os.path.exists(CHROMIUM) and args.browsers:
        print(f"{CHROMIUM} not found: running with plain clients only")
        args.browsers = 0
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print(f"app: pool {args.pool}, cull after {args.cull_after} s; students arrive within "
          f"{args.arrival:.0f} s; {MOVES} slider moves each; {args.browsers} real browsers"
          + (f"; {args.half_sent} half-sent connections" if args.half_sent else "")
          + ("; a frames-ahead loop" if args.ahead_loop else ""))
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as folder:
        for n in sizes:
            row = asyncio.run(one_class(n, args, Path(folder)))
            rows.append(row)
            print(f"\nN={n}: served {row['served']}/{n} "
                  f"(failures: {row['failures'] or 'none'}); load {row['load_before']:.1f} -> "
                  f"{row['load_after']:.1f}")
            print(f"  first figure p50/p95: all {fmt(row['first_p50_s'], ' s')} / "
                  f"{fmt(row['first_p95_s'], ' s')}; browsers "
                  f"{fmt(row['browser_first_p50_s'], ' s')} / "
                  f"{fmt(row['browser_first_p95_s'], ' s')}; plain clients "
                  f"{fmt(row['client_first_p50_s'], ' s')} / "
                  f"{fmt(row['client_first_p95_s'], ' s')}")
            print(f"  slider to figure p50/p95: browsers "
                  f"{fmt(row['browser_slider_p50_ms'], ' ms', 0)} / "
                  f"{fmt(row['browser_slider_p95_ms'], ' ms', 0)}; plain clients "
                  f"{fmt(row['client_slider_p50_ms'], ' ms', 0)} / "
                  f"{fmt(row['client_slider_p95_ms'], ' ms', 0)}")
            print(f"  memory: idle app {row['idle_app_mb']:.0f} MB, peak {row['peak_mb']:.0f} MB, "
                  f"{row['per_student_mb']:.0f} MB per student")
            print(f"  {row['leave_wait_s']:.0f} s after everyone left: {row['kernels_left']} "
                  f"kernels ({row['students_left']} students')")
            print(f"  error pages (HTTP 5xx but 503): {row['error_pages']}; class-full pages: "
                  f"{row['full_pages']}; slowest slider {fmt(row['slider_max_ms'], ' ms', 0)}; "
                  f"app log {row['log_bytes'] / 1024:.0f} kB")
            if row["half_sent"]:
                print(f"  half-sent connections: {row['half_sent']}; the app closed "
                      f"{row['app_status'].get('connections_closed', '?')} to make room")
            if row["ahead_loop"]:
                share = row["ahead_loop"].get("kernel_core_share")
                print(f"  frames-ahead loop: {row['ahead_loop']['sent']} requests sent, "
                      f"{row['app_status'].get('frames_ahead_requests_dropped', '?')} dropped "
                      f"by the app; its kernel used {fmt(share and share * 100, ' %', 0)} "
                      "of a core")
    print("\ntargets (quiet 2-core machine): 30 served, p95 first figure <= 3 s, "
          "p95 slider <= 150 ms, <= 5 kernels left")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
