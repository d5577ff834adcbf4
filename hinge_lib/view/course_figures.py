"""Static figures of the course notebooks, drawn from model results.

Each function takes numbers the model computed (DataFrames from ``analyze_many``, an
``Analysis``) and returns a plotly Figure with a title, axis titles with units and the
course's colour-blind-safe palette, so notebook cells only call the library. Widths fit a
1366 px laptop screen; labels sit on the data, not in a legend, where points would otherwise
be told apart by symbol alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from hinge_lib.view import palette
from hinge_lib.view.figures import pose_figure

_LAYOUT = {"template": "plotly_white", "font": {"size": 13},
           "margin": {"l": 70, "r": 30, "t": 60, "b": 60}}

#: Colours for a sequence of lines that are not good/bad (loads, spine levels, ...).
SERIES = (palette.BLACK, palette.SKY_BLUE, palette.BLUE, palette.VERMILLION,
          palette.REDDISH_PURPLE, palette.ORANGE)
DASHES = ("dot", "dash", "solid", "dashdot", "longdash", "longdashdot")


def _figure(title: str, x_title: str, y_title: str, width: int = 680,
            height: int = 420) -> go.Figure:
    return go.Figure(layout={**_LAYOUT, "title": {"text": title, "x": 0.02},
                             "xaxis_title": x_title, "yaxis_title": y_title, "width": width,
                             "height": height,
                             "legend": {"orientation": "h", "y": -0.22, "x": 0}})


def hamstring_lean_figure(hinge: Any, bend: Any) -> go.Figure:
    """Hamstring length change against trunk lean for a hinge sweep and a spine-bend sweep.

    Parameters
    ----------
    hinge, bend
        ``analyze_many`` results of the two sweeps (columns ``trunk_angle_deg`` and
        ``hamstring_length_change_mm``).
    """
    fig = _figure("Same forward lean, two ways: hamstring stretch",
                  "trunk lean from vertical (deg)", "hamstring length change (mm)")
    fig.add_scatter(x=hinge["trunk_angle_deg"], y=hinge["hamstring_length_change_mm"],
                    name="hinge (hips fold)", line={"color": palette.GOOD, "width": 3})
    fig.add_scatter(x=bend["trunk_angle_deg"], y=bend["hamstring_length_change_mm"],
                    name="spine bend (back rounds)",
                    line={"color": palette.BAD, "width": 3, "dash": "dash"})
    return fig


def moments_figure(table: Any, title: str = "Who does the work: net moments at body weight"
                   ) -> go.Figure:
    """Hip and knee moments of each lift as grouped bars (``lift_table`` or
    ``analyze_references`` output with a ``name`` column)."""
    labels = table["name"].str.replace(r" \(.*\)", "", regex=True)
    fig = _figure(title, "lift (bottom or working position)",
                  "net moment, both legs (N·m); + extensor, − flexor", width=780, height=460)
    fig.update_layout(barmode="group", xaxis_tickangle=-30)
    fig.add_bar(x=labels, y=table["hip_moment_nm"], name="hip", marker_color=palette.HIP_BAR)
    fig.add_bar(x=labels, y=table["knee_moment_nm"], name="knee", marker_color=palette.KNEE_BAR,
                marker_pattern_shape="/")
    return fig


def com_sweep_figure(stay: Any, back: Any) -> go.Figure:
    """Centre of mass against hip flexion for 'hips stay over the ankles' and 'hips go back',
    with the base of support as a band."""
    fig = _figure("Where the centre of mass goes as the hips fold", "hip flexion (deg)",
                  "centre of mass forward of the ankle (cm)")
    heel, toe = float(stay["heel_x_m"].iloc[0]) * 100, float(stay["toe_x_m"].iloc[0]) * 100
    fig.add_hrect(y0=heel, y1=toe, fillcolor=palette.GOOD, opacity=0.12, line_width=0,
                  annotation_text="base of support (heel to toe)",
                  annotation_position="top left")
    fig.add_scatter(x=stay["hip"], y=stay["com_x_m"] * 100, name="hips stay over the ankles",
                    line={"color": palette.BAD, "width": 3, "dash": "dash"})
    fig.add_scatter(x=back["hip"], y=back["com_x_m"] * 100, name="hips go back",
                    line={"color": palette.GOOD, "width": 3})
    return fig


def load_room_figure(by_load: Mapping[float, Any]) -> go.Figure:
    """Centre of mass against how far the hips are behind the ankle, one line per load in
    the hands (``{kg: analyze_many result}``), with the base of support as a band."""
    fig = _figure("A bell in front lets the hips go further back",
                  "hips behind the ankle (cm)", "centre of mass forward of the ankle (cm)")
    first = next(iter(by_load.values()))
    fig.add_hrect(y0=float(first["heel_x_m"].iloc[0]) * 100,
                  y1=float(first["toe_x_m"].iloc[0]) * 100, fillcolor=palette.GOOD,
                  opacity=0.12, line_width=0, annotation_text="base of support",
                  annotation_position="top left")
    for i, (kg, res) in enumerate(by_load.items()):
        fig.add_scatter(x=-res["hip_x_m"] * 100, y=res["com_x_m"] * 100,
                        name=f"{kg:g} kg in the hands",
                        line={"color": SERIES[i % len(SERIES)], "width": 3,
                              "dash": DASHES[i % len(DASHES)]})
    return fig


def dowel_gap_figure(sweeps: Mapping[str, Any]) -> go.Figure:
    """Largest dowel gap against each spine slider's value (``{field: sweep result}`` as
    returned by :func:`hinge_lib.course.lessons.spine_sweeps`)."""
    fig = _figure("How far the dowel lifts off as each part of the spine leaves neutral",
                  "slider value (deg; 0 = standing curve, + rounds, − arches)",
                  "largest dowel gap (mm)", width=720)
    gaps = ["dowel_gap_head_mm", "dowel_gap_upper_back_mm", "dowel_gap_sacrum_mm"]
    styles = {"lumbar": (palette.VERMILLION, "solid"), "thoracic": (palette.BLUE, "dash"),
              "neck": (palette.REDDISH_PURPLE, "dot")}
    for field, res in sweeps.items():
        colour, dash = styles.get(field, (palette.BLACK, "solid"))
        fig.add_scatter(x=res[field], y=res[gaps].max(axis=1), name=f"{field} spine",
                        mode="lines+markers", line={"color": colour, "width": 3, "dash": dash})
    return fig


def kneeling_stretch_figure(kneeling: Any, standing: Any, soft_knee: float) -> go.Figure:
    """Hamstring stretch against hip flexion, tall kneeling (knee 90) and standing."""
    fig = _figure("Hamstring stretch: kneeling vs standing hinge", "hip flexion (deg)",
                  "hamstring length change (mm)")
    fig.add_scatter(x=kneeling["hip"], y=kneeling["hamstring_length_change_mm"],
                    name="tall kneeling (knee 90°)",
                    line={"color": palette.SKY_BLUE, "width": 3, "dash": "dash"})
    fig.add_scatter(x=standing["hip"], y=standing["hamstring_length_change_mm"],
                    name=f"standing, soft knee ({soft_knee:g}°)",
                    line={"color": palette.BLUE, "width": 3})
    return fig


def wall_figure(table: Any) -> go.Figure:
    """Hip flexion and hamstring stretch needed to tap walls at increasing distances, in two
    stacked panels that share the distance axis (``lessons.wall_poses`` output)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=("hip flexion needed", "hamstring stretch"))
    fig.add_scatter(x=table.index, y=table["hip"], mode="lines+markers", name="hip flexion",
                    line={"color": palette.BLUE, "width": 3}, row=1, col=1)
    fig.add_scatter(x=table.index, y=table["hamstring_length_change_mm"], mode="lines+markers",
                    name="hamstring stretch", line={"color": palette.VERMILLION, "width": 3,
                                                    "dash": "dash"}, row=2, col=1)
    fig.update_layout(**_LAYOUT, title={"text": "Wall distance vs the hinge needed to tap it",
                                        "x": 0.02}, width=640, height=520, showlegend=False)
    fig.update_yaxes(title_text="hip flexion (deg)", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="stretch (mm)", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text="heel-to-wall distance (cm)", row=2, col=1)
    return fig


def hinge_squat_map(table: Any, ratio: float) -> go.Figure:
    """Knee against hip flexion for every lift, each point labelled with its name and
    coloured by the model's pattern, with the model's hinge/squat line."""
    colours = {"hinge": palette.BLUE, "squat": palette.VERMILLION, "upright": palette.GOOD}
    fig = _figure("Where each lift sits: knee bend vs hip bend", "hip flexion (deg)",
                  "knee flexion (deg)", width=820, height=540)
    labels = table["name"].str.replace(r" \(.*\)", "", regex=True)
    for pattern, colour in colours.items():
        rows = table[table["pattern"] == pattern]
        if rows.empty:
            continue
        fig.add_scatter(x=rows["hip"], y=rows["knee"], mode="markers+text",
                        text=labels[rows.index], textposition="middle right",
                        name=f"model says {pattern}",
                        marker={"size": 12, "color": colour,
                                "symbol": {"hinge": "circle", "squat": "square",
                                           "upright": "diamond"}[pattern]})
    fig.add_scatter(x=[0, 140], y=[0, 140 * ratio], mode="lines", name="model's hinge/squat line",
                    line={"dash": "dash", "color": palette.GREY})
    fig.update_xaxes(range=[-5, 175])
    return fig


def free_body_figure(analysis: Any, upper_mass_kg: float, lever_m: float) -> go.Figure:
    """The stick figure with the weight of everything above the hips drawn as one arrow at
    its centre of mass, and the lever arm from the hip joint.

    Parameters
    ----------
    analysis
        The analysed pose.
    upper_mass_kg
        Mass of trunk, head, arms and load (kg).
    lever_m
        Horizontal distance from the hip joint to that mass's centre (m, + forward).
    """
    hip_x, hip_y = (float(v) for v in analysis.joints["hip"][:2])
    x = hip_x + lever_m
    top = float(analysis.joints["shoulder"][1])
    weight = upper_mass_kg * 9.81
    fig = pose_figure(analysis, title="Weight × lever arm = hip moment")
    fig.add_annotation(x=x, y=hip_y - 0.25, ax=x, ay=top + 0.05, xref="x", yref="y",
                       axref="x", ayref="y", showarrow=True, arrowhead=3, arrowwidth=3,
                       arrowcolor=palette.VERMILLION, text="")
    fig.add_annotation(x=x, y=top + 0.08, text=f"weight above the hips {weight:.0f} N",
                       showarrow=False, font={"color": palette.VERMILLION}, yanchor="bottom")
    fig.add_shape(type="line", x0=hip_x, x1=x, y0=hip_y - 0.12, y1=hip_y - 0.12,
                  line={"color": palette.BLACK, "width": 2})
    fig.add_annotation(x=(hip_x + x) / 2, y=hip_y - 0.12, text=f"lever arm {lever_m:.3f} m",
                       showarrow=False, yanchor="top", font={"color": palette.BLACK})
    fig.add_annotation(x=hip_x, y=hip_y, text="hip joint", showarrow=True, ax=-40, ay=-30)
    fig.update_layout(xaxis_title="forward of the ankle (m)",
                      yaxis_title="height above the floor (m)")
    return fig


def spine_curves_figure(analysis: Any) -> go.Figure:
    """Standing tall with the dowel: the spine's natural curves named where they are (inward
    at the neck and lower back, outward at the upper back), and the three contacts."""
    j = {k: (float(v[0]), float(v[1])) for k, v in analysis.joints.items()}

    def mid(a: str, b: str) -> tuple[float, float]:
        return (j[a][0] + j[b][0]) / 2, (j[a][1] + j[b][1]) / 2

    fig = pose_figure(analysis, title="A neutral spine keeps its curves")
    labels = ((j["occiput"], "back of the head: contact", palette.DOWEL),
              (mid("occiput", "upper_back"), "neck curves inward: gap", palette.BLACK),
              (j["upper_back"], "upper back curves outward: contact", palette.DOWEL),
              (mid("upper_back", "sacrum"), "lower back curves inward: gap", palette.BLACK),
              (j["sacrum"], "sacrum: contact", palette.DOWEL))
    for (x, y), text, colour in labels:
        fig.add_annotation(x=x, y=y, text=text, ax=-60, ay=0, showarrow=True, arrowhead=2,
                           xanchor="right", font={"color": colour})
    fig.update_xaxes(range=[-0.75, 0.45])
    fig.update_layout(xaxis_title="forward of the ankle (m)",
                      yaxis_title="height above the floor (m)", width=520)
    return fig


def comparison_figure(rows: Sequence[Mapping[str, Any]], title: str) -> go.Figure:
    """Model against published values, one pair of bars per quantity (``rows`` with
    ``quantity``, ``model`` and ``published``)."""
    fig = _figure(title, "quantity", "net moment (N·m)", width=640)
    fig.update_layout(barmode="group")
    fig.add_bar(x=[r["quantity"] for r in rows], y=[r["model"] for r in rows], name="model",
                marker_color=palette.BLUE)
    fig.add_bar(x=[r["quantity"] for r in rows], y=[r["published"] for r in rows],
                name="published measurement", marker_color=palette.ORANGE,
                marker_pattern_shape="x")
    return fig


def _cue_annotation(fig: go.Figure, cue: str) -> None:
    import textwrap

    text = "<br>".join(textwrap.wrap(f"Cue: “{cue}”", 28))
    fig.add_annotation(xref="paper", yref="paper", x=1.02, y=0.95, xanchor="left",
                       yanchor="top", text=text, showarrow=False, align="left",
                       font={"size": 13, "color": palette.BLACK},
                       bordercolor=palette.GREY, borderwidth=1, borderpad=6)


def drill_figure(name: str, cue: str, start: Any, end: Any) -> go.Figure:
    """A drill card's picture: the end position drawn by the model over the start position
    (faint), with the drill's cue beside it.

    Parameters
    ----------
    name, cue
        The drill's name (the title) and its spoken cue.
    start, end
        Analyses of the start and end positions, in that order.
    """
    fig = pose_figure(end, ghost=start, title=f"{name}: start (faint) and end")
    fig.update_layout(width=(fig.layout.width or 520) + 230,
                      margin={"r": 240, "t": 60, "l": 60, "b": 60},
                      xaxis_title="forward of the ankle (m)",
                      yaxis_title="height above the floor (m)")
    _cue_annotation(fig, cue)
    return fig


def bridge_diagram(name: str, cue: str) -> go.Figure:
    """An honest diagram (not the model, which cannot lie down) of a bridge: shoulders on the
    floor or a bench, knees bent, feet flat, hips lifted until trunk and thighs line up."""
    fig = _figure(f"{name}: diagram, not drawn by the model", "length (schematic)",
                  "height (schematic)", width=760, height=360)
    floor = {"color": palette.FLOOR, "width": 2}
    fig.add_scatter(x=[-0.1, 1.1], y=[0, 0], mode="lines", line=floor, showlegend=False,
                    hoverinfo="skip")
    down = ([0.0, 0.45, 0.8, 0.95], [0.06, 0.06, 0.35, 0.0])
    up = ([0.0, 0.45, 0.8, 0.95], [0.06, 0.33, 0.45, 0.0])
    fig.add_scatter(x=down[0], y=down[1], mode="lines+markers", name="start: hips down",
                    line={"color": palette.GHOST, "width": 4, "dash": "dot"})
    fig.add_scatter(x=up[0], y=up[1], mode="lines+markers", name="top: hips lifted",
                    line={"color": palette.BODY, "width": 5})
    for x, y, text in ((0.0, 0.06, "shoulders"), (0.45, 0.33, "hips"), (0.8, 0.45, "knees"),
                       (0.95, 0.0, "feet flat")):
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, yshift=14)
    fig.update_xaxes(showticklabels=False, range=[-0.15, 1.15])
    fig.update_yaxes(showticklabels=False, range=[-0.05, 0.6], scaleanchor="x")
    fig.update_layout(margin={"r": 240, "t": 60, "l": 60, "b": 60})
    _cue_annotation(fig, cue)
    return fig
