"""What a classmate can reach in the class app (``python3 tasks.py app --class``).

The attacker is a classmate: they hold the class access code and a browser and sit on the
room's network. Each test here is one attack done on the wire, over HTTP and the kernel
websocket, from a student's address (127.0.0.2, see tests/class_client.py); the instructor's
own machine is 127.0.0.1. The app's kernels run with tests/kernel_audit/sitecustomize.py,
which logs every file they open or list, so a test can tell whether a widget message made
the instructor's laptop touch a file.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from pathlib import Path

import pytest

import async_run
import class_laptop
from class_client import INSTRUCTOR_ADDRESS, KernelSocket
from class_laptop import Device, touched
from hinge_lib import class_guard, class_roles, serving
from test_classroom import NOTEBOOKS, page_kernel_id

GUIDE = "12-instructor-guide.ipynb"


# ---------------------------------------------------------------- the pieces


@pytest.mark.parametrize(("address", "instructor"), [
    ("127.0.0.1", True), ("::1", True), ("::ffff:127.0.0.1", True),
    ("127.0.0.2", False), ("192.168.1.20", False), ("10.0.0.5", False), ("fe80::1%eth0", False),
    ("", False), (None, False), ("localhost", False), ("not an address", False)])
def test_only_the_laptops_own_loopback_address_is_the_instructor(address, instructor):
    assert class_roles.is_instructor_address(address) is instructor


def test_the_role_is_read_from_the_connection_not_from_headers():
    from types import SimpleNamespace

    def request(peer: str, forwarded: str = "127.0.0.1"):
        context = SimpleNamespace(address=(peer, 50000), remote_ip=forwarded)
        return SimpleNamespace(connection=SimpleNamespace(context=context),
                               remote_ip=forwarded,
                               headers={"X-Forwarded-For": forwarded, "X-Real-Ip": forwarded})

    assert class_roles.is_instructor_machine(request("127.0.0.1"))
    assert not class_roles.is_instructor_machine(request("192.168.1.31"))
    assert not class_roles.is_instructor_machine(SimpleNamespace())

    class Page:
        def __init__(self, peer):
            self.request = request(peer)

        @class_roles.instructor_only
        def get(self):
            return "answer keys"

    from tornado import web

    assert Page("127.0.0.1").get() == "answer keys"
    with pytest.raises(web.HTTPError) as refused:
        Page("192.168.1.31").get()
    assert refused.value.status_code == 404


def test_instructor_pages_are_the_guide_and_any_notebook_with_an_answer_key(tmp_path):
    assert class_roles.instructor_pages(NOTEBOOKS) == {GUIDE}
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    for name, extra in (("20-keyed.ipynb", {"metadata": {"tags": ["answer-key"]}}),
                        ("21-called.ipynb", {"source": ["lessons.answer_key_html('03')\n"]}),
                        ("22-plain.ipynb", {"source": ["print(1)\n"]})):
        nb = {"cells": [{**cell, "source": "", **extra}], "metadata": {}, "nbformat": 4,
              "nbformat_minor": 5}
        (tmp_path / name).write_text(json.dumps(nb))
    assert class_roles.instructor_pages(tmp_path) == {"20-keyed.ipynb", "21-called.ipynb"}
    entries = serving.course_entries(tmp_path)
    assert [e.instructor for e in entries] == [True, True, False]
    student = serving.course_index_html(entries)
    teacher = serving.course_index_html(entries, instructor=True)
    assert "20-keyed" not in student and "21-called" not in student and "22-plain" in student
    assert "20-keyed" in teacher and teacher.count("instructor only") == 2
    assert '<li value="22">' in student  # the list keeps the notebooks' own numbers


def test_only_kernels_of_the_laptops_pages_are_marked_as_the_instructors(monkeypatch):
    from hinge_lib.recordings.practice_log import (
        CLASS_APP_VARIABLE,
        CLASS_INSTRUCTOR_VARIABLE,
        at_instructor_laptop,
    )

    student = serving._instructor_kernel_env({"env": {"A": "1"}, "path": "x"})
    assert student == {"env": {"A": "1"}, "path": "x"}
    token = serving._for_instructor.set(True)
    try:
        marked = serving._instructor_kernel_env({"env": {"A": "1"}, "path": "x"})
    finally:
        serving._for_instructor.reset(token)
    assert marked == {"env": {"A": "1", CLASS_INSTRUCTOR_VARIABLE: "1"}, "path": "x"}
    monkeypatch.setenv(CLASS_INSTRUCTOR_VARIABLE, "1")
    assert not at_instructor_laptop()  # only inside the class app
    monkeypatch.setenv(CLASS_APP_VARIABLE, "1")
    assert at_instructor_laptop()


def test_the_log_filter_blanks_the_code_in_messages_arguments_and_tracebacks():
    import logging

    code = "k7qm-x2rp-9dfa"
    redactor = class_guard.HideInLog(code)
    try:
        raise ValueError(f"bad request /x?token={code}")
    except ValueError:
        import sys

        exc = sys.exc_info()
    record = logging.LogRecord("tornado.application", logging.ERROR, __file__, 1,
                               "Uncaught exception GET %s (%s)",
                               (f"/logout?token={code}", "127.0.0.2"), exc)
    assert redactor.filter(record) is True
    text = logging.Formatter().format(record)
    assert code not in text and "token=[access code]" in text and "127.0.0.2" in text
    assert "code] code]" not in text  # blanked once, not twice
    other = logging.LogRecord("x", logging.INFO, __file__, 1, "GET /?a=1&token=other-code",
                              (), None)
    redactor.filter(other)
    assert "other-code" not in other.getMessage()
    installed = class_guard.hide_in_log(code)
    try:  # also where records without a handler of their own end up
        assert installed in logging.lastResort.filters
    finally:
        logging.lastResort.removeFilter(installed)
        for handler in logging.getLogger().handlers:
            handler.removeFilter(installed)


def test_stderr_is_held_back_and_an_error_keeps_only_a_note():
    from jupyter_client.session import Session

    session = Session(key=b"class-secret")

    def wire(msg_type: str, content: dict) -> list:
        return session.serialize(session.msg(msg_type, content), [b"kernel"])

    stderr = wire("stream", {"name": "stderr", "text": "Traceback (most recent call last)"})
    kind, text = class_guard._output_kind(session, "iopub", stderr)
    assert kind == "stderr" and text.startswith("Traceback")
    for other in (wire("stream", {"name": "stdout", "text": "hi"}), wire("comm_msg", {})):
        assert class_guard._output_kind(session, "iopub", other) == (None, "")
    assert class_guard._output_kind(session, "shell", stderr) == (None, "")
    error = wire("error", {"ename": "TraitError", "evalue": "bad value",
                           "traceback": ["  File \"/srv/secret/widget.py\", line 3"]})
    assert class_guard._output_kind(session, "iopub", error) == ("error", "TraitError: bad value")
    cleaned = class_guard.without_traceback(session, error)
    idents, parts = session.feed_identities(cleaned)
    msg = session.deserialize(parts)  # still signed with the session's key
    assert idents == [b"kernel"] and msg["msg_type"] == "error"
    assert msg["content"]["traceback"] == [class_guard.ERROR_NOTE]
    sent = json.dumps(msg, default=str)
    assert ".py" not in sent and "TraitError" not in sent


def test_the_class_kernels_format_tracebacks_in_one_line_and_keep_no_history(tmp_path):
    from traitlets.config.loader import PyFileConfigLoader

    ipython_dir = class_guard.write_kernel_profile(tmp_path)
    assert ipython_dir == tmp_path / "ipython"
    config = PyFileConfigLoader("ipython_kernel_config.py",
                                path=str(ipython_dir / "profile_default")).load_config()
    assert config.InteractiveShell.xmode == "Minimal"
    assert config.HistoryManager.enabled is False
    class_guard.write_kernel_profile(tmp_path)  # a second start writes it again, whole
    assert [p.name for p in (ipython_dir / "profile_default").iterdir()] == [
        "ipython_kernel_config.py"]


# ---------------------------------------------------------------- instructor pages


@pytest.mark.slow
def test_students_never_reach_the_instructor_guide_or_the_answer_keys(laptop):
    student = Device(laptop)
    assert student.get("", token=laptop.code)[0] == 200
    pages = class_roles.instructor_pages(NOTEBOOKS)
    assert GUIDE in pages
    for name in sorted(pages):
        for variant in (name, f"./{name}", urllib.parse.quote(name), name + "/",
                        f"{name}?template=lab", f"x/../{name}"):
            status, _, body = student.get(f"voila/render/{variant}")
            assert status == 404, (variant, status)
            assert "answer" not in body.lower()
    _, _, index = student.get("course")
    assert GUIDE not in index and "Instructor" not in index
    for entry in serving.course_entries(NOTEBOOKS):
        if entry.file not in pages:
            assert f"voila/render/{entry.file}" in index


@pytest.mark.slow
def test_the_instructor_opens_the_guide_from_the_laptop_itself(laptop):
    teacher = Device(laptop, INSTRUCTOR_ADDRESS)
    status, _, body = teacher.get(f"voila/render/{GUIDE}", token=laptop.code)
    assert status == 200
    assert "Answer key" in body or "answer key" in body
    teacher.leave(page_kernel_id(body))
    _, _, index = teacher.get("course")
    assert f"voila/render/{GUIDE}" in index and "instructor only" in index


# ---------------------------------------------------------------- files on the laptop


@pytest.mark.slow
def test_the_laptops_own_page_keeps_the_path_box_and_its_kernel_is_the_instructors_alone(
    laptop,
):
    teacher = Device(laptop, INSTRUCTOR_ADDRESS)
    kernel_id = teacher.page("14-film-your-hinge.ipynb")

    async def look() -> tuple[dict, Exception]:
        own = await KernelSocket.open(laptop.base, kernel_id, laptop.code,
                                      source=INSTRUCTOR_ADDRESS)
        widgets = await own.widgets()
        own.close()
        with pytest.raises(Exception) as refused:  # a student with the kernel's id
            await KernelSocket.open(laptop.base, kernel_id, laptop.code)
        return widgets, refused.value

    widgets, refused = async_run.run(look())
    teacher.leave(kernel_id)
    assert [s for s in widgets.values() if s["_model_name"] == "TextModel"
            and "path" in s.get("placeholder", "")]
    assert getattr(refused, "code", None) == 404, refused


@pytest.mark.slow
def test_the_video_checkers_hidden_path_box_cannot_read_a_file_on_the_laptop(laptop):
    """The reported attack: set the (undisplayed) path box, then "click" Analyse."""
    student = Device(laptop)
    kernel_id = student.page("14-film-your-hinge.ipynb")
    secret = laptop.private / "clip.mp4"

    async def attack() -> tuple[dict, list[dict]]:
        socket = await KernelSocket.open(laptop.base, kernel_id, laptop.code)
        widgets = await socket.widgets()
        for comm_id, state in widgets.items():
            if state["_model_name"] == "TextModel":
                socket.update(comm_id, {"value": str(secret)})
        for comm_id, state in widgets.items():
            if state["_model_name"] == "ButtonModel":
                socket.click(comm_id)
        replies = await socket.settle()  # every click handled, its output in
        socket.close()
        return widgets, replies

    since = time.time()
    widgets, replies = async_run.run(attack())
    student.leave(kernel_id)
    sent_back = json.dumps(replies)
    assert "image/jpeg" not in sent_back and "clip.mp4" not in sent_back
    assert touched(laptop, since, laptop.private) == []
    # the page has no path box to drive
    assert not [s for s in widgets.values() if s["_model_name"] == "TextModel"
                and "path" in s.get("placeholder", "")]


def test_the_widget_sweep_covers_every_students_page_once():
    """The sweep of every widget on every page (test_class_security_sweep_N.py) is split
    into parts; together they drive each page a student can open, each once."""
    parts = [class_laptop.sweep_part(k) for k in range(class_laptop.SWEEP_PARTS)]
    pages = [page for part in parts for page in part]
    assert sorted(pages) == sorted(class_laptop.students_pages())
    assert len(set(pages)) == len(pages) and GUIDE not in pages
    for k, part in enumerate(parts):
        assert part, k
        sweep_file = Path(__file__).with_name(f"test_class_security_sweep_{k + 1}.py")
        assert f"sweep(laptop, {k})" in sweep_file.read_text(), sweep_file


def test_in_the_class_app_every_widget_the_video_checker_makes_is_shown(monkeypatch):
    """A widget that exists can be driven by widget messages even when it is not displayed:
    in the class app the checker makes only widgets that are on the page."""
    import ipywidgets as widgets
    from ipywidgets.widgets.widget import _instances  # every live widget, by model id

    from hinge_lib.recordings.practice_log import CLASS_APP_VARIABLE, PracticeLog
    from hinge_lib.widgets.video_upload import video_checker

    monkeypatch.setenv(CLASS_APP_VARIABLE, "1")
    before = set(_instances)
    box = video_checker(log=PracticeLog)
    made = {k: w for k, w in _instances.items() if k not in before}
    shown = set()

    def walk(widget):
        shown.add(widget.model_id)
        for name in ("layout", "style"):
            part = getattr(widget, name, None)
            if isinstance(part, widgets.Widget):
                shown.add(part.model_id)
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(box)
    hidden = {type(w).__name__: getattr(w, "description", "") for k, w in made.items()
              if k not in shown}
    assert hidden == {}
    box.check_path("/etc/hostname")
    assert "only videos you upload" in box.message.value


# ---------------------------------------------------------------- what the server says


@pytest.mark.slow
def test_a_malformed_widget_update_sends_no_traceback_to_the_student(laptop):
    student = Device(laptop)
    kernel_id = student.page(serving.EXPLORER_NOTEBOOK)

    async def attack() -> list[dict]:
        socket = await KernelSocket.open(laptop.base, kernel_id, laptop.code)
        widgets = await socket.widgets()
        slider = next(k for k, s in widgets.items() if s["_model_name"] == "IntSliderModel")
        socket.update(slider, {"value": "not a number"})
        socket.update(slider, {"min": {"nested": [1, 2]}})
        socket.comm(slider, {"method": "no-such-method"})
        replies = await socket.settle(after=1.0)
        socket.close()
        return replies

    replies = async_run.run(attack())
    student.leave(kernel_id)
    text = json.dumps(replies)
    assert "Traceback" not in text and "TraitError" not in text and ".py" not in text
    assert not [m for m in replies if m["header"]["msg_type"] == "stream"]
    # the kernels ran with the class app's IPython profile (class_guard.write_kernel_profile):
    # IPython makes its folders on starting from it
    profile = laptop.state / "ipython" / "profile_default"
    assert (profile / "ipython_kernel_config.py").is_file() and (profile / "security").is_dir()


@pytest.mark.slow
def test_the_access_code_stays_out_of_the_log_when_a_request_fails(laptop):
    student = Device(laptop)
    start = len(laptop.err.read_text(errors="replace"))  # the app logs on stderr

    def since_start() -> str:
        return laptop.err.read_text(errors="replace")[start:]

    for path in ("logout", "voila/api/shutdown/not-a-kernel", "api/kernels/x/channels",
                 "hinge/api/kernel/00000000-0000-0000-0000-000000000000",
                 "voila/render/%ff.ipynb", "login"):
        student.get(path, token=laptop.code)
    deadline = time.monotonic() + 10
    while "GET /login?token=[access code]" not in since_start():
        assert time.monotonic() < deadline, "the app never logged the last request"
        time.sleep(0.05)
    log = laptop.log()
    assert log.count(laptop.code) == 1, [ln for ln in log.splitlines() if laptop.code in ln]
    # none of these requests broke a handler (tornado: "Uncaught exception GET /path (ip)").
    # The log also holds the kernels' own stderr; a kernel of an earlier test that is shut
    # down may print ipykernel's shutdown race there, which is no request of this test's.
    failed = re.findall(r"Uncaught exception [A-Z]+ /.*", since_start())
    assert not failed, failed


@pytest.mark.slow
def test_logout_answers_with_a_page_and_forgets_the_code(laptop):
    student = Device(laptop)
    assert student.get("course", token=laptop.code)[0] == 200
    status, _, body = student.get("logout")
    assert status == 200 and "access code" in body.lower()
    status, url, _ = student.get("course")
    assert "/login" in url  # the code has to be typed again


@pytest.mark.slow
def test_a_template_in_the_address_does_not_swap_the_class_page(laptop):
    student = Device(laptop)
    for template in ("lab", "classic", "reveal", "../../etc"):
        status, _, body = student.get(f"voila/render/{serving.EXPLORER_NOTEBOOK}",
                                      token=laptop.code, template=template, theme="dark")
        assert status == 200, template
        assert 'id="hinge-bar"' in body, template  # the class template, not Voila's own
        student.leave(page_kernel_id(body))
    assert re.search(r"hinge-bar", body)
