"""Frames sent ahead: the live figure redraws at the browser's pace while a slider moves.

A slider's value goes to the kernel and the redrawn figure comes back, one message in
flight at a time; on a busy or distant server that round trip, not the drawing, sets how
often the figure can change during a drag. So while the kernel is idle it works out, for
the slider being used, the frame the figure would show at every other value of that
slider (the other controls as they are), nearest values first, and sends them to the
browser in small batches (:meth:`~hinge_lib.widgets.live_figure.LiveFigure.send_ahead`).
The browser then redraws from those frames the moment the slider moves and still draws
every frame the kernel sends for the value it ends on.

The frames are made by the same function as the kernel's own (the widget passes it in),
so a frame drawn ahead is the frame the kernel would have sent. Frames are kept for one
*context* (everything but the sliders, e.g. load, hold, body) and one set of other slider
values; a change to either starts again.

The work is rationed per figure: bursts of `AHEAD_BURST_FRAMES` frames (more than the whole
ranges of the explorer's six joint sliders together, so a hand may take hold of one slider
after another at once), then
`AHEAD_FRAMES_PER_S` a second. A page that asks again and again (a misbehaving or scripted
client) thus costs its kernel a small share of a core; the figure still answers every slider
move from the kernel's own update.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from hinge_lib.widgets.live_figure import LiveFigure

#: Work done in one go before the kernel looks for slider messages again (seconds).
BATCH_BUDGET_S = 0.006
#: Wait after an update before working ahead, so a drag's own updates come first (seconds).
START_DELAY_S = 0.01
#: Frames worked out ahead in one burst, and afterwards per second, per figure.
AHEAD_BURST_FRAMES = 1000
AHEAD_FRAMES_PER_S = 15.0

FrameMaker = Callable[[Mapping[str, int]], "dict[str, Any] | None"]
#: (slider, context, the other sliders' values): what a set of frames sent ahead is for
Job = tuple[str, str, tuple[tuple[str, int], ...]]


def nearest_first(value: int, lo: int, hi: int) -> Iterator[int]:
    """The whole numbers from ``lo`` to ``hi`` other than ``value``, nearest first
    (one above, one below, two above, ...).

    >>> list(nearest_first(3, 0, 5))
    [4, 2, 5, 1, 0]
    """
    for step in range(1, max(hi - value, value - lo) + 1):
        if value + step <= hi:
            yield value + step
        if value - step >= lo:
            yield value - step


class FramesAhead:
    """Works out and sends the frames of one slider's other values while the kernel is idle.

    Parameters
    ----------
    figure : LiveFigure
        Where the frames go (it must :meth:`~LiveFigure.follow` the sliders).
    ranges : mapping
        Slider name -> (lowest, highest) whole value.
    make_frame : callable
        Slider values (name -> int) -> the figure's frame at those values, with the current
        context, or ``None`` when there is nothing to draw (the kernel will say why).
    """

    def __init__(self, figure: LiveFigure, ranges: Mapping[str, tuple[int, int]],
                 make_frame: FrameMaker) -> None:
        self.figure = figure
        self.ranges = {name: (int(lo), int(hi)) for name, (lo, hi) in ranges.items()}
        self.make_frame = make_frame
        self._job: Job | None = None
        self._todo: Iterator[int] = iter(())
        # per slider, the job last worked on and the values already sent for it (the
        # browser keeps one set of frames per slider, replaced when the job changes)
        self._sent: dict[str, tuple[Job, set[int]]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.sent = 0  # frames sent ahead in all (for tests and benchmarks)
        self.made = 0  # frames worked out ahead in all
        self._ration = float(AHEAD_BURST_FRAMES)
        self._ration_at = time.monotonic()

    def start(self, context: str, values: Mapping[str, int], slider: str) -> None:
        """Work ahead for ``slider`` around ``values`` under ``context``: keeps the work
        already done when nothing but that slider has moved, and does not send a value
        twice for the same job. Does nothing outside a running event loop (plain Python
        has no browser to send to)."""
        if slider not in self.ranges:
            return
        others = tuple(sorted((k, int(v)) for k, v in values.items() if k != slider))
        job = (slider, context, others)
        if job == self._job:
            return  # the same slider moving: the frames sent still hold
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.stop()
        self._job = job
        self._values = {k: int(v) for k, v in values.items()}
        known = self._sent.get(slider)
        if known is None or known[0] != job:
            known = (job, set())
            self._sent[slider] = known
        done = known[1]
        self._todo = (v for v in nearest_first(int(values[slider]), *self.ranges[slider])
                      if v not in done)
        self._timer = loop.call_later(START_DELAY_S, self._batch)

    @property
    def busy(self) -> bool:
        """True while frames are still being worked out."""
        return self._timer is not None

    def stop(self) -> None:
        """Stop the current work (what was sent is remembered)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._job = None
        self._todo = iter(())

    def forget(self) -> None:
        """Stop, and forget what was sent: a new view of the figure has none of it."""
        self.stop()
        self._sent.clear()

    def frames_for(self, values: Mapping[str, int], slider: str, wanted: list[int]
                   ) -> dict[int, dict[str, Any]]:
        """The frames of ``slider`` at each value in ``wanted`` (the others as in
        ``values``), as they would be sent ahead; values with nothing to draw are left out."""
        frames = {}
        for v in wanted:
            frame = self.make_frame({**values, slider: int(v)})
            if frame is not None:
                frames[int(v)] = frame
        return frames

    def _batch(self) -> None:
        """One batch: frames until the time budget is spent, sent as one message."""
        self._timer = None
        if self._job is None:
            return
        slider, context, others = self._job
        started = time.perf_counter()
        frames: dict[int, dict[str, Any]] = {}
        finished = True
        wait = 0.0
        for v in self._todo:
            if self._rationed() < 1.0:  # this figure's share is spent: go on later
                self._todo = itertools.chain([v], self._todo)
                finished = False
                wait = (1.0 - self._ration) / AHEAD_FRAMES_PER_S
                break
            self._ration -= 1.0
            self.made += 1
            frame = self.make_frame({**self._values, slider: v})
            if frame is not None:
                frames[v] = frame
            if time.perf_counter() - started > BATCH_BUDGET_S:
                finished = False
                break
        if frames:
            self.figure.send_ahead(slider, context, dict(others), frames)
            self._sent[slider][1].update(frames)
            self.sent += len(frames)
        if not finished:
            self._timer = asyncio.get_running_loop().call_later(wait, self._batch)

    def _rationed(self) -> float:
        """Frames this figure may still work out now (see the module documentation)."""
        now = time.monotonic()
        self._ration = min(float(AHEAD_BURST_FRAMES),
                           self._ration + (now - self._ration_at) * AHEAD_FRAMES_PER_S)
        self._ration_at = now
        return self._ration
