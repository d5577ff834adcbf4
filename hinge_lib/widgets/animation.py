"""Animating from one pose to others, side by side: how a hinge and a squat unfold."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.checks import check_number
from hinge_lib.model.pose import Pose
from hinge_lib.model.references import reference_positions
from hinge_lib.view import figures as drawing
from hinge_lib.widgets.base import (
    FIELDS,
    PoseLike,
    _key,
    _label,
    _readout_row,
    to_pose,
)
from hinge_lib.widgets.live_figure import LiveFigure, live_panels

#: The most poses per panel: all are analysed and sent to the browser when the widget is made
#: (300 for two panels take a few seconds; they play for 27 s at the default 90 ms).
MAX_FRAMES = 300
#: Time between frames when playing, in milliseconds (a film's 24 frames per second is 42 ms).
INTERVAL_RANGE_MS = (20, 5000)


def _default_targets() -> list[str]:
    """One hinge and one squat reference position, for the default animation."""
    try:
        table = reference_positions()
    except Exception:  # noqa: BLE001
        return []
    out = []
    for pattern in ("hinge", "squat"):
        keys = table.index[table["expected_pattern"] == pattern]
        if len(keys):
            out.append(str(keys[0]))
    return out


def interpolate(pose_from: Pose, pose_to: Pose, t: float) -> Pose:
    """The pose a fraction ``t`` (0..1) of the way from one pose to another."""
    return Pose(**{f: (1 - t) * getattr(pose_from, f) + t * getattr(pose_to, f) for f in FIELDS})


class PoseAnimation(widgets.VBox):
    """Play / pause / scrub between a start pose and one or more end poses, side by side.

    Attributes: ``figures`` (one live figure per end pose; the faint ghost is the end
    pose), ``key``, ``readouts``, ``frames`` (the analyses, per panel), ``play`` and
    ``slider``.
    """

    def __init__(
        self,
        pose_from: PoseLike = None,
        pose_to: PoseLike | Sequence[PoseLike] = None,
        body: Body | None = None,
        load_kg: float = 0.0,
        hold: str = "hands",
        frames: int = 25,
        interval_ms: int = 90,
        presenter: bool = False,
    ) -> None:
        frames = int(check_number("frames", frames, 2, MAX_FRAMES))
        interval_ms = int(check_number("interval_ms", interval_ms, *INTERVAL_RANGE_MS, "ms"))
        body = body if body is not None else Body()
        if isinstance(pose_from, (list, tuple)):
            raise ValueError("pose_from is one pose (a Pose, a reference key, a mapping or "
                             "None); give the end poses as pose_to, e.g. "
                             "animate(None, ['romanian_deadlift', 'back_squat'])")
        start = to_pose(pose_from)
        if pose_to is None:
            targets: list[PoseLike] = list(_default_targets()) or [Pose(hip=90, knee=20)]
        elif isinstance(pose_to, (str, Pose, Mapping)):
            targets = [pose_to]
        else:
            targets = list(pose_to)
        if not targets:
            raise ValueError("pose_to is empty: give at least one end pose (or None for a "
                             "hinge and a squat)")
        self.presenter = presenter
        # Every frame is analysed and drawn up front, so scrubbing only sends frames.
        self.frames: list[list[Any]] = []
        for target in targets:
            end = to_pose(target)
            self.frames.append([
                analyze(interpolate(start, end, i / (frames - 1)), body,
                        load_kg=load_kg, hold=hold)
                for i in range(frames)
            ])
        self._data = [[{**drawing.live_frame(a, seq[-1]), "controls": {"frame": i},
                        "context": "animation"} for i, a in enumerate(seq)]
                      for seq in self.frames]
        self._html = [[drawing.readout_html(a, presenter) for a in seq] for seq in self.frames]

        titles = [f"to {_label(t, f'pose {n + 1}')}" for n, t in enumerate(targets)]
        self.figures = [
            LiveFigure({**drawing.live_scene(presenter, title=title),
                        "controls_root": ".hinge-animation"}, data[0])
            for title, data in zip(titles, self._data, strict=True)
        ]
        self.figure = self.figures[0]
        self.readouts, row = _readout_row([h[0] for h in self._html], presenter)

        self.play = widgets.Play(value=0, min=0, max=frames - 1, step=1, interval=interval_ms,
                                 description="Play")
        self.slider = widgets.IntSlider(value=0, min=0, max=frames - 1, description="Frame",
                                        continuous_update=True)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self._shown = 0
        self.slider.observe(self._on_frame, names="value")
        # every frame goes to the browser once it shows the figures: Play and the slider
        # then redraw there, without waiting for the kernel
        for figure, data in zip(self.figures, self._data, strict=True):
            figure.follow({"frame": self.slider}, on_wanted=self._sender(figure, data))
        self.key = _key(presenter, self.figure.width * len(self.figures))
        panels = live_panels(self.figures)
        super().__init__([widgets.HBox([self.play, self.slider]), panels, self.key, row])
        self.add_class("hinge-animation")

    def show_frame(self, i: int) -> None:
        """Draw frame ``i`` in every panel."""
        i = max(0, min(int(i), len(self.frames[0]) - 1))
        if i == self._shown:
            return
        for figure, data in zip(self.figures, self._data, strict=True):
            figure.show(data[i])
        for readout, html in zip(self.readouts, self._html, strict=True):
            readout.value = html[i]
        self._shown = i

    @staticmethod
    def _sender(figure: LiveFigure, data: list[dict[str, Any]]) -> Callable[[str | None], None]:
        def send(_slider: str | None) -> None:
            figure.send_ahead("frame", "animation", {}, dict(enumerate(data)))
        return send

    def _on_frame(self, change: dict) -> None:
        self.show_frame(change["new"])


def animate(
    pose_from: PoseLike = None,
    pose_to: PoseLike | Sequence[PoseLike] = None,
    body: Body | None = None,
    load_kg: float = 0.0,
    hold: str = "hands",
    frames: int = 25,
    interval_ms: int = 90,
    presenter: bool = False,
) -> PoseAnimation:
    """Animate from ``pose_from`` (default standing) to each pose in ``pose_to``, side by side.

    Parameters
    ----------
    pose_from : Pose, str, mapping or None
        The start (standing when ``None``).
    pose_to : pose or sequence of poses, optional
        The end pose of each panel; by default the first hinge and the first squat of the
        reference positions. An empty sequence raises ``ValueError``.
    body, load_kg, hold, presenter
        As for :func:`explore`.
    frames : int
        Poses per panel, start and end included (2 to `MAX_FRAMES`; each is analysed and
        sent to the browser up front).
    interval_ms : int
        Time between frames when playing (`INTERVAL_RANGE_MS`).

    Returns
    -------
    PoseAnimation
        A widget with Play and a frame slider; the faint ghost in each panel is the end pose.

    Examples
    --------
    >>> anim = animate("standing", ["romanian_deadlift"], frames=3)
    >>> anim.frames[0][-1].pattern
    'hinge'
    >>> animate("standing", [])
    Traceback (most recent call last):
    ...
    ValueError: ...
    """
    return PoseAnimation(pose_from, pose_to, body=body, load_kg=load_kg, hold=hold,
                         frames=frames, interval_ms=interval_ms, presenter=presenter)


__all__ = ["INTERVAL_RANGE_MS", "MAX_FRAMES", "PoseAnimation", "animate", "interpolate"]
