"""Getting a room into the class app: the join page, the start-up message and the check.

- :func:`join_page_html`: the page the instructor puts on the projector: a QR code of the
  students' address (with the access code), the short address and the access code in large
  type, and a line that turns green once another device has reached the laptop. It is an
  instructor page: the class app serves it only to requests from its own machine
  (:func:`is_local_request`), at ``/join``.
- :class:`DeviceLog`: the addresses of the other devices that have reached the app (the
  join page shows how many; this is the room's network test, done with one phone).
- :func:`announcement`: what ``app --class`` prints: the students' address on a line of
  its own, the short address and code, and the join page; :func:`quiet_startup` hides the
  server's own start-up lines (a second ``http://...?token=`` address, notes about
  connection files and encryption) that an instructor does not need.
- :func:`run_check` (``python3 tasks.py app --check``): a small web server on the room's
  network that waits for one phone to open the address it prints (as a QR code too) and
  says whether the laptop can be reached, before the class.

This module is imported by the class app's server, not by notebooks.
"""

from __future__ import annotations

import contextlib
import html
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

import segno

from hinge_lib.class_roles import is_instructor_address as is_local_address
from hinge_lib.class_roles import is_instructor_machine

#: Path of the join page under the app's base URL, and of its status (JSON).
JOIN_PATH = "join"
JOIN_STATUS_PATH = "hinge/api/join"


def is_local_request(handler: Any) -> bool:
    """Did this tornado request come from the app's own machine? The instructor's check of
    :mod:`hinge_lib.class_roles`: the connection's own loopback address, never a header."""
    return is_instructor_machine(handler.request)


class DeviceLog:
    """The addresses of devices other than this machine that have sent the app a request."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def saw(self, address: str | None) -> None:
        """Note a request from ``address`` (loopback addresses are this machine: ignored)."""
        if address and not is_local_address(address):
            with self._lock:
                self._seen.setdefault(address, time.time())

    def count(self) -> int:
        with self._lock:
            return len(self._seen)

    def status(self) -> dict[str, Any]:
        """``{"devices": n}``: how many other devices have reached the app so far."""
        return {"devices": self.count()}


def counting_log(log_function: Callable[[Any], None], devices: DeviceLog
                 ) -> Callable[[Any], None]:
    """A tornado ``log_function`` that also notes the address of every request."""

    def log(handler: Any) -> None:
        devices.saw(getattr(handler.request, "remote_ip", None))
        log_function(handler)

    return log


def short_address(host: str, port: int, base_url: str = "/") -> str:
    """The address without the access code, as typed on a phone: ``http://HOST:PORT/``."""
    return f"http://{host}:{port}{base_url}"


def student_address(host: str, port: int, base_url: str, token: str | None) -> str:
    """The address with the access code: opening it logs the student in."""
    url = short_address(host, port, base_url)
    return f"{url}?token={token}" if token else url


def qr_svg(text: str, scale: int = 8) -> str:
    """A QR code of ``text`` as an inline SVG element (error correction M: a code shown on
    a projector still reads with part of it washed out), with a text alternative."""
    code = segno.make(text, error="m", micro=False)
    # a viewBox and no fixed size: the page's CSS gives the code its size on the screen
    svg = code.svg_inline(scale=scale, border=4, dark="#000", light="#fff", omitsize=True,
                          title=f"QR code of {text}")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code of the class address" ', 1)


def join_page_html(url: str, short: str, code: str | None, status_url: str) -> str:
    """The join page (self-contained: no file or font from elsewhere)."""
    code_line = (f'<p class="code">Access code <strong>{html.escape(code)}</strong></p>'
                 if code else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Join the class · Hip Hinge Coach</title>
<style>
html, body {{margin: 0; height: 100%; font-family: system-ui, sans-serif; color: #1d2733;}}
main {{display: flex; gap: 4vw; align-items: center; justify-content: center;
      min-height: 100%; padding: 2vh 3vw; box-sizing: border-box; flex-wrap: wrap;}}
.qr {{flex: 0 0 auto;}}
.qr svg {{width: min(62vh, 42vw); height: auto; display: block;}}
.words {{flex: 1 1 0; min-width: 16em; max-width: 52vw;}}
h1 {{font-size: clamp(24px, 4.4vh, 52px); margin: 0 0 .4em 0;}}
.address {{font: 700 max(20px, min(5.6vh, 3.1vw))/1.15 ui-monospace, monospace;
          overflow-wrap: anywhere;}}
.code {{font-size: clamp(20px, 4vh, 48px); margin: .5em 0;}}
.code strong {{font-family: ui-monospace, monospace; letter-spacing: .05em;}}
.steps {{font-size: clamp(16px, 2.6vh, 30px); line-height: 1.4;}}
#reach {{font-size: clamp(16px, 2.4vh, 28px); border-left: 6px solid #999;
        padding: .3em .7em; margin-top: 1em;}}
#reach.ok {{border-color: #00704F; color: #00704F;}}
</style></head>
<body><main>
<div class="qr">{qr_svg(url)}</div>
<div class="words">
<h1>Join the class</h1>
<p class="steps">Scan the code with your phone's camera, or type this address:</p>
<p class="address">{html.escape(short)}</p>
{code_line}
<p id="reach" role="status" aria-live="polite">No other device has reached this laptop yet.
Scan the code with one phone to check that the room's network lets phones through.</p>
</div>
</main>
<script>
(function () {{
  var reach = document.getElementById('reach');
  function check() {{
    fetch({json.dumps(status_url)}, {{cache: 'no-store'}}).then(function (r) {{
      return r.json();
    }}).then(function (s) {{
      if (s.devices > 0) {{
        reach.className = 'ok';
        reach.textContent = '\\u2714 ' + s.devices + (s.devices === 1 ? ' device has' :
          ' devices have') + ' reached this laptop: the room\\u2019s network lets phones in.';
      }}
    }}).catch(function () {{}}).then(function () {{ setTimeout(check, 3000); }});
  }}
  check();
}})();
</script>
</body></html>
"""


def announcement(host: str, port: int, base_url: str, token: str | None, *,
                 max_kernels: int) -> str:
    """What the class app prints when it is ready: only what the instructor needs."""
    url = student_address(host, port, base_url, token)
    local = short_address("127.0.0.1", port, base_url)
    lines = [
        "",
        "The class app is running. Students open this address "
        "(the access code is the part after token=):",
        url,
        "",
        # the code is printed once only (above), never again nor in the log
        f"  or type {short_address(host, port, base_url)}"
        + (" and then the access code (the part after token=)" if token else ""),
        f"  On the projector, a QR code and the short address: {local}{JOIN_PATH}",
        "  (open it on this laptop; it also shows when the first phone has got through)",
        f"  At most {max_kernels} students' pages at once.   Ctrl-C stops the app.",
        "",
    ]
    return "\n".join(lines)


#: Start-up lines of the server that an instructor does not need (matched at the start of
#: the message): its own address line, where it keeps files, and notes about encryption.
QUIET_PREFIXES = ("Voilà is running at", "Voila is running at", "Using ", "Storing connection",
                  "Serving static files", "Serving notebooks from", "http://", "https://")
QUIET_WORDS = ("not using encryption", "not using authentication", "listening on all IP")


def _startup_noise(message: str) -> bool:
    text = message.strip()
    return text.startswith(QUIET_PREFIXES) or any(w in text for w in QUIET_WORDS)


def quiet_startup(logger: Any) -> None:
    """Hide the server's start-up lines listed in :data:`QUIET_PREFIXES` and
    :data:`QUIET_WORDS` from ``logger`` (a ``logging.Logger``); everything else (culled
    kernels, errors) is still logged."""
    import logging

    class StartupNoise(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            try:
                return not _startup_noise(record.getMessage())
            except Exception:  # noqa: BLE001 - a record that cannot be formatted is kept
                return True

    noise = StartupNoise()
    logger.addFilter(noise)
    for handler in getattr(logger, "handlers", []):
        handler.addFilter(noise)


# ---------------------------------------------------------------- app --check

CHECK_PAGE = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
              "<meta name='viewport' content='width=device-width, initial-scale=1'>"
              "<title>Hip Hinge Coach: network check</title></head>"
              "<body style='font:20px/1.5 system-ui,sans-serif;margin:2em'>"
              "<h1>It works</h1><p>This phone reached the instructor's laptop: the room's "
              "network lets students in. You can close this page.</p></body></html>")


def own_addresses() -> set[str]:
    """This machine's addresses as far as it can tell (loopback, its name's, its route's)."""
    from hinge_lib.class_app import lan_address

    found = {"127.0.0.1", "::1", lan_address()}
    with contextlib.suppress(OSError):
        found.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None))
    return found


def run_check(*, ip: str = "0.0.0.0", port: int = 8866, wait_s: float = 300.0,
              out: TextIO | None = None, own: Iterable[str] | None = None,
              ready: Callable[[str], None] | None = None) -> bool:
    """Serve a one-line page on the room's network and wait up to ``wait_s`` seconds for a
    device other than this one to open it. Prints the address (with a QR code) and the
    verdict to ``out``; returns True if another device got through.

    ``own``: the addresses that count as this machine (default :func:`own_addresses`);
    ``ready(url)`` is called once the server listens (for tests)."""
    import sys

    out = out or sys.stdout
    mine = set(own) if own is not None else own_addresses()

    def is_other(client: str) -> bool:
        # with ``own`` given, exactly those addresses are this machine (tests use 127.0.0.2)
        return client not in mine and (own is not None or not is_local_address(client))
    from hinge_lib.class_app import lan_address

    host = ip if ip not in ("", "0.0.0.0", "::") else lan_address()
    reached: list[str] = []
    got = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            # the request arriving is the proof: counted before the answer, which a device
            # may stop reading half-way
            client = self.client_address[0]
            if is_other(client):
                reached.append(client)
                got.set()
            body = CHECK_PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    try:
        server = ThreadingHTTPServer((ip, port), Handler)
    except OSError as err:
        print(f"The check cannot listen on {ip}:{port} ({err.strerror or err}). Is the class "
              "app already running? Stop it, or pass another --port.", file=out)
        return False
    url = f"http://{host}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        if host.startswith("127."):
            print("This laptop has no address on a network (is Wi-Fi on, or the hotspot "
                  "started?). Only this laptop can reach it.", file=out)
        print("Network check: open this address on one phone on the room's Wi-Fi "
              "(or scan the code):", file=out)
        print(url, file=out)
        segno.make(url, error="m").terminal(out=out, compact=True)
        print(f"Waiting up to {wait_s:.0f} s. Ctrl-C stops.", file=out, flush=True)
        if ready is not None:
            ready(url)
        if got.wait(wait_s):
            print(f"OK: a device at {reached[0]} reached this laptop. Students can use "
                  f"`python3 tasks.py app --class --ip 0.0.0.0` on this network.",
                  file=out, flush=True)
            return True
        print("No device reached this laptop. The room's network probably keeps devices "
              "apart (client isolation), or this laptop's firewall blocks the port. Make the "
              "laptop a Wi-Fi hotspot and have the students join it (README: 'When the room "
              "blocks it: a laptop hotspot'), or use the institution's JupyterHub.",
              file=out, flush=True)
        return False
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- the app's handlers

INSTRUCTOR_ONLY = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                   "<title>For the instructor's laptop</title></head><body>"
                   "<p>This page is shown only on the laptop that runs the class app.</p>"
                   "</body></html>")


def join_handlers(base_url: str, app: Any) -> list[tuple[str, type]]:
    """Tornado routes of the join page and its status, for the class app ``app`` (which has
    ``ip``, ``port``, ``base_url``, ``token``, ``devices`` (a :class:`DeviceLog`)).
    Both answer only requests from this machine (403 otherwise)."""
    from jupyter_server.auth.decorator import allow_unauthenticated
    from jupyter_server.base.handlers import JupyterHandler

    from hinge_lib.class_app import lan_address

    class InstructorOnly(JupyterHandler):
        def refuse(self) -> bool:
            if is_local_request(self):
                return False
            self.set_status(403)
            self.finish(INSTRUCTOR_ONLY)
            return True

    class JoinHandler(InstructorOnly):
        @allow_unauthenticated
        def get(self) -> None:
            if self.refuse():
                return
            host = app.ip if app.ip not in ("", "0.0.0.0", "::") else lan_address()
            url = student_address(host, app.port, app.base_url, app.token)
            short = short_address(host, app.port, app.base_url)
            self.set_header("Cache-Control", "no-store")
            self.finish(join_page_html(url, short, app.token,
                                       f"{app.base_url}{JOIN_STATUS_PATH}"))

    class JoinStatusHandler(InstructorOnly):
        @allow_unauthenticated
        def get(self) -> None:
            if self.refuse():
                return
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-store")
            self.finish(json.dumps(app.devices.status()))

    return [(base_url + JOIN_PATH + "/?", JoinHandler),
            (base_url + JOIN_STATUS_PATH, JoinStatusHandler)]
