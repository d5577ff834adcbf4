"""Self-check questions and pose tasks for the course notebooks.

Two layers:

* pure grading functions (`grade_choice`, `grade_number`, `check_pose`) that take
  whatever a learner typed or clicked, including nonsense, and return a `Feedback`
  with a kind, specific message;
* widget builders (`choice_question`, `number_question`, `pose_task`) that wrap the
  grading functions in ipywidgets.  ipywidgets is imported inside the builders only,
  so `import hinge_lib.course.selfcheck` stays light.

`GOALS` holds named pose checks.  Each is a function ``Analysis -> (ok, message)``
that decides with the model's own verdicts (``pattern``, ``faults``, ``dowel``,
``balanced``) rather than with thresholds of its own, so the course and the model
never disagree about what counts as a hinge.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

__all__ = [
    "Feedback",
    "GOALS",
    "check_pose",
    "choice_question",
    "grade_choice",
    "grade_number",
    "number_question",
    "parse_number",
    "pose_task",
    "require_defined",
    "feedback_html",
    "predict",
    "question",
    "resolve_goal",
    "task_goal",
    "preset_match",
    "hinge_knee_limit",
]


class Feedback(NamedTuple):
    """The verdict on one answer: ``ok`` and a message written for the learner."""

    ok: bool
    message: str


# --------------------------------------------------------------------------------------
# multiple choice
# --------------------------------------------------------------------------------------


def _as_index(value: Any) -> int | None:
    """Return ``value`` as an option index, or None when it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isfinite(f) and f.is_integer():
            return int(f)
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
        return int(value)
    return None


def _normalise_correct(correct: Any, n_options: int | None) -> tuple[bool, frozenset[int]]:
    """Validate the question author's ``correct``; return (multiple, indices)."""
    multiple = not isinstance(correct, (numbers.Integral, str)) and isinstance(correct, Iterable)
    items = list(correct) if multiple else [correct]
    idx = [_as_index(c) for c in items]
    if not items or any(i is None for i in idx):
        raise ValueError(f"correct must be an option index or a list of indices, got {correct!r}")
    if n_options is not None and any(not 0 <= i < n_options for i in idx):
        raise ValueError(
            f"correct={correct!r} is outside the {n_options} options (0..{n_options - 1})")
    return multiple, frozenset(idx)  # type: ignore[arg-type]


def _explain(explanations: Sequence[str] | None, i: int) -> str:
    if explanations is not None and 0 <= i < len(explanations) and explanations[i]:
        return " " + str(explanations[i])
    return ""


def grade_choice(
    selected: Any,
    correct: int | Sequence[int],
    options: Sequence[str] | None = None,
    explanations: Sequence[str] | None = None,
) -> Feedback:
    """Grade a multiple-choice answer.

    ``selected`` is what the learner chose: an option index (single answer) or a
    collection of indices (several answers); an option's text is accepted too when
    ``options`` is given.  ``correct`` is an index, or a list of indices when more than
    one option is right.  Anything else (None, "", "abc", 3.5, a list for a
    one-answer question, an index out of range) returns a kind ``Feedback(False, ...)``
    that says what to do; it never raises.  ``explanations[i]`` is appended to the
    message for option ``i``.
    """
    n = len(options) if options is not None else None
    multiple, right = _normalise_correct(correct, n)

    def index_of(value: Any) -> int | None:
        if isinstance(value, str) and options is not None:
            text = value.strip().lower()
            for i, opt in enumerate(options):
                if str(opt).strip().lower() == text:
                    return i
        i = _as_index(value)
        if i is None or (n is not None and not 0 <= i < n) or i < 0:
            return None
        return i

    empty = selected is None or (isinstance(selected, str) and not selected.strip())
    if not empty and not isinstance(selected, (str, bytes)) and isinstance(selected, Iterable):
        chosen_raw = list(selected)
        empty = not chosen_raw
    else:
        chosen_raw = [selected]
    if empty:
        return Feedback(False, "Pick an option first, then press Check.")

    if not multiple and len(chosen_raw) > 1:
        return Feedback(False, "This question has one best answer: pick just one option.")

    chosen: list[int] = []
    for raw in chosen_raw:
        i = index_of(raw)
        if i is None:
            return Feedback(
                False, f"{raw!r} is not one of the options: pick one of the choices shown.")
        chosen.append(i)

    if not multiple:
        i = chosen[0]
        if i in right:
            return Feedback(True, "Correct!" + _explain(explanations, i))
        return Feedback(False, "Not quite." + _explain(explanations, i) + " Try again.")

    picked = set(chosen)
    wrong = picked - right
    missing = right - picked
    if not wrong and not missing:
        text = "Correct: you found all of them!"
        for i in sorted(picked):
            text += _explain(explanations, i)
        return Feedback(True, text)
    n = len(options) if options is not None else None
    if n is not None and len(picked) == n:
        return Feedback(False, "Ticking every option is not an answer: tick only the ones you "
                               "think are true, then press Check.")
    # Say how many ticks are wrong or missing, never which: naming the wrong options would
    # let a learner tick everything and untick what the feedback names.
    parts = []
    if wrong:
        parts.append("one of your ticks does not belong" if len(wrong) == 1
                     else f"{len(wrong)} of your ticks do not belong")
    if missing:
        parts.append("one right option is still missing" if len(missing) == 1
                     else f"{len(missing)} right options are still missing")
    return Feedback(False, "Not quite: " + " and ".join(parts) + ". Think again about each "
                           "option and try again.")


# --------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^\s*([-+\u2212]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(.*?)\s*$")
#: Units a learner may type after a number; anything else (``12abc``) is refused.
UNITS = ("", "deg", "degs", "degree", "degrees", "\u00b0", "cm", "mm", "m", "kg", "n m", "nm",
         "n\u00b7m", "n.m", "newton metres", "%", "reps", "rep", "min", "mins", "minutes", "s",
         "sec", "seconds", "in", "inch", "inches", '"', "\u2033")


def _number_parts(text: Any) -> tuple[float, str] | None:
    """(value, number as typed) for one number with an optional known unit, else None."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, numbers.Real):
        f = float(text)
        return (f, f"{f:g}") if math.isfinite(f) else None
    if not isinstance(text, str):
        return None
    m = _NUMBER.match(text)
    if not m or " ".join(m.group(2).lower().split()) not in UNITS:
        return None
    typed = m.group(1).replace(",", ".").replace("\u2212", "-")
    try:
        f = float(typed)
    except ValueError:
        return None
    return (f, typed) if math.isfinite(f) else None


def parse_number(text: Any) -> float | None:
    """Read one number from what a learner typed ("45", " 4,5 ", "45 deg", "12 cm", 45.0).

    Returns None for anything that is not a single finite number with at most a known unit
    after it (None, "", "abc", "12abc", "1 2", True, [45], nan).

    Examples
    --------
    >>> parse_number("4,5 cm"), parse_number("12abc")
    (4.5, None)
    """
    parts = _number_parts(text)
    return None if parts is None else parts[0]


def _fmt(x: float, decimals: int | None = None) -> str:
    if decimals is not None:
        return f"{x:.{decimals}f}"
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.3g}"


#: Wrong tries a number question allows before it shows the answer and its explanation.
MAX_NUMBER_TRIES = 3


def grade_number(
    text: Any,
    answer: float,
    tolerance: float,
    unit: str = "",
    explanation: str = "",
    decimals: int = 0,
    attempt: int = 1,
    max_tries: int = MAX_NUMBER_TRIES,
    hint: str = "",
) -> Feedback:
    """Grade a typed number: right when it is within ``tolerance`` of ``answer`` once both
    are rounded to ``decimals`` places, the precision the course displays.

    A wrong answer never says "too high" or "too low" (that would let a learner home in by
    halving); ``attempt`` counts wrong tries and from ``max_tries`` on the message gives the
    answer and the explanation. Nonsense (None, "", "abc", "12abc", a list) returns a kind
    ``Feedback(False, ...)`` and does not count as a try; it never raises for anything the
    learner types.

    Examples
    --------
    >>> grade_number("15.01", 15, 0).ok
    True
    >>> grade_number("30", 15, 2).message
    'Not quite: 30 is not within 2 of the value. Look again and try once more.'
    """
    if parse_number(answer) is None or parse_number(tolerance) is None or tolerance < 0:
        raise ValueError(f"answer and tolerance must be finite numbers, tolerance >= 0; "
                         f"got answer={answer!r}, tolerance={tolerance!r}")
    if not isinstance(decimals, int) or not 0 <= decimals <= 4:
        raise ValueError(f"decimals must be a whole number from 0 to 4; got {decimals!r}")
    u = f" {unit}" if unit else ""
    if text is None or (isinstance(text, str) and not text.strip()):
        return Feedback(False, f"Type your answer as a number first, e.g. 45{u}.")
    parts = _number_parts(text)
    if parts is None:
        shown = text if isinstance(text, str) else type(text).__name__
        return Feedback(False, f"'{shown}' is not a number I can read: type just one number, "
                               f"e.g. 45{u}, with nothing but a unit after it.")
    value, typed = parts
    extra = f" {explanation}" if explanation else ""
    target = round(float(answer), decimals)
    if abs(round(value, decimals) - target) <= tolerance + 1e-9:
        if round(value, decimals) == target:
            return Feedback(True, f"Correct: {typed}{u}.{extra}")
        return Feedback(True, f"Correct: {typed}{u} is close enough to "
                              f"{_fmt(target, decimals)}{u}.{extra}")
    if attempt >= max_tries:
        return Feedback(False, f"Not quite: the model's value is {_fmt(target, decimals)}{u}."
                               f"{extra}")
    band = f" within {_fmt(tolerance)}{u} of the value" if tolerance else " the value"
    more = f" {hint}" if hint else ""
    return Feedback(False, f"Not quite: {typed}{u} is not{band}.{more} Look again and try "
                           "once more.")


# --------------------------------------------------------------------------------------
# pose goals
# --------------------------------------------------------------------------------------

_SPINE_SLIDER = {"head": "Neck", "upper_back": "Thoracic", "sacrum": "Lumbar"}
_SPINE_FAULTS = ("rounded_lower_back", "arched_lower_back", "rounded_upper_back", "head_up")


def _codes(a: Any) -> set[str]:
    return {f.code for f in a.faults}


def _first_fault_message(a: Any, only: Iterable[str] | None = None) -> str | None:
    allowed = set(only) if only is not None else None
    for f in a.faults:
        if allowed is None or f.code in allowed:
            text = f.message.rstrip()
            if text and text[-1] not in ".!?":
                text += "."
            cue = getattr(f, "cue", "")
            return f"{text} Cue: {cue}" if cue else text
    return None


#: Placeholders each message of data/goal_messages.yaml may use (and the code fills in).
_MESSAGE_FIELDS: dict[str, frozenset[str]] = {
    "balance_front": frozenset({"cm"}),
    "balance_behind": frozenset({"cm"}),
    "hinge_upright": frozenset({"hip"}),
    "hinge_squat": frozenset({"knee", "shin"}),
    "hinge_spine_bend": frozenset(),
    "hinge_other": frozenset({"pattern"}),
    "hinge_ok": frozenset({"hip", "knee", "shin", "inside_cm"}),
    "hinge_knees_deep": frozenset({"knee", "limit"}),
    "hinge_spine": frozenset({"lost", "fix"}),
    "shins_forward": frozenset({"shin"}),
    "shins_ok": frozenset({"shin"}),
    "squat_not": frozenset({"pattern", "knee", "shin"}),
    "squat_ok": frozenset({"knee", "shin", "hip"}),
    "dowel_head": frozenset(),
    "dowel_upper_back": frozenset(),
    "dowel_sacrum": frozenset(),
    "dowel_gap": frozenset({"contact", "gap"}),
    "dowel_fix": frozenset({"sliders"}),
    "dowel_lost": frozenset({"lost", "fix"}),
    "dowel_upright": frozenset(),
    "dowel_ok": frozenset({"hip"}),
    "load_missing": frozenset(),
    "load_ok": frozenset({"load"}),
    "fault_seen": frozenset({"fault", "detail"}),
    "fault_not_seen": frozenset({"fault", "hint"}),
    "fall_move_only_hip": frozenset({"knee", "ankle"}),
    "fall_still_balanced": frozenset({"inside_cm"}),
    "fall_backwards": frozenset({"behind_cm"}),
    "fall_ok": frozenset({"hip", "outside_cm"}),
    "upright_not": frozenset({"pattern"}),
    "upright_ok": frozenset(),
    "task_load": frozenset({"load", "hold", "now_load", "now_hold"}),
    "task_empty_hands": frozenset({"now_load"}),
    "task_preset": frozenset({"preset"}),
}


@cache
def goal_messages() -> dict[str, str]:
    """The pose tasks' words, from data/goal_messages.yaml (checked: every message present,
    each using only the placeholders the code fills in)."""
    import string

    from hinge_lib.model.tables import DataFileError, read_yaml

    where = "data/goal_messages.yaml"
    doc = read_yaml("goal_messages.yaml") or {}
    messages = doc.get("messages") if isinstance(doc, dict) else None
    if not isinstance(messages, dict):
        raise DataFileError(f"{where}: expected a mapping under 'messages'")
    missing = sorted(set(_MESSAGE_FIELDS) - set(messages))
    if missing:
        raise DataFileError(f"{where}: no message for {', '.join(missing)}")
    unknown = sorted(set(messages) - set(_MESSAGE_FIELDS))
    if unknown:
        raise DataFileError(f"{where}: unknown message(s) {', '.join(unknown)}; "
                            f"known: {', '.join(_MESSAGE_FIELDS)}")
    out = {}
    for key, text in messages.items():
        if not isinstance(text, str) or not text.strip():
            raise DataFileError(f"{where}, message {key!r}: must be non-empty text")
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        except ValueError as error:
            raise DataFileError(f"{where}, message {key!r}: {error}") from None
        extra = sorted(used - _MESSAGE_FIELDS[key])
        if extra:
            allowed = ", ".join(sorted(_MESSAGE_FIELDS[key])) or "none"
            raise DataFileError(f"{where}, message {key!r}: unknown placeholder(s) "
                                f"{', '.join(extra)}; allowed: {allowed}")
        out[key] = text
    return out


def _say(key: str, **values: Any) -> str:
    return goal_messages()[key].format(**values)


def _balance_message(a: Any) -> str:
    cm = abs(a.balance_margin_m) * 100
    heel, toe = a.base_of_support
    return _say("balance_front" if a.com_x_m > toe else "balance_behind", cm=cm)


def _goal_hinge(a: Any) -> tuple[bool, str]:
    if a.pattern == "upright":
        return False, _say("hinge_upright", hip=a.pose.hip)
    if a.pattern == "squat":
        return False, _say("hinge_squat", knee=a.pose.knee, shin=a.shin_angle_deg)
    if a.pattern == "spine bend":
        return False, _say("hinge_spine_bend")
    if a.pattern != "hinge":
        return False, _say("hinge_other", pattern=a.pattern)
    if not a.balanced:
        return False, _balance_message(a)
    msg = _first_fault_message(a)
    if msg:
        return False, msg
    limit = hinge_knee_limit()["value"]
    if a.pose.knee > limit:
        return False, _say("hinge_knees_deep", knee=a.pose.knee, limit=limit)
    lost = _dowel_lost(a)
    if lost:
        return False, _say("hinge_spine", lost=lost[0], fix=lost[1])
    return True, _say("hinge_ok", hip=a.pose.hip, knee=a.pose.knee, shin=a.shin_angle_deg,
                      inside_cm=a.balance_margin_m * 100)


def _goal_hinge_vertical_shins(a: Any) -> tuple[bool, str]:
    if "knees_forward" in _codes(a):
        return False, _say("shins_forward", shin=a.shin_angle_deg)
    ok, msg = _goal_hinge(a)
    if ok:
        msg = _say("shins_ok", shin=a.shin_angle_deg) + " " + msg
    return ok, msg


def _goal_squat(a: Any) -> tuple[bool, str]:
    if a.pattern != "squat":
        return False, _say("squat_not", pattern=a.pattern, knee=a.pose.knee,
                           shin=a.shin_angle_deg)
    if not a.balanced:
        return False, _balance_message(a)
    msg = _first_fault_message(a, _SPINE_FAULTS)
    if msg:
        return False, msg
    return True, _say("squat_ok", knee=a.pose.knee, shin=a.shin_angle_deg, hip=a.pose.hip)


def _dowel_lost(a: Any) -> tuple[str, str] | None:
    """(which contacts are lost, with gaps; which sliders to bring back) or None if all hold."""
    lost = [k for k in ("head", "upper_back", "sacrum") if not a.dowel.get(k, False)]
    if not lost:
        return None
    parts = []
    for k in lost:
        gap = a.dowel_gaps_mm.get(k) if hasattr(a, "dowel_gaps_mm") else None
        name = _say(f"dowel_{k}")
        parts.append(name if gap is None else _say("dowel_gap", contact=name, gap=gap))
    # The rod rests on the outermost points of the whole back, so any spine slider can
    # lift any contact: point at the sliders that are away from neutral, largest first.
    off = sorted(((abs(getattr(a.pose, f)), f) for f in ("lumbar", "thoracic", "neck")
                  if abs(getattr(a.pose, f)) >= 0.5), reverse=True)
    if off:
        sliders = " and ".join(f"{f.capitalize()} ({getattr(a.pose, f):+.0f}°)"
                               for _, f in off)
    else:
        sliders = " and ".join(_SPINE_SLIDER[k] for k in lost)
    return " and ".join(parts), _say("dowel_fix", sliders=sliders)


def _goal_dowel(a: Any) -> tuple[bool, str]:
    lost = _dowel_lost(a)
    if lost:
        return False, _say("dowel_lost", lost=lost[0], fix=lost[1])
    if a.pattern == "upright":
        return False, _say("dowel_upright")
    if not a.balanced:
        return False, _balance_message(a)
    msg = _first_fault_message(a)
    if msg:
        return False, msg
    return True, _say("dowel_ok", hip=a.pose.hip)


def _goal_loaded_hinge(a: Any) -> tuple[bool, str]:
    if not a.load_kg or a.load_kg <= 0:
        return False, _say("load_missing")
    ok, msg = _goal_hinge(a)
    if ok:
        msg = _say("load_ok", load=a.load_kg) + " " + msg
    return ok, msg


def _fault_name(code: str) -> str:
    from hinge_lib.model import catalog

    return catalog.fault_name(code).lower()


def _fault_goal(code: str, how: str) -> Callable[[Any], tuple[bool, str]]:
    def goal(a: Any) -> tuple[bool, str]:
        if code in _codes(a):
            detail = _first_fault_message(a, [code]) or ""
            return True, _say("fault_seen", fault=_fault_name(code), detail=detail).strip()
        return False, _say("fault_not_seen", fault=_fault_name(code), hint=how)

    goal.__name__ = f"goal_{code}"
    goal.__doc__ = f"True when the model flags the fault {code!r}."
    return goal


#: Largest knee bend or shin tilt (deg) that still counts as "leave Knee and Ankle at 0".
_AT_ZERO_DEG = 2.0


def _goal_fall_forward(a: Any) -> tuple[bool, str]:
    if abs(a.pose.knee) > _AT_ZERO_DEG or abs(a.pose.ankle) > _AT_ZERO_DEG:
        return False, _say("fall_move_only_hip", knee=a.pose.knee, ankle=a.pose.ankle)
    if a.com_x_m < a.base_of_support[0]:
        return False, _say("fall_backwards", behind_cm=(a.base_of_support[0] - a.com_x_m) * 100)
    if a.balanced or a.com_x_m < a.base_of_support[1]:
        return False, _say("fall_still_balanced", inside_cm=a.balance_margin_m * 100)
    return True, _say("fall_ok", hip=a.pose.hip, outside_cm=abs(a.balance_margin_m) * 100)


def _goal_upright(a: Any) -> tuple[bool, str]:
    if a.pattern != "upright":
        return False, _say("upright_not", pattern=a.pattern)
    return True, _say("upright_ok")


def _fault_goals() -> dict[str, Callable[[Any], tuple[bool, str]]]:
    from hinge_lib.model.tables import check_entry, read_entries

    goals = {}
    seen: set[str] = set()
    for i, e in enumerate(read_entries("lessons.yaml", "fault_goals"), start=1):
        check_entry(e, f"data/lessons.yaml, fault_goals entry {i}",
                    {"goal": str, "fault": str, "hint": str}, id_field="goal", seen=seen)
        goals[e["goal"]] = _fault_goal(e["fault"], e["hint"])
    return goals


@cache
def hinge_knee_limit() -> dict[str, Any]:
    """The largest knee flexion (deg) a hinge task accepts, with where it comes from:
    ``{"value", "position", "sources", "why"}`` (data/lessons.yaml, ``hinge_knee_limit``,
    reading ``knee_max`` of a row of data/reference_positions.csv)."""
    from hinge_lib.model.references import reference_positions
    from hinge_lib.model.tables import DataFileError, check_entry, read_yaml

    where = "data/lessons.yaml, hinge_knee_limit"
    entry = (read_yaml("lessons.yaml") or {}).get("hinge_knee_limit")
    check_entry(entry, where, {"position": str, "why": str})
    table = reference_positions()
    if entry["position"] not in table.index:
        raise DataFileError(f"{where}, field 'position': {entry['position']!r} is not a "
                            f"reference position; known: {', '.join(table.index)}")
    row = table.loc[entry["position"]]
    return {"value": float(row["knee_max"]), "position": str(row["name"]),
            "sources": tuple(str(row["source"]).split(";")), "why": " ".join(entry["why"].split())}


GOALS: dict[str, Callable[[Any], tuple[bool, str]]] = {
    "upright": _goal_upright,
    "hinge": _goal_hinge,
    "hinge_vertical_shins": _goal_hinge_vertical_shins,
    "squat": _goal_squat,
    "dowel_three_contacts": _goal_dowel,
    "balanced_hinge_with_load": _goal_loaded_hinge,
    "fall_forward": _goal_fall_forward,
    **_fault_goals(),
}

def resolve_goal(goal: str | Callable[[Any], Any], **args: Any) -> Callable[[Any], Any]:
    """The goal function for a key of GOALS, a parameterised goal or a callable.

    Parameterised goals: ``"wall_touch"`` (``distance_in``: heel-to-wall distance in inches)
    and ``"checklist"`` (every assessment checklist item passes).
    """
    if callable(goal):
        return goal
    if goal == "wall_touch":
        from hinge_lib.course import lessons

        return lessons.wall_touch_goal(float(args["distance_in"]) * lessons.INCH_M)
    if goal == "checklist":
        from hinge_lib.course import lessons

        return lessons.checklist_goal
    if isinstance(goal, str) and goal in GOALS:
        return GOALS[goal]
    raise ValueError(f"goal {goal!r} is not one of {sorted([*GOALS, 'checklist', 'wall_touch'])}")


#: Largest difference (deg) in every one of the six joint angles at which a pose still counts
#: as a preset's pose. Presets are there to compare with; a task is solved with the sliders.
PRESET_MATCH_DEG = 1.0


def preset_match(pose: Any, allowed: Iterable[str] = ()) -> str | None:
    """The name of the reference position (Preset menu) whose angles all lie within
    :data:`PRESET_MATCH_DEG` of ``pose``, or None. Keys in ``allowed`` are skipped."""
    from hinge_lib.model.pose import POSE_FIELDS
    from hinge_lib.model.references import reference_pose, reference_positions

    skip = set(allowed)
    table = reference_positions()
    for key in table.index:
        if key in skip:
            continue
        ref = reference_pose(key)
        if all(abs(getattr(pose, f) - getattr(ref, f)) <= PRESET_MATCH_DEG for f in POSE_FIELDS):
            return str(table.loc[key, "name"])
    return None


def task_goal(q: Mapping[str, Any]) -> Callable[[Any], tuple[bool, str]]:
    """The whole check of a pose task of the question bank: its goal, plus what the prompt
    states besides (the load and the hold), plus "built with the sliders": a pose within
    :data:`PRESET_MATCH_DEG` of a preset's pose fails unless the task lists that preset under
    ``presets_allowed``."""
    base = resolve_goal(q["goal"], **(q.get("goal_args") or {}))
    load = float(q.get("load_kg", 0.0))
    hold = str(q.get("hold", "hands"))
    allowed = tuple(q.get("presets_allowed") or ())

    def goal(a: Any) -> tuple[bool, str]:
        if load == 0 and a.load_kg > 0.5:
            return False, _say("task_empty_hands", now_load=a.load_kg)
        if load > 0 and (abs(a.load_kg - load) > 0.5 or a.hold != hold):
            from hinge_lib.view.wording import hold_words

            return False, _say("task_load", load=load, hold=hold_words(hold, "in_words"),
                               now_load=a.load_kg, now_hold=hold_words(a.hold, "in_words"))
        name = preset_match(a.pose, allowed)
        if name:
            return False, _say("task_preset", preset=name)
        result = base(a)
        return result if isinstance(result, tuple) else (bool(result), "")

    goal.__name__ = f"task_{q.get('id', 'goal')}"
    return goal


def check_pose(goal: str | Callable[[Any], Any], analysis: Any) -> Feedback:
    """Check an Analysis against a goal (a key of GOALS or a callable) -> Feedback."""
    if not isinstance(goal, str) and not callable(goal):
        raise ValueError(f"goal must be a key of GOALS or a callable, got {goal!r}")
    fn = resolve_goal(goal)
    if analysis is None:
        return Feedback(False, "There is no pose to check yet: move a slider first.")
    result = fn(analysis)
    ok, message = result if isinstance(result, tuple) else (bool(result), "")
    return Feedback(bool(ok), str(message))


# --------------------------------------------------------------------------------------
# out-of-order cells
# --------------------------------------------------------------------------------------


def require_defined(namespace: Mapping[str, Any], name: str, hint: str) -> Any:
    """Return ``namespace[name]`` or raise NameError saying which cell to run first.

    Use in a notebook cell that needs a variable from an earlier cell:
    ``rdl = require_defined(globals(), "rdl", "the cell under 'Load the Romanian deadlift'")``
    """
    if name in namespace:
        return namespace[name]
    raise NameError(f"'{name}' is not defined yet: run {hint} first, then run this cell again.")


# --------------------------------------------------------------------------------------
# widgets (ipywidgets imported here only)
# --------------------------------------------------------------------------------------


def feedback_html(fb: Feedback) -> str:
    """HTML for one Feedback: a symbol and a colour, so colour is never the only cue."""
    from hinge_lib.view.messages import message_box

    return message_box(fb.message, "good" if fb.ok else "bad", css_class="hinge-feedback")


def _layout_parts(question: str):
    import ipywidgets as w

    return w, w.HTML(f"<b>{html.escape(question)}</b>"), w.HTML(""), w.Button(
        description="Check", button_style="primary", icon="check",
        tooltip="Check my answer")


def _clear(feedback: Any) -> Callable[..., None]:
    """An observer that empties ``feedback``: a verdict belongs to the answer it judged."""

    def clear(_change: Any = None) -> None:
        feedback.value = ""

    return clear


def multi_hint(prompt: str) -> str:
    """The hint a several-answer question adds after its prompt, "(tick all that apply)",
    or "" when the prompt already says how many to tick."""
    return "" if "(tick" in prompt.lower() else "(tick all that apply)"


def choice_question(
    question: str,
    options: Sequence[str],
    correct: int | Sequence[int],
    explanations: Sequence[str] | None = None,
):
    """A multiple-choice widget: radio buttons (one answer) or checkboxes (``correct``
    a list), a Check button and a feedback line.  The learner can try again as often
    as they like; the feedback clears as soon as the choice changes.  The returned VBox
    has ``.check()`` (grades the current choice and returns the Feedback),
    ``.select(value)`` and ``.feedback``.
    """
    options = [str(o) for o in options]
    if len(options) < 2:
        raise ValueError("a multiple-choice question needs at least two options")
    if explanations is not None and len(explanations) != len(options):
        raise ValueError(f"explanations has {len(explanations)} entries for {len(options)} options")
    multiple, _ = _normalise_correct(correct, len(options))
    if multiple and multi_hint(question):
        question = f"{question} {multi_hint(question)}"
    w, title, feedback, button = _layout_parts(question)

    if multiple:
        boxes = [w.Checkbox(value=False, description=o, indent=False,
                            layout=w.Layout(width="auto")) for o in options]
        chooser = w.VBox(boxes)
        for b in boxes:
            b.observe(_clear(feedback), names="value")

        def current():
            return [i for i, b in enumerate(boxes) if b.value]

        def select(value):
            vals = set(value if isinstance(value, Iterable) and not isinstance(value, str)
                       else [value])
            for i, b in enumerate(boxes):
                b.value = i in vals
    else:
        chooser = w.RadioButtons(options=[(o, i) for i, o in enumerate(options)], value=None,
                                 layout=w.Layout(width="auto"))
        chooser.observe(_clear(feedback), names="value")

        def current():
            return chooser.value

        def select(value):
            chooser.value = value

    def check(_=None) -> Feedback:
        fb = grade_choice(current(), correct, options, explanations)
        feedback.value = feedback_html(fb)
        return fb

    button.on_click(check)
    box = w.VBox([title, chooser, button, feedback], layout=w.Layout(margin="8px 0"))
    box.add_class("hinge-selfcheck")
    box.check, box.select, box.feedback, box.chooser = check, select, feedback, chooser
    return box


def number_question(
    question: str,
    answer: float,
    tolerance: float,
    unit: str = "",
    explanation: str = "",
    decimals: int = 0,
    hint: str = "",
    max_tries: int = MAX_NUMBER_TRIES,
):
    """A typed-number widget with a Check button (Enter works too) and feedback.

    Wrong tries are counted; after ``max_tries`` of them the answer and the explanation are
    shown (see :func:`grade_number`). The feedback clears while the learner types. The
    returned VBox has ``.check()``, ``.text`` (the Text widget) and ``.feedback``.
    """
    grade_number(answer, answer, tolerance, decimals=decimals)  # validates the author's input
    w, title, feedback, button = _layout_parts(question)
    text = w.Text(placeholder=f"a number{' in ' + unit if unit else ''}",
                  layout=w.Layout(width="14em"))
    label = w.Label(unit)
    wrong = {"tries": 0}

    def check(_=None) -> Feedback:
        fb = grade_number(text.value, answer, tolerance, unit, explanation, decimals,
                          attempt=wrong["tries"] + 1, max_tries=max_tries, hint=hint)
        if not fb.ok and parse_number(text.value) is not None:
            wrong["tries"] += 1
        feedback.value = feedback_html(fb)
        return fb

    button.on_click(check)
    text.continuous_update = False
    text.observe(lambda change: check() if change["new"].strip() else _clear(feedback)(),
                 names="value")
    box = w.VBox([title, w.HBox([text, label, button]), feedback],
                 layout=w.Layout(margin="8px 0"))
    box.add_class("hinge-selfcheck")
    box.check, box.text, box.feedback = check, text, feedback
    return box


def pose_task(
    prompt: str,
    goal: str | Callable[[Any], Any],
    start: Any = None,
    **explore_kwargs: Any,
):
    """An explorer plus a "Check my pose" button that grades the explorer's pose.

    ``goal`` is a key of GOALS or a callable ``Analysis -> (ok, message)``; ``start``
    is the Pose the explorer opens with; other keyword arguments go to
    ``hinge_lib.explore`` (body, load_kg, hold, presenter).  The feedback clears whenever
    a slider, the load, the hold, the body or Reset changes the pose.  The returned VBox
    has ``.check()``, ``.explorer`` and ``.feedback``.
    """
    fn = resolve_goal(goal) if isinstance(goal, str) else goal
    if not callable(fn):
        raise ValueError(f"goal must be a key of GOALS or a callable, got {goal!r}")
    from hinge_lib.widgets.explorer import explore

    w, title, feedback, _ = _layout_parts(prompt)
    button = w.Button(description="Check my pose", button_style="primary", icon="check",
                      layout=w.Layout(width="auto"))
    explorer = explore(pose=start, **explore_kwargs)
    for control in (*explorer.sliders.values(), explorer.load, explorer.hold, explorer.height,
                    explorer.mass, explorer.sex):
        control.observe(_clear(feedback), names="value")
    explorer.reset.on_click(_clear(feedback))

    def check(_=None) -> Feedback:
        fb = check_pose(fn, getattr(explorer, "analysis", None))
        feedback.value = feedback_html(fb)
        return fb

    button.on_click(check)
    box = w.VBox([title, explorer, button, feedback], layout=w.Layout(margin="8px 0"))
    box.add_class("hinge-selfcheck")
    box.check, box.explorer, box.feedback = check, explorer, feedback
    return box


def predict(
    question: str,
    options: Sequence[str],
    correct: int,
    explanation: str,
    reveal: Any = None,
):
    """Predict, then reveal: the learner commits to a guess, then the model shows the answer.

    Until "Commit my guess" is pressed, ``reveal`` (a widget, a figure or anything Jupyter can
    display) stays hidden; after it, the choice is locked, ``reveal`` appears with
    ``explanation``, and the learner learns whether the guess matched. "Guess again" unlocks
    the choice and hides the reveal. The returned VBox has ``.commit()``, ``.again()``,
    ``.select(i)``, ``.feedback`` and ``.shown`` (the reveal area).
    """
    options = [str(o) for o in options]
    _normalise_correct(correct, len(options))
    import ipywidgets as w
    from IPython.display import display

    title = w.HTML(f"<b>Predict first.</b> {html.escape(question)}")
    chooser = w.RadioButtons(options=[(o, i) for i, o in enumerate(options)], value=None,
                             layout=w.Layout(width="auto"))
    commit = w.Button(description="Commit my guess", button_style="primary", icon="lock")
    again = w.Button(description="Guess again", icon="undo")
    feedback = w.HTML("")
    shown = w.VBox([])
    if isinstance(reveal, w.Widget):
        reveal_widget = reveal
    else:
        reveal_widget = w.Output()
        if reveal is not None:
            with reveal_widget:
                display(reveal)

    def do_commit(_=None) -> Feedback:
        if chooser.value is None:
            fb = Feedback(False, "Pick your guess first, then commit to it.")
            feedback.value = feedback_html(fb)
            return fb
        chooser.disabled = True
        matched = chooser.value == correct
        lead = ("Your guess matches the model." if matched else
                f"The model says otherwise: {options[correct]}.")
        fb = Feedback(matched, f"{lead} {explanation}")
        feedback.value = feedback_html(fb)
        shown.children = [reveal_widget] if reveal is not None else []
        return fb

    def do_again(_=None) -> None:
        chooser.disabled = False
        chooser.value = None
        feedback.value = ""
        shown.children = []

    commit.on_click(do_commit)
    again.on_click(do_again)
    chooser.observe(_clear(feedback), names="value")
    box = w.VBox([title, chooser, w.HBox([commit, again]), feedback, shown],
                 layout=w.Layout(margin="8px 0"))
    box.add_class("hinge-selfcheck")

    def select(i):
        chooser.value = i

    box.commit, box.again, box.select, box.feedback, box.shown = (do_commit, do_again, select,
                                                                  feedback, shown)
    return box


def question(qid: str, reveal: Any = None, **explore_kwargs: Any):
    """The self-check ``qid`` of the question bank (``data/questions.yaml``) as a widget.

    Choice and multi-select questions become :func:`choice_question`; number questions
    :func:`number_question` (their answer computed by the model, with an explorer opened on
    the pose the question is about); pose tasks :func:`pose_task`; predictions
    :func:`predict`, showing ``reveal`` once the learner has committed.
    """
    from hinge_lib.course import questions

    q = questions.get(qid)
    kind = q["kind"]
    if kind in ("choice", "multi"):
        return choice_question(q["prompt"], q["options"], q["answer"], q.get("explanations"))
    if kind == "predict":
        return predict(q["prompt"], q["options"], q["answer"], q["explanation"], reveal)
    if kind == "number":
        import ipywidgets as w

        from hinge_lib.widgets.explorer import explore

        m = q["model"]
        widget = number_question(q["prompt"], questions.model_answer(q), q["tolerance"],
                                 q.get("unit", ""), q["explanation"], m.get("decimals", 0),
                                 q.get("hint", ""))
        if not q.get("explorer", True):
            return widget
        start = questions.model_pose(q)
        explorer = explore(start, load_kg=float(q.get("start_load_kg", m.get("load_kg", 0.0))),
                           hold=m.get("hold", "hands"), **explore_kwargs)
        box = w.VBox([widget, explorer])
        box.check, box.text, box.feedback, box.explorer = (widget.check, widget.text,
                                                           widget.feedback, explorer)
        return box
    # pose task
    start = questions.model_pose(q, "start") if q.get("start") is not None else None
    return pose_task(q["prompt"], task_goal(q), start=start, load_kg=q.get("load_kg", 0.0),
                     hold=q.get("hold", "hands"), **explore_kwargs)


def ready_to_teach(task_ids: Sequence[str]):
    """A set of tasks from the question bank with an "Am I ready to teach?" button.

    The verdict is earned by doing: it checks every task's current answer (poses built in the
    explorers, numbers read from the model) and says "ready" only when all of them pass,
    otherwise which task to finish next. The returned VBox has ``.verdict()`` (returns a
    Feedback), ``.tasks`` and ``.feedback``.
    """
    import ipywidgets as w

    from hinge_lib.course import questions

    prompts = [questions.get(t)["prompt"] for t in task_ids]
    tasks = [question(t) for t in task_ids]
    button = w.Button(description="Am I ready to teach?", button_style="success",
                      icon="graduation-cap", layout=w.Layout(width="auto"))
    feedback = w.HTML("")

    def verdict(_=None) -> Feedback:
        results = [t.check() for t in tasks]
        done = sum(r.ok for r in results)
        if done == len(tasks):
            fb = Feedback(True, f"Ready to teach: all {len(tasks)} tasks pass. Take the lesson "
                                "plan of notebook 08 to a real learner, and keep coaching "
                                "what you see, not the model.")
        else:
            first = next(i for i, r in enumerate(results) if not r.ok)
            fb = Feedback(False, f"Not yet: {done} of {len(tasks)} tasks pass. Finish task "
                                 f"{first + 1} first ({' '.join(prompts[first].split())[:90]}...).")
        feedback.value = feedback_html(fb)
        return fb

    button.on_click(verdict)
    heads = [w.HTML(f"<h4>Task {i + 1}</h4>") for i in range(len(tasks))]
    children = [c for pair in zip(heads, tasks, strict=True) for c in pair]
    box = w.VBox([*children, button, feedback], layout=w.Layout(margin="8px 0"))
    box.add_class("hinge-selfcheck")
    box.verdict, box.tasks, box.feedback = verdict, tasks, feedback
    return box
