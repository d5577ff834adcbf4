"""A class arriving at the one-machine JupyterHub (``python3 tasks.py hub``), on 127.0.0.1.

Run as root (the hub makes a system user per student):

    python3 benchmarks/bench_hub.py --sizes 10,20,30

For each class size N a fresh hub is started (the real one: deploy/hub/jupyterhub_config.py,
JupyterHub from PyPI, its proxy from npm) with N students ``hinge-bench-01`` ... , and the
students arrive evenly spread over ``--arrival`` seconds (one minute by default). Each one is a
plain client doing on the wire what JupyterLab does: log in with their own code, wait for
their own server, open a kernel for the explorer notebook, run its code, move the Hip slider
20 times (comm messages over the kernel websocket) and save one session to their practice log
(in their own home, the default path of PracticeLog).

Reported for each N:

- students served (figure shown, every slider move answered, session saved) and what failed;
- time to first figure, p50/p95: from the login request to the kernel having sent the
  explorer's live figure (its widget state); this includes starting the student's server;
- slider to figure, p50/p95: from sending the slider's new value to the figure's new frame
  coming back from the kernel;
- peak memory of the hub and everything it started (servers, kernels, proxy), total and per
  student (peak minus the idle hub, divided by N);
- the fault drill (``--no-faults`` skips it): with the class still on line, one student types
  a wrong password, one reloads 20 times (every fifth reload restarts the kernel), one student's
  kernel is killed; each must get a clear answer and carry on, a bystander keeps moving the
  slider, and afterwards every student's practice log must hold all its sessions and pass its
  checksum check.

The machine's load is printed with the results; run it on a quiet machine for the headline
figures. Students' accounts are removed at the end unless ``--keep-users``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookies
import importlib.util
import io
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench_classroom import PeakMemory, _decode, _message, fmt, free_port, percentile

ROOT = Path(__file__).resolve().parent.parent
EXPLORER = ROOT / "notebooks" / "10-pose-explorer.ipynb"
EXPLORER_IN_HOME = "hip-hinge-coach/notebooks/10-pose-explorer.ipynb"
MOVES = 20
STUDENT_PREFIX = "hinge-bench-"
INSTRUCTOR = "hinge-bench-teacher"
#: Code a student runs to keep one session in their practice log (the default file, in their
#: home); prints the session id.
SAVE_CODE = """from hinge_lib import PracticeLog, analyze_motion
from hinge_lib.recordings.synthetic import synthetic_motion
_report = analyze_motion(synthetic_motion("hinge", reps=2))
print("saved", PracticeLog().save_session(_report, "hip hinge", recorded_on="2026-12-02"))"""
#: Saves one session after another until the kernel is stopped (the killed kernel's last act).
SAVE_LOOP_CODE = """from hinge_lib import PracticeLog, analyze_motion
from hinge_lib.recordings.synthetic import synthetic_motion
_report = analyze_motion(synthetic_motion("hinge", reps=2))
_log = PracticeLog()
print("saving", flush=True)
while True:
    _log.save_session(_report, "hip hinge", recorded_on="2026-12-02")"""
#: Reads the whole log as its owner would; every read checks every session's checksum.
CHECK_CODE = """import json
from hinge_lib import PracticeLog
log = PracticeLog()
print(json.dumps({"sessions": len(log.sessions()), "reps": len(log.reps()),
                  "path": str(log.path)}))"""


def load_tasks():
    """tasks.py as a module (it sets up the hub's environment and settings)."""
    spec = importlib.util.spec_from_file_location("hinge_tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(tasks)
    return tasks


def explorer_code() -> list[str]:
    """The code cells of the explorer notebook, in order."""
    notebook = json.loads(EXPLORER.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


# ---------------------------------------------------------------- the hub


class Hub:
    """The course's one-machine JupyterHub, started in ``folder`` and stopped by `stop`."""

    def __init__(self, students: list[str], folder: Path, *, instructor: str = INSTRUCTOR,
                 cull_after: int = 3600, quiet: bool = False) -> None:
        tasks = load_tasks()
        self.bin = hub_bin = tasks.ensure_hub_env()
        proxy = tasks.ensure_hub_proxy()
        self.created: list[str] = []
        for name in [*students, instructor]:
            try:
                pwd.getpwnam(name)
            except KeyError:
                self.created.append(name)
            with contextlib.redirect_stdout(io.StringIO() if quiet else sys.stdout):
                tasks.ensure_system_user(name)
        self.students = students
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        #: each person's own access code (name -> code)
        self.codes = tasks.student_codes().ensure_codes(folder, [*students, instructor])
        self.admin_password = self.codes[instructor]
        port = free_port()
        env = dict(os.environ, **tasks.hub_settings(
            state=folder, proxy=proxy, ip="127.0.0.1", port=port, students=students,
            instructor=instructor, cull_after=cull_after,
            api_ports=(free_port(), free_port())))  # beside any other hub on this machine
        env.pop("PYTHONPATH", None)  # the students' servers use the hub environment's copy
        self.log = folder / "hub.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(hub_bin / "jupyterhub"), "-f", str(tasks.HUB_CONFIG)], cwd=folder, env=env,
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/hub/api", timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the hub did not start:\n" + self.log_tail()) from None
                time.sleep(0.5)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """Stop the hub (it stops the students' servers), then anything of theirs left."""
        for sig, wait in ((signal.SIGTERM, 40), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        for name in self.students:
            for pid in user_processes(name):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def remove_users(self) -> None:
        """Delete the system users this hub created (with their homes)."""
        for name in self.created:
            subprocess.run(["userdel", "--remove", name], capture_output=True)


def user_processes(name: str, word: bytes = b"") -> list[int]:
    """Process ids running as system user ``name`` whose command line contains ``word``."""
    uid = pwd.getpwnam(name).pw_uid
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if re.search(rf"^Uid:\s+{uid}\s", status, re.M) and word in cmd:
            found.append(int(entry))
    return found


def forget_practice_logs(names: list[str]) -> None:
    """Remove these users' practice logs (the default file in their homes), if any."""
    for name in names:
        with contextlib.suppress(KeyError):
            home = Path(pwd.getpwnam(name).pw_dir)
            shutil.rmtree(home / ".local" / "share" / "hinge-coach", ignore_errors=True)


def check_practice_log(name: str, hub_bin: Path) -> dict:
    """Read a student's practice log as that student: ``{"sessions", "reps", "path"}`` or
    ``{"error": ...}`` if it is missing, damaged or fails its checksum check."""
    home = pwd.getpwnam(name).pw_dir
    done = subprocess.run(["runuser", "-u", name, "--", "env", f"HOME={home}",
                           str(hub_bin / "python"), "-c", CHECK_CODE],
                          capture_output=True, text=True, cwd="/", timeout=120)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- a student's browser


class Browser:
    """Cookies and redirects kept by hand, as a browser does (tornado's client keeps none)."""

    def __init__(self, base: str) -> None:
        from tornado.httpclient import AsyncHTTPClient

        self.base = base
        self.http = AsyncHTTPClient()
        self.cookies: dict[tuple[str, str], str] = {}  # (name, path) -> value

    def cookie_header(self, path: str) -> str:
        chosen: dict[str, tuple[int, str]] = {}
        for (name, where), value in self.cookies.items():
            if path.startswith(where) and len(where) >= chosen.get(name, (-1, ""))[0]:
                chosen[name] = (len(where), value)
        return "; ".join(f"{k}={v}" for k, (_, v) in chosen.items())

    def cookie(self, name: str, path: str) -> str:
        header = self.cookie_header(path)
        found = re.search(rf"(?:^|; ){re.escape(name)}=([^;]*)", header)
        return found.group(1) if found else ""

    def keep(self, response) -> None:
        for header in response.headers.get_list("Set-Cookie"):
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                key = (name, morsel["path"] or "/")
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    async def fetch(self, path: str, method: str = "GET", body: str | None = None,
                    headers: dict[str, str] | None = None, timeout: float = 120.0):
        """Request ``path`` and follow redirects; returns (final response, final path)."""
        for _ in range(12):
            all_headers = {"Cookie": self.cookie_header(path), **(headers or {})}
            response = await self.http.fetch(
                self.base + path, method=method, body=body, headers=all_headers,
                follow_redirects=False, raise_error=False, request_timeout=timeout,
                allow_nonstandard_methods=True)
            self.keep(response)
            if response.code in (301, 302, 303, 307) and "Location" in response.headers:
                target = urllib.parse.urljoin(self.base + path, response.headers["Location"])
                path = target[len(self.base):] if target.startswith(self.base) else target
                if response.code != 307:
                    method, body, headers = "GET", None, None
                continue
            return response, path
        raise RuntimeError(f"too many redirects ending at {path}")

    async def log_in(self, name: str, password: str):
        """The hub's login form; returns (final response, final path)."""
        page, _ = await self.fetch("/hub/login")
        found = re.search(r'name="_xsrf" value="([^"]+)"', page.body.decode())
        xsrf = found.group(1) if found else ""
        form = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf})
        return await self.fetch("/hub/login?next=", method="POST", body=form,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})

    async def open_lab(self, name: str, timeout: float = 300.0) -> None:
        """Wait for the student's own server and open JupyterLab in it (the hub logs the
        browser in to it); ``TimeoutError`` with the last answer if it never comes."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            page, where = await self.fetch(f"/user/{name}/lab")
            if page.code == 200 and where.split("?")[0].endswith(f"/user/{name}/lab"):
                return
            last = f"HTTP {page.code} at {where.split('?')[0]}"
            await asyncio.sleep(1.0)
        raise TimeoutError(f"server not ready after {timeout:.0f} s ({last})")

    async def api(self, name: str, path: str, method: str = "GET", data: dict | None = None):
        """A JSON request to the student's server API (with its XSRF token, as Lab sends)."""
        prefix = f"/user/{name}/"
        headers = {"X-XSRFToken": self.cookie("_xsrf", prefix),
                   "Content-Type": "application/json"}
        response, _ = await self.fetch(prefix + "api/" + path, method=method,
                                       body=None if data is None else json.dumps(data),
                                       headers=headers)
        if response.code >= 400:
            raise RuntimeError(f"{method} api/{path}: HTTP {response.code}")
        return json.loads(response.body) if response.body else None


class KernelSocket:
    """A kernel websocket as JupyterLab uses it (Jupyter's JSON message format)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.statuses: list[str] = []  # execution states seen, restarting/dead included
        self.figure_at = 0.0  # time.perf_counter() when the live figure's state last arrived
        # messages compressed (permessage-deflate), as the course's servers offer browsers
        extensions = ws.headers.get("Sec-WebSocket-Extensions", "") if ws.headers else ""
        self.compressed = "permessage-deflate" in extensions

    @classmethod
    async def open(cls, browser: Browser, name: str, kernel_id: str) -> KernelSocket:
        from tornado import httpclient, websocket

        prefix = f"/user/{name}/"
        query = urllib.parse.urlencode({"session_id": uuid.uuid4().hex,
                                        "_xsrf": browser.cookie("_xsrf", prefix)})
        path = f"{prefix}api/kernels/{kernel_id}/channels?{query}"
        request = httpclient.HTTPRequest(
            browser.base.replace("http", "ws", 1) + path,
            headers={"Cookie": browser.cookie_header(path)}, request_timeout=120)
        # like a browser, offer compression
        ws = await websocket.websocket_connect(request, max_message_size=64 * 1024 * 1024,
                                               compression_options={})
        sock = cls(ws)
        await sock.ready()
        return sock

    async def ready(self, timeout: float = 120.0) -> None:
        """Wait until the kernel answers and its output channel reaches this socket (as Lab
        does before it runs anything: output sent earlier would be lost)."""
        deadline = time.monotonic() + timeout
        while True:
            msg_id = await self.send("kernel_info_request", {})
            try:
                await self.until(lambda m, asked=msg_id: m["header"]["msg_type"] == "status"
                                 and m["parent_header"].get("msg_id") == asked
                                 and m["content"].get("execution_state") == "idle", 5)
                return
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        msg_id, text = _message(msg_type, content, metadata)
        await self.ws.write_message(text)
        return msg_id

    async def until(self, match, timeout: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the kernel")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError("kernel websocket closed")
            msg = _decode(raw)
            if msg["header"]["msg_type"] == "status":
                self.statuses.append(msg["content"].get("execution_state", ""))
            if match(msg):
                return msg

    async def execute(self, code: str, timeout: float = 180.0, on_message=None) -> str:
        """Run code; returns what it printed. ``RuntimeError`` if it raised."""
        msg_id = await self.send("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        printed: list[str] = []
        replies: list[dict] = []
        idle: list[bool] = []

        def match(msg: dict) -> bool:
            # finished when both the reply (shell) and the idle status (iopub) are in: the
            # reply may overtake output the cell sent before it ended
            if on_message is not None:
                on_message(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                return False
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                printed.append(msg["content"].get("text", ""))
            elif kind == "error":
                printed.append(f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}")
            elif kind == "execute_reply":
                replies.append(msg)
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle.append(True)
            return bool(replies and idle)

        await self.until(match, timeout)
        reply = replies[0]
        if reply["content"].get("status") != "ok":
            raise RuntimeError("".join(printed)[-300:] or "the cell failed")
        return "".join(printed)

    async def run_explorer(self) -> Explorer:
        """Run the explorer notebook's code; returns its live figure and Hip slider."""
        models: dict[str, dict] = {}
        kinds: dict[str, int] = {}

        def watch(msg: dict) -> None:
            kinds[msg["header"]["msg_type"]] = kinds.get(msg["header"]["msg_type"], 0) + 1
            if msg["header"]["msg_type"] == "comm_open":
                content = msg["content"]
                state = content.get("data", {}).get("state", {})
                models[content["comm_id"]] = state
                if "frame" in state and "scene" in state:
                    self.figure_at = time.perf_counter()

        for code in explorer_code():
            await self.execute(code, on_message=watch)
        figure = next((cid for cid, s in models.items() if "frame" in s and "scene" in s), None)
        hip = next((cid for cid, s in models.items() if s.get("_model_name") == "IntSliderModel"
                    and s.get("description") == "Hip"), None)
        if figure is None or hip is None:
            raise RuntimeError(f"the explorer sent no live figure or no Hip slider (got {kinds})")
        # as the figure does once shown in JupyterLab: ask for frames ahead (the kernel works
        # them out while idle and sends them; this client reads and drops them)
        await self.send("comm_msg", {"comm_id": figure, "data": {
            "method": "custom", "content": {"kind": "wanted", "slider": None}}})
        return Explorer(figure, hip, int(models[hip]["value"]))

    async def move(self, explorer: Explorer, step: int, timeout: float = 60.0) -> float:
        """Move the Hip slider by ``step`` degrees; ms until the figure's new frame is back."""
        explorer.hip += step
        sent = time.perf_counter()
        await self.send("comm_msg", {"comm_id": explorer.hip_slider, "data": {
            "method": "update", "state": {"value": explorer.hip}, "buffer_paths": []}})
        await self.until(lambda m: m["header"]["msg_type"] == "comm_msg"
                         and m["content"].get("comm_id") == explorer.figure
                         and (m["content"].get("data", {}).get("state", {}).get("frame", {})
                              .get("controls", {}).get("hip")) == explorer.hip,
                         timeout)
        return (time.perf_counter() - sent) * 1000

    def close(self) -> None:
        self.ws.close()


@dataclass
class Explorer:
    figure: str  # comm id of the live figure
    hip_slider: str  # comm id of the Hip slider
    hip: int  # the slider's value (degrees)


@dataclass
class Student:
    name: str
    ok: bool = False
    stage: str = "not started"  # the step reached (or failed at)
    first_s: float | None = None
    slider_ms: list[float] = field(default_factory=list)
    saved: int = 0  # sessions the kernel confirmed saving to the practice log
    failure: str = ""
    browser: Browser | None = None
    kernel_id: str = ""
    socket: KernelSocket | None = None
    explorer: Explorer | None = None


async def open_explorer(student: Student, password: str, started: float) -> None:
    """Log in, wait for the server, start a kernel on the explorer notebook and run it."""
    name, browser = student.name, student.browser
    assert browser is not None
    student.stage = "login"
    page, where = await browser.log_in(name, password)
    if page.code >= 400:
        raise RuntimeError(f"login: HTTP {page.code} at {where.split('?')[0]}")
    student.stage = "server start"
    await browser.open_lab(name)
    student.stage = "kernel start"
    session = await browser.api(name, "sessions", "POST", {
        "path": EXPLORER_IN_HOME, "type": "notebook", "name": "10-pose-explorer.ipynb",
        "kernel": {"name": "python3"}})
    student.kernel_id = session["kernel"]["id"]
    student.socket = await KernelSocket.open(browser, name, student.kernel_id)
    student.stage = "explorer"
    student.explorer = await student.socket.run_explorer()
    student.first_s = student.socket.figure_at - started


async def one_student(student: Student, base: str, password: str, moves: int) -> None:
    """What one student does in class (see the module documentation)."""
    student.browser = Browser(base)
    try:
        await open_explorer(student, password, time.perf_counter())
        student.stage = "slider"
        for i in range(moves):
            student.slider_ms.append(await student.socket.move(student.explorer,
                                                               1 if i % 2 == 0 else -1))
            await asyncio.sleep(0.3)  # a student's hand, not a machine gun
        student.stage = "practice log"
        if "saved" in await student.socket.execute(SAVE_CODE):
            student.saved += 1
        student.ok = True
        student.stage = "done"
    except Exception as err:  # a failed student is a result, not a crash
        student.failure = f"{student.stage}: {type(err).__name__}: {err}"[:200]


# ---------------------------------------------------------------- the fault drill


async def fault_drill(hub: Hub, class_: list[Student]) -> dict:
    """A wrong password, twenty reloads and a killed kernel while a bystander keeps working;
    then every student's practice log is read back. Needs four served students."""
    ready = [s for s in class_ if s.ok]
    if len(ready) < 4:
        return {"ran": False, "why": f"only {len(ready)} students served (4 needed)"}
    wrong, reloader, killed, bystander = ready[:4]
    out: dict = {"ran": True}

    async def keep_moving(stop: asyncio.Event) -> dict:
        times, problems = [], []
        i = 0
        while not stop.is_set():
            try:
                times.append(await bystander.socket.move(bystander.explorer,
                                                         1 if i % 2 == 0 else -1, 30))
            except Exception as err:
                problems.append(f"{type(err).__name__}: {err}")
                break
            i += 1
            await asyncio.sleep(0.3)
        return {"moves": len(times), "p95_ms": percentile(times, 95), "problems": problems}

    async def wrong_password() -> dict:
        browser = Browser(hub.base)  # another device of the same student
        page, _ = await browser.log_in(wrong.name, "not-their-code")
        text = page.body.decode(errors="replace")
        said = "Invalid username or password" in text
        again, _ = await browser.log_in(wrong.name, hub.codes[wrong.name])
        await browser.open_lab(wrong.name, timeout=120)
        return {"status": page.code, "page_says_why": said, "then_logged_in": again.code < 400,
                "ok": page.code == 403 and said and again.code < 400}

    async def reloads() -> dict:
        browser, name = reloader.browser, reloader.name
        moved, restarts = 0, 0
        for i in range(1, 21):
            page, where = await browser.fetch(f"/user/{name}/lab")
            if page.code != 200:
                return {"ok": False, "reloads": i - 1, "why": f"reload {i}: HTTP {page.code}"}
            reloader.socket.close()
            if i % 5 == 0:  # now and then the student restarts the kernel too
                await browser.api(name, f"kernels/{reloader.kernel_id}/restart", "POST", {})
                restarts += 1
            try:
                reloader.socket = await KernelSocket.open(browser, name, reloader.kernel_id)
                reloader.explorer = await reloader.socket.run_explorer()
                await reloader.socket.move(reloader.explorer, 1 if i % 2 else -1, 30)
            except Exception as err:
                return {"ok": False, "reloads": i, "restarts": restarts, "moves_answered": moved,
                        "why": f"reload {i}: {type(err).__name__}: {err}"[:200]}
            moved += 1
        return {"ok": moved == 20, "reloads": 20, "restarts": restarts, "moves_answered": moved}

    async def kernel_dies() -> dict:
        sock, name = killed.socket, killed.name
        await sock.send("execute_request", {"code": SAVE_LOOP_CODE, "silent": False,
                                            "store_history": True, "user_expressions": {},
                                            "allow_stdin": False, "stop_on_error": True})
        await asyncio.sleep(2.0)  # killed in the middle of saving sessions
        pids = user_processes(name, killed.kernel_id.encode())
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        if not pids:
            return {"ok": False, "why": "kernel process not found"}
        try:  # the server tells the page: Lab then says "the kernel has died, restarting"
            await sock.until(lambda m: m["header"]["msg_type"] == "status"
                             and m["content"].get("execution_state") in ("restarting", "dead"),
                             60)
            told = sock.statuses[-1]
        except (TimeoutError, ConnectionError) as err:
            told = f"nothing ({type(err).__name__})"
        sock.close()
        deadline = time.monotonic() + 60
        while True:  # the server restarts the kernel by itself
            state = await killed.browser.api(name, f"kernels/{killed.kernel_id}")
            if state.get("execution_state") not in ("restarting", "starting", "dead"):
                break
            if time.monotonic() > deadline:
                return {"ok": False, "told": told, "why": "kernel not restarted in 60 s"}
            await asyncio.sleep(1.0)
        killed.socket = await KernelSocket.open(killed.browser, name, killed.kernel_id)
        killed.explorer = await killed.socket.run_explorer()
        await killed.socket.move(killed.explorer, 1, 30)
        return {"ok": told in ("restarting", "dead"), "told": told, "carried_on": True}

    stop = asyncio.Event()
    mover = asyncio.create_task(keep_moving(stop))
    for key, job in (("wrong_password", wrong_password()), ("reloads", reloads()),
                     ("kernel_killed", kernel_dies())):
        try:
            out[key] = await job
        except Exception as err:
            out[key] = {"ok": False, "why": f"{type(err).__name__}: {err}"[:200]}
    stop.set()
    out["bystander"] = await mover
    out["bystander"]["ok"] = not out["bystander"]["problems"] and out["bystander"]["moves"] > 0
    logs = {}
    for student in class_:
        found = await asyncio.to_thread(check_practice_log, student.name, hub.bin)
        # the killed student's kernel may have finished more saves before it died
        enough = ("error" not in found and (found["sessions"] >= student.saved
                  if student is killed else found["sessions"] == student.saved))
        logs[student.name] = {**found, "expected": student.saved, "ok": enough}
    out["logs"] = logs
    if isinstance(out.get("kernel_killed"), dict):
        out["kernel_killed"]["log_sessions"] = logs[killed.name].get("sessions")
    out["logs_ok"] = all(v["ok"] for v in logs.values())
    out["ok"] = all(out[k]["ok"] for k in ("wrong_password", "reloads", "kernel_killed",
                                           "bystander")) and out["logs_ok"]
    return out


# ---------------------------------------------------------------- one class


async def one_class(n: int, args: argparse.Namespace, folder: Path, names: list[str]) -> dict:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=4 * n + 10)
    forget_practice_logs(names)  # every size starts from empty practice logs
    hub = Hub(names, folder / f"hub-{n}", quiet=True)
    try:
        await asyncio.sleep(3)
        memory = PeakMemory(hub.proc.pid)
        class_ = [Student(name) for name in names]
        first_failure: list[tuple[float, str]] = []

        async def arrive(i: int, student: Student) -> None:
            await asyncio.sleep(i * args.arrival / n)
            await one_student(student, hub.base, hub.codes[student.name], MOVES)
            if not student.ok:
                first_failure.append((time.monotonic(), f"{student.name} at {student.failure}"))

        load_before = os.getloadavg()[0]
        await asyncio.gather(*(arrive(i, s) for i, s in enumerate(class_)))
        load_after = os.getloadavg()[0]
        drill = (await fault_drill(hub, class_) if args.faults
                 else {"ran": False, "why": "--no-faults"})
        await memory.stop()
        for student in class_:
            if student.socket is not None:
                student.socket.close()
        served = [s for s in class_ if s.ok]
        firsts = [s.first_s for s in served if s.first_s is not None]
        sliders = [ms for s in served for ms in s.slider_ms]
        failures: dict[str, int] = {}
        for s in class_:
            if not s.ok:
                key = re.sub(r"hinge-bench-\d+", "NAME", s.failure or "unknown")
                failures[key] = failures.get(key, 0) + 1
        return {
            "students": n, "served": len(served),
            "first_p50_s": percentile(firsts, 50), "first_p95_s": percentile(firsts, 95),
            "slider_p50_ms": percentile(sliders, 50), "slider_p95_ms": percentile(sliders, 95),
            "idle_hub_mb": memory.idle_mb, "peak_mb": memory.peak_mb,
            "per_student_mb": (memory.peak_mb - memory.idle_mb) / n,
            "failures": failures,
            "first_failure": min(first_failure)[1] if first_failure else None,
            "load_before": load_before, "load_after": load_after, "faults": drill,
        }
    finally:
        hub.stop()


def print_drill(drill: dict) -> None:
    if not drill.get("ran"):
        print(f"  fault drill: not run ({drill.get('why')})")
        return
    verdict = "passed" if drill["ok"] else "FAILED"
    print(f"  fault drill {verdict}:")
    w, r, k, b = (drill[x] for x in ("wrong_password", "reloads", "kernel_killed", "bystander"))
    print(f"    wrong password: HTTP {w.get('status')}, page says why: "
          f"{w.get('page_says_why')}, then logged in: {w.get('then_logged_in')} "
          f"{w.get('why', '')}")
    print(f"    20 reloads ({r.get('restarts', 0)} with a kernel restart): "
          f"{r.get('moves_answered', 0)}/20 answered {r.get('why', '')}")
    print(f"    killed kernel (while saving sessions in a loop): the server told the page "
          f"{k.get('told')!r}, carried on: {k.get('carried_on', False)}, its log holds "
          f"{k.get('log_sessions', '?')} sessions {k.get('why', '')}")
    print(f"    bystander: {b['moves']} slider moves meanwhile, p95 {fmt(b['p95_ms'], ' ms', 0)}"
          f"{', problems: ' + '; '.join(b['problems']) if b['problems'] else ''}")
    bad = {k: v for k, v in drill["logs"].items() if not v["ok"]}
    print(f"    practice logs: {len(drill['logs']) - len(bad)}/{len(drill['logs'])} intact "
          "(all sessions there, checksums pass)"
          + "".join(f"\n      {k}: {v}" for k, v in bad.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,20,30",
                        help="class sizes, comma-separated (default 10,20,30)")
    parser.add_argument("--arrival", type=float, default=60.0,
                        help="seconds the students arrive in (default 60)")
    parser.add_argument("--no-faults", dest="faults", action="store_false",
                        help="skip the fault drill")
    parser.add_argument("--keep-users", action="store_true",
                        help="leave the hinge-bench-* system users in place afterwards")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when piped to a file
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        print("bench_hub.py skipped: the hub makes a system user per student; run it as root")
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [f"{STUDENT_PREFIX}{i:02d}" for i in range(1, max(sizes) + 1)]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 1e9:.0f} GB memory")
    print(f"hub: one JupyterHub on 127.0.0.1, a server per student; students arrive within "
          f"{args.arrival:.0f} s; each runs the explorer, moves the Hip slider {MOVES} times "
          "and saves one session to their practice log")
    rows = []
    existing = set()
    for name in [*names, INSTRUCTOR]:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            existing.add(name)
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as folder:
        try:
            for n in sizes:
                print(f"\nN={n}: starting a fresh hub; the class arrives over "
                      f"{args.arrival:.0f} s ...")
                row = asyncio.run(one_class(n, args, Path(folder), names[:n]))
                rows.append(row)
                print(f"N={n}: served {row['served']}/{n}; load {row['load_before']:.1f} -> "
                      f"{row['load_after']:.1f}")
                if row["failures"]:
                    print(f"  failed first: {row['first_failure']}")
                    print(f"  failures: {row['failures']}")
                print(f"  first figure (login -> live figure from the kernel) p50/p95: "
                      f"{fmt(row['first_p50_s'], ' s')} / {fmt(row['first_p95_s'], ' s')}")
                print(f"  slider to figure (value sent -> new frame back) p50/p95: "
                      f"{fmt(row['slider_p50_ms'], ' ms', 0)} / "
                      f"{fmt(row['slider_p95_ms'], ' ms', 0)}")
                print(f"  memory: idle hub {row['idle_hub_mb']:.0f} MB, peak "
                      f"{row['peak_mb']:.0f} MB, {row['per_student_mb']:.0f} MB per student")
                print_drill(row["faults"])
        finally:
            if not args.keep_users:  # only the users this run created
                for name in sorted(set([*names, INSTRUCTOR]) - existing):
                    subprocess.run(["userdel", "--remove", name], capture_output=True)
    print("\nsummary (first figure includes starting the student's own server; slider = "
          "value sent -> new frame back)")
    print(f"{'N':>4} {'served':>7} {'first p50/p95 s':>16} {'slider p50/p95 ms':>18} "
          f"{'peak MB':>8} {'MB/student':>10}  faults  failed first")
    for r in rows:
        drill = r["faults"]
        verdict = ("passed" if drill.get("ok") else "FAILED") if drill.get("ran") else "-"
        print(f"{r['students']:>4} {r['served']:>3}/{r['students']:<3} "
              f"{fmt(r['first_p50_s']):>7}/{fmt(r['first_p95_s']):<8} "
              f"{fmt(r['slider_p50_ms'], digits=0):>8}/{fmt(r['slider_p95_ms'], digits=0):<9} "
              f"{r['peak_mb']:>8.0f} {r['per_student_mb']:>10.0f}  {verdict:<6}  "
              f"{r['first_failure'] or 'nothing'}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str) + "\n")
    failed = [r for r in rows if r["faults"].get("ran") and not r["faults"]["ok"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
