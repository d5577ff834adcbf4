"""Side-on stick-figure drawings of an :class:`~hinge_lib.model.analysis.Analysis`.

Everything here is pure. :func:`drawing_data` computes what a drawing shows (polylines,
marked points, labels, in metres) once; two renderers are made from it:

- plotly (:func:`trace_data`, :func:`figure_traces`, :func:`pose_figure`,
  :func:`compare_figure`) for static figures in notebooks and the book;
- the live SVG figure of the widgets (:func:`live_scene`, sent once, and
  :func:`live_frame`, sent per change with coordinates and words only).

Trace order is fixed (:data:`TRACE_NAMES`); ``figure_traces(a)[i]`` always describes
the same thing, which lets tests compare drawn coordinates with ``a.joints``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hinge_lib.view import palette
from hinge_lib.view.readouts import (  # noqa: F401 - the readouts used to live here
    CONTACT_LABELS,
    balance_text,
    message_html,
    pose_words,
    readout_html,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from hinge_lib.model.analysis import Analysis

Point = tuple[float, float]

#: Fixed axis ranges in metres, wide enough for a tall body in a deep hinge or squat.
X_RANGE: tuple[float, float] = (-1.0, 1.3)
Y_RANGE: tuple[float, float] = (-0.22, 2.2)

#: The traces of every pose figure, in drawing order (later ones on top). Few traces on
#: purpose: the browser redraws every trace on each slider move, at about 1 ms a trace, so
#: all dots and labels share one trace (``points``) and the feet and head share another.
#: The floor is the y axis's zero line.
TRACE_NAMES: tuple[str, ...] = (
    "base_of_support",
    "ghost",
    "angle_guides",
    "head_and_feet",
    "body",
    "dowel",
    "plumb_line",
    "points",
)
TRACE_INDEX: dict[str, int] = {name: i for i, name in enumerate(TRACE_NAMES)}

#: Joint chains drawn as the body's segments: one polyline from ankle to hands, so the
#: whole body is a single SVG path in the browser.
BODY_CHAINS: tuple[tuple[str, ...], ...] = (
    ("ankle", "knee", "hip", "lumbar_base", "lumbar_top", "neck", "shoulder", "elbow", "hands"),
)
#: Joints marked with a dot.
JOINT_MARKERS: tuple[str, ...] = (
    "ankle",
    "knee",
    "hip",
    "lumbar_base",
    "lumbar_top",
    "neck",
    "shoulder",
    "elbow",
    "hands",
)
#: Body point where each dowel contact sits.
CONTACT_POINTS: dict[str, str] = {"head": "occiput", "upper_back": "upper_back", "sacrum": "sacrum"}

#: Where each text label sits relative to its point: shin, trunk, balance.
LABEL_POSITIONS: tuple[str, ...] = ("middle right", "middle left", "bottom center")

#: The groups of points in the ``points`` trace, in order, and how many points each has.
#: Every group always has all its points (an absent load is drawn at ``None``), so a
#: group's slice never moves: ``trace["x"][POINT_SLICES["com"]]``.
POINT_GROUPS: tuple[tuple[str, int], ...] = (
    ("joints", len(JOINT_MARKERS)),
    ("contacts", len(CONTACT_POINTS)),
    ("load", 1),
    ("com", 1),
    ("labels", len(LABEL_POSITIONS)),
)
POINT_SLICES: dict[str, slice] = {}
_start = 0
for _group, _count in POINT_GROUPS:
    POINT_SLICES[_group] = slice(_start, _start + _count)
    _start += _count
N_POINTS = _start
del _start, _group, _count

_NO_COLOUR = "rgba(0,0,0,0)"

_CIRCLE_STEPS = 28
_COS = [math.cos(2 * math.pi * i / _CIRCLE_STEPS) for i in range(_CIRCLE_STEPS + 1)]
_SIN = [math.sin(2 * math.pi * i / _CIRCLE_STEPS) for i in range(_CIRCLE_STEPS + 1)]


def head_outline(joints: Mapping[str, Sequence[float]]) -> tuple[list[float], list[float]]:
    """Closed circle around the head centre through the top of the head, then a gap and
    the neck line from the neck joint to the bottom of that circle."""
    hx, hy = (float(v) for v in joints["head"])
    vx, vy = (float(v) for v in joints["vertex"])
    nx, ny = (float(v) for v in joints["neck"])
    # start (and end) the circle at the vertex: rotate the unit circle by the head's tilt
    ux, uy = vx - hx, vy - hy
    xs: list[float | None] = [hx + ux * c - uy * s for c, s in zip(_COS, _SIN, strict=True)]
    ys: list[float | None] = [hy + uy * c + ux * s for c, s in zip(_COS, _SIN, strict=True)]
    # bottom of the head: the circle point opposite the vertex
    xs += [None, nx, 2 * hx - vx]
    ys += [None, ny, 2 * hy - vy]
    return xs, ys


def _ghost_lines(ghost: Analysis | None) -> list[list[Point]]:
    if ghost is None:
        return []
    j = ghost.joints
    return [*_chains(j, BODY_CHAINS), *head_lines(j), *_chains(j, (("heel", "ankle", "toe"),))]


def _chains(joints: Mapping[str, Sequence[float]], chains: Sequence[Sequence[str]]
            ) -> list[list[Point]]:
    return [[(float(joints[n][0]), float(joints[n][1])) for n in chain] for chain in chains]


def head_lines(joints: Mapping[str, Sequence[float]]) -> list[list[Point]]:
    """The head as two polylines: the closed circle (from the top of the head round) and
    the neck line from the neck joint to the bottom of that circle."""
    xs, ys = head_outline(joints)
    gap = xs.index(None)
    circle = list(zip(xs[:gap], ys[:gap], strict=True))
    neck = list(zip(xs[gap + 1:], ys[gap + 1:], strict=True))
    return [circle, neck]  # type: ignore[list-item]


#: The line layers of a pose drawing, in drawing order (later ones on top).
LINE_LAYERS: tuple[str, ...] = (
    "base_of_support",
    "ghost",
    "angle_guides",
    "feet",
    "head",
    "body",
    "dowel",
    "plumb_line",
)

#: What each kind of marked point means and how it looks: (colour, plotly symbol, outline
#: width). Contacts differ by shape as well as colour, so colour is never the only cue.
MARK_KINDS: dict[str, tuple[str, str, float]] = {
    "joint": (palette.JOINT, "circle", 0),
    "contact_held": (palette.DOWEL, "circle", 1),
    "contact_lost": (palette.BAD, "circle-open", 3),
    "load": (palette.LOAD, "square", 1),
    "com": (palette.COM, "circle-x", 2),
}


def load_marker_size(load_kg: float) -> float:
    """Marker size (px) of a load: grows with the square root of the mass."""
    return 10 + 3.0 * math.sqrt(load_kg) if load_kg > 0 else 10.0


def drawing_data(analysis: Analysis, ghost: Analysis | None = None) -> dict[str, Any]:
    """Everything a pose drawing shows, as plain coordinates and words (no styling).

    Both renderers draw from this: :func:`trace_data` (plotly, static and book figures)
    and :func:`live_frame` (the live SVG figure of the widgets). Coordinates in metres,
    x forward of the ankle, y up from the floor.

    Returns
    -------
    dict
        ``lines``: layer name (:data:`LINE_LAYERS`) -> list of polylines, each a list of
        (x, y) points (an empty list draws nothing). ``marks``: list of dicts with
        ``name``, ``group`` (a :data:`POINT_GROUPS` name), ``kind`` (a :data:`MARK_KINDS`
        key), ``xy`` ((x, y) or ``None`` when absent), ``label`` (text beside it, may be
        empty) and ``size`` (px, ``None`` for the kind's default). ``labels``: list of
        dicts with ``name``, ``xy``, ``text`` and ``tone`` ("plain", "good" or "bad"), in
        :data:`LABEL_POSITIONS` order. ``balanced``: bool.

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> a = analyze(Pose(hip=80))
    >>> d = drawing_data(a)
    >>> d["lines"]["body"][0][2] == a.joints["hip"]
    True
    >>> [m["kind"] for m in d["marks"] if m["name"] == "com"]
    ['com']
    """
    j = analysis.joints
    heel_x, toe_x = (float(v) for v in analysis.base_of_support)
    ax, ay = (float(v) for v in j["ankle"])
    kx, ky = (float(v) for v in j["knee"])
    hx, hy = (float(v) for v in j["hip"])
    shank = math.hypot(kx - ax, ky - ay)
    com_x, com_y = float(analysis.com_x_m), float(analysis.com_y_m)
    (d0x, d0y), (d1x, d1y) = ((float(a), float(b)) for a, b in analysis.dowel_line)

    lines = {
        "base_of_support": [[(heel_x, 0.0), (toe_x, 0.0)]],
        "ghost": _ghost_lines(ghost),
        "angle_guides": [[(ax, ay), (ax, ay + 0.75 * shank)], [(hx, hy), (hx, hy + 0.35)]],
        "feet": _chains(j, (("heel", "ankle", "toe", "heel"),)),
        "head": head_lines(j),
        "body": _chains(j, BODY_CHAINS),
        "dowel": [[(d0x, d0y), (d1x, d1y)]],
        "plumb_line": [[(com_x, com_y), (com_x, 0.0)]],
    }

    marks: list[dict[str, Any]] = []

    def mark(name: str, group: str, kind: str, xy: Sequence[float] | None, label: str = "",
             size: float | None = None) -> None:
        point = None if xy is None else (float(xy[0]), float(xy[1]))
        marks.append({"name": name, "group": group, "kind": kind, "xy": point,
                      "label": label, "size": size})

    for name in JOINT_MARKERS:
        mark(name, "joints", "joint", j[name])
    gaps = getattr(analysis, "dowel_gaps_mm", {}) or {}
    for key, point in CONTACT_POINTS.items():
        if analysis.dowel[key]:
            mark(f"contact_{key}", "contacts", "contact_held", j[point])
        else:
            # short, so it fits between the back and the plot's edge
            gap = gaps.get(key)
            label = f"{CONTACT_LABELS[key]} gap {float(gap):.0f} mm" if gap is not None else (
                f"{CONTACT_LABELS[key]} lost")
            mark(f"contact_{key}", "contacts", "contact_lost", j[point], label)
    load_kg = float(analysis.load_kg)
    mark("load", "load", "load", j["load"] if load_kg > 0 else None,
         f"{load_kg:g} kg" if load_kg > 0 else "", load_marker_size(load_kg))
    mark("com", "com", "com", (com_x, com_y))

    # Labels: shin angle right of the knee, trunk angle left of the top of the hip's
    # vertical guide (behind the body, where nothing else is drawn), balance under the feet.
    labels = [
        {"name": "shin", "xy": (kx + 0.05, ky), "text": f"shin {analysis.shin_angle_deg:.0f}°",
         "tone": "plain"},
        {"name": "trunk", "xy": (hx - 0.03, hy + 0.33),
         "text": f"trunk {analysis.trunk_angle_deg:.0f}°", "tone": "plain"},
        {"name": "balance", "xy": ((heel_x + toe_x) / 2, -0.04), "text": balance_text(analysis),
         "tone": "good" if analysis.balanced else "bad"},
    ]
    return {"lines": lines, "marks": marks, "labels": labels,
            "balanced": bool(analysis.balanced)}


_TONE_COLOURS = {"plain": palette.BLACK, "good": palette.GOOD, "bad": palette.BAD}


def _gapped(polylines: Sequence[Sequence[Point]]) -> tuple[list, list]:
    """x and y lists of several polylines, separated by ``None`` gaps (plotly's way)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for n, line in enumerate(polylines):
        if n:
            xs.append(None)
            ys.append(None)
        for x, y in line:
            xs.append(x)
            ys.append(y)
    return xs, ys


def trace_data(
    analysis: Analysis, ghost: Analysis | None = None, presenter: bool = False
) -> list[dict[str, Any]]:
    """The changing part of every plotly trace, in :data:`TRACE_NAMES` order, made from
    :func:`drawing_data`.

    Each dict holds ``x`` and ``y`` and, where the trace needs them, ``text`` and
    magic-underscore keys (e.g. ``line_color``, ``marker_line_width``) naming nested
    properties. Coordinates in metres; ``None`` separates polylines.
    """
    d = drawing_data(analysis, ghost)
    lines = d["lines"]
    ok_color = palette.GOOD if d["balanced"] else palette.BAD
    feet_x, feet_y = _gapped(lines["feet"])
    head_x, head_y = _gapped(lines["head"])
    return [
        {"x": [p[0] for p in lines["base_of_support"][0]], "y": [0.0, 0.0],
         "line_color": ok_color},
        # ghost: hidden, not just empty, when there is none (a hidden trace costs no redraw)
        {**dict(zip("xy", _gapped(lines["ghost"]), strict=True)), "visible": ghost is not None},
        dict(zip("xy", _gapped(lines["angle_guides"]), strict=True)),
        {"x": feet_x + [None] + head_x, "y": feet_y + [None] + head_y},  # head_and_feet
        dict(zip("xy", _gapped(lines["body"]), strict=True)),
        dict(zip("xy", _gapped(lines["dowel"]), strict=True)),
        dict(zip("xy", _gapped(lines["plumb_line"]), strict=True)),
        _points_data(d, presenter),
    ]


def _points_data(d: Mapping[str, Any], presenter: bool) -> dict[str, list[Any]]:
    """Every dot and label of one drawing, in :data:`POINT_GROUPS` order, one entry a
    point, for the plotly ``points`` trace."""
    s = palette.sizes(presenter)
    default_size = {"joint": s.joint_size, "contact_held": s.contact_size,
                    "contact_lost": s.contact_size, "com": s.com_size}
    out: dict[str, list[Any]] = {k: [] for k in (
        "x", "y", "text", "marker_color", "marker_size", "marker_symbol",
        "marker_line_width", "textfont_color")}

    def add(xy, label, col, size, sym, lw, text_col) -> None:
        out["x"].append(None if xy is None else xy[0])
        out["y"].append(None if xy is None else xy[1])
        out["text"].append(label)
        out["marker_color"].append(col)
        out["marker_size"].append(size)
        out["marker_symbol"].append(sym)
        out["marker_line_width"].append(lw)
        out["textfont_color"].append(text_col)

    for m in d["marks"]:
        col, sym, lw = MARK_KINDS[m["kind"]]
        size = m["size"] if m["size"] is not None else default_size[m["kind"]]
        text_col = palette.BAD if m["kind"] == "contact_lost" else palette.BLACK
        add(m["xy"], m["label"], col, size, sym, lw, text_col)
    for lab in d["labels"]:  # text only: an invisible, zero-size marker
        add(lab["xy"], lab["text"], _NO_COLOUR, 0, "circle", 0, _TONE_COLOURS[lab["tone"]])
    return out


def point_group(points: Mapping[str, Any], group: str) -> dict[str, list[Any]]:
    """One group of the ``points`` trace (e.g. ``"com"``): each per-point list cut to it."""
    cut = POINT_SLICES[group]
    return {key: list(value[cut]) for key, value in points.items()
            if isinstance(value, (list, tuple)) and len(value) == N_POINTS}


def _styles(presenter: bool) -> list[dict[str, Any]]:
    """The fixed look of every trace (type, mode, colours, sizes), in trace order."""
    s = palette.sizes(presenter)
    sc = "scatter"
    positions = ["middle center"] * N_POINTS
    positions[POINT_SLICES["contacts"]] = ["middle left"] * len(CONTACT_POINTS)
    positions[POINT_SLICES["load"]] = ["bottom center"]
    positions[POINT_SLICES["labels"]] = list(LABEL_POSITIONS)
    styles: dict[str, dict[str, Any]] = {
        "base_of_support": {"type": sc, "mode": "lines", "name": "base of support",
                            "line": {"width": s.body_width + 5}, "showlegend": True},
        "ghost": {"type": sc, "mode": "lines", "name": "reference (ghost)",
                  "line": {"color": palette.GHOST, "width": s.body_width, "dash": "dot"},
                  "opacity": 0.45, "showlegend": False},
        "angle_guides": {"type": sc, "mode": "lines", "name": "vertical",
                         "line": {"color": palette.GREY, "width": 1, "dash": "dash"},
                         "showlegend": False},
        "head_and_feet": {"type": sc, "mode": "lines", "name": "head and feet",
                          "fill": "toself", "fillcolor": palette.FILL,
                          "line": {"color": palette.BODY, "width": s.head_width},
                          "showlegend": False},
        "body": {"type": sc, "mode": "lines", "name": "body",
                 "line": {"color": palette.BODY, "width": s.body_width}, "showlegend": False},
        "dowel": {"type": sc, "mode": "lines", "name": "dowel",
                  "line": {"color": palette.DOWEL, "width": s.dowel_width}, "showlegend": True},
        "plumb_line": {"type": sc, "mode": "lines", "name": "plumb line",
                       "line": {"color": palette.COM, "width": 2, "dash": "dash"},
                       "showlegend": False},
        "points": {"type": sc, "mode": "markers+text", "name": "points",
                   "marker": {"line": {"color": palette.BLACK}},
                   "textposition": positions, "textfont": {"size": s.label_size},
                   "showlegend": False},
    }
    return [styles[name] for name in TRACE_NAMES]


def key_traces(presenter: bool = False) -> list[dict[str, Any]]:
    """Legend entries, without data, for the kinds of dot in the ``points`` trace.

    For static figures only: a live figure shows :func:`key_html` instead, because every
    trace, even an empty one, costs redraw time on each slider move.
    """
    s = palette.sizes(presenter)
    kinds = (
        ("contact held", palette.DOWEL, s.contact_size, "circle", 1),
        ("contact lost", palette.BAD, s.contact_size, "circle-open", 3),
        ("centre of mass", palette.COM, s.com_size, "circle-x", 2),
    )
    return [
        {"type": "scatter", "mode": "markers", "name": name, "x": [None], "y": [None],
         "marker": {"color": color, "size": size, "symbol": symbol,
                    "line": {"color": palette.BLACK, "width": width}},
         "showlegend": True}
        for name, color, size, symbol, width in kinds
    ]


def key_html(presenter: bool = False) -> str:
    """The figure's key as HTML, for live figures (which draw no plotly legend)."""
    s = palette.sizes(presenter)
    items = (
        (f'<span style="color:{palette.GOOD}">▬</span>/'
         f'<span style="color:{palette.BAD}">▬</span>', "base of support (balanced / not)"),
        (f'<span style="color:{palette.DOWEL}">━</span>', "dowel"),
        (f'<span style="color:{palette.DOWEL}">●</span>', "contact held"),
        (f'<span style="color:{palette.BAD}">○</span>', "contact lost"),
        (f'<span style="color:{palette.COM}">⊗</span>', "centre of mass"),
        (f'<span style="color:{palette.COM}">┆</span>', "plumb line"),
        (f'<span style="color:{palette.GHOST}">┈</span>', "reference (ghost)"),
    )
    spans = "".join(
        f'<span style="margin-right:1em;white-space:nowrap;display:inline-block">'
        f"{mark} {words}</span>"
        for mark, words in items
    )
    return (f'<div class="hinge-key" style="font-size:{s.readout_font_px - 2}px;'
            f'line-height:1.5;color:#222;white-space:normal">{spans}</div>')


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Turn magic-underscore keys (``marker_line_width``) into nested dicts."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *outer, inner = key.split("_")
        node = out
        for part in outer:
            node = node.setdefault(part, {})
        node[inner] = value
    return out


def _merge(style: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """``style`` updated by ``data`` at every level of nesting (neither is changed)."""
    merged = dict(style)
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def figure_traces(
    analysis: Analysis, ghost: Analysis | None = None, presenter: bool = False
) -> list[dict[str, Any]]:
    """Complete plotly trace dicts (style + data) for one pose, in :data:`TRACE_NAMES` order."""
    pairs = zip(_styles(presenter), trace_data(analysis, ghost, presenter), strict=True)
    return [_merge(style, _nest(data)) for style, data in pairs]


def figure_layout(
    title: str = "",
    presenter: bool = False,
    width: int | None = None,
    height: int | None = None,
    legend: bool = True,
) -> dict[str, Any]:
    """Layout with fixed ranges and equal aspect, so the figure never rescales. Live
    figures pass ``legend=False`` and show :func:`key_html` instead."""
    s = palette.sizes(presenter)
    if width is None:
        width = 640 if presenter else 460
    if height is None:
        height = int(width * 1.08)
    axis = {"showgrid": True, "gridcolor": "#EEEEEE", "zeroline": False, "fixedrange": True,
            "autorange": False, "ticksuffix": " m", "dtick": 0.5}
    # the floor: the y axis's zero line, drawn with the axes rather than as a trace
    floor = {"zeroline": True, "zerolinecolor": palette.FLOOR, "zerolinewidth": 2}
    return {
        "title": {"text": title, "x": 0.5, "xanchor": "center", "font": {"size": s.font_size + 3}},
        "xaxis": {**axis, "range": list(X_RANGE), "constrain": "domain",
                  "title": {"text": "forward of the ankle (m)", "standoff": 4}},
        "yaxis": {**axis, **floor, "range": list(Y_RANGE), "scaleanchor": "x", "scaleratio": 1,
                  "constrain": "domain", "title": {"text": "height (m)", "standoff": 4}},
        "width": width,
        "height": height,
        "margin": {"l": 60, "r": 15, "t": 50 if title else 20, "b": 60},
        "font": {"size": s.font_size},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "showlegend": legend,
        "legend": {"orientation": "h", "x": 0, "y": -0.13, "yanchor": "top",
                   "font": {"size": s.font_size - 2}},
        "dragmode": False,
        "hovermode": False,
        "transition": {"duration": 0},
    }


def panel_traces(
    analyses: Sequence[Analysis],
    ghosts: Sequence[Analysis | None] | None = None,
    presenter: bool = False,
) -> list[dict[str, Any]]:
    """Traces for several poses side by side in ONE figure (panel k uses axes x{k+1}/y{k+1}).

    Panel k's traces are ``k * len(TRACE_NAMES)`` onwards, in :data:`TRACE_NAMES` order.
    One figure with panels, rather than several figures, keeps live updates reliable when
    a page shows more than one drawing.
    """
    ghosts = list(ghosts) if ghosts is not None else [None] * len(analyses)
    out: list[dict[str, Any]] = []
    for k, (a, g) in enumerate(zip(analyses, ghosts, strict=True)):
        suffix = "" if k == 0 else str(k + 1)
        for trace in figure_traces(a, ghost=g, presenter=presenter):
            trace["xaxis"], trace["yaxis"] = "x" + suffix, "y" + suffix
            if k:
                trace["showlegend"] = False
            out.append(trace)
    return out


def panels_layout(
    titles: Sequence[str],
    presenter: bool = False,
    panel_width: int | None = None,
    legend: bool = True,
) -> dict[str, Any]:
    """Layout for :func:`panel_traces`: equal panels in a row, each with fixed equal axes."""
    n = len(titles)
    if panel_width is None:
        panel_width = 560 if presenter else 400
    base = figure_layout("", presenter=presenter, width=panel_width * n, legend=legend)
    s = palette.sizes(presenter)
    gap = 0.04 if n > 1 else 0.0
    span = (1 - gap * (n - 1)) / n
    layout = {k: v for k, v in base.items() if k not in ("xaxis", "yaxis", "title")}
    layout["height"] = int(panel_width * 1.08) + 30
    layout["margin"] = {**base["margin"], "t": 60}
    annotations = []
    for k, title in enumerate(titles):
        suffix = "" if k == 0 else str(k + 1)
        lo = k * (span + gap)
        layout["xaxis" + suffix] = {**base["xaxis"], "domain": [lo, lo + span],
                                    "anchor": "y" + suffix}
        layout["yaxis" + suffix] = {**base["yaxis"], "anchor": "x" + suffix,
                                    "scaleanchor": "x" + suffix}
        annotations.append({
            "text": title, "showarrow": False, "font": {"size": s.font_size + 2},
            "xref": f"x{suffix} domain", "yref": f"y{suffix} domain",
            "x": 0.5, "y": 1.0, "xanchor": "center", "yanchor": "bottom",
        })
    layout["annotations"] = annotations
    return layout


def compare_figure(
    analyses: Sequence[Analysis], titles: Sequence[str] | None = None, presenter: bool = False
) -> go.Figure:
    """A static figure with several poses side by side (same scale in every panel), the
    legend's key entries after the panels' traces."""
    import plotly.graph_objects as go

    if titles is None:
        titles = [pose_title(a) for a in analyses]
    return go.Figure(data=panel_traces(analyses, presenter=presenter) + key_traces(presenter),
                     layout=panels_layout(titles, presenter=presenter))


def pose_title(analysis: Analysis) -> str:
    """A short figure title naming the pattern (and, once the hips or knees bend, the hinge
    score; standing tall scores an even split of near-zero moments, which says nothing)."""
    if analysis.pattern == "upright":
        return "upright · no hinge or squat yet"
    return f"{analysis.pattern} · hinge score {analysis.hinge_score:.2f}"


def pose_figure(
    analysis: Analysis,
    ghost: Analysis | None = None,
    presenter: bool = False,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """A static plotly figure of one pose (for notebooks, reports, rep bottoms): the
    :data:`TRACE_NAMES` traces, then the legend's key entries.

    Parameters
    ----------
    analysis : Analysis
        The pose to draw (from :func:`hinge_lib.analyze`).
    ghost : Analysis, optional
        A second pose drawn faintly behind, for comparison.
    presenter : bool
        Bigger lines and fonts for a projector.
    title : str, optional
        The figure's title; by default the pattern and the joint angles.
    width, height : int, optional
        Size in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Axes in metres, equal scale, the floor at height 0.

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> fig = pose_figure(analyze(Pose(hip=80, knee=20)), title="A hinge")
    >>> fig.layout.title.text
    'A hinge'
    """
    import plotly.graph_objects as go

    if title is None:
        title = pose_title(analysis)
    return go.Figure(
        data=figure_traces(analysis, ghost=ghost, presenter=presenter) + key_traces(presenter),
        layout=figure_layout(title, presenter=presenter, width=width, height=height),
    )


# ---------------------------------------------------------------------------
# The live SVG figure: a fixed scene (sent once) and small frames (sent per change)

#: Plot margins of the live figure in px: left, right, top, bottom.
LIVE_MARGIN = (52, 12, 34, 44)
#: Decimal places of metres sent to the browser (0.1 mm).
LIVE_DECIMALS = 4
#: Smallest font of the live figure in CSS px, whatever width the page gives it: a phone
#: held at arm's length still reads 16 px text (the browser code scales up from there).
LIVE_MIN_FONT_PX = 16

_SHAPES = {"circle": "circle", "circle-open": "ring", "circle-x": "circle-x",
           "square": "square"}


def live_size(presenter: bool = False, width: int | None = None) -> tuple[int, int]:
    """Width and height (px) of a live figure whose plot keeps equal metres on both axes."""
    if width is None:
        width = 380 if presenter else 420
    left, right, top, bottom = LIVE_MARGIN
    plot_w = width - left - right
    plot_h = plot_w * (Y_RANGE[1] - Y_RANGE[0]) / (X_RANGE[1] - X_RANGE[0])
    return width, int(math.ceil(plot_h + top + bottom))


def live_transform(scene: Mapping[str, Any]) -> tuple[float, float, float]:
    """(origin x, origin y, px per metre) of a scene: a point (x, y) in metres is drawn at
    ``(ox + k * x, oy - k * y)`` px (y grows downwards on screen)."""
    ox, oy = scene["origin"]
    return float(ox), float(oy), float(scene["scale"])


@dataclass(frozen=True)
class ExtraLayer:
    """A further line layer of the live figure (say, a muscle), drawn above the body.

    ``lines`` gives the layer's polylines for an analysis, in metres (an empty list draws
    nothing); the colour and dash are fixed, and ``label`` names the layer for assistive
    technology. Pass layers to :func:`hinge_lib.widgets.explorer.explore` (``layers=``);
    the browser code needs no change.

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> thigh = ExtraLayer("thigh", "thigh line", palette.VERMILLION,
    ...                    lambda a: [[a.joints["hip"], a.joints["knee"]]])
    >>> live_scene(extra_layers=[thigh.style()])["layers"][6]["name"]
    'thigh'
    >>> len(live_frame(analyze(Pose()), extra_paths=extra_paths([thigh], analyze(Pose())))
    ...     ["paths"]["thigh"])
    4
    """

    name: str
    label: str
    stroke: str
    lines: Callable[[Any], Sequence[Sequence[Point]]]
    width: float = 3.0
    dash: str | None = None
    opacity: float = 1.0

    def style(self) -> dict[str, Any]:
        """The layer's entry in a live scene."""
        return {"name": self.name, "label": self.label, "stroke": self.stroke,
                "width": self.width, "dash": self.dash, "opacity": self.opacity}


def extra_paths(layers: Sequence[ExtraLayer], analysis: Analysis
                ) -> dict[str, Sequence[Sequence[Point]]]:
    """The polylines of each extra layer for one analysis (for :func:`live_frame`)."""
    return {layer.name: layer.lines(analysis) for layer in layers}


def live_scene(presenter: bool = False, title: str = "", width: int | None = None,
               extra_layers: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The fixed part of a live pose figure: size, metres-to-pixels mapping, axes, and
    the look of every layer, mark kind and label tone. Sent to the browser once.

    ``extra_layers`` (e.g. muscles) are added above the body as more path layers, each a
    mapping with ``name``, ``stroke`` and ``label`` and optionally ``width``, ``dash``,
    ``fill`` and ``opacity``; a frame then carries their coordinates under ``paths``.

    ``width``/``height``/``origin``/``scale`` describe the figure at its design width; on a
    page the browser code redraws it at the width it is given (a phone's column, a
    projector's screen), keeping equal metres on both axes, with ``origin`` and ``scale``
    worked out again the same way from ``x_range``, ``y_range`` and ``margin``.
    """
    s = palette.sizes(presenter)
    w, h = live_size(presenter, width)
    left, right, top, bottom = LIVE_MARGIN
    k = (w - left - right) / (X_RANGE[1] - X_RANGE[0])
    layer = {
        "base_of_support": {"stroke": palette.GOOD, "width": s.body_width + 5,
                            "label": "base of support"},
        "ghost": {"stroke": palette.GHOST, "width": s.body_width, "dash": "2 6",
                  "opacity": 0.6, "label": "reference (ghost)"},
        "angle_guides": {"stroke": palette.GREY, "width": 1, "dash": "6 4", "label": "vertical"},
        "feet": {"stroke": palette.BODY, "width": s.head_width, "fill": palette.FILL,
                 "label": "feet"},
        "head": {"stroke": palette.BODY, "width": s.head_width, "fill": palette.FILL,
                 "label": "head"},
        "body": {"stroke": palette.BODY, "width": s.body_width, "label": "body"},
        "dowel": {"stroke": palette.DOWEL, "width": s.dowel_width, "label": "dowel"},
        "plumb_line": {"stroke": palette.COM, "width": 2, "dash": "6 4", "label": "plumb line"},
    }
    layers = [{"name": name, **layer[name]} for name in LINE_LAYERS]
    at = layers.index(layers[LINE_LAYERS.index("body")]) + 1
    layers[at:at] = [dict(extra) for extra in extra_layers]
    sizes = {"joint": s.joint_size, "contact_held": s.contact_size,
             "contact_lost": s.contact_size, "load": 10, "com": s.com_size}
    kinds = {
        kind: {"shape": _SHAPES[symbol], "color": colour, "outline": width,
               "size": sizes[kind]}
        for kind, (colour, symbol, width) in MARK_KINDS.items()
    }
    return {
        "width": w,
        "height": h,
        "origin": [left - k * X_RANGE[0], top + k * Y_RANGE[1]],
        "scale": k,
        "x_range": list(X_RANGE),
        "y_range": list(Y_RANGE),
        "x_ticks": [-1.0, -0.5, 0.0, 0.5, 1.0],
        "y_ticks": [0.0, 0.5, 1.0, 1.5, 2.0],
        "x_title": "forward of the ankle (m)",
        "y_title": "height (m)",
        "floor": palette.FLOOR,
        "title": title,
        "font_size": s.font_size,
        "label_size": s.label_size,
        # the browser fits the figure to the width its page gives it (live_figure.js):
        # margins and fonts grow with it, never below LIVE_MIN_FONT_PX
        "margin": list(LIVE_MARGIN),
        "min_font": LIVE_MIN_FONT_PX,
        "layers": layers,
        "kinds": kinds,
        "tones": dict(_TONE_COLOURS),
        "outline": palette.BLACK,
    }


def _flat_layers(layers: Mapping[str, Sequence[Sequence[Point]]]
                 ) -> dict[str, list[float | None]]:
    """Each layer's polylines as one flat list ``[x, y, x, y, None, x, y, ...]`` in metres
    rounded to :data:`LIVE_DECIMALS`; every point of every layer is rounded in one numpy
    call (a frame has a few hundred points)."""
    points = [point for lines in layers.values() for line in lines for point in line]
    rounded = (np.round(np.array(points, dtype=float), LIVE_DECIMALS).ravel().tolist()
               if points else [])
    out: dict[str, list[float | None]] = {}
    at = 0
    for name, lines in layers.items():
        flat: list[float | None] = []
        for n, line in enumerate(lines):
            if n:
                flat.append(None)
            flat += rounded[at:at + 2 * len(line)]
            at += 2 * len(line)
        out[name] = flat
    return out


#: Where the text of the marks of a group sits (plotly's textposition words).
_MARK_TEXT_POSITION = {"contacts": "middle left", "load": "bottom center"}


def live_frame(analysis: Analysis, ghost: Analysis | None = None,
               extra_paths: Mapping[str, Sequence[Sequence[Point]]] | None = None
               ) -> dict[str, Any]:
    """The changing part of a live pose figure, made from :func:`drawing_data`: only
    coordinates, words and state names (no styling), a few kB of JSON.

    Keys: ``paths`` (layer name -> flat ``[x, y, x, y, None, ...]`` metres; ``None``
    starts a new polyline), ``strokes`` (layer name -> colour, for layers whose colour
    carries meaning), ``marks`` (``[name, kind, x, y, size]``, ``x`` None when absent),
    ``texts`` (``[name, x, y, text, tone, position]``), ``title``, ``desc`` and ``say``
    (:func:`pose_words`). ``extra_paths`` adds layers given to :func:`live_scene`.

    Examples
    --------
    >>> from hinge_lib.model.analysis import analyze
    >>> from hinge_lib.model.pose import Pose
    >>> frame = live_frame(analyze(Pose(hip=80)))
    >>> sorted(frame)
    ['desc', 'marks', 'paths', 'say', 'strokes', 'texts', 'title']
    """
    d = drawing_data(analysis, ghost)
    paths = _flat_layers({**d["lines"], **(extra_paths or {})})
    marks = []
    texts = []
    for m in d["marks"]:
        x, y = (None, None) if m["xy"] is None else (round(m["xy"][0], LIVE_DECIMALS),
                                                     round(m["xy"][1], LIVE_DECIMALS))
        marks.append([m["name"], m["kind"], x, y,
                      None if m["size"] is None else round(m["size"], 1)])
        position = _MARK_TEXT_POSITION.get(m["group"])
        if position:  # the mark's text slot always exists; empty text hides it
            texts.append([f"{m['name']}_label", x, y, m["label"] if x is not None else "",
                          "bad" if m["kind"] == "contact_lost" else "plain", position])
    for lab, position in zip(d["labels"], LABEL_POSITIONS, strict=True):
        texts.append([lab["name"], round(lab["xy"][0], LIVE_DECIMALS),
                      round(lab["xy"][1], LIVE_DECIMALS), lab["text"], lab["tone"], position])
    words = pose_words(analysis)
    return {
        "paths": paths,
        "strokes": {"base_of_support": palette.GOOD if d["balanced"] else palette.BAD},
        "marks": marks,
        "texts": texts,
        **words,
    }
