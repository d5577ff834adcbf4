"""Figures and the upload widget for checking a recorded lift (imports plotly lazily).

- `plot_angles(report)`: joint angles against time with every rep shaded and labelled
- `rep_bottom_figures(report)`: the stick figure at the bottom of each rep
- `plot_progress(progress)`: hinge score and faults per rep over the practice log's periods
- `upload_checker()`: an ipywidgets FileUpload that reads, analyses and summarises a file
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from hinge_lib.view import palette

if TYPE_CHECKING:  # pragma: no cover
    import ipywidgets as widgets
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


def plot_angles(report: MotionReport, columns: tuple[str, ...] = ("hip", "knee", "ankle",
                                                                   "lumbar"),
                title: str | None = None) -> go.Figure:
    """Angle-time curves (degrees against seconds) with each rep shaded and labelled.

    Columns the recording did not measure (``report.missing``) are left out."""
    import plotly.graph_objects as go

    frames = report.frames
    t = frames.index.to_numpy(dtype=float)
    fig = go.Figure()
    for col in (c for c in columns if c not in report.missing):
        fig.add_trace(go.Scatter(
            x=t, y=frames[col].to_numpy(dtype=float), name=f"{col} flexion" if col != "ankle"
            else "ankle (shin tilt)", mode="lines",
            line={"color": ANGLE_COLORS.get(col, palette.BLACK),
                  "dash": ANGLE_DASH.get(col, "solid"), "width": 2},
        ))
    for row in report.reps.itertuples(index=False):
        fig.add_vrect(x0=row.start_s, x1=row.end_s, fillcolor=palette.LIGHT_GREY, opacity=0.5,
                      line_width=0, layer="below")
        fig.add_annotation(x=row.bottom_s, y=1.0, yref="paper", yanchor="bottom",
                           text=f"rep {row.rep}: {row.pattern}", showarrow=False,
                           font={"size": 11})
    fig.update_layout(
        title=title or f"Joint angles, {len(report.reps)} rep(s) shaded",
        xaxis_title="time (s)", yaxis_title="angle (degrees, + = flexion)",
        template="simple_white", legend={"orientation": "h", "y": -0.2},
        margin={"t": 70}, height=420,
    )
    return fig


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
        return _box(f"Could not use this file. {err}", palette.BAD), None
    except Exception as err:  # noqa: BLE001 - the widget must keep working
        return _box(f"Could not analyse {name}: {type(err).__name__}: {err}", palette.BAD), None
    notes = "".join(f"<li>{escape(n)}</li>" for n in report.notes)
    extra = f"<div>Repairs:<ul>{notes}</ul></div>" if notes else ""
    return _box(f"{name}: {report.message}", palette.GOOD) + extra, report


def _box(text: str, color: str) -> str:
    from hinge_lib.view.messages import message_box

    kind = "bad" if color == palette.BAD else "good"
    return message_box(text, kind, css_class="hinge-upload-message")


def upload_checker(body: Body | None = None, load_kg: float = 0.0,
                   on_report: Callable[[Any], None] | None = None) -> widgets.VBox:
    """A file-upload box: each uploaded .mot/.csv is read with `read_motion`, analysed, and
    summarised (per-rep table and angle plot); a bad file shows a message, never a traceback,
    and the box stays ready for the next file. ``on_report`` receives each good report."""
    import ipywidgets as widgets
    from IPython.display import display

    upload = widgets.FileUpload(accept=ACCEPTED_SUFFIXES, multiple=False,
                                description="Upload a recording")
    message = widgets.HTML(value="Choose an OpenSim .mot or a Kinovea CSV of joint angles.")
    output = widgets.Output()

    def handle(change: dict) -> None:
        files = change.get("new") or ()
        if not files:
            return
        item = files[0]
        html, report = check_upload(item["content"], item["name"], body=body, load_kg=load_kg)
        message.value = html
        output.clear_output()
        if report is not None:
            with output:
                if not report.reps.empty:
                    display(report.reps.round(2))
                display(plot_angles(report, title=f"{item['name']}: joint angles"))
            if on_report is not None:
                on_report(report)

    upload.observe(handle, names="value")
    box = widgets.VBox([upload, message, output])
    box.handle_upload = handle  # type: ignore[attr-defined]
    return box
