"""The kernel connection the course's servers use (hinge_lib.serving)."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from hinge_lib import serving

ROOT = Path(__file__).resolve().parent.parent


class FakeHandler:
    def __init__(self, open_socket: bool = True, fails: bool = False) -> None:
        self.ws_connection = object() if open_socket else None
        self.fails = fails
        self.nodelay: bool | None = None

    def set_nodelay(self, value: bool) -> None:
        if self.fails:
            raise OSError("socket closed")
        self.nodelay = value


def test_nagle_is_switched_off_on_an_open_socket():
    handler = FakeHandler()
    assert serving.send_without_delay(handler) is True
    assert handler.nodelay is True


def test_a_closed_or_failing_socket_is_left_alone():
    closed = FakeHandler(open_socket=False)
    assert serving.send_without_delay(closed) is False
    assert closed.nodelay is None
    assert serving.send_without_delay(FakeHandler(fails=True)) is False


def test_the_class_named_in_the_options_is_jupyters_connection():
    module, name = serving.CONNECTION_CLASS.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    assert cls is serving.NoDelayKernelConnection
    assert issubclass(cls, ZMQChannelsWebsocketConnection)
    (voila_option,) = serving.VOILA_OPTIONS
    (lab_option,) = serving.LAB_OPTIONS
    assert voila_option == "--Voila.kernel_websocket_connection_class=" + serving.CONNECTION_CLASS
    assert lab_option == f"--ServerApp.kernel_websocket_connection_class={module}.{name}"


def test_tasks_py_starts_the_servers_with_it():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.KERNEL_CONNECTION == serving.CONNECTION_CLASS


@pytest.mark.slow
def test_voila_accepts_the_option():
    out = subprocess.run(
        [sys.executable, "-m", "voila", "--help-all"], capture_output=True, text=True, check=True
    ).stdout
    assert "--Voila.kernel_websocket_connection_class" in out
