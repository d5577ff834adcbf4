"""Figures and tables for checking a filmed lift (imports plotly, and OpenCV through
`hinge_lib.recordings.video`, only when called).

- `rep_moments(report)`: the start, bottom and end of each rep (or, without reps, the start,
  deepest bend and end of the analysed stretch)
- `rep_frames_figure(video_path, keypoints, report, rep)`: for three moments, the video frame
  with its keypoints drawn over it, above the model's stick figure posed with the angles read
  from the same frame
- `rep_table(report)`: one row per rep with pattern, hinge score, first mover, faults and
  the cue for each fault, in words
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hinge_lib.view import palette

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from hinge_lib.recordings.reps import MotionReport

#: Keypoints joined by lines on each side, from the ear down to the toes.
SIDE_CHAIN: tuple[str, ...] = ("ear", "shoulder", "hip", "knee", "ankle", "heel", "foot_index")
SIDE_COLORS: dict[str, str] = {"left": palette.ORANGE, "right": palette.BLUE}
MOMENT_NAMES: tuple[str, ...] = ("start", "bottom", "end")


def rep_moments(report: MotionReport) -> list[tuple[str, list[tuple[str, float]]]]:
    """``[(heading, [(moment name, time in s), ...]), ...]`` for every rep.

    Without reps, one entry for the analysed stretch: its first frame, the frame of deepest
    bend (largest hip + knee flexion) and its last frame.

    Examples
    --------
    >>> from hinge_lib.recordings.synthetic import synthetic_motion
    >>> from hinge_lib.recordings.reps import analyze_motion
    >>> report = analyze_motion(synthetic_motion("hinge", reps=2, rate_hz=30))
    >>> [name for name, _ in rep_moments(report)[0][1]]
    ['start', 'bottom', 'end']
    """
    if not report.reps.empty:
        return [(f"rep {int(r.rep)}: {r.pattern}",
                 list(zip(MOMENT_NAMES, (float(r.start_s), float(r.bottom_s), float(r.end_s)),
                          strict=True)))
                for r in report.reps.itertuples(index=False)]
    frames = report.frames
    t = frames.index.to_numpy(dtype=float)
    deepest = int(np.argmax(frames["hip"].to_numpy() + frames["knee"].to_numpy()))
    return [("no reps found: the analysed stretch",
             [("first frame", float(t[0])), ("deepest bend", float(t[deepest])),
              ("last frame", float(t[-1]))])]


def _nearest_row(keypoints: pd.DataFrame, time_s: float) -> pd.Series:
    times = keypoints["time"].to_numpy(dtype=float)
    return keypoints.iloc[int(np.argmin(np.abs(times - time_s)))]


def _overlay(row: pd.Series, scale: float) -> list[dict]:
    traces = []
    for side in ("left", "right"):
        xs, ys = [], []
        for part in SIDE_CHAIN:
            x, y = row.get(f"{side}_{part}_x", np.nan), row.get(f"{side}_{part}_y", np.nan)
            xs.append(None if pd.isna(x) else float(x) * scale)
            ys.append(None if pd.isna(y) else float(y) * scale)
        traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines+markers",
                       "name": f"{side} side keypoints",
                       "line": {"color": SIDE_COLORS[side], "width": 2},
                       "marker": {"size": 5, "color": SIDE_COLORS[side]},
                       "hoverinfo": "skip"})
    return traces


def rep_frames_figure(
    video_path: str | os.PathLike[str],
    keypoints: pd.DataFrame,
    report: MotionReport,
    rep: int = 1,
    picture_width: int = 320,
) -> go.Figure:
    """Three frames of one rep with their keypoints, above the model posed from each frame.

    Parameters
    ----------
    video_path : str or PathLike
        The video the keypoints came from.
    keypoints : DataFrame
        Its keypoint table (`keypoints_from_video`).
    report : MotionReport
        `analyze_motion` of `poses_from_keypoints(keypoints)`.
    rep : int
        Which rep (1-based); without reps, the analysed stretch is shown.
    picture_width : int
        Width of each video picture in pixels.

    Returns
    -------
    plotly Figure
        Top row: the video frames (keypoints of the left side orange, right side blue).
        Bottom row: the model's stick figure for the angles of the same frames, drawn with a
        straight back because the video does not measure the spine.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from hinge_lib.model.analysis import analyze
    from hinge_lib.model.pose import POSE_FIELDS, Pose
    from hinge_lib.recordings.video import jpeg_data_uri, video_frames
    from hinge_lib.view.figures import X_RANGE, Y_RANGE, figure_traces

    entries = rep_moments(report)
    if not 1 <= rep <= len(entries):
        raise ValueError(f"rep={rep!r}: this report has {len(report.reps)} rep(s)"
                         if not report.reps.empty else f"rep={rep!r}: there are no reps; use 1")
    heading, moments = entries[rep - 1]
    pictures = video_frames(video_path, [t for _, t in moments], width=picture_width)
    width_px = float(keypoints.attrs.get("width") or 0)
    titles = [f"{name}, {t:.2f} s" for name, t in moments]
    titles += ["model at the same frame"] * 3
    fig = make_subplots(rows=2, cols=3, subplot_titles=titles, vertical_spacing=0.08,
                        horizontal_spacing=0.03)
    for c, (_name, t) in enumerate(moments, start=1):
        picture = pictures[t]
        h, w = picture.shape[:2]
        scale = w / width_px if width_px else 1.0
        fig.add_trace(go.Image(source=jpeg_data_uri(picture), hoverinfo="skip"), row=1, col=c)
        for trace in _overlay(_nearest_row(keypoints, t), scale):
            fig.add_trace(trace | {"showlegend": c == 1}, row=1, col=c)
        fig.update_xaxes(range=[0, w], visible=False, row=1, col=c)
        fig.update_yaxes(range=[h, 0], visible=False, row=1, col=c,
                         scaleanchor=fig.get_subplot(1, c).xaxis.plotly_name.replace("axis", ""))
        frame = report.frames.iloc[int(np.argmin(np.abs(report.frames.index.to_numpy() - t)))]
        pose = Pose(**{k: float(frame[k]) for k in POSE_FIELDS})
        analysis = analyze(pose, body=report.body, load_kg=report.load_kg, hold=report.hold)
        for trace in _without_dowel(figure_traces(analysis)):
            fig.add_trace(trace | {"showlegend": False}, row=2, col=c)
        x_id = fig.get_subplot(2, c).xaxis.plotly_name.replace("axis", "")
        fig.update_xaxes(range=list(X_RANGE), fixedrange=True, ticksuffix=" m", row=2, col=c,
                         title_text="forward (m)")
        fig.update_yaxes(range=list(Y_RANGE), fixedrange=True, ticksuffix=" m", row=2, col=c,
                         scaleanchor=x_id, title_text="height (m)" if c == 1 else None)
    fig.update_layout(
        title={"text": f"{keypoints.attrs.get('name', 'video')}, {heading} "
                       "(model drawn with a straight back: the spine is not measured)",
               "x": 0.5, "xanchor": "center"},
        width=3 * picture_width + 140, height=780, template="simple_white",
        legend={"orientation": "h", "y": -0.1}, margin={"t": 80, "l": 60, "r": 20, "b": 90},
        hovermode=False, dragmode=False,
    )
    return fig


def _without_dowel(traces: list[dict]) -> list[dict]:
    """The stick figure without the dowel and its contacts: they describe the spine, which a
    side-on video does not measure."""
    from hinge_lib.view.figures import POINT_SLICES, TRACE_INDEX

    out = [dict(t) for t in traces]
    out[TRACE_INDEX["dowel"]]["visible"] = False
    points = out[TRACE_INDEX["points"]]
    cut = POINT_SLICES["contacts"]
    for key in ("x", "y", "text"):
        values = list(points[key])
        values[cut] = [None if key != "text" else ""] * (cut.stop - cut.start)
        points[key] = values
    return out


def rep_table(report: MotionReport) -> pd.DataFrame:
    """The per-rep table in words: times (s), pattern, hinge score, first mover, faults and
    the cue for each fault (faults that need the spine are never listed for a video).

    Examples
    --------
    >>> from hinge_lib.recordings.synthetic import synthetic_motion
    >>> from hinge_lib.recordings.reps import analyze_motion
    >>> from hinge_lib.model import catalog
    >>> table = rep_table(analyze_motion(synthetic_motion("knees_first", reps=1)))
    >>> catalog.fault_name("knees_first") in table.loc[1, "faults"]
    True
    """
    from hinge_lib.model import catalog

    columns = ["start_s", "bottom_s", "end_s", "pattern", "hinge_score", "first_mover",
               "faults", "cues"]
    if report.reps.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="rep"))
    reps = report.reps
    out = pd.DataFrame({
        "start_s": reps["start_s"].round(2).to_numpy(),
        "bottom_s": reps["bottom_s"].round(2).to_numpy(),
        "end_s": reps["end_s"].round(2).to_numpy(),
        "pattern": reps["pattern"].to_numpy(),
        "hinge_score": reps["hinge_score"].round(2).to_numpy(),
        "first_mover": reps["first_mover"].to_numpy(),
        "faults": ["; ".join(catalog.fault_name(c) for c in codes) or "none flagged"
                   for codes in reps["faults"]],
        "cues": ["; ".join(catalog.cue_for(c) for c in codes) or "-"
                 for codes in reps["faults"]],
    }, index=pd.Index(reps["rep"].to_numpy(int), name="rep"))
    return out
