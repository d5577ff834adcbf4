"""The anatomy layer: muscle paths, pelvis and femoral head drawn on the side-on figure.

Pure drawing data first (:func:`anatomy_drawing`: coordinates in metres, colours, words),
then two renderers of it: plotly traces for static figures (:func:`anatomy_traces`,
:func:`anatomy_figure`) and layers for the live SVG figure (:func:`live_layers`,
:func:`live_update`). :func:`anatomy_readout_html` lists what each
muscle group does in the pose and how far it is stretched.

Colour shows each group's share of the moment that the muscles pulling the same way
supply at its main joint, in four steps of a colour-blind-safe scale (Okabe and Ito's
yellow, orange and vermillion, and grey for idle); the key and the readout say the same
in words, and a stretched muscle is also drawn dashed and named, so colour is never the
only cue. The numbers come from a static model: see
:data:`hinge_lib.model.muscles.LIMITS_NOTE`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from hinge_lib.model.activity_order import SHARING_RULE, reported_order_sentence
from hinge_lib.model.moment_arm_evidence import unmeasured_message, unmeasured_moment_arms
from hinge_lib.model.muscle_paths import GROUPS, JOINT_NAMES, all_path_points, group_paths
from hinge_lib.model.muscles import LIMITS_NOTE, STRETCH_FRACTION, over_max, over_max_message
from hinge_lib.view import palette

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from hinge_lib.model.analysis import Analysis

Point = tuple[float, float]

#: Share steps (upper bound in %, colour, words), lowest first: the course's light grey
#: for idle, then three steps of ColorBrewer's yellow-orange-brown scale (Harrower and
#: Brewer 2003, marked colour-blind safe), darker for a larger share, so the order also
#: survives greyscale printing.
SHARE_STEPS: tuple[tuple[float, str, str], ...] = (
    (0.5, palette.LIGHT_GREY, "idle (0%)"),
    (33.5, "#FEC44F", "small share (up to a third)"),
    (66.5, "#EC7014", "about half (a third to two thirds)"),
    (100.0, "#8C2D04", "most (over two thirds)"),
)
#: Colour of the pelvis and femoral head outlines.
BONE = "#8C7B6B"
BONE_FILL = "rgba(230, 220, 200, 0.55)"
#: Schematic femoral head radius as a fraction of stature (about 24 mm at 1.75 m; a
#: drawing size only, not used by the model).
FEMORAL_HEAD_FRACTION = 0.0137

_JOINT_WORDS = {
    "hip": ("extends the hip", "flexes the hip"),
    "knee": ("straightens the knee", "bends the knee"),
    "ankle": ("points the foot", "lifts the foot"),
    "lumbar": ("arches the lower back", "bends the lower back forward"),
}


def share_step(share_pct: float) -> int:
    """Index into :data:`SHARE_STEPS` for a share in percent."""
    for i, (upper, _, _) in enumerate(SHARE_STEPS):
        if share_pct <= upper:
            return i
    return len(SHARE_STEPS) - 1


def _angles(analysis: Analysis) -> dict[str, np.ndarray]:
    return {j: np.array([float(getattr(analysis.pose, j))]) for j in JOINT_NAMES}


def _to_world(analysis: Analysis, points: np.ndarray) -> list[Point]:
    """Points of the pelvis-still frame placed on the figure (hip at its joint, pelvis
    tilted as in the pose)."""
    hx, hy = analysis.joints["hip"]
    tx, ty = analysis.joints["lumbar_base"]
    tilt = math.atan2(tx - hx, ty - hy)
    c, s = math.cos(tilt), math.sin(tilt)
    x, y = points[:, 0], points[:, 1]
    world = np.column_stack((hx + c * x + s * y, hy - s * x + c * y)).round(5).tolist()
    return [(p[0], p[1]) for p in world]


def _lines_to_world(analysis: Analysis, lines: Sequence[np.ndarray]) -> list[list[Point]]:
    """:func:`_to_world` of several polylines, placed together in one go."""
    world = _to_world(analysis, np.concatenate(lines))
    ends = np.cumsum([len(line) for line in lines]).tolist()
    return [world[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def _pelvis_outline(analysis: Analysis, points: Mapping[str, np.ndarray]) -> np.ndarray:
    """A schematic pelvis through the muscle attachments on it, in the pelvis-still frame
    (:func:`_to_world` places it): iliac crest behind (gluteus maximus origin), anterior
    inferior iliac spine (rectus femoris), ischial tuberosity (hamstrings) and the sacrum
    (erector spinae)."""
    body = analysis.body
    gm = points["gluteus_maximus"][0]
    rf = points["rectus_femoris"][0]
    ischium = points["semitendinosus"][0][0]
    sacrum = points["erector_spinae"][0][0]
    rf_origin = rf[0]
    crest = gm[0]
    top = (0.5 * (crest[0] + rf_origin[0]), crest[1] + 0.02 * body.height_m / 1.75)
    pubis = (rf_origin[0] + 0.005, ischium[1] + 0.01)
    outline = [tuple(rf_origin), top, tuple(crest), tuple(sacrum), tuple(ischium), pubis,
               tuple(rf_origin)]
    return np.array(outline, dtype=float)


@cache
def _unit_circle(steps: int) -> tuple[tuple[float, float], ...]:
    return tuple((math.cos(2 * math.pi * i / steps), math.sin(2 * math.pi * i / steps))
                 for i in range(steps + 1))


def _circle(centre: Sequence[float], radius: float, steps: int = 24) -> list[Point]:
    return [(round(centre[0] + radius * c, 5), round(centre[1] + radius * s, 5))
            for c, s in _unit_circle(steps)]


#: Directions of the hip socket's arc over the femoral head, in the pelvis-still frame.
_SOCKET_DIRECTIONS = tuple((math.cos(a), math.sin(a))
                           for a in np.linspace(math.radians(-40), math.radians(200), 13))


def _socket(radius: float) -> np.ndarray:
    """The acetabulum: an arc over the femoral head, fixed to the pelvis (in the
    pelvis-still frame: :func:`_to_world` places it)."""
    return np.array([(1.25 * radius * c, 1.25 * radius * s) for c, s in _SOCKET_DIRECTIONS])


def _does(name: str, moments: Mapping[str, float], force_n: float) -> str:
    """What a group does in the pose, in words."""
    if force_n < 1.0:
        return "not needed to hold this pose"
    parts = []
    for joint, value in moments.items():
        if abs(value) < 1.0:
            continue
        verb = _JOINT_WORDS[joint][0 if value > 0 else 1]
        parts.append(f"{verb} ({abs(value):.0f} N·m)")
    return ", ".join(parts) if parts else "pulls, but hardly turns its joints"


def _side_words(m: Mapping[str, Any]) -> str:
    """E.g. "hip extensor muscles' moment", "ankle plantarflexors' moment"."""
    joint = m["main_joint"]
    if m["name"] == "rectus_abdominis":
        return "lower back's flexor moment"
    if joint == "ankle":
        return "ankle's plantarflexor moment"
    return f"{joint}'s extensor moment"


def _stretch_words(change_mm: float, stretched: bool) -> str:
    if stretched:
        return f"stretched {change_mm:+.0f} mm"
    if change_mm > 0.5:
        return f"a little longer ({change_mm:+.0f} mm)"
    if change_mm < -0.5:
        return f"shorter ({change_mm:+.0f} mm)"
    return "resting length"


def anatomy_drawing(analysis: Analysis) -> dict[str, Any]:
    """Everything the anatomy layer shows for one pose, as plain data (metres, words).

    Returns
    -------
    dict
        ``muscles``: list (in :data:`~hinge_lib.model.muscle_paths.GROUPS` order) of dicts
        with ``name``, ``label``, ``lines`` (polylines of (x, y) points on the figure; the
        hamstrings have three), ``share_pct``, ``step`` (index into :data:`SHARE_STEPS`),
        ``colour``, ``step_words``, ``stretched``, ``length_change_mm``, ``moment_nm``,
        ``main_joint``, ``does`` (words) and ``stretch_words``; ``pelvis`` (closed
        polyline), ``femoral_head`` (circle), ``socket`` (arc), ``unmet_nm`` (joint ->
        moment in N m no modelled muscle supplies) and ``note`` (what the model cannot
        say).

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> d = anatomy_drawing(analyze(Pose(hip=80, knee=20), load_kg=40))
    >>> [m["name"] for m in d["muscles"]][:3]
    ['gluteus_maximus', 'hamstrings', 'adductor_magnus']
    >>> ham = d["muscles"][1]
    >>> len(ham["lines"]), ham["stretched"]
    (3, True)
    """
    body = analysis.body
    states = analysis.muscles
    points = all_path_points(_angles(analysis), body)
    radius = FEMORAL_HEAD_FRACTION * body.height_m
    # every muscle path, the pelvis and the hip socket placed on the figure in one go
    paths = [p for name in GROUPS for p in group_paths(name)]
    *placed, pelvis, socket = _lines_to_world(
        analysis, [points[p][0] for p in paths]
        + [_pelvis_outline(analysis, points), _socket(radius)])
    lines_of = dict(zip(paths, placed, strict=True))
    muscles = []
    for name in GROUPS:
        state = states[name]
        lines = [lines_of[p] for p in group_paths(name)]
        step = share_step(state.share_pct)
        muscles.append({
            "name": name,
            "label": state.label,
            "lines": lines,
            "share_pct": state.share_pct,
            "step": step,
            "colour": SHARE_STEPS[step][1],
            "step_words": SHARE_STEPS[step][2],
            "stretched": state.stretched,
            "length_change_mm": state.length_change_mm,
            "effort_pct": state.effort_pct,
            "over_max": bool(over_max(state.effort_pct)),
            "moment_nm": state.moment_nm,
            "main_joint": state.main_joint,
            "does": _does(name, state.joint_moments_nm, state.force_n),
            "stretch_words": _stretch_words(state.length_change_mm, state.stretched),
        })
    hip = analysis.joints["hip"]
    unmet = {}
    for joint in ("ankle", "knee", "hip", "lumbar"):
        made = sum(states[g].joint_moments_nm.get(joint, 0.0) for g in GROUPS)
        unmet[joint] = float(getattr(analysis, f"{joint}_moment_nm")) - made
    labels = {g: states[g].label for g in GROUPS}
    working = tuple(g for g in GROUPS if states[g].force_n > 1.0)
    shared = any(1.0 < abs(states[g].share_pct) < 99.0 for g in working)
    angles = {j: float(getattr(analysis.pose, j)) for j in JOINT_NAMES}
    return {
        "muscles": muscles,
        "unmet_nm": unmet,
        "sharing": [SHARING_RULE, reported_order_sentence(labels)] if shared else [],
        "unmeasured": unmeasured_message(unmeasured_moment_arms(angles, working), labels),
        "strength": over_max_message(states),
        "pelvis": pelvis,
        "femoral_head": _circle(hip, radius),
        "socket": socket,
        "note": LIMITS_NOTE,
    }


# ---------------------------------------------------------------------------
# plotly (static figures)

def _gapped(polylines: Sequence[Sequence[Point]]) -> tuple[list, list]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for i, line in enumerate(polylines):
        if i:
            xs.append(None)
            ys.append(None)
        xs.extend(p[0] for p in line)
        ys.extend(p[1] for p in line)
    return xs, ys


def anatomy_traces(analysis: Analysis, presenter: bool = False) -> list[dict[str, Any]]:
    """plotly trace dicts of the anatomy layer: pelvis, socket and femoral head, one trace
    per muscle group (dashed when stretched, named in the legend with its share and
    stretch), and a text label at each stretched muscle. Add them after the pose traces."""
    s = palette.sizes(presenter)
    d = anatomy_drawing(analysis)
    traces: list[dict[str, Any]] = []
    px, py = _gapped([d["pelvis"]])
    traces.append({"type": "scatter", "mode": "lines", "name": "pelvis", "x": px, "y": py,
                   "fill": "toself", "fillcolor": BONE_FILL,
                   "line": {"color": BONE, "width": 2}, "showlegend": False,
                   "hoverinfo": "skip"})
    for name, line in (("hip socket", d["socket"]), ("femoral head", d["femoral_head"])):
        x, y = _gapped([line])
        traces.append({"type": "scatter", "mode": "lines", "name": name, "x": x, "y": y,
                       "line": {"color": BONE, "width": 3 if name == "hip socket" else 2},
                       "fill": "toself" if name == "femoral head" else "none",
                       "fillcolor": BONE_FILL, "showlegend": False, "hoverinfo": "skip"})
    width = max(3.0, s.body_width - 1)
    labels_x, labels_y, labels = [], [], []
    for m in d["muscles"]:
        x, y = _gapped(m["lines"])
        legend = (f"{m['label']}: {abs(m['share_pct']):.0f}% of the {_side_words(m)}, "
                  f"{m['stretch_words']}")
        traces.append({
            "type": "scatter", "mode": "lines", "name": legend, "x": x, "y": y,
            "line": {"color": m["colour"], "width": width,
                     "dash": "dash" if m["stretched"] else "solid"},
            "opacity": 0.95, "showlegend": True,
            "hovertext": f"{m['label']}: {m['does']}; {m['stretch_words']}",
            "hoverinfo": "text",
        })
        if m["stretched"]:
            line = max(m["lines"], key=len)
            mid = line[len(line) // 2]
            labels_x.append(mid[0] - 0.02)
            labels_y.append(mid[1])
            labels.append(f"{m['label'].split(' (')[0]} ↔")
    traces.append({"type": "scatter", "mode": "text", "name": "stretched muscles",
                   "x": labels_x, "y": labels_y, "text": labels,
                   "textposition": "middle left",
                   "textfont": {"size": s.label_size - 2, "color": palette.BLACK},
                   "showlegend": False, "hoverinfo": "skip"})
    return traces


def key_traces(presenter: bool = False) -> list[dict[str, Any]]:
    """Legend entries (no data) for the share scale and the dashed 'stretched' line."""
    s = palette.sizes(presenter)
    entries = [
        {"type": "scatter", "mode": "lines", "name": f"share: {words}", "x": [None],
         "y": [None], "line": {"color": colour, "width": s.body_width}, "showlegend": True}
        for _, colour, words in SHARE_STEPS
    ]
    entries.append({"type": "scatter", "mode": "lines",
                    "name": f"dashed: stretched ≥ {STRETCH_FRACTION:.0%} of standing length",
                    "x": [None], "y": [None],
                    "line": {"color": palette.GREY, "width": s.body_width, "dash": "dash"},
                    "showlegend": True})
    return entries


def anatomy_figure(analysis: Analysis, title: str | None = None, presenter: bool = False,
                   width: int | None = None, height: int | None = None) -> go.Figure:
    """A static figure of the pose with its muscles, pelvis and hip joint, and the key."""
    import plotly.graph_objects as go

    from hinge_lib.view import figures

    if title is None:
        title = f"Muscles in this pose · {figures.pose_title(analysis)}"
    fig = go.Figure(
        data=figures.figure_traces(analysis, presenter=presenter)
        + anatomy_traces(analysis, presenter) + key_traces(presenter),
        layout=figures.figure_layout(title, presenter=presenter, width=width or 560,
                                     height=height or 900),
    )
    fig.update_layout(legend={"orientation": "v", "y": -0.08, "font": {"size": 11}})
    return fig


# ---------------------------------------------------------------------------
# Live SVG figure (layers given to the live scene, paths and colours per frame)

#: Layer names of the anatomy layer on a live figure, in drawing order.
LIVE_LAYERS: tuple[str, ...] = ("pelvis", "femoral_head", "hip_socket",
                                *(f"muscle_{g}" for g in GROUPS), "muscles_stretched")


def live_layers(presenter: bool = False) -> list[dict[str, Any]]:
    """Layer descriptions for a live scene (name, stroke, width, label, ...)."""
    s = palette.sizes(presenter)
    width = max(3.0, s.body_width - 1)
    layers = [
        {"name": "pelvis", "stroke": BONE, "width": 2, "fill": BONE_FILL, "label": "pelvis"},
        {"name": "femoral_head", "stroke": BONE, "width": 2, "fill": BONE_FILL,
         "label": "femoral head"},
        {"name": "hip_socket", "stroke": BONE, "width": 3, "label": "hip socket"},
    ]
    layers += [{"name": f"muscle_{g}", "stroke": palette.LIGHT_GREY, "width": width,
                "opacity": 0.95, "label": g.replace("_", " ")} for g in GROUPS]
    layers.append({"name": "muscles_stretched", "stroke": "#FFFFFF", "width": 2,
                   "dash": "6 6", "label": "stretched"})
    return layers


#: Frame paths that draw nothing on every anatomy layer (the layer switched off).
EMPTY_PATHS: dict[str, list[list[Point]]] = {name: [] for name in LIVE_LAYERS}


def live_update(analysis: Analysis, drawing: Mapping[str, Any] | None = None
                ) -> tuple[dict[str, list[list[Point]]], dict[str, str]]:
    """Paths and strokes of the anatomy layer for one pose (``drawing``: an
    :func:`anatomy_drawing` already made for it)."""
    d = anatomy_drawing(analysis) if drawing is None else drawing
    paths: dict[str, list[list[Point]]] = {
        "pelvis": [d["pelvis"]], "femoral_head": [d["femoral_head"]],
        "hip_socket": [d["socket"]], "muscles_stretched": [],
    }
    strokes = {}
    for m in d["muscles"]:
        paths[f"muscle_{m['name']}"] = m["lines"]
        strokes[f"muscle_{m['name']}"] = m["colour"]
        if m["stretched"]:
            paths["muscles_stretched"].extend(m["lines"])
    return paths, strokes


# ---------------------------------------------------------------------------
# HTML: key and readout

def key_html(presenter: bool = False) -> str:
    """The anatomy layer's key: share steps in words and the dashed 'stretched' mark."""
    s = palette.sizes(presenter)
    items = [
        f'<span style="margin-right:1em;white-space:nowrap;display:inline-block">'
        f'<span style="color:{colour};font-weight:bold">━━</span> {escape(words)}</span>'
        for _, colour, words in SHARE_STEPS
    ]
    items.append('<span style="white-space:nowrap;display:inline-block">'
                 '<b>╍╍</b> stretched (at least '
                 f'{STRETCH_FRACTION:.0%} longer than standing)</span>')
    return (f'<div class="hinge-anatomy-key" style="font-size:{s.readout_font_px - 2}px;'
            f'line-height:1.5;color:#222">Muscle colour = its share of the moment that the '
            f'muscles pulling the same way make at its main joint: {"".join(items)}</div>')


def _effort_cell(m: Mapping[str, Any]) -> str:
    """A table cell: the group's force as a share of its maximum isometric force, flagged
    (✖, warning colour) over 100 %; a dash where no maximum is sourced."""
    effort = m["effort_pct"]
    if effort != effort:
        return ('<td class="hinge-effort" style="text-align:right" '
                'title="no sourced maximum force">–</td>')
    if m["over_max"]:
        return (f'<td class="hinge-effort hinge-over-max" style="text-align:right;'
                f'color:{palette.BAD_TEXT};font-weight:bold">✖ {effort:.0f}%</td>')
    return f'<td class="hinge-effort" style="text-align:right">{effort:.0f}%</td>'


def anatomy_readout_html(analysis: Analysis, presenter: bool = False,
                         drawing: Mapping[str, Any] | None = None) -> str:
    """A table of the muscle groups: what each does in this pose (its moments), its share,
    its force as a share of its maximum (flagged over 100 %, with a sentence saying whether
    any sharing could hold the pose), and how far it is stretched; then what the model
    cannot say. ``drawing``: an
    :func:`anatomy_drawing` already made for this pose."""
    s = palette.sizes(presenter)
    d = anatomy_drawing(analysis) if drawing is None else drawing
    rows = []
    for m in d["muscles"]:
        swatch = (f'<span style="display:inline-block;width:1.4em;height:0.7em;'
                  f'background:{m["colour"]};border:1px solid #666;'
                  f'{"border-style:dashed;" if m["stretched"] else ""}"></span>')
        rows.append(
            f'<tr class="hinge-muscle" data-muscle="{m["name"]}">'
            f"<td>{swatch} {escape(m['label'])}</td>"
            f"<td>{escape(m['does'])}</td>"
            f'<td style="text-align:right">{abs(m["share_pct"]):.0f}% '
            f'<span style="color:#555">({escape(m["step_words"].split(" (")[0])})</span></td>'
            f"{_effort_cell(m)}"
            f'<td class="hinge-stretch">{escape(m["stretch_words"])}</td></tr>'
        )
    unmet = [f"{joint} {value:+.0f} N·m" for joint, value in d["unmet_nm"].items()
             if abs(value) >= 1.0]
    if unmet:
        unmet = ["Left to muscles not modelled (for example the shin muscles or hip "
                 "flexors): " + ", ".join(unmet)]
    extra = (f'<div class="hinge-anatomy-unmet" style="color:#444">{escape("; ".join(unmet))}'
             "</div>") if unmet else ""
    extra += "".join(f'<div class="hinge-anatomy-sharing" style="color:#444;margin-top:4px">'
                     f"{escape(line)}</div>" for line in d.get("sharing", []))
    if d.get("strength"):
        extra = (f'<div class="hinge-anatomy-over-max" role="note" style="color:#222;'
                 f'border-left:4px solid {palette.BAD_TEXT};padding:2px 8px;margin:4px 0">'
                 f"<b>✖ Beyond the modelled muscles.</b> {escape(d['strength'])}</div>"
                 + extra)
    if d.get("unmeasured"):
        extra += (f'<div class="hinge-anatomy-unknown" style="color:#444;margin-top:4px">'
                  f"{escape(d['unmeasured'])}</div>")
    return (
        f'<div class="hinge-anatomy" style="font-size:{s.readout_font_px}px;line-height:1.3">'
        f'<b>Muscles</b><span class="hinge-anatomy-intro"> (both sides; share = part of the '
        f"moment made by the muscles pulling the same way at the muscle's main joint)</span>"
        f'<table style="border-collapse:collapse;margin-top:4px">'
        f"<tr><th align=left>group</th><th align=left>in this pose it</th>"
        f"<th align=right>share</th><th align=right>of its maximum</th>"
        f"<th align=left>length</th></tr>{''.join(rows)}</table>"
        f"{extra}"
        f'<div class="hinge-anatomy-note" style="color:#444;font-style:italic;margin-top:4px">'
        f"{escape(d['note'])}</div></div>"
    )


# ---------------------------------------------------------------------------
# Tables for the course

#: What a :func:`muscle_table` can show, and the unit put in the column names.
TABLE_PARTS: dict[str, str] = {"length_change_mm": "mm", "moment_nm": "N·m",
                               "share_pct": "%", "force_n": "N"}


def muscle_table(results: Any, part: str = "length_change_mm", muscles: Sequence[str] = GROUPS,
                 decimals: int = 0) -> Any:
    """One column per muscle group (named by its label) of ``<muscle>_<part>`` from an
    :func:`~hinge_lib.analyze_many` result, rounded; rows as in ``results``.

    ``part``: one of :data:`TABLE_PARTS` (length change in mm, moment at the main joint in
    N m, share in %, force in N).

    Examples
    --------
    >>> import pandas as pd
    >>> from hinge_lib import analyze_many
    >>> t = muscle_table(analyze_many(pd.DataFrame({"hip": [0.0, 90.0]})),
    ...                  muscles=["hamstrings"])
    >>> list(t.columns), int(t.iloc[0, 0])
    (['hamstrings (mm)'], 0)
    """
    from hinge_lib.model.muscles import muscle_groups

    if part not in TABLE_PARTS:
        raise ValueError(f"part must be one of {', '.join(TABLE_PARTS)}; got {part!r}")
    unknown = [m for m in muscles if m not in GROUPS]
    if unknown:
        raise ValueError(f"unknown muscle group(s) {unknown}; known: {', '.join(GROUPS)}")
    groups = muscle_groups()
    columns = {f"{m}_{part}": f"{groups[m].label.split(' (')[0]} ({TABLE_PARTS[part]})"
               for m in muscles}
    return (results[list(columns)].rename(columns=columns).round(decimals) + 0.0)


def moment_arm_table(pose: Any = None, body: Any = None) -> Any:
    """Moment arms (mm) of every muscle path at every joint it crosses, for one pose
    (standing tall by default): + = extends the joint (plantarflexes at the ankle), an
    empty cell = the path does not cross that joint.

    Examples
    --------
    >>> t = moment_arm_table()
    >>> bool(t.loc["semitendinosus", "hip"] > 0 > t.loc["semitendinosus", "knee"])
    True
    """
    import pandas as pd

    from hinge_lib.model.body import Body
    from hinge_lib.model.muscle_paths import PATHS, moment_arms
    from hinge_lib.model.pose import Pose

    pose = Pose() if pose is None else pose
    body = Body() if body is None else body
    arms = moment_arms({j: np.array([float(getattr(pose, j))]) for j in JOINT_NAMES}, body)
    rows = {p: {j: round(float(arms[p][j][0]) * 1000, 1) for j in ("lumbar", "hip", "knee",
                                                                  "ankle") if j in arms[p]}
            for p in PATHS}
    return pd.DataFrame.from_dict(rows, orient="index")[["lumbar", "hip", "knee", "ankle"]]
