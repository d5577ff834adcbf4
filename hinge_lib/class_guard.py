"""What the class app keeps from students' pages and from its log.

- :class:`ClassKernelConnection`: the class app's kernel connection (Jupyter's, with
  ``TCP_NODELAY`` and compression, see :mod:`hinge_lib.serving`) that does not pass what a
  kernel writes to stderr on to the page: warnings and the traceback of a widget message the
  kernel could not take stay in the instructor's terminal (debug level), and an ``error``
  message reaches the page as :data:`ERROR_NOTE` alone, without its traceback. (Jupyter's
  own ``MappingKernelManager.allow_tracebacks = False`` is not used: in jupyter_server 2.x
  it fails with an AttributeError on the first error message.)
- :class:`HideInLog` / :func:`hide_in_log`: the access code never reaches the log, not even
  in tornado's "Uncaught exception GET /...?token=..." lines.
- :func:`write_kernel_profile`: the kernels' IPython profile. A widget message a kernel
  cannot take (a slider's ``orientation`` set to a path, say) makes IPython format a
  traceback that no page shows; in its default, syntax-coloured form that costs the kernel
  about 20 ms a message, so a classmate sending such messages could keep a kernel busy. The
  profile formats them in one line (IPython's "Minimal" mode, well under a millisecond) and
  keeps no input history, which forty kernels would otherwise share in one SQLite file.

This module is imported by the Jupyter server, not by notebooks.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from hinge_lib.serving import NoDelayKernelConnection

#: The class kernels' IPython settings (see the module documentation).
KERNEL_PROFILE = """\
# Written by the class app when it starts (hinge_lib/class_guard.py); its kernels read it.
c.InteractiveShell.xmode = "Minimal"
c.HistoryManager.enabled = False
"""

#: What a page shows instead of a traceback (the terminal keeps the details).
ERROR_NOTE = "Something went wrong on the course server; reloading the page starts it afresh."


class ClassKernelConnection(NoDelayKernelConnection):
    """The class app's kernel connection: what the kernel writes to stderr (warnings, the
    traceback of a widget message it could not take) stays in the instructor's terminal at
    debug level and never reaches the student's page; an ``error`` message reaches it as
    :data:`ERROR_NOTE` without its traceback."""

    def handle_outgoing_message(self, stream: Any, outgoing_msg: list[Any]) -> None:
        kind, text = _output_kind(self.session, stream, outgoing_msg)
        if kind == "stderr":
            self.log.debug("kernel %s wrote to stderr (not sent to the page): %.300s",
                           self.kernel_id, text)
            return
        if kind == "error":
            self.log.debug("kernel %s error (the page gets a note): %.300s", self.kernel_id,
                           text)
            outgoing_msg = without_traceback(self.session, outgoing_msg)
        super().handle_outgoing_message(stream, outgoing_msg)


def _output_kind(session: Any, stream: Any, msg_list: list[Any]) -> tuple[str | None, str]:
    """("stderr", text) for an iopub stream message to stderr, ("error", "ename: evalue") for
    an iopub error message, (None, "") for anything else."""
    channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
    if channel != "iopub":
        return None, ""
    try:
        _, parts = session.feed_identities(msg_list)  # signature, header, parent, meta, content
        msg_type = session.unpack(parts[1]).get("msg_type")
        if msg_type not in ("stream", "error"):
            return None, ""
        content = session.unpack(parts[4])
    except (ValueError, IndexError, TypeError):
        return None, ""
    if msg_type == "error":
        return "error", f"{content.get('ename')}: {content.get('evalue')}"
    if content.get("name") == "stderr":
        return "stderr", str(content.get("text", ""))
    return None, ""


def without_traceback(session: Any, msg_list: list[Any]) -> list[Any]:
    """The same error message (signed again by ``session``) saying only :data:`ERROR_NOTE`."""
    idents, parts = session.feed_identities(msg_list)
    msg = session.deserialize(parts)
    msg["content"] = {"ename": "Error", "evalue": ERROR_NOTE, "traceback": [ERROR_NOTE]}
    return session.serialize(msg, idents)


class HideInLog(logging.Filter):
    """Blank out a secret (the access code) and any ``token=`` value in log records."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def redact(self, text: str) -> str:
        if self.secret:
            text = text.replace(self.secret, "[access code]")
        return _TOKEN_IN_URL.sub(r"\1[access code]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


_TOKEN_IN_URL = re.compile(r"([?&;]token=)(?!\[access code\])[^&\s'\"]+")


def hide_in_log(secret: str | None, *loggers: logging.Logger) -> HideInLog:
    """Keep ``secret`` out of every log handler there is: those of these loggers, of the root
    logger and of every logger made so far, and Python's last-resort handler (tornado's
    "Uncaught exception GET /...?token=..." and "400 GET ...?token=..." lines pass through
    one of them)."""
    redactor = HideInLog(secret or "")
    known = [v for v in logging.root.manager.loggerDict.values() if isinstance(v, logging.Logger)]
    handlers = {h for logger in (*loggers, logging.getLogger(), *known) for h in logger.handlers}
    if logging.lastResort is not None:  # what logs without a handler of their own go to
        handlers.add(logging.lastResort)
    for handler in handlers:
        handler.addFilter(redactor)
    return redactor


def write_kernel_profile(folder: Path) -> Path:
    """Write the class kernels' IPython profile (:data:`KERNEL_PROFILE`) into
    ``folder/ipython`` and return that folder, the kernels' ``$IPYTHONDIR``."""
    ipython_dir = Path(folder) / "ipython"
    profile = ipython_dir / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    # written whole, then renamed: a kernel starting meanwhile never reads half a file
    part = profile / f".ipython_kernel_config.py.{os.getpid()}"
    part.write_text(KERNEL_PROFILE, encoding="utf-8")
    os.replace(part, profile / "ipython_kernel_config.py")
    return ipython_dir
