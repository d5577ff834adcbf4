"""The instructor sees the room: the class app's answer store, tally and dashboard.

The fast tests check the store (SQLite), the tally and the page's text handling; the `slow`
ones start the real class app and act on the wire: students answer self-checks in their
pages (the kernel posts the answer), the instructor's laptop reads the tally, and a classmate
(127.0.0.2, see tests/class_client.py) tries to read it, to post answers, and to flood it.
"""

from __future__ import annotations

import contextlib
import csv
import http.cookiejar
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import async_run
from class_client import INSTRUCTOR_ADDRESS, KernelSocket, opener
from hinge_lib import class_room
from hinge_lib.class_dashboard import dashboard_html
from hinge_lib.class_room import AnswerStore, clean_nickname, delete_answers, validate_answer
from hinge_lib.course import questions
from test_classroom import kernel_pid, page_kernel_id, start_class_app, wait_for

CHOICE = "00-arrow-key"
POSE = "00-first-hinge"
PREDICT = "01-predict-hamstrings"
#: A starting pose the instructor may send (a row of data/reference_positions.csv).
START = "romanian_deadlift"


def _first_notebook() -> str:
    """The course notebook holding the two self-checks used here."""
    root = Path(__file__).resolve().parent.parent / "notebooks"
    for path in sorted(root.glob("00-*.ipynb")):
        text = path.read_text(encoding="utf-8")
        if f'question(\\"{CHOICE}\\")' in text and f'question(\\"{POSE}\\")' in text:
            return path.name
    raise AssertionError("no notebook 00 asks both self-checks")


# ---------------------------------------------------------------- the store and the tally


def _entry(tally: dict, check_id: str) -> dict:
    return next(e for e in tally["checks"] if e["id"] == check_id)


def test_the_tally_counts_answers_passes_and_options_with_the_latest_answer_kept(tmp_path):
    store = AnswerStore(tmp_path / class_room.DB_NAME)
    assert store.record("seat-a", CHOICE, False, choice=0) == 1
    assert store.record("seat-b", CHOICE, True, choice=1) == 2
    assert store.record("seat-a", CHOICE, True, choice=1) == 1  # tried again: replaced
    store.record("seat-c", POSE, False, pose={"hip": 70.0, "lumbar": 35.0},
                 faults=["rounded_back"])
    store.record("seat-b", POSE, True, pose={"hip": 70.0, "lumbar": 0.0})
    tally = store.tally()
    assert tally["students"] == 3
    choice = _entry(tally, CHOICE)
    assert (choice["answered"], choice["passed"]) == (2, 2)
    assert [o["count"] for o in choice["options"]] == [0, 2, 0, 0]
    assert [o["text"] for o in choice["options"]] == questions.get(CHOICE)["options"]
    pose = _entry(tally, POSE)
    assert (pose["answered"], pose["passed"]) == (2, 1)
    assert sorted((p["student"], p["ok"]) for p in pose["poses"]) == [(2, True), (3, False)]
    assert pose["faults"] == [{"fault": "rounded_back", "count": 1}]
    order = [e["id"] for e in tally["checks"]]
    assert order == [q["id"] for q in questions.all_questions()]


def test_the_tally_has_a_row_for_every_self_check_of_every_notebook_in_course_order(tmp_path):
    """Notebook 13's checks, once asked inline, are rows too, after notebook 09's; an answer
    to one of them is taken and counted per option."""
    store = AnswerStore(tmp_path / class_room.DB_NAME)
    stretched = questions.get("13-stretched-muscles")
    body = {"check": stretched["id"], "ok": True, "choice": stretched["answer"]}
    checks = {q["id"]: q for q in class_room.course_checks()}
    store.record("seat-a", **validate_answer(body, checks))
    rows = store.tally()["checks"]
    numbers = [r["notebook"] for r in rows]
    assert numbers == sorted(numbers) and numbers[0] == "00" and numbers[-1] == "13"
    ids = [r["id"] for r in rows if r["notebook"] == "13"]
    assert ids == ["13-stretched-muscles", "13-hamstring-stretch", "13-squat-moments"]
    entry = _entry(store.tally(), stretched["id"])
    assert (entry["kind"], entry["answered"], entry["passed"]) == ("multi", 1, 1)
    assert [o["count"] for o in entry["options"]] == [
        int(i in stretched["answer"]) for i in range(len(stretched["options"]))]


def test_seat_cookies_are_stored_only_as_hashes_and_the_file_is_private(tmp_path):
    store = AnswerStore(tmp_path / class_room.DB_NAME)
    store.record("the-real-cookie-value", CHOICE, True, choice=1)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"the-real-cookie-value" not in raw
    assert (tmp_path / class_room.DB_NAME).stat().st_mode & 0o077 == 0


def test_a_restart_is_a_new_class_and_the_delete_command_removes_every_answer(tmp_path):
    first = AnswerStore(tmp_path / class_room.DB_NAME)
    first.record("seat-a", CHOICE, True, choice=1)
    first.close()
    again = AnswerStore(tmp_path / class_room.DB_NAME)
    assert _entry(again.tally(), CHOICE)["answered"] == 0  # the new run starts empty
    (kept,) = again.db.execute("SELECT COUNT(*) FROM answers").fetchone()
    assert kept == 1  # the earlier class stays in the file until deleted
    again.close()
    assert class_room.main(["delete", "--state", str(tmp_path)]) == 0
    assert not list(tmp_path.glob(class_room.DB_NAME + "*"))
    assert delete_answers(tmp_path) == []


def test_nicknames_are_plain_text_and_length_limited(tmp_path):
    assert clean_nickname(" Jo\x00\n  <i>B</i>\u202e ") == "Jo <i>B</i>"
    with pytest.raises(ValueError, match=r"nickname: 25 characters; at most 24"):
        clean_nickname("x" * 25)
    store = AnswerStore(tmp_path / class_room.DB_NAME)
    number = store.set_nickname("seat-a", "<img src=x onerror=f()>")
    store.record("seat-a", POSE, True, pose={"hip": 70.0})
    (pose,) = _entry(store.tally(), POSE)["poses"]
    assert (pose["student"], pose["nickname"]) == (number, "<img src=x onerror=f()>")


def test_the_dashboard_page_puts_tally_text_on_the_page_as_text_only():
    page = dashboard_html("/")
    assert "textContent" in page and "innerHTML" not in page and "insertAdjacentHTML" not in page
    assert 'id="anonymise" checked' in page  # anonymous by default
    assert "nothing is sent anywhere" in page
    assert "<script src" not in page and "https://" not in page  # nothing from elsewhere
    assert page.count("http://") == page.count("http://www.w3.org/2000/svg")  # a name only


@pytest.mark.parametrize(("body", "field"), [
    ({"check": "no-such-check"}, "check"),
    ({"check": CHOICE, "choice": 9}, "choice"),
    ({"check": CHOICE, "choice": "1"}, "choice"),
    ({"check": POSE, "pose": {"hip": 1e9}}, "pose"),
    ({"check": POSE, "faults": ["x" * 100]}, "faults"),
])
def test_a_malformed_answer_is_refused_naming_the_field(body, field):
    checks = {q["id"]: q for q in questions.all_questions()}
    with pytest.raises(ValueError, match=f"^{field}:"):
        validate_answer(body, checks)


@pytest.mark.parametrize(("body", "field"), [
    ({"banner": "x" * 201}, "banner"),
    ({"notebook": "12-instructor-guide.ipynb"}, "notebook"),
    ({"notebook": "../../etc/passwd"}, "notebook"),
    ({"notebook": "a.ipynb", "section": "x\"><script>"}, "section"),
    ({"paused": True, "message": "m" * 300}, "message"),
])
def test_pacing_takes_plain_text_and_course_pages_only(body, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        class_room.pacing(body, {"a.ipynb"})
    room = class_room.pacing({"banner": " Hinge\u200b now\n", "paused": 1}, set())
    assert (room["banner"], room["link"], room["paused"]) == ("Hinge now", "", True)
    assert room["message"]  # a pause always says why


def test_a_starting_pose_must_be_a_reference_position_and_is_named_for_the_banner():
    poses = class_room.starting_poses()
    room = class_room.pacing({"banner": "Start here", "pose": START}, set(), poses)
    assert (room["pose"], room["pose_name"]) == (START, poses[START])
    with pytest.raises(ValueError, match="^pose: 'hip=170'"):
        class_room.pacing({"pose": "hip=170"}, set(), poses)
    assert class_room.pacing({}, set(), poses)["pose"] == ""
    page = dashboard_html("/", ["10-pose-explorer.ipynb"], poses)
    assert f'<option value="{START}">' in page and 'id="pose"' in page


def test_the_room_file_is_private_and_the_kernels_read_it(tmp_path, monkeypatch):
    from hinge_lib.widgets import room as kernel_room

    path = tmp_path / class_room.ROOM_FILE
    class_room.write_room(path, {"paused": True, "message": "Look up", "pose": START})
    assert path.stat().st_mode & 0o077 == 0
    monkeypatch.delenv(kernel_room.ROOM_FILE_VARIABLE, raising=False)
    assert kernel_room.paused() is None and not kernel_room.in_class_app()  # not in the app
    monkeypatch.setenv(kernel_room.ROOM_FILE_VARIABLE, str(path))
    assert (kernel_room.paused(), kernel_room.starting_pose()) == ("Look up", START)
    class_room.write_room(path, {"paused": False, "message": "", "pose": ""})
    assert (kernel_room.paused(), kernel_room.starting_pose()) == (None, "")


def test_a_paused_explorer_puts_slider_changes_back_and_offers_the_sent_pose(tmp_path,
                                                                             monkeypatch):
    from hinge_lib.model.references import reference_pose
    from hinge_lib.widgets import room as kernel_room
    from hinge_lib.widgets.explorer import explore

    path = tmp_path / class_room.ROOM_FILE
    class_room.write_room(path, {"paused": False, "pose": ""})
    monkeypatch.setenv(kernel_room.ROOM_FILE_VARIABLE, str(path))
    explorer = explore()
    hip = explorer.sliders["hip"]
    hip.value = 40
    assert explorer.pose.hip == 40
    explorer.room_pose.click()  # nothing sent yet: nothing moves
    assert explorer.pose.hip == 40 and "not sent a starting pose" in explorer.message.value
    class_room.write_room(path, {"paused": True, "message": "Eyes up", "pose": START})
    hip.value = 70
    assert (hip.value, explorer.pose.hip) == (40, 40)  # put back: the kernel holds the pause
    assert "Paused by the instructor: Eyes up" in explorer.message.value
    explorer.room_pose.click()
    explorer.reset.click()
    explorer.preset.value = "conventional_deadlift"
    assert (explorer.pose.hip, explorer.preset.value) == (40, "")
    class_room.write_room(path, {"paused": False, "message": "", "pose": START})
    explorer.room_pose.click()  # the student's own press, once the room goes on
    assert explorer.pose.hip == reference_pose(START).hip
    assert "Starting pose from your instructor" in explorer.message.value
    monkeypatch.delenv(kernel_room.ROOM_FILE_VARIABLE)
    assert explore().room_pose is None  # outside the class app: no such button


def test_a_predict_question_reports_the_committed_guess_to_the_room(monkeypatch, tmp_path):
    from hinge_lib.course import class_report, selfcheck

    sent = []
    monkeypatch.setattr(class_report, "report",
                        lambda qid, ok, **kw: sent.append((qid, ok, kw["choice"])))
    q = questions.get(PREDICT)
    box = selfcheck.question(PREDICT)
    box.commit()  # no guess yet: nothing to report
    wrong = (q["answer"] + 1) % len(q["options"])
    box.select(wrong)
    box.commit()
    box.again()
    box.select(q["answer"])
    box.commit()
    assert sent == [(PREDICT, False, wrong), (PREDICT, True, q["answer"])]
    store = AnswerStore(tmp_path / class_room.DB_NAME)
    for seat, (_, ok, choice) in zip(("seat-a", "seat-b"), sent, strict=True):
        store.record(seat, PREDICT, ok, choice=choice)
    entry = _entry(store.tally(), PREDICT)
    assert (entry["kind"], entry["answered"], entry["passed"]) == ("predict", 2, 1)
    counts = [o["count"] for o in entry["options"]]
    assert counts[wrong] == 1 and counts[q["answer"]] == 1 and sum(counts) == 2


def _one_of_each_kind() -> list[str]:
    first: dict[str, str] = {}
    for q in questions.all_questions():
        first.setdefault(q["kind"], q["id"])
    return list(first.values())


@pytest.mark.parametrize("qid", _one_of_each_kind())
def test_every_kind_of_self_check_reports_to_the_room(qid, monkeypatch):
    from hinge_lib.course import class_report, selfcheck

    sent = []
    monkeypatch.setattr(class_report, "report", lambda *a, **kw: sent.append((a, kw)))
    q = questions.get(qid)
    box = selfcheck.question(qid)
    if q["kind"] == "number":
        box.text.value = "1"  # a typed answer is checked (and reported) as it is entered
    elif q["kind"] == "predict":
        box.select(0)
        box.commit()
    else:
        if q.get("options"):
            box.select([0] if q["kind"] == "multi" else 0)
        box.check()
    ((args, kw),) = sent
    assert args[0] == qid and isinstance(args[1], bool)
    if q.get("options"):
        assert kw["choice"] in (0, [0])  # counted per option on the dashboard
    if q["kind"] == "pose":
        assert set(kw["pose"]) >= {"hip", "knee"} and kw["figure"]


def test_the_csv_holds_the_counts_per_option_and_says_nothing_left_the_laptop(tmp_path):
    store = AnswerStore(tmp_path / class_room.DB_NAME)
    store.record("seat-a", CHOICE, True, choice=1)
    store.record("seat-b", CHOICE, False, choice=3)
    rows = list(csv.reader(io.StringIO(store.csv_text())))
    assert "nothing was sent anywhere" in rows[0][0]
    assert rows[1] == ["check", "notebook", "kind", "answered", "passed", "option", "count"]
    mine = [r for r in rows[2:] if r[0] == CHOICE]
    assert [r[6] for r in mine] == ["0", "1", "0", "1"]
    assert {(r[3], r[4]) for r in mine} == {("2", "1")}


# ---------------------------------------------------------------- the real app


class Browser:
    """One device: its own cookies, its own address (a student's unless told)."""

    def __init__(self, app, source: str | None = None) -> None:
        self.app = app
        self.jar = http.cookiejar.CookieJar()
        self.opener = opener(source, self.jar) if source else opener(jar=self.jar)

    def request(self, path: str, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        req = urllib.request.Request(self.app.base + path, data=data, headers=headers or {},
                                     method="POST" if data is not None else "GET")
        try:
            with self.opener.open(req, timeout=180) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace")

    def page(self, notebook: str) -> str:
        status, body = self.request(f"voila/render/{notebook}?token={self.app.code}")
        assert status == 200, (status, body[:300])
        return page_kernel_id(body)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    from browser import stop_process

    folder = tmp_path_factory.mktemp("room")
    app = start_class_app(folder, "--pool", "0", "--cull-after", "600", "--max-kernels", "12",
                          "--state", str(folder / "state"))
    yield app
    stop_process(app.proc)


def tally(app) -> dict:
    status, body = Browser(app, INSTRUCTOR_ADDRESS).request(class_room.TALLY_PATH)
    assert status == 200, body[:300]
    return json.loads(body)


def answer_key(kernel_id: str) -> str:
    """The answer key as the app gave it to a kernel (read from the kernel's environment)."""
    pid = wait_for(lambda: kernel_pid(kernel_id), 60, "the kernel's process")
    env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    prefix = class_room.ANSWER_KEY_VARIABLE.encode() + b"="
    return next(e[len(prefix):].decode() for e in env if e.startswith(prefix))


async def _answer(app, kernel_id: str, check_id: str, choice: int | None = None) -> None:
    """Do in the page what a student does: pick an option (if any) and press Check."""
    socket = await KernelSocket.open(app.base, kernel_id, app.code)
    widgets = await socket.widgets()
    q = questions.get(check_id)
    if q["kind"] == "pose":
        (button,) = [c for c, s in widgets.items() if s["_model_name"] == "ButtonModel"
                     and s.get("description") == "Check my pose"]
    else:
        (radio,) = [c for c, s in widgets.items() if s["_model_name"] == "RadioButtonsModel"
                    and s.get("_options_labels") == q["options"]]
        (box,) = [s for s in widgets.values() if f"IPY_MODEL_{radio}" in s.get("children", [])]
        (button,) = [c.removeprefix("IPY_MODEL_") for c in box["children"]
                     if widgets[c.removeprefix("IPY_MODEL_")]["_model_name"] == "ButtonModel"]
        socket.update(radio, {"index": choice})
        await socket.read_for(1.0)
    socket.click(button)
    await socket.read_for(2.0)
    socket.close()


@pytest.mark.slow
def test_students_cannot_read_the_dashboard_or_its_data(room):
    student, laptop = Browser(room), Browser(room, INSTRUCTOR_ADDRESS)
    student.page(_first_notebook())  # logged in, seat cookie held
    for path in (class_room.TALLY_PATH, class_room.TALLY_PATH + ".csv",
                 class_room.DASHBOARD_PATH):
        status, body = student.request(path)
        assert status == 404, (path, status)
        assert "checks" not in body and "answered" not in body.lower()
        assert laptop.request(path)[0] == 200
    # nor set the room's pacing (a student may read it: their page shows it)
    pause = json.dumps({"paused": True}).encode()
    assert student.request(class_room.PACE_PATH, pause,
                           {"Content-Type": "application/json"})[0] == 404
    status, body = student.request(class_room.ROOM_PATH + f"?token={room.code}")
    assert status == 200 and json.loads(body)["paused"] is False
    # a header naming the laptop changes nothing: the connection's address decides
    status, _ = student.request(class_room.TALLY_PATH, headers={"X-Forwarded-For": "127.0.0.1",
                                                                 "X-Real-IP": "127.0.0.1"})
    assert status == 404


@pytest.mark.slow
def test_answers_pressed_in_students_pages_reach_the_tally(room):
    notebook = _first_notebook()
    a, b = Browser(room), Browser(room)
    kernel_a, kernel_b = a.page(notebook), b.page(notebook)
    before = _entry(tally(room), CHOICE)["answered"]

    async def work() -> None:
        await _answer(room, kernel_a, CHOICE, 1)
        await _answer(room, kernel_b, CHOICE, 2)
        await _answer(room, kernel_a, POSE)

    async_run.run(work())
    seen = wait_for(lambda: (t := tally(room)) and _entry(t, CHOICE)["answered"] >= before + 2
                    and _entry(t, POSE)["answered"] >= 1 and t, 30, "the answers in the tally")
    choice = _entry(seen, CHOICE)
    assert choice["options"][1]["count"] >= 1 and choice["options"][2]["count"] >= 1
    (pose,) = _entry(seen, POSE)["poses"]
    assert set(pose["pose"]) >= {"hip", "knee", "lumbar"} and pose["ok"] in (True, False)
    status, text = Browser(room, INSTRUCTOR_ADDRESS).request(class_room.TALLY_PATH + ".csv")
    assert status == 200 and "nothing was sent anywhere" in text
    assert any(r[:1] == [CHOICE] and r[5] == questions.get(CHOICE)["options"][2]
               and int(r[6]) >= 1 for r in csv.reader(io.StringIO(text)))
    assert (room.state / class_room.DB_NAME).is_file()


def pace(app, **room_state) -> dict:
    """The instructor sets the room's pacing from the laptop, as the dashboard does."""
    laptop = Browser(app, INSTRUCTOR_ADDRESS)
    xsrf = "7b" * 16
    laptop.jar.set_cookie(_cookie("_xsrf", xsrf, app.base))
    status, body = laptop.request(class_room.PACE_PATH, json.dumps(room_state).encode(),
                                  {"Content-Type": "application/json", "X-XSRFToken": xsrf})
    assert status == 200, body
    return json.loads(body)


def _hip_and_offer(widgets: dict[str, dict]) -> tuple[str, str]:
    """The Hip slider and the "Take the starting pose" button of one explorer on a page."""
    def inside(comm_id: str) -> list[str]:
        children = [c.removeprefix("IPY_MODEL_") for c in widgets[comm_id].get("children", [])]
        return [comm_id, *(d for c in children if c in widgets for d in inside(c))]

    for offer, state in widgets.items():
        if state.get("description") != "Take the starting pose":
            continue
        (controls,) = [c for c, s in widgets.items()
                       if f"IPY_MODEL_{offer}" in s.get("children", [])]
        hip = [c for c in inside(controls) if widgets[c]["_model_name"] == "IntSliderModel"
               and widgets[c].get("description") == "Hip"]
        if hip:
            return hip[0], offer
    raise AssertionError("no explorer with a starting-pose button on the page")


@pytest.mark.slow
def test_the_pause_holds_in_the_students_kernel_and_a_sent_pose_waits_for_the_student(room):
    """A paused student's slider change is put back by the kernel itself (a page with its
    overlay removed gains nothing); a starting pose moves a figure only on the student's
    press; and a student can neither lift the pause nor send a pose."""
    from hinge_lib.model.references import reference_pose

    student = Browser(room)
    kernel_id = student.page(_first_notebook())

    def value_sent(msgs: list[dict], comm_id: str) -> int | None:
        found = [m["content"]["data"]["state"]["value"] for m in msgs
                 if m["header"]["msg_type"] == "comm_msg"
                 and m["content"].get("comm_id") == comm_id
                 and "value" in m["content"].get("data", {}).get("state", {})]
        return found[-1] if found else None

    async def work() -> None:
        socket = await KernelSocket.open(room.base, kernel_id, room.code)
        widgets = await socket.widgets()
        hip, offer = _hip_and_offer(widgets)
        start = widgets[hip]["value"]
        try:
            pace(room, paused=True, message="Eyes on me", pose=START)
            # the student's ways to lift it: the instructor's address answers 404 ...
            assert student.request(class_room.PACE_PATH, b'{"paused": false}',
                                   {"Content-Type": "application/json"})[0] == 404
            socket.update(hip, {"value": start + 10})  # ... and a slider moved anyway
            msgs = await socket.read_for(4)
            assert value_sent(msgs, hip) == start  # put back by the kernel (last word)
            socket.click(offer)  # the sent pose is not taken while paused either
            msgs = await socket.read_for(3)
            assert value_sent(msgs, hip) is None
            said = "Paused by the instructor: Eyes on me"  # on the page's explorer
            assert any(said in json.dumps(m) for m in socket.seen)
            pace(room, paused=False, pose=START)
            await socket.read_for(1)
            assert value_sent(socket.seen, hip) == start  # nothing moved by itself
            socket.click(offer)  # the student's press
            wanted = round(reference_pose(START).hip)
            msgs = await socket.read_for(10, lambda m: value_sent([m], hip) == wanted)
            assert value_sent(msgs, hip) == wanted
        finally:
            pace(room, paused=False)
            socket.close()

    async_run.run(work())


@pytest.mark.slow
def test_the_dashboard_hears_of_an_answer_as_soon_as_it_is_stored(room):
    """The dashboard's request for a change waits, and is answered when an answer lands."""
    import threading

    laptop = Browser(room, INSTRUCTOR_ADDRESS)
    kernel_id = Browser(room).page(_first_notebook())
    version = tally(room)["version"]
    got: dict = {}

    def wait_for_change() -> None:
        status, body = laptop.request(f"{class_room.TALLY_PATH}?after={version}")
        got.update(status=status, tally=json.loads(body), at=time.monotonic())

    waiting = threading.Thread(target=wait_for_change)
    waiting.start()
    time.sleep(1.0)
    assert not got  # nothing new: the request waits
    pressed = time.monotonic()
    async_run.run(_answer(room, kernel_id, CHOICE, 2))
    waiting.join(60)
    assert got["status"] == 200 and got["tally"]["version"] > version
    assert _entry(got["tally"], CHOICE)["answered"] >= 1
    assert got["at"] - pressed < class_room.TALLY_WAIT_S  # answered by the change, not a timeout
    status, _ = laptop.request(f"{class_room.TALLY_PATH}?after=x")
    assert status == 400


@pytest.mark.slow
def test_a_browser_cannot_post_answers_and_the_key_does_not_make_one_a_kernel(room):
    student = Browser(room)
    kernel_id = student.page(_first_notebook())
    key = answer_key(kernel_id)
    body = json.dumps({"kernel": kernel_id, "check": CHOICE, "ok": True, "choice": 1}).encode()
    headers = {class_room.ANSWER_KEY_HEADER: key, "Content-Type": "application/json"}
    # from a classmate's device, even holding the key (which no page shows): not found
    assert student.request(class_room.ANSWER_PATH, body, headers)[0] == 404
    laptop = Browser(room, INSTRUCTOR_ADDRESS)
    # on the laptop without the key, or with a wrong one: refused
    assert laptop.request(class_room.ANSWER_PATH, body, {})[0] == 403
    assert laptop.request(class_room.ANSWER_PATH, body,
                          {class_room.ANSWER_KEY_HEADER: key[:-1] + "x"})[0] == 403
    # with the key but a kernel that belongs to no student: refused
    other = json.dumps({"kernel": "0" * 36, "check": CHOICE, "ok": True, "choice": 1}).encode()
    assert laptop.request(class_room.ANSWER_PATH, other, headers)[0] == 403
    # the kernel's own post is filed under its browser session, whoever sends it
    assert laptop.request(class_room.ANSWER_PATH, body, headers)[0] == 200


@pytest.mark.slow
def test_one_browser_session_cannot_flood_the_tally(room):
    kernel_id = Browser(room).page(_first_notebook())
    headers = {class_room.ANSWER_KEY_HEADER: answer_key(kernel_id)}
    body = json.dumps({"kernel": kernel_id, "check": CHOICE, "ok": False, "choice": 0}).encode()
    laptop = Browser(room, INSTRUCTOR_ADDRESS)
    start = time.monotonic()
    codes = [laptop.request(class_room.ANSWER_PATH, body, headers)[0] for _ in range(60)]
    elapsed = time.monotonic() - start
    allowed = class_room.ANSWER_BURST + class_room.ANSWERS_PER_S * elapsed + 1
    assert codes.count(200) <= allowed and codes.count(429) >= 60 - allowed
    assert set(codes) <= {200, 429}
    # ... and a flood counts once: one row per student and self-check
    now = tally(room)
    assert _entry(now, CHOICE)["answered"] <= now["students"]


@pytest.mark.slow
def test_a_nickname_is_plain_text_length_limited_and_needs_the_class_code(room):
    student = Browser(room)
    status, form = student.request(class_room.NICKNAME_PATH + f"?token={room.code}")
    assert status == 200 and 'name="nickname"' in form and 'name="_xsrf"' in form
    seat = student.cookie("hinge-seat")
    assert seat  # the form gives the browser its session
    xsrf = "5a" * 16  # the form's token (kept in a cookie; the same check as the form's)
    student.jar.set_cookie(_cookie("_xsrf", xsrf, room.base))

    def send(who: Browser, name: str, code: str | None = room.code) -> int:
        data = urllib.parse.urlencode({"nickname": name, "_xsrf": xsrf}).encode()
        path = class_room.NICKNAME_PATH + (f"?token={code}" if code else "")
        return who.request(path, data, {"X-XSRFToken": xsrf})[0]

    assert send(student, "<b>Sam</b>") == 200
    assert send(student, "y" * 40) == 400
    stranger = Browser(room)  # no class code, no seat: no nickname
    stranger.jar.set_cookie(_cookie("_xsrf", xsrf, room.base))
    assert send(stranger, "intruder", code=None) in (403, 404, 405)
    rows = [r[0] for r in sqlite_rows(room, "SELECT nickname FROM students")]
    assert "<b>Sam</b>" in rows and "intruder" not in rows
    student.page(_first_notebook())  # the course pages keep the same session
    assert student.cookie("hinge-seat") == seat
    assert not any(len(r) > class_room.NICKNAME_MAX for r in rows)


def _cookie(name: str, value: str, base: str) -> http.cookiejar.Cookie:
    host = urllib.parse.urlsplit(base).hostname
    return http.cookiejar.Cookie(0, name, value, None, False, host, False, False, "/", True,
                                 False, None, False, None, None, {})


def sqlite_rows(app, query: str) -> list[tuple]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(app.state / class_room.DB_NAME)) as db:
        return db.execute(query).fetchall()


# ---------------------------------------------------------------- in real browsers


@pytest.mark.slow
@pytest.mark.browser
def test_three_students_and_the_dashboard_answers_poses_pacing_and_the_csv(room, browser):
    """Two students answer a question and one makes a pose; the dashboard shows the counts
    and the overlaid poses; "send the room" brings the banner (a link and a starting pose)
    to all three, and the pose is taken only on a student's press; pause locks their
    sliders; the CSV holds the counts."""
    from class_client import RoomNetwork
    from hinge_lib.model.references import reference_pose

    notebook = _first_notebook()
    relay = RoomNetwork(int(room.base.rsplit(":", 1)[1].split("/")[0]))
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(4)]
    for context in contexts:  # three notebook kernels start at once on a shared machine
        context.set_default_timeout(120_000)
    try:
        students = [c.new_page() for c in contexts[:3]]
        for page in students:
            page.goto(relay.url(f"{room.base}voila/render/{notebook}?token={room.code}"),
                      wait_until="domcontentloaded", timeout=180_000)
        q = questions.get(CHOICE)
        for page in students:
            page.locator(".hinge-selfcheck", has_text=q["prompt"]).first.wait_for(
                timeout=180_000)
        before = _entry(tally(room), CHOICE)
        poses_before = _entry(tally(room), POSE)["answered"]
        for page, option in zip(students[:2], (1, 3), strict=True):
            box = page.locator(".hinge-selfcheck", has_text=q["prompt"]).first
            box.get_by_text(q["options"][option], exact=True).click()
            box.locator("button", has_text="Check").first.click()
        maker = students[2]
        task = maker.locator(".hinge-selfcheck", has_text="Check my pose").first
        handle = task.locator(".widget-slider").filter(
            has=maker.locator(".widget-label", has_text="Hip")).first.locator(".noUi-handle")
        handle.focus()
        for _ in range(5):
            handle.press("ArrowRight")
        task.locator("button", has_text="Check my pose").first.click()

        dashboard = contexts[3].new_page()
        dashboard.goto(room.base + class_room.DASHBOARD_PATH, timeout=60_000)
        row = dashboard.locator(f"tr[data-check='{CHOICE}']")
        row.locator(".answered", has_text=str(before["answered"] + 2)).wait_for(
            timeout=60_000)
        options = row.locator(".option").all_inner_texts()
        for option in (1, 3):
            count = before["options"][option]["count"] + 1
            assert f"{count} \u00d7 {q['options'][option]}" in options
        pose_row = dashboard.locator(f"tr[data-check='{POSE}']")
        wait_for(lambda: pose_row.locator("button.pose").count() == poses_before + 1, 60,
                 "the new pose on the dashboard")
        drawn = {p.get_attribute("data-student")
                 for p in pose_row.locator("polyline.body").all()}
        assert len(drawn) == poses_before + 1  # every student's pose on the one figure
        assert "passing (solid blue)" in pose_row.locator("figcaption").inner_text()
        pose_row.locator("button.pose").last.click()  # one attempt shown large
        dashboard.locator("figure.overlay.large polyline.picked").first.wait_for(
            state="attached")  # (a body standing straight is a line of no width)

        dashboard.fill("#banner", "Everyone: open the explorer <b>now</b>")
        dashboard.select_option("#notebook", "10-pose-explorer.ipynb")
        dashboard.select_option("#pose", START)
        readout = task.locator(".widget-slider").filter(
            has=maker.locator(".widget-label", has_text="Hip")).first.locator(".widget-readout")
        moved = readout.inner_text()
        dashboard.click("#send")
        dashboard.locator("#paced", has_text="Sent").wait_for()
        for page in students:
            text = page.locator("#hinge-room-text")
            text.wait_for(state="visible", timeout=30_000)
            assert text.inner_text() == "Everyone: open the explorer <b>now</b>"
            assert page.locator("#hinge-room-link").get_attribute("href").endswith(
                "voila/render/10-pose-explorer.ipynb")
            assert "Starting pose" in page.locator("#hinge-room-pose").inner_text()
            page.locator(".hinge-room-pose").first.wait_for(state="visible")
            assert notebook in page.url  # a link, never a jump
        maker.wait_for_timeout(1000)
        assert readout.inner_text() == moved  # offered, not applied
        task.locator(".hinge-room-pose").first.click()  # the student's own press
        wanted = str(round(reference_pose(START).hip))
        wait_for(lambda: readout.inner_text() == wanted, 30, "the starting pose taken")
        value = readout.inner_text()
        dashboard.fill("#message", "Look at the projector")
        dashboard.click("#pause")
        dashboard.locator("#paced", has_text="paused").wait_for()
        for page in students:
            page.locator("#hinge-pause", has_text="Look at the projector").wait_for(
                state="visible", timeout=30_000)
        handle.focus()
        handle.press("ArrowRight")
        maker.wait_for_timeout(1500)
        assert readout.inner_text() == value  # locked
        with pytest.raises(Exception, match="intercepts pointer events"):
            handle.click(timeout=2000)
        dashboard.click("#pause")  # resume
        maker.locator("#hinge-pause").wait_for(state="hidden", timeout=30_000)

        csv_text = dashboard.request.get(room.base + class_room.TALLY_PATH + ".csv").text()
        rows = list(csv.reader(io.StringIO(csv_text)))
        assert "nothing was sent anywhere" in rows[0][0]
        mine = {r[5]: int(r[6]) for r in rows[2:] if r[0] == CHOICE}
        assert mine[q["options"][1]] == before["options"][1]["count"] + 1
        assert mine[q["options"][3]] == before["options"][3]["count"] + 1
    finally:
        for context in contexts:
            context.close()
        relay.close()
