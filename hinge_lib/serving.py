"""Serving the course: a kernel connection that delivers each widget message at once.

Every slider move travels browser -> server -> kernel and back as a few small websocket
messages. Jupyter's server leaves Nagle's algorithm on for the kernel websocket, so when it
writes two small messages in a row the second waits until the browser acknowledges the first,
and browsers delay that acknowledgement by up to 40 ms. Measured under Voila in Chromium on
the course machine: a one-trace figure took about 60 ms from key press to redraw, of which
about 40 ms was this wait; with the option below it took about 24 ms.

:class:`NoDelayKernelConnection` is Jupyter's own connection with ``TCP_NODELAY`` switched on
when the websocket opens; nothing else changes. ``python3 tasks.py course`` and
``python3 tasks.py app`` start JupyterLab and Voila with it, and so do the browser tests.
Start them by hand with the options in :data:`VOILA_OPTIONS` / :data:`LAB_OPTIONS`.

This module is imported by the Jupyter server, not by notebooks.
"""

from __future__ import annotations

import contextlib
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

#: Import path of the connection class, as the servers' options take it.
CONNECTION_CLASS = "hinge_lib.serving.NoDelayKernelConnection"
#: Command-line options for ``voila`` and ``jupyter lab``.
VOILA_OPTIONS: tuple[str, ...] = (f"--Voila.kernel_websocket_connection_class={CONNECTION_CLASS}",)
LAB_OPTIONS: tuple[str, ...] = (
    f"--ServerApp.kernel_websocket_connection_class={CONNECTION_CLASS}",
)


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's kernel websocket connection, sending small messages without delay."""

    def connect(self) -> Any:
        send_without_delay(self.websocket_handler)
        return super().connect()


def send_without_delay(handler: Any) -> bool:
    """Switch Nagle's algorithm off on an open tornado websocket; True if it was done.

    A handler whose socket is already gone (the page closed while connecting) is left alone.
    """
    if getattr(handler, "ws_connection", None) is None:
        return False
    with contextlib.suppress(OSError, AttributeError):
        handler.set_nodelay(True)
        return True
    return False
