"""The class app in a real browser: students open the printed address, move the explorer's
sliders, reload, lose their kernel and carry on; a student logs in with the code and works
through a pose task while the instructor opens the guide on the laptop (headless Chromium,
127.0.0.1 only: a student's device is imitated by a relay from 127.0.0.2, see
class_client.RoomNetwork)."""

from __future__ import annotations

import os
import signal

import pytest

from class_client import RoomNetwork
from hinge_lib import serving
from test_classroom import NOTEBOOKS, kernel_pid, start_class_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The drawn body of the explorer's live SVG figure.
BODY_D_JS = """() => { const p = document.querySelector(
  ".hinge-explorer .hinge-live-svg path.hinge-layer[data-name='body']");
  return p ? p.getAttribute('d') : null; }"""


def _slider(page, label: str):
    return page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=label)).first


def _slider_handle(page, label: str):
    return _slider(page, label).locator(".noUi-handle").first


def _slider_readout(page, label: str):
    return _slider(page, label).locator(".widget-readout").first


@pytest.fixture(scope="module")
def class_app(tmp_path_factory):
    from browser import stop_process

    app = start_class_app(tmp_path_factory.mktemp("class-browser"), "--pool", "2",
                          "--cull-after", "600", "--max-kernels", "10")
    yield app
    stop_process(app.proc)


@pytest.fixture
def student(browser):
    """Another student's browser: its own context (cookies, cache)."""
    contexts = []

    def new():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


def open_explorer(page, url: str) -> str:
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_function(f"() => ({BODY_D_JS})()", timeout=120_000)
    return page.evaluate(BODY_D_JS)


def move_hip(page, before: str) -> str:
    """Press ArrowRight on the Hip slider; wait for the readout and the drawn body to follow."""
    readout = _slider_readout(page, "Hip")
    value = int(readout.inner_text())
    handle = _slider_handle(page, "Hip")
    handle.focus()
    handle.press("ArrowRight")
    page.wait_for_function(
        f"(old) => {{ const d = ({BODY_D_JS})(); return d && d !== old; }}",
        arg=before, timeout=90_000,
    )
    assert int(readout.inner_text()) == value + 1
    return page.evaluate(BODY_D_JS)


def page_kernel(page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def test_the_printed_address_opens_the_explorer_which_links_the_course_index(
    class_app, student
):
    page = student()
    before = open_explorer(page, class_app.url)
    assert page.url.endswith(f"voila/render/{serving.EXPLORER_NOTEBOOK}")
    move_hip(page, before)
    # no code on the page and no error output
    assert page.locator(".jp-CodeMirrorEditor, .jp-CodeCell .jp-InputArea").count() == 0
    assert "import hinge_lib" not in page.content()
    assert page.locator(".jp-OutputArea-output[data-mime-type*='error']").count() == 0
    page.get_by_role("link", name="Course index").click()
    page.wait_for_selector("ol.course")
    titles = page.locator("ol.course > li > a").all_inner_texts()
    entries = serving.course_entries(NOTEBOOKS)
    assert titles == [f"{e.file[:2]} · {e.title}" for e in entries]
    page.get_by_role("link", name=f"01 · {entries[1].title}").click()
    page.locator("h1", has_text=entries[1].title).first.wait_for(timeout=120_000)
    assert page.locator(".jp-CodeMirrorEditor, .jp-CodeCell .jp-InputArea").count() == 0


def test_a_student_reloading_twenty_times_holds_one_kernel(class_app, student):
    earlier = class_app.status()["students"]  # pages left open by earlier tests
    page = student()
    open_explorer(page, class_app.url)
    for _ in range(20):
        page.reload(wait_until="domcontentloaded")
    before = open_explorer(page, page.url)
    move_hip(page, before)
    status = class_app.status()
    assert status["students"] == earlier + 1
    assert status["kernels"] <= status["students"] + 2 + 1  # + warm pool (+1 refilling)


def test_a_killed_kernel_shows_a_clear_notice_and_others_carry_on(class_app, student):
    victim, other = student(), student()
    open_explorer(victim, class_app.url)
    other_before = open_explorer(other, class_app.url)
    assert not victim.locator("#hinge-notice").is_visible()
    pid = kernel_pid(page_kernel(victim))
    assert pid
    os.kill(pid, signal.SIGKILL)
    victim.locator("#hinge-notice").wait_for(state="visible", timeout=30_000)
    assert "stopped" in victim.locator("#hinge-notice").inner_text()
    # the other student is unaffected
    move_hip(other, other_before)
    # the victim reloads and carries on with a new kernel
    with victim.expect_navigation(wait_until="domcontentloaded", timeout=120_000):
        victim.get_by_role("button", name="Reload this page").click()
    victim.wait_for_function(f"() => ({BODY_D_JS})()", timeout=120_000)
    before = victim.evaluate(BODY_D_JS)
    move_hip(victim, before)
    assert not victim.locator("#hinge-notice").is_visible()
    assert victim.evaluate("document.getElementById('hinge-notice').style.display") != "block"


def test_a_student_logs_in_and_works_while_the_instructor_opens_the_guide_on_the_laptop(
    class_app, student
):
    port = int(class_app.base.rsplit(":", 1)[1].strip("/"))
    room = RoomNetwork(port)
    try:
        # a student's device: the address without the code asks for it
        phone = student()
        phone.goto(room.url(class_app.base), wait_until="domcontentloaded", timeout=120_000)
        phone.get_by_label("Access code").fill(class_app.code)
        phone.get_by_role("button", name="Open the course").click()
        phone.wait_for_function(f"() => ({BODY_D_JS})()", timeout=120_000)
        move_hip(phone, phone.evaluate(BODY_D_JS))
        phone.get_by_role("link", name="Course index").click()
        phone.wait_for_selector("ol.course")
        titles = phone.locator("ol.course > li > a").all_inner_texts()
        assert not [t for t in titles if t.startswith("12 ")]
        assert "instructor" not in phone.locator("ol.course").inner_text().lower()
        # a notebook with a pose task: the check answers on the page
        phone.locator("ol.course > li > a", has_text="00 ·").click()
        check = phone.get_by_role("button", name="Check my pose").first
        check.wait_for(timeout=120_000)
        task = phone.locator(".hinge-selfcheck", has=check).first
        before = task.inner_text()
        check.click()
        phone.wait_for_function(
            "(old) => { const b = [...document.querySelectorAll('.hinge-selfcheck')]"
            ".find(e => e.innerText.includes('Check my pose'));"
            " return b && b.innerText !== old; }", arg=before, timeout=60_000)
        # the guide does not exist for the student
        guide = room.url(class_app.base) + "voila/render/12-instructor-guide.ipynb"
        response = phone.goto(guide, wait_until="domcontentloaded")
        assert response.status == 404 and "Page not found" in phone.content()
        # the instructor, on the laptop itself, opens it from the index
        laptop = student()
        laptop.goto(class_app.base + f"course?token={class_app.code}",
                    wait_until="domcontentloaded")
        laptop.locator("ol.course > li > a", has_text="12 ·").click()
        laptop.get_by_text("Answer key", exact=False).first.wait_for(timeout=120_000)
        assert laptop.url.endswith("12-instructor-guide.ipynb")
    finally:
        room.close()
