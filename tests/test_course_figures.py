"""Tests for the course's figures and teaching helpers (hinge_lib.view.course_figures,
hinge_lib.course.teaching): every drill has a picture, every figure has a title and units."""

from __future__ import annotations

import pytest

import hinge_lib
from hinge_lib.course import lessons, teaching
from hinge_lib.model import catalog
from hinge_lib.view import course_figures


def _titled(fig) -> None:
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_every_drill_has_a_picture_with_its_cue():
    for drill_id, row in catalog.drills().iterrows():
        assert row["cue"], drill_id
        fig = teaching.drill_picture(drill_id)
        _titled(fig)
        assert any(row["cue"] in (a.text or "").replace("<br>", " ") for a in
                   fig.layout.annotations), drill_id


def test_drill_poses_are_realistic_positions_in_order():
    for drill_id in catalog.drills().index:
        poses = teaching.drill_poses(drill_id)
        if not poses:
            assert catalog.drills().loc[drill_id, "picture"] == "bridge_diagram"
            continue
        assert len(poses) == 2, drill_id
        start, end = (hinge_lib.analyze(p) for p in poses)
        assert start.pattern == "upright" and start.balanced, drill_id
        assert end.balanced and not end.faults, (drill_id, end.faults)
        assert end.pattern in ("hinge", "squat"), drill_id


def test_kneeling_drills_are_drawn_kneeling():
    drills = catalog.drills()
    for drill_id in drills.index[drills["position"] == "kneeling"]:
        assert {p.support for p in teaching.drill_poses(drill_id)} == {"tall_kneeling"}


def test_a_bad_drill_pose_names_the_drill(monkeypatch):
    with pytest.raises(ValueError, match="no drill"):
        teaching.drill_poses("no_such_drill")


def test_the_free_body_numbers_match_the_explorer():
    for load in (0.0, 16.0):
        a = hinge_lib.analyze(hinge_lib.reference_pose("romanian_deadlift"), load_kg=load)
        worked = teaching.upper_body_load(a)
        assert worked["moment_nm"] == pytest.approx(a.hip_moment_nm, abs=0.05)
        fig = course_figures.free_body_figure(a, worked["mass_kg"], worked["lever_m"])
        _titled(fig)


def test_course_figures_have_titles_and_axis_units():
    hinge, bend = teaching.hinge_and_spine_bend()
    stay, back = teaching.hips_stay_or_go_back()
    kneeling, standing, soft = teaching.kneeling_vs_standing()
    table = lessons.lift_table()
    figures = [
        course_figures.hamstring_lean_figure(hinge, bend),
        course_figures.com_sweep_figure(stay, back),
        course_figures.load_room_figure(teaching.hips_back_with_loads()),
        course_figures.dowel_gap_figure(teaching.spine_sweeps()),
        course_figures.kneeling_stretch_figure(kneeling, standing, soft),
        course_figures.moments_figure(table),
        course_figures.hinge_squat_map(table, 0.75),
        course_figures.spine_curves_figure(hinge_lib.analyze()),
        course_figures.wall_figure(lessons.wall_poses([0.1, 0.2])),
    ]
    for fig in figures:
        assert fig.layout.title.text
    for fig in figures[:-1]:
        _titled(fig)


def test_the_lift_map_labels_each_lift_on_the_plot():
    table = lessons.lift_table()
    fig = course_figures.hinge_squat_map(table, 0.75)
    labels = [t for trace in fig.data if trace.text is not None for t in trace.text]
    assert len(labels) == len(table) and len(set(labels)) == len(table)


def test_published_comparison_agrees_in_direction():
    compared = teaching.published_comparison()
    assert len(compared) == 2 and compared["same direction"].all()
    assert "Lee S" in compared["source"].iloc[0]


def test_teaching_tables_show_words_not_codes():
    for table in (teaching.fault_table(), teaching.cue_table(), teaching.checklist_table(),
                  teaching.drill_overview()):
        text = table.to_string()
        assert "seed_0" not in text and "rounded_lower_back" not in text
    assert "seed_0" not in teaching.disagreement("squats_in_hinge_programme")
    with pytest.raises(ValueError, match="wall_distance"):
        teaching.disagreement("nothing")
