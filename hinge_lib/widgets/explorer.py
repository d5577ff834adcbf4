"""The interactive pose explorer: sliders, a live stick figure and a readout.

(The side-by-side comparison is in :mod:`~hinge_lib.widgets.comparison`, the hinge/squat
animation in :mod:`~hinge_lib.widgets.animation`.)

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
from collections.abc import Iterator, Sequence
from typing import Any

import ipywidgets as widgets

from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.checks import check_choice, check_number
from hinge_lib.model.kinematics import HOLDS
from hinge_lib.model.pose import Pose, joint_limits
from hinge_lib.model.references import reference_pose
from hinge_lib.view import anatomy as anatomy_view
from hinge_lib.view import figures as drawing
from hinge_lib.view.wording import hold_words
from hinge_lib.widgets import room
from hinge_lib.widgets.base import (
    FIELDS,
    HEIGHT_RANGE_CM,
    LOAD_RANGE_KG,
    MASS_RANGE_KG,
    MIN_FRAME_S,
    MIN_READOUT_S,
    PRESENTER_CSS,
    READOUT_DELAY_S,
    SEXES,
    PoseLike,
    _frame_and_anatomy,
    _key,
    _live_figure,
    _preset_extras,
    _preset_options,
    _slider,
    _warm_catalogue,
    _whole,
    friendly_error,
    to_pose,
    with_steps,
)
from hinge_lib.widgets.frames_ahead import FramesAhead
from hinge_lib.widgets.live_figure import live_box


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
        layers: Sequence[drawing.ExtraLayer] = (),
    ) -> None:
        self.presenter = presenter
        self._start_anatomy = bool(anatomy)
        self._anatomy_for: dict[str, Any] | None = None
        self._anatomy_shown = False
        self.layers = tuple(layers)
        start_pose = to_pose(pose)
        start_body = body if body is not None else Body()
        self._initial = {
            **{f: float(getattr(start_pose, f)) for f in FIELDS},
            "load": check_number("load_kg", load_kg, *LOAD_RANGE_KG, "kg"),
            "hold": check_choice("hold", hold, HOLDS),
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
        #: In the class app only: takes the starting pose the instructor sent the room
        #: (hinge_lib.widgets.room); the page shows it while such a pose is on offer.
        self.room_pose: widgets.Button | None = None
        if room.in_class_app():
            self.room_pose = widgets.Button(description="Take the starting pose",
                                            icon="street-view", layout=widgets.Layout(
                                                width="auto"),
                                            tooltip="The pose your instructor sent the room")
            self.room_pose.add_class("hinge-room-pose")

    def _first_draw(self) -> None:
        """Analyse the starting state and build the figure, key and readout for it."""
        _warm_catalogue()
        state = self._state()
        first = analyze(self._pose(state), self._body(state), load_kg=state[6], hold=state[7])
        self.analysis = first
        frame, anatomy = _frame_and_anatomy(first, None, state[12],
                                            drawing.extra_paths(self.layers, first))
        self.figure = _live_figure(first, None, self.presenter, "Pose explorer",
                                   controls_root=".hinge-explorer", layers=self.layers,
                                   extra_layers=anatomy_view.live_layers(self.presenter),
                                   frame=self._keyed(frame, state))
        # the browser redraws from frames worked out ahead while a joint slider moves
        self.ahead = FramesAhead(
            self.figure, {f: (self.sliders[f].min, self.sliders[f].max) for f in FIELDS},
            self._frame_at)
        self._ahead_slider = "hip"
        self.figure.follow(self.sliders, on_wanted=self._on_wanted)
        self.key = _key(self.presenter, self.figure.width)
        self.anatomy_key.layout = widgets.Layout(max_width="100%", padding="0 0 0 8px")
        self.anatomy_readout.value = ("" if anatomy is None else
                                      anatomy_view.anatomy_readout_html(first, self.presenter,
                                                                        anatomy))
        self._anatomy_shown = anatomy is not None
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
        if self.room_pose is not None:
            self.room_pose.on_click(self._on_room_pose)

    def _arrange(self) -> list[widgets.Widget]:
        """Controls, figure and readout side by side (wrapping on narrow screens)."""
        # On a phone (live_figure.css) the figure goes on top and stays in view while the
        # controls scroll under it; the step buttons beside each slider show there.
        steps = [with_steps(s) for s in (*self.sliders.values(), self.load)]
        controls = widgets.VBox(
            [*steps, self.hold, with_steps(self.height), with_steps(self.mass), self.sex,
             self.preset, self.ghost, widgets.HBox([self.reset, self.anatomy]),
             *([self.room_pose] if self.room_pose is not None else [])],
            layout=widgets.Layout(min_width="300px" if self.presenter else "22em"),
        )
        controls.add_class("hinge-controls")
        side = widgets.VBox([self.message, self.readout, self.anatomy_readout],
                            layout=widgets.Layout(
            width="290px" if self.presenter else None,
            max_width=None if self.presenter else "30em", padding="0 0 0 8px"))
        side.add_class("hinge-side")
        self.figure_box = live_box(self.figure, self.key, self.anatomy_key)
        self.figure_box.add_class("hinge-explorer-figure")
        row = widgets.HBox([controls, self.figure_box, side],
                           layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        row.add_class("hinge-explorer-row")
        children: list[widgets.Widget] = [row]
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
    def _context(state: tuple) -> str:
        """A key for everything but the joint sliders that shapes the figure."""
        return "|".join(str(v) for v in state[6:])

    def _keyed(self, frame: dict[str, Any], state: tuple) -> dict[str, Any]:
        """``frame`` labelled with the slider values and context it was drawn for."""
        frame["controls"] = dict(zip(FIELDS, (int(v) for v in state[:6]), strict=True))
        frame["context"] = self._context(state)
        return frame

    def _frame_at(self, values: dict[str, int]) -> dict[str, Any] | None:
        """The figure's frame for these joint-slider values, every other control as last
        drawn (the context the work ahead was started for): exactly what :meth:`update`
        would send (``None`` if the pose cannot be drawn)."""
        if self._last_state is None:
            return None
        state = (*(values[f] for f in FIELDS), *self._last_state[6:])
        try:
            a = analyze(self._pose(state), self._body(state), load_kg=state[6], hold=state[7])
            frame, _ = _frame_and_anatomy(a, self._ghost_analysis(state), state[12],
                                          drawing.extra_paths(self.layers, a))
        except Exception:  # noqa: BLE001 - the kernel's own update will say what is wrong
            return None
        return self._keyed(frame, state)

    def _on_wanted(self, slider: str | None) -> None:
        """The browser asks for frames ahead: for ``slider``, which a person has taken hold
        of, or (``None``) for a figure just shown, which has none yet."""
        if slider is None:
            self.ahead.forget()
        self._work_ahead(slider)

    def _work_ahead(self, slider: str | None = None) -> None:
        """Start working out frames ahead for ``slider`` (by default the one moved last)."""
        if slider is not None:
            self._ahead_slider = slider
        state = self._last_state
        if state is not None:
            self.ahead.start(self._context(state),
                             {f: int(v) for f, v in zip(FIELDS, state[:6], strict=True)},
                             self._ahead_slider)

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
    def _held_by_pause(self, change: dict | None = None) -> bool:
        """True while the instructor has paused the room (class app only): the control
        named by ``change`` is put back to its old value and the pause message shown."""
        said = room.paused()
        if said is None:
            return False
        owner = (change or {}).get("owner")
        if owner is not None and "old" in change:
            was, self._quiet = self._quiet, True
            try:
                owner.value = change["old"]  # sent back: the page's slider returns too
            finally:
                self._quiet = was
        self.message.value = drawing.message_html(f"Paused by the instructor: {said}",
                                                  "info", self.presenter)
        return True

    def _on_change(self, change: dict) -> None:
        if self._quiet or self._held_by_pause(change):
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
        if not key or self._held_by_pause(change):
            return
        self._take_reference(key)

    def _on_room_pose(self, _button: Any = None) -> None:
        """Take the starting pose the instructor sent the room (class app only)."""
        if self._held_by_pause():
            return
        key = room.starting_pose()
        if not key:
            self.message.value = drawing.message_html(
                "Your instructor has not sent a starting pose.", "info", self.presenter)
            return
        self._take_reference(key)
        name = {k: n for n, k in _preset_options()}.get(key, key)
        self.message.value = drawing.message_html(
            f"Starting pose from your instructor: {name}",
            "info", self.presenter)

    def _take_reference(self, key: str) -> None:
        """Move to the reference position ``key`` with its hold and demonstration load."""
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
        if self._held_by_pause():
            return
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
            frame, anatomy = _frame_and_anatomy(a, ghost, state[12],
                                                drawing.extra_paths(self.layers, a),
                                                clear=self._anatomy_shown)
        except Exception as exc:  # noqa: BLE001 - the learner sees a message, not a traceback
            self._last_state = None
            self._show_error(exc)
            return
        moved = [f for f, old, new in zip(FIELDS, self._last_state or state, state, strict=False)
                 if old != new]
        self.figure.show(self._keyed(frame, state))  # first: it leaves before the rest
        self._anatomy_for = anatomy
        self._anatomy_shown = anatomy is not None
        self._show_anatomy_parts(state[12])
        self.analysis = a
        self._last_state = state
        self.message.value = drawing.message_html(note, "info", self.presenter) if note else ""
        self._show_readout(a)
        self._work_ahead(moved[0] if len(moved) == 1 else None)

    def _show_error(self, exc: BaseException) -> None:
        self._cancel_readout()
        self.readout.value = (
            drawing.message_html(friendly_error(exc), "error", self.presenter)
            + f'<div style="opacity:0.45">{self._good_readout}</div>'
        )

    def _show_anatomy_parts(self, on: bool) -> None:
        """The anatomy key and table are shown only with the muscle layer on."""
        display = None if on else "none"
        self.anatomy_key.layout.display = display
        self.anatomy_readout.layout.display = display
        # the page's layout makes room for the key and the table (live_figure.css)
        if on:
            self.add_class("hinge-muscles-on")
        else:
            self.remove_class("hinge-muscles-on")

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
            muscles = ("" if self._anatomy_for is None else anatomy_view.anatomy_readout_html(
                self._readout_for, self.presenter, self._anatomy_for))
        except Exception as exc:  # noqa: BLE001 - the learner sees a message, not a traceback
            self._show_error(exc)
            return
        self.readout.value = self._good_readout = html
        if muscles != self.anatomy_readout.value:
            self.anatomy_readout.value = muscles

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
    layers: Sequence[drawing.ExtraLayer] = (),
) -> PoseExplorer:
    """The interactive pose explorer (sliders, live stick figure, readout).

    Parameters
    ----------
    pose : Pose, str, mapping or None
        A :class:`Pose`, a reference-position key such as ``"good_morning"``, a mapping of
        joint angles such as ``{"hip": 80}`` (names ignore case; see :func:`to_pose`) or
        ``None`` (standing).
    body : Body, optional
        The person; the sliders for height, mass and sex start there.
    load_kg : float
        Load held, in kg (0 to the model's limit).
    hold : str
        How the load is held: one of :data:`hinge_lib.HOLDS`.
    presenter : bool
        Bigger lines and fonts for a projector (fits 1024x768).
    anatomy : bool
        Start with the muscle layer on (the **Muscles** button switches it): muscle paths
        coloured by their share of the joint moment, the pelvis and the hip joint, and a
        table of what each muscle group does.
    layers : sequence of ExtraLayer
        Further line layers (:class:`~hinge_lib.view.figures.ExtraLayer`), redrawn with
        the pose.

    Returns
    -------
    PoseExplorer
        A widget to display; ``.pose`` and ``.analysis`` follow the sliders.

    Examples
    --------
    >>> ex = explore({"hip": 80, "knee": 20})
    >>> ex.pose.hip, ex.analysis.pattern
    (80.0, 'hinge')
    >>> explore({"hp": 80})
    Traceback (most recent call last):
    ...
    ValueError: ...
    """
    return PoseExplorer(pose=pose, body=body, load_kg=load_kg, hold=hold, presenter=presenter,
                        anatomy=anatomy, layers=layers)


def __getattr__(name: str) -> Any:
    """``compare``, ``animate`` and their classes, still reachable from this module."""
    if name in ("compare", "PoseComparison"):
        from hinge_lib.widgets import comparison

        return getattr(comparison, name)
    if name in ("animate", "interpolate", "PoseAnimation"):
        from hinge_lib.widgets import animation

        return getattr(animation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FIELDS", "MIN_FRAME_S", "MIN_READOUT_S", "PoseExplorer", "explore",
           "friendly_error", "to_pose"]
