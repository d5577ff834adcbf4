"""Limits that keep the class app serving a room: a burst, a misbehaving browser, a flood.

The class app (:mod:`hinge_lib.serving`) serves one kernel per student's page from the
instructor's laptop. This module holds the limits that keep it serving when the room is not
polite; ``serving`` calls them from a few marked hooks.

- **Places are counted when they are asked for.** A page is counted from the moment its request
  is admitted, not once its kernel has started, so a class arriving in the same second cannot
  start more kernels than ``--max-kernels`` (:class:`Seats`).
- **One browser, a few pages.** Each browser session (the class app's seat cookie; not the
  network address, which a hotspot shares with the whole room) holds at most
  `ClassLimits.kernels_per_seat` pages at once; a page asked for without the cookie is sent
  back once to pick it up, so a client that refuses cookies never gets a kernel.
- **An empty pool means a fresh kernel, not an error.** Requests claim warm kernels; when none
  is left, the page starts its own kernel (Voila's page shows while it runs) instead of
  failing with "pool is empty" (:meth:`Seats.claim_warm`).
- **No culling while a page loads.** A kernel given to a page is not culled while the page is
  being sent, nor until the browser has connected to it (at most
  `ClassLimits.connect_grace_s` after the page was sent) (:class:`PageLoads`).
- **Frames-ahead requests are rationed per browser**: `ClassLimits.wanted_per_s` a second with
  bursts of `ClassLimits.wanted_burst`, well above a hand taking hold of slider after slider
  (the kernel rations the work itself too, see :mod:`hinge_lib.widgets.frames_ahead`).
- **Half-sent requests time out** after `ClassLimits.header_timeout_s`, and open connections are
  bounded below the open-file limit (raised to the system's maximum at start): when the
  bound is reached, the connection that has waited longest without sending a request is
  closed to make room (:class:`GuardedHTTPServer`).
- **A repeated log line is written a few times a minute**, then counted, so one repeated error
  cannot fill the disk (:class:`RepeatFilter`).

This module is imported by the Jupyter server, not by notebooks.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from tornado import httputil
from tornado.httpserver import HTTPServer

try:
    import resource
except ImportError:  # Windows: no open-file limit to raise
    resource = None  # type: ignore[assignment]


@dataclass(frozen=True)
class ClassLimits:
    """The class app's limits (seconds, counts per browser session, messages per second)."""

    #: course pages one browser may hold at once (a student with a few tabs)
    kernels_per_seat: int = 4
    #: a request's headers must arrive within this time after the connection opens, or
    #: after the previous request on it
    header_timeout_s: float = 20.0
    #: a request's body (the login form) must arrive within this time
    body_timeout_s: float = 60.0
    #: open connections at most; 0: the open-file limit less room for kernels and files
    max_connections: int = 0
    #: frames-ahead requests per browser session: sustained rate and burst
    wanted_per_s: float = 4.0
    wanted_burst: int = 20
    #: a kernel given to a page is kept from the culler while the page is sent (at most
    #: this long) and then until the page connects to it (at most connect_grace_s)
    load_grace_s: float = 600.0
    connect_grace_s: float = 30.0
    #: the same log line (logger, level, text before its arguments) this often a minute
    log_repeats_per_minute: int = 10


class TokenBucket:
    """``rate`` tokens a second up to ``burst``; :meth:`take` spends one if there is one.

    Examples
    --------
    >>> bucket = TokenBucket(rate=1.0, burst=2, now=0.0)
    >>> [bucket.take(now=0.0) for _ in range(3)], bucket.take(now=1.0)
    ([True, True, False], True)
    """

    def __init__(self, rate: float, burst: float, now: float | None = None) -> None:
        self.rate = float(rate)
        self.burst = float(burst)
        self.tokens = float(burst)
        self.at = time.monotonic() if now is None else now

    def take(self, amount: float = 1.0, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= amount:
            self.tokens -= amount
            return True
        return False


class Seats:
    """Places in the class, counted at request time (see the module documentation).

    A place is ``"seat\\nnotebook"``: one browser's page of one notebook. ``running`` places
    are those with a kernel (``serving`` keeps them); ``pending`` ones were admitted and are
    being served.

    Examples
    --------
    >>> seats = Seats(max_kernels=2, per_seat=1)
    >>> seats.admit("a\\n10.ipynb", running=set()), seats.admit("b\\n10.ipynb", running=set())
    (None, None)
    >>> seats.admit("c\\n10.ipynb", running=set())
    'full'
    >>> seats.done("b\\n10.ipynb"); seats.admit("a\\n11.ipynb", running={"a\\n10.ipynb"})
    'seat'
    """

    def __init__(self, max_kernels: int, per_seat: int) -> None:
        self.max_kernels = int(max_kernels)
        self.per_seat = int(per_seat)
        self.pending: collections.Counter[str] = collections.Counter()
        self._claims: collections.Counter[str] = collections.Counter()

    def admit(self, place: str, running: set[str]) -> str | None:
        """None if ``place`` may be served now (it is then pending until :meth:`done`);
        ``"full"`` if the class is full, ``"seat"`` if this browser holds its most pages."""
        taken = set(running) | {p for p, n in self.pending.items() if n > 0}
        taken.discard(place)
        if len(taken) >= self.max_kernels:
            return "full"
        seat = place.split("\n", 1)[0] + "\n"
        if sum(p.startswith(seat) for p in taken) >= self.per_seat:
            return "seat"
        self.pending[place] += 1
        return None

    def done(self, place: str) -> None:
        """The request for ``place`` has ended (its kernel, if any, is now running)."""
        self.pending[place] -= 1
        if self.pending[place] <= 0:
            del self.pending[place]

    def claim_warm(self, notebook: str, pool_size: int) -> bool:
        """Claim one of the ``pool_size`` warm kernels of ``notebook``; False if every one is
        already claimed by a request still waiting for it (the page then starts its own)."""
        if self._claims[notebook] >= pool_size:
            return False
        self._claims[notebook] += 1
        return True

    def release_warm(self, notebook: str) -> None:
        """A claimed warm kernel was taken (or the request ended without taking it)."""
        self._claims[notebook] = max(0, self._claims[notebook] - 1)


class PageLoads:
    """Kernels given to pages that have not yet connected to them (kept from the culler).

    A kernel is *loading* while its page is being sent (at most ``sending_s``) and then for
    ``connect_s`` more, the time a browser has to open the page's connection to it.
    """

    def __init__(self, sending_s: float, connect_s: float) -> None:
        self.sending_s = float(sending_s)
        self.connect_s = float(connect_s)
        self._since: dict[str, tuple[float, bool]] = {}  # id -> (since, page sent)

    def handed_out(self, kernel_id: str) -> None:
        self._since[kernel_id] = (time.monotonic(), False)

    def page_sent(self, kernel_id: str) -> None:
        if kernel_id in self._since:
            self._since[kernel_id] = (time.monotonic(), True)

    def connected(self, kernel_id: str) -> None:
        self._since.pop(kernel_id, None)

    def loading(self, kernel_id: str) -> bool:
        """True while the kernel's page is being sent or has not yet connected."""
        entry = self._since.get(kernel_id)
        if entry is None:
            return False
        since, sent = entry
        if time.monotonic() - since > (self.connect_s if sent else self.sending_s):
            del self._since[kernel_id]
            return False
        return True


class SeatMeters:
    """One :class:`TokenBucket` per browser session, the least recently used forgotten first."""

    def __init__(self, rate: float, burst: float, keep: int = 5000) -> None:
        self.rate, self.burst, self.keep = rate, burst, keep
        self._buckets: collections.OrderedDict[str, TokenBucket] = collections.OrderedDict()

    def allow(self, seat: str) -> bool:
        bucket = self._buckets.pop(seat, None) or TokenBucket(self.rate, self.burst)
        self._buckets[seat] = bucket
        while len(self._buckets) > self.keep:
            self._buckets.popitem(last=False)
        return bucket.take()


#: What a frames-ahead request looks like inside a kernel websocket message (the live
#: figure's ``{"kind": "wanted", ...}``, as browsers write JSON: without spaces).
WANTED_MARK = '"kind":"wanted"'


class ClassGuard:
    """The limits of one running class app: its seats, page loads and message meters."""

    def __init__(self, limits: ClassLimits, max_kernels: int) -> None:
        self.limits = limits
        self.seats = Seats(max_kernels, limits.kernels_per_seat)
        self.loads = PageLoads(limits.load_grace_s, limits.connect_grace_s)
        self.wanted = SeatMeters(limits.wanted_per_s, limits.wanted_burst)
        self.dropped_wanted = 0

    def allow_message(self, seat: str | None, message: str | bytes) -> bool:
        """False for a frames-ahead request over its browser session's ration (dropped: the
        page still works, its figure waits for the kernel as without frames ahead)."""
        text = message if isinstance(message, str) else message[:4096].decode("utf-8", "replace")
        if WANTED_MARK not in text.replace(" ", ""):
            return True
        if self.wanted.allow(seat or "no seat"):
            return True
        self.dropped_wanted += 1
        return False


# ---------------------------------------------------------------- connections


def raise_open_file_limit(wanted: int = 65536) -> int:
    """Raise this process's soft open-file limit towards ``wanted`` (never above the hard
    limit); return the soft limit in force. A desktop's usual 1,024 is reached by ~1,000
    idle connections."""
    if resource is None:
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def connection_bound(limits: ClassLimits, open_files: int, max_kernels: int) -> int:
    """Open connections allowed: ``limits.max_connections`` or the open-file limit less the
    files each kernel holds in the server (about 8) and 100 for the app's own.

    >>> connection_bound(ClassLimits(), 1024, 40)
    604
    """
    if limits.max_connections:
        return limits.max_connections
    return max(64, open_files - 100 - 8 * max_kernels)


class _Watched(httputil.HTTPMessageDelegate):
    """Passes a request on, noting when its headers have arrived."""

    def __init__(self, inner: httputil.HTTPMessageDelegate, on_headers: Any) -> None:
        self.inner = inner
        self.on_headers = on_headers

    def headers_received(self, start_line, headers):  # type: ignore[no-untyped-def]
        self.on_headers()
        return self.inner.headers_received(start_line, headers)

    def data_received(self, chunk):  # type: ignore[no-untyped-def]
        return self.inner.data_received(chunk)

    def finish(self) -> None:
        self.inner.finish()

    def on_connection_close(self) -> None:
        self.inner.on_connection_close()


class GuardedHTTPServer(HTTPServer):
    """Tornado's HTTP server with a bound on open connections (see the module documentation).

    A connection is *waiting* from when it opens, or its previous request ends, until the
    headers of a request have arrived; websockets, once open, never wait again. When
    ``max_connections`` are open, the connection that has been waiting longest is closed to
    make room; when none is waiting, the new one is closed.
    """

    def initialize(self, *args: Any, max_connections: int = 1000,  # type: ignore[override]
                   **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections
        self.evicted = 0
        self.refused = 0
        # waiting for a request's headers, the longest-waiting first; and the rest (a
        # request being served, or a websocket). Closed ones are swept out once a second,
        # so a flood of connections costs a constant time each.
        self._waiting: collections.OrderedDict[Any, float] = collections.OrderedDict()
        self._talking: set[Any] = set()
        self._swept_at = 0.0

    def open_connections(self) -> int:
        """Connections open (those closed in the last second may still be counted)."""
        now = time.monotonic()
        if now - self._swept_at > 1.0:
            self._swept_at = now
            for stream in [s for s in self._waiting if s.closed()]:
                del self._waiting[stream]
            self._talking = {s for s in self._talking if not s.closed()}
        return len(self._waiting) + len(self._talking)

    def handle_stream(self, stream: Any, address: tuple) -> None:
        if self.open_connections() >= self.max_connections:
            oldest = None
            while self._waiting and oldest is None:
                candidate, _ = self._waiting.popitem(last=False)
                oldest = None if candidate.closed() else candidate
            log = logging.getLogger("tornado.general")
            if oldest is None:
                self.refused += 1
                log.warning("class app: %d connections open, none idle; a new one was closed",
                            self.max_connections)
                stream.close()
                return
            self.evicted += 1
            log.warning("class app: %d connections open; closed one that sent no request",
                        self.max_connections)
            oldest.close()
        self._waiting[stream] = time.monotonic()
        super().handle_stream(stream, address)

    def start_request(self, server_conn: object, request_conn: Any) -> Any:
        stream = getattr(server_conn, "stream", None)
        delegate = super().start_request(server_conn, request_conn)
        if stream is None:
            return delegate
        self._talking.discard(stream)  # waiting for this request's headers
        self._waiting[stream] = time.monotonic()
        self._waiting.move_to_end(stream)

        def spoke() -> None:
            if self._waiting.pop(stream, None) is not None:
                self._talking.add(stream)

        return _Watched(delegate, spoke)


def guarded_listen(app: Any, limits: ClassLimits, max_connections: int) -> Any:
    """A replacement for ``tornado.web.Application.listen`` that serves with
    :class:`GuardedHTTPServer`, the header and body timeouts of ``limits``."""

    def listen(port: int, address: str = "", **kwargs: Any) -> GuardedHTTPServer:
        server = GuardedHTTPServer(app, max_connections=max_connections,
                                   idle_connection_timeout=limits.header_timeout_s,
                                   body_timeout=limits.body_timeout_s, **kwargs)
        server.listen(port, address)
        app.hinge_server = server
        return server

    return listen


# ---------------------------------------------------------------- the log


class RepeatFilter(logging.Filter):
    """Lets the same log line through ``per_minute`` times a minute, then counts it.

    "The same line" is the logger, the level and the message before its arguments are put
    in (and the exception's type): a flood of one error with different details is one line.
    The first line let through in a new minute says how many were held back.

    Examples
    --------
    >>> f = RepeatFilter(per_minute=2)
    >>> rec = lambda: logging.LogRecord("x", logging.ERROR, "", 0, "boom %s", (1,), None)
    >>> [f.filter(rec()) for _ in range(4)]
    [True, True, False, False]
    """

    def __init__(self, per_minute: int) -> None:
        super().__init__()
        self.per_minute = per_minute
        self._seen: collections.OrderedDict[tuple, list] = collections.OrderedDict()

    def filter(self, record: logging.LogRecord) -> bool:
        verdict = getattr(record, "hinge_repeat", None)  # met on its logger, then a handler
        if verdict is None:
            verdict = self._first_look(record)
            record.hinge_repeat = verdict
        return verdict

    def _first_look(self, record: logging.LogRecord) -> bool:
        kind = type(record.exc_info[1]).__name__ if record.exc_info else ""
        key = (record.name, record.levelno, str(record.msg)[:200], kind)
        now = time.monotonic()
        entry = self._seen.get(key)
        if entry is None or now - entry[0] >= 60.0:
            held = entry[2] if entry else 0
            self._seen[key] = [now, 1, 0]
            self._seen.move_to_end(key)
            while len(self._seen) > 1000:
                self._seen.popitem(last=False)
            if held:
                record.msg = f"{record.msg} [and {held} more like this in the last minute]"
            return True
        entry[1] += 1
        if entry[1] <= self.per_minute:
            return True
        entry[2] += 1
        return False


#: Loggers whose lines a flood could repeat (their records are filtered where they start).
FLOOD_LOGGERS = ("tornado.access", "tornado.application", "tornado.general", "asyncio",
                 "traitlets")


def guard_the_log(app_log: logging.Logger, per_minute: int) -> RepeatFilter:
    """Put one :class:`RepeatFilter` on the app's log, its handlers and the loggers a flood
    would use."""
    repeat = RepeatFilter(per_minute)
    loggers = [app_log, *(logging.getLogger(name) for name in FLOOD_LOGGERS),
               logging.getLogger()]
    for logger in loggers:
        logger.addFilter(repeat)
        for handler in logger.handlers:
            handler.addFilter(repeat)
    return repeat
