"""The upload box for checking a recorded lift: read, analyse and summarise one file.

A file travels from the browser to the kernel as one websocket message, and the Jupyter
server (tornado's ``websocket_max_message_size`` application setting, 10 MiB =
10,485,760 bytes by default; jupyter_server 2 and Voila 0.5 keep that default) closes the
connection on anything larger: the file is then silently lost and the page stops answering.
So the box checks the size in the browser before sending anything: files over
`UPLOAD_LIMIT_BYTES` (the message limit minus room for the message's own header) are refused
with a message, and the limit is written on the box. A server started with a larger
``ServerApp.tornado_settings={"websocket_max_message_size": ...}`` can pass its own limit.

The moment a new file is chosen, the previous result is cleared and the box says which file
it is reading, so an old result is never shown under a new file's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets
from IPython.display import display

from hinge_lib.model.body import Body
from hinge_lib.view.recording_figures import (
    ACCEPTED_SUFFIXES,
    check_upload,
    plot_angles,
    upload_message,
)

SERVER_MESSAGE_LIMIT_BYTES = 10 * 1024 * 1024
UPLOAD_LIMIT_BYTES = SERVER_MESSAGE_LIMIT_BYTES - 64 * 1024

_ESM = """
function size(n) { return (n / 1e6).toFixed(1) + " MB"; }
function render({ model, el }) {
  const label = document.createElement("label");
  label.className = "hinge-upload-label";
  const input = document.createElement("input");
  input.type = "file";
  input.accept = model.get("accept");
  input.className = "hinge-upload-input";
  const text = document.createElement("span");
  text.textContent = model.get("description") + " (" + model.get("accept").split(",").join(" ")
    + ", up to " + size(model.get("limit_bytes")) + ") ";
  label.append(text, input);
  const status = document.createElement("div");
  status.className = "hinge-upload-status";
  status.setAttribute("role", "status");
  el.append(label, status);
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    input.value = "";
    if (!file) { return; }
    const limit = model.get("limit_bytes");
    model.send({ event: "start", name: file.name, size: file.size });
    if (file.size > limit) {
      status.textContent = file.name + " is " + size(file.size) + ": over the " + size(limit)
        + " limit of this page, so it was not sent.";
      model.send({ event: "too_big", name: file.name, size: file.size });
      return;
    }
    status.textContent = "Sending " + file.name + " (" + size(file.size) + ")...";
    const buffer = await file.arrayBuffer();
    model.send({ event: "file", name: file.name, size: file.size }, undefined, [buffer]);
    status.textContent = "";
  });
}
export default { render };
"""


class UploadBox(anywidget.AnyWidget):
    """A file chooser that refuses files over ``limit_bytes`` in the browser and sends the
    others to the kernel as one binary message (see the module documentation)."""

    _esm = _ESM
    accept = traitlets.Unicode(ACCEPTED_SUFFIXES).tag(sync=True)
    description = traitlets.Unicode("Upload a recording").tag(sync=True)
    limit_bytes = traitlets.Int(UPLOAD_LIMIT_BYTES).tag(sync=True)


def _event_of(content: object) -> tuple[str | None, str, int]:
    """``(event, file name, size in bytes)`` of a message from the upload box's page.

    ``event`` is None for anything the page does not send: not a mapping, an unknown event,
    or a size that is not a whole number of bytes. The name is cut to 200 characters.

    Examples
    --------
    >>> _event_of({"event": "start", "name": "a.csv", "size": 120})
    ('start', 'a.csv', 120)
    >>> _event_of(["start"])[0] is None, _event_of({"event": "file", "size": -1})[0] is None
    (True, True)
    """
    if not isinstance(content, dict) or content.get("event") not in ("start", "too_big", "file"):
        return None, "", 0
    size = content.get("size", 0)
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size < 2**53:
        return None, "", 0
    return str(content["event"]), str(content.get("name", "file"))[:200], size


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def too_big_message(name: str, size: int, limit: int = UPLOAD_LIMIT_BYTES) -> str:
    """The refusal shown for a file over the limit (HTML)."""
    return upload_message(f"{name} is {_megabytes(size)} ({size} bytes): over the "
                          f"{_megabytes(limit)} limit of this page, so it was not read. Cut the "
                          "recording into parts, or export fewer columns.", "bad")


def upload_checker(body: Body | None = None, load_kg: float = 0.0,
                   on_report: Callable[[Any], None] | None = None,
                   limit_bytes: int = UPLOAD_LIMIT_BYTES) -> widgets.VBox:
    """A file-upload box: each uploaded .mot/.csv is read, analysed and summarised.

    Parameters
    ----------
    body, load_kg : passed to `analyze_motion`.
    on_report : called with each good `MotionReport`.
    limit_bytes : the largest file sent (default `UPLOAD_LIMIT_BYTES`, stated on the box).

    Returns
    -------
    ``VBox([upload, message, output])``. A bad or too large file shows a message, never a
    traceback, and the box stays ready for the next file. ``box.handle_file(name, content)``
    runs the same steps as an upload (for tests and scripts); ``box.handle_upload(change)``
    takes an ipywidgets ``FileUpload``-style change.

    Examples
    --------
    >>> box = upload_checker()
    >>> box.children[0].limit_bytes == UPLOAD_LIMIT_BYTES
    True
    """
    upload = UploadBox(limit_bytes=int(limit_bytes))
    message = widgets.HTML(value=f"Choose an OpenSim .mot or a Kinovea CSV of joint angles "
                           f"(up to {_megabytes(limit_bytes)}).")
    output = widgets.Output()

    def start(name: str, size: int) -> None:
        output.clear_output()
        output.outputs = ()
        message.value = upload_message(f"Reading {name} ({_megabytes(size)})...")

    def handle_file(name: str, content: bytes | memoryview) -> None:
        start(name, len(content))
        if len(content) > limit_bytes:
            message.value = too_big_message(name, len(content), limit_bytes)
            return
        html, report = check_upload(bytes(content), name, body=body, load_kg=load_kg)
        message.value = html
        if report is not None:
            with output:
                if not report.reps.empty:
                    display(report.reps.round(2))
                display(plot_angles(report, title=f"{name}: joint angles"))
            if on_report is not None:
                on_report(report)

    def on_msg(_widget: Any, content: dict, buffers: list) -> None:
        # the message comes from the browser: anything but the page's own shape is refused
        event, name, size = _event_of(content)
        if event is None:
            message.value = upload_message(
                "The upload box got a message it does not understand (not one sent by this "
                "page); nothing was read. Choose the file again.", "bad")
        elif event == "start":
            start(name, size)
        elif event == "too_big":
            message.value = too_big_message(name, size, limit_bytes)
        elif event == "file" and buffers:
            handle_file(name, buffers[0])

    def handle_upload(change: dict) -> None:
        for item in (change.get("new") or ())[:1]:
            handle_file(item["name"], item["content"])

    upload.on_msg(on_msg)
    box = widgets.VBox([upload, message, output])
    box.handle_file = handle_file  # type: ignore[attr-defined]
    box.handle_upload = handle_upload  # type: ignore[attr-defined]
    box.handle_message = on_msg  # type: ignore[attr-defined]
    return box
