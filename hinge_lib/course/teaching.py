"""Teaching helpers for the course notebooks: the sweeps, tables and catalogue views that
notebooks 00-09 show, so that their code cells only call the library.

Every function returns plain data (DataFrames, dicts of DataFrames, lists of strings) or a
displayable object (Markdown or HTML); learners see article titles, never internal keys.

Examples
--------
>>> from hinge_lib.course import teaching
>>> ladders = teaching.progression_ladders()
>>> any("Kneeling" in ladder for ladder in ladders)
True
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hinge_lib.course.evidence import HTMLText, source_list, titled
from hinge_lib.course.tables import wrapped
from hinge_lib.model import catalog
from hinge_lib.model.analysis import analyze, analyze_many
from hinge_lib.model.pose import POSE_FIELDS, Pose
from hinge_lib.model.references import reference_pose, reference_positions


class MarkdownText(str):
    """A string of Markdown that Jupyter renders when it is a cell's last value."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _clean(text: Any) -> str:
    return titled(" ".join(str(text).split()), "markdown")


# ------------------------------------------------------------------------------------------
# sweeps
# ------------------------------------------------------------------------------------------


def hinge_and_spine_bend(steps: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two ways of bending forward, swept from standing: a hinge to the Romanian deadlift
    bottom, and a spine bend (knee 10, hip 30, lumbar 45, thoracic 35 at the end)."""
    rdl = reference_pose("romanian_deadlift")
    t = np.linspace(0, 1, steps)
    hinge = pd.DataFrame({"ankle": rdl.ankle * t, "knee": rdl.knee * t, "hip": rdl.hip * t})
    bend = pd.DataFrame({"knee": 10 * t, "hip": 30 * t, "lumbar": 45 * t, "thoracic": 35 * t})
    return analyze_many(hinge, muscles=False), analyze_many(bend, muscles=False)


#: The spine bend used in notebook 01.
SPINE_BEND = Pose(knee=10, hip=30, lumbar=45, thoracic=35)


def hips_stay_or_go_back(steps: int = 18) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hip flexion swept to Romanian deadlift depth with the hips kept over the ankles
    (knee and ankle 0), and with knee and ankle moving in step to the Romanian deadlift."""
    rdl = reference_pose("romanian_deadlift")
    t = np.linspace(0, 1, steps)
    stay = analyze_many(pd.DataFrame({"hip": rdl.hip * t}), muscles=False)
    back = analyze_many(pd.DataFrame({"ankle": rdl.ankle * t, "knee": rdl.knee * t,
                                      "hip": rdl.hip * t}), muscles=False)
    return stay, back


def hips_back_with_loads(loads_kg: Sequence[float] = (0, 8, 16), shift_deg: float = 20
                         ) -> dict[float, pd.DataFrame]:
    """The Romanian deadlift's hip and knee angles with the shins tilted back degree by
    degree (hips further and further back), for each load in the hands."""
    rdl = reference_pose("romanian_deadlift")
    shin = np.arange(rdl.ankle, max(rdl.ankle - shift_deg, -40.0) - 1, -1.0)
    poses = pd.DataFrame({"ankle": shin, "knee": rdl.knee, "hip": rdl.hip})
    return {float(kg): analyze_many(poses, load_kg=float(kg), muscles=False) for kg in loads_kg}


def room_behind(by_load: Mapping[float, pd.DataFrame]) -> pd.Series:
    """For each load, how far (cm) the hips can go behind the ankle before the centre of mass
    passes the heels."""
    return pd.Series({kg: float(-res[res["balanced"]]["hip_x_m"].min() * 100)
                      for kg, res in by_load.items()}, name="hips behind the ankle (cm)")


def spine_sweeps(base: Pose | None = None) -> dict[str, pd.DataFrame]:
    """Each spine slider moved through its range from ``base`` (default: Romanian deadlift),
    one at a time: ``{"lumbar": ..., "thoracic": ..., "neck": ...}``."""
    base = reference_pose("romanian_deadlift") if base is None else base
    start = base.as_dict()
    steps = {"lumbar": range(-30, 31, 10), "thoracic": range(-20, 41, 10),
             "neck": range(-40, 41, 10)}
    out = {}
    for field, values in steps.items():
        poses = pd.DataFrame([{**start, field: float(v)} for v in values])
        out[field] = analyze_many(poses, muscles=False)
    return out


_CONTACTS = {"dowel_head": "head", "dowel_upper_back": "upper back", "dowel_sacrum": "sacrum"}
_GAPS = {"dowel_gap_head_mm": "gap head (mm)", "dowel_gap_upper_back_mm": "gap upper back (mm)",
         "dowel_gap_sacrum_mm": "gap sacrum (mm)"}


def fault_names(codes: Iterable[str]) -> str:
    """Fault codes as plain names, e.g. "rounded lower back, head tipped up" (or "none")."""
    names = [catalog.fault_name(c).lower() for c in codes]
    return ", ".join(names) or "none"


def silent_lost_contacts(sweeps: Mapping[str, pd.DataFrame]) -> list[tuple[str, float, str]]:
    """(slider, angle, contact) for every swept pose that loses a dowel contact without a
    fault; empty when every lost contact is named (see :func:`spine_sweeps`)."""
    return [(field, float(row[field]), name)
            for field, table in sweeps.items() for _, row in table.iterrows()
            for col, name in _CONTACTS.items() if not row[col] and not row["faults"]]


def dowel_table(results: pd.DataFrame, index: Any = None) -> pd.DataFrame:
    """Dowel contacts (held / lost), gaps in mm and faults in words for analysed poses."""
    table = pd.DataFrame(index=results.index if index is None else index)
    for col, name in _CONTACTS.items():
        table[name] = np.where(results[col].to_numpy(), "held", "LOST")
    for col, name in _GAPS.items():
        table[name] = results[col].round(0).to_numpy()
    table["faults"] = [fault_names(f) for f in results["faults"]]
    return table


def spine_sweep_table(sweeps: Mapping[str, pd.DataFrame], field: str) -> pd.DataFrame:
    """The dowel table of one spine sweep, indexed by the slider value."""
    res = sweeps[field]
    return dowel_table(res, pd.Index(res[field].round(0), name=f"{field} (deg)"))


def first_change(sweeps: Mapping[str, pd.DataFrame], field: str, column: str) -> float:
    """The smallest rounding (positive) value of ``field`` at which the dowel column
    ``column`` (e.g. "dowel_head") first reads 'lost' (NaN when it never does)."""
    res = sweeps[field]
    lost = res[(res[field] > 0) & ~res[column]]
    return float(lost[field].min()) if not lost.empty else float("nan")


def pose_variants(versions: Mapping[str, Pose]) -> pd.DataFrame:
    """Named poses side by side: their spine angles, dowel contacts and faults."""
    res = analyze_many(pd.DataFrame([p.as_dict() for p in versions.values()],
                                    index=list(versions)), muscles=False)
    table = dowel_table(res)
    for field in ("neck", "thoracic", "lumbar"):
        table.insert(0, f"{field} (deg)", res[field].round(0).to_numpy())
    return table


# ------------------------------------------------------------------------------------------
# faults and cues
# ------------------------------------------------------------------------------------------


def fault_table() -> pd.DataFrame:
    """Every fault of the catalogue: its name, whether the model sees it in a still pose, and
    its articles by title."""
    from hinge_lib.model.patterns import fault_rules

    model_codes = {rule["code"] for rule in fault_rules()}
    faults = catalog.faults()
    return wrapped(pd.DataFrame({
        "fault": faults["name"].to_numpy(),
        "seen by the model": ["yes" if c in model_codes else "no" for c in faults.index],
        "articles": [source_list([s for s in src if s != "model"]) for src in faults["sources"]],
    }))


def fault_examples_table(examples: pd.DataFrame) -> pd.DataFrame:
    """``lessons.fault_examples()`` in words: fault name, joint changed, change and angle."""
    return pd.DataFrame({
        "fault": [catalog.fault_name(c) for c in examples.index],
        "joint changed": examples["field"].to_numpy(),
        "change (deg)": examples["change_deg"].round(1).to_numpy(),
        "angle where it shows (deg)": examples["angle_deg"].round(1).to_numpy(),
    })


def show_fault_gallery(width: int = 420) -> None:
    """Display, for every fault the model checks, its smallest one-joint example next to the
    clean Romanian deadlift (faint), with the model's message and cue."""
    from IPython.display import Markdown, display

    from hinge_lib.course.lessons import fault_examples, pose_plot

    clean = analyze(reference_pose("romanian_deadlift"))
    for code, row in fault_examples().iterrows():
        a = analyze(Pose(**{f: row[f] for f in POSE_FIELDS}))
        fault = next(f for f in a.faults if f.code == code)
        name = catalog.fault_name(code)
        display(Markdown(f"**{name}** ({row['field']} {row['angle_deg']:+.0f}°): "
                         f"{fault.message}. *Cue:* “{fault.cue}”"))
        pose_plot(a, f"{name} (faint: clean hinge)", width=width, ghost=clean).show()


def faults_a_photo_cannot_show() -> MarkdownText:
    """The two catalogue faults the model cannot see in a still pose, with how to see them
    and their fix."""
    faults = catalog.faults()
    parts = []
    for code in ("knees_first", "synergist_dominance"):
        row = faults.loc[code]
        parts.append(f"**{row['name']}** ({source_list(row['sources'], 'markdown')})\n\n"
                     f"*How to see it:* {_clean(row['how_to_see'])}\n\n"
                     f"*Fix:* {_clean(row['fix'])}")
    return MarkdownText("\n\n".join(parts))


def fault_cue_drill_html() -> HTMLText:
    """A table: each fault, its first cue and the drills that give outside feedback."""
    faults, drills = catalog.faults(), catalog.drills()
    rows = "".join(
        f"<tr><td>{html.escape(f['name'])}</td><td>“{html.escape(catalog.cue_for(code))}”</td>"
        f"<td>{html.escape(', '.join(drills.loc[d, 'name'] for d in f['drills']))}</td></tr>"
        for code, f in faults.iterrows())
    return HTMLText("<table><tr><th>fault</th><th>first cue</th>"
                    f"<th>drills that give feedback</th></tr>{rows}</table>")


def cue_table() -> pd.DataFrame:
    """Every cue of the catalogue with the faults it targets (in words) and its articles."""
    cues = catalog.cues()
    return wrapped(pd.DataFrame({
        "cue": cues["text"].to_numpy(),
        "targets": [fault_names(f) for f in cues["fixes"]],
        "articles": [source_list([s for s in src if s != "model"]) or "the course's model"
                     for src in cues["sources"]],
    }, index=cues.index), {"id": "cue id"})


def disagreement(disagreement_id: str) -> MarkdownText:
    """One point where the articles disagree: the topic, each side with its article titles,
    and why both may be right."""
    found = [d for d in catalog.disagreements() if d["id"] == disagreement_id]
    if not found:
        known = ", ".join(d["id"] for d in catalog.disagreements())
        raise ValueError(f"no disagreement {disagreement_id!r}; known: {known}")
    d = found[0]
    sides = "\n".join(f"- *{source_list(p['sources'])}:* {_clean(p['claim'])}"
                      for p in d["positions"])
    return MarkdownText(f"**{d['topic']}**\n\n{sides}\n\n*Why both:* {_clean(d['why_both'])}")


# ------------------------------------------------------------------------------------------
# drills, loads and doses
# ------------------------------------------------------------------------------------------


def drill_overview() -> pd.DataFrame:
    """The drill catalogue at a glance: name, level, position, equipment and articles."""
    drills = catalog.drills()
    table = pd.DataFrame({
        "drill": drills["name"].to_numpy(),
        "level": drills["level"].to_numpy(),
        "position": drills["position"].to_numpy(),
        "equipment": [", ".join(e) or "-" for e in drills["equipment"]],
        "articles": [source_list(s) for s in drills["sources"]],
    })
    return wrapped(table.sort_values(["level", "position"], kind="stable")
                   .reset_index(drop=True))


def progression_ladders() -> list[str]:
    """The drill ladders made by following each drill's ``progression_after`` link, as lines
    "first drill -> next drill -> ..." with drill names."""
    drills = catalog.drills()
    after = drills["progression_after"].dropna()
    nexts: dict[str, list[str]] = {}
    for drill_id, before in after.items():
        nexts.setdefault(before, []).append(drill_id)
    ladders: list[list[str]] = []
    stack = [[start] for start in nexts if start not in after.index]
    while stack:
        path = stack.pop(0)
        children = nexts.get(path[-1], [])
        if not children:
            ladders.append(path)
        stack.extend([*path, child] for child in children)
    return [" -> ".join(str(drills.loc[d, "name"]) for d in path) for path in ladders]


def kneeling_vs_standing(hips: Sequence[float] = (0, 30, 60, 90)
                         ) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Hamstring stretch at the same hip flexion for tall kneeling (knee 90, on the model's
    kneeling support) and standing with the Romanian deadlift's soft knee:
    (kneeling, standing, soft_knee_deg)."""
    import warnings

    soft = reference_pose("romanian_deadlift").knee
    with warnings.catch_warnings():  # deep kneeling folds put the hanging hands below the
        warnings.simplefilter("ignore")  # floor (a learner would rest them); only the stretch
        kneeling = analyze_many(pd.DataFrame({"hip": list(hips), "knee": 90.0,  # is used
                                              "support": "tall_kneeling"}), muscles=False)
    standing = analyze_many(pd.DataFrame({"hip": list(hips), "knee": soft}), muscles=False)
    return kneeling, standing, float(soft)


def stretched_groups(analysis: Any, groups: Sequence[str]) -> list[int]:
    """Positions in ``groups`` (muscle group keys) of the groups the model shows as stretched
    in ``analysis`` (at least the model's stretch fraction longer than standing tall), so a
    question about them takes its answer from the model."""
    unknown = [g for g in groups if g not in analysis.muscles]
    if unknown:
        raise ValueError(f"unknown muscle group(s) {unknown}; known: {', '.join(analysis.muscles)}")
    return [i for i, g in enumerate(groups) if analysis.muscles[g].stretched]


def load_effects(pose: Pose, loads_kg: Sequence[float] = (0, 8, 16, 24)) -> pd.DataFrame:
    """Hip and lower-back moments, centre of mass and balance margin of one pose for each
    load in the hands."""
    rows = {}
    for kg in loads_kg:
        a = analyze(pose, load_kg=float(kg))
        rows[f"{kg:g} kg"] = {"hip moment (N·m)": a.hip_moment_nm,
                              "lower-back moment (N·m)": a.lumbar_moment_nm,
                              "centre of mass (cm)": a.com_x_m * 100,
                              "balance margin (cm)": a.balance_margin_m * 100,
                              "balanced": bool(a.balanced)}
    return pd.DataFrame(rows).T


def wall_table() -> pd.DataFrame:
    """For each wall distance the articles name, the clean hinge with the least hip flexion
    whose backside reaches the wall (``lessons.wall_poses``), with the setup by title."""
    from hinge_lib.course.lessons import INCH_M, WALL_DISTANCES_IN, wall_poses

    table = wall_poses([inches * INCH_M for _, inches, _ in WALL_DISTANCES_IN])
    table.insert(0, "inches", [inches for _, inches, _ in WALL_DISTANCES_IN])
    table.insert(1, "setup", [f"{name} ({source_list([src])})"
                              for name, _, src in WALL_DISTANCES_IN])
    return wrapped(table, {"distance_cm": "heel to wall (cm)", "inches": "heel to wall (in)",
                           "ankle": "ankle (deg)", "knee": "knee (deg)", "hip": "hip (deg)",
                           "trunk_angle_deg": "trunk lean (deg)",
                           "hamstring_length_change_mm": "hamstring stretch (mm)",
                           "reach_cm": "backside behind the heels (cm)"})


def dose_table_titled(seconds_per_rep: float = 4.0, rest_s: float = 30.0) -> pd.DataFrame:
    """``lessons.dose_table`` indexed by article title instead of key."""
    from hinge_lib.course.lessons import dose_table

    table = dose_table(seconds_per_rep, rest_s)
    table.index = [source_list([k]) for k in table.index]
    table.index.name = "article"
    return table


def dose_explorer():
    """Two sliders (seconds per slow rep, rest between sets) and the three doses' minutes."""
    import ipywidgets as w

    out = w.HTML()
    per_rep = w.FloatSlider(value=4, min=2, max=8, step=0.5, description="s per rep")
    rest = w.IntSlider(value=30, min=0, max=120, step=10, description="rest (s)")

    def show(_change: Any = None) -> None:
        out.value = dose_table_titled(per_rep.value, rest.value).round(1).to_html()

    per_rep.observe(show, names="value")
    rest.observe(show, names="value")
    show()
    return w.VBox([per_rep, rest, out])


# ------------------------------------------------------------------------------------------
# lifts
# ------------------------------------------------------------------------------------------


def heights(keys: Sequence[str]) -> pd.DataFrame:
    """Shoulder, hip and knee heights (m) of reference positions, and how far the hip is
    above the knee (cm): the kettlebell rule "shoulders above hips above knees"."""
    rows = {}
    for key in keys:
        j = analyze(reference_pose(key)).joints
        rows[key] = {"shoulder (m)": float(j["shoulder"][1]), "hip (m)": float(j["hip"][1]),
                     "knee (m)": float(j["knee"][1]),
                     "hip above knee (cm)": float((j["hip"][1] - j["knee"][1]) * 100)}
    return pd.DataFrame(rows).T


def load_multiples(key: str, load_kg: float, factors: Sequence[float]) -> pd.DataFrame:
    """Hip and lower-back moments of a reference position if its load acted like
    ``factor`` times its weight (an illustration of what stopping a moving bell adds)."""
    pose = reference_pose(key)
    rows = {}
    for f in factors:
        a = analyze(pose, load_kg=load_kg * f)
        rows[f"{f:g} x {load_kg:g} kg"] = {"hip moment (N·m)": a.hip_moment_nm,
                                          "lower-back moment (N·m)": a.lumbar_moment_nm}
    return pd.DataFrame(rows).T


def pose_verdicts(poses: Mapping[str, Pose], load_kg: float = 0.0) -> pd.DataFrame:
    """The model's verdict on named poses: pattern, hinge score, shin and trunk angles."""
    rows = {}
    for name, pose in poses.items():
        a = analyze(pose, load_kg=load_kg)
        rows[name] = {"knee (deg)": pose.knee, "hip (deg)": pose.hip, "pattern": a.pattern,
                      "hinge score": a.hinge_score, "shin (deg)": a.shin_angle_deg,
                      "trunk (deg)": a.trunk_angle_deg}
    return pd.DataFrame(rows).T


def upper_body_load(analysis: Any) -> dict[str, float]:
    """The worked free-body diagram at the hip: the mass above the hips (trunk, head, arms and
    load), its weight, its lever arm in front of the hip joint, and their product.

    The centre of mass is found here from the segment positions, independently of the
    model's moment, so the product checks the hip moment the explorer shows
    (``analysis.hip_moment_nm``).
    """
    from hinge_lib.model.kinematics import joint_positions, segment_centres
    from hinge_lib.model.statics import ABOVE, ARMS, GRAVITY

    body = analysis.body
    angles = {f: np.array([float(getattr(analysis.pose, f))]) for f in POSE_FIELDS}
    points, _ = joint_positions(angles, body, analysis.hold)
    centres = segment_centres(points, body)
    names = [n for n in ABOVE["hip"] if n != "arms"] + list(ARMS)
    masses = [body.segments[n].mass_kg for n in names] + [float(analysis.load_kg)]
    xs = [float(centres[n][0, 0]) for n in names] + [float(points["load"][0, 0])]
    mass = float(sum(masses))
    com_x = sum(m * x for m, x in zip(masses, xs, strict=True)) / mass
    weight = mass * GRAVITY
    lever = com_x - float(points["hip"][0, 0])
    return {"mass_kg": mass, "weight_n": weight, "lever_m": lever,
            "moment_nm": weight * lever}


def reference_sources() -> MarkdownText:
    """The published sources behind the reference positions, as a Markdown list."""
    from hinge_lib.model.tables import split_sources

    keys = sorted({k for s in reference_positions()["source"] for k in split_sources(s)}
                  - {"model"})
    return MarkdownText("\n".join(f"- {source_list([k])}" for k in keys))


# ------------------------------------------------------------------------------------------
# coaching plan
# ------------------------------------------------------------------------------------------


def plan_markdown(plan_id: str) -> MarkdownText:
    """A teaching plan of the catalogue (stages, cues, drills) as Markdown."""
    cues, drills = catalog.cues(), catalog.drills()
    found = [p for p in catalog.plans() if p["id"] == plan_id]
    if not found:
        raise ValueError(f"no plan {plan_id!r}; known: "
                         f"{', '.join(p['id'] for p in catalog.plans())}")
    lines = []
    for st in found[0]["stages"]:
        lines += [f"**Stage {st['stage']}: {st['name']}** ({_clean(st['duration'])})", ""]
        lines += [f"- {_clean(item)}" for item in st.get("content", [])]
        if st.get("cues"):
            lines.append("\n*Cues:* " + "; ".join(f"“{cues.loc[c, 'text']}”" for c in st["cues"]))
        if st.get("drills"):
            lines.append("\n*Drills:* " + ", ".join(drills.loc[d, "name"] for d in st["drills"]))
        lines.append("")
    return MarkdownText("\n".join(lines))


def checklist_table() -> pd.DataFrame:
    """The assessment checklist: item, what to look at, when it passes, and the articles."""
    from hinge_lib.course.lessons import CHECKLIST

    return wrapped(pd.DataFrame({"look at": [c.look_at for c in CHECKLIST],
                                 "passes with": [c.pass_if for c in CHECKLIST],
                                 "articles": [source_list(c.sources) for c in CHECKLIST]},
                                index=pd.Index([c.name for c in CHECKLIST], name="item")))


def assess_learners(learners: Mapping[str, Pose]) -> pd.DataFrame:
    """Each named learner's pose through the checklist: items passed and which items fail."""
    from hinge_lib.course.lessons import CHECKLIST, assess

    names = {c.key: c.name.lower() for c in CHECKLIST}
    rows = {}
    for name, pose in learners.items():
        result = assess(analyze(pose))
        failed = [names[k] for k in result.index[~result["passed"]]]
        rows[name] = {"passes": f"{int(result['passed'].sum())} of {len(result)}",
                      "fails": ", ".join(failed) or "-"}
    return pd.DataFrame(rows).T


def hip_fold_before_limit(limits_mm: Sequence[float] = (30, 50, 70),
                          knees: Sequence[float] = (0, 10, 20, 30)) -> pd.DataFrame:
    """The largest hip flexion (deg) before the hamstrings stretch by ``limit`` mm, for each
    knee bend: the soft knee's gift of range."""
    import warnings

    rows = {}
    for limit in limits_mm:
        row = {}
        for knee in knees:
            grid = pd.DataFrame({"hip": np.arange(0, 136), "knee": float(knee)})
            with warnings.catch_warnings():  # only the hamstring length is used here
                warnings.simplefilter("ignore")
                res = analyze_many(grid, muscles=False)
            row[f"knee {knee:g}°"] = float(res[res["hamstring_length_change_mm"] <= limit]
                                          ["hip"].max())
        rows[f"stretch limit {limit:g} mm"] = row
    return pd.DataFrame(rows).T


def notebook_times(folder: Any = None) -> pd.DataFrame:
    """Each course notebook's title and the estimated time printed at its top."""
    import re
    from pathlib import Path

    import nbformat

    base = Path(__file__).resolve().parents[2] / "notebooks" if folder is None else Path(folder)
    rows = []
    for path in sorted(base.glob("[0-9][0-9]-*.ipynb")):
        first = nbformat.read(path, as_version=4).cells[0].source
        title = first.splitlines()[0].lstrip("# ").strip()
        found = re.search(r"Estimated time:\**\s*([0-9][0-9\u2013\-]*)\s*min", first)
        rows.append({"notebook": path.name[:2], "title": title,
                     "self-study": f"{found.group(1)} min" if found else "as you like"})
    return pd.DataFrame(rows).set_index("notebook")


def recorded_squat_reps() -> pd.DataFrame:
    """The reps of the bundled motion-capture squat recording (OpenCap sample), analysed by
    the model: pattern, hinge score and peak hip and knee flexion at each rep's bottom."""
    from hinge_lib.model.tables import DATA_DIR
    from hinge_lib.recordings.readers import read_motion
    from hinge_lib.recordings.reps import analyze_motion

    report = analyze_motion(read_motion(DATA_DIR / "samples" / "squats1_videoAndMocap.mot"))
    return report.reps[["pattern", "hinge_score", "peak_hip", "peak_knee"]]


def smallest_unbalancing_load(pose: Pose, hold: str = "hands", step_kg: float = 5.0,
                              max_kg: float = 150.0) -> float:
    """The smallest load (kg, in steps of ``step_kg``) held in ``hold`` that takes the centre
    of mass outside the feet in ``pose``; NaN if none up to ``max_kg`` does."""
    for kg in np.arange(0.0, max_kg + step_kg / 2, step_kg):
        if not analyze(pose, load_kg=float(kg), hold=hold).balanced:
            return float(kg)
    return float("nan")


def counterweight_example(load_kg: float = 8.0) -> Pose:
    """A Romanian deadlift with the shins tilted back just far enough that the learner tips
    backwards with empty hands but stays balanced holding ``load_kg`` in front: the first
    such shin tilt, in whole degrees, from the reference position backwards."""
    both = hips_back_with_loads((0.0, float(load_kg)), shift_deg=40)
    empty, loaded = both[0.0], both[float(load_kg)]
    rows = loaded[loaded["balanced"].to_numpy() & ~empty["balanced"].to_numpy()]
    if rows.empty:
        raise ValueError(f"no shin tilt makes {load_kg:g} kg the difference between falling "
                         "and standing")
    row = rows.iloc[0]
    return Pose(ankle=float(row["ankle"]), knee=float(row["knee"]), hip=float(row["hip"]))


def published_comparison(load_kg: float | None = None) -> pd.DataFrame:
    """The model's static knee moments beside published measurements
    (data/published_moments.csv): every lift at ONE load (kg, held as that lift holds it),
    as in the study, where the same lifters used the same bar for both lifts; by default the
    first lift's demonstration load. Columns: the model's moment (N m), the load, the
    published value (in the paper's own normalised units), whether the directions agree, and
    the source by citation."""
    from hinge_lib.model.references import reference_positions
    from hinge_lib.model.tables import Column, read_csv

    rows = read_csv("published_moments.csv",
                    {"lift": Column(), "quantity": Column(choices=("knee_moment", "hip_moment")),
                     "value": Column(float, low=-10, high=10), "unit": Column(),
                     "source": Column(), "note": Column()})
    table = reference_positions()
    if load_kg is None:
        load_kg = float(table.loc[rows[0]["lift"], "demo_load_kg"])
    out = []
    for row in rows:
        ref = table.loc[row["lift"]]
        a = analyze(reference_pose(row["lift"]), load_kg=float(load_kg), hold=str(ref["hold"]))
        value = float(getattr(a, f"{row['quantity']}_nm"))
        out.append({"lift": str(ref["name"]),
                    "quantity": row["quantity"].replace("_", " "),
                    "model (N·m)": value,
                    "load in the model (kg)": float(load_kg),
                    f"published ({row['unit']})": row["value"],
                    "same direction": bool(np.sign(value) == np.sign(row["value"])),
                    "source": source_list([row["source"]])})
    return pd.DataFrame(out)


def drill_poses(drill_id: str) -> list[Pose]:
    """The start and end positions stored with a drill in the catalogue, as Poses (in order);
    an empty list for a drill the model cannot stand in (it has a diagram instead)."""
    drills = catalog.drills()
    if drill_id not in drills.index:
        raise ValueError(f"no drill {drill_id!r}; known: {', '.join(drills.index)}")
    raw = drills.loc[drill_id].get("poses")
    if not isinstance(raw, list):
        return []
    poses = []
    for i, angles in enumerate(raw, start=1):
        try:
            poses.append(Pose(**(angles or {})))
        except (TypeError, ValueError) as error:
            raise ValueError(f"drill {drill_id!r}, pose {i}: {error}") from None
    return poses


def drill_picture(drill_id: str):
    """The picture of one drill: its start and end positions drawn by the model with its cue
    beside them, or an honest diagram for a position the model cannot show (lying down)."""
    from hinge_lib.view import course_figures

    drill = catalog.drills().loc[drill_id]
    cue = str(drill.get("cue") or "")
    poses = drill_poses(drill_id)
    if len(poses) < 2:
        return course_figures.bridge_diagram(str(drill["name"]), cue)
    return course_figures.drill_figure(str(drill["name"]), cue, analyze(poses[0]),
                                       analyze(poses[-1]))


def show_drill_cards_with_pictures(level: int | None = None) -> None:
    """Display every drill (or every drill of one level): its picture, then its card."""
    from IPython.display import HTML, display

    from hinge_lib.course.lessons import drill_card_html

    drills = catalog.drills()
    for drill_id, row in drills.iterrows():
        if level is not None and int(row["level"]) != level:
            continue
        display(drill_picture(str(drill_id)))
        display(HTML(drill_card_html({"id": drill_id, **row.to_dict()})))
