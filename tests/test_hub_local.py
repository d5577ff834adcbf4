"""`python3 tasks.py hub`: a one-machine JupyterHub where every student is a separate system
user. Starts the real hub (JupyterHub from PyPI, its proxy from npm, the students' servers
from the environment `tasks.py` makes for them), logs students in, starts their servers,
checks that one cannot read the other's home nor log in as, start or open another's server
(each logs in with their own code; there is no class password), and runs the fault drill of
benchmarks/bench_hub.py: a wrong password, twenty reloads and a killed kernel leave every
student able to carry on and every practice log whole."""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import async_run

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = ("hinge-test-ana", "hinge-test-ben", "hinge-test-cat", "hinge-test-dan")
INSTRUCTOR = "hinge-test-teacher"


def _needs() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub test creates system users: run it as root"
    if not shutil.which("npm"):
        return "the hub's proxy comes from npm, which is not installed"
    for tool in ("useradd", "runuser"):
        if not shutil.which(tool):
            return f"{tool} is missing"
    return None


def _bench_hub():
    """benchmarks/bench_hub.py: the hub, the students' client and the fault drill."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_hub
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return bench_hub


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    reason = _needs()
    if reason:
        pytest.skip(reason)
    bench_hub = _bench_hub()
    bench_hub.forget_practice_logs(list(STUDENTS))
    # makes the students' environment first if needed (python3 tasks.py test does it before)
    started = bench_hub.Hub(list(STUDENTS), tmp_path_factory.mktemp("hub"),
                            instructor=INSTRUCTOR, cull_after=600)
    yield started
    started.stop()
    started.remove_users()  # leave the machine's users as they were


def log_in(base: str, name: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.jar = jar
    with opener.open(f"{base}/hub/login", timeout=30) as resp:
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', resp.read().decode()).group(1)
    data = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf})
    return opener, opener.open(f"{base}/hub/login?next=", data=data.encode(), timeout=300)


def open_lab(opener, base: str, name: str, hub) -> None:
    """Wait until ``name``'s own server answers their lab page (the hub starts it)."""
    deadline = time.monotonic() + 180
    while True:  # the spawn page redirects to the server once it runs
        try:  # the page logs in to the student's own server through the hub (OAuth)
            with opener.open(f"{base}/user/{name}/lab", timeout=60) as page:
                if page.status == 200 and page.geturl().endswith(f"/user/{name}/lab"):
                    return
        except urllib.error.HTTPError as err:  # 424/503 while the server starts
            assert err.code in (424, 503), hub.log_tail()
        assert time.monotonic() < deadline, hub.log_tail()
        time.sleep(2)


def status_of(opener, url: str, method: str = "GET", headers: dict | None = None):
    """(status, final url, body) of a request, errors included."""
    headers = dict(headers or {})
    if method != "GET":  # the hub's API takes JSON bodies only
        headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, method=method, headers=headers,
                                 data=b"{}" if method != "GET" else None)
    try:
        with opener.open(req, timeout=60) as resp:
            return resp.status, resp.geturl(), resp.read().decode(errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, err.geturl(), err.read().decode(errors="replace")


def server_pid(name: str) -> int:
    uid = pwd.getpwnam(name).pw_uid
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if b"jupyterhub-singleuser" in cmd and re.search(rf"^Uid:\s+{uid}\s", status, re.M):
            return int(entry.name)
    raise AssertionError(f"no server running as {name}")


@pytest.mark.hub
@pytest.mark.slow
def test_two_students_get_their_own_servers_and_cannot_read_each_other(hub):
    base = hub.base
    for name in STUDENTS[:2]:
        opener, resp = log_in(base, name, hub.codes[name])
        open_lab(opener, base, name, hub)
        assert server_pid(name)
    ana, ben = (pwd.getpwnam(n) for n in STUDENTS[:2])
    assert os.stat(ben.pw_dir).st_mode & 0o077 == 0  # home closed to others
    course = Path(ben.pw_dir) / "hip-hinge-coach" / "notebooks" / "10-pose-explorer.ipynb"
    assert course.is_file() and course.stat().st_uid == ben.pw_uid
    peek = subprocess.run(["runuser", "-u", STUDENTS[0], "--", "cat", str(course)],
                          capture_output=True, text=True)
    assert peek.returncode != 0 and "Permission denied" in peek.stderr
    own = Path(ana.pw_dir) / "hip-hinge-coach" / "notebooks" / "10-pose-explorer.ipynb"
    assert subprocess.run(["runuser", "-u", STUDENTS[0], "--", "cat", str(own)],
                          capture_output=True).returncode == 0


@pytest.mark.hub
@pytest.mark.slow
def test_a_student_cannot_log_in_as_start_or_open_a_classmates_server(hub):
    ana, ben, cat = STUDENTS[:3]
    base = hub.base
    ben_opener, _ = log_in(base, ben, hub.codes[ben])
    open_lab(ben_opener, base, ben, hub)  # ben's server runs, with his practice log in it
    # a classmate's name with one's own code (or with no code) is refused
    for name, code in ((ben, hub.codes[ana]), (ben, ""), (cat, hub.codes[ben]),
                       (ben.upper(), hub.codes[ana])):
        with pytest.raises(urllib.error.HTTPError) as refused:
            log_in(base, name, code)
        assert refused.value.code == 403, name
    # names match as typed: "Hinge-Test-Ana " is hinge-test-ana
    opener, resp = log_in(base, f" {ana.title()} ", hub.codes[ana])
    assert resp.status == 200 and f"/{ana}" in resp.geturl(), resp.geturl()
    xsrf = next((c.value for c in opener.jar if c.name == "_xsrf"), "")
    api = {"X-XSRFToken": xsrf, "Referer": f"{base}/hub/home"}
    # the same request for her own server is let through (it runs already: 400 says so), so
    # the refusals below are about whose server it is, not about the request's form
    status, _, body = status_of(opener, f"{base}/hub/api/users/{ana}/server", "POST", api)
    assert status in (201, 202) or (status == 400 and "already running" in body), (status, body)
    # ana cannot start, stop or look at ben's server, nor open anything in it
    attempts = [
        ("POST", f"{base}/hub/api/users/{ben}/server", api),
        ("DELETE", f"{base}/hub/api/users/{ben}/server", api),
        ("GET", f"{base}/hub/api/users/{ben}", api),
        ("GET", f"{base}/hub/spawn/{ben}", {}),
        ("GET", f"{base}/user/{ben}/lab", {}),
        ("GET", f"{base}/user/{ben}/api/contents/hip-hinge-coach/notebooks", {}),
        ("GET", f"{base}/user/{ben}/files/hip-hinge-coach/notebooks/10-pose-explorer.ipynb", {}),
    ]
    for method, url, headers in attempts:
        status, final, body = status_of(opener, url, method, headers)
        assert status in (403, 404), (method, url, status, final)
        assert "10-pose-explorer" not in body and '"cells"' not in body, (method, url)
    assert server_pid(ben)  # still running, untouched
    status, final, _ = status_of(opener, f"{base}/user/{ana}/lab")  # her own opens
    assert status == 200 or f"/user/{ana}" in final or "spawn" in final, (status, final)


@pytest.mark.slow
@pytest.mark.hub
def test_a_wrong_password_is_refused_and_the_instructor_is_admin(hub):
    with pytest.raises(urllib.error.HTTPError) as refused:
        log_in(hub.base, STUDENTS[0], "not-the-password")
    assert refused.value.code == 403
    opener, _ = log_in(hub.base, INSTRUCTOR, hub.admin_password)
    with opener.open(f"{hub.base}/hub/admin", timeout=60) as admin:
        assert admin.status == 200


@pytest.mark.hub
@pytest.mark.slow
def test_faults_leave_every_student_working_and_every_practice_log_whole(hub):
    bench_hub = _bench_hub()

    async def lesson_and_drill() -> tuple[list, dict]:
        from tornado.httpclient import AsyncHTTPClient

        AsyncHTTPClient.configure(None, max_clients=40)
        class_ = [bench_hub.Student(name) for name in STUDENTS]
        # each runs the explorer, moves the Hip slider and saves a session to their log
        await asyncio.gather(*(bench_hub.one_student(s, hub.base, hub.codes[s.name], 3)
                               for s in class_))
        assert [s.failure for s in class_ if not s.ok] == [], hub.log_tail()
        assert all(s.socket.compressed for s in class_)  # the room's network carries less
        drill = await bench_hub.fault_drill(hub, class_)
        for s in class_:
            if s.socket is not None:
                s.socket.close()
        return class_, drill

    class_, drill = async_run.run(lesson_and_drill())
    assert all(s.saved == 1 for s in class_)
    wrong = drill["wrong_password"]
    assert wrong["status"] == 403 and wrong["page_says_why"] and wrong["then_logged_in"]
    assert drill["reloads"]["ok"] and drill["reloads"]["moves_answered"] == 20, drill["reloads"]
    killed = drill["kernel_killed"]
    assert killed["ok"] and killed["carried_on"], killed
    assert drill["bystander"]["ok"] and drill["bystander"]["moves"] > 10, drill["bystander"]
    for name, found in drill["logs"].items():  # read as their owner; checksums checked
        assert found["ok"], (name, found)
        assert Path(found["path"]).is_relative_to(pwd.getpwnam(name).pw_dir)
    assert drill["ok"]


def _tasks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks_for_hub_env", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def test_the_hub_environment_goes_where_the_students_can_run_it(tmp_path, monkeypatch):
    tasks = _tasks()
    closed = tmp_path / "closed"
    (closed / "checkout").mkdir(parents=True)
    closed.chmod(0o700)
    opened = tmp_path / "open" / "checkout"
    opened.mkdir(parents=True)
    for folder in (tmp_path, tmp_path / "open", opened):
        folder.chmod(0o755)
    assert not tasks.open_to_others(closed / "checkout")
    # tmp_path's parents may be closed on some machines: only then is "open" closed too
    assert tasks.open_to_others(opened) == all(
        os.stat(p).st_mode & 0o001 for p in opened.resolve().parents)
    monkeypatch.setattr(tasks, "ROOT", closed / "checkout")
    inside = tasks.hub_home()
    assert inside.parent == Path("/var/lib/hinge-coach") and inside.name.startswith("hub-env-")
    if tasks.open_to_others(opened):
        monkeypatch.setattr(tasks, "ROOT", opened)
        monkeypatch.setattr(tasks, "SCRATCH", opened / ".jupyter-scratch")
        assert tasks.hub_home() == opened / ".jupyter-scratch" / "hub-env"


def _student_codes():
    return _tasks().student_codes()


def test_every_person_gets_their_own_code_kept_hashed_and_across_restarts(tmp_path):
    codes = _student_codes()
    first = codes.ensure_codes(tmp_path, ["ana", "Ben", "teacher"])
    assert set(first) == {"ana", "ben", "teacher"}
    assert len(set(first.values())) == 3
    for code in first.values():
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code)
    again = codes.ensure_codes(tmp_path, ["ana", "ben", "teacher", "cat"])
    assert {k: again[k] for k in first} == first and again["cat"] not in first.values()
    hashes = codes.read_hashes(tmp_path / codes.HASHES_FILE)
    assert set(hashes) == {"ana", "ben", "teacher", "cat"}
    stored = (tmp_path / codes.HASHES_FILE).read_text()
    assert not any(code in stored for code in again.values())  # only hashes for the hub
    for name in (codes.HASHES_FILE, codes.LIST_FILE):
        assert (tmp_path / name).stat().st_mode & 0o077 == 0
    assert codes.code_matches(again["ana"], hashes["ana"])
    assert not codes.code_matches(again["ana"], hashes["ben"])
    assert not codes.code_matches("", hashes["ana"])
    assert not codes.code_matches(again["ana"], "not-a-hash")


def test_the_hub_authenticator_matches_names_as_typed_and_each_persons_own_code(tmp_path):
    pytest.importorskip("jupyterhub")
    sys.path.insert(0, str(ROOT / "deploy" / "hub"))
    try:
        from code_authenticator import PersonalCodeAuthenticator
    finally:
        sys.path.remove(str(ROOT / "deploy" / "hub"))
    codes = _student_codes().ensure_codes(tmp_path, ["ana", "ben"])
    auth = PersonalCodeAuthenticator(codes_file=str(tmp_path / "student-codes.json"))

    def login(name: str, code: str):
        return async_run.run(auth.authenticate(None, {"username": name, "password": code}))

    assert login("ana", codes["ana"]) == "ana"
    assert login(" Ana ", codes["ana"]) == "ana"  # "Ana" and "ana" are the same student
    assert login("ANA", codes["ana"] + " ") == "ana"
    assert login("ana", codes["ben"]) is None  # a classmate's code is not hers
    assert login("ben", codes["ana"]) is None
    assert login("cat", codes["ana"]) is None  # no such student
    assert login("ana", "") is None
    assert auth.normalize_username(" Ana ") == "ana"


def test_tasks_py_hub_keeps_the_codes_out_of_the_terminal_and_the_settings(tmp_path):
    tasks = _tasks()
    settings = tasks.hub_settings(state=tmp_path, proxy=tmp_path / "proxy", ip="127.0.0.1",
                                  port=8000, students=["ana"], instructor="teacher",
                                  cull_after=600)
    assert settings["HINGE_HUB_CODES"] == str(tmp_path / "student-codes.json")
    assert not [k for k in settings if "PASSWORD" in k]
    config = (ROOT / "deploy" / "hub" / "jupyterhub_config.py").read_text()
    assert "shared-password" not in config and "SharedPassword" not in config
    assert "HINGE_HUB_API_PORT" not in settings  # `tasks.py hub` keeps JupyterHub's ports


def test_a_test_hub_takes_free_ports_for_its_own_and_its_proxys_api(tmp_path, monkeypatch):
    pytest.importorskip("jupyterhub")
    from traitlets.config import Config

    tasks = _tasks()
    settings = tasks.hub_settings(state=tmp_path, proxy=tmp_path / "proxy", ip="127.0.0.1",
                                  port=8000, students=["ana"], instructor="teacher",
                                  cull_after=600, api_ports=(45001, 45002))
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    c = Config()
    config = ROOT / "deploy" / "hub" / "jupyterhub_config.py"
    monkeypatch.syspath_prepend(str(config.parent))
    exec(compile(config.read_text(), str(config), "exec"), {"get_config": lambda: c,
                                                             "__file__": str(config)})
    assert c.JupyterHub.hub_port == 45001
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:45002"
    assert c.JupyterHub.port == 8000
    opts = tasks.hub_options(["--students", "Ana,ben", "--instructor", "Teacher"])
    assert opts["--students"] == "ana,ben" and opts["--instructor"] == "teacher"
