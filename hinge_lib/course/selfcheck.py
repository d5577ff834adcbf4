"""Self-check questions and pose tasks for the course notebooks.

Two layers:

* pure grading functions (`grade_choice`, `grade_number`, `check_pose`) that take
  whatever a learner typed or clicked, including nonsense, and return a `Feedback`
  with a kind, specific message;
* widget builders (`choice_question`, `number_question`, `pose_task`) that wrap the
  grading functions in ipywidgets.  ipywidgets is imported inside the builders only,
  so `import hinge_lib.course.selfcheck` stays light.

`GOALS` (from :mod:`hinge_lib.course.goals`) holds named pose checks.  Each is a function
``Analysis -> (ok, message)`` that decides with the model's own verdicts (``pattern``,
``faults``, ``dowel``, ``balanced``) rather than with thresholds of its own, so the course and
the model never disagree about what counts as a hinge.
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

# The goals themselves live in hinge_lib.course.goals; they are re-exported here, where the
# notebooks and the instructor guide look for them.
from hinge_lib.course.goals import (  # noqa: E402
    _SPINE_FAULTS,  # noqa: F401 - used by the tests of the squat goal
    GOALS,
    PRESET_MATCH_DEG,  # noqa: F401
    goal_messages,  # noqa: F401
    hinge_knee_limit,  # noqa: F401
    preset_match,  # noqa: F401
    resolve_goal,
    task_goal,
)


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
    on_check: Callable[[Feedback], Any] | None = None,
):
    """A multiple-choice widget: radio buttons (one answer) or checkboxes (``correct``
    a list), a Check button and a feedback line.  The learner can try again as often
    as they like; the feedback clears as soon as the choice changes.  The returned VBox
    has ``.check()`` (grades the current choice and returns the Feedback),
    ``.select(value)``, ``.current()`` and ``.feedback``; ``on_check(feedback)`` is called
    after each check.
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
        if on_check is not None:
            on_check(fb)
        return fb

    button.on_click(check)
    box = w.VBox([title, chooser, button, feedback], layout=w.Layout(margin="8px 0"))
    box.add_class("hinge-selfcheck")
    box.check, box.select, box.feedback, box.chooser = check, select, feedback, chooser
    box.current = current
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
    on_check: Callable[[Feedback], Any] | None = None,
):
    """A typed-number widget with a Check button (Enter works too) and feedback.

    Wrong tries are counted; after ``max_tries`` of them the answer and the explanation are
    shown (see :func:`grade_number`). The feedback clears while the learner types. The
    returned VBox has ``.check()``, ``.text`` (the Text widget) and ``.feedback``;
    ``on_check(feedback)`` is called after each check of a typed answer.
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
        if on_check is not None and text.value.strip():
            on_check(fb)
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
    on_check: Callable[[Feedback], Any] | None = None,
    **explore_kwargs: Any,
):
    """An explorer plus a "Check my pose" button that grades the explorer's pose.

    ``goal`` is a key of GOALS or a callable ``Analysis -> (ok, message)``; ``start``
    is the Pose the explorer opens with; other keyword arguments go to
    ``hinge_lib.explore`` (body, load_kg, hold, presenter).  The feedback clears whenever
    a slider, the load, the hold, the body or Reset changes the pose.  The returned VBox
    has ``.check()``, ``.explorer`` and ``.feedback``; ``on_check(feedback)`` is called
    after each check.
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
        if on_check is not None:
            on_check(fb)
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
    on_check: Callable[[Feedback], Any] | None = None,
):
    """Predict, then reveal: the learner commits to a guess, then the model shows the answer.

    Until "Commit my guess" is pressed, ``reveal`` (a widget, a figure or anything Jupyter can
    display) stays hidden; after it, the choice is locked, ``reveal`` appears with
    ``explanation``, and the learner learns whether the guess matched. "Guess again" unlocks
    the choice and hides the reveal. The returned VBox has ``.commit()``, ``.again()``,
    ``.select(i)``, ``.current()``, ``.feedback`` and ``.shown`` (the reveal area);
    ``on_check(feedback)`` is called after each committed guess.
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
    # A figure is drawn into the reveal area only when the guess is committed: until then
    # the answer is nowhere in the page's widget state, and nothing is sent for it.
    reveal_widget = reveal if isinstance(reveal, w.Widget) else w.Output()
    drawn = isinstance(reveal, w.Widget) or reveal is None

    def draw_reveal() -> None:
        nonlocal drawn
        if not drawn:
            with reveal_widget:
                display(reveal)
            drawn = True

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
        draw_reveal()
        shown.children = [reveal_widget] if reveal is not None else []
        if on_check is not None:
            on_check(fb)
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
    box.current = lambda: chooser.value
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
    tell_room = _room_reporter(qid)
    if kind in ("choice", "multi"):
        box = choice_question(q["prompt"], q["options"], q["answer"], q.get("explanations"),
                              on_check=lambda fb: tell_room(fb, choice=box.current()))
        return box
    if kind == "predict":
        box = predict(q["prompt"], q["options"], q["answer"], q["explanation"], reveal,
                      on_check=lambda fb: tell_room(fb, choice=box.current()))
        return box
    if kind == "number":
        import ipywidgets as w

        from hinge_lib.widgets.explorer import explore

        m = q["model"]
        widget = number_question(q["prompt"], questions.model_answer(q), q["tolerance"],
                                 q.get("unit", ""), q["explanation"], m.get("decimals", 0),
                                 q.get("hint", ""), on_check=tell_room)
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
    box = pose_task(q["prompt"], task_goal(q), start=start, load_kg=q.get("load_kg", 0.0),
                    hold=q.get("hold", "hands"), **explore_kwargs,
                    on_check=lambda fb: tell_room(fb, explorer=box.explorer))
    return box


def _room_reporter(qid: str) -> Callable[..., None]:
    """A callback telling the class app (if the course runs in it) about a check of ``qid``:
    the verdict, the option(s) picked, and for a pose task the pose and its faults."""
    from hinge_lib.course.class_report import report

    def tell(fb: Feedback, choice: Any = None, explorer: Any = None) -> None:
        pose = faults = figure = None
        if explorer is not None:
            pose = {k: float(v) for k, v in explorer.pose.angles.items()}
            analysis = getattr(explorer, "analysis", None)
            if analysis is not None:
                from hinge_lib.view.figures import drawing_data

                faults = list(analysis.fault_codes)
                figure = [[[round(float(x), 3), round(float(y), 3)] for x, y in line]
                          for line in drawing_data(analysis)["lines"]["body"]]
        report(qid, fb.ok, choice=choice, pose=pose, faults=faults, figure=figure)

    return tell


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
