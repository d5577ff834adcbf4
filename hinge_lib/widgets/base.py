"""What the pose widgets share: turning what a learner passes into a Pose, the slider and
readout pieces, the live figure with its optional muscle layer, friendly error messages and
the pacing constants of live updates.

Used by :mod:`~hinge_lib.widgets.explorer`, :mod:`~hinge_lib.widgets.comparison` and
:mod:`~hinge_lib.widgets.animation`.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from hinge_lib.model import catalog
from hinge_lib.model.body import SEXES as BODY_SEXES
from hinge_lib.model.kinematics import HOLDS
from hinge_lib.model.pose import POSE_FIELDS, Pose
from hinge_lib.model.references import reference_pose, reference_positions
from hinge_lib.view import anatomy as anatomy_view
from hinge_lib.view import figures as drawing
from hinge_lib.widgets.live_figure import LiveFigure

#: The joint sliders, in the model's order; the sexes the body model knows.
FIELDS: tuple[str, ...] = POSE_FIELDS
SEXES: tuple[str, ...] = BODY_SEXES

LOAD_RANGE_KG = (0, 150)
HEIGHT_RANGE_CM = (140, 210)
MASS_RANGE_KG = (40, 150)

# Bigger control labels for a projector (the figure and readout scale on their own), with
# controls, figure and readout kept within a 1024 x 768 projector without scrolling.
PRESENTER_CSS = (
    "<style>.hinge-presenter .widget-label, .hinge-presenter .widget-readout,"
    " .hinge-presenter .widget-button,"
    " .hinge-presenter select {font-size: 17px !important;}"
    " .hinge-presenter .widget-toggle-button {font-size: 15px !important;}"
    " .hinge-presenter .widget-inline-hbox {margin-top: 1px; margin-bottom: 1px;}</style>"
)

PoseLike = Pose | str | Mapping[str, float] | None


#: Shortest time between two redraws while a slider is dragged (seconds): about one
#: browser frame at 60 Hz, so a drag is drawn at the screen's rate and never queues up.
MIN_FRAME_S = 0.015
#: Shortest time between two rewrites of the readout while a slider is dragged (seconds):
#: text changing 60 times a second cannot be read, and each rewrite costs the browser a
#: layout; the readout always ends on the last pose.
MIN_READOUT_S = 0.1
#: Delay of the readout after the figure's message in a kernel (seconds): the kernel goes
#: idle at once, so its message thread sends the figure's frame without waiting.
READOUT_DELAY_S = 0.004


def to_pose(pose: PoseLike) -> Pose:
    """Accept a :class:`Pose`, a reference-position key, a mapping of angles or ``None``.

    Mapping keys are joint names (:data:`FIELDS`), matched without regard to case
    (``{"Hip": 80}`` is ``{"hip": 80}``); a missing joint is 0 degrees.

    Raises
    ------
    ValueError
        For a mapping key that is not a joint name (naming it and the allowed names), or
        for an angle outside the joint's range.
    TypeError
        For anything else.

    Examples
    --------
    >>> to_pose({"Hip": 80}).hip
    80.0
    """
    if pose is None:
        return Pose()
    if isinstance(pose, Pose):
        return pose
    if isinstance(pose, str):
        return reference_pose(pose)
    if isinstance(pose, Mapping):
        angles: dict[str, float] = {}
        for key, value in pose.items():
            name = str(key).strip().lower()
            if name not in FIELDS:
                raise ValueError(
                    f"pose has an unknown joint {key!r}; allowed names: {', '.join(FIELDS)}"
                )
            angles[name] = value  # Pose checks it: a clear error names joint, value and range
        return Pose(**angles)
    raise TypeError(f"pose must be a Pose, a reference key or a mapping; got {type(pose).__name__}")


def _whole(value: float, lo: int, hi: int) -> int:
    """``value`` rounded to a whole number and kept within ``lo``..``hi``."""
    return int(min(max(round(float(value)), lo), hi))


def _preset_options() -> list[tuple[str, str]]:
    """(label, key) pairs for the reference positions, or [] if the table cannot be read."""
    try:
        table = reference_positions()
    except Exception:  # noqa: BLE001 - the explorer still works without presets
        return []
    names = table["name"] if "name" in table.columns else table.index
    return [(str(name), str(key)) for key, name in zip(table.index, names, strict=True)]


def _preset_extras(key: str) -> tuple[str | None, float | None]:
    """The hold and the demonstration load of a reference position, where the table has them."""
    try:
        row = reference_positions().loc[key]
    except Exception:  # noqa: BLE001
        return None, None
    hold = row.get("hold")
    load = row.get("demo_load_kg")
    hold = hold if isinstance(hold, str) and hold in HOLDS else None
    try:
        load = float(load) if load is not None and math.isfinite(float(load)) else None
    except (TypeError, ValueError):
        load = None
    return hold, load


def friendly_error(exc: BaseException) -> str:
    """A one-line explanation for the learner; never a traceback."""
    if isinstance(exc, ValueError) and str(exc):
        return (
            f"This combination cannot be drawn: {exc}. "
            "The figure still shows the last pose that worked."
        )
    return (
        "Something went wrong while analysing this pose "
        f"({type(exc).__name__}). The figure still shows the last pose that worked; "
        "try another value or press Reset."
    )


def _live_figure(analysis: Any, ghost: Any, presenter: bool, title: str,
                 controls_root: str | None = None,
                 layers: Sequence[drawing.ExtraLayer] = (),
                 extra_layers: Sequence[Mapping[str, Any]] = (),
                 frame: Mapping[str, Any] | None = None) -> LiveFigure:
    """A live SVG figure showing one pose (and a ghost, and any extra layers).
    ``extra_layers`` are further scene entries whose paths ``frame`` carries (the muscle
    layer of :mod:`hinge_lib.view.anatomy`)."""
    scene = drawing.live_scene(
        presenter, title=title,
        extra_layers=[layer.style() for layer in layers] + [dict(e) for e in extra_layers])
    if controls_root:
        scene["controls_root"] = controls_root
    return LiveFigure(scene, frame or drawing.live_frame(analysis, ghost,
                                                         drawing.extra_paths(layers, analysis)))


def _frame_and_anatomy(a: Any, ghost: Any, anatomy: bool,
                       base: Mapping[str, Any] | None = None, clear: bool = False
                       ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A live frame with the paths of ``base`` (extra layers) and, when ``anatomy`` is on,
    the muscle layer's paths and colours; returns the frame and the anatomy drawing (None
    when off). With the layer off the frame carries empty muscle paths only if ``clear``
    (the frame that switches it off)."""
    paths = dict(base or {})
    if not anatomy:
        if clear:
            paths.update(anatomy_view.EMPTY_PATHS)
        return drawing.live_frame(a, ghost, paths or None), None
    d = anatomy_view.anatomy_drawing(a)
    more, strokes = anatomy_view.live_update(a, d)
    paths.update(more)
    frame = drawing.live_frame(a, ghost, paths)
    frame["strokes"] = {**frame["strokes"], **strokes}
    return frame, d


def _key(presenter: bool, width_px: int) -> widgets.HTML:
    """The live figure's key (what each line and dot means), as a widget under it, at
    most ``width_px`` wide and never wider than its column."""
    key = widgets.HTML(drawing.key_html(presenter),
                       layout=widgets.Layout(width=f"{width_px}px", max_width="100%",
                                             padding="0 0 0 8px"))
    key.add_class("hinge-key-area")
    return key


def _readout_row(htmls: Sequence[str], presenter: bool) -> tuple[list[widgets.HTML], widgets.HBox]:
    width = f"{drawing.live_size(presenter)[0]}px"
    readouts = []
    for html in htmls:
        # as wide as a figure, or the whole column on a narrow screen (live_figure.css)
        readout = widgets.HTML(html, layout=widgets.Layout(flex=f"1 1 {width}",
                                                           max_width=width,
                                                           padding="0 0 0 12px"))
        readout.add_class("hinge-readout")
        readouts.append(readout)
    row = widgets.HBox(readouts, layout=widgets.Layout(flex_flow="row wrap"))
    return readouts, row


def _slider(description: str, value: float, lo: int, hi: int, layout: widgets.Layout,
            tooltip: str, label_width: str = "6.5em") -> widgets.IntSlider:
    # Integer sliders: whole degrees, centimetres and kilograms. (Float sliders echo
    # values with rounding noise back from the browser, which can reorder updates.)
    return widgets.IntSlider(
        value=_whole(value, lo, hi), min=lo, max=hi, step=1, description=description,
        continuous_update=True, style={"description_width": label_width}, layout=layout,
        tooltip=tooltip,
    )


def with_steps(slider: widgets.IntSlider) -> widgets.HBox:
    """The slider with a one-step-down and a one-step-up button beside it: fine control on
    a touch screen, where a finger cannot place a short slider's handle to one unit. The
    buttons are 44 x 44 px and shown only on touch and narrow screens (live_figure.css)."""
    def stepper(symbol: str, step: int, words: str) -> widgets.Button:
        button = widgets.Button(description=symbol, tooltip=f"{slider.description}: {words}",
                                layout=widgets.Layout(width="44px", height="44px"))
        button.add_class("hinge-step")

        def click(_button: Any) -> None:
            slider.value = _whole(slider.value + step, slider.min, slider.max)

        button.on_click(click)
        return button

    row = widgets.HBox([slider, stepper("\u2212", -1, "one less"),
                        stepper("+", 1, "one more")])
    row.add_class("hinge-slider-row")
    return row


def _read_catalogue() -> None:
    with contextlib.suppress(Exception):
        catalog.faults()


def _warm_catalogue() -> None:
    """Read the teaching catalogue before the first fault a learner provokes: in a kernel
    just after the figure is shown (so it does not delay the first figure), otherwise now."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        _read_catalogue()
        return
    loop.call_later(0.3, _read_catalogue)


def _label(pose: PoseLike, fallback: str) -> str:
    if isinstance(pose, str):
        for name, key in _preset_options():
            if key == pose:
                return name
        return pose
    return fallback
