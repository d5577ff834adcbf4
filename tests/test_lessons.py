"""Tests for hinge_lib.course.lessons: drill cards, the assessment checklist, lesson plans."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from hinge_lib.course import lessons


def fake_analysis(codes=(), pattern="hinge", dowel=None, balanced=True, shin=0.0):
    faults = tuple(SimpleNamespace(code=c, message="", cue="") for c in codes)
    dowel = dowel or {"head": True, "upper_back": True, "sacrum": True}
    return SimpleNamespace(faults=faults, pattern=pattern, dowel=dowel, balanced=balanced,
                           shin_angle_deg=shin)


DRILL = {
    "id": "demo",
    "name": "Demo <drill>",
    "level": 1,
    "position": "standing",
    "equipment": ["dowel", "wall"],
    "setup": "Stand tall.",
    "steps": ["Hips back.", "Stand up."],
    "feel": "Hamstrings stretch.",
    "common_error": "Knees first.",
    "fix": "Hips first.",
    "dosage": "5-10 slow reps",
    "sources": ["seed_000"],
}


def test_drill_card_shows_every_field_and_escapes_html():
    card = lessons.drill_card_html(DRILL)
    for text in ("Demo &lt;drill&gt;", "dowel, wall", "<li>Hips back.</li>", "Knees first.",
                 "5-10 slow reps", "Proper Hip Hinge", "Hamstrings stretch."):
        assert text in card
    assert "<drill>" not in card


def test_drill_card_skips_missing_fields():
    card = lessons.drill_card_html({"name": "Bare"})
    assert "Bare" in card and "Dosage" not in card and "<ol" not in card


def test_drill_cards_group_by_level_in_order():
    drills = pd.DataFrame([dict(DRILL, level=2, name="B"), dict(DRILL, level=1, name="A")])
    page = lessons.drill_cards_html(drills)
    assert page.index(lessons.LEVEL_NAMES[1]) < page.index(lessons.LEVEL_NAMES[2])
    assert page.index(">A<") < page.index(">B<")


@pytest.mark.parametrize("bad", [None, 3, "dowel"])
def test_drill_cards_refuse_nonsense(bad):
    with pytest.raises(TypeError, match="drills must be"):
        lessons.drill_cards_html(bad)
    with pytest.raises(TypeError, match="drill must be a mapping"):
        lessons.drill_card_html(bad)


def test_assess_passes_a_clean_hinge():
    result = lessons.assess(fake_analysis())
    assert result["passed"].all()
    assert list(result.index) == [item.key for item in lessons.CHECKLIST]
    assert (result["why"] == "").all()


def test_assess_names_what_failed():
    result = lessons.assess(
        fake_analysis(
            codes=("knees_forward", "rounded_lower_back"),
            pattern="squat",
            dowel={"head": True, "upper_back": True, "sacrum": False},
            balanced=False,
        )
    )
    failed = set(result.index[~result["passed"]])
    assert failed == {"hinge_shape", "shins", "lower_back", "dowel", "balance"}
    assert "squat" in result.loc["hinge_shape", "why"]
    assert "sacrum" in result.loc["dowel", "why"]
    html = lessons.checklist_html(result)
    assert html.count("<tr>") == len(lessons.CHECKLIST) + 1


def test_assess_flags_tilted_shins_even_in_a_squat():
    result = lessons.assess(fake_analysis(pattern="squat", shin=30.0))
    assert not result.loc["shins", "passed"] and "30" in result.loc["shins", "why"]


def test_assess_refuses_non_analysis():
    with pytest.raises(TypeError, match="analyze"):
        lessons.assess({"faults": ()})


def test_checklist_fault_codes_are_model_codes():
    from hinge_lib.model.patterns import fault_rules

    model_codes = {rule["code"] for rule in fault_rules()}
    used = {c for item in lessons.CHECKLIST for c in item.faults}
    assert used <= model_codes
    for item in lessons.CHECKLIST:
        assert item.sources and all(s.startswith("seed_") for s in item.sources)


def test_assess_with_the_real_model():
    import hinge_lib

    upright = lessons.assess(hinge_lib.analyze(hinge_lib.Pose()))
    assert not upright.loc["hinge_shape", "passed"]  # standing still is not yet a hinge
    rounded = lessons.assess(hinge_lib.analyze(hinge_lib.Pose(hip=50, knee=15, lumbar=40)))
    assert not rounded.loc["lower_back", "passed"]


def test_lesson_plan_lays_blocks_end_to_end():
    plan = lessons.lesson_plan(lessons.LESSON_60)
    assert plan["end_min"].iloc[-1] == 60
    assert (plan["start_min"].iloc[1:].to_numpy() == plan["end_min"].iloc[:-1].to_numpy()).all()


@pytest.mark.parametrize("minutes", [0, -5, "ten", None, float("nan"), True])
def test_lesson_plan_refuses_bad_minutes(minutes):
    with pytest.raises(ValueError, match="minutes"):
        lessons.lesson_plan([lessons.Block("x", minutes, "y")])


def test_lesson_plan_refuses_empty_and_wrong_type():
    with pytest.raises(ValueError, match="at least one"):
        lessons.lesson_plan([])
    with pytest.raises(TypeError, match="Block"):
        lessons.lesson_plan([("x", 5)])


def test_practice_minutes():
    # 2 sets x 10 reps at 3 s, 60 s rest between the sets, four exercises
    assert lessons.practice_minutes(2, 10, 3, rest_s=60, exercises=4) == pytest.approx(8.0)
    assert lessons.practice_minutes(1, 10, 6) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs",
    [dict(sets=0), dict(reps="10"), dict(seconds_per_rep=None), dict(rest_s=-1),
     dict(exercises=True)],
)
def test_practice_minutes_refuses_nonsense(kwargs):
    args = dict(sets=2, reps=10, seconds_per_rep=3, rest_s=0, exercises=1) | kwargs
    with pytest.raises(ValueError):
        lessons.practice_minutes(**args)


def test_checklist_goal_names_the_next_item_to_fix_in_words():
    ok, message = lessons.checklist_goal(fake_analysis())
    assert ok and "ready" in message
    ok, message = lessons.checklist_goal(fake_analysis(codes=("head_up",)))
    assert not ok and "head in line" in message and "7 of 8" in message
    assert "head_up" not in message


def test_fault_examples_trigger_each_fault_with_one_joint():
    import hinge_lib

    examples = lessons.fault_examples()
    assert {"rounded_lower_back", "knees_forward", "head_up"} <= set(examples.index)
    for code, row in examples.iterrows():
        pose = hinge_lib.Pose(**{f: row[f] for f in hinge_lib.POSE_FIELDS})
        assert code in {f.code for f in hinge_lib.analyze(pose).faults}
    with pytest.raises(TypeError, match="Pose"):
        lessons.fault_examples(base="rdl")


def test_lift_table_matches_reference_positions():
    import hinge_lib

    table = lessons.lift_table()
    ref = hinge_lib.reference_positions()
    assert list(table.index) == list(ref.index)
    assert (table["pattern"] == ref["expected_pattern"]).all()


def test_wall_poses_need_more_hip_flexion_further_out():
    table = lessons.wall_poses([0.05, 0.15, 0.25])
    hips = table["hip"].to_numpy()
    assert (hips[1:] >= hips[:-1]).all()
    assert (table["reach_cm"] >= table.index.to_numpy() - 1.0).all()
    with pytest.raises(ValueError, match="distance_m"):
        lessons.wall_poses([-1])


def test_wall_touch_goal_accepts_the_pose_wall_poses_finds():
    import hinge_lib

    row = lessons.wall_poses([0.20]).iloc[0]
    pose = hinge_lib.Pose(ankle=row["ankle"], knee=row["knee"], hip=row["hip"])
    ok, message = lessons.wall_touch_goal(0.20)(hinge_lib.analyze(pose))
    assert ok, message
    ok, message = lessons.wall_touch_goal(0.20)(hinge_lib.analyze(hinge_lib.Pose()))
    assert not ok and "short of the wall" in message


def test_dose_table_counts_reps_and_minutes():
    table = lessons.dose_table(seconds_per_rep=4, rest_s=30)
    assert table.loc["seed_002", "reps_max"] == 80
    assert table.loc["seed_004", "minutes_min"] == 15
    assert table.loc["seed_000", "minutes_max"] < table.loc["seed_002", "minutes_max"]


def test_answer_key_is_read_from_the_question_bank_without_running_the_notebook():
    from hinge_lib.course import questions

    key = lessons.answer_key("09-check-yourself.ipynb")
    bank = questions.for_notebook("09")
    assert list(key["id"]) == [q["id"] for q in bank]
    row = key.set_index("id").loc["09-where-bend"]
    assert row["answer"] == "At the hips; the spine keeps its shape"
    number = key.set_index("id").loc["09-load-cost", "answer"]
    assert "N m" in number and "computed by the model" in number
    assert (key.loc[key["kind"] == "pose", "answer"] != "-").all()
    html = lessons.answer_key_html("04")
    assert html.count("<tr>") == len(questions.for_notebook("04")) + 1
    assert "seed_" not in html and "no self-checks" in lessons.answer_key_html("10")
    with pytest.raises(ValueError, match="course notebook"):
        lessons.answer_key("demo.ipynb")


def test_the_instructor_guide_prints_the_answer_key_of_every_notebook_of_the_bank():
    """The guide lists every bank question: each notebook the bank covers has its key."""
    import json
    import re
    from pathlib import Path

    from hinge_lib.course import questions

    guide = Path(__file__).resolve().parent.parent / "notebooks" / "12-instructor-guide.ipynb"
    code = "".join("".join(c["source"]) for c in json.loads(guide.read_text("utf-8"))["cells"]
                   if c["cell_type"] == "code")
    keys = set(re.findall(r'answer_key_html\("(\d\d)"\)', code))
    assert {q["notebook"] for q in questions.all_questions()} <= keys
    key = lessons.answer_key("13").set_index("id")
    assert "computed by the model" in key.loc["13-stretched-muscles", "answer"]
    assert key.loc["13-squat-moments", "answer"] == "they are about the same"


def test_discussion_questions_come_from_data_with_titles_not_keys():
    html = lessons.discussion_html("06-drills-and-progressions.ipynb")
    assert html.count("<li>") >= 3 and "seed_" not in html
    assert "Master the Hip Hinge" in html


def test_lesson_plans_are_data_and_last_60_and_90_minutes():
    assert lessons.lesson_plan(lessons.LESSON_60)["end_min"].iloc[-1] == 60
    assert lessons.lesson_plan(lessons.lesson_90())["end_min"].iloc[-1] == 90
    table = lessons.plan_table(lessons.LESSON_60)
    assert "seed_" not in table.to_string()


def test_lift_table_is_analyze_references_at_one_load():
    import hinge_lib

    table = lessons.lift_table(8.0)
    ref = hinge_lib.analyze_references(8.0)
    assert (table["hip_moment_nm"] == ref["hip_moment_nm"]).all()


def test_solve_pose_goal_finds_poses_the_goal_accepts():
    import hinge_lib
    from hinge_lib.course import selfcheck

    for goal in ("hinge", "squat", "head_up", "fall_forward", "dowel_three_contacts"):
        pose, message = lessons.solve_pose_goal(goal)
        assert pose is not None, goal
        assert selfcheck.check_pose(goal, hinge_lib.analyze(pose)).ok
    pose, message = lessons.solve_pose_goal(lambda a: (False, "never"))
    assert pose is None and "explorer" in message


def test_following_the_wall_hint_brings_the_backside_closer():
    import hinge_lib

    goal = lessons.wall_touch_goal(0.15)
    start = hinge_lib.analyze(hinge_lib.Pose(hip=20))
    ok, message = goal(start)
    assert not ok and "lower Ankle" in message and "more Hip alone" in message
    hinted = hinge_lib.analyze(hinge_lib.Pose(ankle=-5, knee=5, hip=20))
    more_hip = hinge_lib.analyze(hinge_lib.Pose(hip=40))

    def reach(a):
        return a.base_of_support[0] - a.joints["sacrum"][0]

    assert reach(hinted) > reach(start) > reach(more_hip)
