"""The explorer's widgets drive the figure and readout from the model; errors become messages."""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go
import pytest

import hinge_lib
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.pose import Pose
from hinge_lib.view import figures as drawing
from hinge_lib.widgets import explorer

IDX = drawing.TRACE_INDEX
PRESETS = list(hinge_lib.reference_positions().index)


def _assert_figure_matches(
    fig: go.BaseFigure, a, ghost=None, offset: int = 0, check_ghost: bool = True
) -> None:
    """Every trace of the live figure holds exactly what the drawing module computes."""
    expected = drawing.trace_data(a, ghost)
    for name in drawing.TRACE_NAMES:
        if name == "ghost" and not check_ghost:
            continue
        trace = fig.data[offset + IDX[name]]
        want = expected[IDX[name]]
        assert list(trace.x or []) == pytest.approx(want["x"], abs=1e-12), name
        assert list(trace.y or []) == pytest.approx(want["y"], abs=1e-12), name
    points = fig.data[offset + IDX["points"]]
    want = expected[IDX["points"]]
    assert list(points.text) == want["text"]
    assert list(points.marker.symbol) == want["marker_symbol"]
    assert list(points.marker.color) == want["marker_color"]
    assert list(points.marker.size) == pytest.approx(want["marker_size"])
    assert list(points.marker.line.width) == want["marker_line_width"]
    assert list(points.textfont.color) == want["textfont_color"]
    assert fig.data[offset + IDX["base_of_support"]].line.color == (
        expected[IDX["base_of_support"]]["line_color"]
    )


def _pattern(html: str) -> str:
    start = html.index('class="hinge-pattern">') + len('class="hinge-pattern">')
    return html[start:html.index("<", start)]


def test_explore_returns_a_widget_showing_standing():
    ex = explorer.explore()
    assert isinstance(ex, widgets.Widget)
    assert isinstance(ex.figure, go.FigureWidget)
    assert [s.description for s in ex.sliders.values()] == [
        "Ankle", "Knee", "Hip", "Lumbar", "Thoracic", "Neck"
    ]
    for field, (lo, hi) in hinge_lib.joint_limits().items():
        assert (ex.sliders[field].min, ex.sliders[field].max) == (lo, hi)
        assert ex.sliders[field].continuous_update
    a = analyze(Pose(), Body())
    _assert_figure_matches(ex.figure, a)
    assert _pattern(ex.readout.value) == a.pattern == "upright"


def test_layout_is_fixed_and_built_in_the_constructor():
    ex = explorer.explore()
    layout = ex.figure.layout
    assert tuple(layout.xaxis.range) == drawing.X_RANGE
    assert tuple(layout.yaxis.range) == drawing.Y_RANGE
    assert layout.yaxis.scaleanchor == "x"
    before = ex.figure.layout.to_plotly_json()
    ex.sliders["hip"].value = 70
    assert ex.figure.layout.to_plotly_json() == before


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
    load = drawing.POINT_SLICES["load"]
    points = ex.figure.data[IDX["points"]]
    assert (points.x[load][0], points.y[load][0]) == pytest.approx(a.joints["load"])
    assert points.text[load] == ("24 kg",)


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
    assert list(ex.figure.data[IDX["ghost"]].x or []) == []

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
    before = [list(t.x or []) for t in ex.figure.data]

    def refuse(*args, **kwargs):
        raise ValueError("load_kg = 900 kg is out of range (allowed range 0 to 150 kg)")

    monkeypatch.setattr(explorer, "analyze", refuse)
    ex.sliders["hip"].value = 45
    assert "cannot be drawn" in ex.readout.value
    assert "load_kg = 900 kg" in ex.readout.value
    assert "Traceback" not in ex.readout.value
    assert [list(t.x or []) for t in ex.figure.data] == before

    monkeypatch.undo()
    ex.sliders["hip"].value = 50
    assert "cannot be drawn" not in ex.readout.value
    _assert_figure_matches(ex.figure, analyze(Pose(hip=50), Body()))


def test_any_exception_becomes_a_message(monkeypatch):
    ex = explorer.explore()

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(drawing, "trace_data", broken)
    ex.sliders["knee"].value = 30
    assert "Something went wrong" in ex.readout.value
    assert "Traceback" not in ex.readout.value


def test_presenter_mode_is_bigger():
    small = explorer.explore()
    big = explorer.explore(presenter=True)
    assert (big.figure.data[IDX["body"]].line.width
            > small.figure.data[IDX["body"]].line.width)
    assert big.figure.layout.width > small.figure.layout.width
    assert "font-size:22px" in big.readout.value


def test_explore_accepts_keys_poses_and_mappings():
    assert explorer.explore("good_morning").hold.value == "hands"
    ex = explorer.explore({"hip": 60, "knee": 10}, load_kg=10, hold="back")
    assert ex.sliders["hip"].value == 60 and ex.hold.value == "back"
    with pytest.raises(TypeError):
        explorer.to_pose(3.5)


N = len(drawing.TRACE_NAMES)


def _panel_matches(fig: go.BaseFigure, k: int, a, ghost_is_end_pose: bool = False) -> None:
    _assert_figure_matches(fig, a, offset=k * N, check_ghost=not ghost_is_end_pose)
    for name in drawing.TRACE_NAMES:
        assert fig.data[k * N + IDX[name]].xaxis == ("x" if k == 0 else f"x{k + 1}")


def test_compare_shows_two_poses_side_by_side():
    box = explorer.compare("romanian_deadlift", "back_squat")
    assert isinstance(box, widgets.Widget)
    assert len(box.figure.data) == 2 * N + len(drawing.key_traces()) and len(box.readouts) == 2
    keys = ("romanian_deadlift", "back_squat")
    for k, key in enumerate(keys):
        a = analyze(hinge_lib.reference_pose(key), Body())
        _panel_matches(box.figure, k, a)
    assert [_pattern(r.value) for r in box.readouts] == ["hinge", "squat"]
    layout = box.figure.layout
    assert layout.yaxis2.scaleanchor == "x2" and tuple(layout.xaxis2.range) == drawing.X_RANGE


def test_compare_figure_is_static_and_equal_scale():
    a = analyze(Pose(hip=80), Body())
    b = analyze(Pose(hip=100, knee=110, ankle=30), Body())
    fig = drawing.compare_figure([a, b])
    assert len(fig.data) == 2 * N + len(drawing.key_traces())
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]


def test_animation_frames_follow_the_slider():
    anim = explorer.animate(Pose(), ["romanian_deadlift", "back_squat"], frames=5)
    keys = ("romanian_deadlift", "back_squat")
    assert len(anim.frames) == 2 and len(anim.readouts) == 2
    anim.slider.value = 4
    for k, (readout, key) in enumerate(zip(anim.readouts, keys, strict=True)):
        end = analyze(hinge_lib.reference_pose(key), Body())
        _panel_matches(anim.figure, k, end, ghost_is_end_pose=True)
        assert _pattern(readout.value) == end.pattern
    anim.slider.value = 2
    mid = explorer.interpolate(Pose(), hinge_lib.reference_pose("back_squat"), 0.5)
    assert mid.hip == pytest.approx(hinge_lib.reference_pose("back_squat").hip / 2)
    _panel_matches(anim.figure, 1, analyze(mid, Body()), ghost_is_end_pose=True)
    anim.slider.value = 0
    _panel_matches(anim.figure, 0, analyze(Pose(), Body()), ghost_is_end_pose=True)
    ghost = anim.figure.data[N + IDX["ghost"]]
    assert len(ghost.x) > 0  # the end pose stays as a ghost


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

    asyncio.run(drag())
    assert drawn[-1] == 60
    assert len(drawn) <= 3
    assert ex.analysis.pose.hip == 60


def test_live_figures_show_an_html_key_instead_of_a_legend():
    ex = explorer.explore()
    anim = explorer.animate(frames=3)
    for widget in (ex, anim):
        assert widget.figure.layout.showlegend is False
        assert len(widget.figure.data) % len(drawing.TRACE_NAMES) == 0  # no key traces
        assert widget.key.value == drawing.key_html()
    assert explorer.explore(presenter=True).key.value == drawing.key_html(presenter=True)
