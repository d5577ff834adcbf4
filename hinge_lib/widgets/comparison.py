"""Two or more poses of the same body side by side, each with its readout."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.view import figures as drawing
from hinge_lib.widgets.base import PoseLike, _key, _label, _live_figure, _readout_row, to_pose
from hinge_lib.widgets.live_figure import live_panels


class PoseComparison(widgets.VBox):
    """Two (or more) poses of the same body side by side, each with its readout.

    Attributes: ``figures`` (one live figure per pose, same scale), ``readouts``,
    ``analyses``; ``figure`` is the first of ``figures``.
    """

    def __init__(
        self,
        poses: Sequence[PoseLike],
        body: Body | None = None,
        load_kg: float = 0.0,
        hold: str = "hands",
        presenter: bool = False,
        titles: Sequence[str] | None = None,
    ) -> None:
        if not poses:
            raise ValueError("poses is empty: give at least one pose to compare")
        body = body if body is not None else Body()
        if titles is None:
            titles = [_label(p, f"Pose {chr(65 + n)}") for n, p in enumerate(poses)]
        self.analyses = [analyze(to_pose(p), body, load_kg=load_kg, hold=hold) for p in poses]
        self.figures = [
            _live_figure(a, None, presenter, f"{t}: {a.pattern}")
            for t, a in zip(titles, self.analyses, strict=True)
        ]
        self.figure = self.figures[0]
        self.readouts, row = _readout_row(
            [drawing.readout_html(a, presenter) for a in self.analyses], presenter
        )
        self.key = _key(presenter, self.figure.width * len(self.figures))
        panels = live_panels(self.figures)
        super().__init__([panels, self.key, row])
        self.add_class("hinge-compare")


def compare(
    pose_a: PoseLike,
    pose_b: PoseLike,
    body: Body | None = None,
    load_kg: float = 0.0,
    hold: str = "hands",
    presenter: bool = False,
    titles: tuple[str, str] | None = None,
) -> PoseComparison:
    """Two poses of the same body side by side (same scale), each with its readout.

    Parameters
    ----------
    pose_a, pose_b : Pose, str or mapping
        :class:`Pose` objects, reference-position keys or mappings of joint angles.
    body, load_kg, hold, presenter
        As for :func:`explore`; both poses share them.
    titles : (str, str), optional
        Panel titles; by default the positions' names.

    Returns
    -------
    PoseComparison
        A widget to display; ``.analyses`` holds the two analyses.

    Examples
    --------
    >>> pair = compare("romanian_deadlift", "back_squat")
    >>> [a.pattern for a in pair.analyses]
    ['hinge', 'squat']
    """
    return PoseComparison([pose_a, pose_b], body=body, load_kg=load_kg, hold=hold,
                          presenter=presenter, titles=titles)


__all__ = ["PoseComparison", "compare"]
