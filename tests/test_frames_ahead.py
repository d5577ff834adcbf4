"""Frames sent ahead: what the kernel works out while idle is exactly what it would send
for those slider values, covers the slider's whole range nearest first, holds while only
that slider moves and starts again when anything else changes."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import async_run
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.pose import Pose
from hinge_lib.view import figures as drawing
from hinge_lib.widgets import explorer
from hinge_lib.widgets.animation import animate
from hinge_lib.widgets.frames_ahead import FramesAhead, nearest_first


def _messages(figure) -> list[dict]:
    """Every custom message the figure sends, recorded instead of sent."""
    sent: list[dict] = []
    figure.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    return sent


async def _until_done(ex, timeout_s: float = 20.0) -> None:
    """Let the event loop run the work ahead (as a kernel's loop does between messages)
    until it is finished."""
    await asyncio.sleep(0.05)
    waited = 0.0
    while ex.ahead.busy and waited < timeout_s:
        await asyncio.sleep(0.05)
        waited += 0.05
    assert not ex.ahead.busy


@given(st.integers(-30, 30), st.integers(-30, 0), st.integers(0, 30))
def test_nearest_first_gives_every_other_value_once_by_distance(value, lo, hi):
    if not lo <= value <= hi:
        value = lo
    order = list(nearest_first(value, lo, hi))
    assert sorted(order) == [v for v in range(lo, hi + 1) if v != value]
    distances = [abs(v - value) for v in order]
    assert distances == sorted(distances)


@settings(max_examples=15, deadline=None)
@given(hip=st.integers(-30, 135), knee=st.integers(0, 140), load=st.integers(0, 60))
def test_a_frame_worked_out_ahead_is_the_frame_the_kernel_sends(hip, knee, load):
    ex = explorer.explore({"knee": knee}, load_kg=load)
    values = {f: int(ex.sliders[f].value) for f in explorer.FIELDS}
    (ahead,) = ex.ahead.frames_for(values, "hip", [hip]).values()
    ex.sliders["hip"].value = hip
    assert ahead == ex.figure.frame
    assert ahead["controls"]["hip"] == hip and ahead["controls"]["knee"] == knee
    a = analyze(Pose(hip=hip, knee=knee), Body(), load_kg=load)
    assert {k: v for k, v in ahead.items() if k not in ("controls", "context")} == \
        drawing.live_frame(a)


def test_frames_ahead_carry_the_ghost_and_the_muscle_layer():
    ex = explorer.explore({"hip": 60}, anatomy=True)
    ex.ghost.value = "back_squat"
    values = {f: int(ex.sliders[f].value) for f in explorer.FIELDS}
    (ahead,) = ex.ahead.frames_for(values, "knee", [30]).values()
    ex.sliders["knee"].value = 30
    assert ahead == ex.figure.frame
    assert ahead["paths"]["ghost"] and any(ahead["paths"][name] for name in ahead["strokes"])


def test_the_kernel_sends_a_sliders_whole_range_nearest_first_in_small_batches():
    ex = explorer.explore({"hip": 40, "knee": 10}, load_kg=20)
    sent = _messages(ex.figure)

    async def press_then_idle() -> None:
        ex.sliders["hip"].value = 41
        await _until_done(ex)

    async_run.run(press_then_idle())
    assert sent, "nothing was worked out ahead"
    lo, hi = ex.sliders["hip"].min, ex.sliders["hip"].max
    values: list[int] = []
    for msg in sent:
        assert msg["kind"] == "ahead" and msg["slider"] == "hip"
        assert msg["context"] == ex.figure.frame["context"]
        assert msg["others"] == {"ankle": 0, "knee": 10, "lumbar": 0, "thoracic": 0, "neck": 0}
        assert len(msg["frames"]) < 60  # batches, so slider messages are not held up
        values += [int(v) for v in msg["frames"]]
    assert values == list(nearest_first(41, lo, hi))
    # each frame is the kernel's own for that value
    for msg in sent[:2]:
        for v, frame in msg["frames"].items():
            assert frame == ex._frame_at({**ex.figure.frame["controls"], "hip": int(v)})


def test_work_ahead_holds_while_the_slider_moves_and_restarts_when_anything_else_does():
    ex = explorer.explore({"hip": 40})
    sent = _messages(ex.figure)

    async def session() -> None:
        ex.sliders["hip"].value = 41
        await _until_done(ex)
        done = len(sent)
        ex.sliders["hip"].value = 60  # same job: nothing new to send
        await _until_done(ex)
        assert len(sent) == done
        ex.load.value = 30  # another context: the hip frames are worked out again
        await _until_done(ex)
        assert len(sent) > done
        assert {m["context"] for m in sent[done:]} == {ex.figure.frame["context"]}
        assert ex.figure.frame["context"] != sent[0]["context"]
        ex.sliders["knee"].value = 25  # the knee moved: its frames come next
        await _until_done(ex)
        assert sent[-1]["slider"] == "knee" and sent[-1]["others"]["hip"] == 60

    async_run.run(session())


def test_taking_hold_of_a_slider_starts_work_ahead_for_it():
    ex = explorer.explore()
    sent = _messages(ex.figure)

    async def focus() -> None:
        # what the browser sends when the Knee handle gets focus or a pointer
        ex.figure._message(ex.figure, {"kind": "wanted", "slider": "knee"}, [])
        ex.figure._message(ex.figure, {"kind": "wanted", "slider": "elbow"}, [])  # ignored
        await _until_done(ex)

    async_run.run(focus())
    assert sent and {m["slider"] for m in sent} == {"knee"}


def test_follow_names_each_slider_for_the_browser():
    ex = explorer.explore()
    assert ex.figure.controls == {
        f: {"id": ex.sliders[f].model_id, "label": ex.sliders[f].description}
        for f in explorer.FIELDS
    }


def test_no_work_ahead_outside_an_event_loop_and_bad_poses_are_left_out():
    ex = explorer.explore()
    sent = _messages(ex.figure)
    ex.sliders["hip"].value = 30  # plain Python: no loop, no browser
    assert sent == [] and ex.ahead.sent == 0
    ahead = FramesAhead(ex.figure, {"hip": (0, 3)},
                        lambda values: None if values["hip"] == 2 else {"hip": values["hip"]})
    assert ahead.frames_for({"hip": 0}, "hip", [1, 2, 3]) == {1: {"hip": 1}, 3: {"hip": 3}}


def test_the_animation_sends_every_frame_once_it_is_on_a_page():
    anim = animate(None, ["romanian_deadlift", "back_squat"], frames=6)
    for figure, data in zip(anim.figures, anim._data, strict=True):
        sent = _messages(figure)
        figure._message(figure, {"kind": "wanted", "slider": None}, [])
        (msg,) = sent
        assert msg["slider"] == "frame" and msg["others"] == {}
        assert [int(v) for v in msg["frames"]] == list(range(6))
        assert list(msg["frames"].values()) == data
        assert figure.controls == {"frame": {"id": anim.slider.model_id, "label": "Frame"}}
    anim.slider.value = 3
    assert anim.figure.frame == anim._data[0][3]


@pytest.mark.parametrize("bad", [None, "text", {"kind": "other"}, {"kind": "wanted"}])
def test_odd_messages_from_the_browser_are_ignored(bad):
    ex = explorer.explore()
    sent = _messages(ex.figure)
    ex.figure._message(ex.figure, bad, [])  # {"kind": "wanted"} alone = "on a page now"
    assert all(m["kind"] == "ahead" for m in sent)


def test_a_value_is_sent_once_per_job_until_a_new_view_asks_again():
    ex = explorer.explore({"hip": 40})
    sent = _messages(ex.figure)

    def values_sent(slider: str) -> list[int]:
        return [int(v) for m in sent if m["slider"] == slider for v in m["frames"]]

    async def session() -> None:
        ex.figure._message(ex.figure, {"kind": "wanted", "slider": "hip"}, [])
        await _until_done(ex)
        first = values_sent("hip")
        ex.figure._message(ex.figure, {"kind": "wanted", "slider": "neck"}, [])
        await _until_done(ex)
        ex.figure._message(ex.figure, {"kind": "wanted", "slider": "hip"}, [])
        await _until_done(ex)
        assert values_sent("hip") == first  # back to the hip: the browser has them all
        ex.figure._message(ex.figure, {"kind": "wanted", "slider": None}, [])  # a new view
        await _until_done(ex)
        assert sorted(values_sent("hip")) == sorted(first + first)

    async_run.run(session())


def test_a_page_asking_again_and_again_gets_a_ration_not_a_core(monkeypatch):
    # a scripted client sending "a new view" in a loop used to have every frame worked out
    # again each time; the work is rationed per figure: a burst, then a steady trickle
    from hinge_lib.widgets import frames_ahead

    monkeypatch.setattr(frames_ahead, "AHEAD_BURST_FRAMES", 300)
    monkeypatch.setattr(frames_ahead, "AHEAD_FRAMES_PER_S", 50.0)
    ex = explorer.explore({"hip": 40})
    _messages(ex.figure)
    ex.ahead.make_frame = lambda values: {"controls": dict(values)}  # cheap: count the ration
    ex.ahead._ration = 300.0
    seconds = 2.0

    async def loop_of_new_views() -> None:
        end = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < end:
            ex.figure._message(ex.figure, {"kind": "wanted", "slider": None}, [])
            ex.figure._message(ex.figure, {"kind": "wanted", "slider": "hip"}, [])
            await asyncio.sleep(0.02)

    async_run.run(loop_of_new_views())
    assert 300 <= ex.ahead.made <= 300 + 50 * (seconds + 0.5)
    monkeypatch.undo()
    # a real hand taking hold of slider after slider: every range fits in one burst
    ranges = sum(s.max - s.min + 1 for s in ex.sliders.values())
    assert ranges <= frames_ahead.AHEAD_BURST_FRAMES, ranges
