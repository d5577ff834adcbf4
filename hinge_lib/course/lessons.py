"""Teaching material built from the model and the catalogue: drill cards, the assessment
checklist, lesson plans and practice-time arithmetic.

Used by the coaching notebooks (05-09, 12). Everything here returns plain strings, tuples or
pandas DataFrames so that notebooks can print them (checked by nbval) or show them as
HTML with ``IPython.display.HTML``. pandas is imported inside the functions that need it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from numbers import Real
from typing import Any

from hinge_lib.model.analysis import analyze, analyze_many
from hinge_lib.model.pose import POSE_FIELDS, Pose, joint_limits
from hinge_lib.model.references import analyze_references, reference_pose, reference_positions

#: Drill levels used in data/drills.yaml.
LEVEL_NAMES: Mapping[int, str] = {
    1: "Level 1: beginner (learn the pattern)",
    2: "Level 2: early intermediate (standing, with feedback)",
    3: "Level 3: loaded practice (light weights)",
    4: "Level 4: advanced loaded lifts",
}

_CARD_STYLE = (
    "border:1px solid #888;border-radius:6px;padding:8px 12px;margin:6px 0;"
    "max-width:46em;font-size:0.95em"
)


def _text(value: object) -> str:
    """Escape one catalogue value for HTML; lists become comma-separated text; article keys
    become their titles."""
    from hinge_lib.course.evidence import titled

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(html.escape(titled(str(v))) for v in value)
    return html.escape(titled(" ".join(str(value).split())))


def _as_records(drills: object) -> list[Mapping]:
    """Accept a DataFrame, one mapping or an iterable of mappings."""
    if hasattr(drills, "to_dict") and hasattr(drills, "columns"):
        return list(drills.to_dict("records"))  # type: ignore[union-attr]
    if isinstance(drills, Mapping):
        return [drills]
    if isinstance(drills, Iterable) and not isinstance(drills, (str, bytes)):
        records = list(drills)
        if all(isinstance(r, Mapping) for r in records):
            return records
    raise TypeError(
        "drills must be a DataFrame, a mapping or a list of mappings "
        f"(e.g. hinge_lib.model.catalog.drills()); got {type(drills).__name__}"
    )


def drill_card_html(drill: Mapping) -> str:
    """Render one drill (a row of ``catalog.drills()``) as a small HTML card.

    Shows name, level, position, equipment, setup, numbered steps, what "right" feels like,
    the common error with its fix, the dosage and the sources. Missing fields are skipped.
    """
    if not isinstance(drill, Mapping):
        raise TypeError(f"drill must be a mapping (one catalogue row); got {type(drill).__name__}")
    name = _text(drill.get("name") or drill.get("id") or "Unnamed drill")
    meta = []
    for label, key in (("level", "level"), ("position", "position"), ("equipment", "equipment")):
        value = _text(drill.get(key))
        if value:
            meta.append(f"{label}: {value}")
    parts = [f'<div style="{_CARD_STYLE}"><b>{name}</b>']
    if meta:
        parts.append(f' <span style="color:#555">({"; ".join(meta)})</span>')
    for label, key in (("Setup", "setup"),):
        if _text(drill.get(key)):
            parts.append(f"<br><i>{label}:</i> {_text(drill.get(key))}")
    steps = drill.get("steps")
    if isinstance(steps, (list, tuple)) and steps:
        items = "".join(f"<li>{_text(s)}</li>" for s in steps)
        parts.append(f'<ol style="margin:4px 0">{items}</ol>')
    for label, key in (
        ("Feels right when", "feel"),
        ("Common error", "common_error"),
        ("Fix", "fix"),
        ("Dosage", "dosage"),
        ("Sources", "sources"),
    ):
        value = _text(drill.get(key))
        if value:
            parts.append(f"<div><i>{label}:</i> {value}</div>")
    parts.append("</div>")
    return "".join(parts)


def drill_cards_html(drills: object, by: str = "level") -> str:
    """Render every drill as a card, grouped under a heading per value of ``by``.

    ``drills`` is ``catalog.drills()`` (a DataFrame) or a list of mappings. Groups are sorted;
    levels get the names in ``LEVEL_NAMES``.
    """
    records = _as_records(drills)
    groups: dict[object, list[Mapping]] = {}
    for record in records:
        groups.setdefault(record.get(by), []).append(record)
    out = []
    for key in sorted(groups, key=lambda k: (k is None, str(k))):
        heading = LEVEL_NAMES.get(key, f"{by}: {key}") if by == "level" else f"{by}: {key}"
        out.append(f"<h4>{_text(heading)} ({len(groups[key])} drills)</h4>")
        out.extend(drill_card_html(r) for r in groups[key])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Assessment checklist: what a coach looks at, tied to the model's own checks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    """One line of the assessment checklist (an entry of ``checklist`` in data/lessons.yaml).

    ``name``: the item in a coach's words; ``faults``: model fault codes that must be absent;
    ``dowel``: require all three dowel contacts; ``pattern``: required ``Analysis.pattern``
    (or ``""`` for any); ``balanced``: require the centre of mass over the feet; ``shins``:
    require the shin angle within the knees-forward limit whatever the pattern (the model
    itself raises that fault only in a hinge).
    """

    key: str
    name: str
    look_at: str
    pass_if: str
    sources: tuple[str, ...]
    faults: tuple[str, ...] = ()
    dowel: bool = False
    pattern: str = ""
    balanced: bool = False
    shins: bool = False


@cache
def _doc() -> dict[str, Any]:
    """data/lessons.yaml, checked: every section present, sources and fault codes known."""
    from hinge_lib.model.catalog import fault_codes
    from hinge_lib.model.tables import DataFileError, check_entry, read_yaml, source_keys

    doc = read_yaml("lessons.yaml")
    if not isinstance(doc, dict):
        raise DataFileError("data/lessons.yaml: expected a mapping of sections")
    for section in ("checklist", "lesson_60", "lesson_90_extension", "wall_distances", "doses",
                    "discussion"):
        if not doc.get(section):
            raise DataFileError(f"data/lessons.yaml: section {section!r} is missing or empty")
    for section in ("checklist", "lesson_60", "lesson_90_extension", "wall_distances", "doses"):
        for i, entry in enumerate(doc[section], start=1):
            keys = entry.get("sources") or [entry.get("source")]
            unknown = [k for k in keys if k not in source_keys()]
            if unknown:
                raise DataFileError(f"data/lessons.yaml, {section} entry {i}: unknown source "
                                    f"key(s) {', '.join(map(str, unknown))}")
    seen: set[str] = set()
    for i, item in enumerate(doc["checklist"], start=1):
        where = f"data/lessons.yaml, checklist entry {i}"
        check_entry(item, where, {"key": str, "name": str, "look_at": str, "pass_if": str},
                    id_field="key", seen=seen)
        bad = [c for c in item.get("faults", []) if c not in fault_codes()]
        if bad:
            raise DataFileError(f"{where} ({item['key']!r}), field 'faults': unknown fault "
                                f"code(s) {', '.join(map(str, bad))}")
    return doc


def _checklist() -> tuple[CheckItem, ...]:
    return tuple(
        CheckItem(key=str(e["key"]), name=str(e["name"]), look_at=str(e["look_at"]),
                  pass_if=str(e["pass_if"]), sources=tuple(e.get("sources", ())),
                  faults=tuple(e.get("faults", ())), dowel=bool(e.get("dowel", False)),
                  pattern=str(e.get("pattern", "")), balanced=bool(e.get("balanced", False)),
                  shins=bool(e.get("shins", False)))
        for e in _doc()["checklist"])


#: The assessment checklist, read from data/lessons.yaml.
CHECKLIST: tuple[CheckItem, ...] = _checklist()


_CONTACT_WORDS = {"head": "head", "upper_back": "upper back", "sacrum": "sacrum"}


def _fault_words(code: str) -> str:
    """A fault's name in plain words (data/faults.yaml), never its code."""
    from hinge_lib.model import catalog

    try:
        return catalog.fault_name(code).lower()
    except ValueError:
        return code.replace("_", " ")


def _shin_limit() -> float:
    from hinge_lib.model.patterns import fault_rules

    return next(float(r["threshold"]) for r in fault_rules() if r["code"] == "knees_forward")


def _fault_codes(analysis: object) -> tuple[str, ...]:
    faults = getattr(analysis, "faults", ())
    return tuple(getattr(f, "code", f) for f in faults)


def assess(analysis: object, checklist: Iterable[CheckItem] = CHECKLIST):
    """Score one ``hinge_lib.Analysis`` against the checklist.

    Returns a DataFrame indexed by item key with columns ``look_at``, ``pass_if``,
    ``passed`` (bool) and ``why`` (what the model saw when an item fails; "" when it passes).
    """
    import pandas as pd

    if not hasattr(analysis, "faults") or not hasattr(analysis, "pattern"):
        raise TypeError(
            "assess() needs the result of hinge_lib.analyze(pose); "
            f"got {type(analysis).__name__}"
        )
    codes = set(_fault_codes(analysis))
    rows = []
    for item in checklist:
        why = []
        bad = [c for c in item.faults if c in codes]
        if bad:
            why.append(", ".join(_fault_words(c) for c in bad))
        if item.pattern and analysis.pattern != item.pattern:
            why.append(f"pattern is {analysis.pattern}, not {item.pattern}")
        if item.dowel:
            lost = [k for k, touching in analysis.dowel.items() if not touching]
            if lost:
                why.append("dowel off the " + " and ".join(
                    _CONTACT_WORDS.get(k, k) for k in lost))
        if item.balanced and not analysis.balanced:
            why.append("centre of mass outside the feet")
        if item.shins and not bad:
            limit = _shin_limit()
            if analysis.shin_angle_deg > limit:
                why.append(f"shins tilt {analysis.shin_angle_deg:.0f} deg (limit {limit:g})")
        rows.append(
            {
                "key": item.key,
                "look_at": item.look_at,
                "pass_if": item.pass_if,
                "passed": not why,
                "why": "; ".join(why),
            }
        )
    return pd.DataFrame(rows).set_index("key")


def checklist_html(result) -> str:
    """Render the DataFrame from :func:`assess` as an HTML table with a pass/fail column."""
    names = {i.key: i.name for i in CHECKLIST}
    cells = []
    for key, row in result.iterrows():
        mark = "&#10004; pass" if row["passed"] else "&#10008; " + _text(row["why"])
        colour = "#1a7f37" if row["passed"] else "#b42318"
        cells.append(
            f"<tr><td>{_text(names.get(key, key))}</td><td>{_text(row['look_at'])}</td>"
            f"<td>{_text(row['pass_if'])}</td><td style='color:{colour}'>{mark}</td></tr>"
        )
    head = "<tr><th>item</th><th>look at</th><th>passes if</th><th>result</th></tr>"
    return f"<table>{head}{''.join(cells)}</table>"


def checklist_goal(analysis: object) -> tuple[bool, str]:
    """A pose-task goal: every item of the assessment checklist passes on this pose."""
    result = assess(analysis)
    failed = result[~result["passed"]]
    if failed.empty:
        return True, (f"Every checklist item passes ({len(result)} of {len(result)}): this "
                      "learner is ready to try the same hinge with a light load.")
    first = failed.iloc[0]
    name = next(i.name for i in CHECKLIST if i.key == failed.index[0])
    return False, (f"{len(result) - len(failed)} of {len(result)} items pass. Next to fix: "
                   f"{name.lower()} ({first['why']}); it passes with {first['pass_if']}.")


# --------------------------------------------------------------------------------------------
# Lesson plans and practice time
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One block of a lesson: a title, its length in minutes, what happens and where from."""

    title: str
    minutes: float
    activity: str
    material: str = ""
    sources: tuple[str, ...] = ()


def _positive(field: str, value: object, high: float = 600.0) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{field} must be a number of minutes (0 to {high:g}); got {value!r}")
    if not 0 < float(value) <= high:
        raise ValueError(f"{field} = {value!r} is out of range (more than 0, at most {high:g})")
    return float(value)


def lesson_plan(blocks: Iterable[Block]):
    """Lay blocks end to end: DataFrame with start_min, end_min, minutes, title, activity,
    material and sources. Raises ValueError for a block of zero, negative or non-numeric length.
    """
    import pandas as pd

    rows, clock = [], 0.0
    for i, block in enumerate(blocks):
        if not isinstance(block, Block):
            raise TypeError(f"block {i} must be a lessons.Block; got {type(block).__name__}")
        minutes = _positive(f"block {i} ({block.title!r}) minutes", block.minutes)
        rows.append(
            {
                "start_min": clock,
                "end_min": clock + minutes,
                "minutes": minutes,
                "title": block.title,
                "activity": block.activity,
                "material": block.material,
                "sources": ", ".join(block.sources),
            }
        )
        clock += minutes
    if not rows:
        raise ValueError("a lesson plan needs at least one block")
    return pd.DataFrame(rows)


def _blocks(section: str) -> tuple[Block, ...]:
    return tuple(Block(str(e["title"]), float(e["minutes"]), " ".join(str(e["activity"]).split()),
                       str(e.get("material", "")), tuple(e.get("sources", ())))
                 for e in _doc()[section])


#: A 60-minute first lesson for a small group of beginners (data/lessons.yaml).
LESSON_60: tuple[Block, ...] = _blocks("lesson_60")
#: The blocks that stretch it to 90 minutes, placed before the last block.
LESSON_90_EXTENSION: tuple[Block, ...] = _blocks("lesson_90_extension")


def lesson_90() -> tuple[Block, ...]:
    """The 90-minute version of the first lesson: LESSON_60 with the extension blocks
    inserted before the closing block."""
    return (*LESSON_60[:-1], *LESSON_90_EXTENSION, LESSON_60[-1])


def plan_table(blocks: Iterable[Block]):
    """A lesson plan as learners and teachers read it: start, end, block, what happens, and
    the articles by title (a DataFrame)."""
    from hinge_lib.course.evidence import source_list
    from hinge_lib.course.tables import wrapped

    plan = lesson_plan(blocks)
    return wrapped(plan.assign(sources=[source_list(b.sources) for b in blocks])
                   [["start_min", "end_min", "title", "activity", "sources"]]
                   .rename(columns={"start_min": "from (min)", "end_min": "to (min)",
                                    "title": "block", "activity": "what happens"}), decimals=0)


def practice_minutes(sets: object, reps: object, seconds_per_rep: object,
                     rest_s: object = 0, exercises: object = 1) -> float:
    """Minutes of practice for ``exercises`` drills of ``sets`` x ``reps``.

    ``seconds_per_rep`` (a slow rep takes a few seconds) and ``rest_s`` (rest between sets)
    are the teacher's assumptions, not facts from the articles.
    """
    values = {}
    for field, value, high in (
        ("sets", sets, 50),
        ("reps", reps, 200),
        ("seconds_per_rep", seconds_per_rep, 60),
        ("exercises", exercises, 50),
    ):
        values[field] = _positive(field, value, high)
    if isinstance(rest_s, bool) or not isinstance(rest_s, Real) or not 0 <= rest_s <= 600:
        raise ValueError(f"rest_s must be a number of seconds from 0 to 600; got {rest_s!r}")
    per_exercise = (
        values["sets"] * values["reps"] * values["seconds_per_rep"]
        + (values["sets"] - 1) * float(rest_s)
    )
    return per_exercise * values["exercises"] / 60.0


# --------------------------------------------------------------------------------------------
# Figures and tables computed with the model
# --------------------------------------------------------------------------------------------

#: Axis titles used on every stick-figure plot of the course notebooks.
X_TITLE = "forward of the ankle (m)"
Y_TITLE = "height above the floor (m)"


def pose_plot(analysis: object, title: str, width: int | None = None, ghost: object = None):
    """A static plotly figure of one analysed pose with a title and axis titles in metres;
    ``ghost`` (another Analysis) is drawn faintly behind it for comparison."""
    from hinge_lib.view.figures import pose_figure

    fig = pose_figure(analysis, ghost=ghost, title=title, width=width)
    # room under the x-axis title for the legend the drawing module places below the plot
    fig.update_layout(xaxis_title=X_TITLE, yaxis_title=Y_TITLE, legend={"y": -0.17},
                      height=fig.layout.height + 60, margin={"b": 120})
    return fig


def fault_examples(base: object = None, step_deg: float = 1.0):
    """For every fault the model checks, the smallest change of one joint angle that makes it
    appear, starting from ``base`` (default: the Romanian deadlift reference position).

    Returns a DataFrame indexed by fault code with the joint changed (``field``), the change
    (``change_deg``), the angle at which the fault first shows (``angle_deg``) and the
    triggering pose's six angles (``ankle`` ... ``neck``).
    """
    import numpy as np
    import pandas as pd


    base = reference_pose("romanian_deadlift") if base is None else base
    if not isinstance(base, Pose):
        raise TypeError(f"base must be a hinge_lib.Pose; got {type(base).__name__}")
    step = _positive("step_deg", step_deg, 20)
    start = base.as_dict()
    rows, fields, changes = [], [], []
    for field, (low, high) in joint_limits().items():
        for value in np.arange(low, high + step / 2, step):
            rows.append({**start, field: float(value)})
            fields.append(field)
            changes.append(float(value) - start[field])
    import warnings

    with warnings.catch_warnings():  # poses below the floor are dropped just below
        warnings.simplefilter("ignore")
        out = analyze_many(pd.DataFrame(rows), muscles=False)
    out["field"], out["change_deg"] = fields, changes
    if "below_floor" in out:
        out = out[~out["below_floor"].astype(bool)]
    already = set(_fault_codes(analyze(base)))
    found = []
    for column in [c for c in out.columns if c.startswith("fault_")]:
        code = column[len("fault_"):]
        hits = out[out[column]]
        if code in already or hits.empty:
            continue  # present from the start, or no single joint change shows it
        best = hits.loc[hits["change_deg"].abs().idxmin()]
        found.append({"code": code, "field": best["field"], "change_deg": best["change_deg"],
                      "angle_deg": best[best["field"]],
                      **{f: best[f] for f in POSE_FIELDS}})
    return pd.DataFrame(found).set_index("code")


def lift_table(load_kg: float = 0.0, body: object = None):
    """Every reference position run through the model, each with its own hold (hands, chest,
    back or close to the legs) and the same ``load_kg``: :func:`hinge_lib.analyze_references`
    with the columns the lift notebook reads.

    Columns: name, expected_pattern, hold, pattern, hinge_score, ankle, knee, hip,
    shin_angle_deg, trunk_angle_deg, hip_moment_nm, knee_moment_nm, lumbar_moment_nm,
    hamstring_length_change_mm, balanced, faults.
    """
    cols = ["name", "expected_pattern", "hold", "pattern", "hinge_score", "ankle", "knee", "hip",
            "shin_angle_deg", "trunk_angle_deg", "hip_moment_nm", "knee_moment_nm",
            "lumbar_moment_nm", "hamstring_length_change_mm", "balanced", "faults"]
    return analyze_references(float(load_kg), body=body)[cols]


# --------------------------------------------------------------------------------------------
# The wall drills (seed_001, seed_003) and the practice doses (seed_000, seed_002, seed_004)
# --------------------------------------------------------------------------------------------

INCH_M = 0.0254

#: Heel-to-wall distances named by the articles: (name, inches as they give them, source).
WALL_DISTANCES_IN: tuple[tuple[str, float, str], ...] = tuple(
    (str(e["name"]), float(e["inches"]), str(e["source"])) for e in _doc()["wall_distances"])


def wall_touch_goal(distance_m: float):
    """A pose-task goal: a clean, balanced pose, folded at the hips more than at the knees,
    whose backside (the skin over the sacrum, the landmark on the back of the pelvis) reaches a wall
    ``distance_m`` behind the heels (within 1 cm short to 2 cm past)."""
    distance = _positive("distance_m", distance_m, 1.0)

    def goal(analysis: object) -> tuple[bool, str]:
        heel_x = analysis.base_of_support[0]
        wall_x = heel_x - distance
        gap_cm = (analysis.joints["sacrum"][0] - wall_x) * 100
        if gap_cm > 1.0:
            return False, (f"Your backside is still {gap_cm:.0f} cm short of the wall "
                           f"({distance * 100:.0f} cm behind the heels): lower Ankle so the "
                           "shins tilt back and bend the Knee a little, which carries the hips "
                           "backwards; fold at the Hip only as much as you need to stay "
                           "balanced (more Hip alone tips the backside up, away from the wall).")
        if gap_cm < -2.0:
            return False, (f"You would be {-gap_cm:.0f} cm inside the wall: fold a little "
                           "less, just enough to tap it.")
        if analysis.pattern == "squat" or analysis.pose.hip <= analysis.pose.knee:
            return False, (f"You reach the wall, but the hips ({analysis.pose.hip:.0f}°) do not "
                           f"bend more than the knees ({analysis.pose.knee:.0f}°): fold at the "
                           "Hip and keep the shins near vertical.")
        if not analysis.balanced:
            side = ("in front of the toes" if analysis.com_x_m > analysis.base_of_support[1]
                    else "behind the heels")
            return False, (f"You reach the wall, but the centre of mass is {side}: keep your "
                           "weight over the middle of your feet.")
        if analysis.faults:
            fault = analysis.faults[0]
            return False, f"You reach the wall, but: {fault.message}. Cue: {fault.cue}"
        return True, (f"Tap! The backside reaches the wall {distance * 100:.0f} cm behind the "
                      f"heels with {analysis.pose.hip:.0f} deg of hip flexion, no faults and "
                      "the weight over the feet.")

    goal.__name__ = f"wall_touch_{round(distance * 100)}cm"
    return goal


def wall_poses(distances_m: Iterable[float], body: object = None):
    """For each heel-to-wall distance, the clean pose (not a squat, no faults, balanced,
    neutral spine, trunk not leaning back, hips bent at least as much as the knees) with the
    least hip flexion whose backside reaches the wall.

    A grid search over ankle, knee and hip (2.5 deg steps); ties go to the shin closest to
    vertical, then the least knee bend. Returns a DataFrame indexed by distance_cm with
    pattern, ankle, knee, hip, trunk_angle_deg, hamstring_length_change_mm and reach_cm (how
    far the backside is behind the heels); NaN where no clean pose reaches the wall.
    """
    import numpy as np
    import pandas as pd


    dists = [_positive("distance_m", d, 1.0) for d in distances_m]
    hip, knee, ankle = np.meshgrid(np.arange(0, 130.1, 2.5), np.arange(0, 40.1, 2.5),
                                   np.arange(-15, 15.1, 2.5), indexing="ij")
    grid = pd.DataFrame({"ankle": ankle.ravel(), "knee": knee.ravel(), "hip": hip.ravel()})
    import warnings

    with warnings.catch_warnings():  # grid corners below the floor are dropped just below
        warnings.simplefilter("ignore")
        out = analyze_many(grid, body=body, muscles=False)
    if "below_floor" in out:
        out = out[~out["below_floor"].astype(bool)]
    clean = out[out["pattern"].isin(["upright", "hinge"]) & out["balanced"]
                & (out["faults"].map(len) == 0) & (out["trunk_angle_deg"] >= 0)
                & (out["hip"] >= out["knee"])].copy()
    clean["reach_cm"] = (clean["heel_x_m"] - clean["sacrum_x_m"]) * 100
    clean["abs_ankle"] = clean["ankle"].abs()
    numbers = ("ankle", "knee", "hip", "trunk_angle_deg", "hamstring_length_change_mm",
               "reach_cm")
    rows = []
    for d in dists:
        ok = clean[clean["reach_cm"] >= d * 100 - 1.0]
        row = {"distance_cm": round(d * 100, 1)}
        if ok.empty:
            row.update({"pattern": "none", **{k: float("nan") for k in numbers}})
        else:
            best = ok.sort_values(["hip", "abs_ankle", "knee"]).iloc[0]
            row.update({"pattern": best["pattern"], **{k: float(best[k]) for k in numbers}})
        rows.append(row)
    return pd.DataFrame(rows).set_index("distance_cm")


@dataclass(frozen=True)
class Dose:
    """One article's practice dose for hinge drills."""

    source: str
    setting: str
    sets: tuple[int, int]
    reps: tuple[int, int]
    exercises: int = 1
    minutes: tuple[float, float] | None = None


#: The three doses the articles give (data/lessons.yaml; see the dosage disagreement).
DOSES: tuple[Dose, ...] = tuple(
    Dose(str(e["source"]), str(e["setting"]), tuple(e.get("sets", (0, 0))),
         tuple(e.get("reps", (0, 0))), int(e.get("exercises", 1)),
         tuple(e["minutes"]) if e.get("minutes") else None)
    for e in _doc()["doses"])


def dose_table(seconds_per_rep: float = 4.0, rest_s: float = 30.0):
    """The three doses side by side: total reps and minutes of practice. Reps are counted for
    the rep-based doses; minutes use ``seconds_per_rep`` and ``rest_s`` (the teacher's
    assumptions) for those, and the article's own minutes for the time-based dose."""
    import pandas as pd

    rows = []
    for dose in DOSES:
        if dose.minutes is not None:
            low, high = dose.minutes
            reps = (float("nan"), float("nan"))
        else:
            reps = tuple(s * r * dose.exercises for s, r in zip(dose.sets, dose.reps,
                                                                   strict=True))
            low, high = (practice_minutes(s, r, seconds_per_rep, rest_s, dose.exercises)
                         for s, r in zip(dose.sets, dose.reps, strict=True))
        rows.append({"source": dose.source, "setting": dose.setting, "reps_min": reps[0],
                     "reps_max": reps[1], "minutes_min": low, "minutes_max": high})
    return pd.DataFrame(rows).set_index("source")


# --------------------------------------------------------------------------------------------
# Answer keys for the instructor guide
# --------------------------------------------------------------------------------------------

def _candidate_poses(start: object, first: Iterable[Pose] = ()):
    """Poses to try, in order, when looking for a solution to a pose goal."""
    import itertools

    if isinstance(start, Pose):
        yield start
    yield from first
    # A teaching answer first: a mid-depth hinge with soft knees, as a coach would show it.
    for hip, knee, ankle in itertools.product((90, 100, 80, 110, 70, 60), (15, 20, 10, 25),
                                              (0, -5, 5, -10)):
        yield Pose(ankle=ankle, knee=knee, hip=hip)
    for key in reference_positions().index:
        yield reference_pose(key)
    rdl = reference_pose("romanian_deadlift")
    for change in ({"lumbar": 20}, {"lumbar": -15}, {"thoracic": 20}, {"neck": -25},
                   {"ankle": 20}, {"knee": 2}, {"hip": 120, "knee": 0, "ankle": 0}):
        yield rdl.replace(**change)
    for ankle, knee, hip in itertools.product((-5, -2.5, 0), (0, 2.5, 5), range(0, 31, 3)):
        yield Pose(ankle=ankle, knee=knee, hip=hip)
    for ankle, knee, hip in itertools.product((-10, 0, 10, 20, 30), range(0, 121, 15),
                                              range(0, 121, 15)):
        yield Pose(ankle=ankle, knee=knee, hip=hip)


def solve_pose_goal(goal: object, start: object = None, load_kg: float = 0.0,
                    hold: str = "hands", first: Iterable[Pose] = ()):
    """Find a pose that meets a pose-task goal (a key of ``selfcheck.GOALS`` or a callable).

    Tries the start pose, then the poses in ``first``, a mid-depth hinge grid, the reference
    positions, a few variants of the Romanian deadlift and two grids. Returns
    ``(pose, message)`` or ``(None, reason)`` when nothing tried works.
    """
    from hinge_lib.course import selfcheck

    if isinstance(start, str):
        start = reference_pose(start)
    for pose in _candidate_poses(start, first):
        try:
            feedback = selfcheck.check_pose(goal, analyze(pose, load_kg=load_kg, hold=hold))
        except ValueError:
            continue
        if feedback.ok:
            return pose, feedback.message
    return None, "no simple pose found; solve it in the explorer"


def _teaching_answers(q: Mapping[str, Any]) -> list[Pose]:
    """The answer a lesson teaches for a pose task, tried before any other: for a wall task,
    the clean pose with the least hip flexion that reaches that wall (:func:`wall_poses`)."""
    if q.get("goal") != "wall_touch":
        return []
    row = wall_poses([float(q["goal_args"]["distance_in"]) * INCH_M]).iloc[0]
    if any(math.isnan(float(row[f])) for f in ("ankle", "knee", "hip")):
        return []
    return [Pose(ankle=float(row["ankle"]), knee=float(row["knee"]), hip=float(row["hip"]))]


def _pose_text(pose: object) -> str:

    parts = [f"{f} {getattr(pose, f):g}" for f in POSE_FIELDS if getattr(pose, f)]
    return "Pose(" + ", ".join(parts) + ")" if parts else "standing (all 0)"


def _notebook_number(notebook: object) -> str:
    from pathlib import Path

    name = Path(str(notebook)).name
    if len(name) < 2 or not name[:2].isdigit():
        raise ValueError(f"notebook must be a course notebook such as '04' or "
                         f"'04-neutral-spine-and-the-dowel.ipynb'; got {notebook!r}")
    return name[:2]


def answer_key(notebook: object):
    """Every self-check of a course notebook with its answer, read from the question bank
    (data/questions.yaml) without running the notebook.

    Choice and prediction answers are the right options; number answers are computed by the
    model; pose tasks are answered with a pose found by :func:`solve_pose_goal` (any pose the
    check accepts is right). Returns a DataFrame with columns id, kind, question, answer and
    why.
    """
    import pandas as pd

    from hinge_lib.course import questions, selfcheck

    rows = []
    for q in questions.for_notebook(_notebook_number(notebook)):
        why = q.get("explanation", "")
        if q["kind"] in ("choice", "multi"):
            right = q["answer"] if q["kind"] == "multi" else [q["answer"]]
            why = " ".join(str(q["explanations"][i]) for i in right)
        if q["kind"] == "pose":
            goal = selfcheck.task_goal(q)
            start = questions.model_pose(q, "start") if q.get("start") is not None else None
            found, why = solve_pose_goal(goal, start, float(q.get("load_kg", 0.0)),
                                         q.get("hold", "hands"), _teaching_answers(q))
            answer = _pose_text(found) if found is not None else "-"
        else:
            answer = questions.answer_text(q)
        rows.append({"id": q["id"], "kind": q["kind"], "question": " ".join(q["prompt"].split()),
                     "answer": answer, "why": " ".join(str(why).split())})
    return pd.DataFrame(rows, columns=["id", "kind", "question", "answer", "why"])


def answer_key_html(notebook: str) -> str:
    """The answer key of one course notebook as an HTML table (see :func:`answer_key`)."""
    from hinge_lib.course.evidence import HTMLText

    key = answer_key(notebook)
    if key.empty:
        return HTMLText(f"<p><i>Notebook {html.escape(_notebook_number(notebook))} has no "
                        "self-checks.</i></p>")
    rows = "".join(
        f"<tr><td>{_text(row.kind)}</td><td>{_text(row.question)}</td>"
        f"<td><b>{_text(row.answer)}</b></td><td>{_text(row.why)}</td></tr>"
        for row in key.itertuples())
    head = "<tr><th>kind</th><th>question</th><th>answer</th><th>why</th></tr>"
    return HTMLText(f"<table>{head}{rows}</table>")


def discussion_html(notebook: str) -> str:
    """The discussion questions of one notebook, with notes for the instructor
    (data/lessons.yaml, section ``discussion``)."""
    from hinge_lib.course.evidence import HTMLText, titled

    items = _doc()["discussion"].get(_notebook_number(notebook)) or []
    if not items:
        return HTMLText("<p><i>No discussion questions for this notebook.</i></p>")
    rows = "".join(f"<li><b>{html.escape(titled(i['question']))}</b><br><i>Notes:</i> "
                   f"{html.escape(titled(' '.join(str(i['notes']).split())))}</li>"
                   for i in items)
    return HTMLText(f"<ol>{rows}</ol>")
