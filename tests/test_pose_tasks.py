"""Pose tasks earn their pass: no preset solves a task that does not ask for it, the start is
not the answer, and every constraint a prompt states is checked from the same data."""

from __future__ import annotations

import pytest

import hinge_lib
from hinge_lib.course import lessons, questions, selfcheck
from hinge_lib.model.references import reference_pose, reference_positions
from hinge_lib.widgets.base import _preset_extras

POSE_TASKS = [q for q in questions.all_questions() if q["kind"] == "pose"]
HINGE_GOALS = ("hinge", "hinge_vertical_shins", "balanced_hinge_with_load")


def _task_analysis(q, pose, load_kg=None, hold=None):
    return hinge_lib.analyze(pose, load_kg=float(q.get("load_kg", 0.0) if load_kg is None
                                                 else load_kg),
                             hold=hold or q.get("hold", "hands"))


def _key_pose(q):
    start = questions.model_pose(q, "start") if q.get("start") is not None else None
    pose, why = lessons.solve_pose_goal(selfcheck.task_goal(q), start,
                                        float(q.get("load_kg", 0.0)), q.get("hold", "hands"))
    assert pose is not None, (q["id"], why)
    return pose


@pytest.mark.parametrize("q", POSE_TASKS, ids=lambda q: q["id"])
def test_no_preset_passes_a_pose_task(q):
    """Every preset, applied as the Preset menu applies it (pose, hold and demonstration
    load), and every preset pose at the task's own load, fails the task unless the task
    lists that preset as its own starting point."""
    goal = selfcheck.task_goal(q)
    allowed = set(q.get("presets_allowed") or ())
    for key in reference_positions().index:
        hold, load = _preset_extras(key)
        as_menu = _task_analysis(q, reference_pose(key), load, hold)
        assert not goal(as_menu)[0], (q["id"], key, "as the Preset menu sets it")
        if key not in allowed:
            assert not goal(_task_analysis(q, reference_pose(key)))[0], (q["id"], key)


@pytest.mark.parametrize("q", POSE_TASKS, ids=lambda q: q["id"])
def test_the_start_is_not_the_answer_and_the_key_is_not_a_preset(q):
    goal = selfcheck.task_goal(q)
    start = questions.model_pose(q, "start")
    assert not goal(_task_analysis(q, start))[0], q["id"]
    key = _key_pose(q)
    assert goal(_task_analysis(q, key))[0]
    if not q.get("presets_allowed"):
        assert selfcheck.preset_match(key) is None, (q["id"], key)


@pytest.mark.slow
def test_the_widget_sweep_agrees_with_the_goal_sweep():
    """The explorer's own Preset menu, as a learner would use it, passes none of the tasks."""
    for q in POSE_TASKS[:6]:
        box = selfcheck.question(q["id"])
        for key in reference_positions().index:
            box.explorer.preset.value = key
            assert not box.check().ok, (q["id"], key, box.feedback.value)


@pytest.mark.parametrize("q", POSE_TASKS, ids=lambda q: q["id"])
def test_every_constraint_the_check_makes_is_stated_in_the_prompt_from_the_same_data(q):
    used = questions.placeholders(q)
    goal = selfcheck.task_goal(q)
    key = _key_pose(q)
    load = float(q.get("load_kg", 0.0))
    if load > 0:
        assert {"load_kg", "hold_words"} <= used, q["id"]
        # ... and the check holds the learner to it: another load or another hold fails
        assert not goal(_task_analysis(q, key, load_kg=load * 3))[0]
        other = "close" if q.get("hold", "hands") != "close" else "hands"
        assert not goal(_task_analysis(q, key, hold=other))[0]
    else:
        assert not goal(_task_analysis(q, key, load_kg=16))[0], q["id"]
    if "distance_in" in (q.get("goal_args") or {}):
        assert "distance_in" in used, q["id"]
        # "the hips bend more than the knees": equal hips and knees fail
        flat = key.replace(knee=key.hip)
        assert not goal(_task_analysis(q, flat))[0], q["id"]
    if q["goal"] in HINGE_GOALS:
        assert "knee_limit" in used, q["id"]
        limit = selfcheck.hinge_knee_limit()["value"]
        assert f"at most {limit:.0f}°" in q["prompt"]
        deep = key.replace(knee=limit + 5, hip=max(key.hip, (limit + 5) / 0.6))
        assert not goal(_task_analysis(q, deep))[0], q["id"]
        # "spine neutral": losing a dowel contact fails even where no fault rule fires
        for change in ({"neck": 45}, {"thoracic": -20}):
            bent = _task_analysis(q, key.replace(**change))
            assert not all(bent.dowel.values())
            assert not goal(bent)[0], (q["id"], change)


def test_the_knee_limit_comes_from_a_reference_position_with_its_sources():
    limit = selfcheck.hinge_knee_limit()
    row = reference_positions().set_index("name").loc[limit["position"]]
    assert limit["value"] == row["knee_max"]
    assert limit["sources"] and all(s in row["source"] for s in limit["sources"])


def test_a_clean_hinge_means_a_neutral_spine():
    rdl = reference_pose("romanian_deadlift")
    assert selfcheck.check_pose("hinge", hinge_lib.analyze(rdl.replace(knee=20))).ok
    for change in ({"neck": 50}, {"thoracic": -25}, {"knee": 55}):
        fb = selfcheck.check_pose("hinge", hinge_lib.analyze(rdl.replace(**change)))
        assert not fb.ok and "spine neutral" not in fb.message, change
    # at no lumbar angle does a rounded lower back pass as a clean hinge
    for lumbar in range(0, 61, 5):
        a = hinge_lib.analyze(rdl.replace(knee=20, lumbar=lumbar))
        if selfcheck.check_pose("hinge", a).ok:
            assert "rounded_lower_back" not in a.fault_codes and all(a.dowel.values())


def test_falling_backwards_is_called_falling_backwards():
    fb = selfcheck.check_pose("fall_forward", hinge_lib.analyze(hinge_lib.Pose(hip=-30)))
    assert not fb.ok and "backwards" in fb.message and "still balanced" not in fb.message
