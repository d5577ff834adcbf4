"""Interactive pose explorer, side-by-side comparison and hinge/squat animation.

Built on ipywidgets and plotly's ``FigureWidget``. Each figure is built whole (traces and
layout in the constructor) and afterwards only the trace data is changed, in place and in
one ``batch_update`` per change: that is what keeps the figures fast and correct under
Voila as well as JupyterLab.

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
import plotly.graph_objects as go

from hinge_lib.model import catalog
from hinge_lib.model.analysis import analyze
from hinge_lib.model.body import Body
from hinge_lib.model.kinematics import HOLDS
from hinge_lib.model.pose import Pose, joint_limits
from hinge_lib.model.references import reference_pose, reference_positions
from hinge_lib.view import figures as drawing

FIELDS: tuple[str, ...] = ("ankle", "knee", "hip", "lumbar", "thoracic", "neck")
SEXES: tuple[str, ...] = ("male", "female")
#: Button labels for the ways of holding the load (data/holds.csv).
HOLD_LABELS = {"hands": "hands", "close": "legs", "chest": "chest", "back": "back"}
HOLD_TOOLTIPS = {
    "hands": "hanging from straight arms (kettlebell, dumbbell)",
    "close": "a bar kept against the front of the legs (barbell deadlifts)",
    "chest": "hugged at the chest (goblet)",
    "back": "a bar on the upper back (back squat, good morning)",
}

LOAD_RANGE_KG = (0, 150)
HEIGHT_RANGE_CM = (140, 210)
MASS_RANGE_KG = (40, 150)

# Bigger control labels for a projector (the figure and readout scale on their own).
PRESENTER_CSS = (
    "<style>.hinge-presenter .widget-label, .hinge-presenter .widget-readout,"
    " .hinge-presenter .widget-toggle-button, .hinge-presenter .widget-button,"
    " .hinge-presenter select {font-size: 18px !important;}</style>"
)

PoseLike = Pose | str | Mapping[str, float] | None


#: Shortest time between two redraws while a slider is dragged (seconds).
MIN_FRAME_S = 0.04


def to_pose(pose: PoseLike) -> Pose:
    """Accept a :class:`Pose`, a reference-position key, a mapping of angles or ``None``."""
    if pose is None:
        return Pose()
    if isinstance(pose, Pose):
        return pose
    if isinstance(pose, str):
        return reference_pose(pose)
    if isinstance(pose, Mapping):
        return Pose(**{k: float(v) for k, v in pose.items() if k in FIELDS})
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


def _apply(
    fig: go.FigureWidget,
    data: Sequence[Mapping[str, Any]],
    last: Sequence[Mapping[str, Any]] | None = None,
    skip: Sequence[int] = (),
    offset: int = 0,
) -> None:
    """Copy one panel's trace data into ``fig`` (traces ``offset`` onwards) in one batch,
    only the values that differ from ``last``.

    Plain attribute assignment is used (``trace.x = ...``): it is several times faster than
    ``trace.update(...)`` and, inside ``batch_update``, still reaches the browser as a single
    message. Keys with underscores (``marker_line_width``) name a nested property.
    """
    with fig.batch_update():
        _copy(fig, data, last, skip, offset)


def _copy(
    fig: go.FigureWidget,
    data: Sequence[Mapping[str, Any]],
    last: Sequence[Mapping[str, Any]] | None,
    skip: Sequence[int],
    offset: int,
) -> None:
    for i, d in enumerate(data):
        if i in skip:
            continue
        trace = fig.data[offset + i]
        before = last[i] if last is not None else {}
        for key, value in d.items():
            if key in before and before[key] == value:
                continue
            *path, name = key.split("_")
            target = trace
            for part in path:
                target = getattr(target, part)
            setattr(target, name, value)


def _new_figure(analysis: Any, ghost: Any, presenter: bool, title: str,
                width: int | None = None) -> go.FigureWidget:
    return go.FigureWidget(
        data=drawing.figure_traces(analysis, ghost=ghost, presenter=presenter),
        layout=drawing.figure_layout(title, presenter=presenter, width=width, legend=False),
    )


def _panels_figure(analyses: Sequence[Any], ghosts: Sequence[Any] | None, titles: Sequence[str],
                   presenter: bool) -> go.FigureWidget:
    """One FigureWidget holding several poses side by side.

    A single figure is used on purpose: with several FigureWidgets on one Voila page,
    updates to some of them were seen to be dropped by the browser.
    """
    return go.FigureWidget(
        data=drawing.panel_traces(analyses, ghosts, presenter=presenter),
        layout=drawing.panels_layout(titles, presenter=presenter, legend=False),
    )


def _key(presenter: bool, width_px: int) -> widgets.HTML:
    """The live figure's key (what each line and dot means), as a widget under it, no
    wider than the figure."""
    key = widgets.HTML(drawing.key_html(presenter),
                       layout=widgets.Layout(width=f"{width_px}px", padding="0 0 0 60px"))
    key.add_class("hinge-key-area")
    return key


def _readout_row(htmls: Sequence[str], presenter: bool) -> tuple[list[widgets.HTML], widgets.HBox]:
    width = f"{560 if presenter else 400}px"
    readouts = []
    for html in htmls:
        readout = widgets.HTML(html, layout=widgets.Layout(width=width, padding="0 0 0 12px"))
        readout.add_class("hinge-readout")
        readouts.append(readout)
    return readouts, widgets.HBox(readouts)


class PoseExplorer(widgets.VBox):
    """The explorer: controls, a live stick figure and a readout.

    Attributes useful in code: ``sliders`` (field -> slider), ``load``, ``hold``, ``height``,
    ``mass``, ``sex``, ``preset``, ``ghost``, ``reset``, ``figure``, ``key``, ``readout``,
    ``message`` and ``analysis`` (the last analysis drawn).
    """

    def __init__(
        self,
        pose: PoseLike = None,
        body: Body | None = None,
        load_kg: float = 0.0,
        hold: str = "hands",
        presenter: bool = False,
    ) -> None:
        self.presenter = presenter
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
        self.analysis = None

        label_style = {"description_width": "6.5em"}
        wide = widgets.Layout(width="27em" if presenter else "21em")
        limits = joint_limits()

        # Integer sliders: whole degrees, centimetres and kilograms. (Float sliders echo
        # values with rounding noise back from the browser, which can reorder updates.)
        self.sliders: dict[str, widgets.IntSlider] = {}
        for f in FIELDS:
            lo, hi = math.ceil(limits[f][0]), math.floor(limits[f][1])
            self.sliders[f] = widgets.IntSlider(
                value=_whole(self._initial[f], lo, hi), min=lo, max=hi, step=1,
                description=f.capitalize(), continuous_update=True,
                style=label_style, layout=wide,
                tooltip=f"{f} angle in degrees ({lo} to {hi})",
            )
        self.load = widgets.IntSlider(
            value=_whole(load_kg, *LOAD_RANGE_KG), min=LOAD_RANGE_KG[0], max=LOAD_RANGE_KG[1],
            step=1, description="Load (kg)", continuous_update=True, style=label_style,
            layout=wide,
        )
        self.hold = widgets.ToggleButtons(
            options=[(HOLD_LABELS[h], h) for h in HOLDS], value=hold if hold in HOLDS else "hands",
            tooltips=[HOLD_TOOLTIPS[h] for h in HOLDS], description="Hold",
            style={**label_style, "button_width": "5em"},
        )
        self.height = widgets.IntSlider(
            value=_whole(self._initial["height"] * 100, *HEIGHT_RANGE_CM),
            min=HEIGHT_RANGE_CM[0], max=HEIGHT_RANGE_CM[1], step=1, description="Height (cm)",
            continuous_update=True, style=label_style, layout=wide,
        )
        self.mass = widgets.IntSlider(
            value=_whole(self._initial["mass"], *MASS_RANGE_KG),
            min=MASS_RANGE_KG[0], max=MASS_RANGE_KG[1], step=1, description="Body (kg)",
            continuous_update=True, style=label_style, layout=wide,
        )
        self.sex = widgets.ToggleButtons(
            options=list(SEXES), value=start_body.sex if start_body.sex in SEXES else "male",
            description="Sex", style={**label_style, "button_width": "5em"},
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
        self.message = widgets.HTML(value="")
        self.message.add_class("hinge-message-area")
        self.readout = widgets.HTML(value="")
        self.readout.add_class("hinge-readout")

        # Read the teaching catalogue now, not on the first fault a learner provokes.
        with contextlib.suppress(Exception):
            catalog.faults()

        state = self._state()
        first = analyze(self._pose(state), self._body(state), load_kg=state[6], hold=state[7])
        self.analysis = first
        self.figure = _new_figure(first, None, presenter, "Pose explorer")
        self.key = _key(presenter, self.figure.layout.width)
        self._drawn: list[dict[str, Any]] | None = drawing.trace_data(first, None, presenter)
        self.readout.value = self._good_readout = drawing.readout_html(first, presenter)
        self._last_state = state

        for w in self._value_widgets():
            w.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.ghost.observe(self._on_ghost, names="value")
        self.reset.on_click(self._on_reset)

        controls = widgets.VBox(
            [*self.sliders.values(), self.load, self.hold, self.height, self.mass, self.sex,
             self.preset, self.ghost, self.reset],
            layout=widgets.Layout(min_width="22em"),
        )
        side = widgets.VBox([self.message, self.readout],
                            layout=widgets.Layout(max_width="30em" if not presenter else "36em",
                                                  padding="0 0 0 8px"))
        children: list[widgets.Widget] = [
            widgets.HBox([controls, widgets.VBox([self.figure, self.key]), side],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        ]
        if presenter:
            children.insert(0, widgets.HTML(PRESENTER_CSS))
        super().__init__(children)
        self.add_class("hinge-explorer")
        if presenter:
            self.add_class("hinge-presenter")

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
            self.sex.value, self.ghost.value,
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
            data = drawing.trace_data(a, ghost, self.presenter)
            drawn, self._drawn = self._drawn, None
            _apply(self.figure, data, drawn)
            self._drawn = data
            self.readout.value = drawing.readout_html(a, self.presenter)
        except Exception as exc:  # noqa: BLE001 - the learner sees a message, not a traceback
            self._last_state = None
            self.readout.value = (
                drawing.message_html(friendly_error(exc), "error", self.presenter)
                + f'<div style="opacity:0.45">{self._good_readout}</div>'
            )
            return
        self._good_readout = self.readout.value
        self.analysis = a
        self._last_state = state
        self.message.value = drawing.message_html(note, "info", self.presenter) if note else ""


def explore(
    pose: PoseLike = None,
    body: Body | None = None,
    load_kg: float = 0.0,
    hold: str = "hands",
    presenter: bool = False,
) -> PoseExplorer:
    """The interactive pose explorer (sliders, live stick figure, readout).

    ``pose`` may be a :class:`Pose`, a reference-position key such as ``"good_morning"``
    or ``None`` (standing). ``presenter=True`` uses bigger lines and fonts for a projector.
    """
    return PoseExplorer(pose=pose, body=body, load_kg=load_kg, hold=hold, presenter=presenter)


def _label(pose: PoseLike, fallback: str) -> str:
    if isinstance(pose, str):
        for name, key in _preset_options():
            if key == pose:
                return name
        return pose
    return fallback


def _static_output(fig: go.Figure) -> dict[str, Any]:
    """A notebook display output that draws ``fig`` with plotly's mime renderer."""
    import json

    import plotly.io as pio

    spec = json.loads(pio.to_json(fig, validate=False))
    spec["config"] = {"displayModeBar": False, "responsive": False}
    return {
        "output_type": "display_data",
        "data": {"application/vnd.plotly.v1+json": spec, "text/plain": "<pose comparison figure>"},
        "metadata": {},
    }


class PoseComparison(widgets.VBox):
    """Two (or more) poses of the same body side by side, each with its readout.

    Attributes: ``figure`` (a static plotly figure, one panel per pose), ``readouts``,
    ``analyses``.
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
        body = body if body is not None else Body()
        if titles is None:
            titles = [_label(p, f"Pose {chr(65 + n)}") for n, p in enumerate(poses)]
        self.analyses = [analyze(to_pose(p), body, load_kg=load_kg, hold=hold) for p in poses]
        # Nothing here changes after display, so a plain (static) plotly figure is shown in
        # an Output widget: lighter than a FigureWidget and independent of widget updates.
        self.figure = drawing.compare_figure(
            self.analyses,
            [f"{t}: {a.pattern}" for t, a in zip(titles, self.analyses, strict=True)],
            presenter=presenter,
        )
        self.readouts, row = _readout_row(
            [drawing.readout_html(a, presenter) for a in self.analyses], presenter
        )
        out = widgets.Output()
        out.outputs = (_static_output(self.figure),)
        super().__init__([out, row])
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

    Attributes: ``figure`` (one panel per end pose; the faint ghost is the end pose),
    ``key``, ``readouts``, ``frames`` (the analyses, per panel), ``play`` and ``slider``.
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
        start = to_pose(pose_from)
        if pose_to is None:
            targets: list[PoseLike] = list(_default_targets()) or [Pose(hip=90, knee=20)]
        elif isinstance(pose_to, (str, Pose, Mapping)):
            targets = [pose_to]
        else:
            targets = list(pose_to)
        self.presenter = presenter
        # Every frame is analysed up front, so scrubbing only copies data.
        self.frames: list[list[Any]] = []
        for target in targets:
            end = to_pose(target)
            self.frames.append([
                analyze(interpolate(start, end, i / (frames - 1)), body,
                        load_kg=load_kg, hold=hold)
                for i in range(frames)
            ])
        self._data = [[drawing.trace_data(a, None, presenter) for a in seq] for seq in self.frames]
        self._html = [[drawing.readout_html(a, presenter) for a in seq] for seq in self.frames]

        titles = [f"to {_label(t, f'pose {n + 1}')}" for n, t in enumerate(targets)]
        self.figure = _panels_figure([seq[0] for seq in self.frames],
                                     [seq[-1] for seq in self.frames], titles, presenter)
        self.readouts, row = _readout_row([h[0] for h in self._html], presenter)

        self.play = widgets.Play(value=0, min=0, max=frames - 1, step=1, interval=interval_ms,
                                 description="Play")
        self.slider = widgets.IntSlider(value=0, min=0, max=frames - 1, description="Frame",
                                        continuous_update=True)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self._shown = 0
        self.slider.observe(self._on_frame, names="value")
        self.key = _key(presenter, self.figure.layout.width)
        super().__init__([widgets.HBox([self.play, self.slider]), self.figure, self.key, row])
        self.add_class("hinge-animation")

    def show_frame(self, i: int) -> None:
        """Draw frame ``i`` in every panel."""
        i = max(0, min(int(i), len(self.frames[0]) - 1))
        if i == self._shown:
            return
        # the ghost (the end pose) never changes
        fixed = (drawing.TRACE_INDEX["ghost"],)
        n = len(drawing.TRACE_NAMES)
        with self.figure.batch_update():
            for k, data in enumerate(self._data):
                _copy(self.figure, data[i], data[self._shown], fixed, offset=k * n)
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
    positions. The faint ghost in each panel is the end pose.
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
