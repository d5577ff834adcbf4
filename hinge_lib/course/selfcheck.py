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
    wrong = sorted(picked - right)
    missing = right - picked
    if not wrong and not missing:
        text = "Correct: you found all of them!"
        for i in sorted(picked):
            text += _explain(explanations, i)
        return Feedback(True, text)
    parts = []
    for i in wrong:
        label = f"'{options[i]}'" if options is not None else f"option {i}"
        parts.append(f"{label} does not belong.{_explain(explanations, i)}")
    found = len(picked & right)
    parts.append(f"You have {found} of the {len(right)} right options; "
                 f"{'one more is' if len(missing) == 1 else 'some more are'} missing."
                 if missing else "")
    text = "Not quite. " + " ".join(p for p in parts if p) + " Try again."
    return Feedback(False, text)


# --------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^\s*([-+\u2212]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(.*?)\s*$")
_UNIT_TAIL = re.compile(r"^[A-Za-z\u00b0\u00b5%/·.\s\"'\u2033]*$")


def parse_number(text: Any) -> float | None:
    """Read one number from what a learner typed ("45", " 4,5 ", "45 deg", "12 cm", 45.0).

    Returns None for anything that is not a single finite number (None, "", "abc",
    "1 2", True, [45], nan).  A trailing unit made of letters or symbols is ignored.
    """
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, numbers.Real):
        f = float(text)
        return f if math.isfinite(f) else None
    if not isinstance(text, str):
        return None
    m = _NUMBER.match(text)
    if not m or not _UNIT_TAIL.match(m.group(2)):
        return None
    try:
        f = float(m.group(1).replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def _fmt(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.3g}"


def grade_number(
    text: Any,
    answer: float,
    tolerance: float,
    unit: str = "",
    explanation: str = "",
) -> Feedback:
    """Grade a typed number: right when ``|value - answer| <= tolerance``.

    Nonsense (None, "", "abc", a list) returns ``Feedback(False, ...)`` asking kindly
    for a number; it never raises for anything the learner types.
    """
    if parse_number(answer) is None or parse_number(tolerance) is None or tolerance < 0:
        raise ValueError(f"answer and tolerance must be finite numbers, tolerance >= 0; "
                         f"got answer={answer!r}, tolerance={tolerance!r}")
    u = f" {unit}" if unit else ""
    if text is None or (isinstance(text, str) and not text.strip()):
        return Feedback(False, f"Type your answer as a number first, e.g. 45{u}.")
    value = parse_number(text)
    if value is None:
        return Feedback(False, f"{text!r} is not a number I can read: type just one number, "
                               f"e.g. 45{u}.")
    extra = f" {explanation}" if explanation else ""
    if abs(value - answer) <= tolerance:
        if value == answer:
            return Feedback(True, f"Correct: {_fmt(answer)}{u}.{extra}")
        return Feedback(True, f"Correct: {_fmt(value)}{u} is close enough to "
                              f"{_fmt(answer)}{u}.{extra}")
    hint = "too high" if value > answer else "too low"
    return Feedback(False, f"{_fmt(value)}{u} is {hint}. Try again.")


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


def _balance_message(a: Any) -> str:
    cm = abs(a.balance_margin_m) * 100
    heel, toe = a.base_of_support
    side = "in front of your toes" if a.com_x_m > toe else "behind your heels"
    fix = ("send the hips further back (more Hip, a little Knee) or bend less"
           if a.com_x_m > toe else "bring the hips forward or lean the trunk further forward")
    return (f"Your centre of mass is {cm:.0f} cm {side}, so you would fall: {fix}.")


def _goal_hinge(a: Any) -> tuple[bool, str]:
    if a.pattern == "upright":
        return False, (f"You are still close to upright (hip flexion {a.pose.hip:.0f}°): "
                       "raise Hip to fold forward at the hips.")
    if a.pattern == "squat":
        return False, (f"The model sees a squat: knees {a.pose.knee:.0f}°, "
                       f"shins {a.shin_angle_deg:.0f}°. Straighten the knees towards 'soft', "
                       "bring the shins back towards vertical and let the hips do the bending.")
    if not a.balanced:
        return False, _balance_message(a)
    msg = _first_fault_message(a)
    if msg:
        return False, msg
    return True, (f"A clean hinge: hip {a.pose.hip:.0f}°, knees {a.pose.knee:.0f}°, "
                  f"shins {a.shin_angle_deg:.0f}°, spine neutral, balanced "
                  f"({a.balance_margin_m * 100:.0f} cm inside the feet). Well done!")


def _goal_hinge_vertical_shins(a: Any) -> tuple[bool, str]:
    if "knees_forward" in _codes(a):
        return False, (f"Your shins tilt {a.shin_angle_deg:.0f}° forward; in a hinge they stay "
                       "close to vertical: reduce Ankle.")
    ok, msg = _goal_hinge(a)
    if ok:
        msg = f"Shins near vertical ({a.shin_angle_deg:.0f}°) and the hips doing the work. " + msg
    return ok, msg


def _goal_squat(a: Any) -> tuple[bool, str]:
    if a.pattern != "squat":
        return False, (f"The model sees '{a.pattern}': a squat bends hips, knees and ankles "
                       f"together. Knees are at {a.pose.knee:.0f}° and shins at "
                       f"{a.shin_angle_deg:.0f}°: raise Knee and Ankle as well as Hip.")
    if not a.balanced:
        return False, _balance_message(a)
    msg = _first_fault_message(a, _SPINE_FAULTS)
    if msg:
        return False, msg
    return True, (f"A squat: knees {a.pose.knee:.0f}°, shins {a.shin_angle_deg:.0f}°, "
                  f"hips {a.pose.hip:.0f}°, balanced. Notice how far the knees travel forward.")


def _goal_dowel(a: Any) -> tuple[bool, str]:
    lost = [k for k in ("head", "upper_back", "sacrum") if not a.dowel.get(k, False)]
    if lost:
        names = {"head": "the back of the head", "upper_back": "the upper back",
                 "sacrum": "the sacrum"}
        parts = []
        for k in lost:
            gap = a.dowel_gaps_mm.get(k) if hasattr(a, "dowel_gaps_mm") else None
            gap_txt = f" ({gap:.0f} mm gap)" if gap is not None else ""
            parts.append(f"{names[k]}{gap_txt}")
        # The rod rests on the outermost points of the whole back, so any spine slider can
        # lift any contact: point at the sliders that are away from neutral, largest first.
        off = sorted(((abs(getattr(a.pose, f)), f) for f in ("lumbar", "thoracic", "neck")
                      if abs(getattr(a.pose, f)) >= 0.5), reverse=True)
        if off:
            names_off = " and ".join(f"{f.capitalize()} ({getattr(a.pose, f):+.0f}°)"
                                     for _, f in off)
            fix = f"bring {names_off} back towards 0"
        else:
            fix = "bring " + " and ".join(_SPINE_SLIDER[k] for k in lost) + " back towards 0"
        return False, f"The dowel has lost {' and '.join(parts)}: {fix}. Try again."
    if a.pattern == "upright":
        return False, ("All three contacts hold, but you are standing tall. Now keep them "
                       "while you raise Hip into a hinge.")
    if not a.balanced:
        return False, _balance_message(a)
    return True, (f"All three contacts hold (head, upper back, sacrum) at {a.pose.hip:.0f}° "
                  "of hip flexion: the spine stays neutral while the hips bend.")


def _goal_loaded_hinge(a: Any) -> tuple[bool, str]:
    if not a.load_kg or a.load_kg <= 0:
        return False, "Add a load first (the Load slider), then find a balanced hinge."
    ok, msg = _goal_hinge(a)
    if ok:
        msg = f"Balanced with {a.load_kg:.0f} kg in the hands. " + msg
    return ok, msg


def _fault_goal(code: str, what: str, how: str) -> Callable[[Any], tuple[bool, str]]:
    def goal(a: Any) -> tuple[bool, str]:
        if code in _codes(a):
            detail = _first_fault_message(a, [code]) or ""
            return True, f"Yes: the model flags '{code}'. {detail}".strip()
        return False, f"Not yet: {what} is not flagged. {how}"

    goal.__name__ = f"goal_{code}"
    goal.__doc__ = f"True when the model flags the fault {code!r}."
    return goal


def _goal_fall_forward(a: Any) -> tuple[bool, str]:
    if a.balanced:
        return False, (f"You are still balanced ({a.balance_margin_m * 100:.0f} cm inside the "
                       "feet). Fold forward at the hips while keeping the hips over the "
                       "ankles (Knee and Ankle at 0) until the centre of mass leaves the feet.")
    return True, ("Yes: the centre of mass is outside the feet, so this pose cannot be held "
                  "still. " + _balance_message(a))


def _goal_upright(a: Any) -> tuple[bool, str]:
    if a.pattern != "upright":
        return False, f"The model sees '{a.pattern}': bring Hip, Knee and Ankle back towards 0."
    return True, "Standing tall: the start and finish of every hinge."


GOALS: dict[str, Callable[[Any], tuple[bool, str]]] = {
    "upright": _goal_upright,
    "hinge": _goal_hinge,
    "hinge_vertical_shins": _goal_hinge_vertical_shins,
    "squat": _goal_squat,
    "dowel_three_contacts": _goal_dowel,
    "balanced_hinge_with_load": _goal_loaded_hinge,
    "fall_forward": _goal_fall_forward,
    "round_lower_back": _fault_goal(
        "rounded_lower_back", "a rounded lower back", "Raise Lumbar (+ rounds the lower back)."),
    "arch_lower_back": _fault_goal(
        "arched_lower_back", "an arched lower back", "Lower Lumbar below 0 (- arches)."),
    "round_upper_back": _fault_goal(
        "rounded_upper_back", "a rounded upper back", "Raise Thoracic (+ rounds)."),
    "head_up": _fault_goal(
        "head_up", "a head cranked up", "Lower Neck below 0 (- looks up)."),
    "knees_forward": _fault_goal(
        "knees_forward", "knees drifting forward", "Raise Ankle so the shins tilt forward."),
}


def check_pose(goal: str | Callable[[Any], Any], analysis: Any) -> Feedback:
    """Check an Analysis against a goal (a key of GOALS or a callable) -> Feedback."""
    if isinstance(goal, str):
        if goal not in GOALS:
            raise ValueError(f"goal {goal!r} is not one of {sorted(GOALS)}")
        fn = GOALS[goal]
    elif callable(goal):
        fn = goal
    else:
        raise ValueError(f"goal must be a key of GOALS or a callable, got {goal!r}")
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


def choice_question(
    question: str,
    options: Sequence[str],
    correct: int | Sequence[int],
    explanations: Sequence[str] | None = None,
):
    """A multiple-choice widget: radio buttons (one answer) or checkboxes (``correct``
    a list), a Check button and a feedback line.  The learner can try again as often
    as they like.  The returned VBox has ``.check()`` (grades the current choice and
    returns the Feedback), ``.select(value)`` and ``.feedback``.
    """
    options = [str(o) for o in options]
    if len(options) < 2:
        raise ValueError("a multiple-choice question needs at least two options")
    if explanations is not None and len(explanations) != len(options):
        raise ValueError(f"explanations has {len(explanations)} entries for {len(options)} options")
    multiple, _ = _normalise_correct(correct, len(options))
    w, title, feedback, button = _layout_parts(question)

    if multiple:
        boxes = [w.Checkbox(value=False, description=o, indent=False,
                            layout=w.Layout(width="auto")) for o in options]
        chooser = w.VBox(boxes)

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
):
    """A typed-number widget with a Check button (Enter works too) and feedback.

    The returned VBox has ``.check()``, ``.text`` (the Text widget) and ``.feedback``.
    """
    grade_number(answer, answer, tolerance)  # validates answer and tolerance
    w, title, feedback, button = _layout_parts(question)
    text = w.Text(placeholder=f"a number{' in ' + unit if unit else ''}",
                  layout=w.Layout(width="14em"))
    label = w.Label(unit)

    def check(_=None) -> Feedback:
        fb = grade_number(text.value, answer, tolerance, unit, explanation)
        feedback.value = feedback_html(fb)
        return fb

    button.on_click(check)
    text.continuous_update = False
    text.observe(lambda change: check() if change["new"].strip() else None, names="value")
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
    ``hinge_lib.explore`` (body, load_kg, hold, presenter).  The returned VBox has
    ``.check()``, ``.explorer`` and ``.feedback``.
    """
    if isinstance(goal, str) and goal not in GOALS:
        raise ValueError(f"goal {goal!r} is not one of {sorted(GOALS)}")
    if not isinstance(goal, str) and not callable(goal):
        raise ValueError(f"goal must be a key of GOALS or a callable, got {goal!r}")
    from hinge_lib.widgets.explorer import explore

    w, title, feedback, _ = _layout_parts(prompt)
    button = w.Button(description="Check my pose", button_style="primary", icon="check",
                      layout=w.Layout(width="auto"))
    explorer = explore(pose=start, **explore_kwargs)

    def check(_=None) -> Feedback:
        fb = check_pose(goal, getattr(explorer, "analysis", None))
        feedback.value = feedback_html(fb)
        return fb

    button.on_click(check)
    box = w.VBox([title, explorer, button, feedback], layout=w.Layout(margin="8px 0"))
    box.add_class("hinge-selfcheck")
    box.check, box.explorer, box.feedback = check, explorer, feedback
    return box
