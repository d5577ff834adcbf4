"""Interactive pose explorer, side-by-side comparison and hinge/squat animation.

Built on ipywidgets and a small SVG anywidget (:class:`~hinge_lib.widgets.live_figure.
LiveFigure`): the figure's look is sent once, then each change sends one small message with
the new coordinates (:func:`hinge_lib.view.figures.live_frame`) and the browser moves the
SVG elements it already has. plotly is not imported here, which also shortens the time to
the first figure.

Updates never pile up: an update reads the *current* values of all controls, so however
many slider messages arrive, the figure is drawn for the latest state, and a state equal
to the one already drawn is skipped. (The ipywidgets front end also keeps at most one
slider message in flight while dragging.)
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from hinge_lib.model import catalog
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.kinematics import HOLDS
from hinge_lib.model.pose import Pose, joint_limits
from hinge_lib.model.references import reference_pose, reference_positions
from hinge_lib.view import anatomy as anatomy_view
from hinge_lib.view import figures as drawing
from hinge_lib.view.wording import hold_words
from hinge_lib.widgets.live_figure import LiveFigure, live_box

FIELDS: tuple[str, ...] = ("ankle", "knee", "hip", "lumbar", "thoracic", "neck")
SEXES: tuple[str, ...] = ("male", "female")

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
            angles[name] = float(value)
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
                 controls_root: str | None = None, width: int | None = None,
                 extra_layers: Sequence[Mapping[str, Any]] = (),
                 frame: Mapping[str, Any] | None = None) -> LiveFigure:
    """A live SVG figure showing one pose (and a ghost), with optional extra layers."""
    scene = drawing.live_scene(presenter, title=title, width=width, extra_layers=extra_layers)
    if controls_root:
        scene["controls_root"] = controls_root
    return LiveFigure(scene, frame or drawing.live_frame(analysis, ghost))


def _frame_and_anatomy(a: Any, ghost: Any, anatomy: bool, presenter: bool,
                       clear: bool = False) -> tuple[dict[str, Any], str]:
    """A live frame with the anatomy layer's paths and colours, and the anatomy readout
    ("" when off). With the layer off the frame is the plain one, plus empty anatomy paths
    if ``clear`` (the frame that switches it off)."""
    if not anatomy:
        extra = anatomy_view.EMPTY_PATHS if clear else None
        return drawing.live_frame(a, ghost, extra_paths=extra), ""
    d = anatomy_view.anatomy_drawing(a)
    paths, strokes = anatomy_view.live_update(a, d)
    frame = drawing.live_frame(a, ghost, extra_paths=paths)
    frame["strokes"] = {**frame["strokes"], **strokes}
    return frame, anatomy_view.anatomy_readout_html(a, presenter, d)


def _key(presenter: bool, width_px: int) -> widgets.HTML:
    """The live figure's key (what each line and dot means), as a widget under it, no
    wider than the figure."""
    key = widgets.HTML(drawing.key_html(presenter),
                       layout=widgets.Layout(width=f"{width_px}px", padding="0 0 0 52px"))
    key.add_class("hinge-key-area")
    return key


def _readout_row(htmls: Sequence[str], presenter: bool) -> tuple[list[widgets.HTML], widgets.HBox]:
    width = f"{drawing.live_size(presenter)[0]}px"
    readouts = []
    for html in htmls:
        readout = widgets.HTML(html, layout=widgets.Layout(width=width, padding="0 0 0 12px"))
        readout.add_class("hinge-readout")
        readouts.append(readout)
    return readouts, widgets.HBox(readouts)


def _slider(description: str, value: float, lo: int, hi: int, layout: widgets.Layout,
            tooltip: str, label_width: str = "6.5em") -> widgets.IntSlider:
    # Integer sliders: whole degrees, centimetres and kilograms. (Float sliders echo
    # values with rounding noise back from the browser, which can reorder updates.)
    return widgets.IntSlider(
        value=_whole(value, lo, hi), min=lo, max=hi, step=1, description=description,
        continuous_update=True, style={"description_width": label_width}, layout=layout,
        tooltip=tooltip,
    )


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


class PoseExplorer(widgets.VBox):
    """The explorer: controls, a live stick figure and a readout.

    Attributes useful in code: ``sliders`` (field -> slider), ``load``, ``hold``, ``height``,
    ``mass``, ``sex``, ``preset``, ``ghost``, ``reset``, ``figure`` (a
    :class:`~hinge_lib.widgets.live_figure.LiveFigure`), ``key``, ``readout``, ``message``
    and ``analysis`` (the last analysis drawn).
    """

    def __init__(
        self,
        pose: PoseLike = None,
        body: Body | None = None,
        load_kg: float = 0.0,
        hold: str = "hands",
        presenter: bool = False,
        anatomy: bool = False,
    ) -> None:
        self.presenter = presenter
        self._start_anatomy = bool(anatomy)
        start_pose = to_pose(pose)
        start_body = body if body is not None else Body()
        self._initial = {
            **{f: float(getattr(start_pose, f)) for f in FIELDS},
            "load": float(load_kg),
            "hold": hold,
            "height": float(start_body.height_m),
            "mass": float(start_body.mass_kg),
            "sex": start_body.sex,
        }
        self._quiet = False
        self._last_draw = -math.inf
        self._trailing: asyncio.TimerHandle | None = None
        self._pending_note = ""
        self._last_state: tuple | None = None
        self._ghost_cache: dict[tuple, Any] = {}
        self._last_readout = -math.inf
        self._readout_timer: asyncio.TimerHandle | None = None
        self._readout_for: Any = None
        self.analysis = None

        self._make_controls()
        self._first_draw()
        self._wire()
        super().__init__(self._arrange())
        self.add_class("hinge-explorer")
        if presenter:
            self.add_class("hinge-presenter")

    # -- building ----------------------------------------------------------------------
    def _make_controls(self) -> None:
        """The sliders, buttons and dropdowns, set to the starting values."""
        i = self._initial
        # presenter: controls, figure and readout side by side on a 1024 px projector
        wide = widgets.Layout(width="300px" if self.presenter else "21em")
        label_width = "104px" if self.presenter else "6.5em"
        limits = joint_limits()

        def slider(description: str, value: float, lo: int, hi: int, what: str
                   ) -> widgets.IntSlider:
            return _slider(description, value, lo, hi, wide, f"{what} ({lo} to {hi})",
                           label_width)

        self.sliders: dict[str, widgets.IntSlider] = {}
        for f in FIELDS:
            lo, hi = math.ceil(limits[f][0]), math.floor(limits[f][1])
            self.sliders[f] = slider(f.capitalize(), i[f], lo, hi, f"{f} angle in degrees")
        self.load = slider("Load (kg)", i["load"], *LOAD_RANGE_KG, "load in kilograms")
        self.height = slider("Height (cm)", i["height"] * 100, *HEIGHT_RANGE_CM,
                             "body height in centimetres")
        self.mass = slider("Body (kg)", i["mass"], *MASS_RANGE_KG, "body mass in kilograms")
        label_style = {"description_width": label_width}
        self.hold = widgets.ToggleButtons(
            options=[(hold_words(h, "button"), h) for h in HOLDS],
            value=i["hold"] if i["hold"] in HOLDS else "hands",
            tooltips=[hold_words(h, "tooltip") for h in HOLDS], description="Hold",
            style={**label_style, "button_width": "4.2em" if self.presenter else "5em"},
        )
        self.sex = widgets.ToggleButtons(
            options=list(SEXES), value=i["sex"] if i["sex"] in SEXES else "male",
            description="Sex",
            style={**label_style, "button_width": "4.8em" if self.presenter else "5em"},
        )
        presets = _preset_options()
        self.preset = widgets.Dropdown(
            options=[("choose…", "")] + presets, value="", description="Preset",
            style=label_style, layout=wide,
        )
        self.ghost = widgets.Dropdown(
            options=[("none", "")] + presets, value="", description="Ghost",
            style=label_style, layout=wide,
        )
        self.reset = widgets.Button(description="Reset", icon="undo",
                                    tooltip="Back to the starting pose, body and load")
        self.anatomy = widgets.ToggleButton(
            value=self._start_anatomy, description="Muscles",
            tooltip="Show the muscle groups, the pelvis and the hip joint on the figure, "
                    "and list what each muscle does", layout=widgets.Layout(width="auto"))
        self.anatomy_key = widgets.HTML(anatomy_view.key_html(self.presenter))
        self.anatomy_key.add_class("hinge-anatomy-key-area")
        self.anatomy_readout = widgets.HTML(value="")
        self.anatomy_readout.add_class("hinge-anatomy-readout")
        self.message = widgets.HTML(value="")
        self.message.add_class("hinge-message-area")
        self.readout = widgets.HTML(value="")
        self.readout.add_class("hinge-readout")

    def _first_draw(self) -> None:
        """Analyse the starting state and build the figure, key and readout for it."""
        _warm_catalogue()
        state = self._state()
        first = analyze(self._pose(state), self._body(state), load_kg=state[6], hold=state[7])
        self.analysis = first
        frame, muscles = _frame_and_anatomy(first, None, state[12], self.presenter)
        self.figure = _live_figure(first, None, self.presenter, "Pose explorer",
                                   controls_root=".hinge-explorer",
                                   extra_layers=anatomy_view.live_layers(self.presenter),
                                   frame=frame)
        self.key = _key(self.presenter, self.figure.width)
        self.anatomy_readout.value = muscles
        self._show_anatomy_parts(state[12])
        self.readout.value = self._good_readout = drawing.readout_html(first, self.presenter)
        self._last_state = state

    def _wire(self) -> None:
        for w in self._value_widgets():
            w.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.ghost.observe(self._on_ghost, names="value")
        self.anatomy.observe(self._on_ghost, names="value")
        self.reset.on_click(self._on_reset)

    def _arrange(self) -> list[widgets.Widget]:
        """Controls, figure and readout side by side (wrapping on narrow screens)."""
        controls = widgets.VBox(
            [*self.sliders.values(), self.load, self.hold, self.height, self.mass, self.sex,
             self.preset, self.ghost, widgets.HBox([self.reset, self.anatomy])],
            layout=widgets.Layout(min_width="300px" if self.presenter else "22em"),
        )
        side = widgets.VBox([self.message, self.readout, self.anatomy_readout],
                            layout=widgets.Layout(
            width="290px" if self.presenter else None,
            max_width=None if self.presenter else "30em", padding="0 0 0 8px"))
        self.figure_box = live_box(self.figure, self.key, self.anatomy_key)
        children: list[widgets.Widget] = [
            widgets.HBox([controls, self.figure_box, side],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        ]
        if self.presenter:
            children.insert(0, widgets.HTML(PRESENTER_CSS))
        return children

    @property
    def pose(self) -> Pose:
        """The pose currently drawn (the sliders' values once they have been analysed)."""
        return self.analysis.pose

    # -- state -------------------------------------------------------------------------
    def _value_widgets(self) -> list[widgets.ValueWidget]:
        return [*self.sliders.values(), self.load, self.hold, self.height, self.mass, self.sex]

    def _state(self) -> tuple:
        return (
            *(self.sliders[f].value for f in FIELDS),
            self.load.value, self.hold.value, self.height.value, self.mass.value,
            self.sex.value, self.ghost.value, self.anatomy.value,
        )

    @staticmethod
    def _pose(state: tuple) -> Pose:
        return Pose(**dict(zip(FIELDS, state[:6], strict=True)))

    @staticmethod
    def _body(state: tuple) -> Body:
        return Body(height_m=state[8] / 100, mass_kg=float(state[9]), sex=state[10])

    @contextlib.contextmanager
    def hold_updates(self) -> Iterator[None]:
        """Change several controls and redraw once at the end."""
        was, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = was
        if not was:
            self.update()

    def set_pose(self, pose: PoseLike) -> None:
        """Move all six joint sliders to ``pose`` and redraw once."""
        p = to_pose(pose)
        with self.hold_updates():
            for f in FIELDS:
                self.sliders[f].value = _whole(getattr(p, f), self.sliders[f].min,
                                               self.sliders[f].max)

    # -- events ------------------------------------------------------------------------
    def _on_change(self, change: dict) -> None:
        if self._quiet:
            return
        note = ""
        owner = change.get("owner")
        if isinstance(owner, widgets.IntSlider) and owner.value in (owner.min, owner.max):
            note = (f"{owner.description} is at the end of its range "
                    f"({owner.min:g} to {owner.max:g}); values beyond it are clamped.")
        self._throttled_update(note)

    def _throttled_update(self, note: str) -> None:
        """Redraw now, or, while a slider is being dragged, at most once per
        :data:`MIN_FRAME_S` with a trailing redraw for the last value, so the browser never
        falls behind the hand. Outside a running event loop (plain Python) redraw at once."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.update(note)
            return
        self._pending_note = note or self._pending_note
        if self._trailing is not None:
            return
        wait = self._last_draw + MIN_FRAME_S - time.monotonic()
        if wait <= 0:
            self._flush()
        else:
            self._trailing = loop.call_later(wait, self._flush)

    def _flush(self) -> None:
        self._trailing = None
        note, self._pending_note = self._pending_note, ""
        self._last_draw = time.monotonic()
        self.update(note)

    def _on_preset(self, change: dict) -> None:
        key = change["new"]
        if not key:
            return
        try:
            pose = reference_pose(key)
        except Exception as exc:  # noqa: BLE001 - shown to the learner instead
            self.readout.value = (
                drawing.message_html(friendly_error(exc), "error", self.presenter)
                + self._good_readout
            )
            return
        hold, load = _preset_extras(key)
        with self.hold_updates():
            if hold is not None:
                self.hold.value = hold
            if load is not None:
                self.load.value = _whole(load, *LOAD_RANGE_KG)
            self.set_pose(pose)

    def _on_ghost(self, change: dict) -> None:
        if not self._quiet:
            self.update()

    def _on_reset(self, _button: Any = None) -> None:
        i = self._initial
        with self.hold_updates():
            for f in FIELDS:
                self.sliders[f].value = _whole(i[f], self.sliders[f].min, self.sliders[f].max)
            self.load.value = _whole(i["load"], *LOAD_RANGE_KG)
            self.hold.value = i["hold"] if i["hold"] in HOLDS else "hands"
            self.height.value = _whole(i["height"] * 100, *HEIGHT_RANGE_CM)
            self.mass.value = _whole(i["mass"], *MASS_RANGE_KG)
            self.sex.value = i["sex"] if i["sex"] in SEXES else "male"
            self.preset.value = ""
        self.message.value = ""

    # -- drawing -----------------------------------------------------------------------
    def _ghost_analysis(self, state: tuple) -> Any:
        key = state[11]
        if not key:
            return None
        cache_key = (key, *state[6:11])
        if cache_key not in self._ghost_cache:
            pose = reference_pose(key)
            hold, load = _preset_extras(key)
            self._ghost_cache[cache_key] = analyze(
                pose, self._body(state),
                load_kg=state[6] if load is None else load, hold=hold or state[7],
            )
        return self._ghost_cache[cache_key]

    def update(self, note: str = "") -> None:
        """Redraw for the controls' current values (skipped if nothing changed)."""
        state = self._state()
        if state == self._last_state:
            if note:
                self.message.value = drawing.message_html(note, "info", self.presenter)
            return
        try:
            a = analyze(self._pose(state), self._body(state), load_kg=state[6], hold=state[7])
            ghost = self._ghost_analysis(state)
            frame, muscles = _frame_and_anatomy(a, ghost, state[12], self.presenter,
                                                clear=bool(self.anatomy_readout.value))
        except Exception as exc:  # noqa: BLE001 - the learner sees a message, not a traceback
            self._last_state = None
            self._show_error(exc)
            return
        self.figure.show(frame)  # first, so the figure's message leaves before the rest
        if muscles or self.anatomy_readout.value:
            self.anatomy_readout.value = muscles
        self._show_anatomy_parts(state[12])
        self.analysis = a
        self._last_state = state
        self.message.value = drawing.message_html(note, "info", self.presenter) if note else ""
        self._show_readout(a)

    def _show_error(self, exc: BaseException) -> None:
        self._cancel_readout()
        self.readout.value = (
            drawing.message_html(friendly_error(exc), "error", self.presenter)
            + f'<div style="opacity:0.45">{self._good_readout}</div>'
        )

    def _show_anatomy_parts(self, on: bool) -> None:
        """The anatomy key and readout are shown only with the layer on."""
        display = None if on else "none"
        self.anatomy_key.layout.display = display
        self.anatomy_readout.layout.display = display

    def _show_readout(self, analysis: Any) -> None:
        """Rewrite the readout for ``analysis``. In a kernel this happens just after the
        figure's message has gone (:data:`READOUT_DELAY_S`) and, while a slider is dragged,
        at most once per :data:`MIN_READOUT_S`, always ending on the last pose."""
        self._readout_for = analysis
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._flush_readout()
            return
        if self._readout_timer is not None:
            return
        wait = max(READOUT_DELAY_S, self._last_readout + MIN_READOUT_S - time.monotonic())
        self._readout_timer = loop.call_later(wait, self._flush_readout)

    def _flush_readout(self) -> None:
        self._readout_timer = None
        self._last_readout = time.monotonic()
        try:
            html = drawing.readout_html(self._readout_for, self.presenter)
        except Exception as exc:  # noqa: BLE001 - the learner sees a message, not a traceback
            self._show_error(exc)
            return
        self.readout.value = self._good_readout = html

    def _cancel_readout(self) -> None:
        if self._readout_timer is not None:
            self._readout_timer.cancel()
            self._readout_timer = None


def explore(
    pose: PoseLike = None,
    body: Body | None = None,
    load_kg: float = 0.0,
    hold: str = "hands",
    presenter: bool = False,
    anatomy: bool = False,
) -> PoseExplorer:
    """The interactive pose explorer (sliders, live stick figure, readout).

    ``pose`` may be a :class:`Pose`, a reference-position key such as ``"good_morning"``,
    a mapping of joint angles such as ``{"hip": 80}`` (see :func:`to_pose`) or ``None``
    (standing). ``presenter=True`` uses bigger lines and fonts for a projector.
    ``anatomy=True`` starts with the muscle layer on (the **Muscles** button switches it):
    muscle paths coloured by their share of the joint moment, the pelvis and the hip joint
    on the figure, and a table of what each muscle group does beside it.
    """
    return PoseExplorer(pose=pose, body=body, load_kg=load_kg, hold=hold, presenter=presenter,
                        anatomy=anatomy)


def _label(pose: PoseLike, fallback: str) -> str:
    if isinstance(pose, str):
        for name, key in _preset_options():
            if key == pose:
                return name
        return pose
    return fallback


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
        panels = widgets.HBox([live_box(f) for f in self.figures])
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

    Poses may be :class:`Pose` objects, reference-position keys or mappings of angles.
    """
    return PoseComparison([pose_a, pose_b], body=body, load_kg=load_kg, hold=hold,
                          presenter=presenter, titles=titles)


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
        if frames < 2:
            raise ValueError(f"frames must be at least 2; got {frames}")
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
        self._data = [[drawing.live_frame(a, seq[-1]) for a in seq] for seq in self.frames]
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
        self.key = _key(presenter, self.figure.width * len(self.figures))
        panels = widgets.HBox([live_box(f) for f in self.figures])
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

    By default the end poses are the first hinge and the first squat of the reference
    positions. The faint ghost in each panel is the end pose. An empty ``pose_to`` raises
    ``ValueError``.
    """
    return PoseAnimation(pose_from, pose_to, body=body, load_kg=load_kg, hold=hold,
                         frames=frames, interval_ms=interval_ms, presenter=presenter)


__all__ = [
    "PoseAnimation",
    "PoseComparison",
    "PoseExplorer",
    "animate",
    "compare",
    "explore",
    "friendly_error",
    "interpolate",
    "to_pose",
]
