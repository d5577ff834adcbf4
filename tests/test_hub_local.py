"""`python3 tasks.py hub`: a one-machine JupyterHub where every student is a separate system
user. Starts the real hub (JupyterHub from PyPI, its proxy from npm), logs two students in,
starts their servers and checks that one cannot read the other's home."""

from __future__ import annotations

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
BIN = Path(sys.executable).parent
STUDENTS = ("hinge-test-ana", "hinge-test-ben")
INSTRUCTOR = "hinge-test-teacher"

pytestmark = pytest.mark.slow


def _needs() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub test creates system users: run it as root"
    if not shutil.which("npm"):
        return "the hub's proxy comes from npm, which is not installed"
    if not (BIN / "jupyterhub").exists() or not (BIN / "jupyterhub-singleuser").exists():
        return "JupyterHub is not installed here: pip install -e '.[hub]'"
    if not shutil.which("useradd"):
        return "useradd is missing"
    real = Path(os.path.realpath(sys.executable))
    closed = [p for p in real.parents if not os.stat(p).st_mode & 0o001]
    if closed:
        return (f"the students' servers would run {real}, but {closed[-1]} is closed to other "
                "users: run the tests from a .venv made with a Python they can open "
                "(e.g. /usr/bin/python3 tasks.py test)")
    return None


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    reason = _needs()
    if reason:
        pytest.skip(reason)
    import importlib.util

    from browser import free_port, stop_process

    spec = importlib.util.spec_from_file_location("tasks_for_hub", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)

    folder = tmp_path_factory.mktemp("hub")
    node = folder / "node"
    proxy = node / "node_modules" / ".bin" / "configurable-http-proxy"
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(node),
                    "configurable-http-proxy@5"], check=True, capture_output=True, timeout=300)
    created = []
    for name in (*STUDENTS, INSTRUCTOR):
        try:
            pwd.getpwnam(name)
        except KeyError:
            created.append(name)
        tasks.ensure_system_user(name)
    port = free_port()
    env = dict(os.environ, HINGE_HUB_ROOT=str(ROOT), HINGE_HUB_STATE=str(folder),
               HINGE_HUB_PROXY=str(proxy), HINGE_HUB_IP="127.0.0.1", HINGE_HUB_PORT=str(port),
               HINGE_HUB_STUDENTS=",".join(STUDENTS), HINGE_HUB_INSTRUCTOR=INSTRUCTOR,
               HINGE_HUB_CULL_AFTER="600", HINGE_HUB_STUDENT_PASSWORD="class-pass-1234",
               HINGE_HUB_ADMIN_PASSWORD="x" * 40)
    log = folder / "hub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(ROOT / "deploy" / "hub" / "jupyterhub_config.py")],
            cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/hub/api", timeout=5):
                break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_process(proc)
                raise RuntimeError(log.read_text(errors="replace")) from None
            time.sleep(0.5)
    yield base, log
    stop_process(proc, grace=30)
    for name in created:  # leave the machine's users as they were
        subprocess.run(["userdel", "--remove", name], capture_output=True)


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


def test_two_students_get_their_own_servers_and_cannot_read_each_other(hub):
    base, log = hub
    for name in STUDENTS:
        opener, resp = log_in(base, name, "class-pass-1234")
        deadline = time.monotonic() + 180
        while True:  # the spawn page redirects to the server once it runs
            try:  # the page logs in to the student's own server through the hub (OAuth)
                with opener.open(f"{base}/user/{name}/lab", timeout=60) as page:
                    if page.status == 200 and page.geturl().endswith(f"/user/{name}/lab"):
                        break
            except urllib.error.HTTPError as err:  # 424/503 while the server starts
                assert err.code in (424, 503), log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(2)
        assert server_pid(name)
    ana, ben = (pwd.getpwnam(n) for n in STUDENTS)
    assert os.stat(ben.pw_dir).st_mode & 0o077 == 0  # home closed to others
    course = Path(ben.pw_dir) / "hip-hinge-coach" / "notebooks" / "10-pose-explorer.ipynb"
    assert course.is_file() and course.stat().st_uid == ben.pw_uid
    peek = subprocess.run(["runuser", "-u", STUDENTS[0], "--", "cat", str(course)],
                          capture_output=True, text=True)
    assert peek.returncode != 0 and "Permission denied" in peek.stderr
    own = Path(ana.pw_dir) / "hip-hinge-coach" / "notebooks" / "10-pose-explorer.ipynb"
    assert subprocess.run(["runuser", "-u", STUDENTS[0], "--", "cat", str(own)],
                          capture_output=True).returncode == 0


def test_a_wrong_password_is_refused_and_the_instructor_is_admin(hub):
    base, _ = hub
    with pytest.raises(urllib.error.HTTPError) as refused:
        log_in(base, STUDENTS[0], "not-the-password")
    assert refused.value.code == 403
    opener, _ = log_in(base, INSTRUCTOR, "x" * 40)
    with opener.open(f"{base}/hub/admin", timeout=60) as admin:
        assert admin.status == 200
