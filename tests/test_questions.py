"""Tests for the question bank (data/questions.yaml, hinge_lib.course.questions)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import hinge_lib
from hinge_lib import analyze, reference_pose
from hinge_lib.course import lessons, questions, selfcheck, teaching
from hinge_lib.model.tables import DataFileError, read_entries

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


#: The widget builders that make a self-check or pose task from arguments typed in a cell: a
#: notebook that called one would show a check the question bank (and so the class app's
#: dashboard, the answer keys and the audits here) never hears of.
HAND_BUILT = ("choice_question", "number_question", "pose_task", "predict")


def _self_checks_in(source: str) -> tuple[list[str], list[str]]:
    """(ids of the bank questions a code cell shows, hand-built self-checks it calls)."""
    shown, by_hand = [], []
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.ImportFrom):
            by_hand += [f"imports {a.name} on line {node.lineno}" for a in node.names
                        if a.name in HAND_BUILT]
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name in HAND_BUILT:
            by_hand.append(f"{name}(...) on line {node.lineno}")
        elif name in ("question", "ready_to_teach") and node.args:
            ids = node.args[0].elts if isinstance(node.args[0], ast.List) else [node.args[0]]
            for arg in ids:
                assert isinstance(arg, ast.Constant), f"line {node.lineno}: ids as plain text"
                shown.append(arg.value)
    return shown, by_hand


ALL_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=[p.name for p in ALL_NOTEBOOKS])
def test_every_self_check_a_notebook_shows_comes_from_the_bank(path):
    """No notebook builds a self-check or pose task by hand, and every one it shows is a bank
    question of that notebook (so the class app's dashboard lists it); the bank holds no
    question its notebook does not show."""
    shown, by_hand = [], []
    for code in _code_cells(path):
        ids, built = _self_checks_in(code)
        shown += ids
        by_hand += built
    assert not by_hand, f"{path.name} builds self-checks by hand: {by_hand}"
    number = path.name[:2]
    assert all(questions.get(qid)["notebook"] == number for qid in shown), (path.name, shown)
    assert {q["id"] for q in questions.for_notebook(number)} <= set(shown), path.name


def test_the_bank_lists_each_notebooks_questions_in_the_order_its_page_shows_them():
    """The dashboard's rows follow the bank: within a notebook, the order a student meets
    the questions (first showing; notebook 09's readiness check shows some again)."""
    for path in ALL_NOTEBOOKS:
        page: list[str] = []
        for code in _code_cells(path):
            page += [qid for qid in _self_checks_in(code)[0] if qid not in page]
        bank = [q["id"] for q in questions.for_notebook(path.name[:2])]
        assert bank == page, path.name


def test_the_audit_finds_a_self_check_built_by_hand_however_it_is_imported():
    assert _self_checks_in('from hinge_lib.course.selfcheck import number_question as nq\n'
                           'nq("How far?", 3, 1)')[1]
    assert _self_checks_in('selfcheck.pose_task("Hinge", "hinge")')[1]
    assert _self_checks_in('selfcheck.ready_to_teach(["09-dowel-pose", "09-load-cost"])') == (
        ["09-dowel-pose", "09-load-cost"], [])


def test_notebook_13_asks_its_questions_from_the_bank():
    """The anatomy notebook's three self-checks are bank questions, shown by id."""
    ids = [q["id"] for q in questions.for_notebook("13")]
    assert ids == ["13-stretched-muscles", "13-hamstring-stretch", "13-squat-moments"]
    path = next(NOTEBOOKS.glob("13-*.ipynb"))
    shown = [qid for code in _code_cells(path) for qid in _self_checks_in(code)[0]]
    assert shown == ids  # in the order the page shows them, as the bank lists them
    folded = analyze(hinge_lib.Pose(hip=90))  # hip folded to a right angle, knees straight
    number = questions.get("13-hamstring-stretch")
    assert questions.model_answer(number) == round(folded.hamstring_length_change_mm)
    assert not hasattr(selfcheck.question(number["id"]), "explorer")  # worked out, not read


def test_the_bank_lists_notebooks_in_course_order():
    numbers = [q["notebook"] for q in questions.all_questions()]
    assert numbers == sorted(numbers)
    bank = [{"id": "a", "notebook": "13"}, {"id": "b", "notebook": "02"}]
    with pytest.raises(DataFileError, match=r"question 2 \('b'\), field 'notebook': '02' "
                                            r"after notebook '13'"):
        questions._check_course_order(bank)


def test_the_feedback_of_a_model_answered_question_says_yes_to_the_models_options():
    """The explanations are typed, the right options computed: each explanation of a right
    option begins "Yes", every other does not, so feedback and answer cannot part when
    the model changes."""
    for q in questions.all_questions():
        if "answer_model" not in q:
            continue
        right = q["answer"] if q["kind"] == "multi" else [q["answer"]]
        said_yes = [i for i, text in enumerate(q["explanations"]) if text.startswith("Yes")]
        assert said_yes == sorted(right), q["id"]


def test_a_choice_answer_computed_by_the_model_is_the_models_and_not_typed():
    q = questions.get("13-stretched-muscles")
    rdl = analyze(reference_pose("romanian_deadlift"), load_kg=40, hold="close")
    groups = ["gluteus_maximus", "hamstrings", "rectus_femoris", "vasti"]
    assert q["answer"] == teaching.stretched_groups(rdl, groups)
    assert q["answer_model"]["groups"] == groups
    assert "computed by the model" in questions.answer_text(q)
    typed = [e for e in read_entries("questions.yaml", "questions")
             if e["id"] == "13-stretched-muscles"]
    assert "answer" not in typed[0]  # nothing typed in the file
    # the same rule at another pose gives that pose's answer: it follows the model
    squat = {**_model_answered(), "answer_model": {**_model_answered()["answer_model"],
                                                   "pose": "back_squat", "hold": "back"}}
    squat_groups = squat["answer_model"]["groups"]
    analysis = analyze(reference_pose("back_squat"), load_kg=40, hold="back")
    assert questions._check(squat, 1, set())["answer"] == teaching.stretched_groups(
        analysis, squat_groups) != q["answer"]


def test_the_model_answered_question_grades_and_reports_like_any_other(monkeypatch):
    from hinge_lib.course import class_report

    sent = []
    monkeypatch.setattr(class_report, "report", lambda qid, ok, **kw: sent.append((qid, ok)))
    q = questions.get("13-stretched-muscles")
    box = selfcheck.question(q["id"])
    box.select(q["answer"])
    assert box.check().ok
    box.select([i for i in range(len(q["options"])) if i not in q["answer"]])
    assert not box.check().ok
    assert sent == [(q["id"], True), (q["id"], False)]


def _model_answered() -> dict:
    return {"id": "x", "notebook": "13", "kind": "multi", "prompt": "Which are stretched?",
            "options": ["glutes", "hamstrings", "vasti"],
            "answer_model": {"rule": "stretched_groups", "pose": "romanian_deadlift",
                             "load_kg": 40, "hold": "close",
                             "groups": ["gluteus_maximus", "hamstrings", "vasti"]},
            "explanations": ["a", "b", "c"]}


@pytest.mark.parametrize(("change", "message"), [
    ({"rule": "longest_muscle"}, r"field 'answer_model.rule': 'longest_muscle' is not one of "
                                 r"stretched_groups"),
    ({"load": 40}, r"field 'answer_model': unknown field\(s\) load for rule "
                   r"'stretched_groups'; allowed: rule, pose, load_kg, hold, groups"),
    ({"pose": "deadlift"}, r"field 'answer_model.pose': 'deadlift' is not a reference "
                           r"position \(.*romanian_deadlift"),
    ({"pose": {"hips": 90}}, r"field 'answer_model.pose': \{'hips': 90\} names a joint that "
                             r"is not one of ankle, knee, hip"),
    ({"pose": {"hip": 400}}, r"field 'answer_model': .*hip.*400"),
    ({"hold": "overhead"}, r"field 'answer_model.hold': 'overhead' is not one of hands, close, "
                           r"chest, back"),
    ({"load_kg": "heavy"}, r"field 'answer_model.load_kg': 'heavy' is not a number"),
    ({"groups": ["gluteus_maximus", "hamstrings"]}, r"field 'answer_model.groups': .* one "
                                                    r"muscle group per option \(3\)"),
    ({"groups": ["gluteus_maximus", "hamstrings", "quads"]}, r"field 'answer_model.groups'.*"
                                                             r"each one of gluteus_maximus"),
    ({"pose": "standing", "load_kg": 0, "hold": "hands"},
     r"field 'answer_model': the model's right options are none; a multi question needs at "
     r"least one"),
])
def test_a_bad_answer_model_names_the_field_the_value_and_what_is_allowed(change, message):
    q = _model_answered()
    q["answer_model"] = {**q["answer_model"], **change}
    with pytest.raises(DataFileError, match=r"^data/questions.yaml, question 3 \('x'\), "
                                            + message):
        questions._check(q, 3, set())


def test_an_answer_model_goes_with_option_questions_and_never_with_a_typed_answer():
    with pytest.raises(DataFileError, match=r"field 'answer': give either 'answer' .* or "
                                            r"'answer_model' .*, not both"):
        questions._check({**_model_answered(), "answer": [0]}, 3, set())
    one = {**_model_answered(), "kind": "choice"}  # glutes, hamstrings (and more) are right
    with pytest.raises(DataFileError, match=r"right options are glutes, hamstrings.*; a choice "
                                            r"question needs exactly one"):
        questions._check(one, 3, set())
    number = {"id": "n", "notebook": "13", "kind": "number", "prompt": "How far?",
              "model": {"pose": "standing", "quantity": "hip_moment_nm"}, "tolerance": 1,
              "explanation": "e", "answer_model": _model_answered()["answer_model"]}
    with pytest.raises(DataFileError, match=r"field 'answer_model': a number question cannot "
                                            r"take it; allowed for choice, multi, predict"):
        questions._check(number, 3, set())


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
