"""Figures that stay interactive without a kernel: plotly's own slider over poses computed
in advance.

In a live notebook the explorer redraws the stick figure from Python on every slider
step. A web page with no kernel cannot do that, so these builders compute a grid of poses
up front (:func:`hinge_lib.model.analysis.analyze_many` for the verdicts shown in the
titles, the same drawing code as the explorer for the figure) and store one plotly frame
per pose. Moving the slider (mouse, touch or keyboard-free tap) swaps frames in the
browser: a reader on a phone or a projector can still "move this and watch".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from hinge_lib.model.analysis import analyze, analyze_many
from hinge_lib.model.body import Body
from hinge_lib.model.pose import POSE_FIELDS, Pose, joint_limits
from hinge_lib.view import figures as drawing

__all__ = ["frames_figure", "sweep_figure"]


def _frame_traces(panels: Sequence[Any], presenter: bool) -> list[dict[str, Any]]:
    traces = drawing.panel_traces(list(panels), presenter=presenter)
    for trace in traces:
        trace.pop("showlegend", None)
    return traces


def frames_figure(
    panels: Sequence[Sequence[Any]],
    titles: Sequence[str],
    step_labels: Sequence[str],
    slider_label: str,
    frame_titles: Sequence[Sequence[str]] | None = None,
    play: bool = False,
    presenter: bool = False,
    active: int = 0,
) -> go.Figure:
    """A figure with one panel per pose sequence and a plotly slider over the frames.

    Parameters
    ----------
    panels
        One sequence of :class:`~hinge_lib.model.analysis.Analysis` per panel, all the same
        length (frame ``i`` shows element ``i`` of each).
    titles
        The panel titles of the first frame.
    step_labels
        One short label per frame, shown on the slider (e.g. ``"40°"``).
    slider_label
        What the slider moves, with its unit (e.g. ``"Hip flexion (deg): "``).
    frame_titles
        Optional panel titles per frame (``frame_titles[i][k]``), e.g. naming the pattern.
    play
        Add Play and Pause buttons.
    presenter
        Bigger lines and fonts.
    active
        The frame shown first (and where the slider starts).

    Returns
    -------
    plotly.graph_objects.Figure
        Frames named ``"0"``, ``"1"``, ...; the slider starts at frame ``active``. The
        figure has no legend (it would sit on the slider): show
        :func:`hinge_lib.view.figures.key_html` beside it.

    Examples
    --------
    >>> from hinge_lib import Pose, analyze
    >>> seq = [analyze(Pose(hip=h)) for h in (0, 30, 60)]
    >>> fig = frames_figure([seq], ["hip"], ["0°", "30°", "60°"], "Hip (deg): ")
    >>> len(fig.frames), len(fig.layout.sliders[0].steps)
    (3, 3)
    """
    n = len(step_labels)
    if not panels or any(len(seq) != n for seq in panels):
        raise ValueError(f"every panel needs {n} poses (one per step label); got "
                         f"{[len(seq) for seq in panels]}")
    if len(titles) != len(panels):
        raise ValueError(f"titles has {len(titles)} entries for {len(panels)} panels")
    if not 0 <= active < n:
        raise ValueError(f"active must be a frame index 0..{n - 1}; got {active}")
    layout = drawing.panels_layout(titles, presenter=presenter, legend=False)
    first = _frame_traces([seq[active] for seq in panels], presenter)
    moving = list(range(len(first)))
    frames = []
    for i in range(n):
        frame_layout: dict[str, Any] = {}
        if frame_titles is not None:
            notes = [dict(a) for a in layout["annotations"]]
            for k, text in enumerate(frame_titles[i]):
                notes[k]["text"] = text
            frame_layout["annotations"] = notes
        frames.append(go.Frame(data=_frame_traces([seq[i] for seq in panels], presenter),
                               traces=moving, name=str(i), layout=frame_layout))
    if frame_titles is not None:
        for k, text in enumerate(frame_titles[active]):
            layout["annotations"][k]["text"] = text
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
             "transition": {"duration": 0}}
    layout["sliders"] = [{
        "active": active,
        "currentvalue": {"prefix": slider_label, "visible": True},
        "pad": {"t": 40, "b": 10},
        "len": 0.9 if play else 1.0,
        "x": 0.1 if play else 0.0,
        "steps": [{"label": label, "method": "animate", "args": [[str(i)], still]}
                  for i, label in enumerate(step_labels)],
    }]
    if play:
        playing = {**still, "frame": {"duration": 120, "redraw": True}, "fromcurrent": True}
        layout["updatemenus"] = [{
            "type": "buttons", "direction": "left", "x": 0.0, "y": 0, "xanchor": "left",
            "yanchor": "top", "pad": {"t": 75},
            "buttons": [
                {"label": "Play", "method": "animate", "args": [None, playing]},
                {"label": "Pause", "method": "animate", "args": [[None], still]},
            ],
        }]
    layout["height"] = layout["height"] + 110
    layout["margin"] = {**layout["margin"], "b": 140}
    return go.Figure(data=first, layout=layout, frames=frames)


def sweep_figure(
    pose: Pose | None = None,
    joint: str = "hip",
    values: Sequence[float] | None = None,
    body: Body | None = None,
    load_kg: float = 0.0,
    hold: str = "hands",
    presenter: bool = False,
    active: int = 0,
) -> go.Figure:
    """The explorer as a page figure: one joint swept over a grid, the others held.

    Parameters
    ----------
    pose
        The pose whose other angles are held (default standing); its own value of
        ``joint`` is replaced by the sweep.
    joint
        The angle the slider moves: one of ankle, knee, hip, lumbar, thoracic, neck.
    values
        The angles (degrees) of the slider's steps; default 0 to the joint's upper limit
        in 10-degree steps (plus the limit).
    body, load_kg, hold
        As for :func:`hinge_lib.analyze`.
    presenter
        Bigger lines and fonts.
    active
        The index in ``values`` of the frame shown first.

    Returns
    -------
    plotly.graph_objects.Figure
        One frame per value; each frame's title names the pattern and the balance verdict
        computed by :func:`~hinge_lib.model.analysis.analyze_many`.

    Examples
    --------
    >>> fig = sweep_figure(joint="hip", values=[0, 45, 90])
    >>> [s.label for s in fig.layout.sliders[0].steps]
    ['0°', '45°', '90°']
    """
    if joint not in POSE_FIELDS:
        raise ValueError(f"joint must be one of {', '.join(POSE_FIELDS)}; got {joint!r}")
    start = pose if pose is not None else Pose()
    body = body if body is not None else Body()
    lo, hi = joint_limits()[joint]
    if values is None:
        top = float(np.floor(hi))
        values = [*np.arange(max(0.0, float(np.ceil(lo))), top, 10.0), top]
    values = [float(v) for v in values]
    if not values:
        raise ValueError("values must hold at least one angle")
    bad = [v for v in values if not lo <= v <= hi]
    if bad:
        raise ValueError(f"{joint} values {bad} are outside its range {lo:g} to {hi:g} degrees")
    grid = pd.DataFrame({f: [float(getattr(start, f))] * len(values) for f in POSE_FIELDS})
    grid[joint] = values
    # flag (not warn): a pose with a point below the floor is named in its frame's title
    table = analyze_many(grid, body, load_kg=load_kg, hold=hold, muscles=False,
                         below_floor="flag")
    poses = [Pose(**{f: float(grid.at[i, f]) for f in POSE_FIELDS}) for i in grid.index]
    analyses = [analyze(p, body, load_kg=load_kg, hold=hold) for p in poses]
    titles = [
        f"{joint} {v:.0f}°: not a real pose (part of the body would be below the floor)"
        if bool(row.below_floor) else
        f"{joint} {v:.0f}°: {row.pattern}, "
        f"{'balanced' if row.balanced else 'NOT balanced'}, hinge score {row.hinge_score:.2f}"
        for v, row in zip(values, table.itertuples(), strict=True)
    ]
    return frames_figure(
        [analyses], [titles[0]], [f"{v:.0f}°" for v in values],
        f"{joint.capitalize()} flexion (deg): ", frame_titles=[[t] for t in titles],
        presenter=presenter, active=active,
    )
