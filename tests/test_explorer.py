"""The explorer's widgets drive the figure and readout from the model; errors become messages."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

import async_run
import hinge_lib
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.pose import Pose
from hinge_lib.view import figures as drawing
from hinge_lib.widgets import explorer
from hinge_lib.widgets.live_figure import LiveFigure

IDX = drawing.TRACE_INDEX
PRESETS = list(hinge_lib.reference_positions().index)


def _drawn(frame: dict) -> dict:
    """A frame without the labels saying which slider values and context it is for."""
    return {k: v for k, v in frame.items() if k not in ("controls", "context")}


def _assert_figure_matches(fig: LiveFigure, a, ghost=None) -> None:
    """The live figure holds exactly the frame the drawing module computes for ``a``,
    labelled with the slider values it was drawn for."""
    assert isinstance(fig, LiveFigure)
    assert _drawn(fig.frame) == drawing.live_frame(a, ghost)
    if "hip" in fig.frame.get("controls", {}):  # a figure following the joint sliders
        assert fig.frame["controls"] == {f: round(getattr(a.pose, f)) for f in explorer.FIELDS}
    body = fig.frame["paths"]["body"]
    for n, name in enumerate(drawing.BODY_CHAINS[0]):
        assert body[2 * n : 2 * n + 2] == pytest.approx(list(a.joints[name]), abs=1e-4), name


def _pattern(html: str) -> str:
    start = html.index('class="hinge-pattern">') + len('class="hinge-pattern">')
    return html[start:html.index("<", start)]


def test_explore_returns_a_widget_showing_standing():
    ex = explorer.explore()
    assert isinstance(ex, widgets.Widget)
    assert isinstance(ex.figure, LiveFigure)
    assert [s.description for s in ex.sliders.values()] == [
        "Ankle", "Knee", "Hip", "Lumbar", "Thoracic", "Neck"
    ]
    for field, (lo, hi) in hinge_lib.joint_limits().items():
        assert (ex.sliders[field].min, ex.sliders[field].max) == (lo, hi)
        assert ex.sliders[field].continuous_update
    a = analyze(Pose(), Body())
    _assert_figure_matches(ex.figure, a)
    assert _pattern(ex.readout.value) == a.pattern == "upright"


def test_scene_is_fixed_and_only_the_frame_changes():
    ex = explorer.explore()
    scene = ex.figure.scene
    assert scene["x_range"] == list(drawing.X_RANGE)
    assert scene["y_range"] == list(drawing.Y_RANGE)
    before = dict(scene)
    frame = ex.figure.frame
    ex.sliders["hip"].value = 70
    assert ex.figure.scene == before
    assert ex.figure.frame != frame


def test_each_change_sends_one_small_message_of_coordinates(monkeypatch):
    import json

    ex = explorer.explore()
    sent = []
    monkeypatch.setattr(ex.figure, "_send", lambda msg, buffers=None: sent.append(msg))
    ex.sliders["hip"].value = 45
    assert len(sent) == 1
    assert sent[0]["method"] == "update" and set(sent[0]["state"]) == {"frame"}
    assert len(json.dumps(sent[0])) < 4000
    assert "layers" not in ex.figure.frame and "kinds" not in ex.figure.frame


def test_slider_moves_update_figure_and_readout():
    ex = explorer.explore()
    ex.sliders["hip"].value = 90
    ex.sliders["knee"].value = 15
    a = analyze(Pose(hip=90, knee=15), Body())
    _assert_figure_matches(ex.figure, a)
    assert ex.analysis.joints == a.joints
    assert _pattern(ex.readout.value) == a.pattern
    assert f"hinge score {a.hinge_score:.2f}" in ex.readout.value


def test_load_hold_and_body_controls_reach_the_model():
    ex = explorer.explore(pose="romanian_deadlift")
    ex.load.value = 24
    ex.hold.value = "chest"
    ex.height.value = 162
    ex.mass.value = 60
    ex.sex.value = "female"
    body = Body(height_m=1.62, mass_kg=60, sex="female")
    a = analyze(hinge_lib.reference_pose("romanian_deadlift"), body, load_kg=24, hold="chest")
    _assert_figure_matches(ex.figure, a)
    marks = {m[0]: m for m in ex.figure.frame["marks"]}
    assert marks["load"][2:4] == pytest.approx(list(a.joints["load"]), abs=1e-4)
    texts = {t[0]: t for t in ex.figure.frame["texts"]}
    assert texts["load_label"][3] == "24 kg"


@pytest.mark.parametrize("key", PRESETS)
def test_each_preset_loads(key):
    ex = explorer.explore()
    ex.preset.value = key
    pose = hinge_lib.reference_pose(key)
    for field in explorer.FIELDS:
        assert ex.sliders[field].value == pytest.approx(getattr(pose, field))
    row = hinge_lib.reference_positions().loc[key]
    hold, load = row["hold"], float(row.get("demo_load_kg", 0.0))
    assert ex.hold.value == hold
    assert ex.load.value == round(load)
    a = analyze(pose, Body(), load_kg=round(load), hold=hold)
    _assert_figure_matches(ex.figure, a)
    assert _pattern(ex.readout.value) == a.pattern
    assert ex.analysis.pattern == a.pattern


def test_preset_redraws_once():
    ex = explorer.explore()
    calls = []
    real = explorer.analyze

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    explorer.analyze = counting
    try:
        ex.preset.value = "back_squat"
    finally:
        explorer.analyze = real
    assert len(calls) == 1


def test_unchanged_state_is_not_redrawn(monkeypatch):
    ex = explorer.explore()
    ex.sliders["hip"].value = 40
    calls = []
    monkeypatch.setattr(explorer, "analyze", lambda *a, **k: calls.append(a))
    ex.update()
    assert calls == []


def test_ghost_and_reset():
    ex = explorer.explore(pose=Pose(hip=30))
    ex.ghost.value = "good_morning"
    g = analyze(hinge_lib.reference_pose("good_morning"), Body(), hold="back",
                load_kg=float(hinge_lib.reference_positions().loc["good_morning", "demo_load_kg"]))
    a = analyze(Pose(hip=30), Body())
    _assert_figure_matches(ex.figure, a, ghost=g)
    ex.ghost.value = ""
    assert ex.figure.frame["paths"]["ghost"] == []

    ex.preset.value = "front_squat"
    ex.load.value = 30
    ex.reset.click()
    assert ex.sliders["hip"].value == 30 and ex.load.value == 0 and ex.hold.value == "hands"
    assert ex.preset.value == ""
    _assert_figure_matches(ex.figure, a)


def test_value_at_a_limit_shows_a_clamp_note():
    ex = explorer.explore()
    hi = ex.sliders["hip"].max
    ex.sliders["hip"].value = hi + 50  # the slider clamps out-of-range values
    assert ex.sliders["hip"].value == hi
    assert "clamped" in ex.message.value and "Hip" in ex.message.value
    ex.sliders["hip"].value = 10
    assert ex.message.value == ""


def test_model_error_becomes_a_message(monkeypatch):
    ex = explorer.explore()
    before = ex.figure.frame

    def refuse(*args, **kwargs):
        raise ValueError("load_kg = 900 kg is out of range (allowed range 0 to 150 kg)")

    monkeypatch.setattr(explorer, "analyze", refuse)
    ex.sliders["hip"].value = 45
    assert "cannot be drawn" in ex.readout.value
    assert "load_kg = 900 kg" in ex.readout.value
    assert "Traceback" not in ex.readout.value
    assert ex.figure.frame == before

    monkeypatch.undo()
    ex.sliders["hip"].value = 50
    assert "cannot be drawn" not in ex.readout.value
    _assert_figure_matches(ex.figure, analyze(Pose(hip=50), Body()))


def test_any_exception_becomes_a_message(monkeypatch):
    ex = explorer.explore()

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(drawing, "live_frame", broken)
    ex.sliders["knee"].value = 30
    assert "Something went wrong" in ex.readout.value
    assert "Traceback" not in ex.readout.value


def test_presenter_mode_is_bigger():
    small = explorer.explore()
    big = explorer.explore(presenter=True)
    def body_width(ex):
        return next(la["width"] for la in ex.figure.scene["layers"] if la["name"] == "body")

    assert body_width(big) > body_width(small)
    assert big.figure.scene["label_size"] > small.figure.scene["label_size"]
    assert "font-size:18px" in big.readout.value and "font-size:14px" in small.readout.value


def test_explore_accepts_keys_poses_and_mappings():
    assert explorer.explore("good_morning").hold.value == "hands"
    ex = explorer.explore({"hip": 60, "knee": 10}, load_kg=10, hold="back")
    assert ex.sliders["hip"].value == 60 and ex.hold.value == "back"
    with pytest.raises(TypeError):
        explorer.to_pose(3.5)


def test_compare_shows_two_poses_side_by_side():
    box = explorer.compare("romanian_deadlift", "back_squat")
    assert isinstance(box, widgets.Widget)
    assert len(box.figures) == 2 and len(box.readouts) == 2
    keys = ("romanian_deadlift", "back_squat")
    for fig, key in zip(box.figures, keys, strict=True):
        _assert_figure_matches(fig, analyze(hinge_lib.reference_pose(key), Body()))
    assert [_pattern(r.value) for r in box.readouts] == ["hinge", "squat"]
    assert box.figures[0].scene["scale"] == box.figures[1].scene["scale"]  # same scale


def test_compare_figure_is_static_and_equal_scale():
    a = analyze(Pose(hip=80), Body())
    b = analyze(Pose(hip=100, knee=110, ankle=30), Body())
    fig = drawing.compare_figure([a, b])
    n = len(drawing.TRACE_NAMES)
    assert len(fig.data) == 2 * n + len(drawing.key_traces())
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]


def test_animation_frames_follow_the_slider():
    anim = explorer.animate(Pose(), ["romanian_deadlift", "back_squat"], frames=5)
    keys = ("romanian_deadlift", "back_squat")
    assert len(anim.frames) == 2 and len(anim.readouts) == 2
    ends = [analyze(hinge_lib.reference_pose(key), Body()) for key in keys]
    anim.slider.value = 4
    for fig, readout, end in zip(anim.figures, anim.readouts, ends, strict=True):
        _assert_figure_matches(fig, end, ghost=end)
        assert _pattern(readout.value) == end.pattern
    anim.slider.value = 2
    mid = explorer.interpolate(Pose(), hinge_lib.reference_pose("back_squat"), 0.5)
    assert mid.hip == pytest.approx(hinge_lib.reference_pose("back_squat").hip / 2)
    _assert_figure_matches(anim.figures[1], analyze(mid, Body()), ghost=ends[1])
    anim.slider.value = 0
    _assert_figure_matches(anim.figures[0], analyze(Pose(), Body()), ghost=ends[0])
    assert len(anim.figures[1].frame["paths"]["ghost"]) > 0  # the end pose stays as a ghost


def test_default_animation_is_a_hinge_and_a_squat():
    anim = explorer.animate(frames=3)
    assert [seq[-1].pattern for seq in anim.frames] == ["hinge", "squat"]
    with pytest.raises(ValueError):
        explorer.animate(frames=1)


def test_explorer_pose_follows_the_sliders() -> None:
    from hinge_lib import Pose, explore

    ex = explore()
    assert ex.pose == Pose()
    ex.sliders["hip"].value = 70
    assert ex.pose.hip == 70
    assert ex.analysis.pose is ex.pose


def test_dragging_redraws_at_a_steady_rate_and_ends_on_the_last_value() -> None:
    """Inside an event loop (as in a kernel) a burst of slider changes is thinned to one
    redraw per frame, and a trailing redraw shows the value the slider stopped at."""
    import asyncio

    from hinge_lib import explore
    from hinge_lib.widgets.explorer import MIN_FRAME_S

    ex = explore()
    drawn: list[float] = []
    original = ex.update

    def counting_update(note: str = "") -> None:
        original(note)
        drawn.append(ex.pose.hip)

    ex.update = counting_update  # type: ignore[method-assign]

    async def drag() -> None:
        for hip in range(1, 61):
            ex.sliders["hip"].value = hip
        await asyncio.sleep(MIN_FRAME_S * 3)

    async_run.run(drag())
    assert drawn[-1] == 60
    assert len(drawn) <= 3
    assert ex.analysis.pose.hip == 60


def test_live_figures_show_an_html_key():
    ex = explorer.explore()
    anim = explorer.animate(frames=3)
    for widget in (ex, anim):
        assert widget.key.value == drawing.key_html()
    assert explorer.explore(presenter=True).key.value == drawing.key_html(presenter=True)


def test_explorer_imports_no_plotly():
    import subprocess
    import sys

    code = ("import sys, hinge_lib; hinge_lib.explore(); hinge_lib.animate(frames=2); "
            "hinge_lib.compare('back_squat', 'good_morning'); "
            "sys.exit(1 if 'plotly' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_unknown_joint_names_are_refused_and_case_is_ignored():
    with pytest.raises(ValueError, match=r"'Hp'.*ankle, knee, hip, lumbar, thoracic, neck"):
        explorer.explore({"Hp": 80})
    ex = explorer.explore({"Hip": 80, "KNEE": 10})
    assert ex.sliders["hip"].value == 80 and ex.sliders["knee"].value == 10


def test_animation_without_end_poses_says_what_is_missing():
    with pytest.raises(ValueError, match="pose_to is empty"):
        explorer.animate(None, [])
    with pytest.raises(ValueError, match="pose_from is one pose"):
        explorer.animate([])
    with pytest.raises(ValueError, match="poses is empty"):
        explorer.PoseComparison([])


def test_model_warnings_show_in_the_readout_as_a_note(monkeypatch):
    import dataclasses

    note = "The load would sit 4 cm below the floor: a real lifter stops there."
    real = explorer.analyze
    monkeypatch.setattr(explorer, "analyze", lambda *a, **k: dataclasses.replace(
        real(*a, **k), warnings=(note,)))
    ex = explorer.explore()
    ex.sliders["hip"].value = 130
    assert 'class="hinge-warning"' in ex.readout.value
    assert "4 cm below the floor" in ex.readout.value
    assert "Traceback" not in ex.readout.value


def test_the_figure_says_the_pose_in_words():
    ex = explorer.explore()
    ex.sliders["hip"].value = 80
    frame = ex.figure.frame
    assert frame["title"].startswith("Stick figure") and "hip 80°" in frame["title"]
    assert "hinge score" in frame["desc"] and "dowel" in frame["desc"]
    assert ex.analysis.pattern in frame["say"]


def test_explorer_sits_in_a_box_with_a_loading_note_and_labels_its_controls():
    ex = explorer.explore()
    assert "hinge-live" in ex.figure_box._dom_classes
    assert "could not run the figure's drawing code" in ex.figure_box.fallback.value
    assert ex.figure.scene["controls_root"] == ".hinge-explorer"
    assert "hinge-explorer" in ex._dom_classes
    for slider in [*ex.sliders.values(), ex.load, ex.height, ex.mass]:
        assert slider.description and slider.tooltip


def test_while_dragging_the_readout_is_rewritten_less_often_and_ends_on_the_last_pose():
    import asyncio

    ex = explorer.explore()
    written: list[str] = []
    ex.readout.observe(lambda change: written.append(change["new"]), names="value")

    async def drag() -> None:
        for hip in range(1, 41):
            ex.sliders["hip"].value = hip
            await asyncio.sleep(explorer.MIN_FRAME_S)
        await asyncio.sleep(explorer.MIN_READOUT_S * 2)

    async_run.run(drag())
    assert _drawn(ex.figure.frame) == drawing.live_frame(analyze(Pose(hip=40), Body()))
    assert 1 <= len(written) < 20
    assert written[-1] == ex.readout.value == drawing.readout_html(ex.analysis)
    assert ex.analysis.pose.hip == 40


def test_extra_layers_follow_the_pose():
    thigh = drawing.ExtraLayer("thigh", "thigh line", "#D55E00",
                               lambda a: [[a.joints["hip"], a.joints["knee"]]])
    ex = explorer.explore(layers=[thigh])
    assert "thigh" in [la["name"] for la in ex.figure.scene["layers"]]
    ex.sliders["hip"].value = 60
    ex.sliders["knee"].value = 30
    a = analyze(Pose(hip=60, knee=30), Body())
    assert ex.figure.frame["paths"]["thigh"] == pytest.approx(
        [*a.joints["hip"], *a.joints["knee"]], abs=1e-4)
    assert _drawn(ex.figure.frame) == drawing.live_frame(a, None, {"thigh": thigh.lines(a)})
