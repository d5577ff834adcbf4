"""Side-on stick-figure drawings of an :class:`~hinge_lib.model.analysis.Analysis`.

Everything here is pure: functions take an analysis and return plain trace data
(dicts of lists) or a static plotly figure. The interactive explorer reuses the same
functions and only copies the changing parts (x, y, text, colours) into its figure,
so a drawing never gains or loses traces while sliders move.

Trace order is fixed (:data:`TRACE_NAMES`); ``figure_traces(a)[i]`` always describes
the same thing, which lets tests compare drawn coordinates with ``a.joints``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hinge_lib.view import palette

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
CONTACT_LABELS: dict[str, str] = {"head": "head", "upper_back": "upper back", "sacrum": "sacrum"}

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


def _polyline(
    joints: Mapping[str, Sequence[float]], chains: Sequence[Sequence[str]]
) -> tuple[list, list]:
    """x and y lists for several polylines, separated by ``None`` gaps."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for n, chain in enumerate(chains):
        if n:
            xs.append(None)
            ys.append(None)
        for name in chain:
            x, y = joints[name]
            xs.append(float(x))
            ys.append(float(y))
    return xs, ys


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


def _ghost_xy(ghost: Analysis | None) -> tuple[list, list]:
    if ghost is None:
        return [], []
    xs, ys = _polyline(ghost.joints, BODY_CHAINS)
    hx, hy = head_outline(ghost.joints)
    fx, fy = _polyline(ghost.joints, (("heel", "ankle", "toe"),))
    return xs + [None] + hx + [None] + fx, ys + [None] + hy + [None] + fy


def balance_text(analysis: Analysis) -> str:
    """Short balance label: the words carry the meaning, the colour only repeats it."""
    cm = abs(analysis.balance_margin_m) * 100
    if analysis.balanced:
        return f"balanced ({cm:.0f} cm inside feet)"
    heel_x, toe_x = analysis.base_of_support
    side = "ahead of toes" if analysis.com_x_m > toe_x else "behind heels"
    return f"NOT balanced ({cm:.0f} cm {side})"


def trace_data(
    analysis: Analysis, ghost: Analysis | None = None, presenter: bool = False
) -> list[dict[str, Any]]:
    """The changing part of every trace, in :data:`TRACE_NAMES` order.

    Each dict holds ``x`` and ``y`` and, where the trace needs them, ``text`` and
    magic-underscore keys (e.g. ``line_color``, ``marker_line_width``) naming nested
    properties. Coordinates in metres; ``None`` separates polylines.
    """
    j = analysis.joints
    heel_x, toe_x = (float(v) for v in analysis.base_of_support)
    ok_color = palette.GOOD if analysis.balanced else palette.BAD

    body_x, body_y = _polyline(j, BODY_CHAINS)
    head_x, head_y = head_outline(j)
    feet_x, feet_y = _polyline(j, (("heel", "ankle", "toe", "heel"),))
    ghost_x, ghost_y = _ghost_xy(ghost)

    ax, ay = (float(v) for v in j["ankle"])
    kx, ky = (float(v) for v in j["knee"])
    hx, hy = (float(v) for v in j["hip"])
    shank = math.hypot(kx - ax, ky - ay)
    com_x, com_y = float(analysis.com_x_m), float(analysis.com_y_m)
    (d0x, d0y), (d1x, d1y) = ((float(a), float(b)) for a, b in analysis.dowel_line)
    # Labels: shin angle right of the knee, trunk angle left of the top of the hip's
    # vertical guide (behind the body, where nothing else is drawn), balance under the feet.
    labels = (
        ((kx + 0.05, ky), f"shin {analysis.shin_angle_deg:.0f}°", palette.BLACK),
        ((hx - 0.03, hy + 0.33), f"trunk {analysis.trunk_angle_deg:.0f}°", palette.BLACK),
        (((heel_x + toe_x) / 2, -0.04), balance_text(analysis), ok_color),
    )

    return [
        {"x": [heel_x, toe_x], "y": [0.0, 0.0], "line_color": ok_color},  # base_of_support
        # ghost: hidden, not just empty, when there is none (a hidden trace costs no redraw)
        {"x": ghost_x, "y": ghost_y, "visible": ghost is not None},
        {"x": [ax, ax, None, hx, hx], "y": [ay, ay + 0.75 * shank, None, hy, hy + 0.35]},
        {"x": feet_x + [None] + head_x, "y": feet_y + [None] + head_y},  # head_and_feet
        {"x": body_x, "y": body_y},  # body
        {"x": [d0x, d1x], "y": [d0y, d1y]},  # dowel
        {"x": [com_x, com_x], "y": [com_y, 0.0]},  # plumb_line
        _points_data(analysis, presenter, labels),
    ]


def _points_data(
    analysis: Analysis, presenter: bool, labels: Sequence[tuple[Point, str, str]]
) -> dict[str, list[Any]]:
    """Every dot and label of one pose, in :data:`POINT_GROUPS` order, one entry a point;
    ``labels`` are (position, text, colour) in :data:`LABEL_POSITIONS` order."""
    s = palette.sizes(presenter)
    j = analysis.joints
    x: list[float | None] = []
    y: list[float | None] = []
    text: list[str] = []
    color: list[str] = []
    size: list[float] = []
    symbol: list[str] = []
    line_width: list[float] = []
    text_color: list[str] = []

    def add(point: Sequence[float] | None, label: str, col: str, sz: float, sym: str,
            lw: float, text_col: str = palette.BLACK) -> None:
        x.append(None if point is None else float(point[0]))
        y.append(None if point is None else float(point[1]))
        text.append(label)
        color.append(col)
        size.append(sz)
        symbol.append(sym)
        line_width.append(lw)
        text_color.append(text_col)

    for name in JOINT_MARKERS:
        add(j[name], "", palette.JOINT, s.joint_size, "circle", 0)

    gaps = getattr(analysis, "dowel_gaps_mm", {}) or {}
    for key, point in CONTACT_POINTS.items():
        if analysis.dowel[key]:
            add(j[point], "", palette.DOWEL, s.contact_size, "circle", 1)
        else:
            # short, so it fits between the back and the plot's edge
            gap = gaps.get(key)
            label = f"{CONTACT_LABELS[key]} gap {float(gap):.0f} mm" if gap is not None else (
                f"{CONTACT_LABELS[key]} lost")
            add(j[point], label, palette.BAD, s.contact_size, "circle-open", 3, palette.BAD)

    load_kg = float(analysis.load_kg)
    if load_kg > 0:
        add(j["load"], f"{load_kg:g} kg", palette.LOAD, 10 + 3.0 * math.sqrt(load_kg),
            "square", 1)
    else:
        add(None, "", palette.LOAD, 10, "square", 1)

    add((analysis.com_x_m, analysis.com_y_m), "", palette.COM, s.com_size, "circle-x", 2)

    for point, label, label_color in labels:  # text only: an invisible, zero-size marker
        add(point, label, _NO_COLOUR, 0, "circle", 0, label_color)

    return {
        "x": x,
        "y": y,
        "text": text,
        "marker_color": color,
        "marker_size": size,
        "marker_symbol": symbol,
        "marker_line_width": line_width,
        "textfont_color": text_color,
    }


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
    """A short figure title naming the pattern."""
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
    :data:`TRACE_NAMES` traces, then the legend's key entries."""
    import plotly.graph_objects as go

    if title is None:
        title = pose_title(analysis)
    return go.Figure(
        data=figure_traces(analysis, ghost=ghost, presenter=presenter) + key_traces(presenter),
        layout=figure_layout(title, presenter=presenter, width=width, height=height),
    )


# ---------------------------------------------------------------------------
# Readout (HTML beside the figure)

#: Moment (N m) that fills a readout bar; larger moments fill it and show the number.
BAR_FULL_SCALE_NM = 300.0

_PATTERN_WORDS = {
    "upright": "Upright: neither a hinge nor a squat yet",
    "hinge": "Hinge: the hips do most of the work",
    "squat": "Squat: the knees share the work",
}


def _bar(label: str, value: float, color: str, scale: float = BAR_FULL_SCALE_NM) -> str:
    share = min(abs(value) / scale, 1.0) * 100
    kind = "extensor" if value >= 0 else "flexor"
    return (
        f'<div class="hinge-bar" style="margin:2px 0">'
        f'<span style="display:inline-block;width:6.5em">{label}</span>'
        f'<span style="display:inline-block;width:10em;background:#EEEEEE;'
        f'vertical-align:middle;height:0.9em">'
        f'<span style="display:block;width:{share:.0f}%;height:100%;background:{color}"></span>'
        f"</span> {abs(value):.0f} N·m {kind}</div>"
    )


def readout_html(analysis: Analysis, presenter: bool = False) -> str:
    """The readout beside the figure: pattern, moments, hamstrings, balance, faults with cues.

    Class names (``hinge-pattern``, ``hinge-score``, ``hinge-balance``, ``hinge-fault``)
    let tests and styles find each part.
    """
    from html import escape

    s = palette.sizes(presenter)
    a = analysis
    pattern = escape(str(a.pattern))
    words = escape(_PATTERN_WORDS.get(a.pattern, str(a.pattern)))
    ham = float(a.hamstring_length_change_mm)
    ham_word = "stretched" if ham > 0.5 else ("shortened" if ham < -0.5 else "about resting")
    ok_color = palette.GOOD if a.balanced else palette.BAD
    balance = escape(balance_text(a))
    mark = "✔" if a.balanced else "✖"

    if a.faults:
        items = "".join(
            f'<li class="hinge-fault" data-code="{escape(f.code)}">'
            f"<b>{escape(f.message)}</b><br><i>Cue:</i> {escape(f.cue)}</li>"
            for f in a.faults
        )
        faults = f'<ul style="margin:2px 0;padding-left:1.2em">{items}</ul>'
    else:
        faults = '<div class="hinge-no-faults">No faults flagged.</div>'

    notes = "".join(
        f'<div class="hinge-warning" style="color:#444;font-style:italic">{escape(str(w))}</div>'
        for w in getattr(a, "warnings", ()) or ()
    )

    return (
        f'<div class="hinge-readout-body" style="font-size:{s.readout_font_px}px;'
        f'line-height:1.35;min-width:18em">'
        f'<div style="font-size:1.25em"><b>Pattern:</b> '
        f'<span class="hinge-pattern">{pattern}</span> · '
        f'<span class="hinge-score">hinge score {a.hinge_score:.2f}</span></div>'
        f'<div style="color:#444">{words}</div>'
        f'<div style="margin-top:6px"><b>Extensor moments</b> (both legs)</div>'
        f"{_bar('Hip', float(a.hip_moment_nm), palette.HIP_BAR)}"
        f"{_bar('Knee', float(a.knee_moment_nm), palette.KNEE_BAR)}"
        f'<div style="margin-top:6px"><b>Hamstrings:</b> '
        f'<span class="hinge-hamstrings">{ham:+.0f} mm ({ham_word})</span></div>'
        f'<div style="margin-top:6px"><b>Balance:</b> '
        f'<span class="hinge-balance" style="color:{ok_color}">{mark} {balance}</span></div>'
        f'<div style="margin-top:6px"><b>Faults</b></div>{faults}{notes}'
        f"</div>"
    )


def message_html(text: str, kind: str = "info", presenter: bool = False) -> str:
    """A short boxed message for the explorer's message area (``kind``: info or error)."""
    from hinge_lib.view.messages import message_box

    return message_box(text, kind, presenter=presenter)
