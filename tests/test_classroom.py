"""The class app (``python3 tasks.py app --class``): the course served to a room of students.

The fast tests check the pieces (course index, access code, configuration, presenter copy);
the `slow` ones start the real app on 127.0.0.1 and talk to it over HTTP and the kernel
websocket, as students' browsers do.
"""

from __future__ import annotations

import contextlib
import glob
import http.cookiejar
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

import class_client
from hinge_lib import serving

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = ROOT / "deploy" / "jupyter"
EXPLORER_PAGE = f"voila/render/{serving.EXPLORER_NOTEBOOK}"


# ---------------------------------------------------------------- helpers (also used by the
# browser tests in test_classroom_browser.py)


class ClassApp:
    """A class app started for a test: its address, access code, process and log files."""

    def __init__(self, url: str, proc: subprocess.Popen, out: Path, err: Path) -> None:
        self.url = url
        self.base = url.split("?")[0]
        self.code = url.split("token=")[1]
        self.proc = proc
        self.out = out
        self.err = err
        self.state: Path | None = None  # its state folder (start_class_app sets it)

    def status(self) -> dict:
        with urllib.request.urlopen(f"{self.base}hinge/api/status?token={self.code}",
                                    timeout=30) as resp:
            return json.loads(resp.read())

    def log(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")


def start_class_app(folder: Path, *args: str, timeout: float = 120.0,
                    env: dict[str, str] | None = None) -> ClassApp:
    """Start ``python -m hinge_lib.serving class`` on a free loopback port; wait for its address.

    ``env`` adds to the app's environment (its kernels inherit it); a ``PYTHONPATH`` in it
    comes first on the path. The app keeps its state (answers, the room's pacing, the
    kernels' IPython profile) in ``folder/state`` unless ``args`` name a ``--state``: apps
    of parallel tests never share it, and nothing is written in the user's home."""
    from browser import free_port, stop_process

    out, err = folder / "app.out", folder / "app.err"
    state = Path(args[args.index("--state") + 1]) if "--state" in args else folder / "state"
    if "--state" not in args:
        args = (*args, "--state", str(state))
    cmd = [sys.executable, "-m", "hinge_lib.serving", "class", "--notebooks", str(NOTEBOOKS),
           "--templates", str(TEMPLATES), "--port", str(free_port()), "--no-browser", *args]
    extra = dict(env or {})
    path = os.pathsep.join(p for p in (extra.pop("PYTHONPATH", None), str(ROOT),
                                       os.environ.get("PYTHONPATH")) if p)
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                                env=dict(os.environ, **extra, PYTHONPATH=path),
                                start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [ln for ln in out.read_text(errors="replace").splitlines()
                 if ln.startswith("http")]
        if lines:
            app = ClassApp(lines[0].strip(), proc, out, err)
            app.state = state
            return app
        if proc.poll() is not None:
            break
        time.sleep(0.25)
    stop_process(proc)
    raise RuntimeError(f"the class app did not start:\n{err.read_text(errors='replace')}")


def wait_for(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(interval)


def kernel_pid(kernel_id: str) -> int | None:
    """Process id of the kernel with this id (found by its connection file)."""
    for entry in glob.glob("/proc/[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            parts = Path(entry).read_bytes().split(b"\0")
            if b"ipykernel_launcher" in parts and any(kernel_id.encode() in p for p in parts):
                return int(entry.split("/")[2])
    return None


class Student:
    """One browser's worth of HTTP: its own cookies (login and seat), on a device of the room
    (requests come from a student's address, see class_client.py)."""

    everyone: list[Student] = []

    def __init__(self, app: ClassApp) -> None:
        self.app = app
        self.kernels: list[str] = []
        Student.everyone.append(self)
        self.jar = http.cookiejar.CookieJar()
        self.opener = class_client.opener(jar=self.jar)

    def get(self, path: str, **params: str) -> tuple[int, str, str]:
        """(status, final url, body) of a GET, following redirects."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with self.opener.open(self.app.base + path + query, timeout=120) as resp:
                return resp.status, resp.geturl(), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, err.geturl(), err.read().decode("utf-8", "replace")

    def open_explorer(self) -> str:
        """Log in with the printed address and open the explorer; return the page's kernel id."""
        status, url, body = self.get("", token=self.app.code)
        assert status == 200, body[:500]
        assert url.endswith(EXPLORER_PAGE)
        self.kernels.append(page_kernel_id(body))
        return self.kernels[-1]


def leave_all(app: ClassApp) -> None:
    """Shut down every student's kernel, as if all pages were closed."""
    for kernel_id in [k for student in Student.everyone for k in student.kernels]:
        req = urllib.request.Request(f"{app.base}voila/api/shutdown/{kernel_id}"
                                     f"?token={app.code}", method="POST", data=b"")
        with contextlib.suppress(urllib.error.HTTPError), urllib.request.urlopen(req, timeout=60):
            pass
    for student in Student.everyone:
        student.kernels.clear()
    wait_for(lambda: app.status()["students"] == 0, 60, "students to leave")


def page_kernel_id(body: str) -> str:
    match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', body)
    assert match, "no kernel id on the page"
    return match.group(1)


# ---------------------------------------------------------------- the pieces


def test_the_index_lists_every_course_notebook_in_order_with_its_title():
    entries = serving.course_entries(NOTEBOOKS)
    files = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert [e.file for e in entries] == files
    assert serving.EXPLORER_NOTEBOOK in files
    for entry in entries:
        notebook = json.loads((NOTEBOOKS / entry.file).read_text())
        headings = [line[2:] for cell in notebook["cells"] if cell["cell_type"] == "markdown"
                    for line in "".join(cell["source"]).splitlines() if line.startswith("# ")]
        assert entry.title and entry.title in headings[0]
        assert not entry.title[0].isdigit()


def test_the_index_counts_every_self_check_of_a_notebook():
    for entry in serving.course_entries(NOTEBOOKS):
        notebook = json.loads((NOTEBOOKS / entry.file).read_text())
        code = "\n".join("".join(c["source"]) for c in notebook["cells"]
                         if c["cell_type"] == "code")
        calls = re.findall(r"selfcheck\.(?:\w+_question|question)\(", code)
        assert len(entry.self_checks) == len(calls)
    assert sum(len(e.self_checks) for e in serving.course_entries(NOTEBOOKS)) > 10


def test_the_index_page_links_each_notebook_and_escapes_text(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# 3 · Bars <b>& bells</b>\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["selfcheck.choice_question('Which <one>?', ['a', 'b'], 0)\n",
                    "selfcheck.number_question(question, 3)\n"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "03-bars.ipynb").write_text(json.dumps(nb))
    (tmp_path / "notes.ipynb").write_text(json.dumps(nb))  # not a numbered course notebook
    (entry,) = serving.course_entries(tmp_path)
    assert entry.title == "Bars <b>& bells</b>"
    assert entry.self_checks == ("Which <one>?", "a question about this notebook's figure")
    page = serving.course_index_html([entry], "/class/")
    assert 'href="/class/voila/render/03-bars.ipynb"' in page
    assert "Bars &lt;b&gt;&amp; bells&lt;/b&gt;" in page
    assert "Which &lt;one&gt;?" in page and "2 self-checks" in page
    assert "<b>" not in page


def test_access_codes_are_fresh_and_easy_to_read_aloud():
    codes = {serving.new_access_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code)
        assert not set(code) & set("01lio")


def test_the_login_page_explains_a_wrong_code():
    plain = serving.login_html("/x", None)
    assert "Access code" in plain and "not right" not in plain
    wrong = serving.login_html("/x", "That access code is not right.")
    assert 'role="alert"' in wrong and "not right" in wrong


def test_the_full_page_says_nothing_is_lost_and_retries():
    page = serving.full_page_html(30, 30)
    assert "30" in page and "nothing is lost" in page
    assert 'http-equiv="refresh"' in page


def test_class_configuration_warms_only_the_explorer_and_culls_idle_kernels():
    cfg = serving.class_config(pool=4, cull_after=600, max_kernels=30, open_browser=False,
                               ip="0.0.0.0", port=8866)
    pools = cfg.VoilaKernelManager.kernel_pools_config
    assert pools["default"]["pool_size"] == 0
    assert pools[serving.EXPLORER_NOTEBOOK]["pool_size"] == 4
    assert cfg.VoilaConfiguration.preheat_kernel is True
    assert cfg.MappingKernelManager.cull_idle_timeout == 600
    assert cfg.MappingKernelManager.cull_connected is True
    assert 0 < cfg.MappingKernelManager.cull_interval <= 60
    assert cfg.KernelManager.autorestart is False
    assert cfg.ClassroomVoila.max_kernels == 30
    assert cfg.Voila.kernel_websocket_connection_class == serving.CLASS_CONNECTION_CLASS
    assert cfg.VoilaConfiguration.allow_template_override == "NO"
    assert cfg.VoilaConfiguration.template == serving.CLASS_TEMPLATE
    assert (TEMPLATES / "voila" / "templates" / serving.CLASS_TEMPLATE / "conf.json").is_file()


@pytest.mark.parametrize(("field", "value"), [("pool", -1), ("pool", 21), ("cull_after", 5),
                                              ("max_kernels", 0), ("port", 70000)])
def test_class_configuration_rejects_bad_values_by_name(field, value):
    kwargs = dict(pool=2, cull_after=600, max_kernels=10, open_browser=False, ip="127.0.0.1",
                  port=8866)
    kwargs[field] = value
    with pytest.raises(ValueError, match=f"{field}={value}"):
        serving.class_config(**kwargs)


def test_the_presenter_copy_is_the_explorer_call_alone_in_presenter_mode(tmp_path):
    out = serving.presenter_notebook(NOTEBOOKS / serving.EXPLORER_NOTEBOOK, tmp_path / "p.ipynb")
    original = json.loads((NOTEBOOKS / serving.EXPLORER_NOTEBOOK).read_text())
    copy = json.loads(out.read_text())
    assert any(c["cell_type"] == "markdown" for c in original["cells"])
    (cell,) = copy["cells"]  # no prose: the projector shows the explorer only
    source = "".join(cell["source"])
    assert cell["cell_type"] == "code" and "explore(presenter=True)" in source
    assert source.replace("explore(presenter=True)", "explore()") in [
        "".join(c["source"]) for c in original["cells"]]
    bare = tmp_path / "bare.ipynb"
    bare.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "print(1)"}]}))
    with pytest.raises(ValueError, match="no `explore\\(\\)` call"):
        serving.presenter_notebook(bare, tmp_path / "q.ipynb")


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks_for_test", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def test_tasks_py_app_keeps_its_one_person_default():
    cmd = [str(c) for c in _tasks().app_command([])]
    assert cmd[0].endswith("voila") and cmd[1] == "notebooks/10-pose-explorer.ipynb"
    assert "--Voila.ip=127.0.0.1" in cmd


def test_tasks_py_app_class_passes_the_room_options_on():
    cmd = [str(c) for c in _tasks().app_command(
        ["--class", "--ip", "0.0.0.0", "--port", "9000", "--cull-after", "300",
         "--no-browser", "--max-kernels", "25"])]
    assert cmd[1:4] == ["-m", "hinge_lib.serving", "class"]
    joined = " ".join(cmd)
    for option in ("--ip 0.0.0.0", "--port 9000", "--cull-after 300", "--max-kernels 25",
                   "--no-browser", "--notebooks", "--templates"):
        assert option in joined


def test_tasks_py_app_refuses_unknown_class_options():
    with pytest.raises(SystemExit, match="--colour"):
        _tasks().app_command(["--class", "--colour", "red"])


def test_frames_ahead_requests_are_rationed_per_browser_not_per_address():
    from hinge_lib import class_limits

    guard = class_limits.ClassGuard(class_limits.ClassLimits(wanted_per_s=1, wanted_burst=5), 10)
    wanted = json.dumps({"content": {"data": {"content": {"kind": "wanted", "slider": None}}}},
                        separators=(",", ":"))
    slider = json.dumps({"content": {"data": {"method": "update", "state": {"value": 3}}}})
    assert [guard.allow_message("a", wanted) for _ in range(7)] == [True] * 5 + [False] * 2
    assert guard.allow_message("b", wanted)  # another browser (same address) is not affected
    assert all(guard.allow_message("a", slider) for _ in range(100))  # slider moves pass
    assert guard.dropped_wanted == 2


def test_a_page_is_loading_until_it_connects_or_its_grace_ends(monkeypatch):
    from hinge_lib import class_limits

    now = [100.0]
    monkeypatch.setattr(class_limits.time, "monotonic", lambda: now[0])
    loads = class_limits.PageLoads(sending_s=600, connect_s=30)
    loads.handed_out("k1")
    loads.handed_out("k2")
    now[0] += 500  # a slow page, still being sent
    assert loads.loading("k1") and loads.loading("k2")
    loads.page_sent("k1")
    loads.connected("k2")
    assert loads.loading("k1") and not loads.loading("k2")
    now[0] += 31
    assert not loads.loading("k1")  # sent but never connected: the culler may take it


def test_video_analyses_at_once_are_capped_across_kernels(tmp_path, monkeypatch):
    from hinge_lib.widgets import video_upload

    monkeypatch.setenv(video_upload.VIDEO_SLOTS_VARIABLE, "2")
    monkeypatch.setenv(video_upload.VIDEO_SLOT_DIR_VARIABLE, str(tmp_path))
    with (video_upload.analysis_slot() as one, video_upload.analysis_slot() as two,
          video_upload.analysis_slot() as three):
        assert (one, two, three) == (True, True, False)
    with video_upload.analysis_slot() as again:
        assert again  # places are freed when an analysis ends
    monkeypatch.delenv(video_upload.VIDEO_SLOTS_VARIABLE)
    with video_upload.analysis_slot() as anywhere_else:
        assert anywhere_else


def test_the_class_app_serves_the_video_lesson_only_when_asked():
    cfg = serving.class_config(pool=1, cull_after=600, max_kernels=10, open_browser=False,
                               ip="127.0.0.1", port=0)
    assert cfg.ClassroomVoila.with_video is False
    on = serving.class_config(pool=1, cull_after=600, max_kernels=10, open_browser=False,
                              ip="127.0.0.1", port=0, with_video=True, videos_at_once=3)
    assert (on.ClassroomVoila.with_video, on.ClassroomVoila.videos_at_once) == (True, 3)
    assert "--with-video" in serving.video_off_html("/")
    with pytest.raises(ValueError, match="videos_at_once=0"):
        serving.class_config(pool=1, cull_after=600, max_kernels=10, open_browser=False,
                             ip="127.0.0.1", port=0, videos_at_once=0)


# ---------------------------------------------------------------- the running app


@pytest.fixture(scope="module")
def class_app(tmp_path_factory):
    from browser import stop_process

    app = start_class_app(tmp_path_factory.mktemp("class-app"), "--pool", "1",
                          "--cull-after", "600", "--max-kernels", "3")
    yield app
    stop_process(app.proc)


@pytest.mark.slow
def test_the_printed_address_opens_the_explorer_and_the_code_is_never_logged(class_app):
    out = class_app.out.read_text()
    assert re.search(r"^http://127\.0\.0\.1:\d+/\?token=[a-z2-9-]{14}$", out, re.M)
    assert re.search(r"^Instructor guide.*: http://127\.0\.0\.1:\d+/course$", out, re.M)
    student = Student(class_app)
    student.open_explorer()
    assert class_app.status()["students"] >= 1
    status, _, index = student.get("course")
    assert status == 200
    for entry in serving.course_entries(NOTEBOOKS):
        assert (f"voila/render/{entry.file}" in index) is not entry.instructor
    assert index.index("00-start-here") < index.index("13-anatomy")
    time.sleep(1)
    assert out.count(class_app.code) == 1
    assert class_app.code not in class_app.err.read_text(errors="replace")


@pytest.mark.slow
def test_without_the_code_a_student_gets_the_access_page_and_a_wrong_code_is_explained(
    class_app,
):
    student = Student(class_app)
    status, url, body = student.get("")
    assert status == 200 and "/login" in url
    assert "Access code" in body
    status, url, body = student.get("", token="wrong-code-0000")
    assert "/login" in url and "Access code" in body
    status, _, form = student.get("login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"password": "wrong-code", "_xsrf": xsrf}).encode()
    try:
        student.opener.open(class_app.base + "login?next=%2F", data=data, timeout=30)
        raise AssertionError("a wrong code was accepted")
    except urllib.error.HTTPError as err:
        assert err.code == 401
        assert "not right" in err.read().decode()
    data = urllib.parse.urlencode({"password": class_app.code, "_xsrf": xsrf}).encode()
    with student.opener.open(class_app.base + "login?next=%2Fcourse", data=data,
                             timeout=30) as resp:
        assert resp.geturl().endswith("/course") and "Course index" in resp.read().decode()


@pytest.mark.slow
def test_there_is_no_file_browser_and_no_page_outside_the_course(class_app):
    student = Student(class_app)
    student.get("course", token=class_app.code)
    status, _, body = student.get("voila/tree")
    assert status == 200 and "Course index" in body  # the index, not a folder listing
    assert student.get("voila/api/contents")[0] == 404
    assert student.get("voila/api/contents/")[0] == 404
    status, _, body = student.get("voila/render/../tasks.py")
    assert status == 404
    status, _, body = student.get("voila/render/notes.ipynb")
    assert status == 404 and "course index" in body
    assert student.get("voila/files/10-pose-explorer.ipynb")[0] in (403, 404)


@pytest.mark.slow
def test_a_students_kernel_runs_no_code_sent_over_the_websocket(class_app, tmp_path):
    from tornado import ioloop, websocket

    kernel_id = Student(class_app).open_explorer()
    marker = tmp_path / "ran.txt"

    def message(msg_type: str, content: dict) -> str:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "test",
                  "username": "student", "date": "2026-01-01T00:00:00Z", "version": "5.3"}
        return json.dumps({"header": header, "parent_header": {}, "metadata": {},
                           "content": content, "channel": "shell", "buffers": []})

    async def talk() -> list[str]:
        ws_url = (class_app.base.replace("http", "ws") + f"api/kernels/{kernel_id}/channels"
                  f"?token={class_app.code}")
        conn = await websocket.websocket_connect(ws_url, compression_options={})
        # the room's network carries compressed messages
        assert "permessage-deflate" in conn.headers.get("Sec-WebSocket-Extensions", "")
        conn.write_message(message("execute_request", {
            "code": f"open({str(marker)!r}, 'w').write('x')", "silent": False,
            "store_history": False, "user_expressions": {}, "allow_stdin": False}))
        conn.write_message(message("kernel_info_request", {}))
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            raw = await conn.read_message()
            if raw is None:
                break
            if isinstance(raw, str):
                seen.append(json.loads(raw)["header"]["msg_type"])
                if "kernel_info_reply" in seen:
                    break
        conn.close()
        return seen

    seen = ioloop.IOLoop.current().run_sync(talk, timeout=60)
    assert "kernel_info_reply" in seen  # the connection works ...
    time.sleep(1)
    assert "execute_reply" not in seen  # ... but code sent over it is dropped
    assert not marker.exists()


@pytest.mark.slow
def test_reloading_a_page_reuses_the_students_place_and_a_full_class_gets_a_friendly_page(
    class_app,
):
    leave_all(class_app)
    first = Student(class_app)
    for _ in range(5):  # a student reloading: one kernel, not five
        first.open_explorer()
    assert class_app.status()["students"] == 1
    second, third, fourth = Student(class_app), Student(class_app), Student(class_app)
    second.open_explorer()
    kept = third.open_explorer()
    assert class_app.status()["students"] == 3
    status, _, body = fourth.get("", token=class_app.code)
    assert status == 503 and "The class is full" in body and "nothing is lost" in body
    # a student closing the page frees a place (the page's unload request)
    killed = first.open_explorer()
    req = urllib.request.Request(f"{class_app.base}voila/api/shutdown/{killed}"
                                 f"?token={class_app.code}", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 204
    assert fourth.open_explorer()
    assert Student(class_app).get("", token=class_app.code)[0] == 503
    assert third.get(f"hinge/api/kernel/{kept}")[0] == 200


@pytest.mark.slow
def test_the_students_kernels_know_they_are_in_the_class_app(class_app):
    # so PracticeLog() refuses the one shared default file and the saving widgets say so
    from hinge_lib.recordings.practice_log import CLASS_APP_VARIABLE

    leave_all(class_app)
    student = Student(class_app)
    pid = kernel_pid(student.open_explorer())
    assert pid
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert f"{CLASS_APP_VARIABLE}=1".encode() in environ


@pytest.mark.slow
def test_a_killed_kernel_is_reported_to_its_page_and_other_students_carry_on(class_app):
    leave_all(class_app)
    victim, other = Student(class_app), Student(class_app)
    victim_kernel = victim.open_explorer()
    other_kernel = other.open_explorer()
    pid = kernel_pid(victim_kernel)
    assert pid
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: victim.get(f"hinge/api/kernel/{victim_kernel}")[0] == 410, 30,
             "the page to learn its kernel has gone")
    assert other.get(f"hinge/api/kernel/{other_kernel}")[0] == 200
    assert victim.open_explorer() != victim_kernel  # reloading gives a working page again


@pytest.mark.slow
def test_idle_kernels_are_culled_and_the_warm_pool_stays(tmp_path):
    from browser import stop_process

    app = start_class_app(tmp_path, "--pool", "1", "--cull-after", "10")
    try:
        Student(app).open_explorer()
        Student(app).open_explorer()
        assert app.status()["students"] == 2
        # a page that has not connected yet is still loading: not culled for a while ...
        time.sleep(18)
        assert app.status()["students"] == 2
        # ... then culled after 10 s without activity, checked every 5 s
        wait_for(lambda: app.status()["students"] == 0, 120, "idle kernels to be culled",
                 interval=2)
        assert app.status()["kernels"] <= 1  # only the warm pool is left
        assert "Culling" in app.err.read_text(errors="replace")
    finally:
        stop_process(app.proc)


def test_tasks_py_app_presenter_serves_the_presenter_copy_of_the_explorer():
    tasks = _tasks()
    cmd = [str(c) for c in tasks.app_command(["--presenter", "--no-browser"])]
    assert cmd[1] == str(tasks.PRESENTER_NOTEBOOK)
    assert "--presenter" not in cmd and "--no-browser" in cmd
    assert "--Voila.ip=127.0.0.1" in cmd


def test_tasks_py_app_check_runs_the_network_check_and_names_a_wrong_option():
    tasks = _tasks()
    cmd = [str(c) for c in tasks.app_command(["--check", "--port", "9000", "--wait", "60"])]
    assert cmd[1:4] == ["-m", "hinge_lib.serving", "check"]
    assert cmd[4:] == ["--port", "9000", "--wait", "60"]
    with pytest.raises(SystemExit, match="--pool"):
        tasks.app_command(["--check", "--pool", "2"])


def test_tasks_py_app_presenter_uses_the_offline_template():
    tasks = _tasks()
    cmd = [str(c) for c in tasks.app_command(["--presenter"])]
    assert f"--template={tasks.OFFLINE_TEMPLATE}" in cmd
    assert (tasks.TEMPLATES / "voila" / "templates" / tasks.OFFLINE_TEMPLATE).is_dir()


# ---------------------------------------------------------------- a burst, misbehaving clients


@pytest.mark.slow
def test_a_burst_gets_no_more_kernels_than_the_cap_and_no_error_page(tmp_path):
    # everyone in the same second: places are counted when asked for, and when the warm
    # pool is empty a page starts its own kernel instead of failing with "pool is empty"
    from concurrent.futures import ThreadPoolExecutor

    from browser import stop_process

    app = start_class_app(tmp_path, "--pool", "1", "--max-kernels", "4")
    try:
        wait_for(lambda: app.status()["pool"] == 1, 120, "the warm pool")
        students = [Student(app) for _ in range(7)]
        with ThreadPoolExecutor(len(students)) as pool:
            answers = list(pool.map(lambda s: s.get("", token=app.code), students))
        codes = sorted(status for status, _, _ in answers)
        assert codes == [200] * 4 + [503] * 3, codes
        kernels = {page_kernel_id(body) for status, _, body in answers if status == 200}
        assert len(kernels) == 4
        assert all("The class is full" in body for status, _, body in answers if status == 503)
        status = app.status()
        assert status["students"] == 4 and status["kernels"] <= 4 + 1
        log = app.log()
        assert "is empty" not in log and " 500 " not in log
    finally:
        stop_process(app.proc)


@pytest.fixture(scope="module")
def guarded_app(tmp_path_factory):
    from browser import stop_process

    app = start_class_app(tmp_path_factory.mktemp("guarded-app"), "--pool", "1",
                          "--max-kernels", "6", "--kernels-per-seat", "1",
                          "--max-connections", "40")
    yield app
    stop_process(app.proc)


@pytest.mark.slow
def test_a_client_without_cookies_gets_no_kernel(guarded_app):
    url = f"{guarded_app.base}{EXPLORER_PAGE}?token={guarded_app.code}"
    for _ in range(3):  # urllib without a cookie jar: every request is cookie-less
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                status, body = resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            status, body = err.code, err.read().decode()
        assert status == 400 and "refuses the class app" in body
    assert guarded_app.status()["students"] == 0


@pytest.mark.slow
def test_one_browser_holds_a_bounded_number_of_pages(guarded_app):
    student = Student(guarded_app)
    student.open_explorer()
    status, _, body = student.get("voila/render/00-start-here.ipynb")
    assert status == 503 and "Too many pages open in this browser" in body
    assert "Nothing is lost" in body
    assert guarded_app.status()["students"] == 1
    student.open_explorer()  # reloading its own page is always allowed
    leave_all(guarded_app)


@pytest.mark.slow
def test_idle_half_sent_connections_do_not_stop_students_being_served(guarded_app):
    import socket

    host, port = urllib.parse.urlsplit(guarded_app.base).netloc.split(":")
    idle = []
    for _ in range(120):  # three times the bound, each stopping in the middle of its headers
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: class\r\n")
        idle.append(sock)
    started = time.monotonic()
    Student(guarded_app).open_explorer()
    assert time.monotonic() - started < 60
    status = guarded_app.status()
    assert status["connections_closed"] >= 120 - 40
    # the ones still open are closed once they have sent nothing for the header timeout
    survivor = idle[-1]
    survivor.settimeout(60)
    assert survivor.recv(100) == b""  # closed by the app, without an answer
    for sock in idle:
        sock.close()
    assert len(guarded_app.log()) < 500_000  # a few lines, not one per connection
    leave_all(guarded_app)
