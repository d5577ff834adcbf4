"""Figures and readouts for checking a recorded lift (imports plotly lazily).

- `plot_angles(report)`: joint angles against time with every rep shaded and labelled
- `rep_bottom_figures(report)`: the stick figure at the bottom of each rep
- `plot_progress(progress)`: hinge score and faults per rep over the practice log's periods
- `check_upload(content, name)`: the HTML message (and report) for an uploaded file

The upload box itself is a widget: :func:`hinge_lib.widgets.upload.upload_checker`.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hinge_lib.recordings import timeline
from hinge_lib.view import palette
from hinge_lib.view.messages import message_box

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from hinge_lib.model.body import Body
    from hinge_lib.recordings.reps import MotionReport

ANGLE_COLORS: dict[str, str] = {
    "hip": palette.BLUE,
    "knee": palette.ORANGE,
    "ankle": palette.BLUISH_GREEN,
    "lumbar": palette.REDDISH_PURPLE,
    "thoracic": palette.SKY_BLUE,
    "neck": palette.GREY,
}
ANGLE_DASH: dict[str, str] = {"hip": "solid", "knee": "dash", "ankle": "dot",
                              "lumbar": "dashdot", "thoracic": "longdash", "neck": "longdashdot"}
ACCEPTED_SUFFIXES = ".mot,.sto,.csv,.txt,.tsv"
MAX_REPS_SHADED = 300
MAX_REP_LABELS = 40
MAX_POINTS_PER_LINE = 20_000


def _line_xy(t: np.ndarray, y: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Every ``step``-th sample, with a break (NaN) where frames were left out."""
    cuts = timeline.breaks(t)
    x_out, y_out = [], []
    for a, b in zip([0, *cuts], [*cuts, len(t)], strict=True):
        x_out += [t[a:b:step], [np.nan]]
        y_out += [y[a:b:step], [np.nan]]
    return np.concatenate(x_out)[:-1], np.concatenate(y_out)[:-1]


def _bands(starts: np.ndarray, ends: np.ndarray, lo: float, hi: float,
           ) -> tuple[np.ndarray, np.ndarray]:
    """x, y of one closed path per band, separated by NaN (one trace draws them all)."""
    n = len(starts)
    x = np.column_stack([starts, starts, ends, ends, starts, np.full(n, np.nan)]).ravel()
    y = np.tile([lo, hi, hi, lo, lo, np.nan], n)
    return x, y


def plot_angles(report: MotionReport, columns: tuple[str, ...] = ("hip", "knee", "ankle",
                                                                   "lumbar"),
                title: str | None = None) -> go.Figure:
    """Angle-time curves (degrees against seconds) with each rep shaded and labelled.

    Parameters
    ----------
    report : a `MotionReport`.
    columns : pose columns to draw; those the recording did not measure (``report.missing``)
        are left out.
    title : figure title (default: how many reps are shaded).

    Returns
    -------
    A plotly figure whose size grows with the number of reps, not its square: all rep bands
    are one trace, all labels another. At most `MAX_REPS_SHADED` reps are shaded and
    `MAX_REP_LABELS` labelled, and lines are thinned to `MAX_POINTS_PER_LINE` points; the
    title says so when a cap applies. Stretches left out of the analysis are shaded in
    orange and the lines break there; seconds not judged because the feet left the floor or
    moved are shaded reddish purple, and seconds too fast for a static model sky blue (each
    colour with its name in the legend).

    Examples
    --------
    >>> from hinge_lib.recordings.synthetic import synthetic_motion
    >>> from hinge_lib.recordings.reps import analyze_motion
    >>> fig = plot_angles(analyze_motion(synthetic_motion("hinge", reps=2, seed=1)))
    >>> fig.layout.title.text
    'Joint angles, 2 rep(s) shaded'
    """
    import plotly.graph_objects as go

    frames = report.frames
    t = frames.index.to_numpy(dtype=float)
    drawn = [c for c in columns if c not in report.missing]
    step = max(1, int(np.ceil(len(t) / MAX_POINTS_PER_LINE)))
    values = [frames[c].to_numpy(dtype=float) for c in drawn]
    lo = min([0.0, *(float(v.min()) for v in values)]) - 5.0
    hi = max([10.0, *(float(v.max()) for v in values)]) + 5.0
    reps = report.reps
    notes = []
    traces = []
    shaded = reps.head(MAX_REPS_SHADED)
    if len(shaded):
        x, y = _bands(shaded["start_s"].to_numpy(float), shaded["end_s"].to_numpy(float), lo, hi)
        traces.append(go.Scatter(x=x, y=y, mode="lines", fill="toself", name="reps",
                                 fillcolor="rgba(153, 153, 153, 0.25)", line={"width": 0},
                                 hoverinfo="skip"))
    if len(reps) > MAX_REPS_SHADED:
        notes.append(f"first {MAX_REPS_SHADED} of {len(reps)} reps shaded")
    for name, spans, fill in (
            ("not analysed", getattr(report, "excluded", ()), "rgba(230, 159, 0, 0.30)"),
            ("not judged (feet)", getattr(report, "not_judged", ()),
             "rgba(204, 121, 167, 0.30)"),
            ("too fast for a static model", getattr(report, "too_fast", ()),
             "rgba(86, 180, 233, 0.25)")):
        if spans:
            x, y = _bands(np.array([e.start_s for e in spans]),
                          np.array([e.end_s for e in spans]), lo, hi)
            traces.append(go.Scatter(x=x, y=y, mode="lines", fill="toself", name=name,
                                     fillcolor=fill, line={"width": 0}, hoverinfo="skip"))
    for col, v in zip(drawn, values, strict=True):
        x, y = _line_xy(t, v, step)
        traces.append(go.Scatter(
            x=x, y=y, name=f"{col} flexion" if col != "ankle" else "ankle (shin tilt)",
            mode="lines", line={"color": ANGLE_COLORS.get(col, palette.BLACK),
                                "dash": ANGLE_DASH.get(col, "solid"), "width": 2},
        ))
    if step > 1:
        notes.append(f"lines show every {step}th frame")
    labelled = reps.head(MAX_REP_LABELS)
    if len(labelled):
        traces.append(go.Scatter(
            x=labelled["bottom_s"].to_numpy(float), y=np.full(len(labelled), hi),
            mode="text", text=[f"rep {r}: {p}" for r, p in zip(labelled["rep"],
                                                               labelled["pattern"], strict=True)],
            textposition="bottom center", textfont={"size": 11}, showlegend=False,
            hoverinfo="skip", name="rep labels"))
    if len(reps) > MAX_REP_LABELS:
        notes.append(f"first {MAX_REP_LABELS} reps labelled")
    heading = title or f"Joint angles, {len(reps)} rep(s) shaded"
    if notes:
        heading += f" ({'; '.join(notes)})"
    return go.Figure(data=traces, layout={
        "title": heading,
        "xaxis": {"title": "time (s)"},
        "yaxis": {"title": "angle (degrees, + = flexion)", "range": [lo, hi]},
        "template": "simple_white", "legend": {"orientation": "h", "y": -0.2},
        "margin": {"t": 70}, "height": 420,
    })


def rep_bottom_figures(report: MotionReport, max_reps: int = 6,
                       width: int = 300, height: int = 330) -> list[go.Figure]:
    """The stick figure at the bottom of each rep (first ``max_reps``), drawn like the explorer."""
    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import POSE_FIELDS, Pose
    from hinge_lib.view.figures import pose_figure

    figures = []
    for row in report.reps.head(max_reps).itertuples(index=False):
        angles = report.frames.loc[row.bottom_s, list(POSE_FIELDS)]
        if isinstance(angles, pd.DataFrame):
            angles = angles.iloc[0]
        pose = Pose(**{k: float(v) for k, v in angles.items()})
        analysis = analyze(pose, body=report.body, load_kg=report.load_kg, hold=report.hold)
        title = f"rep {row.rep} at {row.bottom_s:.2f} s: {row.pattern}"
        figures.append(pose_figure(analysis, title=title, width=width, height=height))
    return figures


def plot_progress(progress: pd.DataFrame, title: str = "Practice log") -> go.Figure:
    """Mean hinge score (line, left axis 0-1) and faults per rep (bars, right axis) per period.

    ``progress`` is `PracticeLog.progress()`.
    """
    import plotly.graph_objects as go

    x = [d.strftime("%Y-%m-%d") for d in progress.index]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=progress["faults_per_rep"], name="faults per rep",
                         marker_color=palette.ORANGE, yaxis="y2", opacity=0.6))
    fig.add_trace(go.Scatter(x=x, y=progress["mean_hinge_score"], name="mean hinge score",
                             mode="lines+markers", line={"color": palette.BLUE, "width": 3},
                             marker={"symbol": "circle", "size": 9}))
    fig.update_layout(
        title=title, template="simple_white", height=380,
        xaxis={"title": "period starting", "type": "category"},
        yaxis={"title": "mean hinge score (0-1)", "range": [0, 1.05]},
        yaxis2={"title": "faults per rep", "overlaying": "y", "side": "right",
                "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def check_upload(content: bytes, name: str, body: Body | None = None,
                 load_kg: float = 0.0) -> tuple[str, MotionReport | None]:
    """Read and analyse uploaded bytes: ``(html_message, report or None)``; never raises for
    bad files (the message says what is wrong)."""
    from hinge_lib.recordings.readers import read_motion
    from hinge_lib.recordings.reps import analyze_motion

    try:
        frames = read_motion(bytes(content), name=name)
        report = analyze_motion(frames, body=body, load_kg=load_kg)
    except ValueError as err:
        return upload_message(f"Could not use this file. {err}", "bad"), None
    except Exception as err:  # noqa: BLE001 - the widget must keep working
        text = f"Could not analyse {name}: {type(err).__name__}: {err}"
        return upload_message(text, "bad"), None
    notes = "".join(f"<li>{escape(n)}</li>" for n in report.notes)
    extra = f"<div>Repairs:<ul>{notes}</ul></div>" if notes else ""
    return upload_message(f"{name}: {report.message}", "good") + extra, report


def upload_message(text: str, kind: str = "info") -> str:
    """A message about an uploaded file (``kind``: info, good or bad), in the course's one
    message box (:func:`hinge_lib.view.messages.message_box`)."""
    return message_box(text, kind, css_class="hinge-upload-message")
