"""The claims register: every sentence of the course that states a fact has a check.

``data/claims.yaml`` holds one row per claim: the notebook (or data file) it is in, an
``anchor`` (a few words of the sentence, unique enough to find it) and what backs it, one of

* ``check``: the name of a function in :data:`CHECKS` below, which recomputes the claim from
  the model and returns ``(ok, detail)``;
* ``cell``: a few words of a code cell of the same notebook that computes the claim where it
  is shown and fails (``assert`` or ``claims.confirm``) when the model changes;
* ``shown``: a few words of the code cell that computes and shows what the sentence
  introduces (a table or a figure), when the sentence claims nothing beyond that output;
* ``evidence``: a key of data/evidence.yaml (a claim beyond the model, with its certainty);
* ``question``: the id of a question-bank entry whose answer the model computes or reveals;
* ``not_model``: why the sentence states no model fact (an instruction, a course fact, a
  definition the code fixes, or what the model leaves out), in words a reviewer can judge.

:func:`claim_sentences` finds the sentences that need a row (they name the model or state a
number with a unit); :func:`audit` lists every sentence without a row, every row whose anchor
is gone, and every check that fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from hinge_lib.model.tables import DataFileError, read_entries

__all__ = ["BACKINGS", "CHECKS", "audit", "claim_sentences", "confirm", "register",
           "dowel_signs"]

BACKINGS = ("check", "cell", "shown", "evidence", "question", "not_model")
#: A sentence that names the model or states a number with a unit needs a register row.
CLAIM_PATTERN = re.compile(
    r"\b(?:the|this|our) model\b|\bmodel's\b|\bon the model\b"
    r"|\d+(?:\.\d+)?\s?(?:deg\b|degrees\b|°|mm\b|cm\b|N m\b|kg\b|%)", re.IGNORECASE)


# --------------------------------------------------------------------------------------
# finding the sentences
# --------------------------------------------------------------------------------------


def _sentences(markdown: str) -> list[str]:
    """Sentences of a markdown cell, with headings, tables and quotes' markers left out."""
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        lines = [ln for ln in block.splitlines()
                 if not ln.lstrip().startswith(("|", "#", "<"))]
        text = " ".join(" ".join(ln.lstrip("> ").strip() for ln in lines).split())
        out += [s for s in re.split(r"(?<=[.!?:;])\s+(?=[A-Z(*\"-])", text) if s]
    return out


def claim_sentences(path: str | Path) -> list[tuple[int, str]]:
    """``(cell index, sentence)`` for every sentence of a notebook's markdown cells (the
    title cell with the learning goals left out) that needs a register row."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or i == 0:
            continue
        source = "".join(cell["source"])
        found += [(i, s) for s in _sentences(source) if CLAIM_PATTERN.search(s)]
    return found


# --------------------------------------------------------------------------------------
# the register
# --------------------------------------------------------------------------------------


@cache
def register() -> tuple[dict[str, Any], ...]:
    """The rows of data/claims.yaml, checked: a place, an anchor and exactly one backing."""
    rows = []
    for i, row in enumerate(read_entries("claims.yaml", "claims"), start=1):
        where = f"data/claims.yaml, claim {i}"
        if not isinstance(row, dict):
            raise DataFileError(f"{where}: expected a mapping")
        place = row.get("notebook")
        if not isinstance(place, str) or not re.fullmatch(r"\d\d|data/[a-z_]+\.yaml", place):
            raise DataFileError(f"{where}, field 'notebook': {place!r} must be two digits "
                                "such as '04' or a data file such as 'data/faults.yaml'")
        anchor = row.get("anchor")
        if not isinstance(anchor, str) or len(anchor.split()) < 3:
            raise DataFileError(f"{where}, field 'anchor': needs at least three words of the "
                                f"sentence; got {anchor!r}")
        backing = [b for b in BACKINGS if b in row]
        if len(backing) != 1 or not isinstance(row[backing[0]], str) or not row[backing[0]]:
            raise DataFileError(f"{where} ({anchor!r}): needs exactly one of "
                                f"{', '.join(BACKINGS)} as text; got {backing or 'none'}")
        if backing[0] == "check" and row["check"] not in CHECKS:
            raise DataFileError(f"{where}, field 'check': {row['check']!r} is not one of "
                                f"{', '.join(sorted(CHECKS))}")
        rows.append({**row, "backing": backing[0]})
    return tuple(rows)


def _root() -> Path:
    return Path(__file__).resolve().parents[2]


def _notebook(root: Path, number: str) -> Path:
    found = sorted((root / "notebooks").glob(f"{number}-*.ipynb"))
    if not found:
        raise DataFileError(f"data/claims.yaml: no notebook {number}")
    return found[0]


def _flat(text: str) -> str:
    return " ".join(text.replace("*", "").replace("`", "").split()).lower()


def _place_text(root: Path, place: str) -> tuple[str, list[str]]:
    """(all prose of the place, flattened; its code cells) for a notebook or a data file."""
    if place.startswith("data/"):
        return _flat((root / place).read_text(encoding="utf-8")), []
    cells = json.loads(_notebook(root, place).read_text(encoding="utf-8"))["cells"]
    prose = " ".join(ln.lstrip("> ") for c in cells if c["cell_type"] == "markdown"
                     for ln in "".join(c["source"]).splitlines())
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return _flat(prose), code


def audit(root: str | Path | None = None, run_checks: bool = True) -> list[str]:
    """Every problem with the register, as sentences (empty when all is well): claim
    sentences without a row, rows whose anchor or backing cell is gone, unknown evidence or
    question ids, and checks that fail."""
    from hinge_lib.course import evidence, questions

    root = _root() if root is None else Path(root)
    rows = register()
    problems = []
    by_place: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_place.setdefault(row["notebook"], []).append(row)
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        anchors = [_flat(r["anchor"]) for r in by_place.get(path.name[:2], [])]
        for i, sentence in claim_sentences(path):
            flat = _flat(sentence)
            if not any(a in flat for a in anchors):
                problems.append(f"{path.name}, cell {i}: no register row for: {sentence}")
    known_questions = {q["id"] for q in questions.all_questions()}
    for row in rows:
        name = f"{row['notebook']} ({row['anchor']!r})"
        prose, code = _place_text(root, row["notebook"])
        if _flat(row["anchor"]) not in prose:
            problems.append(f"{name}: the anchor is no longer in the text")
        kind = row["backing"]
        if kind == "shown" and not any(_flat(row["shown"]) in _flat(c) for c in code):
            problems.append(f"{name}: no code cell contains {row['shown']!r}")
        if kind == "cell":
            cells = [c for c in code if _flat(row["cell"]) in _flat(c)]
            if not cells:
                problems.append(f"{name}: no code cell contains {row['cell']!r}")
            elif not any(re.search(r"^\s*assert\b|claims\.confirm\(", c, re.M) for c in cells):
                problems.append(f"{name}: the cell with {row['cell']!r} checks nothing")
        elif kind == "evidence" and row["evidence"] not in evidence.evidence_keys():
            problems.append(f"{name}: no evidence entry {row['evidence']!r}")
        elif kind == "question" and row["question"] not in known_questions:
            problems.append(f"{name}: no question {row['question']!r}")
        elif kind == "check" and run_checks:
            ok, detail = CHECKS[row["check"]]()
            if not ok:
                problems.append(f"{name}: check {row['check']} fails: {detail}")
    return problems


def confirm(name: str) -> str:
    """Run the named check of :data:`CHECKS` and return its detail; raise AssertionError
    when the model no longer bears the claim out (for a notebook cell that checks a claim)."""
    ok, detail = CHECKS[name]()
    if not ok:
        raise AssertionError(f"the course's claim {name!r} no longer holds: {detail}")
    return detail


# --------------------------------------------------------------------------------------
# the checks: each recomputes one claim from the model, returns (ok, what it found)
# --------------------------------------------------------------------------------------


def dowel_signs(base: Any = None) -> Any:
    """What each dowel contact tells a coach, from the model's dowel sweeps: for every spine
    slider and direction (from the Romanian deadlift unless ``base`` is given), the first
    contact the rod loses and the angle (deg, 1-degree steps) where it goes.

    Returns a DataFrame with columns slider, direction, first lost, at (deg), later lost.
    """
    import warnings

    import pandas as pd

    from hinge_lib.model.analysis import analyze_many
    from hinge_lib.model.pose import joint_limits
    from hinge_lib.model.references import reference_pose

    start = (reference_pose("romanian_deadlift") if base is None else base).as_dict()
    words = {"lumbar": ("rounds the lower back", "arches the lower back"),
             "thoracic": ("rounds the upper back", "straightens the upper back"),
             "neck": ("tucks the chin", "lifts the gaze (head up)")}
    contacts = {"dowel_head": "head", "dowel_upper_back": "upper back", "dowel_sacrum": "sacrum"}
    limits = joint_limits()
    rows = []
    for field, (plus, minus) in words.items():
        low, high = limits[field]
        for sign, what in ((1, plus), (-1, minus)):
            end = high if sign > 0 else -low
            values = np.arange(0, np.floor(end) + 1) * sign
            with warnings.catch_warnings():  # a deep rounding lowers the hanging hands past
                warnings.simplefilter("ignore")  # the floor; only the back's contacts are used
                res = analyze_many(pd.DataFrame([{**start, field: float(v)} for v in values]),
                                   muscles=False)
            lost = {}
            for col, name in contacts.items():
                gone = res[~res[col].to_numpy()]
                if len(gone):
                    lost[name] = float(gone[field].iloc[0])
            order = sorted(lost, key=lambda k: abs(lost[k]))
            rows.append({"slider": field.capitalize(), "direction": what,
                         "first lost": order[0] if order else "none",
                         "at (deg)": lost[order[0]] if order else float("nan"),
                         "later lost": ", ".join(f"{k} at {lost[k]:+.0f}" for k in order[1:])
                         or "-"})
    return pd.DataFrame(rows)


@cache
def _rdl_dowel_signs() -> Any:
    return dowel_signs()


def _first_lost(slider: str, direction: int) -> tuple[str, float]:
    table = _rdl_dowel_signs()
    row = table[table["slider"] == slider.capitalize()].iloc[0 if direction > 0 else 1]
    return str(row["first lost"]), float(row["at (deg)"])


def _check_rounding_lifts_head() -> tuple[bool, str]:
    found = {s: _first_lost(s, +1) for s in ("lumbar", "thoracic", "neck")}
    ok = all(c == "head" for c, _ in found.values())
    return ok, "; ".join(f"{s} + loses the {c} first (at {a:+.0f})" for s, (c, a) in found.items())


def _check_head_up_lifts_upper_back() -> tuple[bool, str]:
    neck, thoracic = _first_lost("neck", -1), _first_lost("thoracic", -1)
    ok = neck[0] == "upper back" and thoracic[0] == "upper back"
    return ok, f"neck - loses the {neck[0]} at {neck[1]:+.0f}; thoracic - the {thoracic[0]}"


def _check_flattened_upper_back_named() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    contact, angle = _first_lost("thoracic", -1)
    rule = _fault_threshold("flattened_upper_back")
    flat = analyze(Pose(knee=25, hip=90, thoracic=-25)).fault_codes
    ok = contact == "upper back" and "flattened_upper_back" in flat
    return ok, (f"straightening the upper back loses the {contact} at {angle:+.0f} deg; the "
                f"flattened-upper-back rule fires past {rule:+g}")


def _check_sacrum_only_late() -> tuple[bool, str]:
    table = _rdl_dowel_signs()
    lumbar = table[(table["slider"] == "Lumbar")].iloc[0]
    sacrum_elsewhere = any("sacrum" in str(r["first lost"]) for _, r in table.iterrows())
    rule = _fault_threshold("rounded_lower_back")
    ok = (not sacrum_elsewhere and "sacrum" in str(lumbar["later lost"])
          and float(lumbar["at (deg)"]) <= rule)
    return ok, (f"lumbar rounding: {lumbar['first lost']} at {lumbar['at (deg)']:+.0f}, then "
                f"{lumbar['later lost']}; the rounded-back rule fires past {rule:g}")


def _fault_threshold(code: str) -> float:
    from hinge_lib.model.patterns import fault_rules

    return float(next(r["threshold"] for r in fault_rules() if r["code"] == code))


def _lever_sweep() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from hinge_lib.course.teaching import upper_body_load
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import joint_limits
    from hinge_lib.model.references import reference_pose

    rdl = reference_pose("romanian_deadlift")
    hips = np.arange(60.0, joint_limits()["hip"][1] + 1, 1.0)
    levers, trunks = [], []
    for hip in hips:
        a = analyze(rdl.replace(hip=float(hip)))
        levers.append(upper_body_load(a)["lever_m"])
        trunks.append(a.trunk_angle_deg)
    return hips, np.array(levers), np.array(trunks)


def _check_lever_peaks_at_horizontal() -> tuple[bool, str]:
    hips, levers, trunks = _lever_sweep()
    top = int(np.argmax(levers))
    ok = 0 < top < len(hips) - 1 and abs(trunks[top] - 90) <= 5
    return ok, (f"lever arm largest ({levers[top]:.3f} m) at hip {hips[top]:.0f} deg, trunk "
                f"{trunks[top]:.0f} deg from vertical; {levers[-1]:.3f} m at hip {hips[-1]:.0f}")


def _check_hip_is_thigh_to_pelvis() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    flat, rounded = analyze(Pose(hip=60)), analyze(Pose(hip=60, lumbar=20))
    moved = abs(flat.trunk_angle_deg - rounded.trunk_angle_deg)
    same_thigh = np.allclose(flat.joints["knee"], rounded.joints["knee"])
    return bool(moved > 5 and same_thigh), (
        f"the same Hip 60 with Lumbar 20 tilts the trunk {moved:.0f} deg further while the "
        "thigh and pelvis stay put: Hip measures thigh to pelvis, not thigh to trunk")


def _check_model_kneels() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    a = analyze(Pose(knee=90, hip=30, support="tall_kneeling"))
    heel, toe = a.base_of_support
    knee_x = a.joints["knee"][0]
    ok = heel < knee_x <= toe + 1e-9 and np.isfinite(a.hip_moment_nm)
    return bool(ok), (f"tall kneeling: base of support {heel * 100:.0f} to {toe * 100:.0f} cm, "
                      f"knee at {knee_x * 100:.0f} cm; balance and moments computed")


def _kneeling_knees() -> list[float]:
    from hinge_lib.course.teaching import drill_poses
    from hinge_lib.model.catalog import drills

    knees = []
    for drill_id in drills().index:
        for pose in drill_poses(drill_id):
            if pose.support != "feet":
                knees.append(float(pose.knee))
    return knees


def _check_kneeling_knee_range() -> tuple[bool, str]:
    knees = _kneeling_knees()
    ok = bool(knees) and min(knees) >= 85 and max(knees) > 95
    return ok, (f"the course's kneeling drill poses bend the knees {min(knees):.0f} to "
                f"{max(knees):.0f} deg" if knees else "no kneeling drill poses")


def _check_squat_shape_not_work() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    a = analyze(Pose(ankle=15, knee=30, hip=40))
    ok = a.pattern == "squat" and a.hinge_score > 0.9 and a.knee_moment_nm < 0
    return ok, (f"ankle 15, knee 30, hip 40 is a {a.pattern} by its shape with a hinge score of "
                f"{a.hinge_score:.2f} and a knee moment of {a.knee_moment_nm:+.0f} N m: the "
                "pattern names the shape, the score and the bars the work")


def _check_one_load_for_lee() -> tuple[bool, str]:
    from hinge_lib.course.teaching import published_comparison

    table = published_comparison()
    loads = set(table["load in the model (kg)"])
    ok = len(loads) == 1 and bool(table["same direction"].all())
    return ok, f"model loads {sorted(loads)} kg; directions agree: {table['same direction'].all()}"


def _check_solver_shares_synergists() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.references import reference_pose

    a = analyze(reference_pose("back_squat"))
    ok = {"gluteus_maximus", "hamstrings"} <= set(a.muscles)
    glutes = a.muscles["gluteus_maximus"].moment_nm if ok else float("nan")
    hams = a.muscles["hamstrings"].moment_nm if ok else float("nan")
    ok = ok and glutes > hams
    return ok, (f"back squat hip moment: glutes {glutes:.0f} N m, hamstrings {hams:.0f} N m, "
                "a split the solver chooses (no measurement decides it)")


def _check_default_body() -> tuple[bool, str]:
    from hinge_lib.model.body import Body

    body = Body()
    ok = abs(body.height_m - 1.75) < 1e-9 and abs(body.mass_kg - 75) < 1e-9
    return ok, f"default body {body.height_m:g} m, {body.mass_kg:g} kg"


def _check_analysis_outputs() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    a = analyze(Pose(hip=90, knee=20))
    have = {"centre of mass": np.isfinite(a.com_x_m), "moments": np.isfinite(a.hip_moment_nm),
            "hamstrings": np.isfinite(a.hamstring_length_change_mm),
            "dowel": set(a.dowel) == {"head", "upper_back", "sacrum"},
            "faults": isinstance(a.faults, tuple)}
    return all(have.values()), ", ".join(f"{k}: {bool(v)}" for k, v in have.items())


def _check_spine_bend_flagged() -> tuple[bool, str]:
    from hinge_lib.course.teaching import hinge_and_spine_bend

    hinge, bend = hinge_and_spine_bend()
    last = bend.iloc[-1]
    codes = set(last["faults"])
    ok = "rounded_lower_back" in codes and not set(hinge.iloc[-1]["faults"])
    return ok, f"deepest spine bend flags {sorted(codes)}; deepest hinge flags none: {ok}"


def _check_pattern_by_ratio() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.patterns import pattern_thresholds
    from hinge_lib.model.pose import Pose

    ratio = pattern_thresholds()["squat_min_knee_to_hip_ratio"]
    below = analyze(Pose(hip=100, knee=100 * ratio - 5, ankle=10)).pattern
    above = analyze(Pose(hip=100, knee=100 * ratio + 5, ankle=10)).pattern
    return (below, above) == ("hinge", "squat"), (
        f"hip 100 with the knee just under / over {ratio:g} of it: {below} / {above}")


def _check_knees_forward_rule() -> tuple[bool, str]:
    from hinge_lib.model.patterns import fault_rules

    rule = next(r for r in fault_rules() if r["code"] == "knees_forward")
    ok = rule["metric"] == "shin_angle_deg" and rule["only_in_pattern"] == "hinge"
    return ok, f"knees_forward: {rule['metric']} {rule['comparison']} {rule['threshold']:g} " \
               f"in a {rule['only_in_pattern']}"


def _check_com_outside_flagged() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    a = analyze(Pose(hip=100))
    ok = not a.balanced and "com_outside_base" in a.fault_codes
    return ok, f"hip 100 with straight legs: balanced {a.balanced}, faults {a.fault_codes}"


def _check_arch_opens_upper_back() -> tuple[bool, str]:
    contact, angle = _first_lost("lumbar", -1)
    rule = _fault_threshold("arched_lower_back")
    ok = contact == "upper back" and angle < rule
    return ok, (f"arching the lower back loses the {contact} only at {angle:+.0f} deg; the "
                f"arched-back rule fires past {rule:+g}")


def _check_spine_zero_is_standing() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    standing = analyze(Pose())
    rounded = analyze(Pose(lumbar=20)).fault_codes
    arched = analyze(Pose(lumbar=-15)).fault_codes
    ok = (all(standing.dowel.values()) and not standing.faults
          and "rounded_lower_back" in rounded and "arched_lower_back" in arched)
    return ok, (f"all at 0: contacts {dict(standing.dowel)}, no faults; Lumbar +20 {rounded}, "
                f"-15 {arched}")


def _check_dowel_gaps_zero_at_neutral() -> tuple[bool, str]:
    from hinge_lib.course.teaching import spine_sweeps

    sweeps = spine_sweeps()
    cols = ["dowel_gap_head_mm", "dowel_gap_upper_back_mm", "dowel_gap_sacrum_mm"]
    at_zero = max(float(res.loc[res[f] == 0, cols].to_numpy().max()) for f, res in sweeps.items())
    climbs = all(float(res[cols].to_numpy().max()) > 0 for res in sweeps.values())
    return at_zero == 0 and climbs, f"largest gap at 0 deg: {at_zero:.1f} mm; all climb: {climbs}"


def _check_two_faults_without_rules() -> tuple[bool, str]:
    from hinge_lib.model import catalog
    from hinge_lib.model.patterns import fault_rules

    ruled = {r["code"] for r in fault_rules()}
    catalogue = set(catalog.faults().index)
    without = sorted(catalogue - ruled)
    ok = ruled <= catalogue and len(without) == 2 and len(ruled) > len(without)
    return ok, f"{len(ruled)} faults with a rule; without one: {without}"


def _check_lying_drills_get_diagrams() -> tuple[bool, str]:
    from hinge_lib.course.teaching import drill_poses

    empty = {d: not drill_poses(d) for d in ("glute_bridge_to_cat_cow", "hip_thrust")}
    return all(empty.values()), f"no model pose stored: {empty}"


def _check_counterweight_8kg() -> tuple[bool, str]:
    from hinge_lib.course.teaching import counterweight_example
    from hinge_lib.model.analysis import analyze

    pose = counterweight_example(8)
    empty, bell = analyze(pose), analyze(pose, load_kg=8, hold="hands")
    ok = not empty.balanced and empty.com_x_m < empty.base_of_support[0] and bell.balanced
    return ok, (f"ankle {pose.ankle:g}: empty hands balanced {empty.balanced}, with 8 kg "
                f"{bell.balanced}")


def _check_lifts_match_expected_patterns() -> tuple[bool, str]:
    from hinge_lib.course.lessons import lift_table
    from hinge_lib.model.references import reference_positions

    table = lift_table()
    expected = reference_positions()["expected_pattern"]
    wrong = [k for k in table.index if table.loc[k, "pattern"] != expected[k]]
    return not wrong, f"lifts whose model pattern differs from the sources': {wrong or 'none'}"


def _check_power_positions_straddle() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    a = analyze(Pose(ankle=10, knee=25, hip=35), load_kg=40)
    b = analyze(Pose(ankle=12, knee=30, hip=40), load_kg=40)
    return a.pattern != b.pattern, f"power position A: {a.pattern}, B: {b.pattern}"


def _check_moments_grow_with_load() -> tuple[bool, str]:
    from hinge_lib.course.teaching import load_effects
    from hinge_lib.model.references import reference_pose

    table = load_effects(reference_pose("romanian_deadlift"))
    cols = ["hip moment (N·m)", "lower-back moment (N·m)"]
    ok = all(table[c].is_monotonic_increasing and table[c].iloc[-1] > table[c].iloc[0]
             for c in cols)
    return ok, "hip and lower-back moments rise with every load step: " + str(ok)


def _check_checklist_uses_model_checks() -> tuple[bool, str]:
    from hinge_lib.course.lessons import CHECKLIST

    loose = [i.key for i in CHECKLIST
             if not (i.faults or i.pattern or i.dowel or i.balanced or i.shins)]
    return not loose, f"{len(CHECKLIST)} items; without a model check: {loose or 'none'}"


def _check_recorded_squats_pass_70() -> tuple[bool, str]:
    from hinge_lib.course.teaching import recorded_squat_reps

    reps = recorded_squat_reps()
    low = float(min(reps["peak_hip"].min(), reps["peak_knee"].min()))
    ok = bool((reps["pattern"] == "squat").all()) and low > 70
    return ok, f"{len(reps)} squats; lowest peak hip or knee flexion {low:.0f} deg"


def _check_rep_onset_rule() -> tuple[bool, str]:
    from hinge_lib.recordings import reps

    ok = reps.ONSET_FRACTION == 0.15 and reps.FIRST_MOVER_TOL_S == 0.1
    return ok, (f"onset at {reps.ONSET_FRACTION:.0%} of the travel, starts at least "
                f"{reps.FIRST_MOVER_TOL_S} s apart")


def _check_camera_tilt_moves_shins_only() -> tuple[bool, str]:
    import pandas as pd

    from hinge_lib.recordings.keypoints import poses_from_keypoints
    from hinge_lib.recordings.synthetic import keypoints_from_poses

    known = pd.DataFrame({"ankle": [4.0, 4.0], "knee": [18.0, 18.0], "hip": [75.0, 75.0]},
                         index=pd.Index([0.0, 0.04], name="time"))
    level = poses_from_keypoints(keypoints_from_poses(known))
    tipped = poses_from_keypoints(keypoints_from_poses(known, camera_roll_deg=5.0))
    shift = (tipped - level)[["ankle", "knee", "hip"]].abs().max()
    ok = abs(shift["ankle"] - 5) < 0.2 and shift["knee"] < 0.2 and shift["hip"] < 0.2
    return ok, (f"a 5 deg tilt moves the ankle {shift['ankle']:.1f}, the knee "
                f"{shift['knee']:.1f} and the hip {shift['hip']:.1f} deg")


def _check_nine_muscle_groups() -> tuple[bool, str]:
    from hinge_lib.model.analysis import analyze

    names = list(analyze().muscles)
    return len(names) == 9, f"{len(names)} muscle groups: {', '.join(names)}"


def _check_deadlift_start_most_knee() -> tuple[bool, str]:
    from hinge_lib.course.lessons import lift_table

    hinges = lift_table().query("pattern == 'hinge'")
    top = hinges["knee"].idxmax()
    return top == "conventional_deadlift", f"most knee bend among the hinges: {top}"


def _check_hamstrings_round_the_femoral_head() -> tuple[bool, str]:
    from hinge_lib.model.body import Body
    from hinge_lib.model.muscle_paths import HAMSTRINGS, JOINT_NAMES, moment_arms, scaled_paths
    from hinge_lib.model.references import reference_pose

    body, start = Body(), reference_pose("conventional_deadlift")
    # the hamstrings' wrap on the pelvis, scaled for this body: (kind, body, xy, radius, side)
    head = [r for r in scaled_paths(body)[HAMSTRINGS[0]] if r[:2] == ("wrap", "pelvis")][0]
    radius = head[3] * 1000
    arms = moment_arms({j: np.array([float(getattr(start, j))]) for j in JOINT_NAMES}, body)
    levers = [float(arms[p]["hip"][0]) * 1000 for p in HAMSTRINGS]
    ok = not head[2].any() and all(abs(v - radius) < 0.05 for v in levers)
    return ok, (f"at the deadlift start (hip {start.hip:.0f} deg) the hamstrings' hip levers "
                f"are {', '.join(f'{v:.1f}' for v in levers)} mm: the femoral head's radius, "
                f"{radius:.1f} mm")


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "nine_muscle_groups": _check_nine_muscle_groups,
    "deadlift_start_most_knee_of_hinges": _check_deadlift_start_most_knee,
    "recorded_squats_pass_70": _check_recorded_squats_pass_70,
    "rep_onset_rule": _check_rep_onset_rule,
    "camera_tilt_moves_shins_only": _check_camera_tilt_moves_shins_only,
    "moments_grow_with_load": _check_moments_grow_with_load,
    "checklist_uses_model_checks": _check_checklist_uses_model_checks,
    "lifts_match_expected_patterns": _check_lifts_match_expected_patterns,
    "power_positions_straddle_the_line": _check_power_positions_straddle,
    "two_faults_without_rules": _check_two_faults_without_rules,
    "lying_drills_get_diagrams": _check_lying_drills_get_diagrams,
    "counterweight_8kg": _check_counterweight_8kg,
    "dowel_arch_opens_upper_back": _check_arch_opens_upper_back,
    "spine_zero_is_standing": _check_spine_zero_is_standing,
    "dowel_gaps_zero_at_neutral": _check_dowel_gaps_zero_at_neutral,
    "com_outside_flagged": _check_com_outside_flagged,
    "default_body": _check_default_body,
    "analysis_outputs": _check_analysis_outputs,
    "spine_bend_flagged": _check_spine_bend_flagged,
    "pattern_by_knee_hip_ratio": _check_pattern_by_ratio,
    "knees_forward_rule": _check_knees_forward_rule,
    "dowel_rounding_lifts_head_first": _check_rounding_lifts_head,
    "dowel_head_up_lifts_upper_back": _check_head_up_lifts_upper_back,
    "dowel_sacrum_only_late": _check_sacrum_only_late,
    "lever_arm_peaks_at_horizontal_trunk": _check_lever_peaks_at_horizontal,
    "hip_angle_is_thigh_to_pelvis": _check_hip_is_thigh_to_pelvis,
    "model_kneels": _check_model_kneels,
    "kneeling_knee_range": _check_kneeling_knee_range,
    "squat_pattern_names_shape": _check_squat_shape_not_work,
    "lee2018_one_load": _check_one_load_for_lee,
    "solver_splits_synergists": _check_solver_shares_synergists,
    "flattened_upper_back_named": _check_flattened_upper_back_named,
    "hamstrings_round_the_femoral_head": _check_hamstrings_round_the_femoral_head,
}


def unregistered(paths: Iterable[str | Path]) -> list[str]:
    """Claim sentences of the given notebooks without a register row (for authors)."""
    return [p for p in audit(run_checks=False) if any(Path(x).name in p for x in paths)]
