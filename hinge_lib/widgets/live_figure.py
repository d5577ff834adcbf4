"""A live SVG figure for per-frame updates: a small anywidget.

The browser code (``live_figure.js`` and ``live_figure.css`` beside this file) ships inside
the package: no CDN, no build step. The Python side sends a ``scene`` once (size, mapping
from metres to pixels, the look of each layer) and then, per change, a small ``frame``
with coordinates and words only (:func:`hinge_lib.view.figures.live_frame`); the browser
moves the SVG elements it already has.

Layers are named: a scene may list more path layers (say, muscles) and frames then carry
their coordinates under ``paths``, without any change to the browser code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

_HERE = Path(__file__).resolve().parent

#: Shown beside a live figure until its browser code runs (the code then hides it).
FALLBACK_TEXT = (
    "Loading the live figure… If this note stays, this page could not run the figure's "
    "drawing code (the anywidget front end is missing or blocked); the readout still "
    "follows the controls."
)


class LiveFigure(anywidget.AnyWidget):
    """An SVG drawing whose elements are moved in place by small ``frame`` messages.

    Parameters
    ----------
    scene : dict
        The fixed part (see :func:`hinge_lib.view.figures.live_scene`).
    frame : dict
        The first frame (see :func:`hinge_lib.view.figures.live_frame`).
    """

    _esm = _HERE / "live_figure.js"
    _css = _HERE / "live_figure.css"

    scene = traitlets.Dict().tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)

    def __init__(self, scene: Mapping[str, Any], frame: Mapping[str, Any], **kwargs: Any):
        super().__init__(scene=dict(scene), frame=dict(frame), **kwargs)

    @property
    def width(self) -> int:
        """Width of the drawing in px."""
        return int(self.scene["width"])

    def show(self, frame: Mapping[str, Any]) -> None:
        """Send one frame: a single small message; the browser updates its elements."""
        with self.hold_sync():
            self.frame = dict(frame)


def live_box(figure: LiveFigure, *below: widgets.Widget) -> widgets.VBox:
    """The figure with its loading note (hidden by the figure's code once it runs) and
    any widgets to show under it (e.g. the key)."""
    note = widgets.HTML(
        f'<div style="border-left:4px solid #0072B2;padding:4px 8px;max-width:26em">'
        f"{FALLBACK_TEXT}</div>"
    )
    note.add_class("hinge-live-fallback")
    box = widgets.VBox([note, figure, *below])
    box.add_class("hinge-live")
    box.fallback = note  # type: ignore[attr-defined]
    return box
