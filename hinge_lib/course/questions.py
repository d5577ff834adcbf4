"""The course's question bank: every self-check and pose task of the course, kept as data.

``data/questions.yaml`` holds one entry per question, in course order (the class app's
dashboard lists them so): ``id``, ``notebook`` and ``kind`` (``choice``, ``multi``,
``predict``, ``number`` or ``pose``) with the fields that kind needs. Number questions do not
store their answer: they name the pose, load and readout quantity, and the model computes the
answer, so question and model cannot drift apart. A choice, multi-select or prediction
question whose right options are a model result names them the same way, with
``answer_model`` (a rule of :data:`ANSWER_RULES`, the pose, load and hold) in place of
``answer``. The notebooks show a question by id (``selfcheck.question("02-shin-sign")``);
the instructor guide prints the answer keys from the same file without running any notebook.

Examples
--------
>>> from hinge_lib.course import questions
>>> q = questions.get("02-shin-sign")
>>> q["kind"], q["notebook"]
('choice', '02')
>>> questions.answer_text(q) in q["options"]
True
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from hinge_lib.model.tables import DataFileError, check_entry, read_entries

KINDS = ("choice", "multi", "predict", "number", "pose")
#: The kinds whose learner picks one or more options.
OPTION_KINDS = ("choice", "multi", "predict")
#: Rules that compute the right options of a choice, multi-select or prediction question from
#: the model (``answer_model: {rule: ...}``), with the fields each takes besides ``rule``.
#: ``stretched_groups``: ``groups`` names one muscle group per option; the right options are
#: the groups the model shows as stretched at ``pose`` holding ``load_kg`` (kg) by ``hold``.
ANSWER_RULES: dict[str, tuple[str, ...]] = {
    "stretched_groups": ("pose", "load_kg", "hold", "groups"),
}
#: The fields each kind of question needs, with their types (``answer`` is checked against
#: the options later, with a message saying which option numbers are allowed).
_ANSWER = (int, list)
_REQUIRED: dict[str, dict[str, type | tuple[type, ...]]] = {
    "choice": {"prompt": str, "options": list, "answer": _ANSWER, "explanations": list},
    "multi": {"prompt": str, "options": list, "answer": _ANSWER, "explanations": list},
    "predict": {"prompt": str, "options": list, "answer": _ANSWER, "explanation": str},
    "number": {"prompt": str, "model": dict, "tolerance": (int, float), "explanation": str},
    "pose": {"prompt": str, "goal": str},
}
#: What learners must never be asked to read or type: code, file paths or internal ids.
_FORBIDDEN = re.compile(r"seed_\d|data/|\.py\b|\.csv\b|\.yaml\b|\b[a-z_]+\(|import |"
                        r"\b(hinge_shape|rounded_lower_back|com_outside_base|head_up|knees_forward)"
                        r"\b")
_NUMBER_QUANTITIES = ("hip_moment_nm", "knee_moment_nm", "lumbar_moment_nm", "hinge_score",
                      "hamstring_length_change_mm", "shin_angle_deg", "trunk_angle_deg")


#: Placeholders a prompt may use, filled in from the data the check uses, so the prompt
#: and the check state the same constraint: the load and hold of a pose task, the wall
#: distance of a wall task, the knee limit of a hinge task, and the model's values of a
#: number question at the loads listed under ``model.given_loads_kg``.
PROMPT_FIELDS = ("load_kg", "hold_words", "distance_in", "distance_cm", "knee_limit",
                 "given_0", "given_1")


def _prompt_values(q: dict[str, Any]) -> dict[str, str]:
    from hinge_lib.view.wording import hold_words

    values = {"load_kg": f"{float(q.get('load_kg', 0.0)):g}",
              "hold_words": hold_words(str(q.get("hold", "hands")), "in_words")}
    args = q.get("goal_args") or {}
    if "distance_in" in args:
        inches = float(args["distance_in"])
        values["distance_in"] = f"{inches:g}"
        values["distance_cm"] = f"{inches * 2.54:.1f}"
    if q["kind"] == "pose":
        from hinge_lib.course.selfcheck import hinge_knee_limit

        values["knee_limit"] = f"{hinge_knee_limit()['value']:.0f}"
    if q["kind"] == "number":
        m = q["model"]
        decimals = int(m.get("decimals", 0))
        for i, kg in enumerate(m.get("given_loads_kg") or []):
            values[f"given_{i}"] = f"{model_answer(q, load_kg=float(kg)):.{decimals}f}"
    return values


def prompt_text(q: dict[str, Any]) -> str:
    """The prompt as learners see it: ``q["prompt"]`` with its placeholders (see
    :data:`PROMPT_FIELDS`) filled in from the question's own data and the model."""
    import string

    template = str(q.get("prompt_template", q["prompt"]))
    used = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    values = _prompt_values(q)
    missing = sorted(used - set(values))
    if missing:
        raise DataFileError(f"data/questions.yaml, question {q['id']!r}, field 'prompt': "
                            f"placeholder(s) {', '.join(missing)} cannot be filled for this "
                            f"question; allowed: {', '.join(sorted(values))}")
    return template.format(**values)


def placeholders(q: dict[str, Any]) -> set[str]:
    """The placeholders the prompt of ``q`` uses (as written in data/questions.yaml)."""
    import string

    template = str(q.get("prompt_template", q["prompt"]))
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _texts(q: dict[str, Any]) -> list[tuple[str, str]]:
    out = [(f, str(q[f])) for f in ("prompt", "explanation", "hint") if q.get(f)]
    for f in ("options", "explanations"):
        out += [(f"{f}[{i}]", str(t)) for i, t in enumerate(q.get(f) or [])]
    return out


def _check_answer_model(q: dict[str, Any], where: str) -> list[int]:
    """Check the ``answer_model`` of a question and return the right options it gives."""
    from hinge_lib.model.kinematics import HOLDS
    from hinge_lib.model.muscle_paths import GROUPS
    from hinge_lib.model.pose import POSE_FIELDS
    from hinge_lib.model.references import reference_positions

    spec = q["answer_model"]
    if q["kind"] not in OPTION_KINDS:
        raise DataFileError(f"{where}, field 'answer_model': a {q['kind']} question cannot "
                            f"take it; allowed for {', '.join(OPTION_KINDS)} questions")
    if not isinstance(spec, dict):
        raise DataFileError(f"{where}, field 'answer_model': {spec!r} is not a mapping with "
                            "rule, pose and the rule's fields")
    rule = spec.get("rule")
    if rule not in ANSWER_RULES:
        raise DataFileError(f"{where}, field 'answer_model.rule': {rule!r} is not one of "
                            f"{', '.join(ANSWER_RULES)}")
    allowed = ("rule", *ANSWER_RULES[rule])
    unknown = sorted(str(k) for k in spec if k not in allowed)
    if unknown:
        raise DataFileError(f"{where}, field 'answer_model': unknown field(s) "
                            f"{', '.join(unknown)} for rule {rule!r}; allowed: "
                            f"{', '.join(allowed)}")
    positions = list(reference_positions().index)
    pose = spec.get("pose")
    start = pose.get("from") if isinstance(pose, dict) else pose
    if not isinstance(pose, (str, dict)) or (start is not None and start not in positions):
        raise DataFileError(f"{where}, field 'answer_model.pose': {pose!r} is not a reference "
                            f"position ({', '.join(positions)}) or a mapping of joint angles "
                            "(with 'from' one of them)")
    angles = [k for k in pose if k != "from"] if isinstance(pose, dict) else []
    if any(k not in POSE_FIELDS for k in angles):
        raise DataFileError(f"{where}, field 'answer_model.pose': {pose!r} names a joint "
                            f"that is not one of {', '.join(POSE_FIELDS)}")
    hold = spec.get("hold", "hands")
    if hold not in HOLDS:
        raise DataFileError(f"{where}, field 'answer_model.hold': {hold!r} is not one of "
                            f"{', '.join(HOLDS)}")
    load = spec.get("load_kg", 0.0)
    if isinstance(load, bool) or not isinstance(load, (int, float)):
        raise DataFileError(f"{where}, field 'answer_model.load_kg': {load!r} is not a number "
                            "of kilograms")
    groups = spec.get("groups")
    n = len(q["options"])
    if not isinstance(groups, list) or len(groups) != n or any(g not in GROUPS for g in groups):
        raise DataFileError(f"{where}, field 'answer_model.groups': {groups!r} must name one "
                            f"muscle group per option ({n}), each one of {', '.join(GROUPS)}")
    try:
        right = model_options(q)
    except (TypeError, ValueError) as err:  # the model names the angle or load and its range
        raise DataFileError(f"{where}, field 'answer_model': {err}") from None
    names = ", ".join(q["options"][i] for i in right) or "none"
    if not right or (q["kind"] != "multi" and len(right) != 1):
        wanted = "at least one" if q["kind"] == "multi" else "exactly one"
        raise DataFileError(f"{where}, field 'answer_model': the model's right options are "
                            f"{names}; a {q['kind']} question needs {wanted}")
    return right


def model_options(q: dict[str, Any]) -> list[int]:
    """The option numbers the model makes right for a question with ``answer_model`` (see
    :data:`ANSWER_RULES`)."""
    from hinge_lib.course.teaching import stretched_groups
    from hinge_lib.model.analysis import analyze

    spec = q["answer_model"]
    analysis = analyze(model_pose(q, "answer_model"), load_kg=float(spec.get("load_kg", 0.0)),
                       hold=spec.get("hold", "hands"))
    return stretched_groups(analysis, spec["groups"])


def _check(q: Any, i: int, seen: set[str]) -> dict[str, Any]:
    entry = f"data/questions.yaml, question {i}"
    check_entry(q, entry, {"id": str}, id_field="id", seen=seen)
    where = f"{entry} ({q['id']!r})"
    if q.get("kind") not in KINDS:
        raise DataFileError(f"{where}, field 'kind': {q.get('kind')!r} is not one of "
                            f"{', '.join(KINDS)}")
    if not re.fullmatch(r"\d\d", str(q.get("notebook", ""))):
        raise DataFileError(f"{where}, field 'notebook': expected two digits such as '04'")
    q["notebook"] = str(q["notebook"])
    required = dict(_REQUIRED[q["kind"]])
    if "answer_model" in q:
        if q.get("answer") is not None:
            raise DataFileError(f"{where}, field 'answer': give either 'answer' (the right "
                                "option numbers) or 'answer_model' (computed by the model), "
                                "not both")
        required.pop("answer", None)
    check_entry(q, entry, required, id_field="id")
    if "answer_model" in q:
        right = _check_answer_model(q, where)
        q["answer"] = right if q["kind"] == "multi" else right[0]
    if q["kind"] in OPTION_KINDS:
        n = len(q["options"])
        if n < 2:
            raise DataFileError(f"{where}, field 'options': needs at least two")
        answers = q["answer"] if q["kind"] == "multi" else [q["answer"]]
        if (q["kind"] == "multi") != isinstance(q["answer"], list) or not all(
                isinstance(a, int) and 0 <= a < n for a in answers):
            wanted = "a list of option numbers" if q["kind"] == "multi" else "one option number"
            raise DataFileError(f"{where}, field 'answer': {q['answer']!r} must be {wanted} "
                                f"from 0 to {n - 1}")
        if q.get("explanations") is not None and len(q["explanations"]) != n:
            raise DataFileError(f"{where}, field 'explanations': {len(q['explanations'])} "
                                f"for {n} options")
    if q["kind"] == "number":
        m = q["model"]
        if not isinstance(m, dict) or m.get("quantity") not in _NUMBER_QUANTITIES:
            raise DataFileError(f"{where}, field 'model': needs a quantity, one of "
                                f"{', '.join(_NUMBER_QUANTITIES)}")
    for field, text in _texts(q):
        bad = _FORBIDDEN.search(text)
        if bad:
            raise DataFileError(f"{where}, field {field!r}: learners would see "
                                f"{bad.group(0)!r} (code, a file path or an internal id)")
    return q


def _check_course_order(bank: list[dict[str, Any]]) -> None:
    """The bank lists its questions notebook by notebook in course order (the dashboard of
    the class app shows them in this order); a DataFileError names the first out of place."""
    for i, (before, q) in enumerate(zip(bank, bank[1:], strict=False), start=2):
        if q["notebook"] < before["notebook"]:
            raise DataFileError(f"data/questions.yaml, question {i} ({q['id']!r}), field "
                                f"'notebook': '{q['notebook']}' after notebook "
                                f"'{before['notebook']}'; the bank lists notebooks in course "
                                "order, so move the question up to its notebook")


@cache
def _bank() -> dict[str, dict[str, Any]]:
    entries = read_entries("questions.yaml", "questions")
    seen: set[str] = set()
    checked = [_check(e, i, seen) for i, e in enumerate(entries, start=1)]
    _check_course_order(checked)
    bank = {q["id"]: q for q in checked}
    for q in bank.values():
        q["prompt_template"] = q["prompt"]
        q["prompt"] = prompt_text(q)
    return bank


def all_questions() -> list[dict[str, Any]]:
    """Every question, in file order (copies)."""
    return [dict(q) for q in _bank().values()]


def get(qid: str) -> dict[str, Any]:
    """One question by id; a ValueError lists the ids of the bank when it is unknown."""
    bank = _bank()
    if qid not in bank:
        raise ValueError(f"no question {qid!r} in the question bank; known: "
                         f"{', '.join(bank)}")
    return dict(bank[qid])


def for_notebook(notebook: str) -> list[dict[str, Any]]:
    """The questions of one notebook ("04" or "04-neutral-spine-and-the-dowel.ipynb")."""
    number = str(notebook)[:2]
    return [q for q in all_questions() if q["notebook"] == number]


def model_pose(q: dict[str, Any], part: str = "model") -> Any:
    """The Pose a number question (``part="model"``), a question answered by the model
    (``"answer_model"``) or a pose task (``"start"``) is about."""
    from hinge_lib.model.pose import Pose
    from hinge_lib.model.references import reference_pose

    spec = q.get("start") if part == "start" else q[part]["pose"]
    if spec is None:
        return Pose()
    if isinstance(spec, str):
        return reference_pose(spec)
    base = reference_pose(spec["from"]) if spec.get("from") else Pose()
    return base.replace(**{k: float(v) for k, v in spec.items() if k != "from"})


def model_answer(q: dict[str, Any], load_kg: float | None = None) -> float:
    """The model's answer to a number question, rounded as the readout shows it (at
    ``load_kg`` instead of the question's load when given)."""
    from hinge_lib.model.analysis import analyze

    m = q["model"]
    kg = float(m.get("load_kg", 0.0)) if load_kg is None else float(load_kg)
    a = analyze(model_pose(q), load_kg=kg, hold=m.get("hold", "hands"))
    return round(float(getattr(a, m["quantity"])), int(m.get("decimals", 0)))


def answer_text(q: dict[str, Any]) -> str:
    """The answer to a choice, multi-select, prediction or number question as text."""
    if q["kind"] in OPTION_KINDS:
        right = q["answer"] if q["kind"] == "multi" else [q["answer"]]
        text = " + ".join(str(q["options"][i]) for i in right)
        return text + ("; computed by the model" if "answer_model" in q else "")
    if q["kind"] == "number":
        unit = f" {q['unit']}" if q.get("unit") else ""
        decimals = int(q["model"].get("decimals", 0))
        return (f"{model_answer(q):.{decimals}f}{unit} (accepts ±{q['tolerance']:g}; "
                "computed by the model)")
    return "any pose the check accepts"


def pattern_stats(bank: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """How guessable the choice questions are: in how many the right option is the strictly
    longest, and how often each position holds the (single) right answer."""
    bank = all_questions() if bank is None else bank
    choice = [q for q in bank if q["kind"] in ("choice", "multi", "predict")]
    longest = 0
    for q in choice:
        lengths = [len(o) for o in q["options"]]
        top = max(lengths)
        right = q["answer"] if q["kind"] == "multi" else [q["answer"]]
        if lengths.count(top) == 1 and lengths.index(top) in right:
            longest += 1
    positions = Counter(q["answer"] for q in choice if q["kind"] != "multi")
    return {"questions": len(choice), "correct_is_longest": longest,
            "single_answer": sum(positions.values()), "positions": dict(sorted(positions.items()))}
