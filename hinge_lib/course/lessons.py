"""Teaching material built from the model and the catalogue: drill cards, the assessment
checklist, lesson plans and practice-time arithmetic.

Used by the coaching notebooks (05-09, 12). Everything here returns plain strings, tuples or
pandas DataFrames so that notebooks can print them (``# NBVAL_CHECK_OUTPUT``) or show them as
HTML with ``IPython.display.HTML``. pandas is imported inside the functions that need it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Real

from hinge_lib.model.analysis import analyze, analyze_many
from hinge_lib.model.pose import POSE_FIELDS, Pose, joint_limits
from hinge_lib.model.references import reference_pose, reference_positions

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
    """Escape one catalogue value for HTML; lists become comma-separated text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(html.escape(str(v)) for v in value)
    return html.escape(str(value).strip())


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
    """One line of the assessment checklist.

    ``faults``: model fault codes that must be absent; ``dowel``: require all three dowel
    contacts; ``pattern``: required ``Analysis.pattern`` (or ``""`` for any);
    ``balanced``: require the centre of mass over the feet; ``shins``: require the shin angle
    within the knees_forward limit of data/fault_rules.csv whatever the pattern (the model
    itself raises that fault only in a hinge).
    """

    key: str
    look_at: str
    pass_if: str
    sources: tuple[str, ...]
    faults: tuple[str, ...] = ()
    dowel: bool = False
    pattern: str = ""
    balanced: bool = False
    shins: bool = False


CHECKLIST: tuple[CheckItem, ...] = (
    CheckItem(
        "hips_lead",
        "Side view: do the hips travel back before the knees bend?",
        "the model calls the pose a hinge",
        ("seed_003", "seed_000"),
        pattern="hinge",
    ),
    CheckItem(
        "shins",
        "Side view: the shins, from knee to ankle.",
        "shins close to vertical (within the model's knees_forward limit)",
        ("seed_002", "seed_003"),
        faults=("knees_forward",),
        shins=True,
    ),
    CheckItem(
        "soft_knees",
        "Side view: the back of the knee.",
        "a soft knee, not locked straight (no locked_knees fault)",
        ("seed_004",),
        faults=("locked_knees",),
    ),
    CheckItem(
        "lower_back",
        "Side view: the belt line and lower back.",
        "neither rounded nor over-arched (no rounded_lower_back or arched_lower_back fault)",
        ("seed_000", "seed_003"),
        faults=("rounded_lower_back", "arched_lower_back"),
    ),
    CheckItem(
        "upper_back",
        "Side view: upper back and shoulders.",
        "shoulders set back, upper back not slumped (no rounded_upper_back fault)",
        ("seed_001", "seed_003"),
        faults=("rounded_upper_back",),
    ),
    CheckItem(
        "head",
        "Side view: head and eyes.",
        "head in line with the trunk, eyes towards the floor ahead (no head_up fault)",
        ("seed_001",),
        faults=("head_up",),
    ),
    CheckItem(
        "dowel",
        "A dowel laid along the back.",
        "touches the head, upper back and sacrum all at once",
        ("seed_000", "seed_001", "seed_002"),
        dowel=True,
    ),
    CheckItem(
        "balance",
        "Front-to-back balance: is the weight over the feet, not the toes?",
        "centre of mass over the feet (balanced; no com_outside_base fault)",
        ("seed_001",),
        faults=("com_outside_base",),
        balanced=True,
    ),
)


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
            why.append("model fault: " + ", ".join(bad))
        if item.pattern and analysis.pattern != item.pattern:
            why.append(f"pattern is {analysis.pattern}, not {item.pattern}")
        if item.dowel:
            lost = [k for k, touching in analysis.dowel.items() if not touching]
            if lost:
                why.append("dowel off: " + ", ".join(lost))
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
    cells = []
    for key, row in result.iterrows():
        mark = "&#10004; pass" if row["passed"] else "&#10008; " + _text(row["why"])
        colour = "#1a7f37" if row["passed"] else "#b42318"
        cells.append(
            f"<tr><td>{_text(key)}</td><td>{_text(row['look_at'])}</td>"
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
    return False, (f"{len(result) - len(failed)} of {len(result)} items pass. Next to fix: "
                   f"{failed.index[0]} ({first['why']}); it passes if {first['pass_if']}.")


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


#: A 60-minute first lesson for a small group of beginners, built on the three-stage plan
#: (seed_004) and the kneeling-to-standing progression (seed_002).
LESSON_60: tuple[Block, ...] = (
    Block("Welcome and screen", 5, "Everyone hinges once, unloaded, side-on; note who rounds, "
          "who squats, who looks up. No coaching yet.", "assessment checklist (08)",
          ("seed_004",)),
    Block("Warm-up and mobility", 8, "General warm-up, then hip and spine mobility: "
          "glute bridge holds and cat-cow.", "glute_bridge_to_cat_cow", ("seed_003", "seed_004")),
    Block("Kneeling patterning", 8, "Kneeling three-point dowel hinge, then kneeling "
          "bell-behind-back hinge: the hips move, the shins cannot.",
          "kneeling_three_point_dowel_hinge, kneeling_kettlebell_behind_back_hinge",
          ("seed_002",)),
    Block("Standing with feedback", 12, "Standing dowel hinge, hands in the hip crease, wall "
          "drill; pick one wall distance per learner.",
          "standing_three_point_dowel_hinge, hands_in_hip_crease, wall_tap_hinge",
          ("seed_000", "seed_001", "seed_002", "seed_003")),
    Block("Cue practice", 12, "Side-on to a mirror or phone video; one or two cues per set "
          "from the stage-1 list.", "mirror_hinge_practice", ("seed_004",)),
    Block("Light loading", 10, "Light kettlebell deadlift, bell close; only for learners "
          "who passed the checklist unloaded.", "kettlebell_hinge_setup, close_kettlebell_deadlift",
          ("seed_003", "seed_004")),
    Block("Re-screen and homework", 5, "Hinge once more side-on and compare with the first "
          "screen; give the warm-up dose to take home.", "assessment checklist (08)",
          ("seed_002", "seed_004")),
)


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
    out = analyze_many(pd.DataFrame(rows))
    out["field"], out["change_deg"] = fields, changes
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
    """Every reference position of data/reference_positions.csv run through the model, each with
    its own hold (hands, chest or back) and the same ``load_kg``.

    Columns: name, expected_pattern, pattern, hinge_score, ankle, knee, hip, shin_angle_deg,
    trunk_angle_deg, hip_moment_nm, knee_moment_nm, lumbar_moment_nm,
    hamstring_length_change_mm, balanced, faults.
    """
    import pandas as pd


    ref = reference_positions()
    parts = []
    for hold, group in ref.groupby("hold", sort=False):
        parts.append(analyze_many(group[list(POSE_FIELDS)], body=body, load_kg=load_kg,
                                     hold=str(hold)))
    out = pd.concat(parts).loc[ref.index]
    cols = ["pattern", "hinge_score", "ankle", "knee", "hip", "shin_angle_deg",
            "trunk_angle_deg", "hip_moment_nm", "knee_moment_nm", "lumbar_moment_nm",
            "hamstring_length_change_mm", "balanced", "faults"]
    table = ref[["name", "expected_pattern", "hold"]].join(out[cols])
    return table


# --------------------------------------------------------------------------------------------
# The wall drills (seed_001, seed_003) and the practice doses (seed_000, seed_002, seed_004)
# --------------------------------------------------------------------------------------------

INCH_M = 0.0254

#: Heel-to-wall distances named by the articles, in inches as they give them.
WALL_DISTANCES_IN: tuple[tuple[str, float, str], ...] = (
    ("wall tap, closest", 2, "seed_003"),
    ("wall tap, farthest", 3, "seed_003"),
    ("wall drill, start", 6, "seed_001"),
    ("wall drill, one step out", 8, "seed_001"),
    ("wall drill, two steps out", 10, "seed_001"),
    ("wall drill, three steps out", 12, "seed_001"),
)


def wall_touch_goal(distance_m: float):
    """A pose-task goal: a clean, balanced pose, folded at the hips more than at the knees,
    whose backside (the skin over the sacrum, the model's rearmost landmark) reaches a wall
    ``distance_m`` behind the heels (within 1 cm short to 2 cm past)."""
    distance = _positive("distance_m", distance_m, 1.0)

    def goal(analysis: object) -> tuple[bool, str]:
        heel_x = analysis.base_of_support[0]
        wall_x = heel_x - distance
        gap_cm = (analysis.joints["sacrum"][0] - wall_x) * 100
        if gap_cm > 1.0:
            return False, (f"Your backside is still {gap_cm:.0f} cm short of the wall "
                           f"({distance * 100:.0f} cm behind the heels): more Hip, and let "
                           "the Ankle tilt back a touch so the hips travel backwards.")
        if gap_cm < -2.0:
            return False, (f"You would be {-gap_cm:.0f} cm inside the wall: fold a little "
                           "less, just enough to tap it.")
        if analysis.pattern == "squat" or analysis.pose.knee > analysis.pose.hip:
            return False, ("You reach the wall, but the knees are doing the work: bend the "
                           "hips more than the knees and keep the shins near vertical.")
        if analysis.faults:
            fault = analysis.faults[0]
            return False, f"You reach the wall, but: {fault.message}. Cue: {fault.cue}"
        if not analysis.balanced:
            return False, "You reach the wall, but the centre of mass is outside the feet."
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
    out = analyze_many(grid, body=body)
    clean = out[(out["pattern"] != "squat") & out["balanced"] & (out["faults"].map(len) == 0)
                & (out["trunk_angle_deg"] >= 0) & (out["hip"] >= out["knee"])].copy()
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


#: The three doses the articles give (see the `dosage` disagreement in data/cues.yaml).
DOSES: tuple[Dose, ...] = (
    Dose("seed_000", "primer right before kettlebell swings", (1, 1), (5, 10)),
    Dose("seed_002", "warm-up, each of the four kneeling/standing drills", (2, 2), (10, 10),
         exercises=4),
    Dose("seed_004", "stage-1 cue practice after the warm-up", (0, 0), (0, 0),
         minutes=(15, 20)),
)


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

_BUILDERS = ("choice_question", "number_question", "pose_task")


def _candidate_poses(start: object):
    """Poses to try, in order, when looking for a solution to a pose goal."""
    import itertools


    if isinstance(start, Pose):
        yield start
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
                    hold: str = "hands"):
    """Find a pose that meets a pose-task goal (a key of ``selfcheck.GOALS`` or a callable).

    Tries the start pose, the reference positions, a few variants of the Romanian deadlift and
    two grids. Returns ``(pose, message)`` or ``(None, reason)`` when nothing tried works.
    """
    from hinge_lib.course import selfcheck

    if isinstance(start, str):
        start = reference_pose(start)
    for pose in _candidate_poses(start):
        try:
            feedback = selfcheck.check_pose(goal, analyze(pose, load_kg=load_kg, hold=hold))
        except ValueError:
            continue
        if feedback.ok:
            return pose, feedback.message
    return None, "no simple pose found; solve it in the explorer"


def _pose_text(pose: object) -> str:

    parts = [f"{f} {getattr(pose, f):g}" for f in POSE_FIELDS if getattr(pose, f)]
    return "Pose(" + ", ".join(parts) + ")" if parts else "standing (all 0)"


def answer_key(notebook: object):
    """Every self-check of a course notebook with its answer.

    Runs each code cell that builds a ``choice_question``, ``number_question`` or
    ``pose_task``, with those builders replaced by recorders (no widgets are made). Pose tasks
    are answered with :func:`solve_pose_goal`. Returns a DataFrame with columns cell, kind,
    question, answer and why. A cell that cannot run on its own is listed with kind "see
    notebook".
    """
    import contextlib
    import io
    import json
    from pathlib import Path
    from unittest import mock

    import pandas as pd

    from hinge_lib.course import selfcheck

    path = Path(notebook)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    rows: list[dict] = []

    def choice(question, options, correct, explanations=None):
        multiple = isinstance(correct, (list, tuple))
        right = list(correct) if multiple else [correct]
        rows.append({"kind": "choice", "question": question,
                     "answer": " + ".join(str(options[i]) for i in right),
                     "why": " ".join(explanations[i] for i in right) if explanations else ""})

    def number(question, answer, tolerance, unit="", explanation=""):
        unit = f" {unit}" if unit else ""
        rows.append({"kind": "number", "question": question,
                     "answer": f"{answer:g}{unit} (accepts ±{tolerance:g})", "why": explanation})

    def pose(prompt, goal, start=None, **kwargs):
        found, message = solve_pose_goal(goal, start, kwargs.get("load_kg", 0.0),
                                         kwargs.get("hold", "hands"))
        name = goal if isinstance(goal, str) else getattr(goal, "__name__", "custom goal")
        load = f", {kwargs['load_kg']:g} kg" if kwargs.get("load_kg") else ""
        rows.append({"kind": "pose", "question": f"{prompt} [goal: {name}{load}]",
                     "answer": _pose_text(found) if found is not None else "-",
                     "why": message})

    for index, cell in enumerate(cells):
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") != "code" or not any(b + "(" in source for b in _BUILDERS):
            continue
        before = len(rows)
        with mock.patch.multiple(selfcheck, choice_question=choice, number_question=number,
                                 pose_task=pose), contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(source, f"{path.name} cell {index}", "exec"), {})  # noqa: S102
            except Exception as err:  # noqa: BLE001
                rows.append({"kind": "see notebook", "question": f"cell {index}",
                             "answer": "-", "why": f"{type(err).__name__}: {err}"})
        for row in rows[before:]:
            row["cell"] = index
    columns = ["cell", "kind", "question", "answer", "why"]
    return pd.DataFrame(rows, columns=columns)


def answer_key_html(notebook: str) -> str:
    """The answer key of one course notebook as an HTML table (see :func:`answer_key`).

    ``notebook`` is a file name such as ``"05-faults-and-cues.ipynb"``, looked up in the
    course's notebooks folder, or a path.
    """
    from pathlib import Path

    path = Path(notebook)
    if not path.exists():
        path = Path(__file__).resolve().parent.parent / "notebooks" / Path(notebook).name
    if not path.exists():
        return f"<p><i>{html.escape(str(notebook))}: notebook not found.</i></p>"
    key = answer_key(path)
    if key.empty:
        return f"<p><i>{html.escape(path.name)} has no self-check widgets.</i></p>"
    rows = "".join(
        f"<tr><td>{row.cell}</td><td>{_text(row.kind)}</td><td>{_text(row.question)}</td>"
        f"<td><b>{_text(row.answer)}</b></td><td>{_text(row.why)}</td></tr>"
        for row in key.itertuples())
    head = "<tr><th>cell</th><th>kind</th><th>question</th><th>answer</th><th>why</th></tr>"
    return f"<table>{head}{rows}</table>"
