"""Pattern, hinge score and faults, vectorised over many poses.

The pattern says where a forward bend comes from: ``upright`` (no real bend yet),
``hinge`` (the hips fold, the knees bend a little), ``squat`` (the knees bend about as much
as the hips or more), ``spine bend`` (the spine rounds at least as much as the hips fold: a
bend from the back, not a hinge) and ``lean back`` (the trunk leans backwards, whatever
the knees do). Thresholds and their reasoning live in data/pattern_thresholds.csv and
data/fault_rules.csv; this module only applies them.

Lost dowel contacts: every rule in data/fault_rules.csv names, in ``dowel_contacts``, the
dowel contacts its cue brings back (a tucked chin: the head). Three rules fire on a lost
contact itself (``<contact>_off_dowel_mm``: the gap in mm, 0 while the contact holds) and
speak only when no other fault naming that contact does, so every lost contact comes with
a fault and a cue, whatever combination of small bends caused it, without saying it twice.

The hinge score is the hip's share of the hip + knee extensor moment. It measures how the
work is shared, not the pattern: a real squat with a forward lean can score about 0.8, so
a high score alone is no evidence of a hinge.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from hinge_lib.model.tables import Column, DataFileError, read_csv

PATTERNS: tuple[str, ...] = ("upright", "hinge", "squat", "spine bend", "lean back")
#: Dowel contacts, in the order of :data:`hinge_lib.model.dowel.CONTACTS`.
DOWEL_CONTACTS: tuple[str, ...] = ("head", "upper_back", "sacrum")
#: Metric of a lost contact (its gap in mm, 0 while held) -> the contact.
LOST_CONTACT_METRICS: dict[str, str] = {f"{c}_off_dowel_mm": c for c in DOWEL_CONTACTS}
#: Pose angles the dowel contacts depend on (the rod rests on the back, so hips, knees and
#: ankles only turn it as a whole).
DOWEL_INPUTS: tuple[str, ...] = ("lumbar", "thoracic", "neck")
_METRICS = ("lumbar", "thoracic", "neck", "knee", "hip", "ankle", "shin_angle_deg",
            "trunk_angle_deg", "balance_margin_m", *LOST_CONTACT_METRICS)


@cache
def pattern_thresholds() -> dict[str, float]:
    """Named thresholds of data/pattern_thresholds.csv."""
    rows = read_csv(
        "pattern_thresholds.csv",
        {"name": Column(), "value": Column(float), "unit": Column(), "source": Column(),
         "reasoning": Column()},
        key="name",
    )
    values = {row["name"]: row["value"] for row in rows}
    needed = ("upright_max_hip_deg", "upright_max_knee_deg", "upright_max_spine_deg",
              "spine_bend_min_share", "spine_bend_min_deg", "lean_back_max_trunk_deg",
              "squat_min_knee_to_hip_ratio", "hinge_score_softening_nm")
    missing = [n for n in needed if n not in values]
    if missing:
        raise DataFileError(f"data/pattern_thresholds.csv: missing {', '.join(missing)}")
    return values


@cache
def fault_rules() -> tuple[dict, ...]:
    """Rows of data/fault_rules.csv, in file order."""
    rows = read_csv(
        "fault_rules.csv",
        {
            "code": Column(),
            "metric": Column(choices=_METRICS),
            "comparison": Column(choices=(">", "<")),
            "threshold": Column(float),
            "unit": Column(),
            "only_in_pattern": Column(required=False, choices=PATTERNS),
            "dowel_contacts": Column(required=False),
            "message": Column(),
            "source": Column(),
            "reasoning": Column(),
        },
        key="code",
    )
    for row in rows:
        named = tuple(c for c in (row["dowel_contacts"] or "").split(";") if c)
        unknown = [c for c in named if c not in DOWEL_CONTACTS]
        if unknown:
            raise DataFileError(
                f"data/fault_rules.csv, line {row['_line']}, column 'dowel_contacts': unknown "
                f"contact(s) {', '.join(unknown)}; allowed: {', '.join(DOWEL_CONTACTS)}"
            )
        row["dowel_contacts"] = named
        lost = LOST_CONTACT_METRICS.get(row["metric"])
        if lost is not None and (named != (lost,) or row["comparison"] != ">"
                                 or row["threshold"] != 0):
            raise DataFileError(
                f"data/fault_rules.csv, line {row['_line']}: a rule on {row['metric']} must "
                f"read '> 0' and name only the contact {lost!r} in dowel_contacts"
            )
    missing = [c for c in DOWEL_CONTACTS
               if not any(LOST_CONTACT_METRICS.get(r["metric"]) == c for r in rows)]
    if missing:
        raise DataFileError(
            f"data/fault_rules.csv: no rule for a lost {', '.join(missing)} contact "
            "(metric <contact>_off_dowel_mm)"
        )
    return tuple(rows)


def rule_inputs(rule: dict) -> tuple[str, ...]:
    """The metric a rule reads, or for a lost-contact rule the pose angles the dowel reads
    (for recordings that do not measure some of them)."""
    return DOWEL_INPUTS if rule["metric"] in LOST_CONTACT_METRICS else (rule["metric"],)


def classify(hip: np.ndarray, knee: np.ndarray, lumbar: np.ndarray | float = 0.0,
             thoracic: np.ndarray | float = 0.0, trunk_deg: np.ndarray | None = None
             ) -> np.ndarray:
    """Pattern index per pose (an index into :data:`PATTERNS`), from joint angles in degrees.

    In this order: ``lean back`` when the trunk leans backwards past
    ``lean_back_max_trunk_deg`` (``trunk_deg``, + = forward; skipped when not given);
    ``upright`` while hip, knee and spine flexion all stay under their thresholds;
    ``spine bend`` when the spine's flexion (lumbar + thoracic, rounding only) is at least
    ``spine_bend_min_share`` of the whole forward fold (hip + spine) and at least
    ``spine_bend_min_deg``; ``squat`` when the
    knees bend at least ``squat_min_knee_to_hip_ratio`` times as much as the hips; else
    ``hinge``.

    Examples
    --------
    >>> [PATTERNS[i] for i in classify(np.array([90.0, 30.0, 110.0]),
    ...                                np.array([20.0, 0.0, 120.0]),
    ...                                lumbar=np.array([0.0, 45.0, 0.0]))]
    ['hinge', 'spine bend', 'squat']
    """
    t = pattern_thresholds()
    hip = np.asarray(hip, dtype=float)
    knee = np.asarray(knee, dtype=float)
    spine = np.maximum(np.asarray(lumbar, dtype=float), 0.0) + np.maximum(
        np.asarray(thoracic, dtype=float), 0.0)
    fold = np.maximum(hip, 0.0) + spine
    upright = ((hip < t["upright_max_hip_deg"]) & (knee < t["upright_max_knee_deg"])
               & (spine < t["upright_max_spine_deg"]))
    spine_bend = (spine >= t["spine_bend_min_share"] * fold) & (spine >= t["spine_bend_min_deg"])
    squat = knee >= t["squat_min_knee_to_hip_ratio"] * np.maximum(hip, 1.0)
    index = np.where(upright, 0, np.where(spine_bend, 3, np.where(squat, 2, 1)))
    if trunk_deg is not None:
        index = np.where(np.asarray(trunk_deg) < t["lean_back_max_trunk_deg"], 4, index)
    return index


def hinge_score(hip_moment: np.ndarray, knee_moment: np.ndarray) -> np.ndarray:
    """Hip's share of the hip + knee extensor moment, 0..1 (flexor moments count as 0).

    A small softening moment (data/pattern_thresholds.csv) keeps it defined near zero load:
    standing tall scores 0.5. It says how the work is shared between hips and knees, not
    which pattern the pose is (see the module docstring).
    """
    soft = pattern_thresholds()["hinge_score_softening_nm"]
    hip_ext = np.maximum(hip_moment, 0.0)
    knee_ext = np.maximum(knee_moment, 0.0)
    return (hip_ext + soft / 2) / (hip_ext + knee_ext + soft)


def fault_mask(metrics: dict[str, np.ndarray], pattern: np.ndarray) -> dict[str, np.ndarray]:
    """For each fault code, a boolean array: does the pose show that fault?

    A lost-contact rule (see the module docstring) is dropped where another fault that
    names the same contact is seen.
    """
    table = _rule_table()
    values = np.array([metrics[m] for m in table.metrics], dtype=float)  # (rules, n)
    limit = table.threshold[:, None]
    hits = np.where(table.greater[:, None], values > limit, values < limit)
    hits &= (table.pattern[:, None] < 0) | (pattern == table.pattern[:, None])
    lost = table.lost
    hits[lost] &= ~(table.named_elsewhere[lost] @ hits)
    return dict(zip(table.codes, hits, strict=True))


@dataclass(frozen=True)
class _RuleTable:
    """data/fault_rules.csv as arrays, one entry per rule in file order."""

    codes: tuple[str, ...]
    metrics: tuple[str, ...]
    greater: np.ndarray  # True for ">", False for "<"
    threshold: np.ndarray
    pattern: np.ndarray  # index into PATTERNS the rule applies in, -1 for any
    lost: np.ndarray  # indices of the lost-contact rules
    named_elsewhere: np.ndarray  # (rules, rules): rule j names the contact rule i watches


@cache
def _rule_table() -> _RuleTable:
    rules = fault_rules()
    codes = tuple(r["code"] for r in rules)
    elsewhere = np.zeros((len(rules), len(rules)), dtype=bool)
    for code, others in _named_elsewhere().items():
        for other in others:
            elsewhere[codes.index(code), codes.index(other)] = True
    return _RuleTable(
        codes=codes,
        metrics=tuple(r["metric"] for r in rules),
        greater=np.array([r["comparison"] == ">" for r in rules]),
        threshold=np.array([r["threshold"] for r in rules], dtype=float),
        pattern=np.array([PATTERNS.index(r["only_in_pattern"]) if r["only_in_pattern"]
                          else -1 for r in rules]),
        lost=np.array([codes.index(c) for c in _named_elsewhere()], dtype=np.intp),
        named_elsewhere=elsewhere,
    )


@cache
def _named_elsewhere() -> dict[str, tuple[str, ...]]:
    """Lost-contact rule code -> codes of the other rules that name its contact."""
    rules = fault_rules()
    return {
        rule["code"]: tuple(
            other["code"] for other in rules
            if other["metric"] not in LOST_CONTACT_METRICS
            and LOST_CONTACT_METRICS[rule["metric"]] in other["dowel_contacts"])
        for rule in rules if rule["metric"] in LOST_CONTACT_METRICS
    }


def fault_message(code: str, value: float) -> str:
    """Plain-language description of one fault at the measured ``value``."""
    rule = next(r for r in fault_rules() if r["code"] == code)
    return rule["message"].format(
        value=value,
        abs_value=abs(value),
        abs_value_cm=abs(value) * 100,
        threshold=rule["threshold"],
        abs_threshold=abs(rule["threshold"]),
    )
