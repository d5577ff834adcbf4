"""A live SVG figure for per-frame updates: a small anywidget.

The browser code (``live_figure.js`` and ``live_figure.css`` beside this file) ships inside
the package: no CDN, no build step. The Python side sends a ``scene`` once (size, mapping
from metres to pixels, the look of each layer) and then, per change, a small ``frame``
with coordinates and words only (:func:`hinge_lib.view.figures.live_frame`); the browser
moves the SVG elements it already has.

Layers are named: a scene may list more path layers (say, muscles) and frames then carry
their coordinates under ``paths``, without any change to the browser code.

A figure can also *follow* sliders (:meth:`LiveFigure.follow`): the browser then listens to
them itself and, when the kernel has sent frames ahead for the values a slider can take
(:meth:`LiveFigure.send_ahead`, made by :mod:`hinge_lib.widgets.frames_ahead`), redraws the
moment the slider moves instead of waiting for the kernel's reply. Frames then carry
``controls`` (slider name -> value) and ``context`` (a key for everything else that shapes
the figure), so the browser knows which frames still hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    #: slider name -> {"id": widget model id, "label": the slider's label}
    controls = traitlets.Dict().tag(sync=True)

    def __init__(self, scene: Mapping[str, Any], frame: Mapping[str, Any], **kwargs: Any):
        super().__init__(scene=dict(scene), frame=dict(frame), **kwargs)
        self._on_wanted: Callable[[str | None], None] | None = None
        self.on_msg(self._message)

    def follow(self, sliders: Mapping[str, widgets.ValueWidget],
               on_wanted: Callable[[str | None], None] | None = None) -> None:
        """Let the browser watch these sliders (name -> slider) and redraw from frames sent
        ahead. ``on_wanted(name)`` is called when a person takes hold of a slider (focus or
        pointer down), the moment to start working ahead for it, and ``on_wanted(None)``
        once the figure is on a page."""
        self._on_wanted = on_wanted
        self.controls = {name: {"id": s.model_id, "label": str(s.description)}
                         for name, s in sliders.items()}

    def send_ahead(self, slider: str, context: str, others: Mapping[str, int],
                   frames: Mapping[int, Mapping[str, Any]]) -> None:
        """Send frames for values of ``slider`` (value -> frame), valid while the other
        sliders keep the values ``others`` and the figure's context is ``context``. A
        message to the browser only: nothing is stored in the widget's state."""
        self.send({"kind": "ahead", "slider": slider, "context": context,
                   "others": {k: int(v) for k, v in others.items()},
                   "frames": {str(int(v)): dict(f) for v, f in frames.items()}})

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("kind") != "wanted":
            return
        slider = content.get("slider")
        if self._on_wanted is not None and (slider is None or slider in self.controls):
            self._on_wanted(None if slider is None else str(slider))

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
    figure.add_class("hinge-live-view")
    box = widgets.VBox([note, figure, *below])
    box.add_class("hinge-live")
    box.fallback = note  # type: ignore[attr-defined]
    return box


def live_panels(figures: Sequence[LiveFigure]) -> widgets.HBox:
    """Live figures side by side, each in its box; on a screen too narrow for them all the
    panels wrap, one under the other, each as wide as the column (live_figure.css)."""
    row = widgets.HBox([live_box(f) for f in figures],
                       layout=widgets.Layout(flex_flow="row wrap", width="100%"))
    row.add_class("hinge-panels")
    return row
