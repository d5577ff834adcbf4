"""What a classmate's device does on the wire, for the class app's tests.

A student's device is another machine on the room's network. On one test machine it is
imitated by connecting from the loopback address 127.0.0.2: the class app sees a client that
is not the instructor's own machine (127.0.0.1), as it would see a phone. `opener` makes
HTTP requests from such an address; `KernelSocket` speaks the kernel websocket (widget comm
messages, as the page's widget manager does) from it.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import http.cookiejar
import json
import time
import urllib.request
import uuid
from typing import Any

#: The address classmates' devices are imitated from (any 127.x address but 127.0.0.1).
STUDENT_ADDRESS = "127.0.0.2"
#: The instructor's own machine.
INSTRUCTOR_ADDRESS = "127.0.0.1"


class _FromAddress(urllib.request.HTTPHandler):
    """Open every HTTP connection from one local source address."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req):
        connection = functools.partial(http.client.HTTPConnection,
                                       source_address=(self.source, 0))
        return self.do_open(connection, req)


def opener(source: str = STUDENT_ADDRESS,
           jar: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    """A urllib opener with its own cookies whose requests come from ``source``."""
    return urllib.request.build_opener(
        _FromAddress(source), urllib.request.HTTPCookieProcessor(
            jar if jar is not None else http.cookiejar.CookieJar()))


def message(msg_type: str, content: dict, channel: str = "shell") -> str:
    """A kernel message as a page sends it over the websocket (JSON protocol)."""
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "test",
              "username": "student", "date": "2026-01-01T00:00:00Z", "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": {},
                       "content": content, "channel": channel, "buffers": []})


class KernelSocket:
    """A page's kernel websocket, opened from a student's address (tornado, async)."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.seen: list[dict] = []
        self._waits: set[str] = set()  # ids of settle()'s own requests

    @classmethod
    async def open(cls, base: str, kernel_id: str, code: str,
                   source: str = STUDENT_ADDRESS, cookie: str | None = None) -> KernelSocket:
        from tornado import httpclient, websocket

        url = base.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?token={code}"
        headers = {"Cookie": cookie} if cookie else {}
        request = httpclient.HTTPRequest(url, network_interface=source, headers=headers)
        return cls(await websocket.websocket_connect(request, compression_options={}))

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> None:
        self.conn.write_message(message(msg_type, content, channel))

    async def read_for(self, seconds: float, until=None) -> list[dict]:
        """Messages arriving within ``seconds`` (or until ``until(msg)`` is true)."""
        import asyncio

        got: list[dict] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                raw = await asyncio.wait_for(self.conn.read_message(), left)
            except asyncio.TimeoutError:
                break
            if raw is None:
                break
            msg = _decode(raw)
            got.append(msg)
            self.seen.append(msg)
            if until is not None and until(msg):
                break
        return got

    async def settle(self, timeout: float = 120, after: float = 0.5) -> list[dict]:
        """Wait until the kernel has handled every message sent so far; return what arrived
        meanwhile (but the answers to the waiting itself).

        The kernel handles a socket's shell messages one at a time, in order, and announces
        on iopub when each is done ("idle", in order with that message's own output). So
        once the idle of a request sent now arrives, every earlier update and click has run
        and its output is in. Timers those handlers started (the figure's trailing redraw,
        the catalogue read, at most 0.3 s) get ``after`` seconds, then a second round trip.
        """
        got = await self._round_trip(timeout)
        if after > 0:
            got += await self.read_for(after)
            got += await self._round_trip(timeout)
        # an answer to the waiting itself (its reply on the shell channel may come after
        # its idle on iopub, so during a later read) is not what the earlier messages caused
        return [m for m in got if m["parent_header"].get("msg_id") not in self._waits]

    async def _round_trip(self, timeout: float) -> list[dict]:
        request = message("kernel_info_request", {})
        msg_id = json.loads(request)["header"]["msg_id"]
        self._waits.add(msg_id)
        self.conn.write_message(request)

        def done(m: dict) -> bool:
            return (m["header"]["msg_type"] == "status"
                    and m["parent_header"].get("msg_id") == msg_id
                    and m["content"].get("execution_state") == "idle")

        got = await self.read_for(timeout, done)
        if not got or not done(got[-1]):
            raise AssertionError(f"the kernel did not finish its messages in {timeout:.0f} s")
        return got

    async def widgets(self) -> dict[str, dict]:
        """Every widget model the kernel holds: comm id -> its state (as pages ask for it)."""
        self.send("comm_info_request", {"target_name": "jupyter.widget"})
        replies = await self.read_for(
            30, lambda m: m["header"]["msg_type"] == "comm_info_reply")
        comms = replies[-1]["content"]["comms"] if replies else {}
        states: dict[str, dict] = {}
        for comm_id in comms:
            self.comm(comm_id, {"method": "request_state"})
        await self.read_for(
            60, lambda m: (_state_of(m, states), len(states) >= len(comms))[1])
        return states

    def comm(self, comm_id: str, data: dict) -> None:
        self.send("comm_msg", {"comm_id": comm_id, "data": data})

    def update(self, comm_id: str, state: dict) -> None:
        """Set traits of a widget, as a page does when a control changes."""
        self.comm(comm_id, {"method": "update", "state": state, "buffer_paths": []})

    def click(self, comm_id: str) -> None:
        self.comm(comm_id, {"method": "custom", "content": {"event": "click"}})

    def close(self) -> None:
        self.conn.close()


def _state_of(msg: dict, states: dict[str, dict]) -> None:
    if msg["header"]["msg_type"] == "comm_msg":
        data = msg["content"].get("data", {})
        if data.get("method") == "update" and "_model_name" in data.get("state", {}):
            states[msg["content"]["comm_id"]] = data["state"]


def _decode(raw: Any) -> dict:
    if isinstance(raw, str):
        return json.loads(raw)
    # binary frames: offsets, then JSON parts (msg, then buffers)
    count = int.from_bytes(raw[:4], "big")
    offsets = [int.from_bytes(raw[4 * (i + 1): 4 * (i + 2)], "big") for i in range(count)]
    return json.loads(raw[offsets[0]: offsets[1]] if count > 1 else raw[offsets[0]:])


class RoomNetwork:
    """A TCP relay that makes a browser on this machine look like a student's device.

    Chromium cannot choose its source address; pointed at ``url(...)`` of this relay, its
    connections reach the class app from `STUDENT_ADDRESS`. Stop it with `close`.
    """

    def __init__(self, target_port: int, source: str = STUDENT_ADDRESS) -> None:
        import socket
        import threading

        self.target = ("127.0.0.1", target_port)
        self.source = source
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, app_url: str) -> str:
        """``app_url`` (on 127.0.0.1) as a student reaches it through this relay."""
        return app_url.replace(f":{self.target[1]}/", f":{self.port}/", 1)

    def _accept(self) -> None:
        import socket
        import threading

        while self.open:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target, source_address=(self.source, 0))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst) -> None:
        import socket

        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.open = False
        self.listener.close()
