"""Tests for the question bank (data/questions.yaml, hinge_lib.course.questions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hinge_lib
from hinge_lib.course import lessons, questions, selfcheck
from hinge_lib.model.tables import DataFileError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_the_right_option_is_rarely_the_longest_and_no_position_dominates():
    stats = questions.pattern_stats()
    assert stats["questions"] >= 30
    assert stats["correct_is_longest"] <= stats["questions"] / 3, stats
    assert max(stats["positions"].values()) <= 0.4 * stats["single_answer"], stats


def test_pattern_stats_catch_a_guessable_bank():
    bank = [{"kind": "choice", "options": ["a", "bbbb", "c"], "answer": 1}] * 3
    stats = questions.pattern_stats(bank)
    assert stats["correct_is_longest"] == 3 and stats["positions"] == {1: 3}


def test_every_number_question_is_answered_by_the_model():
    numbers = [q for q in questions.all_questions() if q["kind"] == "number"]
    assert numbers
    for q in numbers:
        assert isinstance(questions.model_answer(q), float)
        assert "computed by the model" in questions.answer_text(q)


def test_every_pose_task_can_be_solved_by_a_pose_the_check_accepts():
    for nb in sorted({q["notebook"] for q in questions.all_questions()}):
        key = lessons.answer_key(nb)
        unsolved = key[(key["kind"] == "pose") & (key["answer"] == "-")]
        assert unsolved.empty, unsolved.to_dict("records")


@pytest.mark.parametrize("text", ["use analyze(pose)", "see data/faults.yaml", "seed_003 says",
                                  "the model flags rounded_lower_back", "hinge_shape"])
def test_questions_refuse_code_paths_and_internal_ids(text):
    q = {"id": "x", "notebook": "01", "kind": "choice", "prompt": "Q?", "options": ["a", "b"],
         "answer": 0, "explanations": [text, "fine"]}
    with pytest.raises(DataFileError, match=r"questions.yaml, question 4 \('x'\), field "
                                            r"'explanations\[0\]'"):
        questions._check(q, 4, set())


def test_a_malformed_question_names_its_field():
    base = {"id": "x", "notebook": "01", "kind": "choice", "prompt": "Q?", "options": ["a", "b"],
            "answer": 0, "explanations": ["a", "b"]}
    with pytest.raises(DataFileError, match="'answer'"):
        questions._check({**base, "answer": 5}, 1, set())
    with pytest.raises(DataFileError, match="'kind'"):
        questions._check({**base, "kind": "essay"}, 1, set())
    with pytest.raises(DataFileError, match="duplicate"):
        questions._check(base, 2, {"x"})
    with pytest.raises(ValueError, match="00-arrow-key"):
        questions.get("no-such-question")


def test_every_question_builds_its_widget():
    for q in questions.all_questions():
        widget = selfcheck.question(q["id"], reveal="<i>the model's answer</i>")
        assert hasattr(widget, "feedback"), q["id"]


def test_the_load_question_is_answered_by_reasoning_not_by_reading_a_readout():
    q = questions.get("09-load-cost")
    given = [questions.model_answer(q, load_kg=kg) for kg in q["model"]["given_loads_kg"]]
    # the prompt shows the model's values at the given loads, computed, not typed
    assert all(f"{g:.0f} N m" in q["prompt"] for g in given)
    box = selfcheck.question("09-load-cost")
    assert not hasattr(box, "explorer")  # no readout to copy the answer from
    assert str(round(questions.model_answer(q))) not in q["prompt"]
    # reasoning from the two given values (the moment grows in step with the load) is right
    box.text.value = f"{given[0] + 2 * (given[1] - given[0]):.0f}"
    assert "Correct" in box.feedback.value, box.feedback.value
    box.text.value = f"{given[1]:.0f}"  # copying a number shown is not
    assert "Correct" not in box.feedback.value


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_notebooks_show_every_question_of_the_bank_by_id_and_build_none_by_hand():
    for q in questions.all_questions():
        path = next(NOTEBOOKS.glob(f"{q['notebook']}-*.ipynb"))
        assert any(f'"{q["id"]}"' in c and "selfcheck." in c
                   for c in _code_cells(path)), (q["id"], path.name)
    for path in sorted(NOTEBOOKS.glob("0[0-9]-*.ipynb")):
        for code in _code_cells(path):
            assert "choice_question(" not in code and "number_question(" not in code, path.name


def test_the_ready_to_teach_verdict_is_earned_by_tasks():
    box = selfcheck.ready_to_teach(["09-dowel-pose", "09-load-cost"])
    first = box.verdict()
    assert not first.ok and "0 of 2" in first.message and "Task 1" not in first.message
    dowel, number = box.tasks
    dowel.explorer.set_pose(hinge_lib.Pose(hip=30))  # upright-ish with locked knees: a fault
    q = questions.get("09-load-cost")
    number.text.value = f"{questions.model_answer(q):.0f}"
    assert not box.verdict().ok
    dowel.explorer.preset.value = "romanian_deadlift"  # a preset is not the learner's pose
    assert not box.verdict().ok
    dowel.explorer.load.value = 0
    dowel.explorer.set_pose(hinge_lib.Pose(ankle=-3, knee=18, hip=95))
    assert box.verdict().ok, [t.check().message for t in box.tasks]
