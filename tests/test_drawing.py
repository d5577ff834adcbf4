"""The drawings show exactly the model's geometry: every drawn point is a point of the analysis."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hinge_lib
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.pose import Pose
from hinge_lib.view import figures as drawing
from hinge_lib.view import palette

IDX = drawing.TRACE_INDEX


def _points(trace: dict) -> list[tuple[float, float] | None]:
    return [None if x is None else (x, y) for x, y in zip(trace["x"], trace["y"], strict=True)]


def _close(p, q, tol: float = 1e-9) -> bool:
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


def _check_geometry(a) -> None:
    traces = drawing.figure_traces(a)
    assert len(traces) == len(drawing.TRACE_NAMES)
    j = a.joints

    body = _points(traces[IDX["body"]])
    chains, current = [], []
    for p in body:
        if p is None:
            chains.append(current)
            current = []
        else:
            current.append(p)
    chains.append(current)
    assert len(chains) == len(drawing.BODY_CHAINS)
    for chain, names in zip(chains, drawing.BODY_CHAINS, strict=True):
        assert len(chain) == len(names)
        for p, name in zip(chain, names, strict=True):
            assert _close(p, j[name]), name

    data = drawing.trace_data(a)
    points = data[IDX["points"]]
    assert all(len(v) == drawing.N_POINTS for v in points.values())
    joints = drawing.point_group(points, "joints")
    for p, name in zip(_points(joints), drawing.JOINT_MARKERS, strict=True):
        assert _close(p, j[name]), name

    outlines = _points(traces[IDX["head_and_feet"]])
    feet = outlines[: outlines.index(None)]
    assert [n for n in ("heel", "ankle", "toe") if any(_close(p, j[n]) for p in feet)] == [
        "heel", "ankle", "toe"
    ]
    hx, hy = j["head"]
    r = math.dist(j["head"], j["vertex"])
    head = outlines[len(feet) + 1 :]
    circle = head[: head.index(None)]
    assert all(math.isclose(math.dist(p, (hx, hy)), r, abs_tol=1e-9) for p in circle)
    assert any(_close(p, j["vertex"], 1e-9) for p in circle)

    com = drawing.point_group(points, "com")
    assert _close((com["x"][0], com["y"][0]), (a.com_x_m, a.com_y_m))
    assert com["marker_symbol"] == ["circle-x"]
    plumb = traces[IDX["plumb_line"]]
    assert plumb["x"] == [a.com_x_m, a.com_x_m] and plumb["y"][1] == 0.0

    base = traces[IDX["base_of_support"]]
    assert base["x"] == list(a.base_of_support)
    assert base["line"]["color"] == (palette.GOOD if a.balanced else palette.BAD)

    dowel = _points(traces[IDX["dowel"]])
    assert _close(dowel[0], a.dowel_line[0]) and _close(dowel[1], a.dowel_line[1])
    contacts = drawing.point_group(points, "contacts")
    for n, (key, point) in enumerate(drawing.CONTACT_POINTS.items()):
        assert _close((contacts["x"][n], contacts["y"][n]), j[point]), key
        held = a.dowel[key]
        assert contacts["marker_symbol"][n] == ("circle" if held else "circle-open"), key
        assert contacts["marker_color"][n] == (palette.DOWEL if held else palette.BAD), key
        assert (contacts["text"][n] == "") is held, key

    load = drawing.point_group(points, "load")
    if a.load_kg > 0:
        assert _close((load["x"][0], load["y"][0]), j["load"])
        assert load["text"] == [f"{a.load_kg:g} kg"]
    else:
        assert load["x"] == [None] and load["y"] == [None]

    labels = drawing.point_group(points, "labels")
    assert labels["marker_size"] == [0, 0, 0]
    assert labels["text"][0] == f"shin {a.shin_angle_deg:.0f}°"
    assert labels["text"][1] == f"trunk {a.trunk_angle_deg:.0f}°"
    assert ("NOT balanced" in labels["text"][2]) is (not a.balanced)

    # the figure trace is the same data with its fixed look
    drawn = traces[IDX["points"]]
    assert drawn["x"] == points["x"] and drawn["text"] == points["text"]
    assert drawn["marker"]["symbol"] == points["marker_symbol"]
    assert drawn["marker"]["line"] == {"color": palette.BLACK,
                                       "width": points["marker_line_width"]}
    assert len(drawn["textposition"]) == drawing.N_POINTS


@pytest.mark.parametrize("key", list(hinge_lib.reference_positions().index))
@pytest.mark.parametrize("hold,load", [("hands", 0.0), ("hands", 16.0), ("chest", 20.0),
                                       ("back", 40.0)])
def test_drawn_points_are_the_models_joints(key, hold, load):
    a = analyze(hinge_lib.reference_pose(key), Body(), load_kg=load, hold=hold)
    _check_geometry(a)


_limits = hinge_lib.joint_limits()


@settings(max_examples=40, deadline=None)
@given(
    angles=st.fixed_dictionaries(
        {f: st.floats(lo, hi, allow_nan=False) for f, (lo, hi) in _limits.items()}
    ),
    height=st.floats(1.45, 2.05),
    load=st.sampled_from([0.0, 8.0, 32.0]),
    hold=st.sampled_from(["hands", "chest", "back"]),
)
def test_any_valid_pose_draws_its_joints(angles, height, load, hold):
    a = analyze(Pose(**angles), Body(height_m=height), load_kg=load, hold=hold)
    _check_geometry(a)
    for trace in drawing.trace_data(a):
        assert all(v is None or math.isfinite(v) for v in trace["x"] + trace["y"])


def test_trace_list_is_fixed_and_ghost_only_fills_its_trace():
    a = analyze(Pose(hip=80, knee=20), Body())
    g = analyze(hinge_lib.reference_pose("back_squat"), Body(), hold="back")
    plain = drawing.trace_data(a)
    ghosted = drawing.trace_data(a, ghost=g)
    assert len(plain) == len(ghosted) == len(drawing.TRACE_NAMES)
    assert plain[IDX["ghost"]]["x"] == []
    ghost_pts = _points(ghosted[IDX["ghost"]])
    for name in ("knee", "hip", "lumbar_top", "hands"):
        assert any(p is not None and _close(p, g.joints[name]) for p in ghost_pts), name
    for i, name in enumerate(drawing.TRACE_NAMES):
        if name != "ghost":
            assert plain[i] == ghosted[i], name


def test_pose_figure_has_fixed_equal_axes():
    fig = drawing.pose_figure(analyze(hinge_lib.reference_pose("romanian_deadlift"), Body()))
    assert len(fig.data) == len(drawing.TRACE_NAMES) + len(drawing.key_traces())
    assert [t.name for t in fig.data if t.showlegend] == [
        "base of support", "dowel", "contact held", "contact lost", "centre of mass"
    ]
    assert fig.layout.yaxis.zeroline and not fig.layout.xaxis.zeroline  # the floor
    assert tuple(fig.layout.xaxis.range) == drawing.X_RANGE
    assert tuple(fig.layout.yaxis.range) == drawing.Y_RANGE
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.autorange is False
    assert "hinge" in fig.layout.title.text


def test_presenter_uses_bigger_lines_and_fonts():
    a = analyze(Pose(), Body())
    normal = drawing.figure_traces(a)[IDX["body"]]["line"]["width"]
    big = drawing.figure_traces(a, presenter=True)[IDX["body"]]["line"]["width"]
    assert big > normal
    assert (drawing.figure_layout(presenter=True)["font"]["size"]
            > drawing.figure_layout()["font"]["size"])


def test_readout_follows_the_analysis():
    a = analyze(Pose(hip=90, lumbar=40), Body(), load_kg=20)
    html = drawing.readout_html(a)
    assert f'<span class="hinge-pattern">{a.pattern}</span>' in html
    assert f"hinge score {a.hinge_score:.2f}" in html
    assert f"{abs(a.hip_moment_nm):.0f} N·m" in html
    assert f"{a.hamstring_length_change_mm:+.0f} mm" in html
    assert a.faults, "a rounded hinge should raise at least one fault"
    for fault in a.faults:
        assert f'data-code="{fault.code}"' in html
    assert ("NOT balanced" in html) is (not a.balanced)


def test_readout_escapes_text():
    assert "<script>" not in drawing.message_html("<script>alert(1)</script>")
    assert drawing.message_html("") == ""


def test_drawing_imports_no_plotly():
    code = (
        "import sys, hinge_lib, hinge_lib.view.figures; "
        "sys.exit(1 if 'plotly' in sys.modules or 'ipywidgets' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_readout_lists_model_warnings():
    import dataclasses

    a = analyze(Pose(hip=60), Body(), load_kg=10)
    noted = dataclasses.replace(a, warnings=("The load would sit 3 cm below the floor.",))
    assert "hinge-warning" not in drawing.readout_html(a)
    assert "3 cm below the floor" in drawing.readout_html(noted)


def test_few_traces_and_fixed_point_groups():
    """Every trace costs redraw time in the browser, so a figure keeps to a handful."""
    assert len(drawing.TRACE_NAMES) <= 8
    slices = list(drawing.POINT_SLICES.values())
    assert slices[0].start == 0 and slices[-1].stop == drawing.N_POINTS
    assert all(a.stop == b.start for a, b in zip(slices, slices[1:], strict=False))
    for group, count in drawing.POINT_GROUPS:
        cut = drawing.POINT_SLICES[group]
        assert cut.stop - cut.start == count, group


def test_key_names_what_the_figure_draws():
    html = drawing.key_html()
    for words in ("base of support", "dowel", "contact held", "contact lost",
                  "centre of mass", "plumb line", "reference (ghost)"):
        assert words in html
    assert [t["name"] for t in drawing.key_traces()] == [
        "contact held", "contact lost", "centre of mass"
    ]
    assert all(t["x"] == [None] for t in drawing.key_traces())


# ---------------------------------------------------------------------------
# The explorer's words come from data/explorer_words.yaml, checked when read


@pytest.fixture
def words_copy(tmp_path, monkeypatch):
    import shutil

    from hinge_lib.model import tables
    from hinge_lib.view import wording

    folder = tmp_path / "data"
    shutil.copytree(tables.DATA_DIR, folder)
    monkeypatch.setattr(tables, "DATA_DIR", folder)
    tables.source_keys.cache_clear()
    wording.explorer_words.cache_clear()
    yield folder / wording.FILE
    monkeypatch.undo()
    tables.source_keys.cache_clear()
    wording.explorer_words.cache_clear()


def test_explorer_words_cover_every_hold_and_pattern():
    from hinge_lib.model.kinematics import HOLDS
    from hinge_lib.model.patterns import PATTERNS
    from hinge_lib.view import wording

    words = wording.explorer_words()
    assert set(words["holds"]) == set(HOLDS) and set(words["patterns"]) == set(PATTERNS)
    html = drawing.readout_html(analyze(Pose(hip=90), Body()))
    assert wording.pattern_words("hinge") in html


@pytest.mark.parametrize("old,new,message", [
    ("    tooltip: hugged at the chest (goblet)\n", "",
     r"explorer_words.yaml, holds entry 3 \(chest\), field 'tooltip': needs some text"),
    ("  - key: squat\n", "  - key: lunge\n",
     r"explorer_words.yaml, patterns entry 3, field 'key': 'lunge' is not one of"),
    ("    words: \"Hinge: the hips fold well more than the knees bend\"\n    source: model\n",
     "    words: \"Hinge: the hips fold well more than the knees bend\"\n    source: nobody2020\n",
     r"patterns entry 2 \(hinge\), field 'source': unknown source key\(s\) nobody2020"),
])
def test_a_malformed_words_file_names_entry_and_field(words_copy, old, new, message):
    from hinge_lib.model.tables import DataFileError
    from hinge_lib.view import wording

    text = words_copy.read_text(encoding="utf-8")
    assert old in text
    words_copy.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        wording.explorer_words()


# ---------------------------------------------------------------------------
# The live figure's data: the same drawing data as the plotly traces


@pytest.mark.parametrize("key", ["standing", "romanian_deadlift", "back_squat", "good_morning"])
def test_live_frame_and_plotly_traces_draw_the_same_points(key):
    row = hinge_lib.reference_positions().loc[key]
    a = analyze(hinge_lib.reference_pose(key), Body(), load_kg=float(row["demo_load_kg"]),
                hold=row["hold"])
    frame = drawing.live_frame(a)
    traces = drawing.trace_data(a)
    tol = 10 ** -drawing.LIVE_DECIMALS

    def flat(trace):
        return [v for x, y in zip(trace["x"], trace["y"], strict=True)
                for v in ((None, None) if x is None else (x, y))]

    for name in ("body", "dowel", "plumb_line", "angle_guides", "base_of_support"):
        got = frame["paths"][name]
        want = [v for v in flat(traces[IDX[name]])]
        want = [w for i, w in enumerate(want) if not (w is None and i % 2)]  # one None a gap
        assert [g is None for g in got] == [w is None for w in want], name
        assert [g for g in got if g is not None] == pytest.approx(
            [w for w in want if w is not None], abs=tol), name
    points = traces[IDX["points"]]
    marks = frame["marks"]
    assert [m[1] for m in marks] == [
        m["kind"] for m in drawing.drawing_data(a)["marks"]]
    for m, x, y in zip(marks, points["x"], points["y"], strict=False):
        if x is None:
            assert m[2] is None
        else:
            assert (m[2], m[3]) == pytest.approx((x, y), abs=tol)
    labels = {t[0]: t[3] for t in frame["texts"]}
    cut = drawing.POINT_SLICES["labels"]
    assert [labels["shin"], labels["trunk"], labels["balance"]] == points["text"][cut]


def test_live_scene_maps_metres_to_pixels_with_equal_axes():
    scene = drawing.live_scene()
    ox, oy, k = drawing.live_transform(scene)
    left, right, top, _bottom = drawing.LIVE_MARGIN
    assert ox + k * drawing.X_RANGE[0] == pytest.approx(left)
    assert ox + k * drawing.X_RANGE[1] == pytest.approx(scene["width"] - right)
    assert oy - k * drawing.Y_RANGE[1] == pytest.approx(top)
    assert oy - k * drawing.Y_RANGE[0] <= scene["height"]
    assert [la["name"] for la in scene["layers"]] == list(drawing.LINE_LAYERS)
    assert all(la["label"] for la in scene["layers"])
    big = drawing.live_scene(presenter=True)
    assert big["font_size"] > scene["font_size"]


def test_extra_layers_need_no_new_protocol():
    """A further layer (say, a muscle) is one more named path in the scene and one more
    entry in the frame's paths: nothing else changes."""
    muscle = {"name": "hamstrings", "stroke": palette.VERMILLION, "width": 4,
              "label": "hamstrings"}
    scene = drawing.live_scene(extra_layers=[muscle])
    names = [la["name"] for la in scene["layers"]]
    assert names.index("hamstrings") == names.index("body") + 1
    a = analyze(Pose(hip=70), Body())
    frame = drawing.live_frame(a, extra_paths={"hamstrings": [[a.joints["hip"],
                                                               a.joints["knee"]]]})
    assert frame["paths"]["hamstrings"] == [round(v, 4) for v in (*a.joints["hip"],
                                                                 *a.joints["knee"])]
    assert set(frame) == set(drawing.live_frame(a))


def test_pose_words_follow_the_pose():
    a = analyze(Pose(hip=90, lumbar=40), Body(), load_kg=16, hold="chest")
    words = drawing.pose_words(a)
    assert "hip 90°" in words["title"] and a.pattern in words["title"]
    assert "lumbar 40°" in words["desc"] and "16 kg hugged at the chest" in words["desc"]
    lost = [drawing.CONTACT_LABELS[k] for k, v in a.dowel.items() if not v]
    assert lost and "lost at the " + lost[0] in words["desc"]
    for fault in a.faults:
        assert fault.message in words["desc"]
    assert ("not balanced" in words["say"]) is (not a.balanced)
