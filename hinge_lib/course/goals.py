"""Pose goals: what a pose task checks, and the words it says.

Each goal is a function ``Analysis -> (ok, message)`` that decides with the model's own
verdicts (``pattern``, ``faults``, ``dowel``, ``balanced``) rather than with thresholds of its
own, so the course and the model never disagree about what counts as a hinge. The words come
from data/goal_messages.yaml. :func:`task_goal` adds what a question-bank prompt states
besides its goal (the load and the hold) and refuses a preset's own pose: a task is solved
with the sliders. :mod:`hinge_lib.course.selfcheck` turns a goal into a widget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

__all__ = ["GOALS", "PRESET_MATCH_DEG", "goal_messages", "hinge_knee_limit", "preset_match",
           "resolve_goal", "task_goal"]

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
