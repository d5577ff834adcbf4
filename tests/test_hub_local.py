"""`python3 tasks.py hub`: a one-machine JupyterHub where every student is a separate system
user. Starts the real hub (JupyterHub from PyPI, its proxy from npm, the students' servers
from the environment `tasks.py` makes for them), logs students in, starts their servers,
checks that one cannot read the other's home, and runs the fault drill of
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

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = ("hinge-test-ana", "hinge-test-ben", "hinge-test-cat", "hinge-test-dan")
INSTRUCTOR = "hinge-test-teacher"
PASSWORD = "class-pass-1234"


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
                            instructor=INSTRUCTOR, student_password=PASSWORD, cull_after=600)
    yield started
    started.stop()
    started.remove_users()  # leave the machine's users as they were


def log_in(base: str, name: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/hub/login", timeout=30) as resp:
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', resp.read().decode()).group(1)
    data = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf})
    return opener, opener.open(f"{base}/hub/login?next=", data=data.encode(), timeout=300)


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
        opener, resp = log_in(base, name, PASSWORD)
        deadline = time.monotonic() + 180
        while True:  # the spawn page redirects to the server once it runs
            try:  # the page logs in to the student's own server through the hub (OAuth)
                with opener.open(f"{base}/user/{name}/lab", timeout=60) as page:
                    if page.status == 200 and page.geturl().endswith(f"/user/{name}/lab"):
                        break
            except urllib.error.HTTPError as err:  # 424/503 while the server starts
                assert err.code in (424, 503), hub.log_tail()
            assert time.monotonic() < deadline, hub.log_tail()
            time.sleep(2)
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
        await asyncio.gather(*(bench_hub.one_student(s, hub.base, PASSWORD, 3)
                               for s in class_))
        assert [s.failure for s in class_ if not s.ok] == [], hub.log_tail()
        assert all(s.socket.compressed for s in class_)  # the room's network carries less
        drill = await bench_hub.fault_drill(hub, class_)
        for s in class_:
            if s.socket is not None:
                s.socket.close()
        return class_, drill

    class_, drill = asyncio.run(lesson_and_drill())
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
