"""The anatomy layer: drawn muscles sit on the bones, colour is never the only cue."""

from __future__ import annotations

import math

import pytest

from hinge_lib import Pose, analyze
from hinge_lib.model.muscle_paths import GROUPS
from hinge_lib.view import anatomy

HINGE = Pose(hip=80, knee=20, ankle=5)
SQUAT = Pose(hip=100, knee=110, ankle=30, lumbar=10)


def distance(p, q) -> float:
    return math.hypot(p[0] - q[0], p[1] - q[1])


def test_muscles_end_on_their_bones() -> None:
    a = analyze(HINGE, load_kg=40)
    d = {m["name"]: m for m in anatomy.anatomy_drawing(a)["muscles"]}
    j = a.joints
    assert distance(d["soleus"]["lines"][0][-1], j["ankle"]) < 0.06
    assert distance(d["gastrocnemius"]["lines"][0][0], j["knee"]) < 0.05
    assert distance(d["vasti"]["lines"][0][-1], j["knee"]) < 0.09
    assert distance(d["gluteus_maximus"]["lines"][0][-1], j["hip"]) < 0.13
    for line in d["hamstrings"]["lines"]:
        assert distance(line[0], j["hip"]) < 0.08 and distance(line[-1], j["knee"]) < 0.09
    assert distance(d["erector_spinae"]["lines"][0][-1], j["lumbar_top"]) < 0.12


def test_femoral_head_stays_in_the_socket_while_the_pelvis_turns_round_it() -> None:
    stand = anatomy.anatomy_drawing(analyze(Pose()))
    hinge_analysis = analyze(Pose(hip=60))
    hinge = anatomy.anatomy_drawing(hinge_analysis)
    hip = hinge_analysis.joints["hip"]
    radius = anatomy.FEMORAL_HEAD_FRACTION * hinge_analysis.body.height_m
    for x, y in hinge["femoral_head"]:
        assert distance((x, y), hip) == pytest.approx(radius, abs=1e-4)

    def heading(drawing, analysis) -> float:
        hx, hy = analysis.joints["hip"]
        x, y = drawing["pelvis"][2]  # the back of the iliac crest
        return math.degrees(math.atan2(x - hx, y - hy))

    # the thigh stays vertical, so the pelvis turns by the whole hip flexion
    turned = heading(hinge, hinge_analysis) - heading(stand, analyze(Pose()))
    assert turned == pytest.approx(60.0, abs=0.5)


@pytest.mark.parametrize("pose", [Pose(), HINGE, SQUAT])
def test_every_muscle_has_words_besides_its_colour(pose: Pose) -> None:
    a = analyze(pose, load_kg=40)
    traces = anatomy.anatomy_traces(a)
    names = [t["name"] for t in traces]
    html = anatomy.anatomy_readout_html(a)
    for m in anatomy.anatomy_drawing(a)["muscles"]:
        legend = next(n for n in names if n.startswith(m["label"] + ":"))
        assert f"{abs(m['share_pct']):.0f}%" in legend and m["stretch_words"] in legend
        assert f'data-muscle="{m["name"]}"' in html and m["does"] in html.replace("&#x27;", "'")
        assert m["colour"] == anatomy.SHARE_STEPS[m["step"]][1]
    for _, _colour, words in anatomy.SHARE_STEPS:
        assert words in anatomy.key_html()
        assert any(t["name"] == f"share: {words}" for t in anatomy.key_traces())


def test_stretched_muscles_are_dashed_and_named() -> None:
    a = analyze(HINGE, load_kg=40)
    traces = {t["name"].split(":")[0]: t for t in anatomy.anatomy_traces(a)}
    labels = next(t for t in anatomy.anatomy_traces(a) if t["name"] == "stretched muscles")
    assert a.muscles["hamstrings"].stretched
    assert traces["hamstrings"]["line"]["dash"] == "dash"
    assert "hamstrings ↔" in labels["text"]
    assert not a.muscles["rectus_femoris"].stretched
    assert traces["rectus femoris"]["line"]["dash"] == "solid"


def test_share_steps_cover_zero_to_a_hundred_in_order() -> None:
    assert anatomy.share_step(0.0) == 0
    assert anatomy.share_step(20) == 1
    assert anatomy.share_step(50) == 2
    assert anatomy.share_step(100) == 3
    assert [s[0] for s in anatomy.SHARE_STEPS] == sorted(s[0] for s in anatomy.SHARE_STEPS)


def test_live_layer_gets_paths_and_colours_for_every_layer() -> None:
    layers = anatomy.live_layers()
    assert tuple(layer["name"] for layer in layers) == anatomy.LIVE_LAYERS
    paths, strokes = anatomy.live_update(analyze(SQUAT, load_kg=40))
    assert set(paths) == set(anatomy.LIVE_LAYERS)
    assert set(strokes) == {f"muscle_{g}" for g in GROUPS}
    assert set(strokes.values()) <= {s[1] for s in anatomy.SHARE_STEPS}
    assert paths["muscles_stretched"]  # the squat stretches the vasti and glutes


def test_readout_names_what_the_model_cannot_say() -> None:
    html = anatomy.anatomy_readout_html(analyze(HINGE))
    assert "Static model" in html and "co-contraction" in html and "timing" in html


def test_readout_names_the_sharing_rule_and_the_reported_emg_order_where_muscles_share() -> None:
    from hinge_lib import reference_pose

    rdl = anatomy.anatomy_readout_html(analyze(reference_pose("romanian_deadlift"), load_kg=40,
                                               hold="close"))
    assert "smallest sum of squared muscle stresses, not measured" in rdl
    assert "Contreras et al. 2015" in rdl and "Martín-Fuentes et al. 2020" in rdl
    assert "Romanian deadlift (bottom): hamstrings &gt; erector spinae" in rdl
    still = anatomy.anatomy_readout_html(analyze(Pose()))
    assert "not measured" not in still  # nothing is shared standing tall


def test_readout_says_which_moment_arms_no_measurement_covers() -> None:
    from hinge_lib import reference_pose

    start = anatomy.anatomy_readout_html(analyze(reference_pose("conventional_deadlift"),
                                                 load_kg=60, hold="close"))
    assert "Not known from measurements" in start and "hamstrings at the hip (132 deg)" in start
    hinge = anatomy.anatomy_readout_html(analyze(Pose(hip=45, knee=20), load_kg=20))
    assert "Not known" in hinge and "hamstrings at the hip (45 deg)" not in hinge


def test_static_figure_has_title_axes_and_the_key() -> None:
    fig = anatomy.anatomy_figure(analyze(HINGE, load_kg=40))
    assert fig.layout.title.text.startswith("Muscles in this pose")
    assert "(m)" in fig.layout.xaxis.title.text and "(m)" in fig.layout.yaxis.title.text
    assert any(t.name.startswith("share: most") for t in fig.data)


def test_explorer_muscles_button_switches_the_layer_on_and_off() -> None:
    from hinge_lib import explore

    ex = explore("romanian_deadlift", load_kg=30, hold="close")
    names = [layer["name"] for layer in ex.figure.scene["layers"]]
    assert set(anatomy.LIVE_LAYERS) <= set(names)
    assert not ex.anatomy.value and ex.anatomy_key.layout.display == "none"
    assert not any(ex.figure.frame["paths"].get(n) for n in anatomy.LIVE_LAYERS)

    ex.anatomy.value = True
    frame = ex.figure.frame
    assert frame["paths"]["muscle_hamstrings"] and frame["paths"]["pelvis"]
    assert frame["strokes"]["muscle_hamstrings"] in {s[1] for s in anatomy.SHARE_STEPS}
    assert 'data-muscle="hamstrings"' in ex.anatomy_readout.value
    assert ex.anatomy_key.layout.display is None

    ex.sliders["knee"].value = 100  # the readout follows the pose
    assert ex.figure.frame["paths"]["muscle_vasti"]
    assert ex.analysis.muscles["vasti"].length_change_mm > 30

    ex.anatomy.value = False
    assert ex.figure.frame["paths"]["muscle_hamstrings"] == []
    assert ex.anatomy_readout.layout.display == "none"


def test_explore_can_start_with_the_muscles_shown() -> None:
    from hinge_lib import explore

    ex = explore("back_squat", anatomy=True)
    assert ex.anatomy.value
    assert ex.figure.frame["paths"]["muscle_vasti"]
    assert "vasti" in ex.anatomy_readout.value


def test_strength_is_said_out_loud_and_flagged_over_the_maximum() -> None:
    from hinge_lib import reference_pose
    from hinge_lib.view import palette
    from hinge_lib.view.readouts import readout_html, strength_words

    # the 60 kg deadlift start is within the muscles; a 160 kg one is not
    ordinary = analyze(reference_pose("conventional_deadlift"), load_kg=60, hold="close")
    assert "hinge-over-max" not in readout_html(ordinary)
    start = analyze(reference_pose("conventional_deadlift"), load_kg=160, hold="close")
    html = readout_html(start)
    assert 'class="hinge-strength hinge-over-max"' in html and palette.BAD_TEXT in html
    effort = start.muscles["gluteus_maximus"].effort_pct
    assert effort > 100
    assert f"gluteus maximus works hardest, at {effort:.0f} %" in html
    assert "beyond the model&#x27;s strength" in html
    table = anatomy.anatomy_readout_html(start)
    assert "hinge-anatomy-over-max" in table and f"✖ {effort:.0f}%" in table
    goblet = analyze(reference_pose("goblet_squat"), load_kg=16, hold="chest")
    line, message = strength_words(goblet)
    assert message is None and "% of its maximum force" in line
    plain = readout_html(goblet)
    assert "hinge-over-max" not in plain
    strength = plain[plain.index('class="hinge-strength"'):].split("</span>")[0]
    assert "color" not in strength  # no colour that says all is well
