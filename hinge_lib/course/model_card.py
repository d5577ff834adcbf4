"""The model card: what the model gives beside what published measurements give.

:func:`model_card_markdown` writes docs/model-card.md from the model and the sourced tables
in data/, so every number in it is computed, never typed; tests/test_model_card.py fails
when the stored page differs from what the model gives today. Regenerate with
``python -m hinge_lib.course.model_card > docs/model-card.md``.

Default body: 1.75 m, 75 kg, male (de Leva 1996 proportions); moment arms at 1.70 m, the
size of the musculoskeletal model the muscle paths come from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from hinge_lib.model.activity_order import comparison_table
from hinge_lib.model.body import Body, landmark_table, segment_table
from hinge_lib.model.moment_arm_evidence import moment_arm_evidence
from hinge_lib.model.muscle_paths import GROUPS, JOINT_NAMES, PATHS, group_paths, moment_arms
from hinge_lib.model.muscles import LIMITS_NOTE, muscle_groups
from hinge_lib.model.references import analyze_references, reference_positions
from hinge_lib.model.tables import Column, read_csv, sources, split_sources

_EFFORT_GROUPS = ("gluteus_maximus", "hamstrings", "adductor_magnus", "vasti", "soleus")
_ANGLE_WORDS = {"ankle": "ankle dorsiflexion", "knee": "knee flexion", "hip": "hip flexion",
                "trunk": "trunk lean"}


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _cite(text: str) -> str:
    return "; ".join(split_sources(text))


def _segments(body: Body) -> list[str]:
    published = segment_table()
    rows = []
    for name, seg in body.segments.items():
        ref = published.get((name, body.sex))
        if ref is None:
            continue
        scaled = ref["length_mm"] / ref["reference_stature_mm"] * body.height_m * 1000
        rows.append((name.replace("_", " "), f"{seg.length_m * 1000:.0f}", f"{scaled:.0f}",
                     _cite(ref["source"])))
    return _table(("segment", "model (mm)", "published, scaled to the body (mm)", "source"),
                  rows)


def _landmarks(body: Body) -> list[str]:
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import Pose

    standing = analyze(Pose(), body).joints
    table = landmark_table()
    pairs = (("ankle_height", "ankle", "ankle joint"), ("elbow_height", "elbow", "elbow"),
             ("acromion_height", "shoulder", "shoulder joint (published: acromion)"))
    rows = []
    for landmark, joint, words in pairs:
        row = table[landmark]
        rows.append((words, f"{standing[joint][1] * 1000:.0f}",
                     f"{row['value'] * body.height_m * 1000:.0f}", _cite(row["source"])))
    return _table(("height standing tall", "model (mm)", "published (mm)", "source"), rows)


def _angles(results) -> list[str]:
    table = reference_positions()
    rows = []
    for key, ref in table.iterrows():
        for part in ("hip", "knee", "ankle", "trunk"):
            model = results.loc[key, "trunk_angle_deg" if part == "trunk" else part]
            low, high = ref[f"{part}_min"], ref[f"{part}_max"]
            inside = "yes" if low - 1e-9 <= model <= high + 1e-9 else "**no**"
            rows.append((ref["name"], _ANGLE_WORDS[part], f"{model:.0f}",
                         f"{low:.0f} to {high:.0f}", inside, _cite(ref["source"])))
    return _table(("position", "angle (deg)", "model", "published range", "inside", "sources"),
                  rows)


def _moments() -> list[str]:
    from hinge_lib.course.teaching import published_comparison

    table = published_comparison()
    value_column = next(c for c in table.columns if c.startswith("published"))
    rows = [(r["lift"], r["quantity"], f"{r['model (N·m)']:+.0f} N·m at "
             f"{r['load in the model (kg)']:.0f} kg", f"{r[value_column]:+.2f} "
             f"({value_column[len('published ('):-1]})",
             "yes" if r["same direction"] else "**no**", r["source"])
            for _, r in table.iterrows()]
    return _table(("lift", "quantity", "model", "published", "same direction", "source"),
                  rows)


def _arm_mm(path: str, joint: str, angle: float, body: Body) -> float:
    """Moment arm in mm (+ = extends); a group of several paths as the solver combines them."""
    pose = {j: np.array([angle if j == joint else 0.0]) for j in JOINT_NAMES}
    arms = moment_arms(pose, body)
    parts = group_paths(path) if path in GROUPS else (path,)
    size = {h: muscle_groups()[h].max_force_n or 1.0 for h in parts}
    total = sum(size.values())
    return sum(float(arms[h][joint][0]) * size[h] for h in parts) / total * 1000


def published_moment_arms() -> list[dict]:
    """Rows of data/published_moment_arms.csv: a muscle (a path or a group), joint, angle
    (deg), the published band in mm (blank where the source describes only the curve's
    shape), the published words and the source."""

    return read_csv("published_moment_arms.csv", {
        "muscle": Column(choices=tuple(dict.fromkeys((*PATHS, *GROUPS)))),
        "joint": Column(choices=JOINT_NAMES),
        "angle_deg": Column(float, low=-90, high=180),
        "low_mm": Column(float, required=False, low=0, high=200),
        "high_mm": Column(float, required=False, low=0, high=200),
        "published": Column(), "source": Column()})


def moment_arm_against(source: str, muscle: str, joint: str, angle_deg: float,
                       body: Body | None = None) -> tuple[float, float]:
    """(published, model) moment arm in mm of ``muscle`` at ``joint`` bent ``angle_deg``
    (deg), for the row of ``source`` in data/published_moment_arms.csv whose words start
    with a number; the model's lever is positive, in a body 1.70 m tall unless given."""
    rows = [r for r in published_moment_arms() if (r["source"], r["muscle"], r["joint"],
                                                   r["angle_deg"]) == (source, muscle, joint,
                                                                       angle_deg)]
    if not rows:
        raise ValueError(f"data/published_moment_arms.csv has no row from {source!r} for "
                         f"{muscle} at the {joint}, {angle_deg} deg")
    model = abs(_arm_mm(muscle, joint, angle_deg, body or Body(height_m=1.70)))
    return float(rows[0]["published"].split()[0]), model


def moment_arm_rows(body: Body | None = None) -> list[tuple[str, str, float, float, str, str,
                                                            bool | None]]:
    """(muscle, joint, angle deg, model mm as a positive lever, published words, source,
    inside the published band or None where the source gives a shape) for the card."""
    body = body or Body(height_m=1.70)
    out = []
    for row in published_moment_arms():
        arm = abs(_arm_mm(row["muscle"], row["joint"], row["angle_deg"], body))
        low, high = row["low_mm"], row["high_mm"]
        inside = None if low is None or high is None else bool(low <= arm <= high)
        out.append((row["muscle"].replace("_", " "), row["joint"], row["angle_deg"], arm,
                    row["published"], _cite(row["source"]), inside))
    return out


def _arms() -> list[str]:
    words = {True: "yes", False: "**no**", None: "shape only"}
    rows = [(m, j, f"{a:.0f}", f"{arm:.1f}", w, s, words[inside])
            for m, j, a, arm, w, s, inside in moment_arm_rows()]
    return _table(("muscle", "joint", "angle (deg)", "model (mm)", "published", "source",
                   "inside"), rows)


def _efforts(results) -> list[str]:
    labels = {g: g.replace("_", " ") for g in _EFFORT_GROUPS}
    rows = [(results.loc[k, "name"], f"{results.loc[k, 'load_kg']:.0f}",
             *(f"{results.loc[k, f'{g}_effort_pct']:.0f}" for g in _EFFORT_GROUPS),
             f"{results.loc[k, 'hip_moment_nm']:.0f}",
             f"{results.loc[k, 'muscle_capacity_hip_nm']:.0f}")
            for k in results.index if results.loc[k, "load_kg"] > 0]
    return _table(("position", "load (kg)", *(f"{labels[g]} (%)" for g in _EFFORT_GROUPS),
                   "hip moment (N·m)", "hip extensors all at maximum (N·m)"), rows)


def _effort_words(results) -> str:
    """Which reference lifts at their demonstration loads pass 100 %, and whether any
    sharing of force could hold them (the readout flags the same with a sentence)."""
    loaded = [k for k in results.index if results.loc[k, "load_kg"] > 0]
    over = [k for k in loaded if results.loc[k, "muscle_over_max"]]
    text = ("The explorer's readout shows the group working nearest its maximum and flags "
            "any pose that asks more than 100 %, saying whether the muscles could make the "
            "joint moments at all. ")
    if not over:
        return text + "No reference lift at its demonstration load passes 100 %."
    beyond = [str(results.loc[k, "name"]) for k in over
              if results.loc[k, "hip_moment_nm"] > results.loc[k, "muscle_capacity_hip_nm"]]
    text += ("Over 100 % at their demonstration loads: "
             f"{', '.join(str(results.loc[k, 'name']) for k in over)}.")
    if beyond:
        text += (f" For {', '.join(beyond)} the hip moment is larger than all the modelled hip "
                 "extensors make at their maximum, so no sharing rule could hold it: a limit "
                 "of the model (muscles left out, one set of maximum forces, moment arms past "
                 "90 deg of hip flexion not measured), not of lifters.")
    return text


def _orders(results) -> list[str]:
    table = comparison_table(results)
    names = reference_positions()["name"]
    return _table(("lift", "EMG studies report (most active first)",
                   "model (force as % of maximum)", "agree"),
                  [(names[k], *r) for k, r in table.iterrows()])


def _limits() -> list[str]:
    rows = []
    for (group, joint), row in moment_arm_evidence().items():
        measured = ("none" if row.low_deg is None else
                    f"{row.low_deg:.0f} to {row.high_deg:.0f} deg")
        rows.append((group.replace("_", " "), joint, row.action, measured, _cite(row.source)))
    return _table(("muscle group", "joint", "action (never reversed)",
                   "angles a measurement covers", "source"), rows)


def model_card_markdown() -> str:
    """The whole model card as Markdown (docs/model-card.md)."""
    body = Body()
    results = analyze_references()
    used = {"deleva1996", "winter2009", "lee2018", "martinfuentes2020", "contreras2015"}
    used |= {k for row in published_moment_arms() for k in split_sources(row["source"])}
    used |= {k for row in moment_arm_evidence().values() for k in split_sources(row.source)}
    used |= {k for s in reference_positions()["source"] for k in split_sources(s)}
    bib = sources()
    lines = [
        "# Model card: what the model gives beside what was measured",
        "",
        "Generated by `python -m hinge_lib.course.model_card > docs/model-card.md` from the "
        "model and the sourced tables in `data/`; `tests/test_model_card.py` fails when this "
        "page and the model disagree. Default body: "
        f"{body.height_m:.2f} m, {body.mass_kg:.0f} kg, {body.sex}; moment arms at 1.70 m "
        "(the size of the leg model the muscle paths come from). Education, not medical "
        "advice.",
        "",
        "## Segment lengths", "",
        *_segments(body),
        "The model scales de Leva's segments with stature (the head and neck segment is "
        "lengthened at its lower end to reach the top of the head).", "",
        "## Landmark heights", "",
        *_landmarks(body),
        "## Reference positions: joint angles", "",
        "Each reference position against the range published studies report for it.", "",
        *_angles(results),
        "## Joint moments", "",
        "Published values are normalised by the paper, so only the direction is compared.", "",
        *_moments(),
        "## Moment arms at several angles", "",
        "Positive levers in mm. 'Shape only': the source describes how the curve runs, "
        "tested in tests/test_muscles.py (hip extensors from 10 deg of extension to 90 deg "
        "of flexion), or gives one curve without a spread (Németh and Ohlsén's gluteus "
        "maximus, shorter than the model's past about 45 deg), not a band in millimetres.", "",
        *_arms(),
        "## Forces as a share of maximum", "",
        "Each group's static force as a percentage of its maximum isometric force (both "
        "sides), at the demonstration loads. No study measures these directly; over 100 % "
        "means the rule and the moment arms ask more than the muscle can make.",
        _effort_words(results), "",
        *_efforts(results),
        "## Order of muscle activity", "",
        "How muscles pulling the same way share a moment is the solver's rule (the smallest "
        "sum of squared muscle stresses), not a measurement; surface EMG studies give an "
        "independent order (EMG is not force).", "",
        *_orders(results),
        "## Where the model stops", "",
        *_limits(),
        LIMITS_NOTE, "",
        "## Sources", "",
        *(f"- `{k}`: {bib[k]}" for k in sorted(used) if k in bib),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    import sys

    sys.stdout.write(model_card_markdown())


if __name__ == "__main__":
    main()
