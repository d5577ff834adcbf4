"""Tests for hinge_lib.course.selfcheck: grading (including nonsense input), goals, widgets."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hinge_lib
from hinge_lib.course import selfcheck
from hinge_lib.course.selfcheck import (
    Feedback,
    check_pose,
    grade_choice,
    grade_number,
    parse_number,
)

OPTIONS = ["hips", "knees", "ankles"]
EXPLAIN = ["The hips do the bending.", "Knees bend only a little.", "Ankles hardly move."]

NONSENSE = [None, "", "   ", "abc", 3.5, [0, 1], (), {}, object(), float("nan"), True, -1, 7]


# ---------------------------------------------------------------- grade_choice


def test_choice_right_answer_gives_its_explanation():
    fb = grade_choice(0, 0, OPTIONS, EXPLAIN)
    assert fb == Feedback(True, "Correct! The hips do the bending.")


def test_choice_wrong_answer_explains_and_invites_retry():
    fb = grade_choice(1, 0, OPTIONS, EXPLAIN)
    assert not fb.ok
    assert "Knees bend only a little." in fb.message
    assert "Try again" in fb.message


@pytest.mark.parametrize("value", [None, "", "   ", [], ()])
def test_choice_empty_asks_to_pick(value):
    fb = grade_choice(value, 0, OPTIONS)
    assert fb == Feedback(False, "Pick an option first, then press Check.")


@pytest.mark.parametrize("value", ["abc", 3.5, -1, 7, True, object(), float("nan")])
def test_choice_nonsense_is_not_an_option(value):
    fb = grade_choice(value, 0, OPTIONS)
    assert not fb.ok
    assert "not one of the options" in fb.message


def test_choice_list_for_single_answer_question():
    fb = grade_choice([0, 1], 0, OPTIONS)
    assert not fb.ok and "just one" in fb.message
    assert grade_choice([0], 0, OPTIONS).ok


def test_choice_accepts_option_text_and_integral_numbers():
    assert grade_choice("Hips", 0, OPTIONS).ok
    assert grade_choice(0.0, 0, OPTIONS).ok
    assert grade_choice("0", 0, OPTIONS).ok


def test_choice_multiple_answers():
    assert grade_choice([2, 0], [0, 2], OPTIONS).ok
    partial = grade_choice([0], [0, 2], OPTIONS)
    assert not partial.ok and "one right option is still missing" in partial.message
    extra = grade_choice([0, 1], [0, 2], OPTIONS, EXPLAIN)
    assert not extra.ok and "one of your ticks does not belong" in extra.message
    assert "one right option is still missing" in extra.message
    assert grade_choice(0, [0, 2], OPTIONS).message.startswith("Not quite")


def test_multi_choice_never_names_the_wrong_options():
    five = ["a1", "b2", "c3", "d4", "e5"]
    for picked in ([0, 1, 2, 3, 4], [0, 1, 2, 3], [1, 3]):
        fb = grade_choice(picked, [0, 2, 4], five, [f"why {o}" for o in five])
        assert not fb.ok
        assert not any(o in fb.message for o in ("b2", "d4", "why b2", "why d4"))
    assert "every option" in grade_choice([0, 1, 2, 3, 4], [0, 2, 4], five).message


@pytest.mark.parametrize("correct", [None, "x", 3, [0, 9], [], 1.5])
def test_choice_author_errors_raise(correct):
    with pytest.raises(ValueError):
        grade_choice(0, correct, OPTIONS)


@given(st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.booleans(),
                 st.lists(st.one_of(st.integers(), st.text(), st.floats()), max_size=4)))
def test_choice_never_raises_on_learner_input(value):
    for correct in (1, [0, 2]):
        fb = grade_choice(value, correct, OPTIONS, EXPLAIN)
        assert isinstance(fb, Feedback) and isinstance(fb.ok, bool) and fb.message


# ---------------------------------------------------------------- grade_number


@pytest.mark.parametrize("text,value", [
    ("45", 45.0), (" 45 ", 45.0), ("45 deg", 45.0), ("45°", 45.0), ("4,5", 4.5), ("-12", -12.0),
    ("\u221212", -12.0), (".5", 0.5), ("15 cm", 15.0), (6, 6.0), (2.5, 2.5), ('6"', 6.0),
    ("232 N m", 232.0), ("232 N\u00b7m", 232.0), ("20 reps", 20.0),
])
def test_parse_number_reads_what_people_type(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [None, "", "abc", "1 2", "4 5 deg", [45], True,
                                  float("nan"), float("inf"), "45abc7", {}, b"45", "12abc",
                                  "12 apples", "3 kgs of"])
def test_parse_number_rejects_nonsense(text):
    assert parse_number(text) is None


def test_number_right_and_close_enough():
    assert grade_number("45", 45, 5, "deg") == Feedback(True, "Correct: 45 deg.")
    fb = grade_number("48 deg", 45, 5, "deg", "Because the shins stay near vertical.")
    assert fb.ok and "close enough" in fb.message and fb.message.endswith("near vertical.")


def test_number_wrong_never_says_which_direction():
    for guess in ("60", 10, "46.6"):
        fb = grade_number(guess, 45, 1)
        assert not fb.ok and "too" not in fb.message and "high" not in fb.message
        assert "low" not in fb.message and "45" not in fb.message


def test_number_gives_the_answer_after_the_last_try():
    fb = grade_number("60", 45, 1, "deg", "Because.", attempt=3, max_tries=3)
    assert not fb.ok and "45 deg" in fb.message and fb.message.endswith("Because.")


def test_number_is_judged_as_displayed():
    assert grade_number("15.01", 15, 0).ok
    assert grade_number("15.01", 15, 0).message.startswith("Correct: 15.01")
    assert grade_number("0.454", 0.45, 0, decimals=2).ok
    assert not grade_number("0.47", 0.45, 0.01, decimals=2).ok


def test_number_refuses_trailing_letters_kindly():
    fb = grade_number("12abc", 12, 0, "cm")
    assert not fb.ok and "'12abc' is not a number I can read" in fb.message


@pytest.mark.parametrize("text", [None, "", "   "])
def test_number_empty_asks_for_number(text):
    fb = grade_number(text, 45, 5, "deg")
    assert not fb.ok and "Type your answer" in fb.message and "45 deg" in fb.message


@pytest.mark.parametrize("text", ["abc", [45], {}, True, "1 2", 3 + 4j])
def test_number_nonsense_is_kind(text):
    fb = grade_number(text, 45, 5)
    assert not fb.ok and "type just one number" in fb.message


@pytest.mark.parametrize("answer,tol", [(None, 1), ("x", 1), (45, -1), (float("nan"), 1)])
def test_number_author_errors_raise(answer, tol):
    with pytest.raises(ValueError):
        grade_number("1", answer, tol)


@given(st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.booleans(),
                 st.lists(st.integers(), max_size=3)))
def test_number_never_raises_on_learner_input(value):
    fb = grade_number(value, 45, 2, "deg")
    assert isinstance(fb, Feedback) and fb.message


# ---------------------------------------------------------------- require_defined


def test_require_defined():
    assert selfcheck.require_defined({"rdl": 1}, "rdl", "the cell above") == 1
    with pytest.raises(NameError, match="run the cell under 'Load' first"):
        selfcheck.require_defined({}, "rdl", "the cell under 'Load'")


# ---------------------------------------------------------------- goals on stand-in analyses


def fake(**kw):
    base = dict(
        pose=SimpleNamespace(ankle=0.0, knee=15.0, hip=70.0, lumbar=0.0, thoracic=0.0, neck=0.0),
        pattern="hinge", faults=(), balanced=True, balance_margin_m=0.05, com_x_m=0.05,
        base_of_support=(-0.05, 0.20), shin_angle_deg=0.0, load_kg=0.0,
        dowel={"head": True, "upper_back": True, "sacrum": True},
        dowel_gaps_mm={"head": 0.0, "upper_back": 0.0, "sacrum": 0.0},
    )
    base.update(kw)
    return SimpleNamespace(**base)


def fault(code):
    return SimpleNamespace(code=code, message=f"{code} seen.", cue="a cue.")


def test_goal_messages_are_specific():
    ok, msg = selfcheck.GOALS["hinge_vertical_shins"](
        fake(shin_angle_deg=18.0, faults=(fault("knees_forward"),)))
    assert not ok and "18°" in msg and "Ankle" in msg
    ok, msg = selfcheck.GOALS["dowel_three_contacts"](
        fake(dowel={"head": True, "upper_back": True, "sacrum": False},
             dowel_gaps_mm={"head": 0.0, "upper_back": 0.0, "sacrum": 31.0}))
    assert not ok and "sacrum (31 mm gap)" in msg and "Lumbar" in msg
    ok, msg = selfcheck.GOALS["hinge"](fake(balanced=False, com_x_m=0.3, balance_margin_m=-0.1))
    assert not ok and "10 cm in front of your toes" in msg
    assert selfcheck.GOALS["hinge"](fake(pattern="upright"))[0] is False
    assert selfcheck.GOALS["balanced_hinge_with_load"](fake())[0] is False
    assert selfcheck.GOALS["balanced_hinge_with_load"](fake(load_kg=8.0))[0] is True
    assert selfcheck.GOALS["round_lower_back"](fake(faults=(fault("rounded_lower_back"),)))[0]


def test_check_pose_accepts_keys_and_callables():
    assert check_pose("hinge", fake()).ok
    assert check_pose(lambda a: (a.pose.hip > 60, "deep enough"), fake()) == Feedback(
        True, "deep enough")
    assert check_pose(lambda a: False, fake()) == Feedback(False, "")
    assert not check_pose("hinge", None).ok
    with pytest.raises(ValueError, match="not one of"):
        check_pose("no_such_goal", fake())
    with pytest.raises(ValueError):
        check_pose(42, fake())


# ---------------------------------------------------------------- goals on the real model

def analyze(**angles):
    return hinge_lib.analyze(hinge_lib.Pose(**angles))


def test_goals_on_model_poses():
    rdl_like = analyze(knee=15, hip=75)
    squat_like = analyze(ankle=30, knee=110, hip=100)
    upright = analyze()
    assert check_pose("upright", upright).ok
    assert not check_pose("hinge", upright).ok
    assert not check_pose("squat", rdl_like).ok
    assert check_pose("squat", squat_like).ok, check_pose("squat", squat_like).message
    assert not check_pose("hinge", squat_like).ok


def test_goal_hinge_matches_model_on_reference_positions():
    table = hinge_lib.reference_positions()
    for key in table.index:
        a = hinge_lib.analyze(hinge_lib.reference_pose(key))
        verdict = check_pose("hinge", a)
        clean = (a.pattern == "hinge" and a.balanced and not a.faults and all(a.dowel.values())
                 and a.pose.knee <= selfcheck.hinge_knee_limit()["value"])
        assert verdict.ok == clean, (key, verdict.message)
        assert check_pose("squat", a).ok == (
            a.pattern == "squat" and a.balanced
            and not {f.code for f in a.faults} & set(selfcheck._SPINE_FAULTS)), key


def test_goals_see_spine_faults_on_model():
    rounded = analyze(knee=15, hip=60, lumbar=40)
    assert check_pose("round_lower_back", rounded).ok
    assert not check_pose("dowel_three_contacts", rounded).ok
    neutral = analyze(knee=15, hip=60)
    assert not check_pose("round_lower_back", neutral).ok
    assert check_pose("dowel_three_contacts", neutral).ok, check_pose(
        "dowel_three_contacts", neutral).message


def test_dowel_goal_points_at_the_slider_that_moved():
    rdl = hinge_lib.reference_pose("romanian_deadlift")
    look_up = hinge_lib.Pose(**{**rdl.as_dict(), "neck": -30.0})
    fb = check_pose("dowel_three_contacts", hinge_lib.analyze(look_up))
    assert not fb.ok and "Neck (-30°)" in fb.message and "Try again" in fb.message
    assert check_pose("dowel_three_contacts", hinge_lib.analyze(rdl)).ok


def test_goal_fall_forward_on_model():
    assert check_pose("fall_forward", analyze(hip=90)).ok
    assert not check_pose("fall_forward", analyze()).ok
    bent = check_pose("fall_forward", analyze(knee=20, hip=120))
    assert not bent.ok and "Knee and Ankle at 0" in bent.message


def test_balance_advice_behind_the_heels_matches_the_readout_cue():
    import hinge_lib.model.catalog as catalog

    a = analyze(ankle=-20, knee=15, hip=80)
    assert not a.balanced and a.com_x_m < a.base_of_support[0]
    msg = check_pose("hinge", a).message
    assert "behind your heels" in msg and "middle of your feet" in msg
    assert "middle of your feet" in catalog.cue_for("com_outside_base")
    assert "back" not in catalog.cue_for("com_outside_base").lower()


def test_feedback_never_shows_internal_codes():
    rounded = analyze(knee=15, hip=60, lumbar=40)
    for goal in ("round_lower_back", "hinge"):
        msg = check_pose(goal, rounded).message
        assert "rounded_lower_back" not in msg and "_" not in msg
    from hinge_lib.course import lessons

    ok, msg = lessons.checklist_goal(rounded)
    assert not ok and "_" not in msg


# ---------------------------------------------------------------- widgets


def test_choice_widget_round_trip():
    q = selfcheck.choice_question("Which joint?", OPTIONS, 0, EXPLAIN)
    assert not q.check().ok  # nothing picked yet
    assert "Pick an option" in q.feedback.value
    q.select(1)
    assert not q.check().ok
    q.select(0)
    fb = q.check()
    assert fb.ok and "\u2714" in q.feedback.value


def test_multi_choice_widget_and_number_widget():
    q = selfcheck.choice_question("Which?", OPTIONS, [0, 2])
    q.select([0, 2])
    assert q.check().ok
    n = selfcheck.number_question("How many?", 10, 0, "reps")
    n.text.value = "abc"
    assert "type just one number" in n.feedback.value
    n.text.value = "10"
    assert n.check().ok


def test_feedback_clears_when_the_answer_changes():
    q = selfcheck.choice_question("Which joint?", OPTIONS, 0, EXPLAIN)
    q.select(0)
    assert q.check().ok and q.feedback.value
    q.select(1)
    assert q.feedback.value == ""
    m = selfcheck.choice_question("Which?", OPTIONS, [0, 2])
    m.select([0, 2])
    assert m.check().ok
    m.chooser.children[1].value = True
    assert m.feedback.value == ""


def test_number_widget_counts_tries_and_then_explains():
    n = selfcheck.number_question("How many?", 10, 0, "reps", "Sets times reps.", max_tries=2)
    n.text.value = "7"
    assert "Not quite" in n.feedback.value and "10 reps" not in n.feedback.value
    n.text.value = "abc"  # nonsense does not use up a try
    n.text.value = "8"
    assert "10 reps" in n.feedback.value and "Sets times reps." in n.feedback.value


def test_predict_reveals_only_after_commit():
    p = selfcheck.predict("Where?", ["here", "there"], 1, "Because.", reveal="<b>fig</b>")
    assert p.shown.children == ()
    assert not p.commit().ok  # nothing picked yet
    p.select(0)
    fb = p.commit()
    assert not fb.ok and "there" in fb.message and len(p.shown.children) == 1
    p.again()
    assert p.shown.children == () and p.feedback.value == ""
    p.select(1)
    assert p.commit().ok


def test_widget_author_errors():
    with pytest.raises(ValueError):
        selfcheck.choice_question("Q", ["only one"], 0)
    with pytest.raises(ValueError):
        selfcheck.choice_question("Q", OPTIONS, 0, ["too few"])
    with pytest.raises(ValueError):
        selfcheck.number_question("Q", "x", 1)
    with pytest.raises(ValueError):
        selfcheck.pose_task("Q", "no_such_goal")


def test_import_is_light():
    code = ("import sys, hinge_lib.course.selfcheck; "
            "print('ipywidgets' in sys.modules, 'plotly' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_pose_task_grades_the_explorer_pose():
    task = selfcheck.pose_task("Make a hinge.", goal="hinge")
    first = task.check()
    assert not first.ok and "upright" in first.message
    task.explorer.set_pose("romanian_deadlift")
    assert task.check().ok, task.feedback.value
    assert "\u2714" in task.feedback.value
    task.explorer.sliders["lumbar"].value = 40
    assert task.feedback.value == ""  # the tick went with the pose it judged
    again = task.check()
    assert not again.ok and "ounded" in again.message
    task.explorer.reset.click()
    assert task.feedback.value == ""


def test_pose_task_with_load_and_callable_goal():
    task = selfcheck.pose_task("Hold a bell.", goal="balanced_hinge_with_load",
                               start="romanian_deadlift", load_kg=8)
    assert task.check().ok, task.feedback.value
    deep = selfcheck.pose_task("Deep.", goal=lambda a: (a.pose.hip >= 125, "hip at least 125"),
                               start="romanian_deadlift")
    assert deep.check() == Feedback(False, "hip at least 125")


def test_pose_task_words_come_from_the_data_file():
    from hinge_lib.course.selfcheck import check_pose, goal_messages
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    words = goal_messages()
    fb = check_pose("upright", analyze(Pose()))
    assert fb.ok and fb.message == words["upright_ok"]


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda text: text.replace("  upright_ok:", "  upright_gone:"),
         r"goal_messages.yaml: no message for upright_ok"),
        (lambda text: text.replace("{hip:.0f}° of hip flexion:", "{elbow:.0f}° of hip flexion:"),
         r"goal_messages.yaml, message 'dowel_ok': unknown placeholder\(s\) elbow; allowed: hip"),
    ],
)
def test_a_broken_words_file_is_named_with_the_message_and_placeholder(data_copy, edit, message):
    from hinge_lib.course import selfcheck
    from hinge_lib.model import tables

    words = data_copy / "goal_messages.yaml"
    words.write_text(edit(words.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(tables.DataFileError, match=message):
        selfcheck.goal_messages()
